/* printf_float.c - %f %e %g: the exact decimal expansion of a double, rounded half to even. */
#include <stdint.h>

#include "guestos/format.h"

/* A double is m * 2^e with m < 2^53 and -1074 <= e <= 971. For e >= 0 its decimal digits are
 * those of the integer m * 2^e (below 2^1024, 309 digits); for e < 0 they are those of
 * m * 5^-e with the point -e places from the right (m * 5^1074 < 10^767). The big integer is
 * kept in base 10^9, least significant limb first, so printing a limb is printing 9 digits. */
#define LIMB_BASE 1000000000u
#define LIMB_DIGITS 9
#define LIMBS 90 /* 767 digits fit 86 limbs; a few more for the carry of the last multiply */

/* A finite non-negative value as significant digits and a decimal exponent. */
struct decimal {
	char digit[LIMBS * LIMB_DIGITS]; /* '0'-'9': no leading or trailing zeros */
	int n;   /* digits in digit[]; 0 for the value zero */
	int exp; /* value = 0.d0 d1 d2 ... * 10^exp */
};

/* limb[0..*count) *= f, for f < 2^31 (so limb * f + carry fits 64 bits). */
static void limbs_mul(uint32_t *limb, int *count, uint32_t f)
{
	uint64_t carry = 0;

	for (int i = 0; i < *count; i++) {
		uint64_t v = (uint64_t)limb[i] * f + carry;
		carry = v / LIMB_BASE;
		limb[i] = (uint32_t)(v - carry * LIMB_BASE);
	}
	while (carry != 0) {
		uint64_t q = carry / LIMB_BASE;
		limb[(*count)++] = (uint32_t)(carry - q * LIMB_BASE);
		carry = q;
	}
}

/* d = the exact decimal digits of m * 2^e. */
static void to_decimal(uint64_t m, int e, struct decimal *d)
{
	uint32_t limb[LIMBS];
	int count = 0, point = 0;

	d->n = 0;
	d->exp = 0;
	if (m == 0)
		return;
	while ((m & 1) == 0 && e < 0) { /* fewer multiplications by 5, same value */
		m >>= 1;
		e++;
	}
	for (; m != 0; m /= LIMB_BASE)
		limb[count++] = (uint32_t)(m % LIMB_BASE);
	while (e > 0) { /* up to 29 doublings at once: 2^29 * (10^9 - 1) + carry < 2^64 */
		int step = e < 29 ? e : 29;
		limbs_mul(limb, &count, 1u << step);
		e -= step;
	}
	if (e < 0)
		point = -e; /* m * 2^e = m * 5^-e / 10^-e */
	while (e < 0) { /* up to 13 at once: 5^13 is the largest power of 5 below 2^31 */
		uint32_t f = 1;
		for (int k = 0; k < 13 && e < 0; k++, e++)
			f *= 5;
		limbs_mul(limb, &count, f);
	}

	/* The top limb without leading zeros, then 9 digits for each lower one. */
	char top[LIMB_DIGITS];
	int t = 0;
	for (uint32_t v = limb[count - 1]; v != 0; v /= 10)
		top[t++] = (char)('0' + v % 10);
	while (t > 0)
		d->digit[d->n++] = top[--t];
	for (int i = count - 2; i >= 0; i--) {
		uint32_t v = limb[i];
		for (int k = LIMB_DIGITS - 1; k >= 0; k--) {
			d->digit[d->n + k] = (char)('0' + v % 10);
			v /= 10;
		}
		d->n += LIMB_DIGITS;
	}
	d->exp = d->n - point;
	while (d->digit[d->n - 1] == '0')
		d->n--;
}

/* Keep the first `keep` digits, rounding the rest half to even (the exact value is known, so a
 * tie is a dropped part of exactly 5 followed by nothing). */
static void round_at(struct decimal *d, int keep)
{
	int up, i;

	if (keep >= d->n)
		return;
	if (keep < 0) { /* the value is below a tenth of the last unit kept: it rounds to 0 */
		d->n = 0;
		return;
	}
	up = d->digit[keep] > '5' ||
	     (d->digit[keep] == '5' &&
	      (d->n > keep + 1 || (keep > 0 && ((d->digit[keep - 1] - '0') & 1))));
	d->n = keep;
	if (up) {
		for (i = keep - 1; i >= 0 && d->digit[i] == '9'; i--)
			;
		if (i < 0) { /* 99.9 -> 100: one digit, one place up */
			d->digit[0] = '1';
			d->n = 1;
			d->exp++;
		} else {
			d->digit[i]++;
			d->n = i + 1;
		}
	}
	while (d->n > 0 && d->digit[d->n - 1] == '0')
		d->n--;
}

/* The digit at position pos (0 = the first significant one); zeros beyond both ends. */
static char digit_at(const struct decimal *d, int pos)
{
	return pos >= 0 && pos < d->n ? d->digit[pos] : '0';
}

