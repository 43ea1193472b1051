/* case.h - the record of one differential case, as diff-gen emits it and driver.c runs it.
 *
 * Every field is a 32-bit word so the generator can write the table with `.long` lines: a value
 * that depends on where something is linked (the memory area, a code label) is emitted as a
 * symbol expression, and the driver subtracts it again before printing, so the native program and
 * the guest print the same text although their addresses differ.
 *
 * Memory: every case works in `diff_area`, DIFF_AREA_SIZE bytes aligned to 64 KiB (so the low 16
 * bits of an address in it are its offset: 16-bit pushes of an address agree on both sides). Its
 * first half is data that memory operands point into; its second half is the private stack.
 * Cases with 16-bit addressing (0x67) work in the low window DIFF_LOW_BASE..+DIFF_LOW_SIZE, a
 * fixed address below 64 KiB that both sides map (the native driver with mmap, the guest image is
 * linked above it).
 */
#ifndef DENALI_DIFF_CASE_H
#define DENALI_DIFF_CASE_H

#define DIFF_AREA_SIZE 1024  /* bytes of diff_area */
#define DIFF_AREA_ALIGN 65536
#define DIFF_DATA_END 512    /* data occupies [0, 512), the stack [512, 1024) */
#define DIFF_SP 768          /* the usual initial ESP, as an offset in the area */
#define DIFF_LOW_BASE 0xF000 /* the low window for 16-bit addressing */
#define DIFF_LOW_SIZE 0x1000

#define DIFF_ITEMS 3 /* memory words written after the fill */
#define DIFF_FIXES 3 /* memory words adjusted before hashing */

/* EFLAGS bits ever compared: OF DF SF ZF AF PF CF and the fixed bit 1. TF, IF, AC and ID are
 * never compared (IF differs by design: the guest's is virtual). */
#define DIFF_FLAGS 0x0CD7

/* flags of struct dcase.flags */
#define DCF_LOW 0x1   /* the case uses the low window: fill it, hash it */
#define DCF_CONST 0x2 /* fill the data with one repeated byte (fill & 0xFF), not a pattern */
#define DCF_VECTORS 0x4 /* long mode only: a vector-class form (tests/diff/classes.c) the native
			 * program does not run; it prints "v<N>" in place of the case's line */

/* An address (where the word lives) is an offset in diff_area, or in the low window when
 * bit 31 is set. */
#define DIFF_IN_LOW 0x80000000

#ifndef __ASSEMBLER__
#include <stdint.h>

struct ditem {
	uint32_t at;   /* where (see DIFF_IN_LOW) */
	uint32_t size; /* 0 (unused), 1, 2 or 4 bytes */
	uint32_t val;  /* value before adjustment */
	uint32_t adj;  /* added to val: 0, &diff_area or a code label */
};

struct dfix {
	uint32_t at;   /* where (see DIFF_IN_LOW) */
	uint32_t size; /* 0 (unused), 2 or 4 */
	uint32_t sub;  /* subtracted from the stored value (an address the instruction pushed) */
	uint32_t mask; /* then ANDed: the defined bits */
};

struct dcase {
	uint32_t in[9];    /* EAX..EDI, EFLAGS before, relative to adj */
	uint32_t adj[8];   /* added to in[r] before the case runs */
	uint32_t oadj[8];  /* subtracted from each register after it */
	uint32_t rmask[8]; /* defined bits of each register after it */
	uint32_t fmask;    /* EFLAGS bits compared: DIFF_FLAGS less the undefined ones */
	uint32_t code;     /* address of the case's code; it ends with jmp diff_exit */
	uint32_t text;     /* address of the instruction's text (NUL-terminated) */
	uint32_t flags;    /* DCF_* */
	uint32_t fill;     /* seed of the memory pattern (or the byte, with DCF_CONST) */
	uint32_t show;     /* a word shown in full in the output (see DIFF_IN_LOW) */
	struct ditem item[DIFF_ITEMS];
	struct dfix fix[DIFF_FIXES];
};

