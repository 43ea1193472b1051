/* x87gen.c - diff-gen's x87 case builder: edge-biased operands, the FPU state, the masks. */

/* A case is one x87 form (x87forms.c) run from a known state (tests/diff/case.h, struct fcase):
 * a control word with every rounding mode and the 24/53/64-bit precisions, the exceptions masked
 * except in one case in eight (an unmasked one is only recorded: FNSAVE reads the state back
 * without waiting), TOP rotated, 0-8 registers pushed from 80-bit values drawn from every class
 * (zeros of both signs, denormals, the smallest and largest normals, infinities, quiet and
 * signalling NaNs, the real indefinite, integers and halves, rounding boundaries at 24, 53 and
 * 64 bits, the float and double range limits, and rarely the unsupported encodings), and a memory
 * operand of the form's type drawn the same way. One case in twelve reads an empty register
 * (stack underflow) and one pushing case in ten pushes onto a full stack (overflow). C0-C3 start
 * random in three cases in four, so what an instruction leaves unchanged is checked.
 *
 * Condition bits: only those the SDM defines for the instruction are compared (enum xcc, from
 * the "FPU Flags Affected" section of each instruction in the SDM Vol. 2).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/diff/x87.h"

typedef unsigned __int128 u128;

struct x80 {
	uint64_t m;
	uint16_t se;
};

static uint32_t below(struct rng *g, uint32_t n)
{
	return rng_next(g) % n;
}

static uint64_t rand64(struct rng *g)
{
	return (uint64_t)rng_next(g) << 32 | rng_next(g);
}

static uint16_t rsign(struct rng *g)
{
	return below(g, 2) ? 0x8000 : 0;
}

/* mag * 2^e2 as an 80-bit value, truncated to 64 bits; denormal or clamped at the range ends. */
static struct x80 x80_from(uint16_t sign, u128 mag, int e2)
{
	if (!mag)
		return (struct x80){ 0, sign };
	int p = 127;
	while (!((mag >> p) & 1))
		p--;
	if (p > 63) {
		mag >>= p - 63;
		e2 += p - 63;
	} else {
		mag <<= 63 - p;
		e2 -= 63 - p;
	}
	uint64_t m = (uint64_t)mag;
	int biased = e2 + 63 + 16383;
	if (biased >= 0x7FFF)
		return (struct x80){ ~0ULL, (uint16_t)(sign | 0x7FFE) };
	if (biased <= 0) {
		int sh = 1 - biased;
		m = sh > 63 ? 1 : m >> sh;
		return (struct x80){ m ? m : 1, sign };
	}
	return (struct x80){ m, (uint16_t)(sign | biased) };
}

/* A normal value with a random significand and this biased exponent. */
static struct x80 x80_rand(struct rng *g, int biased)
{
	biased = biased < 1 ? 1 : biased > 0x7FFE ? 0x7FFE : biased;
	return (struct x80){ rand64(g) | 1ULL << 63, (uint16_t)(rsign(g) | biased) };
}

/* A significand whose bits past the top p are a rounding boundary: half, just below or just
 * above half, the last bit only, or all ones. */
static uint64_t boundary(struct rng *g, int p)
{
	uint64_t m = rand64(g) | 1ULL << 63;
	if (p >= 64)
		return m;
	uint64_t low = (1ULL << (64 - p)) - 1, half = 1ULL << (63 - p);
	static const int kinds = 5;
	switch (below(g, kinds)) {
	case 0: return (m & ~low) | half;
	case 1: return (m & ~low) | (half - 1);
	case 2: return (m & ~low) | (half + 1);
	case 3: return (m & ~low) | 1;
	default: return m | low;
	}
}

