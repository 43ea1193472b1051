/* test_fpu.c - the x87 handlers: host-recorded rows, and every form run on the host x87 and on the emulator from the same random states.
 *
 * Rows (through the harness) pin behaviour a reader can check: #MF raised by the next waiting
 * instruction after an unmasked exception and not by FNSTSW/FNCLEX, stack faults, FXAM classes,
 * FCOMI flags, the FSTENV/FSAVE layouts, memory faults that change nothing. Their expected values
 * were recorded on the host CPU (gcc -m32 programs running the same bytes), except those of
 * test_env_images (whole FNSTENV/FLDENV/FNSAVE/FRSTOR images, the vector class), which are
 * worked from the SDM as its comment says.
 *
 * The differential part needs an x86 host: each case builds a random FPU state (control word
 * with every rounding and precision setting, some exceptions unmasked, random TOP and tags,
 * registers drawn from zeros, denormals, pseudo-denormals, unnormals, infinities, quiet and
 * signalling NaNs, pseudo-NaNs, numbers near overflow and underflow), a random memory operand
 * and random flags, then runs FRSTOR; the instruction; FNSAVE on the host CPU itself and in the
 * emulator, and compares the saved images (pointer fields excepted), the memory operand,
 * EFLAGS and AX. That checks the handlers' stack, tag, status-word and masked/unmasked logic
 * together with whichever f80 implementation is in use.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "cpu/f80.h"
#include "tests/unit/harness.h"

/* ---- rows --------------------------------------------------------------------------------- */

/* FPU state is not part of struct row: rows here set it with instructions (FLDCW from m[0],
 * FLD1, FLDZ, ...) and read it back with FNSTSW AX / FNSTCW / FNSTENV into registers or
 * memory words, so the whole check goes through the harness. */

static void test_mf(void **state)
{
	(void)state;
	static const struct row rows[] = {
		/* m[0] = 0x037B: ZE unmasked. fldcw [0x8000]; fld1; fldz; fdivp st1,st0 -> ZE. */
		{ .name = "an unmasked zero divide raises #MF at the next waiting instruction (fwait)",
		  .code = "d9 2d 00 80 00 00 d9 e8 d9 ee de f9 9b",
		  .m = { 0x037B }, .want_m = { 0x037B }, .insns = 5,
		  .want_exit = CPU_EXIT_FAULT, .want_fault = 16, .want_eip = 0x100C },
		{ .name = "an unmasked zero divide raises #MF at the next FPU instruction (fld1)",
		  .code = "d9 2d 00 80 00 00 d9 e8 d9 ee de f9 d9 e8",
		  .m = { 0x037B }, .want_m = { 0x037B }, .insns = 5,
		  .want_exit = CPU_EXIT_FAULT, .want_fault = 16, .want_eip = 0x100C },
		{ .name = "fnstsw ax and fnclex do not wait: the status shows ZE ES B, then fwait runs",
		  .code = "d9 2d 00 80 00 00 d9 e8 d9 ee de f9 df e0 db e2 9b",
		  .m = { 0x037B }, .want_m = { 0x037B }, .insns = 7,
		  .want_r = { 0xB084 } }, /* the unmasked divide neither wrote nor popped: TOP 6 */
		{ .name = "a masked zero divide sets ZE but not ES, and fwait runs",
		  .code = "d9 e8 d9 ee de f9 9b df e0",
		  .insns = 5, .want_r = { 0x3804 } },
		{ .name = "fldcw unmasking a flag already set makes it pending: fwait raises #MF",
		  .code = "d9 e8 d9 ee de f9 d9 2d 00 80 00 00 9b",
		  .m = { 0x037B }, .want_m = { 0x037B }, .insns = 5,
		  .want_exit = CPU_EXIT_FAULT, .want_fault = 16, .want_eip = 0x100C },
		{ .name = "fninit clears a pending exception without waiting",
		  .code = "d9 2d 00 80 00 00 d9 e8 d9 ee de f9 db e3 9b df e0",
		  .m = { 0x037B }, .want_m = { 0x037B }, .insns = 7, .want_r = { 0 } },
	};
	RUN_ROWS(rows);
}

static void test_stack_faults(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fadd on an empty stack is a stack underflow: IE SF, C1 = 0",
		  .code = "d8 c1 df e0", .insns = 2, .want_r = { 0x0041 } },
		{ .name = "a ninth push is a stack overflow: IE SF C1 and the indefinite in ST(0)",
		  .code = "d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 ee df e0 dd 15 00 80 00 00",
		  .insns = 11, .want_r = { 0x3A41 },
		  .want_m = { 0x00000000, 0xFFF80000 } },
		{ .name = "an unmasked stack underflow raises #MF at the next instruction",
		  .code = "d9 2d 00 80 00 00 d8 c1 9b",
		  .m = { 0x037E }, .want_m = { 0x037E }, .insns = 3,
		  .want_exit = CPU_EXIT_FAULT, .want_fault = 16, .want_eip = 0x1008 },
		{ .name = "fstp to an empty stack with IE masked stores the indefinite and pops",
		  .code = "dd 1d 00 80 00 00 df e0", .insns = 2,
		  .want_r = { 0x0841 }, .want_m = { 0x00000000, 0xFFF80000 } },
	};
	RUN_ROWS(rows);
}

static void test_fxam(void **state)
{
	(void)state;
	/* fxam; fnstsw ax after loading each class from memory (m[0..2] as an m80 at 0x8000). */
	static const struct row rows[] = {
		{ .name = "fxam of an empty register is C3 C0",
		  .code = "d9 e5 df e0", .insns = 2, .want_r = { 0x4100 } },
		{ .name = "fxam of +0 is C3",
		  .code = "d9 ee d9 e5 df e0", .insns = 3, .want_r = { 0x7800 } },
		{ .name = "fxam of -1 is C2 with C1 for the sign",
		  .code = "d9 e8 d9 e0 d9 e5 df e0", .insns = 4, .want_r = { 0x3E00 } },
		{ .name = "fxam of +infinity is C2 C0",
		  .code = "db 2d 00 80 00 00 d9 e5 df e0", .insns = 3,
		  .m = { 0, 0x80000000, 0x7FFF }, .want_m = { 0, 0x80000000, 0x7FFF },
		  .want_r = { 0x3D00 } },
		{ .name = "fxam of a quiet NaN is C0",
		  .code = "db 2d 00 80 00 00 d9 e5 df e0", .insns = 3,
		  .m = { 0, 0xC0000000, 0xFFFF }, .want_m = { 0, 0xC0000000, 0xFFFF },
		  .want_r = { 0x3B00 } },
		{ .name = "fxam of a denormal is C3 C2",
		  .code = "db 2d 00 80 00 00 d9 e5 df e0", .insns = 3,
		  .m = { 1, 0, 0 }, .want_m = { 1, 0, 0 }, .want_r = { 0x7C00 } },
		{ .name = "fxam of an unnormal is unsupported: C3 C2 C0 all clear",
		  .code = "db 2d 00 80 00 00 d9 e5 df e0", .insns = 3,
		  .m = { 0, 0x40000000, 0x3FFF }, .want_m = { 0, 0x40000000, 0x3FFF },
		  .want_r = { 0x3800 } },
	};
	RUN_ROWS(rows);
}

