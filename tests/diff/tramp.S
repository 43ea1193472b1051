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

/* diff_frun(const struct fcase *fc) sets up the FPU state of an x87 case (tests/diff/case.h:
 * FNINIT, FLDCW, FDECSTP rot times, FLD m80 depth times), loads EFLAGS and EAX and jumps to the
 * case's code, which ends with `jmp diff_fexit`. In between, C0-C3 are set to fc->cbits by
 * editing the status word in an FNSTENV image and loading it back with FLDENV. diff_fexit's first instruction is FNSAVE into
 * diff_fsave: non-waiting, so an exception the case left pending is recorded and, since FNSAVE
 * reinitializes the FPU, never delivered. Then EAX and EFLAGS go to diff_out[0] and diff_out[8]. */
	.globl diff_frun
	.type diff_frun, @function
diff_frun:
	push ebp
	push ebx
	push esi
	push edi
	mov dword ptr [diff_host_esp], esp
	mov esi, dword ptr [esp + 20]
	fninit
	fldcw word ptr [esi + FCASE_CW]
	mov ecx, dword ptr [esi + FCASE_ROT]
1:	test ecx, ecx
	jz 2f
	fdecstp
	dec ecx
	jmp 1b
2:	mov ecx, dword ptr [esi + FCASE_DEPTH]
3:	test ecx, ecx
	jz 4f
	lea eax, [ecx + ecx * 2]
	fld tbyte ptr [esi + eax * 4 + FCASE_ST - 12]
	dec ecx
	jmp 3b
4:	fnstenv [diff_fenv]
	mov ax, word ptr [diff_fenv + 4]
	and ax, DIFF_SW_FIXED
	or ax, word ptr [esi + FCASE_CBITS]
	mov word ptr [diff_fenv + 4], ax
	fldenv [diff_fenv]
	mov ecx, dword ptr [esi + FCASE_CODE]
	mov dword ptr [diff_target], ecx
	mov esp, offset diff_xstack + 64
	push dword ptr [esi + FCASE_EFLAGS]
	popfd
	mov eax, dword ptr [esi + FCASE_EAX]
	jmp dword ptr [diff_target]
	.size diff_frun, . - diff_frun

	.globl diff_fexit
	.type diff_fexit, @function
diff_fexit:
	fnsave [diff_fsave]
	mov dword ptr [diff_out + 0], eax
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
	.size diff_fexit, . - diff_fexit

	.data
	.balign 4
	.globl diff_fsave
diff_fsave:	.skip 108	/* FNSAVE's 32-bit image after an x87 case */
diff_fenv:	.skip 28	/* the environment diff_frun edits */
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
