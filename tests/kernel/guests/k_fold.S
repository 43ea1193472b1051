/* k_fold.S - timer ticks that fall while a VM waits for its turn fold into one pending line
 * (DVA-1 section 7), and the periodic timer keeps its phase. Two VMs, quantum 100000.
 *   VM 0 arms the periodic timer at 10 us with its 7th instruction (starting at 6): ticks at
 *   10006, 20006, ...; then loops: IDLE forever, read time_ns and irq_pending, clear line 0
 *   (7 instructions a round; the first IDLE ends at 9).
 *   VM 1 spins 350000 LOOP iterations, reads the time after its 350004th instruction, parks.
 * VM 0 wakes at each of VM 1's quantum ends with one pending bit for ten ticks:
 *   100009 (VM 1 ran [9, 100009)), 200016, 300023; then VM 1 finishes its spin in
 *   [300030, 350038) (read at 350034, REC, park: MOV, IDLE); VM 0 reads 350038; then every VM
 *   idles and the clock jumps to the next tick of the original phase, 360006 (not 350045 +
 *   10000). */
#include "tests/kernel/guests/klib.h"

	K_BEGIN
	.text
	.globl _start
_start:
	movl P0_VM_ID, %ebx
	testl %ebx, %ebx
	jnz spinner
	movl $1, P0_MASK
	movl $PORT_PERIODIC, %edx
	movl $10, %eax
	outl %eax, %dx
	.rept 5
	movl $0xffffffff, %eax
	IDLE
	movl P0_TIME, %ecx
	REC "woke at %u", %ecx
	movl P0_PENDING, %ecx
	REC "irq_pending=%u", %ecx
	movl $1, P0_PENDING
	.endr
	movl $0, %eax
	outl %eax, %dx
	jmp park
spinner:
	movl $350000, %ecx
1:	loop 1b
	movl P0_TIME, %ecx
	REC "spin done at %u", %ecx
park:
	K_PARK
	K_FINISH $0
	K_END

	.section .note.GNU-stack, "", @progbits
