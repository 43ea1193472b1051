/* fast.c - specialised forms of the hottest instructions, chosen at decode time.
 *
 * The generic handlers read every operand through opnd_get/opnd_put, which switch on the
 * operand's kind and size. For the forms that dominate compiled code — 32-bit operands with
 * no prefix, registers, immediates and plain memory — decode picks one of these instead, with
 * the kinds and size fixed, so each is a few loads, the operation and the flags. Semantics are
 * those of the generic handlers (the same unit vectors and differential tests cover both); any
 * access that is not plain memory goes back to the generic handler, which does it properly.
 */
#include "cpu/fast.h"

#include "cpu/flags.h"
#include "cpu/optable.h"
#include "cpu/shift.h"

/* A 32-bit register operand: reg[k] is its byte offset in cpu.r, a multiple of 4. */
#define R(in, k) (*(uint32_t *)((uint8_t *)c->r + (in)->reg[k]))

enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

/* One n-byte ALU operation: the result in *res, the new OSZAPC bits returned. Inlined with a
 * constant op and n, it is the operation and its flags and nothing else. */
static FORCE_INLINE uint32_t alu(struct cpu *c, enum alu_op op, unsigned n, uint32_t a, uint32_t b,
			   uint32_t *res)
{
	uint32_t r, carry = cpu_cf(c);
	switch (op) {
	case ALU_ADD:
		if (n != 4)
			return (*res = a + b), flags_add(a, b, 0, n);
		*res = r = a + b;
		return flags_szp(r, 4) | (r < a ? FL_CF : 0) | (((a ^ r) & (b ^ r)) >> 31 ? FL_OF : 0) |
		       ((a ^ b ^ r) & FL_AF);
	case ALU_ADC:
		return (*res = a + b + carry), flags_add(a, b, carry, n);
	case ALU_SUB:
	case ALU_CMP:
		if (n != 4)
			return (*res = a - b), flags_sub(a, b, 0, n);
		*res = r = a - b;
		return flags_szp(r, 4) | (a < b ? FL_CF : 0) | (((a ^ b) & (a ^ r)) >> 31 ? FL_OF : 0) |
		       ((a ^ b ^ r) & FL_AF);
	case ALU_SBB:
		return (*res = a - b - carry), flags_sub(a, b, carry, n);
	case ALU_AND:
	case ALU_TEST:
		return flags_szp(*res = a & b, n);
	case ALU_OR:
		return flags_szp(*res = a | b, n);
	default:
		return flags_szp(*res = a ^ b, n);
	}
}

static inline bool alu_writes(enum alu_op op)
{
	return op != ALU_CMP && op != ALU_TEST;
}

/* The flags of op: recorded lazily for the common operations (computed only if read), computed
 * now for ADC and SBB, whose carry-in the lazy record does not keep. */
static FORCE_INLINE void alu_flags(struct cpu *c, enum alu_op op, unsigned n, uint32_t a, uint32_t b,
			     uint32_t res)
{
	switch (op) {
	case ALU_ADD: lazy_set(c, LF_ADD, n, res, a, b); break;
	case ALU_SUB: case ALU_CMP: lazy_set(c, LF_SUB, n, res, a, b); break;
	case ALU_AND: case ALU_TEST: case ALU_OR: case ALU_XOR: lazy_set(c, LF_LOGIC, n, res, a, b); break;
	default: break; /* ADC, SBB: alu() computed them */
	}
}

/* res = a op b (n bytes) with its flags set or recorded. */
static FORCE_INLINE uint32_t alu_do(struct cpu *c, enum alu_op op, unsigned n, uint32_t a, uint32_t b)
{
	uint32_t res;
	if (op == ALU_ADC || op == ALU_SBB) {
		uint32_t f = alu(c, op, n, a, b, &res);
		set_flags(c, FL_OSZAPC, f);
	} else {
		res = op == ALU_ADD ? a + b : op == ALU_SUB || op == ALU_CMP ? a - b :
		      op == ALU_OR ? (a | b) : op == ALU_XOR ? (a ^ b) : (a & b);
		alu_flags(c, op, n, a, b, res);
	}
	return res;
}

/* A pointer into guest memory is never NULL: saying so spares the callers' NULL test a branch. */
static FORCE_INLINE uint8_t *nonnull(uint8_t *p)
{
	if (!p)
		__builtin_unreachable();
	return p;
}

/* Plain n-byte memory at the operand's address, or NULL (then the generic handler runs).
 * Written so the compiler makes one test and branch of each. */
static FORCE_INLINE uint8_t *plain_read(struct cpu *c, const struct insn *in, unsigned n)
{
	uint32_t a = ea32(c, in);
	if (unlikely(!mem_plain(&c->mem, a, n)))
		return NULL;
	return nonnull(c->mem.base + a);
}
static FORCE_INLINE uint8_t *plain_write(struct cpu *c, const struct insn *in, unsigned n)
{
	uint32_t a = ea32(c, in);
	if (unlikely(!mem_plain_store(&c->mem, a, n)))
		return NULL;
	return nonnull(c->mem.base + a);
}
static FORCE_INLINE uint32_t ldn(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	memcpy(&v, p, n);
	return v;
}
static FORCE_INLINE void stn(uint8_t *p, unsigned n, uint32_t v)
{
	memcpy(p, &v, n);
}

/* The two-operand forms, in the order of each forms table. */
enum form { F_RR, F_RI, F_RM, F_MR, F_MI, FORMS };

/* The bodies of the ALU forms: read the operands, compute, write the result (not for CMP and
 * TEST), chain on. A memory form whose memory is not plain runs the generic handler instead.
 * Inlined with a constant op and n, each handler is the operation and its flags and nothing
 * else. */
