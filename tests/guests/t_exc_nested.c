/* t_exc_nested.c - an exception inside a handler is delivered normally (DVA-1 section 5): a new
 * frame below the handler's own, with IF = 0 in its image (irq_enable is 0 inside a handler),
 * page 0's fault fields overwritten by the inner fault, and each IRET returning to its own
 * level with irq_enable as its image says.
 *
 * Scenario 1, three deep: UD2 with irq_enable = 1; its handler runs an OUT to a port that does
 * not exist (#GP(0)); that handler runs INT3 (a trap). Scenario 2: a #PF read past memory whose
 * handler makes a #PF write to a read-only register.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

EXC_SNIPPET(nest_ud2, "ud2");
EXC_SNIPPET(nest_out, "outb %al, %dx");
EXC_SNIPPET(nest_int3, "int3");
EXC_SNIPPET(nest_read, "movl (%eax), %ecx");
EXC_SNIPPET(nest_write, "movl %ecx, (%eax)");

/* What the hooks saw, for the checks after the outermost IRET. */
struct level {
	struct exc_regs regs;   /* the probe's registers, in then out */
	struct exc_regs in;     /* a copy of the input */
	uint32_t irq_after;     /* irq_enable after the probe returned, inside the outer handler */
	uint32_t frame_kept;    /* 1 if the outer frame was intact after the inner IRET */
	uint32_t ran;
};
static struct level levels[3];

static void probe_level(struct level *l, const char *code, uint32_t *outer_frame, int outer_err)
{
	uint32_t copy[4];

	for (int i = 0; i < 3 + outer_err; i++)
		copy[i] = outer_frame[i];
	l->in = l->regs;
	exc_probe(code, &l->regs);
	l->irq_after = dva_page0.irq_enable;
	l->frame_kept = 1;
	for (int i = 0; i < 3 + outer_err; i++)
		l->frame_kept &= copy[i] == outer_frame[i];
	l->ran = 1;
}

/* Scenario 1: record 0 (#UD) probes the #GP, record 1 (#GP) probes the INT3. */
static void hook_three(struct exc_record *r, uint32_t *frame)
{
	if (r == &exc_records[0]) {
		levels[1].regs = exc_regs_fill(EXC_FLAGS_NONE);
		levels[1].regs.edx = 0x1234;
		exc_skip = EXC_LEN(nest_out);
		probe_level(&levels[1], nest_out, frame, 0);
	} else if (r == &exc_records[1]) {
		levels[2].regs = exc_regs_fill(EXC_FLAGS_ALL & ~EXC_FL_DF);
		levels[2].regs.esi = 0x5E5E5E5Eu;
		probe_level(&levels[2], nest_int3, frame, 1);
	}
}

/* Frame and entry state of record r: entered from a probe whose ESP was esp; err = 1 when an
 * error code (of value error) was pushed. */
static int frame_ok(const char *name, const struct exc_record *r, uint32_t vector, uint32_t esp,
		    int err, uint32_t error, uint32_t eip, uint32_t image, const struct exc_regs *in)
{
	const uint32_t w[8] = { in->eax, in->ecx, in->edx, in->ebx, r->esp, in->ebp, in->esi, in->edi };
	int bad = 0;

	bad += exc_field(name, "vector", r->vector, vector);
	bad += exc_field(name, "frame_size", esp - r->esp, err ? 16 : 12);
	if (err)
		bad += exc_field(name, "frame_error", r->frame[0], error);
	bad += exc_field(name, "frame_eip", r->frame[err], eip);
	bad += exc_field(name, "frame_zero", r->frame[err + 1], 0);
	bad += exc_field(name, "frame_eflags", r->frame[err + 2], image);
	bad += exc_field(name, "entry_eflags", r->eflags, image & ~EXC_FL_IF);
	bad += exc_field(name, "entry_irq_enable", r->irq_enable, 0);
	for (int i = 0; i < 8; i++)
		bad += exc_field(name, "entry_reg", r->regs[i], w[i]);
	return bad;
}

static int fault_fields(const char *name, const struct exc_record *r, uint32_t vector,
			uint32_t error, uint32_t addr, uint32_t eip)
{
	int bad = 0;

	bad += exc_field(name, "fault_vector", r->fault_vector, vector);
	bad += exc_field(name, "fault_error", r->fault_error, error);
	bad += exc_field(name, "fault_addr", r->fault_addr, addr);
	bad += exc_field(name, "fault_eip", r->fault_eip, eip);
	return bad;
}

