/* fpu_transc.c - the x87 transcendental instructions (FSIN FCOS FSINCOS FPTAN FPATAN F2XM1
 * FYL2X FYL2XP1) in integer arithmetic, so that every host gives the same bits (DVA-1 section 2).
 *
 * Each function works on a 128-bit binary floating-point value (struct xf) whose operations
 * truncate and "jam" (OR into the last bit) whatever they drop, so a value that is not exact
 * never looks exact. Every series below is summed until its remainder is under 2^-130 of the
 * result, so the working value is within about 2^-120 of the exact one and rounding it once to
 * 64 bits (nearest, ties to even) gives the correctly rounded result except when the exact
 * value lies within 2^-120 ulp-relative of a rounding boundary; it is always within 1 ulp.
 * tests/tools/transc_error.c measures this against the host x87 and a 113-bit reference.
 *
 * Special operands follow the tables of the Intel SDM Vol. 2 for each instruction; what the
 * SDM leaves undefined (F2XM1 outside [-1, 1], FYL2XP1 for x <= -1) copies what an AMD Zen 4
 * does, see docs/transcendentals.md. Precision and rounding control are not consulted: results
 * are always rounded to nearest at 64 bits (the SDM: PC affects only the basic arithmetic).
 */
#include "cpu/fpu.h"

#include <stdbool.h>
#include <stdint.h>

#ifndef __SIZEOF_INT128__
#error "cpu/fpu_transc.c needs unsigned __int128 (gcc or clang on a 64-bit host)"
#endif

typedef unsigned __int128 u128;

#define U128(hi, lo) (((u128)(hi) << 64) | (uint64_t)(lo))
#define TOP128 ((u128)1 << 127)

/* A working value: (-1)^neg * m * 2^(e - 127). m is 0 (the value zero, e and neg then
 * meaningless) or has bit 127 set, so m / 2^127 lies in [1, 2) and e is the unbiased binary
 * exponent. The range of e is far wider than the x87's, so nothing overflows inside. */
struct xf {
	u128 m;
	int32_t e;
	bool neg;
};

/* --- constants (tests/tools/transc_consts.py prints and checks every one) ------------------ */

/* 2/pi as a 448-bit fraction, truncated: 2/pi = sum TWO_OVER_PI[i] * 2^(64 i - 448). */
static const uint64_t TWO_OVER_PI[7] = {
	0xfe1deb1cb129a73e, 0x06492eea09d1921c, 0xb7246e3a424dd2e0, 0xfe5163abdebbc561,
	0xdb6295993c439041, 0xfc2757d1f534ddc0, 0xa2f9836e4e441529,
};

/* A 128-bit constant rounded to nearest: value hi:lo * 2^(e - 127). */
struct kconst {
	uint64_t hi, lo;
	int32_t e;
};

enum { K_PI_2, K_3PI_4, K_LN2, K_2_LN2 };
static const struct kconst KONST[] = {
	[K_PI_2] = { .hi = 0xc90fdaa22168c234, .lo = 0xc4c6628b80dc1cd1, .e = 0 },   /* pi/2 */
	[K_3PI_4] = { .hi = 0x96cbe3f9990e91a7, .lo = 0x9394c9e8a0a5159d, .e = 1 },  /* 3pi/4 */
	[K_LN2] = { .hi = 0xb17217f7d1cf79ab, .lo = 0xc9e3b39803f2f6af, .e = -1 },   /* ln 2 */
	[K_2_LN2] = { .hi = 0xb8aa3b295c17f0bb, .lo = 0xbe87fed0691d3e89, .e = 1 },  /* 2/ln 2 */
};

/* atan(k/16) for k = 1..16 (index k - 1), for the table step of atan_core. */
static const struct kconst ATAN_K16[16] = {
	{ 0xffaaddb967ef4e36, 0xcb2792dc0e2e0d51, -5 }, { 0xfeadd4d5617b6e32, 0xc897989f3e888ef8, -4 },
	{ 0xbdcbda5e72d81134, 0x7b0b4f881c9c7488, -3 }, { 0xfadbafc96406eb15, 0x6dc79ef5f7a217e6, -3 },
	{ 0x9b13b9b83f5e5e69, 0xc5abb498d27af328, -2 }, { 0xb7b0ca0f26f78473, 0x8aa32122dcfe4483, -2 },
	{ 0xd327761e611fe5b6, 0x427c95e9001e7136, -2 }, { 0xed63382b0dda7b45, 0x6fe445ecbc3a8d03, -2 },
	{ 0x832bf4a6d9867e2a, 0x4b6a09cb61a515c1, -1 }, { 0x8f005d5ef7f59f9b, 0x5c835e1665c43748, -1 },
	{ 0x9a2f80e671bdda20, 0x4226f8e2204ff3bd, -1 }, { 0xa4bc7d1934f70924, 0x19a87f2a457dac9f, -1 },
	{ 0xaeac4c38b4d8c080, 0x14725e2f3e52070a, -1 }, { 0xb8053e2bc2319e73, 0xcb2da55210a4443d, -1 },
	{ 0xc0ce85b8ac526640, 0x89dd62c46e92fa25, -1 }, { 0xc90fdaa22168c234, 0xc4c6628b80dc1cd1, -1 },
};

/* 1/n! for n = 0..35 (two a line), the coefficients of the sine, cosine and exponential
 * series. */
