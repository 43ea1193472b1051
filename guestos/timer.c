/* timer.c - system time and software timers, all multiplexed on the one-shot timer device. */
#include "guestos/defs.h"
#include "denali.h"
#include "irq.h"
#include "timer.h"

/* The armed timers, earliest first; equal expiries keep the order they were armed in. */
static struct timer *armed;
/* What the one-shot device (port 0xD300) is set for: hw_on = 0 when it is disarmed or has
 * fired, else it will raise line 0 at or after hw_when. */
static int hw_on;
static uint64_t hw_when;
static int line_registered;

uint64_t now_ns(void)
{
	uint32_t hi, lo;

	do { /* DVA-1 section 3: high half, low half, high half again */
		hi = (uint32_t)(dva_page0.time_ns >> 32);
		lo = (uint32_t)dva_page0.time_ns;
	} while (hi != (uint32_t)(dva_page0.time_ns >> 32));
	return (uint64_t)hi << 32 | lo;
}

static void oneshot_out(uint32_t us)
{
	__asm__ volatile("outl %0, %1" : : "a"(us), "Nd"((uint16_t)DVA_PORT_TIMER_ONESHOT));
}

/* Set the one-shot for the earliest armed timer (or disarm it). The device counts whole us
 * from the OUT, so round up: it must never fire before the timer is due. A wait longer than
 * 2^32 - 1 us fires early and is simply programmed again. */
static void program_hw(void)
{
	if (!armed) {
		if (hw_on)
			oneshot_out(0);
		hw_on = 0;
		return;
	}
	if (hw_on && hw_when == armed->when)
		return;
	uint64_t now = now_ns(), us = 1;
	if (armed->when > now)
		us = (armed->when - now + 999u) / 1000u;
	if (us > 0xFFFFFFFFu)
		us = 0xFFFFFFFFu;
	oneshot_out((uint32_t)us);
	hw_on = 1;
	hw_when = armed->when;
}

static void list_insert(struct timer *t)
{
	struct timer **p = &armed;

	while (*p && (*p)->when <= t->when)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->armed = 1;
}

static void list_remove(struct timer *t)
{
	for (struct timer **p = &armed; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = 0;
}

void timer_run_due(void)
{
	/* Only what is due at the start of the pass runs: a callback that re-arms its timer for
	 * "now" waits for the next pass instead of looping here. */
	uint64_t now = now_ns();

	while (armed && armed->when <= now) {
		struct timer *t = armed;
		armed = t->next;
		t->next = NULL;
		t->armed = 0;
		if (t->period) {
			/* Drift-free: the next expiry counts from this one's due time, not from now. */
			t->when += t->period;
			if (t->when <= now) {
				uint64_t skip = (now - t->when) / t->period + 1;
				t->missed += (uint32_t)skip;
				t->when += skip * t->period;
			}
			list_insert(t);
		}
		t->fired++;
		t->fn(t, t->arg);
	}
	program_hw();
}

uint64_t timer_next_due(void)
{
	return armed ? armed->when : TIMER_NEVER;
}

/* Line 0's handler: the one-shot has fired (so it is disarmed); run what is due. */
static void timer_irq(unsigned line)
{
	(void)line;
	hw_on = 0;
	timer_run_due();
}

void timer_init(struct timer *t, void (*fn)(struct timer *t, void *arg), void *arg)
{
	*t = (struct timer){ .fn = fn, .arg = arg };
}

/* Arm t at when (period 0 for a one-shot), with interrupts off. */
static void arm(struct timer *t, uint64_t when, uint64_t period)
{
	if (!line_registered) {
		line_registered = 1;
		irq_register(DVA_LINE_TIMER, timer_irq);
	}
	int s = irq_disable();
	if (t->armed)
		list_remove(t);
	t->when = when;
	t->period = period;
	list_insert(t);
	program_hw();
	irq_restore(s);
}

void timer_at(struct timer *t, uint64_t when_ns)
{
	arm(t, when_ns, 0);
}

void timer_oneshot(struct timer *t, uint64_t us)
{
	arm(t, now_ns() + us * 1000u, 0);
}

void timer_periodic(struct timer *t, uint64_t us)
{
	if (us == 0) {
		timer_cancel(t);
		return;
	}
	arm(t, now_ns() + us * 1000u, us * 1000u);
}

void timer_cancel(struct timer *t)
{
	int s = irq_disable();
	if (t->armed) {
		list_remove(t);
		program_hw();
	}
	irq_restore(s);
}
