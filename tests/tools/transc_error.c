/* transc_error.c - measures cpu/fpu_transc.c: error in ulps against a 113-bit reference
 * (libquadmath) and against the host x87, per function and argument range; then every special
 * operand (and pair) against the host, listing where results or status bits differ.
 *
 *   build/tests/transc-error [N [SEED]]     N random arguments per range (default 100000)
 *
 * The error of a result v with reference ref is (v - ref) / ulp(ref), ulp(ref) being the
 * spacing of 80-bit values at ref (2^(e - 63), at least the denormal spacing 2^-16445). "ours"
 * and "host" are measured against the reference, "ours-host" counts the 80-bit steps between
 * the two results. x86 hosts only (the host x87 and __float128 are needed).
 */
#include <inttypes.h>
#include <quadmath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/fpu.h"
#include "tests/tools/host_x87.h"

#ifndef HOST_X87
#error "transc-error compares against the host x87: build it on an x86 host"
#endif

typedef __float128 q128;

/* --- 80-bit <-> 128-bit ------------------------------------------------------------------- */

static q128 to_q(struct f80 x)
{
	int e = x.sexp & 0x7fff;
	q128 s = x.sexp >> 15 ? -1 : 1;
	if (e == 0x7fff)
		return (x.mant << 1) ? nanq("") : s * HUGE_VALQ;
	if (e == 0)
		e = 1;
	return s * ldexpq((q128)x.mant, e - 16383 - 63);
}

/* v truncated to a 64-bit significand (v normal in the 80-bit range): for making arguments. */
static struct f80 from_q(q128 v)
{
	struct f80 r = { 0, 0 };
	if (v == 0)
		return r;
	int e;
	q128 m = frexpq(fabsq(v), &e);           /* v = m 2^e, m in [1/2, 1) */
	r.mant = (uint64_t)ldexpq(m, 64);
	r.sexp = (uint16_t)((v < 0 ? 0x8000 : 0) | (e - 1 + 16383));
	return r;
}

static q128 ulp_at(q128 ref)
{
	int e = ilogbq(ref);
	if (e < -16382)
		e = -16382;
	return ldexpq(1, e - 63);
}

/* Signed distance in 80-bit steps between two finite results of the same sign. */
static int64_t steps(struct f80 a, struct f80 b)
{
	q128 d = (to_q(a) - to_q(b)) / ulp_at(to_q(b));
	return (int64_t)(d < 0 ? -d + 0.5Q : d + 0.5Q);
}

static int finite80(struct f80 x)
{
	return (x.sexp & 0x7fff) != 0x7fff;
}

/* --- random arguments -------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static q128 uni(q128 lo, q128 hi)
{
	q128 u = ldexpq((q128)(rnd() >> 11), -53) + ldexpq((q128)(rnd() >> 11), -106);
	return lo + (hi - lo) * u;
}

/* |x| log-uniform in [2^e0, 2^e1), full random significand, random sign if sgn. */
static struct f80 logu(int e0, int e1, int sgn)
{
	struct f80 r;
	r.mant = rnd() | 1ull << 63;
	r.sexp = (uint16_t)(16383 + e0 + (int)(rnd() % (uint64_t)(e1 - e0)));
	if (sgn && (rnd() & 1))
		r.sexp |= 0x8000;
	return r;
}

static struct f80 sgn(struct f80 x)
{
	if (rnd() & 1)
		x.sexp ^= 0x8000;
	return x;
}

/* --- the functions under test, in one shape ---------------------------------------------- */

enum fn { F_SIN, F_COS, F_TAN, F_SINCOS_S, F_SINCOS_C, F_ATAN, F_2XM1, F_YL2X, F_YL2XP1 };
static const char *const FN_NAME[] = { "fsin", "fcos", "fptan", "fsincos.sin", "fsincos.cos",
				       "fpatan", "f2xm1", "fyl2x", "fyl2xp1" };

