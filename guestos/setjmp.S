/* setjmp.S - setjmp and longjmp: save and restore what the i386 ABI says a callee preserves. */

/* jmp_buf layout (setjmp.h): 0 EBX, 4 ESI, 8 EDI, 12 EBP, 16 ESP as it is after setjmp returns,
 * 20 the return address. EAX, ECX and EDX are the caller's to lose; DF is clear at every call. */

	.text
	.globl setjmp
	.type setjmp, @function
setjmp:
	movl 4(%esp), %eax          /* env */
	movl %ebx, 0(%eax)
	movl %esi, 4(%eax)
	movl %edi, 8(%eax)
	movl %ebp, 12(%eax)
	leal 4(%esp), %ecx          /* ESP once the return address is popped */
	movl %ecx, 16(%eax)
	movl (%esp), %ecx
	movl %ecx, 20(%eax)
	xorl %eax, %eax             /* the direct return gives 0 */
	ret
	.size setjmp, . - setjmp

	.globl longjmp
	.type longjmp, @function
longjmp:
	movl 4(%esp), %edx          /* env */
	movl 8(%esp), %eax          /* val: setjmp's second return value, 1 in place of 0 (C) */
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movl 0(%edx), %ebx
	movl 4(%edx), %esi
	movl 8(%edx), %edi
	movl 12(%edx), %ebp
	movl 16(%edx), %esp
	jmp *20(%edx)               /* as if setjmp's RET had just run */
	.size longjmp, . - longjmp

	.section .note.GNU-stack, "", @progbits
