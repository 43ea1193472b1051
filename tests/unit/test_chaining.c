/* test_chaining.c - the fast path runs programs exactly as single-stepping does.
 *
 * Seeded random programs of the instructions the fast forms and chaining cover (ALU in all
 * sizes, INC/DEC, PUSH/POP, IMUL, SETcc, Jcc over the next instruction (alone and after a CMP
 * or TEST, which decode fuses), JMP over it, CALL and RET (returning to one of two places),
 * backward loops, reads of page 0's instret, CLC/STC/CMC, LEA,
 * loads and stores, MOVZX/MOVSX, RDTSC, REP STOSB/MOVSD, and stores that rewrite the code
 * being run) are run twice: by cpu_run in random budgets (the chained run loop) and with
 * tracing on (one instruction per step through the generic exits). After every budget the two
 * machines must agree on the exit, EIP, instret, registers, flags and memory, and a run that
 * stopped on its budget must have retired exactly that budget. */
#include "tests/unit/harness.h"

#include <stdio.h>
#include <string.h>

#include "tests/unit/rng.h"

#define CODE 0x1000u  /* the program; EBP points here (for the self-modifying stores) */
#define DATA 0x20000u /* EBX points here */
#define STACK 0x30000u

static const unsigned free_regs[] = { REG_EAX, REG_ECX, REG_EDX, REG_ESI, REG_EDI };

static unsigned dst(struct rng *r)
{
	return free_regs[below(r, 5)];
}

static size_t emit(struct rng *r, uint8_t *p);

/* The rel8 of a branch over one random instruction, then that instruction; returns the
 * length. Branches nest (a branch over a branch ...), so the body is built aside first. */
static size_t emit_over(struct rng *r, uint8_t *p)
{
	uint8_t body[256];
	size_t k = emit(r, body);
	assert_true(k <= 127);
	p[0] = (uint8_t)k;
	memcpy(p + 1, body, k);
	return k + 1;
}

