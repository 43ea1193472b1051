/* irq.h - virtual interrupts: a handler per line, run from the batched upcall (vector 32). */
#ifndef GUESTOS_IRQ_H
#define GUESTOS_IRQ_H

#include <stdint.h>

#include "denali_arch/dva.h"

/* A line's handler. It runs inside the upcall, with irq_enable = 0, on the stack of whatever
 * thread was interrupted: it must not block (no mutex_lock, cond_wait, sem_wait or sleep), but
 * it may wake threads (sem_post, cond_signal, ...) and arm or cancel timers. */
typedef void (*irq_handler_t)(unsigned line);

/* Install fn for line (0 to DVA_LINES - 1) and unmask the line in irq_mask; fn = NULL removes
 * the handler and masks the line again. Returns the handler it replaced, or NULL. One upcall
 * may carry several lines: their handlers run one after another, lowest line first. */
irq_handler_t irq_register(unsigned line, irq_handler_t fn);

/* Turn virtual interrupts off (irq_enable = 0, one XCHG) and return the previous state, 0 or 1,
 * for irq_restore. DVA-1 has no CLI/STI: irq_enable in page 0 is the interrupt flag. */
int irq_disable(void);
/* Set irq_enable back to state. Turning it on is a delivery point: lines that became pending
 * while interrupts were off are delivered right here, as one upcall. */
void irq_restore(int state);

/* Upcalls taken so far, and batch lines that had no handler (both for tests and statistics). */
uint32_t irq_upcall_count(void);
uint32_t irq_spurious_count(void);

#endif
