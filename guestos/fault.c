/* fault.c - the default exception report, and panic for misuse guestos detects itself. */
#include <stdarg.h>

#include "guestos/defs.h"
#include "guestos/param.h"
#include "denali.h"
#include "trap.h"

/* Names of the vectors DVA-1 delivers: the faults the emulator raises (section 5), the two
 * software traps, and the upcall; every other vector arrives only by INT n. */
static const char *const vector_names[DVA_VECTORS] = {
	[DVA_VEC_DE] = "#DE divide error",
	[DVA_VEC_BP] = "#BP breakpoint (INT3)",
	[DVA_VEC_OF] = "#OF overflow (INTO)",
	[DVA_VEC_BR] = "#BR BOUND range exceeded",
	[DVA_VEC_UD] = "#UD invalid opcode",
	[DVA_VEC_GP] = "#GP general protection",
	[DVA_VEC_PF] = "#PF page fault",
	[DVA_VEC_MF] = "#MF x87 floating-point error",
	[DVA_VEC_UPCALL] = "upcall (batched interrupts)",
};

const char *trap_name(unsigned vector)
{
	if (vector < DVA_VECTORS && vector_names[vector])
		return vector_names[vector];
	return "software interrupt";
}

/* Which thread was running, if the program has threads at all: a weak reference, so the
 * report does not drag the scheduler into programs without it. */
struct thread;
extern struct thread *thread_self(void) __attribute__((weak));
extern int thread_id(const struct thread *t) __attribute__((weak));
extern const char *thread_name(const struct thread *t) __attribute__((weak));

/* The vectors whose frame EIP is the faulting instruction (faults) rather than the next one. */
static int is_fault(unsigned v)
{
	return v == DVA_VEC_DE || v == DVA_VEC_BR || v == DVA_VEC_UD || v == DVA_VEC_GP ||
	       v == DVA_VEC_PF || v == DVA_VEC_MF;
}

/* The #PF error code in words (DVA-1 section 1: P, W, U = 1, I). */
static void print_pf_cause(uint32_t err)
{
	const char *what = (err & DVA_PF_I) ? "fetch" : (err & DVA_PF_W) ? "write" : "read";
	const char *why = (err & DVA_PF_P) ? "protection (read-only or page 0)" : "beyond memory";
	dva_printf("  fault address %08x: %s, %s\n", (unsigned)dva_page0.fault_addr, what, why);
}

void trap_report(const struct trapframe *tf)
{
	unsigned v = tf->vector;
	int status = v < 128 ? 128 + (int)v : 255;

	dva_printf("guestos: unhandled %s (vector %u) at eip %08x%s\n", trap_name(v), v,
		   (unsigned)tf->eip, is_fault(v) ? "" : " (after the instruction)");
	if (v == DVA_VEC_PF)
		print_pf_cause(tf->error);
	if (v == DVA_VEC_GP || v == DVA_VEC_PF)
		dva_printf("  error code %08x\n", (unsigned)tf->error);
	if (v == DVA_VEC_UD)
		dva_printf("  %s\n", dva_page0.fault_error == DVA_UD_REMOVED ?
				       "an instruction DVA-1 removed" : "not a DVA-1 instruction");
	dva_printf("  eax %08x ebx %08x ecx %08x edx %08x\n", (unsigned)tf->eax, (unsigned)tf->ebx,
		   (unsigned)tf->ecx, (unsigned)tf->edx);
	dva_printf("  esi %08x edi %08x ebp %08x esp %08x\n", (unsigned)tf->esi, (unsigned)tf->edi,
		   (unsigned)tf->ebp, (unsigned)trap_esp(tf));
	dva_printf("  eflags %08x (interrupts were %s)", (unsigned)tf->eflags,
		   (tf->eflags & 0x200u) ? "on" : "off");
	if (thread_self) {
		struct thread *t = thread_self();
		dva_printf(", thread %d (%s)", thread_id(t), thread_name(t));
	}
	dva_printf("\nguestos: terminating with status %d\n", status);
	dva_terminate(status);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	dva_puts("guestos: panic: ");
	va_start(ap, fmt);
	dva_vprintf(fmt, ap);
	va_end(ap);
	dva_putc('\n');
	dva_terminate(GUESTOS_EXIT_PANIC);
}
