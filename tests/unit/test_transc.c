/* test_transc.c - unit tests for the x87 transcendental functions (cpu/fpu_transc.c).
 *
 * Expected values come from the Intel SDM's tables for FSIN, FCOS, FSINCOS, FPTAN, FPATAN,
 * F2XM1, FYL2X and FYL2XP1 (special operands), from exact mathematics, from mpmath at 600 bits
 * (rows marked "mpmath"; the hard reduction arguments are printed by tests/tools/transc_hard.py),
 * from the host CPU (an AMD EPYC, Zen 4) where the SDM leaves a result undefined, and on x86
 * hosts from the host's own x87 over seeded random arguments in the ranges where it is accurate
 * (tests/tools/transc-error measures where that is; its FSIN is far off near multiples of pi).
 *
 * vectors: ftransc
 * These eight are the vector class (docs/testing.md): DVA-1 section 2 asks for results within
 * 1 ulp that are the same on every host, and ours are correctly rounded, which the host x87 is
 * not, so the differential test does not compare them. What the rows rely on from the SDM
 * Vol. 2A pages (order number 325462, edition -082US): FSIN, FCOS, FSINCOS and FPTAN take a
 * source in -2^63 < x < 2^63; outside it they set C2 and leave ST(0) unchanged (rows "of 2^63
 * sets C2 and writes nothing"), and inside it C2 is cleared (test_fpu_transc.c). The SDM
 * (Vol. 1, 8.3.10) says the x87 reduces its argument with an internal approximation of pi, so
 * the host is inaccurate near multiples of pi/2; our rows there compare with mpmath's exact
 * reduction (test_reduction_near_multiples_of_pi_2), not with the host. FPTAN pushes 1.0
 * after the tangent and FSINCOS the cosine after the sine. F2XM1 is defined for -1 <= x <= 1, FYL2XP1
 * for |x| < 1 - sqrt(2)/2; outside those the SDM leaves the result undefined and the rows
 * marked "(host)" pin the EPYC host's answer. FPATAN and FYL2X are defined for all operands
 * their tables list (signed zeros, infinities, NaNs: the rows named after those tables).
 */
#include "tests/unit/harness.h"

#include <stdio.h>

#include "cpu/fpu.h"
#include "tests/tools/host_x87.h"

#define F80(se, m) { .mant = (m), .sexp = (se) }

/* Operands and results used by many rows. */
#define PZ F80(0x0000, 0)
#define NZ F80(0x8000, 0)
#define PINF F80(0x7fff, 0x8000000000000000ull)
#define NINF F80(0xffff, 0x8000000000000000ull)
#define INDEF F80(0xffff, 0xc000000000000000ull)     /* the real indefinite */
#define QNAN F80(0x7fff, 0xc000000000000005ull)
#define NQNAN9 F80(0xffff, 0xc000000000000009ull)
#define SNAN F80(0x7fff, 0x8000000000000003ull)
#define SNAN_Q F80(0x7fff, 0xc000000000000003ull)    /* SNAN quieted */
#define NSNAN7 F80(0xffff, 0x8000000000000007ull)
#define NSNAN7_Q F80(0xffff, 0xc000000000000007ull)
#define UNNORMAL F80(0x3fff, 0x4000000000000000ull)  /* exponent of 1, integer bit clear */
#define PSEUDO_INF F80(0x7fff, 0)
#define DEN F80(0x0000, 0x1234)
#define NDEN F80(0x8000, 0x1234)
#define PSEUDO_DEN F80(0x0000, 0x8000000000001234ull)
#define MIN_NORMAL F80(0x0001, 0x8000000000000000ull)
#define MAX F80(0x7ffe, 0xffffffffffffffffull)
#define P1 F80(0x3fff, 0x8000000000000000ull)
#define N1 F80(0xbfff, 0x8000000000000000ull)
#define P2 F80(0x4000, 0x8000000000000000ull)
#define N2 F80(0xc000, 0x8000000000000000ull)
#define P3 F80(0x4000, 0xc000000000000000ull)
#define P8 F80(0x4002, 0x8000000000000000ull)
#define PHALF F80(0x3ffe, 0x8000000000000000ull)
#define NHALF F80(0xbffe, 0x8000000000000000ull)
#define PQUARTER F80(0x3ffd, 0x8000000000000000ull)
#define NQUARTER F80(0xbffd, 0x8000000000000000ull)
#define P2_63 F80(0x403e, 0x8000000000000000ull)
#define N2_63 F80(0xc03e, 0x8000000000000000ull)
#define P2_63M F80(0x403d, 0xffffffffffffffffull)     /* 2^63 - 1, the largest in range */
/* pi, pi/2, pi/4 and 3pi/4 rounded to nearest: each rounds up (mpmath), so PE and C1. */
#define PI F80(0x4000, 0xc90fdaa22168c235ull)
#define NPI F80(0xc000, 0xc90fdaa22168c235ull)
#define PI_2 F80(0x3fff, 0xc90fdaa22168c235ull)
#define NPI_2 F80(0xbfff, 0xc90fdaa22168c235ull)
#define PI_4 F80(0x3ffe, 0xc90fdaa22168c235ull)
#define NPI_4 F80(0xbffe, 0xc90fdaa22168c235ull)
#define PI3_4 F80(0x4000, 0x96cbe3f9990e91a8ull)
#define NPI3_4 F80(0xc000, 0x96cbe3f9990e91a8ull)
/* What a row expects in a result the function must not write (C2 set). */
#define UNTOUCHED F80(0x1357, 0x2468ace013579bdfull)

#define RUP (FSW_PE | FSW_C1)                          /* inexact, rounded up in magnitude */

enum tfn { T_SIN, T_COS, T_TAN, T_SINCOS, T_ATAN, T_2XM1, T_YL2X, T_YL2XP1 };
static const char *const TFN_NAME[] = { "fsin", "fcos", "fptan", "fsincos", "fpatan", "f2xm1",
					"fyl2x", "fyl2xp1" };

struct trow {
	const char *name;   /* a sentence */
	enum tfn fn;
	struct f80 a, b;    /* operands in cpu/fpu.h's order: x; (y, x) for FPATAN; (x, y) FYL2X(P1) */
	struct f80 want;    /* the result; for FSINCOS the sine */
	struct f80 want2;   /* FSINCOS: the cosine */
	unsigned fl;        /* every status bit the function returns */
};

static unsigned run(enum tfn fn, struct f80 a, struct f80 b, struct f80 *r, struct f80 *r2)
{
	switch (fn) {
	case T_SIN: return f80_sin(a, r);
	case T_COS: return f80_cos(a, r);
	case T_TAN: return f80_tan(a, r);
	case T_SINCOS: return f80_sincos(a, r, r2);
	case T_ATAN: return f80_atan2(a, b, r);
	case T_2XM1: return f80_2xm1(a, r);
	case T_YL2X: return f80_yl2x(a, b, r);
	case T_YL2XP1: return f80_yl2xp1(a, b, r);
	}
	return 0;
}

static int same(struct f80 a, struct f80 b)
{
	return a.mant == b.mant && a.sexp == b.sexp;
}

