/* t_exc_irq.c - the virtual interrupt flag in frames and flag images (DVA-1 sections 2 and 5):
 * entry saves irq_enable as IF in the EFLAGS image and clears irq_enable; IRET sets irq_enable
 * from bit 9 of the image it pops (so a handler can change it there); PUSHF shows IF =
 * irq_enable; POPF leaves irq_enable alone. irq_mask stays 0 throughout, so turning irq_enable on
 * never delivers an upcall here.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

EXC_SNIPPET(irq_int40, "int $0x40");
EXC_SNIPPET(irq_div0, "divl %ecx");
EXC_SNIPPET(irq_pushfl, "pushfl\n\tpopl %eax");
EXC_SNIPPET(irq_pushfw, "pushfw\n\tpopw %ax");
EXC_SNIPPET(irq_popfl, "pushl %eax\n\tpopfl");
EXC_SNIPPET(irq_popfw, "pushw %ax\n\tpopfw");
/* A hand-made frame: IRET pops EIP, a dword it ignores (ECX here), and EFLAGS (EAX). */
EXC_SNIPPET(irq_iret, "pushl %eax\n\tpushl %ecx\n\tpushl $irq_iret_target\n\tiret\n\tud2\n"
		      "irq_iret_target:");

static void entry_cases(void)
{
	struct exc_case c = {
		.name = "int_0x40_saves_irq_enable_1", .code = irq_int40,
		.in = exc_regs_fill(EXC_FLAGS_ALL), .irq = 1, .trap = 1, .vector = 0x40,
		.eip = EXC_ADDR(irq_int40_end),
	};

	/* Image IF = 1, irq_enable 0 inside, IRET restores 1 (exc_run checks all three). */
	exc_run(&c);
	c.name = "int_0x40_saves_irq_enable_0";
	c.irq = 0;
	exc_run(&c);
	c.name = "int_0x40_irq_enable_1_no_flags";
	c.irq = 1;
	c.in = exc_regs_fill(EXC_FLAGS_NONE);
	exc_run(&c);

	struct exc_case f = {
		.name = "div0_fault_saves_irq_enable_1", .code = irq_div0, .skip = EXC_LEN(irq_div0),
		.in = exc_regs_fill(EXC_FLAGS_NONE), .irq = 1, .vector = DVA_VEC_DE,
		.eip = EXC_ADDR(irq_div0),
	};
	f.in.ecx = 0;
	exc_run(&f);
}

/* A hook that flips IF in the image the handler's IRET will pop. */
static void flip_if(struct exc_record *r, uint32_t *frame)
{
	(void)r;
	frame[2] ^= EXC_FL_IF; /* INT n: no error code, the image is the third dword */
}

static void iret_from_image(const char *name, uint32_t irq_before, uint32_t want)
{
	struct exc_regs r = exc_regs_fill(EXC_FLAGS_ALL);
	uint32_t after;
	char n[64];

	exc_reset();
	exc_hook = flip_if;
	exc_trap = 1;
	dva_page0.irq_enable = irq_before;
	exc_probe(irq_int40, &r);
	after = dva_page0.irq_enable;
	dva_page0.irq_enable = 0;
	check_u32(name, after, want);
	dva_snprintf(n, sizeof n, "%s_entered_once", name);
	check_u32(n, exc_count, 1);
	exc_reset();
}

/* IRET from a frame built by hand: EIP and EFLAGS (POPF's bits) from it, the middle dword
 * ignored, irq_enable = bit 9. */
static void bare_iret(const char *name, uint32_t image, uint32_t middle, uint32_t irq_before)
{
	struct exc_regs r = exc_regs_fill(EXC_FLAGS_NONE), want;
	char n[64];

	r.eax = image;
	r.ecx = middle;
	want = r;
	want.eflags = (image & EXC_POPF_MASK) | EXC_FL_FIXED1;
	dva_page0.irq_enable = irq_before;
	exc_probe(irq_iret, &r);
	dva_snprintf(n, sizeof n, "%s_irq_enable", name);
	check_u32(n, dva_page0.irq_enable, (image >> 9) & 1);
	dva_page0.irq_enable = 0;
	dva_snprintf(n, sizeof n, "%s_eflags", name);
	check_u32(n, r.eflags & ~EXC_FL_IF, want.eflags);
	dva_snprintf(n, sizeof n, "%s_returned", name);
	check_true(n, r.eax == image && r.ecx == middle && r.edi == want.edi);
}

