/* test_fpu_transc.c - the x87 transcendental handlers: stack, tags, C1/C2, stack faults, #MF, FIP/FOP.
 *
 * The functions' values are tested in test_transc.c; these rows test what the handlers in
 * cpu/fpu_transc_ops.c do around them: which register gets the result, whether TOP moves,
 * which register is tagged empty, C1 and C2, the masked and unmasked responses to stack
 * underflow, stack overflow and invalid operands, #MF for an exception pending from an earlier
 * instruction, and FIP/FOP.
 *
 * vectors: ftransc (the handlers; test_transc.c has the values and the SDM ranges)
 *
 * Expected values follow the Intel SDM Vol. 2 pages for FSIN, FCOS, FSINCOS, FPTAN, FPATAN,
 * F2XM1, FYL2X and FYL2XP1 and Vol. 1 8.5.1.1 (stack faults); where the SDM is silent (the
 * masked response of FSINCOS/FPTAN to a stack fault, FPTAN of a NaN) they are what the host x87
 * (an AMD EPYC) does with the same bytes, and every row but the #MF ones was also run natively
 * on it. Results are compared only where they are exact (zeros, 1.0, NaNs, the indefinite, the
 * operand left unchanged), since ours are correctly rounded and the host's may differ in the
 * last bit (docs/transcendentals.md).
 *
 * A row sets the FPU up with instructions, runs the one under test, then SHOW: FNSTENV [ebx-4]
 * puts FSW, the full tag word, FIP and FOP into the row's memory words m[0..3] (EBX points at
 * them), and two FSTP m80 bring ST(0) into EDX:EAX (significand) and CX (sign and exponent)
 * and ST(1) into EDI:ESI and BP. An empty register reads back as the real indefinite (FNSTENV
 * masked every exception), its tag says it is empty.
 */
#include "tests/unit/harness.h"

#include <stdbool.h>
#include <stdio.h>

#include "cpu/fpu.h"

/* ---- instruction bytes --------------------------------------------------------------------- */

#define FLD1 "d9 e8 "
#define FLDZ "d9 ee "
#define FLDL2T "d9 e9 "    /* log2(10) = 4000:d49a784bcd1b8afe, a positive valid y */
#define FCHS "d9 e0 "
#define FINCSTP "d9 f7 "
#define FDECSTP "d9 f6 "
#define FLD_M80 "db 2b "   /* fld tword [ebx]: the value in m[0..2] */
#define FLDCW_M3 "d9 6b 0c " /* fldcw [ebx+12]: the control word in m[3] */
/* Set C1 and nothing else: pushfd; fnstenv [ebx-4]; or byte [ebx+1], 2 (FSW bit 9);
 * fldenv [ebx-4]; popfd (the OR's flags do not leak into the row's EFLAGS). */
#define SET_C1 "9c d9 73 fc 80 4b 01 02 d9 63 fc 9d "
#define SET_C1_N 5
#define SET_C1_LEN 12

#define FSIN "d9 fe"
#define FCOS "d9 ff"
#define FSINCOS "d9 fb"
#define FPTAN "d9 f2"
#define FPATAN "d9 f3"
#define F2XM1 "d9 f0"
#define FYL2X "d9 f1"
#define FYL2XP1 "d9 f9"

/* FOP: the low 3 bits of the first opcode byte, then the ModR/M byte (SDM Vol. 1, 8.1.9). */
enum {
	FOP_FSIN = 0x1FE, FOP_FCOS = 0x1FF, FOP_FSINCOS = 0x1FB, FOP_FPTAN = 0x1F2,
	FOP_FPATAN = 0x1F3, FOP_F2XM1 = 0x1F0, FOP_FYL2X = 0x1F1, FOP_FYL2XP1 = 0x1F9,
};

/* fnstenv [ebx-4]; fstp tword [ebx+0x10]; mov eax, [ebx+0x10]; mov edx, [ebx+0x14];
 * movzx ecx, word [ebx+0x18]; fstp tword [ebx+0x10]; mov esi, [ebx+0x10];
 * mov edi, [ebx+0x14]; movzx ebp, word [ebx+0x18]. */