static void run_trows(const struct trow *rows, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		const struct trow *t = &rows[i];
		struct f80 r = UNTOUCHED, r2 = UNTOUCHED;
		unsigned fl = run(t->fn, t->a, t->b, &r, &r2);
		struct f80 want2 = t->want2;
		if (t->fn != T_SINCOS)
			want2 = r2;
		if (!same(r, t->want) || !same(r2, want2) || fl != t->fl) {
			print_error("%s: %s: got %04x.%016llx", t->name, TFN_NAME[t->fn], r.sexp,
				    (unsigned long long)r.mant);
			if (t->fn == T_SINCOS)
				print_error(" %04x.%016llx", r2.sexp, (unsigned long long)r2.mant);
			print_error(" status %04x, want %04x.%016llx", fl, t->want.sexp,
				    (unsigned long long)t->want.mant);
			if (t->fn == T_SINCOS)
				print_error(" %04x.%016llx", t->want2.sexp,
					    (unsigned long long)t->want2.mant);
			print_error(" status %04x\n", t->fl);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d of %zu rows differ", bad, n);
}
#define RUN_TROWS(rows) run_trows((rows), sizeof(rows) / sizeof((rows)[0]))

/* --- FSIN FCOS FSINCOS FPTAN: the SDM's tables ------------------------------------------- */

static const struct trow fsin_rows[] = {
	{ "fsin keeps +0", T_SIN, PZ, PZ, PZ, PZ, 0 },
	{ "fsin keeps -0", T_SIN, NZ, PZ, NZ, PZ, 0 },
	{ "fsin of +inf is invalid and gives the indefinite", T_SIN, PINF, PZ, INDEF, PZ, FSW_IE },
	{ "fsin of -inf is invalid and gives the indefinite", T_SIN, NINF, PZ, INDEF, PZ, FSW_IE },
	{ "fsin passes a QNaN through quietly", T_SIN, QNAN, PZ, QNAN, PZ, 0 },
	{ "fsin quiets an SNaN and raises IE", T_SIN, SNAN, PZ, SNAN_Q, PZ, FSW_IE },
	{ "fsin of an unnormal is invalid", T_SIN, UNNORMAL, PZ, INDEF, PZ, FSW_IE },
	{ "fsin of a pseudo-infinity is invalid", T_SIN, PSEUDO_INF, PZ, INDEF, PZ, FSW_IE },
	{ "fsin of 2^63 sets C2 and writes nothing", T_SIN, P2_63, PZ, UNTOUCHED, PZ, FSW_C2 },
	{ "fsin of -2^63 sets C2 and writes nothing", T_SIN, N2_63, PZ, UNTOUCHED, PZ, FSW_C2 },
	{ "fsin of the largest value sets C2", T_SIN, MAX, PZ, UNTOUCHED, PZ, FSW_C2 },
	{ "fsin of a denormal gives it back, rounded up from below, with DE and UE", T_SIN, DEN,
	  PZ, DEN, PZ, FSW_DE | FSW_UE | RUP },
	{ "fsin of a negative denormal is odd", T_SIN, NDEN, PZ, NDEN, PZ,
	  FSW_DE | FSW_UE | RUP },
	{ "fsin of a pseudo-denormal reads it as a denormal and gives the normal form", T_SIN,
	  PSEUDO_DEN, PZ, F80(0x0001, 0x8000000000001234ull), PZ, FSW_DE | RUP },
	{ "fsin of the smallest normal is not tiny after rounding, so no UE", T_SIN, MIN_NORMAL,
	  PZ, MIN_NORMAL, PZ, RUP },
	{ "fsin of 1 is correctly rounded (mpmath)", T_SIN, P1, PZ,
	  F80(0x3ffe, 0xd76aa47848677021ull), PZ, RUP },
	{ "fsin of -1 is odd (mpmath)", T_SIN, N1, PZ, F80(0xbffe, 0xd76aa47848677021ull), PZ,
	  RUP },
};

static const struct trow fcos_rows[] = {
	{ "fcos of +0 is exactly 1", T_COS, PZ, PZ, P1, PZ, 0 },
	{ "fcos of -0 is exactly 1", T_COS, NZ, PZ, P1, PZ, 0 },
	{ "fcos of +inf is invalid", T_COS, PINF, PZ, INDEF, PZ, FSW_IE },
	{ "fcos of -inf is invalid", T_COS, NINF, PZ, INDEF, PZ, FSW_IE },
	{ "fcos passes a QNaN through", T_COS, QNAN, PZ, QNAN, PZ, 0 },
	{ "fcos quiets an SNaN", T_COS, SNAN, PZ, SNAN_Q, PZ, FSW_IE },
	{ "fcos of an unnormal is invalid", T_COS, UNNORMAL, PZ, INDEF, PZ, FSW_IE },
	{ "fcos of 2^63 sets C2 and writes nothing", T_COS, P2_63, PZ, UNTOUCHED, PZ, FSW_C2 },
	{ "fcos of a denormal is 1 rounded up from below, with DE but no UE", T_COS, DEN, PZ, P1,
	  PZ, FSW_DE | RUP },
	{ "fcos of 1 is correctly rounded (mpmath)", T_COS, P1, PZ,
	  F80(0x3ffe, 0x8a51407da8345c92ull), PZ, RUP },
	{ "fcos is even", T_COS, N1, PZ, F80(0x3ffe, 0x8a51407da8345c92ull), PZ, RUP },
};

static const struct trow fsincos_rows[] = {
	{ "fsincos of +0 gives +0 and 1", T_SINCOS, PZ, PZ, PZ, P1, 0 },
	{ "fsincos of -0 gives -0 and 1", T_SINCOS, NZ, PZ, NZ, P1, 0 },
	{ "fsincos of +inf gives the indefinite twice", T_SINCOS, PINF, PZ, INDEF, INDEF, FSW_IE },
	{ "fsincos of a QNaN gives it twice", T_SINCOS, QNAN, PZ, QNAN, QNAN, 0 },
	{ "fsincos of an SNaN gives it quieted twice", T_SINCOS, SNAN, PZ, SNAN_Q, SNAN_Q,
	  FSW_IE },
	{ "fsincos of -2^63 sets C2 and writes neither", T_SINCOS, N2_63, PZ, UNTOUCHED,
	  UNTOUCHED, FSW_C2 },
	{ "fsincos of a denormal: C1 follows the sine (host)", T_SINCOS, DEN, PZ, DEN, P1,
	  FSW_DE | FSW_UE | RUP },
	{ "fsincos of 1 gives both correctly rounded (mpmath)", T_SINCOS, P1, PZ,
	  F80(0x3ffe, 0xd76aa47848677021ull), F80(0x3ffe, 0x8a51407da8345c92ull), RUP },
};

static const struct trow fptan_rows[] = {
	{ "fptan keeps +0", T_TAN, PZ, PZ, PZ, PZ, 0 },
	{ "fptan keeps -0", T_TAN, NZ, PZ, NZ, PZ, 0 },
	{ "fptan of +inf is invalid", T_TAN, PINF, PZ, INDEF, PZ, FSW_IE },
	{ "fptan of -inf is invalid", T_TAN, NINF, PZ, INDEF, PZ, FSW_IE },
	{ "fptan passes a QNaN through", T_TAN, QNAN, PZ, QNAN, PZ, 0 },
	{ "fptan quiets an SNaN", T_TAN, SNAN, PZ, SNAN_Q, PZ, FSW_IE },
	{ "fptan of 2^63 sets C2 and writes nothing", T_TAN, P2_63, PZ, UNTOUCHED, PZ, FSW_C2 },
	{ "fptan of a denormal gives it back, rounded down from above: no C1", T_TAN, DEN, PZ,
	  DEN, PZ, FSW_DE | FSW_UE | FSW_PE },
	{ "fptan of 1 is correctly rounded (mpmath)", T_TAN, P1, PZ,
	  F80(0x3fff, 0xc75922e5f71d2dc5ull), PZ, FSW_PE },
	{ "fptan is odd", T_TAN, N1, PZ, F80(0xbfff, 0xc75922e5f71d2dc5ull), PZ, FSW_PE },
};

/* --- FPATAN: the SDM's table, rows y, columns x ------------------------------------------ */

#define ATAN(name, y, x, want, fl) { name, T_ATAN, y, x, want, PZ, fl }
static const struct trow fpatan_rows[] = {
	ATAN("fpatan(-inf, -inf) is -3pi/4", NINF, NINF, NPI3_4, RUP),
	ATAN("fpatan(-inf, -1) is -pi/2", NINF, N1, NPI_2, RUP),
	ATAN("fpatan(-inf, -0) is -pi/2", NINF, NZ, NPI_2, RUP),
	ATAN("fpatan(-inf, +0) is -pi/2", NINF, PZ, NPI_2, RUP),
	ATAN("fpatan(-inf, 1) is -pi/2", NINF, P1, NPI_2, RUP),
	ATAN("fpatan(-inf, +inf) is -pi/4", NINF, PINF, NPI_4, RUP),
	ATAN("fpatan(-1, -inf) is -pi", N1, NINF, NPI, RUP),
	ATAN("fpatan(-1, -1) is -3pi/4", N1, N1, NPI3_4, RUP),
	ATAN("fpatan(-1, -0) is -pi/2", N1, NZ, NPI_2, RUP),
	ATAN("fpatan(-1, +0) is -pi/2", N1, PZ, NPI_2, RUP),
	ATAN("fpatan(-1, 1) is -pi/4", N1, P1, NPI_4, RUP),
	ATAN("fpatan(-1, +inf) is -0", N1, PINF, NZ, 0),
	ATAN("fpatan(-0, -inf) is -pi", NZ, NINF, NPI, RUP),
	ATAN("fpatan(-0, -1) is -pi", NZ, N1, NPI, RUP),
	ATAN("fpatan(-0, -0) is -pi", NZ, NZ, NPI, RUP),
	ATAN("fpatan(-0, +0) is -0", NZ, PZ, NZ, 0),
	ATAN("fpatan(-0, 1) is -0", NZ, P1, NZ, 0),
	ATAN("fpatan(-0, +inf) is -0", NZ, PINF, NZ, 0),
	ATAN("fpatan(+0, -inf) is pi", PZ, NINF, PI, RUP),
	ATAN("fpatan(+0, -1) is pi", PZ, N1, PI, RUP),
	ATAN("fpatan(+0, -0) is pi", PZ, NZ, PI, RUP),
	ATAN("fpatan(+0, +0) is +0", PZ, PZ, PZ, 0),
	ATAN("fpatan(+0, 1) is +0", PZ, P1, PZ, 0),
	ATAN("fpatan(+0, +inf) is +0", PZ, PINF, PZ, 0),
	ATAN("fpatan(1, -inf) is pi", P1, NINF, PI, RUP),
	ATAN("fpatan(1, -1) is 3pi/4", P1, N1, PI3_4, RUP),
	ATAN("fpatan(1, -0) is pi/2", P1, NZ, PI_2, RUP),
	ATAN("fpatan(1, +0) is pi/2", P1, PZ, PI_2, RUP),
	ATAN("fpatan(1, 1) is pi/4 correctly rounded", P1, P1, PI_4, RUP),
	ATAN("fpatan(1, +inf) is +0", P1, PINF, PZ, 0),
	ATAN("fpatan(+inf, -inf) is 3pi/4", PINF, NINF, PI3_4, RUP),
	ATAN("fpatan(+inf, -1) is pi/2", PINF, N1, PI_2, RUP),
	ATAN("fpatan(+inf, -0) is pi/2", PINF, NZ, PI_2, RUP),
	ATAN("fpatan(+inf, +0) is pi/2", PINF, PZ, PI_2, RUP),
	ATAN("fpatan(+inf, 1) is pi/2", PINF, P1, PI_2, RUP),
	ATAN("fpatan(+inf, +inf) is pi/4", PINF, PINF, PI_4, RUP),
	ATAN("fpatan(1, 2) is correctly rounded (mpmath)", P1, P2,
	     F80(0x3ffd, 0xed63382b0dda7b45ull), FSW_PE),
	ATAN("fpatan(-3, -1/2), 0.505 ulp above a representable value, rounds up (mpmath)",
	     F80(0xc000, 0xc000000000000000ull), NHALF, F80(0xbfff, 0xde3372265e039fa1ull), RUP),
	ATAN("fpatan(1/2, -2^63) is pi - 2^-64, which still rounds up to pi", PHALF, N2_63, PI,
	     RUP),
	ATAN("fpatan(1, denormal) is pi/2 with DE", P1, DEN, PI_2, FSW_DE | RUP),
	ATAN("fpatan(denormal, 1) is the denormal, rounded up from below, with UE", DEN, P1, DEN,
	     FSW_DE | FSW_UE | RUP),
	ATAN("fpatan(denormal, -max) is pi rounded up, with DE", DEN, F80(0xfffe, ~0ull), PI,
	     FSW_DE | RUP),
	ATAN("fpatan(min normal, 2^63) is the smallest denormal, rounded up from below",
	     MIN_NORMAL, P2_63, F80(0x0000, 1), FSW_UE | RUP),
	ATAN("fpatan(min normal, 2^64) is just under half the smallest denormal: 0",
	     MIN_NORMAL, F80(0x403f, 0x8000000000000000ull), PZ, FSW_UE | FSW_PE),
	ATAN("fpatan(8, max) is 2^-16381 (1 + 2^-64 + ...), just above a tie: rounds up", P8, MAX,
	     F80(0x0002, 0x8000000000000001ull), RUP),
	/* NaNs (SDM Vol. 1, table 4-7) and unsupported encodings */
	ATAN("fpatan(QNaN, 1) gives the QNaN", QNAN, P1, QNAN, 0),
	ATAN("fpatan(1, SNaN) quiets the SNaN", P1, SNAN, SNAN_Q, FSW_IE),
	ATAN("fpatan of two QNaNs gives the larger significand", QNAN, NQNAN9, NQNAN9, 0),
	ATAN("fpatan of two QNaNs gives the larger significand either way", NQNAN9, QNAN, NQNAN9,
	     0),
	ATAN("fpatan of two QNaNs equal but for the sign gives the positive one (host)",
	     F80(0xffff, 0xc000000000000005ull), QNAN, QNAN, 0),
	ATAN("fpatan prefers a QNaN to an SNaN even with a larger significand", NSNAN7, QNAN,
	     QNAN, FSW_IE),
	ATAN("fpatan of two SNaNs gives the larger significand, quieted", SNAN, NSNAN7, NSNAN7_Q,
	     FSW_IE),
	ATAN("fpatan of an unnormal and a QNaN is invalid", UNNORMAL, QNAN, INDEF, FSW_IE),
	ATAN("fpatan of a QNaN and a pseudo-infinity is invalid", QNAN, PSEUDO_INF, INDEF, FSW_IE),
};

/* --- F2XM1 --------------------------------------------------------------------------------- */

static const struct trow f2xm1_rows[] = {
	{ "f2xm1 keeps +0", T_2XM1, PZ, PZ, PZ, PZ, 0 },
	{ "f2xm1 keeps -0", T_2XM1, NZ, PZ, NZ, PZ, 0 },
	{ "f2xm1 of 1 is exactly 1", T_2XM1, P1, PZ, P1, PZ, 0 },
	{ "f2xm1 of -1 is exactly -1/2", T_2XM1, N1, PZ, NHALF, PZ, 0 },
	{ "f2xm1 of 1/2 is sqrt(2) - 1 correctly rounded (mpmath)", T_2XM1, PHALF, PZ,
	  F80(0x3ffd, 0xd413cccfe7799211ull), PZ, FSW_PE },
	{ "f2xm1 of -1/2 is 1/sqrt(2) - 1 correctly rounded (mpmath)", T_2XM1, NHALF, PZ,
	  F80(0xbffd, 0x95f619980c4336f7ull), PZ, FSW_PE },
	{ "f2xm1 of -2^-20 is correctly rounded (mpmath)", T_2XM1, F80(0xbfeb, 1ull << 63), PZ,
	  F80(0xbfea, 0xb172141fda1dbed7ull), PZ, FSW_PE },
	{ "f2xm1 of a denormal is it times ln 2, denormal, with DE and UE (host)", T_2XM1, DEN,
	  PZ, F80(0x0000, 0xc9e), PZ, FSW_DE | FSW_UE | FSW_PE },
	{ "f2xm1 of +inf is +inf (host)", T_2XM1, PINF, PZ, PINF, PZ, 0 },
	{ "f2xm1 of -inf is -1 (host)", T_2XM1, NINF, PZ, N1, PZ, 0 },
	{ "f2xm1 of 2, outside the SDM's range, gives 2 back with PE (host)", T_2XM1, P2, PZ, P2,
	  PZ, FSW_PE },
	{ "f2xm1 of -2^63 gives it back with PE (host)", T_2XM1, N2_63, PZ, N2_63, PZ, FSW_PE },
	{ "f2xm1 passes a QNaN through", T_2XM1, QNAN, PZ, QNAN, PZ, 0 },
	{ "f2xm1 quiets an SNaN", T_2XM1, SNAN, PZ, SNAN_Q, PZ, FSW_IE },
	{ "f2xm1 of an unnormal is invalid", T_2XM1, UNNORMAL, PZ, INDEF, PZ, FSW_IE },
};

/* --- FYL2X: the SDM's table, rows y, columns x ------------------------------------------- */

#define YL2X(name, x, y, want, fl) { name, T_YL2X, x, y, want, PZ, fl }
static const struct trow fyl2x_rows[] = {
	YL2X("fyl2x(-inf, -inf) is invalid", NINF, NINF, INDEF, FSW_IE),
	YL2X("fyl2x(-2, -inf) is invalid", N2, NINF, INDEF, FSW_IE),
	YL2X("fyl2x(+0, -inf) is +inf without ZE", PZ, NINF, PINF, 0),
	YL2X("fyl2x(-0, -inf) is +inf", NZ, NINF, PINF, 0),
	YL2X("fyl2x(1/2, -inf) is +inf", PHALF, NINF, PINF, 0),
	YL2X("fyl2x(1, -inf) is invalid", P1, NINF, INDEF, FSW_IE),
	YL2X("fyl2x(2, -inf) is -inf", P2, NINF, NINF, 0),
	YL2X("fyl2x(+inf, -inf) is -inf", PINF, NINF, NINF, 0),
	YL2X("fyl2x(-inf, -2) is invalid", NINF, N2, INDEF, FSW_IE),
	YL2X("fyl2x(-2, -2) is invalid", N2, N2, INDEF, FSW_IE),
	YL2X("fyl2x(+0, -2) divides by zero: +inf", PZ, N2, PINF, FSW_ZE),
	YL2X("fyl2x(-0, -2) divides by zero: +inf", NZ, N2, PINF, FSW_ZE),
	YL2X("fyl2x(1/2, -2) is exactly 2", PHALF, N2, P2, 0),
	YL2X("fyl2x(1, -2) is -0", P1, N2, NZ, 0),
	YL2X("fyl2x(2, -2) is exactly -2", P2, N2, N2, 0),
	YL2X("fyl2x(+inf, -2) is -inf", PINF, N2, NINF, 0),
	YL2X("fyl2x(-inf, -0) is invalid", NINF, NZ, INDEF, FSW_IE),
	YL2X("fyl2x(-2, -0) is invalid", N2, NZ, INDEF, FSW_IE),
	YL2X("fyl2x(+0, -0) is invalid", PZ, NZ, INDEF, FSW_IE),
	YL2X("fyl2x(1/2, -0) is +0", PHALF, NZ, PZ, 0),
	YL2X("fyl2x(1, -0) is -0", P1, NZ, NZ, 0),
	YL2X("fyl2x(2, -0) is -0", P2, NZ, NZ, 0),
	YL2X("fyl2x(+inf, -0) is invalid", PINF, NZ, INDEF, FSW_IE),
	YL2X("fyl2x(-2, +0) is invalid", N2, PZ, INDEF, FSW_IE),
	YL2X("fyl2x(-0, +0) is invalid", NZ, PZ, INDEF, FSW_IE),
	YL2X("fyl2x(1/2, +0) is -0", PHALF, PZ, NZ, 0),
	YL2X("fyl2x(1, +0) is +0", P1, PZ, PZ, 0),
	YL2X("fyl2x(2, +0) is +0", P2, PZ, PZ, 0),
	YL2X("fyl2x(+inf, +0) is invalid", PINF, PZ, INDEF, FSW_IE),
	YL2X("fyl2x(-inf, 2) is invalid", NINF, P2, INDEF, FSW_IE),
	YL2X("fyl2x(-1, 2) is invalid", N1, P2, INDEF, FSW_IE),
	YL2X("fyl2x(-denormal, 2) is invalid", NDEN, P2, INDEF, FSW_IE),
	YL2X("fyl2x(+0, 2) divides by zero: -inf", PZ, P2, NINF, FSW_ZE),
	YL2X("fyl2x(1/2, 2) is exactly -2", PHALF, P2, N2, 0),
	YL2X("fyl2x(1, 2) is +0", P1, P2, PZ, 0),
	YL2X("fyl2x(2, 2) is exactly 2", P2, P2, P2, 0),
	YL2X("fyl2x(+inf, 2) is +inf", PINF, P2, PINF, 0),
	YL2X("fyl2x(+0, +inf) is -inf", PZ, PINF, NINF, 0),
	YL2X("fyl2x(1/2, +inf) is -inf", PHALF, PINF, NINF, 0),
	YL2X("fyl2x(1, +inf) is invalid", P1, PINF, INDEF, FSW_IE),
	YL2X("fyl2x(2, +inf) is +inf", P2, PINF, PINF, 0),
	YL2X("fyl2x(+inf, +inf) is +inf", PINF, PINF, PINF, 0),
	YL2X("fyl2x(8, 1) is exactly 3", P8, P1, P3, 0),
	YL2X("fyl2x(2^16383, 1) is exactly 16383", F80(0x7ffe, 1ull << 63), P1,
	     F80(0x400c, 0xfffc000000000000ull), 0),
	YL2X("fyl2x(smallest denormal, 1) is exactly -16445, with DE", F80(0x0000, 1), P1,
	     F80(0xc00d, 0x807a000000000000ull), FSW_DE),
	YL2X("fyl2x(8, 1 + 2^-63) is 3 + 3 2^-63: a tie between odd and even rounds up to even",
	     P8, F80(0x3fff, 0x8000000000000001ull), F80(0x4000, 0xc000000000000002ull), RUP),
	YL2X("fyl2x(8, 1 + 3 2^-63) is 3 + 9 2^-63: a tie at an even value stays there", P8,
	     F80(0x3fff, 0x8000000000000003ull), F80(0x4000, 0xc000000000000004ull), FSW_PE),
	YL2X("fyl2x(3, 1) is log2 3 correctly rounded (mpmath)", P3, P1,
	     F80(0x3fff, 0xcae00d1cfdeb43d0ull), RUP),
	YL2X("fyl2x(max, max) overflows to +inf", MAX, MAX, PINF, FSW_OE | RUP),
	YL2X("fyl2x(0, QNaN): the NaN wins over the zero divide", PZ, QNAN, QNAN, 0),
	YL2X("fyl2x(-1, QNaN): the NaN wins over the negative x", N1, QNAN, QNAN, 0),
	YL2X("fyl2x(+0, denormal) divides by zero without DE (host)", PZ, DEN, NINF, FSW_ZE),
	YL2X("fyl2x(denormal, +0) is -0 with DE", DEN, PZ, NZ, FSW_DE),
	YL2X("fyl2x(unnormal, 1) is invalid", UNNORMAL, P1, INDEF, FSW_IE),
	YL2X("fyl2x(QNaN, SNaN) gives the QNaN and IE", QNAN, SNAN, QNAN, FSW_IE),
};

/* --- FYL2XP1: the SDM's table (|x| < 1 - sqrt(2)/2), rows y, columns x ----------------- */

/* log2(3/4) and log2(5/4), correctly rounded (mpmath): the first rounds up. */
#define L075 F80(0xbffd, 0xd47fcb8c0852f0c1ull)
#define NL075 F80(0x3ffd, 0xd47fcb8c0852f0c1ull)
#define L125 F80(0x3ffd, 0xa4d3c25e68dc57f2ull)
#define NL125 F80(0xbffd, 0xa4d3c25e68dc57f2ull)
#define YL2XP1(name, x, y, want, fl) { name, T_YL2XP1, x, y, want, PZ, fl }
static const struct trow fyl2xp1_rows[] = {
	YL2XP1("fyl2xp1(-1/4, -inf) is +inf", NQUARTER, NINF, PINF, 0),
	YL2XP1("fyl2xp1(-0, -inf) is invalid", NZ, NINF, INDEF, FSW_IE),
	YL2XP1("fyl2xp1(+0, -inf) is invalid", PZ, NINF, INDEF, FSW_IE),
	YL2XP1("fyl2xp1(1/4, -inf) is -inf", PQUARTER, NINF, NINF, 0),
	YL2XP1("fyl2xp1(-1/4, -1) is -log2(3/4) (mpmath)", NQUARTER, N1, NL075, RUP),
	YL2XP1("fyl2xp1(-0, -1) is +0", NZ, N1, PZ, 0),
	YL2XP1("fyl2xp1(+0, -1) is -0", PZ, N1, NZ, 0),
	YL2XP1("fyl2xp1(1/4, -1) is -log2(5/4) (mpmath)", PQUARTER, N1, NL125, FSW_PE),
	YL2XP1("fyl2xp1(-1/4, -0) is +0", NQUARTER, NZ, PZ, 0),
	YL2XP1("fyl2xp1(-0, -0) is +0", NZ, NZ, PZ, 0),
	YL2XP1("fyl2xp1(+0, -0) is -0", PZ, NZ, NZ, 0),
	YL2XP1("fyl2xp1(1/4, -0) is -0", PQUARTER, NZ, NZ, 0),
	YL2XP1("fyl2xp1(-1/4, +0) is -0", NQUARTER, PZ, NZ, 0),
	YL2XP1("fyl2xp1(-0, +0) is -0", NZ, PZ, NZ, 0),
	YL2XP1("fyl2xp1(+0, +0) is +0", PZ, PZ, PZ, 0),
	YL2XP1("fyl2xp1(1/4, +0) is +0", PQUARTER, PZ, PZ, 0),
	YL2XP1("fyl2xp1(-1/4, 1) is log2(3/4) (mpmath)", NQUARTER, P1, L075, RUP),
	YL2XP1("fyl2xp1(-0, 1) is -0", NZ, P1, NZ, 0),
	YL2XP1("fyl2xp1(+0, 1) is +0", PZ, P1, PZ, 0),
	YL2XP1("fyl2xp1(1/4, 1) is log2(5/4) (mpmath)", PQUARTER, P1, L125, FSW_PE),
	YL2XP1("fyl2xp1(-1/4, +inf) is -inf", NQUARTER, PINF, NINF, 0),
	YL2XP1("fyl2xp1(-0, +inf) is invalid", NZ, PINF, INDEF, FSW_IE),
	YL2XP1("fyl2xp1(+0, +inf) is invalid", PZ, PINF, INDEF, FSW_IE),
	YL2XP1("fyl2xp1(1/4, +inf) is +inf", PQUARTER, PINF, PINF, 0),
	YL2XP1("fyl2xp1(2^-40, 1) is correctly rounded (mpmath)", F80(0x3fd7, 1ull << 63), P1,
	       F80(0x3fd7, 0xb8aa3b295bbb9b9eull), FSW_PE),
	YL2XP1("fyl2xp1(denormal, 1) is it over ln 2, with DE and UE (host)", DEN, P1,
	       F80(0x0000, 0x1a43), FSW_DE | FSW_UE | RUP),
	/* Beyond the SDM's range: the logarithm where it exists, the host's choices elsewhere. */
	YL2XP1("fyl2xp1(1, 1) is exactly 1", P1, P1, P1, 0),
	YL2XP1("fyl2xp1(-1/2, 2) is exactly -2", NHALF, P2, N2, 0),
	YL2XP1("fyl2xp1(-1, 3) gives x back with PE (host)", N1, P3, N1, FSW_PE),
	YL2XP1("fyl2xp1(-2, -3) gives x back with PE (host)", N2, F80(0xc000, 3ull << 62), N2,
	       FSW_PE),
	YL2XP1("fyl2xp1(-1, +0) is -0 (host)", N1, PZ, NZ, 0),
	YL2XP1("fyl2xp1(-2, +inf) is -inf (host)", N2, PINF, NINF, 0),
	YL2XP1("fyl2xp1(-inf, 1) is invalid", NINF, P1, INDEF, FSW_IE),
	YL2XP1("fyl2xp1(+inf, 1) is +inf", PINF, P1, PINF, 0),
	YL2XP1("fyl2xp1(+inf, +0) is invalid", PINF, PZ, INDEF, FSW_IE),
	YL2XP1("fyl2xp1(SNaN, 1) quiets the SNaN", SNAN, P1, SNAN_Q, FSW_IE),
	YL2XP1("fyl2xp1(+0, QNaN) gives the QNaN", PZ, QNAN, QNAN, 0),
};

/* --- arguments closest to multiples of pi/2 (tests/tools/transc_hard.py, mpmath) ---------- */

/* For each, |x 2/pi - k| is tiny (down to 2^-68.9), so an argument reduction with a short pi
 * gets these wrong; the expected values are correctly rounded, C1 says which way. */
struct hrow {
	enum tfn fn;
	struct f80 x, want;
	unsigned fl;
};

static const struct hrow hard_rows[] = {
	/* |x 2/pi - k| = 2^-68.9 */
	{ T_SIN, F80(0x402f, 0xfb3ab09a4ba1d149), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x402f, 0xfb3ab09a4ba1d149), F80(0xbfba, 0xdde293c6704a0ec2), FSW_PE },
	{ T_TAN, F80(0x402f, 0xfb3ab09a4ba1d149), F80(0x4043, 0x93ae1864cdb21f76), FSW_PE },
	{ T_SIN, F80(0xc02f, 0xfb3ab09a4ba1d149), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc02f, 0xfb3ab09a4ba1d149), F80(0xbfba, 0xdde293c6704a0ec2), FSW_PE },
	{ T_TAN, F80(0xc02f, 0xfb3ab09a4ba1d149), F80(0xc043, 0x93ae1864cdb21f76), FSW_PE },
	/* |x 2/pi - k| = 2^-67.9 */
	{ T_SIN, F80(0x4008, 0x8cfa9dccae6cf42c), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4008, 0x8cfa9dccae6cf42c), F80(0x3fbb, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4008, 0x8cfa9dccae6cf42c), F80(0xc042, 0x9472934207bd6f20), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc008, 0x8cfa9dccae6cf42c), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc008, 0x8cfa9dccae6cf42c), F80(0x3fbb, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc008, 0x8cfa9dccae6cf42c), F80(0x4042, 0x9472934207bd6f20), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-67.9 */
	{ T_SIN, F80(0x4030, 0xfb3ab09a4ba1d149), F80(0x3fbb, 0xdde293c6704a0ec2), FSW_PE },
	{ T_COS, F80(0x4030, 0xfb3ab09a4ba1d149), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4030, 0xfb3ab09a4ba1d149), F80(0xbfbb, 0xdde293c6704a0ec2), FSW_PE },
	{ T_SIN, F80(0xc030, 0xfb3ab09a4ba1d149), F80(0xbfbb, 0xdde293c6704a0ec2), FSW_PE },
	{ T_COS, F80(0xc030, 0xfb3ab09a4ba1d149), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc030, 0xfb3ab09a4ba1d149), F80(0x3fbb, 0xdde293c6704a0ec2), FSW_PE },
	/* |x 2/pi - k| = 2^-67.8 */
	{ T_SIN, F80(0x403b, 0x92ebc57f85963e64), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x403b, 0x92ebc57f85963e64), F80(0xbfbb, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x403b, 0x92ebc57f85963e64), F80(0x4042, 0x91f5e1233835ac5c), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc03b, 0x92ebc57f85963e64), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc03b, 0x92ebc57f85963e64), F80(0xbfbb, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc03b, 0x92ebc57f85963e64), F80(0xc042, 0x91f5e1233835ac5c), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-66.9 */
	{ T_SIN, F80(0x401c, 0x9a09018f04f2c2d4), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x401c, 0x9a09018f04f2c2d4), F80(0x3fbc, 0xd6cbe4558032b85b), FSW_PE },
	{ T_TAN, F80(0x401c, 0x9a09018f04f2c2d4), F80(0x4041, 0x988dc13a1bf3d2e8), FSW_PE },
	{ T_SIN, F80(0xc01c, 0x9a09018f04f2c2d4), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc01c, 0x9a09018f04f2c2d4), F80(0x3fbc, 0xd6cbe4558032b85b), FSW_PE },
	{ T_TAN, F80(0xc01c, 0x9a09018f04f2c2d4), F80(0xc041, 0x988dc13a1bf3d2e8), FSW_PE },
	/* |x 2/pi - k| = 2^-66.9 */
	{ T_SIN, F80(0x4009, 0x8cfa9dccae6cf42c), F80(0xbfbc, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4009, 0x8cfa9dccae6cf42c), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4009, 0x8cfa9dccae6cf42c), F80(0x3fbc, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc009, 0x8cfa9dccae6cf42c), F80(0x3fbc, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc009, 0x8cfa9dccae6cf42c), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc009, 0x8cfa9dccae6cf42c), F80(0xbfbc, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-66.9 */
	{ T_SIN, F80(0x4031, 0xfb3ab09a4ba1d149), F80(0xbfbc, 0xdde293c6704a0ec2), FSW_PE },
	{ T_COS, F80(0x4031, 0xfb3ab09a4ba1d149), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4031, 0xfb3ab09a4ba1d149), F80(0xbfbc, 0xdde293c6704a0ec2), FSW_PE },
	{ T_SIN, F80(0xc031, 0xfb3ab09a4ba1d149), F80(0x3fbc, 0xdde293c6704a0ec2), FSW_PE },
	{ T_COS, F80(0xc031, 0xfb3ab09a4ba1d149), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc031, 0xfb3ab09a4ba1d149), F80(0x3fbc, 0xdde293c6704a0ec2), FSW_PE },
	/* |x 2/pi - k| = 2^-66.8 */
	{ T_SIN, F80(0x403c, 0x92ebc57f85963e64), F80(0x3fbc, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x403c, 0x92ebc57f85963e64), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x403c, 0x92ebc57f85963e64), F80(0xbfbc, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc03c, 0x92ebc57f85963e64), F80(0xbfbc, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc03c, 0x92ebc57f85963e64), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc03c, 0x92ebc57f85963e64), F80(0x3fbc, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-66.7 */
	{ T_SIN, F80(0x4010, 0xb0171b0e337b83ea), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4010, 0xb0171b0e337b83ea), F80(0xbfbc, 0xf16b9a379a513391), FSW_PE },
	{ T_TAN, F80(0x4010, 0xb0171b0e337b83ea), F80(0xc041, 0x87bae6a121edc928), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc010, 0xb0171b0e337b83ea), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc010, 0xb0171b0e337b83ea), F80(0xbfbc, 0xf16b9a379a513391), FSW_PE },
	{ T_TAN, F80(0xc010, 0xb0171b0e337b83ea), F80(0x4041, 0x87bae6a121edc928), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-66.6 */
	{ T_SIN, F80(0x4036, 0xa4d2e387f0db7b15), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4036, 0xa4d2e387f0db7b15), F80(0xbfbd, 0x8168a3f0e0e57c43), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4036, 0xa4d2e387f0db7b15), F80(0xc040, 0xfd369234ca20ae66), FSW_PE },
	{ T_SIN, F80(0xc036, 0xa4d2e387f0db7b15), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc036, 0xa4d2e387f0db7b15), F80(0xbfbd, 0x8168a3f0e0e57c43), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc036, 0xa4d2e387f0db7b15), F80(0x4040, 0xfd369234ca20ae66), FSW_PE },
	/* |x 2/pi - k| = 2^-66.5 */
	{ T_SIN, F80(0x4014, 0xc84d32b0ce81b9f1), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4014, 0xc84d32b0ce81b9f1), F80(0x3fbd, 0x8d848e89dbd171a1), FSW_PE },
	{ T_TAN, F80(0x4014, 0xc84d32b0ce81b9f1), F80(0x4040, 0xe78bfdfda0dc24a5), FSW_PE },
	{ T_SIN, F80(0xc014, 0xc84d32b0ce81b9f1), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc014, 0xc84d32b0ce81b9f1), F80(0x3fbd, 0x8d848e89dbd171a1), FSW_PE },
	{ T_TAN, F80(0xc014, 0xc84d32b0ce81b9f1), F80(0xc040, 0xe78bfdfda0dc24a5), FSW_PE },
	/* |x 2/pi - k| = 2^-66.3 */
	{ T_SIN, F80(0x4001, 0xfb53d14aa9c2f2c2), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4001, 0xfb53d14aa9c2f2c2), F80(0xbfbd, 0xa0804d19eecdbfa9), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4001, 0xfb53d14aa9c2f2c2), F80(0xc040, 0xcc29165941e7936e), FSW_PE },
	{ T_SIN, F80(0xc001, 0xfb53d14aa9c2f2c2), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc001, 0xfb53d14aa9c2f2c2), F80(0xbfbd, 0xa0804d19eecdbfa9), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc001, 0xfb53d14aa9c2f2c2), F80(0x4040, 0xcc29165941e7936e), FSW_PE },
	/* |x 2/pi - k| = 2^-66.1 */
	{ T_SIN, F80(0x4005, 0xb3121eb865c14cf7), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4005, 0xb3121eb865c14cf7), F80(0xbfbd, 0xbf503bc13bf655b7), FSW_PE },
	{ T_TAN, F80(0x4005, 0xb3121eb865c14cf7), F80(0xc040, 0xab4776de9f8ca4e4), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc005, 0xb3121eb865c14cf7), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc005, 0xb3121eb865c14cf7), F80(0xbfbd, 0xbf503bc13bf655b7), FSW_PE },
	{ T_TAN, F80(0xc005, 0xb3121eb865c14cf7), F80(0x4040, 0xab4776de9f8ca4e4), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.9 */
	{ T_SIN, F80(0x4027, 0xd5924ce4197e8637), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4027, 0xd5924ce4197e8637), F80(0xbfbd, 0xd6936c1b71bf341d), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc027, 0xd5924ce4197e8637), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc027, 0xd5924ce4197e8637), F80(0xbfbd, 0xd6936c1b71bf341d), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.9 */
	{ T_SIN, F80(0x401d, 0x9a09018f04f2c2d4), F80(0x3fbd, 0xd6cbe4558032b85b), FSW_PE },
	{ T_COS, F80(0x401d, 0x9a09018f04f2c2d4), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x401d, 0x9a09018f04f2c2d4), F80(0xbfbd, 0xd6cbe4558032b85b), FSW_PE },
	{ T_SIN, F80(0xc01d, 0x9a09018f04f2c2d4), F80(0xbfbd, 0xd6cbe4558032b85b), FSW_PE },
	{ T_COS, F80(0xc01d, 0x9a09018f04f2c2d4), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc01d, 0x9a09018f04f2c2d4), F80(0x3fbd, 0xd6cbe4558032b85b), FSW_PE },
	/* |x 2/pi - k| = 2^-65.9 */
	{ T_SIN, F80(0x400a, 0x8cfa9dccae6cf42c), F80(0x3fbd, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x400a, 0x8cfa9dccae6cf42c), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x400a, 0x8cfa9dccae6cf42c), F80(0x3fbd, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc00a, 0x8cfa9dccae6cf42c), F80(0xbfbd, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc00a, 0x8cfa9dccae6cf42c), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc00a, 0x8cfa9dccae6cf42c), F80(0xbfbd, 0xdcbce5e4b5396af8), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.9 */
	{ T_SIN, F80(0x4032, 0xfb3ab09a4ba1d149), F80(0xbfbd, 0xdde293c6704a0ec2), FSW_PE },
	{ T_COS, F80(0x4032, 0xfb3ab09a4ba1d149), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4032, 0xfb3ab09a4ba1d149), F80(0xbfbd, 0xdde293c6704a0ec2), FSW_PE },
	{ T_SIN, F80(0xc032, 0xfb3ab09a4ba1d149), F80(0x3fbd, 0xdde293c6704a0ec2), FSW_PE },
	{ T_COS, F80(0xc032, 0xfb3ab09a4ba1d149), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc032, 0xfb3ab09a4ba1d149), F80(0x3fbd, 0xdde293c6704a0ec2), FSW_PE },
	/* |x 2/pi - k| = 2^-65.8 */
	{ T_SIN, F80(0x403d, 0x92ebc57f85963e64), F80(0xbfbd, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x403d, 0x92ebc57f85963e64), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x403d, 0x92ebc57f85963e64), F80(0xbfbd, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc03d, 0x92ebc57f85963e64), F80(0x3fbd, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc03d, 0x92ebc57f85963e64), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc03d, 0x92ebc57f85963e64), F80(0x3fbd, 0xe07fc7fd31b3447a), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.8 */
	{ T_SIN, F80(0x3fff, 0xc90fdaa22168c235), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x3fff, 0xc90fdaa22168c235), F80(0xbfbd, 0xece675d1fc8f8cbb), FSW_PE },
	{ T_TAN, F80(0x3fff, 0xc90fdaa22168c235), F80(0xc040, 0x8a51e04daabda35f), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xbfff, 0xc90fdaa22168c235), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xbfff, 0xc90fdaa22168c235), F80(0xbfbd, 0xece675d1fc8f8cbb), FSW_PE },
	{ T_TAN, F80(0xbfff, 0xc90fdaa22168c235), F80(0x4040, 0x8a51e04daabda35f), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.7 */
	{ T_SIN, F80(0x4011, 0xb0171b0e337b83ea), F80(0xbfbd, 0xf16b9a379a513391), FSW_PE },
	{ T_COS, F80(0x4011, 0xb0171b0e337b83ea), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4011, 0xb0171b0e337b83ea), F80(0x3fbd, 0xf16b9a379a513391), FSW_PE },
	{ T_SIN, F80(0xc011, 0xb0171b0e337b83ea), F80(0x3fbd, 0xf16b9a379a513391), FSW_PE },
	{ T_COS, F80(0xc011, 0xb0171b0e337b83ea), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc011, 0xb0171b0e337b83ea), F80(0xbfbd, 0xf16b9a379a513391), FSW_PE },
	/* |x 2/pi - k| = 2^-65.6 */
	{ T_SIN, F80(0x4037, 0xa4d2e387f0db7b15), F80(0xbfbe, 0x8168a3f0e0e57c43), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4037, 0xa4d2e387f0db7b15), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4037, 0xa4d2e387f0db7b15), F80(0x3fbe, 0x8168a3f0e0e57c43), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc037, 0xa4d2e387f0db7b15), F80(0x3fbe, 0x8168a3f0e0e57c43), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc037, 0xa4d2e387f0db7b15), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc037, 0xa4d2e387f0db7b15), F80(0xbfbe, 0x8168a3f0e0e57c43), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.5 */
	{ T_SIN, F80(0x4015, 0xc84d32b0ce81b9f1), F80(0x3fbe, 0x8d848e89dbd171a1), FSW_PE },
	{ T_COS, F80(0x4015, 0xc84d32b0ce81b9f1), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4015, 0xc84d32b0ce81b9f1), F80(0xbfbe, 0x8d848e89dbd171a1), FSW_PE },
	{ T_SIN, F80(0xc015, 0xc84d32b0ce81b9f1), F80(0xbfbe, 0x8d848e89dbd171a1), FSW_PE },
	{ T_COS, F80(0xc015, 0xc84d32b0ce81b9f1), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc015, 0xc84d32b0ce81b9f1), F80(0x3fbe, 0x8d848e89dbd171a1), FSW_PE },
	/* |x 2/pi - k| = 2^-65.5 */
	{ T_SIN, F80(0x401a, 0xf39a0a24e3f8956d), F80(0x3fff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x401a, 0xf39a0a24e3f8956d), F80(0xbfbe, 0x91d8ee1f6b9dbb01), FSW_PE },
	{ T_TAN, F80(0x401a, 0xf39a0a24e3f8956d), F80(0xc03f, 0xe0ac57931579f1b9), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc01a, 0xf39a0a24e3f8956d), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc01a, 0xf39a0a24e3f8956d), F80(0xbfbe, 0x91d8ee1f6b9dbb01), FSW_PE },
	{ T_TAN, F80(0xc01a, 0xf39a0a24e3f8956d), F80(0x403f, 0xe0ac57931579f1b9), FSW_PE | FSW_C1 },
	/* |x 2/pi - k| = 2^-65.3 */
	{ T_SIN, F80(0x4002, 0xfb53d14aa9c2f2c2), F80(0xbfbe, 0xa0804d19eecdbfa9), FSW_PE | FSW_C1 },
	{ T_COS, F80(0x4002, 0xfb53d14aa9c2f2c2), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0x4002, 0xfb53d14aa9c2f2c2), F80(0x3fbe, 0xa0804d19eecdbfa9), FSW_PE | FSW_C1 },
	{ T_SIN, F80(0xc002, 0xfb53d14aa9c2f2c2), F80(0x3fbe, 0xa0804d19eecdbfa9), FSW_PE | FSW_C1 },
	{ T_COS, F80(0xc002, 0xfb53d14aa9c2f2c2), F80(0xbfff, 0x8000000000000000), FSW_PE | FSW_C1 },
	{ T_TAN, F80(0xc002, 0xfb53d14aa9c2f2c2), F80(0xbfbe, 0xa0804d19eecdbfa9), FSW_PE | FSW_C1 },
};

