/* test_interrupt.c - INT n, INT3, INTO, BOUND and IRET (cpu/interrupt.c), entered and left
 * through a vector table as DVA-1 section 5 delivers them.
 *
 * These are the vector class (docs/testing.md): a Linux process cannot run them meaningfully
 * (INT n is a signal there, IRET needs an interrupt frame) and INTO and BOUND are invalid in
 * long mode. The rows are worked from DVA-1 sections 2, 5 and 6, which define how DVA-1 enters
 * a handler, and from the SDM Vol. 2A pages INT n/INTO/INT3/INT1, BOUND and IRET (order number
 * 325462, edition -082US) for what raises what.
 *
 * DVA-1 section 5, entering a handler (exception, software interrupt or upcall): push the
 * EFLAGS image PUSHF would push (IF = irq_enable before entry), then 0 (where x86 pushes CS),
 * then EIP, and for #GP and #PF only the error code; set irq_enable = 0; jump to entry n of the
 * table at vector_base. No flag changes. Exceptions the emulator raises (#DE #BR #UD #GP #PF
 * #MF) are faults: EIP is the faulting instruction's, and fault_vector, fault_error, fault_eip
 * (and fault_addr for #PF) are written first. Section 2: INT n, INT3 and INTO are traps (EIP
 * of the next instruction), push no error code whatever n, and change no field of page 0 but
 * irq_enable. Section 6: they retire; a fault does not. With no table, a 0 entry or a frame
 * that cannot be pushed, the VM ends (cpu_run returns CPU_EXIT_FAULT naming the vector).
 *
 * Each row runs with a vector table at VT whose entry n is HANDLER(n), a 16-byte slot of NOPs
 * (a row may put code there), page 0's fault fields preset to SENT, ESP at TVM_STACK unless the
 * row says otherwise, and the data words m[0..3] at TVM_DATA as in harness.h. A row's budget
 * counts retired instructions: a trap retires, so a budget of 1 stops at the handler's first
 * byte; a fault does not, so the same budget also runs the handler's first NOP (EIP = the
 * handler + 1, instret = 1: that NOP alone, which shows the faulting instruction did not
 * retire). The image of a
 * flags value f: (f & 0x00240cd5) | 2 | (irq_enable ? 0x200 : 0).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

#define VT 0x7000u                          /* the vector table */
#define HANDLER(n) (0x2000u + 0x10u * (n))  /* vector n's handler: NOPs */
#define SENT 0xEEEEEEEEu                    /* page 0's fault fields before every row */
#define NO_TABLE 1
#define HOLE_21 2                           /* entry 0x21 is 0 */

struct irow {
	const char *name;
	const char *code;       /* at TVM_CODE */
	uint32_t r[8];          /* ESP 0 means TVM_STACK */
	uint32_t fl;
	uint32_t m[4];
	uint32_t irq_enable, irq_pending, irq_mask, irq_batch;
	int table;              /* 0: the full table; NO_TABLE; HOLE_21 */
	const char *handler;    /* bytes at HANDLER(hvec), or NULL */
	unsigned hvec;
	int insns;              /* 0 means 1 */
	int want_exit;
	uint32_t want_vector;   /* with CPU_EXIT_FAULT: the vector the VM ended on */
	uint32_t want_r[8];     /* ESP 0 means TVM_STACK */
	uint32_t want_fl;       /* compared under FL_POPF_MASK */
	uint32_t want_eip;
	uint32_t want_m[4];
	int frame_words;        /* words checked at the final ESP */
	uint32_t want_frame[4];
	uint32_t want_irq_enable, want_irq_pending, want_irq_batch;
	bool faulted;           /* page 0's fault fields are written: */
	uint32_t want_fvec, want_ferr, want_feip, want_faddr; /* fault_addr stays SENT unless #PF */
	uint64_t want_instret;
};

static uint32_t p0_get(struct tvm *t, size_t off)
{
	uint32_t v;
	tvm_peek(t, (uint32_t)off, &v, 4);
	return v;
}

static void p0_set(struct tvm *t, size_t off, uint32_t v)
{
	tvm_poke(t, (uint32_t)off, &v, 4);
}

#define CHECK(what, got, want)                                                                     \
	do {                                                                                       \
		if ((uint64_t)(got) != (uint64_t)(want)) {                                         \
			print_error("%s: %s = %08" PRIx64 ", want %08" PRIx64 "\n", row->name, what, \
				    (uint64_t)(got), (uint64_t)(want));                            \
			bad++;                                                                     \
		}                                                                                  \
	} while (0)

