/* insn.h - the decoded-instruction form every handler runs from, and the operand helpers.
 *
 * Zydis decodes an instruction once, on a cache miss; decode.c packs the result into this
 * 40-byte entry; the run loop calls entry.fn with it every time the instruction executes.
 *
 *   byte  0        8        12       16       20     22   23   24        27        30        33
 *        +--------+--------+--------+--------+------+----+----+---------+---------+---------+
 *        | fn     | disp   | imm    | imm2   | mnem |len |idx | kind[3] | reg[3]  | sz[3]   |
 *        +--------+--------+--------+--------+------+----+----+---------+---------+---------+
 *   byte  33   34    35    36   37   38..39
 *        +----+-----+-----+----+----+------+
 *        |base|index|scale| cc |pfx | off  |
 *        +----+-----+-----+----+----+------+
 *
 * Operands are in Intel order (operand 0 is the destination) and only the explicit (visible)
 * ones are listed; implicit registers (EAX of MUL, ESI/EDI of string instructions, ESP of PUSH)
 * are the handler's business. A relative branch target is resolved to an absolute address in imm.
 */
#ifndef DENALI_INSN_H
#define DENALI_INSN_H

#include <stdint.h>

#include "cpu/cpu.h"

typedef int (*insn_fn)(struct cpu *c, const struct insn *in);

enum opk {
	OPK_NONE = 0,
	OPK_REG, /* reg[k] = byte offset of the register in cpu.r (AL 0, AH 1, ECX 4, ...) */
	OPK_MEM, /* address from base, index, scale, disp (insn_asz) */
	OPK_IMM, /* reg[k] = 0: value in imm, 1: value in imm2 */
	OPK_ST,  /* x87 register ST(reg[k]) */
};

#define NOREG GPRS /* no register: cpu.r[GPRS] is always 0, so addressing needs no branch */

enum insn_pfx {
	PFX_REP = 0x01,   /* F3: REP / REPE */
	PFX_REPNE = 0x02, /* F2: REPNE */
	PFX_LOCK = 0x04,  /* F0, on a form that allows it */
	PFX_RMW = 0x08,   /* operand 0 is read and written: check write permission before reading */
	PFX_O16 = 0x10,   /* the operand size is 16 bits (0x66), whatever the operands' own sizes */
	PFX_CHAIN = 0x20, /* a specialised form (fast.c, fpu_fast.c): decode's pairing looks for it */
	PFX_A16 = 0x40,   /* the address size is 16 bits (0x67): CX, SI, DI, 16-bit wrap */
};

struct insn {
	insn_fn fn;       /* handler, from the opcode table */
	uint32_t disp;    /* memory displacement, sign-extended */
	uint32_t imm;     /* first immediate, sign-extended to its operand size; branch target */
	uint32_t imm2;    /* second immediate (ENTER's level, a third operand) */
	uint16_t mnem;    /* ZydisMnemonic, for diagnostics and tests */
	uint8_t len;      /* length in bytes, 1..15 */
	uint8_t idx;      /* its index in its block, 0..BLOCK_MAX - 1 */
	uint8_t kind[3];  /* enum opk of operands 0..2 */
	uint8_t reg[3];   /* OPK_REG: byte offset in cpu.r; OPK_IMM: immediate slot */
	uint8_t sz[3];    /* operand sizes in bytes: 1, 2, 4 (8 for CMPXCHG8B's m64) */
	uint8_t base;     /* GPR number or NOREG */
	uint8_t index;    /* GPR number or NOREG */
	uint8_t scale;    /* index shift, 0..3 */
	uint8_t cc;       /* condition code 0..15 (Intel's tttn) for Jcc, SETcc, CMOVcc, FCMOVcc */
	uint8_t pfx;      /* enum insn_pfx */
	int16_t off;      /* address minus its block's first address (within one page: a block
			   * that follows a JMP backwards has negative ones) */
};
_Static_assert(sizeof(struct insn) == 40, "the decoded form is drawn as 40 bytes");

/* The operation size: that of operand 0, or of the instruction's implicit operand. */
static inline unsigned insn_osz(const struct insn *in)
{
	return in->sz[0];
}

