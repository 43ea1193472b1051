/* d_lineirq.c - the display's line 6 through guestos's upcall (irq.h): the handler's time_ns
 * against the refresh after the PRESENT, under the deterministic clock (tests/display/run.sh).
 *
 * For each case the guest PRESENTs at an offset into a period (R: the first multiple of
 * P = 16,666,667 ns after the OUT), then IDLEs in steps until 4 periods have passed, counting
 * line-6 upcalls. It prints the count (one however many PRESENTs came before R), whether the
 * first upcall's time_ns was in [R, R + 5 us), and whether the PRESENTs all had status 0. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "denali.h"
#include "irq.h"

#define GADDR(p) ((uint32_t)(uintptr_t)(p))
#define P 16666667ull

static struct dva_request rq __attribute__((aligned(4)));
static uint32_t pixels[16];
static volatile uint32_t upcalls;
static volatile uint64_t first_at;

static void on_display(unsigned line)
{
	if (line != DVA_LINE_DISPLAY)
		return;
	if (!upcalls)
		first_at = dva_time_ns();
	upcalls++;
}

static uint32_t request(uint32_t op)
{
	rq = (struct dva_request){ op, 0xEEEEEEEEu, GADDR(pixels), 4u << 16 | 4u, 0, 0 };
	__asm__ volatile("outl %0, %w1" : : "a"(GADDR(&rq)), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	return rq.status;
}

static void wait_until(uint64_t t)
{
	for (uint64_t n = dva_time_ns(); n < t; n = dva_time_ns())
		if (t - n > 100000u)
			dva_idle((uint32_t)((t - n) / 1000u - 50u));
}

static void one_case(uint64_t off, unsigned presents)
{
	uint64_t k = dva_time_ns() / P + 2;
	wait_until(k * P + off);
	int s = irq_disable();
	upcalls = 0;
	first_at = 0;
	irq_restore(s);
	uint32_t st = 0;
	for (unsigned i = 0; i < presents; i++) {
		st |= request(2);
		wait_until(dva_time_ns() + 50000u); /* 50 us apart */
	}
	uint64_t r = (k * P + off) / P * P + P; /* the refresh after the first PRESENT */
	uint64_t end = r + 4 * P;
	while (dva_time_ns() < end)
		dva_idle((uint32_t)((end - dva_time_ns()) / 1000u + 1u));
	printf("%u PRESENT%s at +%u ns: status %u, upcalls %u, first at the refresh %u\n", presents,
	       presents == 1 ? "" : "s", (unsigned)off, (unsigned)st, (unsigned)upcalls,
	       first_at >= r && first_at < r + 5000u);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	irq_register(DVA_LINE_DISPLAY, on_display);
	printf("MODE: status %u\n", (unsigned)request(1));
	one_case(2000, 1);
	one_case(P / 2, 1);
	one_case(P - 400000, 3);
	one_case(5000, 20);
	return 0;
}
