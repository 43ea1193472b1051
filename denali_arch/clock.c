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
