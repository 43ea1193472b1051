/* vectors.S - the recording vector table, its 256 stubs and common path, and exc_probe (vectors.h). */

	.text

/* Stub n: PUSH imm32 n, JMP rel32 exc_common, padded with INT3 to 16 bytes, so entry n of the
 * table is exc_stubs + 16 n. The encodings are spelled out so no stub can be relaxed to another
 * size; .org fails the build if one ever outgrows its slot. */
	.p2align 4
	.globl exc_stubs
exc_stubs:
	.set vec, 0
	.rept 256
	.org exc_stubs + 16 * vec
	.byte 0x68
	.long vec
	.byte 0xe9
	.long exc_common - . - 4
	.fill 6, 1, 0xcc
	.set vec, vec + 1
	.endr

/* Entered with the vector number on top of the emulator's frame. Save what the handler saw,
 * CLD (the interrupted code's DF is still live: entry changes no flag), let C record it, then
 * undo: the saved EFLAGS slot is dropped (IRET restores the flags from the frame), the registers
 * restored, and the vector slot, which exc_handle() replaced by 4 or 8, drops itself and the
 * error code. */
exc_common:
	pushal
	pushfl
	cld
	pushl %esp                  /* struct exc_stack * */
	call exc_handle
	addl $8, %esp               /* the argument and the saved EFLAGS */
	popal
	addl (%esp), %esp
	iret

/* A RET for faults that resume where the probe called from (a fetch fault at the target). */
	.globl exc_ret
exc_ret:
	ret

/* A read of EAX's address, for exc_prime(): EAX = EXC_PRIME_ADDR faults there. */
	.globl exc_prime_code
exc_prime_code:
	movl (%eax), %eax
	ret

/* uint32_t exc_probe(const void *code, struct exc_regs *regs): see vectors.h. The offsets are
 * struct exc_regs': eax 0, ecx 4, edx 8, ebx 12, esp 16, ebp 20, esi 24, edi 28, eflags 32.
 * State lives on the stack only, so a handler may probe again. Returns EAX. */
	.globl exc_probe
	.type exc_probe, @function
exc_probe:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 24(%esp), %eax         /* regs; code is at 20(%esp) */
	leal -4(%esp), %ecx         /* ESP once CALL has pushed its return address */
	movl %ecx, 16(%eax)
	pushl 32(%eax)
	popfl
	movl 4(%eax), %ecx
	movl 8(%eax), %edx
	movl 12(%eax), %ebx
	movl 20(%eax), %ebp
	movl 24(%eax), %esi
	movl 28(%eax), %edi
	movl 0(%eax), %eax
	call *20(%esp)
	pushfl
	pushl %eax
	movl 32(%esp), %eax         /* regs, two pushes further */
	movl %ecx, 4(%eax)
	movl %edx, 8(%eax)
	movl %ebx, 12(%eax)
	movl %ebp, 20(%eax)
	movl %esi, 24(%eax)
	movl %edi, 28(%eax)
	popl 0(%eax)
	popl 32(%eax)
	movl 0(%eax), %eax
	cld                         /* the C ABI wants DF = 0 */
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
	.size exc_probe, . - exc_probe

/* The table: entry n = stub n. In .data, so a test can clear or redirect an entry. */
	.data
	.p2align 2
	.globl exc_table
exc_table:
	.set vec, 0
	.rept 256
	.long exc_stubs + 16 * vec
	.set vec, vec + 1
	.endr

	.section .note.GNU-stack, "", @progbits