/* Append one random instruction (or a short group) at p; returns its length. */
static size_t emit(struct rng *r, uint8_t *p)
{
	static const uint8_t alu_rr[] = { 0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x85 };
	static const uint8_t alu_rr8[] = { 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x84 };
	static const uint8_t alu_mem[] = { 0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x85,
					    0x03, 0x13, 0x1B, 0x3B };
	static const uint8_t flag_ops[] = { 0xF8, 0xF9, 0xF5 }; /* CLC STC CMC */
	size_t n = 0;
	switch (below(r, 32)) {
	case 0: /* ALU r32, r32 */
		p[n++] = alu_rr[below(r, 9)];
		p[n++] = (uint8_t)(0xC0 | below(r, 8) << 3 | dst(r));
		break;
	case 1: /* ALU r32, imm8 */
		p[n++] = 0x83;
		p[n++] = (uint8_t)(0xC0 | below(r, 8) << 3 | dst(r));
		p[n++] = (uint8_t)below(r, 256);
		break;
	case 2: /* ALU r8, r8 among AL, CL, AH, CH */
		p[n++] = alu_rr8[below(r, 9)];
		p[n++] = (uint8_t)(0xC0 | (below(r, 2) | below(r, 2) << 2) << 3 | below(r, 2) | below(r, 2) << 2);
		break;
	case 3: /* ALU r16, r16 */
		p[n++] = 0x66;
		p[n++] = (uint8_t)(0x01 + 8 * below(r, 8));
		p[n++] = (uint8_t)(0xC0 | below(r, 8) << 3 | dst(r));
		break;
	case 4: p[n++] = (uint8_t)(0x40 | dst(r)); break; /* INC */
	case 5: p[n++] = (uint8_t)(0x48 | dst(r)); break; /* DEC */
	case 6: /* PUSH r32; POP r32 */
		p[n++] = (uint8_t)(0x50 | below(r, 8));
		p[n++] = (uint8_t)(0x58 | dst(r));
		break;
	case 7: /* IMUL r32, r32 */
		p[n++] = 0x0F;
		p[n++] = 0xAF;
		p[n++] = (uint8_t)(0xC0 | dst(r) << 3 | below(r, 8));
		break;
	case 8:
	case 9: { /* Jcc over the next instruction */
		p[n++] = (uint8_t)(0x70 + below(r, 16));
		n += emit_over(r, p + n);
		break;
	}
	case 26: { /* CMP or TEST then Jcc over the next instruction: the fused pairs */
		static const uint8_t cmp_ops[] = { 0x39, 0x3B, 0x85, 0x38, 0x84 };
		switch (below(r, 4)) {
		case 0: /* r, r (32 and 8 bits) */
			p[n++] = cmp_ops[below(r, 5)];
			p[n++] = (uint8_t)(0xC0 | below(r, 4) << 3 | below(r, 4));
			break;
		case 1: /* CMP dword [EBX + d8], r32 / r32, [EBX + d8] */
			p[n++] = below(r, 2) ? 0x39 : 0x3B;
			p[n++] = (uint8_t)(0x43 | dst(r) << 3);
			p[n++] = (uint8_t)(4 * below(r, 16));
			break;
		case 2: /* CMP byte [EBX + d8], imm8 */
			p[n++] = 0x80;
			p[n++] = 0x7B;
			p[n++] = (uint8_t)below(r, 64);
			p[n++] = (uint8_t)below(r, 256);
			break;
		default: /* TEST r32, imm32 */
			p[n++] = 0xF7;
			p[n++] = (uint8_t)(0xC0 | dst(r));
			for (int i = 0; i < 4; i++)
				p[n++] = (uint8_t)(below(r, 2) ? 0 : below(r, 256));
			break;
		}
		p[n++] = (uint8_t)(0x70 + below(r, 16));
		n += emit_over(r, p + n);
		break;
	}
	case 27: { /* JMP rel8 over the next instruction */
		p[n++] = 0xEB;
		n += emit_over(r, p + n);
		break;
	}
	case 28: { /* CALL a subroutine placed just after a JMP over it: CALL f; JMP out; f: ...; RET */
		uint8_t body[256];
		size_t k = emit(r, body);
		assert_true(k + 1 <= 127);
		p[n++] = 0xE8;
		p[n++] = 2; /* to f, after the JMP rel8 */
		p[n++] = 0;
		p[n++] = 0;
		p[n++] = 0;
		p[n++] = 0xEB;
		p[n++] = (uint8_t)(k + 1);
		memcpy(p + n, body, k);
		n += k;
		p[n++] = 0xC3;
		break;
	}
	case 29: { /* a backward loop over one instruction: a counter in memory, DEC, JNZ back */
		uint8_t body[256];
		size_t k = emit(r, body);
		assert_true(k + 8 <= 128);
		p[n++] = 0xC7; p[n++] = 0x83; /* mov dword [ebx + 0x100], 1..4 */
		p[n++] = 0x00; p[n++] = 0x01; p[n++] = 0x00; p[n++] = 0x00;
		p[n++] = (uint8_t)(1 + below(r, 4)); p[n++] = 0; p[n++] = 0; p[n++] = 0;
		memcpy(p + n, body, k);
		n += k;
		p[n++] = 0xFF; p[n++] = 0x8B; /* dec dword [ebx + 0x100] */
		p[n++] = 0x00; p[n++] = 0x01; p[n++] = 0x00; p[n++] = 0x00;
		p[n++] = 0x75; /* jnz back to the body */
		p[n] = (uint8_t)-(int)(k + 6 + 2);
		n++;
		break;
	}
	case 30: /* MOV r32, [page 0's instret]: the generic path must see the exact count */
		p[n++] = 0x8B;
		p[n++] = (uint8_t)(0x05 | dst(r) << 3);
		p[n++] = 0x48; p[n++] = 0x00; p[n++] = 0x00; p[n++] = 0x00;
		break;
	case 31: /* CALL f; JMP out; f: ADD dword [esp], 0 or 7; RET: the RET returns to the JMP
		  * or straight to out, so one RET has two targets (the jump table's work) */
		p[n++] = 0xE8; p[n++] = 2; p[n++] = 0; p[n++] = 0; p[n++] = 0;
		p[n++] = 0xEB; p[n++] = 5;
		p[n++] = 0x83; p[n++] = 0x04; p[n++] = 0x24; p[n++] = (uint8_t)(below(r, 2) ? 7 : 0);
		p[n++] = 0xC3;
		break;
	case 10: p[n++] = flag_ops[below(r, 3)]; break;
	case 11: /* SETcc AL/CL/DL */
		p[n++] = 0x0F;
		p[n++] = (uint8_t)(0x90 + below(r, 16));
		p[n++] = (uint8_t)(0xC0 | below(r, 3));
		break;
	case 12: /* LEA r32, [EBX + index * scale + disp8] */
		p[n++] = 0x8D;
		p[n++] = (uint8_t)(0x44 | dst(r) << 3);
		p[n++] = (uint8_t)(below(r, 4) << 6 | (below(r, 8) & ~4u) << 3 | REG_EBX);
		p[n++] = (uint8_t)below(r, 256);
		break;
	case 13: /* MOV r32, [EBX + d8] */
		p[n++] = 0x8B;
		p[n++] = (uint8_t)(0x43 | dst(r) << 3);
		p[n++] = (uint8_t)(below(r, 60) & ~3u);
		break;
	case 14: /* MOV [EBX + d8], r32 */
		p[n++] = 0x89;
		p[n++] = (uint8_t)(0x43 | below(r, 8) << 3);
		p[n++] = (uint8_t)(below(r, 60) & ~3u);
		break;
	case 15: /* ALU with a memory operand */
		p[n++] = alu_mem[below(r, 13)];
		p[n++] = (uint8_t)(0x43 | dst(r) << 3);
		p[n++] = (uint8_t)(below(r, 60) & ~3u);
		break;
	case 16: /* ALU [EBX + d8], imm8 */
		p[n++] = 0x83;
		p[n++] = (uint8_t)(0x43 | below(r, 8) << 3);
		p[n++] = (uint8_t)(below(r, 60) & ~3u);
		p[n++] = (uint8_t)below(r, 256);
		break;
	case 17: /* a store that rewrites code with the bytes already there */
		if (below(r, 4)) {
			p[n++] = 0x83; /* add dword [ebp + d8], 0 */
			p[n++] = 0x45;
		} else {
			p[n++] = 0x80; /* xor byte [ebp + d8], 0 */
			p[n++] = 0x75;
		}
		p[n++] = (uint8_t)below(r, 120);
		p[n++] = 0;
		break;
	case 18: p[n++] = 0x0F; p[n++] = 0x31; break; /* RDTSC: instret as of this instruction */
	case 19: { /* ECX = 0..8 (or 0..64); EDI, ESI into the data; REP STOSB, REP MOVSD, or
		    * REPE/REPNE SCASB/CMPSB (which stop early on the data's bytes) */
		static const uint8_t ops[] = { 0xAA, 0xA5, 0xAE, 0xA6 };
		unsigned op = below(r, 4);
		uint32_t count = below(r, op >= 2 ? 65 : 9);
		p[n++] = 0xB9;
		memcpy(p + n, &count, 4);
		n += 4;
		p[n++] = 0x8D; p[n++] = 0x7B; p[n++] = (uint8_t)(0x40 + below(r, 8)); /* lea edi, [ebx + 0x40..] */
		p[n++] = 0x8D; p[n++] = 0x73; p[n++] = (uint8_t)below(r, 8); /* lea esi, [ebx + 0..7] */
		p[n++] = op >= 2 && below(r, 2) ? 0xF2 : 0xF3;
		p[n++] = ops[op];
		break;
	}
	case 20: /* MOVZX/MOVSX r32, r8 */
		p[n++] = 0x0F;
		p[n++] = (uint8_t)(0xB6 + 8 * below(r, 2));
		p[n++] = (uint8_t)(0xC0 | dst(r) << 3 | below(r, 8));
		break;
	case 21: /* MOVZX/MOVSX r32, byte [EBX + d8] */
		p[n++] = 0x0F;
		p[n++] = (uint8_t)(0xB6 + 8 * below(r, 2));
		p[n++] = (uint8_t)(0x43 | dst(r) << 3);
		p[n++] = (uint8_t)below(r, 60);
		break;
	case 22: { /* MOV r32, imm32 near the interesting boundaries */
		uint32_t v = below(r, 3) ? below(r, 256) : below(r, 2) ? 0x7FFFFFFFu + below(r, 3) : 0xFFFFFFFFu - below(r, 3);
		p[n++] = (uint8_t)(0xB8 | dst(r));
		memcpy(p + n, &v, 4);
		n += 4;
		break;
	}
	case 23: /* SHL/SHR/SAR r32, imm8 */
		p[n++] = 0xC1;
		p[n++] = (uint8_t)(0xC0 | (4 + below(r, 2) * (below(r, 2) ? 1 : 3)) << 3 | dst(r));
		p[n++] = (uint8_t)below(r, 40);
		break;
	case 24: /* INC/DEC dword [EBX + d8] */
		p[n++] = 0xFF;
		p[n++] = (uint8_t)(0x43 | below(r, 2) << 3);
		p[n++] = (uint8_t)(below(r, 60) & ~3u);
		break;
	default: /* CMP r32, imm8 */
		p[n++] = 0x83;
		p[n++] = (uint8_t)(0xF8 | dst(r));
		p[n++] = (uint8_t)below(r, 256);
		break;
	}
	return n;
}