static int run_irow(const struct irow *row)
{
	static const char *const rn[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[64], nops[0x1000];
	size_t len = tvm_hex(row->code, code, sizeof(code));
	int bad = 0;

	memset(nops, 0x90, sizeof(nops));
	tvm_poke(t, HANDLER(0), nops, sizeof(nops));
	for (uint32_t n = 0; n < 256; n++)
		p0_set(t, VT + 4 * n, row->table == HOLE_21 && n == 0x21 ? 0 : HANDLER(n));
	if (row->handler) {
		uint8_t h[16];
		size_t hl = tvm_hex(row->handler, h, sizeof(h));
		tvm_poke(t, HANDLER(row->hvec), h, hl);
	}
	tvm_poke(t, TVM_CODE, code, len);
	tvm_poke(t, TVM_DATA, row->m, sizeof(row->m));
	p0_set(t, offsetof(struct dva_regs, vector_base), row->table == NO_TABLE ? 0 : VT);
	p0_set(t, offsetof(struct dva_regs, irq_enable), row->irq_enable);
	p0_set(t, offsetof(struct dva_regs, irq_pending), row->irq_pending);
	p0_set(t, offsetof(struct dva_regs, irq_mask), row->irq_mask);
	p0_set(t, offsetof(struct dva_regs, irq_batch), row->irq_batch);
	p0_set(t, offsetof(struct dva_regs, fault_vector), SENT);
	p0_set(t, offsetof(struct dva_regs, fault_error), SENT);
	p0_set(t, offsetof(struct dva_regs, fault_addr), SENT);
	p0_set(t, offsetof(struct dva_regs, fault_eip), SENT);
	memcpy(c->r, row->r, sizeof(row->r));
	if (!c->r[REG_ESP])
		c->r[REG_ESP] = TVM_STACK;
	c->eflags = row->fl | FL_FIXED1;

	enum cpu_exit ex = tvm_run(t, row->insns ? (uint64_t)row->insns : 1);
	CHECK("exit", ex, row->want_exit);
	if (ex == CPU_EXIT_FAULT)
		CHECK("vector", c->fault.vector, row->want_vector);
	for (int i = 0; i < 8; i++)
		CHECK(rn[i], c->r[i], i == REG_ESP && !row->want_r[i] ? TVM_STACK : row->want_r[i]);
	CHECK("eip", c->eip, row->want_eip);
	CHECK("eflags", c->eflags & FL_POPF_MASK, row->want_fl & FL_POPF_MASK);
	uint32_t m[4];
	tvm_peek(t, TVM_DATA, m, sizeof(m));
	for (int i = 0; i < 4; i++)
		CHECK("m[i]", m[i], row->want_m[i]);
	for (int i = 0; i < row->frame_words; i++) {
		uint32_t w;
		tvm_peek(t, c->r[REG_ESP] + 4u * (uint32_t)i, &w, 4);
		CHECK("frame word", w, row->want_frame[i]);
	}
	CHECK("irq_enable", p0_get(t, offsetof(struct dva_regs, irq_enable)), row->want_irq_enable);
	CHECK("irq_pending", p0_get(t, offsetof(struct dva_regs, irq_pending)), row->want_irq_pending);
	CHECK("irq_batch", p0_get(t, offsetof(struct dva_regs, irq_batch)), row->want_irq_batch);
	CHECK("fault_vector", p0_get(t, offsetof(struct dva_regs, fault_vector)),
	      row->faulted ? row->want_fvec : SENT);
	CHECK("fault_error", p0_get(t, offsetof(struct dva_regs, fault_error)),
	      row->faulted ? row->want_ferr : SENT);
	CHECK("fault_eip", p0_get(t, offsetof(struct dva_regs, fault_eip)),
	      row->faulted ? row->want_feip : SENT);
	CHECK("fault_addr", p0_get(t, offsetof(struct dva_regs, fault_addr)),
	      row->faulted && row->want_fvec == DVA_VEC_PF ? row->want_faddr : SENT);
	CHECK("instret", c->instret, row->want_instret);
	tvm_free(t);
	return bad;
}

static void run_irows(const struct irow *rows, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++)
		failed += run_irow(&rows[i]) ? 1 : 0;
	if (failed)
		fail_msg("%d of %zu rows failed", failed, n);
}
#define RUN_IROWS(rows) run_irows((rows), sizeof(rows) / sizeof((rows)[0]))

