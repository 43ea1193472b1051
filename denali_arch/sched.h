/* sched.h - the scheduler (sched.c): its two orderings, the run queue and the event heap, and the
 * policy that uses them (DVA-1 section 5): who runs next, who wakes when, and what a raised line
 * or a moved deadline changes. */
#ifndef DENALI_SCHED_H
#define DENALI_SCHED_H

#include <stdbool.h>

#include "denali_arch/kernel.h"

/* ---- the structures ---- */
void runq_push_back(struct runq *q, struct vm *v);
void runq_push_front(struct runq *q, struct vm *v);
struct vm *runq_pop(struct runq *q);
/* Take v out wherever it is (sync mode moves a VM to the front). */
bool runq_remove(struct runq *q, struct vm *v);

/* Set v's key to at (DEV_NEVER takes it out of the heap). */
void events_update(struct event_heap *h, struct vm *v, uint64_t at);
/* The VM with the earliest event, or NULL. */
struct vm *events_top(const struct event_heap *h);

/* ---- the policy ---- */
/* Recompute v's key in the event heap: its devices' next deadline and, idle, its IDLE timeout. */
void sched_update_event(struct kernel *k, struct vm *v);
/* Fire every device deadline and IDLE timeout due at or before now, in time order, then queue
 * the VMs that woke. */
void sched_fire_events(struct kernel *k, uint64_t now);
/* Wake an idle VM at system time when (EAX = 0 when an enabled line is pending, else 1): it joins
 * the VMs woken at this boundary. */
void sched_wake(struct kernel *k, struct vm *v, uint64_t when);
/* Push the VMs woken since the last call to the front of the run queue, by wake time then vm_id. */
void sched_queue_woken(struct kernel *k);
/* v executed IDLE (EAX = its timeout): to the tail for IDLE 0, else off the run queue. */
void sched_go_idle(struct kernel *k, struct vm *v);
/* The switch's rounds (batched mode): whether frames waiting to leave should be carried now,
 * and, after they are, the start of the next round. A sender and its receivers that wake at
 * every boundary (a ping-pong, a flood) would otherwise keep the head of the queue for ever:
 * a round lets every VM runnable at its start have its quantum first. */
bool sched_switch_due(const struct kernel *k);
void sched_switch_ran(struct kernel *k);
/* v leaves the run queue (popped to run, or taken out): the round may be over. */
static inline void sched_left_queue(struct kernel *k, const struct vm *v)
{
	if (v == k->round_end)
		k->round_over = true;
}

/* The struct vm_events every VM of the kernel reports to. */
void sched_line_raised(void *kernel, struct vm *v);
void sched_deadline_moved(void *kernel, struct vm *v);

#endif