static void test_fcomi(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "fcomi st0 > st1 clears ZF PF CF and OF SF AF",
		  .code = "d9 ee d9 e8 db f1", .insns = 3,
		  .fl = FL_OSZAPC, .want_fl = 0 },
		{ .name = "fcomi st0 < st1 sets CF",
		  .code = "d9 e8 d9 ee db f1", .insns = 3,
		  .fl = FL_OF | FL_SF | FL_AF, .want_fl = FL_CF },
		{ .name = "fcomi equal sets ZF",
		  .code = "d9 e8 d9 e8 db f1", .insns = 3, .want_fl = FL_ZF },
		{ .name = "fucomip with a QNaN is unordered (ZF PF CF) and pops without IE",
		  .code = "d9 e8 db 2d 00 80 00 00 df e9 df e0", .insns = 4,
		  .m = { 0, 0xC0000000, 0xFFFF }, .want_m = { 0, 0xC0000000, 0xFFFF },
		  .want_fl = FL_ZF | FL_PF | FL_CF, .want_r = { 0x3800 } },
		{ .name = "fcomip with a QNaN is unordered and raises IE",
		  .code = "d9 e8 db 2d 00 80 00 00 df f1 df e0", .insns = 4,
		  .m = { 0, 0xC0000000, 0xFFFF }, .want_m = { 0, 0xC0000000, 0xFFFF },
		  .want_fl = FL_ZF | FL_PF | FL_CF, .want_r = { 0x3801 } },
		{ .name = "fcmovb moves when CF is set",
		  .code = "d9 e8 d9 ee da c1 d9 e5 df e0", .insns = 5,
		  .fl = FL_CF, .want_fl = FL_CF, .want_r = { 0x3400 } },
		{ .name = "fcmovnb keeps ST(0) when CF is set",
		  .code = "d9 e8 d9 ee db c1 d9 e5 df e0", .insns = 5,
		  .fl = FL_CF, .want_fl = FL_CF, .want_r = { 0x7000 } },
	};
	RUN_ROWS(rows);
}

/* gcc's spill and reload of a double (FSTP m64fp then FLD m64fp of the same operand), its
 * `x += y` (FADD m64fp then FSTP m64fp of the same operand) and its copy of a register to work
 * on (FLD ST(i) then an operation on ST(0)), which the fast forms run as one step each
 * (cpu/fpu_fast.c): the reload must see the value rounded to double, the store's C1 must replace
 * the add's, and a budget that ends between the two must stop before the second. Recorded on
 * the host. */
static void test_spill_reload(void **state)
{
	(void)state;
	static const struct row rows[] = {
		/* fldpi; fstp qword [0x8000]; fld qword [0x8000]; fldpi; fsubp st1,st0;
		 * fstp qword [0x8008]; fnstsw ax */
		{ .name = "a reloaded spill is the double: pi as a double minus pi is -1.2246e-16",
		  .code = "d9 eb dd 1d 00 80 00 00 dd 05 00 80 00 00 d9 eb de e9 dd 1d 08 80 00 00 df e0",
		  .insns = 7, .want_r = { 0x0020 },
		  .want_m = { 0x54442D18, 0x400921FB, 0x00000000, 0xBCA1A800 } },
		{ .name = "a budget that ends after the spill stops before the reload",
		  .code = "d9 eb dd 1d 00 80 00 00 dd 05 00 80 00 00",
		  .insns = 2, .want_eip = TVM_CODE + 8,
		  .want_m = { 0x54442D18, 0x400921FB } },
		/* fld qword [0x8000]; fadd qword [0x8008]; fstp qword [0x8008]; fnstsw ax: x += y */
		{ .name = "x += y stored back rounds down to pi: PE, and C1 is the store's (clear)",
		  .code = "dd 05 00 80 00 00 dc 05 08 80 00 00 dd 1d 08 80 00 00 df e0",
		  .m = { 0x54442D18, 0x400921FB, 0x00000001, 0x3CB00000 }, .insns = 4,
		  .want_r = { 0x0020 },
		  .want_m = { 0x54442D18, 0x400921FB, 0x54442D18, 0x400921FB } },
		{ .name = "x += y stored back rounds up: PE and C1 from the store",
		  .code = "dd 05 00 80 00 00 dc 05 08 80 00 00 dd 1d 08 80 00 00 df e0",
		  .m = { 0x54442D18, 0x400921FB, 0x00000000, 0x3CB80000 }, .insns = 4,
		  .want_r = { 0x0220 },
		  .want_m = { 0x54442D18, 0x400921FB, 0x54442D19, 0x400921FB } },
		/* fldcw [0x1014] (0x035F: PE unmasked, the word after the code); fldpi;
		 * fstp qword [0x8000]; fld qword [0x8000] */
		{ .name = "an unmasked inexact spill makes the reload raise #MF, the double stored",
		  .code = "d9 2d 14 10 00 00 d9 eb dd 1d 00 80 00 00 dd 05 00 80 00 00 5f 03",
		  .insns = 4, .want_exit = CPU_EXIT_FAULT, .want_fault = 16,
		  .want_eip = TVM_CODE + 14, .want_m = { 0x54442D18, 0x400921FB } },
		/* fldcw [0x1018] (0x035F); fld qword [0x8000]; fadd qword [0x8008];
		 * fstp qword [0x8008] */
		{ .name = "an unmasked inexact x += y makes the store raise #MF, nothing stored",
		  .code = "d9 2d 18 10 00 00 dd 05 00 80 00 00 dc 05 08 80 00 00 dd 1d 08 80 00 00 5f 03",
		  .m = { 0x54442D18, 0x400921FB, 0x00000001, 0x3C100000 }, .insns = 4,
		  .want_exit = CPU_EXIT_FAULT, .want_fault = 16, .want_eip = TVM_CODE + 18,
		  .want_m = { 0x54442D18, 0x400921FB, 0x00000001, 0x3C100000 } },
		/* fldpi; fld st0; fsqrt; fstp qword [0x8000]; fld st0; fmul st0,st0;
		 * fstp qword [0x8008]; fnstsw ax: a register copied to the top and worked on */
		{ .name = "the square root and the square of a copy of pi, stored as doubles",
		  .code = "d9 eb d9 c0 d9 fa dd 1d 00 80 00 00 d9 c0 d8 c8 dd 1d 08 80 00 00 df e0",
		  .insns = 8, .want_r = { 0x3820 },
		  .want_m = { 0x91B4EF6B, 0x3FFC5BF8, 0xC9BE45DE, 0x4023BD3C } },
		{ .name = "a budget that ends after the copy stops before the square root",
		  .code = "d9 eb d9 c0 d9 fa", .insns = 2, .want_eip = TVM_CODE + 4 },
		{ .name = "a budget that ends after the add stops before the store",
		  .code = "dd 05 00 80 00 00 dc 05 08 80 00 00 dd 1d 08 80 00 00",
		  .m = { 0x54442D18, 0x400921FB, 0x00000000, 0x3CB80000 }, .insns = 2,
		  .want_eip = TVM_CODE + 12,
		  .want_m = { 0x54442D18, 0x400921FB, 0x00000000, 0x3CB80000 } },
	};
	RUN_ROWS(rows);
}

