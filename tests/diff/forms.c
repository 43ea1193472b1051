/* forms.c - the differential generator's template table: every integer instruction form it emits. */
#include <stdio.h>
#include <string.h>

#include "tests/diff/gen.h"

/* Pattern tokens (comma-separated operands, Intel order; patterns separated by spaces):
 *   r8 r16 r32        a register          m8 m16 m32 m64  memory in diff_area
 *   rm8 rm16 rm32     both of the above   ml8 ml16 ml32   memory through 16-bit addressing (0x67)
 *   rx16 rx32         a register through ModRM where a one-byte form exists (INC/DEC FF /0, /1)
 *   i8 i16 i32        an immediate        s8              imm8 sign-extended to the operand size
 *   cl one            the count CL, the constant 1      al ax eax   the short accumulator forms
 *   a32 a16           an address never accessed (LEA)   n16 n32     NOP r/m, never accessed
 *   rel8 rel32        a branch displacement
 *   - rep repne rep67 x67 o16 esp   family variants: no operands, REP/REPE, REPNE, 0x67 with REP,
 *                     a 0x67 prefix, a 0x66 prefix, ESP itself (PUSH ESP, POP ESP)
 *
 * Left out on purpose (the coverage check lists them too): the 16-bit forms of JMP, CALL and RET
 * (they truncate EIP to 16 bits, outside any code a Linux process has), PUSH/POP of segment
 * registers and everything else DVA-1 removes, and the instructions whose results are
 * host-specific or fault in a Linux process (IN, OUT, INS, OUTS, CPUID, RDTSC, INT, INTO, BOUND).
 */
#define ALU2 "rm8,r8 rm16,r16 rm32,r32 r8,m8 r16,m16 r32,m32 rm8,i8 rm16,i16 rm32,i32 " \
	"rm16,s8 rm32,s8 al,i8 ax,i16 eax,i32 ml16,r16 r8,ml8"
#define UNARY "rm8 rm16 rm32 ml32"
#define SHIFT "rm8,one rm8,cl rm8,i8 rm16,one rm16,cl rm16,i8 rm32,one rm32,cl rm32,i8 ml16,cl"
#define CC(x) \
	{ F_GEN, "cmov" x, NULL, "r16,rm16 r32,rm32", 0 }, { F_GEN, "set" x, NULL, "rm8", 0 }, \
	{ F_JCC, "j" x, NULL, "rel8 rel32", 0 }
#define STR(x, pats) \
	{ F_STR, x "b", NULL, pats, 0 }, { F_STR, x "w", NULL, pats, 0 }, { F_STR, x "d", NULL, pats, 0 }

