/* trap.h - exceptions and software interrupts: the trap frame, handlers, the default report. */
#ifndef GUESTOS_TRAP_H
#define GUESTOS_TRAP_H

#include <stdint.h>

#include "denali_arch/dva.h"

/* What every handler sees, lowest address first: the registers as PUSHA stores them, the
 * vector, an error code (0 for vectors that push none), then the frame the emulator pushed on
 * entry (DVA-1 section 5). Returning from a handler resumes at tf->eip with the registers and
 * the EFLAGS image as the handler left them (IF there is the interrupt state to return to). */
struct trapframe {
	uint32_t edi, esi, ebp;
	uint32_t esp_pusha; /* ESP inside the entry code: ignore it; trap_esp() gives the real one */
	uint32_t ebx, edx, ecx, eax;
	uint32_t vector;    /* 0-255 */
	uint32_t error;     /* #GP/#PF error code, else 0 */
	uint32_t eip;       /* a fault: the faulting instruction; a trap (INT n): the next one */
	uint32_t cs;        /* 0: DVA-1 pushes 0 where x86 pushes CS */
	uint32_t eflags;    /* the PUSHF image: IF (bit 9) = irq_enable before entry */
};

/* ESP at the moment of the exception: just above the frame the emulator pushed. */
static inline uint32_t trap_esp(const struct trapframe *tf)
{
	return (uint32_t)(uintptr_t)&tf->eflags + 4u;
}

/* A handler for an exception or software-interrupt vector. It runs with irq_enable = 0 on the
 * current stack; it may change *tf (e.g. step tf->eip past the instruction) and return. */
typedef void (*trap_handler_t)(struct trapframe *tf);

/* Install fn for vector (0-255 except 32, the upcall: use irq_register); NULL restores the
 * default, which prints trap_report's report and terminates. Returns the previous handler. */
trap_handler_t trap_register(unsigned vector, trap_handler_t fn);

/* The default handler: prints to the console the vector's name, EIP, the fault address and
 * error code (#PF, #GP), the registers, EFLAGS and the current thread, then terminates the VM
 * with status 128 + vector (255 for vectors 128-255), the status the emulator itself gives an
 * exception without a handler. */
__attribute__((noreturn)) void trap_report(const struct trapframe *tf);

/* The short name of a vector, e.g. "#PF page fault"; "software interrupt" for ones with none. */
const char *trap_name(unsigned vector);

/* Install guestos's vector table and turn interrupts on. Start-up calls it before main in every
 * program that links any of irq.h, trap.h, timer.h, thread.h or sync.h; calling it again does
 * nothing. A program using only the console stays on the bare machine (vector_base = 0). */
void os_init(void);

#endif