static const struct kconst INV_FACT[36] = {
	{ 0x8000000000000000, 0x0000000000000000, 0 }, { 0x8000000000000000, 0x0000000000000000, 0 },
	{ 0x8000000000000000, 0x0000000000000000, -1 }, { 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaaab, -3 },
	{ 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaaab, -5 }, { 0x8888888888888888, 0x8888888888888889, -7 },
	{ 0xb60b60b60b60b60b, 0x60b60b60b60b60b6, -10 }, { 0xd00d00d00d00d00d, 0x00d00d00d00d00d0, -13 },
	{ 0xd00d00d00d00d00d, 0x00d00d00d00d00d0, -16 }, { 0xb8ef1d2ab6399c7d, 0x560e4472800b8ef2, -19 },
	{ 0x93f27dbbc4fae397, 0x780b69f5333c725b, -22 }, { 0xd7322b3faa271c7f, 0x3a3f25c1bee38f10, -26 },
	{ 0x8f76c77fc6c4bdaa, 0x26d4c3d67f425f60, -29 }, { 0xb092309d43684be5, 0x1c198e91d7b4269e, -33 },
	{ 0xc9cba54603e4e905, 0xd6f8a2efd1f27546, -37 }, { 0xd73f9f399dc0f88e, 0xc32b58774657f48f, -41 },
	{ 0xd73f9f399dc0f88e, 0xc32b58774657f48f, -45 }, { 0xca963b81856a5359, 0x3028cbbb8d7ff53c, -49 },
	{ 0xb413c31dcbecbbdd, 0x8024435161554bc3, -53 }, { 0x97a4da340a0ab926, 0x50f61dbdcb3a5abf, -57 },
	{ 0xf2a15d201011283d, 0x4e5695fc785d5dff, -62 }, { 0xb8dc77b6e7ab8c5f, 0x78a37e77372290c2, -66 },
	{ 0x8671cb6dbfc294a2, 0x86485bf99c763abc, -70 }, { 0xbb0da098b1c0cecb, 0xdc3826ebfb13cc27, -75 },
	{ 0xf96780cb97abbe65, 0x25a033e54ec51034, -80 }, { 0x9f9e66e8b2fd46a7, 0x22520cbbb7885c4a, -84 },
	{ 0xc4742fe35272cd1c, 0x790285d3580a4a34, -89 }, { 0xe8d58e16e6751905, 0x4d0c78aea13b9a50, -94 },
	{ 0x850c5131a842e9b9, 0xe2e28e1aa546a152, -98 }, { 0x92cfcc5a1ac56bd5, 0xf1873bb378948eb3, -103 },
	{ 0x9c9962823eb07306, 0x56f6a614c4e2ba59, -108 }, { 0xa1a6973c1fade217, 0x0f7237d35fe1c89e, -113 },
	{ 0xa1a6973c1fade217, 0x0f7237d35fe1c89e, -118 }, { 0x9cc092a6e86a8da9, 0xc166ffd4ba113ea8, -123 },
	{ 0x9388118e07ebd09f, 0xc515a57ceb5b8644, -128 }, { 0x86e2ce38b6c8f941, 0x9e3fad3f0311d9d8, -133 },
};

/* 1/(2n+1) for n = 0..25 (two a line), the coefficients of the arctangent and logarithm
 * series. */
static const struct kconst INV_ODD[26] = {
	{ 0x8000000000000000, 0x0000000000000000, 0 }, { 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaaab, -2 },
	{ 0xcccccccccccccccc, 0xcccccccccccccccd, -3 }, { 0x9249249249249249, 0x2492492492492492, -3 },
	{ 0xe38e38e38e38e38e, 0x38e38e38e38e38e4, -4 }, { 0xba2e8ba2e8ba2e8b, 0xa2e8ba2e8ba2e8ba, -4 },
	{ 0x9d89d89d89d89d89, 0xd89d89d89d89d89e, -4 }, { 0x8888888888888888, 0x8888888888888889, -4 },
	{ 0xf0f0f0f0f0f0f0f0, 0xf0f0f0f0f0f0f0f1, -5 }, { 0xd79435e50d79435e, 0x50d79435e50d7943, -5 },
	{ 0xc30c30c30c30c30c, 0x30c30c30c30c30c3, -5 }, { 0xb21642c8590b2164, 0x2c8590b21642c859, -5 },
	{ 0xa3d70a3d70a3d70a, 0x3d70a3d70a3d70a4, -5 }, { 0x97b425ed097b425e, 0xd097b425ed097b42, -5 },
	{ 0x8d3dcb08d3dcb08d, 0x3dcb08d3dcb08d3e, -5 }, { 0x8421084210842108, 0x4210842108421084, -5 },
	{ 0xf83e0f83e0f83e0f, 0x83e0f83e0f83e0f8, -6 }, { 0xea0ea0ea0ea0ea0e, 0xa0ea0ea0ea0ea0ea, -6 },
	{ 0xdd67c8a60dd67c8a, 0x60dd67c8a60dd67d, -6 }, { 0xd20d20d20d20d20d, 0x20d20d20d20d20d2, -6 },
	{ 0xc7ce0c7ce0c7ce0c, 0x7ce0c7ce0c7ce0c8, -6 }, { 0xbe82fa0be82fa0be, 0x82fa0be82fa0be83, -6 },
	{ 0xb60b60b60b60b60b, 0x60b60b60b60b60b6, -6 }, { 0xae4c415c9882b931, 0x0572620ae4c415ca, -6 },
	{ 0xa72f05397829cbc1, 0x4e5e0a72f0539783, -6 }, { 0xa0a0a0a0a0a0a0a0, 0xa0a0a0a0a0a0a0a1, -6 },
};