/* Our result and status for fn at (a, b) (b unused by the unary ones). */
static unsigned ours(enum fn f, struct f80 a, struct f80 b, struct f80 *r)
{
	struct f80 other;
	switch (f) {
	case F_SIN: return f80_sin(a, r);
	case F_COS: return f80_cos(a, r);
	case F_TAN: return f80_tan(a, r);
	case F_SINCOS_S: return f80_sincos(a, r, &other);
	case F_SINCOS_C: return f80_sincos(a, &other, r);
	case F_ATAN: return f80_atan2(a, b, r);
	case F_2XM1: return f80_2xm1(a, r);
	case F_YL2X: return f80_yl2x(a, b, r);
	case F_YL2XP1: return f80_yl2xp1(a, b, r);
	}
	return 0;
}

static unsigned host(enum fn f, struct f80 a, struct f80 b, struct f80 *r)
{
	struct f80 other;
	switch (f) {
	case F_SIN: return host_sin(a, r);
	case F_COS: return host_cos(a, r);
	case F_TAN: return host_tan(a, r);
	case F_SINCOS_S: return host_sincos(a, r, &other);
	case F_SINCOS_C: return host_sincos(a, &other, r);
	case F_ATAN: return host_atan2(a, b, r);
	case F_2XM1: return host_2xm1(a, r);
	case F_YL2X: return host_yl2x(a, b, r);
	case F_YL2XP1: return host_yl2xp1(a, b, r);
	}
	return 0;
}

static q128 reference(enum fn f, struct f80 a, struct f80 b)
{
	q128 x = to_q(a), y = to_q(b);
	switch (f) {
	case F_SIN: case F_SINCOS_S: return sinq(x);
	case F_COS: case F_SINCOS_C: return cosq(x);
	case F_TAN: return tanq(x);
	case F_ATAN: return atan2q(x, y);
	case F_2XM1: return expm1q(x * M_LN2q);
	case F_YL2X: return y * log2q(x);
	case F_YL2XP1: return y * (log1pq(x) / M_LN2q);
	}
	return 0;
}

/* --- random ranges ------------------------------------------------------------------------ */

/* A range: its name and a generator of (a, b). */
struct range {
	enum fn f;
	const char *name;
	int kind;
};

enum {
	R_PI4, R_8, R_BIG, R_NEAR, R_TINY,                 /* trigonometric */
	R_UNIT2, R_LOG2D, R_RATIO,                         /* atan2 */
	R_X1, R_XLOG, R_XTINY,                             /* 2xm1 */
	R_L04, R_LNEAR1, R_LWIDE,                          /* yl2x */
	R_P1, R_PLOG, R_POUT,                              /* yl2xp1 */
};

static void gen(int kind, struct f80 *a, struct f80 *b)
{
	struct f80 one = { 1ull << 63, 0x3fff };
	*b = one;
	switch (kind) {
	case R_PI4: *a = from_q(uni(-M_PI_4q, M_PI_4q)); break;
	case R_8: *a = from_q(uni(-8, 8)); break;
	case R_BIG: *a = logu(3, 63, 1); break;
	case R_NEAR: {
		/* The 80-bit value nearest k pi/2 for a random k < 2^62, moved by up to 8 steps. */
		int bits = 1 + (int)(rnd() % 61);
		q128 k = (q128)(rnd() >> (64 - bits));
		struct f80 x = from_q(k * M_PI_2q);
		x.mant += rnd() % 17;
		if (!(x.mant >> 63))
			x.mant = ~0ull;
		*a = sgn(x);
		break;
	}
	case R_TINY: *a = logu(-80, -2, 1); break;
	case R_UNIT2: *a = from_q(uni(-1, 1)); *b = from_q(uni(-1, 1)); break;
	case R_LOG2D: *a = logu(-64, 64, 1); *b = logu(-64, 64, 1); break;
	case R_RATIO:                          /* |y| = |x| 2^-(20..99) */
		*b = logu(-8, 8, 1);
		*a = logu(-8, 8, 1);
		a->sexp = (uint16_t)((a->sexp & 0x8000) | ((b->sexp & 0x7fff) - 20 - rnd() % 80));
		break;
	case R_X1: *a = from_q(uni(-1, 1)); break;
	case R_XLOG: *a = logu(-64, 0, 1); break;
	case R_XTINY: *a = logu(-16300, -64, 1); break;
	case R_L04: *a = from_q(uni(0, 4)); break;
	case R_LNEAR1:                         /* 1 +- [1, 2) 2^-(1..62) */
		*a = from_q(1 + (rnd() & 1 ? 1 : -1) * ldexpq(uni(1, 2), -1 - (int)(rnd() % 62)));
		break;
	case R_LWIDE: *a = logu(-16000, 16000, 0); *b = from_q(uni(-2, 2)); break;
	case R_P1: *a = from_q(uni(-(1 - M_SQRT2q / 2), 1 - M_SQRT2q / 2)); break;
	case R_PLOG: *a = logu(-64, -2, 1); break;
	case R_POUT: *a = from_q(uni(-0.999Q, 10)); break;
	}
}

