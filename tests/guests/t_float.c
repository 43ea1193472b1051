/* t_float.c - C float, double and long double on the guest's x87, printed and compared with the host's.
 *
 * Prints, one line per check: arithmetic on float, double and long double over a table of edge
 * values (zeros of both signs, denormals, the range limits, infinities, NaNs, values whose sums
 * and quotients round), conversions to and from int, long long and unsigned, comparisons with NaN
 * and signed zeros, arithmetic and FRNDINT/FIST in each rounding mode set through the control word
 * (FLDCW), the precision control, FPREM and FPREM1 as fmod and remainder, FSQRT, and the
 * exception flags each operation raises (FNSTSW). expect/t_float.out is NOT written by hand: it is
 * this file built natively with gcc -m32 for the host's x87 and run there
 * (sh tests/guests/libc_expect.sh t_float), so the guest passes only where its answers are the
 * host CPU's, bit for bit.
 *
 * Portable between the two builds: operands are volatile (so gcc computes at run time, in the
 * mode set, rather than folding in round-to-nearest); results are printed only after the
 * control word is back to round-to-nearest (glibc's printf honours the rounding mode, guestos's
 * does not); long doubles are printed as their 80 bits and rounded to double, since guestos
 * prints a long double through a double; no libm (guestos has none).
 */
#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Control word fields (Intel SDM Vol. 1, 8.1.5). */
#define CW_DEFAULT 0x037F
#define RC_NEAREST 0x000
#define RC_DOWN 0x400
#define RC_UP 0x800
#define RC_ZERO 0xC00
#define PC_24 0x000
#define PC_53 0x200
#define PC_64 0x300

static void set_cw(uint16_t cw)
{
	__asm__ volatile("fldcw %0" : : "m"(cw));
}

static uint16_t get_cw(void)
{
	uint16_t cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	return cw;
}

static uint16_t get_sw(void)
{
	uint16_t sw;
	__asm__ volatile("fnstsw %0" : "=m"(sw));
	return sw;
}

static void clear_ex(void)
{
	__asm__ volatile("fnclex");
}

static uint32_t fbits(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static uint64_t dbits(double d)
{
	uint64_t b;
	memcpy(&b, &d, 8);
	return b;
}

/* A long double as its sign and exponent, then its significand, in hex. */
static void put_ld(long double x)
{
	unsigned char b[10];
	uint16_t se;
	uint64_t m;
	memcpy(b, &x, 10);
	memcpy(&m, b, 8);
	memcpy(&se, b + 8, 2);
	printf("%04x:%08lx%08lx", se, (unsigned long)(m >> 32), (unsigned long)(m & 0xFFFFFFFFu));
}

static const double dvals[] = {
	0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, -2.5, 3.0, 1e-310, -4.9406564584124654e-324,
	2.2250738585072014e-308, 1.7976931348623157e308, 1e16, 9007199254740993.0, 0.5, 1.5,
	1e300, 1e-300,
};

/* an infinity and a NaN made at run time */
static volatile double vzero = 0.0, vone = 1.0;

static void arith_double(void)
{
	volatile double inf = vone / vzero, nan = vzero / vzero;
	double vals[COUNT(dvals) + 3];
	size_t n = 0;
	for (size_t i = 0; i < COUNT(dvals); i++)
		vals[n++] = dvals[i];
	vals[n++] = inf;
	vals[n++] = -inf;
	vals[n++] = nan;
	printf("-- double arithmetic: a b | a+b a-b a*b a/b\n");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j += 3) {
			volatile double a = vals[i], b = vals[(j + i) % n];
			double s = a + b, d = a - b, p = a * b, q = a / b;
			printf("%.17g %.17g | %.17g %.17g %.17g %.17g\n", a, b, s, d, p, q);
		}
}

static const float fvals[] = {
	0.0f, -0.0f, 1.0f, 0.1f, 3.0f, -7.25f, 1e-40f, 1.17549435e-38f, 3.40282347e38f, 16777217.0f,
	1e20f, 0.333333343f,
};

