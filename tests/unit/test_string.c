/* test_string.c - unit vectors for MOVS CMPS SCAS LODS STOS INS OUTS with REP, REPE, REPNE.
 *
 * The row tables for 32-bit addresses (movs_rows ... stos_rows) are silicon-class, and were
 * recorded by running each row's bytes on the host CPU (a gcc -m32 program with the code at
 * TVM_CODE and the data words at TVM_DATA, single-stepped with TF: a REP instruction traps once
 * per iteration, which is how DVA-1 section 6 counts retirements, so a row's `insns` budget
 * stops the host and the emulator at the same element). Rows cover both directions, counts 0,
 * 1 and several, REPE/REPNE termination, faults in the middle of a REP and budgets that run
 * out in the middle of one.
 *
 * string16_rows (0x67: SI, DI and CX) are the vector class: long mode cannot run them (0x67
 * selects ESI, EDI and ECX there), so they are worked from the SDM; port I/O (INS, OUTS) is
 * DVA-1's own and follows sections 6 and 7 (io_row below).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

static const struct row movs_rows[] = {
	{ .name = "movsb copies one byte and steps esi and edi up",
	  .code = "a4", .r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8001, 0x8009 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa11, 0xffeedd } },
	{ .name = "movsb with DF set steps esi and edi down",
	  .code = "a4", .r = { 0, 0, 0, 0, 0, 0, 0x8003, 0x800b }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8002, 0x800a },
	  .want_m = { 0x44332211, 0x88776655, 0x44bbaa99, 0xffeedd } },
	{ .name = "movsw copies a word",
	  .code = "66 a5", .r = { 0, 0, 0, 0, 0, 0, 0x8002, 0x800c },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8004, 0x800e },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xff4433 } },
	{ .name = "movsd copies a dword",
	  .code = "a5", .r = { 0, 0, 0, 0, 0, 0, 0x8004, 0x800c },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8008, 0x8010 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0x88776655 } },
	{ .name = "movsd with DF set steps by 4 down",
	  .code = "a5", .r = { 0, 0, 0, 0, 0, 0, 0x8004, 0x800c }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0x88776655 } },
	{ .name = "movsb ignores ecx without a prefix",
	  .code = "a4", .r = { 0, 0x7, 0, 0, 0, 0, 0x8000, 0x800f },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0x7, 0, 0, 0, 0, 0x8001, 0x8010 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0x11ffeedd } },
	{ .name = "rep movsb with ecx = 0 does nothing and retires once",
	  .code = "f3 a4", .r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "rep movsb with ecx = 1 copies one byte",
	  .code = "f3 a4", .r = { 0, 0x1, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8001, 0x8009 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa11, 0xffeedd } },
	{ .name = "rep movsb with ecx = 5 copies five bytes forward",
	  .code = "f3 a4", .r = { 0, 0x5, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8005, 0x800d },
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0xffee55 }, .insns = 5 },
	{ .name = "rep movsb with DF set copies five bytes backward",
	  .code = "f3 a4", .r = { 0, 0x5, 0, 0, 0, 0, 0x8004, 0x800f }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x7fff, 0x800a },
	  .want_m = { 0x44332211, 0x88776655, 0x11bbaa99, 0x55443322 }, .insns = 5 },
	{ .name = "rep movsb forward over an overlap one byte up replicates the first byte",
	  .code = "f3 a4", .r = { 0, 0x6, 0, 0, 0, 0, 0x8000, 0x8001 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8006, 0x8007 },
	  .want_m = { 0x11111111, 0x88111111, 0xccbbaa99, 0xffeedd }, .insns = 6 },
	{ .name = "rep movsw copies three words",
	  .code = "66 f3 a5", .r = { 0, 0x3, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8006, 0x800e },
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0xff6655 }, .insns = 3 },
	{ .name = "rep movsd copies two dwords backward",
	  .code = "f3 a5", .r = { 0, 0x2, 0, 0, 0, 0, 0x8004, 0x800c }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x7ffc, 0x8004 },
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 }, .insns = 2 },
	{ .name = "repne movsb acts as rep",
	  .code = "f2 a4", .r = { 0, 0x2, 0, 0, 0, 0, 0x8000, 0x800c },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8002, 0x800e },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xff2211 }, .insns = 2 },
	{ .name = "rep movsb paused by the budget after 2 of 5 leaves eip and the registers at the third",
	  .code = "f3 a4", .r = { 0, 0x5, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0x3, 0, 0, 0, 0, 0x8002, 0x800a },
	  .want_m = { 0x44332211, 0x88776655, 0xccbb2211, 0xffeedd }, .want_eip = 0x1000,
	  .insns = 2 },
	{ .name = "rep movsd paused after 1 of 3 with DF set",
	  .code = "f3 a5", .r = { 0, 0x3, 0, 0, 0, 0, 0x8008, 0x800c }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0x2, 0, 0, 0, 0, 0x8004, 0x8008 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xccbbaa99 }, .want_eip = 0x1000 },
	{ .name = "rep movsd faulting at its third element leaves the registers at that element",
	  .code = "f3 a5", .r = { 0, 0x4, 0, 0, 0, 0, 0xffff8, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0x2, 0, 0, 0, 0, 0x100000, 0x8008 },
	  .want_m = { 0, 0, 0xccbbaa99, 0xffeedd }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "rep movsb faulting at its first element changes nothing",
	  .code = "f3 a4", .r = { 0, 0x3, 0, 0, 0, 0, 0x8000, 0x100000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0x3, 0, 0, 0, 0, 0x8000, 0x100000 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "rep movsd with DF set faulting on the destination after one element",
	  .code = "f3 a5", .r = { 0, 0x3, 0, 0, 0, 0, 0x8008, 0x1003 }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0x2, 0, 0, 0, 0, 0x8004, 0xfff },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_movs(void **state)
{
	(void)state;
	RUN_ROWS(movs_rows);
}

static const struct row cmps_rows[] = {
	{ .name = "cmpsb sets the flags of [esi] - [edi]",
	  .code = "a6", .r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8004 }, .fl = FL_OSZAPC,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8001, 0x8005 }, .want_fl = FL_SF | FL_AF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "cmpsb of equal bytes sets ZF",
	  .code = "a6", .r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8001, 0x8009 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 } },
	{ .name = "cmpsd sets CF when [esi] is below [edi]",
	  .code = "a7", .r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8004 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8004, 0x8008 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "cmpsw with DF set steps down by 2",
	  .code = "66 a7", .r = { 0, 0, 0, 0, 0, 0, 0x8006, 0x8002 }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8004, 0x8000 }, .want_fl = FL_OF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "repe cmpsb over equal strings runs to ecx = 0 with ZF set",
	  .code = "f3 a6", .r = { 0, 0x8, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8008, 0x8010 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 }, .insns = 8 },
	{ .name = "repe cmpsb stops after the first difference with ZF clear",
	  .code = "f3 a6", .r = { 0, 0x8, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0x44ff2211, 0x88776655 },
	  .want_r = { 0, 0x5, 0, 0, 0, 0, 0x8003, 0x800b }, .want_fl = FL_AF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0x44ff2211, 0x88776655 }, .insns = 3 },
	{ .name = "repe cmpsb that differs at the last element ends with ecx = 0",
	  .code = "f3 a6", .r = { 0, 0x3, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0x44ff2211, 0x88776655 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8003, 0x800b }, .want_fl = FL_AF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0x44ff2211, 0x88776655 }, .insns = 3 },
	{ .name = "repne cmpsb stops at the first equal byte",
	  .code = "f2 a6", .r = { 0, 0x8, 0, 0, 0, 0, 0x8000, 0x8004 },
	  .m = { 0x44332211, 0x88332255 },
	  .want_r = { 0, 0x6, 0, 0, 0, 0, 0x8002, 0x8006 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88332255 }, .insns = 2 },
	{ .name = "repne cmpsb runs out with ZF clear when no byte matches",
	  .code = "f2 a6", .r = { 0, 0x4, 0, 0, 0, 0, 0x8000, 0x8004 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8004, 0x8008 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 4 },
	{ .name = "repe cmpsd with DF set compares dwords downward",
	  .code = "f3 a7", .r = { 0, 0x2, 0, 0, 0, 0, 0x8004, 0x800c }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x7ffc, 0x8004 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 }, .insns = 2 },
	{ .name = "repe cmpsb with ecx = 0 leaves the flags alone and retires once",
	  .code = "f3 a6", .r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 }, .fl = FL_OSZAPC,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x8000, 0x8008 }, .want_fl = FL_OSZAPC,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "repe cmpsb paused by the budget keeps going where it stopped",
	  .code = "f3 a6", .r = { 0, 0x8, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 },
	  .want_r = { 0, 0x4, 0, 0, 0, 0, 0x8004, 0x800c }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0x44332211, 0x88776655 }, .want_eip = 0x1000,
	  .insns = 4 },
	{ .name = "repe cmpsb faulting on [esi] after two elements",
	  .code = "f3 a6", .r = { 0, 0x5, 0, 0, 0, 0, 0xffffe, 0x8000 }, .m = { 0x44330000 },
	  .want_r = { 0, 0x3, 0, 0, 0, 0, 0x100000, 0x8002 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44330000 }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_cmps(void **state)
{
	(void)state;
	RUN_ROWS(cmps_rows);
}

static const struct row scas_rows[] = {
	{ .name = "scasb compares al with [edi]",
	  .code = "ae", .r = { 0x12345611, 0, 0, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x12345611, 0, 0, 0, 0, 0, 0, 0x8001 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "scasb sets CF and SF when al is below [edi]",
	  .code = "ae", .r = { 0x10, 0, 0, 0, 0, 0, 0, 0x8000 }, .fl = FL_OSZAPC,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x10, 0, 0, 0, 0, 0, 0, 0x8001 }, .want_fl = FL_SF | FL_AF | FL_PF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "scasw compares ax with [edi]",
	  .code = "66 af", .r = { 0x6655, 0, 0, 0, 0, 0, 0, 0x8004 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x6655, 0, 0, 0, 0, 0, 0, 0x8006 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "scasd with DF set steps edi down by 4",
	  .code = "af", .r = { 0x7fffffff, 0, 0, 0, 0, 0, 0, 0x8008 }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x7fffffff, 0, 0, 0, 0, 0, 0, 0x8004 },
	  .want_fl = FL_OF | FL_SF | FL_PF | FL_CF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "repne scasb finds a byte and stops past it",
	  .code = "f2 ae", .r = { 0x77, 0x10, 0, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x77, 0x9, 0, 0, 0, 0, 0, 0x8007 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 7 },
	{ .name = "repne scasb that never finds the byte runs ecx to 0",
	  .code = "f2 ae", .r = { 0xee, 0x5, 0, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xee, 0, 0, 0, 0, 0, 0, 0x8005 }, .want_fl = FL_SF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 5 },
	{ .name = "repe scasb skips a run of equal bytes",
	  .code = "f3 ae", .r = { 0x61, 0xa, 0, 0, 0, 0, 0, 0x8000 }, .m = { 0x61616161, 0x626161 },
	  .want_r = { 0x61, 0x3, 0, 0, 0, 0, 0, 0x8007 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF, .want_m = { 0x61616161, 0x626161 },
	  .insns = 7 },
	{ .name = "repe scasd with DF set",
	  .code = "f3 af", .r = { 0x5a5a5a5a, 0x3, 0, 0, 0, 0, 0, 0x8008 }, .fl = FL_DF,
	  .m = { 0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a },
	  .want_r = { 0x5a5a5a5a, 0, 0, 0, 0, 0, 0, 0x7ffc }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a }, .insns = 3 },
	{ .name = "repne scasb paused by the budget",
	  .code = "f2 ae", .r = { 0x99, 0x10, 0, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x99, 0xd, 0, 0, 0, 0, 0, 0x8003 }, .want_fl = FL_OF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .want_eip = 0x1000,
	  .insns = 3 },
	{ .name = "repne scasb faulting at the end of memory",
	  .code = "f2 ae", .r = { 0x99, 0x10, 0, 0, 0, 0, 0, 0xffffe },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x99, 0xe, 0, 0, 0, 0, 0, 0x100000 }, .want_fl = FL_SF | FL_PF,
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 10,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_scas(void **state)
{
	(void)state;
	RUN_ROWS(scas_rows);
}

static const struct row lods_rows[] = {
	{ .name = "lodsb loads al and keeps the rest of eax",
	  .code = "ac", .r = { 0xdeadbeef, 0, 0, 0, 0, 0, 0x8001 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xdeadbe22, 0, 0, 0, 0, 0, 0x8002 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "lodsw loads ax",
	  .code = "66 ad", .r = { 0xdeadbeef, 0, 0, 0, 0, 0, 0x8002 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xdead4433, 0, 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "lodsd loads eax, DF set steps down",
	  .code = "ad", .r = { 0xdeadbeef, 0, 0, 0, 0, 0, 0x8004 }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x88776655, 0, 0, 0, 0, 0, 0x8000 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "rep lodsb leaves the last byte in al",
	  .code = "f3 ac", .r = { 0xdeadbeef, 0x3, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xdeadbe33, 0, 0, 0, 0, 0, 0x8003 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 3 },
	{ .name = "lodsd faults beyond memory and changes nothing",
	  .code = "ad", .r = { 0xdeadbeef, 0, 0, 0, 0, 0, 0xffffd },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xdeadbeef, 0, 0, 0, 0, 0, 0xffffd },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_lods(void **state)
{
	(void)state;
	RUN_ROWS(lods_rows);
}

static const struct row stos_rows[] = {
	{ .name = "stosb stores al",
	  .code = "aa", .r = { 0x123456ab, 0, 0, 0, 0, 0, 0, 0x8001 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x123456ab, 0, 0, 0, 0, 0, 0, 0x8002 },
	  .want_m = { 0x4433ab11, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "stosw stores ax",
	  .code = "66 ab", .r = { 0x123456ab, 0, 0, 0, 0, 0, 0, 0x8002 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x123456ab, 0, 0, 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x56ab2211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "stosd stores eax with DF set and steps down",
	  .code = "ab", .r = { 0x123456ab, 0, 0, 0, 0, 0, 0, 0x8004 }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x123456ab, 0, 0, 0, 0, 0, 0, 0x8000 },
	  .want_m = { 0x44332211, 0x123456ab, 0xccbbaa99, 0xffeedd } },
	{ .name = "rep stosb with ecx = 0 stores nothing",
	  .code = "f3 aa", .r = { 0x55, 0, 0, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x55, 0, 0, 0, 0, 0, 0, 0x8000 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "rep stosb fills seven bytes",
	  .code = "f3 aa", .r = { 0x55, 0x7, 0, 0, 0, 0, 0, 0x8003 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x55, 0, 0, 0, 0, 0, 0, 0x800a },
	  .want_m = { 0x55332211, 0x55555555, 0xccbb5555, 0xffeedd }, .insns = 7 },
	{ .name = "rep stosd fills backward with DF set",
	  .code = "f3 ab", .r = { 0xcafef00d, 0x3, 0, 0, 0, 0, 0, 0x8008 }, .fl = FL_DF,
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xcafef00d, 0, 0, 0, 0, 0, 0, 0x7ffc },
	  .want_m = { 0xcafef00d, 0xcafef00d, 0xcafef00d, 0xffeedd }, .insns = 3 },
	{ .name = "rep stosw fills two words",
	  .code = "66 f3 ab", .r = { 0xbeef, 0x2, 0, 0, 0, 0, 0, 0x800a },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0xbeef, 0, 0, 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x44332211, 0x88776655, 0xbeefaa99, 0xffbeef }, .insns = 2 },
	{ .name = "rep stosd paused after 2 of 4",
	  .code = "f3 ab", .r = { 0x1010101, 0x4, 0, 0, 0, 0, 0, 0x8000 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x1010101, 0x2, 0, 0, 0, 0, 0, 0x8008 },
	  .want_m = { 0x1010101, 0x1010101, 0xccbbaa99, 0xffeedd }, .want_eip = 0x1000,
	  .insns = 2 },
	{ .name = "rep stosd faulting at the end of memory after one element",
	  .code = "f3 ab", .r = { 0x1010101, 0x4, 0, 0, 0, 0, 0, 0xffffc },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x1010101, 0x3, 0, 0, 0, 0, 0, 0x100000 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "rep stosb into page 0 faults at once",
	  .code = "f3 aa", .r = { 0x1, 0x4, 0, 0, 0, 0, 0, 0x10 },
	  .m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd },
	  .want_r = { 0x1, 0x4, 0, 0, 0, 0, 0, 0x10 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_stos(void **state)
{
	(void)state;
	RUN_ROWS(stos_rows);
}

/* vectors: string16
 * String instructions with the address-size prefix 0x67. SDM Vol. 2B, MOVS, LODS, STOS, SCAS
 * and Vol. 2A, CMPS, Operation (paraphrased): with a 16-bit address size the source is at SI
 * and the destination at DI (segment bases are 0 here), and after each element SI and/or DI
 * step by the element size, up if DF = 0, down if DF = 1 -- as 16-bit registers, so they wrap
 * at 64 KiB and the upper halves of ESI and EDI do not change. SDM Vol. 2B, REP/REPE/REPNE,
 * Operation: with a 16-bit address size the count register is CX: while CX != 0 { do one
 * element; CX = CX - 1; stop if CX = 0, or for REPE if ZF = 0, for REPNE if ZF = 1 } -- the
 * upper half of ECX neither counts nor changes. DVA-1 section 6: a REP retires once per element
 * (so `insns` stops it at an element boundary; EIP stays at the instruction until the last).
 * Data words m[] = 0x44332211 0x88776655 0xccbbaa99 0x00ffeedd: byte 0x11 at 0x8000, 0x22 at
 * 0x8001, ..., 0xdd at 0x800c. */