/* floor(sqrt(2) * 2^63): log2 splits its significand here so that |log2 m| <= 1/2. */
#define SQRT2_HI 0xb504f333f9de6484ull

/* The x87 real indefinite (SDM Vol. 1, 4.8.3.7): the QNaN that masked invalid operations give. */
static const struct f80 INDEFINITE = { .mant = 0xc000000000000000ull, .sexp = 0xffff };

/* --- the working format ---------------------------------------------------------------- */

static int clz128(u128 m)
{
	uint64_t hi = (uint64_t)(m >> 64);
	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
}

/* m * 2^(e - 127) with m any 128-bit value: normalised so that bit 127 is set. */
static struct xf xf_make(u128 m, int32_t e, bool neg)
{
	struct xf r = { .m = 0, .e = 0, .neg = neg };
	if (m) {
		int s = clz128(m);
		r.m = m << s;
		r.e = e - s;
	}
	return r;
}

static struct xf xf_k(const struct kconst *k)
{
	struct xf r = { .m = U128(k->hi, k->lo), .e = k->e, .neg = false };
	return r;
}

static struct xf xf_one(void)
{
	struct xf r = { .m = TOP128, .e = 0, .neg = false };
	return r;
}

static struct xf xf_int(int32_t v)
{
	uint32_t mag = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
	return xf_make(mag, 127, v < 0);
}

static struct xf xf_negate(struct xf a)
{
	a.neg = !a.neg;
	return a;
}

/* m shifted right by d bits, the dropped bits jammed into bit 0. */
static u128 shr_jam(u128 m, int64_t d)
{
	if (d <= 0)
		return m;
	if (d >= 128)
		return m != 0;
	return (m >> d) | ((m << (128 - d)) != 0);
}

/* |a| < |b| */
static bool xf_less_mag(struct xf a, struct xf b)
{
	if (!a.m || !b.m)
		return !a.m && b.m;
	return a.e < b.e || (a.e == b.e && a.m < b.m);
}

static struct xf xf_add(struct xf a, struct xf b)
{
	if (!a.m)
		return b;
	if (!b.m)
		return a;
	if (xf_less_mag(a, b)) {
		struct xf t = a;
		a = b;
		b = t;
	}
	u128 bs = shr_jam(b.m, (int64_t)a.e - b.e);
	if (a.neg == b.neg) {
		u128 s = a.m + bs;
		if (s < a.m)          /* carry out of bit 127: the sum is in [2, 4) */
			return (struct xf){ .m = (s >> 1) | TOP128 | (s & 1), .e = a.e + 1, .neg = a.neg };
		return (struct xf){ .m = s, .e = a.e, .neg = a.neg };
	}
	return xf_make(a.m - bs, a.e, a.neg);
}

static struct xf xf_sub(struct xf a, struct xf b)
{
	return xf_add(a, xf_negate(b));
}

static struct xf xf_mul(struct xf a, struct xf b)
{
	bool neg = a.neg != b.neg;
	if (!a.m || !b.m)
		return (struct xf){ .m = 0, .e = 0, .neg = neg };
	uint64_t ah = (uint64_t)(a.m >> 64), al = (uint64_t)a.m;
	uint64_t bh = (uint64_t)(b.m >> 64), bl = (uint64_t)b.m;
	u128 hh = (u128)ah * bh, hl = (u128)ah * bl, lh = (u128)al * bh, ll = (u128)al * bl;
	u128 mid = (ll >> 64) + (uint64_t)hl + (uint64_t)lh;
	u128 hi = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
	uint64_t lo = (uint64_t)mid;                 /* product bits 64..127 */
	bool sticky = (uint64_t)ll != 0;
	if (hi >> 127)                                /* product in [2, 4) */
		return (struct xf){ .m = hi | (lo != 0 || sticky), .e = a.e + b.e + 1, .neg = neg };
	return (struct xf){ .m = (hi << 1) | (lo >> 63) | ((lo << 1) != 0 || sticky),
			    .e = a.e + b.e, .neg = neg };
}

/* One 64-bit digit of the quotient (r 2^64 + d) / b, for r < b and b with bit 127 set: the
 * estimate from the top digits, r / b1, is at most 2 too large (Knuth, TAOCP 4.3.1, algorithm
 * D), so at most two corrections. *r becomes the remainder. */
static uint64_t div_digit(u128 *r, uint64_t d, u128 b)
{
	uint64_t b1 = (uint64_t)(b >> 64), b0 = (uint64_t)b;
	u128 est = *r / b1;
	uint64_t q = est >> 64 ? ~0ull : (uint64_t)est;
	u128 lo = (u128)q * b0, hi = (u128)q * b1;   /* q b = ptop 2^64 + plo, below 2^192 */
	u128 mid = (lo >> 64) + (uint64_t)hi;
	uint64_t plo = (uint64_t)lo;
	u128 ptop = (((hi >> 64) + (mid >> 64)) << 64) | (uint64_t)mid;
	while (ptop > *r || (ptop == *r && plo > d)) {  /* q b > r 2^64 + d: one too many */
		q--;
		bool borrow = plo < b0;
		plo -= b0;
		ptop -= (u128)b1 + borrow;
	}
	bool borrow = d < plo;
	*r = ((*r - ptop - borrow) << 64) | (uint64_t)(d - plo);
	return q;
}