#define SHOW " d9 73 fc db 7b 10 8b 43 10 8b 53 14 0f b7 4b 18" \
	" db 7b 10 8b 73 10 8b 7b 14 0f b7 6b 18"
#define SHOW_N 9

/* ---- values (sign and exponent, significand) ------------------------------------------------ */

#define V_PZ 0x0000, 0ull
#define V_NZ 0x8000, 0ull
#define V_P1 0x3FFF, 0x8000000000000000ull
#define V_L2T 0x4000, 0xD49A784BCD1B8AFEull
#define V_P2_63 0x403E, 0x8000000000000000ull
#define V_N2_63 0xC03E, 0x8000000000000000ull
#define V_PINF 0x7FFF, 0x8000000000000000ull
#define V_NINF 0xFFFF, 0x8000000000000000ull
#define V_INDEF 0xFFFF, 0xC000000000000000ull  /* the real indefinite */
#define V_EMPTY V_INDEF                        /* how an empty register reads back */
#define V_QNAN 0xFFFF, 0xC000000000000005ull
#define V_SNAN 0x7FFF, 0x8000000000000001ull
#define V_SNAN_Q 0x7FFF, 0xC000000000000001ull /* V_SNAN quieted */

/* Macros taking values go through a second macro so each V_ pair becomes two arguments. */
#define M80_(se, m) (uint32_t)(m), (uint32_t)((m) >> 32), (se)
#define M80(...) M80_(__VA_ARGS__)
/* An m80 operand in m[0..2] and a control word in m[3]. */
#define MEM(cw, ...) { M80(__VA_ARGS__), (cw) }

/* The registers SHOW leaves: ST(0) in EDX:EAX and CX, ST(1) in EDI:ESI and BP. */
#define REGS_(se0, m0, se1, m1)                                                          \
	{ (uint32_t)(m0), (se0), (uint32_t)((m0) >> 32), TVM_DATA, 0, (se1), (uint32_t)(m1), \
	  (uint32_t)((m1) >> 32) }
#define REGS(...) REGS_(__VA_ARGS__)
#define IN_REGS { [REG_EBX] = TVM_DATA }

/* The memory words SHOW leaves: FSW, the full tag word (both with the reserved upper half
 * 0xFFFF), FIP = the instruction at byte offset off of the code, FOP in bits 16-26 (FCS 0). */
#define ENV(fsw, ftw, off, fop) \
	{ 0xFFFF0000u | (fsw), 0xFFFF0000u | (ftw), TVM_CODE + (off), (uint32_t)(fop) << 16 }

/* Full tags (SDM Vol. 1, 8.1.7) of R7 and R6; R0-R5 empty. */
enum { T_VALID = 0, T_ZERO = 1, T_SPECIAL = 2, T_EMPTY = 3 };
#define TAGS(r7, r6) ((r7) << 14 | (r6) << 12 | 0x0FFF)

/* Status words with TOP = 7, 6, 0 and 1. */
#define TOP7 0x3800
#define TOP6 0x3000
#define TOP0 0x0000
#define TOP1 0x0800
#define ES_B (FSW_ES | FSW_B)
#define STACKF (FSW_IE | FSW_SF) /* stack fault; C1 tells overflow (1) from underflow (0) */

/* Masks: all (the FNINIT value), IE unmasked, ZE unmasked. */
#define CW_ALL 0x037F
#define CW_IE 0x037E
#define CW_ZE 0x037B

/* ---- FSIN, FCOS, F2XM1: ST(0) replaced ------------------------------------------------------ */