static const struct tmpl tmpls[] = {
	{ F_GEN, "add", NULL, ALU2, TF_LOCK },
	{ F_GEN, "adc", NULL, ALU2, TF_LOCK },
	{ F_GEN, "sub", NULL, ALU2, TF_LOCK },
	{ F_GEN, "sbb", NULL, ALU2, TF_LOCK },
	{ F_GEN, "cmp", NULL, ALU2, 0 },
	{ F_GEN, "and", NULL, ALU2, TF_LOCK },
	{ F_GEN, "or", NULL, ALU2, TF_LOCK },
	{ F_GEN, "xor", NULL, ALU2, TF_LOCK },
	{ F_GEN, "test", NULL, "rm8,r8 rm16,r16 rm32,r32 rm8,i8 rm16,i16 rm32,i32 al,i8 ax,i16 eax,i32", 0 },
	{ F_GEN, "inc", NULL, UNARY " rx16 rx32", TF_LOCK },
	{ F_GEN, "dec", NULL, UNARY " rx16 rx32", TF_LOCK },
	{ F_GEN, "neg", NULL, UNARY, TF_LOCK },
	{ F_GEN, "not", NULL, UNARY, TF_LOCK },

	{ F_MUL1, "mul", NULL, "rm8 rm16 rm32", 0 },
	{ F_MUL1, "imul", NULL, "rm8 rm16 rm32", 0 },
	{ F_GEN, "imul", NULL, "r16,rm16 r32,rm32 r16,rm16,i16 r16,rm16,s8 r32,rm32,i32 r32,rm32,s8", 0 },
	{ F_DIV, "div", NULL, "rm8 rm16 rm32", 0 },
	{ F_DIV, "idiv", NULL, "rm8 rm16 rm32", 0 },

	{ F_IMPL, "daa", NULL, "-", 0 },
	{ F_IMPL, "das", NULL, "-", 0 },
	{ F_IMPL, "aaa", NULL, "-", 0 },
	{ F_IMPL, "aas", NULL, "-", 0 },
	{ F_AAMD, "aam", NULL, "- i8", 0 },
	{ F_AAMD, "aad", NULL, "- i8", 0 },

	{ F_GEN, "mov", NULL, "rm8,r8 rm16,r16 rm32,r32 r8,m8 r16,m16 r32,m32 r8,i8 r16,i16 r32,i32 "
			      "m8,i8 m16,i16 m32,i32 ml16,r16 r8,ml8", 0 },
	{ F_GEN, "movzx", NULL, "r16,rm8 r32,rm8 r32,rm16", 0 },
	{ F_GEN, "movsx", NULL, "r16,rm8 r32,rm8 r32,rm16", 0 },
	{ F_GEN, "xchg", NULL, "rm8,r8 rm16,r16 rm32,r32 ml32,r32", TF_LOCK },
	{ F_GEN, "xadd", NULL, "rm8,r8 rm16,r16 rm32,r32", TF_LOCK },
	{ F_CMPXCHG, "cmpxchg", NULL, "rm8,r8 rm16,r16 rm32,r32", TF_LOCK },
	{ F_CX8, "cmpxchg8b", NULL, "m64", TF_LOCK },
	{ F_GEN, "bswap", NULL, "r32", 0 },
	{ F_LEA, "lea", NULL, "r16,a32 r32,a32 r32,a16 r16,a16", 0 },
	{ F_IMPL, "cbw", NULL, "-", 0 },
	{ F_IMPL, "cwde", NULL, "-", 0 },
	{ F_IMPL, "cwd", NULL, "-", 0 },
	{ F_IMPL, "cdq", NULL, "-", 0 },
	{ F_XLAT, "xlatb", "xlat", "- x67", 0 },
	{ F_IMPL, "lahf", NULL, "-", 0 },
	{ F_IMPL, "sahf", NULL, "-", 0 },
	{ F_IMPL, "clc", NULL, "-", 0 },
	{ F_IMPL, "stc", NULL, "-", 0 },
	{ F_IMPL, "cmc", NULL, "-", 0 },
	{ F_IMPL, "cld", NULL, "-", 0 },
	{ F_IMPL, "std", NULL, "-", 0 },
	{ F_NOP, "nop", NULL, "- n16 n32", 0 },
	{ F_IMPL, "pause", NULL, "-", 0 },
	CC("o"), CC("no"), CC("b"), CC("nb"), CC("z"), CC("nz"), CC("be"), CC("nbe"),
	CC("s"), CC("ns"), CC("p"), CC("np"), CC("l"), CC("nl"), CC("le"), CC("nle"),

	{ F_SHIFT, "shl", NULL, SHIFT, 0 },
	{ F_SHIFT, "shr", NULL, SHIFT, 0 },
	{ F_SHIFT, "sar", NULL, SHIFT, 0 },
	{ F_SHIFT, "rol", NULL, SHIFT, 0 },
	{ F_SHIFT, "ror", NULL, SHIFT, 0 },
	{ F_SHIFT, "rcl", NULL, SHIFT, 0 },
	{ F_SHIFT, "rcr", NULL, SHIFT, 0 },
	{ F_SHXD, "shld", NULL, "rm16,r16,i8 rm16,r16,cl rm32,r32,i8 rm32,r32,cl", 0 },
	{ F_SHXD, "shrd", NULL, "rm16,r16,i8 rm16,r16,cl rm32,r32,i8 rm32,r32,cl", 0 },

	{ F_BT, "bt", NULL, "rm16,r16 rm32,r32 rm16,i8 rm32,i8", 0 },
	{ F_BT, "bts", NULL, "rm16,r16 rm32,r32 rm16,i8 rm32,i8", TF_LOCK },
	{ F_BT, "btr", NULL, "rm16,r16 rm32,r32 rm16,i8 rm32,i8", TF_LOCK },
	{ F_BT, "btc", NULL, "rm16,r16 rm32,r32 rm16,i8 rm32,i8", TF_LOCK },
	{ F_BS, "bsf", NULL, "r16,rm16 r32,rm32", 0 },
	{ F_BS, "bsr", NULL, "r16,rm16 r32,rm32", 0 },

	STR("movs", "- rep rep67"), STR("lods", "- rep rep67"), STR("stos", "- rep rep67"),
	STR("cmps", "- rep repne rep67"), STR("scas", "- rep repne rep67"),

	{ F_PUSH, "push", NULL, "r16 r32 m16 m32 s8 i16 i32 esp", 0 },
	{ F_POP, "pop", NULL, "r16 r32 m16 m32 esp", 0 },
	{ F_PUSHA, "pushad", NULL, "-", 0 },
	{ F_PUSHA, "pusha", NULL, "o16", 0 },
	{ F_POPA, "popad", NULL, "-", 0 },
	{ F_POPA, "popa", NULL, "o16", 0 },
	{ F_PUSHF, "pushfd", NULL, "-", 0 },
	{ F_PUSHF, "pushf", NULL, "o16", 0 },
	{ F_POPF, "popfd", NULL, "-", 0 },
	{ F_POPF, "popf", NULL, "o16", 0 },
	{ F_ENTER, "enter", NULL, "i16,i8 o16", 0 },
	{ F_LEAVE, "leave", NULL, "- o16", 0 },

	{ F_JMP, "jmp", NULL, "rel8 rel32 r32 m32", 0 },
	{ F_CALL, "call", NULL, "rel32 r32 m32", 0 },
	{ F_RET, "ret", NULL, "- i16", 0 },
	{ F_LOOP, "loop", NULL, "rel8 x67", 0 },
	{ F_LOOP, "loope", NULL, "rel8 x67", 0 },
	{ F_LOOP, "loopne", NULL, "rel8 x67", 0 },
	{ F_JCXZ, "jecxz", NULL, "rel8", 0 },
	{ F_JCXZ, "jcxz", NULL, "x67", 0 },
};

