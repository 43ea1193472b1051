/* f80.h - the x87's basic operations on 80-bit values under a control word, bit-exact.
 *
 * Every operation takes the guest's control word (precision control in bits 8-9, rounding
 * control in bits 10-11, exception masks in bits 0-5) and returns the status-word bits it
 * raises: the exception flags IE DE ZE OE UE PE, C1 where the SDM defines it (1 = the result
 * was rounded up, in magnitude), and C0/C2/C3 for compares and partial remainders. ES, B, SF
 * and TOP are never returned: the stack and the summary bits are the caller's (fpu.c).
 *
 * Results are those of the hardware under that control word, masked or not:
 *  - an unmasked invalid-operation, denormal-operand or zero-divide exception stops the
 *    operation before it computes (SDM Vol. 1, 8.5.1-8.5.3): *r is then meaningless and the
 *    caller must leave the destination alone;
 *  - an unmasked overflow or underflow on a register result delivers the result with its
 *    exponent scaled by 2^-24576 or 2^+24576 (SDM Vol. 1, 8.5.4 and 8.5.5), as here;
 *  - stores to memory (f80_st_*) return the flags only; with an unmasked exception among them
 *    the caller writes nothing.
 *
 * Two implementations exist: f80_host_* (f80_host.c) runs the real x87 instruction on an x86
 * host, f80_soft_* (f80_soft.c, integer arithmetic, every host) computes the same bits. The
 * f80_* names below select one: the software, on every host (the same bits everywhere, and
 * faster), unless DENALI_F80_HOST (make F80=host) asks for the host's x87. tests/unit/test_f80.c
 * checks the software against the silicon.
 */
#ifndef DENALI_F80_H
#define DENALI_F80_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu.h"

#if defined(__x86_64__) || defined(__i386__)
#define F80_HAVE_HOST 1 /* f80_host.c is built: the tests' oracle */
#else
#define F80_HAVE_HOST 0
#endif
#if F80_HAVE_HOST && defined(DENALI_F80_HOST)
#define F80_HOST 1 /* the x87 of the host computes (make F80=host) */
#else
#define F80_HOST 0 /* f80_soft.c computes: the default on every host */
#endif

/* Control-word fields (SDM Vol. 1, 8.1.5). */
#define FCW_EXC 0x003Fu  /* exception masks IM DM ZM OM UM PM */
#define FCW_PC 0x0300u   /* precision: 0 = 24 bits, 2 = 53, 3 = 64 (1 reserved: as 64? see docs) */
#define FCW_RC 0x0C00u   /* rounding: 0 nearest, 1 down, 2 up, 3 toward zero */
#define FSW_EXC 0x003Fu  /* the six exception flags */
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* The constants FLD1 .. FLDZ load (SDM Vol. 2, FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ). */
enum f80_const { K_ONE, K_L2T, K_L2E, K_PI, K_LG2, K_LN2, K_ZERO };

/* Packed BCD (FBLD/FBSTP): 18 digits, two per byte, least significant first; byte 9 bit 7 is
 * the sign. */
struct f80_bcd {
	uint8_t b[10];
};

/* One implementation's entry points. r may alias no input. */
#define F80_API(p) \
	unsigned p##add(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a + b */ \
	unsigned p##sub(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a - b */ \
	unsigned p##mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a * b */ \
	unsigned p##div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a / b */ \
	unsigned p##sqrt(uint16_t cw, struct f80 a, struct f80 *r);                 \
	unsigned p##prem(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);  /* FPREM: a rem b, chop */ \
	unsigned p##prem1(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r); /* FPREM1: IEEE */ \
	unsigned p##scale(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r); /* a * 2^trunc(b) */ \
	unsigned p##xtract(uint16_t cw, struct f80 a, struct f80 *exp, struct f80 *sig); \
	unsigned p##rndint(uint16_t cw, struct f80 a, struct f80 *r);               \
	unsigned p##cmp(uint16_t cw, struct f80 a, struct f80 b, bool quiet); /* C0 C2 C3: FCOM/FUCOM a, b */ \
	unsigned p##ld_f32(uint16_t cw, uint32_t v, struct f80 *r);  /* FLD m32fp */ \
	unsigned p##ld_f64(uint16_t cw, uint64_t v, struct f80 *r);  /* FLD m64fp */ \
	unsigned p##st_f32(uint16_t cw, struct f80 a, uint32_t *r);  /* FST m32fp */ \
	unsigned p##st_f64(uint16_t cw, struct f80 a, uint64_t *r);  /* FST m64fp */ \
	unsigned p##st_int(uint16_t cw, struct f80 a, unsigned size, uint64_t *r); /* FIST m16/32/64int */ \
	unsigned p##st_bcd(uint16_t cw, struct f80 a, struct f80_bcd *r);          /* FBSTP */ \
	unsigned p##ld_const(uint16_t cw, enum f80_const k, struct f80 *r)

