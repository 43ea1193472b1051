/* fpu_ldst.c - x87 loads, stores and register moves: FLD FST FSTP FILD FIST FISTP FBLD FBSTP,
 * the constants, FXCH, FCMOVcc, FFREE, FINCSTP, FDECSTP. */
#include <string.h>

#include "cpu/f80.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* Read an n-byte memory operand (n <= 10). 0, or -1 with the fault recorded. */
static int MEM_CHECK read_mem(struct cpu *c, const struct insn *in, unsigned n, void *buf)
{
	return mem_read(&c->mem, insn_ea(c, in), n, buf, &c->fault);
}

static struct f80 f80_of_bytes(const uint8_t *b)
{
	struct f80 v;
	memcpy(&v.mant, b, 8);
	memcpy(&v.sexp, b + 8, 2);
	return v;
}

static void bytes_of_f80(uint8_t *b, struct f80 v)
{
	memcpy(b, &v.mant, 8);
	memcpy(b + 8, &v.sexp, 2);
}

/* Push v after the overflow check (the register that becomes ST(0) must be empty; SDM Vol. 1,
 * 8.5.1.1). bits are the load's exception flags: an unmasked invalid operation stops the push;
 * an unmasked denormal operand does not (the value is exact; the host loads it). */
static void push_checked(struct fpu *f, struct f80 v, unsigned bits)
{
	if (!fpu_empty(f, 7)) {
		if (fpu_overflow(f))
			fpu_push(f, f80_indefinite());
		return;
	}
	fpu_status(f, bits, FSW_C1); /* C1 = 0 */
	if (!fpu_unmasked(f, bits & FSW_IE))
		fpu_push(f, v);
}

int op_fld(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	struct f80 v = { 0, 0 };
	unsigned bits = 0;
	uint32_t dp = 0;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (in->kind[0] == OPK_MEM) {
		uint8_t b[10] = { 0 };
		if (read_mem(c, in, in->sz[0], b))
			return ST_FAULT;
		dp = insn_ea(c, in);
		if (in->sz[0] == 4) {
			uint32_t u;
			memcpy(&u, b, 4);
			bits = f80_ld_f32(f->fcw, u, &v);
		} else if (in->sz[0] == 8) {
			uint64_t u;
			memcpy(&u, b, 8);
			bits = f80_ld_f64(f->fcw, u, &v);
		} else {
			v = f80_of_bytes(b); /* FLD m80 converts nothing and raises nothing */
		}
	}
	fpu_note(f, in, c->eip, in->kind[0] == OPK_MEM, dp);
	if (in->kind[0] == OPK_ST) {
		if (fpu_empty(f, in->reg[0])) {
			/* an empty source is an underflow, whatever ST(7) holds */
			if (fpu_underflow(f))
				fpu_push(f, f80_indefinite());
			return ST_NEXT;
		}
		v = fpu_get(f, in->reg[0]);
	}
	push_checked(f, v, bits);
	return ST_NEXT;
}

/* FILD m16/m32/m64int: exact. */
int op_fild(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	uint8_t b[8] = { 0 };
	int64_t v;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (read_mem(c, in, in->sz[0], b))
		return ST_FAULT;
	if (in->sz[0] == 2) {
		int16_t w;
		memcpy(&w, b, 2);
		v = w;
	} else if (in->sz[0] == 4) {
		int32_t d;
		memcpy(&d, b, 4);
		v = d;
	} else {
		memcpy(&v, b, 8);
	}
	fpu_note(f, in, c->eip, true, insn_ea(c, in));
	push_checked(f, f80_from_int(v), 0);
	return ST_NEXT;
}

int op_fbld(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	struct f80_bcd b;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (read_mem(c, in, 10, b.b))
		return ST_FAULT;
	fpu_note(f, in, c->eip, true, insn_ea(c, in));
	push_checked(f, f80_from_bcd(&b), 0);
	return ST_NEXT;
}

int op_fldconst(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	enum f80_const k;
	struct f80 v;

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	switch (in->mnem) {
	case ZYDIS_MNEMONIC_FLD1: k = K_ONE; break;
	case ZYDIS_MNEMONIC_FLDL2T: k = K_L2T; break;
	case ZYDIS_MNEMONIC_FLDL2E: k = K_L2E; break;
	case ZYDIS_MNEMONIC_FLDPI: k = K_PI; break;
	case ZYDIS_MNEMONIC_FLDLG2: k = K_LG2; break;
	case ZYDIS_MNEMONIC_FLDLN2: k = K_LN2; break;
	default: k = K_ZERO; break;
	}
	fpu_note(f, in, c->eip, false, 0);
	unsigned bits = f80_ld_const(f->fcw, k, &v);
	push_checked(f, v, bits & ~(unsigned)FSW_C1);
	return ST_NEXT;
}

/* FST/FSTP to memory in the operand's format. The value and flags are computed first, the whole
 * destination is written (or faults, changing nothing), then the status word and the stack. */
