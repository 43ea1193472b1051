/* fpu_transc_ops.c - the x87 transcendental instructions around fpu_transc.c's deterministic
 * functions: stack, tags, stack faults and C1/C2. FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X
 * FYL2XP1. */
#include "cpu/f80.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* Whether an unmasked exception among bits stops the instruction before it writes. */
static bool stopped(const struct fpu *f, unsigned bits)
{
	return fpu_unmasked(f, bits) & (FSW_IE | FSW_DE | FSW_ZE);
}

enum one_op { T_SIN, T_COS, T_2XM1 };

/* ST(0) = fn(ST(0)). FSIN/FCOS: C2 = 1 when |ST(0)| >= 2^63, which leaves it unchanged. */
static int one(struct cpu *c, const struct insn *in, enum one_op op)
{
	struct fpu *f = &c->fpu;
	struct f80 r;
	unsigned bits;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0)) {
		if (fpu_underflow(f))
			fpu_set(f, 0, f80_indefinite());
		return ST_NEXT;
	}
	struct f80 x = fpu_get(f, 0);
	switch (op) {
	case T_SIN: bits = f80_sin(x, &r); break;
	case T_COS: bits = f80_cos(x, &r); break;
	default: bits = f80_2xm1(x, &r); break;
	}
	fpu_status(f, bits, op == T_2XM1 ? FSW_C1 : FSW_C1 | FSW_C2);
	if (stopped(f, bits) || (bits & FSW_C2))
		return ST_NEXT;
	fpu_set(f, 0, r);
	return ST_NEXT;
}

int op_fsin(struct cpu *c, const struct insn *in) { return one(c, in, T_SIN); }
int op_fcos(struct cpu *c, const struct insn *in) { return one(c, in, T_COS); }
int op_f2xm1(struct cpu *c, const struct insn *in) { return one(c, in, T_2XM1); }

enum push_op { T_SINCOS, T_PTAN };

/* FSINCOS (ST(0) = sine, then push the cosine) and FPTAN (ST(0) = tangent, then push 1.0). */
static int two(struct cpu *c, const struct insn *in, enum push_op op)
{
	struct fpu *f = &c->fpu;
	struct f80 a, b;
	unsigned bits;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0) || !fpu_empty(f, 7)) {
		bool masked = fpu_empty(f, 0) ? fpu_underflow(f) : fpu_overflow(f);
		if (masked) {
			fpu_set(f, 0, f80_indefinite());
			fpu_push(f, f80_indefinite());
		}
		return ST_NEXT;
	}
	struct f80 x = fpu_get(f, 0);
	if (op == T_SINCOS) {
		bits = f80_sincos(x, &a, &b);
	} else {
		bits = f80_tan(x, &a);
		/* The 1.0 FPTAN pushes; a NaN result (a NaN operand, or the indefinite from an
		 * infinity) is pushed in its place, as the host x87 does. */
		bool nan = (a.sexp & 0x7FFF) == 0x7FFF && (a.mant << 1) != 0;
		b = nan ? a : (struct f80){ 1ull << 63, 16383 };
	}
	fpu_status(f, bits, FSW_C1 | FSW_C2);
	if (stopped(f, bits) || (bits & FSW_C2))
		return ST_NEXT;
	fpu_set(f, 0, a);
	fpu_push(f, b);
	return ST_NEXT;
}

int op_fsincos(struct cpu *c, const struct insn *in) { return two(c, in, T_SINCOS); }
int op_fptan(struct cpu *c, const struct insn *in) { return two(c, in, T_PTAN); }

enum pop_op { T_ATAN, T_YL2X, T_YL2XP1 };

/* ST(1) = fn(ST(1), ST(0)), then pop. */
static int popping(struct cpu *c, const struct insn *in, enum pop_op op)
{
	struct fpu *f = &c->fpu;
	struct f80 r;
	unsigned bits;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
		if (fpu_underflow(f)) {
			fpu_set(f, 1, f80_indefinite());
			fpu_pop(f);
		}
		return ST_NEXT;
	}
	struct f80 x = fpu_get(f, 0), y = fpu_get(f, 1);
	switch (op) {
	case T_ATAN: bits = f80_atan2(y, x, &r); break;
	case T_YL2X: bits = f80_yl2x(x, y, &r); break;
	default: bits = f80_yl2xp1(x, y, &r); break;
	}
	fpu_status(f, bits, FSW_C1);
	if (stopped(f, bits))
		return ST_NEXT;
	fpu_set(f, 1, r);
	fpu_pop(f);
	return ST_NEXT;
}

int op_fpatan(struct cpu *c, const struct insn *in) { return popping(c, in, T_ATAN); }
int op_fyl2x(struct cpu *c, const struct insn *in) { return popping(c, in, T_YL2X); }
int op_fyl2xp1(struct cpu *c, const struct insn *in) { return popping(c, in, T_YL2XP1); }
