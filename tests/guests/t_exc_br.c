/* t_exc_br.c - BOUND (Intel SDM Vol. 2A): #BR (vector 5, a fault, no error code) when the
 * signed register is below the first bound or above the second, with 32- and 16-bit operands;
 * inside the bounds, ends included, nothing happens. Bounds that run past mem_size raise #PF.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

EXC_SNIPPET(br_bound32, ".byte 0x62, 0x03");        /* BOUND EAX, [EBX] */
EXC_SNIPPET(br_bound16, ".byte 0x66, 0x62, 0x03");  /* BOUND AX, [EBX] */
EXC_SNIPPET(br_bound32_disp, ".byte 0x62, 0x4b, 0x08"); /* BOUND ECX, [EBX + 8] */

/* {lower, upper} pairs: 32-bit [-5, 5] then [0x10, 0x7FFFFFFF]; 16-bit [-5, 5]. */
static const int32_t bounds32[4] = { -5, 5, 0x10, 0x7FFFFFFF };
static const int16_t bounds16[2] = { -5, 5 };

static struct exc_regs br_regs(uint32_t eax, uint32_t ecx, const void *ebx, uint32_t eflags)
{
	struct exc_regs r = exc_regs_fill(eflags);
	r.eax = eax;
	r.ecx = ecx;
	r.ebx = EXC_ADDR(ebx);
	return r;
}

static void br(const char *name, const char *code, const char *end, struct exc_regs in, uint32_t irq)
{
	struct exc_case c = {
		.name = name, .code = code, .skip = (uint32_t)(end - code), .in = in, .irq = irq,
		.vector = DVA_VEC_BR, .eip = EXC_ADDR(code),
	};
	exc_run(&c);
}

static void test_out_of_range(void)
{
	br("bound32_below", br_bound32, br_bound32_end,
	   br_regs((uint32_t)-6, 0, bounds32, EXC_FLAGS_ALL), 0);
	br("bound32_above", br_bound32, br_bound32_end, br_regs(6, 0, bounds32, EXC_FLAGS_NONE), 1);
	br("bound32_most_negative_below", br_bound32, br_bound32_end,
	   br_regs(0x80000000u, 0, bounds32, EXC_FLAGS_ALL), 0);
	/* Signed: 0x80000000 is below 0x10, not above 0x7FFFFFFF. */
	br("bound32_disp_signed_below", br_bound32_disp, br_bound32_disp_end,
	   br_regs(0, 0x80000000u, bounds32, EXC_FLAGS_ALL), 0);
	br("bound32_disp_below", br_bound32_disp, br_bound32_disp_end,
	   br_regs(0, 0x0F, bounds32, EXC_FLAGS_NONE), 0);
	/* 16-bit: only AX counts, compared with 16-bit signed bounds. */
	br("bound16_below", br_bound16, br_bound16_end,
	   br_regs(0x0000FFFAu, 0, bounds16, EXC_FLAGS_ALL), 0);
	br("bound16_above", br_bound16, br_bound16_end,
	   br_regs(0xFFFF0006u, 0, bounds16, EXC_FLAGS_ALL), 1);
	br("bound16_upper_half_ignored_above", br_bound16, br_bound16_end,
	   br_regs(0x80007FFFu, 0, bounds16, EXC_FLAGS_NONE), 0);
}

static void test_in_range(void)
{
	static const struct {
		const char *name;
		const char *code;
		uint32_t eax, ecx;
		const void *ebx;
	} rows[] = {
		{ "bound32_at_lower", br_bound32, (uint32_t)-5, 0, bounds32 },
		{ "bound32_at_upper", br_bound32, 5, 0, bounds32 },
		{ "bound32_zero", br_bound32, 0, 0, bounds32 },
		{ "bound32_disp_at_upper_max", br_bound32_disp, 0, 0x7FFFFFFF, bounds32 },
		{ "bound32_disp_at_lower", br_bound32_disp, 0, 0x10, bounds32 },
		{ "bound16_at_lower", br_bound16, 0x1234FFFBu, 0, bounds16 },
		{ "bound16_at_upper_high_half_ignored", br_bound16, 0x80000005u, 0, bounds16 },
	};

	char name[64];

	/* BOUND changes no flag: each row runs with every flag set, then with none. */
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct exc_regs r = br_regs(rows[i].eax, rows[i].ecx, rows[i].ebx, EXC_FLAGS_ALL);
		exc_run_none(rows[i].name, rows[i].code, &r, NULL, EXC_POPF_MASK);
		r.eflags = EXC_FLAGS_NONE;
		dva_snprintf(name, sizeof name, "%s_no_flags", rows[i].name);
		exc_run_none(name, rows[i].code, &r, NULL, EXC_POPF_MASK);
	}
}

/* The pair straddles the end of memory: the upper bound's first byte is mem_size. */
static void test_bounds_unreadable(void)
{
	uint32_t top = dva_page0.mem_size;
	struct exc_case c = {
		.name = "bound32_bounds_past_memory_pf", .code = br_bound32,
		.skip = EXC_LEN(br_bound32), .in = br_regs(0, 0, NULL, EXC_FLAGS_ALL),
		.vector = DVA_VEC_PF, .eip = EXC_ADDR(br_bound32), .error = DVA_PF_U,
		.fault_error = DVA_PF_U, .fault_addr = top,
	};

	c.in.ebx = top - 4;
	exc_run(&c);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	test_out_of_range();
	test_in_range();
	test_bounds_unreadable();
	return check_status();
}
