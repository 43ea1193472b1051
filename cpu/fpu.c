/* fpu.c - the x87 register stack, tags, status-word bookkeeping and stack faults. */
#include "cpu/fpu.h"
#include "cpu/insn.h"

#include "cpu/f80.h"

/* ftw holds 3 (empty) or 0 (in use) per physical register: the full tag (valid, zero,
 * special) is a function of the contents and is computed when an environment is stored, as
 * the P6 and later processors do (SDM Vol. 1, 8.1.7). */

void fpu_set_top(struct fpu *f, unsigned top)
{
	f->fsw = (uint16_t)((f->fsw & ~FSW_TOP) | ((top & 7) << 11));
}

void fpu_set(struct fpu *f, unsigned i, struct f80 v)
{
	unsigned p = fpu_phys(f, i);
	f->st[p] = v;
	f->ftw &= (uint16_t)~(3u << (2 * p));
}

void fpu_free(struct fpu *f, unsigned i)
{
	f->ftw |= (uint16_t)(3u << (2 * fpu_phys(f, i)));
}

void fpu_push(struct fpu *f, struct f80 v)
{
	fpu_set_top(f, fpu_phys(f, 7));
	fpu_set(f, 0, v);
}

void fpu_pop(struct fpu *f)
{
	fpu_free(f, 0);
	fpu_set_top(f, fpu_phys(f, 1));
}

void fpu_summary(struct fpu *f)
{
	if (f->fsw & ~f->fcw & 0x3Fu)
		f->fsw |= FSW_ES | FSW_B;
	else
		f->fsw &= (uint16_t)~(FSW_ES | FSW_B);
}

void fpu_set_cw(struct fpu *f, uint32_t v)
{
	f->fcw = (uint16_t)((v & 0x1F3Fu) | 0x40u);
	fpu_summary(f);
}

void fpu_status(struct fpu *f, unsigned bits, unsigned cc)
{
	f->fsw = (uint16_t)((f->fsw & ~cc) | (bits & cc) | (bits & 0x3Fu));
	fpu_summary(f);
}

bool fpu_underflow(struct fpu *f)
{
	fpu_status(f, FSW_IE | FSW_SF, FSW_C1);
	f->fsw |= FSW_SF;
	return f->fcw & FSW_IE;
}

bool fpu_overflow(struct fpu *f)
{
	fpu_status(f, FSW_IE | FSW_SF | FSW_C1, FSW_C1);
	f->fsw |= FSW_SF;
	return f->fcw & FSW_IE;
}

void fpu_note(struct fpu *f, const struct insn *in, uint32_t eip, bool mem, uint32_t dp)
{
	f->fip = eip;
	if (mem)
		f->fdp = dp;
	f->fop = (uint16_t)(in->imm2 & 0x7FF); /* decode put the FOP there */
}

void fpu_init(struct fpu *f)
{
	/* The data registers keep their contents (SDM Vol. 2, FINIT: only the control, status,
	 * tag and pointer registers are set). */
	f->fcw = 0x037F;
	f->fsw = 0;
	f->ftw = 0xFFFF;
	f->fop = 0;
	f->fip = 0;
	f->fdp = 0;
}

unsigned fpu_tag(const struct fpu *f, unsigned p)
{
	if (((f->ftw >> (2 * p)) & 3) == 3)
		return 3;
	switch (f80_classify(f->st[p])) {
	case F80_NORMAL:
		return 0;
	case F80_ZERO:
		return 1;
	default:
		return 2;
	}
}

/* A denormal m32fp/m64fp source is exact once widened, so its denormal-operand exception is
 * added here. It ranks below invalid operation, NaN operands and zero divide (SDM Vol. 1,
 * 4.9.2; the host agrees); when unmasked, the instruction stops with DE alone. */
unsigned fpu_mem_denormal(const struct fpu *f, unsigned bits, struct f80 other)
{
	if ((bits & (FSW_IE | FSW_ZE)) || f80_classify(other) == F80_NAN)
		return bits;
	if (fpu_unmasked(f, FSW_DE))
		return FSW_DE;
	return bits | FSW_DE;
}