/* a / b, b != 0: two quotient digits of 64 bits, the remainder jammed. */
static struct xf xf_div(struct xf a, struct xf b)
{
	bool neg = a.neg != b.neg;
	if (!a.m)
		return (struct xf){ .m = 0, .e = 0, .neg = neg };
	/* The quotient a.m 2^127 / b.m (or a.m 2^128 / b.m when a.m < b.m) has bit 127 set. */
	int32_t e = a.e - b.e;
	u128 r = a.m;
	uint64_t d = 0;
	if (r >= b.m) {
		d = (uint64_t)(r & 1) << 63;
		r >>= 1;
	} else {
		e -= 1;
	}
	uint64_t q1 = div_digit(&r, d, b.m);
	uint64_t q0 = div_digit(&r, 0, b.m);
	return (struct xf){ .m = U128(q1, q0) | (r != 0), .e = e, .neg = neg };
}

/* --- the x87 format ---------------------------------------------------------------------- */

/* Operand classes (SDM Vol. 1, 4.2.2, 8.2.2). BAD is an encoding the x87 refuses with IE:
 * pseudo-NaN, pseudo-infinity and unnormal. A pseudo-denormal counts as a denormal. */
enum kind { ZERO, DENORM, NORMAL, INF, QNAN, SNAN, BAD };

static enum kind classify(struct f80 x)
{
	unsigned e = x.sexp & 0x7fff;
	bool integer = x.mant >> 63;
	if (e == 0x7fff) {
		if (!integer)
			return BAD;
		if (!(x.mant << 1))
			return INF;
		return (x.mant >> 62) & 1 ? QNAN : SNAN;
	}
	if (e == 0)
		return x.mant ? DENORM : ZERO;
	return integer ? NORMAL : BAD;
}

static bool is_nan(enum kind k)
{
	return k == QNAN || k == SNAN;
}

static bool f80_neg(struct f80 x)
{
	return x.sexp >> 15;
}

static struct f80 f80_make(bool neg, uint16_t e, uint64_t mant)
{
	return (struct f80){ .mant = mant, .sexp = (uint16_t)((neg ? 0x8000 : 0) | e) };
}

static struct f80 f80_zero(bool neg)
{
	return f80_make(neg, 0, 0);
}

static struct f80 f80_inf(bool neg)
{
	return f80_make(neg, 0x7fff, 1ull << 63);
}

/* |x| (finite, nonzero) as a working value; a denormal's exponent is that of the smallest
 * normal, as its encoding means (SDM Vol. 1, 4.8.3.2). */
static struct xf xf_from_f80(struct f80 x)
{
	int32_t e = x.sexp & 0x7fff;
	if (e == 0)
		e = 1;
	return xf_make((u128)x.mant << 64, e - 16383, f80_neg(x));
}

/* Whether to round up in magnitude: lsb is the kept value's last bit, half the first dropped
 * bit, sticky the OR of the ones below it; tail is the sign of what the working value lacks of
 * the exact one (in magnitude: -1 below, +1 above, 0 nothing), which matters only when the
 * dropped bits are exactly 0 or exactly one half. */
static bool round_up(bool lsb, bool half, bool sticky, int tail)
{
	if (!half)
		return false;
	if (sticky || tail > 0)
		return true;
	if (tail < 0)
		return false;
	return lsb;                                   /* a tie: to even */
}

/* Round v to the 80-bit format, to nearest, and return the status bits that rounding raises:
 * PE when inexact (always when `approx`: v is then only close to the exact value), C1 when the
 * result is larger in magnitude than the exact value, UE when it is tiny (below 2^-16382 after
 * rounding, as the x87 detects it) and inexact, OE (with PE and C1, giving infinity) when it
 * overflows. Denormal results are rounded at their own precision (SDM Vol. 1, 4.9.1.5). */
static unsigned round_f80(struct xf v, int tail, bool approx, struct f80 *r)
{
	if (!v.m) {
		*r = f80_zero(v.neg);
		return approx ? FSW_PE : 0;
	}
	int64_t be = (int64_t)v.e + 16383;            /* biased exponent of the unrounded value */
	int64_t shift = 64;                           /* dropped bits */
	if (be < 1) {
		shift += 1 - be;
		be = 1;
	}
	uint64_t keep;
	bool half, sticky;
	if (shift > 128) {
		keep = 0;
		half = false;
		sticky = true;
	} else if (shift == 128) {
		keep = 0;
		half = true;                              /* bit 127 is set */
		sticky = (v.m << 1) != 0;
	} else {
		keep = (uint64_t)(v.m >> shift);
		half = (v.m >> (shift - 1)) & 1;
		sticky = (v.m << (129 - shift)) != 0;
	}
	bool inexact = approx || half || sticky || tail != 0;
	bool up = round_up(keep & 1, half, sticky, tail);
	bool bigger = up || (!half && !sticky && tail < 0);

	/* Tininess after rounding: would the value, rounded to 64 bits with an unbounded
	 * exponent, still be below 2^-16382? */
	bool tiny = false;
	if (v.e + 16383 < 1) {
		uint64_t k64 = (uint64_t)(v.m >> 64);
		bool up64 = round_up(k64 & 1, (v.m >> 63) & 1, (v.m << 65) != 0, tail);
		tiny = v.e + 16383 < 0 || !(k64 == ~0ull && up64);
	}
	if (up) {
		keep++;
		if (keep == 0) {                          /* 0xffff...f + 1: next binade */
			keep = 1ull << 63;
			be++;
		}
	}
	unsigned fl = 0;
	if (inexact)
		fl |= FSW_PE;
	if (bigger && inexact)
		fl |= FSW_C1;
	if (tiny && inexact)
		fl |= FSW_UE;
	if (be >= 0x7fff) {
		*r = f80_inf(v.neg);
		return FSW_OE | FSW_PE | FSW_C1;
	}
	/* A denormal keeps exponent field 0 until rounding carries it into bit 63. */
	*r = f80_make(v.neg, (keep >> 63) ? (uint16_t)be : 0, keep);
	return fl;
}