#define S TVM_STACK
#define M { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }

/* vectors: int
 * INT n (CD ib) and INT3 (CC): SDM Vol. 2A, INT n/INTO/INT3/INT1: INT n raises vector n, INT3
 * vector 3, as software interrupts (traps: the saved EIP is the next instruction's). How the
 * handler is entered is DVA-1's (section 5, above). A 12-byte frame: [ESP] = return EIP,
 * [ESP + 4] = 0, [ESP + 8] = the image; ESP = 0x9000 - 12 = 0x8ff4. */
static const struct irow int_rows[] = {
	/* image: CF 1 | bit 1 | ZF 0x40 | IF 0x200 = 0x243 */
	{ .name = "int 0x21 with irq_enable 1: frame 0x1002, 0, 0x243; eip = HANDLER(0x21); "
		  "irq_enable 0; flags kept; retires; no fault field written",
	  .code = "cd 21", .fl = FL_CF | FL_ZF, .irq_enable = 1,
	  .want_r = { [REG_ESP] = S - 12 }, .want_fl = FL_CF | FL_ZF, .want_eip = HANDLER(0x21),
	  .frame_words = 3, .want_frame = { 0x1002, 0, 0x243 }, .want_instret = 1 },
	{ .name = "int 0x21 with irq_enable 0: the image's IF is 0: 0x42 (ZF | bit 1)",
	  .code = "cd 21", .fl = FL_ZF,
	  .want_r = { [REG_ESP] = S - 12 }, .want_fl = FL_ZF, .want_eip = HANDLER(0x21),
	  .frame_words = 3, .want_frame = { 0x1002, 0, 0x42 }, .want_instret = 1 },
	/* image: OF 0x800 | SF 0x80 | DF 0x400 | AC 0x40000 | bit 1 = 0x40c82; DF stays set */
	{ .name = "int3 (cc): vector 3, returns to 0x1001; image 0x40c82; DF still set in the handler",
	  .code = "cc", .fl = FL_OF | FL_SF | FL_DF | FL_AC,
	  .want_r = { [REG_ESP] = S - 12 }, .want_fl = FL_OF | FL_SF | FL_DF | FL_AC,
	  .want_eip = HANDLER(3), .frame_words = 3, .want_frame = { 0x1001, 0, 0x40c82 },
	  .want_instret = 1 },
	{ .name = "int 3 (cd 03), the two-byte form: vector 3, returns to 0x1002",
	  .code = "cd 03", .want_r = { [REG_ESP] = S - 12 }, .want_eip = HANDLER(3),
	  .frame_words = 3, .want_frame = { 0x1002, 0, 2 }, .want_instret = 1 },
	/* ESP 0x8010: the frame lands in m[1..3]; m[0] would hold an error code, and keeps its value */
	{ .name = "int 0x0e (cd 0e): vector 14 as a software interrupt pushes no error code: m[0] kept",
	  .code = "cd 0e", .r = { [REG_ESP] = 0x8010 }, .m = M,
	  .want_r = { [REG_ESP] = 0x8004 }, .want_eip = HANDLER(14),
	  .want_m = { 0x11112222, 0x1002, 0, 2 }, .want_instret = 1 },
	{ .name = "int 0x0d (cd 0d): vector 13, no error code either",
	  .code = "cd 0d", .r = { [REG_ESP] = 0x8010 }, .m = M,
	  .want_r = { [REG_ESP] = 0x8004 }, .want_eip = HANDLER(13),
	  .want_m = { 0x11112222, 0x1002, 0, 2 }, .want_instret = 1 },
	/* irq_mask 0: nothing is delivered at the quantum's start; irq_batch and irq_pending stay */
	{ .name = "int 0x20 enters the upcall handler with irq_batch and irq_pending unchanged",
	  .code = "cd 20", .irq_enable = 1, .irq_pending = 3, .irq_batch = 5,
	  .want_r = { [REG_ESP] = S - 12 }, .want_eip = HANDLER(0x20), .frame_words = 3,
	  .want_frame = { 0x1002, 0, 0x202 }, .want_irq_pending = 3, .want_irq_batch = 5,
	  .want_instret = 1 },
	{ .name = "int 0xff (cd ff): entry 255, returns to 0x1002",
	  .code = "cd ff", .want_r = { [REG_ESP] = S - 12 }, .want_eip = HANDLER(0xff),
	  .frame_words = 3, .want_frame = { 0x1002, 0, 2 }, .want_instret = 1 },
	{ .name = "int 0x21 then the handler's iret: back at 0x1002 with irq_enable 1 and the flags",
	  .code = "cd 21", .fl = FL_SF | FL_CF, .irq_enable = 1, .handler = "cf", .hvec = 0x21,
	  .insns = 2, .want_fl = FL_SF | FL_CF, .want_eip = 0x1002, .frame_words = 0,
	  .want_irq_enable = 1, .want_instret = 2 },
	{ .name = "int 0x21 with no vector table ends the VM: vector 0x21, the int retired, nothing "
		  "pushed, irq_enable kept",
	  .code = "cd 21", .irq_enable = 1, .table = NO_TABLE,
	  .want_exit = CPU_EXIT_FAULT, .want_vector = 0x21, .want_eip = 0x1000,
	  .want_irq_enable = 1, .want_instret = 1 },
	{ .name = "int 0x21 whose entry is 0 ends the VM the same way",
	  .code = "cd 21", .table = HOLE_21,
	  .want_exit = CPU_EXIT_FAULT, .want_vector = 0x21, .want_eip = 0x1000, .want_instret = 1 },
	{ .name = "int 0x21 with esp 0x1008: the frame would go into page 0, the VM ends, esp kept",
	  .code = "cd 21", .r = { [REG_ESP] = 0x1008 },
	  .want_exit = CPU_EXIT_FAULT, .want_vector = 0x21, .want_r = { [REG_ESP] = 0x1008 },
	  .want_eip = 0x1000, .want_instret = 1 },
};

