/* interp.c - the bytecode-interpreter workload: a small stack machine dispatched by a switch (an
 * indirect jump through a table on every bytecode), running a program that, for i = 1 to
 * SIZE x 100, counts the Collatz steps of i and mixes them into a hash. Branchy, with
 * hard-to-predict indirect jumps: the shape of any guest that is itself an interpreter. SIZE is
 * at most 999: the trajectories of i < 100,000 stay below 2^32, larger ones would overflow.
 */
#define WORK_NAME "interp"
#define WORK_SIZE 100
#include "tests/bench/work/bench.h"

/* The machine: an operand stack, 8 local variables, and these bytecodes (one byte each, some
 * followed by a one-byte operand). Jumps are absolute offsets into the program. */
enum op {
	OP_HALT,
	OP_PUSH,  /* imm8: push it */
	OP_LOAD,  /* var: push vars[var] */
	OP_STORE, /* var: pop into vars[var] */
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_AND,
	OP_XOR,
	OP_SHR,   /* a >> b */
	OP_SHL,   /* a << b */
	OP_LT,    /* a < b, unsigned: 1 or 0 */
	OP_EQ,
	OP_DUP,
	OP_DROP,
	OP_JMP,   /* target */
	OP_JZ,    /* target: pop, jump when 0 */
	OP_JNZ,   /* target: pop, jump when not 0 */
	OP_INC,   /* var: vars[var]++ */
	OP_ROTL,  /* a rotated left by 5 */
	OP_NOP
};

enum var { V_I, V_X, V_STEPS, V_HASH, V_LIMIT, V_T };

/* A program under construction: bytecodes appended at len. */
struct prog {
	uint8_t code[128];
	uint32_t len;
};

static void emit(struct prog *p, uint32_t op)
{
	p->code[p->len++] = (uint8_t)op;
}

static void emit2(struct prog *p, uint32_t op, uint32_t arg)
{
	emit(p, op);
	emit(p, arg);
}

/* A forward jump: returns where its target goes, for patch(). */
static uint32_t emit_jump(struct prog *p, uint32_t op)
{
	emit2(p, op, 0);
	return p->len - 1;
}

static void patch(struct prog *p, uint32_t at)
{
	p->code[at] = (uint8_t)p->len;
}

/* for (i = 1; i < limit; i++) {
 *     x = i; steps = 0;
 *     while (x != 1) { x = (x & 1) ? 3x + 1 : x >> 1; steps++; }
 *     hash = rotl5(hash) ^ (steps * 3 + i);
 * } */
static void build(struct prog *p)
{
	p->len = 0;
	emit2(p, OP_PUSH, 1);
	emit2(p, OP_STORE, V_I);
	uint32_t outer = p->len;
	emit2(p, OP_LOAD, V_I);
	emit2(p, OP_LOAD, V_LIMIT);
	emit(p, OP_LT);
	uint32_t done = emit_jump(p, OP_JZ);
	emit2(p, OP_LOAD, V_I);
	emit2(p, OP_STORE, V_X);
	emit2(p, OP_PUSH, 0);
	emit2(p, OP_STORE, V_STEPS);
	uint32_t inner = p->len;
	emit2(p, OP_LOAD, V_X);
	emit2(p, OP_PUSH, 1);
	emit(p, OP_EQ);
	uint32_t inner_done = emit_jump(p, OP_JNZ);
	emit2(p, OP_LOAD, V_X);
	emit2(p, OP_PUSH, 1);
	emit(p, OP_AND);
	uint32_t even = emit_jump(p, OP_JZ);
	emit2(p, OP_LOAD, V_X); /* odd: 3x + 1 */
	emit(p, OP_DUP);
	emit(p, OP_DUP);
	emit(p, OP_ADD);
	emit(p, OP_ADD);
	emit2(p, OP_PUSH, 1);
	emit(p, OP_ADD);
	emit2(p, OP_STORE, V_X);
	uint32_t next = emit_jump(p, OP_JMP);
	patch(p, even); /* even: x >> 1 */
	emit2(p, OP_LOAD, V_X);
	emit2(p, OP_PUSH, 1);
	emit(p, OP_SHR);
	emit2(p, OP_STORE, V_X);
	patch(p, next);
	emit2(p, OP_INC, V_STEPS);
	emit(p, OP_NOP);
	emit2(p, OP_JMP, inner);
	patch(p, inner_done);
	emit2(p, OP_LOAD, V_HASH);
	emit(p, OP_ROTL);
	emit2(p, OP_LOAD, V_STEPS);
	emit2(p, OP_PUSH, 3);
	emit(p, OP_MUL);
	emit2(p, OP_LOAD, V_I);
	emit(p, OP_ADD);
	emit(p, OP_XOR);
	emit2(p, OP_STORE, V_HASH);
	emit2(p, OP_INC, V_I);
	emit2(p, OP_JMP, outer);
	patch(p, done);
	emit2(p, OP_LOAD, V_HASH);
	emit2(p, OP_PUSH, 0);
	emit(p, OP_SUB);
	emit2(p, OP_PUSH, 2);
	emit(p, OP_SHL);
	emit2(p, OP_STORE, V_T);
	emit(p, OP_HALT);
}

static uint32_t run(const uint8_t *code, uint32_t *vars)
{
	uint32_t stack[32], *sp = stack, pc = 0, executed = 0;
	for (;;) {
		uint8_t op = code[pc++];
		executed++;
		switch (op) {
		case OP_HALT:
			return executed;
		case OP_PUSH:
			*sp++ = code[pc++];
			break;
		case OP_LOAD:
			*sp++ = vars[code[pc++]];
			break;
		case OP_STORE:
			vars[code[pc++]] = *--sp;
			break;
		case OP_ADD:
			sp--;
			sp[-1] += sp[0];
			break;
		case OP_SUB:
			sp--;
			sp[-1] -= sp[0];
			break;
		case OP_MUL:
			sp--;
			sp[-1] *= sp[0];
			break;
		case OP_AND:
			sp--;
			sp[-1] &= sp[0];
			break;
		case OP_XOR:
			sp--;
			sp[-1] ^= sp[0];
			break;
		case OP_SHR:
			sp--;
			sp[-1] >>= sp[0] & 31;
			break;
		case OP_SHL:
			sp--;
			sp[-1] <<= sp[0] & 31;
			break;
		case OP_LT:
			sp--;
			sp[-1] = sp[-1] < sp[0];
			break;
		case OP_EQ:
			sp--;
			sp[-1] = sp[-1] == sp[0];
			break;
		case OP_DUP:
			sp[0] = sp[-1];
			sp++;
			break;
		case OP_DROP:
			sp--;
			break;
		case OP_JMP:
			pc = code[pc];
			break;
		case OP_JZ:
			pc = *--sp == 0 ? code[pc] : pc + 1;
			break;
		case OP_JNZ:
			pc = *--sp != 0 ? code[pc] : pc + 1;
			break;
		case OP_INC:
			vars[code[pc++]]++;
			break;
		case OP_ROTL:
			sp[-1] = sp[-1] << 5 | sp[-1] >> 27;
			break;
		case OP_NOP:
			break;
		default:
			return 0; /* a bad bytecode: the checksum shows it */
		}
	}
}

static uint32_t work(uint32_t size)
{
	struct prog p;
	uint32_t vars[8] = { 0 };
	build(&p);
	if (size == 0 || size > 999)
		return 0xBAD1u; /* see the top: no correct run gives it */
	vars[V_LIMIT] = size * 100u;
	uint32_t executed = run(p.code, vars);
	return vars[V_HASH] ^ vars[V_T] ^ executed;
}
