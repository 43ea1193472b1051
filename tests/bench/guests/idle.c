/* idle.c - the idle-footprint benchmark guest: write to a few pages, then IDLE until a timeout
 * (or forever), then terminate. The paper's unpopular service: resident, but doing nothing.
 *
 *   denali run --args "PAGES TIMEOUT_US" build/bench/guests/idle.elf
 *
 * PAGES (at most IDLE_PAGES_MAX) pages of .bss are written once; TIMEOUT_US 0 idles forever
 * (the run then stops as stuck, status 125, once every VM idles).
 */
#include "tests/bench/guests/bench.h"

#define IDLE_PAGES_MAX 4u

static uint8_t pages[IDLE_PAGES_MAX][DVA_PAGE_SIZE] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
	uint32_t n = bench_arg(argc, argv, 1, IDLE_PAGES_MAX), timeout = bench_arg(argc, argv, 2, 0);
	if (n > IDLE_PAGES_MAX)
		n = IDLE_PAGES_MAX;
	for (uint32_t i = 0; i < n; i++)
		((volatile uint8_t *)pages[i])[0] = (uint8_t)(i + 1);
	dva_idle(timeout ? timeout : DVA_IDLE_FOREVER);
	return 0;
}