#define SM { 0x44332211, 0x88776655, 0xccbbaa99, 0xffeedd }
static const struct row string16_rows[] = {
	/* [0x8000..2] = 11 22 33 to 0x800c..e; SI 0x8000 -> 0x8003, DI 0x800c -> 0x800f, CX 3 -> 0. */
	{ .name = "67 rep movsb: cx 3 elements from si 0x8000 to di 0x800c; ecx, esi, edi keep 0xabcd, "
		  "0x1234, 0x5678 above",
	  .code = "67 f3 a4", .r = { 0, 0xabcd0003, 0, 0, 0, 0, 0x12348000, 0x5678800c }, .m = SM,
	  .want_r = { 0, 0xabcd0000, 0, 0, 0, 0, 0x12348003, 0x5678800f },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0x332211 }, .insns = 3 },
	/* DF: [0x8001] = 0x22 to 0x800d, [0x8000] = 0x11 to 0x800c; SI -> 0x7fff, DI -> 0x800b. */
	{ .name = "67 rep movsb with DF: 2 bytes down, si 0x8001 -> 0x7fff, di 0x800d -> 0x800b",
	  .code = "67 f3 a4", .r = { 0, 0xffff0002, 0, 0, 0, 0, 0xffff8001, 0xffff800d },
	  .fl = FL_DF, .m = SM,
	  .want_r = { 0, 0xffff0000, 0, 0, 0, 0, 0xffff7fff, 0xffff800b },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0xff2211 }, .insns = 2 },
	{ .name = "67 rep movsb with cx 0 and ecx 0x10000 does nothing: cx is the count",
	  .code = "67 f3 a4", .r = { 0, 0x10000, 0, 0, 0, 0, 0x8000, 0x8008 }, .m = SM,
	  .want_r = { 0, 0x10000, 0, 0, 0, 0, 0x8000, 0x8008 }, .want_m = SM },
	/* Two elements: 0x8000 and 0x8004 get EAX; CX reaches 0, so the instruction ends (EIP past
	 * it) although ECX is 0x10000: counting ECX would have left it paused at 0x1000. */
	{ .name = "67 rep stosd with ecx 0x10002 stops when cx reaches 0 after 2 dwords, ecx 0x10000",
	  .code = "67 f3 ab", .r = { 0xa5a5a5a5, 0x10002, 0, 0, 0, 0, 0, 0x33338000 }, .m = SM,
	  .want_r = { 0xa5a5a5a5, 0x10000, 0, 0, 0, 0, 0, 0x33338008 },
	  .want_m = { 0xa5a5a5a5, 0xa5a5a5a5, 0xccbbaa99, 0xffeedd }, .insns = 2 },
	/* SI 0xffff: [0xffff] (0) to 0x8000; SI wraps to 0: [0] = 0x44 (the magic's first byte) to
	 * 0x8001; SI ends 0x0001 with ESI's upper half 0x7777 kept. */
	{ .name = "67 rep movsb: si wraps from 0xffff to 0 and reads page 0 (0x44), esi 0x7777ffff -> "
		  "0x77770001",
	  .code = "67 f3 a4", .r = { 0, 0x10002, 0, 0, 0, 0, 0x7777ffff, 0xaaaa8000 }, .m = SM,
	  .want_r = { 0, 0x10000, 0, 0, 0, 0, 0x77770001, 0xaaaa8002 },
	  .want_m = { 0x44334400, 0x88776655, 0xccbbaa99, 0xffeedd }, .insns = 2 },
	/* The first store at 0xffff is allowed; DI wraps to 0 and the second store hits page 0:
	 * #PF with the registers at that element (DVA-1 section 1). */
	{ .name = "67 rep stosb: di wraps from 0xffff to 0 and the store into page 0 faults there",
	  .code = "67 f3 aa", .r = { 0x41, 0x50003, 0, 0, 0, 0, 0, 0x1234ffff }, .m = SM,
	  .want_r = { 0x41, 0x50002, 0, 0, 0, 0, 0, 0x12340000 }, .want_m = SM, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "67 movsd: [si 0x8000] to [di 0x800c]; si and di + 4, esi's and edi's bit 16 kept",
	  .code = "67 a5", .r = { 0, 0, 0, 0, 0, 0, 0x00018000, 0x0002800c }, .m = SM,
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x00018004, 0x00028010 },
	  .want_m = { 0x44332211, 0x88776655, 0xccbbaa99, 0x44332211 } },
	{ .name = "67 lodsb: al = [si 0x8005] = 0x66, si 0x8006, esi's upper half 0xffff kept",
	  .code = "67 ac", .r = { 0, 0, 0, 0, 0, 0, 0xffff8005 }, .m = SM,
	  .want_r = { 0x66, 0, 0, 0, 0, 0, 0xffff8006 }, .want_m = SM },
	{ .name = "67 lodsb with DF and si 0: al = [0] = 0x44, si wraps down to 0xffff, esi 0x5555ffff",
	  .code = "67 ac", .r = { 0x12345678, 0, 0, 0, 0, 0, 0x55550000 }, .fl = FL_DF,
	  .want_r = { 0x12345644, 0, 0, 0, 0, 0, 0x5555ffff } },
	{ .name = "67 stosw with DF: [di 0x8002] = ax 0xbeef, di 0x8000, edi's upper half kept",
	  .code = "67 66 ab", .r = { 0x1234beef, 0, 0, 0, 0, 0, 0, 0x99998002 }, .fl = FL_DF,
	  .m = SM, .want_r = { 0x1234beef, 0, 0, 0, 0, 0, 0, 0x99998000 },
	  .want_m = { 0xbeef2211, 0x88776655, 0xccbbaa99, 0xffeedd } },
	{ .name = "67 scasd: eax = [di 0x8004], ZF PF, di 0x8008, edi's upper half kept",
	  .code = "67 af", .r = { 0x88776655, 0, 0, 0, 0, 0, 0, 0xffff8004 }, .m = SM,
	  .want_r = { 0x88776655, 0, 0, 0, 0, 0, 0, 0xffff8008 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = SM },
	/* 0x33 is the third byte: three elements, CX 0x10 -> 0xd, DI 0x8000 -> 0x8003. */
	{ .name = "67 repne scasb finds al 0x33 at the third byte: cx 0xd, di 0x8003, upper halves kept",
	  .code = "67 f2 ae", .r = { 0x33, 0xffff0010, 0, 0, 0, 0, 0, 0xdead8000 }, .m = SM,
	  .want_r = { 0x33, 0xffff000d, 0, 0, 0, 0, 0, 0xdead8003 }, .want_fl = FL_ZF | FL_PF,
	  .want_m = SM, .insns = 3 },
	/* Words at SI 0x8000: 1111 2222 3333 4444; at DI 0x8008: 6666 5555 7777 4444: the fourth
	 * pair is equal, REPNE stops there: CX 5 -> 1, SI 0x8008, DI 0x8010; flags of 0x4444 - 0x4444. */
	{ .name = "67 repne cmpsw stops at the equal fourth word: cx 1, si 0x8008, di 0x8010",
	  .code = "67 66 f2 a7", .r = { 0, 0x77770005, 0, 0, 0, 0, 0x99998000, 0x88888008 },
	  .m = { 0x22221111, 0x44443333, 0x55556666, 0x44447777 },
	  .want_r = { 0, 0x77770001, 0, 0, 0, 0, 0x99998008, 0x88888010 },
	  .want_fl = FL_ZF | FL_PF, .want_m = { 0x22221111, 0x44443333, 0x55556666, 0x44447777 },
	  .insns = 4 },
	/* 2 equal bytes (11 22 vs 11 22): REPE runs until CX = 0 with ZF = 1, ECX's bit 17 kept. */
	{ .name = "67 repe cmpsb over 2 equal bytes ends with cx 0 and ZF, ecx 0x20000",
	  .code = "67 f3 a6", .r = { 0, 0x20002, 0, 0, 0, 0, 0x8000, 0x8008 },
	  .m = { 0x44332211, 0, 0x99992211 },
	  .want_r = { 0, 0x20000, 0, 0, 0, 0, 0x8002, 0x800a }, .want_fl = FL_ZF | FL_PF,
	  .want_m = { 0x44332211, 0, 0x99992211 }, .insns = 2 },
};

