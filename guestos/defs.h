/* defs.h - guestos-internal functions shared between its files (the public API is in include/:
 * denali.h, irq.h, trap.h, timer.h, thread.h, sync.h). */
#ifndef GUESTOS_DEFS_H
#define GUESTOS_DEFS_H

#include <stddef.h>
#include <stdint.h>

struct thread;
struct trapframe;
struct waitq;

/* start.c: called by crt0's _start on an aligned stack; builds argv, runs main, terminates. */
__attribute__((noreturn)) void dva_start(void);
/* start.c: end the program with status, as main's return does. */
__attribute__((noreturn)) void os_exit(int status);

/* trap.S: 256 entry stubs and the vector table of their addresses (read-only data). */
extern const uint32_t trap_vectors[256];
/* trap.c: the C entry every stub calls with the frame it built. */
void trap(struct trapframe *tf);

/* irq.c: the upcall (vector 32): runs the handler of every line in irq_batch. */
void irq_dispatch(struct trapframe *tf);

/* fault.c: "guestos: panic: ..." on the console, then TERMINATE GUESTOS_EXIT_PANIC. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* timer.c: with interrupts off. Run every callback due by now; the earliest armed expiry
 * (TIMER_NEVER when none). */
#define TIMER_NEVER UINT64_MAX
void timer_run_due(void);
uint64_t timer_next_due(void);

/* thread.c: the scheduler. All of these run with interrupts off. */
extern struct thread *cur_thread;          /* the thread running now; never NULL */
void sched(void);                          /* cur_thread has left RUNNING: switch to the next */
void thread_block(struct waitq *q);        /* queue cur_thread on q and sched() */
void thread_wakeup(struct thread *t);      /* a blocked or sleeping t becomes runnable */
struct thread *waitq_pop(struct waitq *q); /* the longest waiter, or NULL */
void sched_preempt_point(void);            /* end of an upcall: preempt if the slice ran out */
void sched_sleep_until(uint64_t when_ns);  /* block cur_thread until then (sleep.c's core) */

/* idle.c: nothing is runnable: IDLE until a thread is, and return it (dequeued). Runs on the
 * stack of the thread that gave up the CPU. */
struct thread *idle_until_runnable(void);
/* thread.c: pop the run queue (NULL when empty), for idle.c. */
struct thread *runq_pop(void);
/* 1 while the idle loop takes an upcall: the upcall must not switch threads itself. */
extern int sched_in_idle;
/* 1: with a timer armed, the idle loop spins until it is due (or a line rises) instead of
 * IDLEing with a timeout: a machine without idle-with-timeout (guestos_set_idle_spin). */
extern int idle_spin;

/* swtch.S: save callee-saved registers on the current stack and its ESP in *old_sp, load
 * new_sp, pop the registers saved there and return on that stack. */
void swtch(uint32_t *old_sp, uint32_t new_sp);

/* stack.c: thread stacks of GUESTOS_STACK_SIZE bytes, 16-byte aligned; NULL when memory is
 * short. Called with interrupts off. */
void *stack_alloc(void);
void stack_free(void *stack);

/* The network stack (guestos/net/) keeps its own index of shared functions and state in
 * guestos/net/net_defs.h, its tunables in guestos/net/net_param.h. */

#endif
