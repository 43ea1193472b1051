/* optable.c - the opcode table: every instruction the CPU implements, one row each. */
#include "cpu/optable.h"

#include "cpu/cpu.h"

#define M(x) ZYDIS_MNEMONIC_##x
#define ARITH (FL_OSZAPC)
#define LOGIC_UNDEF (FL_AF)

/* Rows: [mnemonic] = { handler, attributes, cc, flags written, flags undefined }.
 * Flags per Intel SDM Vol. 2 and its Appendix A ("EFLAGS Cross-Reference", Vol. 1 App. A). */
const struct opdef optable[ZYDIS_MNEMONIC_MAX_VALUE + 1] = {
	/* Binary arithmetic and logic (alu.c) */
	[M(ADD)] = { op_add, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(ADC)] = { op_adc, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(SUB)] = { op_sub, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(SBB)] = { op_sbb, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(CMP)] = { op_cmp, 0, 0, ARITH, 0 },
	[M(AND)] = { op_and, A_LOCK | A_RMW, 0, ARITH, LOGIC_UNDEF },
	[M(OR)] = { op_or, A_LOCK | A_RMW, 0, ARITH, LOGIC_UNDEF },
	[M(XOR)] = { op_xor, A_LOCK | A_RMW, 0, ARITH, LOGIC_UNDEF },
	[M(TEST)] = { op_test, 0, 0, ARITH, LOGIC_UNDEF },
	[M(INC)] = { op_inc, A_LOCK | A_RMW, 0, FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF, 0 },
	[M(DEC)] = { op_dec, A_LOCK | A_RMW, 0, FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF, 0 },
	[M(NEG)] = { op_neg, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(NOT)] = { op_not, A_LOCK | A_RMW, 0, 0, 0 },

	/* Multiply and divide (muldiv.c) */
	[M(MUL)] = { op_mul, 0, 0, ARITH, FL_SF | FL_ZF | FL_AF | FL_PF },
	[M(IMUL)] = { op_imul, 0, 0, ARITH, FL_SF | FL_ZF | FL_AF | FL_PF },
	[M(DIV)] = { op_div, 0, 0, ARITH, ARITH },
	[M(IDIV)] = { op_idiv, 0, 0, ARITH, ARITH },

	/* Decimal arithmetic (bcd.c) */
	[M(DAA)] = { op_daa, A_IMPLICIT, 0, ARITH, FL_OF },
	[M(DAS)] = { op_das, A_IMPLICIT, 0, ARITH, FL_OF },
	[M(AAA)] = { op_aaa, A_IMPLICIT, 0, ARITH, FL_OF | FL_SF | FL_ZF | FL_PF },
	[M(AAS)] = { op_aas, A_IMPLICIT, 0, ARITH, FL_OF | FL_SF | FL_ZF | FL_PF },
	[M(AAM)] = { op_aam, 0, 0, ARITH, FL_OF | FL_AF | FL_CF },
	[M(AAD)] = { op_aad, 0, 0, ARITH, FL_OF | FL_AF | FL_CF },

	/* Data movement and flag control (datamov.c) */
	[M(MOV)] = { op_mov, 0, 0, 0, 0 },
	[M(MOVZX)] = { op_movzx, 0, 0, 0, 0 },
	[M(MOVSX)] = { op_movsx, 0, 0, 0, 0 },
	[M(XCHG)] = { op_xchg, A_LOCK | A_RMW, 0, 0, 0 },
	[M(XADD)] = { op_xadd, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(CMPXCHG)] = { op_cmpxchg, A_LOCK | A_RMW, 0, ARITH, 0 },
	[M(CMPXCHG8B)] = { op_cmpxchg8b, A_LOCK | A_RMW, 0, FL_ZF, 0 },
	[M(BSWAP)] = { op_bswap, 0, 0, 0, 0 },
	[M(LEA)] = { op_lea, 0, 0, 0, 0 },
	[M(CBW)] = { op_cbw, A_IMPLICIT, 0, 0, 0 },
	[M(CWDE)] = { op_cwde, A_IMPLICIT, 0, 0, 0 },
	[M(CWD)] = { op_cwd, A_IMPLICIT, 0, 0, 0 },
	[M(CDQ)] = { op_cdq, A_IMPLICIT, 0, 0, 0 },
	[M(XLAT)] = { op_xlat, A_IMPLICIT, 0, 0, 0 },
	[M(LAHF)] = { op_lahf, A_IMPLICIT, 0, 0, 0 },
	[M(SAHF)] = { op_sahf, A_IMPLICIT, 0, FL_SZAPC, 0 },
	[M(CLC)] = { op_clc, A_IMPLICIT, 0, FL_CF, 0 },
	[M(STC)] = { op_stc, A_IMPLICIT, 0, FL_CF, 0 },
	[M(CMC)] = { op_cmc, A_IMPLICIT, 0, FL_CF, 0 },
	[M(CLD)] = { op_cld, A_IMPLICIT, 0, FL_DF, 0 },
	[M(STD)] = { op_std, A_IMPLICIT, 0, FL_DF, 0 },
	[M(NOP)] = { op_nop, 0, 0, 0, 0 },
	[M(PAUSE)] = { op_nop, A_IMPLICIT, 0, 0, 0 },
	[M(CMOVO)] = { op_cmovcc, A_CC, 0, 0, 0 },
	[M(CMOVNO)] = { op_cmovcc, A_CC, 1, 0, 0 },
	[M(CMOVB)] = { op_cmovcc, A_CC, 2, 0, 0 },
	[M(CMOVNB)] = { op_cmovcc, A_CC, 3, 0, 0 },
	[M(CMOVZ)] = { op_cmovcc, A_CC, 4, 0, 0 },
	[M(CMOVNZ)] = { op_cmovcc, A_CC, 5, 0, 0 },
	[M(CMOVBE)] = { op_cmovcc, A_CC, 6, 0, 0 },
	[M(CMOVNBE)] = { op_cmovcc, A_CC, 7, 0, 0 },
	[M(CMOVS)] = { op_cmovcc, A_CC, 8, 0, 0 },
	[M(CMOVNS)] = { op_cmovcc, A_CC, 9, 0, 0 },
	[M(CMOVP)] = { op_cmovcc, A_CC, 10, 0, 0 },
	[M(CMOVNP)] = { op_cmovcc, A_CC, 11, 0, 0 },
	[M(CMOVL)] = { op_cmovcc, A_CC, 12, 0, 0 },
	[M(CMOVNL)] = { op_cmovcc, A_CC, 13, 0, 0 },
	[M(CMOVLE)] = { op_cmovcc, A_CC, 14, 0, 0 },
	[M(CMOVNLE)] = { op_cmovcc, A_CC, 15, 0, 0 },
	[M(SETO)] = { op_setcc, A_CC, 0, 0, 0 },
	[M(SETNO)] = { op_setcc, A_CC, 1, 0, 0 },
	[M(SETB)] = { op_setcc, A_CC, 2, 0, 0 },
	[M(SETNB)] = { op_setcc, A_CC, 3, 0, 0 },
	[M(SETZ)] = { op_setcc, A_CC, 4, 0, 0 },
	[M(SETNZ)] = { op_setcc, A_CC, 5, 0, 0 },
	[M(SETBE)] = { op_setcc, A_CC, 6, 0, 0 },
	[M(SETNBE)] = { op_setcc, A_CC, 7, 0, 0 },
	[M(SETS)] = { op_setcc, A_CC, 8, 0, 0 },
	[M(SETNS)] = { op_setcc, A_CC, 9, 0, 0 },
	[M(SETP)] = { op_setcc, A_CC, 10, 0, 0 },
	[M(SETNP)] = { op_setcc, A_CC, 11, 0, 0 },
	[M(SETL)] = { op_setcc, A_CC, 12, 0, 0 },
	[M(SETNL)] = { op_setcc, A_CC, 13, 0, 0 },
	[M(SETLE)] = { op_setcc, A_CC, 14, 0, 0 },
	[M(SETNLE)] = { op_setcc, A_CC, 15, 0, 0 },

	/* Shifts and rotates (shift.c) */
	[M(SHL)] = { op_shl, A_RMW | A_OF1, 0, ARITH, FL_OF | FL_AF },
	[M(SHR)] = { op_shr, A_RMW | A_OF1, 0, ARITH, FL_OF | FL_AF },
	[M(SAR)] = { op_sar, A_RMW | A_OF1, 0, ARITH, FL_OF | FL_AF },
	[M(ROL)] = { op_rol, A_RMW | A_OF1, 0, FL_OF | FL_CF, FL_OF },
	[M(ROR)] = { op_ror, A_RMW | A_OF1, 0, FL_OF | FL_CF, FL_OF },
	[M(RCL)] = { op_rcl, A_RMW | A_OF1, 0, FL_OF | FL_CF, FL_OF },
	[M(RCR)] = { op_rcr, A_RMW | A_OF1, 0, FL_OF | FL_CF, FL_OF },
	[M(SHLD)] = { op_shld, A_RMW | A_OF1 | A_BIGCNT, 0, ARITH, FL_OF | FL_AF },
	[M(SHRD)] = { op_shrd, A_RMW | A_OF1 | A_BIGCNT, 0, ARITH, FL_OF | FL_AF },

	/* Bit test and scan (bits.c) */
	[M(BT)] = { op_bt, 0, 0, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF, FL_OF | FL_SF | FL_AF | FL_PF },
	[M(BTS)] = { op_bts, A_LOCK, 0, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF, FL_OF | FL_SF | FL_AF | FL_PF },
	[M(BTR)] = { op_btr, A_LOCK, 0, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF, FL_OF | FL_SF | FL_AF | FL_PF },
	[M(BTC)] = { op_btc, A_LOCK, 0, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF, FL_OF | FL_SF | FL_AF | FL_PF },
	[M(BSF)] = { op_bsf, A_SRCZERO, 0, ARITH, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF },
	[M(BSR)] = { op_bsr, A_SRCZERO, 0, ARITH, FL_CF | FL_OF | FL_SF | FL_AF | FL_PF },

	/* String instructions (string.c); the operand size comes from the mnemonic */
	[M(MOVSB)] = { op_movs, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(MOVSW)] = { op_movs, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(MOVSD)] = { op_movs, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(CMPSB)] = { op_cmps, A_STR | A_IMPLICIT, 0, ARITH, 0 },
	[M(CMPSW)] = { op_cmps, A_STR | A_IMPLICIT, 0, ARITH, 0 },
	[M(CMPSD)] = { op_cmps, A_STR | A_IMPLICIT, 0, ARITH, 0 },
	[M(SCASB)] = { op_scas, A_STR | A_IMPLICIT, 0, ARITH, 0 },
	[M(SCASW)] = { op_scas, A_STR | A_IMPLICIT, 0, ARITH, 0 },
	[M(SCASD)] = { op_scas, A_STR | A_IMPLICIT, 0, ARITH, 0 },
	[M(LODSB)] = { op_lods, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(LODSW)] = { op_lods, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(LODSD)] = { op_lods, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(STOSB)] = { op_stos, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(STOSW)] = { op_stos, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(STOSD)] = { op_stos, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(INSB)] = { op_ins, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(INSW)] = { op_ins, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(INSD)] = { op_ins, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(OUTSB)] = { op_outs, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(OUTSW)] = { op_outs, A_STR | A_IMPLICIT, 0, 0, 0 },
	[M(OUTSD)] = { op_outs, A_STR | A_IMPLICIT, 0, 0, 0 },

	/* Stack (stack.c) */
	[M(PUSH)] = { op_push, 0, 0, 0, 0 },
	[M(POP)] = { op_pop, 0, 0, 0, 0 },
	[M(PUSHA)] = { op_pusha, A_IMPLICIT, 0, 0, 0 },
	[M(PUSHAD)] = { op_pusha, A_IMPLICIT, 0, 0, 0 },
	[M(POPA)] = { op_popa, A_IMPLICIT, 0, 0, 0 },
	[M(POPAD)] = { op_popa, A_IMPLICIT, 0, 0, 0 },
	[M(PUSHF)] = { op_pushf, A_IMPLICIT, 0, 0, 0 },
	[M(PUSHFD)] = { op_pushf, A_IMPLICIT, 0, 0, 0 },
	[M(POPF)] = { op_popf, A_IMPLICIT, 0, FL_POPF_MASK, 0 },
	[M(POPFD)] = { op_popf, A_IMPLICIT, 0, FL_POPF_MASK, 0 },
	[M(ENTER)] = { op_enter, 0, 0, 0, 0 },
	[M(LEAVE)] = { op_leave, A_IMPLICIT, 0, 0, 0 },

	/* Control transfer (branch.c); Jcc targets are resolved at decode time */
	[M(JMP)] = { op_jmp, A_END, 0, 0, 0 },
	[M(JO)] = { op_jcc, A_END | A_CC, 0, 0, 0 },
	[M(JNO)] = { op_jcc, A_END | A_CC, 1, 0, 0 },
	[M(JB)] = { op_jcc, A_END | A_CC, 2, 0, 0 },
	[M(JNB)] = { op_jcc, A_END | A_CC, 3, 0, 0 },
	[M(JZ)] = { op_jcc, A_END | A_CC, 4, 0, 0 },
	[M(JNZ)] = { op_jcc, A_END | A_CC, 5, 0, 0 },
	[M(JBE)] = { op_jcc, A_END | A_CC, 6, 0, 0 },
	[M(JNBE)] = { op_jcc, A_END | A_CC, 7, 0, 0 },
	[M(JS)] = { op_jcc, A_END | A_CC, 8, 0, 0 },
	[M(JNS)] = { op_jcc, A_END | A_CC, 9, 0, 0 },
	[M(JP)] = { op_jcc, A_END | A_CC, 10, 0, 0 },
	[M(JNP)] = { op_jcc, A_END | A_CC, 11, 0, 0 },
	[M(JL)] = { op_jcc, A_END | A_CC, 12, 0, 0 },
	[M(JNL)] = { op_jcc, A_END | A_CC, 13, 0, 0 },
	[M(JLE)] = { op_jcc, A_END | A_CC, 14, 0, 0 },
	[M(JNLE)] = { op_jcc, A_END | A_CC, 15, 0, 0 },
	[M(CALL)] = { op_call, A_END, 0, 0, 0 },
	[M(RET)] = { op_ret, A_END, 0, 0, 0 },
	[M(LOOP)] = { op_loop, A_END, 0, 0, 0 },
	[M(LOOPE)] = { op_loope, A_END, 0, 0, 0 },
	[M(LOOPNE)] = { op_loopne, A_END, 0, 0, 0 },
	[M(JCXZ)] = { op_jcxz, A_END, 0, 0, 0 },
	[M(JECXZ)] = { op_jcxz, A_END, 0, 0, 0 },

	/* Ports, identification, time (system.c) */
	[M(IN)] = { op_in, 0, 0, 0, 0 },
	[M(OUT)] = { op_out, 0, 0, 0, 0 },
	[M(CPUID)] = { op_cpuid, A_IMPLICIT, 0, 0, 0 },

	/* Software interrupts, BOUND and IRET (interrupt.c) */
	[M(INT)] = { op_int, A_END, 0, 0, 0 },
	[M(INT3)] = { op_int3, A_END | A_IMPLICIT, 0, 0, 0 },
	[M(INTO)] = { op_into, A_END | A_IMPLICIT, 0, 0, 0 },
	[M(BOUND)] = { op_bound, 0, 0, 0, 0 },
	[M(IRET)] = { op_iret, A_END | A_IMPLICIT, 0, FL_POPF_MASK, 0 },
	[M(IRETD)] = { op_iret, A_END | A_IMPLICIT, 0, FL_POPF_MASK, 0 },
	[M(RDTSC)] = { op_rdtsc, A_IMPLICIT, 0, 0, 0 },
};

const struct opdef *optable_find(ZydisMnemonic m)
{
	if ((unsigned)m > ZYDIS_MNEMONIC_MAX_VALUE || !optable[m].fn)
		return NULL;
	return &optable[m];
}
