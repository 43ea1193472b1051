/* optable.h - the opcode table: one row per instruction the CPU implements (the single source of
 * truth for dispatch, names in diagnostics, and the tests' undefined-flag masks).
 *
 * Rows are indexed by Zydis mnemonic; an instruction whose mnemonic has no row is not
 * implemented. Handlers live in one file per instruction group (alu.c, shift.c, string.c, ...).
 */
#ifndef DENALI_OPTABLE_H
#define DENALI_OPTABLE_H

#include <stdint.h>

#include <Zydis/Zydis.h>

#include "cpu/insn.h"

enum op_attr {
	A_END = 0x01,    /* ends a block: an unconditional transfer or an exit from the run loop
			  * (a Jcc does not: a block runs on past one not taken) */
	A_LOCK = 0x02,   /* LOCK is allowed on its memory forms (DVA-1 section 2) */
	A_RMW = 0x04,    /* a memory operand 0 is read, then written */
	A_STR = 0x08,    /* string instruction: implicit ESI/EDI, REP prefixes apply */
	A_CC = 0x10,     /* condition-code family: cc comes from the row */
	A_IMPLICIT = 0x20, /* Zydis's operands are ignored: sz[0] = the operand width */
	A_OF1 = 0x40,    /* OF is defined only for a count of 1 (shifts and rotates) */
	A_BIGCNT = 0x80, /* result and flags undefined when the count exceeds the width (16-bit) */
	A_SRCZERO = 0x100, /* destination left unchanged when the source is 0 (BSF, BSR) */
};

struct opdef {
	insn_fn fn;        /* handler */
	uint16_t attr;     /* enum op_attr */
	uint8_t cc;        /* condition code, with A_CC */
	uint32_t writes;   /* EFLAGS bits the instruction may change */
	uint32_t undef;    /* of those, the bits the SDM leaves undefined (masked by the diff tests) */
};

/* The table, indexed by ZydisMnemonic; fn == NULL means not implemented. */
extern const struct opdef optable[ZYDIS_MNEMONIC_MAX_VALUE + 1];

/* The row for a mnemonic, or NULL when not implemented. */
const struct opdef *optable_find(ZydisMnemonic m);

/* Handlers, by group file. Each reads its operands, computes, writes, sets flags, returns an
 * enum insn_status. */
#define HANDLER(name) int name(struct cpu *c, const struct insn *in)

/* alu.c */
HANDLER(op_add); HANDLER(op_adc); HANDLER(op_sub); HANDLER(op_sbb); HANDLER(op_cmp);
HANDLER(op_and); HANDLER(op_or); HANDLER(op_xor); HANDLER(op_test);
HANDLER(op_inc); HANDLER(op_dec); HANDLER(op_neg); HANDLER(op_not);
/* muldiv.c */
HANDLER(op_mul); HANDLER(op_imul); HANDLER(op_div); HANDLER(op_idiv);
/* bcd.c */
HANDLER(op_daa); HANDLER(op_das); HANDLER(op_aaa); HANDLER(op_aas); HANDLER(op_aam); HANDLER(op_aad);
/* datamov.c */
HANDLER(op_mov); HANDLER(op_movzx); HANDLER(op_movsx); HANDLER(op_xchg); HANDLER(op_xadd);
HANDLER(op_cmpxchg); HANDLER(op_cmpxchg8b); HANDLER(op_bswap); HANDLER(op_lea);
HANDLER(op_cbw); HANDLER(op_cwde); HANDLER(op_cwd); HANDLER(op_cdq); HANDLER(op_xlat);
HANDLER(op_lahf); HANDLER(op_sahf); HANDLER(op_clc); HANDLER(op_stc); HANDLER(op_cmc);
HANDLER(op_cld); HANDLER(op_std); HANDLER(op_nop); HANDLER(op_cmovcc); HANDLER(op_setcc);
/* shift.c */
HANDLER(op_shl); HANDLER(op_shr); HANDLER(op_sar); HANDLER(op_rol); HANDLER(op_ror);
HANDLER(op_rcl); HANDLER(op_rcr); HANDLER(op_shld); HANDLER(op_shrd);
/* bits.c */
HANDLER(op_bt); HANDLER(op_bts); HANDLER(op_btr); HANDLER(op_btc); HANDLER(op_bsf); HANDLER(op_bsr);
/* string.c */
HANDLER(op_movs); HANDLER(op_cmps); HANDLER(op_scas); HANDLER(op_lods); HANDLER(op_stos);
HANDLER(op_ins); HANDLER(op_outs);
/* stack.c */
HANDLER(op_push); HANDLER(op_pop); HANDLER(op_pusha); HANDLER(op_popa); HANDLER(op_pushf);
HANDLER(op_popf); HANDLER(op_enter); HANDLER(op_leave);
/* branch.c */
HANDLER(op_jmp); HANDLER(op_jcc); HANDLER(op_call); HANDLER(op_ret); HANDLER(op_loop);
HANDLER(op_loope); HANDLER(op_loopne); HANDLER(op_jcxz);
/* interrupt.c */
HANDLER(op_int); HANDLER(op_int3); HANDLER(op_into); HANDLER(op_bound); HANDLER(op_iret);
/* system.c */
HANDLER(op_in); HANDLER(op_out); HANDLER(op_cpuid); HANDLER(op_rdtsc);
HANDLER(op_idle); HANDLER(op_terminate); HANDLER(op_fault); HANDLER(op_unimpl);

