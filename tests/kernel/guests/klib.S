/* klib.S - the upcall entry the C guests install at entry 32 of k_vectors (klib.h). */

	.text
	.globl k_upcall_entry
	.type k_upcall_entry, @function
/* The emulator pushed EFLAGS image, 0, EIP (no error code for vector 32) and cleared irq_enable.
 * Entry changes no flag, so DF is the interrupted code's: CLD before any C. The stack is aligned
 * to 16 for the call and restored from EBP-free arithmetic (ESI keeps the frame address). */
k_upcall_entry:
	pushal
	cld
	movl %esp, %esi
	andl $-16, %esp
	subl $12, %esp
	pushl %esi                  /* struct k_frame * */
	call k_upcall
	movl %esi, %esp
	popal
	iret
	.size k_upcall_entry, . - k_upcall_entry

	.section .note.GNU-stack, "", @progbits
