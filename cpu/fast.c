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

#define R(in, k) (c->r[(in)->reg[k] >> 2]) /* a 32-bit register operand */

enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

/* One 32-bit ALU operation: the result in *res, the new OSZAPC bits returned. Inlined with a
 * constant op, it is the operation and its flags and nothing else. */
static inline uint32_t alu32(struct cpu *c, enum alu_op op, uint32_t a, uint32_t b, uint32_t *res)
{
	uint32_t r, carry = c->eflags & FL_CF;
	switch (op) {
	case ALU_ADD:
		*res = r = a + b;
		return flags_szp(r, 4) | (r < a ? FL_CF : 0) | (((a ^ r) & (b ^ r)) >> 31 ? FL_OF : 0) |
		       ((a ^ b ^ r) & FL_AF);
	case ALU_ADC:
		return (*res = a + b + carry), flags_add(a, b, carry, 4);
	case ALU_SUB:
	case ALU_CMP:
		*res = r = a - b;
		return flags_szp(r, 4) | (a < b ? FL_CF : 0) | (((a ^ b) & (a ^ r)) >> 31 ? FL_OF : 0) |
		       ((a ^ b ^ r) & FL_AF);
	case ALU_SBB:
		return (*res = a - b - carry), flags_sub(a, b, carry, 4);
	case ALU_AND:
	case ALU_TEST:
		return flags_szp(*res = a & b, 4);
	case ALU_OR:
		return flags_szp(*res = a | b, 4);
	default:
		return flags_szp(*res = a ^ b, 4);
	}
}

static inline bool alu_writes(enum alu_op op)
{
	return op != ALU_CMP && op != ALU_TEST;
}

/* Plain 32-bit memory at the operand's address, or NULL (then the generic handler runs). */
static inline uint8_t *plain_read(struct cpu *c, const struct insn *in)
{
	uint32_t a = insn_ea(c, in);
	return mem_plain(&c->mem, a, 4) ? c->mem.base + a : NULL;
}
static inline uint8_t *plain_write(struct cpu *c, const struct insn *in)
{
	uint32_t a = insn_ea(c, in);
	if (!mem_plain(&c->mem, a, 4) || c->mem.pflags[a >> DVA_PAGE_SHIFT] ||
	    c->mem.pflags[(a + 3) >> DVA_PAGE_SHIFT])
		return NULL;
	return c->mem.base + a;
}
static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline void st32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* For each ALU operation, five forms: Gd,Gd (r32, r32), Gd,Id, Gd,Md, Md,Gd and Md,Id. */
#define ALU_FORMS(name, op, generic)                                                          \
	static int name##_rr(struct cpu *c, const struct insn *in)                             \
	{                                                                                      \
		uint32_t res, f = alu32(c, op, R(in, 0), R(in, 1), &res);                          \
		if (alu_writes(op))                                                                \
			R(in, 0) = res;                                                            \
		set_flags(c, FL_OSZAPC, f);                                                        \
		return ST_NEXT;                                                                    \
	}                                                                                      \
	static int name##_ri(struct cpu *c, const struct insn *in)                             \
	{                                                                                      \
		uint32_t res, f = alu32(c, op, R(in, 0), in->imm, &res);                           \
		if (alu_writes(op))                                                                \
			R(in, 0) = res;                                                            \
		set_flags(c, FL_OSZAPC, f);                                                        \
		return ST_NEXT;                                                                    \
	}                                                                                      \
	static int name##_rm(struct cpu *c, const struct insn *in)                             \
	{                                                                                      \
		const uint8_t *p = plain_read(c, in);                                              \
		if (!p)                                                                            \
			return generic(c, in);                                                     \
		uint32_t res, f = alu32(c, op, R(in, 0), ld32(p), &res);                           \
		if (alu_writes(op))                                                                \
			R(in, 0) = res;                                                            \
		set_flags(c, FL_OSZAPC, f);                                                        \
		return ST_NEXT;                                                                    \
	}                                                                                      \
	static int name##_mr(struct cpu *c, const struct insn *in)                             \
	{                                                                                      \
		uint8_t *p = alu_writes(op) ? plain_write(c, in) : (uint8_t *)plain_read(c, in);   \
		if (!p)                                                                            \
			return generic(c, in);                                                     \
		uint32_t res, f = alu32(c, op, ld32(p), R(in, 1), &res);                           \
		if (alu_writes(op))                                                                \
			st32(p, res);                                                              \
		set_flags(c, FL_OSZAPC, f);                                                        \
		return ST_NEXT;                                                                    \
	}                                                                                      \
	static int name##_mi(struct cpu *c, const struct insn *in)                             \
	{                                                                                      \
		uint8_t *p = alu_writes(op) ? plain_write(c, in) : (uint8_t *)plain_read(c, in);   \
		if (!p)                                                                            \
			return generic(c, in);                                                     \
		uint32_t res, f = alu32(c, op, ld32(p), in->imm, &res);                            \
		if (alu_writes(op))                                                                \
			st32(p, res);                                                              \
		set_flags(c, FL_OSZAPC, f);                                                        \
		return ST_NEXT;                                                                    \
	}                                                                                      \
	static const insn_fn name##_forms[FORMS] = { name##_rr, name##_ri, name##_rm, name##_mr, name##_mi };

