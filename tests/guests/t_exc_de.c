/* t_exc_de.c - #DE (vector 0, a fault with no error code): DIV and IDIV by zero at every width,
 * quotients too large for the destination, and AAM 0; the largest quotients that fit, and AAD 0,
 * do not fault (Intel SDM Vol. 2A: DIV, IDIV, AAM; DVA-1 section 5).
 *
 * Each case runs one instruction through exc_probe() with every register and flag chosen, and
 * checks the frame, page 0's fault fields, that the registers and flags are untouched, and that
 * IRET resumes after the instruction (the handler skips it).
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

EXC_SNIPPET(de_div32, "divl %ecx");
EXC_SNIPPET(de_div16, "divw %cx");
EXC_SNIPPET(de_div8, "divb %cl");
EXC_SNIPPET(de_div32_mem, "divl 4(%ebx)");
EXC_SNIPPET(de_idiv32, "idivl %ecx");
EXC_SNIPPET(de_idiv16, "idivw %cx");
EXC_SNIPPET(de_idiv8, "idivb %cl");
EXC_SNIPPET(de_idiv8_mem, "idivb (%ebx)");
EXC_SNIPPET(de_aam0, ".byte 0xd4, 0x00");
EXC_SNIPPET(de_aam10, ".byte 0xd4, 0x0a");
EXC_SNIPPET(de_aad0, ".byte 0xd5, 0x00");

/* Divisors in memory: a zero dword at offset 4, and an 8-bit -1. */
static const uint32_t zero_words[2] = { 0xFFFFFFFFu, 0 };
static const uint8_t minus_one = 0xFF;

/* A #DE at code (length end - code) with regs in and irq_enable irq. */
static void de(const char *name, const char *code, const char *end, struct exc_regs in, uint32_t irq)
{
	struct exc_case c = {
		.name = name, .code = code, .skip = (uint32_t)(end - code), .in = in, .irq = irq,
		.vector = DVA_VEC_DE, .eip = EXC_ADDR(code),
	};
	exc_run(&c);
}

/* Regs with EDX:EAX = dividend and ECX = divisor, the others distinct. */
static struct exc_regs div_regs(uint32_t edx, uint32_t eax, uint32_t ecx, uint32_t eflags)
{
	struct exc_regs r = exc_regs_fill(eflags);
	r.edx = edx;
	r.eax = eax;
	r.ecx = ecx;
	return r;
}

static void test_divide_by_zero(void)
{
	struct exc_regs r;

	de("div32_by_zero", de_div32, de_div32_end, div_regs(0, 0x12345678u, 0, EXC_FLAGS_ALL), 0);
	de("div32_by_zero_irq_on_no_flags", de_div32, de_div32_end,
	   div_regs(0, 0x12345678u, 0, EXC_FLAGS_NONE), 1);
	/* Only CX and CL count: the upper bits of ECX are not zero. */
	de("div16_by_zero", de_div16, de_div16_end, div_regs(0, 0x1234u, 0xABCD0000u, EXC_FLAGS_ALL), 0);
	de("div8_by_zero", de_div8, de_div8_end, div_regs(0, 0x1234u, 0x12345600u, EXC_FLAGS_NONE), 0);
	r = div_regs(0, 7, 0, EXC_FLAGS_ALL);
	r.ebx = EXC_ADDR(zero_words);
	de("div32_by_zero_in_memory", de_div32_mem, de_div32_mem_end, r, 0);
	de("idiv32_by_zero", de_idiv32, de_idiv32_end, div_regs(0, 1, 0, EXC_FLAGS_ALL), 0);
	de("idiv16_by_zero", de_idiv16, de_idiv16_end, div_regs(0, 1, 0xFFFF0000u, EXC_FLAGS_NONE), 0);
	de("idiv8_by_zero", de_idiv8, de_idiv8_end, div_regs(0, 1, 0xFFFFFF00u, EXC_FLAGS_ALL), 0);
}

