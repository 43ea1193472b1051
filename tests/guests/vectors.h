/* vectors.h - a recording vector table for the exception guests, and a probe that runs one
 * instruction with chosen registers and flags (DVA-1 section 5).
 *
 * exc_install() points vector_base at a 256-entry table (vectors.S) whose entry n is a stub that
 * pushes n and enters one common path: it saves every register and EFLAGS as they were at entry,
 * executes CLD (entry changes no flag, so DF may still be the interrupted code's), and calls
 * exc_handle(), which fills the next struct exc_record. For a fault (vectors 0, 5, 6, 13, 14, 16)
 * the handler then moves the saved EIP past the faulting instruction by exc_skip bytes, or to
 * exc_resume; a fault with neither set is unexpected and ends the VM with status 99. The common
 * path restores the registers, drops the error code of #GP and #PF, and returns with IRET. A
 * test that expects a software interrupt (INT n: a trap with no error code, whatever n) sets
 * exc_trap first, since the stub cannot tell INT 14 from #PF.
 *
 * exc_probe(code, regs) loads EAX..EDI (not ESP) and EFLAGS from regs, calls code, and stores the
 * registers and EFLAGS it returns with back into regs. regs->esp is set to ESP at code's first
 * instruction, so a handler entered from there finds ESP = regs->esp - 12 (or - 16 with an error
 * code). The probe is reentrant: a hook may probe again inside a handler.
 */
#ifndef TESTS_GUESTS_VECTORS_H
#define TESTS_GUESTS_VECTORS_H

#include <stdint.h>

/* The EFLAGS bits POPF and IRET may change (DVA-1 section 2): CF PF AF ZF SF DF OF AC ID. */
#define EXC_POPF_MASK 0x00240CD5u
#define EXC_FL_CF 0x0001u
#define EXC_FL_FIXED1 0x0002u /* bit 1: always 1 in a pushed image */
#define EXC_FL_IF 0x0200u     /* IF: the virtual interrupt flag, irq_enable */
#define EXC_FL_DF 0x0400u
#define EXC_FL_OF 0x0800u

/* Records kept per test case; one more entry ends the VM (status 98): a runaway nest. */
#define EXC_RECORDS 8

/* What a handler saw at entry. Filled by exc_handle(), read by the test afterwards. */
struct exc_record {
	uint32_t vector;      /* the stub's vector number */
	uint32_t esp;         /* ESP at entry: the address of the frame's lowest word */
	uint32_t frame[4];    /* the four dwords at esp: [error,] EIP, 0, EFLAGS image [, above] */
	uint32_t regs[8];     /* EAX..EDI at entry, x86 register order (regs[4] = esp) */
	uint32_t eflags;      /* PUSHF at entry, before CLD (IF = irq_enable at entry) */
	uint32_t irq_enable;  /* page 0's irq_enable at entry */
	uint32_t irq_batch;   /* page 0's irq_batch at entry */
	uint32_t irq_pending; /* page 0's irq_pending at entry */
	uint32_t fault_vector, fault_error, fault_addr, fault_eip; /* page 0 at entry */
};

/* The registers of one probe: input (except esp) and output. */
struct exc_regs {
	uint32_t eax, ecx, edx, ebx;
	uint32_t esp; /* out: ESP at the probed code's first instruction */
	uint32_t ebp, esi, edi;
	uint32_t eflags; /* in: loaded by POPF (IF ignored); out: PUSHF after return */
};

/* The common path's stack when it calls exc_handle(), lowest address first. */
struct exc_stack {
	uint32_t eflags;   /* PUSHF at entry */
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax; /* PUSHAD: esp = entry ESP - 4 */
	uint32_t vector;   /* pushed by the stub; exc_handle() replaces it by the bytes to drop */
	uint32_t frame[4]; /* what the emulator pushed */
};

/* Called inside the handler after record r is filled, with the live frame (lowest word first):
 * it may probe again (nesting) or edit the frame (the EFLAGS image IRET will pop). */
typedef void exc_hook_fn(struct exc_record *r, uint32_t *frame);

