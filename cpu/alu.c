/* alu.c - integer arithmetic and logic: ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG NOT.
 *
 * Every form has its destination (or first source) as operand 0 and its source as operand 1;
 * the accumulator forms (04, 05, 2C, 3D, A8, ...) reach here with AL/AX/EAX listed as an
 * explicit operand 0, so opnd_get/opnd_put serve all of them. For a memory operand 0 the
 * decoder sets PFX_RMW on the read-modify-write forms: the first opnd_get checks write
 * permission, so the final opnd_put cannot fault and the flags are set only after it.
 * Flags per Intel SDM Vol. 2 for each instruction.
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* The two-operand arithmetic family: an add or a subtract with a carry/borrow in of 0 or 1. */
enum arith_kind { AK_ADD, AK_SUB };

/* dst = dst +/- src +/- carry (ADC/SBB pass CF); write it unless compare_only; set all six flags. */
static int arith2(struct cpu *c, const struct insn *in, enum arith_kind k, uint32_t carry,
		  bool compare_only)
{
	unsigned n = insn_osz(in);
	uint32_t a, b, res, f;

	if (opnd_get(c, in, 0, &a) || opnd_get(c, in, 1, &b))
		return ST_FAULT;
	if (k == AK_ADD) {
		res = a + b + carry;
		f = flags_add(a, b, carry, n);
	} else {
		res = a - b - carry;
		f = flags_sub(a, b, carry, n);
	}
	if (!compare_only && opnd_put(c, in, 0, res))
		return ST_FAULT;
	set_flags(c, FL_OSZAPC, f);
	return ST_NEXT;
}

int op_add(struct cpu *c, const struct insn *in)
{
	return arith2(c, in, AK_ADD, 0, false);
}

int op_adc(struct cpu *c, const struct insn *in)
{
	return arith2(c, in, AK_ADD, cpu_cf(c) ? 1 : 0, false);
}

int op_sub(struct cpu *c, const struct insn *in)
{
	return arith2(c, in, AK_SUB, 0, false);
}

int op_sbb(struct cpu *c, const struct insn *in)
{
	return arith2(c, in, AK_SUB, cpu_cf(c) ? 1 : 0, false);
}

int op_cmp(struct cpu *c, const struct insn *in)
{
	return arith2(c, in, AK_SUB, 0, true);
}

/* The bitwise family: OF = CF = 0, SF/ZF/PF from the result, AF cleared (undefined in the SDM;
 * P6 and the hosts we checked clear it). */
enum logic_kind { LK_AND, LK_OR, LK_XOR };

static int logic2(struct cpu *c, const struct insn *in, enum logic_kind k, bool test_only)
{
	uint32_t a, b, res;

	if (opnd_get(c, in, 0, &a) || opnd_get(c, in, 1, &b))
		return ST_FAULT;
	res = k == LK_AND ? a & b : k == LK_OR ? a | b : a ^ b;
	if (!test_only && opnd_put(c, in, 0, res))
		return ST_FAULT;
	set_flags(c, FL_OSZAPC, flags_logic(res, insn_osz(in)));
	return ST_NEXT;
}

int op_and(struct cpu *c, const struct insn *in)
{
	return logic2(c, in, LK_AND, false);
}

int op_or(struct cpu *c, const struct insn *in)
{
	return logic2(c, in, LK_OR, false);
}

int op_xor(struct cpu *c, const struct insn *in)
{
	return logic2(c, in, LK_XOR, false);
}

int op_test(struct cpu *c, const struct insn *in)
{
	return logic2(c, in, LK_AND, true);
}

/* INC and DEC: an add or subtract of 1 that keeps CF (SDM Vol. 2, INC/DEC "Flags Affected"). */
static int incdec(struct cpu *c, const struct insn *in, bool dec)
{
	unsigned n = insn_osz(in);
	uint32_t a, res, f;

	if (opnd_get(c, in, 0, &a))
		return ST_FAULT;
	if (dec) {
		res = a - 1;
		f = flags_sub(a, 1, 0, n);
	} else {
		res = a + 1;
		f = flags_add(a, 1, 0, n);
	}
	if (opnd_put(c, in, 0, res))
		return ST_FAULT;
	set_flags(c, FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF, f);
	return ST_NEXT;
}

int op_inc(struct cpu *c, const struct insn *in)
{
	return incdec(c, in, false);
}

int op_dec(struct cpu *c, const struct insn *in)
{
	return incdec(c, in, true);
}

/* NEG is 0 - dst: flags_sub then gives CF = (dst != 0) and OF for the most negative value. */
int op_neg(struct cpu *c, const struct insn *in)
{
	uint32_t a;

	if (opnd_get(c, in, 0, &a))
		return ST_FAULT;
	if (opnd_put(c, in, 0, 0u - a))
		return ST_FAULT;
	set_flags(c, FL_OSZAPC, flags_sub(0, a, 0, insn_osz(in)));
	return ST_NEXT;
}

/* NOT changes no flag. */
int op_not(struct cpu *c, const struct insn *in)
{
	uint32_t a;

	if (opnd_get(c, in, 0, &a))
		return ST_FAULT;
	if (opnd_put(c, in, 0, ~a))
		return ST_FAULT;
	return ST_NEXT;
}
