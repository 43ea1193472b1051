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
static inline uint32_t flags_szp(uint32_t res, unsigned n)
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

/* Replace the flags in mask with those in f. */
static inline void set_flags(struct cpu *c, uint32_t mask, uint32_t f)
{
	c->eflags = (c->eflags & ~mask) | (f & mask);
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

#endif