static void test_fsin(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fsin of +0 leaves +0 in ST(0), TOP unchanged, no exception",
		  .code = FLDZ FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 2, FOP_FSIN),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fsin of -0 gives -0",
		  .code = FLDZ FCHS FSIN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4, FOP_FSIN),
		  .want_r = REGS(V_NZ, V_EMPTY) },
		{ .name = "fsin of +0 clears a C1 left set",
		  .code = FLDZ SET_C1 FSIN SHOW, .insns = 2 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 2 + SET_C1_LEN, FOP_FSIN),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fsin of 2^63 sets C2 and leaves ST(0) unchanged",
		  .code = FLD_M80 FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_P2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FSIN),
		  .want_r = REGS(V_P2_63, V_EMPTY) },
		{ .name = "fsin of -2^63 sets C2 and leaves ST(0) unchanged",
		  .code = FLD_M80 FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_N2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FSIN),
		  .want_r = REGS(V_N2_63, V_EMPTY) },
		{ .name = "fsin in range clears the C2 an out-of-range fsin left",
		  .code = FLD_M80 FSIN FLDZ FSIN SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_P2_63),
		  .want_m = ENV(TOP6, TAGS(T_VALID, T_ZERO), 6, FOP_FSIN),
		  .want_r = REGS(V_PZ, V_P2_63) },
		{ .name = "fsin of an SNaN gives it quieted and raises IE",
		  .code = FLD_M80 FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_SNAN),
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 2, FOP_FSIN),
		  .want_r = REGS(V_SNAN_Q, V_EMPTY) },
		{ .name = "fsin of a QNaN gives it back without an exception",
		  .code = FLD_M80 FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_QNAN),
		  .want_m = ENV(TOP7, TAGS(T_SPECIAL, T_EMPTY), 2, FOP_FSIN),
		  .want_r = REGS(V_QNAN, V_EMPTY) },
		{ .name = "fsin of +infinity is invalid: IE and the real indefinite",
		  .code = FLD_M80 FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_PINF),
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 2, FOP_FSIN),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
		{ .name = "fsin on an empty stack is a stack underflow: IE SF, C1 cleared, the indefinite in ST(0)",
		  .code = SET_C1 FSIN SHOW, .insns = SET_C1_N + 1 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP0 | STACKF, 0xFFFE, SET_C1_LEN, FOP_FSIN),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
		{ .name = "fsin on an empty stack with IE unmasked writes nothing and leaves IE pending",
		  .code = FLDCW_M3 FSIN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = { 0, 0, 0, CW_IE },
		  .want_m = ENV(TOP0 | STACKF | ES_B, 0xFFFF, 3, FOP_FSIN),
		  .want_r = REGS(V_EMPTY, V_EMPTY) },
		{ .name = "fsin of an SNaN with IE unmasked leaves the SNaN in ST(0) and IE pending",
		  .code = FLDCW_M3 FLD_M80 FSIN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .m = MEM(CW_IE, V_SNAN),
		  .want_m = ENV(TOP7 | FSW_IE | ES_B, TAGS(T_SPECIAL, T_EMPTY), 5, FOP_FSIN),
		  .want_r = REGS(V_SNAN, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

static void test_fcos(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fcos of +0 gives exactly +1 in ST(0), TOP unchanged",
		  .code = FLDZ FCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_VALID, T_EMPTY), 2, FOP_FCOS),
		  .want_r = REGS(V_P1, V_EMPTY) },
		{ .name = "fcos of -0 gives +1",
		  .code = FLDZ FCHS FCOS SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_VALID, T_EMPTY), 4, FOP_FCOS),
		  .want_r = REGS(V_P1, V_EMPTY) },
		{ .name = "fcos of 2^63 sets C2 and leaves ST(0) unchanged",
		  .code = FLD_M80 FCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_P2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FCOS),
		  .want_r = REGS(V_P2_63, V_EMPTY) },
		{ .name = "fcos of an SNaN gives it quieted and raises IE",
		  .code = FLD_M80 FCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_SNAN),
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 2, FOP_FCOS),
		  .want_r = REGS(V_SNAN_Q, V_EMPTY) },
		{ .name = "fcos of -infinity is invalid: IE and the real indefinite",
		  .code = FLD_M80 FCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_NINF),
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 2, FOP_FCOS),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
		{ .name = "fcos on an empty stack is a stack underflow: IE SF, C1 cleared, the indefinite in ST(0)",
		  .code = SET_C1 FCOS SHOW, .insns = SET_C1_N + 1 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP0 | STACKF, 0xFFFE, SET_C1_LEN, FOP_FCOS),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