static void test_string16(void **state)
{
	(void)state;
	RUN_ROWS(string16_rows);
}

/* vectors: inout (INS, OUTS)
 * Rows the host cannot record: port I/O (the console on 0xD000 and 0xD001 is the harness's only
 * device, so every other port raises #GP), retirement counts, and REP OUTSB as one operation.
 * The behaviour is DVA-1's: section 7 (console: OUTSB to 0xD000 writes the byte at ESI and
 * steps ESI as x86 does; REP OUTSB writes ECX bytes as one operation, ESI stepped by ECX,
 * ECX = 0, and #PF before anything is written if a byte is unreadable; IN AL from 0xD000 gives
 * the next input byte, 0xFF when none waits; IN EAX from 0xD001 the count with bit 31 once
 * input has ended; every other port, width or direction #GP(0)) and section 6 (a REP retires
 * once per element, REP OUTSB once). Where section 7 says "as x86 does", the SDM Vol. 2A INS
 * and Vol. 2B OUTS Operation applies: one element between port DX and [EDI] (INS) or [ESI]
 * (OUTS), then EDI/ESI step by the element size, down if DF = 1; with 0x67, DI/SI and CX. The
 * store of INS is checked before the port is read (DVA-1 section 1). */
struct io_row {
	const char *name;
	const char *code;      /* at TVM_CODE */
	uint32_t r[8];         /* ESP 0 means TVM_STACK */
	uint32_t fl;
	const char *data;      /* bytes (hex) placed at data_at, or NULL */
	uint32_t data_at;      /* 0 means TVM_DATA */
	int insns;             /* budget; 0 means 1 */
	int want_exit;
	uint32_t want_fault;
	uint32_t want_fault_addr; /* checked for #PF */
	uint32_t want_r[8];
	uint32_t want_eip;     /* 0: TVM_CODE for a fault or a pause, else after the code */
	bool paused;           /* the row stops inside a REP: EIP stays at TVM_CODE */
	uint64_t want_instret;
	const char *want_console;
	const char *want_data; /* bytes (hex) expected at data_at afterwards, or NULL */
};

