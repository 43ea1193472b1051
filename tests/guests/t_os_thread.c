/* t_os_thread.c - guestos threads: join and exit statuses, round-robin yield, a spinning
 * thread preempted by the timer slice, mutual exclusion under preemption (with an unlocked
 * control that does lose updates), condition-variable and semaphore wake-ups, and sleeping.
 *
 * expect/t_os_thread.opts sets a short quantum, so slices end close to when they are due.
 */
#include <guestos.h>

#include "guestos/param.h"
#include "tests/guests/check.h"

/* --- join, exit, yield ------------------------------------------------------------------- */

static char rr_log[16];
static unsigned rr_len;

static int rr_worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		rr_log[rr_len++] = (char)(uintptr_t)arg;
		thread_yield();
	}
	return 0;
}

static void exit_deep(int status)
{
	thread_exit(status);
}

static int exits_from_helper(void *arg)
{
	(void)arg;
	exit_deep(7);
	return 99; /* not reached */
}

static int returns_arg(void *arg)
{
	return (int)(uintptr_t)arg;
}

static void test_join_and_yield(void)
{
	struct thread *a = thread_create("a", rr_worker, (void *)'a');
	struct thread *b = thread_create("b", rr_worker, (void *)'b');
	struct thread *c = thread_create("c", rr_worker, (void *)'c');
	check_u32("main_is_thread_0", (uint32_t)thread_id(thread_self()), 0);
	check_str("main_is_named_main", thread_name(thread_self()), "main");
	check_u32("ids_in_creation_order", (uint32_t)(thread_id(a) * 100 + thread_id(b) * 10 + thread_id(c)), 123);
	check_u32("create_does_not_run_the_thread", rr_len, 0);
	check_u32("join_a", (uint32_t)thread_join(a), 0);
	thread_join(b);
	thread_join(c);
	check_str("yield_is_round_robin", rr_log, "abcabcabc");

	struct thread *e = thread_create("exit", exits_from_helper, NULL);
	check_u32("thread_exit_status", (uint32_t)thread_join(e), 7);
	struct thread *r = thread_create("ret", returns_arg, (void *)42);
	thread_yield(); /* r runs and exits before the join */
	check_u32("join_after_exit_returns_status", (uint32_t)thread_join(r), 42);
	check_u32("join_null_fails", (uint32_t)thread_join(NULL), (uint32_t)-1);
	check_u32("join_self_fails", (uint32_t)thread_join(thread_self()), (uint32_t)-1);
	check_u32("switches_counted", thread_switch_count() > 0, 1);

	/* Slots and stacks are reused: many more threads than GUESTOS_THREADS_MAX over time. */
	unsigned ok = 0;
	for (int i = 0; i < 200; i++) {
		struct thread *t = thread_create("many", returns_arg, (void *)(uintptr_t)i);
		ok += t && thread_join(t) == i;
	}
	check_u32("join_frees_slot_and_stack", ok, 200);
}

/* --- preemption ----------------------------------------------------------------------------- */

static volatile int stop_spinning;
static volatile unsigned spins;

static int spinner(void *arg)
{
	(void)arg;
	while (!stop_spinning) /* never yields: only the timer can take the CPU away */
		spins++;
	return 0;
}

static void test_preemption(void)
{
	uint32_t before = thread_preempt_count();
	struct thread *t = thread_create("spinner", spinner, NULL);
	/* main sleeps; the spinner runs; when main's timer wakes it, the spinner's slice runs out
	 * and main gets the CPU back, or this never returns (run.sh's --max-insns ends it). */
	sleep_us(2000);
	stop_spinning = 1;
	check_u32("spinner_ran", spins > 0, 1);
	check_u32("spinner_was_preempted", thread_preempt_count() > before, 1);
	check_u32("spinner_joined", (uint32_t)thread_join(t), 0);
}

/* --- mutual exclusion under preemption --------------------------------------------------- */

#define WORKERS 4
#define ROUNDS 300

static struct mutex counter_lock = MUTEX_INITIALIZER;
static volatile uint32_t counter;
static volatile int inside; /* threads in the critical section now */
static volatile uint32_t overlaps;

/* counter++ spread over a few hundred instructions, so a slice often ends in the middle. The
 * length varies from call to call: with a fixed one, every slice (a whole number of quanta)
 * could end at the same point of the loop, and that point might lie outside the section. */
static void slow_increment(unsigned round)
{
	if (++inside != 1)
		overlaps++;
	uint32_t v = counter;
	for (volatile unsigned i = 0; i < 40 + round * 37 % 101; i++)
		;
	counter = v + 1;
	inside--;
}

static int locked_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		mutex_lock(&counter_lock);
		slow_increment((unsigned)i);
		mutex_unlock(&counter_lock);
	}
	return 0;
}

static int unlocked_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		slow_increment((unsigned)i);
	return 0;
}