static void arith_float(void)
{
	printf("-- float arithmetic: a b | a+b a-b a*b a/b (bits)\n");
	for (size_t i = 0; i < COUNT(fvals); i++)
		for (size_t j = 0; j < COUNT(fvals); j += 2) {
			volatile float a = fvals[i], b = fvals[(i + j) % COUNT(fvals)];
			volatile float s = a + b, d = a - b, p = a * b, q = a / b;
			printf("%.9g %.9g | %08lx %08lx %08lx %08lx\n", (double)a, (double)b,
			       (unsigned long)fbits(s), (unsigned long)fbits(d), (unsigned long)fbits(p),
			       (unsigned long)fbits(q));
		}
}

static void arith_long_double(void)
{
	static const long double lvals[] = {
		0.0L, -0.0L, 1.0L, 1.0L / 3, -2.5L, LDBL_EPSILON, LDBL_MIN, LDBL_MAX, 3.6451995318824746025e-4951L,
		1e4000L, 12345678901234567890.0L, 0.1L,
	};
	printf("-- long double arithmetic: a b | a+b a*b a/b\n");
	for (size_t i = 0; i < COUNT(lvals); i++)
		for (size_t j = 0; j < COUNT(lvals); j += 3) {
			volatile long double a = lvals[i], b = lvals[(i + j) % COUNT(lvals)];
			volatile long double s = a + b, p = a * b, q = a / b;
			put_ld(a);
			printf(" ");
			put_ld(b);
			printf(" | ");
			put_ld(s);
			printf(" ");
			put_ld(p);
			printf(" ");
			put_ld(q);
			printf(" %.17g\n", (double)q);
		}
	volatile long double one = 1.0L, eps = LDBL_EPSILON;
	volatile long double up = one + eps, same = one + eps / 2, tie = one + eps / 2 + eps / 4;
	printf("1+eps ");
	put_ld(up);
	printf(" 1+eps/2 ");
	put_ld(same);
	printf(" 1+3eps/4 ");
	put_ld(tie);
	printf("\n");
}

static void conversions(void)
{
	static const double cv[] = {
		0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 2147483647.0, -2147483648.0, 2147483647.9,
		-2147483648.9, 4294967295.0, 9007199254740993.0, -9.2233720368547758e18, 123456.789, -1e-300,
	};
	printf("-- conversions: d | (int) (long long) (unsigned) (float)\n");
	for (size_t i = 0; i < COUNT(cv); i++) {
		volatile double d = cv[i];
		int in = d > -2147483649.0 && d < 2147483648.0 ? (int)d : 0;
		long long ll = (long long)d;
		unsigned u = d > -1.0 && d < 4294967296.0 ? (unsigned)d : 0;
		volatile float f = (float)d;
		printf("%.17g | %d %lld %u %.9g\n", d, in, ll, u, (double)f);
	}
	static const long long li[] = {
		0, 1, -1, 16777217, -16777217, 9007199254740993LL, LLONG_MAX, LLONG_MIN, 1LL << 53,
		(1LL << 62) + 1,
	};
	printf("-- from long long: v | (double) (float) (long double)\n");
	for (size_t i = 0; i < COUNT(li); i++) {
		volatile long long v = li[i];
		volatile double d = (double)v;
		volatile float f = (float)v;
		volatile long double l = (long double)v;
		printf("%lld | %.17g %.9g ", v, d, (double)f);
		put_ld(l);
		printf("\n");
	}
	static const unsigned ui[] = { 0, 1, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 16777217 };
	printf("-- from unsigned: v | (double) (float)\n");
	for (size_t i = 0; i < COUNT(ui); i++) {
		volatile unsigned v = ui[i];
		volatile double d = v;
		volatile float f = (float)v;
		printf("%u | %.17g %.9g\n", v, d, (double)f);
	}
	static const int ii[] = { 0, -1, INT_MAX, INT_MIN, 16777217, -16777219 };
	printf("-- from int: v | (double) (float)\n");
	for (size_t i = 0; i < COUNT(ii); i++) {
		volatile int v = ii[i];
		volatile double d = v;
		volatile float f = (float)v;
		printf("%d | %.17g %.9g\n", v, d, (double)f);
	}
}