static void test_env_layout(void **state)
{
	(void)state;
	/* fld1; fnstenv [0x8000]: the 28-byte image, then FCW shows every exception masked. The
	 * first four words: FCW|0xFFFF0000, FSW (TOP 7)|0xFFFF0000, FTW (R7 valid)|0xFFFF0000,
	 * FIP = 0x1000. */
	static const struct row rows[] = {
		{ .name = "fnstenv stores FCW FSW FTW FIP with the reserved halves 0xFFFF",
		  .code = "d9 e8 d9 35 00 80 00 00", .insns = 2,
		  .want_m = { 0xFFFF037F, 0xFFFF3800, 0xFFFF3FFF, 0x1000 } },
		/* fldcw [0x800c] (0: every exception unmasked; bit 6 reads back as 1); fnstenv
		 * [0x8000]; fnstcw [0x8002], over the reserved half after FCW. */
		{ .name = "fnstenv masks every exception afterwards",
		  .code = "d9 2d 0c 80 00 00 d9 35 00 80 00 00 d9 3d 02 80 00 00", .insns = 3,
		  .want_m = { 0x007F0040, 0xFFFF0000, 0xFFFFFFFF, 0 } },
		{ .name = "fldcw keeps bits 0-5 and 8-12, reads bit 6 as 1 and bits 7, 13-15 as 0",
		  .code = "d9 2d 00 80 00 00 d9 3d 04 80 00 00", .insns = 2,
		  .m = { 0xFFFF }, .want_m = { 0xFFFF, 0x1F7F } },
		{ .name = "fnsave stores the env then ST(0) and reinitialises the FPU",
		  .code = "d9 e8 dd 35 00 80 00 00", .insns = 2,
		  .want_m = { 0xFFFF037F, 0xFFFF3800, 0xFFFF3FFF, 0x1000 } },
		{ .name = "a faulting fnstenv changes nothing, the masks included",
		  .code = "d9 2d 00 80 00 00 d9 35 f0 ff 0f 00", .insns = 2,
		  .m = { 0x0372 }, .want_m = { 0x0372 },
		  .want_exit = CPU_EXIT_FAULT, .want_fault = 14, .want_eip = 0x1006 },
	};
	RUN_ROWS(rows);
}

/* vectors: fenv
 * FNSTENV, FLDENV, FNSAVE and FRSTOR with the 32-bit protected-mode images, whole. Their
 * images hold addresses and the host's would be its own, so they are worked from the SDM
 * (order number 325462, edition -082US) instead: Vol. 1, 8.1.10 and Figure 8-9 (the 28-byte
 * environment: 0 FCW, 4 FSW, 8 FTW, 12 FIP, 16 FCS in bits 15-0 and FOP in bits 26-16, 20 FDP,
 * 24 FDS; the upper halves at 0, 4, 8 and 24 reserved) and Vol. 2A, FSAVE/FNSAVE (the
 * environment, then ST(0) .. ST(7) in stack order, 10 bytes each: the 64-bit significand, then
 * sign and exponent; then the FPU is initialised as by FNINIT). DVA-1 section 2 makes the
 * selector fields 0; the reserved halves hold 0xFFFF (reserved per SDM; the value the AMD EPYC
 * development host stores). FTW in an image is the full tag word, two bits per physical
 * register R0..R7 from bit 0: 00 valid, 01 zero, 10 special (NaN, infinity, denormal), 11
 * empty (Vol. 1, 8.1.7); loading one (FLDENV, FRSTOR) keeps only empty or not, and a
 * non-empty register's tag comes from its contents (Vol. 1, 8.1.7). FIP, FOP and FDP belong to
 * the last non-control instruction (Vol. 1, 8.1.8 and 8.1.9): FOP is the low 3 bits of its
 * first opcode byte, then its ModR/M byte; FDP its memory operand's address. After FNINIT (the
 * state DVA-1 section 1 starts in) FCW = 0x037F, FSW = 0, every tag empty, FIP = FDP = FOP = 0
 * and R0..R7 = +0.0. FNSTENV then masks every exception (Vol. 2A, FSTENV). FLDENV and FRSTOR of
 * a status word with an unmasked exception flag set make the next waiting x87 instruction raise
 * #MF (Vol. 2A, FLDENV, FRSTOR). Images go to OUT (0x8100), are loaded from IN (0x8200); memory
 * operands are at DAT (0x8300). */
#define OUT 0x8100u
#define IN 0x8200u
#define DAT 0x8300u
#define RSV 0xFFFF0000u /* a reserved upper half */

struct env_row {
	const char *name;
	const char *code;        /* at TVM_CODE */
	int insns;
	uint32_t in[27];         /* the image at IN */
	uint32_t dat[4];         /* words at DAT */
	int want_exit;
	uint32_t want_fault;
	uint32_t want_eip;       /* 0: after the code */
	int nout;                /* words compared at OUT */
	uint32_t want_out[36];
	bool check_dat;
	uint32_t want_dat[4];
	bool check_ax;
	uint16_t want_ax;
};

static int run_env_row(const struct env_row *row)
{
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[64];
	size_t len = tvm_hex(row->code, code, sizeof(code));
	uint32_t out[36], dat[4];
	int bad = 0;

	tvm_poke(t, TVM_CODE, code, len);
	tvm_poke(t, IN, row->in, sizeof(row->in));
	tvm_poke(t, DAT, row->dat, sizeof(row->dat));
	enum cpu_exit ex = tvm_run(t, (uint64_t)row->insns);
	if ((int)ex != row->want_exit ||
	    (ex == CPU_EXIT_FAULT && c->fault.vector != row->want_fault)) {
		print_error("%s: exit %d vector %u, want exit %d vector %u\n", row->name, (int)ex,
			    c->fault.vector, row->want_exit, row->want_fault);
		bad++;
	}
	uint32_t want_eip = row->want_eip ? row->want_eip : TVM_CODE + (uint32_t)len;
	if (c->eip != want_eip) {
		print_error("%s: eip %#x, want %#x\n", row->name, c->eip, want_eip);
		bad++;
	}
	tvm_peek(t, OUT, out, sizeof(out));
	for (int i = 0; i < row->nout; i++)
		if (out[i] != row->want_out[i]) {
			print_error("%s: image word %d (offset %d) = %08x, want %08x\n", row->name, i,
				    4 * i, out[i], row->want_out[i]);
			bad++;
		}
	tvm_peek(t, DAT, dat, sizeof(dat));
	for (int i = 0; row->check_dat && i < 4; i++)
		if (dat[i] != row->want_dat[i]) {
			print_error("%s: data word %d = %08x, want %08x\n", row->name, i, dat[i],
				    row->want_dat[i]);
			bad++;
		}
	if (row->check_ax && (uint16_t)c->r[REG_EAX] != row->want_ax) {
		print_error("%s: ax = %04x, want %04x\n", row->name, (unsigned)(uint16_t)c->r[REG_EAX],
			    (unsigned)row->want_ax);
		bad++;
	}
	tvm_free(t);
	return bad;
}

