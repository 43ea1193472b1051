/* fpu_fast.c - specialised x87 forms for double-precision code, chosen at decode time.
 *
 * gcc's code for `double` on the x87 is loads and stores of m64fp, FLD/FXCH/FSTP on registers,
 * and arithmetic with an m64fp or a register operand. The generic handlers (fpu_ldst.c,
 * fpu_arith.c) go through the operand kinds, the stack helpers one call at a time, and the
 * full 80-bit operations. These forms do the common case in one straight line: no pending
 * exception, the registers read non-empty and the one pushed onto empty, plain guest memory,
 * and values the quick paths of f80.h take (normal operands, a normal rounded result, any
 * rounding or precision control). Within that case no exception but precision can arise, and
 * the status word changes only by PE, C1 and the ES/B summary, exactly as the generic handlers
 * change it; FIP, FOP and FDP are recorded the same way. Anything else (a stack fault, a special
 * value, an unmasked exception pending, memory that is not plain) runs the generic handler from
 * the untouched state, so the semantics are theirs; the unit and differential tests of the x87
 * run through these forms. Like fast.c's forms they chain (fast.h): eip and instret are not
 * current here, so FIP comes from insn_eip(). Three pairs gcc emits (a spill and reload, `x +=
 * y` on a double in memory, FLD ST(i) then an operation on the copy) run as one step, chosen
 * at decode time by fpu_fast_fuse (the end of this file).
 */
#include "cpu/fpu_fast.h"

#include "cpu/f80.h"
#include "cpu/fast.h"
#include "cpu/optable.h"

/* Not the common case: the generic handler runs, with eip and instret made current
 * (fast_fallback), out of line and entered by a tail call, so that the fast paths make no
 * call and need no callee-saved registers (no pushes and pops around every instruction). */
static __attribute__((noinline, cold)) int fallback(struct cpu *c, const struct insn *in,
						    insn_fn generic)
{
	return fast_fallback(c, in, generic);
}

/* Whether physical register p is tagged empty. fpu.c keeps each tag 3 (empty) or 0 (in use),
 * never the full tag, so one bit tells. */
static inline bool empty_p(const struct fpu *f, unsigned p)
{
	return (f->ftw >> (2 * p)) & 1;
}

/* Copy physical register s to d field by field: a value just written is in the store buffer as
 * an 8-byte and a 2-byte store, and one 16-byte load of the struct could not be forwarded from
 * them (the host stalls until they reach the cache). */
static inline void copy_reg(struct fpu *f, unsigned d, unsigned s)
{
	uint64_t m = f->st[s].mant;
	uint16_t e = f->st[s].sexp;
	f->st[d].mant = m;
	f->st[d].sexp = e;
}

static inline unsigned top_of(const struct fpu *f)
{
	return (f->fsw >> 11) & 7;
}

/* Pop: ST(0) (register top) tagged empty; returns the new TOP. */
static inline unsigned pop_top(struct fpu *f, unsigned top)
{
	f->ftw |= (uint16_t)(3u << (2 * top));
	return (top + 1) & 7;
}

/* The status word after an operation that raised bits (PE and C1 only; C1 replaced), with TOP
 * set to top, and ES and B as fpu_status computes them: they were clear on entry, so every
 * flag already set is masked, and only a new PE can be an unmasked one. */
static inline void set_status(struct fpu *f, unsigned bits, unsigned top)
{
	unsigned sw = (f->fsw & ~(unsigned)(FSW_C1 | FSW_TOP)) | bits | top << 11;
	if (unlikely(bits & ~f->fcw & FSW_PE))
		sw |= FSW_ES | FSW_B;
	f->fsw = (uint16_t)sw;
}

/* FIP and FOP of a non-control instruction, as fpu_note records them (decode put the 11-bit FOP
 * in imm2); the forms with a memory operand set FDP themselves. */
static inline void note(struct cpu *c, const struct insn *in)
{
	c->fpu.fip = insn_eip(c, in);
	c->fpu.fop = (uint16_t)in->imm2;
}

/* Whether the 8 bytes at a are plain guest memory to read, or to write (no page flag: not code,
 * not page 0). */
static inline bool plain_read8(const struct cpu *c, uint32_t a)
{
	return mem_plain(&c->mem, a, 8);
}
static inline bool plain_write8(const struct cpu *c, uint32_t a)
{
	return mem_plain_store(&c->mem, a, 8);
}

enum arith_op { AR_ADD, AR_SUB, AR_SUBR, AR_MUL, AR_DIV, AR_DIVR };