static int run_io_row(const struct io_row *row)
{
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[64], data[64], got[64];
	size_t len = tvm_hex(row->code, code, sizeof(code)), dlen = 0;
	uint32_t at = row->data_at ? row->data_at : TVM_DATA;
	int bad = 0;

	tvm_poke(t, TVM_CODE, code, len);
	if (row->data) {
		dlen = tvm_hex(row->data, data, sizeof(data));
		tvm_poke(t, at, data, dlen);
	}
	memcpy(c->r, row->r, sizeof(row->r));
	if (!c->r[REG_ESP])
		c->r[REG_ESP] = TVM_STACK;
	c->eflags = row->fl | FL_FIXED1;
	enum cpu_exit ex = tvm_run(t, row->insns ? (uint64_t)row->insns : 1);
	if ((int)ex != row->want_exit) {
		print_error("%s: exit %d, want %d\n", row->name, (int)ex, row->want_exit);
		bad++;
	}
	if (ex == CPU_EXIT_FAULT && (c->fault.vector != row->want_fault ||
	    (row->want_fault == DVA_VEC_PF && c->fault.addr != row->want_fault_addr))) {
		print_error("%s: fault %" PRIu32 " at %08" PRIx32 ", want %" PRIu32 " at %08" PRIx32 "\n",
			    row->name, c->fault.vector, c->fault.addr, row->want_fault,
			    row->want_fault_addr);
		bad++;
	}
	for (int i = 0; i < 8; i++) {
		uint32_t want = i == REG_ESP && !row->want_r[i] ? TVM_STACK : row->want_r[i];
		if (c->r[i] != want) {
			print_error("%s: r[%d] = %08" PRIx32 ", want %08" PRIx32 "\n", row->name, i,
				    c->r[i], want);
			bad++;
		}
	}
	uint32_t want_eip = row->want_eip ? row->want_eip
		: ex == CPU_EXIT_FAULT || row->paused ? TVM_CODE : TVM_CODE + (uint32_t)len;
	if (c->eip != want_eip) {
		print_error("%s: eip = %08" PRIx32 ", want %08" PRIx32 "\n", row->name, c->eip, want_eip);
		bad++;
	}
	if (c->instret != row->want_instret) {
		print_error("%s: instret = %llu, want %llu\n", row->name,
			    (unsigned long long)c->instret, (unsigned long long)row->want_instret);
		bad++;
	}
	const char *want_con = row->want_console ? row->want_console : "";
	if (strcmp(tvm_console(t), want_con) != 0) {
		print_error("%s: console \"%s\", want \"%s\"\n", row->name, tvm_console(t), want_con);
		bad++;
	}
	if (row->want_data) {
		size_t wlen = tvm_hex(row->want_data, data, sizeof(data));
		tvm_peek(t, at, got, wlen);
		if (memcmp(got, data, wlen) != 0) {
			print_error("%s: memory at %08" PRIx32 " differs\n", row->name, at);
			bad++;
		}
	}
	tvm_free(t);
	return bad;
}

