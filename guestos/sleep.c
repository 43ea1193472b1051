/* sleep.c - sleeping: block the calling thread until a time, on its own software timer. */
#include "guestos/defs.h"
#include "irq.h"
#include "thread.h"
#include "timer.h"

void sleep_until_ns(uint64_t when_ns)
{
	int s = irq_disable();
	sched_sleep_until(when_ns);
	irq_restore(s);
}

void sleep_us(uint64_t us)
{
	if (us == 0) {
		thread_yield();
		return;
	}
	sleep_until_ns(now_ns() + us * 1000u);
}
