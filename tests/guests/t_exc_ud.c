/* t_exc_ud.c - #UD (vector 6, a fault, no error code pushed): fault_error = 1 for every
 * instruction DVA-1 section 2 removed, 0 for every other #UD: undecodable bytes, UD0/UD1/UD2,
 * undocumented opcodes, MMX/SSE and later extensions, forms x86 itself rejects, a misplaced LOCK,
 * and a virtual-instruction escape with a bad function byte or any prefix (section 4).
 *
 * Each row is one instruction spelled in bytes; memory operands point at a writable buffer, so
 * only the opcode can be the reason for the fault. A prefix must not turn 0F 3F 02 into a
 * TERMINATE: that row's EAX is 77, which would then be the exit status.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

/* Removed instructions: fault_error 1. */
EXC_SNIPPET(ud_hlt, ".byte 0xf4");
EXC_SNIPPET(ud_cli, ".byte 0xfa");
EXC_SNIPPET(ud_sti, ".byte 0xfb");
EXC_SNIPPET(ud_mov_ds_eax, ".byte 0x8e, 0xd8");
EXC_SNIPPET(ud_mov_ss_eax, ".byte 0x8e, 0xd0");
EXC_SNIPPET(ud_mov_eax_ds, ".byte 0x8c, 0xd8");
EXC_SNIPPET(ud_mov_mem_es, ".byte 0x8c, 0x00");
EXC_SNIPPET(ud_push_es, ".byte 0x06");
EXC_SNIPPET(ud_pop_es, ".byte 0x07");
EXC_SNIPPET(ud_push_cs, ".byte 0x0e");
EXC_SNIPPET(ud_pop_ss, ".byte 0x17");
EXC_SNIPPET(ud_push_fs, ".byte 0x0f, 0xa0");
EXC_SNIPPET(ud_pop_gs, ".byte 0x0f, 0xa9");
EXC_SNIPPET(ud_lds, ".byte 0xc5, 0x08");
EXC_SNIPPET(ud_les, ".byte 0xc4, 0x08");
EXC_SNIPPET(ud_lss, ".byte 0x0f, 0xb2, 0x08");
EXC_SNIPPET(ud_lfs, ".byte 0x0f, 0xb4, 0x08");
EXC_SNIPPET(ud_lgs, ".byte 0x0f, 0xb5, 0x08");
EXC_SNIPPET(ud_call_far, ".byte 0x9a, 0x00, 0x20, 0x00, 0x00, 0x1b, 0x00");
EXC_SNIPPET(ud_jmp_far, ".byte 0xea, 0x00, 0x20, 0x00, 0x00, 0x1b, 0x00");
EXC_SNIPPET(ud_call_far_mem, ".byte 0xff, 0x18");
EXC_SNIPPET(ud_jmp_far_mem, ".byte 0xff, 0x28");
EXC_SNIPPET(ud_ret_far, ".byte 0xcb");
EXC_SNIPPET(ud_ret_far_imm, ".byte 0xca, 0x04, 0x00");
EXC_SNIPPET(ud_sgdt, ".byte 0x0f, 0x01, 0x00");
EXC_SNIPPET(ud_sidt, ".byte 0x0f, 0x01, 0x08");
EXC_SNIPPET(ud_lgdt, ".byte 0x0f, 0x01, 0x10");
EXC_SNIPPET(ud_lidt, ".byte 0x0f, 0x01, 0x18");
EXC_SNIPPET(ud_smsw, ".byte 0x0f, 0x01, 0xe0");
EXC_SNIPPET(ud_lmsw, ".byte 0x0f, 0x01, 0xf0");
EXC_SNIPPET(ud_invlpg, ".byte 0x0f, 0x01, 0x38");
EXC_SNIPPET(ud_sldt, ".byte 0x0f, 0x00, 0xc0");
EXC_SNIPPET(ud_str, ".byte 0x0f, 0x00, 0xc8");
EXC_SNIPPET(ud_lldt, ".byte 0x0f, 0x00, 0xd0");
EXC_SNIPPET(ud_ltr, ".byte 0x0f, 0x00, 0xd8");
EXC_SNIPPET(ud_verr, ".byte 0x0f, 0x00, 0xe0");
EXC_SNIPPET(ud_verw, ".byte 0x0f, 0x00, 0xe8");
EXC_SNIPPET(ud_lar, ".byte 0x0f, 0x02, 0xc1");
EXC_SNIPPET(ud_lsl, ".byte 0x0f, 0x03, 0xc1");
EXC_SNIPPET(ud_arpl, ".byte 0x63, 0xc8");
EXC_SNIPPET(ud_clts, ".byte 0x0f, 0x06");
EXC_SNIPPET(ud_invd, ".byte 0x0f, 0x08");
EXC_SNIPPET(ud_wbinvd, ".byte 0x0f, 0x09");
EXC_SNIPPET(ud_mov_eax_cr0, ".byte 0x0f, 0x20, 0xc0");
EXC_SNIPPET(ud_mov_cr0_eax, ".byte 0x0f, 0x22, 0xc0");
EXC_SNIPPET(ud_mov_eax_dr7, ".byte 0x0f, 0x21, 0xf8");
EXC_SNIPPET(ud_mov_dr0_eax, ".byte 0x0f, 0x23, 0xc0");
EXC_SNIPPET(ud_rdmsr, ".byte 0x0f, 0x32");
EXC_SNIPPET(ud_wrmsr, ".byte 0x0f, 0x30");
EXC_SNIPPET(ud_rdpmc, ".byte 0x0f, 0x33");
EXC_SNIPPET(ud_sysenter, ".byte 0x0f, 0x34");
EXC_SNIPPET(ud_sysexit, ".byte 0x0f, 0x35");
EXC_SNIPPET(ud_syscall, ".byte 0x0f, 0x05");
EXC_SNIPPET(ud_sysret, ".byte 0x0f, 0x07");
EXC_SNIPPET(ud_rsm, ".byte 0x0f, 0xaa");
EXC_SNIPPET(ud_int1, ".byte 0xf1");