static void run_io_rows(const struct io_row *rows, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++)
		failed += run_io_row(&rows[i]) ? 1 : 0;
	if (failed)
		fail_msg("%d of %zu rows failed", failed, n);
}

#define CON DVA_PORT_CONSOLE
#define D TVM_DATA
#define TERMINATE "0f 3f 02"

static const struct io_row retire_rows[] = {
	{ .name = "rep movsb with ecx = 0 retires once",
	  .code = "f3 a4 " TERMINATE, .r = { 0, 0, 0, 0, 0, 0, D, D + 8 }, .insns = 100,
	  .want_exit = CPU_EXIT_TERMINATE, .want_r = { 0, 0, 0, 0, 0, 0, D, D + 8 },
	  .want_eip = TVM_CODE + 5, .want_instret = 2 },
	{ .name = "rep movsb with ecx = 5 retires five times",
	  .code = "f3 a4 " TERMINATE, .r = { 0, 5, 0, 0, 0, 0, D, D + 8 }, .insns = 100,
	  .want_exit = CPU_EXIT_TERMINATE, .want_r = { 0, 0, 0, 0, 0, 0, D + 5, D + 13 },
	  .want_eip = TVM_CODE + 5, .want_instret = 6 },
	{ .name = "repe cmpsb that stops at its third element retires three times",
	  .code = "f3 a6 " TERMINATE, .r = { 0, 8, 0, 0, 0, 0, D, D + 8 }, .insns = 100,
	  .data = "61 62 63 64 00 00 00 00 61 62 00 64",
	  .want_exit = CPU_EXIT_TERMINATE, .want_r = { 0, 5, 0, 0, 0, 0, D + 3, D + 11 },
	  .want_eip = TVM_CODE + 5, .want_instret = 4 },
	{ .name = "rep stosd paused by the budget retires what it did and stays on the instruction",
	  .code = "f3 ab " TERMINATE, .r = { 0x01020304, 10, 0, 0, 0, 0, 0, D }, .insns = 3,
	  .want_r = { 0x01020304, 7, 0, 0, 0, 0, 0, D + 12 }, .paused = true, .want_instret = 3,
	  .want_data = "04 03 02 01 04 03 02 01 04 03 02 01 00" },
	{ .name = "rep movsd faulting at its third element retires two",
	  .code = "f3 a5 " TERMINATE, .r = { 0, 4, 0, 0, 0, 0, 0xffff8, D }, .insns = 100,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF, .want_fault_addr = 0x100000,
	  .want_r = { 0, 2, 0, 0, 0, 0, 0x100000, D + 8 }, .want_instret = 2 },
	{ .name = "rep outsb retires once whatever ecx is",
	  .code = "f3 6e " TERMINATE, .r = { 0, 5, CON, 0, 0, 0, D }, .data = "68 65 6c 6c 6f",
	  .insns = 100, .want_exit = CPU_EXIT_TERMINATE, .want_r = { 0, 0, CON, 0, 0, 0, D + 5 },
	  .want_eip = TVM_CODE + 5, .want_instret = 2, .want_console = "hello" },
	{ .name = "rep insb from the console retires once per byte",
	  .code = "f3 6c " TERMINATE, .r = { 0, 3, CON, 0, 0, 0, 0, D }, .insns = 100,
	  .want_exit = CPU_EXIT_TERMINATE, .want_r = { 0, 0, CON, 0, 0, 0, 0, D + 3 },
	  .want_eip = TVM_CODE + 5, .want_instret = 4, .want_data = "ff ff ff 00" },
};

