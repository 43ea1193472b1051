/* t_libc_misc.c - the rest of the C library: clocks and gmtime_r, rand, abs/div, errno and
 * strerror, strlcpy, putchar/puts/getchar (console input from expect/t_libc_misc.in), sprintf.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denali.h"
#include "tests/guests/check.h"

static void test_clocks(void)
{
	struct timespec mono, real;
	uint64_t before = dva_time_ns(), after;
	uint64_t epoch = dva_page0.epoch_ns;
	clock_t c0 = clock(), c1;
	volatile uint32_t spin = 0;

	check_u32("clock_gettime_monotonic", (uint32_t)clock_gettime(CLOCK_MONOTONIC, &mono), 0);
	check_u32("clock_gettime_realtime", (uint32_t)clock_gettime(CLOCK_REALTIME, &real), 0);
	after = dva_time_ns();
	uint64_t mono_ns = (uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec;
	uint64_t real_ns = (uint64_t)real.tv_sec * 1000000000u + (uint64_t)real.tv_nsec;
	check_true("monotonic_between_reads_of_time_ns", before <= mono_ns && mono_ns <= after);
	check_true("realtime_is_epoch_plus_system_time",
		   real_ns >= epoch + mono_ns && real_ns <= epoch + after);
	check_true("tv_nsec_below_a_second", mono.tv_nsec >= 0 && mono.tv_nsec < 1000000000L);
	check_true("time_is_realtime_seconds", time(NULL) - real.tv_sec <= 1);
	time_t t;
	check_true("time_stores_through_pointer", time(&t) == t);
	errno = 0;
	check_true("bad_clock_is_einval", clock_gettime(99, &mono) == -1 && errno == EINVAL);
	for (int i = 0; i < 100000; i++)
		spin += (uint32_t)i;
	c1 = clock();
	/* 100000 iterations are a few hundred thousand instructions: at cpu_hz instructions a
	 * second, clock() (microseconds) must have moved on. */
	check_true("clock_advances_with_instructions", c1 > c0);
}

/* Expected values from the host: date -u -d @T '+%Y-%m-%d %H:%M:%S wday=%w yday=%j'. */
static const struct {
	long long t;
	int year, mon, mday, hour, min, sec, wday, yday; /* mon 1-12, yday 1-366 as date prints */
} dates[] = {
	{ 0, 1970, 1, 1, 0, 0, 0, 4, 1 },
	{ -1, 1969, 12, 31, 23, 59, 59, 3, 365 },
	{ 951782400, 2000, 2, 29, 0, 0, 0, 2, 60 },
	{ 951868800, 2000, 3, 1, 0, 0, 0, 3, 61 },
	{ 4107542400LL, 2100, 3, 1, 0, 0, 0, 1, 60 },
	{ 253402300799LL, 9999, 12, 31, 23, 59, 59, 5, 365 },
	{ -62135596800LL, 1, 1, 1, 0, 0, 0, 1, 1 },
	{ 1234567890, 2009, 2, 13, 23, 31, 30, 5, 44 },
	{ 1700000000, 2023, 11, 14, 22, 13, 20, 2, 318 },
	{ -2208988801LL, 1899, 12, 31, 23, 59, 59, 0, 365 },
	{ 68169600, 1972, 2, 29, 0, 0, 0, 2, 60 },
};

static void test_gmtime(void)
{
	char got[64], want[64];

	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		struct tm tm;
		time_t t = dates[i].t;
		gmtime_r(&t, &tm);
		snprintf(got, sizeof got, "%04d-%02d-%02d %02d:%02d:%02d w%d y%d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday,
			 tm.tm_yday + 1);
		snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d w%d y%d", dates[i].year,
			 dates[i].mon, dates[i].mday, dates[i].hour, dates[i].min, dates[i].sec,
			 dates[i].wday, dates[i].yday);
		check_str("gmtime_r", got, want);
	}
}

