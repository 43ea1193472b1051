/* x87forms.c - the differential generator's x87 form table: every x87 form it emits, as bytes. */
#include <stdio.h>

#include "tests/diff/x87.h"

/* Every form is emitted as its bytes (Intel SDM Vol. 2, the x87 opcode maps in appendix A.5) and
 * shown as Intel-syntax text, so no assembler's reading of FSUB/FSUBR with two registers can
 * swap them. Memory operands are [disp32] in diff_area.
 *
 * Left out (coverage.c lists them too): the transcendentals FSIN FCOS FSINCOS FPTAN FPATAN F2XM1
 * FYL2X FYL2XP1, whose results are ours by design (correctly rounded, the same on every host;
 * docs/transcendentals.md) and differ from the host x87 by up to 2^70 ulps for large arguments;
 * FNSTENV FLDENV FNSAVE FRSTOR, whose images hold the code and data addresses, which differ
 * between the native program and the guest (the unit test tests/unit/test_fpu.c compares them
 * against the host with the pointer fields aside). FNSAVE is how every case is read back.
 */

#define R(zy, fmt, op, modrm, nst, push, cc, prof) \
	{ zy, fmt, op, modrm, XK_NONE, 0, 0, nst, push, cc, prof, 0, 0, NULL }
#define STI(zy, fmt, op, modrm, nst, push, cc, prof) \
	{ zy, fmt, op, modrm, XK_STI, 0, 0, nst, push, cc, prof, 0, 0, NULL }
#define MEM(zy, fmt, op, digit, size, mt, nst, push, cc, prof) \
	{ zy, fmt, op, (digit) << 3, XK_MEM, size, mt, nst, push, cc, prof, 0, 0, NULL }

/* FADD-style arithmetic: ST(0) op ST(i), ST(i) op ST(0), the popping form, m32fp, m64fp, and
 * the integer forms im m32int, m16int. d8/dc/de are the register forms' ModRM bytes for i = 0. */
#define ARITH(m, im, d8, dc, de, digit) \
	STI(m, m " st(0), st(%d)", 0xD8, d8, 1, 0, XC_C1, XP_GEN), \
	STI(m, m " st(%d), st(0)", 0xDC, dc, 1, 0, XC_C1, XP_GEN), \
	STI(m "p", m "p st(%d), st(0)", 0xDE, de, 1, 0, XC_C1, XP_GEN), \
	MEM(m, m " dword ptr %s", 0xD8, digit, 4, XM_F32, 1, 0, XC_C1, XP_GEN), \
	MEM(m, m " qword ptr %s", 0xDC, digit, 8, XM_F64, 1, 0, XC_C1, XP_GEN), \
	MEM(im, im " dword ptr %s", 0xDA, digit, 4, XM_I32, 1, 0, XC_C1, XP_GEN), \
	MEM(im, im " word ptr %s", 0xDE, digit, 2, XM_I16, 1, 0, XC_C1, XP_GEN)

