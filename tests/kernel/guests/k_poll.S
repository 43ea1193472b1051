/* k_poll.S - a line is raised when its event happens, not at the next quantum boundary: one VM,
 * default quantum (100000), arms the one-shot for 10 us with its OUT at time 1 and spins 20000
 * LOOP iterations, all inside its first quantum. DVA-1 section 7: line 0 rises when system time
 * reaches 10001; section 3: irq_pending shows raised lines. So the read at 20003 sees bit 0, and
 * IDLE (irq_mask = 1) then returns at once with EAX = 0, 2 instructions later. */
#include "tests/kernel/guests/klib.h"

	K_BEGIN
	.text
	.globl _start
_start:
	movl $PORT_ONESHOT, %edx
	movl $10, %eax
	outl %eax, %dx
	movl $20000, %ecx
1:	loop 1b
	movl P0_PENDING, %eax
	REC "irq_pending after the expiry=%u", %eax
	movl $1, P0_MASK
	movl P0_TIME, %ebx
	movl $0xffffffff, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "idle: eax=%u", %eax
	REC "idle: ns=%u", %ecx
	movl $1, P0_PENDING
	K_FINISH $0
	K_END

	.section .note.GNU-stack, "", @progbits
