/* shift.h - SHL, SHR and SAR as pure functions, shared by shift.c and the fast forms (fast.c),
 * which need them inlined. The rules for the flags the SDM leaves undefined are shift.c's. */
#ifndef DENALI_SHIFT_H
#define DENALI_SHIFT_H

#include "cpu/flags.h"
#include "cpu/insn.h"

/* One operation: d the destination, s the SHLD/SHRD source, cnt the masked count (1..31),
 * n the size in bytes; *fl holds EFLAGS in and out. Returns the result (low n bytes used). */
typedef uint32_t (*shift_op)(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl);

/* Bit b of v, as 0 or 1. */
static FORCE_INLINE uint32_t bit(uint64_t v, unsigned b)
{
	return (uint32_t)(v >> b) & 1u;
}

/* Merge the flags a shift defines: CF and OF as given, SF/ZF/PF from the result, AF = 1. */
static FORCE_INLINE uint32_t shift_flags(uint32_t fl, uint32_t res, unsigned n, uint32_t cf, uint32_t of)
{
	fl &= ~FL_OSZAPC;
	fl |= flags_szp(res, n) | FL_AF;
	if (cf)
		fl |= FL_CF;
	if (of)
		fl |= FL_OF;
	return fl;
}

/* SHL/SAL: CF = last bit shifted out; OF = MSB(result) XOR CF (SDM: defined for count 1). */
static FORCE_INLINE uint32_t do_shl(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n;
	uint64_t wide = (uint64_t)(d & size_mask(n)) << cnt;
	uint32_t res = (uint32_t)wide & size_mask(n);
	uint32_t cf = bit(wide, w);
	(void)s;
	*fl = shift_flags(*fl, res, n, cf, bit(res, w - 1) ^ cf);
	return res;
}

/* SHR: CF = last bit shifted out; OF = MSB of the original operand for count 1 (SDM), which
 * is the bit below the result's MSB; that bit is what OF gets for every count. */
static FORCE_INLINE uint32_t do_shr(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n;
	uint32_t v = d & size_mask(n);
	uint32_t res = (uint32_t)((uint64_t)v >> cnt);
	(void)s;
	*fl = shift_flags(*fl, res, n, bit(v, cnt - 1), bit(res, w - 2));
	return res;
}

/* SAR: the sign fills in; CF = last bit shifted out (the sign once the count passes the
 * width); OF = 0 (SDM: cleared for count 1). */
static FORCE_INLINE uint32_t do_sar(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	int32_t v = (int32_t)sext(d, n);
	uint32_t res = (uint32_t)(v >> cnt) & size_mask(n);
	(void)s;
	*fl = shift_flags(*fl, res, n, (uint32_t)(v >> (cnt - 1)) & 1u, 0);
	return res;
}

enum shift_kind { SHIFT_SHL, SHIFT_SHR, SHIFT_SAR };

/* SHL, SHR or SAR of a 32-bit value by a masked count of 1 to 31; *fl is EFLAGS in and out
 * (all of OSZAPC rewritten). */
static FORCE_INLINE uint32_t shift32(enum shift_kind k, uint32_t d, unsigned cnt, uint32_t *fl)
{
	switch (k) {
	case SHIFT_SHL: return do_shl(d, 0, cnt, 4, fl);
	case SHIFT_SHR: return do_shr(d, 0, cnt, 4, fl);
	default: return do_sar(d, 0, cnt, 4, fl);
	}
}

#endif
