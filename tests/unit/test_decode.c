/* test_decode.c - the decoder, the decoded-code cache and the run loop: decoded forms, warm-cache
 * reuse, self-modifying code, budgets, and the exceptions decode itself raises.
 *
 * Expected values come from DVA-1 sections 1, 2, 4 and 6, the Intel SDM Vol. 2 (ModRM/SIB
 * encodings, Table 2-1 and 2-2/2-3; relative branch targets, JMP/Jcc "Operation") and the
 * decoded-form contract in cpu/insn.h and the helpers' brief.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/decode.h"
#include "cpu/insn.h"
#include "tests/unit/harness.h"

/* Register values before every test: distinct, so a change anywhere shows. EBX points at the
 * data words so memory forms `[ebx]` touch TVM_DATA. */
static const uint32_t regs0[GPRS] = {
	0x11111111, 0x22222222, 0x33333333, TVM_DATA, TVM_STACK, 0x66666666, 0x77777777, 0x88888888,
};
#define FLAGS0 (FL_FIXED1 | FL_CF | FL_ZF)

/* A machine with code (hex) at addr, registers regs0, EIP = addr. */
static struct tvm *vm_at(const char *hex, uint32_t addr)
{
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[64];
	size_t n = tvm_hex(hex, code, sizeof(code));
	tvm_poke(t, addr, code, n);
	memcpy(c->r, regs0, sizeof(regs0));
	c->eflags = FLAGS0;
	c->eip = addr;
	return t;
}

static struct tvm *vm(const char *hex)
{
	return vm_at(hex, TVM_CODE);
}

/* Decode the instruction at TVM_CODE into *in; returns decode_one's result. */
static int decode(const char *hex, struct insn *in)
{
	struct tvm *t = vm(hex);
	int r = decode_one(tvm_cpu(t), TVM_CODE, in);
	tvm_free(t);
	return r;
}

/* ---- decoded forms --------------------------------------------------------------------------- */

static void test_register_operands_are_byte_offsets(void **state)
{
	(void)state;
	struct insn in;
	/* 88 /r: MOV r/m8, r8; ModRM e7 = mod 11, reg 100 (AH), rm 111 (BH). */
	assert_true(decode("88 e7", &in) >= 0);
	assert_int_equal(in.len, 2);
	assert_int_equal(in.mnem, ZYDIS_MNEMONIC_MOV);
	assert_int_equal(in.kind[0], OPK_REG);
	assert_int_equal(in.kind[1], OPK_REG);
	assert_int_equal(in.reg[0], 13); /* BH: byte 1 of EBX */
	assert_int_equal(in.reg[1], 1);  /* AH */
	assert_int_equal(in.sz[0], 1);
	assert_int_equal(in.sz[1], 1);
	assert_int_equal(in.kind[2], OPK_NONE);

	/* 88 c1: MOV CL, AL. */
	assert_true(decode("88 c1", &in) >= 0);
	assert_int_equal(in.reg[0], 4);
	assert_int_equal(in.reg[1], 0);

	/* 89 c8: MOV EAX, ECX (89 /r: rm is the destination). */
	assert_true(decode("89 c8", &in) >= 0);
	assert_int_equal(in.reg[0], 0);
	assert_int_equal(in.reg[1], 4);
	assert_int_equal(in.sz[0], 4);
	assert_int_equal(in.sz[1], 4);
	assert_int_equal(insn_asz(&in), 4);

	/* 66 89 d9: MOV CX, BX. */
	assert_true(decode("66 89 d9", &in) >= 0);
	assert_int_equal(in.len, 3);
	assert_int_equal(in.reg[0], 4);
	assert_int_equal(in.reg[1], 12);
	assert_int_equal(in.sz[0], 2);
	assert_int_equal(in.sz[1], 2);

	/* 89 e7: MOV EDI, ESP; 88 f6: MOV DH, DH. */
	assert_true(decode("89 e7", &in) >= 0);
	assert_int_equal(in.reg[0], 28);
	assert_int_equal(in.reg[1], 16);
	assert_true(decode("88 f6", &in) >= 0);
	assert_int_equal(in.reg[0], 9);
	assert_int_equal(in.reg[1], 9);
}

