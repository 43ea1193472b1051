/* f80_soft.c - the x87's basic operations in integer arithmetic, bit-exact with the silicon.
 *
 * Values are unpacked into a sign, the weight of the leading bit (exp: the value is
 * sig * 2^(exp - 127) with bit 127 of the 128-bit sig set) and a sticky bit for anything below.
 * One rounding routine serves every destination (80-bit register under precision control,
 * m32fp, m64fp): it rounds with an unbounded exponent first, which decides overflow and
 * tininess (SDM Vol. 1, 4.9.1.4-4.9.1.5: tininess after rounding), then delivers the masked
 * response (infinity or the largest finite; a denormal rounded at its own lsb) or the unmasked
 * one (the exponent scaled by 2^-+24576, SDM Vol. 1, 8.5.4-8.5.5). Special operands follow SDM
 * Vol. 1, 4.8.3 and Table 4-7 (NaN rules), 8.2.2 (unsupported encodings are invalid).
 * Needs a compiler with unsigned __int128 (GCC and Clang on 64-bit hosts).
 */
#include "cpu/f80.h"

typedef unsigned __int128 u128;

#define BIAS 16383
#define EMIN (-16382)
#define EMAX 16383
#define SCALE 24576 /* the unmasked overflow/underflow exponent adjustment */

/* An operand's class for arithmetic. */
enum kind { V_ZERO, V_FIN, V_INF, V_QNAN, V_SNAN, V_BAD };

struct unp {
	bool sign;
	int32_t exp;   /* weight of bit 63 of sig */
	uint64_t sig;  /* normalised (bit 63 set) for V_FIN */
	enum kind k;
	bool denormal; /* a denormal or pseudo-denormal encoding: DE */
};

static struct unp unpack(struct f80 x)
{
	struct unp u = { f80_sign(x), 0, x.mant, V_FIN, false };
	int e = x.sexp & 0x7FFF;
	if (e == 0x7FFF) {
		if (!(x.mant >> 63))
			u.k = V_BAD;
		else if (!(x.mant << 1))
			u.k = V_INF;
		else
			u.k = (x.mant >> 62) & 1 ? V_QNAN : V_SNAN;
		return u;
	}
	if (e == 0) {
		if (!x.mant) {
			u.k = V_ZERO;
			return u;
		}
		u.denormal = true;
		int lz = __builtin_clzll(x.mant);
		u.sig = x.mant << lz;
		u.exp = 1 - BIAS - lz;
		return u;
	}
	if (!(x.mant >> 63)) {
		u.k = V_BAD; /* unnormal */
		return u;
	}
	u.exp = e - BIAS;
	return u;
}

static bool is_nan(const struct unp *u)
{
	return u->k == V_QNAN || u->k == V_SNAN;
}

static struct f80 quiet(struct f80 x)
{
	x.mant |= 1ull << 62;
	return x;
}

static struct f80 make_inf(bool sign)
{
	return (struct f80){ 1ull << 63, (uint16_t)((sign ? 0x8000 : 0) | 0x7FFF) };
}

static struct f80 make_zero(bool sign)
{
	return (struct f80){ 0, (uint16_t)(sign ? 0x8000 : 0) };
}

/* The NaN result of an operation with NaN operands (SDM Vol. 1, Table 4-7, x87 column): an SNaN
 * raises IE; a QNaN beats an SNaN; of two alike the larger significand wins. */
static unsigned nan_result(struct f80 a, const struct unp *ua, struct f80 b, const struct unp *ub,
			   struct f80 *r)
{
	unsigned bits = (ua->k == V_SNAN || ub->k == V_SNAN) ? FSW_IE : 0;
	if (!is_nan(ub)) {
		*r = quiet(a);
	} else if (!is_nan(ua)) {
		*r = quiet(b);
	} else if (ua->k != ub->k) {
		*r = quiet(ua->k == V_QNAN ? a : b);
	} else {
		uint64_t ma = a.mant | 1ull << 62, mb = b.mant | 1ull << 62;
		if (ma != mb)
			*r = quiet(ma > mb ? a : b);
		else /* equal significands: the positive one, as the host picks */
			*r = quiet(f80_sign(a) ? b : a);
	}
	return bits;
}

/* ---- rounding -------------------------------------------------------------------------------- */