static void test_f2xm1(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "f2xm1 of +0 gives +0 in ST(0), TOP unchanged",
		  .code = FLDZ F2XM1 SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 2, FOP_F2XM1),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "f2xm1 of -0 gives -0",
		  .code = FLDZ FCHS F2XM1 SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4, FOP_F2XM1),
		  .want_r = REGS(V_NZ, V_EMPTY) },
		{ .name = "f2xm1 of +0 clears a C1 left set",
		  .code = FLDZ SET_C1 F2XM1 SHOW, .insns = 2 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 2 + SET_C1_LEN, FOP_F2XM1),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "f2xm1 leaves the C2 an out-of-range fsin set (the SDM: undefined; as the host)",
		  .code = FLD_M80 FSIN FLDZ F2XM1 SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_P2_63),
		  .want_m = ENV(TOP6 | FSW_C2, TAGS(T_VALID, T_ZERO), 6, FOP_F2XM1),
		  .want_r = REGS(V_PZ, V_P2_63) },
		{ .name = "f2xm1 of an SNaN gives it quieted and raises IE",
		  .code = FLD_M80 F2XM1 SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_SNAN),
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 2, FOP_F2XM1),
		  .want_r = REGS(V_SNAN_Q, V_EMPTY) },
		{ .name = "f2xm1 on an empty stack is a stack underflow: IE SF, C1 cleared, the indefinite in ST(0)",
		  .code = SET_C1 F2XM1 SHOW, .insns = SET_C1_N + 1 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP0 | STACKF, 0xFFFE, SET_C1_LEN, FOP_F2XM1),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

/* ---- FSINCOS, FPTAN: ST(0) replaced, then a push ------------------------------------------ */

