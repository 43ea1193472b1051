/* fpu_ctl.c - x87 control instructions: FNINIT FNCLEX FLDCW FNSTCW FNSTSW FNSTENV FLDENV FNSAVE
 * FRSTOR FWAIT FNOP. None of them updates FIP, FDP or FOP except FNOP (SDM Vol. 1, 8.1.8). */
#include <string.h>

#include "cpu/f80.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* The environment image, 32-bit protected-mode layout (SDM Vol. 1, Figure 8-9), 28 bytes:
 *   0 FCW   2 0xFFFF   4 FSW   6 0xFFFF   8 FTW   10 0xFFFF   12 FIP
 *  16 FCS (0 here, DVA-1 section 2) with FOP in bits 16-26   20 FDP   24 FDS (0)   26 0xFFFF
 * The 16-bit layout (0x66 prefix, Figure 8-10), 14 bytes: FCW FSW FTW FIP[15:0] FCS FDP[15:0]
 * FDS, no FOP. The reserved halves read 0xFFFF on the host (checked by test_fpu's env rows). */
#define ENV32 28
#define ENV16 14

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}
static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

/* The full tag word from the contents (SDM Vol. 1, 8.1.7). */
static uint16_t full_tags(const struct fpu *f)
{
	uint16_t t = 0;
	for (unsigned p = 0; p < 8; p++)
		t |= (uint16_t)(fpu_tag(f, p) << (2 * p));
	return t;
}

static void store_env(struct cpu *c, uint8_t *e, unsigned n)
{
	const struct fpu *f = &c->fpu;
	if (n == ENV16) {
		put16(e + 0, f->fcw);
		put16(e + 2, f->fsw);
		put16(e + 4, full_tags(f));
		put16(e + 6, f->fip);
		put16(e + 8, 0);
		put16(e + 10, f->fdp);
		put16(e + 12, 0);
		return;
	}
	put32(e + 0, 0xFFFF0000u | f->fcw);
	put32(e + 4, 0xFFFF0000u | f->fsw);
	put32(e + 8, 0xFFFF0000u | full_tags(f));
	put32(e + 12, f->fip);
	put32(e + 16, (uint32_t)(c->fpu.fop & 0x7FF) << 16);
	put32(e + 20, f->fdp);
	put32(e + 24, 0xFFFF0000u);
}

/* Load an environment image: a register whose tag is not 11 counts as in use; its full tag is
 * recomputed from its contents when next stored, as the host does. */
static void load_env(struct fpu *f, const uint8_t *e, unsigned n)
{
	uint16_t tags;
	fpu_set_cw(f, get16(e));
	if (n == ENV16) {
		f->fsw = (uint16_t)get16(e + 2);
		tags = (uint16_t)get16(e + 4);
		f->fip = get16(e + 6);
		f->fop = 0;
		f->fdp = get16(e + 10);
	} else {
		f->fsw = (uint16_t)get16(e + 4);
		tags = (uint16_t)get16(e + 8);
		f->fip = get32(e + 12);
		f->fop = (uint16_t)((get32(e + 16) >> 16) & 0x7FF);
		f->fdp = get32(e + 20);
	}
	f->ftw = 0;
	for (unsigned p = 0; p < 8; p++)
		if (((tags >> (2 * p)) & 3) == 3)
			f->ftw |= (uint16_t)(3u << (2 * p));
	fpu_summary(f);
}

int op_fninit(struct cpu *c, const struct insn *in)
{
	(void)in;
	fpu_init(&c->fpu);
	return ST_NEXT;
}

/* FNCLEX: the exception flags, SF, ES and B (SDM Vol. 2, FCLEX). */
int op_fnclex(struct cpu *c, const struct insn *in)
{
	(void)in;
	c->fpu.fsw &= (uint16_t)~(0x3Fu | FSW_SF | FSW_ES | FSW_B);
	return ST_NEXT;
}

