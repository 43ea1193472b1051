/* trap.S - the vector table and its 256 entry stubs: build a struct trapframe, call trap(), IRET. */

/* DVA-1 section 5: on entry the emulator has pushed EFLAGS image, 0, EIP and, for #GP and #PF
 * only, an error code; irq_enable is 0. Each stub makes the frame uniform (a 0 where no error
 * code was pushed, then the vector number) and jumps to alltraps, which saves the general
 * registers (PUSHA) and calls trap(tf). Stubs are 16 bytes apart, so stub n is at
 * trap_stubs + 16 * n and the table needs no labels. */
#define STUB_SIZE 16

	.text
	.balign STUB_SIZE
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.balign STUB_SIZE
	.if vec == 13 || vec == 14
	pushl $vec              /* may have an error code under it: errtraps decides */
	jmp errtraps
	.else
	pushl $0                /* no error code */
	pushl $vec
	jmp alltraps
	.endif
	.set vec, vec + 1
	.endr

/* Vectors 13 and 14 push an error code when the emulator raises them as exceptions, but INT 13
 * and INT 14 push none (DVA-1 section 2). Tell them apart by the word 12 bytes up: with an
 * error code it is the 0 pushed in place of CS; without, it is the EFLAGS image, whose bit 1 is
 * always set. Stack now: vector, [error,] EIP, 0, EFLAGS. */
errtraps:
	cmpl $0, 12(%esp)
	je alltraps
	pushl (%esp)            /* vector, vector, EIP, ...: the upper copy becomes the error 0 */
	movl $0, 4(%esp)
	/* fall through */

/* Stack: vector, error, EIP, 0, EFLAGS. DF may be anything: clear it for C (SysV ABI). */
alltraps:
	pushal
	cld
	movl %esp, %eax
	pushl %eax              /* trap(struct trapframe *tf) */
	call trap
	addl $4, %esp
	.globl trapret
trapret:
	popal
	addl $8, %esp           /* vector and error code */
	iret                    /* EIP, 0, EFLAGS; irq_enable = the image's IF */

/* The table vector_base points at: 256 little-endian handler addresses (read-only: the
 * emulator only reads it). */
	.section .rodata
	.balign 4
	.globl trap_vectors
trap_vectors:
	.set vec, 0
	.rept 256
	.long trap_stubs + STUB_SIZE * vec
	.set vec, vec + 1
	.endr

	.section .note.GNU-stack, "", @progbits