static FORCE_INLINE int alu_rr(struct cpu *c, const struct insn *in, enum alu_op op, unsigned n)
{
	uint32_t res = alu_do(c, op, n, reg_get(c, in->reg[0], n), reg_get(c, in->reg[1], n));
	if (alu_writes(op))
		reg_put(c, in->reg[0], n, res);
	return chain(c, in);
}
static FORCE_INLINE int alu_ri(struct cpu *c, const struct insn *in, enum alu_op op, unsigned n)
{
	uint32_t res = alu_do(c, op, n, reg_get(c, in->reg[0], n), in->imm);
	if (alu_writes(op))
		reg_put(c, in->reg[0], n, res);
	return chain(c, in);
}
static FORCE_INLINE int alu_rm(struct cpu *c, const struct insn *in, enum alu_op op, unsigned n,
			       insn_fn generic)
{
	const uint8_t *p = plain_read(c, in, n);
	if (!p)
		return fast_fallback(c, in, generic);
	uint32_t res = alu_do(c, op, n, reg_get(c, in->reg[0], n), ldn(p, n));
	if (alu_writes(op))
		reg_put(c, in->reg[0], n, res);
	return chain(c, in);
}
static FORCE_INLINE int alu_mr(struct cpu *c, const struct insn *in, enum alu_op op, unsigned n,
			       insn_fn generic)
{
	uint8_t *p = alu_writes(op) ? plain_write(c, in, n) : (uint8_t *)plain_read(c, in, n);
	if (!p)
		return fast_fallback(c, in, generic);
	uint32_t res = alu_do(c, op, n, ldn(p, n), reg_get(c, in->reg[1], n));
	if (alu_writes(op))
		stn(p, n, res);
	return chain(c, in);
}
static FORCE_INLINE int alu_mi(struct cpu *c, const struct insn *in, enum alu_op op, unsigned n,
			       insn_fn generic)
{
	uint8_t *p = alu_writes(op) ? plain_write(c, in, n) : (uint8_t *)plain_read(c, in, n);
	if (!p)
		return fast_fallback(c, in, generic);
	uint32_t res = alu_do(c, op, n, ldn(p, n), in->imm);
	if (alu_writes(op))
		stn(p, n, res);
	return chain(c, in);
}

/* The ALU handlers, one line per operation and size. Columns: the forms table (enum form's
 * order), the five handlers that fill it (r,r  r,imm  r,m  m,r  m,imm), the operation, the
 * operand size in bytes, and the generic handler a memory form falls back to. Each handler
 * is one call of the body above with the row's constants. */
#define ALU_HANDLERS(forms, rr, ri, rm, mr, mi, op, n, generic)                                   \
	static int rr(struct cpu *c, const struct insn *in) { return alu_rr(c, in, op, n); }      \
	static int ri(struct cpu *c, const struct insn *in) { return alu_ri(c, in, op, n); }      \
	static int rm(struct cpu *c, const struct insn *in) { return alu_rm(c, in, op, n, generic); } \
	static int mr(struct cpu *c, const struct insn *in) { return alu_mr(c, in, op, n, generic); } \
	static int mi(struct cpu *c, const struct insn *in) { return alu_mi(c, in, op, n, generic); } \
	static const insn_fn forms[FORMS] = { rr, ri, rm, mr, mi };

ALU_HANDLERS(add8_forms, add8_rr, add8_ri, add8_rm, add8_mr, add8_mi, ALU_ADD, 1, op_add)
ALU_HANDLERS(add16_forms, add16_rr, add16_ri, add16_rm, add16_mr, add16_mi, ALU_ADD, 2, op_add)
ALU_HANDLERS(add32_forms, add32_rr, add32_ri, add32_rm, add32_mr, add32_mi, ALU_ADD, 4, op_add)
ALU_HANDLERS(or8_forms, or8_rr, or8_ri, or8_rm, or8_mr, or8_mi, ALU_OR, 1, op_or)
ALU_HANDLERS(or16_forms, or16_rr, or16_ri, or16_rm, or16_mr, or16_mi, ALU_OR, 2, op_or)
ALU_HANDLERS(or32_forms, or32_rr, or32_ri, or32_rm, or32_mr, or32_mi, ALU_OR, 4, op_or)
ALU_HANDLERS(adc8_forms, adc8_rr, adc8_ri, adc8_rm, adc8_mr, adc8_mi, ALU_ADC, 1, op_adc)
ALU_HANDLERS(adc16_forms, adc16_rr, adc16_ri, adc16_rm, adc16_mr, adc16_mi, ALU_ADC, 2, op_adc)
ALU_HANDLERS(adc32_forms, adc32_rr, adc32_ri, adc32_rm, adc32_mr, adc32_mi, ALU_ADC, 4, op_adc)
ALU_HANDLERS(sbb8_forms, sbb8_rr, sbb8_ri, sbb8_rm, sbb8_mr, sbb8_mi, ALU_SBB, 1, op_sbb)
ALU_HANDLERS(sbb16_forms, sbb16_rr, sbb16_ri, sbb16_rm, sbb16_mr, sbb16_mi, ALU_SBB, 2, op_sbb)
ALU_HANDLERS(sbb32_forms, sbb32_rr, sbb32_ri, sbb32_rm, sbb32_mr, sbb32_mi, ALU_SBB, 4, op_sbb)
ALU_HANDLERS(and8_forms, and8_rr, and8_ri, and8_rm, and8_mr, and8_mi, ALU_AND, 1, op_and)
ALU_HANDLERS(and16_forms, and16_rr, and16_ri, and16_rm, and16_mr, and16_mi, ALU_AND, 2, op_and)
ALU_HANDLERS(and32_forms, and32_rr, and32_ri, and32_rm, and32_mr, and32_mi, ALU_AND, 4, op_and)
ALU_HANDLERS(sub8_forms, sub8_rr, sub8_ri, sub8_rm, sub8_mr, sub8_mi, ALU_SUB, 1, op_sub)
ALU_HANDLERS(sub16_forms, sub16_rr, sub16_ri, sub16_rm, sub16_mr, sub16_mi, ALU_SUB, 2, op_sub)
ALU_HANDLERS(sub32_forms, sub32_rr, sub32_ri, sub32_rm, sub32_mr, sub32_mi, ALU_SUB, 4, op_sub)
ALU_HANDLERS(xor8_forms, xor8_rr, xor8_ri, xor8_rm, xor8_mr, xor8_mi, ALU_XOR, 1, op_xor)
ALU_HANDLERS(xor16_forms, xor16_rr, xor16_ri, xor16_rm, xor16_mr, xor16_mi, ALU_XOR, 2, op_xor)
ALU_HANDLERS(xor32_forms, xor32_rr, xor32_ri, xor32_rm, xor32_mr, xor32_mi, ALU_XOR, 4, op_xor)
ALU_HANDLERS(cmp8_forms, cmp8_rr, cmp8_ri, cmp8_rm, cmp8_mr, cmp8_mi, ALU_CMP, 1, op_cmp)
ALU_HANDLERS(cmp16_forms, cmp16_rr, cmp16_ri, cmp16_rm, cmp16_mr, cmp16_mi, ALU_CMP, 2, op_cmp)
ALU_HANDLERS(cmp32_forms, cmp32_rr, cmp32_ri, cmp32_rm, cmp32_mr, cmp32_mi, ALU_CMP, 4, op_cmp)
ALU_HANDLERS(test8_forms, test8_rr, test8_ri, test8_rm, test8_mr, test8_mi, ALU_TEST, 1, op_test)
ALU_HANDLERS(test16_forms, test16_rr, test16_ri, test16_rm, test16_mr, test16_mi, ALU_TEST, 2, op_test)
ALU_HANDLERS(test32_forms, test32_rr, test32_ri, test32_rm, test32_mr, test32_mi, ALU_TEST, 4, op_test)

