/* flags.h - arithmetic flags computed eagerly, exactly as the Intel SDM defines them.
 *
 * Each helper returns the OSZAPC bits for an n-byte (1, 2, 4) operation; set_flags() merges
 * them into EFLAGS under a mask, so instructions that leave some flags alone (INC/DEC keep CF)
 * say so in one place. Conditions use Intel's tttn numbering (SDM Vol. 2, Appendix B.1.4.7).
 */
#ifndef DENALI_FLAGS_H
#define DENALI_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/insn.h"

/* SF, ZF and PF of an n-byte result. */
static FORCE_INLINE uint32_t flags_szp(uint32_t res, unsigned n)
{
	uint32_t f = 0;
	res &= size_mask(n);
	if (res == 0)
		f |= FL_ZF;
	if (res & size_sign(n))
		f |= FL_SF;
	if (!__builtin_parity(res & 0xFF))
		f |= FL_PF;
	return f;
}

/* res = a + b + carry (carry 0 or 1). */
static inline uint32_t flags_add(uint32_t a, uint32_t b, uint32_t carry, unsigned n)
{
	uint32_t m = size_mask(n);
	uint64_t wide = (uint64_t)(a & m) + (b & m) + carry;
	uint32_t res = (uint32_t)wide;
	uint32_t f = flags_szp(res, n);
	if (wide > m)
		f |= FL_CF;
	if ((a ^ res) & (b ^ res) & size_sign(n))
		f |= FL_OF;
	if ((a ^ b ^ res) & 0x10)
		f |= FL_AF;
	return f;
}

/* res = a - b - borrow (borrow 0 or 1); also CMP and NEG (a = 0). */
static inline uint32_t flags_sub(uint32_t a, uint32_t b, uint32_t borrow, unsigned n)
{
	uint32_t m = size_mask(n);
	uint32_t res = a - b - borrow;
	uint32_t f = flags_szp(res, n);
	if ((uint64_t)(a & m) < (uint64_t)(b & m) + borrow)
		f |= FL_CF;
	if ((a ^ b) & (a ^ res) & size_sign(n))
		f |= FL_OF;
	if ((a ^ b ^ res) & 0x10)
		f |= FL_AF;
	return f;
}

/* AND, OR, XOR, TEST: OF = CF = 0; AF is undefined (we clear it, as P6 does). */
static inline uint32_t flags_logic(uint32_t res, unsigned n)
{
	return flags_szp(res, n);
}

/* Lazy flags: the hottest ALU forms (fast.c) record their operands and result instead of
 * computing OSZAPC; the flags are computed only when something reads them. Every read of
 * OSZAPC goes through cpu_eflags() or cpu_cond(); every write through set_flags(), which
 * first brings eflags up to date. cpu_run() leaves eflags current when it returns. */
enum lazy_op { LF_NONE, LF_ADD, LF_SUB, LF_LOGIC, LF_INC, LF_DEC };

static inline uint32_t lazy_compute(const struct lazy_flags *l)
{
	switch (l->op) {
	case LF_ADD: return flags_add(l->a, l->b, 0, l->n);
	case LF_SUB: return flags_sub(l->a, l->b, 0, l->n);
	case LF_LOGIC: return flags_logic(l->res, l->n);
	case LF_INC: return (flags_add(l->a, 1, 0, l->n) & ~FL_CF) | (l->cf ? FL_CF : 0);
	default: return (flags_sub(l->a, 1, 0, l->n) & ~FL_CF) | (l->cf ? FL_CF : 0);
	}
}

/* Bring OSZAPC in eflags up to date. */
static inline void flags_sync(struct cpu *c)
{
	if (c->lf.op != LF_NONE) {
		c->eflags = (c->eflags & ~FL_OSZAPC) | lazy_compute(&c->lf);
		c->lf.op = LF_NONE;
	}
}

static inline uint32_t cpu_eflags(struct cpu *c)
{
	flags_sync(c);
	return c->eflags;
}

/* Record an n-byte operation whose flags are computed only if read. */
static FORCE_INLINE void lazy_set(struct cpu *c, enum lazy_op op, unsigned n, uint32_t res, uint32_t a,
			    uint32_t b)
{
	/* Only what each operation's flags are computed from is stored: a logical operation's
	 * come from its result alone, INC's and DEC's from the operand and the kept CF. */
	uint32_t m = size_mask(n);
	struct lazy_flags *l = &c->lf;
	l->res = res;
	l->op = (uint8_t)op;
	l->n = (uint8_t)n;
	switch (op) {
	case LF_ADD: l->a = a; l->b = b; l->cf = (res & m) < (a & m); break;
	case LF_SUB: l->a = a; l->b = b; l->cf = (a & m) < (b & m); break;
	case LF_LOGIC: l->cf = 0; break;
	default: l->a = a; l->cf = b; break; /* INC, DEC: b is the CF they keep */
	}
}