#define DCASE_WORDS (9 + 8 + 8 + 8 + 6 + 4 * DIFF_ITEMS + 4 * DIFF_FIXES)
_Static_assert(sizeof(struct dcase) == 4 * DCASE_WORDS, "struct dcase is a row of .long");
#endif

/* --- x87 cases ---------------------------------------------------------------------------------
 * One x87 instruction from a known FPU state: FNINIT, FLDCW cw, `rot` FDECSTPs (so TOP varies),
 * then `depth` FLD m80 pushes (st[depth-1] first, so st[k] ends in ST(k)), C0-C3 set to cbits
 * (FNSTENV, the status word edited, FLDENV: so "not affected" is tested); EFLAGS and EAX loaded;
 * the instruction; then FNSAVE before anything else (it does not wait, so even an exception the
 * control word unmasks is only recorded, never delivered, and it reinitializes the FPU). The
 * memory operand (if any) is DIFF_FMEM bytes at mem_at in diff_area, the rest of the area filled
 * from `fill`. driver.c prints the control, status (swmask and rule applied) and tag words, FOP,
 * every non-empty ST register in hex, EAX, EFLAGS and the bytes around the memory operand. */
#define DIFF_FMEM 16

/* rule: what else the driver leaves out */
#define DFR_NOFOP 0x1 /* FOP not compared (a known deviation: x87forms.c says which) */

/* Status word bits: C0 C1 C2 C3, and the others (flags, SF, ES, TOP, B), always compared. */
#define DIFF_SW_C0 0x0100
#define DIFF_SW_C1 0x0200
#define DIFF_SW_C2 0x0400
#define DIFF_SW_C3 0x4000
#define DIFF_SW_FIXED 0xB8FF

/* byte offsets tramp.S uses */
#define FCASE_CW 0
#define FCASE_DEPTH 4
#define FCASE_ROT 8
#define FCASE_EFLAGS 12
#define FCASE_EAX 16
#define FCASE_ST 20
#define FCASE_CODE (4 * (5 + 24 + 1 + DIFF_FMEM / 4 + 2))
#define FCASE_CBITS (FCASE_CODE + 12)

#ifndef __ASSEMBLER__
struct fcase {
	uint32_t cw;        /* control word loaded (low 16 bits) */
	uint32_t depth;     /* values pushed, 0-8 */
	uint32_t rot;       /* FDECSTPs before the pushes, 0-7 */
	uint32_t eflags;    /* EFLAGS before (FCMOVcc reads it) */
	uint32_t eax;       /* EAX before (FNSTSW AX writes AX) */
	uint32_t st[8][3];  /* ST(k): significand low, high, sign and exponent (the m80 bytes) */
	uint32_t mem_at;    /* memory operand offset in diff_area (any alignment) */
	uint32_t mem[DIFF_FMEM / 4]; /* its bytes before (loaded operand or junk for a store) */
	uint32_t swmask;    /* status-word bits compared */
	uint32_t rule;      /* DFR_* */
	uint32_t code;      /* address of the case's code; it ends with jmp diff_fexit */
	uint32_t text;      /* address of the instruction's text */
	uint32_t fill;      /* seed of the area's pattern */
	uint32_t cbits;     /* C0-C3 set before the instruction (through FNSTENV, FLDENV) */
};
#define FCASE_WORDS (5 + 24 + 1 + DIFF_FMEM / 4 + 6)
_Static_assert(sizeof(struct fcase) == 4 * FCASE_WORDS, "struct fcase is a row of .long");
_Static_assert(__builtin_offsetof(struct fcase, st) == FCASE_ST, "tramp.S's offsets");
_Static_assert(__builtin_offsetof(struct fcase, code) == FCASE_CODE, "tramp.S's offsets");
_Static_assert(__builtin_offsetof(struct fcase, cbits) == FCASE_CBITS, "tramp.S's offsets");
#endif

#endif
