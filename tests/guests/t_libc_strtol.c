/* t_libc_strtol.c - strtol, strtoul, strtoll, strtoull and atoi against glibc: each call's value,
 * errno and where endptr stopped, for a table of strings times bases. expect/t_libc_strtol.out is
 * this file's output built natively against glibc (tests/guests/libc_expect.sh t_libc_strtol).
 *
 * The strings probe C11 7.22.1.4's rules: leading white space, signs, the 0x and 0 prefixes under
 * base 0 and 16 (and "0x" with no hex digit after it, which is the number 0 ending before the
 * 'x'), digits beyond the base, letters up to base 36, no digits at all (endptr = the string
 * itself), and values one either side of every limit (overflow: the limit and ERANGE; the
 * unsigned functions negate a '-' value in the unsigned type).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const inputs[] = {
	"0", "1", "-1", "+1", "  \t\n42xyz", "-0", "007", "0x1f", "0X1F", "0x", "0xg", "-0x10",
	"z", "Z9", "", "   ", "+", "-", "+-1", "12 34", "1e3", "0b101", "777", "0777", "ffff",
	"2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
	"-4294967295", "-4294967296", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "-18446744073709551615", "99999999999999999999999999",
	"0x7fffffff", "0x80000000", "0xffffffffffffffff", "0x10000000000000000",
	"-0x8000000000000000", "zzzzzz", "1234567890abcdef",
};
static const int bases[] = { 0, 2, 8, 10, 16, 36 };

/* errno as a name, so the expected output reads without errno.h's numbers. */
static const char *err_name(int e)
{
	return e == 0 ? "0" : e == ERANGE ? "ERANGE" : e == EINVAL ? "EINVAL" : "other";
}

int main(void)
{
	for (size_t i = 0; i < COUNT(inputs); i++) {
		const char *s = inputs[i];
		for (size_t b = 0; b < COUNT(bases); b++) {
			char *end;
			int e;
			long l;
			unsigned long ul;
			long long ll;
			unsigned long long ull;

			errno = 0;
			l = strtol(s, &end, bases[b]);
			e = errno;
			printf("strtol(\"%s\", %d) = %ld %s end+%d\n", s, bases[b], l, err_name(e),
			       (int)(end - s));
			errno = 0;
			ul = strtoul(s, &end, bases[b]);
			e = errno;
			printf("strtoul(\"%s\", %d) = %lu %s end+%d\n", s, bases[b], ul, err_name(e),
			       (int)(end - s));
			errno = 0;
			ll = strtoll(s, &end, bases[b]);
			e = errno;
			printf("strtoll(\"%s\", %d) = %lld %s end+%d\n", s, bases[b], ll, err_name(e),
			       (int)(end - s));
			errno = 0;
			ull = strtoull(s, &end, bases[b]);
			e = errno;
			printf("strtoull(\"%s\", %d) = %llu %s end+%d\n", s, bases[b], ull, err_name(e),
			       (int)(end - s));
		}
		printf("atoi(\"%s\") = %d\n", s, atoi(s));
	}
	/* A NULL endptr is allowed; an invalid base gives 0 and EINVAL. */
	errno = 0;
	printf("no endptr: %ld\n", strtol("-99", NULL, 10));
	printf("base 1: %ld %s\n", strtol("5", NULL, 1), err_name(errno));
	errno = 0;
	printf("base 37: %ld %s\n", strtol("5", NULL, 37), err_name(errno));
	return 0;
}