/* d op s by the quick paths (d the destination's value; the reversed forms swap them). */
F80_QUICK bool quick(uint16_t cw, enum arith_op op, struct f80 d, struct f80 s, struct f80 *r,
			 unsigned *bits)
{
	switch (op) {
	case AR_ADD: return f80_quick_add(cw, d, s, false, r, bits);
	case AR_SUB: return f80_quick_add(cw, d, s, true, r, bits);
	case AR_SUBR: return f80_quick_add(cw, s, d, true, r, bits);
	case AR_MUL: return f80_quick_mul(cw, d, s, r, bits);
	case AR_DIV: return f80_quick_div(cw, d, s, r, bits);
	default: return f80_quick_div(cw, s, d, r, bits);
	}
}

/* FADD ... FDIVR ST(0), m64fp. With store (a pair fpu_fast_fuse found: gcc's `x += y` on a
 * double in memory, FADD m64fp x; FSTP m64fp x), the store that follows is done here too when
 * the budget lets it run and its own fast case holds (the same checks, its own C1 and PE, its
 * FIP and FOP), and the chain goes on after it; otherwise it runs by itself. */
F80_QUICK int arith_m64(struct cpu *c, const struct insn *in, enum arith_op op, insn_fn generic,
			bool store)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), bits;
	uint32_t a = ea32(c, in);
	struct f80 s, r;
	uint64_t v;
	if (unlikely((f->fsw & FSW_ES) || empty_p(f, top) || !plain_read8(c, a)))
		return fallback(c, in, generic);
	memcpy(&v, c->mem.base + a, 8);
	if (unlikely(!f80_quick_ld_f64(v, &s) || !quick(f->fcw, op, f->st[top], s, &r, &bits)))
		return fallback(c, in, generic);
	f->st[top] = r;
	set_status(f, bits, top);
	note(c, in);
	f->fdp = a;
	const struct insn *nx = in + 1;
	uint64_t u;
	if (store && nx < c->run_end && !(f->fsw & FSW_ES) && plain_write8(c, a) &&
	    f80_quick_st_f64(f->fcw, r, &u, &bits)) {
		memcpy(c->mem.base + a, &u, 8);
		set_status(f, bits, pop_top(f, top));
		note(c, nx);
		return chain(c, nx);
	}
	return chain(c, in);
}

/* FADD ... FDIVR ST(i), ST(j) (one of them ST(0)), and the popping forms FADDP ... ST(i), ST(0). */
F80_QUICK int arith_st(struct cpu *c, const struct insn *in, enum arith_op op, bool pop,
			   insn_fn generic)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), pd = (top + in->reg[0]) & 7, ps = (top + in->reg[1]) & 7, bits;
	struct f80 r;
	if (unlikely((f->fsw & FSW_ES) || ((f->ftw >> (2 * pd)) | (f->ftw >> (2 * ps))) & 1 ||
		     !quick(f->fcw, op, f->st[pd], f->st[ps], &r, &bits)))
		return fallback(c, in, generic);
	f->st[pd] = r;
	if (pop)
		top = pop_top(f, top);
	set_status(f, bits, top);
	note(c, in);
	return chain(c, in);
}

#define ARITH_FORMS(name, op, generic, generic_pop)                                                \
	static int name##_m64(struct cpu *c, const struct insn *in) { return arith_m64(c, in, op, generic, false); } \
	static int name##_m64_fstp(struct cpu *c, const struct insn *in) { return arith_m64(c, in, op, generic, true); } \
	static int name##_st(struct cpu *c, const struct insn *in) { return arith_st(c, in, op, false, generic); } \
	static int name##p_st(struct cpu *c, const struct insn *in) { return arith_st(c, in, op, true, generic_pop); }

ARITH_FORMS(fadd, AR_ADD, op_fadd, op_faddp)
ARITH_FORMS(fsub, AR_SUB, op_fsub, op_fsubp)
ARITH_FORMS(fsubr, AR_SUBR, op_fsubr, op_fsubrp)
ARITH_FORMS(fmul, AR_MUL, op_fmul, op_fmulp)
ARITH_FORMS(fdiv, AR_DIV, op_fdiv, op_fdivp)
ARITH_FORMS(fdivr, AR_DIVR, op_fdivr, op_fdivrp)

/* Push v: ST(7) must be empty (else stack overflow, the generic handler's). C1 is cleared. */
static inline void push(struct fpu *f, unsigned p, struct f80 v)
{
	f->st[p] = v;
	f->ftw &= (uint16_t)~(3u << (2 * p));
	f->fsw = (uint16_t)((f->fsw & ~(unsigned)(FSW_C1 | FSW_TOP)) | p << 11);
}