static const struct io_row outs_rows[] = {
	{ .name = "outsb writes the byte at esi to the console and steps esi",
	  .code = "6e", .r = { 0, 0, CON, 0, 0, 0, D }, .data = "41 42",
	  .want_r = { 0, 0, CON, 0, 0, 0, D + 1 }, .want_instret = 1, .want_console = "A" },
	{ .name = "outsb with DF set steps esi down",
	  .code = "6e", .r = { 0, 0, CON, 0, 0, 0, D + 1 }, .fl = FL_DF, .data = "41 42",
	  .want_r = { 0, 0, CON, 0, 0, 0, D }, .want_instret = 1, .want_console = "B" },
	{ .name = "rep outsb writes ecx bytes in one operation, leaving ecx = 0",
	  .code = "f3 6e", .r = { 0, 5, CON, 0, 0, 0, D }, .data = "68 65 6c 6c 6f",
	  .want_r = { 0, 0, CON, 0, 0, 0, D + 5 }, .want_instret = 1, .want_console = "hello" },
	{ .name = "rep outsb with DF set writes esi, esi - 1, ... in that order",
	  .code = "f3 6e", .r = { 0, 5, CON, 0, 0, 0, D + 4 }, .fl = FL_DF, .data = "6f 6c 6c 65 68",
	  .want_r = { 0, 0, CON, 0, 0, 0, D - 1 }, .want_instret = 1, .want_console = "hello" },
	{ .name = "rep outsb with ecx = 0 writes nothing and retires once",
	  .code = "f3 6e", .r = { 0, 0, CON, 0, 0, 0, D }, .data = "68",
	  .want_r = { 0, 0, CON, 0, 0, 0, D }, .want_instret = 1 },
	{ .name = "rep outsb with an unreadable byte faults before writing anything",
	  .code = "f3 6e", .r = { 0, 5, CON, 0, 0, 0, 0xffffd }, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF, .want_fault_addr = 0x100000,
	  .want_r = { 0, 5, CON, 0, 0, 0, 0xffffd } },
	{ .name = "rep outsb with DF set and an unreadable byte faults before writing anything",
	  .code = "f3 6e", .r = { 0, 3, CON, 0, 0, 0, 0x100001 }, .fl = FL_DF, .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF, .want_fault_addr = 0x100000,
	  .want_r = { 0, 3, CON, 0, 0, 0, 0x100001 } },
	{ .name = "67 rep outsb counts in cx and steps si, keeping the upper halves",
	  .code = "67 f3 6e", .r = { 0, 0x12340003, CON, 0, 0, 0, 0xabcd0000 | D }, .data = "78 79 7a",
	  .want_r = { 0, 0x12340000, CON, 0, 0, 0, 0xabcd0000 | (D + 3) }, .want_instret = 1,
	  .want_console = "xyz" },
	{ .name = "67 rep outsb wraps si from 0xffff to 0 and reads page 0",
	  .code = "67 f3 6e", .r = { 0, 4, CON, 0, 0, 0, 0x5555fffe }, .data = "6f 6b", .data_at = 0xfffe,
	  .want_r = { 0, 0, CON, 0, 0, 0, 0x55550002 }, .want_instret = 1, .want_console = "okDN" },
	{ .name = "outsb to a port that does not exist raises #GP and changes nothing",
	  .code = "6e", .r = { 0, 0, 0x80, 0, 0, 0, D }, .data = "41",
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_GP, .want_r = { 0, 0, 0x80, 0, 0, 0, D } },
	{ .name = "rep outsb to a port that does not exist raises #GP and changes nothing",
	  .code = "f3 6e", .r = { 0, 3, 0xd100, 0, 0, 0, D }, .data = "41 42 43",
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_GP, .want_r = { 0, 3, 0xd100, 0, 0, 0, D } },
	{ .name = "outsw to the console (a width it does not have) raises #GP",
	  .code = "66 6f", .r = { 0, 0, CON, 0, 0, 0, D }, .data = "41 42",
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_GP, .want_r = { 0, 0, CON, 0, 0, 0, D } },
	{ .name = "rep outsd to the console raises #GP at its first element",
	  .code = "f3 6f", .r = { 0, 2, CON, 0, 0, 0, D }, .data = "41 42 43 44", .insns = 5,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_GP, .want_r = { 0, 2, CON, 0, 0, 0, D } },
	{ .name = "outsb uses only dx as the port",
	  .code = "6e", .r = { 0, 0, 0xffff0000 | CON, 0, 0, 0, D }, .data = "21",
	  .want_r = { 0, 0, 0xffff0000 | CON, 0, 0, 0, D + 1 }, .want_instret = 1, .want_console = "!" },
};

