/* t_smc.c - self-modifying code (DVA-1 section 1): a store is visible to instruction fetch at
 * once, even when it rewrites code the emulator has already decoded and cached, or the very next
 * instruction of the running block.
 *
 * The code under test is in assembly, so its bytes and offsets are known. The functions that
 * patch themselves live in .data.smc (writable; DVA-1 fetches from any byte above page 0); the
 * copy source lives in .text.
 */
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"

__asm__(
	/* int smc_add3(int x): x + 3, its immediate at smc_add3_imm. Copied, never patched here. */
	"	.pushsection .text.smc, \"ax\", @progbits\n"
	"	.globl smc_add3, smc_add3_imm, smc_add3_end, smc_neg, smc_neg_end\n"
	"smc_add3:\n"
	"	movl 4(%esp), %eax\n"
	"	.byte 0x83, 0xc0\n" /* add $imm8, %eax */
	"smc_add3_imm:\n"
	"	.byte 3\n"
	"	ret\n"
	"smc_add3_end:\n"
	/* int smc_neg(int x): -x. */
	"smc_neg:\n"
	"	movl 4(%esp), %eax\n"
	"	negl %eax\n"
	"	ret\n"
	"smc_neg_end:\n"
	"	.popsection\n"

	"	.pushsection .data.smc, \"aw\", @progbits\n"
	"	.globl smc_imm, smc_next, smc_next_insn, smc_op, smc_len\n"
	/* uint32_t smc_imm(void): returns the immediate the test last stored at smc_imm + 1. */
	"smc_imm:\n"
	"	movl $0x11111111, %eax\n"
	"	ret\n"
	/* uint32_t smc_next(uint32_t v): stores v into the immediate of the very next instruction,
	 * then runs that instruction. */
	"smc_next:\n"
	"	movl 4(%esp), %eax\n"
	"	movl %eax, smc_next_insn + 1\n"
	"smc_next_insn:\n"
	"	movl $0, %eax\n"
	"	ret\n"
	/* uint32_t smc_op(uint32_t opcode): EAX = 100, then writes a one-byte instruction over the
	 * next one (a NOP at first) and runs it: 0x40 INC EAX, 0x48 DEC EAX, 0x90 NOP. */
	"smc_op:\n"
	"	movl 4(%esp), %ecx\n"
	"	movl $100, %eax\n"
	"	movb %cl, smc_op_insn\n"
	"smc_op_insn:\n"
	"	nop\n"
	"	ret\n"
	/* uint32_t smc_len(uint32_t bytes): EAX = 100, then writes four code bytes over the four
	 * that follow the store and runs them, so instruction boundaries move: 90 90 90 C3 is
	 * three NOPs and RET; 83 C0 07 C3 is ADD EAX, 7 and RET. */
	"smc_len:\n"
	"	movl 4(%esp), %ecx\n"
	"	movl $100, %eax\n"
	"	movl %ecx, smc_len_insn\n"
	"smc_len_insn:\n"
	"	nop\n"
	"	nop\n"
	"	nop\n"
	"	ret\n"
	"	.popsection\n");

extern const uint8_t smc_add3[], smc_add3_imm[], smc_add3_end[], smc_neg[], smc_neg_end[];
extern uint8_t smc_imm[], smc_next_insn[];
uint32_t smc_next(uint32_t v);
uint32_t smc_op(uint32_t opcode);
uint32_t smc_len(uint32_t bytes);

/* A writable buffer that code is copied into and run from. */
static uint8_t code_buf[64];

typedef int int_fn(int);
typedef uint32_t word_fn(void);

/* Copied code: run it, run it again (now cached), patch one byte of it, copy other code over it. */
static void test_copied(void)
{
	int_fn *f = (int_fn *)(void *)code_buf;
	size_t imm = (size_t)(smc_add3_imm - smc_add3);

	memcpy(code_buf, smc_add3, (size_t)(smc_add3_end - smc_add3));
	check_u32("copied_code_runs", (uint32_t)f(39), 42);
	check_u32("copied_code_runs_again", (uint32_t)f(40), 43);
	*(volatile uint8_t *)&code_buf[imm] = 5;
	check_u32("patched_copy_sees_new_immediate", (uint32_t)f(39), 44);
	memcpy(code_buf, smc_neg, (size_t)(smc_neg_end - smc_neg));
	check_u32("recopied_code_runs_new_function", (uint32_t)f(5), (uint32_t)-5);
}

/* Code from the image that has run many times, patched between runs. */
static void test_patch_cached(void)
{
	word_fn *f = (word_fn *)(void *)smc_imm;
	volatile uint8_t *imm = smc_imm + 1;
	uint32_t bad = 0, first_got = 0, first_want = 0;

	for (int k = 0; k < 3; k++)
		bad += f() != 0x11111111u;
	check_u32("image_code_runs", bad, 0);
	for (uint32_t k = 0; k < 40; k++) {
		uint32_t want = 0x1000u + k * 0x1111u;
		if (k % 2 == 0) {
			imm[0] = (uint8_t)want; /* byte by byte: the first store already changes it */
			imm[1] = (uint8_t)(want >> 8);
			imm[2] = (uint8_t)(want >> 16);
			imm[3] = (uint8_t)(want >> 24);
		} else {
			*(volatile uint32_t *)(void *)imm = want; /* one unaligned store */
		}
		uint32_t got = f();
		if (got != want && bad++ == 0) {
			first_got = got;
			first_want = want;
		}
	}
	check_u32("patched_immediate_runs_each_time", bad, 0);
	if (bad != 0)
		dva_printf("  first: got 0x%x want 0x%x\n", first_got, first_want);
}

/* Stores that rewrite the instruction right after themselves, in the same basic block. */
static void test_patch_next(void)
{
	uint32_t bad = 0;

	for (uint32_t v = 1; v <= 50; v++)
		bad += smc_next(v * 7) != v * 7;
	check_u32("store_rewrites_next_immediate", bad, 0);
	check_u32("next_insn_keeps_last_value", *(volatile uint32_t *)(void *)(smc_next_insn + 1),
		  350);

	check_u32("next_opcode_nop", smc_op(0x90), 100);
	check_u32("next_opcode_inc", smc_op(0x40), 101);
	check_u32("next_opcode_dec", smc_op(0x48), 99);
	check_u32("next_opcode_inc_again", smc_op(0x40), 101);
	check_u32("next_opcode_nop_again", smc_op(0x90), 100);

	check_u32("next_insns_three_nops", smc_len(0xC3909090u), 100);
	check_u32("next_insns_add_7", smc_len(0xC307C083u), 107);
	check_u32("next_insns_inc_inc_nop", smc_len(0xC3904040u), 102);
	check_u32("next_insns_add_7_again", smc_len(0xC307C083u), 107);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_copied();
	test_patch_cached();
	test_patch_next();
	return check_status();
}
