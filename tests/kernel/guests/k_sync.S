/* k_sync.S - two VMs, default quantum (100000): VM 0 arms the one-shot for 50 us and idles with
 * line 0 in irq_mask; VM 1 spins 200000 LOOP iterations.
 *   VM 0 runs 9 instructions; its OUT is the 7th, starting at 6: the line rises at 50006.
 *   Batched: VM 1 runs the quantum [9, 100009); VM 0 wakes at that boundary and reads 100009.
 *   Sync (--irq-mode sync, DVA-1 section 5): the quantum ends at the instruction boundary where
 *   the line rises, 50006, and VM 0 runs at once: it reads 50006.
 * Either way VM 0 then runs 7 instructions (read, 2 RECs, clear the line, JMP, park: MOV, IDLE)
 * and VM 1 reads the time after its 200004th instruction, at 9 + 200004 + 7 = 200020. */
#include "tests/kernel/guests/klib.h"

	K_BEGIN
	.text
	.globl _start
_start:
	movl P0_VM_ID, %ebx
	testl %ebx, %ebx
	jnz spinner
	movl $1, P0_MASK
	movl $PORT_ONESHOT, %edx
	movl $50, %eax
	outl %eax, %dx
	movl $0xffffffff, %eax
	IDLE
	movl P0_TIME, %ecx
	REC "woke at %u", %ecx
	REC "idle eax=%u", %eax
	movl $1, P0_PENDING
	jmp park
spinner:
	movl $200000, %ecx
1:	loop 1b
	movl P0_TIME, %ecx
	REC "spin done at %u", %ecx
park:
	K_PARK
	K_FINISH $0
	K_END

	.section .note.GNU-stack, "", @progbits