/* Each operation's forms tables by size: [0] byte, [1] word, [2] dword. */
static const insn_fn *const add_sizes[3] = { add8_forms, add16_forms, add32_forms };
static const insn_fn *const or_sizes[3] = { or8_forms, or16_forms, or32_forms };
static const insn_fn *const adc_sizes[3] = { adc8_forms, adc16_forms, adc32_forms };
static const insn_fn *const sbb_sizes[3] = { sbb8_forms, sbb16_forms, sbb32_forms };
static const insn_fn *const and_sizes[3] = { and8_forms, and16_forms, and32_forms };
static const insn_fn *const sub_sizes[3] = { sub8_forms, sub16_forms, sub32_forms };
static const insn_fn *const xor_sizes[3] = { xor8_forms, xor16_forms, xor32_forms };
static const insn_fn *const cmp_sizes[3] = { cmp8_forms, cmp16_forms, cmp32_forms };
static const insn_fn *const test_sizes[3] = { test8_forms, test16_forms, test32_forms };

/* MOV's bodies, as the ALU's. */
static FORCE_INLINE int mov_rr(struct cpu *c, const struct insn *in, unsigned n)
{
	reg_put(c, in->reg[0], n, reg_get(c, in->reg[1], n));
	return chain(c, in);
}
static FORCE_INLINE int mov_ri(struct cpu *c, const struct insn *in, unsigned n)
{
	reg_put(c, in->reg[0], n, in->imm);
	return chain(c, in);
}
static FORCE_INLINE int mov_rm(struct cpu *c, const struct insn *in, unsigned n)
{
	const uint8_t *p = plain_read(c, in, n);
	if (!p)
		return fast_fallback(c, in, op_mov);
	reg_put(c, in->reg[0], n, ldn(p, n));
	return chain(c, in);
}
static FORCE_INLINE int mov_mr(struct cpu *c, const struct insn *in, unsigned n)
{
	uint8_t *p = plain_write(c, in, n);
	if (!p)
		return fast_fallback(c, in, op_mov);
	stn(p, n, reg_get(c, in->reg[1], n));
	return chain(c, in);
}
static FORCE_INLINE int mov_mi(struct cpu *c, const struct insn *in, unsigned n)
{
	uint8_t *p = plain_write(c, in, n);
	if (!p)
		return fast_fallback(c, in, op_mov);
	stn(p, n, in->imm);
	return chain(c, in);
}

/* The MOV handlers by size. Columns as ALU_HANDLERS's, less the operation and the generic
 * handler (op_mov). */
#define MOV_HANDLERS(forms, rr, ri, rm, mr, mi, n)                                                \
	static int rr(struct cpu *c, const struct insn *in) { return mov_rr(c, in, n); }          \
	static int ri(struct cpu *c, const struct insn *in) { return mov_ri(c, in, n); }          \
	static int rm(struct cpu *c, const struct insn *in) { return mov_rm(c, in, n); }          \
	static int mr(struct cpu *c, const struct insn *in) { return mov_mr(c, in, n); }          \
	static int mi(struct cpu *c, const struct insn *in) { return mov_mi(c, in, n); }          \
	static const insn_fn forms[FORMS] = { rr, ri, rm, mr, mi };

MOV_HANDLERS(mov8_forms, mov8_rr, mov8_ri, mov8_rm, mov8_mr, mov8_mi, 1)
MOV_HANDLERS(mov16_forms, mov16_rr, mov16_ri, mov16_rm, mov16_mr, mov16_mi, 2)
MOV_HANDLERS(mov32_forms, mov32_rr, mov32_ri, mov32_rm, mov32_mr, mov32_mi, 4)
static const insn_fn *const mov_sizes[3] = { mov8_forms, mov16_forms, mov32_forms };

/* IMUL r32, r32/m32 [, imm]: the truncated product; CF = OF = it did not fit; SF, ZF, AF and
 * PF stay as they were, as in op_imul. */
static FORCE_INLINE int imul32(struct cpu *c, const struct insn *in, uint32_t a, uint32_t b)
{
	int64_t p = (int64_t)(int32_t)a * (int32_t)b;
	set_cf_of(c, p != (int32_t)p ? FL_CF | FL_OF : 0);
	R(in, 0) = (uint32_t)p;
	return chain(c, in);
}
static int imul32_rr(struct cpu *c, const struct insn *in)
{
	return imul32(c, in, R(in, 0), R(in, 1));
}
static int imul32_rri(struct cpu *c, const struct insn *in)
{
	return imul32(c, in, R(in, 1), in->imm);
}
static int imul32_rm(struct cpu *c, const struct insn *in)
{
	const uint8_t *p = plain_read(c, in, 4);
	return p ? imul32(c, in, R(in, 0), ldn(p, 4)) : fast_fallback(c, in, op_imul);
}
static int imul32_rmi(struct cpu *c, const struct insn *in)
{
	const uint8_t *p = plain_read(c, in, 4);
	return p ? imul32(c, in, ldn(p, 4), in->imm) : fast_fallback(c, in, op_imul);
}

