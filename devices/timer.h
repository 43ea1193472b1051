/* timer.h - the timer device (DVA-1 section 7): one-shot on port 0xD300, periodic on 0xD301,
 * OUT DX, EAX of a count of microseconds; both raise line 0. Its deadline is the earlier of the
 * two; the kernel expires it through the port bus like any device's. */
#ifndef DENALI_TIMER_H
#define DENALI_TIMER_H

#include <stdint.h>

#include "devices/device.h"

struct timer {
	struct device dev;       /* first: the bus sees a struct device */
	uint64_t oneshot_at;     /* system time (ns) the one-shot fires, or DEV_NEVER */
	uint64_t periodic_next;  /* next tick of the periodic timer (ns), or DEV_NEVER */
	uint64_t period_ns;      /* its period, 0 when stopped */
};

/* A disarmed timer, or NULL when out of host memory. */
struct timer *timer_new(void);
/* The earliest time either timer fires, or DEV_NEVER. */
uint64_t timer_next(const struct timer *t);
/* Fire what is due at time now: returns whether line 0 must be raised. Periodic ticks that fell
 * since the last expiry fold into this one (DVA-1 section 7). */
int timer_expire(struct timer *t, uint64_t now);

#endif