ZydisMnemonic mnemonic_by_name(const char *name)
{
	for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
		const char *s = ZydisMnemonicGetString((ZydisMnemonic)m);
		if (s && !strcmp(s, name))
			return (ZydisMnemonic)m;
	}
	return ZYDIS_MNEMONIC_INVALID;
}

/* Parse one operand token; returns the number of alternatives written to alt (1, or 2 for rm). */
static int parse_tok(const char *tok, struct opnd alt[2])
{
	static const struct {
		const char *name;
		struct opnd o;
	} simple[] = {
		{ "r8", { OC_REG, 1, 0 } }, { "r16", { OC_REG, 2, 0 } }, { "r32", { OC_REG, 4, 0 } },
		{ "rx16", { OC_REG, 2, OA_MODRM } }, { "rx32", { OC_REG, 4, OA_MODRM } },
		{ "m8", { OC_MEM, 1, 0 } }, { "m16", { OC_MEM, 2, 0 } }, { "m32", { OC_MEM, 4, 0 } },
		{ "m64", { OC_MEM, 8, 0 } },
		{ "ml8", { OC_MEMLO, 1, 0 } }, { "ml16", { OC_MEMLO, 2, 0 } }, { "ml32", { OC_MEMLO, 4, 0 } },
		{ "i8", { OC_IMM, 1, 0 } }, { "i16", { OC_IMM, 2, 0 } }, { "i32", { OC_IMM, 4, 0 } },
		{ "s8", { OC_IMM, 1, OA_SX } },
		{ "cl", { OC_CL, 1, 0 } }, { "one", { OC_ONE, 1, 0 } },
		{ "al", { OC_ACC, 1, 0 } }, { "ax", { OC_ACC, 2, 0 } }, { "eax", { OC_ACC, 4, 0 } },
		{ "a32", { OC_ADDR, 0, 0 } }, { "a16", { OC_ADDR, 0, OA_A16 } },
		{ "n16", { OC_ADDR, 2, 0 } }, { "n32", { OC_ADDR, 4, 0 } },
		{ "rel8", { OC_REL, 1, 0 } }, { "rel32", { OC_REL, 4, 0 } },
		{ "rep", { OC_VAR, 0, OV_REP } }, { "repne", { OC_VAR, 0, OV_REPNE } },
		{ "rep67", { OC_VAR, 0, OV_REP67 } }, { "x67", { OC_VAR, 0, OV_A16 } },
		{ "o16", { OC_VAR, 0, OV_O16 } }, { "esp", { OC_VAR, 4, OV_ESP } },
	};
	if (!strncmp(tok, "rm", 2)) {
		unsigned sz = (unsigned)(tok[2] - '0');
		sz = sz == 8 ? 1 : sz == 1 ? 2 : 4; /* rm8, rm16, rm32 */
		alt[0] = (struct opnd){ OC_REG, (uint8_t)sz, 0 };
		alt[1] = (struct opnd){ OC_MEM, (uint8_t)sz, 0 };
		return 2;
	}
	for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
		if (!strcmp(tok, simple[i].name)) {
			alt[0] = simple[i].o;
			return 1;
		}
	fprintf(stderr, "diff-gen: bad pattern token '%s'\n", tok);
	return 0;
}