/* Where a result goes: the precision in bits, the exponent range, the stored lsb of a denormal. */
struct dest {
	int p;       /* significant bits kept */
	int emin, emax;
	int dlsb;    /* weight of a denormal's lsb */
	bool reg;    /* a register: unmasked OE/UE deliver the scaled result */
};

static int pc_bits(uint16_t cw)
{
	switch ((cw >> 8) & 3) {
	case 0: return 24;
	case 2: return 53;
	default: return 64; /* 3, and the reserved 1 (as the host does) */
	}
}

static struct dest reg_dest(uint16_t cw)
{
	return (struct dest){ pc_bits(cw), EMIN, EMAX, EMIN - 63, true };
}

/* Round sig (bit 127 = weight 2^exp) with sticky to k bits above and including the lsb; returns
 * the integer of lsb units (may reach 2^k by carry). */
static u128 rnd(u128 sig, bool sticky, int k, bool sign, unsigned rc, bool *inexact, bool *up)
{
	u128 q;
	bool half, rest;
	if (k > 0) {
		q = sig >> (128 - k);
		u128 low = sig << k;
		half = low >> 127;
		rest = (low << 1) != 0 || sticky;
	} else if (k == 0) {
		q = 0;
		half = sig >> 127;
		rest = (sig << 1) != 0 || sticky;
	} else {
		q = 0;
		half = false;
		rest = sig != 0 || sticky;
	}
	*inexact = half || rest;
	bool inc;
	switch (rc) {
	case 0: inc = half && (rest || (q & 1)); break;
	case 1: inc = *inexact && sign; break;
	case 2: inc = *inexact && !sign; break;
	default: inc = false; break;
	}
	*up = inc;
	return q + inc;
}

/* The rounded value as (exp, 64-bit normalised significand) or a denormal's stored mantissa. */
struct packed {
	bool sign;
	int32_t exp;    /* of bit 63 of sig; for a denormal, EMIN - 1 */
	uint64_t sig;   /* normalised, or the denormal's bits aligned at dlsb */
	bool inf;
	bool zero;
};

/* Round sign * sig * 2^(exp - 127) (sig's bit 127 set) for destination d under cw. */
static unsigned round_to(uint16_t cw, struct dest d, bool sign, int32_t exp, u128 sig, bool sticky,
			 struct packed *out)
{
	unsigned rc = (cw >> 10) & 3, bits = 0;
	bool inexact, up;
	out->sign = sign;
	out->inf = out->zero = false;

	/* unbounded exponent, p bits */
	u128 q = rnd(sig, sticky, d.p, sign, rc, &inexact, &up);
	int32_t e = exp;
	if (q >> d.p) {
		q >>= 1;
		e++;
	}
	if (e > d.emax) {
		if (!(cw & FSW_OE) && !d.reg) /* a store: nothing is written */
			return FSW_OE;
		if (!(cw & FSW_OE) && e - SCALE > d.emax) { /* beyond even the scaled range */
			out->inf = true;
			return FSW_OE | FSW_PE | FSW_C1;
		}
		if (!(cw & FSW_OE)) {
			bits |= FSW_OE | (inexact ? FSW_PE : 0) | (up ? FSW_C1 : 0);
			out->exp = e - SCALE;
			out->sig = (uint64_t)(q << (64 - d.p));
			return bits;
		}
		bits |= FSW_OE | FSW_PE;
		bool to_inf = rc == 0 || (rc == 1 && sign) || (rc == 2 && !sign);
		if (to_inf) {
			out->inf = true;
			return bits | FSW_C1;
		}
		out->exp = d.emax;
		out->sig = (uint64_t)(((((u128)1) << d.p) - 1) << (64 - d.p));
		return bits;
	}
	if (e < d.emin) { /* tiny */
		if (!(cw & FSW_UE) && !d.reg)
			return FSW_UE;
		if (!(cw & FSW_UE) && e + SCALE < d.emin) {
			out->zero = true;
			return FSW_UE | FSW_PE;
		}
		if (!(cw & FSW_UE)) {
			bits |= FSW_UE | (inexact ? FSW_PE : 0) | (up ? FSW_C1 : 0);
			out->exp = e + SCALE;
			out->sig = (uint64_t)(q << (64 - d.p));
			return bits;
		}
		/* masked (or beyond even the scaled range): a denormal keeps the precision the
		 * format has at its smallest exponent, as the host rounds it */
		int lsb = d.emin - (d.p - 1);
		int k = exp - lsb + 1;
		u128 dq = rnd(sig, sticky, k, sign, rc, &inexact, &up);
		if (inexact)
			bits |= FSW_UE | FSW_PE;
		if (up)
			bits |= FSW_C1;
		if (dq == 0) {
			out->zero = true;
			return bits;
		}
		/* the value is dq * 2^lsb; normalise it (it may have reached 2^emin) */
		int lz = __builtin_clzll((uint64_t)dq);
		out->sig = (uint64_t)dq << lz;
		out->exp = lsb + 63 - lz;
		return bits;
	}
	if (inexact)
		bits |= FSW_PE;
	if (up)
		bits |= FSW_C1;
	out->exp = e;
	out->sig = (uint64_t)(q << (64 - d.p));
	return bits;
}

