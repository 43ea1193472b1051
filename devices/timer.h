/* timer.h - the timer device (DVA-1 section 7): one-shot on port 0xD300, periodic on 0xD301,
 * OUT DX, EAX of a count of microseconds; both raise line 0. */
#ifndef DENALI_TIMER_H
#define DENALI_TIMER_H

#include <stdint.h>

#include "devices/device.h"

#define TIMER_NEVER UINT64_MAX

struct timer {
	struct device dev;       /* first: the bus sees a struct device */
	uint64_t oneshot_at;     /* system time (ns) the one-shot fires, or TIMER_NEVER */
	uint64_t periodic_next;  /* next tick of the periodic timer (ns), or TIMER_NEVER */
	uint64_t period_ns;      /* its period, 0 when stopped */
	void *owner;             /* the VM */
	uint64_t (*now)(void *owner);    /* the system time as the running guest sees it */
	void (*changed)(void *owner);    /* the next expiry moved: the kernel reorders its events */
};

struct timer *timer_new(void *owner, uint64_t (*now)(void *), void (*changed)(void *));
/* The earliest time either timer fires, or TIMER_NEVER. */
uint64_t timer_next(const struct timer *t);
/* Fire what is due at time now: returns whether line 0 must be raised. Periodic ticks that fell
 * since the last expiry fold into this one (DVA-1 section 7). */
int timer_expire(struct timer *t, uint64_t now);

#endif
