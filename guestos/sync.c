/* sync.c - mutexes, condition variables and semaphores: wait queues with interrupts off. */
#include "guestos/defs.h"
#include "irq.h"
#include "sync.h"
#include "thread.h"

/* Every operation here runs with interrupts off (the uniprocessor's whole mutual exclusion),
 * and hands resources over directly: a woken waiter already owns what it waited for. */

void mutex_init(struct mutex *m)
{
	*m = (struct mutex)MUTEX_INITIALIZER;
}

void mutex_lock(struct mutex *m)
{
	int s = irq_disable();
	if (!m->owner) {
		m->owner = cur_thread;
	} else {
		if (m->owner == cur_thread)
			panic("mutex_lock: thread %d already holds this mutex", thread_id(cur_thread));
		m->contended++;
		thread_block(&m->waiters); /* mutex_unlock makes us the owner before waking us */
	}
	irq_restore(s);
}

int mutex_trylock(struct mutex *m)
{
	int s = irq_disable(), took = 0;
	if (!m->owner) {
		m->owner = cur_thread;
		took = 1;
	}
	irq_restore(s);
	return took;
}

/* Pass m to its longest waiter, or leave it unlocked. Interrupts are off. */
static void release(struct mutex *m, const char *who)
{
	if (m->owner != cur_thread)
		panic("%s: thread %d does not hold the mutex", who, thread_id(cur_thread));
	struct thread *t = waitq_pop(&m->waiters);
	m->owner = t;
	if (t)
		thread_wakeup(t);
}

void mutex_unlock(struct mutex *m)
{
	int s = irq_disable();
	release(m, "mutex_unlock");
	irq_restore(s);
}

void cond_init(struct cond *c)
{
	*c = (struct cond)COND_INITIALIZER;
}

void cond_wait(struct cond *c, struct mutex *m)
{
	int s = irq_disable();
	/* Releasing and queueing happen with interrupts off, so no signal can fall between. */
	release(m, "cond_wait");
	thread_block(&c->waiters);
	if (!m->owner) {
		m->owner = cur_thread;
	} else {
		m->contended++;
		thread_block(&m->waiters);
	}
	irq_restore(s);
}

void cond_signal(struct cond *c)
{
	int s = irq_disable();
	struct thread *t = waitq_pop(&c->waiters);
	if (t)
		thread_wakeup(t);
	irq_restore(s);
}

void cond_broadcast(struct cond *c)
{
	int s = irq_disable();
	struct thread *t;
	while ((t = waitq_pop(&c->waiters)))
		thread_wakeup(t);
	irq_restore(s);
}

void sem_init(struct sem *sm, uint32_t count)
{
	*sm = (struct sem){ .count = count };
}

void sem_wait(struct sem *sm)
{
	int s = irq_disable();
	if (sm->count > 0)
		sm->count--;
	else
		thread_block(&sm->waiters); /* sem_post hands its unit straight to us */
	irq_restore(s);
}

void sem_post(struct sem *sm)
{
	int s = irq_disable();
	struct thread *t = waitq_pop(&sm->waiters);
	if (t)
		thread_wakeup(t);
	else
		sm->count++;
	irq_restore(s);
}