/* INC/DEC r32: OSZAP, CF kept. */
static int inc32_r(struct cpu *c, const struct insn *in)
{
	uint32_t a = R(in, 0);
	lazy_set(c, LF_INC, 4, a + 1, a, cpu_cf(c));
	R(in, 0) = a + 1;
	return chain(c, in);
}
static int dec32_r(struct cpu *c, const struct insn *in)
{
	uint32_t a = R(in, 0);
	lazy_set(c, LF_DEC, 4, a - 1, a, cpu_cf(c));
	R(in, 0) = a - 1;
	return chain(c, in);
}

/* SHL, SHR, SAR r32 by an immediate or CL: a count of 0 (after masking) changes nothing, not
 * even the flags; otherwise every arithmetic flag is rewritten, so the lazy record is dropped
 * without being computed. */
static FORCE_INLINE int shift32_r(struct cpu *c, const struct insn *in, enum shift_kind k, uint32_t cnt)
{
	cnt &= 31;
	if (cnt) {
		uint32_t fl = c->eflags;
		R(in, 0) = shift32(k, R(in, 0), cnt, &fl);
		c->lf.op = LF_NONE;
		c->eflags = fl;
	}
	return chain(c, in);
}
static int shl32_ri(struct cpu *c, const struct insn *in)
{
	return shift32_r(c, in, SHIFT_SHL, in->imm);
}
static int shr32_ri(struct cpu *c, const struct insn *in)
{
	return shift32_r(c, in, SHIFT_SHR, in->imm);
}
static int sar32_ri(struct cpu *c, const struct insn *in)
{
	return shift32_r(c, in, SHIFT_SAR, in->imm);
}
static int shl32_rc(struct cpu *c, const struct insn *in)
{
	return shift32_r(c, in, SHIFT_SHL, c->r[REG_ECX]);
}
static int shr32_rc(struct cpu *c, const struct insn *in)
{
	return shift32_r(c, in, SHIFT_SHR, c->r[REG_ECX]);
}
static int sar32_rc(struct cpu *c, const struct insn *in)
{
	return shift32_r(c, in, SHIFT_SAR, c->r[REG_ECX]);
}

/* INC/DEC of a 32-bit memory operand: OSZAP recorded lazily, CF kept. */
static int inc32_m(struct cpu *c, const struct insn *in)
{
	uint8_t *p = plain_write(c, in, 4);
	if (!p)
		return fast_fallback(c, in, op_inc);
	uint32_t a = ldn(p, 4);
	lazy_set(c, LF_INC, 4, a + 1, a, cpu_cf(c));
	stn(p, 4, a + 1);
	return chain(c, in);
}
static int dec32_m(struct cpu *c, const struct insn *in)
{
	uint8_t *p = plain_write(c, in, 4);
	if (!p)
		return fast_fallback(c, in, op_dec);
	uint32_t a = ldn(p, 4);
	lazy_set(c, LF_DEC, 4, a - 1, a, cpu_cf(c));
	stn(p, 4, a - 1);
	return chain(c, in);
}

/* LEA r32 with a 32-bit address. */
static int lea32(struct cpu *c, const struct insn *in)
{
	R(in, 0) = ea32(c, in);
	return chain(c, in);
}

/* MOVZX/MOVSX r32 from a byte or word register or plain memory, one handler per source size
 * (n bytes) so every load has a constant width. */
static FORCE_INLINE int extend_r(struct cpu *c, const struct insn *in, unsigned n, bool sign)
{
	uint32_t v = reg_get(c, in->reg[1], n);
	R(in, 0) = sign ? sext(v, n) : v;
	return chain(c, in);
}
static FORCE_INLINE int extend_m(struct cpu *c, const struct insn *in, unsigned n, bool sign)
{
	const uint8_t *p = plain_read(c, in, n);
	if (!p)
		return fast_fallback(c, in, sign ? op_movsx : op_movzx);
	uint32_t v = ldn(p, n);
	R(in, 0) = sign ? sext(v, n) : v;
	return chain(c, in);
}
static int movzx32_r8(struct cpu *c, const struct insn *in) { return extend_r(c, in, 1, false); }
static int movsx32_r8(struct cpu *c, const struct insn *in) { return extend_r(c, in, 1, true); }
static int movzx32_m8(struct cpu *c, const struct insn *in) { return extend_m(c, in, 1, false); }
static int movsx32_m8(struct cpu *c, const struct insn *in) { return extend_m(c, in, 1, true); }
static int movzx32_r16(struct cpu *c, const struct insn *in) { return extend_r(c, in, 2, false); }
static int movsx32_r16(struct cpu *c, const struct insn *in) { return extend_r(c, in, 2, true); }
static int movzx32_m16(struct cpu *c, const struct insn *in) { return extend_m(c, in, 2, false); }
static int movsx32_m16(struct cpu *c, const struct insn *in) { return extend_m(c, in, 2, true); }

/* PUSH r32 and POP r32 on plain stack memory. */
static int push32_r(struct cpu *c, const struct insn *in)
{
	uint32_t sp = c->r[REG_ESP] - 4;
	if (!mem_plain_store(&c->mem, sp, 4))
		return fast_fallback(c, in, op_push);
	stn(c->mem.base + sp, 4, R(in, 0)); /* PUSH ESP pushes the value before the push */
	c->r[REG_ESP] = sp;
	return chain(c, in);
}
static int pop32_r(struct cpu *c, const struct insn *in)
{
	uint32_t sp = c->r[REG_ESP];
	if (!mem_plain(&c->mem, sp, 4))
		return fast_fallback(c, in, op_pop);
	uint32_t v = ldn(c->mem.base + sp, 4);
	c->r[REG_ESP] = sp + 4; /* POP ESP: the popped value wins */
	R(in, 0) = v;
	return chain(c, in);
}

/* After a Jcc not taken: the chain goes on in the block (a Jcc does not end one), or, when the
 * Jcc was the block's last instruction, into the block that follows when it is linked. */