static void test_memory_operands_base_index_scale_disp(void **state)
{
	(void)state;
	struct insn in;
	/* 8b 84 8b 78 56 34 12: MOV EAX, [EBX + ECX*4 + 0x12345678] (mod 10, SIB scale 4). */
	assert_true(decode("8b 84 8b 78 56 34 12", &in) >= 0);
	assert_int_equal(in.len, 7);
	assert_int_equal(in.kind[0], OPK_REG);
	assert_int_equal(in.reg[0], 0);
	assert_int_equal(in.kind[1], OPK_MEM);
	assert_int_equal(in.sz[1], 4);
	assert_int_equal(in.base, REG_EBX);
	assert_int_equal(in.index, REG_ECX);
	assert_int_equal(in.scale, 2);
	assert_int_equal(in.disp, 0x12345678);
	assert_int_equal(insn_asz(&in), 4);

	/* 8b 43 f0: MOV EAX, [EBX - 0x10]: disp8 sign-extended. */
	assert_true(decode("8b 43 f0", &in) >= 0);
	assert_int_equal(in.base, REG_EBX);
	assert_int_equal(in.index, NOREG);
	assert_int_equal(in.disp, 0xFFFFFFF0u);

	/* 8b 3c 24: MOV EDI, [ESP] (SIB with no index). */
	assert_true(decode("8b 3c 24", &in) >= 0);
	assert_int_equal(in.reg[0], 28);
	assert_int_equal(in.base, REG_ESP);
	assert_int_equal(in.index, NOREG);
	assert_int_equal(in.disp, 0);

	/* 8b 04 25 00 80 00 00: MOV EAX, [0x8000] (SIB, no base, no index). */
	assert_true(decode("8b 04 25 00 80 00 00", &in) >= 0);
	assert_int_equal(in.base, NOREG);
	assert_int_equal(in.index, NOREG);
	assert_int_equal(in.disp, 0x8000);

	/* 8b 04 b5 00 80 00 00: MOV EAX, [ESI*4 + 0x8000]. */
	assert_true(decode("8b 04 b5 00 80 00 00", &in) >= 0);
	assert_int_equal(in.base, NOREG);
	assert_int_equal(in.index, REG_ESI);
	assert_int_equal(in.scale, 2);
	assert_int_equal(in.disp, 0x8000);

	/* 8d 44 cd 00: LEA EAX, [EBP + ECX*8 + 0]. */
	assert_true(decode("8d 44 cd 00", &in) >= 0);
	assert_int_equal(in.base, REG_EBP);
	assert_int_equal(in.index, REG_ECX);
	assert_int_equal(in.scale, 3);
	assert_int_equal(in.disp, 0);

	/* 8a 6e 10: MOV CH, [ESI + 0x10]. */
	assert_true(decode("8a 6e 10", &in) >= 0);
	assert_int_equal(in.reg[0], 5);
	assert_int_equal(in.sz[0], 1);
	assert_int_equal(in.sz[1], 1);
	assert_int_equal(in.base, REG_ESI);
	assert_int_equal(in.disp, 0x10);

	/* a1 78 56 34 12: MOV EAX, moffs32. */
	assert_true(decode("a1 78 56 34 12", &in) >= 0);
	assert_int_equal(in.kind[1], OPK_MEM);
	assert_int_equal(in.base, NOREG);
	assert_int_equal(in.index, NOREG);
	assert_int_equal(in.disp, 0x12345678);
}

static void test_address_size_prefix_gives_asz_2(void **state)
{
	(void)state;
	struct insn in;
	/* 16-bit ModRM (SDM Vol. 2 Table 2-1): rm 111 = [BX], 000 = [BX+SI], 010 = [BP+SI]. */
	assert_true(decode("67 8b 07", &in) >= 0);
	assert_int_equal(insn_asz(&in), 2);
	assert_int_equal(in.len, 3);
	assert_int_equal(in.base, REG_EBX);
	assert_int_equal(in.index, NOREG);
	assert_true(decode("67 8b 00", &in) >= 0);
	assert_int_equal(insn_asz(&in), 2);
	assert_int_equal(in.base, REG_EBX);
	assert_int_equal(in.index, REG_ESI);
	assert_int_equal(in.scale, 0);
	assert_true(decode("67 8b 42 10", &in) >= 0);
	assert_int_equal(insn_asz(&in), 2);
	assert_int_equal(in.base, REG_EBP);
	assert_int_equal(in.index, REG_ESI);
	assert_int_equal(in.disp, 0x10);
	/* Without the prefix rm 111 is [EDI]. */
	assert_true(decode("8b 07", &in) >= 0);
	assert_int_equal(insn_asz(&in), 4);
	assert_int_equal(in.base, REG_EDI);
}

