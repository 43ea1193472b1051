/* swtch.S - the context switch: callee-saved registers on the old stack, then the new stack. */

/* void swtch(uint32_t *old_sp, uint32_t new_sp)
 *
 * Pushes EBP, EBX, ESI, EDI (the registers the i386 SysV ABI makes the callee preserve; EAX,
 * ECX, EDX are the caller's to lose), stores ESP in *old_sp, switches to new_sp, pops the same
 * four and returns on the new stack. A new thread's stack is built to look like this (thread.c).
 * Interrupts are off throughout (the scheduler's rule); the x87 state is saved by the caller. */
	.text
	.globl swtch
	.type swtch, @function
swtch:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
	.size swtch, . - swtch

	.section .note.GNU-stack, "", @progbits