static FORCE_INLINE int chain_on(struct cpu *c, const struct insn *in)
{
	if (in + 1 == block_insns(c->blk) + c->blk->n)
		return fast_jump_linked(c, in, c->blk->end);
	return chain(c, in);
}

/* X(cc, ...) for each condition code cc, 0 to 15 (the low nibble of the Jcc and SETcc opcodes:
 * O NO B NB Z NZ BE NBE S NS P NP L NL LE NLE, SDM Vol. 1, Appendix B), passing on the
 * arguments after X. It only repeats X; each X used with it expands to a definition or to a
 * table entry. */
#define EACH_CC(X, ...)                                                                           \
	X(0, __VA_ARGS__) X(1, __VA_ARGS__) X(2, __VA_ARGS__) X(3, __VA_ARGS__) X(4, __VA_ARGS__)  \
	X(5, __VA_ARGS__) X(6, __VA_ARGS__) X(7, __VA_ARGS__) X(8, __VA_ARGS__) X(9, __VA_ARGS__)  \
	X(10, __VA_ARGS__) X(11, __VA_ARGS__) X(12, __VA_ARGS__) X(13, __VA_ARGS__)                \
	X(14, __VA_ARGS__) X(15, __VA_ARGS__)
/* The initializer entry NAME_cc, for a table indexed by condition code. */
#define CC_ENTRY(cc, name) name##_##cc,

/* Jcc rel, one handler per condition (a constant cc makes cpu_cond a few instructions, and
 * gives each condition its own branch sites): taken, the chain goes on into the target's block
 * when it is linked. The handlers are jcc_0 .. jcc_15, by condition code. */
static FORCE_INLINE int jcc(struct cpu *c, const struct insn *in, unsigned cc)
{
	if (cpu_cond(c, cc))
		return fast_jump_linked(c, in, in->imm);
	return chain_on(c, in);
}
#define JCC_HANDLER(cc, name)                                                                     \
	static int name##_##cc(struct cpu *c, const struct insn *in) { return jcc(c, in, cc); }
EACH_CC(JCC_HANDLER, jcc)
static const insn_fn jcc_forms[16] = { EACH_CC(CC_ENTRY, jcc) };

/* SETcc r8, one handler per condition: setcc_0 .. setcc_15. */
static FORCE_INLINE int setcc(struct cpu *c, const struct insn *in, unsigned cc)
{
	reg_put(c, in->reg[0], 1, cpu_cond(c, cc));
	return chain(c, in);
}
#define SETCC_HANDLER(cc, name)                                                                   \
	static int name##_##cc(struct cpu *c, const struct insn *in) { return setcc(c, in, cc); }
EACH_CC(SETCC_HANDLER, setcc)
static const insn_fn setcc_forms[16] = { EACH_CC(CC_ENTRY, setcc) };

/* Compare and branch, fused: CMP or TEST immediately followed by Jcc rel in the same block
 * (what compiled code does at nearly every branch) run as one handler, which records the
 * flags lazily as CMP/TEST would and decides the branch from the operands themselves. The Jcc
 * still retires as its own instruction; if the run ends between the two (a budget), only the
 * CMP/TEST runs here. */
static FORCE_INLINE bool sub_cond(struct cpu *c, unsigned cc, unsigned n, uint32_t a, uint32_t b)
{
	uint32_t m = size_mask(n);
	int32_t sa = (int32_t)sext(a & m, n), sb = (int32_t)sext(b & m, n);
	bool r;
	switch (cc >> 1) {
	case 1: r = (a & m) < (b & m); break;
	case 2: r = (a & m) == (b & m); break;
	case 3: r = (a & m) <= (b & m); break;
	case 4: r = (a - b) & size_sign(n); break;
	case 6: r = sa < sb; break;
	case 7: r = sa <= sb; break;
	default: return cond_holds(cpu_eflags(c), cc); /* O, P: from the flags */
	}
	return r ^ (cc & 1);
}
static FORCE_INLINE bool logic_cond(struct cpu *c, unsigned cc, unsigned n, uint32_t res)
{
	int32_t v = (int32_t)sext(res & size_mask(n), n);
	bool r;
	switch (cc >> 1) {
	case 0: case 1: r = false; break;
	case 2: case 3: r = v == 0; break;
	case 4: case 6: r = v < 0; break;
	case 7: r = v <= 0; break;
	default: return cond_holds(cpu_eflags(c), cc);
	}
	return r ^ (cc & 1);
}
static FORCE_INLINE int branch_after(struct cpu *c, const struct insn *in, bool taken)
{
	const struct insn *j = in + 1;
	if (taken)
		return fast_jump_linked(c, j, j->imm);
	return chain_on(c, j);
}

/* The operands of a fused form f (n bytes): a from operand 0, b from operand 1. False when its
 * memory is not plain: then the generic CMP/TEST runs alone. */
static FORCE_INLINE bool fused_operands(struct cpu *c, const struct insn *in, enum form f, unsigned n,
					uint32_t *a, uint32_t *b)
{
	if (f == F_RR || f == F_RI) {
		*a = reg_get(c, in->reg[0], n);
		*b = f == F_RR ? reg_get(c, in->reg[1], n) : in->imm;
		return true;
	}
	const uint8_t *p = plain_read(c, in, n);
	if (!p)
		return false;
	switch (f) {
	case F_RM: *a = reg_get(c, in->reg[0], n), *b = ldn(p, n); break;
	case F_MR: *a = ldn(p, n), *b = reg_get(c, in->reg[1], n); break;
	default: *a = ldn(p, n), *b = in->imm; break; /* F_MI */
	}
	return true;
}