static struct f80 to_reg(const struct packed *p)
{
	uint16_t s = p->sign ? 0x8000 : 0;
	if (p->inf)
		return make_inf(p->sign);
	if (p->zero)
		return make_zero(p->sign);
	if (p->exp < EMIN) /* denormal: shift to the lsb 2^(EMIN - 63) */
		return (struct f80){ p->sig >> (EMIN - p->exp), s };
	return (struct f80){ p->sig, (uint16_t)(s | (p->exp + BIAS)) };
}

/* Round and deliver to a register. */
static unsigned round_reg(uint16_t cw, bool sign, int32_t exp, u128 sig, bool sticky, struct f80 *r)
{
	struct packed p;
	unsigned bits = round_to(cw, reg_dest(cw), sign, exp, sig, sticky, &p);
	*r = to_reg(&p);
	return bits;
}

/* An exact value (64-bit normalised sig) into a register under cw (for results that need no
 * rounding but may be tiny, e.g. remainders, or need precision control). */
static unsigned exact_reg(uint16_t cw, bool sign, int32_t exp, uint64_t sig, struct f80 *r)
{
	return round_reg(cw, sign, exp, (u128)sig << 64, false, r);
}

/* ---- arithmetic ------------------------------------------------------------------------------ */

/* Checks common to the binary operations: unsupported encodings and SNaNs are invalid; NaNs
 * propagate; a denormal operand raises DE (it ranks below invalid and NaN operands). Returns
 * true when *r and *bits are the final answer. */
static bool specials2(struct f80 a, const struct unp *ua, struct f80 b, const struct unp *ub,
		      struct f80 *r, unsigned *bits)
{
	if (ua->k == V_BAD || ub->k == V_BAD) {
		*r = f80_indefinite();
		*bits = FSW_IE;
		return true;
	}
	if (is_nan(ua) || is_nan(ub)) {
		*bits = nan_result(a, ua, b, ub, r);
		return true;
	}
	*bits = (ua->denormal || ub->denormal) ? FSW_DE : 0;
	return false;
}

/* An unmasked denormal-operand exception stops the operation before it computes: DE alone,
 * the destination untouched (*r = a stands for it). Returns true then. */
static bool de_stop(uint16_t cw, unsigned bits, struct f80 a, struct f80 *r, unsigned *out)
{
	if ((bits & FSW_DE) && !(cw & FSW_DE)) {
		*r = a;
		*out = FSW_DE;
		return true;
	}
	return false;
}