/* FLD m64fp of a normal double or a zero (exact, raises nothing). */
static int fld_m64(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	unsigned p = (top_of(f) + 7) & 7;
	uint32_t a = ea32(c, in);
	struct f80 v;
	uint64_t u;
	if (unlikely((f->fsw & FSW_ES) || !empty_p(f, p) || !plain_read8(c, a)))
		return fallback(c, in, op_fld);
	memcpy(&u, c->mem.base + a, 8);
	if (unlikely(!f80_quick_ld_f64(u, &v)))
		return fallback(c, in, op_fld);
	push(f, p, v);
	note(c, in);
	f->fdp = a;
	return chain(c, in);
}

/* FLD ST(i): a copy, whatever the value. */
static int fld_st(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), p = (top + 7) & 7, s = (top + in->reg[0]) & 7;
	if (unlikely((f->fsw & FSW_ES) || !empty_p(f, p) || empty_p(f, s)))
		return fallback(c, in, op_fld);
	push(f, p, f->st[s]);
	note(c, in);
	return chain(c, in);
}

/* FST/FSTP m64fp of a value the quick store takes. With reload (a pair fpu_fast_fuse found:
 * gcc spills a double and reloads it at once, FSTP m64fp x; FLD m64fp x, wherever it wants the
 * rounding to double or runs short of registers), the load is done here too when the budget
 * lets it run, from the bits just stored, exactly as fld_m64 would do it (it pushes onto the
 * register the pop just freed, and a stored double is one the quick load takes). */
F80_QUICK int fst_m64(struct cpu *c, const struct insn *in, bool pop, insn_fn generic, bool reload)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), bits;
	uint32_t a = ea32(c, in);
	uint64_t u;
	if (unlikely((f->fsw & FSW_ES) || empty_p(f, top) || !plain_write8(c, a) ||
		     !f80_quick_st_f64(f->fcw, f->st[top], &u, &bits)))
		return fallback(c, in, generic);
	memcpy(c->mem.base + a, &u, 8);
	if (pop)
		top = pop_top(f, top);
	set_status(f, bits, top);
	note(c, in);
	f->fdp = a;
	const struct insn *nx = in + 1;
	struct f80 v;
	if (reload && nx < c->run_end && !(f->fsw & FSW_ES) && f80_quick_ld_f64(u, &v)) {
		push(f, (top + 7) & 7, v);
		note(c, nx);
		return chain(c, nx);
	}
	return chain(c, in);
}

static int fst_m64_keep(struct cpu *c, const struct insn *in) { return fst_m64(c, in, false, op_fst, false); }
static int fstp_m64(struct cpu *c, const struct insn *in) { return fst_m64(c, in, true, op_fstp, false); }
static int fstp_m64_fld(struct cpu *c, const struct insn *in) { return fst_m64(c, in, true, op_fstp, true); }

/* FST/FSTP ST(i): a register copy (FSTP ST(0) just pops). C1 is cleared. */
F80_QUICK int fst_st(struct cpu *c, const struct insn *in, bool pop, insn_fn generic)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), d = (top + in->reg[0]) & 7;
	if (unlikely((f->fsw & FSW_ES) || empty_p(f, top)))
		return fallback(c, in, generic);
	copy_reg(f, d, top);
	f->ftw &= (uint16_t)~(3u << (2 * d));
	if (pop)
		top = pop_top(f, top);
	f->fsw = (uint16_t)((f->fsw & ~(unsigned)(FSW_C1 | FSW_TOP)) | top << 11);
	note(c, in);
	return chain(c, in);
}

static int fst_st_keep(struct cpu *c, const struct insn *in) { return fst_st(c, in, false, op_fst); }
static int fstp_st(struct cpu *c, const struct insn *in) { return fst_st(c, in, true, op_fstp); }

/* FXCH ST(i) of two non-empty registers. C1 is cleared. */
static int fxch_st(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), i = (top + in->reg[0]) & 7;
	if (unlikely((f->fsw & FSW_ES) || empty_p(f, top) || empty_p(f, i)))
		return fallback(c, in, op_fxch);
	uint64_t m = f->st[top].mant;
	uint16_t e = f->st[top].sexp;
	copy_reg(f, top, i);
	f->st[i].mant = m;
	f->st[i].sexp = e;
	f->fsw &= (uint16_t)~FSW_C1;
	note(c, in);
	return chain(c, in);
}