static void test_fsincos(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fsincos of +0 pushes: ST(0) = cos = +1, ST(1) = sin = +0, TOP decremented",
		  .code = FLDZ FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6, TAGS(T_ZERO, T_VALID), 2, FOP_FSINCOS),
		  .want_r = REGS(V_P1, V_PZ) },
		{ .name = "fsincos of -0 gives ST(0) = +1 and ST(1) = -0",
		  .code = FLDZ FCHS FSINCOS SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6, TAGS(T_ZERO, T_VALID), 4, FOP_FSINCOS),
		  .want_r = REGS(V_P1, V_NZ) },
		{ .name = "fsincos of +0 clears a C1 left set",
		  .code = FLDZ SET_C1 FSINCOS SHOW, .insns = 2 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6, TAGS(T_ZERO, T_VALID), 2 + SET_C1_LEN, FOP_FSINCOS),
		  .want_r = REGS(V_P1, V_PZ) },
		{ .name = "fsincos of 2^63 sets C2, pushes nothing and leaves ST(0) unchanged",
		  .code = FLD_M80 FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_P2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FSINCOS),
		  .want_r = REGS(V_P2_63, V_EMPTY) },
		{ .name = "fsincos of -2^63 sets C2 and pushes nothing",
		  .code = FLD_M80 FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_N2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FSINCOS),
		  .want_r = REGS(V_N2_63, V_EMPTY) },
		{ .name = "fsincos of a QNaN pushes and leaves the NaN in ST(0) and ST(1)",
		  .code = FLD_M80 FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_QNAN),
		  .want_m = ENV(TOP6, TAGS(T_SPECIAL, T_SPECIAL), 2, FOP_FSINCOS),
		  .want_r = REGS(V_QNAN, V_QNAN) },
		{ .name = "fsincos of an SNaN raises IE and leaves it quieted in ST(0) and ST(1)",
		  .code = FLD_M80 FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_SNAN),
		  .want_m = ENV(TOP6 | FSW_IE, TAGS(T_SPECIAL, T_SPECIAL), 2, FOP_FSINCOS),
		  .want_r = REGS(V_SNAN_Q, V_SNAN_Q) },
		{ .name = "fsincos of +infinity is invalid: IE and the indefinite in ST(0) and ST(1)",
		  .code = FLD_M80 FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_PINF),
		  .want_m = ENV(TOP6 | FSW_IE, TAGS(T_SPECIAL, T_SPECIAL), 2, FOP_FSINCOS),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fsincos on an empty stack is a stack underflow: IE SF, C1 cleared, the indefinite pushed over the indefinite",
		  .code = SET_C1 FSINCOS SHOW, .insns = SET_C1_N + 1 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | STACKF, 0xBFFE, SET_C1_LEN, FOP_FSINCOS),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fsincos with ST(0) empty and ST(7) in use is a stack underflow, not an overflow: C1 cleared",
		  .code = FLD1 FINCSTP FSINCOS SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | STACKF, 0xBFFE, 4, FOP_FSINCOS),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fsincos with ST(7) in use is a stack overflow: IE SF C1, the indefinite pushed over the indefinite",
		  .code = FLD1 FLD1 FINCSTP FSINCOS SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6 | STACKF | FSW_C1, TAGS(T_SPECIAL, T_SPECIAL), 6, FOP_FSINCOS),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fsincos on an empty stack with IE unmasked pushes nothing and leaves IE pending",
		  .code = FLDCW_M3 FSINCOS SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = { 0, 0, 0, CW_IE },
		  .want_m = ENV(TOP0 | STACKF | ES_B, 0xFFFF, 3, FOP_FSINCOS),
		  .want_r = REGS(V_EMPTY, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

static void test_fptan(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fptan of +0 pushes 1.0: ST(0) = +1, ST(1) = tan = +0, TOP decremented",
		  .code = FLDZ FPTAN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6, TAGS(T_ZERO, T_VALID), 2, FOP_FPTAN),
		  .want_r = REGS(V_P1, V_PZ) },
		{ .name = "fptan of -0 gives ST(1) = -0 and pushes +1",
		  .code = FLDZ FCHS FPTAN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6, TAGS(T_ZERO, T_VALID), 4, FOP_FPTAN),
		  .want_r = REGS(V_P1, V_NZ) },
		{ .name = "fptan of +0 clears a C1 left set",
		  .code = FLDZ SET_C1 FPTAN SHOW, .insns = 2 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6, TAGS(T_ZERO, T_VALID), 2 + SET_C1_LEN, FOP_FPTAN),
		  .want_r = REGS(V_P1, V_PZ) },
		{ .name = "fptan of 2^63 sets C2, pushes nothing and leaves ST(0) unchanged",
		  .code = FLD_M80 FPTAN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_P2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FPTAN),
		  .want_r = REGS(V_P2_63, V_EMPTY) },
		{ .name = "fptan of -2^63 sets C2 and pushes nothing",
		  .code = FLD_M80 FPTAN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_N2_63),
		  .want_m = ENV(TOP7 | FSW_C2, TAGS(T_VALID, T_EMPTY), 2, FOP_FPTAN),
		  .want_r = REGS(V_N2_63, V_EMPTY) },
		{ .name = "fptan of a QNaN pushes the NaN, not 1.0",
		  .code = FLD_M80 FPTAN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_QNAN),
		  .want_m = ENV(TOP6, TAGS(T_SPECIAL, T_SPECIAL), 2, FOP_FPTAN),
		  .want_r = REGS(V_QNAN, V_QNAN) },
		{ .name = "fptan of an SNaN raises IE and pushes the quieted NaN, not 1.0",
		  .code = FLD_M80 FPTAN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_SNAN),
		  .want_m = ENV(TOP6 | FSW_IE, TAGS(T_SPECIAL, T_SPECIAL), 2, FOP_FPTAN),
		  .want_r = REGS(V_SNAN_Q, V_SNAN_Q) },
		{ .name = "fptan of +infinity is invalid: IE and the indefinite pushed, not 1.0",
		  .code = FLD_M80 FPTAN SHOW, .insns = 2 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_PINF),
		  .want_m = ENV(TOP6 | FSW_IE, TAGS(T_SPECIAL, T_SPECIAL), 2, FOP_FPTAN),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fptan on an empty stack is a stack underflow: IE SF, C1 cleared, the indefinite pushed over the indefinite",
		  .code = SET_C1 FPTAN SHOW, .insns = SET_C1_N + 1 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | STACKF, 0xBFFE, SET_C1_LEN, FOP_FPTAN),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fptan with ST(0) empty and ST(7) in use is a stack underflow, not an overflow: C1 cleared",
		  .code = FLD1 FINCSTP FPTAN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | STACKF, 0xBFFE, 4, FOP_FPTAN),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fptan with ST(7) in use is a stack overflow: IE SF C1, the indefinite pushed over the indefinite",
		  .code = FLD1 FLD1 FINCSTP FPTAN SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP6 | STACKF | FSW_C1, TAGS(T_SPECIAL, T_SPECIAL), 6, FOP_FPTAN),
		  .want_r = REGS(V_INDEF, V_INDEF) },
		{ .name = "fptan with ST(7) in use and IE unmasked pushes nothing and changes no register",
		  .code = FLDCW_M3 FLD1 FLD1 FINCSTP FPTAN SHOW, .insns = 5 + SHOW_N, .r = IN_REGS,
		  .m = { 0, 0, 0, CW_IE },
		  .want_m = ENV(TOP7 | STACKF | FSW_C1 | ES_B, TAGS(T_VALID, T_VALID), 9, FOP_FPTAN),
		  .want_r = REGS(V_P1, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

/* ---- FPATAN, FYL2X, FYL2XP1: ST(1) gets the result, then a pop ---------------------------- */

static void test_fpatan(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fpatan of ST(1) = +0 over ST(0) = +1 leaves +0 in ST(1) and pops it to ST(0)",
		  .code = FLDZ FLD1 FPATAN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4, FOP_FPATAN),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fpatan of ST(1) = -0 over ST(0) = +1 gives -0 and pops",
		  .code = FLDZ FCHS FLD1 FPATAN SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 6, FOP_FPATAN),
		  .want_r = REGS(V_NZ, V_EMPTY) },
		{ .name = "fpatan of +0 over +1 clears a C1 left set",
		  .code = FLDZ FLD1 SET_C1 FPATAN SHOW, .insns = 3 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4 + SET_C1_LEN, FOP_FPATAN),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fpatan with a QNaN in ST(0) leaves the NaN in ST(1) and pops",
		  .code = FLD1 FLD_M80 FPATAN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_QNAN),
		  .want_m = ENV(TOP7, TAGS(T_SPECIAL, T_EMPTY), 4, FOP_FPATAN),
		  .want_r = REGS(V_QNAN, V_EMPTY) },
		{ .name = "fpatan with ST(1) empty is a stack underflow: IE SF, C1 cleared, the indefinite in ST(1), popped",
		  .code = FLD1 SET_C1 FPATAN SHOW, .insns = 2 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP0 | STACKF, 0xFFFE, 2 + SET_C1_LEN, FOP_FPATAN),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
		{ .name = "fpatan with ST(0) empty is a stack underflow: the indefinite in ST(1), popped",
		  .code = FLD1 FDECSTP FPATAN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | STACKF, TAGS(T_SPECIAL, T_EMPTY), 4, FOP_FPATAN),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
		{ .name = "fpatan with ST(1) empty and IE unmasked neither writes nor pops",
		  .code = FLDCW_M3 FLD1 FPATAN SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .m = { 0, 0, 0, CW_IE },
		  .want_m = ENV(TOP7 | STACKF | ES_B, TAGS(T_VALID, T_EMPTY), 5, FOP_FPATAN),
		  .want_r = REGS(V_P1, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

static void test_fyl2x(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fyl2x of x = +1 with y = log2(10) leaves +0 in ST(1) and pops it to ST(0)",
		  .code = FLDL2T FLD1 FYL2X SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4, FOP_FYL2X),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fyl2x of x = +1 with y = -log2(10) gives -0 and pops",
		  .code = FLDL2T FCHS FLD1 FYL2X SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 6, FOP_FYL2X),
		  .want_r = REGS(V_NZ, V_EMPTY) },
		{ .name = "fyl2x of x = +1 clears a C1 left set",
		  .code = FLDL2T FLD1 SET_C1 FYL2X SHOW, .insns = 3 + SET_C1_N + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4 + SET_C1_LEN, FOP_FYL2X),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fyl2x of x = +0 with y > 0 is a zero divide: ZE, -infinity in ST(1), popped",
		  .code = FLDL2T FLDZ FYL2X SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | FSW_ZE, TAGS(T_SPECIAL, T_EMPTY), 4, FOP_FYL2X),
		  .want_r = REGS(V_NINF, V_EMPTY) },
		{ .name = "fyl2x of x = +0 with ZE unmasked neither writes nor pops and leaves ZE pending",
		  .code = FLDCW_M3 FLDL2T FLDZ FYL2X SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .m = { 0, 0, 0, CW_ZE },
		  .want_m = ENV(TOP6 | FSW_ZE | ES_B, TAGS(T_VALID, T_ZERO), 7, FOP_FYL2X),
		  .want_r = REGS(V_PZ, V_L2T) },
		{ .name = "fyl2x of x = -1 is invalid: IE, the indefinite in ST(1), popped",
		  .code = FLD1 FLD1 FCHS FYL2X SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 6, FOP_FYL2X),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
		{ .name = "fyl2x with ST(0) empty is a stack underflow: the indefinite in ST(1), popped",
		  .code = FLD1 FDECSTP FYL2X SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7 | STACKF, TAGS(T_SPECIAL, T_EMPTY), 4, FOP_FYL2X),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