F80_API(f80_soft_);
#if F80_HAVE_HOST
F80_API(f80_host_);
#endif
#if F80_HOST
#define F80_IMPL(name) f80_host_##name
#else
#define F80_IMPL(name) f80_soft_##name
#endif

/* The implementation in use, by the names handlers call. */
static inline unsigned f80_add(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(add)(cw, a, b, r); }
static inline unsigned f80_sub(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(sub)(cw, a, b, r); }
static inline unsigned f80_mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(mul)(cw, a, b, r); }
static inline unsigned f80_div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(div)(cw, a, b, r); }
static inline unsigned f80_sqrt(uint16_t cw, struct f80 a, struct f80 *r) { return F80_IMPL(sqrt)(cw, a, r); }
static inline unsigned f80_prem(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(prem)(cw, a, b, r); }
static inline unsigned f80_prem1(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(prem1)(cw, a, b, r); }
static inline unsigned f80_scale(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(scale)(cw, a, b, r); }
static inline unsigned f80_xtract(uint16_t cw, struct f80 a, struct f80 *e, struct f80 *s) { return F80_IMPL(xtract)(cw, a, e, s); }
static inline unsigned f80_rndint(uint16_t cw, struct f80 a, struct f80 *r) { return F80_IMPL(rndint)(cw, a, r); }
static inline unsigned f80_cmp(uint16_t cw, struct f80 a, struct f80 b, bool quiet) { return F80_IMPL(cmp)(cw, a, b, quiet); }
static inline unsigned f80_ld_f32(uint16_t cw, uint32_t v, struct f80 *r) { return F80_IMPL(ld_f32)(cw, v, r); }
static inline unsigned f80_ld_f64(uint16_t cw, uint64_t v, struct f80 *r) { return F80_IMPL(ld_f64)(cw, v, r); }
static inline unsigned f80_st_f32(uint16_t cw, struct f80 a, uint32_t *r) { return F80_IMPL(st_f32)(cw, a, r); }
static inline unsigned f80_st_f64(uint16_t cw, struct f80 a, uint64_t *r) { return F80_IMPL(st_f64)(cw, a, r); }
static inline unsigned f80_st_int(uint16_t cw, struct f80 a, unsigned size, uint64_t *r) { return F80_IMPL(st_int)(cw, a, size, r); }
static inline unsigned f80_st_bcd(uint16_t cw, struct f80 a, struct f80_bcd *r) { return F80_IMPL(st_bcd)(cw, a, r); }
static inline unsigned f80_ld_const(uint16_t cw, enum f80_const k, struct f80 *r) { return F80_IMPL(ld_const)(cw, k, r); }

/* Exact operations, the same code for both implementations (fpu_conv.c). */
struct f80 f80_from_int(int64_t v);                /* FILD: exact, raises nothing */
struct f80 f80_from_bcd(const struct f80_bcd *b);  /* FBLD: exact, raises nothing */
/* A memory operand of FADD/FCOM/... m32fp or m64fp widened without rounding or quieting (the
 * arithmetic then sees an SNaN as an SNaN); *denormal tells whether it was a denormal. */
struct f80 f80_widen_f32(uint32_t v, bool *denormal);
struct f80 f80_widen_f64(uint64_t v, bool *denormal);

/* Classes of an 80-bit value, as FXAM and the tag word see them (SDM Vol. 1, 8.2.2 and 4.8.3). */
enum f80_class {
	F80_UNSUPPORTED, /* unnormal, pseudo-NaN, pseudo-infinity */
	F80_NAN,
	F80_NORMAL,
	F80_INF,
	F80_ZERO,
	F80_DENORMAL,    /* exponent 0, significand non-zero (pseudo-denormals too) */
};
enum f80_class f80_classify(struct f80 x);