static unsigned add_core(uint16_t cw, struct f80 a, struct f80 b, bool negb, struct f80 *r)
{
	struct unp ua = unpack(a), ub = unpack(b);
	unsigned bits;
	if (specials2(a, &ua, b, &ub, r, &bits))
		return bits;
	ub.sign ^= negb;
	unsigned rc = (cw >> 10) & 3;
	if (ua.k == V_INF || ub.k == V_INF) {
		if (ua.k == V_INF && ub.k == V_INF && ua.sign != ub.sign) {
			*r = f80_indefinite();
			return FSW_IE;
		}
		if (de_stop(cw, bits, a, r, &bits))
			return bits;
		*r = make_inf(ua.k == V_INF ? ua.sign : ub.sign);
		return bits;
	}
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (ua.k == V_ZERO && ub.k == V_ZERO) {
		*r = make_zero(ua.sign == ub.sign ? ua.sign : rc == 1);
		return bits;
	}
	if (ua.k == V_ZERO || ub.k == V_ZERO) {
		const struct unp *x = ua.k == V_ZERO ? &ub : &ua;
		return bits | exact_reg(cw, x->sign, x->exp, x->sig, r);
	}
	if (ua.exp < ub.exp || (ua.exp == ub.exp && ua.sig < ub.sig)) {
		struct unp t = ua;
		ua = ub;
		ub = t;
	}
	int d = ua.exp - ub.exp;
	u128 A = (u128)ua.sig << 63, B = (u128)ub.sig << 63; /* one spare bit on top */
	bool sticky = false;
	if (d >= 127) {
		sticky = B != 0;
		B = 0;
	} else if (d > 0) {
		sticky = (B << (128 - d)) != 0;
		B >>= d;
	}
	u128 S;
	if (ua.sign == ub.sign) {
		S = A + B;
	} else {
		S = A - B - (sticky ? 1 : 0);
		if (S == 0 && !sticky) {
			*r = make_zero(rc == 1);
			return bits;
		}
	}
	/* S's leading bit has weight 2^(ua.exp + (msb - 126)) */
	uint64_t hi = (uint64_t)(S >> 64);
	int msb = hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)S);
	int32_t exp = ua.exp + (msb - 126);
	u128 N = S << (127 - msb);
	return bits | round_reg(cw, ua.sign, exp, N, sticky, r);
}

unsigned f80_soft_add(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	unsigned bits;
	if (f80_quick_add(cw, a, b, false, r, &bits))
		return bits;
	return add_core(cw, a, b, false, r);
}

unsigned f80_soft_sub(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	unsigned bits;
	if (f80_quick_add(cw, a, b, true, r, &bits))
		return bits;
	return add_core(cw, a, b, true, r);
}

unsigned f80_soft_mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	unsigned bits;
	if (f80_quick_mul(cw, a, b, r, &bits))
		return bits;
	struct unp ua = unpack(a), ub = unpack(b);
	if (specials2(a, &ua, b, &ub, r, &bits))
		return bits;
	bool sign = ua.sign != ub.sign;
	if ((ua.k == V_INF && ub.k == V_ZERO) || (ua.k == V_ZERO && ub.k == V_INF)) {
		*r = f80_indefinite();
		return FSW_IE;
	}
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (ua.k == V_INF || ub.k == V_INF) {
		*r = make_inf(sign);
		return bits;
	}
	if (ua.k == V_ZERO || ub.k == V_ZERO) {
		*r = make_zero(sign);
		return bits;
	}
	u128 P = (u128)ua.sig * ub.sig; /* weight of bit 126: 2^(ea + eb) */
	int32_t exp = ua.exp + ub.exp;
	if (P >> 127)
		exp++;
	else
		P <<= 1;
	return bits | round_reg(cw, sign, exp, P, false, r);
}

unsigned f80_soft_div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	unsigned bits;
	if (f80_quick_div(cw, a, b, r, &bits))
		return bits;
	struct unp ua = unpack(a), ub = unpack(b);
	if (specials2(a, &ua, b, &ub, r, &bits))
		return bits;
	bool sign = ua.sign != ub.sign;
	if ((ua.k == V_INF && ub.k == V_INF) || (ua.k == V_ZERO && ub.k == V_ZERO)) {
		*r = f80_indefinite();
		return FSW_IE;
	}
	if (ub.k == V_ZERO && ua.k != V_INF) { /* zero divide outranks a denormal dividend */
		*r = make_inf(sign);
		return FSW_ZE;
	}
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (ua.k == V_INF) {
		*r = make_inf(sign);
		return bits;
	}
	if (ub.k == V_INF) {
		*r = make_zero(sign);
		return bits;
	}
	if (ub.k == V_ZERO) {
		*r = make_inf(sign);
		return bits | FSW_ZE;
	}
	if (ua.k == V_ZERO) {
		*r = make_zero(sign);
		return bits;
	}
	/* two 64-bit quotient digits of (a.sig / b.sig) */
	u128 n = (u128)ua.sig << 64;
	u128 q1 = n / ub.sig, r1 = n % ub.sig;
	u128 n2 = r1 << 64;
	uint64_t q2 = (uint64_t)(n2 / ub.sig);
	bool sticky = (n2 % ub.sig) != 0;
	/* quotient = q1 + q2/2^64, q1 in [2^63, 2^65): value = quotient * 2^(ea - eb - 64) */
	int32_t exp = ua.exp - ub.exp;
	u128 Q;
	if (q1 >> 64) { /* 65 bits: a.sig >= b.sig */
		sticky |= (q2 & 1) != 0;
		Q = (q1 << 63) | (q2 >> 1);
	} else {
		Q = (q1 << 64) | q2;
		exp--;
	}
	return bits | round_reg(cw, sign, exp, Q, sticky, r);
}

