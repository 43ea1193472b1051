/* strtol.c - strtol, strtoul, strtoll, strtoull and the ato* functions, by C11 7.22.1. */
#include <stdlib.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>

/* The value of digit character c, or 36 (above every base) for a non-digit. */
static unsigned digit_value(int c)
{
	if (isdigit(c))
		return (unsigned)(c - '0');
	if (islower(c))
		return (unsigned)(c - 'a' + 10);
	if (isupper(c))
		return (unsigned)(c - 'A' + 10);
	return 36;
}

/* The common parser. Reads optional space, sign, prefix and the digits of base at s. Returns the
 * magnitude, saturated at limit (*over = 1 and errno = ERANGE when it would exceed it), with
 * *negative set for a '-'. *endptr (when not NULL) is the character after the last digit, or s
 * itself when there is no number at all (then the result is 0). Base 0 means 16 after "0x", 8
 * after "0", else 10; an invalid base gives 0 and EINVAL. */
static unsigned long long parse(const char *s, char **endptr, int base,
				unsigned long long limit, int *negative, int *over)
{
	const char *p = s;
	unsigned long long v = 0;
	int any = 0;
	unsigned d;

	*negative = 0;
	*over = 0;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (endptr != NULL)
			*endptr = (char *)s;
		return 0;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*negative = *p++ == '-';
	/* "0x" is a prefix only when a hex digit follows: "0xg" parses as 0 and stops at 'x'. */
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value((unsigned char)p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; (d = digit_value((unsigned char)*p)) < (unsigned)base; p++) {
		any = 1;
		if (*over)
			continue; /* consume the rest of the digits: endptr goes past them all */
		if (v > (limit - d) / (unsigned)base) {
			*over = 1;
			v = limit;
		} else {
			v = v * (unsigned)base + d;
		}
	}
	if (endptr != NULL)
		*endptr = (char *)(any ? p : s);
	if (!any) {
		*negative = 0;
		return 0;
	}
	if (*over)
		errno = ERANGE;
	return v;
}

long long strtoll(const char *restrict s, char **restrict endptr, int base)
{
	int negative, over;
	/* LLONG_MIN's magnitude is one more than LLONG_MAX's: let a '-' use it. The limit depends
	 * on the sign, which parse reads, so parse against the larger and clamp after. */
	unsigned long long v =
		parse(s, endptr, base, (unsigned long long)LLONG_MAX + 1, &negative, &over);

	if (negative)
		return v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	if (v > LLONG_MAX) {
		errno = ERANGE;
		return LLONG_MAX;
	}
	return (long long)v;
}

long strtol(const char *restrict s, char **restrict endptr, int base)
{
	int negative, over;
	unsigned long long v =
		parse(s, endptr, base, (unsigned long long)LONG_MAX + 1, &negative, &over);

	if (negative)
		return v == (unsigned long long)LONG_MAX + 1 ? LONG_MIN : -(long)v;
	if (v > LONG_MAX) {
		errno = ERANGE;
		return LONG_MAX;
	}
	return (long)v;
}

/* C: strtoul and strtoull accept a '-' and negate the result in the unsigned type, so "-1" is
 * ULONG_MAX; only a magnitude beyond the type's range is an overflow. */
unsigned long long strtoull(const char *restrict s, char **restrict endptr, int base)
{
	int negative, over;
	unsigned long long v = parse(s, endptr, base, ULLONG_MAX, &negative, &over);

	return negative && !over ? -v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict endptr, int base)
{
	int negative, over;
	unsigned long long v = parse(s, endptr, base, ULONG_MAX, &negative, &over);

	return negative && !over ? (unsigned long)-v : (unsigned long)v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
	return strtoll(s, NULL, 10);
}
