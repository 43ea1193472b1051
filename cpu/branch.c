/* branch.c - control transfer: JMP Jcc CALL RET LOOP LOOPE LOOPNE JCXZ/JECXZ (near only; far
 * forms are removed by DVA-1 section 2 and never reach here).
 *
 * Relative targets arrive as absolute addresses in in->imm, already masked to 16 bits under
 * 0x66. A taken branch sets c->eip and returns ST_JUMP; a branch not taken returns ST_NEXT.
 * LOOPcc and JCXZ count in CX instead of ECX under 0x67 (PFX_A16).
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* Bytes CALL pushes and RET pops: 2 under 0x66 (PFX_O16: RET's operand, when it has one, is an
 * imm16 whatever the prefix), else 4. */
static unsigned stack_width(const struct insn *in)
{
	return in->pfx & PFX_O16 ? 2 : 4;
}

/* JMP rel8/rel16/rel32, or JMP r/m (the target is the operand, 16 bits under 0x66). */
int op_jmp(struct cpu *c, const struct insn *in)
{
	uint32_t target;
	if (opnd_get(c, in, 0, &target))
		return ST_FAULT;
	c->eip = target;
	return ST_JUMP;
}

int op_jcc(struct cpu *c, const struct insn *in)
{
	if (!cpu_cond(c, in->cc))
		return ST_NEXT;
	c->eip = in->imm;
	return ST_JUMP;
}

/* CALL rel or r/m: the target is read before the push (CALL [ESP] uses the old ESP), then the
 * address of the next instruction is pushed, 2 bytes of it under 0x66. */
int op_call(struct cpu *c, const struct insn *in)
{
	uint32_t target;
	if (opnd_get(c, in, 0, &target) || cpu_push(c, stack_width(in), c->eip + in->len))
		return ST_FAULT;
	c->eip = target;
	return ST_JUMP;
}

/* RET, RET imm16: pop EIP (IP under 0x66), then release imm16 more bytes of stack. */
int op_ret(struct cpu *c, const struct insn *in)
{
	uint32_t target;
	if (cpu_pop(c, stack_width(in), &target))
		return ST_FAULT;
	if (in->kind[0] == OPK_IMM)
		c->r[REG_ESP] += in->imm & 0xFFFF;
	c->eip = target;
	return ST_JUMP;
}

/* Decrement the count register (CX under 0x67) without touching the flags; return the new
 * count. */
static uint32_t loop_count(struct cpu *c, const struct insn *in)
{
	uint32_t am = addr_mask(in);
	c->r[REG_ECX] = (c->r[REG_ECX] & ~am) | ((c->r[REG_ECX] - 1) & am);
	return c->r[REG_ECX] & am;
}

static int branch_if(struct cpu *c, const struct insn *in, bool taken)
{
	if (!taken)
		return ST_NEXT;
	c->eip = in->imm;
	return ST_JUMP;
}

int op_loop(struct cpu *c, const struct insn *in)
{
	return branch_if(c, in, loop_count(c, in) != 0);
}

int op_loope(struct cpu *c, const struct insn *in)
{
	bool more = loop_count(c, in) != 0;
	return branch_if(c, in, more && (cpu_eflags(c) & FL_ZF));
}

int op_loopne(struct cpu *c, const struct insn *in)
{
	bool more = loop_count(c, in) != 0;
	return branch_if(c, in, more && !(cpu_eflags(c) & FL_ZF));
}

/* JCXZ (0x67) and JECXZ. */
int op_jcxz(struct cpu *c, const struct insn *in)
{
	return branch_if(c, in, (c->r[REG_ECX] & addr_mask(in)) == 0);
}
