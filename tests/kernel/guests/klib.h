/* klib.h - shared helpers of the kernel-test guests: page-0 offsets, the virtual instructions and
 * the recording macros for assembly, and the C side (the report, the upcall entry) for both.
 *
 * Timed guests are written in assembly from their own _start (no crt0, no C before the timed
 * part), so every instruction count, and so every time_ns value under the deterministic clock
 * at 1 ns per instruction, can be worked out by hand from DVA-1 and does not depend on the
 * compiler. What a guest observes is stored by REC (one MOV each) into a table of slots; at the
 * end k_finish() parks the VM until its print slot and prints every slot in source order. */
#ifndef KLIB_H
#define KLIB_H

/* Page 0 (DVA-1 section 3). */
#define P0_VM_ID 0x08
#define P0_TIME 0x18      /* time_ns, low half: enough below 4.29 s */
#define P0_ENABLE 0x20
#define P0_PENDING 0x24
#define P0_MASK 0x28
#define P0_BATCH 0x2c
#define P0_VBASE 0x30
#define P0_ARGS 0x100

#define PORT_ONESHOT 0xd300
#define PORT_PERIODIC 0xd301

/* Where the record is printed: VM n prints at K_PRINT_NS + n * K_PRINT_GAP_NS of system time,
 * when every timed part is long over, one VM at a time (so output order is by vm_id). */
#define K_PRINT_NS 100000000u
#define K_PRINT_GAP_NS 2000000u
/* K_PARK ends a timed part: an IDLE of 50 ms, so no C code runs while another VM is still timed. */
#define K_PARK_US 50000
#define K_UNSET 0xdeadbeefu /* a slot no REC reached */

#ifdef __ASSEMBLER__

	.macro IDLE
	.byte 0x0f, 0x3f, 0x01
	.endm
	.macro TERMINATE
	.byte 0x0f, 0x3f, 0x02
	.endm

/* K_BEGIN opens the slot table (once, at the top of a guest's file). */
	.macro K_BEGIN
	.pushsection .data.klabels, "aw"
	.balign 4
	.globl k_labels
k_labels:
	.popsection
	.set krec_n, 0
	.endm

/* REC "format", src: store src (a register or $imm) in the next slot: one instruction. The
 * format is k_printf's (klib.c), with one %u or %x for the value. */
	.macro REC label, src
	movl \src, k_vals + 4 * krec_n
	.pushsection .rodata.kstr, "a"
.Lkstr\@:
	.asciz "\label"
	.popsection
	.pushsection .data.klabels, "aw"
	.long .Lkstr\@
	.popsection
	.set krec_n, krec_n + 1
	.endm

/* K_PARK: leave the timed part (two instructions: MOV, IDLE). */
	.macro K_PARK
	movl $K_PARK_US, %eax
	IDLE
	.endm

/* K_FINISH status: print the record and terminate (never returns). */
	.macro K_FINISH status
	andl $-16, %esp
	subl $12, %esp
	pushl \status
	call k_finish
	.endm

/* K_END closes the table (once, at the end of the file). */
	.macro K_END
	.pushsection .data, "aw"
	.balign 4
	.globl k_vals, k_nrec
k_vals:
	.fill krec_n, 4, K_UNSET
k_nrec:
	.long krec_n
	.popsection
	.endm

#else

#include <denali.h>

/* The slot table K_BEGIN/REC/K_END build; weak, so C guests without one link too. */
extern const char *const k_labels[] __attribute__((weak));
extern uint32_t k_vals[] __attribute__((weak));
extern const uint32_t k_nrec __attribute__((weak));

/* Park until this VM's print slot, print every slot its REC reached (k_printf's "format" with
 * its value), then TERMINATE with status. Disarms both timers and clears irq_enable/irq_mask. */
__attribute__((noreturn)) void k_finish(uint32_t status);

/* The frame an upcall or exception handler sees through k_upcall_entry (klib.S): the general
 * registers as PUSHAL left them, then what the emulator pushed (DVA-1 section 5). */
struct k_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t eip, zero, eflags;
};
/* The vector table klib.c provides: entry 32 = k_upcall_entry, every other entry 0. */
extern uint32_t k_vectors[256];
/* klib.S's upcall entry: PUSHAL, CLD, k_upcall(frame), POPAL, IRET. */
void k_upcall_entry(void);
/* Called for each upcall (irq_enable is 0 inside); the guest defines it. */
void k_upcall(struct k_frame *f);

/* printf for the tests: %u %x (32-bit), %s, %c and %%, no widths; one REP OUTSB per call, at
 * most 243 bytes. */
void k_printf(const char *fmt, ...);
void k_out32(uint16_t port, uint32_t v);
uint32_t k_idle(uint32_t us);
__attribute__((noreturn)) void k_terminate(uint32_t status);
void k_write(const void *buf, uint32_t n);
uint64_t k_now(void);

#endif
#endif
