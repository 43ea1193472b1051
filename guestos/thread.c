/* thread.c - threads and the scheduler: round-robin run queue, timer-slice preemption, join. */
#include "guestos/defs.h"
#include "guestos/param.h"
#include "denali.h"
#include "irq.h"
#include "sync.h"
#include "thread.h"
#include "timer.h"
#include "trap.h"

enum thread_state {
	T_FREE,     /* slot unused */
	T_RUNNABLE, /* on the run queue */
	T_RUNNING,  /* cur_thread */
	T_BLOCKED,  /* on a wait queue (mutex, condition variable, semaphore, join) */
	T_SLEEPING, /* waiting for its sleep timer */
	T_ZOMBIE,   /* exited, waiting to be joined */
};

struct thread {
	uint32_t sp;             /* saved ESP while switched out (swtch.S) */
	enum thread_state state;
	int id;                  /* 0 main, then 1, 2, ... */
	const char *name;
	struct thread *next;     /* link on the run queue or on one wait queue */
	int (*fn)(void *arg);    /* what a created thread runs */
	void *arg;
	int status;              /* exit status, once T_ZOMBIE */
	struct thread *joiner;   /* the thread waiting in thread_join, if any */
	void *stack;             /* GUESTOS_STACK_SIZE bytes from stack_alloc; NULL for main */
	struct timer sleep_timer;
};

/* main runs on crt0's stack; the other slots start T_FREE (zero). */
static struct thread main_thread = { .state = T_RUNNING, .name = "main" };
static struct thread pool[GUESTOS_THREADS_MAX - 1];
static int next_id = 1;
static int live = 1;     /* threads not yet exited, main included */

struct thread *cur_thread = &main_thread;
int sched_in_idle;

static struct waitq runq;
static uint32_t slice_us = GUESTOS_SLICE_US;
static int slice_expired; /* set by the slice timer, acted on at the end of the upcall */
static void slice_fn(struct timer *t, void *arg);
static struct timer slice_timer = { .fn = slice_fn };
static uint32_t switches, preemptions;

static void enqueue(struct waitq *q, struct thread *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

struct thread *waitq_pop(struct waitq *q)
{
	struct thread *t = q->head;

	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
		t->next = NULL;
	}
	return t;
}

struct thread *runq_pop(void)
{
	return waitq_pop(&runq);
}

static void slice_fn(struct timer *t, void *arg)
{
	(void)t;
	(void)arg;
	slice_expired = 1;
}

static void make_runnable(struct thread *t)
{
	t->state = T_RUNNABLE;
	enqueue(&runq, t);
	/* Someone else can now run: start the running thread's slice if it has none. */
	if (cur_thread->state == T_RUNNING && slice_us && !slice_timer.armed)
		timer_oneshot(&slice_timer, slice_us);
}

void thread_wakeup(struct thread *t)
{
	if (t->state == T_BLOCKED || t->state == T_SLEEPING)
		make_runnable(t);
}

void sched(void)
{
	struct thread *prev = cur_thread, *next = runq_pop();

	if (!next) {
		timer_cancel(&slice_timer); /* the idle loop's timeout must not be a slice */
		next = idle_until_runnable();
	}
	/* A fresh slice for next, if anyone is left waiting to run after it. */
	slice_expired = 0;
	if (runq.head && slice_us)
		timer_oneshot(&slice_timer, slice_us);
	else
		timer_cancel(&slice_timer);
	next->state = T_RUNNING;
	if (next == prev)
		return;
	if (prev->stack && *(volatile uint32_t *)prev->stack != GUESTOS_STACK_CANARY)
		panic("thread %d (%s) overflowed its %u-byte stack", prev->id, prev->name,
		      GUESTOS_STACK_SIZE);
	switches++;
	cur_thread = next;
	/* The x87 state belongs to the thread: a preempted one may be mid-computation. FNSAVE
	 * also resets the FPU, so a new thread starts from the FNINIT state. */
	uint8_t fpu[108];
	__asm__ volatile("fnsave %0" : "=m"(fpu));
	swtch(&prev->sp, next->sp);
	__asm__ volatile("frstor %0" : : "m"(fpu));
}

void thread_block(struct waitq *q)
{
	cur_thread->state = T_BLOCKED;
	enqueue(q, cur_thread);
	sched();
}

