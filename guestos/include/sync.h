/* sync.h - mutexes, condition variables and counting semaphores for guestos threads. */
#ifndef GUESTOS_SYNC_H
#define GUESTOS_SYNC_H

#include <stdint.h>

struct thread;

/* A FIFO queue of blocked threads (guestos's business). */
struct waitq {
	struct thread *head, *tail;
};

/* A mutex. Blocking, FIFO: unlock hands the mutex straight to the longest waiter, so a thread
 * that unlocks and relocks cannot starve the others. Zero-filled storage is an unlocked mutex. */
struct mutex {
	struct thread *owner; /* NULL when unlocked */
	struct waitq waiters;
	uint32_t contended;   /* lock calls that had to wait (statistics) */
};
#define MUTEX_INITIALIZER { 0 }
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
int mutex_trylock(struct mutex *m); /* 1 if it took the mutex, 0 if another thread holds it */
/* Only the owner may unlock; anything else is reported and ends the program (GUESTOS_EXIT_PANIC). */
void mutex_unlock(struct mutex *m);

/* A condition variable (Mesa semantics: re-check the condition after cond_wait returns).
 * Waiters wake in FIFO order. Zero-filled storage is ready to use. */
struct cond {
	struct waitq waiters;
};
#define COND_INITIALIZER { { 0, 0 } }
void cond_init(struct cond *c);
/* Atomically unlock m and wait for a signal; m is locked again when it returns. */
void cond_wait(struct cond *c, struct mutex *m);
void cond_signal(struct cond *c);    /* wake the longest waiter, if any */
void cond_broadcast(struct cond *c); /* wake every waiter */

/* A counting semaphore: the way an interrupt handler or timer callback hands work to a thread,
 * since sem_post never blocks and a post with no waiter is remembered in the count. */
struct sem {
	uint32_t count;
	struct waitq waiters;
};
void sem_init(struct sem *s, uint32_t count);
void sem_wait(struct sem *s); /* take one, blocking while the count is 0 */
void sem_post(struct sem *s); /* give one back (wakes the longest waiter); safe in handlers */

#endif
