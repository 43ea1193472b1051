/* ticker.c - a periodic timer's guest: prints a line every N ticks, idles in between, and
 * terminates after M ticks. The paper's idle VM: it costs almost nothing while it waits.
 *
 *   denali run --args "N M PERIOD_US" build/guests/ticker.elf     (defaults 10 50 1000)
 */
#include <denali.h>

static uint32_t arg(int argc, char **argv, int i, uint32_t dflt)
{
	if (i >= argc)
		return dflt;
	uint32_t v = 0;
	for (const char *p = argv[i]; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint32_t)(*p - '0');
	return v ? v : dflt;
}

static void out32(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static uint64_t now_ns(void)
{
	uint32_t hi, lo;
	do { /* DVA-1 section 3: high, low, high again */
		hi = (uint32_t)(dva_page0.time_ns >> 32);
		lo = (uint32_t)dva_page0.time_ns;
	} while (hi != (uint32_t)(dva_page0.time_ns >> 32));
	return (uint64_t)hi << 32 | lo;
}

int main(int argc, char **argv)
{
	uint32_t every = arg(argc, argv, 1, 10), total = arg(argc, argv, 2, 50);
	uint32_t period = arg(argc, argv, 3, 1000);
	uint32_t ticks = 0;

	dva_page0.irq_mask = 1u << DVA_LINE_TIMER; /* wake IDLE on the timer; no upcalls */
	out32(DVA_PORT_TIMER_PERIODIC, period);
	while (ticks < total) {
		dva_idle(DVA_IDLE_FOREVER);
		if (!(dva_page0.irq_pending & (1u << DVA_LINE_TIMER)))
			continue;
		dva_page0.irq_pending = 1u << DVA_LINE_TIMER; /* write 1 to clear */
		ticks++;
		if (ticks % every == 0)
			dva_printf("vm %u: tick %u at %u us\n", (unsigned)dva_page0.vm_id, (unsigned)ticks,
				   (unsigned)(now_ns() / 1000u));
	}
	out32(DVA_PORT_TIMER_PERIODIC, 0);
	return 0;
}
