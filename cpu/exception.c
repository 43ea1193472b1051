/* exception.c - entering guest handlers: faults, software interrupts and the batched upcall
 * (DVA-1 section 5). There is one way in: check the table entry and the whole stack frame,
 * then push EFLAGS image, 0, EIP [, error code], clear irq_enable and jump. */
#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/insn.h"

/* Enter handler `vector` returning to ret_eip. */
static int enter_vector(struct cpu *c, uint32_t vector, uint32_t ret_eip, bool has_error, uint32_t error)
{
	struct dva_regs *p0 = cpu_page0(c);
	struct guest_mem *m = &c->mem;
	uint32_t base = p0->vector_base, entry_addr = base + 4 * vector, handler = 0;
	struct dva_fault probe; /* what the checks below would raise: not the exception entered */

	c->no_handler = NULL;
	if (base == 0)
		c->no_handler = "no vector table (vector_base is 0)";
	else if (mem_check_read(m, entry_addr, 4, &probe) || entry_addr < base)
		c->no_handler = "its vector-table entry lies outside memory";
	else {
		memcpy(&handler, m->base + entry_addr, 4);
		if (handler == 0)
			c->no_handler = "its vector-table entry is 0";
		else if (handler < DVA_PAGE_SIZE || handler >= m->size)
			c->no_handler = "its vector-table entry points into page 0 or outside memory";
	}
	unsigned frame = has_error ? 16 : 12;
	uint32_t sp = c->r[REG_ESP] - frame;
	if (!c->no_handler && (mem_check_write(m, sp, frame, &probe) || sp > c->r[REG_ESP]))
		c->no_handler = "pushing its frame would fault (ESP is outside writable memory)";
	if (c->no_handler)
		return -1;

	/* The frame, lowest address first: [error,] EIP, 0, EFLAGS image with IF = irq_enable. */
	uint32_t words[4], *w = words;
	if (has_error)
		*w++ = error;
	*w++ = ret_eip;
	*w++ = 0;
	*w++ = (cpu_eflags(c) & FL_POPF_MASK) | FL_FIXED1 | (p0->irq_enable ? FL_IF : 0);
	memcpy(m->base + sp, words, frame);
	c->r[REG_ESP] = sp;
	p0->irq_enable = 0;
	c->eip = handler;
	c->leave_block = true;
	return 0;
}

int cpu_deliver_fault(struct cpu *c)
{
	struct dva_regs *p0 = cpu_page0(c);
	const struct dva_fault *f = &c->fault;
	p0->fault_vector = f->vector;
	p0->fault_error = f->error;
	p0->fault_eip = c->eip;
	if (f->vector == DVA_VEC_PF)
		p0->fault_addr = f->addr;
	bool has_error = f->vector == DVA_VEC_GP || f->vector == DVA_VEC_PF;
	return enter_vector(c, f->vector, c->eip, has_error, f->error);
}

int cpu_deliver_soft(struct cpu *c, uint32_t vector, uint32_t ret_eip)
{
	return enter_vector(c, vector, ret_eip, false, 0);
}

int cpu_deliver_irqs(struct cpu *c)
{
	struct dva_regs *p0 = cpu_page0(c);
	uint32_t ready = p0->irq_pending & p0->irq_mask;
	if (!p0->irq_enable || !ready)
		return 0;
	p0->irq_batch = ready;
	p0->irq_pending &= ~ready;
	c->upcalls++;
	c->upcall_lines += (uint64_t)__builtin_popcount(ready);
	return enter_vector(c, DVA_VEC_UPCALL, c->eip, false, 0);
}