static void test_immediates_are_sign_extended(void **state)
{
	(void)state;
	struct insn in;
	/* 83 /0 ib: ADD r/m32, imm8 sign-extended. */
	assert_true(decode("83 c0 ff", &in) >= 0);
	assert_int_equal(in.mnem, ZYDIS_MNEMONIC_ADD);
	assert_int_equal(in.kind[1], OPK_IMM);
	assert_int_equal(in.imm, 0xFFFFFFFFu);
	assert_true(decode("83 c1 7f", &in) >= 0);
	assert_int_equal(in.reg[0], 4);
	assert_int_equal(in.imm, 0x7F);
	/* 66 83 c0 80: ADD AX, -128. */
	assert_true(decode("66 83 c0 80", &in) >= 0);
	assert_int_equal(in.sz[0], 2);
	assert_int_equal(in.imm, 0xFFFFFF80u);
	/* 81 c1 imm32. */
	assert_true(decode("81 c1 78 56 34 12", &in) >= 0);
	assert_int_equal(in.imm, 0x12345678);
	assert_int_equal(in.len, 6);
	/* 6b c1 fe: IMUL EAX, ECX, -2: the immediate is the third operand. */
	assert_true(decode("6b c1 fe", &in) >= 0);
	assert_int_equal(in.kind[2], OPK_IMM);
	assert_int_equal(in.reg[2] ? in.imm2 : in.imm, 0xFFFFFFFEu);
}

/* Relative targets are absolute, and masked to 16 bits under 0x66 (SDM Vol. 2, JMP: "IF
 * OperandSize = 16 THEN EIP <- tempEIP AND 0000FFFFH"). */
static void expect_target(const char *hex, uint32_t at, uint32_t want)
{
	struct tvm *t = vm_at(hex, at);
	struct insn in;
	int r = decode_one(tvm_cpu(t), at, &in);
	tvm_free(t);
	if (r < 0 || in.kind[0] != OPK_IMM || in.imm != want)
		fail_msg("%s at %#x: decode %d kind %d target %#x, want %#x", hex, at, r, in.kind[0],
			 in.imm, want);
}

static void test_relative_branch_targets_are_absolute(void **state)
{
	(void)state;
	expect_target("eb fe", 0x1000, 0x1000);              /* JMP $ */
	expect_target("eb 80", 0x1000, 0x0F82);              /* rel8 -128 */
	expect_target("e9 00 80 00 00", 0x1000, 0x9005);     /* rel32 */
	expect_target("e9 fb ef ff ff", 0x2000, 0x1000);     /* rel32 backwards */
	expect_target("75 10", 0x1000, 0x1012);              /* JNZ rel8 */
	expect_target("0f 84 00 01 00 00", 0x1000, 0x1106);  /* JZ rel32 */
	expect_target("e8 00 00 00 00", 0x3000, 0x3005);     /* CALL rel32 */
	expect_target("66 e9 00 80", 0x1000, 0x9004);        /* 0x1004 - 0x8000, masked */
	expect_target("66 eb 00", 0x12000, 0x2003);          /* above 64 KiB: masked */
	expect_target("66 0f 85 fb ff", 0x23456, 0x3456);    /* JNZ rel16 to itself, masked */
}

static void test_rmw_and_lock_prefix_flags(void **state)
{
	(void)state;
	struct insn in;
	assert_true(decode("01 03", &in) >= 0); /* ADD [EBX], EAX */
	assert_true(in.pfx & PFX_RMW);
	assert_false(in.pfx & PFX_LOCK);
	assert_true(decode("ff 03", &in) >= 0); /* INC dword [EBX] */
	assert_true(in.pfx & PFX_RMW);
	assert_true(decode("39 03", &in) >= 0); /* CMP [EBX], EAX: read only */
	assert_false(in.pfx & PFX_RMW);
	assert_true(decode("01 d8", &in) >= 0); /* ADD EAX, EBX: no memory */
	assert_false(in.pfx & PFX_RMW);
	assert_true(decode("89 03", &in) >= 0); /* MOV [EBX], EAX: write only */
	assert_false(in.pfx & PFX_RMW);
	assert_true(decode("8b 03", &in) >= 0); /* MOV EAX, [EBX] */
	assert_false(in.pfx & PFX_RMW);
	assert_true(decode("03 03", &in) >= 0); /* ADD EAX, [EBX]: memory is the source */
	assert_false(in.pfx & PFX_RMW);
	assert_true(decode("f0 01 03", &in) >= 0); /* LOCK ADD [EBX], EAX */
	assert_true(in.pfx & PFX_LOCK);
	assert_true(in.pfx & PFX_RMW);
	assert_int_equal(in.len, 3);
	assert_true(decode("f0 ff 03", &in) >= 0); /* LOCK INC dword [EBX] */
	assert_true(in.pfx & PFX_LOCK);
	/* A misplaced LOCK decodes to a fault entry. */
	assert_int_equal(decode("f0 01 d8", &in), -1);
	assert_int_equal(decode("f0 89 03", &in), -1);
}