/* Integer square root of a 128-bit n: floor(sqrt(n)). */
static uint64_t isqrt128(u128 n, u128 *rem)
{
	u128 x = 0, bit = (u128)1 << 126;
	while (bit > n)
		bit >>= 2;
	while (bit) {
		if (n >= x + bit) {
			n -= x + bit;
			x = (x >> 1) + bit;
		} else {
			x >>= 1;
		}
		bit >>= 2;
	}
	*rem = n;
	return (uint64_t)x;
}

unsigned f80_soft_sqrt(uint16_t cw, struct f80 a, struct f80 *r)
{
	unsigned quick_bits;
	if (f80_quick_sqrt(cw, a, r, &quick_bits))
		return quick_bits;
	struct unp u = unpack(a);
	if (u.k == V_BAD) {
		*r = f80_indefinite();
		return FSW_IE;
	}
	if (is_nan(&u)) {
		*r = quiet(a);
		return u.k == V_SNAN ? FSW_IE : 0;
	}
	unsigned bits = u.denormal ? FSW_DE : 0;
	if (u.k != V_ZERO && u.sign) {
		*r = f80_indefinite();
		return FSW_IE;
	}
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (u.k == V_ZERO) {
		*r = a;
		return bits;
	}
	if (u.k == V_INF) {
		*r = a;
		return bits;
	}
	/* value = sig * 2^(e - 63); make the exponent of the radicand even */
	u128 n;
	int32_t exp;
	if (u.exp & 1) {
		n = (u128)u.sig << 64; /* value = n * 2^(e - 127) */
		exp = (u.exp - 1) / 2;
		if (u.exp < 0)
			exp = -((1 - u.exp) / 2);
	} else {
		n = (u128)u.sig << 63; /* value = n * 2^(e - 126) */
		exp = u.exp / 2;
	}
	u128 rem;
	uint64_t root = isqrt128(n, &rem);
	bool round = rem > root, sticky = rem != 0;
	u128 S = ((u128)root << 64) | ((u128)round << 63) | (sticky ? 1 : 0);
	return bits | round_reg(cw, false, exp, S, false, r);
}

/* ---- partial remainders, scale, extract, round to integer ------------------------------------ */

static unsigned prem_core(uint16_t cw, struct f80 a, struct f80 b, bool ieee, struct f80 *r)
{
	struct unp ua = unpack(a), ub = unpack(b);
	unsigned bits;
	if (specials2(a, &ua, b, &ub, r, &bits))
		return bits;
	if (ua.k == V_INF || ub.k == V_ZERO) {
		*r = f80_indefinite();
		return FSW_IE;
	}
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (ua.k == V_ZERO || ub.k == V_INF) {
		*r = a;
		if (ua.k == V_FIN) /* a denormal keeps its value, normalised as the host stores it */
			return bits | exact_reg(cw | 0x300, ua.sign, ua.exp, ua.sig, r);
		return bits;
	}
	int d = ua.exp - ub.exp;
	if (d < (ieee ? -1 : 0)) /* |a| < |b| / 2 (FPREM1) or < |b| (FPREM): a itself */
		return bits | exact_reg(cw | 0x300, ua.sign, ua.exp, ua.sig, r);
	u128 q;
	uint64_t rm;
	int32_t rexp; /* weight of rm's bit 63... computed below as value = rm * 2^(scale) */
	int32_t scale;
	unsigned cc = 0;
	if (d < 64) {
		/* in units of 2^(eb - 63), or of 2^(eb - 64) when d = -1 (FPREM1 only) */
		u128 n = d >= 0 ? (u128)ua.sig << d : ua.sig;
		u128 div = d >= 0 ? ub.sig : (u128)ub.sig << 1;
		q = n / div;
		u128 rem = n % div;
		scale = d >= 0 ? ub.exp - 63 : ub.exp - 64;
		bool neg = false;
		if (ieee) {
			u128 twice = rem << 1;
			if (twice > div || (twice == div && (q & 1))) {
				q++;
				rem = div - rem;
				neg = true;
			}
		}
		rm = (uint64_t)rem;
		cc = ((q & 4) ? FSW_C0 : 0) | ((q & 2) ? FSW_C3 : 0) | ((q & 1) ? FSW_C1 : 0);
		bool sign = ua.sign ^ neg;
		if (rm == 0) {
			*r = make_zero(ua.sign);
			return bits | cc;
		}
		int lz = __builtin_clzll(rm);
		rexp = scale + 63 - lz;
		return bits | cc | exact_reg(cw | 0x300, sign, rexp, rm << lz, r);
	}
	int n = (d & 31) | 32;
	u128 num = (u128)ua.sig << n;
	rm = (uint64_t)(num % ub.sig);
	scale = ua.exp - n - 63;
	if (rm == 0) {
		*r = make_zero(ua.sign);
		return bits | FSW_C2;
	}
	int lz = __builtin_clzll(rm);
	rexp = scale + 63 - lz;
	return bits | FSW_C2 | exact_reg(cw | 0x300, ua.sign, rexp, rm << lz, r);
}