/* vectors: into
 * SDM Vol. 2A, INT n/INTO/INT3/INT1: INTO raises vector 4 (#OF) as a trap if OF = 1, and does
 * nothing else if OF = 0 (it still retires). Entry as DVA-1 section 5. */
static const struct irow into_rows[] = {
	{ .name = "into (ce) with OF 0: nothing happens, eip 0x1001, retires",
	  .code = "ce", .fl = FL_SF | FL_CF, .irq_enable = 1,
	  .want_fl = FL_SF | FL_CF, .want_eip = 0x1001, .want_irq_enable = 1, .want_instret = 1 },
	{ .name = "into (ce) with OF 1: vector 4, frame 0x1001, 0, 0xa02 (OF | IF | bit 1)",
	  .code = "ce", .fl = FL_OF, .irq_enable = 1,
	  .want_r = { [REG_ESP] = S - 12 }, .want_fl = FL_OF, .want_eip = HANDLER(4),
	  .frame_words = 3, .want_frame = { 0x1001, 0, 0xa02 }, .want_instret = 1 },
	/* add eax, ecx: 0x7fffffff + 1 = 0x80000000: OF 0x800 | SF 0x80 | AF 0x10 | PF 0x4 = 0x894
	 * (low byte 0: PF); image 0x896 */
	{ .name = "add overflowing 0x7fffffff + 1 then into: vector 4 returning to 0x1003, image 0x896",
	  .code = "01 c8 ce", .r = { 0x7fffffff, 1 }, .insns = 2,
	  .want_r = { 0x80000000, 1, 0, 0, S - 12 }, .want_fl = FL_OF | FL_SF | FL_AF | FL_PF,
	  .want_eip = HANDLER(4), .frame_words = 3, .want_frame = { 0x1003, 0, 0x896 },
	  .want_instret = 2 },
	{ .name = "into with OF 1 and no vector table ends the VM on vector 4",
	  .code = "ce", .fl = FL_OF, .table = NO_TABLE,
	  .want_exit = CPU_EXIT_FAULT, .want_vector = 4, .want_fl = FL_OF, .want_eip = 0x1000,
	  .want_instret = 1 },
};

/* vectors: bound
 * SDM Vol. 2A, BOUND, Operation (paraphrased): if ArrayIndex < LowerBound or ArrayIndex >
 * UpperBound then #BR, where the index is the register and the bounds are the signed dword
 * (word, with 0x66) at m and the one after it. #BR (vector 5) is a fault: the saved EIP is the
 * BOUND itself, it does not retire, no error code is pushed, fault_vector = 5, fault_error = 0,
 * fault_eip = 0x1000 (DVA-1 section 5). 62 05 00 80 00 00 = bound eax, [0x8000]: lower m[0],
 * upper m[1]. */