/* Add the forms of one pattern ("rm8,r8"): r/m operands give a register and a memory form. */
static int add_pattern(const struct tmpl *t, const char *pat, struct form *forms, int n, int cap)
{
	struct opnd alt[3][2];
	int nalt[3] = { 1, 1, 1 };
	int nops = 0;
	char buf[32], *save = NULL;

	snprintf(buf, sizeof buf, "%s", pat);
	if (strcmp(buf, "-"))
		for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			nalt[nops] = parse_tok(tok, alt[nops]);
			if (!nalt[nops])
				return -1;
			nops++;
		}
	for (int a = 0; a < nalt[0]; a++)
		for (int b = 0; b < (nops > 1 ? nalt[1] : 1); b++) {
			if (n >= cap)
				return -1;
			struct form *f = &forms[n++];
			memset(f, 0, sizeof *f);
			f->t = t;
			f->nops = nops;
			if (nops > 0)
				f->op[0] = alt[0][a];
			if (nops > 1)
				f->op[1] = alt[1][b];
			if (nops > 2)
				f->op[2] = alt[2][0];
			f->zm = mnemonic_by_name(t->zy ? t->zy : t->mn);
			f->row = optable_find(f->zm);
			snprintf(f->pat, sizeof f->pat, "%s", pat);
		}
	return n;
}

int forms_build(struct form *forms, int cap)
{
	int n = 0;

	for (size_t i = 0; i < sizeof tmpls / sizeof tmpls[0]; i++) {
		char buf[160], *save = NULL;
		snprintf(buf, sizeof buf, "%s", tmpls[i].pats);
		for (char *p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
			n = add_pattern(&tmpls[i], p, forms, n, cap);
			if (n < 0)
				return -1;
		}
		if (mnemonic_by_name(tmpls[i].zy ? tmpls[i].zy : tmpls[i].mn) == ZYDIS_MNEMONIC_INVALID) {
			fprintf(stderr, "diff-gen: no Zydis mnemonic '%s'\n", tmpls[i].mn);
			return -1;
		}
	}
	return n;
}
