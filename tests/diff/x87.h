/* x87.h - the differential generator's x87 forms and the case it builds from one. */
#ifndef DENALI_DIFF_X87_H
#define DENALI_DIFF_X87_H

#include <stdint.h>

#include "tests/diff/gen.h"

/* The operand an x87 form names besides the stack top. */
enum xopk {
	XK_NONE, /* implicit operands only (FCHS, FCOMPP, FLD1 ...) */
	XK_STI,  /* ST(i), i chosen per case (0-7) */
	XK_MEM,  /* a memory operand of msize bytes, typed by mtype */
	XK_AX,   /* FNSTSW AX */
};

/* What a memory operand holds. */
enum xmt {
	XM_F32, XM_F64, XM_F80, XM_I16, XM_I32, XM_I64, XM_BCD,
	XM_CW,  /* a control word for FLDCW */
	XM_OUT, /* written by the instruction: the bytes before are junk */
};

/* Condition bits the SDM defines for the form (the others are masked). */
enum xcc {
	XC_C1,   /* C1 only: arithmetic, loads, stores, exchanges (C0 C2 C3 undefined) */
	XC_ALL,  /* C0-C3: compares, FXAM, FPREM, FNINIT; FCOMI and FWAIT leave them unchanged */
	XC_NONE, /* C0-C3 all undefined: FFREE, FNOP, FLDCW, FNSTCW, FNSTSW, FNCLEX */
};

/* How the stack operands are drawn. */
enum xprof {
	XP_GEN,   /* edge-biased values of every class */
	XP_INT,   /* near the integer limits of the memory operand (FIST, FISTP) */
	XP_BCD,   /* near +-(10^18 - 1) (FBSTP) */
	XP_RND,   /* near integers and halves (FRNDINT) */
	XP_SCALE, /* ST(1) a scale factor (FSCALE) */
	XP_PREM,  /* ST(0) a multiple-ish of ST(1), quotients up to 2^100 (FPREM, FPREM1) */
	XP_CMP,   /* half the time the two operands are equal (compares) */
};

struct xform {
	const char *zy;   /* Zydis's mnemonic (the opcode table's key) */
	const char *fmt;  /* the instruction as text: %d is i (XK_STI), %s the memory operand */
	uint8_t op;       /* opcode byte */
	uint8_t modrm;    /* register forms: ModRM with i = 0; memory forms: the /digit */
	uint8_t opk;      /* enum xopk */
	uint8_t msize;    /* memory operand bytes */
	uint8_t mtype;    /* enum xmt */
	uint8_t nst;      /* stack registers read: ST(0)..ST(nst-1) (ST(i) comes on top) */
	uint8_t push;     /* 1: pushes a value (loads, constants, FXTRACT) */
	uint8_t cc;       /* enum xcc */
	uint8_t prof;     /* enum xprof */
	uint8_t rule;     /* DFR_* (tests/diff/case.h): a known deviation left out, see x87forms.c */
	ZydisMnemonic zm;        /* filled by xforms_build */
	const struct opdef *row; /* the opcode table's row, NULL if the emulator lacks it */
};

/* One generated x87 case, before it is written out. */
struct xcase {
	const struct xform *f;
	uint32_t cw, depth, rot, eflags, eax, mem_at, swmask, rule, fill, cbits;
	uint64_t man[8];   /* ST(k) significands */
	uint16_t se[8];    /* ST(k) sign and exponent */
	uint8_t mem[DIFF_FMEM];
	char text[80];
	char code[96];     /* the instruction's bytes in 32-bit code */
	char code64[112];  /* the same for long mode: 0x67, and [disp32] relative to the next EIP */
};

#define MAX_XFORMS 256

/* The x87 forms; returns how many (at most cap), -1 on a table error. */
int xforms_build(struct xform *forms, int cap);
/* count x87 cases for seed, the forms in a seeded order. */
void xgenerate(const struct xform *forms, int nforms, uint32_t seed, int count, struct xcase *cases);

#endif
