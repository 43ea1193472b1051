/* classes.c - which instruction forms the host CPU checks in long mode, and which unit vectors cover. */

/* The differential test's native half runs as an x86-64 program wherever the host cannot run
 * 32-bit code (and beside the i386 one where it can). Long mode executes most IA-32 instruction
 * bytes with the same meaning: register forms with 8-, 16- and 32-bit operands (no REX), memory
 * forms once an address-size prefix (0x67) makes the effective address 32 bits wide, and the
 * whole x87. A form of that kind is SILICON. A form whose bytes mean something else in long mode,
 * or nothing at all, is VECTORS: the unit vectors in tests/unit/ check it, with expected values
 * worked from the Intel SDM's pseudo-code, and the file holding them says "vectors: KEY".
 *
 * What long mode changes (Intel SDM Vol. 1 section 3.2.1 and Vol. 2 appendix A, the
 * "i64"/"o64" and "d64" marks in the opcode maps):
 *   - 40-4F are REX prefixes: the one-byte INC/DEC do not exist;
 *   - PUSH, POP, CALL, RET, ENTER, LEAVE, PUSHF, POPF and JMP/CALL through a register or memory
 *     default to 64-bit operands: at 32 bits they have no encoding (at 16 bits, with 0x66, they
 *     do and mean the same, so those forms are silicon);
 *   - PUSHA, POPA, DAA, DAS, AAA, AAS, AAM, AAD, BOUND and INTO are invalid;
 *   - there is no 16-bit addressing: 0x67 selects 32 bits, so no form that uses SI, DI, BX, BP
 *     or CX at 16 bits as an address or count can run.
 * The rules below apply these per form; a form no rule places has no class and fails the
 * coverage check, so a new family or operand kind must be given one.
 */
#include <string.h>

#include "tests/diff/gen.h"

static const struct dclass_info silicon = { DC_SILICON, NULL, NULL };

static struct dclass_info vectors(const char *key, const char *why)
{
	return (struct dclass_info){ DC_VECTORS, key, why };
}

/* Whether the form uses 16-bit addressing (a 0x67 prefix in 32-bit code). */
static bool addr16(const struct form *f)
{
	for (int k = 0; k < f->nops; k++) {
		const struct opnd *o = &f->op[k];
		if (o->cls == OC_MEMLO || (o->cls == OC_ADDR && o->attr == OA_A16) ||
		    (o->cls == OC_VAR && (o->attr == OV_A16 || o->attr == OV_REP67)))
			return true;
	}
	return false;
}

/* The variant of a family form with an OC_VAR operand (OV_PLAIN when it has none). */
static unsigned variant(const struct form *f)
{
	return f->nops && f->op[0].cls == OC_VAR ? f->op[0].attr : OV_PLAIN;
}

static const char *const no16 = "no 16-bit addressing in long mode";
static const char *const stack64 = "32-bit stack operations have no long-mode encoding";

struct dclass_info form_class(const struct form *f)
{
	const char *mn = f->t->mn;