static void test_reduction_near_multiples_of_pi_2(void **state)
{
	(void)state;
	int bad = 0;
	size_t n = sizeof hard_rows / sizeof hard_rows[0];
	for (size_t i = 0; i < n; i++) {
		const struct hrow *h = &hard_rows[i];
		struct f80 r = UNTOUCHED, unused;
		unsigned fl = run(h->fn, h->x, h->x, &r, &unused);
		if (!same(r, h->want) || fl != h->fl) {
			print_error("%s(%04x.%016llx) = %04x.%016llx status %04x, want "
				    "%04x.%016llx status %04x\n", TFN_NAME[h->fn], h->x.sexp,
				    (unsigned long long)h->x.mant, r.sexp, (unsigned long long)r.mant,
				    fl, h->want.sexp, (unsigned long long)h->want.mant, h->fl);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d of %zu hard arguments differ", bad, n);
}

/* --- against the host x87 ------------------------------------------------------------------ */

#ifdef HOST_X87
/* The position of a finite x among the 80-bit values of its sign: neighbours differ by 1
 * (denormals continue into normals: exponent field 1 holds significands from 2^63). */
static unsigned __int128 ordinal(struct f80 x)
{
	unsigned e = x.sexp & 0x7fff;
	if (e == 0)
		return x.mant;
	return ((unsigned __int128)(e - 1) << 63) + x.mant;
}

static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* |x| log-uniform in [2^e0, 2^e1) (normal: -16382 <= e0 < e1 <= 16384) with a random
 * significand; a random sign if signed_. */
static struct f80 random_f80(uint64_t *s, int e0, int e1, int signed_)
{
	struct f80 r;
	r.mant = next_random(s) | 1ull << 63;
	r.sexp = (uint16_t)(16383 + e0 + (int)(next_random(s) % (uint64_t)(e1 - e0)));
	if (signed_ && (next_random(s) & 1))
		r.sexp |= 0x8000;
	return r;
}

static unsigned host_run(enum tfn fn, struct f80 a, struct f80 b, struct f80 *r, struct f80 *r2)
{
	switch (fn) {
	case T_SIN: return host_sin(a, r);
	case T_COS: return host_cos(a, r);
	case T_TAN: return host_tan(a, r);
	case T_SINCOS: return host_sincos(a, r, r2);
	case T_ATAN: return host_atan2(a, b, r);
	case T_2XM1: return host_2xm1(a, r);
	case T_YL2X: return host_yl2x(a, b, r);
	case T_YL2XP1: return host_yl2xp1(a, b, r);
	}
	return 0;
}

/* One random range: a in 2^[ae0, ae1) (signed or not), b in 2^[be0, be1) signed. */
struct hrange {
	enum tfn fn;
	int ae0, ae1, asigned, be0, be1;
};

/* Whether ours and the host's agree to 1 ulp: same sign, at most one 80-bit step apart. */
static int close_enough(struct f80 o, struct f80 h)
{
	if ((o.sexp >> 15) != (h.sexp >> 15) || (o.sexp & 0x7fff) == 0x7fff ||
	    (h.sexp & 0x7fff) == 0x7fff)
		return 0;
	unsigned __int128 a = ordinal(o), b = ordinal(h);
	return (a > b ? a - b : b - a) <= 1;
}

static void compare_with_host(const struct hrange *rg, size_t nrg, uint64_t seed, int n)
{
	int bad = 0, total = 0;
	uint64_t s = seed;
	for (size_t i = 0; i < nrg; i++) {
		for (int k = 0; k < n; k++) {
			struct f80 a = random_f80(&s, rg[i].ae0, rg[i].ae1, rg[i].asigned);
			struct f80 b = random_f80(&s, rg[i].be0, rg[i].be1, 1);
			struct f80 o = UNTOUCHED, o2 = UNTOUCHED, h = UNTOUCHED, h2 = UNTOUCHED;
			unsigned fo = run(rg[i].fn, a, b, &o, &o2);
			unsigned fh = host_run(rg[i].fn, a, b, &h, &h2);
			int ok = close_enough(o, h) && (fo & FSW_PE) && (fh & FSW_PE);
			if (rg[i].fn == T_SINCOS)
				ok = ok && close_enough(o2, h2);
			total++;
			if (!ok && bad++ < 10)
				print_error("%s(%04x.%016llx, %04x.%016llx): ours %04x.%016llx "
					    "status %04x, host %04x.%016llx status %04x\n",
					    TFN_NAME[rg[i].fn], a.sexp, (unsigned long long)a.mant,
					    b.sexp, (unsigned long long)b.mant, o.sexp,
					    (unsigned long long)o.mant, fo, h.sexp,
					    (unsigned long long)h.mant, fh);
		}
	}
	if (bad)
		fail_msg("%d of %d random arguments are more than 1 ulp from the host", bad, total);
}
#endif

/* Where the host is accurate on both AMD and Intel: the trigonometric ones only for
 * |x| < 1/2 (no argument reduction), the others everywhere in their SDM ranges. */
static void test_fsin_fcos_fsincos_fptan_match_the_host(void **state)
{
	(void)state;
#ifdef HOST_X87
	static const struct hrange r[] = {
		{ T_SIN, -40, -1, 1, 0, 1 }, { T_SIN, -16382, -40, 1, 0, 1 },
		{ T_COS, -40, -1, 1, 0, 1 }, { T_COS, -16382, -40, 1, 0, 1 },
		{ T_SINCOS, -40, -1, 1, 0, 1 }, { T_TAN, -40, -1, 1, 0, 1 },
		{ T_TAN, -16382, -40, 1, 0, 1 },
	};
	compare_with_host(r, sizeof r / sizeof r[0], 1, 3000);
#else
	skip();
#endif
}

static void test_fpatan_matches_the_host(void **state)
{
	(void)state;
#ifdef HOST_X87
	static const struct hrange r[] = {
		{ T_ATAN, -64, 64, 1, -64, 64 }, { T_ATAN, -2, 2, 1, -2, 2 },
		{ T_ATAN, -16000, 16000, 1, -16000, 16000 },
	};
	compare_with_host(r, sizeof r / sizeof r[0], 2, 3000);
#else
	skip();
#endif
}

static void test_f2xm1_matches_the_host(void **state)
{
	(void)state;
#ifdef HOST_X87
	static const struct hrange r[] = {
		{ T_2XM1, -64, 0, 1, 0, 1 }, { T_2XM1, -16382, -64, 1, 0, 1 },
	};
	compare_with_host(r, sizeof r / sizeof r[0], 3, 3000);
#else
	skip();
#endif
}

static void test_fyl2x_fyl2xp1_match_the_host(void **state)
{
	(void)state;
#ifdef HOST_X87
	static const struct hrange r[] = {
		{ T_YL2X, -16000, 16000, 0, -8, 8 }, { T_YL2X, -1, 1, 0, -8, 8 },
		{ T_YL2XP1, -64, -2, 1, -8, 8 }, { T_YL2XP1, -16382, -64, 1, -8, 8 },
	};
	compare_with_host(r, sizeof r / sizeof r[0], 4, 3000);
#else
	skip();
#endif
}

/* --- the tables ---------------------------------------------------------------------------- */

static void test_fsin(void **state)
{
	(void)state;
	RUN_TROWS(fsin_rows);
}

static void test_fcos(void **state)
{
	(void)state;
	RUN_TROWS(fcos_rows);
}

static void test_fsincos(void **state)
{
	(void)state;
	RUN_TROWS(fsincos_rows);
}

static void test_fptan(void **state)
{
	(void)state;
	RUN_TROWS(fptan_rows);
}

static void test_fpatan(void **state)
{
	(void)state;
	RUN_TROWS(fpatan_rows);
}

static void test_f2xm1(void **state)
{
	(void)state;
	RUN_TROWS(f2xm1_rows);
}

static void test_fyl2x(void **state)
{
	(void)state;
	RUN_TROWS(fyl2x_rows);
}

static void test_fyl2xp1(void **state)
{
	(void)state;
	RUN_TROWS(fyl2xp1_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsin),
		cmocka_unit_test(test_fcos),
		cmocka_unit_test(test_fsincos),
		cmocka_unit_test(test_fptan),
		cmocka_unit_test(test_reduction_near_multiples_of_pi_2),
		cmocka_unit_test(test_fsin_fcos_fsincos_fptan_match_the_host),
		cmocka_unit_test(test_fpatan),
		cmocka_unit_test(test_fpatan_matches_the_host),
		cmocka_unit_test(test_f2xm1),
		cmocka_unit_test(test_f2xm1_matches_the_host),
		cmocka_unit_test(test_fyl2x),
		cmocka_unit_test(test_fyl2xp1),
		cmocka_unit_test(test_fyl2x_fyl2xp1_match_the_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
