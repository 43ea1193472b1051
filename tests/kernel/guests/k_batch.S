/* k_batch.S - batched virtual interrupts (DVA-1 section 5) on one VM, run with a short quantum
 * and console input waiting on stdin:
 *   - with irq_enable = 0, lines 0 (one-shot timer) and 1 (console input) become pending over
 *     many quantum starts and nothing is delivered;
 *   - the store that sets irq_enable to 1 is followed at once by one upcall carrying both lines
 *     (irq_batch = 3, irq_pending cleared, irq_enable 0 inside, saved EIP = the next
 *     instruction, saved IF = 1), and IRET turns irq_enable back on;
 *   - a line outside irq_mask waits; the store to irq_mask that enables it (irq_enable = 1) is a
 *     delivery point;
 *   - IRET that turns irq_enable from 0 to 1 is a delivery point. */
#include "tests/kernel/guests/klib.h"

	K_BEGIN
	.text
	.globl _start
_start:
	movl $vectors, P0_VBASE
	movl $3, P0_MASK
	movl $PORT_ONESHOT, %edx
	movl $5, %eax
	outl %eax, %dx
	movl $20000, %ecx
1:	loop 1b
	movl h_count, %eax
	REC "disabled: upcalls=%u", %eax
	movl P0_PENDING, %eax
	REC "disabled: irq_pending=%x", %eax
	movl $1, P0_ENABLE
after_enable:
	movl h_count, %eax
	REC "enable: upcalls=%u", %eax
	movl h_batch, %eax
	REC "enable: irq_batch=%x", %eax
	movl h_pending, %eax
	REC "enable: irq_pending in handler=%x", %eax
	movl h_enable, %eax
	REC "enable: irq_enable in handler=%u", %eax
	movl h_eip, %eax
	subl $after_enable, %eax
	REC "enable: saved eip - next insn=%u", %eax
	movl h_eflags, %eax
	andl $0x200, %eax
	REC "enable: saved IF=%x", %eax
	movl P0_ENABLE, %eax
	REC "enable: irq_enable after iret=%u", %eax

	/* A store to irq_mask while irq_enable = 1. */
	movl $0, P0_MASK
	movl $5, %eax
	outl %eax, %dx
	movl $20000, %ecx
1:	loop 1b
	movl h_count, %eax
	REC "masked: upcalls=%u", %eax
	movl P0_PENDING, %eax
	REC "masked: irq_pending=%x", %eax
	movl $3, P0_MASK
after_mask:
	movl h_count, %eax
	REC "mask: upcalls=%u", %eax
	movl h_batch, %eax
	REC "mask: irq_batch=%x", %eax
	movl h_eip, %eax
	subl $after_mask, %eax
	REC "mask: saved eip - next insn=%u", %eax

	/* IRET from 0 to 1. */
	movl $0, P0_ENABLE
	movl $5, %eax
	outl %eax, %dx
	movl $20000, %ecx
1:	loop 1b
	movl h_count, %eax
	REC "iret: upcalls before=%u", %eax
	movl P0_PENDING, %eax
	REC "iret: irq_pending before=%x", %eax
	pushfl
	orl $0x200, (%esp)
	pushl $0
	pushl $after_iret
	iret
after_iret:
	movl h_count, %eax
	REC "iret: upcalls=%u", %eax
	movl h_batch, %eax
	REC "iret: irq_batch=%x", %eax
	movl h_eip, %eax
	subl $after_iret, %eax
	REC "iret: saved eip - next insn=%u", %eax
	movl P0_ENABLE, %eax
	REC "iret: irq_enable=%u", %eax
	K_FINISH $0

/* Vector 32: note what the upcall saw, return. Frame: [ESP] our EAX, then EIP, 0, EFLAGS. */
handler:
	pushl %eax
	incl h_count
	movl P0_BATCH, %eax
	movl %eax, h_batch
	movl P0_PENDING, %eax
	movl %eax, h_pending
	movl P0_ENABLE, %eax
	movl %eax, h_enable
	movl 4(%esp), %eax
	movl %eax, h_eip
	movl 12(%esp), %eax
	movl %eax, h_eflags
	popl %eax
	iret

	.data
	.balign 4
vectors:
	.fill 32, 4, 0
	.long handler
	.fill 223, 4, 0
h_count: .long 0
h_batch: .long 0
h_pending: .long 0
h_enable: .long 0
h_eip: .long 0
h_eflags: .long 0
	K_END

	.section .note.GNU-stack, "", @progbits