unsigned f80_soft_prem(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	return prem_core(cw, a, b, false, r);
}

unsigned f80_soft_prem1(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	return prem_core(cw, a, b, true, r);
}

unsigned f80_soft_scale(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct unp ua = unpack(a), ub = unpack(b);
	unsigned bits;
	if (specials2(a, &ua, b, &ub, r, &bits))
		return bits;
	if (ub.k == V_INF) {
		if ((ua.k == V_ZERO && !ub.sign) || (ua.k == V_INF && ub.sign)) {
			*r = f80_indefinite();
			return FSW_IE;
		}
		if (de_stop(cw, bits, a, r, &bits))
			return bits;
		if (ua.k == V_FIN)
			*r = ub.sign ? make_zero(ua.sign) : make_inf(ua.sign);
		else
			*r = a;
		return bits;
	}
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (ua.k != V_FIN) {
		*r = a;
		return bits;
	}
	int64_t n = 0; /* trunc(b), clamped far beyond any exponent */
	if (ub.k == V_FIN && ub.exp >= 0)
		n = ub.exp > 20 ? (1 << 20) : (int64_t)(ub.sig >> (63 - ub.exp));
	if (ub.sign)
		n = -n;
	return bits | exact_reg(cw | 0x300, ua.sign, (int32_t)(ua.exp + n), ua.sig, r);
}

unsigned f80_soft_xtract(uint16_t cw, struct f80 a, struct f80 *exp, struct f80 *sig)
{
	struct unp u = unpack(a);
	if (u.k == V_BAD) {
		*exp = *sig = f80_indefinite();
		return FSW_IE;
	}
	if (is_nan(&u)) {
		*exp = *sig = quiet(a);
		return u.k == V_SNAN ? FSW_IE : 0;
	}
	if (u.k == V_ZERO) {
		*exp = make_inf(true);
		*sig = a;
		return FSW_ZE;
	}
	if (u.k == V_INF) {
		*exp = make_inf(false);
		*sig = a;
		return 0;
	}
	if (u.denormal && !(cw & FSW_DE)) {
		*exp = *sig = a;
		return FSW_DE;
	}
	*exp = f80_from_int(u.exp);
	*sig = (struct f80){ u.sig, (uint16_t)((u.sign ? 0x8000 : 0) | BIAS) };
	return u.denormal ? FSW_DE : 0;
}

/* Round a finite value to an integer under rc: the integer's magnitude (saturating at 2^64 - 1
 * plus a flag) and the inexact/up bits. */
static unsigned to_integer(uint16_t cw, const struct unp *u, u128 *mag)
{
	unsigned rc = (cw >> 10) & 3;
	bool inexact, up;
	if (u->k == V_ZERO) {
		*mag = 0;
		return 0;
	}
	if (u->exp >= 64) {
		*mag = (u128)1 << 100; /* too large for any destination */
		return 0;
	}
	*mag = rnd((u128)u->sig << 64, false, u->exp + 1, u->sign, rc, &inexact, &up);
	return (inexact ? FSW_PE : 0) | (up ? FSW_C1 : 0);
}

