/* k_order.S - round robin, wake-up priority and yield (DVA-1 sections 4, 5), four VMs of this
 * image at quantum 10000 (1 ns per instruction).
 *
 * VM 0 spins (45000 LOOP iterations). VMs 1-3 pad with LOOP so that they run 7, 1000 and 500
 * instructions up to the end of their IDLE, with timeouts 21, 20 and 19 ms... in microseconds:
 *   VM 0  runs [0, 10000)                       (a full quantum)
 *   VM 1  runs [10000, 10007), IDLE 21 us: deadline 31007
 *   VM 2  runs [10007, 11007), IDLE 20 us: deadline 31007
 *   VM 3  runs [11007, 11507), IDLE 19 us: deadline 30507
 *   VM 0  runs [11507, 21507), [21507, 31507)   (a boundary every Q even when it continues)
 * At 31507 all three deadlines have passed: they go to the head of the queue ordered by wake
 * time, then vm_id: 3 (30507), 1 (31007), 2 (31007), then VM 0. Each records the time it
 * resumes and EAX (1: timed out), then yields (IDLE 0: to the tail, no priority) after 5
 * instructions: 3 at 31507, 1 at 31512, 2 at 31517; VM 0 runs a full quantum [31522, 41522);
 * then 3 resumes at 41522, 1 at 41528, 2 at 41534 (6 instructions each up to their park), and
 * VM 0's read after its 45004th instruction comes at 41540 + 5004 = 46544. */
#include "tests/kernel/guests/klib.h"

	K_BEGIN
	.text
	.globl _start
_start:
	movl P0_VM_ID, %ebx
	testl %ebx, %ebx
	jz spinner
	movl pads(,%ebx,4), %ecx
1:	loop 1b
	movl timeouts(,%ebx,4), %eax
	IDLE
	movl P0_TIME, %ecx
	REC "woke at %u", %ecx
	REC "idle eax=%u", %eax
	movl $0, %eax
	IDLE
	movl P0_TIME, %ecx
	REC "after yield at %u", %ecx
	REC "yield eax=%u", %eax
	jmp park

spinner:
	movl $45000, %ecx
1:	loop 1b
	movl P0_TIME, %ecx
	REC "spin done at %u", %ecx
park:
	K_PARK
	K_FINISH $0

	.section .rodata
	.balign 4
/* Instructions up to the end of IDLE: 4 + pad + 2. */
pads:
	.long 0, 1, 994, 494
timeouts:
	.long 0, 21, 20, 19
	K_END

	.section .note.GNU-stack, "", @progbits
