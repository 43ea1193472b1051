/* test_f80.c - the software 80-bit arithmetic (f80_soft.c) against the host's x87 (f80_host.c).
 *
 * Seeded random operands (zeros of both signs, denormals, pseudo-denormals, unnormals,
 * infinities, quiet and signalling NaNs, pseudo-NaNs, values near overflow and underflow,
 * integers, float- and double-exact values) go through every operation of cpu/f80.h under
 * every rounding control, every precision control (the reserved one included) and a mix of
 * masked and unmasked exceptions; result bits and returned status bits must be equal. On a
 * host without an x87 there is nothing to compare with and the test says so and skips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/f80.h"

#if F80_HAVE_HOST

#include "tests/unit/rng.h"

static struct f80 rand_f80(struct rng *r)
{
	uint16_t s = (uint16_t)(below(r, 2) << 15);
	uint64_t m = next(r);
	switch (below(r, 18)) {
	case 0: return (struct f80){ 0, s };
	case 1: return (struct f80){ m >> (1 + below(r, 63)), s };
	case 2: return (struct f80){ m | 1ull << 63, s };
	case 3: return (struct f80){ 1ull << 63, (uint16_t)(s | 0x7FFF) };
	case 4: return (struct f80){ m | 3ull << 62, (uint16_t)(s | 0x7FFF) };
	case 5: return (struct f80){ (m & ~(1ull << 62)) | 1ull << 63 | 1, (uint16_t)(s | 0x7FFF) };
	case 6: return (struct f80){ m >> 1, (uint16_t)(s | (1 + below(r, 0x7FFE))) };
	case 7: return (struct f80){ m >> 1, (uint16_t)(s | 0x7FFF) };
	case 8: return f80_from_int((int64_t)below(r, 2001) - 1000);
	case 9: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (0x7FFE - below(r, 70))) };
	case 10: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (1 + below(r, 70))) };
	case 11: return (struct f80){ (m | 1ull << 63) & ~0x7FFull, (uint16_t)(s | (0x3FFF - 60 + below(r, 120))) };
	case 12: return (struct f80){ (m | 1ull << 63) & ~0xFFFFFFFFFFull, (uint16_t)(s | (0x3FFF - 60 + below(r, 120))) };
	case 13: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (1 + below(r, 0x7FFE))) };
	case 14: return (struct f80){ (m | 1ull << 63) >> below(r, 3) << below(r, 3), (uint16_t)(s | (0x3FFF + below(r, 64))) };
	case 15: return (struct f80){ (m | 1ull << 63) & ~((1ull << below(r, 64)) - 1), (uint16_t)(s | (0x3FFF + below(r, 70))) };
	case 16: /* the boundaries of the float and double ranges */
		return (struct f80){ m | 1ull << 63, (uint16_t)(s | ((below(r, 2) ? 0x3FFF + 127 : 0x3FFF - 126) + below(r, 50) - 25)) };
	default: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (0x3FFF - 70 + below(r, 140))) };
	}
}

/* A second operand related to the first (close exponents, equal values, near halves) now and
 * then, so cancellation and ties occur. */
static struct f80 rand_near(struct rng *r, struct f80 a)
{
	switch (below(r, 6)) {
	case 0: return a;
	case 1: return (struct f80){ a.mant + (next(r) & 0xFF) - 0x80, (uint16_t)(a.sexp ^ (below(r, 2) << 15)) };
	case 2: return (struct f80){ next(r) | 1ull << 63, (uint16_t)((a.sexp & 0x8000) | (((a.sexp & 0x7FFF) + below(r, 130) - 65) & 0x7FFF)) };
	default: return rand_f80(r);
	}
}

static uint16_t rand_cw(struct rng *r)
{
	uint16_t cw = (uint16_t)(0x40 | below(r, 4) << 8 | below(r, 4) << 10);
	return (uint16_t)(cw | (below(r, 2) ? 0x3F : (next(r) & 0x3F)));
}

static bool same(struct f80 a, struct f80 b)
{
	return a.mant == b.mant && a.sexp == b.sexp;
}

struct tally {
	const char *name;
	unsigned bad, n;
	bool prem; /* FPREM/FPREM1: condition bits only where defined */
};

