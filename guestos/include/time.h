/* time.h - clocks over page 0's time_ns, epoch_ns and instret (DVA-1 sections 3 and 6). */
#ifndef GUESTOS_TIME_H
#define GUESTOS_TIME_H

#include <stdint.h>

typedef long long time_t; /* seconds; 64 bits, so 2038 is not an end */
typedef long clock_t;
typedef int clockid_t;

struct timespec {
	time_t tv_sec; /* seconds */
	long tv_nsec;  /* 0 to 999,999,999 */
};

/* Broken-down UTC time, as C defines it (tm_year counts from 1900, tm_mon from 0). */
struct tm {
	int tm_sec;   /* 0-60 */
	int tm_min;   /* 0-59 */
	int tm_hour;  /* 0-23 */
	int tm_mday;  /* 1-31 */
	int tm_mon;   /* 0-11 */
	int tm_year;  /* years since 1900 */
	int tm_wday;  /* 0-6, Sunday = 0 */
	int tm_yday;  /* 0-365 */
	int tm_isdst; /* always 0: UTC */
};

#define CLOCK_REALTIME 0  /* Unix time: epoch_ns + time_ns */
#define CLOCK_MONOTONIC 1 /* system time since the run began: time_ns */
#define CLOCKS_PER_SEC 1000000L

/* System time in ns (time_ns), read so that the two halves belong together. */
uint64_t dva_time_ns(void);
/* Unix time in ns (epoch_ns + time_ns). */
uint64_t dva_unix_ns(void);

time_t time(time_t *t); /* Unix seconds; also stored in *t when t is not NULL */
int clock_gettime(clockid_t id, struct timespec *ts); /* 0, or -1 and EINVAL for another id */
/* The VM's own virtual CPU time: instret scaled by cpu_hz, in CLOCKS_PER_SEC units (wraps). */
clock_t clock(void);
/* Unix seconds to UTC in *out; returns out (no time zones, so no localtime). */
struct tm *gmtime_r(const time_t *t, struct tm *out);

#endif