static void setup(struct tvm *t, const uint8_t *code, size_t len, uint64_t seed)
{
	struct cpu *c = tvm_cpu(t);
	struct rng r = { seed };
	tvm_poke(t, CODE, code, len);
	for (unsigned i = 0; i < 5; i++)
		c->r[free_regs[i]] = (uint32_t)next(&r);
	c->r[REG_EBX] = DATA;
	c->r[REG_EBP] = CODE;
	c->r[REG_ESP] = STACK;
	c->eip = CODE;
}

static int differ(const struct cpu *a, const struct cpu *b)
{
	return a->eip != b->eip || a->instret != b->instret ||
	       memcmp(a->r, b->r, GPRS * sizeof(a->r[0])) || a->eflags != b->eflags ||
	       memcmp(a->mem.base + DATA, b->mem.base + DATA, 256) ||
	       memcmp(a->mem.base + STACK - 64, b->mem.base + STACK - 64, 64) ||
	       memcmp(a->mem.base + CODE, b->mem.base + CODE, 4096);
}

static void chained_runs_match_single_steps(void **state)
{
	(void)state;
	FILE *null = fopen("/dev/null", "w");
	assert_non_null(null);
	int bad = 0;
	for (uint64_t prog = 1; prog <= 80 && !bad; prog++) {
		struct rng r = { prog * 0x9E3779B97F4A7C15ull };
		uint8_t code[4096];
		size_t len = 0;
		unsigned count = 5 + below(&r, 120);
		for (unsigned i = 0; i < count; i++)
			len += emit(&r, code + len);
		int32_t back = -(int32_t)(len + 5); /* JMP back to the start: it runs until stopped */
		code[len++] = 0xE9;
		memcpy(code + len, &back, 4);
		len += 4;

		struct tvm *a = tvm_new(), *b = tvm_new();
		setup(a, code, len, prog);
		setup(b, code, len, prog);
		tvm_cpu(b)->trace = null;
		for (int step = 0; step < 200; step++) {
			struct cpu *ca = tvm_cpu(a), *cb = tvm_cpu(b);
			uint64_t budget = 1 + below(&r, below(&r, 2) ? 8 : 200), before = ca->instret;
			enum cpu_exit ea = cpu_run(ca, budget), eb = cpu_run(cb, budget);
			if (ea != eb || differ(ca, cb) || (ea == CPU_EXIT_BUDGET && ca->instret - before != budget)) {
				print_error("program %llu, step %d, budget %llu: exit %d/%d eip %08x/%08x instret "
					    "%llu/%llu eflags %08x/%08x (chained/single-stepped)\n",
					    (unsigned long long)prog, step, (unsigned long long)budget, ea, eb, ca->eip,
					    cb->eip, (unsigned long long)ca->instret, (unsigned long long)cb->instret,
					    ca->eflags, cb->eflags);
				bad++;
				break;
			}
			if (ea != CPU_EXIT_BUDGET)
				break;
		}
		tvm_free(a);
		tvm_free(b);
	}
	fclose(null);
	assert_int_equal(bad, 0);
}