static const struct xform xtable[] = {
	/* arithmetic */
	ARITH("fadd", "fiadd", 0xC0, 0xC0, 0xC0, 0),
	ARITH("fmul", "fimul", 0xC8, 0xC8, 0xC8, 1),
	ARITH("fsub", "fisub", 0xE0, 0xE8, 0xE8, 4),
	ARITH("fsubr", "fisubr", 0xE8, 0xE0, 0xE0, 5),
	ARITH("fdiv", "fidiv", 0xF0, 0xF8, 0xF8, 6),
	ARITH("fdivr", "fidivr", 0xF8, 0xF0, 0xF0, 7),
	R("fsqrt", "fsqrt", 0xD9, 0xFA, 1, 0, XC_C1, XP_GEN),
	R("fabs", "fabs", 0xD9, 0xE1, 1, 0, XC_C1, XP_GEN),
	R("fchs", "fchs", 0xD9, 0xE0, 1, 0, XC_C1, XP_GEN),
	R("frndint", "frndint", 0xD9, 0xFC, 1, 0, XC_C1, XP_RND),
	R("fscale", "fscale", 0xD9, 0xFD, 2, 0, XC_C1, XP_SCALE),
	R("fxtract", "fxtract", 0xD9, 0xF4, 1, 1, XC_C1, XP_GEN),
	R("fprem", "fprem", 0xD9, 0xF8, 2, 0, XC_ALL, XP_PREM),
	R("fprem1", "fprem1", 0xD9, 0xF5, 2, 0, XC_ALL, XP_PREM),

	/* loads */
	STI("fld", "fld st(%d)", 0xD9, 0xC0, 0, 1, XC_C1, XP_GEN),
	MEM("fld", "fld dword ptr %s", 0xD9, 0, 4, XM_F32, 0, 1, XC_C1, XP_GEN),
	MEM("fld", "fld qword ptr %s", 0xDD, 0, 8, XM_F64, 0, 1, XC_C1, XP_GEN),
	MEM("fld", "fld tbyte ptr %s", 0xDB, 5, 10, XM_F80, 0, 1, XC_C1, XP_GEN),
	MEM("fild", "fild word ptr %s", 0xDF, 0, 2, XM_I16, 0, 1, XC_C1, XP_GEN),
	MEM("fild", "fild dword ptr %s", 0xDB, 0, 4, XM_I32, 0, 1, XC_C1, XP_GEN),
	MEM("fild", "fild qword ptr %s", 0xDF, 5, 8, XM_I64, 0, 1, XC_C1, XP_GEN),
	MEM("fbld", "fbld tbyte ptr %s", 0xDF, 4, 10, XM_BCD, 0, 1, XC_C1, XP_GEN),
	R("fld1", "fld1", 0xD9, 0xE8, 0, 1, XC_C1, XP_GEN),
	R("fldl2t", "fldl2t", 0xD9, 0xE9, 0, 1, XC_C1, XP_GEN),
	R("fldl2e", "fldl2e", 0xD9, 0xEA, 0, 1, XC_C1, XP_GEN),
	R("fldpi", "fldpi", 0xD9, 0xEB, 0, 1, XC_C1, XP_GEN),
	R("fldlg2", "fldlg2", 0xD9, 0xEC, 0, 1, XC_C1, XP_GEN),
	R("fldln2", "fldln2", 0xD9, 0xED, 0, 1, XC_C1, XP_GEN),
	R("fldz", "fldz", 0xD9, 0xEE, 0, 1, XC_C1, XP_GEN),

	/* stores */
	STI("fst", "fst st(%d)", 0xDD, 0xD0, 1, 0, XC_C1, XP_GEN),
	STI("fstp", "fstp st(%d)", 0xDD, 0xD8, 1, 0, XC_C1, XP_GEN),
	MEM("fst", "fst dword ptr %s", 0xD9, 2, 4, XM_OUT, 1, 0, XC_C1, XP_GEN),
	MEM("fst", "fst qword ptr %s", 0xDD, 2, 8, XM_OUT, 1, 0, XC_C1, XP_GEN),
	MEM("fstp", "fstp dword ptr %s", 0xD9, 3, 4, XM_OUT, 1, 0, XC_C1, XP_GEN),
	MEM("fstp", "fstp qword ptr %s", 0xDD, 3, 8, XM_OUT, 1, 0, XC_C1, XP_GEN),
	MEM("fstp", "fstp tbyte ptr %s", 0xDB, 7, 10, XM_OUT, 1, 0, XC_C1, XP_GEN),
	MEM("fist", "fist word ptr %s", 0xDF, 2, 2, XM_OUT, 1, 0, XC_C1, XP_INT),
	MEM("fist", "fist dword ptr %s", 0xDB, 2, 4, XM_OUT, 1, 0, XC_C1, XP_INT),
	MEM("fistp", "fistp word ptr %s", 0xDF, 3, 2, XM_OUT, 1, 0, XC_C1, XP_INT),
	MEM("fistp", "fistp dword ptr %s", 0xDB, 3, 4, XM_OUT, 1, 0, XC_C1, XP_INT),
	MEM("fistp", "fistp qword ptr %s", 0xDF, 7, 8, XM_OUT, 1, 0, XC_C1, XP_INT),
	MEM("fbstp", "fbstp tbyte ptr %s", 0xDF, 6, 10, XM_OUT, 1, 0, XC_C1, XP_BCD),

	/* exchanges and moves */
	STI("fxch", "fxch st(%d)", 0xD9, 0xC8, 1, 0, XC_C1, XP_GEN),
	STI("fcmovb", "fcmovb st(0), st(%d)", 0xDA, 0xC0, 1, 0, XC_C1, XP_GEN),
	STI("fcmove", "fcmove st(0), st(%d)", 0xDA, 0xC8, 1, 0, XC_C1, XP_GEN),
	STI("fcmovbe", "fcmovbe st(0), st(%d)", 0xDA, 0xD0, 1, 0, XC_C1, XP_GEN),
	STI("fcmovu", "fcmovu st(0), st(%d)", 0xDA, 0xD8, 1, 0, XC_C1, XP_GEN),
	STI("fcmovnb", "fcmovnb st(0), st(%d)", 0xDB, 0xC0, 1, 0, XC_C1, XP_GEN),
	STI("fcmovne", "fcmovne st(0), st(%d)", 0xDB, 0xC8, 1, 0, XC_C1, XP_GEN),
	STI("fcmovnbe", "fcmovnbe st(0), st(%d)", 0xDB, 0xD0, 1, 0, XC_C1, XP_GEN),
	STI("fcmovnu", "fcmovnu st(0), st(%d)", 0xDB, 0xD8, 1, 0, XC_C1, XP_GEN),

	/* compares */
	STI("fcom", "fcom st(%d)", 0xD8, 0xD0, 1, 0, XC_ALL, XP_CMP),
	MEM("fcom", "fcom dword ptr %s", 0xD8, 2, 4, XM_F32, 1, 0, XC_ALL, XP_CMP),
	MEM("fcom", "fcom qword ptr %s", 0xDC, 2, 8, XM_F64, 1, 0, XC_ALL, XP_CMP),
	STI("fcomp", "fcomp st(%d)", 0xD8, 0xD8, 1, 0, XC_ALL, XP_CMP),
	MEM("fcomp", "fcomp dword ptr %s", 0xD8, 3, 4, XM_F32, 1, 0, XC_ALL, XP_CMP),
	MEM("fcomp", "fcomp qword ptr %s", 0xDC, 3, 8, XM_F64, 1, 0, XC_ALL, XP_CMP),
	R("fcompp", "fcompp", 0xDE, 0xD9, 2, 0, XC_ALL, XP_CMP),
	STI("fucom", "fucom st(%d)", 0xDD, 0xE0, 1, 0, XC_ALL, XP_CMP),
	STI("fucomp", "fucomp st(%d)", 0xDD, 0xE8, 1, 0, XC_ALL, XP_CMP),
	R("fucompp", "fucompp", 0xDA, 0xE9, 2, 0, XC_ALL, XP_CMP),
	MEM("ficom", "ficom dword ptr %s", 0xDA, 2, 4, XM_I32, 1, 0, XC_ALL, XP_CMP),
	MEM("ficom", "ficom word ptr %s", 0xDE, 2, 2, XM_I16, 1, 0, XC_ALL, XP_CMP),
	MEM("ficomp", "ficomp dword ptr %s", 0xDA, 3, 4, XM_I32, 1, 0, XC_ALL, XP_CMP),
	MEM("ficomp", "ficomp word ptr %s", 0xDE, 3, 2, XM_I16, 1, 0, XC_ALL, XP_CMP),
	R("ftst", "ftst", 0xD9, 0xE4, 1, 0, XC_ALL, XP_GEN),
	R("fxam", "fxam", 0xD9, 0xE5, 1, 0, XC_ALL, XP_GEN),
	STI("fcomi", "fcomi st(0), st(%d)", 0xDB, 0xF0, 1, 0, XC_ALL, XP_CMP),
	STI("fucomi", "fucomi st(0), st(%d)", 0xDB, 0xE8, 1, 0, XC_ALL, XP_CMP),
	STI("fcomip", "fcomip st(0), st(%d)", 0xDF, 0xF0, 1, 0, XC_ALL, XP_CMP),
	STI("fucomip", "fucomip st(0), st(%d)", 0xDF, 0xE8, 1, 0, XC_ALL, XP_CMP),

	/* control */
	STI("ffree", "ffree st(%d)", 0xDD, 0xC0, 0, 0, XC_NONE, XP_GEN),
	R("fincstp", "fincstp", 0xD9, 0xF7, 0, 0, XC_C1, XP_GEN),
	R("fdecstp", "fdecstp", 0xD9, 0xF6, 0, 0, XC_C1, XP_GEN),
	R("fninit", "fninit", 0xDB, 0xE3, 0, 0, XC_ALL, XP_GEN),
	R("fnclex", "fnclex", 0xDB, 0xE2, 0, 0, XC_NONE, XP_GEN),
	R("fnop", "fnop", 0xD9, 0xD0, 0, 0, XC_NONE, XP_GEN),
	/* FENI, FDISI and FSETPM: control instructions that leave FOP (and FIP) alone. */
	R("feni8087_nop", "feni", 0xDB, 0xE0, 0, 0, XC_NONE, XP_GEN),
	R("fdisi8087_nop", "fdisi", 0xDB, 0xE1, 0, 0, XC_NONE, XP_GEN),
	R("fsetpm287_nop", "fsetpm", 0xDB, 0xE4, 0, 0, XC_NONE, XP_GEN),
	{ "fwait", "fwait", 0x9B, 0, XK_NONE, 0, 0, 0, 0, XC_ALL, XP_GEN, 0, 0, NULL },
	MEM("fldcw", "fldcw word ptr %s", 0xD9, 5, 2, XM_CW, 0, 0, XC_NONE, XP_GEN),
	MEM("fnstcw", "fnstcw word ptr %s", 0xD9, 7, 2, XM_OUT, 0, 0, XC_NONE, XP_GEN),
	MEM("fnstsw", "fnstsw word ptr %s", 0xDD, 7, 2, XM_OUT, 0, 0, XC_NONE, XP_GEN),
	{ "fnstsw", "fnstsw ax", 0xDF, 0xE0, XK_AX, 0, 0, 0, 0, XC_NONE, XP_GEN, 0, 0, NULL },
};

int xforms_build(struct xform *forms, int cap)
{
	int n = 0;
	for (size_t i = 0; i < sizeof xtable / sizeof xtable[0]; i++) {
		if (n >= cap)
			return -1;
		forms[n] = xtable[i];
		forms[n].zm = mnemonic_by_name(forms[n].zy);
		if (forms[n].zm == ZYDIS_MNEMONIC_INVALID) {
			fprintf(stderr, "diff-gen: no Zydis mnemonic '%s'\n", forms[n].zy);
			return -1;
		}
		forms[n].row = optable_find(forms[n].zm);
		n++;
	}
	return n;
}
