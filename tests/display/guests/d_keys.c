/* d_keys.c - key events as a guest takes them from the keyboard (DVA-1 section 7, port 0xD400,
 * line 5), for the --keys cases of tests/display/run.sh.
 *
 *   log END_MS     IDLE (only line 5 in irq_mask, no upcalls) until system time END_MS; at
 *                  each wake print "MS ms: EVENT" for every event IN EAX returns until it
 *                  returns 0 (MS the time_ns after the wake, in whole ms; EVENT in hex), then
 *                  "events N, empty reads 0x0" at the end. Line 5 must be pending at each wake
 *                  that found events ("line 5 not pending" is printed otherwise).
 *   wait           IDLE for ever (only line 5 in irq_mask) and print each event as "MS ms (idle
 *                  R)" after the wake, R IDLE's result; it never ends by itself, so the run
 *                  ends with 125 once no key is left to come.
 *   busy END_MS T_US...   spin without IDLE until END_MS, polling IN EAX; print each release
 *                  as it comes, and each press with whether it came at or after the next T_US
 *                  (its time in the script) and within 200 us of it (one quantum boundary at
 *                  the default quantum), then the count.
 *   queue CLEAR_MS SLEEP_MS END_MS   irq_mask 0 (line 5 masked): IDLE until CLEAR_MS without
 *                  looking, print whether line 5 is pending and clear it; IDLE until SLEEP_MS
 *                  likewise (only events dropped from the full queue can raise it again), then
 *                  drain the queue ("N: EVENT" each, then how many and the read after the
 *                  last); then log until END_MS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denali.h"

#define LINE5 (1u << DVA_LINE_KEYBOARD)

static uint32_t key(void)
{
	uint32_t v = 0x12345678u;
	__asm__ volatile("inl %w1, %0" : "+a"(v) : "Nd"((uint16_t)DVA_PORT_KEYBOARD) : "memory");
	return v;
}

static unsigned total;

static void log_until(uint64_t end)
{
	dva_page0.irq_mask = LINE5;
	for (uint64_t t = dva_time_ns(); t < end; t = dva_time_ns()) {
		dva_idle((uint32_t)((end - t + 999u) / 1000u));
		uint64_t at = dva_time_ns();
		unsigned pending = (dva_page0.irq_pending & LINE5) != 0;
		dva_page0.irq_pending = LINE5;
		unsigned n = 0;
		for (uint32_t e; (e = key()) != 0; n++)
			printf("%u ms: 0x%08x\n", (unsigned)(at / 1000000u), (unsigned)e);
		if (n && !pending)
			printf("line 5 not pending\n");
		total += n;
	}
	dva_page0.irq_mask = 0;
	printf("events %u, empty reads 0x%x\n", total, (unsigned)key());
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	dva_page0.irq_pending = 0xFFFFFFFFu;
	printf("devices 0x%x, first read 0x%x\n", (unsigned)dva_page0.devices, (unsigned)key());
	if (!strcmp(m, "log") && argc > 2) {
		log_until((uint64_t)strtoul(argv[2], NULL, 10) * 1000000u);
	} else if (!strcmp(m, "wait")) {
		dva_page0.irq_mask = LINE5;
		for (;;) {
			uint32_t w = dva_idle(DVA_IDLE_FOREVER);
			uint64_t at = dva_time_ns();
			dva_page0.irq_pending = LINE5;
			for (uint32_t e; (e = key()) != 0;)
				printf("%u ms (idle %u): 0x%08x\n", (unsigned)(at / 1000000u), (unsigned)w, (unsigned)e);
		}
	} else if (!strcmp(m, "busy") && argc > 3) {
		uint64_t end = (uint64_t)strtoul(argv[2], NULL, 10) * 1000000u;
		int next = 3;
		while (dva_time_ns() < end) {
			uint32_t e = key();
			if (!e)
				continue;
			uint64_t at = dva_time_ns();
			total++;
			if (e & 0x80000000u) {
				printf("0x%08x\n", (unsigned)e);
			} else if (next < argc) {
				uint64_t t = (uint64_t)strtoul(argv[next++], NULL, 10) * 1000u;
				printf("0x%08x at %u us: not before it %u, within 200 us %u\n", (unsigned)e,
				       (unsigned)(t / 1000u), at >= t, at < t + 200000u);
			} else {
				printf("0x%08x unexpected\n", (unsigned)e);
			}
		}
		printf("events %u, empty reads 0x%x\n", total, (unsigned)key());
	} else if (!strcmp(m, "queue") && argc > 4) {
		dva_page0.irq_mask = 0;
		uint64_t clear = (uint64_t)strtoul(argv[2], NULL, 10) * 1000000u;
		uint64_t sleep = (uint64_t)strtoul(argv[3], NULL, 10) * 1000000u;
		while (dva_time_ns() < clear)
			dva_idle((uint32_t)((clear - dva_time_ns() + 999u) / 1000u));
		printf("line 5 pending at %s ms %u\n", argv[2], (dva_page0.irq_pending & LINE5) != 0);
		dva_page0.irq_pending = LINE5;
		while (dva_time_ns() < sleep)
			dva_idle((uint32_t)((sleep - dva_time_ns() + 999u) / 1000u));
		printf("line 5 pending at %s ms %u\n", argv[3], (dva_page0.irq_pending & LINE5) != 0);
		dva_page0.irq_pending = LINE5;
		unsigned n = 0;
		for (uint32_t e; (e = key()) != 0; n++)
			printf("%u: 0x%08x\n", n, (unsigned)e);
		printf("drained %u, then 0x%x\n", n, (unsigned)key());
		log_until((uint64_t)strtoul(argv[4], NULL, 10) * 1000000u);
	} else {
		printf("usage: log END_MS | wait | busy END_MS T_US... | queue CLEAR_MS SLEEP_MS END_MS\n");
		return 1;
	}
	return 0;
}