static void test_lock_add_to_memory_executes(void **state)
{
	(void)state;
	struct tvm *t = vm("f0 01 03");
	struct cpu *c = tvm_cpu(t);
	uint32_t m = 0x100;
	tvm_poke(t, TVM_DATA, &m, 4);
	assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
	tvm_peek(t, TVM_DATA, &m, 4);
	assert_int_equal(m, 0x100 + regs0[REG_EAX]);
	assert_int_equal(c->eip, TVM_CODE + 3);
	assert_int_equal(c->instret, 1);
	tvm_free(t);
}

/* ---- the cache ---------------------------------------------------------------------------- */

static void test_warm_block_is_not_decoded_again(void **state)
{
	(void)state;
	/* INC EAX; INC ECX; INC EDX; IDLE. */
	struct tvm *t = vm("40 41 42 0f 3f 01");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 100), CPU_EXIT_IDLE);
	struct cache_stats s1 = c->cache.stats;
	assert_true(s1.misses >= 1);
	assert_true(s1.decodes >= 3);
	for (int pass = 0; pass < 3; pass++) {
		c->eip = TVM_CODE;
		assert_int_equal(tvm_run(t, 100), CPU_EXIT_IDLE);
	}
	assert_int_equal(c->cache.stats.misses, s1.misses);
	assert_int_equal(c->cache.stats.decodes, s1.decodes);
	assert_true(c->cache.stats.lookups > s1.lookups);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 4);
	assert_int_equal(c->r[REG_EDX], regs0[REG_EDX] + 4);
	assert_int_equal(c->instret, 16);
	tvm_free(t);
}

static void test_warm_loop_is_not_decoded_again(void **state)
{
	(void)state;
	/* loop: INC EAX; ADD ECX, 2; JMP loop. */
	struct tvm *t = vm("40 83 c1 02 eb fa");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 30), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 10);
	struct cache_stats s1 = c->cache.stats;
	assert_int_equal(tvm_run(t, 300), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 110);
	assert_int_equal(c->r[REG_ECX], regs0[REG_ECX] + 220);
	assert_int_equal(c->eip, TVM_CODE);
	assert_int_equal(c->instret, 330);
	assert_int_equal(c->cache.stats.misses, s1.misses);
	assert_int_equal(c->cache.stats.decodes, s1.decodes);
	tvm_free(t);
}

/* DVA-1 section 1: a store that changes an instruction not yet executed, including the very
 * next one, takes effect before that instruction runs. */
static void test_store_to_the_next_instruction_takes_effect(void **state)
{
	(void)state;
	/* 1000: MOV byte [0x1007], 0x40 (INC EAX); 1007: NOP; 1008: IDLE. */
	struct tvm *t = vm("c6 05 07 10 00 00 40 90 0f 3f 01");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 1);
	assert_int_equal(c->instret, 3);
	assert_int_equal(c->eip, TVM_CODE + 11);
	tvm_free(t);
}

static void test_store_to_a_later_instruction_in_the_block_takes_effect(void **state)
{
	(void)state;
	/* 1000: MOV dword [0x100D], 0x12345678 (the imm32 of the MOV EAX at 100C);
	 * 100A: NOP; 100B: NOP; 100C: MOV EAX, 0; 1011: INC ECX; 1012: IDLE. */
	struct tvm *t = vm("c7 05 0d 10 00 00 78 56 34 12 90 90 b8 00 00 00 00 41 0f 3f 01");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->r[REG_EAX], 0x12345678);
	assert_int_equal(c->r[REG_ECX], regs0[REG_ECX] + 1);
	assert_int_equal(c->instret, 6);
	tvm_free(t);
}

static void test_store_to_cached_code_invalidates_it(void **state)
{
	(void)state;
	/* 2000: INC EAX; IDLE.   1000: MOV byte [0x2000], 0x41 (INC ECX); IDLE. */
	struct tvm *t = vm("c6 05 00 20 00 00 41 0f 3f 01");
	struct cpu *c = tvm_cpu(t);
	static const uint8_t other[] = { 0x40, 0x0f, 0x3f, 0x01 };
	tvm_poke(t, 0x2000, other, sizeof(other));

	c->eip = 0x2000;
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 1);
	c->eip = 0x2000; /* warm it: the block at 0x2000 is cached now */
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 2);
	uint64_t inval = c->cache.stats.invalidations;

	c->eip = TVM_CODE;
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_true(c->cache.stats.invalidations > inval);

	c->eip = 0x2000;
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 2); /* the old INC EAX did not run */
	assert_int_equal(c->r[REG_ECX], regs0[REG_ECX] + 1);
	assert_int_equal(c->instret, 8);
	tvm_free(t);
}

/* ---- the budget ---------------------------------------------------------------------------- */

