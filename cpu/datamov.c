/* datamov.c - data movement and flag bits: MOV MOVZX MOVSX XCHG XADD CMPXCHG CMPXCHG8B BSWAP LEA,
 * CBW CWDE CWD CDQ XLAT, LAHF SAHF CLC STC CMC CLD STD, NOP, CMOVcc and SETcc.
 *
 * Operand 0 is the destination. The exchanging forms (XCHG, XADD, CMPXCHG, CMPXCHG8B) are
 * read-modify-write: write permission on their memory operand is checked before anything is
 * read or changed, so each instruction either faults with no effect or completes.
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

int op_mov(struct cpu *c, const struct insn *in)
{
	uint32_t v;

	if (opnd_get(c, in, 1, &v) || opnd_put(c, in, 0, v))
		return ST_FAULT;
	return ST_NEXT;
}

/* MOVZX and MOVSX: the source is narrower than the destination; its size is in->sz[1]. */
int op_movzx(struct cpu *c, const struct insn *in)
{
	uint32_t v;

	if (opnd_get(c, in, 1, &v) || opnd_put(c, in, 0, v))
		return ST_FAULT;
	return ST_NEXT;
}

int op_movsx(struct cpu *c, const struct insn *in)
{
	uint32_t v;

	if (opnd_get(c, in, 1, &v) || opnd_put(c, in, 0, sext(v, in->sz[1])))
		return ST_FAULT;
	return ST_NEXT;
}

/* XCHG r/m, r (and 90+r, which Zydis gives as two registers). Zydis puts a memory operand
 * first, where PFX_RMW makes opnd_get check write permission; a memory operand 1 is checked
 * here all the same, so the exchange is all or nothing. */
int op_xchg(struct cpu *c, const struct insn *in)
{
	uint32_t a, b;

	if (in->kind[1] == OPK_MEM &&
	    mem_check_write(&c->mem, insn_ea(c, in), in->sz[1], &c->fault))
		return ST_FAULT;
	if (opnd_get(c, in, 0, &a) || opnd_get(c, in, 1, &b))
		return ST_FAULT;
	if (opnd_put(c, in, 0, b) || opnd_put(c, in, 1, a))
		return ST_FAULT;
	return ST_NEXT;
}

/* XADD r/m, r: temp = dst + src; src = dst; dst = temp (SDM Vol. 2, XADD). With the same
 * register as both operands the sum wins, so a register destination is written last. */
int op_xadd(struct cpu *c, const struct insn *in)
{
	uint32_t dst, src;

	if (opnd_get(c, in, 0, &dst) || opnd_get(c, in, 1, &src))
		return ST_FAULT;
	if (in->kind[0] == OPK_MEM) {
		if (opnd_put(c, in, 0, dst + src) || opnd_put(c, in, 1, dst))
			return ST_FAULT;
	} else if (opnd_put(c, in, 1, dst) || opnd_put(c, in, 0, dst + src)) {
		return ST_FAULT;
	}
	set_flags(c, FL_OSZAPC, flags_add(dst, src, 0, insn_osz(in)));
	return ST_NEXT;
}

/* CMPXCHG r/m, r: compare the accumulator with dst (flags as CMP acc, dst); equal: dst = src;
 * else acc = dst. The destination is written either way (SDM Vol. 2, CMPXCHG; DVA-1 section 1):
 * a memory destination needs write permission even when the comparison fails. */
int op_cmpxchg(struct cpu *c, const struct insn *in)
{
	unsigned n = insn_osz(in);
	uint32_t acc = reg_get(c, 4 * REG_EAX, n), dst, src;
	bool equal;

	if (opnd_get(c, in, 0, &dst) || opnd_get(c, in, 1, &src))
		return ST_FAULT;
	equal = acc == dst;
	if (opnd_put(c, in, 0, equal ? src : dst))
		return ST_FAULT;
	if (!equal)
		reg_put(c, 4 * REG_EAX, n, dst);
	set_flags(c, FL_OSZAPC, flags_sub(acc, dst, 0, n));
	return ST_NEXT;
}

/* CMPXCHG8B m64: compare EDX:EAX with m64; equal: m64 = ECX:EBX, ZF = 1; else EDX:EAX = m64,
 * ZF = 0, and m64 is written back unchanged (SDM Vol. 2, CMPXCHG8B). Other flags unchanged. */
int op_cmpxchg8b(struct cpu *c, const struct insn *in)
{
	uint32_t a = insn_ea(c, in);
	uint64_t m, edx_eax, ecx_ebx;
	bool equal;

	if (mem_check_write(&c->mem, a, 8, &c->fault) || mem_read(&c->mem, a, 8, &m, &c->fault))
		return ST_FAULT;
	edx_eax = (uint64_t)c->r[REG_EDX] << 32 | c->r[REG_EAX];
	ecx_ebx = (uint64_t)c->r[REG_ECX] << 32 | c->r[REG_EBX];
	equal = m == edx_eax;
	if (mem_write(&c->mem, a, 8, equal ? &ecx_ebx : &m, &c->fault))
		return ST_FAULT;
	if (!equal) {
		c->r[REG_EAX] = (uint32_t)m;
		c->r[REG_EDX] = (uint32_t)(m >> 32);
	}
	set_flags(c, FL_ZF, equal ? FL_ZF : 0);
	return ST_NEXT;
}

