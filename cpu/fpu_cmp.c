/* fpu_cmp.c - x87 comparisons and examination: FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FICOM
 * FICOMP FCOMI FCOMIP FUCOMI FUCOMIP FTST FXAM. */
#include <string.h>

#include "cpu/f80.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* How a compare reports and what it pops. */
struct cmp_form {
	bool quiet;    /* FUCOM*: only SNaNs are invalid */
	bool integer;  /* FICOM*: m16int/m32int source */
	bool eflags;   /* FCOMI*: ZF PF CF instead of C3 C2 C0 */
	int pops;      /* 0, 1 or 2 */
};

/* The compared register: the last ST operand Zydis lists (FCOM ST(i) lists one, FUCOMP and
 * FCOMI list ST(0) and ST(i)), or ST(1) when none is listed (FCOMPP, FUCOMPP). */
static unsigned source_reg(const struct insn *in)
{
	if (in->kind[1] == OPK_ST)
		return in->reg[1];
	return in->kind[0] == OPK_ST ? in->reg[0] : 1;
}

/* Deliver C3 C2 C0 (bits in FSW positions) as the FPU condition or as ZF PF CF. */
static void report(struct cpu *c, const struct cmp_form *k, unsigned bits)
{
	if (k->eflags) {
		uint32_t fl = (bits & FSW_C3 ? FL_ZF : 0) | (bits & FSW_C2 ? FL_PF : 0) |
			      (bits & FSW_C0 ? FL_CF : 0);
		set_flags(c, FL_OSZAPC, fl);
		fpu_status(&c->fpu, bits & 0x3Fu, 0); /* C1 is left as it was, as on the host */
	} else {
		fpu_status(&c->fpu, bits, FSW_CC);
	}
}

static int compare(struct cpu *c, const struct insn *in, struct cmp_form k)
{
	struct fpu *f = &c->fpu;
	struct f80 s = { 0, 0 };
	bool memop = in->kind[0] == OPK_MEM, denormal = false;
	unsigned si = memop ? 0 : source_reg(in);

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (memop) {
		uint8_t b[8] = { 0 };
		if (mem_read(&c->mem, insn_ea(c, in), in->sz[0], b, &c->fault))
			return ST_FAULT;
		if (k.integer) {
			int16_t w;
			int32_t d;
			memcpy(&w, b, 2);
			memcpy(&d, b, 4);
			s = f80_from_int(in->sz[0] == 2 ? w : d);
		} else if (in->sz[0] == 4) {
			uint32_t u;
			memcpy(&u, b, 4);
			s = f80_widen_f32(u, &denormal);
		} else {
			uint64_t u;
			memcpy(&u, b, 8);
			s = f80_widen_f64(u, &denormal);
		}
	}
	fpu_note(f, in, c->eip, memop, memop ? insn_ea(c, in) : 0);
	/* The condition is reported even when the exception is unmasked (the host does so);
	 * only the pops are held back. */
	if (fpu_empty(f, 0) || (!memop && fpu_empty(f, si))) {
		bool masked = fpu_underflow(f);
		report(c, &k, FSW_C3 | FSW_C2 | FSW_C0); /* unordered */
		if (!masked)
			return ST_NEXT;
	} else {
		struct f80 a = fpu_get(f, 0);
		if (!memop)
			s = fpu_get(f, si);
		unsigned bits = f80_cmp(f->fcw, a, s, k.quiet);
		if (denormal)
			bits = fpu_mem_denormal(f, bits, a) | (bits & FSW_CC);
		report(c, &k, bits);
		if (fpu_unmasked(f, bits) & (FSW_IE | FSW_DE))
			return ST_NEXT;
	}
	for (int i = 0; i < k.pops; i++)
		fpu_pop(f);
	return ST_NEXT;
}

int op_fcom(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, false, false, 0 }); }
int op_fcomp(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, false, false, 1 }); }
int op_fcompp(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, false, false, 2 }); }
int op_fucom(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ true, false, false, 0 }); }
int op_fucomp(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ true, false, false, 1 }); }
int op_fucompp(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ true, false, false, 2 }); }
int op_ficom(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, true, false, 0 }); }
int op_ficomp(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, true, false, 1 }); }
int op_fcomi(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, false, true, 0 }); }
int op_fcomip(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ false, false, true, 1 }); }
int op_fucomi(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ true, false, true, 0 }); }
int op_fucomip(struct cpu *c, const struct insn *in) { return compare(c, in, (struct cmp_form){ true, false, true, 1 }); }

/* FTST: ST(0) against +0.0, any NaN is invalid (SDM Vol. 2, FTST). */
int op_ftst(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	(void)in;
	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0)) {
		fpu_underflow(f);
		fpu_status(f, FSW_C3 | FSW_C2 | FSW_C0, FSW_CC);
		return ST_NEXT;
	}
	unsigned bits = f80_cmp(f->fcw, fpu_get(f, 0), (struct f80){ 0, 0 }, false);
	fpu_status(f, bits, FSW_CC);
	return ST_NEXT;
}

/* FXAM: C1 = sign, C3 C2 C0 = class (SDM Vol. 2, FXAM table); raises nothing. */
int op_fxam(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	static const uint16_t cls[] = {
		[F80_UNSUPPORTED] = 0,
		[F80_NAN] = FSW_C0,
		[F80_NORMAL] = FSW_C2,
		[F80_INF] = FSW_C2 | FSW_C0,
		[F80_ZERO] = FSW_C3,
		[F80_DENORMAL] = FSW_C3 | FSW_C2,
	};
	(void)in;
	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	struct f80 a = fpu_get(f, 0);
	unsigned bits = f80_sign(a) ? FSW_C1 : 0;
	bits |= fpu_empty(f, 0) ? FSW_C3 | FSW_C0 : cls[f80_classify(a)];
	fpu_status(f, bits, FSW_CC);
	return ST_NEXT;
}