/* CF alone, without computing the rest (INC and DEC keep it). */
static FORCE_INLINE uint32_t cpu_cf(struct cpu *c)
{
	return c->lf.op == LF_NONE ? c->eflags & FL_CF : c->lf.cf;
}

/* ZF alone: every lazy operation's ZF is "the result is zero". */
static FORCE_INLINE bool cpu_zf(struct cpu *c)
{
	if (c->lf.op == LF_NONE)
		return c->eflags & FL_ZF;
	return (c->lf.res & size_mask(c->lf.n)) == 0;
}

/* Replace the flags in mask with those in f. */
static inline void set_flags(struct cpu *c, uint32_t mask, uint32_t f)
{
	if ((mask & FL_OSZAPC) == FL_OSZAPC)
		c->lf.op = LF_NONE; /* every lazy flag is overwritten */
	else
		flags_sync(c);
	c->eflags = (c->eflags & ~mask) | (f & mask);
}

/* Replace CF and OF, keeping SF, ZF, AF and PF (IMUL's fast forms). A lazy record's SF, ZF and
 * PF come from its result and its AF from one XOR, so this needs no full flags_sync. */
static FORCE_INLINE void set_cf_of(struct cpu *c, uint32_t f)
{
	const struct lazy_flags *l = &c->lf;
	uint32_t fl = c->eflags & ~(FL_CF | FL_OF);
	if (l->op != LF_NONE) {
		uint32_t af = l->op == LF_LOGIC ? 0 : (l->a ^ (l->op >= LF_INC ? 1 : l->b) ^ l->res) & FL_AF;
		fl = (fl & ~FL_SZAPC) | flags_szp(l->res, l->n) | af;
		c->lf.op = LF_NONE;
	}
	c->eflags = fl | (f & (FL_CF | FL_OF));
}

/* Whether condition cc (0 O, 1 NO, 2 B, 3 NB, 4 Z, 5 NZ, 6 BE, 7 NBE, 8 S, 9 NS, 10 P, 11 NP,
 * 12 L, 13 NL, 14 LE, 15 NLE) holds for these flags. */
static inline bool cond_holds(uint32_t fl, unsigned cc)
{
	bool r;
	switch (cc >> 1) {
	case 0: r = fl & FL_OF; break;
	case 1: r = fl & FL_CF; break;
	case 2: r = fl & FL_ZF; break;
	case 3: r = fl & (FL_CF | FL_ZF); break;
	case 4: r = fl & FL_SF; break;
	case 5: r = fl & FL_PF; break;
	case 6: r = !(fl & FL_SF) != !(fl & FL_OF); break;
	default: r = (fl & FL_ZF) || (!(fl & FL_SF) != !(fl & FL_OF)); break;
	}
	return r ^ (cc & 1);
}

/* Whether condition cc holds, straight from the lazy operands where that is cheap (the
 * compare-and-branch pairs of compiled code), else from the computed flags. */
static FORCE_INLINE bool cpu_cond(struct cpu *c, unsigned cc)
{
	const struct lazy_flags *l = &c->lf;
	if (l->op == LF_SUB) {
		/* Operands zero- and sign-extended from their size compare as the flags would. */
		uint32_t m = size_mask(l->n), a = l->a & m, b = l->b & m;
		int32_t sa = (int32_t)sext(a, l->n), sb = (int32_t)sext(b, l->n);
		bool r;
		switch (cc >> 1) {
		case 1: r = a < b; break;                            /* B */
		case 2: r = a == b; break;                           /* Z */
		case 3: r = a <= b; break;                           /* BE */
		case 4: r = l->res & size_sign(l->n); break;         /* S */
		case 6: r = sa < sb; break;                          /* L */
		case 7: r = sa <= sb; break;                         /* LE */
		default: return cond_holds(cpu_eflags(c), cc);
		}
		return r ^ (cc & 1);
	}
	if (l->op == LF_LOGIC) { /* OF = CF = 0 */
		int32_t res = (int32_t)sext(l->res & size_mask(l->n), l->n);
		bool r;
		switch (cc >> 1) {
		case 0: case 1: r = false; break;                    /* O, B */
		case 2: case 3: r = res == 0; break;                 /* Z, BE */
		case 4: case 6: r = res < 0; break;                  /* S, L */
		case 7: r = res <= 0; break;                         /* LE */
		default: return cond_holds(cpu_eflags(c), cc);
		}
		return r ^ (cc & 1);
	}
	if (l->op != LF_NONE && (cc >> 1) == 2) /* Z after INC, DEC, ADD */
		return cpu_zf(c) ^ (cc & 1);
	return cond_holds(cpu_eflags(c), cc);
}

#endif
