/* t_exc_bp_of.c - software interrupts (DVA-1 section 2): INT3, INT 3, INTO with OF = 1 and
 * INT n are traps to vector 3, 4 or n, with the saved EIP = the next instruction, no error code
 * whatever n (INT 13 and INT 14 included), and no page-0 field changed but irq_enable; INTO with
 * OF = 0 does nothing. INT 32 enters the upcall handler with irq_batch unchanged: a real upcall
 * first sets irq_batch (console input from expect/t_exc_bp_of.in raises line 1), then INT 32
 * must find it as it was.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

EXC_SNIPPET(bp_int3, "int3");
EXC_SNIPPET(bp_int_3, ".byte 0xcd, 0x03");
EXC_SNIPPET(of_into, "into");
EXC_SNIPPET(int_0, "int $0");
EXC_SNIPPET(int_13, "int $13");
EXC_SNIPPET(int_14, "int $14");
EXC_SNIPPET(int_16, "int $16");
EXC_SNIPPET(int_32, "int $32");
EXC_SNIPPET(int_64, "int $0x40");
EXC_SNIPPET(int_128, "int $0x80");
EXC_SNIPPET(int_255, "int $255");
/* MOVL $1, irq_enable: the boundary after it is a delivery point. */
EXC_SNIPPET(upcall_enable, "movl $1, 0x20");

/* A trap from code to vector, returning to end. */
static void trap(const char *name, const char *code, const char *end, uint32_t vector,
		 struct exc_regs in, uint32_t irq)
{
	struct exc_case c = {
		.name = name, .code = code, .in = in, .irq = irq, .trap = 1, .vector = vector,
		.eip = EXC_ADDR(end),
	};
	exc_run(&c);
}

static void test_int3_into(void)
{
	struct exc_regs r = exc_regs_fill(EXC_FLAGS_ALL);

	trap("int3_traps_to_3", bp_int3, bp_int3_end, DVA_VEC_BP, r, 0);
	trap("int3_irq_on", bp_int3, bp_int3_end, DVA_VEC_BP, exc_regs_fill(EXC_FLAGS_NONE), 1);
	trap("int_imm_3_traps_to_3", bp_int_3, bp_int_3_end, DVA_VEC_BP, r, 0);
	trap("into_of_set_traps_to_4", of_into, of_into_end, DVA_VEC_OF, r, 0);
	trap("into_only_of_set", of_into, of_into_end, DVA_VEC_OF,
	     exc_regs_fill(EXC_FLAGS_NONE | EXC_FL_OF), 1);
	r = exc_regs_fill(EXC_FLAGS_ALL & ~EXC_FL_OF);
	exc_run_none("into_of_clear_does_nothing", of_into, &r, NULL, EXC_POPF_MASK);
	r = exc_regs_fill(EXC_FLAGS_NONE);
	exc_run_none("into_no_flags_does_nothing", of_into, &r, NULL, EXC_POPF_MASK);
}

/* INT n is a trap to n with no error code, even where the same vector as a fault has one. */
static void test_int_n(void)
{
	struct exc_regs r = exc_regs_fill(EXC_FLAGS_ALL);

	trap("int_0x80", int_128, int_128_end, 0x80, r, 0);
	trap("int_0x80_irq_on", int_128, int_128_end, 0x80, exc_regs_fill(EXC_FLAGS_NONE), 1);
	trap("int_0x40", int_64, int_64_end, 0x40, r, 1);
	trap("int_255", int_255, int_255_end, 255, r, 0);
	trap("int_0_is_a_trap", int_0, int_0_end, 0, r, 0);
	trap("int_13_no_error_code", int_13, int_13_end, 13, r, 0);
	trap("int_14_no_error_code", int_14, int_14_end, 14, exc_regs_fill(EXC_FLAGS_NONE), 1);
	trap("int_16_is_a_trap", int_16, int_16_end, 16, r, 0);
}

/* A real upcall sets irq_batch; INT 32 then enters the same handler and leaves it alone. */
static void test_upcall_then_int32(void)
{
	const uint32_t line = 1u << DVA_LINE_CONSOLE_IN;
	struct exc_regs in = exc_regs_fill(EXC_FLAGS_ALL), r = in;
	const struct exc_record *rec = &exc_records[0];
	const char *name = "upcall_sets_irq_batch";
	uint32_t irq_after, out[8] = { r.eax, r.ecx, r.edx, r.ebx, 0, r.ebp, r.esi, r.edi };
	int bad = 0;

	dva_page0.irq_mask = line;
	while ((dva_page0.irq_pending & line) == 0)
		dva_idle(DVA_IDLE_FOREVER);
	exc_prime();
	exc_probe(upcall_enable, &r);
	irq_after = dva_page0.irq_enable;
	dva_page0.irq_enable = 0;
	dva_page0.irq_mask = 0;

	bad += exc_field(name, "entries", exc_count, 1);
	bad += exc_field(name, "vector", rec->vector, DVA_VEC_UPCALL);
	bad += exc_field(name, "frame_size", r.esp - rec->esp, 12);
	bad += exc_field(name, "frame_eip", rec->frame[0], EXC_ADDR(upcall_enable_end));
	bad += exc_field(name, "frame_zero", rec->frame[1], 0);
	/* IF in the image: irq_enable just before entry, which the store had set. */
	bad += exc_field(name, "frame_eflags", rec->frame[2], EXC_FLAGS_ALL | EXC_FL_IF);
	bad += exc_field(name, "entry_eflags", rec->eflags, EXC_FLAGS_ALL);
	bad += exc_field(name, "entry_irq_enable", rec->irq_enable, 0);
	bad += exc_field(name, "irq_batch", rec->irq_batch, line);
	bad += exc_field(name, "irq_pending_cleared", rec->irq_pending & line, 0);
	bad += exc_field(name, "entry_eax", rec->regs[0], out[0]);
	bad += exc_field(name, "entry_edi", rec->regs[7], out[7]);
	bad += exc_field(name, "fault_vector_unchanged", rec->fault_vector, DVA_VEC_PF);
	bad += exc_field(name, "fault_addr_unchanged", rec->fault_addr, EXC_PRIME_ADDR);
	bad += exc_field(name, "fault_eip_unchanged", rec->fault_eip, EXC_ADDR(exc_prime_code));
	bad += exc_field(name, "after_eflags", r.eflags, EXC_FLAGS_ALL | EXC_FL_IF);
	bad += exc_field(name, "after_irq_enable", irq_after, 1);
	check_true(name, bad == 0);
	exc_reset();

	trap("int_32_enters_upcall_handler", int_32, int_32_end, DVA_VEC_UPCALL, in, 0);
	check_u32("int_32_leaves_irq_batch", rec->irq_batch, line);
	check_u32("int_32_irq_batch_after", dva_page0.irq_batch, line);
	trap("int_32_irq_on", int_32, int_32_end, DVA_VEC_UPCALL, exc_regs_fill(EXC_FLAGS_NONE), 1);
	check_u32("int_32_irq_on_leaves_irq_batch", rec->irq_batch, line);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	test_int3_into();
	test_int_n();
	test_upcall_then_int32();
	return check_status();
}
