/* clock.c - the run's clock: system time from instructions retired, or from the host. */
#include "denali_arch/clock.h"

#include <time.h>

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t clock_host_ns(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

uint64_t clock_unix_ns(void)
{
	return read_clock(CLOCK_REALTIME);
}

uint64_t clock_now(const struct vm_clock *c, uint64_t in_quantum)
{
	if (!c->deterministic)
		return clock_host_ns() - c->host_start_ns;
	uint64_t n = c->retired + in_quantum;
	/* floor(n * 10^9 / cpu_hz) without overflowing 64 bits */
	uint64_t q = n / c->cpu_hz, r = n % c->cpu_hz;
	return q * 1000000000u + r * 1000000000u / c->cpu_hz + c->skipped_ns;
}

uint64_t clock_insns_until(const struct vm_clock *c, uint64_t t)
{
	if (t <= c->skipped_ns)
		return 1;
	unsigned __int128 need = (unsigned __int128)(t - c->skipped_ns) * c->cpu_hz;
	uint64_t n = (uint64_t)((need + 999999999u) / 1000000000u);
	return n > c->retired ? n - c->retired : 1;
}