static void test_run_retires_exactly_the_budget(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t nops[300];
	memset(nops, 0x90, sizeof(nops));
	tvm_poke(t, TVM_CODE, nops, sizeof(nops));

	assert_int_equal(tvm_run(t, 7), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 7);
	assert_int_equal(c->eip, TVM_CODE + 7);
	assert_int_equal(tvm_run(t, 100), CPU_EXIT_BUDGET); /* more than one block */
	assert_int_equal(c->instret, 107);
	assert_int_equal(c->eip, TVM_CODE + 107);
	assert_int_equal(tvm_run(t, 0), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 107);
	assert_int_equal(c->eip, TVM_CODE + 107);

	/* A warm, long block is cut short by a small budget. */
	c->eip = TVM_CODE;
	assert_int_equal(tvm_run(t, 3), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 110);
	assert_int_equal(c->eip, TVM_CODE + 3);
	for (int i = 0; i < 5; i++)
		assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 115);
	assert_int_equal(c->eip, TVM_CODE + 8);
	tvm_free(t);
}

static void test_budget_ending_just_before_idle(void **state)
{
	(void)state;
	struct tvm *t = vm("40 40 0f 3f 01");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 2), CPU_EXIT_BUDGET);
	assert_int_equal(c->eip, TVM_CODE + 2);
	assert_int_equal(c->instret, 2);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 2);
	assert_int_equal(tvm_run(t, 1), CPU_EXIT_IDLE);
	assert_int_equal(c->eip, TVM_CODE + 5);
	assert_int_equal(c->instret, 3);
	tvm_free(t);
}

/* ---- exceptions decode makes --------------------------------------------------------------------- */

/* Run from the current state and expect a fault with nothing changed. Prints each mismatch
 * and returns how many there were, so a table reports every failing row. */
static int check_fault_here(const char *name, struct tvm *t, uint32_t vector, uint32_t error,
			    bool pf, uint32_t addr)
{
	struct cpu *c = tvm_cpu(t);
	uint32_t r[GPRS], eip = c->eip, fl = c->eflags, m[4], m2[4];
	uint64_t instret = c->instret;
	int bad = 0;
	memcpy(r, c->r, sizeof(r));
	tvm_peek(t, TVM_DATA, m, sizeof(m));
	c->fault = (struct dva_fault){ 0xEE, 0xEE, 0xEE };

	enum cpu_exit ex = tvm_run(t, 5);
	tvm_peek(t, TVM_DATA, m2, sizeof(m2));
	if (ex != CPU_EXIT_FAULT) {
		print_error("%s: exit %d, want %d (a fault); eip %#x, instret %llu\n", name, (int)ex,
			    CPU_EXIT_FAULT, c->eip, (unsigned long long)c->instret);
		return 1;
	}
	if (c->fault.vector != vector || c->fault.error != error) {
		print_error("%s: vector %u error %#x, want vector %u error %#x\n", name,
			    c->fault.vector, c->fault.error, vector, error);
		bad++;
	}
	if (pf && c->fault.addr != addr) {
		print_error("%s: fault addr %#x, want %#x\n", name, c->fault.addr, addr);
		bad++;
	}
	if (c->eip != eip) {
		print_error("%s: eip %#x, want %#x\n", name, c->eip, eip);
		bad++;
	}
	if (memcmp(r, c->r, sizeof(r)) || c->eflags != fl) {
		print_error("%s: registers or flags changed\n", name);
		bad++;
	}
	if (memcmp(m, m2, sizeof(m))) {
		print_error("%s: memory changed\n", name);
		bad++;
	}
	if (c->instret != instret) {
		print_error("%s: instret %llu, want %llu\n", name, (unsigned long long)c->instret,
			    (unsigned long long)instret);
		bad++;
	}
	return bad;
}

static void expect_fault_here(const char *name, struct tvm *t, uint32_t vector, uint32_t error,
			      bool pf, uint32_t addr)
{
	if (check_fault_here(name, t, vector, error, pf, addr))
		fail_msg("%s", name);
}

static void test_fetch_from_page0_is_pf_0x15(void **state)
{
	(void)state;
	static const uint32_t where[] = { 0x800, 0, 0xFFF, 0x20 };
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		struct tvm *t = vm("90");
		tvm_cpu(t)->eip = where[i];
		expect_fault_here("fetch from page 0", t, DVA_VEC_PF, 0x15, true, where[i]);
		tvm_free(t);
	}
}