/* --- NaN and invalid operands (SDM Vol. 1, 4.8.3.5 and table 4-7) ------------------------ */

static struct f80 quieted(struct f80 x)
{
	x.mant |= 1ull << 62;
	return x;
}

/* One operand: a NaN or unsupported encoding gives its result and returns true. */
static bool special1(struct f80 x, enum kind k, struct f80 *r, unsigned *fl)
{
	if (k == BAD) {
		*r = INDEFINITE;
		*fl = FSW_IE;
		return true;
	}
	if (is_nan(k)) {
		*r = quieted(x);
		*fl = k == SNAN ? FSW_IE : 0;
		return true;
	}
	return false;
}

/* Two operands: an unsupported encoding in either gives the indefinite; otherwise a NaN wins,
 * a QNaN over an SNaN, and between two of a kind the larger significand (the positive one when
 * they tie, as the host does). */
static bool special2(struct f80 a, enum kind ka, struct f80 b, enum kind kb, struct f80 *r,
		     unsigned *fl)
{
	if (ka == BAD || kb == BAD) {
		*r = INDEFINITE;
		*fl = FSW_IE;
		return true;
	}
	if (!is_nan(ka) && !is_nan(kb))
		return false;
	*fl = ka == SNAN || kb == SNAN ? FSW_IE : 0;
	struct f80 pick;
	if (!is_nan(kb))
		pick = a;
	else if (!is_nan(ka))
		pick = b;
	else if (ka != kb)
		pick = ka == QNAN ? a : b;
	else if (a.mant != b.mant)
		pick = a.mant > b.mant ? a : b;
	else
		pick = f80_neg(a) ? b : a;
	*r = quieted(pick);
	return true;
}

/* --- sine, cosine, tangent ---------------------------------------------------------------- */

/* Bits [pos, pos + 64) of the 512-bit product p (least significant word first), 0 beyond. */
static uint64_t window64(const uint64_t p[8], int pos)
{
	int w = pos / 64, b = pos % 64;
	uint64_t lo = w < 8 ? p[w] : 0, hi = w + 1 < 8 ? p[w + 1] : 0;
	return b ? (lo >> b) | (hi << (64 - b)) : lo;
}

/* Reduce a = |x| (finite, < 2^63) modulo pi/2: a = k pi/2 + r with |r| <= pi/4 (about), and
 * returns k mod 4. The significand times a 448-bit 2/pi gives a * 2/pi with 449 or more
 * fraction bits, exact to 2^-385; its nearest integer is k and the 256 bits below the point
 * give r * 2/pi to 2^-256, which keeps 128 good bits even for the x closest to a multiple of
 * pi/2 (Payne and Hanek's method without the table window, since a < 2^63). */
static unsigned reduce(struct xf a, struct xf *r)
{
	struct xf pi_4 = xf_k(&KONST[K_PI_2]);
	pi_4.e -= 1;
	if (!xf_less_mag(pi_4, a)) {
		*r = a;
		return 0;
	}
	uint64_t sig = (uint64_t)(a.m >> 64);        /* a = sig * 2^(a.e - 63), a.e in [-1, 62] */
	uint64_t p[8] = { 0 };
	u128 carry = 0;
	for (int i = 0; i < 7; i++) {
		u128 t = (u128)sig * TWO_OVER_PI[i] + carry;
		p[i] = (uint64_t)t;
		carry = t >> 64;
	}
	p[7] = (uint64_t)carry;
	/* a * 2/pi = p * 2^(a.e - 511): the binary point sits above bit F. */
	int f = 511 - a.e;
	unsigned k = (unsigned)window64(p, f) & 3;
	uint64_t fr[4];                               /* fraction, most significant word first */
	for (int i = 0; i < 4; i++)
		fr[i] = window64(p, f - 64 * (i + 1));
	bool neg = fr[0] >> 63;
	if (neg) {                                    /* fraction >= 1/2: round k up, r = -(1 - f) */
		k = (k + 1) & 3;
		unsigned inc = 1;                         /* 2^256 - fr = ~fr + 1 */
		for (int i = 3; i >= 0; i--) {
			fr[i] = ~fr[i] + inc;
			inc = inc && fr[i] == 0;
		}
	}
	int lead = 0;                                 /* leading zero words */
	while (lead < 4 && fr[lead] == 0)
		lead++;
	struct xf frac = { .m = 0, .e = 0, .neg = neg };
	if (lead < 4) {                               /* always: x is never a multiple of pi/2 */
		u128 m = U128(fr[lead], lead + 1 < 4 ? fr[lead + 1] : 0);
		bool sticky = false;
		for (int i = lead + 2; i < 4; i++)
			sticky = sticky || fr[i];
		int s = clz128(m);
		uint64_t next = lead + 2 < 4 ? fr[lead + 2] : 0;
		if (s)
			m = (m << s) | (next >> (64 - s));
		frac = (struct xf){ .m = m | sticky, .e = -1 - 64 * lead - s, .neg = neg };
	}
	*r = xf_mul(frac, xf_k(&KONST[K_PI_2]));
	return k;
}

/* sin r = r (1 - z/3! + z^2/5! - ...) with z = r^2, for |r| <= pi/4, by Horner's rule through
 * z^16/33!: the first term left out is under 2^-143. */