/* Mask of an n-byte value, and its sign bit. */
static FORCE_INLINE uint32_t size_mask(unsigned n)
{
	return n == 4 ? 0xFFFFFFFFu : (1u << (8 * n)) - 1u;
}
static FORCE_INLINE uint32_t size_sign(unsigned n)
{
	return 1u << (8 * n - 1);
}
/* Sign-extend the low n bytes of v. */
static FORCE_INLINE uint32_t sext(uint32_t v, unsigned n)
{
	return n == 4 ? v : n == 2 ? (uint32_t)(int32_t)(int16_t)v : (uint32_t)(int32_t)(int8_t)v;
}

/* Registers by byte offset (little-endian host: AH is byte 1 of EAX). */
static FORCE_INLINE uint32_t reg_get(const struct cpu *c, unsigned off, unsigned n)
{
	const uint8_t *p = (const uint8_t *)c->r + off;
	if (n == 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	if (n == 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	return *p;
}
static FORCE_INLINE void reg_put(struct cpu *c, unsigned off, unsigned n, uint32_t v)
{
	uint8_t *p = (uint8_t *)c->r + off;
	if (n == 4)
		memcpy(p, &v, 4);
	else if (n == 2) {
		uint16_t w = (uint16_t)v;
		memcpy(p, &w, 2);
	} else
		*p = (uint8_t)v;
}

/* The address size in bytes: 2 under 0x67, else 4. */
static inline unsigned insn_asz(const struct insn *in)
{
	return in->pfx & PFX_A16 ? 2 : 4;
}

/* 16-bit GPR helpers for 0x67 string and loop forms: the count/index register is CX/SI/DI. */
static FORCE_INLINE uint32_t addr_mask(const struct insn *in)
{
	return in->pfx & PFX_A16 ? 0xFFFFu : 0xFFFFFFFFu;
}

/* Effective address of the memory operand (no segment: DVA-1 has flat segments of base 0). */
static FORCE_INLINE uint32_t insn_ea(const struct cpu *c, const struct insn *in)
{
	uint32_t a = in->disp + c->r[in->base] + (c->r[in->index] << in->scale);
	return a & addr_mask(in);
}

/* Read operand k, zero-extended to 32 bits. For a memory operand 0 of a read-modify-write
 * instruction, write permission is checked first, so the later opnd_put cannot fault.
 * Returns 0, or -1 with the fault recorded (the handler returns ST_FAULT). */
static inline int MEM_CHECK opnd_get(struct cpu *c, const struct insn *in, int k, uint32_t *v)
{
	switch (in->kind[k]) {
	case OPK_REG:
		*v = reg_get(c, in->reg[k], in->sz[k]);
		return 0;
	case OPK_IMM:
		*v = in->reg[k] ? in->imm2 : in->imm;
		return 0;
	case OPK_MEM: {
		uint32_t a = insn_ea(c, in);
		if ((in->pfx & PFX_RMW) && k == 0 &&
		    mem_check_write(&c->mem, a, in->sz[k], &c->fault))
			return -1;
		return mem_rdn(&c->mem, a, in->sz[k], v, &c->fault);
	}
	default:
		*v = 0;
		return 0;
	}
}

/* Write operand k (its low sz[k] bytes). 0, or -1 with the fault recorded. */
static inline int MEM_CHECK opnd_put(struct cpu *c, const struct insn *in, int k, uint32_t v)
{
	if (in->kind[k] == OPK_REG) {
		reg_put(c, in->reg[k], in->sz[k], v);
		return 0;
	}
	return mem_wrn(&c->mem, insn_ea(c, in), in->sz[k], v, &c->fault);
}

/* Push / pop n = 2 or 4 bytes on the 32-bit stack. Pop reads before ESP changes. */
static inline int MEM_CHECK cpu_push(struct cpu *c, unsigned n, uint32_t v)
{
	uint32_t sp = c->r[REG_ESP] - n;
	if (mem_wrn(&c->mem, sp, n, v, &c->fault))
		return -1;
	c->r[REG_ESP] = sp;
	return 0;
}
static inline int MEM_CHECK cpu_pop(struct cpu *c, unsigned n, uint32_t *v)
{
	if (mem_rdn(&c->mem, c->r[REG_ESP], n, v, &c->fault))
		return -1;
	c->r[REG_ESP] += n;
	return 0;
}

#endif
