/* tramp.S - enters one differential case with every register and EFLAGS loaded, and records them after it. */

/* diff_run(const uint32_t in[9], uint32_t code) loads EAX..EDI and EFLAGS from in[] (EFLAGS
 * first, through a scratch stack, since POPFD needs one), then jumps to code. A case's code ends
 * with `jmp diff_exit`, which stores the eight registers and EFLAGS in diff_out[] before touching
 * anything, clears DF for the C code, and returns to diff_run's caller on its own stack. The
 * case may leave ESP anywhere: it is never used before diff_exit switches stacks.
 * Same source for the native program and the guest; nothing here knows which it is. */
#include "tests/diff/case.h"

	.intel_syntax noprefix

	.text
	.globl diff_run
	.type diff_run, @function
diff_run:
	push ebp
	push ebx
	push esi
	push edi
	mov dword ptr [diff_host_esp], esp
	mov eax, dword ptr [esp + 20]
	mov ecx, dword ptr [esp + 24]
	mov dword ptr [diff_target], ecx
	mov esp, offset diff_xstack + 64
	push dword ptr [eax + 32]
	popfd
	mov ecx, dword ptr [eax + 4]
	mov edx, dword ptr [eax + 8]
	mov ebx, dword ptr [eax + 12]
	mov esp, dword ptr [eax + 16]
	mov ebp, dword ptr [eax + 20]
	mov esi, dword ptr [eax + 24]
	mov edi, dword ptr [eax + 28]
	mov eax, dword ptr [eax]
	jmp dword ptr [diff_target]
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
	mov esp, offset diff_xstack + 64
	pushfd
	pop dword ptr [diff_out + 32]
	cld
	mov esp, dword ptr [diff_host_esp]
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret
	.size diff_exit, . - diff_exit

	.data
	.balign 4
	.globl diff_out, diff_path
diff_out:	.skip 36	/* EAX..EDI, EFLAGS after the case */
diff_path:	.long 0		/* 1: a branch fell through, 2: it was taken (cases set it) */
diff_host_esp:	.long 0
diff_target:	.long 0
diff_xstack:	.skip 64	/* scratch stack for POPFD/PUSHFD */

	.bss
	.balign DIFF_AREA_ALIGN
	.globl diff_area
diff_area:	.skip DIFF_AREA_SIZE

	.section .note.GNU-stack, "", @progbits