/* An edge-biased 80-bit value of any class. */
static struct x80 x80_edge(struct rng *g)
{
	uint16_t s = rsign(g);
	static const int precs[] = { 24, 53, 64 };
	static const int limits[] = { 127, 128, -126, -127, -149, -150, 1023, 1024, -1022, -1023,
				      -1074, -1075, 16383, -16382, -16445 };
	switch (below(g, 22)) {
	case 0: return (struct x80){ 0, s };
	case 1: return (struct x80){ (rand64(g) >> (1 + below(g, 63))) | 1, s };     /* denormal */
	case 2: return (struct x80){ 1, s };                                       /* smallest */
	case 3: return (struct x80){ ~0ULL >> 1, s };                              /* largest denormal */
	case 4: return (struct x80){ 1ULL << 63 | below(g, 2), (uint16_t)(s | 1) }; /* smallest normal */
	case 5: return (struct x80){ ~0ULL - below(g, 2), (uint16_t)(s | 0x7FFE) }; /* largest normal */
	case 6: return (struct x80){ 1ULL << 63, (uint16_t)(s | 0x7FFF) };          /* infinity */
	case 7: /* quiet NaN, sometimes the real indefinite */
		return (struct x80){ 3ULL << 62 | (below(g, 3) ? rand64(g) >> 2 : 0), (uint16_t)(s | 0x7FFF) };
	case 8: /* signalling NaN */
		return (struct x80){ 1ULL << 63 | ((rand64(g) >> 2) | 1), (uint16_t)(s | 0x7FFF) };
	case 9: { /* small integers and powers of two */
		u128 k = below(g, 2) ? 1 + below(g, 100) : (u128)1 << below(g, 70);
		return x80_from(s, k, 0);
	}
	case 10: { /* an integer plus a quarter, a half or three quarters, or one ulp from one */
		u128 k = rand64(g) >> below(g, 64);
		struct x80 v = x80_from(s, 4 * k + below(g, 4), -2);
		if (below(g, 3) == 0 && v.m > (1ULL << 63))
			v.m += below(g, 2) ? 1 : -1ULL;
		return v;
	}
	case 11: return x80_rand(g, 16383 + (int)below(g, 141) - 70);
	case 12: return x80_rand(g, 1 + (int)below(g, 0x7FFE));
	case 13: case 14: { /* a rounding boundary of a precision */
		struct x80 v = { boundary(g, precs[below(g, 3)]), (uint16_t)(s | (16383 + below(g, 61) - 30)) };
		return v;
	}
	case 15: case 16: { /* near the float, double and extended range limits */
		int e = 16383 + limits[below(g, sizeof limits / sizeof limits[0])] + (int)below(g, 5) - 2;
		uint64_t m = below(g, 2) ? boundary(g, precs[below(g, 3)]) : rand64(g) | 1ULL << 63;
		if (e <= 0)
			return (struct x80){ m >> (1 - e > 63 ? 63 : 1 - e), s };
		if (e >= 0x7FFF)
			e = 0x7FFE;
		return (struct x80){ m, (uint16_t)(s | e) };
	}
	case 17: /* the encodings the 387 and later call unsupported, and pseudo-denormals */
		if (below(g, 2) == 0) {
			switch (below(g, 3)) {
			case 0: return (struct x80){ 1ULL << 63 | rand64(g) >> 1, s };             /* pseudo-denormal */
			case 1: return (struct x80){ rand64(g) >> 1, (uint16_t)(s | (1 + below(g, 0x7FFE))) }; /* unnormal */
			default: return (struct x80){ rand64(g) >> 1, (uint16_t)(s | 0x7FFF) };     /* pseudo-NaN/inf */
			}
		}
		return x80_rand(g, 16383 + (int)below(g, 41) - 20);
	default: return x80_rand(g, 16383 + (int)below(g, 41) - 20);
	}
}

/* An edge-biased IEEE single (ebits 8, mbits 23) or double (11, 52) bit pattern. */
static uint64_t ieee_edge(struct rng *g, int ebits, int mbits)
{
	uint64_t sign = (uint64_t)below(g, 2) << (ebits + mbits);
	uint64_t emax = (1ULL << ebits) - 1, bias = emax >> 1, fmask = (1ULL << mbits) - 1;
	uint64_t e, f = rand64(g) & fmask;
	switch (below(g, 16)) {
	case 0: e = 0; f = 0; break;
	case 1: e = 0; f = f ? f : 1; break;               /* denormal */
	case 2: e = 0; f = 1; break;
	case 3: e = 0; f = fmask; break;
	case 4: e = 1; f = below(g, 2); break;
	case 5: e = emax - 1; f = fmask - below(g, 2); break;
	case 6: e = emax; f = 0; break;                     /* infinity */
	case 7: e = emax; f = 1ULL << (mbits - 1) | (below(g, 2) ? f : 0); break; /* quiet NaN */
	case 8: e = emax; f = (f >> 1) | 1; break;          /* signalling NaN */
	case 9: { /* an integer or a half */
		double d = (double)below(g, 1000) + (below(g, 2) ? 0.5 : 0);
		if (mbits == 23) {
			float x = (float)d;
			uint32_t b;
			memcpy(&b, &x, 4);
			return sign | b;
		}
		uint64_t b;
		memcpy(&b, &d, 8);
		return sign | b;
	}
	case 10: e = bias + below(g, 64) - 32; break;
	case 11: e = 1 + below(g, (uint32_t)emax - 1); break;
	default: e = bias + below(g, 41) - 20; break;
	}
	return sign | e << mbits | f;
}

