/* irq.c - virtual interrupt lines: handlers, the batched upcall's dispatch, irq_disable/restore. */
#include "guestos/defs.h"
#include "denali.h"
#include "irq.h"
#include "trap.h"

static irq_handler_t irq_handlers[DVA_LINES];
static uint32_t upcalls;  /* upcalls dispatched */
static uint32_t spurious; /* batch lines that had no handler */

/* The scheduler's hook at the end of an upcall, if the program has threads: a weak reference,
 * so timer-only programs do not link the scheduler. */
extern void sched_preempt_point(void) __attribute__((weak));

int irq_disable(void)
{
	uint32_t was = 0;

	/* One XCHG reads and clears irq_enable together, so no upcall can slip in between. */
	__asm__ volatile("xchgl %0, %1" : "+r"(was), "+m"(dva_page0.irq_enable) : : "memory");
	return was != 0;
}

void irq_restore(int state)
{
	__asm__ volatile("" : : : "memory"); /* the critical section's stores stay before it */
	dva_page0.irq_enable = state ? 1u : 0u;
}

irq_handler_t irq_register(unsigned line, irq_handler_t fn)
{
	if (line >= DVA_LINES)
		return NULL;
	os_init();
	int s = irq_disable();
	irq_handler_t old = irq_handlers[line];
	irq_handlers[line] = fn;
	if (fn)
		dva_page0.irq_mask |= 1u << line;
	else
		dva_page0.irq_mask &= ~(1u << line);
	irq_restore(s);
	return old;
}

uint32_t irq_upcall_count(void)
{
	return upcalls;
}

uint32_t irq_spurious_count(void)
{
	return spurious;
}

/* x87 state a handler might disturb (FSAVE's 108-byte protected-mode image; FSAVE also
 * re-initialises the FPU, so handlers start from a clean one). */
struct fpu_image {
	uint8_t bytes[108];
};

void irq_dispatch(struct trapframe *tf)
{
	/* Copy the batch first: DVA-1 section 5, a nested upcall would overwrite it. */
	uint32_t batch = dva_page0.irq_batch;
	struct fpu_image fpu;

	(void)tf;
	upcalls++;
	__asm__ volatile("fnsave %0" : "=m"(fpu));
	for (unsigned line = 0; line < DVA_LINES; line++) {
		if (!(batch & (1u << line)))
			continue;
		if (irq_handlers[line])
			irq_handlers[line](line);
		else
			spurious++;
	}
	__asm__ volatile("frstor %0" : : "m"(fpu));
	/* Preemption happens here, after the handlers and on the interrupted thread's stack: the
	 * switch saves this frame with the thread, and IRET runs when the thread is resumed. */
	if (sched_preempt_point)
		sched_preempt_point();
}
