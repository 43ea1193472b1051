/* gen.h - the differential-case generator's instruction forms and the case it builds from one. */
#ifndef DENALI_DIFF_GEN_H
#define DENALI_DIFF_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/optable.h"
#include "tests/diff/case.h"

/* Families: how a form's inputs are chosen and its outputs masked (gen.c has one hook each). */
enum fam {
	F_GEN,      /* explicit operands only: ALU, MOV, CMOVcc, SETcc, IMUL r,rm(,imm) ... */
	F_MUL1,     /* MUL, IMUL r/m: EDX:EAX implicit */
	F_DIV,      /* DIV, IDIV: inputs chosen so the native run cannot raise #DE */
	F_SHIFT,    /* shifts and rotates: counts 0, 1, width-1, width, > width */
	F_SHXD,     /* SHLD, SHRD */
	F_BT,       /* BT, BTS, BTR, BTC: a register bit offset stays inside the area */
	F_BS,       /* BSF, BSR: zero sources */
	F_CMPXCHG,  /* CMPXCHG: EAX equal to the destination half the time */
	F_CX8,      /* CMPXCHG8B */
	F_IMPL,     /* no operands: CBW ... STD, BCD adjusts, PAUSE */
	F_AAMD,     /* AAM, AAD with an immediate base */
	F_LEA,      /* LEA: an address computed, never accessed */
	F_NOP,      /* NOP and NOP r/m (0F 1F /0, no access) */
	F_XLAT,
	F_STR,      /* string instructions */
	F_PUSH, F_POP, F_PUSHA, F_POPA, F_PUSHF, F_POPF, F_ENTER, F_LEAVE,
	F_JMP, F_JCC, F_CALL, F_RET, F_LOOP, F_JCXZ,
};

/* Operand classes of a form. */
enum ocls {
	OC_NONE,
	OC_REG,   /* a general register of size */
	OC_MEM,   /* memory of size (8 bytes: m64) in diff_area */
	OC_MEMLO, /* memory of size through 16-bit addressing (0x67) in the low window */
	OC_ADDR,  /* an address that is never accessed (LEA, NOP r/m); OA_A16: 16-bit addressing */
	OC_IMM,   /* immediate of size; OA_SX: imm8 sign-extended to the operation size */
	OC_CL,    /* the count register CL */
	OC_ONE,   /* the constant 1 (D0/D1/D3 shift forms) */
	OC_ACC,   /* AL, AX or EAX (the short accumulator forms) */
	OC_REL,   /* branch displacement of size 1 or 4 */
	OC_VAR,   /* a family-specific variant (attr says which) */
};

enum oattr {
	OA_SX = 1,  /* OC_IMM: sign-extended imm8 */
	OA_A16 = 1, /* OC_ADDR: 16-bit addressing */
	/* OC_VAR variants */
	OV_PLAIN = 0, OV_REP = 1, OV_REPNE = 2, OV_REP67 = 3, OV_A16 = 4, OV_O16 = 5, OV_ESP = 6,
	OA_MODRM = 2, /* OC_REG of INC/DEC: the FF /0, FF /1 encoding, not the one-byte 40+r, 48+r */
};

struct opnd {
	uint8_t cls;  /* enum ocls */
	uint8_t size; /* bytes */
	uint8_t attr; /* enum oattr */
};

/* Template flags. */
enum tflag {
	TF_LOCK = 1, /* LOCK may prefix the memory-destination forms */
};

/* One line of the template table: a mnemonic and its operand patterns. */
struct tmpl {
	enum fam fam;
	const char *mn;   /* the assembler's name */
	const char *zy;   /* Zydis's name (the opcode table's key), NULL = mn */
	const char *pats; /* space-separated patterns: "rm8,r8 rm32,i32 ..." */
	unsigned tf;      /* enum tflag */
};

/* One concrete form: a template with one pattern, r/m split into r and m. */
struct form {
	const struct tmpl *t;
	ZydisMnemonic zm;
	const struct opdef *row; /* the opcode table's row, NULL if the emulator lacks it */
	struct opnd op[3];
	int nops;
	char pat[32];            /* the expanded pattern, for reports */
};

/* Expand the template table; returns the number of forms (at most cap). */
int forms_build(struct form *forms, int cap);
/* The Zydis mnemonic with this name, or ZYDIS_MNEMONIC_INVALID. */
ZydisMnemonic mnemonic_by_name(const char *name);

/* What a generated case looks like before it is written out. */
enum adj { ADJ_0, ADJ_AREA, ADJ_T, ADJ_R }; /* 0, diff_area, the case's target / return label */

struct gitem {
	uint32_t at, size, val;
	enum adj adj;
};
struct gfix {
	uint32_t at, size, mask;
	enum adj sub;
};

struct gcase {
	const struct form *f;
	uint32_t in[9];
	enum adj adj[8], oadj[8];
	uint32_t rmask[8];
	uint32_t fmask, flags, fill, show;
	struct gitem item[DIFF_ITEMS];
	struct gfix fix[DIFF_FIXES];
	bool abs_mem;     /* the memory operand is [disp32] alone: long mode reads that encoding
			   * as RIP-relative, so the native side uses an equivalent one */
	uint32_t count;   /* shift count as executed (for the coverage report) */
	uint32_t val0;    /* operand 0's value before, for the coverage report */
	char text[96];    /* the instruction as printed */
	char code[320];   /* the instruction under test, as 32-bit code (lines after the label) */
	char post[96];    /* lines after it, before `jmp diff_exit` (branches record their path) */
	char tail[160];   /* lines after it (branch targets) */
};

struct rng {
	uint64_t s;
};

#define MAX_FORMS 1024

/* Build case number n of form f; slot picks input classes that must all be reached (shift
 * counts), varied by the caller over forms, visits and seeds. */
void gen_case(struct rng *g, const struct form *f, int n, unsigned slot, struct gcase *gc);
uint32_t rng_next(struct rng *g);
/* count cases for seed, the forms in a seeded order (low_ok: include the low-window forms). */
void generate(const struct form *forms, int nforms, uint32_t seed, int count, bool low_ok,
	      struct gcase *cases);

/* Where a form is checked (classes.c). Silicon: its bytes mean the same in long mode (with 0x67
 * added to a memory form), so the x86-64 native program runs them. Vectors: no long-mode
 * equivalent; unit vectors in tests/unit/ cover it, each group marked "vectors: KEY". */
enum dclass { DC_NONE, DC_SILICON, DC_VECTORS };
struct dclass_info {
	enum dclass cls;
	const char *key; /* DC_VECTORS: the unit vectors' marker */
	const char *why; /* DC_VECTORS: what long mode lacks */
};
struct dclass_info form_class(const struct form *f);
/* Whether the form addresses memory (explicitly or through ESI, EDI, EBX or ECX as an address
 * or count): long mode needs 0x67 to do it at 32 bits. */
bool form_addr32(const struct form *f);
/* The class of an opcode-table mnemonic no template covers (its name); DC_NONE if unknown. */
struct dclass_info row_class(const char *name);

struct xform;
/* --coverage: check the integer and x87 forms against the opcode table and a generated run of
 * count integer and xcount x87 cases per seed. 0 when all good. */
int coverage_check(const struct form *forms, int nforms, const struct xform *xforms, int nx, int count,
		   int xcount, const uint32_t *seeds, int nseeds, const char *vectors_dir);

#endif
