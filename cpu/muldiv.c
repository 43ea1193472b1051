/* muldiv.c - multiply and divide: MUL IMUL DIV IDIV, with the accumulator pairs AX, DX:AX, EDX:EAX.
 *
 * The one-operand forms take their r/m source as operand 0 and use the accumulator implicitly:
 * for n = 1 the double-width value is AX (low half AL, high half AH), for n = 2 DX:AX, for
 * n = 4 EDX:EAX (Intel SDM Vol. 2, MUL/IMUL/DIV/IDIV).
 *
 * Undefined flags, chosen to be a fixed function of the inputs: MUL and IMUL leave SF, ZF, AF
 * and PF as they were (what the AMD hosts we checked do); DIV and IDIV leave all six flags as
 * they were. Arithmetic is done in 64 bits so no C signed overflow can occur (INT64_MIN / -1 is
 * handled before dividing).
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* Byte offsets in cpu.r of the accumulator halves for an n-byte operation. */
static unsigned acc_lo(void)
{
	return 4 * REG_EAX;
}
static unsigned acc_hi(unsigned n)
{
	return n == 1 ? 1 /* AH */ : 4 * REG_EDX;
}

/* The double-width dividend AX, DX:AX or EDX:EAX, zero-extended. */
static uint64_t acc_pair(const struct cpu *c, unsigned n)
{
	uint64_t lo = reg_get(c, acc_lo(), n), hi = reg_get(c, acc_hi(n), n);
	return hi << (8 * n) | lo;
}

/* Store lo and hi into the accumulator pair (AL/AH, AX/DX, EAX/EDX). */
static void acc_put(struct cpu *c, unsigned n, uint32_t lo, uint32_t hi)
{
	reg_put(c, acc_lo(), n, lo);
	reg_put(c, acc_hi(n), n, hi);
}

/* Signed value of the low n bytes of v, widened. */
static int64_t sval(uint32_t v, unsigned n)
{
	return (int32_t)sext(v, n);
}

/* The 2n-byte value p as a signed number (n = 1, 2, 4: 16, 32, 64 bits). */
static int64_t sval2(uint64_t p, unsigned n)
{
	if (n == 4)
		return (int64_t)p;
	return n == 2 ? (int32_t)(uint32_t)p : (int16_t)(uint16_t)p;
}

/* CF and OF together, set when the high half of a product is significant. */
static uint32_t cf_of(bool overflow)
{
	return overflow ? FL_CF | FL_OF : 0;
}

int op_mul(struct cpu *c, const struct insn *in)
{
	unsigned n = insn_osz(in);
	uint32_t src;
	uint64_t p;

	if (opnd_get(c, in, 0, &src))
		return ST_FAULT;
	p = (uint64_t)reg_get(c, acc_lo(), n) * src;
	acc_put(c, n, (uint32_t)p, (uint32_t)(p >> (8 * n)));
	/* CF = OF = 1 when the upper half of the result is not zero. */
	set_flags(c, FL_CF | FL_OF, cf_of((p >> (8 * n)) != 0));
	return ST_NEXT;
}

/* IMUL has three forms (SDM Vol. 2, IMUL): one operand (accumulator pair = acc * r/m), two
 * (r = r * r/m) and three (r = r/m * imm). CF = OF = 1 when the signed product does not fit
 * the destination; the truncated product is the same as an unsigned one. */
int op_imul(struct cpu *c, const struct insn *in)
{
	unsigned n = insn_osz(in);
	uint32_t a, b;
	int64_t p;

	if (in->kind[1] == OPK_NONE) {
		if (opnd_get(c, in, 0, &b))
			return ST_FAULT;
		p = sval(reg_get(c, acc_lo(), n), n) * sval(b, n);
		acc_put(c, n, (uint32_t)p, (uint32_t)((uint64_t)p >> (8 * n)));
		set_flags(c, FL_CF | FL_OF, cf_of(p != sval((uint32_t)p, n)));
		return ST_NEXT;
	}
	if (in->kind[2] == OPK_NONE) {
		if (opnd_get(c, in, 0, &a) || opnd_get(c, in, 1, &b))
			return ST_FAULT;
	} else if (opnd_get(c, in, 1, &a) || opnd_get(c, in, 2, &b)) {
		return ST_FAULT;
	}
	p = sval(a, n) * sval(b, n);
	if (opnd_put(c, in, 0, (uint32_t)p))
		return ST_FAULT;
	set_flags(c, FL_CF | FL_OF, cf_of(p != sval((uint32_t)p, n)));
	return ST_NEXT;
}

/* DIV: unsigned pair / r/m; #DE on a zero divisor or a quotient wider than n bytes. */
int op_div(struct cpu *c, const struct insn *in)
{
	unsigned n = insn_osz(in);
	uint32_t src;
	uint64_t d, q;

	if (opnd_get(c, in, 0, &src))
		return ST_FAULT;
	if (src == 0)
		return cpu_raise(c, DVA_VEC_DE, 0);
	d = acc_pair(c, n);
	q = d / src;
	if (q > size_mask(n))
		return cpu_raise(c, DVA_VEC_DE, 0);
	acc_put(c, n, (uint32_t)q, (uint32_t)(d % src));
	return ST_NEXT;
}

/* IDIV: signed pair / r/m, quotient truncated toward zero, remainder with the dividend's sign.
 * #DE on a zero divisor or a quotient outside [-2^(8n-1), 2^(8n-1) - 1] (SDM pseudo-code: the
 * most negative quotient is allowed; IDIV of the most negative dividend by -1 faults). */
int op_idiv(struct cpu *c, const struct insn *in)
{
	unsigned n = insn_osz(in);
	int64_t max = (int64_t)size_mask(n) >> 1, min = -max - 1;
	uint32_t src;
	int64_t d, s, q, r;

	if (opnd_get(c, in, 0, &src))
		return ST_FAULT;
	s = sval(src, n);
	if (s == 0)
		return cpu_raise(c, DVA_VEC_DE, 0);
	d = sval2(acc_pair(c, n), n);
	if (s == -1) {
		/* q = -d, computed only where it is in range (never for INT64_MIN). */
		if (d < -max || d > -min)
			return cpu_raise(c, DVA_VEC_DE, 0);
		q = -d;
		r = 0;
	} else {
		q = d / s;
		r = d % s;
	}
	if (q < min || q > max)
		return cpu_raise(c, DVA_VEC_DE, 0);
	acc_put(c, n, (uint32_t)q, (uint32_t)r);
	return ST_NEXT;
}