static const struct range RANGES[] = {
	{ F_SIN, "|x| <= pi/4", R_PI4 }, { F_SIN, "|x| <= 8", R_8 },
	{ F_SIN, "8 <= |x| < 2^63", R_BIG }, { F_SIN, "x near k pi/2", R_NEAR },
	{ F_SIN, "2^-80 <= |x| < 1/4", R_TINY },
	{ F_COS, "|x| <= pi/4", R_PI4 }, { F_COS, "|x| <= 8", R_8 },
	{ F_COS, "8 <= |x| < 2^63", R_BIG }, { F_COS, "x near k pi/2", R_NEAR },
	{ F_TAN, "|x| <= pi/4", R_PI4 }, { F_TAN, "|x| <= 8", R_8 },
	{ F_TAN, "8 <= |x| < 2^63", R_BIG }, { F_TAN, "x near k pi/2", R_NEAR },
	{ F_TAN, "2^-80 <= |x| < 1/4", R_TINY },
	{ F_SINCOS_S, "|x| <= 8", R_8 }, { F_SINCOS_C, "|x| <= 8", R_8 },
	{ F_ATAN, "x, y in [-1, 1]", R_UNIT2 }, { F_ATAN, "|x|, |y| in 2^[-64, 64]", R_LOG2D },
	{ F_ATAN, "|y/x| in 2^[-100, -12]", R_RATIO },
	{ F_2XM1, "x in [-1, 1]", R_X1 }, { F_2XM1, "|x| in 2^[-64, 0]", R_XLOG },
	{ F_2XM1, "|x| in 2^[-16300, -64]", R_XTINY },
	{ F_YL2X, "x in (0, 4], y = 1", R_L04 }, { F_YL2X, "x = 1 +- 2^-k, y = 1", R_LNEAR1 },
	{ F_YL2X, "x in 2^[-16000, 16000], |y| <= 2", R_LWIDE },
	{ F_YL2XP1, "|x| < 1 - sqrt2/2, y = 1", R_P1 }, { F_YL2XP1, "|x| in 2^[-64, -2], y = 1", R_PLOG },
	{ F_YL2XP1, "x in (-1, 10) (beyond the SDM)", R_POUT },
};

struct stat {
	double max, sum;
	uint64_t n, over_half;
};

