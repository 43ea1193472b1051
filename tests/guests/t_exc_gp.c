/* t_exc_gp.c - #GP(0) (vector 13, a fault that pushes error code 0): port I/O to a port that does
 * not exist or in a width or direction the port lacks (DVA-1 section 7), string I/O included; an
 * instruction longer than 15 bytes (section 2), while one of exactly 15 runs.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

EXC_SNIPPET(gp_out_al, "outb %al, %dx");
EXC_SNIPPET(gp_out_ax, "outw %ax, %dx");
EXC_SNIPPET(gp_out_eax, "outl %eax, %dx");
EXC_SNIPPET(gp_out_imm, "outb %al, $0x80");
EXC_SNIPPET(gp_in_al, "inb %dx, %al");
EXC_SNIPPET(gp_in_eax, "inl %dx, %eax");
EXC_SNIPPET(gp_outsb, "outsb");
EXC_SNIPPET(gp_rep_outsb, "rep outsb");
EXC_SNIPPET(gp_insb, "insb");
/* Sixteen bytes: fifteen DS prefixes and NOP; seventeen: eleven and ADD EAX, imm32. */
EXC_SNIPPET(gp_long16, ".fill 15, 1, 0x3e\n\t.byte 0x90");
EXC_SNIPPET(gp_long17, ".fill 11, 1, 0x3e\n\t.byte 0x81, 0xc0, 0x44, 0x33, 0x22, 0x11");
EXC_SNIPPET(gp_long17_66, ".fill 14, 1, 0x66\n\t.byte 0x05, 0x01, 0x00");
/* Exactly fifteen bytes: they run. */
EXC_SNIPPET(ok_len15_nop, ".fill 14, 1, 0x3e\n\t.byte 0x90");
EXC_SNIPPET(ok_len15_add, ".fill 9, 1, 0x3e\n\t.byte 0x81, 0xc0, 0x44, 0x33, 0x22, 0x11");

static char buf[16] = "xyz";

static void gp(const char *name, const char *code, const char *end, struct exc_regs in, uint32_t irq)
{
	struct exc_case c = {
		.name = name, .code = code, .skip = (uint32_t)(end - code), .in = in, .irq = irq,
		.vector = DVA_VEC_GP, .eip = EXC_ADDR(code), .error = 0, .fault_error = 0,
	};
	exc_run(&c);
}

static struct exc_regs port_regs(uint32_t dx, uint32_t eflags)
{
	struct exc_regs r = exc_regs_fill(eflags);
	r.edx = dx;
	r.eax = 0x41424344u; /* "DCBA": printable, in case a write gets through */
	r.esi = EXC_ADDR(buf);
	r.edi = EXC_ADDR(buf + 8);
	r.ecx = 3;
	return r;
}

static void test_ports(void)
{
	gp("out_al_unknown_port", gp_out_al, gp_out_al_end, port_regs(0x1234, EXC_FLAGS_ALL), 0);
	gp("out_al_port_0", gp_out_al, gp_out_al_end, port_regs(0xFFFF0000u, EXC_FLAGS_NONE), 1);
	gp("out_imm8_port_0x80", gp_out_imm, gp_out_imm_end, port_regs(DVA_PORT_CONSOLE, EXC_FLAGS_ALL), 0);
	gp("out_dx_ax_console", gp_out_ax, gp_out_ax_end, port_regs(DVA_PORT_CONSOLE, EXC_FLAGS_ALL), 0);
	gp("out_dx_eax_console", gp_out_eax, gp_out_eax_end,
	   port_regs(DVA_PORT_CONSOLE, EXC_FLAGS_NONE), 0);
	gp("out_al_console_status", gp_out_al, gp_out_al_end,
	   port_regs(DVA_PORT_CONSOLE_STATUS, EXC_FLAGS_ALL), 1);
	gp("in_al_unknown_port", gp_in_al, gp_in_al_end, port_regs(0x1234, EXC_FLAGS_ALL), 0);
	gp("in_al_console_status", gp_in_al, gp_in_al_end,
	   port_regs(DVA_PORT_CONSOLE_STATUS, EXC_FLAGS_NONE), 0);
	gp("in_eax_unknown_port", gp_in_eax, gp_in_eax_end, port_regs(0xD0FF, EXC_FLAGS_ALL), 0);
	gp("outsb_unknown_port", gp_outsb, gp_outsb_end, port_regs(0x1234, EXC_FLAGS_ALL), 0);
	gp("rep_outsb_unknown_port", gp_rep_outsb, gp_rep_outsb_end, port_regs(0x1234, EXC_FLAGS_NONE), 1);
	gp("insb_unknown_port", gp_insb, gp_insb_end, port_regs(0x1234, EXC_FLAGS_ALL), 0);
	check_str("string_io_left_buffer", buf, "xyz");
}

static void test_length(void)
{
	struct exc_regs in = exc_regs_fill(EXC_FLAGS_ALL), want;

	gp("insn_16_bytes", gp_long16, gp_long16_end, in, 0);
	gp("insn_17_bytes", gp_long17, gp_long17_end, exc_regs_fill(EXC_FLAGS_NONE), 1);
	gp("insn_17_bytes_operand_size", gp_long17_66, gp_long17_66_end, in, 0);

	exc_run_none("insn_15_bytes_nop_runs", ok_len15_nop, &in, NULL, EXC_POPF_MASK);
	in = exc_regs_fill(EXC_FLAGS_ALL);
	in.eax = 0x01000000u;
	want = in;
	want.eax = 0x12223344u; /* no carry, not zero, positive; 0x44 has even parity */
	want.eflags = EXC_FLAGS_NONE | EXC_FL_DF | 0x00240000u | 0x04u;
	exc_run_none("insn_15_bytes_add_runs", ok_len15_add, &in, &want, EXC_POPF_MASK);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	test_ports();
	test_length();
	return check_status();
}