/* --- x87 FPU (owner: the FPU helper) ------------------------------------------------------- */
/* fpu_ldst.c */
HANDLER(op_fld); HANDLER(op_fst); HANDLER(op_fstp); HANDLER(op_fild); HANDLER(op_fist);
HANDLER(op_fistp); HANDLER(op_fbld); HANDLER(op_fbstp); HANDLER(op_fldconst); HANDLER(op_fxch);
HANDLER(op_fcmovcc); HANDLER(op_ffree); HANDLER(op_fincstp); HANDLER(op_fdecstp);
/* fpu_arith.c */
HANDLER(op_fadd); HANDLER(op_fsub); HANDLER(op_fsubr); HANDLER(op_fmul); HANDLER(op_fdiv);
HANDLER(op_fdivr); HANDLER(op_faddp); HANDLER(op_fsubp); HANDLER(op_fsubrp); HANDLER(op_fmulp);
HANDLER(op_fdivp); HANDLER(op_fdivrp); HANDLER(op_fiadd); HANDLER(op_fisub); HANDLER(op_fisubr);
HANDLER(op_fimul); HANDLER(op_fidiv); HANDLER(op_fidivr); HANDLER(op_fsqrt); HANDLER(op_frndint);
HANDLER(op_fabs); HANDLER(op_fchs); HANDLER(op_fprem); HANDLER(op_fprem1); HANDLER(op_fscale);
HANDLER(op_fxtract);
/* fpu_cmp.c */
HANDLER(op_fcom); HANDLER(op_fcomp); HANDLER(op_fcompp); HANDLER(op_fucom); HANDLER(op_fucomp);
HANDLER(op_fucompp); HANDLER(op_ficom); HANDLER(op_ficomp); HANDLER(op_fcomi); HANDLER(op_fcomip);
HANDLER(op_fucomi); HANDLER(op_fucomip); HANDLER(op_ftst); HANDLER(op_fxam);
/* fpu_ctl.c */
HANDLER(op_fninit); HANDLER(op_fnclex); HANDLER(op_fwait); HANDLER(op_fnop); HANDLER(op_fnop_legacy); HANDLER(op_fldcw);
HANDLER(op_fnstcw); HANDLER(op_fnstsw); HANDLER(op_fnstenv); HANDLER(op_fldenv);
HANDLER(op_fnsave); HANDLER(op_frstor);
/* fpu_transc_ops.c */
HANDLER(op_fsin); HANDLER(op_fcos); HANDLER(op_f2xm1); HANDLER(op_fsincos); HANDLER(op_fptan);
HANDLER(op_fpatan); HANDLER(op_fyl2x); HANDLER(op_fyl2xp1);
/* --- end of x87 ----------------------------------------------------------------------------- */

#endif