/* FSQRT of a positive normal ST(0). */
static int fsqrt_st0(struct cpu *c, const struct insn *in)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), bits;
	struct f80 r;
	if (unlikely((f->fsw & FSW_ES) || empty_p(f, top) ||
		     !f80_quick_sqrt(f->fcw, f->st[top], &r, &bits)))
		return fallback(c, in, op_fsqrt);
	f->st[top] = r;
	set_status(f, bits, top);
	note(c, in);
	return chain(c, in);
}

/* ---- pairs: FLD ST(i) and the operation on the copy that follows ---------------------------- */

/* gcc copies a register to the top to work on it: FLD ST(i), then FADD ... FDIVR ST(0), ST(j)
 * or ST(0), m64fp, or FSQRT. Fused (fpu_fast_fuse), the copy goes straight into the operation
 * and the result is pushed, when the budget lets the second run and its fast case holds (its
 * source in use, the values the quick paths take); otherwise the copy is pushed and the second
 * runs by itself. The status word ends as the two leave it (FLD clears C1, the operation sets
 * C1 and PE), FIP and FOP are the second's, FDP its memory operand's. */
enum second { SECOND_ST, SECOND_M64, SECOND_SQRT };

F80_QUICK int fld_then(struct cpu *c, const struct insn *in, enum second kind, enum arith_op op)
{
	struct fpu *f = &c->fpu;
	unsigned top = top_of(f), p = (top + 7) & 7, s = (top + in->reg[0]) & 7, bits = 0;
	if (unlikely((f->fsw & FSW_ES) || !empty_p(f, p) || empty_p(f, s)))
		return fallback(c, in, op_fld);
	struct f80 v = { f->st[s].mant, f->st[s].sexp }, r;
	const struct insn *nx = in + 1;
	uint32_t a = 0;
	bool both = nx < c->run_end;
	if (kind == SECOND_ST) { /* ST(j) of the pushed stack: the copy itself for j = 0 */
		unsigned j = (p + nx->reg[1]) & 7;
		struct f80 src = j == p ? v : f->st[j];
		both = both && (j == p || !empty_p(f, j)) && quick(f->fcw, op, v, src, &r, &bits);
	} else if (kind == SECOND_M64) {
		uint64_t m;
		struct f80 src;
		a = ea32(c, nx);
		both = both && plain_read8(c, a);
		if (both)
			memcpy(&m, c->mem.base + a, 8);
		both = both && f80_quick_ld_f64(m, &src) && quick(f->fcw, op, v, src, &r, &bits);
	} else {
		both = both && f80_quick_sqrt(f->fcw, v, &r, &bits);
	}
	if (!both) {
		push(f, p, v);
		note(c, in);
		return chain(c, in);
	}
	push(f, p, r);
	set_status(f, bits, p);
	note(c, nx);
	if (kind == SECOND_M64)
		f->fdp = a;
	return chain(c, nx);
}

#define FLD_PAIRS(name, op)                                                                        \
	static int fld_##name##_st(struct cpu *c, const struct insn *in) { return fld_then(c, in, SECOND_ST, op); } \
	static int fld_##name##_m64(struct cpu *c, const struct insn *in) { return fld_then(c, in, SECOND_M64, op); }

FLD_PAIRS(fadd, AR_ADD)
FLD_PAIRS(fsub, AR_SUB)
FLD_PAIRS(fsubr, AR_SUBR)
FLD_PAIRS(fmul, AR_MUL)
FLD_PAIRS(fdiv, AR_DIV)
FLD_PAIRS(fdivr, AR_DIVR)

static int fld_fsqrt(struct cpu *c, const struct insn *in) { return fld_then(c, in, SECOND_SQRT, AR_ADD); }

/* Whether two instructions address the same memory operand (32-bit addressing both). */
static bool same_operand(const struct insn *x, const struct insn *y)
{
	return x->disp == y->disp && x->base == y->base && x->index == y->index &&
	       x->scale == y->scale;
}

