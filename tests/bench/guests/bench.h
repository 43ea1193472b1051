/* bench.h - what the benchmark guests share: numeric arguments and a cheap clock read. */
#ifndef TESTS_BENCH_GUESTS_BENCH_H
#define TESTS_BENCH_GUESTS_BENCH_H

#include <denali.h>

/* argv[i] as a decimal number, or dflt when it is absent. 0 is a valid value here (a 0 KiB
 * buffer, a mode), unlike in the examples. */
static inline uint32_t bench_arg(int argc, char **argv, int i, uint32_t dflt)
{
	if (i >= argc)
		return dflt;
	uint32_t v = 0;
	for (const char *p = argv[i]; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint32_t)(*p - '0');
	return v;
}

/* The low 32 bits of time_ns: one page-0 load, so one clock sample per reading. Differences
 * are exact modulo 2^32 ns (4.29 s), far longer than any interval measured here. Under
 * --clock host this is the host's monotonic clock (DVA-1 section 6). */
static inline uint32_t bench_now(void)
{
	uint32_t lo;
	__asm__ volatile("movl %1, %0" : "=r"(lo) : "m"(dva_page0.time_ns));
	return lo;
}

#endif