static struct xf sin_core(struct xf r)
{
	struct xf z = xf_mul(r, r), p = xf_k(&INV_FACT[33]);
	for (int k = 15; k >= 0; k--)
		p = xf_sub(xf_k(&INV_FACT[2 * k + 1]), xf_mul(z, p));
	return xf_mul(r, p);
}

/* cos r = 1 - z/2! + z^2/4! - ... through z^16/32!, |r| <= pi/4 (left out: under 2^-138). */
static struct xf cos_core(struct xf r)
{
	struct xf z = xf_mul(r, r), p = xf_k(&INV_FACT[32]);
	for (int k = 15; k >= 0; k--)
		p = xf_sub(xf_k(&INV_FACT[2 * k]), xf_mul(z, p));
	return p;
}

enum { WANT_SIN = 1, WANT_COS = 2, WANT_TAN = 4 };

/* FSIN, FCOS, FSINCOS, FPTAN (SDM Vol. 2): the sine goes to *s, the cosine to *c, the tangent
 * to *s. For |x| >= 2^63 only C2 is returned and nothing is written. */
static unsigned trig(struct f80 x, unsigned want, struct f80 *s, struct f80 *c)
{
	enum kind k = classify(x);
	struct f80 special;
	unsigned fl = 0;
	if (k == INF) {
		special = INDEFINITE;
		fl = FSW_IE;
	}
	if (k == INF || special1(x, k, &special, &fl)) {
		if (want & (WANT_SIN | WANT_TAN))
			*s = special;
		if (want & WANT_COS)
			*c = special;
		return fl;
	}
	if (k == ZERO) {                              /* sin, tan keep the signed zero; cos 1 */
		if (want & (WANT_SIN | WANT_TAN))
			*s = x;
		if (want & WANT_COS)
			*c = f80_make(false, 0x3fff, 1ull << 63);
		return 0;
	}
	if (k == DENORM)
		fl |= FSW_DE;
	struct xf a = xf_from_f80(x);
	bool neg = a.neg;
	a.neg = false;
	if (a.e >= 63)
		return FSW_C2;
	unsigned c1 = 0;                              /* FSINCOS: C1 follows the sine (host) */
	if (a.e < -40) {
		/* |x| < 2^-40: sin x = x (1 - x^2/6 ...) and tan x = x (1 + x^2/3 ...) round to x,
		 * cos x = 1 - x^2/2 to 1; the tails say which side the exact value lies. */
		a.neg = neg;
		if (want & WANT_SIN)
			c1 = round_f80(a, -1, true, s);
		if (want & WANT_TAN)
			c1 = round_f80(a, 1, true, s);
		if (want & WANT_COS) {
			unsigned cf = round_f80(xf_one(), -1, true, c);
			if (!(want & WANT_SIN))
				c1 = cf;
			fl |= cf & ~FSW_C1;
		}
		return fl | c1;
	}
	struct xf r;
	unsigned q = reduce(a, &r);
	/* Only the cores some result needs: sin x is +-sin r for even q and +-cos r for odd q,
	 * cos x the other one, tan x both. */
	bool odd = q & 1, s_x = want & (WANT_SIN | WANT_TAN), c_x = want & (WANT_COS | WANT_TAN);
	struct xf zero = { .m = 0, .e = 0, .neg = false };
	struct xf sr = (s_x && !odd) || (c_x && odd) ? sin_core(r) : zero;
	struct xf cr = (s_x && odd) || (c_x && !odd) ? cos_core(r) : zero;
	/* x = q pi/2 + r: the quadrant permutes and negates sin r and cos r. */
	struct xf sv = (q & 1) ? cr : sr, cv = (q & 1) ? xf_negate(sr) : cr;
	if (q & 2) {
		sv = xf_negate(sv);
		cv = xf_negate(cv);
	}
	if (neg)
		sv = xf_negate(sv);
	if (want & WANT_SIN)
		c1 = round_f80(sv, 0, true, s);
	if (want & WANT_TAN)
		c1 = round_f80(xf_div(sv, cv), 0, true, s);
	if (want & WANT_COS) {
		unsigned cf = round_f80(cv, 0, true, c);
		if (!(want & WANT_SIN))
			c1 = cf;
		fl |= cf & ~FSW_C1;
	}
	return fl | c1;
}

unsigned f80_sin(struct f80 x, struct f80 *r)
{
	return trig(x, WANT_SIN, r, 0);
}

unsigned f80_cos(struct f80 x, struct f80 *r)
{
	return trig(x, WANT_COS, 0, r);
}

unsigned f80_sincos(struct f80 x, struct f80 *s, struct f80 *c)
{
	return trig(x, WANT_SIN | WANT_COS, s, c);
}

unsigned f80_tan(struct f80 x, struct f80 *r)
{
	return trig(x, WANT_TAN, r, 0);
}

/* --- arctangent ----------------------------------------------------------------------------- */

/* atan t for 0 < t <= 1: with c = k/16 the nearest sixteenth, atan t = atan c + atan u where
 * u = (t - c) / (1 + t c), |u| <= 1/32, and atan u = u (1 - u^2/3 + u^4/5 - ...) through
 * u^24/25 (left out: under 2^-134). */