static void compare_nan(void)
{
	volatile double nan = vzero / vzero, inf = vone / vzero, one = 1.0, pz = 0.0, nz = -0.0;
	struct {
		const char *name;
		volatile double *a, *b;
	} pairs[] = {
		{ "nan,nan", &nan, &nan }, { "nan,1", &nan, &one }, { "1,nan", &one, &nan },
		{ "0,-0", &pz, &nz }, { "inf,1", &inf, &one }, { "1,1", &one, &one }, { "inf,nan", &inf, &nan },
	};
	printf("-- comparisons: a,b | == != < <= > >=\n");
	for (size_t i = 0; i < COUNT(pairs); i++) {
		double a = *pairs[i].a, b = *pairs[i].b;
		printf("%s | %d %d %d %d %d %d\n", pairs[i].name, a == b, a != b, a < b, a <= b, a > b, a >= b);
	}
	volatile float fn = (float)nan, f1 = 1.0f;
	printf("float nan | %d %d %d\n", fn == fn, fn < f1, fn >= f1);
	volatile long double ln = nan, l1 = 1.0L;
	printf("long double nan | %d %d %d\n", ln == ln, ln > l1, ln <= l1);
}

/* FRNDINT and FISTP under the current rounding mode. */
static long double frndint(long double x)
{
	__asm__("frndint" : "+t"(x));
	return x;
}

static long long fistp64(long double x)
{
	long long v;
	__asm__ volatile("fistpll %0" : "=m"(v) : "t"(x) : "st");
	return v;
}

static void rounding_modes(void)
{
	static const struct {
		const char *name;
		uint16_t rc;
	} modes[] = {
		{ "nearest", RC_NEAREST }, { "down", RC_DOWN }, { "up", RC_UP }, { "zero", RC_ZERO },
	};
	static const double xs[] = { 2.5, -2.5, 3.5, 0.4999999999999999, -1.5, 1e-320, 1.7976931348623157e308 };
	printf("-- rounding modes: mode x | 1/3 -1/3 (float)2/3 x*3 rint(x) fistp(x) x*x\n");
	for (size_t m = 0; m < COUNT(modes); m++)
		for (size_t i = 0; i < COUNT(xs); i++) {
			volatile double one = 1.0, three = 3.0, two = 2.0, x = xs[i];
			volatile double third, mthird, x3, sq;
			volatile float f23;
			volatile long double r;
			volatile long long li;
			set_cw(CW_DEFAULT | modes[m].rc);
			third = one / three;
			mthird = -one / three;
			f23 = (float)(two / three);
			x3 = x * three;
			r = frndint(x);
			li = x < 9e18 ? fistp64(x) : 0;
			sq = x * x;
			set_cw(CW_DEFAULT);
			printf("%s %.17g | %.17g %.17g %.9g %.17g %.17g %lld %.17g\n", modes[m].name, x, third, mthird,
			       (double)f23, x3, (double)r, li, sq);
		}
}

static void precision_control(void)
{
	static const struct {
		const char *name;
		uint16_t pc;
	} pcs[] = { { "24", PC_24 }, { "53", PC_53 }, { "64", PC_64 } };
	printf("-- precision control: pc | 1/3 2/3+1e-30 sqrt(2) (long double bits)\n");
	for (size_t p = 0; p < COUNT(pcs); p++) {
		volatile long double one = 1.0L, three = 3.0L, two = 2.0L, tiny = 1e-30L;
		volatile long double a, b, c;
		set_cw((CW_DEFAULT & ~PC_64) | pcs[p].pc);
		a = one / three;
		b = two / three + tiny;
		long double s = two;
		__asm__("fsqrt" : "+t"(s));
		c = s;
		set_cw(CW_DEFAULT);
		printf("%s | ", pcs[p].name);
		put_ld(a);
		printf(" ");
		put_ld(b);
		printf(" ");
		put_ld(c);
		printf("\n");
	}
}