/* An edge-biased integer of n bytes (2, 4, 8). */
static uint64_t int_edge(struct rng *g, unsigned n)
{
	unsigned bits = 8 * n;
	uint64_t m = bits == 64 ? ~0ULL : (1ULL << bits) - 1, sign = 1ULL << (bits - 1);
	uint64_t v;
	switch (below(g, 12)) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = m; break;                /* -1 */
	case 3: v = sign; break;             /* the most negative */
	case 4: v = sign - 1; break;         /* the most positive */
	case 5: v = sign + 1; break;
	case 6: v = (1ULL << below(g, bits - 1)) + below(g, 3) - 1; break; /* 2^k - 1 .. 2^k + 1 */
	case 7: v = below(g, 200) - 100; break;
	case 8: v = (uint64_t)(-(int64_t)((1ULL << below(g, bits - 1)) + below(g, 3) - 1)); break;
	default: v = rand64(g); break;
	}
	return v & m;
}

/* The exact 80-bit value of an IEEE pattern (a widening loses nothing). */
static struct x80 widen(uint64_t b, int ebits, int mbits)
{
	uint16_t s = (b >> (ebits + mbits)) & 1 ? 0x8000 : 0;
	uint64_t emax = (1ULL << ebits) - 1, bias = emax >> 1, f = b & ((1ULL << mbits) - 1);
	uint64_t e = (b >> mbits) & emax;
	if (e == emax)
		return (struct x80){ 1ULL << 63 | f << (63 - mbits), (uint16_t)(s | 0x7FFF) };
	if (e == 0)
		return x80_from(s, f, 1 - (int)bias - mbits);
	return (struct x80){ 1ULL << 63 | f << (63 - mbits), (uint16_t)(s | (e - bias + 16383)) };
}

/* The exact 80-bit value of an n-byte integer. */
static struct x80 widen_int(uint64_t v, unsigned n)
{
	unsigned bits = 8 * n;
	int64_t x = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
	uint64_t mag = x < 0 ? -(uint64_t)x : (uint64_t)x;
	return x80_from(x < 0 ? 0x8000 : 0, mag, 0);
}

/* Near +-limit: limit plus -1, -3/4, -1/2, -1/4, 0, 1/4, 1/2, 1 (FIST, FBSTP). */
static struct x80 near_limit(struct rng *g, u128 limit)
{
	static const int d4[] = { -4, -3, -2, -1, 0, 1, 2, 4, -6, 6 };
	return x80_from(rsign(g), 4 * limit + (u128)(__int128)d4[below(g, 10)], -2);
}

/* ST(0) and ST(1) by the form's profile. */
static void stack_values(struct rng *g, const struct xform *f, struct x80 *v)
{
	switch (f->prof) {
	case XP_INT:
		if (below(g, 2))
			v[0] = near_limit(g, (u128)1 << (f->msize * 8 - 1));
		break;
	case XP_BCD:
		if (below(g, 2))
			v[0] = near_limit(g, 1000000000000000000ULL);
		break;
	case XP_RND:
		if (below(g, 3)) {
			u128 k = rand64(g) >> below(g, 64);
			v[0] = x80_from(rsign(g), 8 * k + below(g, 8), -3);
		}
		break;
	case XP_SCALE:
		if (below(g, 3)) {
			static const int64_t big[] = { 16383, 16384, 16445, 16446, 32768, 40000, 1000000, 1LL << 40 };
			int64_t k = below(g, 2) ? (int64_t)below(g, 141) - 70 : big[below(g, 8)];
			u128 mag = (u128)(k < 0 ? -k : k);
			v[1] = x80_from((uint16_t)((k < 0) ^ (below(g, 8) == 0) ? 0x8000 : 0), 2 * mag + below(g, 2), -1);
		}
		break;
	case XP_PREM:
		if (below(g, 2) && (v[1].se & 0x7FFF) && (v[1].se & 0x7FFF) < 0x7FFF && (v[1].m >> 63)) {
			int e = (v[1].se & 0x7FFF) + (int)below(g, 100) - 3;
			v[0] = x80_rand(g, e);
		}
		break;
	default:
		break;
	}
}

