/* stack.c - stack instructions: PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE.
 *
 * The stack is always 32-bit (ESP; DVA-1 has flat segments with B = 1); 0x66 makes the pushed
 * and popped values 2 bytes. Every instruction checks all the memory it touches before it
 * changes anything, so a fault leaves ESP, the registers and memory as they were.
 */
#include <stddef.h>

#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"
#include "denali_arch/dva.h"

/* Bytes per push or pop: 2 under 0x66, else 4. The decoded form records the operand size in
 * PFX_O16 because the operands do not always carry it (PUSH imm8, ENTER's two immediates). */
static unsigned stack_width(const struct insn *in)
{
	return in->pfx & PFX_O16 ? 2 : 4;
}

/* PUSH r/m, reg, imm: the value is read first, so PUSH ESP pushes ESP as it was and PUSH [ESP]
 * addresses through the old ESP (SDM Vol. 2, PUSH). An immediate arrives sign-extended. */
int op_push(struct cpu *c, const struct insn *in)
{
	uint32_t v;
	if (opnd_get(c, in, 0, &v) || cpu_push(c, stack_width(in), v))
		return ST_FAULT;
	return ST_NEXT;
}

/* POP r/m, reg. ESP is incremented before the destination is written: POP ESP loads the popped
 * value, and a memory destination addressed through ESP uses the incremented ESP (SDM Vol. 2,
 * POP). If that write faults, ESP goes back. */
int op_pop(struct cpu *c, const struct insn *in)
{
	unsigned n = stack_width(in);
	uint32_t v, old = c->r[REG_ESP];

	if (mem_rdn(&c->mem, old, n, &v, &c->fault))
		return ST_FAULT;
	c->r[REG_ESP] = old + n;
	if (opnd_put(c, in, 0, v)) {
		c->r[REG_ESP] = old;
		return ST_FAULT;
	}
	return ST_NEXT;
}

/* The order PUSHA stores registers, from the lowest address up: EDI first, EAX last. */
static const uint8_t pusha_order[GPRS] = {
	REG_EDI, REG_ESI, REG_EBP, REG_ESP, REG_EBX, REG_EDX, REG_ECX, REG_EAX,
};

/* PUSHA/PUSHAD: EAX ECX EDX EBX, ESP as it was before the first push, EBP ESI EDI, written as
 * one block so that a fault writes nothing. */
int op_pusha(struct cpu *c, const struct insn *in)
{
	unsigned n = stack_width(in);
	uint8_t buf[GPRS * 4];
	for (unsigned i = 0; i < GPRS; i++)
		memcpy(buf + i * n, &c->r[pusha_order[i]], n);
	uint32_t sp = c->r[REG_ESP] - GPRS * n;
	if (mem_write(&c->mem, sp, GPRS * n, buf, &c->fault))
		return ST_FAULT;
	c->r[REG_ESP] = sp;
	return ST_NEXT;
}

/* POPA/POPAD: the reverse; the saved ESP is skipped. 16-bit forms change the low halves only. */
int op_popa(struct cpu *c, const struct insn *in)
{
	unsigned n = stack_width(in);
	uint8_t buf[GPRS * 4];
	if (mem_read(&c->mem, c->r[REG_ESP], GPRS * n, buf, &c->fault))
		return ST_FAULT;
	for (unsigned i = 0; i < GPRS; i++)
		if (pusha_order[i] != REG_ESP)
			memcpy(&c->r[pusha_order[i]], buf + i * n, n);
	c->r[REG_ESP] += GPRS * n;
	return ST_NEXT;
}

/* PUSHF/PUSHFD (DVA-1 section 2): the arithmetic flags, DF, AC and ID as last set, bit 1 = 1,
 * IF = the virtual interrupt flag (page 0's irq_enable, read directly: no page-0 refresh is
 * needed for it), every other bit 0. 0x66 pushes the low 16 bits. */