static const struct irow bound_rows[] = {
	{ .name = "bound eax = 5 in [0, 10]: nothing happens, eip 0x1006, retires",
	  .code = "62 05 00 80 00 00", .r = { 5 }, .m = { 0, 10 },
	  .want_r = { 5 }, .want_eip = 0x1006, .want_m = { 0, 10 }, .want_instret = 1 },
	{ .name = "bound eax = 0 in [0, 10]: the lower bound is in range",
	  .code = "62 05 00 80 00 00", .r = { 0 }, .m = { 0, 10 },
	  .want_r = { 0 }, .want_eip = 0x1006, .want_m = { 0, 10 }, .want_instret = 1 },
	{ .name = "bound eax = 10 in [0, 10]: the upper bound is in range",
	  .code = "62 05 00 80 00 00", .r = { 10 }, .m = { 0, 10 },
	  .want_r = { 10 }, .want_eip = 0x1006, .want_m = { 0, 10 }, .want_instret = 1 },
	{ .name = "bound eax = 11 above [0, 10]: #BR, a fault: frame 0x1000, 0, image; fault fields "
		  "5, 0, 0x1000; the bound does not retire (instret 1 is the handler's nop)",
	  .code = "62 05 00 80 00 00", .r = { 11 }, .m = { 0, 10 }, .fl = FL_CF, .irq_enable = 1,
	  .want_r = { 11, 0, 0, 0, S - 12 }, .want_fl = FL_CF, .want_eip = HANDLER(5) + 1,
	  .want_m = { 0, 10 }, .frame_words = 3, .want_frame = { 0x1000, 0, 0x203 },
	  .faulted = true, .want_fvec = 5, .want_ferr = 0, .want_feip = 0x1000,
	  .want_instret = 1 },
	{ .name = "bound eax = -1 with [0, 10]: signed, -1 < 0: #BR",
	  .code = "62 05 00 80 00 00", .r = { 0xffffffff }, .m = { 0, 10 },
	  .want_r = { 0xffffffff, 0, 0, 0, S - 12 }, .want_eip = HANDLER(5) + 1, .want_m = { 0, 10 },
	  .frame_words = 3, .want_frame = { 0x1000, 0, 2 },
	  .faulted = true, .want_fvec = 5, .want_ferr = 0, .want_feip = 0x1000,
	  .want_instret = 1 },
	{ .name = "bound eax = -1 in [-2, 2]: signed, in range",
	  .code = "62 05 00 80 00 00", .r = { 0xffffffff }, .m = { 0xfffffffe, 2 },
	  .want_r = { 0xffffffff }, .want_eip = 0x1006, .want_m = { 0xfffffffe, 2 },
	  .want_instret = 1 },
	{ .name = "bound eax = 0x80000000 in [0x80000000, 0x7fffffff], the whole signed range",
	  .code = "62 05 00 80 00 00", .r = { 0x80000000 }, .m = { 0x80000000, 0x7fffffff },
	  .want_r = { 0x80000000 }, .want_eip = 0x1006, .want_m = { 0x80000000, 0x7fffffff },
	  .want_instret = 1 },
	{ .name = "bound ecx, [ebx+8] (62 4b 08): ecx = 7 above [m[2], m[3]] = [1, 6]: #BR",
	  .code = "62 4b 08", .r = { 0, 7, 0, 0x8000 }, .m = { 0, 0, 1, 6 },
	  .want_r = { 0, 7, 0, 0x8000, S - 12 }, .want_eip = HANDLER(5) + 1, .want_m = { 0, 0, 1, 6 },
	  .frame_words = 3, .want_frame = { 0x1000, 0, 2 },
	  .faulted = true, .want_fvec = 5, .want_ferr = 0, .want_feip = 0x1000,
	  .want_instret = 1 },
	/* 66: word bounds at 0x8000 (0xfff0 = -16) and 0x8002 (0x0010 = 16); only AX is the index */
	{ .name = "bound ax (66 62) = -1 in the words [-16, 16]; eax's upper half does not count",
	  .code = "66 62 05 00 80 00 00", .r = { 0x1234ffff }, .m = { 0x0010fff0 },
	  .want_r = { 0x1234ffff }, .want_eip = 0x1007, .want_m = { 0x0010fff0 },
	  .want_instret = 1 },
	{ .name = "bound ax (66 62) = 17 above the words [-16, 16]: #BR",
	  .code = "66 62 05 00 80 00 00", .r = { 0x11 }, .m = { 0x0010fff0 },
	  .want_r = { 0x11, 0, 0, 0, S - 12 }, .want_eip = HANDLER(5) + 1, .want_m = { 0x0010fff0 },
	  .frame_words = 3, .want_frame = { 0x1000, 0, 2 },
	  .faulted = true, .want_fvec = 5, .want_ferr = 0, .want_feip = 0x1000,
	  .want_instret = 1 },
	/* SDM Vol. 2A, BOUND: #UD if the second operand is a register (mod 11); DVA-1 section 2:
	 * a form x86 itself rejects is #UD with fault_error 0. */
	{ .name = "bound eax, eax (62 c0): a register bound operand is #UD with fault_error 0",
	  .code = "62 c0", .r = { 5 },
	  .want_r = { 5, 0, 0, 0, S - 12 }, .want_eip = HANDLER(6) + 1, .frame_words = 3,
	  .want_frame = { 0x1000, 0, 2 }, .faulted = true, .want_fvec = 6, .want_ferr = 0,
	  .want_feip = 0x1000, .want_instret = 1 },
	/* The 8 bytes 0xffffc..0x100003 are not all readable: #PF with error code 4 (a read at or
	 * beyond mem_size), fault_addr 0x100000, the error code pushed below the 12-byte frame. */
	{ .name = "bound eax, [0xffffc] with the upper bound beyond memory: #PF, error code 4 pushed",
	  .code = "62 05 fc ff 0f 00", .r = { 5 },
	  .want_r = { 5, 0, 0, 0, S - 16 }, .want_eip = HANDLER(14) + 1, .frame_words = 4,
	  .want_frame = { 4, 0x1000, 0, 2 }, .faulted = true, .want_fvec = 14, .want_ferr = 4,
	  .want_feip = 0x1000, .want_faddr = 0x100000,
	  .want_instret = 1 },
};