static void put_digits(struct sink *s, const struct decimal *d, int from, int to)
{
	for (int pos = from; pos < to; pos++)
		sink_put(s, digit_at(d, pos));
}

static int decimal_width(int v)
{
	int w = 1;

	for (; v >= 10; v /= 10)
		w++;
	return w;
}

/* Pads and sign around a body of body_len characters that emit() then writes. zero_ok is 0 for
 * inf and nan, which glibc pads with spaces even under '0'. */
static void field_start(struct sink *s, const struct spec *sp, char sign, int body_len,
			int zero_ok, int *right_pad)
{
	int pad = sp->width - body_len - (sign != 0);

	if (pad < 0)
		pad = 0;
	*right_pad = sp->left ? pad : 0;
	if (!sp->left && !(sp->zero && zero_ok))
		sink_repeat(s, ' ', pad);
	if (sign != 0)
		sink_put(s, sign);
	if (!sp->left && sp->zero && zero_ok)
		sink_repeat(s, '0', pad);
}

/* dddd.ffff with frac digits after the point. */
static void put_fixed(struct sink *s, const struct decimal *d, int frac, const struct spec *sp,
		      char sign)
{
	int point = frac > 0 || sp->alt, right;
	int len = (d->exp > 0 ? d->exp : 1) + point + frac;

	field_start(s, sp, sign, len, 1, &right);
	if (d->exp > 0)
		put_digits(s, d, 0, d->exp);
	else
		sink_put(s, '0');
	if (point)
		sink_put(s, '.');
	put_digits(s, d, d->exp, d->exp + frac);
	sink_repeat(s, ' ', right);
}

/* d.ddddde+XX with frac digits after the point and at least two exponent digits. */
static void put_exponent(struct sink *s, const struct decimal *d, int frac, const struct spec *sp,
			 char sign, int upper)
{
	int x = d->n == 0 ? 0 : d->exp - 1;
	int mag = x < 0 ? -x : x;
	int xdigits = decimal_width(mag) < 2 ? 2 : decimal_width(mag);
	int point = frac > 0 || sp->alt, right;
	int len = 1 + point + frac + 2 + xdigits;
	char buf[8];

	field_start(s, sp, sign, len, 1, &right);
	sink_put(s, digit_at(d, 0));
	if (point)
		sink_put(s, '.');
	put_digits(s, d, 1, 1 + frac);
	sink_put(s, upper ? 'E' : 'e');
	sink_put(s, x < 0 ? '-' : '+');
	for (int i = xdigits - 1; i >= 0; i--, mag /= 10)
		buf[i] = (char)('0' + mag % 10);
	sink_chars(s, buf, (size_t)xdigits);
	sink_repeat(s, ' ', right);
}

void fmt_float(struct sink *s, double v, const struct spec *sp, char conv)
{
	union {
		double d;
		uint64_t u;
	} bits = { .d = v };
	int negative = (int)(bits.u >> 63);
	int biased = (int)(bits.u >> 52) & 0x7ff;
	uint64_t frac = bits.u & ((1ull << 52) - 1);
	int upper = conv == 'F' || conv == 'E' || conv == 'G';
	char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	int precision = sp->precision < 0 ? 6 : sp->precision;
	struct decimal d;

	if (biased == 0x7ff) { /* infinity or NaN: glibc prints NaN's sign too */
		int right;
		field_start(s, sp, sign, 3, 0, &right);
		if (frac == 0)
			sink_chars(s, upper ? "INF" : "inf", 3);
		else
			sink_chars(s, upper ? "NAN" : "nan", 3);
		sink_repeat(s, ' ', right);
		return;
	}
	if (biased == 0) /* zero or subnormal: no hidden bit, exponent of the smallest normal */
		to_decimal(frac, -1074, &d);
	else
		to_decimal(frac | (1ull << 52), biased - 1075, &d);

	switch (conv) {
	case 'f':
	case 'F':
		round_at(&d, d.exp + precision);
		put_fixed(s, &d, precision, sp, sign);
		break;
	case 'e':
	case 'E':
		round_at(&d, precision + 1);
		put_exponent(s, &d, precision, sp, sign, upper);
		break;
	default: { /* %g: the exponent X of the %e form decides between the two (C11 7.21.6.1) */
		int p = precision == 0 ? 1 : precision, x, frac_digits;
		round_at(&d, p);
		x = d.n == 0 ? 0 : d.exp - 1;
		if (p > x && x >= -4) {
			frac_digits = p - 1 - x;
			/* Without '#', trailing zeros go: only the digits the value has after the point. */
			if (!sp->alt && frac_digits > d.n - d.exp)
				frac_digits = d.n - d.exp > 0 ? d.n - d.exp : 0;
			put_fixed(s, &d, frac_digits, sp, sign);
		} else {
			frac_digits = p - 1;
			if (!sp->alt && frac_digits > d.n - 1)
				frac_digits = d.n - 1 > 0 ? d.n - 1 : 0;
			put_exponent(s, &d, frac_digits, sp, sign, upper);
		}
		break;
	}
	}
}
