/* f80_host.c - the basic x87 operations run on the host's own x87, so results and flags are silicon's.
 *
 * Each operation loads the guest's control word into the host FPU (after FNCLEX, so nothing the
 * host had pending can fire), loads its operands with FLD m80 (which raises nothing, SDM Vol. 2
 * FLD), runs the one instruction, reads the status word with the non-waiting FNSTSW, clears the
 * flags with FNCLEX before anything could wait on them, and reads the results back under an
 * all-masked control word. An unmasked exception therefore never reaches the host as SIGFPE.
 *
 * The results are always popped twice more than needed would be harmless: popping an empty
 * register under the all-masked word stores the indefinite and sets flags that the final FNCLEX
 * clears, so an operation that an unmasked exception stopped early (pushing or popping less than
 * usual) still leaves the host stack empty, as the x86-64 and i386 ABIs require between calls.
 * The host's own control word is put back at the end.
 */
#include "cpu/f80.h"

#if F80_HAVE_HOST

#include <string.h>

/* One host run: operands in, results out, control and status words. struct f80 is laid out as
 * the 10 bytes FLD m80 reads (significand, then sign and exponent), padded to 16. */
struct x87_run {
	struct f80 in0, in1;     /* in0 ends up in ST(0), in1 in ST(1) */
	struct f80 out0, out1;   /* ST(0), ST(1) after the instruction */
	uint64_t mem;            /* a memory operand (m16/m32/m64 int or fp) */
	struct f80_bcd bcd;      /* FBSTP's destination */
	uint16_t gcw;            /* the guest's control word */
	uint16_t hcw;            /* the host's, restored at the end */
	uint16_t quiet;          /* 0x037F: everything masked, while results are read back */
	uint16_t sw;             /* status word right after the instruction */
};

/* Common prologue and epilogue; the instruction under test goes between them. Operands are
 * loaded by the instruction's own text (it knows how many it needs). */
#define X87_ENTER "fnclex\n\tfldcw %[gcw]\n\t" /* run_init has read the host's word */
#define X87_LEAVE "\n\tfnstsw %[sw]\n\tfnclex\n\tfldcw %[quiet]\n\t" \
	"fstpt %[out0]\n\tfstpt %[out1]\n\tfnclex\n\tfldcw %[hcw]"
#define X87_OPERANDS \
	: [out0] "=m"(x->out0), [out1] "=m"(x->out1), [sw] "=m"(x->sw), \
	  [mem] "+m"(x->mem), [bcd] "=m"(x->bcd) \
	: [in0] "m"(x->in0), [in1] "m"(x->in1), [gcw] "m"(x->gcw), [quiet] "m"(x->quiet), \
	  [hcw] "m"(x->hcw) \
	: "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"
/* Binary: in1 then in0 loaded, so ST(0) = a = in0, ST(1) = b = in1. */
#define X87_LOAD2 "fldt %[in1]\n\tfldt %[in0]\n\t"
#define X87_LOAD1 "fldt %[in0]\n\t"

static void run_init(struct x87_run *x, uint16_t cw, struct f80 a, struct f80 b)
{
	x->in0 = a;
	x->in1 = b;
	x->gcw = cw;
	x->quiet = 0x037F;
	x->mem = 0;
	__asm__ volatile("fnstcw %0" : "=m"(x->hcw));
}

/* The fast case: the guest's control word is the host's own and masks every exception, so
 * nothing can trap and no control word needs loading or restoring — one FNCLEX, the
 * instruction, the status word, the results. Otherwise the full sequence switches control
 * words around the instruction. Results are the same bits either way. */
#define X87_FAST_LEAVE "\n\tfnstsw %[sw]\n\tfstpt %[out0]\n\tfstpt %[out1]"
#define X87_RUN(x, body)                                                                      \
	do {                                                                                  \
		if ((x)->gcw == (x)->hcw && ((x)->gcw & 0x3F) == 0x3F)                              \
			__asm__ volatile("fnclex\n\t" body X87_FAST_LEAVE X87_OPERANDS);              \
		else                                                                          \
			__asm__ volatile(X87_ENTER body X87_LEAVE X87_OPERANDS);                    \
	} while (0)

/* Exception flags and C1 (rounded up) of an arithmetic instruction; C0, C2, C3 are undefined
 * there and the caller keeps the guest's. */
static unsigned arith_bits(const struct x87_run *x)
{
	return x->sw & (FSW_EXC | FSW_C1);
}

unsigned f80_host_add(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fadd %%st(1), %%st");
	*r = x->out0;
	return arith_bits(x);
}

unsigned f80_host_sub(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fsub %%st(1), %%st");
	*r = x->out0;
	return arith_bits(x);
}

unsigned f80_host_mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fmul %%st(1), %%st");
	*r = x->out0;
	return arith_bits(x);
}