static void test_rand(void)
{
	int first[8], again[8], in_range = 1, buckets[16] = { 0 }, spread = 1;
	unsigned s1 = 42, s2 = 42;

	for (int i = 0; i < 8; i++)
		first[i] = rand(); /* unseeded: as if srand(1) */
	srand(1);
	for (int i = 0; i < 8; i++)
		again[i] = rand();
	check_true("rand_starts_as_srand_1", memcmp(first, again, sizeof first) == 0);
	srand(7);
	check_true("srand_changes_sequence", rand() != first[0] || rand() != first[1]);
	for (int i = 0; i < 16000; i++) {
		int r = rand();
		in_range &= r >= 0 && r <= RAND_MAX;
		buckets[r % 16]++;
	}
	for (int b = 0; b < 16; b++) /* 1000 expected per bucket; a sound generator stays near */
		spread &= buckets[b] > 850 && buckets[b] < 1150;
	check_true("rand_in_range", in_range);
	check_true("rand_low_bits_spread", spread);
	int r1 = rand_r(&s1), r2 = rand_r(&s2);
	check_true("rand_r_same_state_same_value", r1 == r2 && s1 == s2);
	check_true("rand_r_advances", rand_r(&s1) != r1 && s1 != 42);
}

static void test_arith(void)
{
	div_t d = div(-7, 2);
	ldiv_t ld = ldiv(7L, -2L);

	check_u32("abs_negative", (uint32_t)abs(-5), 5);
	check_u32("abs_positive", (uint32_t)abs(5), 5);
	check_u32("labs", (uint32_t)labs(-123456L), 123456);
	check_u64("llabs", (uint64_t)llabs(-5000000000LL), 5000000000ULL);
	check_true("div_truncates_toward_zero", d.quot == -3 && d.rem == -1);
	check_true("ldiv_truncates_toward_zero", ld.quot == -3 && ld.rem == 1);
	/* 64-bit division comes from libgcc (__divdi3 and friends). */
	volatile long long a = -1000000000000LL, b = 7;
	check_u64("libgcc_divdi3", (uint64_t)(a / b), (uint64_t)-142857142857LL);
	check_u64("libgcc_moddi3", (uint64_t)(a % b), (uint64_t)-1LL);
	volatile unsigned long long ua = 0xFFFFFFFFFFFFFFFFULL, ub = 10;
	check_u64("libgcc_udivdi3", ua / ub, 1844674407370955161ULL);
	check_u64("libgcc_umoddi3", ua % ub, 5);
}

static void test_errno_strings(void)
{
	char buf[8];

	errno = 0;
	strtol("99999999999", NULL, 10);
	check_u32("errno_set_by_strtol", (uint32_t)errno, ERANGE);
	errno = 0;
	check_u32("errno_is_an_lvalue", (uint32_t)errno, 0);
	check_str("strerror_erange", strerror(ERANGE), "result out of range");
	check_str("strerror_unknown", strerror(9999), "unknown error");
	check_u32("strlcpy_returns_source_length", (uint32_t)strlcpy(buf, "0123456789", sizeof buf),
		  10);
	check_str("strlcpy_truncates", buf, "0123456");
	check_u32("strlcpy_size_0", (uint32_t)strlcpy(buf, "abc", 0), 3);
	check_u32("sprintf_returns_length", (uint32_t)sprintf(buf, "%d|%s", -12, "ab"), 6);
	check_str("sprintf_writes", buf, "-12|ab");
}

static void test_console(void)
{
	int c, n = 0;
	char line[16];

	check_u32("putchar_returns_char", (uint32_t)putchar('>'), '>');
	check_u32("putchar_returns_unsigned_char", (uint32_t)putchar(0x100 | '\n'), '\n');
	puts("puts adds a newline");
	/* expect/t_libc_misc.in holds "hi\n"; then the input ends. */
	while ((c = getchar()) != EOF && n < (int)sizeof line - 1)
		line[n++] = (char)c;
	line[n] = '\0';
	check_str("getchar_reads_input", line, "hi\n");
	check_u32("getchar_eof_stays", (uint32_t)getchar(), (uint32_t)EOF);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_console();
	test_clocks();
	test_gmtime();
	test_rand();
	test_arith();
	test_errno_strings();
	return check_status();
}
