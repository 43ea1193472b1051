/* system.c - ports, CPUID, RDTSC, the two virtual instructions, and the entries decode makes
 * for instructions that fault or are not implemented. */
#include "cpu/fast.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* IN AL/AX/EAX, DX (or imm8: no DVA-1 port is below 0x100, so those give #GP too). */
int op_in(struct cpu *c, const struct insn *in)
{
	uint32_t port, v;
	if (opnd_get(c, in, 1, &port))
		return ST_FAULT;
	int r = c->io.in ? c->io.in(c->io.opaque, (uint16_t)port, in->sz[0], &v) : CPU_IO_GP;
	if (r)
		return r == CPU_IO_FAULT ? ST_FAULT : cpu_raise(c, DVA_VEC_GP, 0);
	reg_put(c, in->reg[0], in->sz[0], v);
	return ST_NEXT;
}

/* OUT DX (or imm8), AL/AX/EAX. */
int op_out(struct cpu *c, const struct insn *in)
{
	uint32_t port, v;
	if (opnd_get(c, in, 0, &port) || opnd_get(c, in, 1, &v))
		return ST_FAULT;
	int r = c->io.out ? c->io.out(c->io.opaque, (uint16_t)port, in->sz[1], v) : CPU_IO_GP;
	if (r)
		return r == CPU_IO_FAULT ? ST_FAULT : cpu_raise(c, DVA_VEC_GP, 0);
	return ST_NEXT;
}

/* CPUID as DVA-1 section 2 fixes it: leaf 0 and 1, zero elsewhere; ECX is ignored. */
int op_cpuid(struct cpu *c, const struct insn *in)
{
	(void)in;
	uint32_t leaf = c->r[REG_EAX];
	uint32_t a = 0, b = 0, cx = 0, d = 0;
	if (leaf == 0) {
		a = 1;
		memcpy(&b, "Dena", 4); /* "DenaliDenali" in EBX, EDX, ECX */
		memcpy(&d, "liDe", 4);
		memcpy(&cx, "nali", 4);
	} else if (leaf == 1) {
		a = DVA_CPUID_LEAF1_EAX;
		d = DVA_CPUID_LEAF1_EDX;
	}
	c->r[REG_EAX] = a;
	c->r[REG_EBX] = b;
	c->r[REG_ECX] = cx;
	c->r[REG_EDX] = d;
	return ST_NEXT;
}

/* RDTSC: the instructions this VM retired before this one (DVA-1 section 2). */
int op_rdtsc(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->r[REG_EAX] = (uint32_t)c->instret;
	c->r[REG_EDX] = (uint32_t)(c->instret >> 32);
	return ST_NEXT;
}

/* IDLE (0F 3F 01): with a line already pending and enabled in irq_mask it returns at once with
 * EAX = 0, a delivery point (DVA-1 sections 4, 5); otherwise the scheduler decides, EAX holding
 * the timeout in microseconds. */
int op_idle(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in);
	const struct dva_regs *p0 = cpu_page0(c);
	if (p0->irq_pending & p0->irq_mask) {
		c->r[REG_EAX] = 0;
		c->irq_point = c->leave_block = true;
		return ST_NEXT;
	}
	return ST_IDLE;
}

/* TERMINATE (0F 3F 02): status = EAX & 0xFF. */
int op_terminate(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in);
	c->exit_status = (uint8_t)c->r[REG_EAX];
	return ST_TERMINATE;
}

/* An instruction decode found faulting: imm = vector, imm2 = error code (for #PF the access
 * kind bits W/I, completed from the address), disp = the #PF address. */
int op_fault(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in);
	if (in->imm == DVA_VEC_PF) {
		mem_fault(&c->mem, in->disp, in->imm2, &c->fault);
		return ST_FAULT;
	}
	return cpu_raise(c, in->imm, in->imm2);
}

/* An instruction the emulator does not implement yet (in->mnem names it). */
int op_unimpl(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in);
	return ST_UNIMPL;
}