/* The bodies of the fused pairs: CMP or TEST of form f with n-byte operands, then Jcc cc. */
static FORCE_INLINE int fused_cmp(struct cpu *c, const struct insn *in, enum form f, unsigned n,
				  unsigned cc)
{
	uint32_t a, b;
	if (!fused_operands(c, in, f, n, &a, &b))
		return fast_fallback(c, in, op_cmp);
	lazy_set(c, LF_SUB, n, a - b, a, b);
	if (unlikely(in + 1 >= c->run_end))
		return chain(c, in);
	return branch_after(c, in, sub_cond(c, cc, n, a, b));
}
static FORCE_INLINE int fused_test(struct cpu *c, const struct insn *in, enum form f, unsigned n,
				   unsigned cc)
{
	uint32_t a, b;
	if (!fused_operands(c, in, f, n, &a, &b))
		return fast_fallback(c, in, op_test);
	lazy_set(c, LF_LOGIC, n, a & b, a, b);
	if (unlikely(in + 1 >= c->run_end))
		return chain(c, in);
	return branch_after(c, in, logic_cond(c, cc, n, a & b));
}

/* The fused handlers, one line per CMP/TEST form. Columns: the handlers' name, the body
 * (fused_cmp or fused_test), the form and the operand size in bytes. Each line defines
 * sixteen handlers, NAME_j0 .. NAME_j15, one per condition code of the Jcc (fcmp32_rm_j5 is
 * CMP r32, m32 then JNZ); FUSED_ROW(NAME) is their table. */
#define FUSED_HANDLER(cc, name, body, f, n)                                                      \
	static int name##_j##cc(struct cpu *c, const struct insn *in) { return body(c, in, f, n, cc); }
#define FUSED_HANDLERS(name, body, f, n) EACH_CC(FUSED_HANDLER, name, body, f, n)
#define FUSED_ENTRY(cc, name) name##_j##cc,
#define FUSED_ROW(name) { EACH_CC(FUSED_ENTRY, name) }

FUSED_HANDLERS(fcmp32_rr, fused_cmp, F_RR, 4)
FUSED_HANDLERS(fcmp32_ri, fused_cmp, F_RI, 4)
FUSED_HANDLERS(fcmp32_rm, fused_cmp, F_RM, 4)
FUSED_HANDLERS(fcmp32_mr, fused_cmp, F_MR, 4)
FUSED_HANDLERS(fcmp32_mi, fused_cmp, F_MI, 4)
FUSED_HANDLERS(fcmp8_rr, fused_cmp, F_RR, 1)
FUSED_HANDLERS(fcmp8_ri, fused_cmp, F_RI, 1)
FUSED_HANDLERS(fcmp8_rm, fused_cmp, F_RM, 1)
FUSED_HANDLERS(fcmp8_mr, fused_cmp, F_MR, 1)
FUSED_HANDLERS(fcmp8_mi, fused_cmp, F_MI, 1)
FUSED_HANDLERS(ftest32_rr, fused_test, F_RR, 4)
FUSED_HANDLERS(ftest32_ri, fused_test, F_RI, 4)
FUSED_HANDLERS(ftest8_rr, fused_test, F_RR, 1)
FUSED_HANDLERS(ftest8_ri, fused_test, F_RI, 1)

/* JMP, CALL and RET with 32-bit operands on plain memory: they end the block (ST_JUMP). */
static int jmp_rel(struct cpu *c, const struct insn *in)
{
	return fast_jump_linked(c, in, in->imm);
}
/* A JMP rel that decode followed (the block goes on at its target): it retires and the chain
 * goes on; the next instruction's address says where the JMP went. */
int fast_jmp_through(struct cpu *c, const struct insn *in)
{
	return chain(c, in);
}
static int jmp_r32(struct cpu *c, const struct insn *in)
{
	return fast_jump_indirect(c, in, R(in, 0));
}
static int jmp_m32(struct cpu *c, const struct insn *in)
{
	const uint8_t *p = plain_read(c, in, 4);
	return p ? fast_jump_indirect(c, in, ldn(p, 4)) : fast_fallback(c, in, op_jmp);
}
static int call_rel32(struct cpu *c, const struct insn *in)
{
	uint32_t sp = c->r[REG_ESP] - 4;
	if (!mem_plain_store(&c->mem, sp, 4))
		return fast_fallback(c, in, op_call);
	stn(c->mem.base + sp, 4, insn_eip(c, in) + in->len);
	c->r[REG_ESP] = sp;
	return fast_jump_linked(c, in, in->imm);
}
static int ret32(struct cpu *c, const struct insn *in)
{
	uint32_t sp = c->r[REG_ESP];
	if (!mem_plain(&c->mem, sp, 4))
		return fast_fallback(c, in, op_ret);
	c->r[REG_ESP] = sp + 4;
	return fast_jump_indirect(c, in, ldn(c->mem.base + sp, 4));
}

static bool is_reg(const struct insn *in, int k, unsigned n)
{
	return in->kind[k] == OPK_REG && in->sz[k] == n;
}
static bool is_mem(const struct insn *in, int k, unsigned n)
{
	return in->kind[k] == OPK_MEM && in->sz[k] == n && !(in->pfx & PFX_A16);
}
static bool is_r32(const struct insn *in, int k)
{
	return is_reg(in, k, 4);
}

int op_generic(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in);
	return optable_find((ZydisMnemonic)in->mnem)->fn(c, in);
}

/* The form of a two-operand n-byte instruction, or FORMS when it has none of ours. */
static enum form form_of(const struct insn *in, unsigned n)
{
	if (in->kind[2] != OPK_NONE)
		return FORMS;
	if (is_reg(in, 0, n) && is_reg(in, 1, n))
		return F_RR;
	if (is_reg(in, 0, n) && in->kind[1] == OPK_IMM)
		return F_RI;
	if (is_reg(in, 0, n) && is_mem(in, 1, n))
		return F_RM;
	if (is_mem(in, 0, n) && is_reg(in, 1, n))
		return F_MR;
	if (is_mem(in, 0, n) && in->kind[1] == OPK_IMM)
		return F_MI;
	return FORMS;
}