	if (addr16(f)) {
		switch (f->t->fam) {
		case F_STR: return vectors("string16", no16);
		case F_XLAT: return vectors("xlat16", no16);
		case F_LOOP: case F_JCXZ: return vectors("loop16", no16);
		default: return vectors("addr16", no16);
		}
	}
	switch (f->t->fam) {
	case F_GEN:
		/* the one-byte INC/DEC r16/r32 (40+r, 48+r) are REX prefixes in long mode */
		if ((f->zm == ZYDIS_MNEMONIC_INC || f->zm == ZYDIS_MNEMONIC_DEC) && f->op[0].cls == OC_REG &&
		    f->op[0].size > 1 && f->op[0].attr != OA_MODRM)
			return vectors("incdec-short", "40-4F are REX prefixes in long mode");
		return silicon;
	case F_MUL1: case F_DIV: case F_SHIFT: case F_SHXD: case F_BT: case F_BS: case F_CMPXCHG:
	case F_CX8: case F_LEA: case F_NOP: case F_XLAT: case F_STR: case F_JCC:
		return silicon;
	case F_IMPL:
		if (!strcmp(mn, "daa") || !strcmp(mn, "das") || !strcmp(mn, "aaa") || !strcmp(mn, "aas"))
			return vectors(mn, "invalid in long mode");
		return silicon;
	case F_AAMD:
		return vectors(mn, "invalid in long mode");
	case F_PUSH: case F_POP:
		/* 0x66 PUSH/POP r16, m16 and PUSH imm16 move 16 bits in both modes */
		if (f->op[0].cls != OC_VAR && f->op[0].size == 2)
			return silicon;
		return vectors(f->t->fam == F_PUSH ? "push32" : "pop32", stack64);
	case F_PUSHA: return vectors("pusha", "invalid in long mode");
	case F_POPA: return vectors("popa", "invalid in long mode");
	case F_PUSHF: return variant(f) == OV_O16 ? silicon : vectors("pushfd", stack64);
	case F_POPF: return variant(f) == OV_O16 ? silicon : vectors("popfd", stack64);
	case F_LEAVE: return variant(f) == OV_O16 ? silicon : vectors("leave", stack64);
	case F_ENTER:
		/* ENTER's nested frame copies read through RBP at 64 bits: kept to the vectors */
		return vectors("enter", stack64);
	case F_JMP:
		return f->op[0].cls == OC_REL ? silicon : vectors("jmp-indirect", "near indirect jumps take 64-bit operands in long mode");
	case F_CALL: return vectors("call", stack64);
	case F_RET: return vectors("ret", stack64);
	case F_LOOP: case F_JCXZ: return silicon; /* with 0x67: ECX, as in 32-bit code */
	}
	return (struct dclass_info){ DC_NONE, NULL, NULL };
}

bool form_addr32(const struct form *f)
{
	switch (f->t->fam) {
	case F_STR: case F_XLAT: case F_LOOP: case F_JCXZ:
		return true;
	default:
		break;
	}
	for (int k = 0; k < f->nops; k++)
		if (f->op[k].cls == OC_MEM || f->op[k].cls == OC_ADDR)
			return true;
	return false;
}

/* Opcode-table mnemonics the generator has no template for: their results cannot be compared
 * with a Linux process's at all (DVA-1 defines them, or they trap), so unit vectors cover them. */
static const struct {
	const char *name;
	const char *key;
	const char *why;
} rows[] = {
	{ "in", "inout", "port I/O: #GP in a Linux process; DVA-1's ports are its devices" },
	{ "out", "inout", "port I/O" },
	{ "insb", "inout", "port I/O" }, { "insw", "inout", "port I/O" }, { "insd", "inout", "port I/O" },
	{ "outsb", "inout", "port I/O" }, { "outsw", "inout", "port I/O" }, { "outsd", "inout", "port I/O" },
	{ "cpuid", "cpuid", "identifies the host processor; DVA-1 reports fixed values (section 2)" },
	{ "rdtsc", "rdtsc", "reads the host's time-stamp counter; DVA-1 returns instret (section 2)" },
	{ "int", "int", "a software interrupt: a signal natively, a vector-table entry on DVA-1" },
	{ "int3", "int", "a software interrupt" },
	{ "into", "into", "a software interrupt when OF = 1; invalid in long mode" },
	{ "bound", "bound", "raises #BR when out of range; invalid in long mode" },
	{ "iret", "iret", "needs an interrupt frame" }, { "iretd", "iret", "needs an interrupt frame" },
	/* x87 (x87forms.c says more) */
	{ "fsin", "ftransc", "x87 transcendental: ours correctly rounded by design, the host's not (docs/transcendentals.md)" },
	{ "fcos", "ftransc", "x87 transcendental" }, { "fsincos", "ftransc", "x87 transcendental" },
	{ "fptan", "ftransc", "x87 transcendental" }, { "fpatan", "ftransc", "x87 transcendental" },
	{ "f2xm1", "ftransc", "x87 transcendental" }, { "fyl2x", "ftransc", "x87 transcendental" },
	{ "fyl2xp1", "ftransc", "x87 transcendental" },
	{ "fnstenv", "fenv", "x87 control: the image holds code and data addresses" },
	{ "fldenv", "fenv", "x87 control: loads an image with addresses" },
	{ "fnsave", "fenv", "x87 control: every x87 case is read back with it" },
	{ "frstor", "fenv", "x87 control: loads an image with addresses" },
};

struct dclass_info row_class(const char *name)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (!strcmp(rows[i].name, name))
			return vectors(rows[i].key, rows[i].why);
	return (struct dclass_info){ DC_NONE, NULL, NULL };
}
