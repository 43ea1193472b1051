/* interrupt.c - software interrupts INT n, INT3, INTO, the BOUND check, and IRET (DVA-1 section
 * 2): traps and returns through the same frames as exceptions and upcalls (exception.c). */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* INT imm8: a trap to vector imm8 (no error code, whatever the vector). */
int op_int(struct cpu *c, const struct insn *in)
{
	c->soft_vector = (uint8_t)in->imm;
	return ST_SOFTINT;
}

/* INT3 (CC): a trap to vector 3. */
int op_int3(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->soft_vector = DVA_VEC_BP;
	return ST_SOFTINT;
}

/* INTO: a trap to vector 4 when OF = 1, else nothing. */
int op_into(struct cpu *c, const struct insn *in)
{
	(void)in;
	if (!(cpu_eflags(c) & FL_OF))
		return ST_NEXT;
	c->soft_vector = DVA_VEC_OF;
	return ST_SOFTINT;
}

/* BOUND r, m: #BR (a fault) unless lower <= r <= upper, all signed, the bounds at m and m + n. */
int op_bound(struct cpu *c, const struct insn *in)
{
	unsigned n = in->sz[0];
	uint32_t a = insn_ea(c, in), lo, hi;
	if (mem_rdn(&c->mem, a, n, &lo, &c->fault) || mem_rdn(&c->mem, a + n, n, &hi, &c->fault))
		return ST_FAULT;
	int32_t v = (int32_t)sext(reg_get(c, in->reg[0], n), n);
	if (v < (int32_t)sext(lo, n) || v > (int32_t)sext(hi, n))
		return cpu_raise(c, DVA_VEC_BR, 0);
	return ST_NEXT;
}

/* IRET: pop EIP, a 32-bit value it ignores, and EFLAGS as POPF does; irq_enable = bit 9 of the
 * popped EFLAGS. Under 0x66: IP, CS and FLAGS of 16 bits each. Turning irq_enable on is a
 * delivery point (DVA-1 section 5). */
int op_iret(struct cpu *c, const struct insn *in)
{
	unsigned n = (in->pfx & PFX_O16) ? 2 : 4;
	uint32_t sp = c->r[REG_ESP], eip, fl;
	if (mem_check_read(&c->mem, sp, 3 * n, &c->fault) ||
	    mem_rdn(&c->mem, sp, n, &eip, &c->fault) ||
	    mem_rdn(&c->mem, sp + 2 * n, n, &fl, &c->fault))
		return ST_FAULT;
	uint32_t mask = n == 2 ? FL_POPF_MASK & 0xFFFFu : FL_POPF_MASK;
	struct dva_regs *p0 = cpu_page0(c);
	uint32_t was = p0->irq_enable;
	c->eflags = (cpu_eflags(c) & ~mask) | (fl & mask);
	p0->irq_enable = (fl & FL_IF) ? 1 : 0;
	if (!was && p0->irq_enable)
		c->irq_point = true;
	c->r[REG_ESP] = sp + 3 * n;
	c->eip = eip;
	return ST_JUMP;
}