unsigned f80_soft_rndint(uint16_t cw, struct f80 a, struct f80 *r)
{
	struct unp u = unpack(a);
	if (u.k == V_BAD) {
		*r = f80_indefinite();
		return FSW_IE;
	}
	if (is_nan(&u)) {
		*r = quiet(a);
		return u.k == V_SNAN ? FSW_IE : 0;
	}
	unsigned bits = u.denormal ? FSW_DE : 0;
	if (de_stop(cw, bits, a, r, &bits))
		return bits;
	if (u.k != V_FIN || u.exp >= 63) {
		*r = a;
		return bits;
	}
	u128 mag;
	bits |= to_integer(cw, &u, &mag);
	if (mag == 0)
		*r = make_zero(u.sign);
	else if (mag >> 64)
		*r = (struct f80){ 1ull << 63, (uint16_t)((u.sign ? 0x8000 : 0) | (BIAS + 64)) };
	else
		*r = (struct f80){ (uint64_t)mag << __builtin_clzll((uint64_t)mag),
				   (uint16_t)((u.sign ? 0x8000 : 0) | (BIAS + 63 - __builtin_clzll((uint64_t)mag))) };
	return bits;
}

/* ---- compare ---------------------------------------------------------------------------------- */

unsigned f80_soft_cmp(uint16_t cw, struct f80 a, struct f80 b, bool quiet_cmp)
{
	struct unp ua = unpack(a), ub = unpack(b);
	(void)cw;
	const unsigned unordered = FSW_C3 | FSW_C2 | FSW_C0;
	if (ua.k == V_BAD || ub.k == V_BAD)
		return unordered | FSW_IE;
	if (is_nan(&ua) || is_nan(&ub)) {
		bool sn = ua.k == V_SNAN || ub.k == V_SNAN;
		return unordered | ((sn || !quiet_cmp) ? FSW_IE : 0);
	}
	unsigned bits = (ua.denormal || ub.denormal) ? FSW_DE : 0;
	int c; /* sign of a - b */
	if (ua.k == V_ZERO && ub.k == V_ZERO) {
		c = 0;
	} else {
		/* order by sign, then magnitude (infinity above every finite) */
		int sa = ua.k == V_ZERO ? 0 : ua.sign ? -1 : 1;
		int sb = ub.k == V_ZERO ? 0 : ub.sign ? -1 : 1;
		if (sa != sb) {
			c = sa < sb ? -1 : 1;
		} else {
			int m; /* magnitude order */
			if (ua.k == V_INF || ub.k == V_INF)
				m = (ua.k == V_INF) - (ub.k == V_INF);
			else if (ua.exp != ub.exp)
				m = ua.exp < ub.exp ? -1 : 1;
			else
				m = ua.sig < ub.sig ? -1 : ua.sig > ub.sig;
			c = sa < 0 ? -m : m;
		}
	}
	if (c == 0)
		return bits | FSW_C3;
	return bits | (c < 0 ? FSW_C0 : 0);
}

/* ---- loads and stores ------------------------------------------------------------------------- */

static unsigned ld_fmt(uint64_t v, int fb, int eb, struct f80 *r)
{
	bool denormal;
	struct f80 x = fb == 23 ? f80_widen_f32((uint32_t)v, &denormal) : f80_widen_f64(v, &denormal);
	struct unp u = unpack(x);
	if (u.k == V_SNAN) {
		*r = quiet(x);
		return FSW_IE;
	}
	(void)eb;
	*r = x;
	return denormal ? FSW_DE : 0;
}

unsigned f80_soft_ld_f32(uint16_t cw, uint32_t v, struct f80 *r)
{
	(void)cw;
	return ld_fmt(v, 23, 8, r);
}

unsigned f80_soft_ld_f64(uint16_t cw, uint64_t v, struct f80 *r)
{
	(void)cw;
	if (f80_quick_ld_f64(v, r))
		return 0;
	return ld_fmt(v, 52, 11, r);
}

