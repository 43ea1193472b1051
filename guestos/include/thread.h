/* thread.h - threads: create, exit, join, yield; round-robin, preempted by the timer. */
#ifndef GUESTOS_THREAD_H
#define GUESTOS_THREAD_H

#include <stdint.h>

/* A thread (opaque; guestos keeps GUESTOS_THREADS_MAX of them, main's included). */
struct thread;

/* Start fn(arg) in a new thread with a GUESTOS_STACK_SIZE stack. It is queued behind the
 * threads already runnable; the caller carries on. Returns NULL when no slot or stack is free.
 * fn's return value is the thread's exit status, as if it called thread_exit. */
struct thread *thread_create(const char *name, int (*fn)(void *arg), void *arg);
/* End the calling thread with status. In main, it ends only the main thread; the program ends
 * (status 0) when the last thread exits, or at once when main returns or anyone calls exit. */
__attribute__((noreturn)) void thread_exit(int status);
/* Wait for t to exit, free its slot and stack, and return its status. One joiner per thread;
 * -1 for t = NULL, the caller itself, or the main thread. */
int thread_join(struct thread *t);
/* Let the other runnable threads run first (round-robin); returns at once if there are none. */
void thread_yield(void);

struct thread *thread_self(void);
int thread_id(const struct thread *t);          /* 0 for main, then 1, 2, ... in creation order */
const char *thread_name(const struct thread *t); /* "main" for main */

/* The preemption slice in us of system time: when other threads are runnable, the running one
 * is preempted after this long (at the upcall that follows). 0 turns preemption off; yield,
 * blocking and sleeping always switch. Default GUESTOS_SLICE_US. Returns the previous slice. */
uint32_t thread_set_slice(uint32_t us);

/* Scheduler statistics: context switches, and how many of them were preemptions. */
uint32_t thread_switch_count(void);
/* With on = 1, the idle loop never IDLEs with a timeout: while a timer is armed it spins until
 * the timer is due (or an enabled line rises), and IDLEs only when none is. The machine of the
 * Denali paper's Figure 5 without idle-with-timeout; for experiments, never for real work.
 * Returns the old setting. */
int guestos_set_idle_spin(int on);
uint32_t thread_preempt_count(void);

#endif