static void report(struct tally *t, uint16_t cw, struct f80 a, struct f80 b, unsigned hs,
		   struct f80 h, unsigned ss, struct f80 s)
{
	if (t->bad++ < 6)
		fprintf(stderr, "%s cw %04x a %04x:%016llx b %04x:%016llx: host %04x %04x:%016llx soft %04x %04x:%016llx\n",
			t->name, cw, a.sexp, (unsigned long long)a.mant, b.sexp, (unsigned long long)b.mant,
			hs, h.sexp, (unsigned long long)h.mant, ss, s.sexp, (unsigned long long)s.mant);
}

typedef unsigned (*binop)(uint16_t, struct f80, struct f80, struct f80 *);

/* Result bits are compared only when the host would write them: not after an unmasked invalid,
 * denormal or zero-divide exception. */
static bool result_counts(uint16_t cw, unsigned st)
{
	return !(st & ~cw & (FSW_IE | FSW_DE | FSW_ZE));
}

static void check_binop(struct tally *t, binop h, binop s, struct rng *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint16_t cw = rand_cw(r);
		struct f80 a = rand_f80(r), b = rand_near(r, a), hr = { 0, 0 }, sr = { 0, 0 };
		unsigned hs = h(cw, a, b, &hr), ss = s(cw, a, b, &sr);
		t->n++;
		/* FPREM's C0 C1 C3 are defined only for a completed numeric result: the host's are
		 * leftovers otherwise (the handler ignores them too). */
		if (t->prem && (!result_counts(cw, hs) || (hs & FSW_IE) ||
				f80_classify(hr) == F80_NAN)) {
			hs &= ~(unsigned)(FSW_C0 | FSW_C1 | FSW_C3);
			ss &= ~(unsigned)(FSW_C0 | FSW_C1 | FSW_C3);
		}
		if (hs != ss || (result_counts(cw, hs) && !same(hr, sr)))
			report(t, cw, a, b, hs, hr, ss, sr);
	}
}

