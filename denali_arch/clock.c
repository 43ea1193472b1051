/* clock.c - the run's clock: the part that is not inline in clock.h (the Unix time at the start). */
#include "denali_arch/clock.h"

#include <time.h>

uint64_t clock_unix_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