static inline bool f80_sign(struct f80 x)
{
	return x.sexp >> 15;
}

/* The real indefinite: the QNaN a masked invalid operation delivers (SDM Vol. 1, 4.8.3.7). */
static inline struct f80 f80_indefinite(void)
{
	return (struct f80){ 0xC000000000000000ull, 0xFFFF };
}

/* ---- The quick path ------------------------------------------------------------------------
 *
 * The common case of the basic operations, inline for the fast x87 forms (fpu_fast.c) and tried
 * first by f80_soft.c: both operands finite and normal (exponent 1..0x7FFE, integer bit set),
 * any rounding and precision control, and a rounded result that is normal in its destination.
 * Each returns true with the result and the status bits, or false, having written nothing,
 * when the case is not its own: the full operation then decides (zeros, denormals, infinities,
 * NaNs, unsupported encodings, overflow and underflow never reach a quick path). Within that
 * case no exception but precision can arise (SDM Vol. 1, 4.9.1: invalid, denormal, zero-divide,
 * overflow and underflow need a special operand or an out-of-range result), so the bits are PE
 * when inexact and C1 when rounded up in magnitude, exactly what f80_soft.c's rounding returns
 * for the same value: the quotient, product, sum and root below are exact (or carry an exact
 * sticky bit), and the rounding is the same function of them. tests/unit/test_f80.c checks the
 * quick paths through f80_soft_* against the silicon.
 *
 * Decisions that depend on the data (the round bit, which operand is larger, whether a product
 * carries) are computed with masks and selects rather than branches: they are random to the
 * host's branch predictor, and a mispredicted branch costs more than the whole arithmetic.
 */

typedef unsigned __int128 f80_u128;

/* The quick paths are inlined into each fast form, whose operation is a constant there: the
 * compiler would otherwise keep one out-of-line copy dispatching on it. */
#define F80_QUICK static inline __attribute__((always_inline))

/* A normal register value: exponent field 1..0x7FFE and the integer bit set. */
F80_QUICK bool f80_quick_normal(struct f80 x)
{
	return (unsigned)(x.sexp & 0x7FFF) - 1u < 0x7FFEu && (x.mant >> 63);
}

/* Round sign * N * 2^(exp - 127) (bit 127 of N set; sticky: non-zero bits below N) to the
 * precision of cw (SDM Vol. 1, 8.1.5.2: 24, 53 or 64 bits; the reserved 1 as 64, as the
 * host) under its rounding control. False when the rounded exponent is outside the normal
 * register range, which the full rounding handles (overflow, tininess: SDM Vol. 1, 4.9.1.4-5). */
F80_QUICK bool f80_quick_round(uint16_t cw, bool sign, int32_t exp, f80_u128 N, bool sticky,
				   struct f80 *r, unsigned *bits)
{
	uint64_t hi = (uint64_t)(N >> 64), lo = (uint64_t)N, q;
	/* 64 bits to nearest (FNINIT's setting), the expected case: in straight line */
	if (__builtin_expect((cw & 0xF00) == 0x300, 1)) {
		uint64_t h = lo >> 63, rst = ((lo << 1) | sticky) != 0;
		uint64_t up = h & (rst | (hi & 1));
		q = hi + up;
		uint64_t carry = up & (q == 0); /* all ones rounded up: 2^64 */
		q |= carry << 63;
		exp += (int32_t)carry;
		if (exp < -16382 || exp > 16383)
			return false;
		*r = (struct f80){ q, (uint16_t)((unsigned)sign << 15 | (unsigned)(exp + 16383)) };
		*bits = (unsigned)(h | rst) * FSW_PE | (unsigned)up * FSW_C1;
		return true;
	}
	unsigned pc = (cw >> 8) & 3, p = pc == 0 ? 24 : pc == 2 ? 53 : 64;
	bool half, rest;
	if (p == 64) {
		q = hi;
		half = lo >> 63;
		rest = (lo << 1) || sticky;
	} else {
		unsigned sh = 64 - p; /* 40 or 11 dropped bits of hi */
		q = hi >> sh;
		half = (hi >> (sh - 1)) & 1;
		rest = (hi << (65 - sh)) || lo || sticky;
	}
	bool inexact = half || rest, inc;
	switch ((cw >> 10) & 3) {
	case 0: inc = half && (rest || (q & 1)); break; /* to nearest, ties to even */
	case 1: inc = inexact && sign; break;           /* down */
	case 2: inc = inexact && !sign; break;          /* up */
	default: inc = false; break;                    /* toward zero */
	}
	q += inc;
	if (p == 64 ? (inc && q == 0) : (q >> p) != 0) { /* carried into a new leading bit */
		q = 1ull << (p - 1);
		exp++;
	}
	if (exp < -16382 || exp > 16383)
		return false;
	*r = (struct f80){ q << (64 - p), (uint16_t)((sign ? 0x8000 : 0) | (exp + 16383)) };
	*bits = (inexact ? FSW_PE : 0) | (inc ? FSW_C1 : 0);
	return true;
}

