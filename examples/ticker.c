/* ticker.c - a periodic software timer's guest: prints a line every N ticks, sleeps in between,
 * and terminates after M ticks. The paper's idle VM: it costs almost nothing while it waits.
 *
 *   denali run --args "N M PERIOD_US" build/guests/ticker.elf     (defaults 10 50 1000)
 *
 * The timer's callback runs in the upcall and only posts a semaphore; main waits on it, so
 * between ticks no thread is runnable and guestos's idle loop IDLEs until the next expiry.
 */
#include <stdio.h>
#include <stdlib.h>

#include <guestos.h>

static struct sem tick;

static uint32_t arg(int argc, char **argv, int i, uint32_t dflt)
{
	uint32_t v = i < argc ? (uint32_t)strtoul(argv[i], NULL, 10) : 0;
	return v ? v : dflt;
}

static void on_tick(struct timer *t, void *unused)
{
	(void)t;
	(void)unused;
	sem_post(&tick);
}

int main(int argc, char **argv)
{
	uint32_t every = arg(argc, argv, 1, 10), total = arg(argc, argv, 2, 50);
	uint32_t period = arg(argc, argv, 3, 1000);
	struct timer timer;

	sem_init(&tick, 0);
	timer_init(&timer, on_tick, NULL);
	timer_periodic(&timer, period);
	for (uint32_t ticks = 1; ticks <= total; ticks++) {
		sem_wait(&tick);
		if (ticks % every == 0)
			printf("vm %u: tick %u at %u us\n", (unsigned)dva_page0.vm_id, (unsigned)ticks,
			       (unsigned)(now_ns() / 1000u));
	}
	timer_cancel(&timer);
	return 0;
}
