/* t_entry.c - checks the state a guest starts in (DVA-1 section 1) and crt0's argv.
 *
 * Run with --mem 1M and the argument string in expect/t_entry.opts: leading, trailing and
 * doubled spaces, and more words than crt0 keeps (GUESTOS_ARGV_MAX = 32 argv entries).
 */
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"

#define MEM_SIZE 0x100000u /* --mem 1M in t_entry.opts */
#define ARGS "  alpha  beta gamma w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 " \
	     "w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31 w32 w33 w34 w35 w36 w37 w38 w39 w40 "

static uint8_t zeroed[64 * 1024];   /* .bss: the loader must zero all of it */
static uint32_t initialised = 0x5EED1234u; /* .data: copied from the file */

static void check_entry_registers(void)
{
	check_u32("entry_eax_is_magic", dva_entry_regs[DVA_ENTRY_EAX], DVA_MAGIC);
	check_u32("entry_ecx_zero", dva_entry_regs[DVA_ENTRY_ECX], 0);
	check_u32("entry_edx_zero", dva_entry_regs[DVA_ENTRY_EDX], 0);
	check_u32("entry_ebx_zero", dva_entry_regs[DVA_ENTRY_EBX], 0);
	check_u32("entry_esp_is_mem_size", dva_entry_regs[DVA_ENTRY_ESP], dva_page0.mem_size);
	check_u32("entry_ebp_zero", dva_entry_regs[DVA_ENTRY_EBP], 0);
	check_u32("entry_esi_zero", dva_entry_regs[DVA_ENTRY_ESI], 0);
	check_u32("entry_edi_zero", dva_entry_regs[DVA_ENTRY_EDI], 0);
	check_u32("entry_eflags", dva_entry_regs[DVA_ENTRY_EFLAGS], DVA_INITIAL_EFLAGS);
}

static void check_page0(void)
{
	char args[sizeof dva_page0.args];
	uint64_t instret = dva_page0.instret;

	check_u32("page0_magic", dva_page0.magic, DVA_MAGIC);
	check_u32("page0_version", dva_page0.version, DVA_VERSION);
	check_u32("page0_vm_id", dva_page0.vm_id, 0);
	check_u32("page0_mem_size", dva_page0.mem_size, MEM_SIZE);
	/* The fields DVA-1 section 1 says start at 0; nothing has changed them yet. */
	check_u32("page0_irq_enable_zero", dva_page0.irq_enable, 0);
	check_u32("page0_irq_mask_zero", dva_page0.irq_mask, 0);
	check_u32("page0_irq_pending_zero", dva_page0.irq_pending, 0);
	check_u32("page0_irq_batch_zero", dva_page0.irq_batch, 0);
	check_u32("page0_vector_base_zero", dva_page0.vector_base, 0);
	check_u32("page0_fault_vector_zero", dva_page0.fault_vector, 0);
	check_u32("page0_fault_error_zero", dva_page0.fault_error, 0);
	check_u32("page0_fault_addr_zero", dva_page0.fault_addr, 0);
	check_u32("page0_fault_eip_zero", dva_page0.fault_eip, 0);
	/* instret started at 0 and counts crt0 and the checks so far: some thousands at most. */
	check_true("page0_instret_counts_from_zero", instret > 0 && instret < 1000000);

	for (size_t i = 0; i < sizeof args; i++)
		args[i] = dva_page0.args[i];
	args[sizeof args - 1] = '\0';
	check_str("page0_args", args, ARGS);
}

static void check_argv(int argc, char **argv)
{
	check_u32("argc_capped_at_32", (uint32_t)argc, 32);
	check_str("argv0_is_guest", argv[0], "guest");
	check_str("argv1_skips_leading_spaces", argv[1], "alpha");
	check_str("argv2_skips_doubled_spaces", argv[2], "beta");
	check_str("argv3", argv[3], "gamma");
	check_str("argv4", argv[4], "w4");
	check_str("argv31_is_last_kept", argv[31], "w31");
	check_true("argv32_is_null", argv[32] == NULL);
	/* crt0 copies the string: the words are writable and not in page 0. */
	check_true("argv_words_outside_page0", (uintptr_t)argv[1] >= DVA_PAGE_SIZE);
	argv[1][0] = 'A';
	check_str("argv_words_writable", argv[1], "Alpha");
}

static void check_image(void)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < sizeof zeroed; i++)
		bits |= zeroed[i];
	check_u32("bss_is_zero", bits, 0);
	check_u32("data_is_loaded", initialised, 0x5EED1234u);
	/* The stack sits at the top of memory, far above the image. */
	check_true("stack_near_mem_size",
		   (uintptr_t)&bits < MEM_SIZE && (uintptr_t)&bits > MEM_SIZE - 4096);
}

int main(int argc, char **argv)
{
	check_entry_registers();
	check_page0();
	check_argv(argc, argv);
	check_image();
	return check_status();
}