/* fmod and remainder by FPREM and FPREM1, looping while C2 says the reduction is partial. */
static long double fprem(long double x, long double y, int one, uint16_t *sw)
{
	uint16_t s;
	do {
		if (one)
			__asm__("fprem1\n\tfnstsw %0" : "=a"(s), "+t"(x) : "u"(y));
		else
			__asm__("fprem\n\tfnstsw %0" : "=a"(s), "+t"(x) : "u"(y));
	} while (s & 0x400);
	*sw = s;
	return x;
}

/* The quotient bits an FPREM left: "(C0 C3 C1)", or "(- - -)" after an invalid operation, where
 * the SDM defines none of them (and what they hold is whatever code ran before: the two
 * printfs differ there). */
static void put_q(uint16_t sw, uint16_t ex)
{
	if (ex & 1)
		printf("(- - -)");
	else
		printf("(%d %d %d)", !!(sw & 0x100), !!(sw & 0x4000), !!(sw & 0x200));
}

static void remainders(void)
{
	static const double pairs[][2] = {
		{ 5.5, 2.0 }, { -5.5, 2.0 }, { 7.0, -2.0 }, { 1e300, 3.0 }, { 10.0, 2.5 }, { 0.0, 1.0 },
		{ -0.0, 1.0 }, { 1.0, 1e-300 }, { 3.0, 0.0 }, { 2.5, 1.0 }, { 3.5, 1.0 },
	};
	printf("-- fprem/fprem1: x y | fmod (C0 C3 C1) flags remainder (C0 C3 C1) flags\n");
	for (size_t i = 0; i < COUNT(pairs); i++) {
		volatile long double x = pairs[i][0], y = pairs[i][1];
		uint16_t sw1, sw2, ex1, ex2;
		clear_ex();
		volatile long double r1 = fprem(x, y, 0, &sw1);
		ex1 = get_sw() & 0x3F;
		clear_ex();
		volatile long double r2 = fprem(x, y, 1, &sw2);
		ex2 = get_sw() & 0x3F;
		printf("%.17g %.17g | %.17g ", (double)x, (double)y, (double)r1);
		put_q(sw1, ex1);
		printf(" %02x %.17g ", ex1, (double)r2);
		put_q(sw2, ex2);
		printf(" %02x\n", ex2);
	}
}

/* The exception flags a few operations raise, masked as C runs them (FCW 0x037F). */
static void exception_flags(void)
{
	volatile double one = 1.0, zero = 0.0, big = 1e308, small = 1e-308, three = 3.0, m1 = -1.0;
	volatile double r;
	volatile float fr;
	printf("-- exception flags (IE DE ZE OE UE PE = 01 02 04 08 10 20)\n");
	clear_ex();
	r = one / zero;
	printf("1/0 %02x\n", get_sw() & 0x3F);
	clear_ex();
	r = zero / zero;
	printf("0/0 %02x\n", get_sw() & 0x3F);
	clear_ex();
	r = big * big;
	printf("big*big %02x %.17g\n", get_sw() & 0x3F, r);
	clear_ex();
	r = small * small;
	printf("small*small %02x %.17g\n", get_sw() & 0x3F, r);
	clear_ex();
	r = one / three;
	printf("1/3 %02x\n", get_sw() & 0x3F);
	clear_ex();
	fr = (float)big;
	printf("(float)1e308 %02x %08lx\n", get_sw() & 0x3F, (unsigned long)fbits(fr));
	clear_ex();
	long double s = m1;
	__asm__("fsqrt" : "+t"(s));
	r = (double)s;
	printf("sqrt(-1) %02x %016llx\n", get_sw() & 0x3F, (unsigned long long)dbits(r));
	clear_ex();
	volatile double den = 1e-310;
	r = den + one;
	printf("1e-310+1 %02x\n", get_sw() & 0x3F);
	clear_ex();
}

int main(void)
{
	printf("t_float: initial control word %04x\n", get_cw());
	arith_double();
	arith_float();
	arith_long_double();
	conversions();
	compare_nan();
	rounding_modes();
	precision_control();
	remainders();
	exception_flags();
	printf("t_float: control word at the end %04x\n", get_cw());
	return 0;
}