/* Both normal, tested together (one branch for the pair). */
F80_QUICK bool f80_quick_normal2(struct f80 a, struct f80 b)
{
	return ((unsigned)(a.sexp & 0x7FFF) - 1u < 0x7FFEu) & ((unsigned)(b.sexp & 0x7FFF) - 1u < 0x7FFEu) &
	       (unsigned)((a.mant & b.mant) >> 63);
}

/* a + b, or a - b with negb (SDM Vol. 1, 4.8.3.6 ... the usual aligned sum, one spare bit on
 * top and the bits shifted out folded into sticky). An exact zero difference is +0, or -0 when
 * rounding down (SDM Vol. 1, 4.8.3.4). */
F80_QUICK bool f80_quick_add(uint16_t cw, struct f80 a, struct f80 b, bool negb, struct f80 *r,
			     unsigned *bits)
{
	if (!f80_quick_normal2(a, b))
		return false;
	uint64_t ea = a.sexp & 0x7FFF, eb = b.sexp & 0x7FFF, ma = a.mant, mb = b.mant;
	uint64_t sa = a.sexp >> 15, sb = (uint64_t)((b.sexp >> 15) ^ negb);
	/* The operand with the larger exponent first (selects, not branches). In units of its lsb
	 * the other is bh plus the fraction bl (its low d bits, at the top of a word), so the sum
	 * or difference is exact in two words. A sum that carries moves one place right (bl has no
	 * bit 0 to lose: d < 64); a difference moves left by its leading zeros (nothing is lost
	 * below it), and with equal exponents it may come out negative: then it is negated and
	 * takes the other sign. */
	bool swp = ea < eb;
	uint64_t e1 = swp ? eb : ea, m1 = swp ? mb : ma, m2 = swp ? ma : mb, s1 = swp ? sb : sa;
	unsigned d = (unsigned)(swp ? eb - ea : ea - eb);
	if (__builtin_expect(d < 64, 1)) {
		uint64_t bh = m2 >> d, bl = (m2 << 1) << (63 - d);
		uint64_t sum = m1 + bh, c = sum < m1;
		uint64_t shi = (sum >> c) | c << 63, slo = (bl >> c) | ((sum << 63) & -c);
		uint64_t neg = -(uint64_t)(bh > m1); /* only with d = 0, where bl = 0 */
		uint64_t dhi = ((m1 - bh - (bl != 0)) ^ neg) - neg, dlo = -bl;
		unsigned k = (unsigned)__builtin_clzll(dhi | 1);
		dhi = (dhi << k) | ((dlo >> 1) >> (63 - k));
		dlo <<= k;
		uint64_t m = -(sa ^ sb); /* all ones for a difference */
		if (__builtin_expect(!(m & !(dhi >> 63)), 1)) /* else it cancelled to nothing above */
			return f80_quick_round(cw, s1 ^ (neg & m & 1),
					       (int32_t)e1 - 16383 + (int32_t)(c & ~m) - (int32_t)(k & m),
					       (f80_u128)((shi & ~m) | (dhi & m)) << 64 | ((slo & ~m) | (dlo & m)),
					       false, r, bits);
	}
	/* |a| >= |b| from here on: swap under a mask */
	uint64_t sw = -(uint64_t)((ea < eb) | ((ea == eb) & (ma < mb)));
	uint64_t te = (ea ^ eb) & sw, tm = (ma ^ mb) & sw, ts = (sa ^ sb) & sw;
	ea ^= te, eb ^= te, ma ^= tm, mb ^= tm, sa ^= ts, sb ^= ts;
	d = (unsigned)(ea - eb);
	d = d > 127 ? 127 : d; /* beyond 127 places b is only sticky anyway */
	f80_u128 A = (f80_u128)ma << 63, B = (f80_u128)mb << 63;
	bool sticky = (B & (((f80_u128)1 << d) - 1)) != 0;
	B >>= d;
	/* a + b, or a - b - sticky (the borrow of the bits below) as a + ~b + 1 - sticky */
	f80_u128 neg = -(f80_u128)(sa != sb);
	f80_u128 S = A + (B ^ neg) + (neg & (f80_u128)!sticky);
	if (__builtin_expect(S == 0 && !sticky, 0)) {
		*r = (struct f80){ 0, (uint16_t)(((cw >> 10) & 3) == 1 ? 0x8000 : 0) };
		*bits = 0;
		return true;
	}
	uint64_t top = (uint64_t)(S >> 64);
	int msb = __builtin_expect(top != 0, 1) ? 127 - __builtin_clzll(top) : 63 - __builtin_clzll((uint64_t)S);
	return f80_quick_round(cw, sa, (int32_t)ea - 16383 + (msb - 126), S << (127 - msb), sticky, r,
			       bits);
}

