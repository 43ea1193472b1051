/* sched.h - the run queue and the event heap of the kernel (sched.c). */
#ifndef DENALI_SCHED_H
#define DENALI_SCHED_H

#include <stdbool.h>

#include "denali_arch/kernel.h"

void runq_push_back(struct runq *q, struct vm *v);
void runq_push_front(struct runq *q, struct vm *v);
struct vm *runq_pop(struct runq *q);
/* Take v out wherever it is (sync mode moves a VM to the front). */
bool runq_remove(struct runq *q, struct vm *v);

/* Set v's key to at (TIMER_NEVER takes it out of the heap). */
void events_update(struct event_heap *h, struct vm *v, uint64_t at);
/* The VM with the earliest event, or NULL. */
struct vm *events_top(const struct event_heap *h);

#endif