/* Decode skips recording the flags of a register-only ALU instruction whose next instruction
 * rewrites them all (fast.c, dead flags). A stop between the two must still show the first
 * one's flags, since an upcall or a debugger could look at them there. Expected values from
 * the SDM's definitions of the flags. */
static const struct row dead_flag_rows[] = {
	{ .name = "add eax, ebx stopped before the cmp that rewrites its flags shows the add's flags",
	  .code = "01d8 39d1", .r = { 0xFFFFFFFF, 5, 5, 1 },
	  .want_r = { 0, 5, 5, 1 }, .want_fl = FL_CF | FL_ZF | FL_PF | FL_AF, .want_eip = TVM_CODE + 2 },
	{ .name = "add eax, ebx then cmp ecx, edx run together show the cmp's flags",
	  .code = "01d8 39d1", .r = { 0xFFFFFFFF, 5, 5, 1 }, .insns = 2,
	  .want_r = { 0, 5, 5, 1 }, .want_fl = FL_ZF | FL_PF },
	{ .name = "inc ecx stopped before test eax, eax keeps CF and sets OF, SF, AF, PF",
	  .code = "41 85c0", .r = { 0, 0x7FFFFFFF }, .fl = FL_CF,
	  .want_r = { 0, 0x80000000 }, .want_fl = FL_CF | FL_OF | FL_SF | FL_AF | FL_PF,
	  .want_eip = TVM_CODE + 1 },
	{ .name = "xor eax, eax stopped before a fused cmp and je shows the xor's flags",
	  .code = "31c0 39d1 7400", .r = { 7, 1, 2 }, .fl = FL_CF | FL_SF,
	  .want_r = { 0, 1, 2 }, .want_fl = FL_ZF | FL_PF, .mask = FL_OSZAPC & ~FL_AF,
	  .want_eip = TVM_CODE + 2 },
	{ .name = "sub edx, 1 stopped before cmp ecx, 3 shows the borrow out of zero",
	  .code = "83ea01 83f903", .r = { 0, 3, 0 },
	  .want_r = { 0, 3, 0xFFFFFFFF }, .want_fl = FL_CF | FL_SF | FL_AF | FL_PF,
	  .want_eip = TVM_CODE + 3 },
};