static void test_quotient_overflow(void)
{
	struct exc_regs r;

	/* DIV: the quotient does not fit when the high half is >= the divisor. */
	de("div32_quotient_2_pow_32", de_div32, de_div32_end, div_regs(1, 0, 1, EXC_FLAGS_ALL), 0);
	de("div32_high_half_equals_divisor", de_div32, de_div32_end,
	   div_regs(5, 0xFFFFFFFFu, 5, EXC_FLAGS_NONE), 0);
	de("div16_quotient_65536", de_div16, de_div16_end,
	   div_regs(0xFFFF0001u, 0xFFFF0000u, 0x00000001u, EXC_FLAGS_ALL), 0);
	de("div8_quotient_256", de_div8, de_div8_end, div_regs(0, 0xFFFF0100u, 0x00000001u, EXC_FLAGS_ALL), 0);
	/* IDIV: signed quotients outside [-2^(n-1), 2^(n-1) - 1]. */
	de("idiv32_min_by_minus_one", de_idiv32, de_idiv32_end,
	   div_regs(0xFFFFFFFFu, 0x80000000u, 0xFFFFFFFFu, EXC_FLAGS_ALL), 0);
	de("idiv32_quotient_2_pow_31", de_idiv32, de_idiv32_end,
	   div_regs(0, 0x80000000u, 1, EXC_FLAGS_NONE), 0);
	de("idiv16_min_by_minus_one", de_idiv16, de_idiv16_end,
	   div_regs(0x0000FFFFu, 0x00008000u, 0x0000FFFFu, EXC_FLAGS_ALL), 0);
	de("idiv8_quotient_128", de_idiv8, de_idiv8_end, div_regs(0, 0x0080u, 1, EXC_FLAGS_ALL), 0);
	de("idiv8_quotient_minus_129", de_idiv8, de_idiv8_end, div_regs(0, 0xFF7Fu, 1, EXC_FLAGS_NONE), 1);
	r = div_regs(0, 0x8000u, 0, EXC_FLAGS_ALL);
	r.ebx = EXC_ADDR(&minus_one);
	de("idiv8_min_by_minus_one_in_memory", de_idiv8_mem, de_idiv8_mem_end, r, 0);
}

static void test_aam_zero(void)
{
	de("aam_0", de_aam0, de_aam0_end, div_regs(0, 0x1234u, 0, EXC_FLAGS_ALL), 0);
	de("aam_0_irq_on", de_aam0, de_aam0_end, div_regs(0, 0xFFu, 0, EXC_FLAGS_NONE), 1);
}

/* The edges that fit do not fault. DIV and IDIV leave all six status flags undefined, AAM and
 * AAD define SF, ZF and PF only; DF, AC and ID are untouched by all of them. */
static void test_no_fault(void)
{
	const uint32_t kept = EXC_FL_DF | 0x00240000u; /* DF, AC, ID */
	const uint32_t szp = 0x00C4u;                  /* SF, ZF, PF */
	struct exc_regs in, want;

	in = div_regs(0xFFFFFFFEu, 0xFFFFFFFFu, 0xFFFFFFFFu, EXC_FLAGS_ALL);
	want = in;
	want.eax = 0xFFFFFFFFu;
	want.edx = 0xFFFFFFFEu;
	exc_run_none("div32_largest_quotient_fits", de_div32, &in, &want, kept);

	in = div_regs(0xFFFFFFFFu, 0x80000000u, 1, EXC_FLAGS_ALL);
	want = in;
	want.eax = 0x80000000u;
	want.edx = 0;
	exc_run_none("idiv32_min_by_one_fits", de_idiv32, &in, &want, kept);

	in = div_regs(0x33333333u, 0x0000FF80u, 1, EXC_FLAGS_NONE);
	want = in;
	want.eax = 0x00000080u; /* AL = -128, AH = 0 */
	exc_run_none("idiv8_minus_128_fits", de_idiv8, &in, &want, kept);

	in = div_regs(0, 0x00000025u, 0, EXC_FLAGS_ALL);
	want = in;
	want.eax = 0x00000307u; /* 37 = 3 * 10 + 7; AL = 7: SF = ZF = PF = 0 */
	want.eflags = EXC_FLAGS_ALL & ~szp;
	exc_run_none("aam_10_does_not_fault", de_aam10, &in, &want, kept | szp);

	in = div_regs(0, 0x00000507u, 0, EXC_FLAGS_ALL);
	want = in;
	want.eax = 0x00000007u; /* AL = 7 + 5 * 0, AH = 0 */
	want.eflags = EXC_FLAGS_ALL & ~szp;
	exc_run_none("aad_0_does_not_fault", de_aad0, &in, &want, kept | szp);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	test_divide_by_zero();
	test_quotient_overflow();
	test_aam_zero();
	test_no_fault();
	return check_status();
}