/* Instruction bytes. */
#define FLD_DAT "d9 05 00 83 00 00 "      /* fld dword [0x8300]: FOP 0x105 */
#define FNSTENV_OUT "d9 35 00 81 00 00 "  /* fnstenv [0x8100] */
#define FLDENV_IN "d9 25 00 82 00 00 "    /* fldenv [0x8200] */
#define FNSAVE_OUT "dd 35 00 81 00 00 "   /* fnsave [0x8100] */
#define FRSTOR_IN "dd 25 00 82 00 00 "    /* frstor [0x8200] */
/* The FNINIT environment, as FNSTENV stores it. */
#define INIT_ENV RSV | 0x037F, RSV, RSV | 0xFFFF, 0, 0, 0, RSV

static void test_env_images(void **state)
{
	(void)state;
	static const struct env_row rows[] = {
		/* fld dword [0x8300] (1.0f) at 0x1000: TOP 7 (FSW 0x3800), R7 valid (FTW 0x3fff),
		 * FIP 0x1000, FOP (0xd9 & 7) << 8 | 0x05 = 0x105, FDP 0x8300. */
		{ .name = "fnstenv after fld dword [0x8300]: 037f, 3800, 3fff, FIP 0x1000, FOP 0x105, "
			  "FDP 0x8300, selectors 0",
		  .code = FLD_DAT FNSTENV_OUT, .insns = 2, .dat = { 0x3f800000 },
		  .nout = 7, .want_out = { RSV | 0x037F, RSV | 0x3800, RSV | 0x3FFF, 0x1000,
					   0x105u << 16, DAT, RSV } },
		/* fldz (R7: zero, 01), fld1 (R6: valid, 00), fld dword +inf (R5: special, 10), R0-R4
		 * empty (11): 01 00 10 11 11 11 11 11 from R7 down = 0x4bff; TOP 5 (0x2800); FIP =
		 * 0x1004, the third instruction. */
		{ .name = "fnstenv's full tag word: zero 01, valid 00, special (inf) 10, empty 11 = 0x4bff",
		  .code = "d9 ee d9 e8 " FLD_DAT FNSTENV_OUT, .insns = 4, .dat = { 0x7f800000 },
		  .nout = 7, .want_out = { RSV | 0x037F, RSV | 0x2800, RSV | 0x4BFF, 0x1004,
					   0x105u << 16, DAT, RSV } },
		/* fldcw [0x8300] (0x0340: every exception unmasked) is a control instruction: FIP,
		 * FOP, FDP keep FNINIT's 0. Then fnstcw [0x8120] shows 0x037f: all masked. */
		{ .name = "fnstenv stores FCW 0x0340, leaves FIP FOP FDP 0 after control instructions only, "
			  "then masks every exception (0x037f)",
		  .code = "d9 2d 00 83 00 00 " FNSTENV_OUT "d9 3d 20 81 00 00", .insns = 3,
		  .dat = { 0x0340 }, .nout = 9,
		  .want_out = { RSV | 0x0340, RSV, RSV | 0xFFFF, 0, 0, 0, RSV, 0, 0x037F } },
		/* Word 4 = 0xffff1234 in: FOP = bits 26-16 = 0x7ff, the selector 0x1234 and bits 27-31
		 * dropped; FDS 0x5678 dropped (DVA-1: selectors 0). FLDENV and FNSTENV are control
		 * instructions, so the pointers stored are the ones loaded. */
		{ .name = "fldenv then fnstenv: FCW 0f7f, FSW 4100, FIP, FOP 0x7ff and FDP come back; "
			  "selectors 0",
		  .code = FLDENV_IN FNSTENV_OUT, .insns = 2,
		  .in = { 0x0F7F, 0x4100, 0xFFFF, 0x12345678, 0xFFFF1234, 0x9ABCDEF0, 0x5678 },
		  .nout = 7, .want_out = { RSV | 0x0F7F, RSV | 0x4100, RSV | 0xFFFF, 0x12345678,
					   0x7FFu << 16, 0x9ABCDEF0, RSV } },
		/* FTW in 0xc000: R7 empty, R0-R6 "valid"; their contents are FNINIT's +0.0, so their
		 * tags become zero (01): 0xc000 | 0x1555. */
		{ .name = "fldenv keeps only empty or not: +0.0 registers loaded as valid read back as zero, "
			  "0xd555",
		  .code = FLDENV_IN FNSTENV_OUT, .insns = 2, .in = { 0x037F, 0, 0xC000 },
		  .nout = 7, .want_out = { RSV | 0x037F, RSV, RSV | 0xD555, 0, 0, 0, RSV } },
		/* FCW 0x037e unmasks IE and FSW 0x0001 has IE: fld1 (waiting) raises #MF. */
		{ .name = "fldenv of an unmasked IE set: the next waiting instruction (fld1) raises #MF",
		  .code = FLDENV_IN "d9 e8", .insns = 2, .in = { 0x037E, 0x0001, 0xFFFF },
		  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_MF, .want_eip = 0x1006 },
		/* fld1 (R7), fldpi (R6, FIP 0x1002, FOP 0x1eb): TOP 6 (0x3000), FTW 0x0fff. ST(0) = pi
		 * = 4000:c90fdaa22168c235 at offset 28, ST(1) = 1.0 = 3fff:8000000000000000 at 38,
		 * ST(2)..ST(7) the +0.0 of FNINIT; then fnstenv [0x8170] shows the FNINIT state. */
		{ .name = "fnsave stores the env, then pi and 1.0 as ST(0), ST(1) and zeros; then FNINIT",
		  .code = "d9 e8 d9 eb " FNSAVE_OUT "d9 35 70 81 00 00", .insns = 4, .nout = 35,
		  .want_out = { RSV | 0x037F, RSV | 0x3000, RSV | 0x0FFF, 0x1002, 0x1EBu << 16, 0, RSV,
				0x2168C235, 0xC90FDAA2, 0x00004000, 0, 0x3FFF8000, 0, 0, 0, 0, 0, 0,
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, INIT_ENV } },
		/* The image: TOP 6, R6 and R7 tagged valid, ST(0) = 2.0 (4000:8000...), ST(1) = -1.0
		 * (bfff:8000...). fstp dword pops ST(0) first: 2.0f = 0x40000000, then -1.0f =
		 * 0xbf800000; TOP ends 0, so fnstsw ax gives 0. */
		{ .name = "frstor loads ST(0), ST(1) in stack order: fstp, fstp store 2.0 then -1.0",
		  .code = FRSTOR_IN "d9 1d 00 83 00 00 d9 1d 04 83 00 00 df e0", .insns = 4,
		  .in = { 0x037F, 0x3000, 0x0FFF, 0x1111, 0, 0x2222, 0,
			  0, 0x80000000, 0x00004000, 0, 0xBFFF8000 },
		  .check_dat = true, .want_dat = { 0x40000000, 0xBF800000 }, .check_ax = true,
		  .want_ax = 0 },
		/* The same image, stored again by FNSTENV: the tags from the contents (2.0 and -1.0
		 * valid, the rest empty as loaded), FIP/FOP/FDP as loaded, selectors 0. */
		{ .name = "frstor then fnstenv: 037f, 3000, 0fff, FIP 0x1111, FDP 0x2222",
		  .code = FRSTOR_IN FNSTENV_OUT, .insns = 2,
		  .in = { 0x037F, 0x3000, 0x0FFF, 0x1111, 0x0033, 0x2222, 0x0044,
			  0, 0x80000000, 0x00004000, 0, 0xBFFF8000 },
		  .nout = 7, .want_out = { RSV | 0x037F, RSV | 0x3000, RSV | 0x0FFF, 0x1111, 0, 0x2222,
					   RSV } },
		/* 108 bytes from 0xfffa0 end at 0x10000c, past mem_size: #PF before anything loads
		 * (DVA-1 section 1). */
		{ .name = "frstor [0xfffa0], whose image crosses the end of memory: #PF",
		  .code = "dd 25 a0 ff 0f 00", .insns = 1,
		  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF, .want_eip = 0x1000 },
		/* 66: the 14-byte 16-bit layout (Vol. 1, Figure 8-10): FCW FSW FTW FIP FCS FDP FDS,
		 * a word each. */
		{ .name = "fnstenv (66) stores the 14-byte image: 037f 3800 3fff 1000 0000 8300 0000",
		  .code = FLD_DAT "66 " FNSTENV_OUT, .insns = 2, .dat = { 0x3f800000 },
		  .nout = 4, .want_out = { 0x3800037F, 0x10003FFF, 0x83000000, 0 } },
	};
	int failed = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		failed += run_env_row(&rows[i]) ? 1 : 0;
	if (failed)
		fail_msg("%d of %zu rows failed", failed, sizeof(rows) / sizeof(rows[0]));
}

