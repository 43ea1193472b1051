/* fpu.h - the x87 FPU of one virtual CPU: its state, the 80-bit value type, and the
 * transcendental functions (our own deterministic code, the same bits on every host). */
#ifndef DENALI_FPU_H
#define DENALI_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* An 80-bit extended-precision value exactly as the x87 stores it (Intel SDM Vol. 1, 4.2.2):
 * a 64-bit significand with an explicit integer bit (bit 63), and sign (bit 15) plus a 15-bit
 * biased exponent (bias 16383). */
struct f80 {
	uint64_t mant;
	uint16_t sexp;
};

/* x87 status-word bits (SDM Vol. 1, 8.1.3). */
enum fsw_bit {
	FSW_IE = 0x0001, FSW_DE = 0x0002, FSW_ZE = 0x0004, FSW_OE = 0x0008,
	FSW_UE = 0x0010, FSW_PE = 0x0020, FSW_SF = 0x0040, FSW_ES = 0x0080,
	FSW_C0 = 0x0100, FSW_C1 = 0x0200, FSW_C2 = 0x0400, FSW_TOP = 0x3800,
	FSW_C3 = 0x4000, FSW_B = 0x8000,
};

/* The FPU state (SDM Vol. 1, 8.1). At reset (FNINIT): fcw 0x037F, fsw 0, all tags empty,
 * fip = fdp = fop = 0, every register +0.0 (DVA-1 section 1). */
struct fpu {
	struct f80 st[8];   /* physical registers R0..R7; ST(i) is R[(TOP + i) & 7] */
	uint16_t fcw;       /* control word: exception masks, PC (bits 8-9), RC (bits 10-11) */
	uint16_t fsw;       /* status word, TOP in bits 11-13 */
	uint16_t ftw;       /* full tag word: 2 bits per physical register, 3 = empty */
	uint16_t fop;       /* last non-control instruction's opcode (11 bits) */
	uint32_t fip;       /* its address */
	uint32_t fdp;       /* the last such instruction's memory operand's address */
};

struct insn;

/* The stack, tags and status word, as the handlers use them (fpu.c). SDM Vol. 1, 8.1-8.5. */

/* ST(i)'s physical register number. */
static inline unsigned fpu_phys(const struct fpu *f, unsigned i)
{
	return ((f->fsw >> 11) + i) & 7;
}
/* Whether ST(i) is tagged empty. */
static inline bool fpu_empty(const struct fpu *f, unsigned i)
{
	return ((f->ftw >> (2 * fpu_phys(f, i))) & 3) == 3;
}
static inline struct f80 fpu_get(const struct fpu *f, unsigned i)
{
	return f->st[fpu_phys(f, i)];
}
/* Whether an unmasked exception is pending: a waiting instruction then raises #MF first
 * (ES is kept equal to "some flag in fsw is unmasked in fcw"). */
static inline bool fpu_pending(const struct fpu *f)
{
	return f->fsw & FSW_ES;
}
/* The exception bits among bits that fcw leaves unmasked. */
static inline unsigned fpu_unmasked(const struct fpu *f, unsigned bits)
{
	return bits & ~f->fcw & 0x3Fu;
}

void fpu_set(struct fpu *f, unsigned i, struct f80 v); /* write ST(i), tag it non-empty */
void fpu_push(struct fpu *f, struct f80 v);           /* TOP - 1, write ST(0) */
void fpu_pop(struct fpu *f);                          /* tag ST(0) empty, TOP + 1 */
void fpu_free(struct fpu *f, unsigned i);             /* tag ST(i) empty */
void fpu_set_top(struct fpu *f, unsigned top);
/* Merge status bits an operation returned: its exception flags (sticky), and the condition
 * bits in cc (replaced; the others keep their value). Recomputes ES and B. */
void fpu_status(struct fpu *f, unsigned bits, unsigned cc);
/* Load the control word as FLDCW, FLDENV and FRSTOR do: bits 0-5 and 8-12 are kept, bit 6
 * reads as 1 and bits 7 and 13-15 as 0 (checked on the host); ES is recomputed. */
void fpu_set_cw(struct fpu *f, uint32_t v);
/* Recompute ES and B from the flags and the masks (after FLDCW, FLDENV, FRSTOR, FNCLEX). */
void fpu_summary(struct fpu *f);
/* Stack underflow (an empty source) and overflow (a push onto a full register): IE and SF,
 * C1 = 0 or 1 (SDM Vol. 1, 8.5.1.1). Return true when IE is masked, so the caller delivers
 * the masked response (the real indefinite or its like). */
bool fpu_underflow(struct fpu *f);
bool fpu_overflow(struct fpu *f);
/* A non-control instruction executed at eip: FIP and FOP now describe it, and FDP its memory
 * operand's address dp when mem (without one FDP keeps the last operand's address, as the
 * host does) (SDM Vol. 1, 8.1.8-8.1.9). */
void fpu_note(struct fpu *f, const struct insn *in, uint32_t eip, bool mem, uint32_t dp);
/* The status bits of an operation whose m32fp/m64fp source was a denormal (widened exactly,
 * so the operation itself did not see one); other is the register operand. */
unsigned fpu_mem_denormal(const struct fpu *f, unsigned bits, struct f80 other);
/* FNINIT: control 0x037F, status 0, all empty, pointers 0; registers keep their bits. */
void fpu_init(struct fpu *f);
/* The full 2-bit tag of physical register p from its contents: 0 valid, 1 zero, 2 special,
 * 3 empty (SDM Vol. 1, 8.1.7). */
unsigned fpu_tag(const struct fpu *f, unsigned p);

/* Transcendental functions (fpu_transc.c). Each takes its operands as 80-bit values and
 * returns the x87 status bits it raises (FSW_IE, FSW_DE, FSW_UE, FSW_PE, FSW_C1 when the
 * result was rounded up, FSW_C2 when |x| >= 2^63 for the trigonometric ones, which then leave
 * their operand unchanged). Results are within 1 ulp of the exact value, rounded to 64 bits of
 * significand whatever the precision control, and identical on every host: integer arithmetic
 * only, no host floating point, no libm. NaN, infinity, zero and denormal inputs follow the
 * SDM's tables for each instruction. */
unsigned f80_sin(struct f80 x, struct f80 *r);                 /* FSIN */
unsigned f80_cos(struct f80 x, struct f80 *r);                 /* FCOS */
unsigned f80_sincos(struct f80 x, struct f80 *s, struct f80 *c); /* FSINCOS */
unsigned f80_tan(struct f80 x, struct f80 *r);                 /* FPTAN (the 1.0 is pushed by the caller) */
unsigned f80_atan2(struct f80 y, struct f80 x, struct f80 *r); /* FPATAN: atan(ST1 / ST0) with quadrant */
unsigned f80_2xm1(struct f80 x, struct f80 *r);                /* F2XM1: 2^x - 1, -1 <= x <= 1 */
unsigned f80_yl2x(struct f80 x, struct f80 y, struct f80 *r);  /* FYL2X: y * log2(x) */
unsigned f80_yl2xp1(struct f80 x, struct f80 y, struct f80 *r); /* FYL2XP1: y * log2(x + 1) */

#endif