static void test_three_deep(void)
{
	struct exc_regs in = exc_regs_fill(EXC_FLAGS_ALL), r = in;
	const struct exc_record *rec = exc_records;
	uint32_t irq_after, ud = EXC_ADDR(nest_ud2), gp = EXC_ADDR(nest_out);
	int bad;

	exc_prime();
	exc_hook = hook_three;
	exc_skip = EXC_LEN(nest_ud2);
	dva_page0.irq_enable = 1;
	exc_probe(nest_ud2, &r);
	irq_after = dva_page0.irq_enable;
	dva_page0.irq_enable = 0;

	check_u32("nested_three_entries", exc_count, 3);
	check_true("nested_levels_ran", levels[1].ran && levels[2].ran);

	bad = frame_ok("outer_ud", &rec[0], DVA_VEC_UD, r.esp, 0, 0, ud, EXC_FLAGS_ALL | EXC_FL_IF, &in);
	bad += fault_fields("outer_ud", &rec[0], DVA_VEC_UD, 0, EXC_PRIME_ADDR, ud);
	check_true("outer_ud_frame", bad == 0);

	/* The #GP inside the #UD handler: a deeper frame, IF = 0 in its image. */
	bad = frame_ok("inner_gp", &rec[1], DVA_VEC_GP, levels[1].regs.esp, 1, 0, gp, EXC_FLAGS_NONE,
		       &levels[1].in);
	bad += fault_fields("inner_gp", &rec[1], DVA_VEC_GP, 0, EXC_PRIME_ADDR, gp);
	check_true("inner_gp_frame", bad == 0);
	check_true("inner_gp_frame_below_outer", rec[1].esp + 16 <= rec[0].esp);

	/* The INT3 inside the #GP handler: a trap, page 0 as the #GP left it. */
	bad = frame_ok("innermost_bp", &rec[2], DVA_VEC_BP, levels[2].regs.esp, 0, 0,
		       EXC_ADDR(nest_int3_end), EXC_FLAGS_ALL & ~EXC_FL_DF, &levels[2].in);
	bad += fault_fields("innermost_bp", &rec[2], DVA_VEC_GP, 0, EXC_PRIME_ADDR, gp);
	check_true("innermost_bp_frame", bad == 0);
	check_true("innermost_bp_frame_below_inner", rec[2].esp + 12 <= rec[1].esp);

	/* Each IRET came back to its own level: registers and flags as the probe set them,
	 * irq_enable 0 inside a handler, the enclosing frame untouched. */
	check_u32("inner_gp_returned_eflags", levels[1].regs.eflags, EXC_FLAGS_NONE);
	check_u32("inner_gp_returned_edx", levels[1].regs.edx, 0x1234);
	check_u32("inner_gp_irq_enable_stays_0", levels[1].irq_after, 0);
	check_true("inner_gp_outer_frame_kept", levels[1].frame_kept);
	check_u32("innermost_bp_returned_eflags", levels[2].regs.eflags, EXC_FLAGS_ALL & ~EXC_FL_DF);
	check_u32("innermost_bp_returned_esi", levels[2].regs.esi, 0x5E5E5E5Eu);
	check_u32("innermost_bp_irq_enable_stays_0", levels[2].irq_after, 0);
	check_true("innermost_bp_inner_frame_kept", levels[2].frame_kept);

	/* The outer IRET: back after the UD2 with irq_enable 1 again. */
	check_u32("outer_returned_eflags", r.eflags, EXC_FLAGS_ALL | EXC_FL_IF);
	check_true("outer_returned_registers",
		   r.eax == in.eax && r.ecx == in.ecx && r.edx == in.edx && r.ebx == in.ebx &&
			   r.ebp == in.ebp && r.esi == in.esi && r.edi == in.edi);
	check_u32("outer_irq_enable_restored", irq_after, 1);
	check_u32("page0_fault_vector_is_last_raised", dva_page0.fault_vector, DVA_VEC_GP);
	check_u32("page0_fault_eip_is_last_raised", dva_page0.fault_eip, gp);
	exc_reset();
}

/* Scenario 2: #PF inside a #PF handler overwrites fault_addr and fault_error. */
static void hook_pf(struct exc_record *r, uint32_t *frame)
{
	if (r == &exc_records[0]) {
		levels[0].regs = exc_regs_fill(EXC_FLAGS_NONE);
		levels[0].regs.eax = 0x08; /* vm_id */
		exc_skip = EXC_LEN(nest_write);
		probe_level(&levels[0], nest_write, frame, 1);
	}
}

static void test_pf_in_pf(void)
{
	struct exc_regs in = exc_regs_fill(EXC_FLAGS_ALL), r;
	const struct exc_record *rec = exc_records;
	uint32_t top = dva_page0.mem_size, rd = EXC_ADDR(nest_read), wr = EXC_ADDR(nest_write);
	int bad;

	in.eax = top + 0x100;
	r = in;
	exc_prime();
	exc_hook = hook_pf;
	exc_skip = EXC_LEN(nest_read);
	exc_probe(nest_read, &r);

	check_u32("pf_in_pf_entries", exc_count, 2);
	bad = frame_ok("outer_pf", &rec[0], DVA_VEC_PF, r.esp, 1, DVA_PF_U, rd, EXC_FLAGS_ALL, &in);
	bad += exc_field("outer_pf", "fault_addr", rec[0].fault_addr, top + 0x100);
	bad += exc_field("outer_pf", "fault_error", rec[0].fault_error, DVA_PF_U);
	check_true("outer_pf_frame", bad == 0);
	bad = frame_ok("inner_pf", &rec[1], DVA_VEC_PF, levels[0].regs.esp, 1, 7, wr, EXC_FLAGS_NONE,
		       &levels[0].in);
	bad += fault_fields("inner_pf", &rec[1], DVA_VEC_PF, 7, 0x08, wr);
	check_true("inner_pf_frame", bad == 0);
	check_true("inner_pf_outer_frame_kept", levels[0].frame_kept);
	check_u32("pf_in_pf_returned_eflags", r.eflags, EXC_FLAGS_ALL);
	check_u32("pf_in_pf_returned_ecx", r.ecx, in.ecx);
	check_u32("page0_fault_addr_is_inner", dva_page0.fault_addr, 0x08);
	check_u32("page0_fault_error_is_inner", dva_page0.fault_error, 7);
	exc_reset();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	test_three_deep();
	test_pf_in_pf();
	return check_status();
}