unsigned f80_host_div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fdiv %%st(1), %%st");
	*r = x->out0;
	return arith_bits(x);
}

unsigned f80_host_sqrt(uint16_t cw, struct f80 a, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	X87_RUN(x, X87_LOAD1 "fsqrt");
	*r = x->out0;
	return arith_bits(x);
}

/* FPREM and FPREM1 define all four condition bits: C2 = incomplete, C0 C3 C1 = quotient bits
 * 2, 1, 0 (SDM Vol. 2, FPREM). */
unsigned f80_host_prem(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fprem");
	*r = x->out0;
	return x->sw & (FSW_EXC | FSW_CC);
}

unsigned f80_host_prem1(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fprem1");
	*r = x->out0;
	return x->sw & (FSW_EXC | FSW_CC);
}

unsigned f80_host_scale(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	X87_RUN(x, X87_LOAD2 "fscale");
	*r = x->out0;
	return arith_bits(x);
}

unsigned f80_host_xtract(uint16_t cw, struct f80 a, struct f80 *exp, struct f80 *sig)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	X87_RUN(x, X87_LOAD1 "fxtract");
	*sig = x->out0;
	*exp = x->out1;
	return arith_bits(x);
}

unsigned f80_host_rndint(uint16_t cw, struct f80 a, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	X87_RUN(x, X87_LOAD1 "frndint");
	*r = x->out0;
	return arith_bits(x);
}

/* FCOM/FUCOM ST(0), ST(1): C3 C2 C0 as the SDM's table; C1 is cleared. */
unsigned f80_host_cmp(uint16_t cw, struct f80 a, struct f80 b, bool quiet)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, b);
	if (quiet)
		X87_RUN(x, X87_LOAD2 "fucom %%st(1)");
	else
		X87_RUN(x, X87_LOAD2 "fcom %%st(1)");
	return x->sw & (FSW_EXC | FSW_C0 | FSW_C2 | FSW_C3);
}

unsigned f80_host_ld_f32(uint16_t cw, uint32_t v, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, (struct f80){ 0, 0 }, (struct f80){ 0, 0 });
	x->mem = v;
	X87_RUN(x, "flds %[mem]");
	*r = x->out0;
	return x->sw & FSW_EXC;
}

unsigned f80_host_ld_f64(uint16_t cw, uint64_t v, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, (struct f80){ 0, 0 }, (struct f80){ 0, 0 });
	x->mem = v;
	X87_RUN(x, "fldl %[mem]");
	*r = x->out0;
	return x->sw & FSW_EXC;
}

/* Stores use the non-popping FST where one exists, so the stack depth does not depend on
 * whether an unmasked exception stopped them. */
unsigned f80_host_st_f32(uint16_t cw, struct f80 a, uint32_t *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	X87_RUN(x, X87_LOAD1 "fsts %[mem]");
	*r = (uint32_t)x->mem;
	return arith_bits(x);
}

unsigned f80_host_st_f64(uint16_t cw, struct f80 a, uint64_t *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	X87_RUN(x, X87_LOAD1 "fstl %[mem]");
	*r = x->mem;
	return arith_bits(x);
}

unsigned f80_host_st_int(uint16_t cw, struct f80 a, unsigned size, uint64_t *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	if (size == 2)
		X87_RUN(x, X87_LOAD1 "fists %[mem]");
	else if (size == 4)
		X87_RUN(x, X87_LOAD1 "fistl %[mem]");
	else /* only a popping form exists for m64int; the extra pops are harmless */
		X87_RUN(x, X87_LOAD1 "fistpll %[mem]");
	*r = size == 8 ? x->mem : x->mem & ((1ull << (8 * size)) - 1);
	return arith_bits(x);
}

unsigned f80_host_st_bcd(uint16_t cw, struct f80 a, struct f80_bcd *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, a, a);
	X87_RUN(x, X87_LOAD1 "fbstp %[bcd]");
	*r = x->bcd;
	return arith_bits(x);
}

unsigned f80_host_ld_const(uint16_t cw, enum f80_const k, struct f80 *r)
{
	struct x87_run run, *x = &run;
	run_init(x, cw, (struct f80){ 0, 0 }, (struct f80){ 0, 0 });
	switch (k) {
	case K_ONE: X87_RUN(x, "fld1"); break;
	case K_L2T: X87_RUN(x, "fldl2t"); break;
	case K_L2E: X87_RUN(x, "fldl2e"); break;
	case K_PI: X87_RUN(x, "fldpi"); break;
	case K_LG2: X87_RUN(x, "fldlg2"); break;
	case K_LN2: X87_RUN(x, "fldln2"); break;
	case K_ZERO: X87_RUN(x, "fldz"); break;
	}
	*r = x->out0;
	return arith_bits(x);
}

#endif
