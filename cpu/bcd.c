/* bcd.c - decimal arithmetic adjustments: DAA DAS AAA AAS AAM AAD, on AL and AH.
 *
 * Results and defined flags follow the Intel SDM Vol. 2 pseudo-code of each instruction. The
 * flags the SDM leaves undefined get a fixed function of the inputs, the one the (AMD) hosts
 * we checked exhaustively compute; each is "the flags of the adjusting add or subtract":
 *   DAA/DAS  OF of the 8-bit add/subtract of the total adjustment (AL_new - AL_old) to AL;
 *   AAA/AAS  SF, ZF, PF and OF of the 16-bit add/subtract of 0x106 (or 0) to AX, taken before
 *            the high nibble of AL is cleared;
 *   AAM      OF = AF = CF = 0;
 *   AAD      OF, AF and CF of the 8-bit add AL + (AH * base).
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* Byte offsets of AL and AH in cpu.r. */
enum { OFF_AL = 4 * REG_EAX, OFF_AH = 4 * REG_EAX + 1 };

/* The low nibble needs adjusting: it is not a decimal digit, or the last operation carried
 * out of it. */
static bool low_digit_adjust(struct cpu *c, uint32_t al)
{
	return (al & 0x0F) > 9 || (cpu_eflags(c) & FL_AF);
}

/* DAA: adjust AL after adding two packed-BCD bytes (SDM Vol. 2, DAA). */
int op_daa(struct cpu *c, const struct insn *in)
{
	uint32_t old_al = reg_get(c, OFF_AL, 1), al = old_al;
	bool old_cf = cpu_eflags(c) & FL_CF, cf = false;
	uint32_t f = 0;

	(void)in;
	if (low_digit_adjust(c, al)) {
		cf = old_cf || al + 6 > 0xFF;
		al = (al + 6) & 0xFF;
		f |= FL_AF;
	}
	if (old_al > 0x99 || old_cf) {
		al = (al + 0x60) & 0xFF;
		cf = true;
	} else {
		cf = false;
	}
	f |= flags_szp(al, 1) | (cf ? FL_CF : 0);
	f |= flags_add(old_al, (al - old_al) & 0xFF, 0, 1) & FL_OF; /* undefined: see above */
	reg_put(c, OFF_AL, 1, al);
	set_flags(c, FL_OSZAPC, f);
	return ST_NEXT;
}

/* DAS: adjust AL after subtracting two packed-BCD bytes (SDM Vol. 2, DAS). Unlike DAA, a borrow
 * out of the low-digit step survives when the high digit needs no adjustment. */
int op_das(struct cpu *c, const struct insn *in)
{
	uint32_t old_al = reg_get(c, OFF_AL, 1), al = old_al;
	bool old_cf = cpu_eflags(c) & FL_CF, cf = false;
	uint32_t f = 0;

	(void)in;
	if (low_digit_adjust(c, al)) {
		cf = old_cf || al < 6;
		al = (al - 6) & 0xFF;
		f |= FL_AF;
	}
	if (old_al > 0x99 || old_cf) {
		al = (al - 0x60) & 0xFF;
		cf = true;
	}
	f |= flags_szp(al, 1) | (cf ? FL_CF : 0);
	f |= flags_sub(old_al, (old_al - al) & 0xFF, 0, 1) & FL_OF; /* undefined: see above */
	reg_put(c, OFF_AL, 1, al);
	set_flags(c, FL_OSZAPC, f);
	return ST_NEXT;
}

/* AAA and AAS: adjust AX after adding / subtracting unpacked BCD digits. The current SDM
 * pseudo-code adjusts the whole of AX (AX + 106H; AX - 6 then AH - 1, that is AX - 106H), so a
 * carry or borrow out of AL reaches AH too; silicon agrees. */
static int ascii_adjust(struct cpu *c, bool sub)
{
	uint32_t ax = reg_get(c, 4 * REG_EAX, 2);
	bool adjust = low_digit_adjust(c, ax);
	uint32_t adj = adjust ? 0x106 : 0;
	uint32_t f, res;

	if (sub) {
		res = ax - adj;
		f = flags_sub(ax, adj, 0, 2);
	} else {
		res = ax + adj;
		f = flags_add(ax, adj, 0, 2);
	}
	f = (f & (FL_OF | FL_SF | FL_ZF | FL_PF)) | (adjust ? FL_AF | FL_CF : 0);
	reg_put(c, 4 * REG_EAX, 2, res & 0xFF0F);
	set_flags(c, FL_OSZAPC, f);
	return ST_NEXT;
}

int op_aaa(struct cpu *c, const struct insn *in)
{
	(void)in;
	return ascii_adjust(c, false);
}

int op_aas(struct cpu *c, const struct insn *in)
{
	(void)in;
	return ascii_adjust(c, true);
}

/* The number base of AAM/AAD: their imm8 (0x0A in the usual encodings D4 0A / D5 0A). The
 * immediate arrives sign-extended, so keep its low byte. */
static uint32_t bcd_base(const struct insn *in)
{
	return in->kind[0] == OPK_IMM ? (in->reg[0] ? in->imm2 : in->imm) & 0xFF : 10;
}

/* AAM: AH = AL / base, AL = AL mod base; #DE when base is 0 (SDM Vol. 2, AAM). */
int op_aam(struct cpu *c, const struct insn *in)
{
	uint32_t base = bcd_base(in), al = reg_get(c, OFF_AL, 1);

	if (base == 0)
		return cpu_raise(c, DVA_VEC_DE, 0);
	reg_put(c, OFF_AH, 1, al / base);
	reg_put(c, OFF_AL, 1, al % base);
	set_flags(c, FL_OSZAPC, flags_szp(al % base, 1));
	return ST_NEXT;
}

/* AAD: AL = (AL + AH * base) & 0xFF, AH = 0 (SDM Vol. 2, AAD). */
int op_aad(struct cpu *c, const struct insn *in)
{
	uint32_t base = bcd_base(in), al = reg_get(c, OFF_AL, 1), ah = reg_get(c, OFF_AH, 1);
	uint32_t prod = (ah * base) & 0xFF;

	reg_put(c, 4 * REG_EAX, 2, (al + prod) & 0xFF);
	set_flags(c, FL_OSZAPC, flags_add(al, prod, 0, 1));
	return ST_NEXT;
}