static void put_x80(struct xcase *xc, int k, struct x80 v)
{
	xc->man[k] = v.m;
	xc->se[k] = v.se;
}

static void put_mem(struct xcase *xc, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n && i < 8; i++)
		xc->mem[i] = (uint8_t)(v >> (8 * i));
}

/* The memory operand's bytes; returns its exact value as an 80-bit number where it has one. */
static bool mem_value(struct rng *g, const struct xform *f, struct xcase *xc, struct x80 *out)
{
	uint64_t v;
	switch (f->mtype) {
	case XM_F32: v = ieee_edge(g, 8, 23); put_mem(xc, v, 4); *out = widen(v, 8, 23); return true;
	case XM_F64: v = ieee_edge(g, 11, 52); put_mem(xc, v, 8); *out = widen(v, 11, 52); return true;
	case XM_I16: case XM_I32: case XM_I64:
		v = int_edge(g, f->msize);
		put_mem(xc, v, f->msize);
		*out = widen_int(v, f->msize);
		return true;
	case XM_F80: {
		struct x80 x = x80_edge(g);
		put_mem(xc, x.m, 8);
		xc->mem[8] = (uint8_t)x.se;
		xc->mem[9] = (uint8_t)(x.se >> 8);
		return false;
	}
	case XM_BCD: { /* valid digits only: the SDM leaves invalid ones undefined */
		unsigned nd = below(g, 4) ? below(g, 19) : 18;
		bool nines = below(g, 8) == 0;
		for (unsigned d = 0; d < 18; d++) {
			unsigned digit = d < nd ? (nines ? 9 : below(g, 10)) : 0;
			xc->mem[d / 2] |= (uint8_t)(digit << (4 * (d & 1)));
		}
		xc->mem[9] = below(g, 2) ? 0x80 : 0;
		return false;
	}
	case XM_CW:
		v = below(g, 4) ? rng_next(g) : ((rng_next(g) & 0x0F3F) | 0x40);
		put_mem(xc, v, 2);
		return false;
	default:
		return false;
	}
}

static void say(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "diff-gen: x87 text too long: %s\n", buf);
		abort();
	}
}

