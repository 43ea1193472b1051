/* bits.c - bit test and scan: BT BTS BTR BTC BSF BSR.
 *
 * BT*: operand 0 is the bit string (register or memory), operand 1 the bit offset (register or
 * imm8). With a register string or an immediate offset the offset is taken mod the operand
 * width. With a memory string and a register offset the offset is signed and may reach bits
 * outside the operand: the word read is at ea + size * (offset >> log2(width)) (arithmetic
 * shift) and the bit is offset mod width (SDM Vol. 2, BT, "Bit(BitBase, BitOffset)"). The
 * decoder does not mark BTS/BTR/BTC read-modify-write (their word is not operand 0's address),
 * so write permission on that word is checked here before anything changes.
 *
 * Flags: CF = the selected bit; ZF unchanged; OF, SF, AF and PF are undefined and, as on the
 * AMD host the vectors come from, left unchanged. BSF/BSR: ZF = (source == 0); the destination
 * is left unchanged for a zero source (DVA-1 section 2); CF, OF, SF and AF are undefined and
 * cleared, and PF is the parity of the index (of 0 for a zero source), as on the host.
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* What BTS/BTR/BTC do to the selected bit. */
enum bt_kind { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static uint32_t bt_apply(enum bt_kind k, uint32_t v, uint32_t mask)
{
	switch (k) {
	case BT_SET: return v | mask;
	case BT_RESET: return v & ~mask;
	case BT_COMPLEMENT: return v ^ mask;
	default: return v;
	}
}

/* The address of the word a memory BT* with a register offset selects, and the bit in it. */
static uint32_t bt_mem_addr(const struct cpu *c, const struct insn *in, uint32_t off, unsigned *bitno)
{
	unsigned n = in->sz[0];
	int32_t soff = (int32_t)sext(off, n);
	int32_t words = n == 4 ? soff >> 5 : soff >> 4; /* arithmetic: floor division */
	*bitno = (unsigned)soff & (8 * n - 1);
	/* The displacement is part of the effective address, so it wraps with it (0x67: 64 KiB). */
	return (insn_ea(c, in) + (uint32_t)words * n) & addr_mask(in);
}

static int bt_run(struct cpu *c, const struct insn *in, enum bt_kind k)
{
	unsigned n = in->sz[0], bitno;
	uint32_t off, v, res;

	if (opnd_get(c, in, 1, &off))
		return ST_FAULT;
	if (in->kind[0] == OPK_MEM && in->kind[1] == OPK_REG) {
		uint32_t a = bt_mem_addr(c, in, off, &bitno);
		if (k != BT_TEST && mem_check_write(&c->mem, a, n, &c->fault))
			return ST_FAULT;
		if (mem_rdn(&c->mem, a, n, &v, &c->fault))
			return ST_FAULT;
		res = bt_apply(k, v, 1u << bitno);
		if (k != BT_TEST && mem_wrn(&c->mem, a, n, res, &c->fault))
			return ST_FAULT;
	} else {
		bitno = off & (8 * n - 1);
		if (in->kind[0] == OPK_MEM && k != BT_TEST &&
		    mem_check_write(&c->mem, insn_ea(c, in), n, &c->fault))
			return ST_FAULT;
		if (opnd_get(c, in, 0, &v))
			return ST_FAULT;
		res = bt_apply(k, v, 1u << bitno);
		if (k != BT_TEST && opnd_put(c, in, 0, res))
			return ST_FAULT;
	}
	set_flags(c, FL_CF, (v >> bitno) & 1u ? FL_CF : 0);
	return ST_NEXT;
}

int op_bt(struct cpu *c, const struct insn *in)
{
	return bt_run(c, in, BT_TEST);
}

int op_bts(struct cpu *c, const struct insn *in)
{
	return bt_run(c, in, BT_SET);
}

int op_btr(struct cpu *c, const struct insn *in)
{
	return bt_run(c, in, BT_RESET);
}

int op_btc(struct cpu *c, const struct insn *in)
{
	return bt_run(c, in, BT_COMPLEMENT);
}

/* BSF/BSR: operand 0 the destination register, operand 1 the source. */
static int bitscan(struct cpu *c, const struct insn *in, bool reverse)
{
	uint32_t src, idx = 0;

	if (opnd_get(c, in, 1, &src))
		return ST_FAULT;
	src &= size_mask(in->sz[1]);
	if (src != 0) {
		idx = reverse ? 31u - (uint32_t)__builtin_clz(src) : (uint32_t)__builtin_ctz(src);
		reg_put(c, in->reg[0], in->sz[0], idx);
	}
	set_flags(c, FL_OSZAPC, (src ? 0 : FL_ZF) | (flags_szp(idx, 1) & FL_PF));
	return ST_NEXT;
}

int op_bsf(struct cpu *c, const struct insn *in)
{
	return bitscan(c, in, false);
}

int op_bsr(struct cpu *c, const struct insn *in)
{
	return bitscan(c, in, true);
}