static void test_fyl2xp1(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fyl2xp1 of x = +0 with y = log2(10) leaves +0 in ST(1) and pops it to ST(0)",
		  .code = FLDL2T FLDZ FYL2XP1 SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 4, FOP_FYL2XP1),
		  .want_r = REGS(V_PZ, V_EMPTY) },
		{ .name = "fyl2xp1 of x = -0 with y = log2(10) gives -0 and pops",
		  .code = FLDL2T FLDZ FCHS FYL2XP1 SHOW, .insns = 4 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP7, TAGS(T_ZERO, T_EMPTY), 6, FOP_FYL2XP1),
		  .want_r = REGS(V_NZ, V_EMPTY) },
		{ .name = "fyl2xp1 with an SNaN y raises IE, leaves it quieted in ST(1) and pops",
		  .code = FLD_M80 FLDZ FYL2XP1 SHOW, .insns = 3 + SHOW_N, .r = IN_REGS,
		  .m = MEM(0, V_SNAN),
		  .want_m = ENV(TOP7 | FSW_IE, TAGS(T_SPECIAL, T_EMPTY), 4, FOP_FYL2XP1),
		  .want_r = REGS(V_SNAN_Q, V_EMPTY) },
		{ .name = "fyl2xp1 on an empty stack is a stack underflow: IE SF, C1 cleared, the indefinite in ST(1), popped",
		  .code = SET_C1 FYL2XP1 SHOW, .insns = SET_C1_N + 1 + SHOW_N, .r = IN_REGS,
		  .want_m = ENV(TOP1 | STACKF, 0xFFFB, SET_C1_LEN, FOP_FYL2XP1),
		  .want_r = REGS(V_INDEF, V_EMPTY) },
	};
	RUN_ROWS(rows);
}

