/* t_libc_printf.c - printf and snprintf against glibc: a table of formats times values.
 *
 * Every line prints one conversion three ways: printf straight to the console, snprintf into a
 * buffer, and both return values. expect/t_libc_printf.out is NOT written by hand or by guestos:
 * it is this same file built natively against glibc and run on the host
 * (sh tests/guests/libc_expect.sh t_libc_printf), so the guest passes only where its output is
 * glibc's, byte for byte, with one exception that the script corrects: glibc 2.36 prints %#g of
 * 999999.5 as "1.e+06", dropping the zeros '#' must keep when rounding carries into a new
 * exponent. C11 7.21.6.1 says %g then takes precision 6 - 1 = 5 in the %e style and '#' keeps
 * trailing zeros, so "1.00000e+06" (glibc's own "1.00e+06" for %#.3g agrees).
 *
 * glibc prints the exact decimal value of a double rounded half to even at the precision, which
 * is what the table's doubles probe: ties in binary (0.5, 2.5, 0.125), values just off a tie
 * (0.05, 2.675, 1.005, whose doubles lie below or above the decimal), carries that add a digit
 * (9.9999, 999999.5), the extremes (DBL_MAX, DBL_MIN, the smallest subnormal) and the specials
 * (inf, nan, -0). %p is left out: guestos prints 8 hex digits where glibc prints the shortest.
 */
#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char buf[1024];

static const char *const int_formats[] = {
	"%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%+05d", "%.3d", "%.0d", "%8.3d",
	"%-+8.3d|", "%u", "%x", "%X", "%#x", "%#X", "%08x", "%#010x", "%o", "%#o", "%#.0o",
	"%.0x", "%hhd", "%hhu", "%hd", "%hx", "%ld", "%lx", "%zu",
};
static const int int_values[] = {
	0, 1, -1, 7, -42, 255, 0x1234, 65535, 123456789, INT_MAX, INT_MIN,
};

static const char *const ll_formats[] = {
	"%lld", "%llu", "%llx", "%llX", "%#llo", "%+lld", "%25lld", "%-25llx|", "%.20lld", "%jd",
};
static const long long ll_values[] = {
	0, -1, 4294967296LL, 0x123456789abcdefLL, LLONG_MAX, LLONG_MIN,
};

static const char *const char_formats[] = { "%c", "[%4c]", "[%-4c]" };
static const int char_values[] = { 'a', 'Z', ' ', 0x141 /* converted to unsigned char: 'A' */ };

static const char *const str_formats[] = {
	"%s", "[%10s]", "[%-10s]", "[%.3s]", "[%10.3s]", "[%-10.0s]", "[%*s]",
};
static const char *const str_values[] = { "", "a", "hello", "hello, world" };

static const char *const dbl_formats[] = {
	"%f", "%.0f", "%.1f", "%.2f", "%.3f", "%.10f", "%#.0f", "%+f", "% .2f", "%012.3f",
	"%-12.2f|", "%F", "%e", "%.0e", "%.2e", "%#.0e", "%E", "%+.3e", "%14.4e", "%-14.3E|",
	"%g", "%.0g", "%.1g", "%.3g", "%.10g", "%.17g", "%#g", "%#.3g", "%G", "%+g", "%012g",
	"%-12g|",
};
static const double dbl_values[] = {
	0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.05, 0.15, 2.675, 1.005, 1.0 / 3,
	-2.0 / 3, 9.9999, 999999.5, 123456.789, 1e-5, 0.0001, 1.5e-10, 1e15, 1e16, 1e21,
	4503599627370497.5, 9007199254740993.0, 1e100, 3.14159265358979, DBL_MAX, DBL_MIN,
	4.9406564584124654e-324,
};

/* printf into the console, then snprintf into buf and show it, on one line. */
#define ROW(fmt, v)                                                            \
	do {                                                                   \
		int a_, b_;                                                    \
		printf("%-10s <", (fmt));                                      \
		a_ = printf((fmt), (v));                                       \
		b_ = snprintf(buf, sizeof buf, (fmt), (v));                    \
		printf("> <%s> %d %d\n", buf, a_, b_);                         \
	} while (0)

int main(void)
{
	volatile size_t cut = 8; /* volatile: gcc would warn at compile time of the truncation */

	for (size_t f = 0; f < COUNT(int_formats); f++)
		for (size_t v = 0; v < COUNT(int_values); v++)
			ROW(int_formats[f], int_values[v]);
	for (size_t f = 0; f < COUNT(ll_formats); f++)
		for (size_t v = 0; v < COUNT(ll_values); v++)
			ROW(ll_formats[f], ll_values[v]);
	for (size_t f = 0; f < COUNT(char_formats); f++)
		for (size_t v = 0; v < COUNT(char_values); v++)
			ROW(char_formats[f], char_values[v]);
	for (size_t f = 0; f < COUNT(str_formats); f++) {
		for (size_t v = 0; v < COUNT(str_values); v++) {
			if (strchr(str_formats[f], '*') != NULL) {
				int a, b;
				printf("%-10s <", str_formats[f]);
				a = printf(str_formats[f], -7, str_values[v]);
				b = snprintf(buf, sizeof buf, str_formats[f], -7, str_values[v]);
				printf("> <%s> %d %d\n", buf, a, b);
			} else {
				ROW(str_formats[f], str_values[v]);
			}
		}
	}
	for (size_t f = 0; f < COUNT(dbl_formats); f++) {
		for (size_t v = 0; v < COUNT(dbl_values); v++) {
			ROW(dbl_formats[f], dbl_values[v]);
			ROW(dbl_formats[f], -dbl_values[v]);
		}
		ROW(dbl_formats[f], (double)__builtin_inf());
		ROW(dbl_formats[f], -(double)__builtin_inf());
		ROW(dbl_formats[f], (double)__builtin_nan(""));
	}
	/* Long outputs: the console sink flushes mid-conversion; snprintf counts past its end. */
	ROW("%.60f", 0.1);
	ROW("%.400f", 4.9406564584124654e-324);
	ROW("%f", DBL_MAX);
	ROW("%.0f", 1e300);
	printf("snprintf cut: %d <", snprintf(buf, cut, "%.5e|%d", 12345.678, 99));
	printf("%s>\n", buf);
	{
		int n1 = -1, n2 = -1;
		printf("%%n: %s%n, %5.1f%n\n", "abc", &n1, 2.25, &n2);
		printf("counts %d %d\n", n1, n2);
	}
	return 0;
}