static const struct io_row ins_rows[] = {
	{ .name = "insb from the console with no input stores 0xff at edi",
	  .code = "6c", .r = { 0, 0, CON, 0, 0, 0, 0, D }, .data = "11 22",
	  .want_r = { 0, 0, CON, 0, 0, 0, 0, D + 1 }, .want_instret = 1, .want_data = "ff 22" },
	{ .name = "insb with DF set steps edi down",
	  .code = "6c", .r = { 0, 0, CON, 0, 0, 0, 0, D + 1 }, .fl = FL_DF, .data = "11 22",
	  .want_r = { 0, 0, CON, 0, 0, 0, 0, D }, .want_instret = 1, .want_data = "11 ff" },
	{ .name = "insd from the console status port stores the end-of-input bit",
	  .code = "6d", .r = { 0, 0, DVA_PORT_CONSOLE_STATUS, 0, 0, 0, 0, D },
	  .want_r = { 0, 0, DVA_PORT_CONSOLE_STATUS, 0, 0, 0, 0, D + 4 }, .want_instret = 1,
	  .want_data = "00 00 00 80" },
	{ .name = "rep insb paused by the budget after two of four bytes",
	  .code = "f3 6c", .r = { 0, 4, CON, 0, 0, 0, 0, D }, .insns = 2,
	  .want_r = { 0, 2, CON, 0, 0, 0, 0, D + 2 }, .paused = true, .want_instret = 2,
	  .want_data = "ff ff 00 00" },
	{ .name = "rep insb faulting at the end of memory leaves the registers at that byte",
	  .code = "f3 6c", .r = { 0, 4, CON, 0, 0, 0, 0, 0xffffe }, .insns = 10,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF, .want_fault_addr = 0x100000,
	  .want_r = { 0, 2, CON, 0, 0, 0, 0, 0x100000 }, .want_instret = 2 },
	{ .name = "insb into page 0 faults before the port is read",
	  .code = "6c", .r = { 0, 0, CON, 0, 0, 0, 0, 0x40 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF, .want_fault_addr = 0x40,
	  .want_r = { 0, 0, CON, 0, 0, 0, 0, 0x40 } },
	{ .name = "insb from a port that does not exist raises #GP and stores nothing",
	  .code = "6c", .r = { 0, 0, 0x60, 0, 0, 0, 0, D }, .data = "11",
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_GP,
	  .want_r = { 0, 0, 0x60, 0, 0, 0, 0, D }, .want_data = "11" },
	{ .name = "67 rep insb counts in cx and steps di",
	  .code = "67 f3 6c", .r = { 0, 0xffff0002, CON, 0, 0, 0, 0, 0x77770000 | D }, .insns = 2,
	  .want_exit = CPU_EXIT_BUDGET, .want_r = { 0, 0xffff0000, CON, 0, 0, 0, 0, 0x77770000 | (D + 2) },
	  .want_instret = 2, .want_data = "ff ff 00" },
};

static void test_retirement(void **state)
{
	(void)state;
	run_io_rows(retire_rows, sizeof(retire_rows) / sizeof(retire_rows[0]));
}

static void test_outs(void **state)
{
	(void)state;
	run_io_rows(outs_rows, sizeof(outs_rows) / sizeof(outs_rows[0]));
}

static void test_ins(void **state)
{
	(void)state;
	run_io_rows(ins_rows, sizeof(ins_rows) / sizeof(ins_rows[0]));
}

/* A paused REP picks up where it stopped: 10 dwords in budgets of 3, 3 and then enough. */
static void test_rep_resumes_after_a_pause(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[8];
	size_t len = tvm_hex("f3 ab " TERMINATE, code, sizeof(code));
	tvm_poke(t, TVM_CODE, code, len);
	c->r[REG_EAX] = 0xa5a5a5a5;
	c->r[REG_ECX] = 10;
	c->r[REG_EDI] = TVM_DATA;
	assert_int_equal(tvm_run(t, 3), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_ECX], 7);
	assert_int_equal(c->eip, TVM_CODE);
	assert_int_equal(tvm_run(t, 3), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_ECX], 4);
	assert_int_equal(c->instret, 6);
	assert_int_equal(tvm_run(t, 100), CPU_EXIT_TERMINATE);
	assert_int_equal(c->r[REG_ECX], 0);
	assert_int_equal(c->r[REG_EDI], TVM_DATA + 40);
	assert_int_equal(c->instret, 11);
	uint32_t m[11];
	tvm_peek(t, TVM_DATA, m, sizeof(m));
	for (int i = 0; i < 10; i++)
		assert_int_equal(m[i], 0xa5a5a5a5);
	assert_int_equal(m[10], 0);
	tvm_free(t);
}