int op_pushf(struct cpu *c, const struct insn *in)
{
	uint32_t irq_enable;
	memcpy(&irq_enable, c->mem.base + offsetof(struct dva_regs, irq_enable), 4);
	uint32_t v = (cpu_eflags(c) & FL_POPF_MASK) | FL_FIXED1 | (irq_enable ? FL_IF : 0);
	if (cpu_push(c, stack_width(in), v))
		return ST_FAULT;
	return ST_NEXT;
}

/* POPF/POPFD: only CF PF AF ZF SF OF DF AC ID change (DVA-1 section 2); IF, TF and the rest
 * of the popped value are ignored. 0x66 pops 16 bits, which leaves AC and ID alone. */
int op_popf(struct cpu *c, const struct insn *in)
{
	unsigned n = stack_width(in);
	uint32_t v, mask = n == 2 ? FL_POPF_MASK & 0xFFFFu : FL_POPF_MASK;
	if (cpu_pop(c, n, &v))
		return ST_FAULT;
	c->eflags = (cpu_eflags(c) & ~mask) | (v & mask);
	return ST_NEXT;
}

/* ENTER imm16, imm8 (SDM Vol. 2, ENTER, 32-bit stack): push EBP; FrameTemp = ESP; for a
 * nesting level L > 0 push L - 1 frame pointers read from EBP - n, EBP - 2n, ... and then
 * FrameTemp; EBP = FrameTemp; ESP -= size. The level is taken mod 32. Every read and write is
 * checked first, in the order the instruction makes them, then the final stack top, so the
 * first fault is the one the hardware would take and nothing has changed (the host, by
 * contrast, has already pushed EBP when the final check faults); then the steps run in order (a
 * frame-pointer read may see a value this ENTER has just pushed). A 16-bit ENTER writes BP only:
 * its frame-pointer reads still go through the whole EBP, as on the host. */
int op_enter(struct cpu *c, const struct insn *in)
{
	unsigned n = stack_width(in);
	uint32_t size = in->imm & 0xFFFF, level = in->imm2 & 31;
	uint32_t esp = c->r[REG_ESP], ebp = c->r[REG_EBP];
	uint32_t frame = esp - n, sp, v;

	if (mem_check_write(&c->mem, esp - n, n, &c->fault))
		return ST_FAULT;
	for (uint32_t i = 1; i < level; i++)
		if (mem_check_read(&c->mem, ebp - i * n, n, &c->fault) ||
		    mem_check_write(&c->mem, esp - (i + 1) * n, n, &c->fault))
			return ST_FAULT;
	if (level && mem_check_write(&c->mem, esp - (level + 1) * n, n, &c->fault))
		return ST_FAULT;
	/* SDM ENTER, #PF: "if a write using the final value of the stack pointer ... would cause a
	 * page fault"; the host probes it too. */
	uint32_t final = esp - (level ? level + 1 : 1) * n - size;
	if (size && mem_check_write(&c->mem, final, n, &c->fault))
		return ST_FAULT;

	sp = esp - n;
	if (mem_wrn(&c->mem, sp, n, ebp, &c->fault))
		return ST_FAULT; /* cannot happen: checked above */
	for (uint32_t i = 1; i < level; i++) {
		sp -= n;
		if (mem_rdn(&c->mem, ebp - i * n, n, &v, &c->fault) ||
		    mem_wrn(&c->mem, sp, n, v, &c->fault))
			return ST_FAULT;
	}
	if (level) {
		sp -= n;
		if (mem_wrn(&c->mem, sp, n, frame, &c->fault))
			return ST_FAULT;
	}
	c->r[REG_ESP] = final;
	reg_put(c, REG_EBP * 4, n, frame);
	return ST_NEXT;
}

/* LEAVE: ESP = EBP, then pop EBP (BP under 0x66). The pop is read before anything changes. */
int op_leave(struct cpu *c, const struct insn *in)
{
	unsigned n = stack_width(in);
	uint32_t v;
	if (mem_rdn(&c->mem, c->r[REG_EBP], n, &v, &c->fault))
		return ST_FAULT;
	c->r[REG_ESP] = c->r[REG_EBP] + n;
	reg_put(c, REG_EBP * 4, n, v);
	return ST_NEXT;
}