static void test_jump_to_page0_faults_at_the_target(void **state)
{
	(void)state;
	/* JMP 0x800 from 0x1000: rel32 = 0x800 - 0x1005. The JMP retires; the fetch faults. */
	struct tvm *t = vm("e9 fb f7 ff ff");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 5), CPU_EXIT_FAULT);
	assert_int_equal(c->fault.vector, DVA_VEC_PF);
	assert_int_equal(c->fault.error, 0x15);
	assert_int_equal(c->fault.addr, 0x800);
	assert_int_equal(c->eip, 0x800);
	assert_int_equal(c->instret, 1);
	assert_memory_equal(c->r, regs0, sizeof(regs0));
	tvm_free(t);
}

static void test_instruction_running_past_mem_size_is_pf_0x14(void **state)
{
	(void)state;
	/* A 5-byte MOV EAX, imm32 with only 2 bytes in memory. */
	struct tvm *t = vm_at("b8 11", TVM_MEM - 2);
	expect_fault_here("mov eax past the end", t, DVA_VEC_PF, 0x14, true, TVM_MEM);
	tvm_free(t);
	/* One byte of a two-byte opcode. */
	t = vm_at("0f", TVM_MEM - 1);
	expect_fault_here("0f at the last byte", t, DVA_VEC_PF, 0x14, true, TVM_MEM);
	tvm_free(t);
	/* Two bytes of a virtual instruction. */
	t = vm_at("0f 3f", TVM_MEM - 2);
	expect_fault_here("0f 3f at the end", t, DVA_VEC_PF, 0x14, true, TVM_MEM);
	tvm_free(t);
	/* EIP at mem_size. */
	t = vm("90");
	tvm_cpu(t)->eip = TVM_MEM;
	expect_fault_here("eip at mem_size", t, DVA_VEC_PF, 0x14, true, TVM_MEM);
	tvm_free(t);
}

static void test_instruction_ending_at_mem_size_runs(void **state)
{
	(void)state;
	struct tvm *t = vm_at("b8 11 22 33 44", TVM_MEM - 5);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 5), CPU_EXIT_FAULT); /* the MOV retires, the next fetch faults */
	assert_int_equal(c->r[REG_EAX], 0x44332211);
	assert_int_equal(c->instret, 1);
	assert_int_equal(c->eip, TVM_MEM);
	assert_int_equal(c->fault.vector, DVA_VEC_PF);
	assert_int_equal(c->fault.error, 0x14);
	assert_int_equal(c->fault.addr, TVM_MEM);
	tvm_free(t);
}

/* One instruction that must fault when executed, with nothing changed. */
struct fault_row {
	const char *name;
	const char *code;
	uint32_t vector;
	uint32_t error;
};

static void run_fault_rows(const struct fault_row *rows, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		struct tvm *t = vm(rows[i].code);
		failed += check_fault_here(rows[i].name, t, rows[i].vector, rows[i].error, false, 0) ? 1 : 0;
		tvm_free(t);
	}
	if (failed)
		fail_msg("%d of %zu rows failed", failed, n);
}
#define RUN_FAULT_ROWS(rows) run_fault_rows((rows), sizeof(rows) / sizeof((rows)[0]))

/* vectors: ud2
 * SDM Vol. 2B, UD (UD0, UD1, UD2), Operation: #UD (invalid opcode) in every mode; nothing else
 * happens. DVA-1 section 2: every #UD other than a removed instruction's has fault_error = 0,
 * and a fault changes nothing (section 1): EIP stays at the UD2, nothing retires. */
static void test_undecodable_bytes_are_ud_0(void **state)
{
	(void)state;
	static const struct fault_row rows[] = {
		{ "UD2 (0f 0b) is #UD with error 0", "0f 0b", DVA_VEC_UD, 0 },
		{ "UD2 with an operand-size prefix (66 0f 0b) is #UD with error 0", "66 0f 0b", DVA_VEC_UD, 0 },
		{ "UD2 with a segment prefix (2e 0f 0b) is #UD with error 0", "2e 0f 0b", DVA_VEC_UD, 0 },
		{ "UD0 (0f ff) is #UD with error 0", "0f ff 00", DVA_VEC_UD, 0 },
		{ "UD1 (0f b9) is #UD with error 0", "0f b9 00", DVA_VEC_UD, 0 },
		{ "the undocumented SALC (d6) is #UD with error 0", "d6", DVA_VEC_UD, 0 },
	};
	RUN_FAULT_ROWS(rows);
}

/* vectors: hlt
 * HLT is privileged on x86 (SDM Vol. 2A, HLT: #GP(0) at CPL > 0) and removed in DVA-1: section 2
 * lists it among the instructions that raise #UD (vector 6) with fault_error = 1. As a fault it
 * changes nothing and does not retire (sections 1 and 6). The other removed instructions follow
 * the same rule. */
