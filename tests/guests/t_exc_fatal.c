/* t_exc_fatal.c - exceptions that cannot be delivered end the VM with status 128 + vector (255
 * for vectors 128 and up) and a diagnostic on standard error (DVA-1 section 5): no vector table,
 * an entry of 0, an entry in page 0 or at mem_size, a table whose entry lies outside memory, and
 * a frame that cannot be pushed (ESP in page 0, or straddling mem_size).
 *
 * One image, several guests: the argument string (expect/NAME.opts) names the case. Each prints
 * what it is about to do, then runs the instruction; the TERMINATE after it (status 1) is reached
 * only if the emulator wrongly carries on.
 */
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

/* Run insn (extended-asm text: registers as %%reg), then TERMINATE 1. */
#define FATAL(insn) __asm__ volatile(insn "\n\tmovl $1, %%eax\n\t.byte 0x0f, 0x3f, 0x02" ::: "memory")

static void div_by_zero(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx\n\tdivl %%ecx\n\tmovl $1, %%eax\n\t.byte 0x0f, 0x3f, 0x02"
			 ::: "eax", "ecx", "edx", "memory");
}

/* Set entry v of the table; the rest still point at the recording stubs. */
static void set_entry(uint32_t v, uint32_t handler)
{
	exc_install();
	exc_table[v] = handler;
	check_u32("table_installed", dva_page0.vector_base, EXC_ADDR(exc_table));
}

static int run_case(const char *which)
{
	uint32_t top = dva_page0.mem_size;

	if (strcmp(which, "nohandler") == 0) {
		check_u32("vector_base_is_0", dva_page0.vector_base, 0);
		dva_puts("DIV by 0 with no vector table: the VM must end with status 128 (128 + vector 0)\n");
		div_by_zero();
	} else if (strcmp(which, "badentry") == 0) {
		set_entry(DVA_VEC_UD, 0);
		dva_puts("UD2 with entry 6 = 0: the VM must end with status 134\n");
		FATAL("ud2");
	} else if (strcmp(which, "badentry_page0") == 0) {
		set_entry(DVA_VEC_BP, 0xFFF);
		dva_puts("INT3 with entry 3 in page 0: the VM must end with status 131\n");
		FATAL("int3");
	} else if (strcmp(which, "badentry_mem_size") == 0) {
		set_entry(DVA_VEC_GP, top);
		dva_puts("OUT to port 0x1234 with entry 13 = mem_size: the VM must end with status 141\n");
		FATAL("movw $0x1234, %%dx\n\toutb %%al, %%dx");
	} else if (strcmp(which, "badentry_int80") == 0) {
		set_entry(0x80, 0);
		dva_puts("INT 0x80 with entry 0x80 = 0: the VM must end with status 255\n");
		FATAL("int $0x80");
	} else if (strcmp(which, "badtable") == 0) {
		/* Entries 0-3 lie in memory (the stack's top), entry 6 at mem_size + 8 does not. */
		dva_page0.vector_base = top - 16;
		check_u32("vector_base_set", dva_page0.vector_base, top - 16);
		dva_puts("UD2 with entry 6 past mem_size: the VM must end with status 134\n");
		FATAL("ud2");
	} else if (strcmp(which, "badstack") == 0) {
		exc_install();
		dva_puts("INT3 with ESP = 0x800: the VM must end with status 131\n");
		FATAL("movl $0x800, %%esp\n\tint3");
	} else if (strcmp(which, "badstack_fault") == 0) {
		exc_install();
		dva_puts("UD2 with ESP = 0x800: the VM must end with status 134\n");
		FATAL("movl $0x800, %%esp\n\tud2");
	} else if (strcmp(which, "badstack_straddle") == 0) {
		/* The frame would be [mem_size - 4, mem_size + 8): partly outside memory. */
		exc_install();
		dva_puts("INT3 with ESP = mem_size + 8: the VM must end with status 131\n");
		__asm__ volatile("movl %0, %%esp\n\tint3\n\tmovl $1, %%eax\n\t.byte 0x0f, 0x3f, 0x02"
				 : : "r"(top + 8) : "eax", "memory");
	} else {
		dva_printf("FAIL unknown case \"%s\"\n", which);
		return 2;
	}
	dva_puts("FAIL the instruction returned\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		dva_puts("FAIL want one argument: the case\n");
		return 2;
	}
	return run_case(argv[1]);
}