static void add(struct stat *s, double e)
{
	if (e < 0)
		e = -e;
	if (e > s->max)
		s->max = e;
	if (e > 0.5)
		s->over_half++;
	s->sum += e;
	s->n++;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A column of up to 9 characters: plain for modest numbers, %.2e for the host's huge ones. */
static const char *fmt_err(char *buf, size_t n, double v, int decimals)
{
	if (v < 1e5)
		snprintf(buf, n, "%.*f", decimals, v);
	else
		snprintf(buf, n, "%.2e", v);
	return buf;
}

static void measure(uint64_t n)
{
	printf("%-12s %-34s %8s %8s %5s %9s %9s %9s %7s %7s\n", "function", "range", "ours max",
	       "mean", ">0.5", "host max", "mean", "ours-host", "ns ours", "ns host");
	for (size_t i = 0; i < sizeof RANGES / sizeof RANGES[0]; i++) {
		const struct range *rg = &RANGES[i];
		struct stat so = { 0 }, sh = { 0 };
		int64_t diff = 0;
		double t_ours = 0, t_host = 0;
		for (uint64_t k = 0; k < n; k++) {
			struct f80 a, b, ro, rh;
			gen(rg->kind, &a, &b);
			double t0 = now_ns();
			unsigned fo = ours(rg->f, a, b, &ro);
			double t1 = now_ns();
			unsigned fh = host(rg->f, a, b, &rh);
			double t2 = now_ns();
			t_ours += t1 - t0;
			t_host += t2 - t1;
			q128 ref = reference(rg->f, a, b);
			if ((fo & FSW_C2) || isnanq(ref) || isinfq(ref) || !finite80(ro))
				continue;
			q128 u = ulp_at(ref);
			add(&so, (double)((to_q(ro) - ref) / u));
			if (!(fh & FSW_C2) && finite80(rh)) {
				add(&sh, (double)((to_q(rh) - ref) / u));
				if ((ro.sexp >> 15) == (rh.sexp >> 15)) {
					int64_t d = steps(ro, rh);
					if (d > diff)
						diff = d;
				} else if (to_q(ro) != 0 || to_q(rh) != 0) {
					diff = INT64_MAX;
				}
			}
		}
		char b1[32], b2[32], b3[32], b4[32], b5[32];
		printf("%-12s %-34s %8s %8s %5" PRIu64 " %9s %9s %9s %7.0f %7.0f\n", FN_NAME[rg->f],
		       rg->name, fmt_err(b1, sizeof b1, so.max, 4),
		       fmt_err(b2, sizeof b2, so.n ? so.sum / (double)so.n : 0, 4), so.over_half,
		       fmt_err(b3, sizeof b3, sh.max, 4),
		       fmt_err(b4, sizeof b4, sh.n ? sh.sum / (double)sh.n : 0, 4),
		       diff == INT64_MAX ? "sign" : fmt_err(b5, sizeof b5, (double)diff, 0),
		       t_ours / (double)n, t_host / (double)n);
	}
}

/* --- special operands against the host ----------------------------------------------------- */

static const struct f80 SPECIAL[] = {
	{ 0, 0 }, { 0, 0x8000 },                                         /* +-0 */
	{ 0x1234, 0 }, { 0x1234, 0x8000 },                               /* +-denormal */
	{ 0x8000000000001234ull, 0 }, { 0x8000000000001234ull, 0x8000 }, /* +-pseudo-denormal */
	{ 1ull << 63, 1 }, { 1ull << 63, 0x8001 },                       /* +-min normal */
	{ 1ull << 63, 0x3ffe }, { 1ull << 63, 0xbffe },                  /* +-0.5 */
	{ 1ull << 63, 0x3fff }, { 1ull << 63, 0xbfff },                  /* +-1 */
	{ 0xc000000000000000ull, 0x4000 }, { 0xc000000000000000ull, 0xc000 }, /* +-3 */
	{ 0x8000000000000000ull, 0x4002 },                               /* 8 */
	{ ~0ull, 0x403d }, { 1ull << 63, 0x403e }, { 1ull << 63, 0xc03e }, /* 2^63-, +-2^63 */
	{ ~0ull, 0x7ffe }, { ~0ull, 0xfffe },                            /* +-max */
	{ 1ull << 63, 0x7fff }, { 1ull << 63, 0xffff },                  /* +-inf */
	{ 0xc000000000000005ull, 0x7fff }, { 0xc000000000000009ull, 0xffff }, /* +-QNaN */
	{ 0x8000000000000003ull, 0x7fff }, { 0x8000000000000007ull, 0xffff }, /* +-SNaN */
	{ 0x4000000000000000ull, 0x3fff },                               /* unnormal */
	{ 0, 0x7fff },                                                   /* pseudo-infinity */
	{ 0x1800000000000000ull, 0x3ffd },                               /* unnormal 0.09 */
};

/* Why a special case differs: the result's bits, or only some status bits. */
enum why { W_RESULT, W_PE_EXACT, W_C1, W_DE, W_OTHER, W_N };
static const char *const WHY_NAME[] = {
	"results differ (errors against the reference below)",
	"exact result: the host sets PE (and UE/C1) anyway, we do not",
	"same result, C1 differs (its rounding direction against the reference below)",
	"same result, DE differs", "other status bits differ",
};

static int specials(void)
{
	size_t ns = sizeof SPECIAL / sizeof SPECIAL[0];
	int total = 0, bad = 0, count[F_YL2XP1 + 1][W_N] = { { 0 } };
	printf("\nSpecial operands: every result and status bit (IE DE ZE OE UE PE C1 C2) vs the host\n");
	for (int f = F_SIN; f <= F_YL2XP1; f++) {
		int binary = f == F_ATAN || f == F_YL2X || f == F_YL2XP1;
		for (size_t i = 0; i < ns; i++) {
			for (size_t j = 0; j < (binary ? ns : 1); j++) {
				struct f80 a = SPECIAL[i], b = SPECIAL[j], ro, rh;
				unsigned fo = ours(f, a, b, &ro), fh = host(f, a, b, &rh);
				int same_bits = (fo & FSW_C2) || (ro.mant == rh.mant && ro.sexp == rh.sexp);
				total++;
				if (same_bits && fo == fh)
					continue;
				bad++;
				enum why w = W_OTHER;
				if (!same_bits)
					w = W_RESULT;
				else if (!(fo & FSW_PE) && (fh & FSW_PE))
					w = W_PE_EXACT;
				else if ((fo ^ fh) == FSW_C1)
					w = W_C1;
				else if ((fo ^ fh) == FSW_DE)
					w = W_DE;
				count[f][w]++;
				if (w == W_PE_EXACT)
					continue;
				q128 ref = reference(f, a, b);
				printf("  %-11s a=%04x.%016" PRIx64, FN_NAME[f], a.sexp, a.mant);
				if (binary)
					printf(" b=%04x.%016" PRIx64, b.sexp, b.mant);
				printf(": ours %04x.%016" PRIx64 " sw %04x, host %04x.%016" PRIx64
				       " sw %04x", ro.sexp, ro.mant, fo, rh.sexp, rh.mant, fh);
				if (finite80(ro) && finite80(rh) && !isnanq(ref) && ref != 0) {
					q128 u = ulp_at(ref);
					printf("; error ours %+.3g host %+.3g ulp",
					       (double)((to_q(ro) - ref) / u), (double)((to_q(rh) - ref) / u));
				}
				printf("\n");
			}
		}
	}
	printf("%d of %d special cases differ from the host:\n", bad, total);
	for (int w = 0; w < W_N; w++) {
		int any = 0;
		for (int f = F_SIN; f <= F_YL2XP1; f++)
			any += count[f][w];
		if (!any)
			continue;
		printf("  %4d %s:", any, WHY_NAME[w]);
		for (int f = F_SIN; f <= F_YL2XP1; f++)
			if (count[f][w])
				printf(" %s %d", FN_NAME[f], count[f][w]);
		printf("\n");
	}
	return bad;
}

static void cpu_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "model name", 10) || !strncmp(line, "cpu family", 10) ||
		    !strncmp(line, "model\t", 6) || !strncmp(line, "vendor_id", 9))
			printf("%s", line);
		if (!strncmp(line, "stepping", 8)) {
			printf("%s", line);
			break;
		}
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? (uint64_t)strtoull(argv[1], 0, 0) : 100000;
	uint64_t seed = argc > 2 ? (uint64_t)strtoull(argv[2], 0, 0) : 1;
	rng_state = seed;
	cpu_model();
	printf("%" PRIu64 " random arguments per range, seed %" PRIu64 "; errors in ulps against a "
	       "113-bit reference (libquadmath)\n\n", n, seed);
	measure(n);
	specials();
	return 0;
}