static void test_removed_instructions_are_ud_1(void **state)
{
	(void)state;
	static const struct fault_row rows[] = {
		{ "HLT is removed", "f4", DVA_VEC_UD, 1 },
		{ "HLT with a segment prefix (2e f4) is still HLT: removed", "2e f4", DVA_VEC_UD, 1 },
		{ "HLT with an operand-size prefix (66 f4) is still HLT: removed", "66 f4", DVA_VEC_UD, 1 },
		{ "CLI is removed", "fa", DVA_VEC_UD, 1 },
		{ "STI is removed", "fb", DVA_VEC_UD, 1 },
		{ "MOV DS, AX is removed", "8e d8", DVA_VEC_UD, 1 },
		{ "MOV AX, DS is removed", "8c d8", DVA_VEC_UD, 1 },
		{ "MOV [EBX], ES is removed", "8c 03", DVA_VEC_UD, 1 },
		{ "PUSH DS is removed", "1e", DVA_VEC_UD, 1 },
		{ "POP ES is removed", "07", DVA_VEC_UD, 1 },
		{ "PUSH FS is removed", "0f a0", DVA_VEC_UD, 1 },
		{ "LDS EAX, [EBX] is removed", "c5 03", DVA_VEC_UD, 1 },
		{ "LSS EAX, [EBX] is removed", "0f b2 03", DVA_VEC_UD, 1 },
		{ "far JMP ptr16:32 is removed", "ea 00 10 00 00 08 00", DVA_VEC_UD, 1 },
		{ "far JMP m16:32 is removed", "ff 2b", DVA_VEC_UD, 1 },
		{ "far CALL ptr16:32 is removed", "9a 00 10 00 00 08 00", DVA_VEC_UD, 1 },
		{ "far RET is removed", "cb", DVA_VEC_UD, 1 },
		{ "SGDT [EAX] is removed", "0f 01 00", DVA_VEC_UD, 1 },
		{ "SIDT [EAX] is removed", "0f 01 08", DVA_VEC_UD, 1 },
		{ "SMSW EAX is removed", "0f 01 e0", DVA_VEC_UD, 1 },
		{ "STR EAX is removed", "0f 00 c8", DVA_VEC_UD, 1 },
		{ "CLTS is removed", "0f 06", DVA_VEC_UD, 1 },
		{ "WBINVD is removed", "0f 09", DVA_VEC_UD, 1 },
		{ "ARPL is removed", "63 d8", DVA_VEC_UD, 1 },
		{ "INT1 is removed", "f1", DVA_VEC_UD, 1 },
		{ "RDMSR is removed", "0f 32", DVA_VEC_UD, 1 },
		{ "WRMSR is removed", "0f 30", DVA_VEC_UD, 1 },
		{ "RDPMC is removed", "0f 33", DVA_VEC_UD, 1 },
		{ "SYSENTER is removed", "0f 34", DVA_VEC_UD, 1 },
		{ "MOV EAX, CR0 is removed", "0f 20 c0", DVA_VEC_UD, 1 },
		{ "MOV DR7, EAX is removed", "0f 23 f8", DVA_VEC_UD, 1 },
	};
	RUN_FAULT_ROWS(rows);
}

static void test_sse_mmx_and_bad_virtual_instructions_are_ud_0(void **state)
{
	(void)state;
	static const struct fault_row rows[] = {
		{ "SSE ADDPS is #UD 0", "0f 58 c1", DVA_VEC_UD, 0 },
		{ "SSE2 PADDD xmm is #UD 0", "66 0f fe c1", DVA_VEC_UD, 0 },
		{ "MMX MOVQ mm is #UD 0", "0f 6f c1", DVA_VEC_UD, 0 },
		{ "EMMS is #UD 0", "0f 77", DVA_VEC_UD, 0 },
		{ "0f 3f 03 is #UD 0", "0f 3f 03", DVA_VEC_UD, 0 },
		{ "0f 3f 00 is #UD 0", "0f 3f 00", DVA_VEC_UD, 0 },
		{ "0f 3f ff is #UD 0", "0f 3f ff", DVA_VEC_UD, 0 },
		{ "0x66 before IDLE is #UD 0", "66 0f 3f 01", DVA_VEC_UD, 0 },
		{ "REP before TERMINATE is #UD 0", "f3 0f 3f 02", DVA_VEC_UD, 0 },
		{ "CS: before IDLE is #UD 0", "2e 0f 3f 01", DVA_VEC_UD, 0 },
		{ "LOCK before IDLE is #UD 0", "f0 0f 3f 01", DVA_VEC_UD, 0 },
	};
	RUN_FAULT_ROWS(rows);
}

