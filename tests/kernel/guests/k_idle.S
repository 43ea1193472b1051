/* k_idle.S - IDLE (DVA-1 section 4) on one VM: timeout, wake by a line, no wake by a masked
 * line, immediate return when a line is pending, yield, and a line raised at the same system time
 * as the timeout. Each case records EAX after IDLE and the time between a read of time_ns just
 * before and just after it (1 ns per instruction; the clock jumps while the only VM idles). */
#include "tests/kernel/guests/klib.h"

	K_BEGIN
	.text
	.globl _start
_start:
	/* Timeout, nothing pending: EAX = 1. */
	movl P0_TIME, %ebx
	movl $1000, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "timeout: eax=%u", %eax
	REC "timeout: ns=%u", %ecx

	/* Woken by the one-shot timer (line 0 in irq_mask) before a 1 ms timeout: EAX = 0. */
	movl $1, P0_MASK
	movl $PORT_ONESHOT, %edx
	movl $50, %eax
	movl P0_TIME, %ebx
	outl %eax, %dx
	movl $1000, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "line: eax=%u", %eax
	REC "line: ns=%u", %ecx
	movl P0_PENDING, %eax
	REC "line: irq_pending=%u", %eax
	movl $1, P0_PENDING

	/* No timeout at all, woken by the line. */
	movl $20, %eax
	movl P0_TIME, %ebx
	outl %eax, %dx
	movl $0xffffffff, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "forever: eax=%u", %eax
	REC "forever: ns=%u", %ecx
	movl $1, P0_PENDING

	/* A line outside irq_mask does not wake IDLE: it times out with EAX = 1, line pending. */
	movl $0, P0_MASK
	movl $100, %eax
	movl P0_TIME, %ebx
	outl %eax, %dx
	movl $200, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "masked: eax=%u", %eax
	REC "masked: ns=%u", %ecx
	movl P0_PENDING, %eax
	REC "masked: irq_pending=%u", %eax

	/* Unmasked now (irq_enable is 0, so no upcall): IDLE returns at once with EAX = 0,
	 * whatever the timeout, yield included. */
	movl $1, P0_MASK
	movl P0_TIME, %ebx
	movl $0xffffffff, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "pending: eax=%u", %eax
	REC "pending: ns=%u", %ecx
	movl $0, %eax
	IDLE
	REC "pending yield: eax=%u", %eax
	movl $1, P0_PENDING

	/* Yield with nothing pending: the only VM is next at once, EAX = 1. */
	movl P0_TIME, %ebx
	movl $0, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "yield: eax=%u", %eax
	REC "yield: ns=%u", %ecx

	/* The one-shot fires at OUT + 51 us; the IDLE ends 1000 ns after the OUT starts and waits
	 * 50 us: the line rises at the very time of the timeout, which counts (EAX = 0). */
	movl $51, %eax
	movl P0_TIME, %ebx
	outl %eax, %dx
	movl $996, %ecx
1:	loop 1b
	movl $50, %eax
	IDLE
	movl P0_TIME, %ecx
	subl %ebx, %ecx
	REC "same time: eax=%u", %eax
	REC "same time: ns=%u", %ecx
	movl $1, P0_PENDING

	K_FINISH $0
	K_END

	.section .note.GNU-stack, "", @progbits