static struct xf atan_core(struct xf t)
{
	unsigned k = 0;
	if (t.e >= -5)                                /* floor(32 t), then to nearest sixteenth */
		k = ((unsigned)(t.m >> (122 - t.e)) + 1) >> 1;
	struct xf u = t, base = { .m = 0, .e = 0, .neg = false };
	if (k) {
		struct xf c = xf_make(k, 123, false);    /* k * 2^-4 */
		u = xf_div(xf_sub(t, c), xf_add(xf_one(), xf_mul(t, c)));
		base = xf_k(&ATAN_K16[k - 1]);
	}
	struct xf z = xf_mul(u, u), p = xf_k(&INV_ODD[12]);
	for (int n = 11; n >= 0; n--)
		p = xf_sub(xf_k(&INV_ODD[n]), xf_mul(z, p));
	return xf_add(base, xf_mul(u, p));
}

/* A constant rounded to the result, with the sign of y. */
static unsigned const_result(int which, int shift, bool neg, struct f80 *r)
{
	struct xf v = xf_k(&KONST[which]);
	v.e += shift;
	v.neg = neg;
	return round_f80(v, 0, true, r);
}

/* FPATAN: atan(y / x) in the quadrant of (x, y), the SDM's FPATAN table for zeros and
 * infinities. No finite operands are invalid. */
unsigned f80_atan2(struct f80 y, struct f80 x, struct f80 *r)
{
	enum kind ky = classify(y), kx = classify(x);
	unsigned fl = 0;
	if (special2(y, ky, x, kx, r, &fl))
		return fl;
	if (ky == DENORM || kx == DENORM)
		fl |= FSW_DE;
	bool yneg = f80_neg(y), xneg = f80_neg(x);
	if (ky == ZERO) {                             /* +-0, or +-pi when x is negative */
		if (!xneg) {
			*r = f80_zero(yneg);
			return fl;
		}
		return fl | const_result(K_PI_2, 1, yneg, r);
	}
	if (ky == INF) {                              /* +-pi/2, or +-pi/4 / +-3pi/4 */
		if (kx != INF)
			return fl | const_result(K_PI_2, 0, yneg, r);
		return fl | (xneg ? const_result(K_3PI_4, 0, yneg, r)
				  : const_result(K_PI_2, -1, yneg, r));
	}
	if (kx == ZERO)
		return fl | const_result(K_PI_2, 0, yneg, r);
	if (kx == INF) {
		if (!xneg) {
			*r = f80_zero(yneg);
			return fl;
		}
		return fl | const_result(K_PI_2, 1, yneg, r);
	}
	struct xf a = xf_from_f80(y), b = xf_from_f80(x);
	a.neg = b.neg = false;
	bool swap = xf_less_mag(b, a);                /* |y| > |x|: use atan(x/y) = pi/2 - ... */
	struct xf t = swap ? xf_div(b, a) : xf_div(a, b);
	if (!swap && !xneg && t.e < -70) {
		/* atan t = t (1 - t^2/3 ...) with t^2/3 < 2^-141: below the distance of any
		 * quotient of two 64-bit significands from a rounding boundary, so t (exact but
		 * for its jammed last bit) with a negative tail rounds as atan t does. */
		t.neg = yneg;
		return fl | round_f80(t, -1, true, r);
	}
	struct xf th = atan_core(t);
	if (swap)
		th = xf_sub(xf_k(&KONST[K_PI_2]), th);
	if (xneg) {
		struct xf pi = xf_k(&KONST[K_PI_2]);
		pi.e += 1;
		th = xf_sub(pi, th);
	}
	th.neg = yneg;
	return fl | round_f80(th, 0, true, r);
}

/* --- 2^x - 1 ----------------------------------------------------------------------------- */

/* F2XM1. For -1 <= x <= 1: with w = x ln 2, 2^x - 1 = w (1 + w/2! + w^2/3! + ...) through
 * w^30/31! (left out: under 2^-133). Outside that range the SDM leaves the result undefined;
 * the host (AMD Zen 4) returns x itself with PE, and so do we. 2^x - 1 is exact only for
 * x = -1, 0, 1. */
unsigned f80_2xm1(struct f80 x, struct f80 *r)
{
	enum kind k = classify(x);
	unsigned fl = 0;
	if (special1(x, k, r, &fl))
		return fl;
	bool neg = f80_neg(x);
	if (k == ZERO) {
		*r = x;
		return 0;
	}
	if (k == INF) {                               /* 2^+inf - 1 = +inf, 2^-inf - 1 = -1 */
		*r = neg ? f80_make(true, 0x3fff, 1ull << 63) : x;
		return 0;
	}
	if (k == DENORM)
		fl |= FSW_DE;
	struct xf a = xf_from_f80(x);
	if (a.e >= 0 && !(a.e == 0 && a.m == TOP128)) {
		*r = x;                                   /* |x| > 1 */
		return fl | FSW_PE;
	}
	if (a.e == 0) {                               /* x = +-1: 1 or -1/2, exactly */
		*r = neg ? f80_make(true, 0x3ffe, 1ull << 63) : x;
		return fl;
	}
	struct xf w = xf_mul(a, xf_k(&KONST[K_LN2])), p = xf_k(&INV_FACT[31]);
	for (int j = 29; j >= 0; j--)
		p = xf_add(xf_k(&INV_FACT[j + 1]), xf_mul(w, p));
	return fl | round_f80(xf_mul(w, p), 0, true, r);
}

/* --- logarithms ----------------------------------------------------------------------------- */

/* log2((1 + s) / (1 - s)) = (2 / ln 2) s (1 + s^2/3 + s^4/5 + ...) for |s| <= 0.172 (s^2 <=
 * 2^-5.08), through s^50/51 (left out: under 2^-137). */
static struct xf log2_ratio(struct xf s)
{
	struct xf z = xf_mul(s, s), p = xf_k(&INV_ODD[25]);
	for (int n = 24; n >= 0; n--)
		p = xf_add(xf_k(&INV_ODD[n]), xf_mul(z, p));
	return xf_mul(xf_mul(s, p), xf_k(&KONST[K_2_LN2]));
}