static void test_misplaced_lock_is_ud_0(void **state)
{
	(void)state;
	static const struct fault_row rows[] = {
		{ "LOCK ADD EAX, EBX (no memory) is #UD 0", "f0 01 d8", DVA_VEC_UD, 0 },
		{ "LOCK MOV [EBX], EAX is #UD 0", "f0 89 03", DVA_VEC_UD, 0 },
		{ "LOCK MOV EAX, [EBX] is #UD 0", "f0 8b 03", DVA_VEC_UD, 0 },
		{ "LOCK CMP [EBX], EAX is #UD 0", "f0 39 03", DVA_VEC_UD, 0 },
		{ "LOCK NOP is #UD 0", "f0 90", DVA_VEC_UD, 0 },
		{ "LOCK INC EAX is #UD 0", "f0 40", DVA_VEC_UD, 0 },
		{ "LOCK CPUID is #UD 0", "f0 0f a2", DVA_VEC_UD, 0 },
	};
	RUN_FAULT_ROWS(rows);
}

static void test_instruction_longer_than_15_bytes_is_gp0(void **state)
{
	(void)state;
	static const struct fault_row rows[] = {
		{ "15 CS prefixes and NOP (16 bytes) is #GP(0)",
		  "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 90", DVA_VEC_GP, 0 },
		{ "11 CS prefixes and ADD EAX, imm32 (16 bytes) is #GP(0)",
		  "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 05 01 00 00 00", DVA_VEC_GP, 0 },
		{ "16 operand-size prefixes and NOP (17 bytes) is #GP(0)",
		  "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", DVA_VEC_GP, 0 },
	};
	RUN_FAULT_ROWS(rows);

	/* 15 bytes exactly is fine: 10 CS prefixes and ADD EAX, 1. */
	struct tvm *t = vm("2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 05 01 00 00 00");
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 1);
	assert_int_equal(c->eip, TVM_CODE + 15);
	tvm_free(t);
}

/* A fault in the middle of a block: the instructions before it retire, the fault leaves EIP
 * at the faulting one. */
static void test_fault_after_retired_instructions_in_a_block(void **state)
{
	(void)state;
	struct tvm *t = vm("40 41 f4 42"); /* HLT: removed, #UD 1 */
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_FAULT);
	assert_int_equal(c->fault.vector, DVA_VEC_UD);
	assert_int_equal(c->fault.error, 1);
	assert_int_equal(c->eip, TVM_CODE + 2);
	assert_int_equal(c->instret, 2);
	assert_int_equal(c->r[REG_EAX], regs0[REG_EAX] + 1);
	assert_int_equal(c->r[REG_ECX], regs0[REG_ECX] + 1);
	assert_int_equal(c->r[REG_EDX], regs0[REG_EDX]);
	/* Running again from there faults the same way, from a cached block. */
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_FAULT);
	assert_int_equal(c->eip, TVM_CODE + 2);
	assert_int_equal(c->instret, 2);
	tvm_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* decoded forms */
		cmocka_unit_test(test_register_operands_are_byte_offsets),
		cmocka_unit_test(test_memory_operands_base_index_scale_disp),
		cmocka_unit_test(test_address_size_prefix_gives_asz_2),
		cmocka_unit_test(test_immediates_are_sign_extended),
		cmocka_unit_test(test_relative_branch_targets_are_absolute),
		cmocka_unit_test(test_rmw_and_lock_prefix_flags),
		cmocka_unit_test(test_lock_add_to_memory_executes),
		/* cache and self-modifying code */
		cmocka_unit_test(test_warm_block_is_not_decoded_again),
		cmocka_unit_test(test_warm_loop_is_not_decoded_again),
		cmocka_unit_test(test_store_to_the_next_instruction_takes_effect),
		cmocka_unit_test(test_store_to_a_later_instruction_in_the_block_takes_effect),
		cmocka_unit_test(test_store_to_cached_code_invalidates_it),
		/* budget */
		cmocka_unit_test(test_run_retires_exactly_the_budget),
		cmocka_unit_test(test_budget_ending_just_before_idle),
		/* exceptions decode makes */
		cmocka_unit_test(test_fetch_from_page0_is_pf_0x15),
		cmocka_unit_test(test_jump_to_page0_faults_at_the_target),
		cmocka_unit_test(test_instruction_running_past_mem_size_is_pf_0x14),
		cmocka_unit_test(test_instruction_ending_at_mem_size_runs),
		cmocka_unit_test(test_undecodable_bytes_are_ud_0),
		cmocka_unit_test(test_removed_instructions_are_ud_1),
		cmocka_unit_test(test_sse_mmx_and_bad_virtual_instructions_are_ud_0),
		cmocka_unit_test(test_misplaced_lock_is_ud_0),
		cmocka_unit_test(test_instruction_longer_than_15_bytes_is_gp0),
		cmocka_unit_test(test_fault_after_retired_instructions_in_a_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
