/* time.c - clocks over page 0: time_ns (system time), epoch_ns (Unix time at 0), instret. */
#include <time.h>

#include <errno.h>

#include "denali.h"

/* A 64-bit page-0 counter read as DVA-1 section 3 says: high, low, high again, retrying when the
 * low half carried into the high half between the two reads. */
static uint64_t read_u64(const volatile uint64_t *p)
{
	const volatile uint32_t *half = (const volatile uint32_t *)p;
	uint32_t hi, lo;

	do {
		hi = half[1];
		lo = half[0];
	} while (half[1] != hi);
	return (uint64_t)hi << 32 | lo;
}

uint64_t dva_time_ns(void)
{
	return read_u64(&dva_page0.time_ns);
}

uint64_t dva_unix_ns(void)
{
	return read_u64(&dva_page0.epoch_ns) + dva_time_ns();
}

time_t time(time_t *t)
{
	time_t now = (time_t)(dva_unix_ns() / 1000000000u);

	if (t != NULL)
		*t = now;
	return now;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t ns;

	if (id == CLOCK_REALTIME) {
		ns = dva_unix_ns();
	} else if (id == CLOCK_MONOTONIC) {
		ns = dva_time_ns();
	} else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}

clock_t clock(void)
{
	uint64_t insns = read_u64(&dva_page0.instret);
	uint32_t hz = dva_page0.cpu_hz;

	/* instret * CLOCKS_PER_SEC / cpu_hz without the product overflowing for any real run. */
	return (clock_t)(insns / hz * CLOCKS_PER_SEC + insns % hz * CLOCKS_PER_SEC / hz);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct tm *gmtime_r(const time_t *t, struct tm *out)
{
	static const int month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	/* The Gregorian calendar repeats every 400 years, which are 146097 days (a multiple of 7). */
	const int64_t era_days = 146097;
	int64_t secs = *t, days = secs / 86400, rem = secs % 86400, eras;
	int year = 1970, month = 0, d;

	if (rem < 0) { /* C's division truncates toward zero; times before 1970 need floor */
		rem += 86400;
		days--;
	}
	out->tm_wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
	eras = days >= 0 ? days / era_days : -((-days + era_days - 1) / era_days);
	year += (int)(eras * 400);
	d = (int)(days - eras * era_days); /* now 0 <= d < 146097 */
	while (d >= 365 + is_leap(year)) {
		d -= 365 + is_leap(year);
		year++;
	}
	out->tm_yday = d;
	while (d >= month_days[month] + (month == 1 && is_leap(year))) {
		d -= month_days[month] + (month == 1 && is_leap(year));
		month++;
	}
	out->tm_sec = (int)(rem % 60);
	out->tm_min = (int)(rem / 60 % 60);
	out->tm_hour = (int)(rem / 3600);
	out->tm_mday = d + 1;
	out->tm_mon = month;
	out->tm_year = year - 1900;
	out->tm_isdst = 0;
	return out;
}