enum form { F_RR, F_RI, F_RM, F_MR, F_MI, FORMS };

ALU_FORMS(add32, ALU_ADD, op_add)
ALU_FORMS(or32, ALU_OR, op_or)
ALU_FORMS(adc32, ALU_ADC, op_adc)
ALU_FORMS(sbb32, ALU_SBB, op_sbb)
ALU_FORMS(and32, ALU_AND, op_and)
ALU_FORMS(sub32, ALU_SUB, op_sub)
ALU_FORMS(xor32, ALU_XOR, op_xor)
ALU_FORMS(cmp32, ALU_CMP, op_cmp)
ALU_FORMS(test32, ALU_TEST, op_test)

/* MOV: Gd,Gd Gd,Id Gd,Md Md,Gd Md,Id. */
static int mov32_rr(struct cpu *c, const struct insn *in)
{
	R(in, 0) = R(in, 1);
	return ST_NEXT;
}
static int mov32_ri(struct cpu *c, const struct insn *in)
{
	R(in, 0) = in->imm;
	return ST_NEXT;
}
static int mov32_rm(struct cpu *c, const struct insn *in)
{
	const uint8_t *p = plain_read(c, in);
	if (!p)
		return op_mov(c, in);
	R(in, 0) = ld32(p);
	return ST_NEXT;
}
static int mov32_mr(struct cpu *c, const struct insn *in)
{
	uint8_t *p = plain_write(c, in);
	if (!p)
		return op_mov(c, in);
	st32(p, R(in, 1));
	return ST_NEXT;
}
static int mov32_mi(struct cpu *c, const struct insn *in)
{
	uint8_t *p = plain_write(c, in);
	if (!p)
		return op_mov(c, in);
	st32(p, in->imm);
	return ST_NEXT;
}
static const insn_fn mov32_forms[FORMS] = { mov32_rr, mov32_ri, mov32_rm, mov32_mr, mov32_mi };

/* INC/DEC r32: OSZAP, CF kept. */
static int inc32_r(struct cpu *c, const struct insn *in)
{
	uint32_t a = R(in, 0), r = a + 1;
	R(in, 0) = r;
	set_flags(c, FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF,
		  flags_szp(r, 4) | (r == 0x80000000u ? FL_OF : 0) | ((a ^ r) & FL_AF));
	return ST_NEXT;
}
static int dec32_r(struct cpu *c, const struct insn *in)
{
	uint32_t a = R(in, 0), r = a - 1;
	R(in, 0) = r;
	set_flags(c, FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF,
		  flags_szp(r, 4) | (r == 0x7FFFFFFFu ? FL_OF : 0) | ((a ^ r) & FL_AF));
	return ST_NEXT;
}

/* LEA r32 with a 32-bit address. */
static int lea32(struct cpu *c, const struct insn *in)
{
	R(in, 0) = insn_ea(c, in);
	return ST_NEXT;
}

/* MOVZX/MOVSX r32 from a byte or word register or plain memory. */
static int movzx32_r(struct cpu *c, const struct insn *in)
{
	R(in, 0) = reg_get(c, in->reg[1], in->sz[1]);
	return ST_NEXT;
}
static int movsx32_r(struct cpu *c, const struct insn *in)
{
	R(in, 0) = sext(reg_get(c, in->reg[1], in->sz[1]), in->sz[1]);
	return ST_NEXT;
}
static int movzx32_m(struct cpu *c, const struct insn *in)
{
	uint32_t a = insn_ea(c, in), v = 0;
	if (!mem_plain(&c->mem, a, in->sz[1]))
		return op_movzx(c, in);
	memcpy(&v, c->mem.base + a, in->sz[1]);
	R(in, 0) = v;
	return ST_NEXT;
}
static int movsx32_m(struct cpu *c, const struct insn *in)
{
	uint32_t a = insn_ea(c, in), v = 0;
	if (!mem_plain(&c->mem, a, in->sz[1]))
		return op_movsx(c, in);
	memcpy(&v, c->mem.base + a, in->sz[1]);
	R(in, 0) = sext(v, in->sz[1]);
	return ST_NEXT;
}