/* ---- the differential test ------------------------------------------------------------------ */

#if defined(__x86_64__) || defined(__i386__)

#define IMG 108          /* FSAVE image, 32-bit protected-mode layout */
#define OPBUF 128        /* the memory operand's bytes */
#define EMU_OP 0x10000u  /* guest addresses: memory operand (EAX), images (EBX) */
#define EMU_IMG 0x20000u

#include "tests/unit/rng.h"

/* An interesting 80-bit value. */
static struct f80 rand_f80(struct rng *r)
{
	uint16_t s = (uint16_t)(below(r, 2) << 15);
	uint64_t m = next(r);
	switch (below(r, 16)) {
	case 0: return (struct f80){ 0, s };
	case 1: return (struct f80){ m >> (1 + below(r, 63)), s };                 /* denormal */
	case 2: return (struct f80){ m | 1ull << 63, s };                          /* pseudo-denormal */
	case 3: return (struct f80){ 1ull << 63, (uint16_t)(s | 0x7FFF) };         /* infinity */
	case 4: return (struct f80){ m | 3ull << 62, (uint16_t)(s | 0x7FFF) };     /* QNaN */
	case 5: return (struct f80){ (m & ~(1ull << 62)) | 1ull << 63 | 1, (uint16_t)(s | 0x7FFF) }; /* SNaN */
	case 6: return (struct f80){ m >> 1, (uint16_t)(s | (1 + below(r, 0x7FFE))) }; /* unnormal */
	case 7: return (struct f80){ m >> 1, (uint16_t)(s | 0x7FFF) };             /* pseudo-NaN/inf */
	case 8: return f80_from_int((int64_t)below(r, 2001) - 1000);
	case 9: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (0x7FFE - below(r, 70))) };
	case 10: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (1 + below(r, 70))) };
	case 11: return (struct f80){ (m | 1ull << 63) & ~0x7FFull, (uint16_t)(s | (0x3FFF - 60 + below(r, 120))) };
	case 12: return (struct f80){ (m | 1ull << 63) & ~0xFFFFFFFFFFull, (uint16_t)(s | (0x3FFF - 60 + below(r, 120))) };
	case 13: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (1 + below(r, 0x7FFE))) };
	case 14: return (struct f80){ (m | 1ull << 63) >> below(r, 3) << below(r, 3), (uint16_t)(s | (0x3FFF + below(r, 64))) };
	default: return (struct f80){ m | 1ull << 63, (uint16_t)(s | (0x3FFF - 70 + below(r, 140))) };
	}
}

/* Memory operand bytes shaped as one of the x87's memory formats. */
static void rand_operand(struct rng *r, uint8_t *b)
{
	for (int i = 0; i < OPBUF; i++)
		b[i] = (uint8_t)next(r);
	switch (below(r, 8)) {
	case 0: { /* float classes: zero, denormal, inf, NaNs, normal */
		uint32_t v = (uint32_t)next(r);
		switch (below(r, 5)) {
		case 0: v &= 0x80000000u; break;
		case 1: v &= 0x807FFFFFu; break;
		case 2: v = (v & 0x80000000u) | 0x7F800000u | (below(r, 2) ? 0 : (v & 0x7FFFFF)); break;
		default: break;
		}
		memcpy(b, &v, 4);
		break;
	}
	case 1: { /* double classes */
		uint64_t v = next(r);
		switch (below(r, 5)) {
		case 0: v &= 1ull << 63; break;
		case 1: v &= 0x800FFFFFFFFFFFFFull; break;
		case 2: v = (v & 1ull << 63) | 0x7FF0000000000000ull | (below(r, 2) ? 0 : (v & 0xFFFFFFFFFFFFFull)); break;
		default: break;
		}
		memcpy(b, &v, 8);
		break;
	}
	case 2: { /* an 80-bit value */
		struct f80 v = rand_f80(r);
		memcpy(b, &v.mant, 8);
		memcpy(b + 8, &v.sexp, 2);
		break;
	}
	case 3: { /* small or extreme integers */
		static const int64_t ex[] = { 0, 1, -1, 32767, -32768, 2147483647, -2147483647 - 1,
					      INT64_MAX, INT64_MIN, 100, -100 };
		int64_t v = ex[below(r, sizeof(ex) / sizeof(ex[0]))];
		memcpy(b, &v, 8);
		break;
	}
	case 4: /* packed BCD with valid digits */
		for (int i = 0; i < 9; i++)
			b[i] = (uint8_t)(below(r, 10) << 4 | below(r, 10));
		b[9] &= 0x80;
		break;
	default:
		break;
	}
}