/* vectors: iret
 * DVA-1 section 2: IRET pops EIP, then a 32-bit value it ignores (where x86 keeps CS), then
 * EFLAGS as POPF does (only CF PF AF ZF SF OF DF AC ID change), and sets irq_enable to bit 9 of
 * the popped EFLAGS; with 0x66 it pops a 16-bit IP, CS and FLAGS. This follows the SDM Vol. 2A
 * IRET Operation for a return to the same privilege level (EIP = Pop(); CS = Pop(); EFLAGS =
 * Pop(), with IF virtual here). DVA-1 section 5: an IRET that turns irq_enable from 0 to 1 is a
 * delivery point. ESP 0x8004: EIP = m[1], the ignored word m[2], EFLAGS m[3]; ESP ends 0x8010. */
static const struct irow iret_rows[] = {
	{ .name = "iret (cf): eip = m[1] = 0x2345, m[2] ignored, flags = OSZAPC from m[3] = 0x8d7, "
		  "irq_enable = bit 9 = 0, esp 0x8010",
	  .code = "cf", .r = { [REG_ESP] = 0x8004 }, .m = { 0, 0x2345, 0xdeadbeef, 0x8d7 },
	  .fl = FL_DF, .irq_enable = 1,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_OSZAPC, .want_eip = 0x2345,
	  .want_m = { 0, 0x2345, 0xdeadbeef, 0x8d7 }, .want_instret = 1 },
	{ .name = "iret of EFLAGS all ones: only the nine flags (0x00240cd5) and irq_enable = 1",
	  .code = "cf", .r = { [REG_ESP] = 0x8004 }, .m = { 0, 0x2345, 0, 0xffffffff },
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_POPF_MASK, .want_eip = 0x2345,
	  .want_m = { 0, 0x2345, 0, 0xffffffff }, .want_irq_enable = 1, .want_instret = 1 },
	/* IRET sets irq_enable 0 -> 1 with line 0 pending and enabled: the upcall (vector 32)
	 * follows at once, saving EIP 0x2345 with image CF | bit 1 | IF = 0x203 at 0x8004; then
	 * HANDLER(32)'s first NOP runs. */
	{ .name = "iret turning irq_enable on with a line pending: the upcall is entered next, saving "
		  "0x2345; irq_batch 1, irq_pending 0",
	  .code = "cf", .r = { [REG_ESP] = 0x8004 }, .m = { 0, 0x2345, 0, 0x203 },
	  .irq_pending = 1, .irq_mask = 1, .insns = 2,
	  .want_r = { [REG_ESP] = 0x8004 }, .want_fl = FL_CF, .want_eip = HANDLER(32) + 1,
	  .want_m = { 0, 0x2345, 0, 0x203 }, .want_irq_batch = 1, .want_instret = 2 },
	{ .name = "iret turning irq_enable on with the pending line masked: no upcall",
	  .code = "cf", .r = { [REG_ESP] = 0x8004 }, .m = { 0, 0x2345, 0, 0x202 },
	  .irq_pending = 1, .insns = 2,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_eip = 0x2346,
	  .want_m = { 0, 0x2345, 0, 0x202 }, .want_irq_enable = 1, .want_irq_pending = 1,
	  .want_instret = 2 },
	/* 66, ESP 0x800a: IP = the word at 0x800a (0x3456), CS the word at 0x800c (ignored), FLAGS
	 * the word at 0x800e = 0x0ad5 (OF IF SF ZF AF PF CF); AC and ID are outside the word: the
	 * ID set before stays. ESP 0x800a + 6 = 0x8010. */
	{ .name = "iret (66 cf): 16-bit ip 0x3456, cs and flags 0x0ad5; ID kept, irq_enable 1",
	  .code = "66 cf", .r = { [REG_ESP] = 0x800a }, .m = { 0, 0, 0x34560000, 0x0ad5beef },
	  .fl = FL_ID,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_OSZAPC | FL_ID, .want_eip = 0x3456,
	  .want_m = { 0, 0, 0x34560000, 0x0ad5beef }, .want_irq_enable = 1, .want_instret = 1 },
	/* 12 bytes from 0xffff8 are not all readable: #PF (error 4, fault_addr 0x100000) and
	 * nothing changes; with no table the VM ends, but the fault fields are written first. */
	{ .name = "iret with esp 0xffff8 reads past the end of memory: #PF, nothing changes",
	  .code = "cf", .r = { [REG_ESP] = 0xffff8 }, .fl = FL_ZF, .irq_enable = 1,
	  .table = NO_TABLE,
	  .want_exit = CPU_EXIT_FAULT, .want_vector = 14, .want_r = { [REG_ESP] = 0xffff8 },
	  .want_fl = FL_ZF, .want_eip = 0x1000, .want_irq_enable = 1, .faulted = true,
	  .want_fvec = 14, .want_ferr = 4, .want_feip = 0x1000, .want_faddr = 0x100000 },
};

