/* tramp64.S - tramp.S for the x86-64 native program: enters one case with the eight 32-bit registers and EFLAGS loaded. */

/* The same contract as tramp.S (read it first): diff_run(in, code) loads EAX..EDI and EFLAGS
 * from in[] and jumps to the case, whose code ends with `jmp diff_exit`; diff_frun(fc) sets up
 * an x87 case and diff_fexit reads it back with FNSAVE. Here the cases run in long mode: every
 * register is loaded with a 32-bit move, which clears its upper half, so an address a case
 * computes from ESP, EBP, ESI, ... is the 32-bit one the guest computes; the program is linked
 * below 4 GiB (no PIE), so diff_area and the code fit in those 32 bits too. RBX, RBP and R12-R15
 * are the callers' (System V ABI) and saved; the cases never touch R8-R15. FNSTENV and FNSAVE
 * without REX.W store the 32-bit protected-mode images (Intel SDM Vol. 1 section 8.1.10), the
 * layout driver.c reads. */
#include "tests/diff/case.h"

	.intel_syntax noprefix

	.text
	.globl diff_run
	.type diff_run, @function
diff_run:			/* rdi = in, esi = code */
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov qword ptr [diff_host_rsp], rsp
	mov esi, esi
	mov qword ptr [diff_target], rsi
	mov rax, rdi
	mov esp, offset diff_xstack + 64
	mov ecx, dword ptr [rax + 32]
	push rcx
	popfq
	mov ecx, dword ptr [rax + 4]
	mov edx, dword ptr [rax + 8]
	mov ebx, dword ptr [rax + 12]
	mov esp, dword ptr [rax + 16]
	mov ebp, dword ptr [rax + 20]
	mov esi, dword ptr [rax + 24]
	mov edi, dword ptr [rax + 28]
	mov eax, dword ptr [rax]
	jmp qword ptr [diff_target]
	.size diff_run, . - diff_run

	.globl diff_exit
	.type diff_exit, @function
diff_exit:
	mov dword ptr [diff_out + 0], eax
	mov dword ptr [diff_out + 4], ecx
	mov dword ptr [diff_out + 8], edx
	mov dword ptr [diff_out + 12], ebx
	mov dword ptr [diff_out + 16], esp
	mov dword ptr [diff_out + 20], ebp
	mov dword ptr [diff_out + 24], esi
	mov dword ptr [diff_out + 28], edi
diff_leave:			/* EFLAGS to diff_out[8], then back to diff_run's or diff_frun's caller */
	mov esp, offset diff_xstack + 64
	pushfq
	pop rax
	mov dword ptr [diff_out + 32], eax
	cld
	mov rsp, qword ptr [diff_host_rsp]
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
	.size diff_exit, . - diff_exit

/* diff_frun(fc): rdi = fc; as tramp.S's. */
	.globl diff_frun
	.type diff_frun, @function
diff_frun:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov qword ptr [diff_host_rsp], rsp
	mov rsi, rdi
	fninit
	fldcw word ptr [rsi + FCASE_CW]
	mov ecx, dword ptr [rsi + FCASE_ROT]
1:	test ecx, ecx
	jz 2f
	fdecstp
	dec ecx
	jmp 1b
2:	mov ecx, dword ptr [rsi + FCASE_DEPTH]
3:	test ecx, ecx
	jz 4f
	lea eax, [rcx + rcx * 2]
	fld tbyte ptr [rsi + rax * 4 + FCASE_ST - 12]
	dec ecx
	jmp 3b
4:	fnstenv [diff_fenv]
	mov ax, word ptr [diff_fenv + 4]
	and ax, DIFF_SW_FIXED
	or ax, word ptr [rsi + FCASE_CBITS]
	mov word ptr [diff_fenv + 4], ax
	fldenv [diff_fenv]
	mov ecx, dword ptr [rsi + FCASE_CODE]
	mov qword ptr [diff_target], rcx
	mov esp, offset diff_xstack + 64
	mov ecx, dword ptr [rsi + FCASE_EFLAGS]
	push rcx
	popfq
	mov eax, dword ptr [rsi + FCASE_EAX]
	jmp qword ptr [diff_target]
	.size diff_frun, . - diff_frun

	.globl diff_fexit
	.type diff_fexit, @function
diff_fexit:
	fnsave [diff_fsave]
	mov dword ptr [diff_out + 0], eax
	jmp diff_leave
	.size diff_fexit, . - diff_fexit

	.data
	.balign 8
	.globl diff_fsave
diff_fsave:	.skip 108	/* FNSAVE's 32-bit image after an x87 case */
diff_fenv:	.skip 28	/* the environment diff_frun edits */
	.globl diff_out, diff_path
diff_out:	.skip 36	/* EAX..EDI, EFLAGS after the case */
diff_path:	.long 0		/* 1: a branch fell through, 2: it was taken (cases set it) */
	.balign 8
diff_host_rsp:	.quad 0
diff_target:	.quad 0
	.balign 16
diff_xstack:	.skip 64	/* scratch stack for POPFQ/PUSHFQ */

	.bss
	.balign DIFF_AREA_ALIGN
	.globl diff_area
diff_area:	.skip DIFF_AREA_SIZE

	.section .note.GNU-stack, "", @progbits