/* ---- FIP, FOP, FDP ------------------------------------------------------------------------- */

static void test_pointers(void **state)
{
	(void)state;
	/* fnstenv [ebx-8] puts the tag word, FIP, FOP and FDP into m[0..3]. */
	static const struct row rows[] = {
		{ .name = "fsin records FIP and FOP and keeps FDP from the last memory operand",
		  .code = FLD_M80 FSIN " d9 73 f8", .insns = 3, .r = IN_REGS, .want_r = IN_REGS,
		  .m = MEM(0, V_PZ),
		  .want_m = { 0xFFFF0000u | TAGS(T_ZERO, T_EMPTY), TVM_CODE + 2, FOP_FSIN << 16,
			      TVM_DATA } },
		{ .name = "fyl2xp1 records its FIP and FOP after an fcos",
		  .code = FLDZ FCOS FLDZ FYL2XP1 " d9 73 f8", .insns = 5, .r = IN_REGS,
		  .want_r = IN_REGS,
		  .want_m = { 0xFFFF0000u | TAGS(T_ZERO, T_EMPTY), TVM_CODE + 6,
			      FOP_FYL2XP1 << 16, 0 } },
	};
	RUN_ROWS(rows);
}

/* ---- #MF --------------------------------------------------------------------------------- */

/* An unmasked exception pending from an earlier instruction: each of these waiting instructions
 * raises #MF (vector 16) before it changes anything (SDM Vol. 1, 8.7). The stack holds operands
 * for all of them (ST(0) = +0, ST(1) = ST(2) = +1), so any write would show. */
struct mf_row {
	const char *name;  /* a sentence */
	const char *insn;  /* the instruction's bytes */
};

