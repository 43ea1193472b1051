/* clock.h - the run's clock (DVA-1 section 6), in one place for the kernel and every VM.
 *
 * Under the deterministic clock system time is floor(N * 10^9 / cpu_hz) + S: N the instructions
 * retired by every VM, S the time jumped over while every VM idled. Under the host clock it is
 * CLOCK_MONOTONIC less the run's start. The running VM's reading adds the instructions its
 * quantum has retired so far, which the kernel has not yet added to N.
 */
#ifndef DENALI_CLOCK_H
#define DENALI_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct vm_clock {
	bool deterministic;
	uint32_t cpu_hz;        /* virtual instructions per virtual second */
	uint64_t retired;       /* N before the running VM's current quantum */
	uint64_t skipped_ns;    /* S: time jumped over while every VM idled */
	uint64_t host_start_ns; /* host clock: CLOCK_MONOTONIC at time_ns = 0 */
	uint64_t epoch_ns;      /* Unix time at time_ns = 0 */
	uint64_t seed;          /* the run's seed; each VM's is derived from it */
};

/* The host's CLOCK_MONOTONIC and CLOCK_REALTIME, in nanoseconds. */
uint64_t clock_host_ns(void);
uint64_t clock_unix_ns(void);

/* System time with in_quantum more instructions retired than the clock has counted. */
uint64_t clock_now(const struct vm_clock *c, uint64_t in_quantum);

/* Deterministic clock: instructions (in all, from N) still to retire before system time reaches
 * t; at least 1, so a caller that runs that many always makes progress. */
uint64_t clock_insns_until(const struct vm_clock *c, uint64_t t);

#endif