static void xgen_case(struct rng *g, const struct xform *f, struct xcase *xc)
{
	memset(xc, 0, sizeof *xc);
	xc->f = f;
	xc->rule = f->rule;
	static const uint32_t pcs[] = { 0, 2, 3 }; /* 24, 53 and 64 bits */
	uint32_t masks = 0x3F;
	if (below(g, 8) == 0)
		masks &= ~(1u + below(g, 63)); /* some exceptions unmasked */
	xc->cw = 0x40 | masks | pcs[below(g, 3)] << 8 | below(g, 4) << 10 | (below(g, 4) == 0) << 12;
	xc->eflags = 0x2 | (rng_next(g) & 0x8D5) | (below(g, 4) ? 0 : 0x400);
	xc->eax = rng_next(g);
	xc->fill = rng_next(g);
	xc->rot = below(g, 8);
	xc->cbits = below(g, 4) ? rng_next(g) & (DIFF_SW_C0 | DIFF_SW_C1 | DIFF_SW_C2 | DIFF_SW_C3) : 0;
	xc->mem_at = 64 + below(g, 128);
	for (int i = 0; i < DIFF_FMEM; i++)
		xc->mem[i] = (uint8_t)rng_next(g);
	if (f->opk == XK_MEM)
		memset(xc->mem, 0, f->msize);

	/* the stack: ST(i) for register forms, depth, values */
	int i = f->opk == XK_STI ? (int)below(g, 8) : 0;
	int need = f->nst;
	if (f->opk == XK_STI && i + 1 > need)
		need = i + 1;
	if (need && below(g, 12) == 0)
		xc->depth = below(g, (uint32_t)need);                     /* underflow */
	else if (f->push) /* 8: overflow (always for FLD ST(7)) */
		xc->depth = below(g, 10) == 0 || need >= 8 ? 8 : need + below(g, (uint32_t)(8 - need));
	else
		xc->depth = (uint32_t)need + below(g, (uint32_t)(9 - need));
	struct x80 v[8];
	for (int k = 0; k < 8; k++)
		v[k] = x80_edge(g);
	stack_values(g, f, v);

	struct x80 mv;
	bool exact = f->opk == XK_MEM && mem_value(g, f, xc, &mv);
	if (f->prof == XP_CMP) {
		unsigned r = below(g, 6);
		int other = f->opk == XK_STI ? i : 1;
		if (r < 2 && exact)
			v[0] = mv;                 /* ST(0) equals the memory operand */
		else if (r < 2)
			v[other] = v[0];           /* ST(0) equals the other register */
		else if (r == 2) {                 /* zeros of either sign */
			v[0] = (struct x80){ 0, rsign(g) };
			v[other] = (struct x80){ 0, rsign(g) };
		}
	}
	for (int k = 0; k < 8; k++)
		put_x80(xc, k, v[k]);

	/* text and bytes */
	char opnd[40];
	say(opnd, sizeof opnd, "[diff_area+0x%" PRIx32 "]", xc->mem_at);
	switch (f->opk) {
	case XK_STI:
		say(xc->text, sizeof xc->text, f->fmt, i);
		say(xc->code, sizeof xc->code, "\t.byte 0x%02x, 0x%02x\n", f->op, f->modrm + i);
		break;
	case XK_MEM:
		say(xc->text, sizeof xc->text, f->fmt, opnd);
		say(xc->code, sizeof xc->code, "\t.byte 0x%02x, 0x%02x\n\t.long diff_area + 0x%" PRIx32 "\n",
		    f->op, f->modrm | 5, xc->mem_at);
		/* The same bytes after 0x67, but ModRM r/m 101 with mod 00 is RIP-relative in long
		 * mode (EIP-relative with 0x67): the displacement counts from the next instruction.
		 * The ModRM byte stays the guest's, and so does FOP, which holds it. */
		say(xc->code64, sizeof xc->code64,
		    "\t.byte 0x67, 0x%02x, 0x%02x\n\t.long diff_area + 0x%" PRIx32 " - (. + 4)\n", f->op,
		    f->modrm | 5, xc->mem_at);
		break;
	default:
		say(xc->text, sizeof xc->text, "%s", f->fmt);
		if (f->op == 0x9B)
			say(xc->code, sizeof xc->code, "\t.byte 0x9b\n");
		else
			say(xc->code, sizeof xc->code, "\t.byte 0x%02x, 0x%02x\n", f->op, f->modrm);
		break;
	}
	if (f->opk != XK_MEM) /* no memory operand: the same bytes in both modes */
		say(xc->code64, sizeof xc->code64, "%s", xc->code);

	/* the status bits compared */
	xc->swmask = DIFF_SW_FIXED;
	if (f->cc == XC_C1)
		xc->swmask |= DIFF_SW_C1;
	else if (f->cc == XC_ALL)
		xc->swmask |= DIFF_SW_C0 | DIFF_SW_C1 | DIFF_SW_C2 | DIFF_SW_C3;
}

void xgenerate(const struct xform *forms, int nforms, uint32_t seed, int count, struct xcase *cases)
{
	struct rng g = { 0xD1B54A32D192ED03ULL ^ ((uint64_t)seed << 1) };
	int perm[MAX_XFORMS];

	for (int k = 0; k < 4; k++)
		rng_next(&g);
	for (int n = 0; n < count; n++) {
		if (n % nforms == 0) {
			for (int k = 0; k < nforms; k++)
				perm[k] = k;
			for (int k = nforms - 1; k > 0; k--) {
				int j = (int)below(&g, (uint32_t)k + 1), t = perm[k];
				perm[k] = perm[j];
				perm[j] = t;
			}
		}
		xgen_case(&g, &forms[perm[n % nforms]], &cases[n]);
	}
}