/* fldcw [ebx+12] (ZE unmasked); fld1; fld1; fldz; fdivp st(1), st(0): 1/0 leaves ZE pending. */
#define MF_SETUP FLDCW_M3 FLD1 FLD1 FLDZ "de f9"
#define MF_SETUP_N 5
#define MF_SETUP_LEN 11

static bool same_fpu(const struct fpu *a, const struct fpu *b)
{
	for (unsigned i = 0; i < 8; i++)
		if (a->st[i].mant != b->st[i].mant || a->st[i].sexp != b->st[i].sexp)
			return false;
	return a->fcw == b->fcw && a->fsw == b->fsw && a->ftw == b->ftw && a->fop == b->fop &&
	       a->fip == b->fip && a->fdp == b->fdp;
}

static int run_mf_row(const struct mf_row *row)
{
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	char hex[128];
	uint8_t code[64];
	const uint32_t m[4] = { 0, 0, 0, CW_ZE };
	int bad = 0;

	snprintf(hex, sizeof(hex), "%s %s", MF_SETUP, row->insn);
	size_t len = tvm_hex(hex, code, sizeof(code));
	tvm_poke(t, TVM_CODE, code, len);
	tvm_poke(t, TVM_DATA, m, sizeof(m));
	c->r[REG_EBX] = TVM_DATA;
	c->r[REG_ESP] = TVM_STACK;
	if (tvm_run(t, MF_SETUP_N) != CPU_EXIT_BUDGET || !(c->fpu.fsw & FSW_ES)) {
		print_error("%s: the setup did not leave ZE pending (fsw %04x)\n", row->name,
			    c->fpu.fsw);
		tvm_free(t);
		return 1;
	}
	const struct fpu before = c->fpu;
	const uint64_t instret = c->instret;
	enum cpu_exit ex = tvm_run(t, 1);
	if (ex != CPU_EXIT_FAULT || c->fault.vector != DVA_VEC_MF) {
		print_error("%s: exit %d vector %u, want a fault with vector 16\n", row->name, (int)ex,
			    (unsigned)c->fault.vector);
		bad++;
	}
	if (c->eip != TVM_CODE + MF_SETUP_LEN) {
		print_error("%s: eip %08x, want the instruction's\n", row->name, (unsigned)c->eip);
		bad++;
	}
	if (c->instret != instret) {
		print_error("%s: the faulting instruction retired\n", row->name);
		bad++;
	}
	if (!same_fpu(&c->fpu, &before)) {
		print_error("%s: the FPU changed: fsw %04x -> %04x, ftw %04x -> %04x, fip %08x -> %08x, fop %03x -> %03x\n",
			    row->name, before.fsw, c->fpu.fsw, before.ftw, c->fpu.ftw,
			    (unsigned)before.fip, (unsigned)c->fpu.fip, before.fop, c->fpu.fop);
		bad++;
	}
	tvm_free(t);
	return bad;
}

static void test_mf(void **state)
{
	(void)state;
	static const struct mf_row rows[] = {
		{ "fsin raises #MF for a pending zero divide and changes nothing", FSIN },
		{ "fcos raises #MF for a pending zero divide and changes nothing", FCOS },
		{ "fsincos raises #MF for a pending zero divide and pushes nothing", FSINCOS },
		{ "fptan raises #MF for a pending zero divide and pushes nothing", FPTAN },
		{ "fpatan raises #MF for a pending zero divide and pops nothing", FPATAN },
		{ "f2xm1 raises #MF for a pending zero divide and changes nothing", F2XM1 },
		{ "fyl2x raises #MF for a pending zero divide and pops nothing", FYL2X },
		{ "fyl2xp1 raises #MF for a pending zero divide and pops nothing", FYL2XP1 },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		bad += run_mf_row(&rows[i]);
	if (bad)
		fail_msg("%d mismatches", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsin),
		cmocka_unit_test(test_fcos),
		cmocka_unit_test(test_f2xm1),
		cmocka_unit_test(test_fsincos),
		cmocka_unit_test(test_fptan),
		cmocka_unit_test(test_fpatan),
		cmocka_unit_test(test_fyl2x),
		cmocka_unit_test(test_fyl2xp1),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_mf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
