/* cpu.h - one virtual CPU: registers, its memory, its decoded-code cache, and the run loop API.
 *
 * The CPU knows nothing of devices or of the scheduler: the VM installs one port read/write pair
 * (struct cpu_io) and calls cpu_run() with a budget; cpu_run() returns a named reason.
 */
#ifndef DENALI_CPU_H
#define DENALI_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cache.h"
#include "cpu/fpu.h"
#include "mmu/mem.h"

/* General-purpose registers in x86 encoding order: r[REG_EAX] .. r[REG_EDI]. */
enum gpr { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI, GPRS };

/* EFLAGS bits the guest can see (Intel SDM Vol. 1, 3.4.3). */
enum eflag {
	FL_CF = 1u << 0,
	FL_FIXED1 = 1u << 1, /* always 1 */
	FL_PF = 1u << 2,
	FL_AF = 1u << 4,
	FL_ZF = 1u << 6,
	FL_SF = 1u << 7,
	FL_TF = 1u << 8,
	FL_IF = 1u << 9, /* virtual: mirrors page 0's irq_enable, never stored in cpu.eflags */
	FL_DF = 1u << 10,
	FL_OF = 1u << 11,
	FL_AC = 1u << 18,
	FL_ID = 1u << 21,
};
#define FL_OSZAPC (FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)
#define FL_SZAPC (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)
/* The flags POPF may change under DVA-1 section 2. */
#define FL_POPF_MASK (FL_OSZAPC | FL_DF | FL_AC | FL_ID)

/* Why cpu_run() returned. */
enum cpu_exit {
	CPU_EXIT_BUDGET,    /* the budget of instructions is spent */
	CPU_EXIT_IDLE,      /* IDLE executed: cpu.r[REG_EAX] holds the timeout */
	CPU_EXIT_TERMINATE, /* TERMINATE executed: cpu.exit_status holds the status */
	CPU_EXIT_FAULT,     /* an exception was raised: cpu.fault says which, eip is its insn */
	CPU_EXIT_UNIMPL,    /* an instruction this emulator does not implement yet: cpu.unimpl */
	CPU_EXIT_STOPPED,   /* cpu_request_stop ended the run before its budget was spent */
	/* Only a CPU with breakpoints or watchpoints returns these (cpu/debug.h). */
	CPU_EXIT_BREAK,     /* stopped before the instruction at a breakpoint: eip is its address */
	CPU_EXIT_WATCH,     /* stopped after the instruction that hit a watchpoint (cpu_watch_hit) */
};

/* Handler status: what the run loop does after one decoded instruction. */
enum insn_status {
	ST_NEXT = 0,   /* retired; continue with the next instruction (eip += len) */
	ST_JUMP,       /* retired; eip was set by the handler: leave the block */
	ST_FAULT,      /* not retired; cpu.fault is set and eip is the faulting insn */
	ST_IDLE,       /* retired IDLE */
	ST_TERMINATE,  /* retired TERMINATE */
	ST_UNIMPL,     /* not retired; not implemented */
	ST_REP_PAUSED, /* a REP string instruction ran out of budget; it retired what it did */
	ST_SOFTINT,    /* retired INT n / INT3 / INTO: enter vector cpu.soft_vector as a trap */
	ST_CHAINED,    /* chained handlers (fast.c) retired everything before cpu.run_pos, which
			* has not run yet; eip and instret are not current (cpu.run_instret) */
	ST_BREAK,      /* not run: a breakpoint is set at it (cpu/debug.c) */
};

/* The programmed-I/O interface a VM installs: every port, every device. Each returns 0; -1
 * (CPU_IO_GP) for a port, width or direction that does not exist there (the CPU raises #GP(0));
 * or -2 (CPU_IO_FAULT) when the device recorded an exception in cpu.fault itself (a request
 * block a store could not write raises that store's #PF). */
#define CPU_IO_GP (-1)
#define CPU_IO_FAULT (-2)
struct cpu_io {
	void *opaque;
	int (*in)(void *opaque, uint16_t port, unsigned size, uint32_t *val);
	int (*out)(void *opaque, uint16_t port, unsigned size, uint32_t val);
	/* REP OUTSB as one operation: n bytes already checked readable, in guest order. */
	int (*out_bytes)(void *opaque, uint16_t port, const uint8_t *bytes, uint32_t n);
};

struct insn;
struct cpu_debug;

