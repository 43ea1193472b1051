/* fpu_arith.c - x87 arithmetic: FADD FSUB FSUBR FMUL FDIV FDIVR (register, m32fp, m64fp, m16int,
 * m32int and popping forms), FSQRT FABS FCHS FPREM FPREM1 FSCALE FXTRACT FRNDINT. */
#include <string.h>

#include "cpu/f80.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

enum arith_op { AR_ADD, AR_SUB, AR_SUBR, AR_MUL, AR_DIV, AR_DIVR };

/* d = destination's value, s = source's; the reversed forms swap them. */
static unsigned compute(uint16_t cw, enum arith_op op, struct f80 d, struct f80 s, struct f80 *r)
{
	switch (op) {
	case AR_ADD: return f80_add(cw, d, s, r);
	case AR_SUB: return f80_sub(cw, d, s, r);
	case AR_SUBR: return f80_sub(cw, s, d, r);
	case AR_MUL: return f80_mul(cw, d, s, r);
	case AR_DIV: return f80_div(cw, d, s, r);
	default: return f80_div(cw, s, d, r);
	}
}

/* Read a memory source of FADD m32fp/m64fp (integer: FIADD m16int/m32int) as an 80-bit value.
 * A denormal m32fp/m64fp is exact after widening, so it is reported in *denormal. */
static int MEM_CHECK mem_source(struct cpu *c, const struct insn *in, bool integer,
				struct f80 *v, bool *denormal)
{
	uint8_t b[8] = { 0 };
	*denormal = false;
	if (mem_read(&c->mem, insn_ea(c, in), in->sz[0], b, &c->fault))
		return -1;
	if (integer) {
		int16_t w;
		int32_t d;
		memcpy(&w, b, 2);
		memcpy(&d, b, 4);
		*v = f80_from_int(in->sz[0] == 2 ? w : d);
	} else if (in->sz[0] == 4) {
		uint32_t u;
		memcpy(&u, b, 4);
		*v = f80_widen_f32(u, denormal);
	} else {
		uint64_t u;
		memcpy(&u, b, 8);
		*v = f80_widen_f64(u, denormal);
	}
	return 0;
}

static int arith(struct cpu *c, const struct insn *in, enum arith_op op, bool pop, bool integer)
{
	struct fpu *f = &c->fpu;
	unsigned di = 0, si = 0;
	struct f80 s = { 0, 0 }, r;
	bool memop = in->kind[0] == OPK_MEM, denormal = false;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (memop) {
		if (mem_source(c, in, integer, &s, &denormal))
			return ST_FAULT;
	} else {
		di = in->reg[0];
		si = in->reg[1];
	}
	fpu_note(f, in, c->eip, memop, memop ? insn_ea(c, in) : 0);
	if (fpu_empty(f, di) || (!memop && fpu_empty(f, si))) {
		if (fpu_underflow(f)) {
			fpu_set(f, di, f80_indefinite());
			if (pop)
				fpu_pop(f);
		}
		return ST_NEXT;
	}
	struct f80 d = fpu_get(f, di);
	if (!memop)
		s = fpu_get(f, si);
	unsigned bits = compute(f->fcw, op, d, s, &r);
	if (denormal)
		bits = fpu_mem_denormal(f, bits, d);
	fpu_status(f, bits, FSW_C1);
	/* Unmasked invalid, denormal or zero-divide: no result, no pop (SDM Vol. 1, 8.5). */
	if (fpu_unmasked(f, bits) & (FSW_IE | FSW_DE | FSW_ZE))
		return ST_NEXT;
	fpu_set(f, di, r);
	if (pop)
		fpu_pop(f);
	return ST_NEXT;
}

int op_fadd(struct cpu *c, const struct insn *in) { return arith(c, in, AR_ADD, false, false); }
int op_fsub(struct cpu *c, const struct insn *in) { return arith(c, in, AR_SUB, false, false); }
int op_fsubr(struct cpu *c, const struct insn *in) { return arith(c, in, AR_SUBR, false, false); }
int op_fmul(struct cpu *c, const struct insn *in) { return arith(c, in, AR_MUL, false, false); }
int op_fdiv(struct cpu *c, const struct insn *in) { return arith(c, in, AR_DIV, false, false); }
int op_fdivr(struct cpu *c, const struct insn *in) { return arith(c, in, AR_DIVR, false, false); }
int op_faddp(struct cpu *c, const struct insn *in) { return arith(c, in, AR_ADD, true, false); }
int op_fsubp(struct cpu *c, const struct insn *in) { return arith(c, in, AR_SUB, true, false); }
int op_fsubrp(struct cpu *c, const struct insn *in) { return arith(c, in, AR_SUBR, true, false); }
int op_fmulp(struct cpu *c, const struct insn *in) { return arith(c, in, AR_MUL, true, false); }
int op_fdivp(struct cpu *c, const struct insn *in) { return arith(c, in, AR_DIV, true, false); }
int op_fdivrp(struct cpu *c, const struct insn *in) { return arith(c, in, AR_DIVR, true, false); }
int op_fiadd(struct cpu *c, const struct insn *in) { return arith(c, in, AR_ADD, false, true); }
int op_fisub(struct cpu *c, const struct insn *in) { return arith(c, in, AR_SUB, false, true); }
int op_fisubr(struct cpu *c, const struct insn *in) { return arith(c, in, AR_SUBR, false, true); }
int op_fimul(struct cpu *c, const struct insn *in) { return arith(c, in, AR_MUL, false, true); }
int op_fidiv(struct cpu *c, const struct insn *in) { return arith(c, in, AR_DIV, false, true); }
int op_fidivr(struct cpu *c, const struct insn *in) { return arith(c, in, AR_DIVR, false, true); }