insn_fn fast_form(ZydisMnemonic m, const struct insn *in)
{
	if (in->pfx & (PFX_LOCK | PFX_REP | PFX_REPNE))
		return NULL;
	const insn_fn *const *sizes = NULL;
	switch (m) {
	case ZYDIS_MNEMONIC_ADD: sizes = add_sizes; break;
	case ZYDIS_MNEMONIC_OR: sizes = or_sizes; break;
	case ZYDIS_MNEMONIC_ADC: sizes = adc_sizes; break;
	case ZYDIS_MNEMONIC_SBB: sizes = sbb_sizes; break;
	case ZYDIS_MNEMONIC_AND: sizes = and_sizes; break;
	case ZYDIS_MNEMONIC_SUB: sizes = sub_sizes; break;
	case ZYDIS_MNEMONIC_XOR: sizes = xor_sizes; break;
	case ZYDIS_MNEMONIC_CMP: sizes = cmp_sizes; break;
	case ZYDIS_MNEMONIC_TEST: sizes = test_sizes; break;
	case ZYDIS_MNEMONIC_MOV: sizes = mov_sizes; break;
	case ZYDIS_MNEMONIC_IMUL:
		if (!is_r32(in, 0) || in->kind[1] == OPK_NONE)
			return NULL;
		if (in->kind[2] == OPK_NONE)
			return is_r32(in, 1) ? imul32_rr : is_mem(in, 1, 4) ? imul32_rm : NULL;
		if (in->kind[2] != OPK_IMM)
			return NULL;
		return is_r32(in, 1) ? imul32_rri : is_mem(in, 1, 4) ? imul32_rmi : NULL;
	case ZYDIS_MNEMONIC_INC:
		return is_r32(in, 0) ? inc32_r : is_mem(in, 0, 4) ? inc32_m : NULL;
	case ZYDIS_MNEMONIC_DEC:
		return is_r32(in, 0) ? dec32_r : is_mem(in, 0, 4) ? dec32_m : NULL;
	case ZYDIS_MNEMONIC_SHL:
	case ZYDIS_MNEMONIC_SHR:
	case ZYDIS_MNEMONIC_SAR: {
		int k = m == ZYDIS_MNEMONIC_SHL ? 0 : m == ZYDIS_MNEMONIC_SHR ? 1 : 2;
		static const insn_fn by_imm[3] = { shl32_ri, shr32_ri, sar32_ri };
		static const insn_fn by_cl[3] = { shl32_rc, shr32_rc, sar32_rc };
		if (!is_r32(in, 0))
			return NULL;
		if (in->kind[1] == OPK_IMM)
			return by_imm[k];
		return in->kind[1] == OPK_REG && in->reg[1] == 4 * REG_ECX && in->sz[1] == 1 ? by_cl[k] : NULL;
	}
	case ZYDIS_MNEMONIC_LEA:
		return is_r32(in, 0) && !(in->pfx & PFX_A16) ? lea32 : NULL;
	case ZYDIS_MNEMONIC_MOVZX:
	case ZYDIS_MNEMONIC_MOVSX: {
		bool zx = m == ZYDIS_MNEMONIC_MOVZX;
		if (!is_r32(in, 0))
			return NULL;
		bool byte = in->sz[1] == 1;
		if (in->kind[1] == OPK_REG)
			return zx ? (byte ? movzx32_r8 : movzx32_r16) : (byte ? movsx32_r8 : movsx32_r16);
		if (in->kind[1] == OPK_MEM && !(in->pfx & PFX_A16))
			return zx ? (byte ? movzx32_m8 : movzx32_m16) : (byte ? movsx32_m8 : movsx32_m16);
		return NULL;
	}
	case ZYDIS_MNEMONIC_JO: case ZYDIS_MNEMONIC_JNO: case ZYDIS_MNEMONIC_JB:
	case ZYDIS_MNEMONIC_JNB: case ZYDIS_MNEMONIC_JZ: case ZYDIS_MNEMONIC_JNZ:
	case ZYDIS_MNEMONIC_JBE: case ZYDIS_MNEMONIC_JNBE: case ZYDIS_MNEMONIC_JS:
	case ZYDIS_MNEMONIC_JNS: case ZYDIS_MNEMONIC_JP: case ZYDIS_MNEMONIC_JNP:
	case ZYDIS_MNEMONIC_JL: case ZYDIS_MNEMONIC_JNL: case ZYDIS_MNEMONIC_JLE:
	case ZYDIS_MNEMONIC_JNLE:
		return in->kind[0] == OPK_IMM ? jcc_forms[in->cc & 15] : NULL;
	case ZYDIS_MNEMONIC_SETO: case ZYDIS_MNEMONIC_SETNO: case ZYDIS_MNEMONIC_SETB:
	case ZYDIS_MNEMONIC_SETNB: case ZYDIS_MNEMONIC_SETZ: case ZYDIS_MNEMONIC_SETNZ:
	case ZYDIS_MNEMONIC_SETBE: case ZYDIS_MNEMONIC_SETNBE: case ZYDIS_MNEMONIC_SETS:
	case ZYDIS_MNEMONIC_SETNS: case ZYDIS_MNEMONIC_SETP: case ZYDIS_MNEMONIC_SETNP:
	case ZYDIS_MNEMONIC_SETL: case ZYDIS_MNEMONIC_SETNL: case ZYDIS_MNEMONIC_SETLE:
	case ZYDIS_MNEMONIC_SETNLE:
		return is_reg(in, 0, 1) ? setcc_forms[in->cc & 15] : NULL;
	case ZYDIS_MNEMONIC_JMP:
		if (in->pfx & PFX_O16)
			return NULL;
		return in->kind[0] == OPK_IMM ? jmp_rel : is_r32(in, 0) ? jmp_r32 : is_mem(in, 0, 4) ? jmp_m32 : NULL;
	case ZYDIS_MNEMONIC_CALL:
		return !(in->pfx & PFX_O16) && in->kind[0] == OPK_IMM ? call_rel32 : NULL;
	case ZYDIS_MNEMONIC_RET:
		return !(in->pfx & PFX_O16) && in->kind[0] == OPK_NONE ? ret32 : NULL;
	case ZYDIS_MNEMONIC_PUSH:
		return is_r32(in, 0) ? push32_r : NULL;
	case ZYDIS_MNEMONIC_POP:
		return is_r32(in, 0) ? pop32_r : NULL;
	default:
		return NULL;
	}
	unsigned n = in->sz[0], i = n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : 3;
	if (i == 3)
		return NULL;
	enum form f = form_of(in, n);
	return f == FORMS ? NULL : sizes[i][f];
}