static unsigned host_sqrt2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_host_sqrt(cw, a, r); }
static unsigned soft_sqrt2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_soft_sqrt(cw, a, r); }
static unsigned host_rnd2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_host_rndint(cw, a, r); }
static unsigned soft_rnd2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_soft_rndint(cw, a, r); }
static unsigned host_cmp2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { *r = (struct f80){ 0, 0 }; return f80_host_cmp(cw, a, b, false); }
static unsigned soft_cmp2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { *r = (struct f80){ 0, 0 }; return f80_soft_cmp(cw, a, b, false); }
static unsigned host_ucmp2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { *r = (struct f80){ 0, 0 }; return f80_host_cmp(cw, a, b, true); }
static unsigned soft_ucmp2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { *r = (struct f80){ 0, 0 }; return f80_soft_cmp(cw, a, b, true); }
static unsigned host_xt2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct f80 e;
	unsigned st = f80_host_xtract(cw, a, &e, r);
	(void)b;
	return st | (same(e, f80_from_int(0)) ? 0 : 0);
}
static unsigned soft_xt2(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct f80 e;
	unsigned st = f80_soft_xtract(cw, a, &e, r);
	(void)b;
	return st;
}
static unsigned host_xte(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { struct f80 s; (void)b; return f80_host_xtract(cw, a, r, &s); }
static unsigned soft_xte(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { struct f80 s; (void)b; return f80_soft_xtract(cw, a, r, &s); }

/* Stores: the memory image as the "result" (its bits in mant). */
static unsigned host_f32(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint32_t v = 0; (void)b; unsigned st = f80_host_st_f32(cw, a, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned soft_f32(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint32_t v = 0; (void)b; unsigned st = f80_soft_st_f32(cw, a, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned host_f64(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_host_st_f64(cw, a, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned soft_f64(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_soft_st_f64(cw, a, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned host_i16(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_host_st_int(cw, a, 2, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned soft_i16(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_soft_st_int(cw, a, 2, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned host_i32(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_host_st_int(cw, a, 4, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned soft_i32(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_soft_st_int(cw, a, 4, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned host_i64(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_host_st_int(cw, a, 8, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned soft_i64(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { uint64_t v = 0; (void)b; unsigned st = f80_soft_st_int(cw, a, 8, &v); *r = (struct f80){ v, 0 }; return st; }
static unsigned host_bcd(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct f80_bcd d;
	(void)b;
	unsigned st = f80_host_st_bcd(cw, a, &d);
	memcpy(&r->mant, d.b, 8);
	memcpy(&r->sexp, d.b + 8, 2);
	return st;
}
static unsigned soft_bcd(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct f80_bcd d;
	(void)b;
	unsigned st = f80_soft_st_bcd(cw, a, &d);
	memcpy(&r->mant, d.b, 8);
	memcpy(&r->sexp, d.b + 8, 2);
	return st;
}
/* Loads: a's bits reinterpreted as an m32fp / m64fp. */
static unsigned host_l32(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_host_ld_f32(cw, (uint32_t)(a.mant >> (a.sexp & 31)), r); }
static unsigned soft_l32(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_soft_ld_f32(cw, (uint32_t)(a.mant >> (a.sexp & 31)), r); }
static unsigned host_l64(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_host_ld_f64(cw, a.mant >> (a.sexp & 7), r); }
static unsigned soft_l64(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_soft_ld_f64(cw, a.mant >> (a.sexp & 7), r); }
static unsigned host_k(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_host_ld_const(cw, (enum f80_const)(a.mant % 7), r); }
static unsigned soft_k(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { (void)b; return f80_soft_ld_const(cw, (enum f80_const)(a.mant % 7), r); }

static void test_soft_vs_host(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		binop h, s;
	} ops[] = {
		{ "add", f80_host_add, f80_soft_add },
		{ "sub", f80_host_sub, f80_soft_sub },
		{ "mul", f80_host_mul, f80_soft_mul },
		{ "div", f80_host_div, f80_soft_div },
		{ "sqrt", host_sqrt2, soft_sqrt2 },
		{ "prem", f80_host_prem, f80_soft_prem },
		{ "prem1", f80_host_prem1, f80_soft_prem1 },
		{ "scale", f80_host_scale, f80_soft_scale },
		{ "xtract-sig", host_xt2, soft_xt2 },
		{ "xtract-exp", host_xte, soft_xte },
		{ "rndint", host_rnd2, soft_rnd2 },
		{ "fcom", host_cmp2, soft_cmp2 },
		{ "fucom", host_ucmp2, soft_ucmp2 },
		{ "st-f32", host_f32, soft_f32 },
		{ "st-f64", host_f64, soft_f64 },
		{ "st-i16", host_i16, soft_i16 },
		{ "st-i32", host_i32, soft_i32 },
		{ "st-i64", host_i64, soft_i64 },
		{ "st-bcd", host_bcd, soft_bcd },
		{ "ld-f32", host_l32, soft_l32 },
		{ "ld-f64", host_l64, soft_l64 },
		{ "ld-const", host_k, soft_k },
	};
	struct rng r = { 0xD1B54A32D192ED03ull };
	unsigned total = 0;
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		struct tally t = { ops[k].name, 0, 0, !strncmp(ops[k].name, "prem", 4) };
		check_binop(&t, ops[k].h, ops[k].s, &r, 200000);
		if (t.bad)
			fprintf(stderr, "%s: %u of %u differ\n", t.name, t.bad, t.n);
		total += t.bad;
	}
	assert_int_equal(total, 0);
}

/* ---- the quick paths (f80.h) on their own ---------------------------------------------------- */

/* A normal value for the quick paths: double-exact values of everyday magnitudes (the bulk of
 * x87 code compiled for double), full 64-bit significands, significands next to a power of two
 * (carries out of rounding, exact squares), and exponents next to the edges of the register and
 * double ranges, where a quick path must give up. */
static struct f80 rand_normal(struct rng *r)
{
	uint16_t s = (uint16_t)(below(r, 4) == 0 ? 0x8000 : 0);
	uint64_t m = next(r) | 1ull << 63;
	switch (below(r, 8)) {
	case 0: case 1: case 2:
		return (struct f80){ m & ~0x7FFull, (uint16_t)(s | (0x3FFF - 12 + below(r, 24))) };
	case 3:
		return (struct f80){ m, (uint16_t)(s | (0x3FFF - 40 + below(r, 80))) };
	case 4: /* all ones, or a power of two and a little */
		return (struct f80){ below(r, 2) ? ~0ull >> below(r, 3) << below(r, 3) | 1ull << 63
						 : 1ull << 63 | (next(r) & 0xFF),
				     (uint16_t)(s | (0x3FFF - 4 + below(r, 8))) };
	case 5: /* near the double range's edges */
		return (struct f80){ m, (uint16_t)(s | ((below(r, 2) ? 0x3FFF + 1023 : 0x3FFF - 1022) +
							below(r, 6) - 3)) };
	case 6: /* near the register range's edges */
		return (struct f80){ m, (uint16_t)(s | (below(r, 2) ? 0x7FFE - below(r, 3) : 1 + below(r, 3))) };
	default: /* the square of a 32-bit integer: an exact root */
	{
		uint64_t k = (next(r) >> 32) | 1ull << 31, sq = k * k;
		return (struct f80){ sq << __builtin_clzll(sq), (uint16_t)(0x3FFF + below(r, 16)) };
	}
	}
}

/* Mostly what compiled code runs under (round to nearest, 64- or 53-bit precision, all
 * masked), now and then any control word. */
static uint16_t rand_quick_cw(struct rng *r)
{
	switch (below(r, 4)) {
	case 0: return 0x037F;
	case 1: return 0x027F;
	default: return rand_cw(r);
	}
}

struct quick_tally {
	unsigned taken, bad;
};

static void quick_check(struct quick_tally *t, const char *name, uint16_t cw, struct f80 a, struct f80 b,
			bool taken, unsigned qs, struct f80 q, unsigned hs, struct f80 h)
{
	if (!taken)
		return;
	t->taken++;
	if (qs != hs || !same(q, h)) {
		if (t->bad++ < 6)
			fprintf(stderr, "quick %s cw %04x a %04x:%016llx b %04x:%016llx: host %04x %04x:%016llx quick %04x %04x:%016llx\n",
				name, cw, a.sexp, (unsigned long long)a.mant, b.sexp, (unsigned long long)b.mant,
				hs, h.sexp, (unsigned long long)h.mant, qs, q.sexp, (unsigned long long)q.mant);
	}
}

/* Every quick path, called directly, against the host wherever it takes the case; and it must
 * take most of these cases, or the fast path would be dead code that the test cannot see. */
static void test_quick_vs_host(void **state)
{
	(void)state;
	struct rng r = { 0x9E3779B97F4A7C15ull };
	struct quick_tally t = { 0, 0 };
	const unsigned n = 200000;
	for (unsigned i = 0; i < n; i++) {
		uint16_t cw = rand_quick_cw(&r);
		struct f80 a = rand_normal(&r), b = below(&r, 4) ? rand_normal(&r) : rand_near(&r, a);
		struct f80 h = { 0, 0 }, q = { 0, 0 };
		unsigned hs, qs = 0;
		bool tk;
		hs = f80_host_add(cw, a, b, &h);
		tk = f80_quick_add(cw, a, b, false, &q, &qs);
		quick_check(&t, "add", cw, a, b, tk, qs, q, hs, h);
		hs = f80_host_sub(cw, a, b, &h);
		tk = f80_quick_add(cw, a, b, true, &q, &qs);
		quick_check(&t, "sub", cw, a, b, tk, qs, q, hs, h);
		hs = f80_host_mul(cw, a, b, &h);
		tk = f80_quick_mul(cw, a, b, &q, &qs);
		quick_check(&t, "mul", cw, a, b, tk, qs, q, hs, h);
		hs = f80_host_div(cw, a, b, &h);
		tk = f80_quick_div(cw, a, b, &q, &qs);
		quick_check(&t, "div", cw, a, b, tk, qs, q, hs, h);
		hs = f80_host_sqrt(cw, a, &h);
		tk = f80_quick_sqrt(cw, a, &q, &qs);
		quick_check(&t, "sqrt", cw, a, b, tk, qs, q, hs, h);
		uint64_t hv = 0, qv = 0;
		hs = f80_host_st_f64(cw, a, &hv);
		tk = f80_quick_st_f64(cw, a, &qv, &qs);
		quick_check(&t, "st-f64", cw, a, b, tk, qs, (struct f80){ qv, 0 }, hs, (struct f80){ hv, 0 });
		uint64_t v = next(&r);
		hs = f80_host_ld_f64(cw, v, &h);
		tk = f80_quick_ld_f64(v, &q);
		quick_check(&t, "ld-f64", cw, a, b, tk, 0, q, hs, h);
	}
	fprintf(stderr, "quick paths took %u of %u cases\n", t.taken, 7 * n);
	assert_int_equal(t.bad, 0);
	assert_true(t.taken > 7 * n / 2);
}

#else

static void test_soft_vs_host(void **state)
{
	(void)state;
	fprintf(stderr, "no host x87: the software implementation has nothing to be compared with here\n");
	skip();
}

static void test_quick_vs_host(void **state)
{
	test_soft_vs_host(state);
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_soft_vs_host),
		cmocka_unit_test(test_quick_vs_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
