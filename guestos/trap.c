/* trap.c - installing the vector table and routing each vector to its handler. */
#include "guestos/defs.h"
#include "denali.h"
#include "irq.h"
#include "trap.h"

/* Handlers installed with trap_register; NULL means trap_report. Entry 32 stays NULL: the
 * upcall always goes to irq_dispatch. */
static trap_handler_t trap_handlers[DVA_VECTORS];
static int os_started;

void os_init(void)
{
	if (os_started)
		return;
	os_started = 1;
	dva_page0.vector_base = (uint32_t)(uintptr_t)trap_vectors;
	/* No line is unmasked yet, so enabling delivers nothing until irq_register asks. */
	dva_page0.irq_enable = 1;
}

trap_handler_t trap_register(unsigned vector, trap_handler_t fn)
{
	if (vector >= DVA_VECTORS || vector == DVA_VEC_UPCALL)
		return NULL;
	os_init();
	int s = irq_disable();
	trap_handler_t old = trap_handlers[vector];
	trap_handlers[vector] = fn;
	irq_restore(s);
	return old;
}

void trap(struct trapframe *tf)
{
	if (tf->vector == DVA_VEC_UPCALL) {
		irq_dispatch(tf);
		return;
	}
	trap_handler_t fn = trap_handlers[tf->vector];
	if (!fn)
		trap_report(tf);
	fn(tf);
}