/* A removed instruction delivered through the table (DVA-1 sections 2 and 5; the hlt marker's
 * rows are in test_decode.c): #UD is a fault with no error code pushed, fault_error = 1. */
static const struct irow removed_rows[] = {
	{ .name = "hlt (f4) with a table: #UD delivered, frame 0x1000, 0, image; fault_error 1",
	  .code = "f4", .fl = FL_ZF,
	  .want_r = { [REG_ESP] = S - 12 }, .want_fl = FL_ZF, .want_eip = HANDLER(6) + 1,
	  .frame_words = 3, .want_frame = { 0x1000, 0, 0x42 }, .faulted = true, .want_fvec = 6,
	  .want_ferr = 1, .want_feip = 0x1000,
	  .want_instret = 1 },
	{ .name = "ud2 (0f 0b) with a table: #UD delivered, fault_error 0",
	  .code = "0f 0b",
	  .want_r = { [REG_ESP] = S - 12 }, .want_eip = HANDLER(6) + 1,
	  .frame_words = 3, .want_frame = { 0x1000, 0, 2 }, .faulted = true, .want_fvec = 6,
	  .want_ferr = 0, .want_feip = 0x1000,
	  .want_instret = 1 },
};

static void test_int(void **state)
{
	(void)state;
	RUN_IROWS(int_rows);
}

static void test_into(void **state)
{
	(void)state;
	RUN_IROWS(into_rows);
}

static void test_bound(void **state)
{
	(void)state;
	RUN_IROWS(bound_rows);
}

static void test_iret(void **state)
{
	(void)state;
	RUN_IROWS(iret_rows);
}

static void test_removed_through_the_table(void **state)
{
	(void)state;
	RUN_IROWS(removed_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_into),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_iret),
		cmocka_unit_test(test_removed_through_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