/* Every other #UD: fault_error 0. */
EXC_SNIPPET(ud_ud2, ".byte 0x0f, 0x0b");
EXC_SNIPPET(ud_ud0, ".byte 0x0f, 0xff, 0xc0");
EXC_SNIPPET(ud_ud1, ".byte 0x0f, 0xb9, 0xc0");
EXC_SNIPPET(ud_salc, ".byte 0xd6");
EXC_SNIPPET(ud_grp4_2, ".byte 0xfe, 0xd0");   /* FE /2: no such instruction */
EXC_SNIPPET(ud_grp5_7, ".byte 0xff, 0xf8");   /* FF /7: no such instruction */
EXC_SNIPPET(ud_vi_07, ".byte 0x0f, 0x3f, 0x07");
EXC_SNIPPET(ud_vi_00, ".byte 0x0f, 0x3f, 0x00");
EXC_SNIPPET(ud_vi_ff, ".byte 0x0f, 0x3f, 0xff");
EXC_SNIPPET(ud_vi_idle_66, ".byte 0x66, 0x0f, 0x3f, 0x01");
EXC_SNIPPET(ud_vi_idle_cs, ".byte 0x2e, 0x0f, 0x3f, 0x01");
EXC_SNIPPET(ud_vi_idle_lock, ".byte 0xf0, 0x0f, 0x3f, 0x01");
EXC_SNIPPET(ud_vi_terminate_rep, ".byte 0xf3, 0x0f, 0x3f, 0x02");
EXC_SNIPPET(ud_vi_terminate_67, ".byte 0x67, 0x0f, 0x3f, 0x02");
EXC_SNIPPET(ud_addps, ".byte 0x0f, 0x58, 0xc1");
EXC_SNIPPET(ud_movss, ".byte 0xf3, 0x0f, 0x10, 0xc1");
EXC_SNIPPET(ud_paddd_xmm, ".byte 0x66, 0x0f, 0xfe, 0xc1");
EXC_SNIPPET(ud_pxor_mm, ".byte 0x0f, 0xef, 0xc0");
EXC_SNIPPET(ud_emms, ".byte 0x0f, 0x77");
EXC_SNIPPET(ud_sfence, ".byte 0x0f, 0xae, 0xf8");
EXC_SNIPPET(ud_fxsave, ".byte 0x0f, 0xae, 0x00");
EXC_SNIPPET(ud_ldmxcsr, ".byte 0x0f, 0xae, 0x10");
EXC_SNIPPET(ud_popcnt, ".byte 0xf3, 0x0f, 0xb8, 0xc1");
EXC_SNIPPET(ud_movbe, ".byte 0x0f, 0x38, 0xf0, 0x08");
EXC_SNIPPET(ud_rdrand, ".byte 0x0f, 0xc7, 0xf0");
EXC_SNIPPET(ud_rdtscp, ".byte 0x0f, 0x01, 0xf9");
EXC_SNIPPET(ud_xgetbv, ".byte 0x0f, 0x01, 0xd0");
EXC_SNIPPET(ud_cmpxchg8b_reg, ".byte 0x0f, 0xc7, 0xc9");
EXC_SNIPPET(ud_lea_reg, ".byte 0x8d, 0xc1");
EXC_SNIPPET(ud_bound_reg, ".byte 0x62, 0xc1");
EXC_SNIPPET(ud_lock_nop, ".byte 0xf0, 0x90");
EXC_SNIPPET(ud_lock_mov_mem, ".byte 0xf0, 0x89, 0x03");
EXC_SNIPPET(ud_lock_add_reg, ".byte 0xf0, 0x01, 0xc0");
EXC_SNIPPET(ud_lock_cmp_mem, ".byte 0xf0, 0x39, 0x03");
EXC_SNIPPET(ud_lock_xchg_reg, ".byte 0xf0, 0x87, 0xc1");
EXC_SNIPPET(ud_lock_bt_mem, ".byte 0xf0, 0x0f, 0xa3, 0x03");
EXC_SNIPPET(ud_lock_inc_reg, ".byte 0xf0, 0x40");
EXC_SNIPPET(ud_lock_mov_reg, ".byte 0xf0, 0x89, 0xc8");

