/* timer.c - the timer device: two independent timers armed by OUT, expired by the kernel. */
#include "devices/timer.h"

#include <stdlib.h>

#include "denali_arch/dva.h"

uint64_t timer_next(const struct timer *t)
{
	return t->oneshot_at < t->periodic_next ? t->oneshot_at : t->periodic_next;
}

int timer_expire(struct timer *t, uint64_t now)
{
	int fired = 0;
	if (t->oneshot_at <= now) {
		t->oneshot_at = TIMER_NEVER;
		fired = 1;
	}
	if (t->periodic_next <= now) {
		/* Every tick up to now folds into this one; the next is the first after now. */
		uint64_t missed = (now - t->periodic_next) / t->period_ns;
		t->periodic_next += (missed + 1) * t->period_ns;
		fired = 1;
	}
	return fired;
}

static int timer_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct timer *t = (struct timer *)d;
	if (size != 4)
		return -1;
	uint64_t now = t->now(t->owner), ns = (uint64_t)val * 1000u;
	if (port == DVA_PORT_TIMER_ONESHOT) {
		t->oneshot_at = val ? now + ns : TIMER_NEVER;
	} else if (port == DVA_PORT_TIMER_PERIODIC) {
		t->period_ns = ns;
		t->periodic_next = val ? now + ns : TIMER_NEVER;
	} else {
		return -1;
	}
	t->changed(t->owner);
	return 0;
}

static void timer_destroy(struct device *d)
{
	free(d);
}

static const struct device_ops timer_ops = {
	.name = "timer",
	.out = timer_out,
	.destroy = timer_destroy,
};

struct timer *timer_new(void *owner, uint64_t (*now)(void *), void (*changed)(void *))
{
	struct timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->dev.ops = &timer_ops;
	t->dev.port_first = DVA_PORT_TIMER_ONESHOT;
	t->dev.port_last = DVA_PORT_TIMER_PERIODIC;
	t->oneshot_at = t->periodic_next = TIMER_NEVER;
	t->owner = owner;
	t->now = now;
	t->changed = changed;
	return t;
}