void sched_preempt_point(void)
{
	if (!slice_expired || sched_in_idle)
		return;
	slice_expired = 0;
	if (!runq.head || cur_thread->state != T_RUNNING)
		return;
	preemptions++;
	make_runnable(cur_thread);
	sched();
}

static void sleep_wake(struct timer *t, void *arg)
{
	(void)t;
	struct thread *th = arg;
	if (th->state == T_SLEEPING)
		make_runnable(th);
}

void sched_sleep_until(uint64_t when_ns)
{
	struct thread *t = cur_thread;

	timer_init(&t->sleep_timer, sleep_wake, t);
	timer_at(&t->sleep_timer, when_ns);
	t->state = T_SLEEPING;
	sched();
}

/* A created thread's first instructions: swtch "returns" here on its fresh stack. */
static void thread_start(void)
{
	struct thread *t = cur_thread;

	irq_restore(1); /* sched ran with interrupts off; a thread runs with them on */
	thread_exit(t->fn(t->arg));
}

struct thread *thread_create(const char *name, int (*fn)(void *arg), void *arg)
{
	struct thread *t = NULL;

	os_init();
	int s = irq_disable();
	for (size_t i = 0; i < sizeof pool / sizeof pool[0]; i++) {
		if (pool[i].state == T_FREE) {
			t = &pool[i];
			break;
		}
	}
	void *stack = t ? stack_alloc() : NULL;
	if (!stack) {
		irq_restore(s);
		return NULL;
	}
	*t = (struct thread){ .state = T_RUNNABLE, .id = next_id++, .name = name ? name : "thread",
			      .fn = fn, .arg = arg, .stack = stack };
	*(uint32_t *)stack = GUESTOS_STACK_CANARY;
	/* The frame swtch pops: EDI, ESI, EBX, EBP = 0, then thread_start as its return address,
	 * then a 0 return address for thread_start itself, placed so thread_start is entered with
	 * ESP + 4 16-byte aligned, as after a call. */
	uint32_t *sp = (uint32_t *)((uint8_t *)stack + GUESTOS_STACK_SIZE);
	*--sp = 0;
	*--sp = (uint32_t)(uintptr_t)thread_start;
	for (int i = 0; i < 4; i++)
		*--sp = 0;
	t->sp = (uint32_t)(uintptr_t)sp;
	live++;
	make_runnable(t);
	irq_restore(s);
	return t;
}

void thread_exit(int status)
{
	struct thread *t = cur_thread;

	irq_disable();
	t->status = status;
	t->state = T_ZOMBIE;
	if (t->joiner)
		thread_wakeup(t->joiner);
	if (--live == 0)
		os_exit(main_thread.status);
	sched();
	panic("thread %d ran after it exited", t->id);
}

int thread_join(struct thread *t)
{
	if (!t || t == cur_thread || t == &main_thread || t->state == T_FREE)
		return -1;
	int s = irq_disable();
	if (t->joiner && t->joiner != cur_thread) {
		irq_restore(s);
		return -1;
	}
	while (t->state != T_ZOMBIE) {
		t->joiner = cur_thread;
		cur_thread->state = T_BLOCKED;
		sched();
	}
	int status = t->status;
	/* The zombie's stack is free to reuse: it gave up the CPU for good in its last sched(). */
	stack_free(t->stack);
	*t = (struct thread){ .state = T_FREE };
	irq_restore(s);
	return status;
}

void thread_yield(void)
{
	int s = irq_disable();
	if (runq.head) {
		make_runnable(cur_thread);
		sched();
	}
	irq_restore(s);
}

struct thread *thread_self(void)
{
	return cur_thread;
}

int thread_id(const struct thread *t)
{
	return t->id;
}

const char *thread_name(const struct thread *t)
{
	return t->name;
}

uint32_t thread_set_slice(uint32_t us)
{
	int s = irq_disable();
	uint32_t old = slice_us;
	slice_us = us;
	if (!us)
		timer_cancel(&slice_timer);
	else if (runq.head && !slice_timer.armed)
		timer_oneshot(&slice_timer, us);
	irq_restore(s);
	return old;
}

uint32_t thread_switch_count(void)
{
	return switches;
}

uint32_t thread_preempt_count(void)
{
	return preemptions;
}
