/* t_os_trap.c - guestos exception handlers: the trap frame a handler sees for faults with and
 * without an error code, for INT 13 and INT 14 (which push none, unlike the faults), and for
 * INT3; changes a handler makes to the frame take effect; interrupts come back as they were.
 */
#include <guestos.h>

#include "tests/guests/check.h"

static struct trapframe seen;  /* a copy of the last frame a handler got */
static uint32_t seen_esp;      /* trap_esp(tf) */
static uint32_t resume_at;     /* where the handler sends the program on */
static unsigned calls;

static void record(struct trapframe *tf)
{
	seen = *tf;
	seen_esp = trap_esp(tf);
	calls++;
	tf->eip = resume_at;
	tf->eax = 0xC0FFEEu; /* visible after the return */
}

/* Run a faulting instruction at label `at` with EAX..EDI set, ESP recorded just before;
 * the handler resumes at `after`. */
#define FAULT_AT(name, insn)                                                                  \
	__asm__ volatile("movl %%esp, %[esp]\n\t"                                             \
			 "movl $0x11111111, %%eax\n\t"                                        \
			 "movl $0x22222222, %%ebx\n\t"                                        \
			 "movl $0x33333333, %%ecx\n\t"                                        \
			 "movl $0x44444444, %%edx\n\t"                                        \
			 "movl $0x55555555, %%esi\n\t"                                        \
			 "movl $0x66666666, %%edi\n\t"                                        \
			 "movl $" name "_at, %[at]\n\t"                                       \
			 "movl $" name "_after, %[after]\n\t"                                 \
			 name "_at:\n\t" insn "\n" name "_after:\n\t"                         \
			 "movl %%eax, %[eax]"                                                 \
			 : [esp] "=m"(esp_before), [at] "=m"(at), [after] "=m"(resume_at),   \
			   [eax] "=m"(eax_after)                                              \
			 : : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc")

static uint32_t esp_before, at, eax_after;

static void check_regs(const char *what)
{
	char n[64];
	dva_snprintf(n, sizeof n, "%s_registers_in_frame", what);
	check_u32(n, seen.eax == 0x11111111u && seen.ebx == 0x22222222u && seen.ecx == 0x33333333u &&
			     seen.edx == 0x44444444u && seen.esi == 0x55555555u && seen.edi == 0x66666666u, 1);
	dva_snprintf(n, sizeof n, "%s_esp_is_esp_at_fault", what);
	check_u32(n, seen_esp, esp_before);
	dva_snprintf(n, sizeof n, "%s_cs_slot_0", what);
	check_u32(n, seen.cs, 0);
	dva_snprintf(n, sizeof n, "%s_eflags_if_set", what);
	check_u32(n, (seen.eflags & 0x202u), 0x202u);
	dva_snprintf(n, sizeof n, "%s_handler_eax_change_kept", what);
	check_u32(n, eax_after, 0xC0FFEEu);
	dva_snprintf(n, sizeof n, "%s_interrupts_back_on", what);
	check_u32(n, dva_page0.irq_enable, 1);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	check_u32("register_returns_default_null", trap_register(DVA_VEC_PF, record) == NULL, 1);
	trap_register(DVA_VEC_GP, record);
	trap_register(DVA_VEC_BP, record);
	check_u32("upcall_vector_refused", trap_register(DVA_VEC_UPCALL, record) == NULL, 1);

	/* #PF with error code 7: a write to page 0's magic. */
	FAULT_AT("pf", "movl %%eax, 0");
	check_u32("pf_vector", seen.vector, DVA_VEC_PF);
	check_u32("pf_error_code", seen.error, 7);
	check_u32("pf_eip_is_faulting_insn", seen.eip, at);
	check_u32("pf_fault_eip_agrees", dva_page0.fault_eip, at);
	check_regs("pf");

	/* #GP with error code 0 (no device at port 0x1234): the error code is there, even if 0. */
	FAULT_AT("gp", "movw $0x1234, %%dx\n\toutb %%al, %%dx");
	check_u32("gp_vector", seen.vector, DVA_VEC_GP);
	check_u32("gp_error_code", seen.error, 0);
	check_u32("gp_eip_is_faulting_insn", seen.eip, dva_page0.fault_eip);

	/* INT 14 and INT 13 push no error code: the frame still lines up, with error 0. */
	FAULT_AT("int14", "int $14");
	check_u32("int14_vector", seen.vector, DVA_VEC_PF);
	check_u32("int14_error_0", seen.error, 0);
	check_u32("int14_eip_after_int", seen.eip, at + 2);
	check_regs("int14");
	FAULT_AT("int13", "int $13");
	check_u32("int13_vector", seen.vector, DVA_VEC_GP);
	check_u32("int13_eip_after_int", seen.eip, at + 2);
	check_regs("int13");

	/* INT3: a trap, EIP after the one-byte instruction. */
	FAULT_AT("bp", "int3");
	check_u32("bp_vector", seen.vector, DVA_VEC_BP);
	check_u32("bp_eip_after_int3", seen.eip, at + 1);
	check_regs("bp");

	/* With interrupts off at the fault, IRET leaves them off. */
	int s = irq_disable();
	FAULT_AT("off", "int3");
	check_u32("off_eflags_if_clear", seen.eflags & 0x200u, 0);
	check_u32("off_interrupts_stay_off", dva_page0.irq_enable, 0);
	irq_restore(s);

	check_u32("handler_calls", calls, 6);
	check_u32("register_returns_previous", trap_register(DVA_VEC_BP, NULL) == record, 1);
	check_str("name_pf", trap_name(DVA_VEC_PF), "#PF page fault");
	check_str("name_other", trap_name(0x40), "software interrupt");
	return check_status();
}
