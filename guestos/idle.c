/* idle.c - the idle loop: with no thread runnable, IDLE until the nearest timer or a line. */
#include "guestos/defs.h"
#include "denali.h"
#include "irq.h"
#include "thread.h"
#include "timer.h"

/* IDLE's timeout for a timer due at due: whole us, rounded up so the VM does not wake before
 * the timer is due, at least 1 (0 would mean "yield") and below DVA_IDLE_FOREVER. */
static uint32_t timeout_us(uint64_t due)
{
	uint64_t now = now_ns(), us = 1;

	if (due == TIMER_NEVER)
		return DVA_IDLE_FOREVER;
	if (due > now)
		us = (due - now + 999u) / 1000u;
	return us < DVA_IDLE_FOREVER ? (uint32_t)us : DVA_IDLE_FOREVER - 1u;
}

int idle_spin;

int guestos_set_idle_spin(int on)
{
	int old = idle_spin;
	idle_spin = on != 0;
	return old;
}

/* Without idle-with-timeout a VM that has a timer armed cannot sleep until it: it burns its
 * quanta checking the clock until the timer is due or an enabled line rises. */
static void spin_until(uint64_t due)
{
	while (now_ns() < due && !(dva_page0.irq_pending & dva_page0.irq_mask))
		;
}

struct thread *idle_until_runnable(void)
{
	for (;;) {
		struct thread *t = runq_pop();
		if (t)
			return t;
		/* Expired timers run here directly (they may wake a thread) ... */
		timer_run_due();
		if ((t = runq_pop()))
			return t;
		/* ... and the VM leaves the run queue until the next one is due or a line in
		 * irq_mask rises; with no timer armed, no timeout at all. IDLE ignores irq_enable,
		 * so a line that rose since interrupts went off returns it at once. Never a busy
		 * loop: each pass either finds work or IDLEs. */
		uint64_t due = timer_next_due();
		if (idle_spin && due != TIMER_NEVER)
			spin_until(due);
		else
			dva_idle(timeout_us(due));
		/* Open a window for the upcall that IDLE woke for (a delivery point). Its handlers
		 * may wake threads; it must not switch threads itself, since this loop is already
		 * choosing one: sched_in_idle tells sched_preempt_point. */
		sched_in_idle = 1;
		irq_restore(1);
		irq_disable();
		sched_in_idle = 0;
	}
}
