/* shift.c - shifts and rotates: SHL SHR SAR ROL ROR RCL RCR SHLD SHRD.
 *
 * Every form has the destination as operand 0 and the count as operand 1 (imm8, CL, or the
 * constant 1 of D0/D1, which the decoder lists as an immediate 1); SHLD/SHRD have the source
 * register as operand 1 and the count as operand 2. The count is masked to 5 bits; a masked
 * count of 0 changes neither the destination nor any flag (SDM Vol. 2, SAL/SAR/SHL/SHR, RCL/RCR/
 * ROL/ROR, SHLD, SHRD). The destination is still read first, so a memory form with a zero
 * count faults on an unwritable operand as the hardware's read-modify-write does.
 *
 * Each operation is a pure function of (destination, source, count, size, EFLAGS) returning the
 * result and the new EFLAGS. Flags the SDM leaves undefined are fixed functions of the inputs,
 * chosen to match the AMD EPYC host the unit vectors were taken from:
 *   - AF after SHL/SHR/SAR/SHLD/SHRD with a non-zero count is 1;
 *   - OF for counts above 1 follows the count-1 formula applied to the final step (see each op);
 *   - CF of SHL/SHR for counts at or above the width is the last bit shifted out of the value
 *     zero-extended to 32 bits (so 0 once the count exceeds the width);
 *   - 16-bit SHLD/SHRD with counts above 16 shift the 48-bit value dest:src:dest (see shld16).
 */
#include "cpu/shift.h"

#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* Merge the flags a rotate defines: CF and OF only. */
static uint32_t rotate_flags(uint32_t fl, uint32_t cf, uint32_t of)
{
	fl &= ~(FL_CF | FL_OF);
	if (cf)
		fl |= FL_CF;
	if (of)
		fl |= FL_OF;
	return fl;
}

/* ROL: rotate by cnt mod width; CF = LSB(result); OF = MSB(result) XOR CF. A count that is a
 * multiple of the width (8/16-bit) leaves the value but still sets CF and OF (SDM ROL). */
static uint32_t do_rol(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n, r = cnt % w;
	uint32_t v = d & size_mask(n);
	uint32_t res = r ? ((v << r) | (v >> (w - r))) & size_mask(n) : v;
	uint32_t cf = res & 1u;
	(void)s;
	*fl = rotate_flags(*fl, cf, bit(res, w - 1) ^ cf);
	return res;
}

/* ROR: CF = MSB(result); OF = MSB(result) XOR the bit below it. */
static uint32_t do_ror(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n, r = cnt % w;
	uint32_t v = d & size_mask(n);
	uint32_t res = r ? ((v >> r) | (v << (w - r))) & size_mask(n) : v;
	(void)s;
	*fl = rotate_flags(*fl, bit(res, w - 1), bit(res, w - 1) ^ bit(res, w - 2));
	return res;
}

/* RCL/RCR rotate the (width+1)-bit value CF:dest; 8/16-bit counts are taken mod width+1.
 * Returns that rotated value; the caller splits off the result and CF. */
static uint64_t rc_rotate(uint32_t d, unsigned cnt, unsigned n, uint32_t fl, bool left)
{
	unsigned w = 8 * n, r = n == 4 ? cnt : cnt % (w + 1);
	uint64_t m = (2ull << w) - 1; /* width + 1 bits */
	uint64_t v = ((uint64_t)(fl & FL_CF ? 1 : 0) << w) | (d & size_mask(n));
	if (r == 0)
		return v;
	if (!left)
		r = w + 1 - r;
	return ((v << r) | (v >> (w + 1 - r))) & m;
}

/* RCL: OF = MSB(result) XOR the new CF. */
static uint32_t do_rcl(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n;
	uint64_t v = rc_rotate(d, cnt, n, *fl, true);
	uint32_t res = (uint32_t)v & size_mask(n), cf = bit(v, w);
	(void)s;
	*fl = rotate_flags(*fl, cf, bit(res, w - 1) ^ cf);
	return res;
}

