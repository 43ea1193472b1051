/* timer.c - the timer device: two independent timers armed by OUT, expired at their deadline. */
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
		t->oneshot_at = DEV_NEVER;
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
		return DEV_GP;
	uint64_t now = dev_now(d), ns = (uint64_t)val * 1000u;
	if (port == DVA_PORT_TIMER_ONESHOT) {
		t->oneshot_at = val ? now + ns : DEV_NEVER;
	} else if (port == DVA_PORT_TIMER_PERIODIC) {
		t->period_ns = ns;
		t->periodic_next = val ? now + ns : DEV_NEVER;
	} else {
		return DEV_GP;
	}
	dev_deadline_moved(d);
	return DEV_OK;
}

static uint64_t timer_deadline(const struct device *d)
{
	return timer_next((const struct timer *)d);
}

static void timer_fire(struct device *d, uint64_t now)
{
	if (timer_expire((struct timer *)d, now))
		dev_raise(d, DVA_LINE_TIMER);
}

static void timer_destroy(struct device *d)
{
	free(d);
}

static const struct device_ops timer_ops = {
	.out = timer_out,
	.deadline = timer_deadline,
	.expire = timer_fire,
	.destroy = timer_destroy,
};

struct timer *timer_new(void)
{
	struct timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->dev.ops = &timer_ops;
	t->dev.port_first = DVA_PORT_TIMER_ONESHOT;
	t->dev.port_last = DVA_PORT_TIMER_PERIODIC;
	t->dev.lines = 1u << DVA_LINE_TIMER;
	t->oneshot_at = t->periodic_next = DEV_NEVER;
	return t;
}