/* a * b: the 128-bit product of the significands is exact. */
F80_QUICK bool f80_quick_mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r,
				 unsigned *bits)
{
	if (!f80_quick_normal2(a, b))
		return false;
	f80_u128 P = (f80_u128)a.mant * b.mant; /* bit 126 weighs 2^(ea + eb) */
	unsigned top = (unsigned)(P >> 127); /* the product reached 2: one place up */
	int32_t exp = (a.sexp & 0x7FFF) + (b.sexp & 0x7FFF) - 2 * 16383 + (int32_t)top;
	P <<= top ^ 1;
	return f80_quick_round(cw, (a.sexp ^ b.sexp) >> 15, exp, P, false, r, bits);
}

/* n / d and n % d for n < d * 2^64 (the quotient fits 64 bits): one DIV on x86-64. */
F80_QUICK uint64_t f80_quick_divrem(f80_u128 n, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
	uint64_t q, r;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"((uint64_t)n), "d"((uint64_t)(n >> 64)), "rm"(d));
	*rem = r;
	return q;
#else
	*rem = (uint64_t)(n % d);
	return (uint64_t)(n / d);
#endif
}

/* a / b: a 64-bit quotient with its leading bit set, and the remainder compared with half the
 * divisor, which is all rounding needs (the round bit and whether anything is left). */
F80_QUICK bool f80_quick_div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r,
				 unsigned *bits)
{
	if (!f80_quick_normal2(a, b))
		return false;
	unsigned lt = a.mant < b.mant; /* a.mant / b.mant in (1/2, 1): one more quotient bit */
	int32_t exp = (a.sexp & 0x7FFF) - (b.sexp & 0x7FFF) - (int32_t)lt;
	f80_u128 n = (f80_u128)a.mant << (63 + lt);
	uint64_t rm, q = f80_quick_divrem(n, b.mant, &rm);
	/* below q: the round bit (rm >= b/2) and anything else (rm != 0 and not exactly half) */
	uint64_t ge = rm >= b.mant - rm, eq = rm == b.mant - rm;
	uint64_t low = ge << 63 | ((rm != 0) & !eq);
	return f80_quick_round(cw, (a.sexp ^ b.sexp) >> 15, exp, (f80_u128)q << 64 | low, false, r,
			       bits);
}

/* floor(sqrt(n)) for 2^126 <= n < 2^128, exactly. An estimate within 2^33 of the root (from
 * the high word alone: the host's SSE2 square root on x86-64, which needs no libm, else an
 * exact bit-by-bit root of that word), one Newton step on the exact remainder (which leaves it
 * within a unit or two: the error squared over twice the root), then integer comparisons settle
 * the last units. The estimate only decides how fast, never the result, so the result is the
 * same on every host. */