/* Which fused handler replaces the first of a CMP/TEST + Jcc pair, by the first's form. */
static const struct fusion {
	const insn_fn *first; /* the CMP/TEST form's handler, in its forms table */
	insn_fn fused[16];    /* by the Jcc's condition */
} fusions[] = {
	{ &cmp32_forms[F_RR], FUSED_ROW(fcmp32_rr) }, { &cmp32_forms[F_RI], FUSED_ROW(fcmp32_ri) },
	{ &cmp32_forms[F_RM], FUSED_ROW(fcmp32_rm) }, { &cmp32_forms[F_MR], FUSED_ROW(fcmp32_mr) },
	{ &cmp32_forms[F_MI], FUSED_ROW(fcmp32_mi) }, { &cmp8_forms[F_RR], FUSED_ROW(fcmp8_rr) },
	{ &cmp8_forms[F_RI], FUSED_ROW(fcmp8_ri) },   { &cmp8_forms[F_RM], FUSED_ROW(fcmp8_rm) },
	{ &cmp8_forms[F_MR], FUSED_ROW(fcmp8_mr) },   { &cmp8_forms[F_MI], FUSED_ROW(fcmp8_mi) },
	{ &test32_forms[F_RR], FUSED_ROW(ftest32_rr) }, { &test32_forms[F_RI], FUSED_ROW(ftest32_ri) },
	{ &test8_forms[F_RR], FUSED_ROW(ftest8_rr) },   { &test8_forms[F_RI], FUSED_ROW(ftest8_ri) },
};

insn_fn fast_fuse(const struct insn *first, const struct insn *second)
{
	if (second->fn != jcc_forms[second->cc & 15])
		return NULL;
	for (size_t i = 0; i < sizeof(fusions) / sizeof(fusions[0]); i++)
		if (first->fn == *fusions[i].first)
			return fusions[i].fused[second->cc];
	return NULL;
}

/* Dead flags. When the next instruction of the block rewrites all six arithmetic flags and
 * cannot fault (a register-only CMP, TEST, ADD, SUB, AND, OR or XOR, fused or not), the flags
 * of a register-only ADD, SUB, AND, OR, XOR, INC or DEC before it are never seen, provided
 * the next one runs: these variants (NAME_nf of the handler NAME) skip recording them, and do
 * the whole instruction (full) when the run ends between the two (a budget, single-stepping),
 * so every state a stop can show is exact. */
static FORCE_INLINE int alu_nf(struct cpu *c, const struct insn *in, insn_fn full, enum alu_op op,
			       uint32_t b)
{
	if (unlikely(in + 1 >= c->run_end))
		return full(c, in);
	uint32_t a = R(in, 0);
	R(in, 0) = op == ALU_ADD ? a + b : op == ALU_SUB ? a - b : op == ALU_AND ? (a & b) :
		   op == ALU_OR ? (a | b) : (a ^ b);
	return in[1].fn(c, in + 1);
}
static int add32_rr_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, add32_rr, ALU_ADD, R(in, 1)); }
static int add32_ri_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, add32_ri, ALU_ADD, in->imm); }
static int sub32_rr_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, sub32_rr, ALU_SUB, R(in, 1)); }
static int sub32_ri_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, sub32_ri, ALU_SUB, in->imm); }
static int and32_rr_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, and32_rr, ALU_AND, R(in, 1)); }
static int and32_ri_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, and32_ri, ALU_AND, in->imm); }
static int or32_rr_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, or32_rr, ALU_OR, R(in, 1)); }
static int or32_ri_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, or32_ri, ALU_OR, in->imm); }
static int xor32_rr_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, xor32_rr, ALU_XOR, R(in, 1)); }
static int xor32_ri_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, xor32_ri, ALU_XOR, in->imm); }
static int inc32_r_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, inc32_r, ALU_ADD, 1); }
static int dec32_r_nf(struct cpu *c, const struct insn *in) { return alu_nf(c, in, dec32_r, ALU_SUB, 1); }

static const struct {
	insn_fn full, nf;
} noflags[] = {
	{ add32_rr, add32_rr_nf }, { add32_ri, add32_ri_nf }, { sub32_rr, sub32_rr_nf },
	{ sub32_ri, sub32_ri_nf }, { and32_rr, and32_rr_nf }, { and32_ri, and32_ri_nf },
	{ or32_rr, or32_rr_nf },   { or32_ri, or32_ri_nf },   { xor32_rr, xor32_rr_nf },
	{ xor32_ri, xor32_ri_nf }, { inc32_r, inc32_r_nf },   { dec32_r, dec32_r_nf },
};

/* Whether fn rewrites all of OSZAPC without reading them and cannot fault. */
static bool kills_flags(insn_fn fn)
{
	static const insn_fn *const plain[] = {
		&cmp32_forms[F_RR], &cmp32_forms[F_RI], &cmp8_forms[F_RR], &cmp8_forms[F_RI],
		&test32_forms[F_RR], &test32_forms[F_RI], &test8_forms[F_RR], &test8_forms[F_RI],
		&add32_forms[F_RR], &add32_forms[F_RI], &sub32_forms[F_RR], &sub32_forms[F_RI],
		&and32_forms[F_RR], &and32_forms[F_RI], &or32_forms[F_RR], &or32_forms[F_RI],
		&xor32_forms[F_RR], &xor32_forms[F_RI],
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (fn == *plain[i])
			return true;
		/* and a register-only CMP or TEST fused with the Jcc after it */
		for (size_t f = 0; f < sizeof(fusions) / sizeof(fusions[0]); f++)
			for (unsigned cc = 0; fusions[f].first == plain[i] && cc < 16; cc++)
				if (fn == fusions[f].fused[cc])
					return true;
	}
	return false;
}

insn_fn fast_dead_flags(const struct insn *in, const struct insn *next)
{
	if (!kills_flags(next->fn))
		return NULL;
	for (size_t i = 0; i < sizeof(noflags) / sizeof(noflags[0]); i++)
		if (in->fn == noflags[i].full)
			return noflags[i].nf;
	return NULL;
}
