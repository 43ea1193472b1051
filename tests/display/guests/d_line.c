/* d_line.c - when the display's line 6 rises (DVA-1 section 7), on the bare machine (no upcalls:
 * irq_enable stays 0) under the deterministic clock (tests/display/run.sh).
 *
 * The line rises at the display's next refresh strictly after a successful PRESENT: the first
 * multiple of P = 16,666,667 ns of system time after it. Several PRESENTs before one refresh
 * give one line; a PRESENT that fails (status 3), a MODE, an unknown op give none.
 *
 * Each case PRESENTs at a chosen offset into a period (reading time_ns just before and just
 * after the OUT: R is the refresh after the OUT, and "one period 1" says both readings lie in
 * the same period so R is unambiguous), then watches irq_pending bit 6:
 *   busy  IDLE without line 6 in irq_mask to 20 us before R (it must still be clear then),
 *         then spin on it: "not early" = it was first seen set at or after R, "not late" = it
 *         was still clear at a reading within 100 ns of R and seen set within 2 us of R;
 *   idle  IDLE with only line 6 in irq_mask: "woke by the line" (IDLE returned 0), "at the
 *         refresh" = time_ns after IDLE is in [R, R + 2 us).
 * "quiet N" is 1 when an IDLE of N periods with only line 6 in irq_mask ran to its timeout and
 * left line 6 clear: no line rose. Times are printed as offsets into the period. */
#include <stdint.h>
#include <stdio.h>

#include "denali.h"

#define GADDR(p) ((uint32_t)(uintptr_t)(p))
#define P 16666667ull
#define LINE6 (1u << DVA_LINE_DISPLAY)
#define SLACK 2000u /* ns: the few instructions between the rise and the guest's look */

static struct dva_request rq __attribute__((aligned(4)));
static uint32_t pixels[16];

static uint64_t now(void)
{
	for (;;) { /* time_ns is two words: read it until the high word holds still */
		uint32_t hi = (uint32_t)(dva_page0.time_ns >> 32);
		uint64_t t = dva_page0.time_ns;
		if ((uint32_t)(t >> 32) == hi)
			return t;
	}
}

static uint32_t request(uint32_t op)
{
	rq = (struct dva_request){ op, 0xEEEEEEEEu, GADDR(pixels), 4u << 16 | 4u, 0, 0 };
	__asm__ volatile("outl %0, %w1" : : "a"(GADDR(&rq)), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	return rq.status;
}

static void wait_until(uint64_t t)
{
	for (uint64_t n = now(); n < t; n = now())
		if (t - n > 100000u)
			dva_idle((uint32_t)((t - n) / 1000u - 50u));
}

/* Whether line 6 stays clear for periods periods from now: IDLE with only line 6 in irq_mask
 * must run to its timeout. */
static unsigned quiet(unsigned periods)
{
	dva_page0.irq_mask = LINE6;
	uint32_t w = dva_idle((uint32_t)(periods * P / 1000u));
	dva_page0.irq_mask = 0;
	unsigned clear = w == 1 && !(dva_page0.irq_pending & LINE6);
	dva_page0.irq_pending = LINE6;
	return clear;
}

static uint64_t present_at(uint64_t off, uint64_t *r, unsigned *same, uint32_t *st)
{
	uint64_t k = now() / P + 2;
	wait_until(k * P + off);
	uint64_t t0 = now();
	*st = request(2);
	uint64_t t1 = now();
	*same = t0 / P == t1 / P;
	*r = (t1 / P + 1) * P;
	return t1;
}

static void busy(uint64_t off, unsigned presents)
{
	uint64_t r, last0;
	unsigned same;
	uint32_t st;
	present_at(off, &r, &same, &st);
	for (unsigned i = 1; i < presents; i++) /* more PRESENTs, 100 us apart, same period */
		if (now() + 200000u < r) {
			wait_until(now() + 100000u);
			st |= request(2);
		} else
			same = 0;
	/* IDLE (line 6 not in irq_mask: it cannot wake us) to 20 us before the refresh, then spin */
	wait_until(r - 20000u);
	unsigned clear = !(dva_page0.irq_pending & LINE6);
	uint64_t first = 0;
	last0 = now();
	for (;;) {
		uint32_t p = dva_page0.irq_pending & LINE6;
		uint64_t t = now();
		if (p) {
			first = t;
			break;
		}
		last0 = t;
		if (t > r + 4 * P)
			break;
	}
	dva_page0.irq_pending = LINE6;
	/* A reading of irq_pending comes a few instructions before the time_ns read after it, so
	 * "still clear at R" allows last0 up to 100 ns past R. */
	printf("busy, %u PRESENT%s at +%u ns: status %u, one period %u, clear 20 us before %u, seen %u, not early %u, not late %u\n",
	       presents, presents == 1 ? "" : "s", (unsigned)off, (unsigned)st, same, clear,
	       first != 0, first >= r, last0 < r + 100u && first < r + SLACK);
	printf("  then quiet 3 %u\n", quiet(3));
}

static void idle(uint64_t off)
{
	uint64_t r;
	unsigned same;
	uint32_t st;
	present_at(off, &r, &same, &st);
	dva_page0.irq_mask = LINE6;
	uint32_t w = dva_idle(1000000u);
	uint64_t t = now();
	dva_page0.irq_mask = 0;
	unsigned pending = (dva_page0.irq_pending & LINE6) != 0;
	dva_page0.irq_pending = LINE6;
	printf("idle, PRESENT at +%u ns: status %u, one period %u, woke by the line %u, pending %u, at the refresh %u\n",
	       (unsigned)off, (unsigned)st, same, w == 0, pending, t >= r && t < r + SLACK);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	dva_page0.irq_pending = 0xFFFFFFFFu;
	printf("PRESENT before MODE: status %u\n", (unsigned)request(2));
	printf("  quiet 3 %u\n", quiet(3));
	printf("MODE: status %u\n", (unsigned)request(1));
	printf("  quiet 3 %u\n", quiet(3));
	printf("op 7: status %u\n", (unsigned)request(7));
	printf("  quiet 3 %u\n", quiet(3));
	busy(1000, 1);
	busy(P / 2, 1);
	busy(P - 3000, 1);
	busy(1000, 3);
	busy(P / 3, 10);
	idle(1000);
	idle(P / 2);
	idle(P - 3000);
	return 0;
}