/* FST m32fp/m64fp: fb fraction bits, eb exponent bits. */
static unsigned st_fmt(uint16_t cw, struct f80 a, int fb, int eb, uint64_t *out)
{
	struct unp u = unpack(a);
	int bias = (1 << (eb - 1)) - 1;
	uint64_t s = (uint64_t)u.sign << (fb + eb), emask = ((uint64_t)1 << eb) - 1;
	uint64_t qnan_indef = ((uint64_t)1 << (fb + eb)) | emask << fb | (uint64_t)1 << (fb - 1);
	if (u.k == V_BAD) {
		*out = qnan_indef;
		return FSW_IE;
	}
	if (is_nan(&u)) {
		*out = s | emask << fb | (uint64_t)1 << (fb - 1) | (a.mant << 1 >> (64 - fb));
		return u.k == V_SNAN ? FSW_IE : 0;
	}
	if (u.k == V_INF) {
		*out = s | emask << fb;
		return 0;
	}
	/* a denormal source raises no DE on a store (as the host) */
	if (u.k == V_ZERO) {
		*out = s;
		return 0;
	}
	struct dest d = { fb + 1, 1 - bias, bias, 1 - bias - fb, false };
	struct packed p;
	unsigned bits = round_to(cw, d, u.sign, u.exp, (u128)u.sig << 64, false, &p);
	if (bits & ~cw & (FSW_OE | FSW_UE)) {
		*out = 0; /* unmasked: the store does not happen */
	} else if (p.inf) {
		*out = s | emask << fb;
	} else if (p.zero) {
		*out = s;
	} else if (p.exp < d.emin) {
		*out = s | (p.sig >> (63 - (p.exp - d.dlsb)));
	} else {
		*out = s | (uint64_t)(p.exp + bias) << fb | ((p.sig << 1) >> (64 - fb));
	}
	return bits;
}

unsigned f80_soft_st_f32(uint16_t cw, struct f80 a, uint32_t *r)
{
	uint64_t v;
	unsigned bits = st_fmt(cw, a, 23, 8, &v);
	*r = (uint32_t)v;
	return bits;
}

unsigned f80_soft_st_f64(uint16_t cw, struct f80 a, uint64_t *r)
{
	unsigned bits;
	if (f80_quick_st_f64(cw, a, r, &bits))
		return bits;
	return st_fmt(cw, a, 52, 11, r);
}

unsigned f80_soft_st_int(uint16_t cw, struct f80 a, unsigned size, uint64_t *r)
{
	struct unp u = unpack(a);
	uint64_t indef = size == 8 ? 1ull << 63 : 1ull << (8 * size - 1);
	*r = indef;
	if (u.k == V_BAD || is_nan(&u) || u.k == V_INF)
		return FSW_IE;
	u128 mag;
	unsigned bits = to_integer(cw, &u, &mag);
	u128 limit = (u128)1 << (8 * size - 1); /* |negative| may reach it, positive stays below */
	if (mag > limit || (mag == limit && !u.sign))
		return FSW_IE;
	uint64_t v = u.sign ? 0 - (uint64_t)mag : (uint64_t)mag;
	*r = size == 8 ? v : v & ((1ull << (8 * size)) - 1);
	return bits;
}

unsigned f80_soft_st_bcd(uint16_t cw, struct f80 a, struct f80_bcd *r)
{
	struct unp u = unpack(a);
	static const struct f80_bcd indef = { { 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF } };
	*r = indef;
	if (u.k == V_BAD || is_nan(&u) || u.k == V_INF)
		return FSW_IE;
	u128 mag;
	unsigned bits = to_integer(cw, &u, &mag);
	if (mag >= (u128)1000000000000000000ull)
		return FSW_IE;
	uint64_t m = (uint64_t)mag;
	for (int i = 0; i < 9; i++) {
		r->b[i] = (uint8_t)(m % 10 | (m / 10 % 10) << 4);
		m /= 100;
	}
	r->b[9] = u.sign ? 0x80 : 0;
	return bits;
}

/* The constants to 128 bits, leading bit weight exp (pi = 1.57.. * 2^1). */
unsigned f80_soft_ld_const(uint16_t cw, enum f80_const k, struct f80 *r)
{
	static const struct {
		uint64_t hi, lo;
		int exp;
	} c[] = {
		[K_ONE] = { 0x8000000000000000ull, 0, 0 },
		[K_L2T] = { 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1 },
		[K_L2E] = { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 },
		[K_PI] = { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 },
		[K_LG2] = { 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2 },
		[K_LN2] = { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 },
		[K_ZERO] = { 0, 0, 0 },
	};
	if (k == K_ZERO) {
		*r = make_zero(false);
		return 0;
	}
	u128 sig = (u128)c[k].hi << 64 | c[k].lo;
	round_reg((uint16_t)(cw | 0x300), false, c[k].exp, sig, k != K_ONE, r);
	return 0; /* the constants raise nothing and leave C1 clear (SDM Vol. 2, FLD1...) */
}