extern struct exc_record exc_records[EXC_RECORDS];
extern volatile uint32_t exc_count; /* handler entries since exc_reset() */
extern volatile uint32_t exc_skip;   /* bytes past the next fault's EIP to resume at */
extern volatile uint32_t exc_resume; /* or the address to resume the next fault at */
extern volatile uint32_t exc_trap;   /* the next entry is INT n: no skip, no error code */
extern exc_hook_fn *volatile exc_hook;

/* vectors.S */
extern uint32_t exc_table[256];
extern const char exc_ret[]; /* a RET: exc_resume for a fault whose EIP cannot be skipped */
uint32_t exc_probe(const void *code, struct exc_regs *regs);

/* A snippet: the instruction(s) under test at NAME, NAME_end just after them, then a RET, in
 * .text. Top-level assembly, so its bytes and addresses are exactly what the test expects. */
#define EXC_SNIPPET(name, body)                                                               \
	__asm__(".pushsection .text.exc_snippets, \"ax\", @progbits\n"                          \
		".globl " #name ", " #name "_end\n" #name ":\n\t" body "\n" #name "_end:\n"        \
		"\tret\n.popsection\n");                                                      \
	extern const char name[], name##_end[]
#define EXC_LEN(name) ((uint32_t)(name##_end - name))
#define EXC_ADDR(p) ((uint32_t)(uintptr_t)(p))

/* Every POPF-visible flag set, and none. */
#define EXC_FLAGS_ALL (EXC_POPF_MASK | EXC_FL_FIXED1)
#define EXC_FLAGS_NONE EXC_FL_FIXED1

/* vectors.c */
void exc_install(void);   /* vector_base = exc_table */
void exc_reset(void);     /* count 0, no skip, resume, trap or hook */
/* Distinct values in every register (EAX 0x11111111, ECX 0x22222222, ... EDI 0x88888888). */
struct exc_regs exc_regs_fill(uint32_t eflags);
void exc_handle(struct exc_stack *s); /* the common path's C half */
int exc_is_fault(uint32_t vector); /* 0, 5, 6, 13, 14, 16 */
int exc_has_error(uint32_t vector); /* 13, 14 */
/* Prime page 0's fault fields with a known #PF: a read at EXC_PRIME_ADDR (beyond memory) by
 * exc_prime_code, so a later trap can be seen to leave them alone. */
#define EXC_PRIME_ADDR 0xF0000010u
extern const char exc_prime_code[];
void exc_prime(void);

/* One case: run code with the registers in `in` and check the single handler entry it causes.
 * Expected: vector, saved EIP, the error code pushed (#GP/#PF faults) and, for faults, page 0's
 * fault_error and (for #PF) fault_addr; fault_eip is code. Traps must leave page 0's fault
 * fields as exc_prime() set them. irq sets irq_enable before the probe. `at`, when not NULL,
 * gives the registers expected at entry and after return (a REP instruction stopped mid-way);
 * otherwise they are in's. Prints one "ok NAME" line, or the differing fields and a FAIL. */
struct exc_case {
	const char *name;
	const void *code;     /* the instruction under test, first in its snippet */
	uint32_t skip;        /* a fault's length in bytes (0 for a trap) */
	uint32_t resume;      /* or where the fault resumes (a fetch fault: exc_ret) */
	struct exc_regs in;
	const struct exc_regs *at;
	uint32_t irq;         /* irq_enable before: 0 or 1 */
	uint32_t trap;        /* 1: INT n, INT3, INTO: page 0 untouched, no error code */
	uint32_t vector;
	uint32_t eip;         /* the saved EIP: code for a fault, the next instruction for a trap */
	uint32_t error;       /* the error code pushed (#GP, #PF) */
	uint32_t fault_error; /* page 0's fault_error (faults) */
	uint32_t fault_addr;  /* page 0's fault_addr (#PF) */
};
void exc_run(const struct exc_case *c);

/* Run code with `in` (irq_enable 0), expecting no handler entry. Prints "ok NAME" when nothing
 * was entered and the registers after equal want's (want NULL: in's), EFLAGS compared in the
 * bits of flags_mask (leave out the flags the SDM calls undefined). */
void exc_run_none(const char *name, const void *code, const struct exc_regs *in,
		  const struct exc_regs *want, uint32_t flags_mask);

/* Compare one field; prints "  NAME.what: got X want Y" and returns 1 when they differ. */
int exc_field(const char *name, const char *what, uint32_t got, uint32_t want);

#endif
