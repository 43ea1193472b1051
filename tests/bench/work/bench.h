/* bench.h - what a CPU-speed workload needs from its host: the size argument, the output, and
 * (natively) a clock around the work; the same workload source builds for both sides.
 *
 * A workload defines
 *
 *   #define WORK_NAME "sieve"
 *   #define WORK_SIZE 40                  (the default size argument)
 *   #include "tests/bench/work/bench.h"   (defines main, which calls work)
 *   static uint32_t work(uint32_t size) { ... return checksum; }
 *
 * and main prints one line, identical on both sides when the emulator is right:
 *
 *   WORK_NAME size=SIZE checksum=XXXXXXXX
 *
 * Built with -DBENCH_NATIVE it is a 32-bit Linux program (glibc) that also prints
 *
 *   native_ns=NS
 *
 * the host's CLOCK_MONOTONIC time around work() alone. The DVA-1 build links guestos, whose
 * stdio.h and stdlib.h give the same printf and strtoul; it is timed from outside by the
 * emulator's --stats (the whole run: load, start, work and output). Only work() runs long, and
 * it calls no library function on either side, so both execute the same instructions there.
 */
#ifndef TESTS_BENCH_WORK_BENCH_H
#define TESTS_BENCH_WORK_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The workload: size scales its running time; the result is its checksum. Never inlined into
 * main, whose code differs between the builds (the native clock calls): as a function of its
 * own, work() and everything it inlines compile to the same instructions on both sides. */
static uint32_t work(uint32_t size) __attribute__((noinline));

/* xorshift32 (Marsaglia): the workloads' input generator, the same sequence on both sides. The
 * state must not be 0. */
static inline uint32_t bench_rand(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

#ifdef BENCH_NATIVE
#include <time.h>

static uint64_t bench_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

int main(int argc, char **argv)
{
	uint32_t size = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : WORK_SIZE;
#ifdef BENCH_NATIVE
	uint64_t t0 = bench_ns();
	uint32_t sum = work(size);
	uint64_t t1 = bench_ns();
#else
	uint32_t sum = work(size);
#endif
	printf("%s size=%u checksum=%08x\n", WORK_NAME, (unsigned)size, (unsigned)sum);
#ifdef BENCH_NATIVE
	printf("native_ns=%llu\n", (unsigned long long)(t1 - t0));
#endif
	return 0;
}

#endif