/* BSWAP r32 reverses the bytes. BSWAP r16 is undefined in the SDM; the host CPUs we checked
 * write 0 to the 16-bit register (leaving bits 16-31 alone), and so do we. */
int op_bswap(struct cpu *c, const struct insn *in)
{
	uint32_t v;

	if (opnd_get(c, in, 0, &v))
		return ST_FAULT;
	return opnd_put(c, in, 0, in->sz[0] == 4 ? __builtin_bswap32(v) : 0) ? ST_FAULT : ST_NEXT;
}

/* LEA: the effective address (already wrapped to 16 bits under 0x67), truncated to the
 * operand size under 0x66. Memory is not touched. */
int op_lea(struct cpu *c, const struct insn *in)
{
	return opnd_put(c, in, 0, insn_ea(c, in)) ? ST_FAULT : ST_NEXT;
}

/* Sign extensions within the accumulator: CBW AL->AX, CWDE AX->EAX, CWD AX->DX:AX,
 * CDQ EAX->EDX:EAX. */
int op_cbw(struct cpu *c, const struct insn *in)
{
	(void)in;
	reg_put(c, 4 * REG_EAX, 2, sext(reg_get(c, 4 * REG_EAX, 1), 1));
	return ST_NEXT;
}

int op_cwde(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->r[REG_EAX] = sext(c->r[REG_EAX], 2);
	return ST_NEXT;
}

int op_cwd(struct cpu *c, const struct insn *in)
{
	(void)in;
	reg_put(c, 4 * REG_EDX, 2, (c->r[REG_EAX] & 0x8000) ? 0xFFFF : 0);
	return ST_NEXT;
}

int op_cdq(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->r[REG_EDX] = (c->r[REG_EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
	return ST_NEXT;
}

/* XLAT: AL = byte at EBX + AL (BX + AL, wrapping at 64 KiB, under 0x67). The AL index is
 * unsigned. A segment override has no effect under DVA-1. */
int op_xlat(struct cpu *c, const struct insn *in)
{
	uint32_t a = (c->r[REG_EBX] + reg_get(c, 4 * REG_EAX, 1)) & addr_mask(in), v;

	if (mem_rd8(&c->mem, a, &v, &c->fault))
		return ST_FAULT;
	reg_put(c, 4 * REG_EAX, 1, v);
	return ST_NEXT;
}

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. SAHF: the same bits back from AH (OF untouched). */
int op_lahf(struct cpu *c, const struct insn *in)
{
	(void)in;
	reg_put(c, 4 * REG_EAX + 1, 1, (cpu_eflags(c) & FL_SZAPC) | FL_FIXED1);
	return ST_NEXT;
}

int op_sahf(struct cpu *c, const struct insn *in)
{
	(void)in;
	set_flags(c, FL_SZAPC, reg_get(c, 4 * REG_EAX + 1, 1));
	return ST_NEXT;
}

int op_clc(struct cpu *c, const struct insn *in)
{
	(void)in;
	flags_sync(c);
	c->eflags &= ~FL_CF;
	return ST_NEXT;
}

int op_stc(struct cpu *c, const struct insn *in)
{
	(void)in;
	flags_sync(c);
	c->eflags |= FL_CF;
	return ST_NEXT;
}

int op_cmc(struct cpu *c, const struct insn *in)
{
	(void)in;
	flags_sync(c);
	c->eflags ^= FL_CF;
	return ST_NEXT;
}

int op_cld(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->eflags &= ~FL_DF;
	return ST_NEXT;
}

int op_std(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->eflags |= FL_DF;
	return ST_NEXT;
}

/* NOP, PAUSE and NOP r/m (0F 1F /0): nothing happens; the r/m operand is never accessed. */
int op_nop(struct cpu *c, const struct insn *in)
{
	(void)c;
	(void)in;
	return ST_NEXT;
}

/* CMOVcc r, r/m: the source is read (and may fault) whatever the condition; the destination
 * changes only when the condition holds (SDM Vol. 2, CMOVcc). */
int op_cmovcc(struct cpu *c, const struct insn *in)
{
	uint32_t v;

	if (opnd_get(c, in, 1, &v))
		return ST_FAULT;
	if (cpu_cond(c, in->cc) && opnd_put(c, in, 0, v))
		return ST_FAULT;
	return ST_NEXT;
}

/* SETcc r/m8: one byte, 1 when the condition holds, else 0. */
int op_setcc(struct cpu *c, const struct insn *in)
{
	return opnd_put(c, in, 0, cpu_cond(c, in->cc) ? 1 : 0) ? ST_FAULT : ST_NEXT;
}
