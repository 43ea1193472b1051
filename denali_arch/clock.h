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
#include <time.h>

struct vm_clock {
	bool deterministic;
	uint32_t cpu_hz;        /* virtual instructions per virtual second */
	uint64_t retired;       /* N before the running VM's current quantum */
	uint64_t skipped_ns;    /* S: time jumped over while every VM idled */
	uint64_t host_start_ns; /* host clock: CLOCK_MONOTONIC at time_ns = 0 */
	uint64_t epoch_ns;      /* Unix time at time_ns = 0 */
	uint64_t seed;          /* the run's seed; each VM's is derived from it */
};

/* The host's CLOCK_MONOTONIC (inline: read at every quantum) and CLOCK_REALTIME, in ns. */
static inline uint64_t clock_host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
uint64_t clock_unix_ns(void);

/* Both below are inline: the kernel asks them several times per quantum slice. */

/* System time with in_quantum more instructions retired than the clock has counted. */
static inline uint64_t clock_now(const struct vm_clock *c, uint64_t in_quantum)
{
	if (!c->deterministic)
		return clock_host_ns() - c->host_start_ns;
	uint64_t n = c->retired + in_quantum;
	/* floor(n * 10^9 / cpu_hz) without overflowing 64 bits */
	uint64_t q = n / c->cpu_hz, r = n % c->cpu_hz;
	return q * 1000000000u + r * 1000000000u / c->cpu_hz + c->skipped_ns;
}

/* Deterministic clock: instructions (in all, from N) still to retire before system time reaches
 * t; at least 1, so a caller that runs that many always makes progress. */
static inline uint64_t clock_insns_until(const struct vm_clock *c, uint64_t t)
{
	if (t <= c->skipped_ns)
		return 1;
	unsigned __int128 need = (unsigned __int128)(t - c->skipped_ns) * c->cpu_hz;
	uint64_t n = (uint64_t)((need + 999999999u) / 1000000000u);
	return n > c->retired ? n - c->retired : 1;
}

#endif