/* REP OUTSB longer than any internal chunk, in both directions: every byte, in guest order. */
static void test_rep_outsb_long(void **state)
{
	(void)state;
	enum { N = 1000 };
	for (int down = 0; down < 2; down++) {
		struct tvm *t = tvm_new();
		struct cpu *c = tvm_cpu(t);
		uint8_t code[4], bytes[N];
		char want[N + 1];
		size_t len = tvm_hex("f3 6e", code, sizeof(code));
		for (int i = 0; i < N; i++)
			bytes[i] = (uint8_t)('a' + (i * 7) % 26);
		for (int i = 0; i < N; i++)
			want[i] = (char)bytes[down ? N - 1 - i : i];
		want[N] = '\0';
		tvm_poke(t, TVM_CODE, code, len);
		tvm_poke(t, TVM_DATA, bytes, N);
		c->r[REG_ECX] = N;
		c->r[REG_EDX] = DVA_PORT_CONSOLE;
		c->r[REG_ESI] = down ? TVM_DATA + N - 1 : TVM_DATA;
		c->eflags |= down ? FL_DF : 0;
		assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
		assert_string_equal(tvm_console(t), want);
		assert_int_equal(c->r[REG_ECX], 0);
		assert_int_equal(c->r[REG_ESI], down ? TVM_DATA - 1 : TVM_DATA + N);
		assert_int_equal(c->instret, 1);
		tvm_free(t);
	}
}

/* The SDM's element-by-element REP MOVSB, as a reference for long copies. */
static void ref_movsb(uint8_t *mem, uint32_t si, uint32_t di, uint32_t count, bool down)
{
	for (uint32_t i = 0; i < count; i++) {
		mem[di] = mem[si];
		si += down ? (uint32_t)-1 : 1;
		di += down ? (uint32_t)-1 : 1;
	}
}

/* Long REP MOVSB in both directions, overlapping either way, and stopped by the budget part-way
 * (a budget of N ends exactly at the end of the copy): memory, registers and retirements as the
 * element-by-element definition gives them. */
static void test_rep_movsb_long(void **state)
{
	(void)state;
	enum { BASE = 0x10000, SPAN = 0x8000, N = 10000 };
	static const struct { int32_t dst_off; bool down; uint32_t budget; } cases[] = {
		{ 0x4000, false, N }, { -0x3000, false, N }, { 3, false, N }, { -3, false, N },
		{ 3, true, N }, { -3, true, N }, { 0x4000, true, N }, { 1, false, 4321 },
		{ -1, true, 4321 }, { 0x5000, false, 777 }, { -0x5000, true, 777 },
	};
	static uint8_t want[SPAN * 2], got[SPAN * 2];
	for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
		struct tvm *t = tvm_new();
		struct cpu *c = tvm_cpu(t);
		uint8_t code[4];
		size_t len = tvm_hex("f3 a4", code, sizeof(code));
		bool down = cases[ci].down;
		uint32_t si = BASE + (down ? 0xa000 : 0x4000);
		uint32_t di = si + (uint32_t)cases[ci].dst_off;
		uint32_t done = cases[ci].budget < N ? cases[ci].budget : N;

		for (int i = 0; i < SPAN * 2; i++)
			want[i] = (uint8_t)(i * 31 + (i >> 8));
		tvm_poke(t, TVM_CODE, code, len);
		tvm_poke(t, BASE, want, sizeof(want));
		c->r[REG_ECX] = N;
		c->r[REG_ESI] = si;
		c->r[REG_EDI] = di;
		c->eflags |= down ? FL_DF : 0;
		assert_int_equal(tvm_run(t, cases[ci].budget), CPU_EXIT_BUDGET);
		/* want[] stands for guest memory from BASE. */
		ref_movsb(want, si - BASE, di - BASE, done, down);
		tvm_peek(t, BASE, got, sizeof(got));
		assert_memory_equal(got, want, sizeof(want));
		uint32_t step = down ? (uint32_t)-done : done;
		assert_int_equal(c->r[REG_ECX], N - done);
		assert_int_equal(c->r[REG_ESI], si + step);
		assert_int_equal(c->r[REG_EDI], di + step);
		assert_int_equal(c->eip, done == N ? TVM_CODE + len : TVM_CODE);
		assert_int_equal(c->instret, done);
		tvm_free(t);
	}
}

/* A REP STOSB that overwrites the instructions after it: they run as rewritten (40 = INC EAX). */
static void test_rep_stosb_rewrites_code(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[16];
	size_t len = tvm_hex("f3 aa 90 90 90 " TERMINATE, code, sizeof(code));
	tvm_poke(t, TVM_CODE, code, len);
	c->r[REG_EAX] = 0x40;
	c->r[REG_ECX] = 3;
	c->r[REG_EDI] = TVM_CODE + 2;
	assert_int_equal(tvm_run(t, 100), CPU_EXIT_TERMINATE);
	assert_int_equal(c->r[REG_EAX], 0x43);
	assert_int_equal(c->instret, 3 + 3 + 1);
	tvm_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_movs),
		cmocka_unit_test(test_cmps),
		cmocka_unit_test(test_scas),
		cmocka_unit_test(test_lods),
		cmocka_unit_test(test_stos),
		cmocka_unit_test(test_string16),
		cmocka_unit_test(test_retirement),
		cmocka_unit_test(test_outs),
		cmocka_unit_test(test_ins),
		cmocka_unit_test(test_rep_resumes_after_a_pause),
		cmocka_unit_test(test_rep_outsb_long),
		cmocka_unit_test(test_rep_movsb_long),
		cmocka_unit_test(test_rep_stosb_rewrites_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