/* PUSHF and POPF through a probe: EAX in and out; name_no_handler checks nothing was entered. */
static uint32_t flags_probe(const char *name, const char *code, uint32_t eax, uint32_t irq,
			    uint32_t *irq_after)
{
	struct exc_regs r = exc_regs_fill(EXC_FLAGS_NONE);
	char n[64];

	r.eax = eax;
	exc_reset();
	dva_page0.irq_enable = irq;
	exc_probe(code, &r);
	*irq_after = dva_page0.irq_enable;
	dva_page0.irq_enable = 0;
	dva_snprintf(n, sizeof n, "%s_no_handler", name);
	check_u32(n, exc_count, 0);
	return r.eax;
}

/* PUSHF pushes IF = irq_enable, bit 1 and nothing else here (the probe clears every flag). */
static void pushf_popf(void)
{
	uint32_t irq, v;

	v = flags_probe("pushfd_if_is_irq_enable_1", irq_pushfl, 0, 1, &irq);
	check_u32("pushfd_if_is_irq_enable_1", v, EXC_FLAGS_NONE | EXC_FL_IF);
	v = flags_probe("pushfd_if_is_irq_enable_0", irq_pushfl, 0, 0, &irq);
	check_u32("pushfd_if_is_irq_enable_0", v, EXC_FLAGS_NONE);
	v = flags_probe("pushfw_if_is_irq_enable_1", irq_pushfw, 0xABCD0000u, 1, &irq);
	check_u32("pushfw_if_is_irq_enable_1", v, 0xABCD0000u | EXC_FLAGS_NONE | EXC_FL_IF);
	v = flags_probe("pushfw_if_is_irq_enable_0", irq_pushfw, 0xABCD0000u, 0, &irq);
	check_u32("pushfw_if_is_irq_enable_0", v, 0xABCD0000u | EXC_FLAGS_NONE);

	flags_probe("popfd_if_0_keeps_irq_enable_1", irq_popfl, 0x00000002u, 1, &irq);
	check_u32("popfd_if_0_keeps_irq_enable_1", irq, 1);
	flags_probe("popfd_if_1_keeps_irq_enable_0", irq_popfl, 0x00000202u, 0, &irq);
	check_u32("popfd_if_1_keeps_irq_enable_0", irq, 0);
	flags_probe("popfd_all_ones_keeps_irq_enable_0", irq_popfl, 0xFFFFFFFFu, 0, &irq);
	check_u32("popfd_all_ones_keeps_irq_enable_0", irq, 0);
	flags_probe("popfw_if_0_keeps_irq_enable_1", irq_popfw, 0x0002u, 1, &irq);
	check_u32("popfw_if_0_keeps_irq_enable_1", irq, 1);
	flags_probe("popfw_if_1_keeps_irq_enable_0", irq_popfw, 0x0202u, 0, &irq);
	check_u32("popfw_if_1_keeps_irq_enable_0", irq, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	entry_cases();
	iret_from_image("iret_image_if_cleared_by_handler", 1, 0);
	iret_from_image("iret_image_if_set_by_handler", 0, 1);
	bare_iret("iret_all_ones", 0xFFFFFFFFu, 0, 0);
	bare_iret("iret_all_but_if", 0xFFFFFDFFu, 0xDEADBEEFu, 1);
	bare_iret("iret_if_only", 0x00000200u, 0x0000001Bu, 0);
	bare_iret("iret_nothing", 0x00000000u, 0xFFFFFFFFu, 1);
	pushf_popf();
	return check_status();
}