enum unary_op { UN_SQRT, UN_RNDINT, UN_ABS, UN_CHS };

/* One-operand instructions on ST(0). */
static int unary(struct cpu *c, const struct insn *in, enum unary_op op)
{
	struct fpu *f = &c->fpu;
	struct f80 r;
	unsigned bits = 0;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0)) {
		if (fpu_underflow(f))
			fpu_set(f, 0, f80_indefinite());
		return ST_NEXT;
	}
	struct f80 a = fpu_get(f, 0);
	switch (op) {
	case UN_SQRT: bits = f80_sqrt(f->fcw, a, &r); break;
	case UN_RNDINT: bits = f80_rndint(f->fcw, a, &r); break;
	case UN_ABS: r = (struct f80){ a.mant, (uint16_t)(a.sexp & 0x7FFF) }; break;
	default: r = (struct f80){ a.mant, (uint16_t)(a.sexp ^ 0x8000) }; break;
	}
	fpu_status(f, bits, FSW_C1);
	if (fpu_unmasked(f, bits) & (FSW_IE | FSW_DE | FSW_ZE))
		return ST_NEXT;
	fpu_set(f, 0, r);
	return ST_NEXT;
}

int op_fsqrt(struct cpu *c, const struct insn *in) { return unary(c, in, UN_SQRT); }
int op_frndint(struct cpu *c, const struct insn *in) { return unary(c, in, UN_RNDINT); }
int op_fabs(struct cpu *c, const struct insn *in) { return unary(c, in, UN_ABS); }
int op_fchs(struct cpu *c, const struct insn *in) { return unary(c, in, UN_CHS); }

enum binary_op { BI_PREM, BI_PREM1, BI_SCALE };

/* ST(0) = ST(0) op ST(1). */
static int binary(struct cpu *c, const struct insn *in, enum binary_op op)
{
	struct fpu *f = &c->fpu;
	struct f80 r;
	unsigned bits, cc;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
		bool masked = fpu_underflow(f);
		if (op != BI_SCALE) /* a partial remainder that did not run is not incomplete */
			fpu_status(f, 0, FSW_C2);
		if (masked)
			fpu_set(f, 0, f80_indefinite());
		return ST_NEXT;
	}
	struct f80 a = fpu_get(f, 0), b = fpu_get(f, 1);
	switch (op) {
	case BI_PREM: bits = f80_prem(f->fcw, a, b, &r); cc = FSW_CC; break;
	case BI_PREM1: bits = f80_prem1(f->fcw, a, b, &r); cc = FSW_CC; break;
	default: bits = f80_scale(f->fcw, a, b, &r); cc = FSW_C1; break;
	}
	/* A partial remainder that stops on an unmasked exception or gives a NaN clears C2 and
	 * C1 and leaves C0 and C3 (as the host does; the SDM leaves them undefined). */
	if (op != BI_SCALE && ((fpu_unmasked(f, bits) & (FSW_IE | FSW_DE | FSW_ZE)) ||
			       (bits & FSW_IE) || f80_classify(r) == F80_NAN))
		cc = FSW_C1 | FSW_C2;
	fpu_status(f, bits, cc);
	if (fpu_unmasked(f, bits) & (FSW_IE | FSW_DE | FSW_ZE))
		return ST_NEXT;
	fpu_set(f, 0, r);
	return ST_NEXT;
}

int op_fprem(struct cpu *c, const struct insn *in) { return binary(c, in, BI_PREM); }
int op_fprem1(struct cpu *c, const struct insn *in) { return binary(c, in, BI_PREM1); }
int op_fscale(struct cpu *c, const struct insn *in) { return binary(c, in, BI_SCALE); }

/* FXTRACT: ST(0) becomes the exponent, then the significand is pushed. */
int op_fxtract(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	struct f80 e, s;
	(void)in;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0)) {
		if (fpu_underflow(f)) { /* both halves indefinite, whatever ST(7) held */
			fpu_set(f, 0, f80_indefinite());
			fpu_push(f, f80_indefinite());
		}
		return ST_NEXT;
	}
	if (!fpu_empty(f, 7)) {
		if (fpu_overflow(f)) {
			fpu_set(f, 0, f80_indefinite());
			fpu_push(f, f80_indefinite());
		}
		return ST_NEXT;
	}
	unsigned bits = f80_xtract(f->fcw, fpu_get(f, 0), &e, &s);
	fpu_status(f, bits, FSW_C1);
	if (fpu_unmasked(f, bits) & (FSW_IE | FSW_DE | FSW_ZE))
		return ST_NEXT;
	fpu_set(f, 0, e);
	fpu_push(f, s);
	return ST_NEXT;
}