/* PUSH r32 and POP r32 on plain stack memory. */
static int push32_r(struct cpu *c, const struct insn *in)
{
	uint32_t sp = c->r[REG_ESP] - 4;
	if (!mem_plain(&c->mem, sp, 4) || c->mem.pflags[sp >> DVA_PAGE_SHIFT] ||
	    c->mem.pflags[(sp + 3) >> DVA_PAGE_SHIFT])
		return op_push(c, in);
	st32(c->mem.base + sp, R(in, 0)); /* PUSH ESP pushes the value before the push */
	c->r[REG_ESP] = sp;
	return ST_NEXT;
}
static int pop32_r(struct cpu *c, const struct insn *in)
{
	uint32_t sp = c->r[REG_ESP];
	if (!mem_plain(&c->mem, sp, 4))
		return op_pop(c, in);
	uint32_t v = ld32(c->mem.base + sp);
	c->r[REG_ESP] = sp + 4; /* POP ESP: the popped value wins */
	R(in, 0) = v;
	return ST_NEXT;
}

static bool is_r32(const struct insn *in, int k)
{
	return in->kind[k] == OPK_REG && in->sz[k] == 4;
}
static bool is_m32(const struct insn *in, int k)
{
	return in->kind[k] == OPK_MEM && in->sz[k] == 4 && in->asz == 4;
}

/* The form of a two-operand 32-bit instruction, or FORMS when it has none of ours. */
static enum form form_of(const struct insn *in)
{
	if (is_r32(in, 0) && is_r32(in, 1))
		return F_RR;
	if (is_r32(in, 0) && in->kind[1] == OPK_IMM)
		return F_RI;
	if (is_r32(in, 0) && is_m32(in, 1))
		return F_RM;
	if (is_m32(in, 0) && is_r32(in, 1))
		return F_MR;
	if (is_m32(in, 0) && in->kind[1] == OPK_IMM)
		return F_MI;
	return FORMS;
}

insn_fn fast_form(ZydisMnemonic m, const struct insn *in)
{
	if (in->pfx & (PFX_LOCK | PFX_REP | PFX_REPNE))
		return NULL;
	const insn_fn *forms = NULL;
	switch (m) {
	case ZYDIS_MNEMONIC_ADD: forms = add32_forms; break;
	case ZYDIS_MNEMONIC_OR: forms = or32_forms; break;
	case ZYDIS_MNEMONIC_ADC: forms = adc32_forms; break;
	case ZYDIS_MNEMONIC_SBB: forms = sbb32_forms; break;
	case ZYDIS_MNEMONIC_AND: forms = and32_forms; break;
	case ZYDIS_MNEMONIC_SUB: forms = sub32_forms; break;
	case ZYDIS_MNEMONIC_XOR: forms = xor32_forms; break;
	case ZYDIS_MNEMONIC_CMP: forms = cmp32_forms; break;
	case ZYDIS_MNEMONIC_TEST: forms = test32_forms; break;
	case ZYDIS_MNEMONIC_MOV: forms = mov32_forms; break;
	case ZYDIS_MNEMONIC_INC:
		return is_r32(in, 0) ? inc32_r : NULL;
	case ZYDIS_MNEMONIC_DEC:
		return is_r32(in, 0) ? dec32_r : NULL;
	case ZYDIS_MNEMONIC_LEA:
		return is_r32(in, 0) && in->asz == 4 ? lea32 : NULL;
	case ZYDIS_MNEMONIC_MOVZX:
	case ZYDIS_MNEMONIC_MOVSX: {
		bool zx = m == ZYDIS_MNEMONIC_MOVZX;
		if (!is_r32(in, 0))
			return NULL;
		if (in->kind[1] == OPK_REG)
			return zx ? movzx32_r : movsx32_r;
		if (in->kind[1] == OPK_MEM && in->asz == 4)
			return zx ? movzx32_m : movsx32_m;
		return NULL;
	}
	case ZYDIS_MNEMONIC_PUSH:
		return is_r32(in, 0) ? push32_r : NULL;
	case ZYDIS_MNEMONIC_POP:
		return is_r32(in, 0) ? pop32_r : NULL;
	default:
		return NULL;
	}
	enum form f = form_of(in);
	return f == FORMS ? NULL : forms[f];
}