/* log2 a for a > 0. a = m 2^e with m in [sqrt(2)/2, sqrt(2)], then log2 m = log2_ratio(s)
 * with s = (m - 1)/(m + 1), |s| <= 0.172. Sets *exact when a is a power of two (the result is
 * then the integer e, exactly). */
static struct xf log2_xf(struct xf a, bool *exact)
{
	*exact = a.m == TOP128;
	if (*exact)
		return xf_int(a.e);
	struct xf d, sum;
	int32_t e = a.e;
	if ((uint64_t)(a.m >> 64) >= SQRT2_HI) {      /* m/2 in [0.707, 1): d = m/2 - 1 < 0 */
		e += 1;
		d = xf_make(-a.m, -1, true);              /* (2^128 - m) 2^-128 */
		sum = (struct xf){ .m = (a.m >> 1) | TOP128 | (a.m & 1), .e = 0, .neg = false };
	} else {                                      /* m in [1, 1.414): d = m - 1 >= 0 */
		d = xf_make(a.m - TOP128, 0, false);
		sum = (struct xf){ .m = ((a.m >> 1) + (TOP128 >> 1)) | (a.m & 1), .e = 1, .neg = false };
	}
	struct xf l = log2_ratio(xf_div(d, sum));
	return e ? xf_add(xf_int(e), l) : l;
}

/* FYL2X: y log2 x, the SDM's FYL2X table for zeros, infinities and negative x. */
unsigned f80_yl2x(struct f80 x, struct f80 y, struct f80 *r)
{
	enum kind kx = classify(x), ky = classify(y);
	unsigned fl = 0;
	if (special2(x, kx, y, ky, r, &fl))
		return fl;
	bool xneg = f80_neg(x), yneg = f80_neg(y);
	if (xneg && kx != ZERO) {                     /* log of a negative number */
		*r = INDEFINITE;
		return FSW_IE;
	}
	if (kx == ZERO) {                             /* log2 0 = -inf */
		if (ky == ZERO) {
			*r = INDEFINITE;
			return FSW_IE;
		}
		*r = f80_inf(!yneg);
		return ky == INF ? 0 : FSW_ZE;            /* no DE for a denormal y (host) */
	}
	if (kx == DENORM || ky == DENORM)
		fl |= FSW_DE;
	if (kx == INF) {                              /* log2 +inf = +inf */
		if (ky == ZERO) {
			*r = INDEFINITE;
			return FSW_IE;
		}
		*r = f80_inf(yneg);
		return fl;
	}
	bool one = x.sexp == 0x3fff && x.mant == 1ull << 63;
	bool lneg = (x.sexp & 0x7fff) < 0x3fff;       /* x < 1: the logarithm is negative */
	if (one) {
		if (ky == INF) {
			*r = INDEFINITE;
			return FSW_IE;
		}
		*r = f80_zero(yneg);
		return fl;
	}
	if (ky == ZERO) {
		*r = f80_zero(yneg != lneg);
		return fl;
	}
	if (ky == INF) {
		*r = f80_inf(yneg != lneg);
		return fl;
	}
	bool exact;
	struct xf l = log2_xf(xf_from_f80(x), &exact);
	return fl | round_f80(xf_mul(xf_from_f80(y), l), 0, !exact, r);
}

/* FYL2XP1: y log2(x + 1), the SDM's FYL2XP1 table. The SDM defines it for |x| < 1 - sqrt(2)/2;
 * we compute it for every x > -1 (as the host does). For x <= -1, where the logarithm does
 * not exist, the host returns x itself with PE for finite nonzero y, and a zero or infinite y
 * behaves as for a negative logarithm; we do the same. */
unsigned f80_yl2xp1(struct f80 x, struct f80 y, struct f80 *r)
{
	enum kind kx = classify(x), ky = classify(y);
	unsigned fl = 0;
	if (special2(x, kx, y, ky, r, &fl))
		return fl;
	bool xneg = f80_neg(x), yneg = f80_neg(y);
	if ((kx == INF && (xneg || ky == ZERO)) || (kx == ZERO && ky == INF)) {
		*r = INDEFINITE;                          /* log2 of -inf; 0 * inf */
		return FSW_IE;
	}
	if (kx == DENORM || ky == DENORM)
		fl |= FSW_DE;
	if (kx == INF) {
		*r = f80_inf(yneg);
		return fl;
	}
	if (kx == ZERO) {                             /* log2 1 = 0 with the sign of x */
		*r = f80_zero(xneg != yneg);
		return fl;
	}
	struct xf a = xf_from_f80(x);
	bool le_minus1 = xneg && a.e >= 0;            /* x <= -1 */
	if (ky == ZERO) {
		*r = f80_zero(xneg != yneg);
		return fl;
	}
	if (ky == INF) {
		*r = f80_inf(xneg != yneg);
		return fl;
	}
	if (le_minus1) {
		*r = x;
		return fl | FSW_PE;
	}
	bool exact = false;
	struct xf l;
	if (a.e < -2) {                               /* |x| < 1/4: s = x / (2 + x) directly */
		struct xf two = xf_one();
		two.e = 1;
		l = log2_ratio(xf_div(a, xf_add(two, a)));
	} else {
		l = log2_xf(xf_add(xf_one(), a), &exact);
	}
	return fl | round_f80(xf_mul(xf_from_f80(y), l), 0, !exact, r);
}
