/* crt0.S - a guest's first instructions: save the entry registers, align the stack, enter C. */

/* DVA-1 section 1: at entry ESP = mem_size, EAX = the magic, EBX = 0 (the register page), every
 * other GPR 0, EFLAGS = 0x2. Nothing may clobber a register before it is saved, so the stores use
 * absolute addresses; dva_entry_regs is in .bss, already zeroed by the loader. The slot order is
 * enum dva_entry_reg in denali.h. */
#define SLOT(n) (dva_entry_regs + 4 * (n))

	.section .text.start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	movl %eax, SLOT(0)
	movl %ecx, SLOT(1)
	movl %edx, SLOT(2)
	movl %ebx, SLOT(3)
	movl %esp, SLOT(4)
	movl %ebp, SLOT(5)
	movl %esi, SLOT(6)
	movl %edi, SLOT(7)
	pushfl                      /* the one word of stack crt0 uses before aligning */
	popl SLOT(8)

	/* The i386 SysV ABI wants ESP 16-byte aligned at each call; mem_size already is, but do not
	 * rely on it. EBP = 0 ends the frame chain for debuggers. */
	andl $-16, %esp
	xorl %ebp, %ebp
	call dva_start

	/* dva_start does not return; if it ever did, stop with a status nobody else uses. */
	movl $255, %eax
	.byte 0x0f, 0x3f, 0x02      /* TERMINATE */
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