int op_fwait(struct cpu *c, const struct insn *in)
{
	(void)in;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	return ST_NEXT;
}

int op_fnop(struct cpu *c, const struct insn *in)
{
	(void)in;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	fpu_note(&c->fpu, in, c->eip, false, 0);
	return ST_NEXT;
}

/* FENI, FDISI, FSETPM (DB E0, E1, E4): nothing at all on a 387 or later. They are control
 * instructions, so FIP, FDP and FOP keep the last non-control instruction's (as the host shows). */
int op_fnop_legacy(struct cpu *c, const struct insn *in)
{
	(void)c;
	(void)in;
	return ST_NEXT;
}

/* FLDCW: unmasking a flag already set makes it pending (SDM Vol. 2, FLDCW). */
int op_fldcw(struct cpu *c, const struct insn *in)
{
	uint32_t v;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (opnd_get(c, in, 0, &v))
		return ST_FAULT;
	fpu_set_cw(&c->fpu, v);
	return ST_NEXT;
}

int op_fnstcw(struct cpu *c, const struct insn *in)
{
	return opnd_put(c, in, 0, c->fpu.fcw) ? ST_FAULT : ST_NEXT;
}

/* FNSTSW m16 or AX. */
int op_fnstsw(struct cpu *c, const struct insn *in)
{
	return opnd_put(c, in, 0, c->fpu.fsw) ? ST_FAULT : ST_NEXT;
}

/* FNSTENV: store, then mask every exception (SDM Vol. 2, FSTENV). */
int op_fnstenv(struct cpu *c, const struct insn *in)
{
	uint8_t e[ENV32];
	unsigned n = in->sz[0] == ENV16 ? ENV16 : ENV32;
	store_env(c, e, n);
	if (mem_write(&c->mem, insn_ea(c, in), n, e, &c->fault))
		return ST_FAULT;
	c->fpu.fcw |= 0x3F;
	fpu_summary(&c->fpu);
	return ST_NEXT;
}

int op_fldenv(struct cpu *c, const struct insn *in)
{
	uint8_t e[ENV32];
	unsigned n = in->sz[0] == ENV16 ? ENV16 : ENV32;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (mem_read(&c->mem, insn_ea(c, in), n, e, &c->fault))
		return ST_FAULT;
	load_env(&c->fpu, e, n);
	return ST_NEXT;
}

/* FNSAVE: the environment, then ST(0)..ST(7) in stack order, 10 bytes each; then FNINIT. */
int op_fnsave(struct cpu *c, const struct insn *in)
{
	uint8_t s[ENV32 + 80];
	unsigned n = in->sz[0] == ENV16 + 80 ? ENV16 : ENV32;
	store_env(c, s, n);
	for (unsigned i = 0; i < 8; i++) {
		struct f80 v = fpu_get(&c->fpu, i);
		memcpy(s + n + 10 * i, &v.mant, 8);
		memcpy(s + n + 10 * i + 8, &v.sexp, 2);
	}
	if (mem_write(&c->mem, insn_ea(c, in), n + 80, s, &c->fault))
		return ST_FAULT;
	fpu_init(&c->fpu);
	return ST_NEXT;
}

int op_frstor(struct cpu *c, const struct insn *in)
{
	uint8_t s[ENV32 + 80];
	unsigned n = in->sz[0] == ENV16 + 80 ? ENV16 : ENV32;
	if (fpu_pending(&c->fpu))
		return cpu_raise(c, DVA_VEC_MF, 0);
	if (mem_read(&c->mem, insn_ea(c, in), n + 80, s, &c->fault))
		return ST_FAULT;
	load_env(&c->fpu, s, n);
	for (unsigned i = 0; i < 8; i++) {
		struct f80 v;
		memcpy(&v.mant, s + n + 10 * i, 8);
		memcpy(&v.sexp, s + n + 10 * i + 8, 2);
		c->fpu.st[fpu_phys(&c->fpu, i)] = v;
	}
	return ST_NEXT;
}
