/* fpu_conv.c - the exact x87 conversions (integers, packed BCD, widening) and value classes. */
#include "cpu/f80.h"

/* Normalise a non-zero magnitude into an 80-bit value with unbiased exponent e for bit 63. */
static struct f80 normalise(bool neg, uint64_t mag, int e)
{
	int lz = __builtin_clzll(mag);
	return (struct f80){ mag << lz, (uint16_t)((neg ? 0x8000 : 0) | (16383 + e - lz)) };
}

struct f80 f80_from_int(int64_t v)
{
	if (v == 0)
		return (struct f80){ 0, 0 };
	bool neg = v < 0;
	uint64_t mag = neg ? 0 - (uint64_t)v : (uint64_t)v;
	return normalise(neg, mag, 63);
}

/* FBLD: digits are taken as they are; a nibble above 9 gives an undefined result on the x87
 * (SDM Vol. 2, FBLD), here the value the nibbles spell in base 10 anyway. -0 loads as -0. */
struct f80 f80_from_bcd(const struct f80_bcd *b)
{
	uint64_t mag = 0;
	for (int i = 8; i >= 0; i--)
		mag = mag * 100 + (uint64_t)(b->b[i] >> 4) * 10 + (b->b[i] & 15);
	bool neg = b->b[9] & 0x80;
	if (mag == 0)
		return (struct f80){ 0, (uint16_t)(neg ? 0x8000 : 0) };
	return normalise(neg, mag, 63);
}

/* Widen a binary format (fraction bits fb, exponent bits eb) without rounding or quieting. */
static struct f80 widen(uint64_t v, int fb, int eb, bool *denormal)
{
	bool neg = (v >> (fb + eb)) & 1;
	uint64_t frac = v & ((1ull << fb) - 1);
	int exp = (int)((v >> fb) & ((1u << eb) - 1));
	int emax = (1 << eb) - 1, bias = (1 << (eb - 1)) - 1;
	uint16_t s = neg ? 0x8000 : 0;
	*denormal = false;
	if (exp == emax) /* infinity or NaN: same fraction bits, the quiet bit included */
		return (struct f80){ (1ull << 63) | (frac << (63 - fb)), (uint16_t)(s | 0x7FFF) };
	if (exp == 0) {
		if (frac == 0)
			return (struct f80){ 0, s };
		*denormal = true;
		return normalise(neg, frac, 64 - bias - fb); /* frac * 2^(1 - bias - fb) */
	}
	return (struct f80){ (1ull << 63) | (frac << (63 - fb)), (uint16_t)(s | (exp - bias + 16383)) };
}

struct f80 f80_widen_f32(uint32_t v, bool *denormal)
{
	return widen(v, 23, 8, denormal);
}

struct f80 f80_widen_f64(uint64_t v, bool *denormal)
{
	return widen(v, 52, 11, denormal);
}

enum f80_class f80_classify(struct f80 x)
{
	unsigned e = x.sexp & 0x7FFF;
	bool j = x.mant >> 63;
	if (e == 0x7FFF) {
		if (!j)
			return F80_UNSUPPORTED; /* pseudo-infinity, pseudo-NaN */
		return (x.mant << 1) ? F80_NAN : F80_INF;
	}
	if (e == 0)
		return x.mant ? F80_DENORMAL : F80_ZERO;
	return j ? F80_NORMAL : F80_UNSUPPORTED; /* unnormal */
}