/* Decode follows a JMP rel to an address on the block's page that the block has not decoded
 * (decode.c, follow_jump): the block goes on at the target. Stops anywhere along such a block
 * show the architectural EIP. The code: CODE+0 jmp +1; CODE+2 inc eax; CODE+3 inc ecx;
 * CODE+4 jmp -4 (to CODE+2). It runs jmp, inc ecx, jmp, inc eax, inc ecx, jmp, ... */
#define FOLLOW_CODE "eb01 40 41 ebfc"
static const struct row followed_jump_rows[] = {
	{ .name = "a stop after a followed forward jmp is at its target",
	  .code = FOLLOW_CODE, .insns = 1, .want_eip = TVM_CODE + 3 },
	{ .name = "then inc ecx runs",
	  .code = FOLLOW_CODE, .insns = 2, .want_r = { 0, 1 }, .want_eip = TVM_CODE + 4 },
	{ .name = "a stop after a followed backward jmp is at its target",
	  .code = FOLLOW_CODE, .insns = 3, .want_r = { 0, 1 }, .want_eip = TVM_CODE + 2 },
	{ .name = "then inc eax runs",
	  .code = FOLLOW_CODE, .insns = 4, .want_r = { 1, 1 }, .want_eip = TVM_CODE + 3 },
	{ .name = "the jmp back into decoded code ends the block and still goes there",
	  .code = FOLLOW_CODE, .insns = 6, .want_r = { 1, 2 }, .want_eip = TVM_CODE + 2 },
	{ .name = "and the loop goes on from the new block",
	  .code = FOLLOW_CODE, .insns = 9, .want_r = { 2, 3 }, .want_fl = FL_PF, .want_eip = TVM_CODE + 2 },
};

static void followed_jumps_stop_at_the_right_eip(void **state)
{
	(void)state;
	RUN_ROWS(followed_jump_rows);
}

static void dead_flags_show_at_every_stop(void **state)
{
	(void)state;
	RUN_ROWS(dead_flag_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chained_runs_match_single_steps),
		cmocka_unit_test(dead_flags_show_at_every_stop),
		cmocka_unit_test(followed_jumps_stop_at_the_right_eip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