F80_QUICK uint64_t f80_quick_isqrt(f80_u128 n, f80_u128 *rem)
{
	uint64_t hi = (uint64_t)(n >> 64), s; /* hi >= 2^62 */
#if defined(__x86_64__)
	double x = (double)hi, y;
	__asm__("sqrtsd %1, %0" : "=x"(y) : "x"(x));
	s = y >= 4294967295.0 ? ~0ull : (uint64_t)(y * 4294967296.0);
#else
	uint64_t v = hi, root = 0;
	for (uint64_t bit = 1ull << 62; bit; bit >>= 2) {
		if (v >= root + bit) {
			v -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
	}
	s = root << 32;
#endif
	if (s < 1ull << 63)
		s = 1ull << 63; /* the root is at least 2^63 */
	f80_u128 sq = (f80_u128)s * s;
	uint64_t r, step;
	if (n >= sq) { /* s + (n - s^2) / 2s, the difference below 2^98 */
		step = f80_quick_divrem(n - sq, s, &r) >> 1;
		s = step > ~0ull - s ? ~0ull : s + step;
	} else {
		step = f80_quick_divrem(sq - n, s, &r) >> 1;
		s -= step;
	}
	while ((f80_u128)s * s > n)
		s--;
	while (s != ~0ull && (f80_u128)(s + 1) * (s + 1) <= n)
		s++;
	*rem = n - (f80_u128)s * s;
	return s;
}

/* sqrt(a) for a positive normal a: the root of the significand, the exponent halved. */
F80_QUICK bool f80_quick_sqrt(uint16_t cw, struct f80 a, struct f80 *r, unsigned *bits)
{
	if (!f80_quick_normal(a) || (a.sexp >> 15))
		return false;
	int32_t e = (a.sexp & 0x7FFF) - 16383;
	/* value = n * 2^(e - 127) (odd e) or n * 2^(e - 126) (even e): n's root weighs 2^(e/2) */
	f80_u128 n = (f80_u128)a.mant << (63 + (e & 1)), rem;
	uint64_t root = f80_quick_isqrt(n, &rem);
	/* the round bit: rem > root means n >= (root + 1/2)^2 */
	f80_u128 S = (f80_u128)root << 64 | (f80_u128)(rem > root) << 63 | (rem != 0);
	return f80_quick_round(cw, false, (e - (e & 1)) / 2, S, false, r, bits);
}

/* FLD m64fp of a normal double or a zero: exact. */
F80_QUICK bool f80_quick_ld_f64(uint64_t v, struct f80 *r)
{
	unsigned e = (unsigned)(v >> 52) & 0x7FF;
	uint16_t s = (uint16_t)(v >> 48 & 0x8000);
	if (e - 1u < 0x7FEu) {
		*r = (struct f80){ 1ull << 63 | v << 11, (uint16_t)(s | (e - 1023 + 16383)) };
		return true;
	}
	if (!(v << 1)) {
		*r = (struct f80){ 0, s };
		return true;
	}
	return false;
}

/* FST m64fp of a normal value (or a zero) whose rounded value is a normal double: 53 bits
 * under the rounding control (precision control does not apply to stores). The exponent and
 * the 53 bits are added as one word, so a carry out of the fraction goes into the exponent. */
F80_QUICK bool f80_quick_st_f64(uint16_t cw, struct f80 a, uint64_t *out, unsigned *bits)
{
	uint64_t s = (uint64_t)(a.sexp >> 15) << 63;
	unsigned ex = a.sexp & 0x7FFF;
	if (__builtin_expect((a.mant >> 63) && ex - (16383 - 1022) <= 2045u, 1)) {
		uint64_t q = a.mant >> 11, half = (a.mant >> 10) & 1, rest = (a.mant & 0x3FF) != 0, inc;
		unsigned rc = (cw >> 10) & 3;
		if (rc == 0)
			inc = half & (rest | (q & 1));
		else
			inc = (half | rest) & (rc == 1 ? s != 0 : rc == 2 ? !s : 0);
		/* (biased exponent - 1) * 2^52 + q, q's integer bit supplying the 1 */
		uint64_t v = ((uint64_t)(ex - 16383 + 1022) << 52) + q + inc;
		if (v >= 0x7FF0000000000000ull) /* rounded up to overflow */
			return false;
		*out = s | v;
		*bits = (unsigned)(half | rest) * FSW_PE | (unsigned)inc * FSW_C1;
		return true;
	}
	if (ex || a.mant)
		return false;
	*out = s; /* a zero */
	*bits = 0;
	return true;
}

#endif