insn_fn fpu_fast_fuse(const struct insn *first, const struct insn *second)
{
	static const struct {
		insn_fn first, second, fused;
	} pairs[] = {
		{ fld_st, fadd_st, fld_fadd_st }, { fld_st, fsub_st, fld_fsub_st },
		{ fld_st, fsubr_st, fld_fsubr_st }, { fld_st, fmul_st, fld_fmul_st },
		{ fld_st, fdiv_st, fld_fdiv_st }, { fld_st, fdivr_st, fld_fdivr_st },
		{ fld_st, fadd_m64, fld_fadd_m64 }, { fld_st, fsub_m64, fld_fsub_m64 },
		{ fld_st, fsubr_m64, fld_fsubr_m64 }, { fld_st, fmul_m64, fld_fmul_m64 },
		{ fld_st, fdiv_m64, fld_fdiv_m64 }, { fld_st, fdivr_m64, fld_fdivr_m64 },
		{ fld_st, fsqrt_st0, fld_fsqrt },
		{ fstp_m64, fld_m64, fstp_m64_fld },
		{ fadd_m64, fstp_m64, fadd_m64_fstp }, { fsub_m64, fstp_m64, fsub_m64_fstp },
		{ fsubr_m64, fstp_m64, fsubr_m64_fstp }, { fmul_m64, fstp_m64, fmul_m64_fstp },
		{ fdiv_m64, fstp_m64, fdiv_m64_fstp }, { fdivr_m64, fstp_m64, fdivr_m64_fstp },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (first->fn != pairs[i].first || second->fn != pairs[i].second)
			continue;
		if (pairs[i].second == fadd_st || pairs[i].second == fsub_st ||
		    pairs[i].second == fsubr_st || pairs[i].second == fmul_st ||
		    pairs[i].second == fdiv_st || pairs[i].second == fdivr_st)
			return second->reg[0] == 0 ? pairs[i].fused : NULL; /* onto the copy only */
		if (pairs[i].first != fld_st && !same_operand(first, second))
			return NULL;
		return pairs[i].fused;
	}
	return NULL;
}

/* The arithmetic forms of one operation: [0] m64fp, [1] ST(i), ST(j), [2] popping. */
static insn_fn arith_form(const struct insn *in, bool pop, insn_fn m64, insn_fn st, insn_fn stp)
{
	if (pop)
		return in->kind[0] == OPK_ST && in->kind[1] == OPK_ST ? stp : NULL;
	if (in->kind[0] == OPK_MEM)
		return in->sz[0] == 8 ? m64 : NULL;
	return in->kind[0] == OPK_ST && in->kind[1] == OPK_ST ? st : NULL;
}

insn_fn fpu_fast_form(ZydisMnemonic m, const struct insn *in)
{
	if (in->kind[0] == OPK_MEM && (in->pfx & PFX_A16))
		return NULL; /* 16-bit addressing: the generic handlers */
	bool mem64 = in->kind[0] == OPK_MEM && in->sz[0] == 8, st = in->kind[0] == OPK_ST;
	switch (m) {
	case ZYDIS_MNEMONIC_FLD: return mem64 ? fld_m64 : st ? fld_st : NULL;
	case ZYDIS_MNEMONIC_FST: return mem64 ? fst_m64_keep : st ? fst_st_keep : NULL;
	case ZYDIS_MNEMONIC_FSTP: return mem64 ? fstp_m64 : st ? fstp_st : NULL;
	case ZYDIS_MNEMONIC_FXCH: return st ? fxch_st : NULL;
	case ZYDIS_MNEMONIC_FSQRT: return fsqrt_st0;
	case ZYDIS_MNEMONIC_FADD: return arith_form(in, false, fadd_m64, fadd_st, NULL);
	case ZYDIS_MNEMONIC_FSUB: return arith_form(in, false, fsub_m64, fsub_st, NULL);
	case ZYDIS_MNEMONIC_FSUBR: return arith_form(in, false, fsubr_m64, fsubr_st, NULL);
	case ZYDIS_MNEMONIC_FMUL: return arith_form(in, false, fmul_m64, fmul_st, NULL);
	case ZYDIS_MNEMONIC_FDIV: return arith_form(in, false, fdiv_m64, fdiv_st, NULL);
	case ZYDIS_MNEMONIC_FDIVR: return arith_form(in, false, fdivr_m64, fdivr_st, NULL);
	case ZYDIS_MNEMONIC_FADDP: return arith_form(in, true, NULL, NULL, faddp_st);
	case ZYDIS_MNEMONIC_FSUBP: return arith_form(in, true, NULL, NULL, fsubp_st);
	case ZYDIS_MNEMONIC_FSUBRP: return arith_form(in, true, NULL, NULL, fsubrp_st);
	case ZYDIS_MNEMONIC_FMULP: return arith_form(in, true, NULL, NULL, fmulp_st);
	case ZYDIS_MNEMONIC_FDIVP: return arith_form(in, true, NULL, NULL, fdivp_st);
	case ZYDIS_MNEMONIC_FDIVRP: return arith_form(in, true, NULL, NULL, fdivrp_st);
	default: return NULL;
	}
}