/* Run WORKERS copies of fn; returns how many preemptions happened meanwhile. */
static uint32_t run_workers(int (*fn)(void *))
{
	struct thread *t[WORKERS];
	uint32_t before = thread_preempt_count();

	counter = 0;
	overlaps = 0;
	for (int i = 0; i < WORKERS; i++)
		t[i] = thread_create("worker", fn, NULL);
	for (int i = 0; i < WORKERS; i++)
		thread_join(t[i]);
	return thread_preempt_count() - before;
}

static void test_mutex(void)
{
	uint32_t old = thread_set_slice(50); /* 50 us: preempt often */
	check_u32("default_slice", old, GUESTOS_SLICE_US);

	uint32_t preempted = run_workers(unlocked_worker);
	check_true("control_without_mutex_is_preempted", preempted > 0);
	check_true("control_without_mutex_overlaps", overlaps > 0);
	check_true("control_without_mutex_loses_updates", counter < WORKERS * ROUNDS);

	preempted = run_workers(locked_worker);
	check_true("with_mutex_is_preempted", preempted > 0);
	check_true("with_mutex_contended", counter_lock.contended > 0);
	check_u32("with_mutex_never_overlaps", overlaps, 0);
	check_u32("with_mutex_no_update_lost", counter, WORKERS * ROUNDS);
	check_u32("mutex_free_at_end", counter_lock.owner == NULL, 1);
	check_u32("trylock_free", (uint32_t)mutex_trylock(&counter_lock), 1);
	mutex_unlock(&counter_lock);
	thread_set_slice(old);
}

/* --- condition variables and semaphores -------------------------------------------------- */

static struct mutex m = MUTEX_INITIALIZER;
static struct cond cv = COND_INITIALIZER;
static int go;         /* tickets: each waiter that wakes with go > 0 takes one */
static char woke[8];
static unsigned nwoke;

static int cv_waiter(void *arg)
{
	mutex_lock(&m);
	while (go == 0)
		cond_wait(&cv, &m);
	go--;
	woke[nwoke++] = (char)(uintptr_t)arg;
	check_u32("waiter_holds_mutex_after_wait", m.owner == thread_self(), 1);
	mutex_unlock(&m);
	return 0;
}

static struct sem sem;
static int sem_taken;

static int sem_taker(void *arg)
{
	(void)arg;
	sem_wait(&sem);
	sem_taken++;
	return 0;
}

static int trylock_other(void *arg)
{
	(void)arg;
	return mutex_trylock(&m);
}

static void test_cond_and_sem(void)
{
	struct thread *w[3];
	for (int i = 0; i < 3; i++)
		w[i] = thread_create("waiter", cv_waiter, (void *)(uintptr_t)('x' + i));
	sleep_us(100); /* all three wait, in order x, y, z */
	check_u32("waiters_block", nwoke, 0);

	mutex_lock(&m);
	struct thread *t = thread_create("trylock", trylock_other, NULL);
	check_u32("trylock_fails_when_held", (uint32_t)thread_join(t), 0);
	go = 1;
	cond_signal(&cv);
	mutex_unlock(&m);
	sleep_us(100);
	check_str("signal_wakes_one_longest_waiter", woke, "x");

	mutex_lock(&m);
	go = 2;
	cond_broadcast(&cv);
	mutex_unlock(&m);
	for (int i = 0; i < 3; i++)
		thread_join(w[i]);
	check_str("broadcast_wakes_the_rest_in_order", woke, "xyz");

	sem_init(&sem, 1);
	sem_wait(&sem); /* a count of 1: does not block */
	struct thread *s1 = thread_create("sem", sem_taker, NULL);
	struct thread *s2 = thread_create("sem", sem_taker, NULL);
	sleep_us(100);
	check_u32("sem_wait_blocks_at_zero", (uint32_t)sem_taken, 0);
	sem_post(&sem);
	sem_post(&sem);
	sem_post(&sem); /* no waiter left for this one: it is remembered */
	thread_join(s1);
	thread_join(s2);
	check_u32("sem_post_wakes_each_waiter", (uint32_t)sem_taken, 2);
	check_u32("sem_post_without_waiter_counts", sem.count, 1);
}

/* --- sleeping ----------------------------------------------------------------------------- */

static uint64_t woke_at[3];

static int sleeper(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	uint64_t start = now_ns();
	sleep_us(300u * (3 - i)); /* 900, 600, 300 us */
	woke_at[i] = now_ns() - start;
	return 0;
}

static void test_sleep(void)
{
	struct thread *t[3];
	for (unsigned i = 0; i < 3; i++)
		t[i] = thread_create("sleeper", sleeper, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < 3; i++)
		thread_join(t[i]);
	unsigned ok = 0;
	for (unsigned i = 0; i < 3; i++) {
		uint64_t want = 300000u * (3 - i);
		ok += woke_at[i] >= want && woke_at[i] < want + 20000u;
	}
	check_u32("sleepers_wake_on_time", ok, 3);
	uint64_t t0 = now_ns();
	sleep_us(0); /* a yield: returns at once with no one else to run */
	check_true("sleep_0_returns_at_once", now_ns() - t0 < 10000u);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_join_and_yield();
	test_preemption();
	test_mutex();
	test_cond_and_sem();
	test_sleep();
	return check_status();
}