/* A random FSAVE image with nothing pending (no flag set whose exception is unmasked). */
static void rand_image(struct rng *r, uint8_t *img)
{
	static const uint16_t pcs[] = { 0x000, 0x200, 0x300, 0x300, 0x100 };
	uint16_t cw = (uint16_t)(0x40 | pcs[below(r, 5)] | below(r, 4) << 10);
	cw |= below(r, 3) ? 0x3F : (uint16_t)(next(r) & 0x3F);
	if (below(r, 8) == 0) /* reserved bits, which FRSTOR must drop */
		cw ^= (uint16_t)(next(r) & 0xF0C0);
	uint16_t sw = (uint16_t)(below(r, 8) << 11 | (next(r) & (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)));
	sw |= (uint16_t)(next(r) & cw & 0x3F);
	if (below(r, 4) == 0 && (sw & FSW_IE))
		sw |= FSW_SF;
	uint16_t tw = 0;
	unsigned full = below(r, 9);
	for (unsigned p = 0; p < 8; p++)
		if (below(r, 8) >= full)
			tw |= (uint16_t)(3u << (2 * p));
	memset(img, 0, IMG);
	uint32_t w[7] = { 0xFFFF0000u | cw, 0xFFFF0000u | sw, 0xFFFF0000u | tw, 0, 0, 0, 0xFFFF0000u };
	memcpy(img, w, sizeof(w));
	for (int i = 0; i < 8; i++) {
		struct f80 v = rand_f80(r);
		memcpy(img + 28 + 10 * i, &v.mant, 8);
		memcpy(img + 28 + 10 * i + 8, &v.sexp, 2);
	}
}

/* What one run produced. */
struct outcome {
	uint8_t img[IMG];
	uint8_t op[OPBUF];
	uint32_t flags;
	uint16_t ax;
};

/* FRSTOR [ebx]; the instruction; FNSAVE [ebx+0x100]: the same bytes run natively (rbx, rax in
 * 64-bit mode) and in the emulator (ebx, eax). */
static size_t build_code(uint8_t *code, const uint8_t *insn, size_t n)
{
	size_t k = 0;
	code[k++] = 0xDD;
	code[k++] = 0x23;
	memcpy(code + k, insn, n);
	k += n;
	static const uint8_t save[] = { 0xDD, 0xB3, 0x00, 0x01, 0x00, 0x00 };
	memcpy(code + k, save, sizeof(save));
	return k + sizeof(save);
}

