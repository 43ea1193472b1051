/* faults.c - triggers the exception named by its argument and lets guestos report it.
 *
 *   denali run --args CASE build/guests/faults.elf
 *
 * CASE is one of: de ud removed gp pf-read pf-write pf-rodata pf-fetch bp of br mf int, which
 * end the VM with guestos's report and status 128 + vector (255 for int's vector 0x80), or
 * handled, which installs a #DE handler that steps over the faulting DIV and carries on.
 */
#include <stdio.h>
#include <string.h>

#include <guestos.h>

static volatile uint32_t zero; /* volatile: the compiler must really divide by it */

static void do_de(void)
{
	__asm__ volatile("divl %0" : : "m"(zero), "a"(7), "d"(0));
}

static void do_ud(void)
{
	__asm__ volatile("ud2");
}

static void do_removed(void)
{
	__asm__ volatile("hlt"); /* DVA-1 removed HLT: #UD with fault_error = 1 */
}

static void do_gp(void)
{
	__asm__ volatile("outb %%al, %%dx" : : "a"(0), "d"(0x1234)); /* no device at 0x1234 */
}

static void do_pf_read(void)
{
	uint32_t beyond = dva_page0.mem_size + 16u;
	__asm__ volatile("movl (%0), %%eax" : : "r"(beyond) : "eax");
}

static void do_pf_write(void)
{
	__asm__ volatile("movl %%eax, (%0)" : : "r"(&dva_page0.magic), "a"(0)); /* page 0 is RO here */
}

static void do_pf_rodata(void)
{
	static const char text[] = "read-only";
	__asm__ volatile("movb $0, (%0)" : : "r"(text) : "memory");
}

static void do_pf_fetch(void)
{
	__asm__ volatile("call *%0" : : "r"(0x10u)); /* code in page 0 cannot be fetched */
}

static void do_bp(void)
{
	__asm__ volatile("int3");
}

static void do_of(void)
{
	/* 0x7fffffff + 1 overflows: OF = 1, so INTO traps. */
	__asm__ volatile("movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\tinto" : : : "eax", "cc");
}

static void do_br(void)
{
	static const int32_t bounds[2] = { 0, 9 };
	__asm__ volatile("boundl %0, %1" : : "r"(10), "m"(bounds)); /* 10 is outside [0, 9] */
}

static void do_mf(void)
{
	uint16_t cw = 0x037F & ~0x0004; /* unmask zero-divide */
	__asm__ volatile("fldcw %0\n\tfld1\n\tfldz\n\tfdivrp\n\tfwait" : : "m"(cw));
}

static void do_int(void)
{
	__asm__ volatile("int $0x80");
}

/* handled: #DE's handler steps over the 2-byte DIV (F7 /6 with a register operand) and makes
 * the quotient all ones, as a program might for "infinity". */
static void step_over_div(struct trapframe *tf)
{
	printf("handler: %s at eip %08x, skipping 2 bytes\n", trap_name(tf->vector), (unsigned)tf->eip);
	tf->eip += 2;
	tf->eax = 0xFFFFFFFFu;
}

static int do_handled(void)
{
	uint32_t q;

	trap_register(DVA_VEC_DE, step_over_div);
	__asm__ volatile("divl %%ecx" : "=a"(q) : "a"(7), "d"(0), "c"(0));
	printf("7 / 0 gave %08x; carrying on\n", (unsigned)q);
	return 0;
}

static const struct fault_case {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "de", do_de }, { "ud", do_ud }, { "removed", do_removed }, { "gp", do_gp },
	{ "pf-read", do_pf_read }, { "pf-write", do_pf_write }, { "pf-rodata", do_pf_rodata },
	{ "pf-fetch", do_pf_fetch }, { "bp", do_bp }, { "of", do_of }, { "br", do_br },
	{ "mf", do_mf }, { "int", do_int },
};

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "";

	os_init(); /* the default report needs guestos's vector table (start-up has set it) */
	if (strcmp(which, "handled") == 0)
		return do_handled();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (strcmp(which, cases[i].name) == 0) {
			printf("faults: %s\n", which);
			cases[i].run();
			printf("faults: %s did not fault\n", which);
			return 1;
		}
	}
	printf("usage: faults CASE, CASE one of: handled");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		printf(" %s", cases[i].name);
	printf("\n");
	return 2;
}