struct cpu {
	uint32_t r[GPRS + 1];  /* EAX..EDI; byte/word registers alias the low bytes (LE host);
				* r[GPRS] is always 0: a memory operand's absent base or index */
	uint32_t eip;          /* address of the next instruction to run */
	uint32_t eflags;       /* OSZAPC, DF, AC, ID and bit 1; IF lives in page 0 (irq_enable);
				* OSZAPC are stale while lf.op != LF_NONE (flags.h) */
	struct lazy_flags {    /* the last flag-setting ALU operation, not yet turned into flags */
		uint32_t res, a, b; /* result and operands (a and b of ADD/SUB, a of INC/DEC) */
		uint32_t cf;        /* CF, 0 or 1, computed when recorded: INC, DEC, ADC and SBB
				     * read it, and it is one compare */
		uint8_t op;         /* enum lazy_op, LF_NONE when eflags is current */
		uint8_t n;          /* operand size in bytes */
	} lf;
	uint64_t instret;      /* instructions retired by this CPU, DVA-1 section 6 */
	uint64_t stop_at;      /* cpu_run returns when instret reaches this */
	uint64_t budget_end;   /* where this run's budget ends (stop_at before any request) */
	bool leave_block;      /* set by a side effect (store to code or page 0): end the block */
	const struct insn *run_pos; /* the instruction a returned status is about (exec.c) */
	const struct insn *run_end; /* chained handlers stop here: the end of this run of a block */
	/* While chained handlers run, eip and instret are not kept per instruction: instruction
	 * x of the running block lies at blk->eip + x->off and retires as number run_instret +
	 * x->idx, as if the block had run from its start. fast.h's fast_sync() makes eip
	 * and instret current. */
	struct block *blk;          /* the running block (chains may move on to its successors) */
	uint64_t chain_stop;        /* a chain moves on into another block only while the count
				     * it reaches there is below this: stop_at, or less to bound
				     * its depth where the compiler did not make its calls tail
				     * calls (the sanitizer builds) */
	uint64_t run_instret;
	bool irq_point;        /* a delivery point (DVA-1 section 5) was reached: check for an upcall */
	uint8_t soft_vector;   /* with ST_SOFTINT: the vector */
	struct dva_fault fault; /* the exception an instruction raised (ST_FAULT), or the one
				 * cpu_run stopped on (CPU_EXIT_FAULT): the record DVA-1 section 5
				 * writes to page 0. cpu_raise sets it, and so does a memory access
				 * that faults, which is given &fault to fill (mem.h); addr only
				 * means something for #PF */
	const char *no_handler; /* why the last exception could not be delivered, or NULL */
	uint64_t upcalls;      /* upcalls entered (vector 32 at delivery points) */
	uint64_t upcall_lines; /* lines they carried, in all */
	uint8_t exit_status;   /* TERMINATE's status */
	uint16_t unimpl;       /* ZydisMnemonic of the unimplemented instruction (CPU_EXIT_UNIMPL) */
	struct guest_mem mem;  /* this VM's memory */
	struct code_cache cache; /* this CPU's decoded instructions (and links to shared ones) */
	struct code_cache *shared; /* decoded read-only code of its image, shared by every VM of
				  * that image (owned by the kernel), or NULL */
	struct cpu_io io;      /* ports */
	struct fpu fpu;        /* x87 state */
	FILE *trace;           /* --trace: one line per executed instruction, or NULL */
	struct cpu_debug *dbg; /* breakpoints, watchpoints, steps (debug.h), or NULL: only
				* decode and the run loop's rare exits look at it */
};

/* Set the architectural initial state of DVA-1 section 1 (EAX magic, ESP = mem_size, ...).
 * mem must already be initialised. */
void cpu_reset(struct cpu *c, uint32_t entry);
/* Release the decoded-code cache. */
void cpu_destroy(struct cpu *c);

/* Start a quantum (a delivery point, DVA-1 section 5) and run until budget instructions have
 * retired or something needs the caller. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t budget);
/* Go on with the same quantum after the caller handled an event in the middle of it (no
 * delivery point). */
enum cpu_exit cpu_resume(struct cpu *c, uint64_t budget);

/* Ask a running CPU to return by the time instret reaches at, or with CPU_STOP_NOW as soon as
 * the instruction in progress retires (a REP string instruction pauses where it is). Any event
 * uses it: a device whose deadline falls inside this run, a line raised for another VM in sync
 * mode, the debugger. It is seen where the run loop already looks (stop_at, leave_block), so it
 * costs the loop nothing. The run returns CPU_EXIT_STOPPED when the request ended it before its
 * budget; a request made between runs has no effect (the next run sets its own budget). */
#define CPU_STOP_NOW 0u
void cpu_request_stop(struct cpu *c, uint64_t at);

/* Raise exception vector with error code from a handler: records it in cpu.fault, returns
 * ST_FAULT. */
int cpu_raise(struct cpu *c, uint32_t vector, uint32_t error);

/* The register page, for the CPU's own reads and writes (no guest access rules). */
static inline struct dva_regs *cpu_page0(const struct cpu *c)
{
	return (struct dva_regs *)c->mem.base;
}

/* Exceptions and interrupts (exception.c), DVA-1 section 5. Each returns 0 when the handler was
 * entered, or -1 when it could not be (the VM ends; cpu.no_handler says why). */
/* The fault in cpu.fault, raised by the instruction at cpu.eip: fault_* are written. */
int cpu_deliver_fault(struct cpu *c);
/* A software interrupt (trap): return to ret_eip, no error code, page 0 unchanged but irq_enable. */
int cpu_deliver_soft(struct cpu *c, uint32_t vector, uint32_t ret_eip);
/* At a delivery point: an upcall (vector 32) if irq_enable = 1 and irq_pending & irq_mask != 0. */
int cpu_deliver_irqs(struct cpu *c);

/* Human-readable name of a vector ("#PF page fault"), for diagnostics. */
const char *cpu_vector_name(uint32_t vector);
/* Write a multi-line dump of the registers and flags to f. */
void cpu_dump_regs(const struct cpu *c, FILE *f);
/* Disassemble the instruction at guest address eip into buf (bytes in hex, then Intel syntax).
 * Never faults: unreadable bytes print as "??". */
void cpu_disasm(struct cpu *c, uint32_t eip, char *buf, size_t size);

#endif