static void run_native(uint8_t *exec, const uint8_t *code, size_t n, const uint8_t *img_in,
		       const uint8_t *op_in, uint32_t flags, struct outcome *o)
{
	static uint8_t area[0x200] __attribute__((aligned(16)));
	static uint8_t op[OPBUF] __attribute__((aligned(16)));
	memcpy(exec, code, n);
	exec[n] = 0xC3; /* ret */
	memcpy(area, img_in, IMG);
	memcpy(op, op_in, OPBUF);
	uintptr_t fl = flags | 2, ax = (uintptr_t)op;
#if defined(__x86_64__)
	__asm__ volatile("sub $128, %%rsp\n\tpush %[fl]\n\tpopfq\n\tcall *%[fn]\n\tpushfq\n\t"
			 "pop %[fl]\n\tadd $128, %%rsp"
			 : [fl] "+r"(fl), "+a"(ax)
			 : [fn] "r"(exec), "b"(area)
			 : "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
#else
	__asm__ volatile("push %[fl]\n\tpopfl\n\tcall *%[fn]\n\tpushfl\n\tpop %[fl]"
			 : [fl] "+r"(fl), "+a"(ax)
			 : [fn] "r"(exec), "b"(area)
			 : "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
#endif
	memcpy(o->img, area + 0x100, IMG);
	memcpy(o->op, op, OPBUF);
	o->flags = (uint32_t)fl & FL_OSZAPC;
	o->ax = (uint16_t)ax;
}

static void run_emulated(struct tvm *t, const uint8_t *code, size_t n, const uint8_t *img_in,
			 const uint8_t *op_in, uint32_t flags, int insns, struct outcome *o)
{
	struct cpu *c = tvm_cpu(t);
	tvm_poke(t, TVM_CODE, code, n);
	tvm_poke(t, EMU_IMG, img_in, IMG);
	tvm_poke(t, EMU_OP, op_in, OPBUF);
	c->eip = TVM_CODE;
	c->r[REG_EAX] = EMU_OP;
	c->r[REG_EBX] = EMU_IMG;
	c->eflags = flags | 2;
	enum cpu_exit ex = tvm_run(t, insns);
	assert_int_equal(ex, CPU_EXIT_BUDGET);
	tvm_peek(t, EMU_IMG + 0x100, o->img, IMG);
	tvm_peek(t, EMU_OP, o->op, OPBUF);
	o->flags = c->eflags & FL_OSZAPC;
	o->ax = (uint16_t)c->r[REG_EAX];
}

/* One x87 form as bytes with [eax] as its memory operand. */
struct form {
	uint8_t b[3];    /* opcode bytes, an operand-size prefix first where there is one */
	uint8_t n;       /* how many */
	uint8_t flags;   /* F_* */
};
enum { F_ENV = 1, F_STENV = 2, F_AX = 4, F_STENV16 = 8 };

static size_t add(struct form *f, size_t n, uint8_t b0, uint8_t b1, uint8_t flags)
{
	f[n].b[0] = b0;
	f[n].b[1] = b1;
	f[n].n = 2;
	f[n].flags = flags;
	return n + 1;
}

/* The 16-bit environment forms: 0x66 before the opcode. */
static size_t add16(struct form *f, size_t n, uint8_t b0, uint8_t b1, uint8_t flags)
{
	f[n].b[0] = 0x66;
	f[n].b[1] = b0;
	f[n].b[2] = b1;
	f[n].n = 3;
	f[n].flags = flags;
	return n + 1;
}

/* Every documented x87 form of DVA-1 except the transcendental ones (their results are our
 * own deterministic code, not the host's) and FWAIT/FLDCW unmasking (which would trap on the
 * host). */
static size_t all_forms(struct form *f)
{
	size_t n = 0;
	for (unsigned r = 0; r < 8; r++) {
		n = add(f, n, 0xD8, (uint8_t)(r << 3), 0);          /* m32fp arithmetic, compare */
		n = add(f, n, 0xDC, (uint8_t)(r << 3), 0);          /* m64fp */
		n = add(f, n, 0xDA, (uint8_t)(r << 3), 0);          /* m32int */
		n = add(f, n, 0xDE, (uint8_t)(r << 3), 0);          /* m16int */
		for (unsigned i = 0; i < 8; i++) {
			n = add(f, n, 0xD8, (uint8_t)(0xC0 | r << 3 | i), 0);
			if (r != 2 && r != 3) /* DC D0-DF are undocumented aliases */
				n = add(f, n, 0xDC, (uint8_t)(0xC0 | r << 3 | i), 0);
			if (r != 2 && r != 3)
				n = add(f, n, 0xDE, (uint8_t)(0xC0 | r << 3 | i), 0);
			if (r < 4)
				n = add(f, n, 0xDA, (uint8_t)(0xC0 | r << 3 | i), 0); /* FCMOVcc */
			if (r < 4 || r == 5 || r == 6)
				n = add(f, n, 0xDB, (uint8_t)(0xC0 | r << 3 | i), 0); /* FCMOVNcc FUCOMI FCOMI */
			if (r == 5 || r == 6)
				n = add(f, n, 0xDF, (uint8_t)(0xC0 | r << 3 | i), 0); /* FUCOMIP FCOMIP */
			if (r == 0 || r == 2 || r == 3 || r == 4 || r == 5)
				n = add(f, n, 0xDD, (uint8_t)(0xC0 | r << 3 | i), 0); /* FFREE FST FSTP FUCOM FUCOMP */
			if (r == 0 || r == 1)
				n = add(f, n, 0xD9, (uint8_t)(0xC0 | r << 3 | i), 0); /* FLD FXCH */
		}
	}
	static const uint8_t d9m[] = { 0x00, 0x10, 0x18, 0x38 };
	for (size_t k = 0; k < sizeof(d9m); k++)
		n = add(f, n, 0xD9, d9m[k], 0);
	n = add(f, n, 0xD9, 0x20, F_ENV);   /* FLDENV */
	n = add(f, n, 0xD9, 0x30, F_STENV); /* FNSTENV */
	static const uint8_t d9r[] = { 0xD0, 0xE0, 0xE1, 0xE4, 0xE5, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC,
				       0xED, 0xEE, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xFA, 0xFC, 0xFD };
	for (size_t k = 0; k < sizeof(d9r); k++)
		n = add(f, n, 0xD9, d9r[k], 0);
	n = add(f, n, 0xDA, 0xE9, 0);       /* FUCOMPP */
	static const uint8_t dbm[] = { 0x00, 0x10, 0x18, 0x28, 0x38 };
	for (size_t k = 0; k < sizeof(dbm); k++)
		n = add(f, n, 0xDB, dbm[k], 0);
	n = add(f, n, 0xDB, 0xE2, 0);       /* FNCLEX */
	n = add(f, n, 0xDB, 0xE3, 0);       /* FNINIT */
	static const uint8_t ddm[] = { 0x00, 0x10, 0x18, 0x38 };
	for (size_t k = 0; k < sizeof(ddm); k++)
		n = add(f, n, 0xDD, ddm[k], 0);
	n = add(f, n, 0xDD, 0x20, F_ENV);   /* FRSTOR */
	n = add(f, n, 0xDD, 0x30, F_STENV); /* FNSAVE */
	n = add(f, n, 0xDE, 0xD9, 0);       /* FCOMPP */
	static const uint8_t dfm[] = { 0x00, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38 };
	for (size_t k = 0; k < sizeof(dfm); k++)
		n = add(f, n, 0xDF, dfm[k], 0);
	n = add(f, n, 0xDF, 0xE0, F_AX);    /* FNSTSW AX */
	n = add16(f, n, 0xD9, 0x20, F_ENV);   /* FLDENV m14 */
	n = add16(f, n, 0xD9, 0x30, F_STENV16); /* FNSTENV m14 */
	n = add16(f, n, 0xDD, 0x20, F_ENV);   /* FRSTOR m94 */
	n = add16(f, n, 0xDD, 0x30, F_STENV16); /* FNSAVE m94 */
	return n;
}

/* Bytes of the saved image that hold addresses (FIP, FCS, FDP, FDS), which differ between the
 * host process and the guest. */
static bool pointer_byte(unsigned i)
{
	return (i >= 12 && i < 18) || (i >= 20 && i < 26);
}

static uint16_t w16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

/* FOP's bytes. An AMD host sometimes stores FOP = 0 where the P6 rule gives the last
 * instruction's opcode (seen for FUCOMIP with an empty operand); that is tolerated. */
static bool fop_byte(unsigned i)
{
	return i == 18 || i == 19;
}

static void dump(const char *what, const uint8_t *b, unsigned n)
{
	fprintf(stderr, "  %s:", what);
	for (unsigned i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 4 ? "" : " ", b[i]);
	fprintf(stderr, "\n");
}

static void print_reg(const char *what, const uint8_t *b)
{
	fprintf(stderr, " %s %04x:%016llx", what, w16(b + 8),
		(unsigned long long)((uint64_t)w16(b + 6) << 48 | (uint64_t)w16(b + 4) << 32 |
				     (uint64_t)w16(b + 2) << 16 | w16(b)));
}

/* A mismatch in words: control, status and tag words, the registers that differ, the operand. */
static void explain(const uint8_t *img, const uint8_t *op, const struct outcome *h,
		    const struct outcome *e)
{
	fprintf(stderr, "  fcw %04x  fsw %04x -> host %04x emu %04x   ftw %04x -> host %04x emu %04x   fop host %03x emu %03x\n",
		w16(img), w16(img + 4), w16(h->img + 4), w16(e->img + 4), w16(img + 8),
		w16(h->img + 8), w16(e->img + 8), w16(h->img + 18), w16(e->img + 18));
	for (unsigned i = 0; i < 8; i++) {
		fprintf(stderr, "  ST%u", i);
		print_reg("in", img + 28 + 10 * i);
		print_reg("host", h->img + 28 + 10 * i);
		if (memcmp(h->img + 28 + 10 * i, e->img + 28 + 10 * i, 10))
			print_reg("EMU", e->img + 28 + 10 * i);
		fprintf(stderr, "\n");
	}
	dump("op in  ", op, 16);
	if (memcmp(h->op, e->op, OPBUF)) {
		dump("op host", h->op, 16);
		dump("op emu ", e->op, 16);
	}
}

static void test_against_host(void **state)
{
	(void)state;
	struct form forms[1024];
	size_t nf = all_forms(forms);
	uint8_t *exec = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(exec != MAP_FAILED);
	struct tvm *t = tvm_new();
	struct rng r = { 0x9E3779B97F4A7C15ull };
	unsigned failures = 0, cases = 0;
	const unsigned per_form = 400;

	for (size_t k = 0; k < nf; k++) {
		unsigned form_bad = 0;
		for (unsigned it = 0; it < per_form; it++) {
			uint8_t img[IMG], op[OPBUF], code[32];
			rand_image(&r, img);
			rand_operand(&r, op);
			if (forms[k].flags & F_ENV)
				rand_image(&r, op);
			uint32_t fl = (uint32_t)next(&r) & FL_OSZAPC;
			size_t n = build_code(code, forms[k].b, forms[k].n);
			struct outcome host, emu;
			run_native(exec, code, n, img, op, fl, &host);
			run_emulated(t, code, n, img, op, fl, 3, &emu);
			cases++;

			bool bad = host.flags != emu.flags;
			for (unsigned i = 0; i < IMG; i++)
				if (!pointer_byte(i) && host.img[i] != emu.img[i] &&
				    !(fop_byte(i) && w16(host.img + 18) == 0))
					bad = true;
			for (unsigned i = 0; i < OPBUF; i++)
				if (host.op[i] != emu.op[i] &&
				    !((forms[k].flags & F_STENV) && pointer_byte(i)) &&
				    !((forms[k].flags & F_STENV16) && i >= 6 && i < 14))
					bad = true;
			if ((forms[k].flags & F_AX) && host.ax != emu.ax)
				bad = true;
			if (bad) {
				form_bad++;
				failures++;
			}
			if (bad && form_bad <= 2) {
				fprintf(stderr, "mismatch: %02x %02x %02x (case %u), flags in %03x: host %03x emu %03x ax %04x/%04x\n",
					forms[k].b[0], forms[k].b[1], forms[k].b[2], it, fl, host.flags, emu.flags, host.ax, emu.ax);
				explain(img, op, &host, &emu);
			}
		}
		if (form_bad)
			fprintf(stderr, "form %02x %02x %02x: %u of %u cases differ\n", forms[k].b[0],
				forms[k].b[1], forms[k].b[2], form_bad, per_form);
	}
	fprintf(stderr, "x87 forms against the host: %zu forms, %u cases, %u mismatches\n", nf,
		cases, failures);
	tvm_free(t);
	munmap(exec, 4096);
	assert_int_equal(failures, 0);
}

/* Whether the saved images, memory operands and flags of two runs agree (pointer fields and an
 * FOP the host left 0 aside, as above). */
static bool outcomes_agree(const struct outcome *h, const struct outcome *e)
{
	bool bad = h->flags != e->flags || memcmp(h->op, e->op, OPBUF);
	for (unsigned i = 0; i < IMG; i++)
		if (!pointer_byte(i) && h->img[i] != e->img[i] && !(fop_byte(i) && w16(h->img + 18) == 0))
			bad = true;
	return !bad;
}

/* The pairs the fast forms run as one step, and the ones that follow FLD ST(i) in gcc's code,
 * from random states on the host and in the emulator: FRSTOR; the two instructions; FNSAVE.
 * [eax] is the memory operand of both. Exceptions are all masked here (the rows cover an
 * exception pending between the two). */
static void test_pairs_against_host(void **state)
{
	(void)state;
	static const uint8_t arith_reg[] = { 0, 1, 4, 5, 6, 7 }; /* ADD MUL SUB SUBR DIV DIVR */
	uint8_t *exec = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(exec != MAP_FAILED);
	struct tvm *t = tvm_new();
	struct rng r = { 0xC2B2AE3D27D4EB4Full };
	unsigned failures = 0, cases = 0;
	for (unsigned it = 0; it < 40000; it++) {
		uint8_t pair[4], op_r = arith_reg[below(&r, 6)], i = (uint8_t)below(&r, 8);
		switch (below(&r, 5)) {
		case 0: /* FSTP m64fp; FLD m64fp */
			memcpy(pair, (const uint8_t[]){ 0xDD, 0x18, 0xDD, 0x00 }, 4);
			break;
		case 1: /* FOP m64fp; FSTP m64fp */
			memcpy(pair, (const uint8_t[]){ 0xDC, (uint8_t)(op_r << 3), 0xDD, 0x18 }, 4);
			break;
		case 2: /* FLD ST(i); FOP m64fp */
			memcpy(pair, (const uint8_t[]){ 0xD9, (uint8_t)(0xC0 | i), 0xDC, (uint8_t)(op_r << 3) }, 4);
			break;
		case 3: /* FLD ST(i); FOP ST(0), ST(j) */
			memcpy(pair, (const uint8_t[]){ 0xD9, (uint8_t)(0xC0 | i), 0xD8,
							(uint8_t)(0xC0 | op_r << 3 | below(&r, 8)) }, 4);
			break;
		default: /* FLD ST(i); FSQRT */
			memcpy(pair, (const uint8_t[]){ 0xD9, (uint8_t)(0xC0 | i), 0xD9, 0xFA }, 4);
			break;
		}
		uint8_t img[IMG], op[OPBUF], code[32];
		rand_image(&r, img);
		img[0] |= 0x3F; /* all masked: the second instruction waits, and #MF would end the host's run */
		rand_operand(&r, op);
		uint32_t fl = (uint32_t)next(&r) & FL_OSZAPC;
		size_t n = build_code(code, pair, 4);
		struct outcome host, emu;
		run_native(exec, code, n, img, op, fl, &host);
		run_emulated(t, code, n, img, op, fl, 4, &emu);
		cases++;
		if (!outcomes_agree(&host, &emu) && failures++ < 4) {
			fprintf(stderr, "mismatch: %02x %02x %02x %02x (case %u)\n", pair[0], pair[1],
				pair[2], pair[3], it);
			explain(img, op, &host, &emu);
		}
	}
	fprintf(stderr, "x87 pairs against the host: %u cases, %u mismatches\n", cases, failures);
	tvm_free(t);
	munmap(exec, 4096);
	assert_int_equal(failures, 0);
}

#else

static void print_reg(const char *what, const uint8_t *b)
{
	fprintf(stderr, " %s %04x:%016llx", what, w16(b + 8),
		(unsigned long long)((uint64_t)w16(b + 6) << 48 | (uint64_t)w16(b + 4) << 32 |
				     (uint64_t)w16(b + 2) << 16 | w16(b)));
}

/* A mismatch in words: control, status and tag words, the registers that differ, the operand. */
static void explain(const uint8_t *img, const uint8_t *op, const struct outcome *h,
		    const struct outcome *e)
{
	fprintf(stderr, "  fcw %04x  fsw %04x -> host %04x emu %04x   ftw %04x -> host %04x emu %04x   fop host %03x emu %03x\n",
		w16(img), w16(img + 4), w16(h->img + 4), w16(e->img + 4), w16(img + 8),
		w16(h->img + 8), w16(e->img + 8), w16(h->img + 18), w16(e->img + 18));
	for (unsigned i = 0; i < 8; i++) {
		fprintf(stderr, "  ST%u", i);
		print_reg("in", img + 28 + 10 * i);
		print_reg("host", h->img + 28 + 10 * i);
		if (memcmp(h->img + 28 + 10 * i, e->img + 28 + 10 * i, 10))
			print_reg("EMU", e->img + 28 + 10 * i);
		fprintf(stderr, "\n");
	}
	dump("op in  ", op, 16);
	if (memcmp(h->op, e->op, OPBUF)) {
		dump("op host", h->op, 16);
		dump("op emu ", e->op, 16);
	}
}

static void test_against_host(void **state)
{
	(void)state;
	skip(); /* no host x87 to compare with */
}

static void test_pairs_against_host(void **state)
{
	test_against_host(state);
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mf),
		cmocka_unit_test(test_stack_faults),
		cmocka_unit_test(test_fxam),
		cmocka_unit_test(test_fcomi),
		cmocka_unit_test(test_env_layout),
		cmocka_unit_test(test_env_images),
		cmocka_unit_test(test_spill_reload),
		cmocka_unit_test(test_against_host),
		cmocka_unit_test(test_pairs_against_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