/* RCR: OF = MSB(result) XOR the bit below it (for count 1, the old MSB XOR the old CF). */
static uint32_t do_rcr(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n;
	uint64_t v = rc_rotate(d, cnt, n, *fl, false);
	uint32_t res = (uint32_t)v & size_mask(n);
	(void)s;
	*fl = rotate_flags(*fl, bit(v, w), bit(res, w - 1) ^ bit(res, w - 2));
	return res;
}

/* SHLD: dest shifted left, filled from the top of src. CF = last bit shifted out of dest;
 * OF = MSB(result) XOR CF (for count 1, whether the sign changed). A 16-bit count above 16
 * (undefined in the SDM) shifts the 48-bit value dest:src:src and clears CF and OF, and a count
 * of exactly 16 sets OF = CF, as the host does. */
static uint32_t do_shld(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n;
	uint32_t res, cf, of;
	if (n == 4) {
		res = (uint32_t)(((((uint64_t)d << 32) | s) << cnt) >> 32);
		cf = bit(d, 32 - cnt);
		of = bit(res, w - 1) ^ cf;
	} else {
		uint64_t wide = ((uint64_t)(d & 0xFFFF) << 32) | ((s & 0xFFFF) * 0x10001ull);
		res = (uint32_t)((wide << cnt) >> 32) & 0xFFFF;
		cf = cnt <= 16 ? bit(d, 16 - cnt) : 0;
		of = cnt < 16 ? bit(res, w - 1) ^ cf : cf; /* the host's choice for 16 and above */
	}
	*fl = shift_flags(*fl, res, n, cf, of);
	return res;
}

/* SHRD: dest shifted right, filled from the bottom of src. CF = last bit shifted out of dest;
 * OF = MSB(result) XOR the bit below it (for count 1, whether the sign changed). A 16-bit count
 * above 16 shifts the 48-bit value src:src:dest and clears CF, as the host does. */
static uint32_t do_shrd(uint32_t d, uint32_t s, unsigned cnt, unsigned n, uint32_t *fl)
{
	unsigned w = 8 * n;
	uint32_t res, cf;
	if (n == 4) {
		res = (uint32_t)((((uint64_t)s << 32) | d) >> cnt);
		cf = bit(d, cnt - 1);
	} else {
		uint64_t wide = ((s & 0xFFFF) * 0x100010000ull) | (d & 0xFFFF);
		res = (uint32_t)(wide >> cnt) & 0xFFFF;
		cf = cnt <= 16 ? bit(d, cnt - 1) : 0;
	}
	*fl = shift_flags(*fl, res, n, cf, bit(res, w - 1) ^ bit(res, w - 2));
	return res;
}

/* Read destination and count (and SHLD/SHRD's source), apply op, write back, set flags. */
static int shift_run(struct cpu *c, const struct insn *in, int count_opnd, shift_op op)
{
	uint32_t d, s = 0, cnt, fl = cpu_eflags(c), res;

	if (opnd_get(c, in, 0, &d) || opnd_get(c, in, count_opnd, &cnt))
		return ST_FAULT;
	if (count_opnd == 2 && opnd_get(c, in, 1, &s))
		return ST_FAULT;
	cnt &= 31;
	if (cnt == 0)
		return ST_NEXT;
	res = op(d, s, cnt, in->sz[0], &fl);
	if (opnd_put(c, in, 0, res))
		return ST_FAULT;
	c->eflags = fl;
	return ST_NEXT;
}

int op_shl(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_shl);
}

int op_shr(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_shr);
}

int op_sar(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_sar);
}

int op_rol(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_rol);
}

int op_ror(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_ror);
}

int op_rcl(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_rcl);
}

int op_rcr(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 1, do_rcr);
}

int op_shld(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 2, do_shld);
}

int op_shrd(struct cpu *c, const struct insn *in)
{
	return shift_run(c, in, 2, do_shrd);
}