static int store_mem(struct cpu *c, const struct insn *in, bool pop, bool integer)
{
	struct fpu *f = &c->fpu;
	unsigned n = in->sz[0], bits = 0;
	uint8_t b[10] = { 0 };
	bool empty = fpu_empty(f, 0);

	if (empty) {
		if (!(f->fcw & FSW_IE)) { /* unmasked stack underflow: nothing is stored */
			fpu_note(f, in, c->eip, true, insn_ea(c, in));
			fpu_underflow(f);
			return ST_NEXT;
		}
		/* masked: the indefinite of the destination format */
		if (integer || in->mnem == ZYDIS_MNEMONIC_FBSTP) {
			if (n == 10) {
				b[7] = 0xC0;
				b[8] = 0xFF;
				b[9] = 0xFF;
			} else {
				b[n - 1] = 0x80;
			}
		} else if (n == 4) {
			memcpy(b, &(uint32_t){ 0xFFC00000u }, 4);
		} else if (n == 8) {
			memcpy(b, &(uint64_t){ 0xFFF8000000000000ull }, 8);
		} else {
			bytes_of_f80(b, f80_indefinite());
		}
	} else {
		struct f80 v = fpu_get(f, 0);
		if (in->mnem == ZYDIS_MNEMONIC_FBSTP) {
			struct f80_bcd d;
			bits = f80_st_bcd(f->fcw, v, &d);
			memcpy(b, d.b, 10);
		} else if (integer) {
			uint64_t u;
			bits = f80_st_int(f->fcw, v, n, &u);
			memcpy(b, &u, n);
		} else if (n == 4) {
			uint32_t u;
			bits = f80_st_f32(f->fcw, v, &u);
			memcpy(b, &u, 4);
		} else if (n == 8) {
			uint64_t u;
			bits = f80_st_f64(f->fcw, v, &u);
			memcpy(b, &u, 8);
		} else {
			bytes_of_f80(b, v);
		}
	}
	/* An unmasked exception other than precision stores nothing and keeps the stack
	 * (SDM Vol. 1, 8.5.4 and 8.5.5: a memory destination is left unchanged). */
	bool hold = fpu_unmasked(f, bits) & ~(unsigned)FSW_PE;
	if (!hold && mem_write(&c->mem, insn_ea(c, in), n, b, &c->fault))
		return ST_FAULT;
	fpu_note(f, in, c->eip, true, insn_ea(c, in));
	if (empty) {
		fpu_underflow(f);
	} else {
		fpu_status(f, bits, FSW_C1);
	}
	if (pop && !hold)
		fpu_pop(f);
	return ST_NEXT;
}

/* FST/FSTP ST(i): a register copy, no numeric exception. */
static int store_reg(struct cpu *c, const struct insn *in, bool pop)
{
	struct fpu *f = &c->fpu;
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0)) {
		if (!fpu_underflow(f))
			return ST_NEXT;
		fpu_set(f, in->reg[0], f80_indefinite());
	} else {
		fpu_status(f, 0, FSW_C1);
		fpu_set(f, in->reg[0], fpu_get(f, 0));
	}
	if (pop)
		fpu_pop(f);
	return ST_NEXT;
}

int op_fst(struct cpu *c, const struct insn *in)
{
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	return in->kind[0] == OPK_ST ? store_reg(c, in, false) : store_mem(c, in, false, false);
}

int op_fstp(struct cpu *c, const struct insn *in)
{
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	return in->kind[0] == OPK_ST ? store_reg(c, in, true) : store_mem(c, in, true, false);
}

int op_fist(struct cpu *c, const struct insn *in)
{
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	return store_mem(c, in, false, true);
}

int op_fistp(struct cpu *c, const struct insn *in)
{
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	return store_mem(c, in, true, true);
}

int op_fbstp(struct cpu *c, const struct insn *in)
{
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	return store_mem(c, in, true, false);
}

/* FXCH ST(i): an empty register takes part as the indefinite when IE is masked. */
int op_fxch(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	unsigned i = in->reg[0];

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	struct f80 a = fpu_empty(f, 0) ? f80_indefinite() : fpu_get(f, 0);
	struct f80 b = fpu_empty(f, i) ? f80_indefinite() : fpu_get(f, i);
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		if (!fpu_underflow(f))
			return ST_NEXT;
	} else {
		fpu_status(f, 0, FSW_C1);
	}
	fpu_set(f, 0, b);
	fpu_set(f, i, a);
	return ST_NEXT;
}

/* FCMOVcc ST(0), ST(i): the row's cc is tested on EFLAGS as CMOVcc does. */
int op_fcmovcc(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	unsigned i = in->reg[1];

	if (fpu_pending(f))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(f, in, c->eip, false, 0);
	if (fpu_empty(f, 0) || fpu_empty(f, i)) {
		if (fpu_underflow(f))
			fpu_set(f, 0, f80_indefinite());
		return ST_NEXT;
	}
	/* C1 keeps its value (the host leaves it; the SDM calls C0-C3 undefined but for
	 * underflow). */
	if (cpu_cond(c, in->cc))
		fpu_set(f, 0, fpu_get(f, i));
	return ST_NEXT;
}

int op_ffree(struct cpu *c, const struct insn *in)
{
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(&c->fpu, in, c->eip, false, 0);
	fpu_free(&c->fpu, in->reg[0]);
	fpu_status(&c->fpu, 0, FSW_C1); /* cleared, as the host does */
	return ST_NEXT;
}

/* FINCSTP and FDECSTP move TOP only; the tags stay (SDM Vol. 2). C1 is cleared. */
int op_fincstp(struct cpu *c, const struct insn *in)
{
	(void)in;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(&c->fpu, in, c->eip, false, 0);
	fpu_set_top(&c->fpu, fpu_phys(&c->fpu, 1));
	fpu_status(&c->fpu, 0, FSW_C1);
	return ST_NEXT;
}

int op_fdecstp(struct cpu *c, const struct insn *in)
{
	(void)in;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(&c->fpu, in, c->eip, false, 0);
	fpu_set_top(&c->fpu, fpu_phys(&c->fpu, 7));
	fpu_status(&c->fpu, 0, FSW_C1);
	return ST_NEXT;
}