/* A LOCK where x86 allows it executes: LOCK ADD [EBX], EAX. */
EXC_SNIPPET(ok_lock_add_mem, ".byte 0xf0, 0x01, 0x03");

/* Memory operands land here (EAX and EBX point at it). */
static uint32_t scratch[16];

struct ud_row {
	const char *name;
	const char *code, *end;
	uint32_t eax; /* 0: the scratch buffer */
};

#define ROW(n) { #n, ud_##n, ud_##n##_end, 0 }

static const struct ud_row removed[] = {
	ROW(hlt), ROW(cli), ROW(sti), ROW(mov_ds_eax), ROW(mov_ss_eax), ROW(mov_eax_ds),
	ROW(mov_mem_es), ROW(push_es), ROW(pop_es), ROW(push_cs), ROW(pop_ss), ROW(push_fs),
	ROW(pop_gs), ROW(lds), ROW(les), ROW(lss), ROW(lfs), ROW(lgs), ROW(call_far), ROW(jmp_far),
	ROW(call_far_mem), ROW(jmp_far_mem), ROW(ret_far), ROW(ret_far_imm), ROW(sgdt), ROW(sidt),
	ROW(lgdt), ROW(lidt), ROW(smsw), ROW(lmsw), ROW(invlpg), ROW(sldt), ROW(str), ROW(lldt),
	ROW(ltr), ROW(verr), ROW(verw), ROW(lar), ROW(lsl), ROW(arpl), ROW(clts), ROW(invd),
	ROW(wbinvd), ROW(mov_eax_cr0), ROW(mov_cr0_eax), ROW(mov_eax_dr7), ROW(mov_dr0_eax),
	ROW(rdmsr), ROW(wrmsr), ROW(rdpmc), ROW(sysenter), ROW(sysexit), ROW(syscall), ROW(sysret),
	ROW(rsm), ROW(int1),
};

static const struct ud_row invalid[] = {
	ROW(ud2), ROW(ud0), ROW(ud1), ROW(salc), ROW(grp4_2), ROW(grp5_7), ROW(vi_07), ROW(vi_00),
	ROW(vi_ff), ROW(vi_idle_66), ROW(vi_idle_cs), ROW(vi_idle_lock),
	{ "vi_terminate_rep", ud_vi_terminate_rep, ud_vi_terminate_rep_end, 77 },
	{ "vi_terminate_67", ud_vi_terminate_67, ud_vi_terminate_67_end, 77 },
	ROW(addps), ROW(movss), ROW(paddd_xmm), ROW(pxor_mm), ROW(emms), ROW(sfence), ROW(fxsave),
	ROW(ldmxcsr), ROW(popcnt), ROW(movbe), ROW(rdrand), ROW(rdtscp), ROW(xgetbv),
	ROW(cmpxchg8b_reg), ROW(lea_reg), ROW(bound_reg), ROW(lock_nop), ROW(lock_mov_mem),
	ROW(lock_add_reg), ROW(lock_cmp_mem), ROW(lock_xchg_reg), ROW(lock_bt_mem),
	ROW(lock_inc_reg), ROW(lock_mov_reg),
};

/* Rows alternate every flag set / none, and every third runs with irq_enable = 1. */
static void run_rows(const struct ud_row *rows, unsigned n, uint32_t fault_error, const char *suffix)
{
	char name[64];

	for (unsigned i = 0; i < n; i++) {
		struct exc_case c = {
			.name = name, .code = rows[i].code,
			.skip = (uint32_t)(rows[i].end - rows[i].code),
			.in = exc_regs_fill(i % 2 ? EXC_FLAGS_NONE : EXC_FLAGS_ALL),
			.irq = i % 3 == 0, .vector = DVA_VEC_UD, .eip = EXC_ADDR(rows[i].code),
			.fault_error = fault_error,
		};
		c.in.eax = rows[i].eax ? rows[i].eax : EXC_ADDR(scratch);
		c.in.ebx = EXC_ADDR(scratch);
		dva_snprintf(name, sizeof name, "%s_%s", rows[i].name, suffix);
		exc_run(&c);
	}
}

static void test_lock_allowed(void)
{
	struct exc_regs in = exc_regs_fill(EXC_FLAGS_NONE), want;

	scratch[0] = 1;
	in.eax = 2;
	in.ebx = EXC_ADDR(scratch);
	want = in;
	want.eflags = EXC_FLAGS_NONE | 0x04u; /* 1 + 2 = 3: PF only */
	exc_run_none("lock_add_mem_executes", ok_lock_add_mem, &in, &want, EXC_POPF_MASK);
	check_u32("lock_add_mem_result", scratch[0], 3);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exc_install();
	run_rows(removed, sizeof removed / sizeof removed[0], DVA_UD_REMOVED, "removed");
	run_rows(invalid, sizeof invalid / sizeof invalid[0], 0, "invalid");
	test_lock_allowed();
	check_u32("scratch_untouched", scratch[1] | scratch[2] | scratch[3], 0);
	return check_status();
}
