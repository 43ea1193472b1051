/* test_bcd.c - unit vectors for DAA, DAS, AAA, AAS, AAM and AAD.
 *
 * Expected values were recorded by running each row's bytes on the host CPU (a gcc -m32
 * program with the code mapped at TVM_CODE); the AAM 0 row is the one the host answered with
 * SIGFPE (#DE: nothing may change). Most rows mask the flags the SDM leaves undefined (OF for
 * DAA/DAS; SF, ZF, PF, OF for AAA/AAS; OF, AF, CF for AAM/AAD); the rows marked "undefined"
 * compare every flag, pinning the host's values, which we reproduce.
 */
#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

static const struct row daa_rows[] = {
	{ .name = "daa after 0x79 + 0x35 = 0xae gives 0x14 with CF and AF",
	  .code = "27", .r = { 0x123456ae }, .want_r = { 0x12345614 },
	  .want_fl = FL_AF | FL_PF | FL_CF, .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa after 0x09 + 0x01 = 0x0a gives 0x10 with AF",
	  .code = "27", .r = { 0xa }, .want_r = { 0x10 }, .want_fl = FL_AF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa with AF set (0x09 + 0x09 = 0x12) gives 0x18",
	  .code = "27", .r = { 0x12 }, .fl = FL_AF, .want_r = { 0x18 }, .want_fl = FL_AF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa leaves a valid 0x99 alone and clears AF and CF",
	  .code = "27", .r = { 0x99 }, .want_r = { 0x99 }, .want_fl = FL_SF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa of 0x9a gives 0x00 with CF, ZF and AF",
	  .code = "27", .r = { 0x9a }, .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa with CF set adds 0x60",
	  .code = "27", .fl = FL_CF, .want_r = { 0x60 }, .want_fl = FL_PF | FL_CF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa of 0xfa carries out of the low-digit step and adds 0x66",
	  .code = "27", .r = { 0xfa }, .want_r = { 0x60 }, .want_fl = FL_AF | FL_PF | FL_CF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa of 0xa0 adds 0x60 only",
	  .code = "27", .r = { 0xffffffa0 }, .want_r = { 0xffffff00 },
	  .want_fl = FL_ZF | FL_PF | FL_CF, .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "daa sets OF when adjusting 0x7a overflows to 0x80 (undefined; as the host)",
	  .code = "27", .r = { 0x7a }, .want_r = { 0x80 }, .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "daa clears OF otherwise (undefined; as the host does)",
	  .code = "27", .r = { 0x15 }, .fl = FL_OF, .want_r = { 0x15 } },
};

static void test_daa(void **state)
{
	(void)state;
	RUN_ROWS(daa_rows);
}

static const struct row das_rows[] = {
	{ .name = "das after 0x35 - 0x47 = 0xee (CF, AF) gives 0x88 with CF",
	  .code = "2f", .r = { 0x123456ee }, .fl = FL_AF | FL_CF, .want_r = { 0x12345688 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "das of 0x03 with AF set keeps the low-digit borrow in CF: 0xfd",
	  .code = "2f", .r = { 3 }, .fl = FL_AF, .want_r = { 0xfd },
	  .want_fl = FL_SF | FL_AF | FL_CF, .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "das of 0x9a subtracts 0x66 and sets CF",
	  .code = "2f", .r = { 0x9a }, .want_r = { 0x34 }, .want_fl = FL_OF | FL_AF | FL_CF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "das of 0x00 with CF set gives 0xa0",
	  .code = "2f", .fl = FL_CF, .want_r = { 0xa0 }, .want_fl = FL_SF | FL_PF | FL_CF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "das leaves a valid 0x42 alone",
	  .code = "2f", .r = { 0x42 }, .fl = FL_SF, .want_r = { 0x42 }, .want_fl = FL_PF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "das of 0x66 with AF set gives 0x60",
	  .code = "2f", .r = { 0x66 }, .fl = FL_AF, .want_r = { 0x60 }, .want_fl = FL_AF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "das sets OF when 0x80 - 0x06 crosses the sign (undefined; as the host does)",
	  .code = "2f", .r = { 0x80 }, .fl = FL_AF, .want_r = { 0x7a }, .want_fl = FL_OF | FL_AF },
};

static void test_das(void **state)
{
	(void)state;
	RUN_ROWS(das_rows);
}

static const struct row aaa_rows[] = {
	{ .name = "aaa after 6 + 9 = 0x0f gives AX = 0x0105 with AF and CF",
	  .code = "37", .r = { 0xabcd000f }, .want_r = { 0xabcd0105 }, .want_fl = FL_AF | FL_CF,
	  .mask = FL_AF | FL_CF },
	{ .name = "aaa with a valid digit only clears the high nibble of AL",
	  .code = "37", .r = { 0x235 }, .fl = FL_AF | FL_CF, .want_r = { 0x30b },
	  .want_fl = FL_AF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aaa with AF set adds 0x106: 0x12 gives 0x0108",
	  .code = "37", .r = { 0x12 }, .fl = FL_AF, .want_r = { 0x108 },
	  .want_fl = FL_AF | FL_PF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aaa of AL = 0xfa carries into AH twice (AX + 0x106)",
	  .code = "37", .r = { 0xfa }, .want_r = { 0x200 }, .want_fl = FL_AF | FL_PF | FL_CF,
	  .mask = FL_AF | FL_CF },
	{ .name = "aaa wraps AH from 0xff to 0x00",
	  .code = "37", .r = { 0xff0a }, .want_fl = FL_AF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aaa sets SF, ZF, PF and OF from AX + 0x106 (undefined; as the host does)",
	  .code = "37", .r = { 0x7f0a }, .want_r = { 0x8000 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_CF },
	{ .name = "aaa with nothing to adjust takes SF, ZF, PF from AX (undefined; as the host)",
	  .code = "37", .fl = FL_OF | FL_SF | FL_CF, .want_fl = FL_ZF | FL_PF },
};

static void test_aaa(void **state)
{
	(void)state;
	RUN_ROWS(aaa_rows);
}

static const struct row aas_rows[] = {
	{ .name = "aas after 5 - 9 = 0xfc (AF) gives AL = 6 and decrements AH",
	  .code = "3f", .r = { 0xabcd03fc }, .fl = FL_AF, .want_r = { 0xabcd0206 },
	  .want_fl = FL_AF | FL_PF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aas with a valid digit only clears the high nibble of AL",
	  .code = "3f", .r = { 0x138 }, .fl = FL_AF | FL_CF, .want_r = { 2 },
	  .want_fl = FL_AF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aas of 0x0003 with AF set gives 0xfe0d",
	  .code = "3f", .r = { 3 }, .fl = FL_AF, .want_r = { 0xfe0d },
	  .want_fl = FL_SF | FL_AF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aas of 0x1203 with AF set borrows from AH twice (AX - 0x106)",
	  .code = "3f", .r = { 0x1203 }, .fl = FL_AF, .want_r = { 0x100d },
	  .want_fl = FL_AF | FL_CF, .mask = FL_AF | FL_CF },
	{ .name = "aas of AL = 0x0b adjusts without AF",
	  .code = "3f", .r = { 0x50b }, .want_r = { 0x405 }, .want_fl = FL_AF | FL_PF | FL_CF,
	  .mask = FL_AF | FL_CF },
	{ .name = "aas sets SF, ZF, PF and OF from AX - 0x106 (undefined; as the host does)",
	  .code = "3f", .r = { 0x800a }, .want_r = { 0x7f04 }, .want_fl = FL_OF | FL_AF | FL_CF },
};

static void test_aas(void **state)
{
	(void)state;
	RUN_ROWS(aas_rows);
}

static const struct row aam_rows[] = {
	{ .name = "aam of 63 gives AH = 6, AL = 3",
	  .code = "d4 0a", .r = { 0xabcd003f }, .want_r = { 0xabcd0603 }, .want_fl = FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aam of 0 sets ZF and PF",
	  .code = "d4 0a", .r = { 0x1200 }, .fl = FL_SF, .want_fl = FL_ZF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aam of 0xff gives AH = 25, AL = 5",
	  .code = "d4 0a", .r = { 0xff }, .want_r = { 0x1905 }, .want_fl = FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aam 16 splits AL into nibbles",
	  .code = "d4 10", .r = { 0xab }, .want_r = { 0xa0b }, .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aam 0xff of AL = 0xff gives AH = 1, AL = 0",
	  .code = "d4 ff", .r = { 0xff }, .want_r = { 0x100 }, .want_fl = FL_ZF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aam 7 of 128 gives AH = 18, AL = 2",
	  .code = "d4 07", .r = { 0x80 }, .want_r = { 0x1202 }, .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aam 0 raises #DE and changes nothing",
	  .code = "d4 00", .r = { 0x1234 }, .fl = FL_ZF | FL_CF, .want_r = { 0x1234 },
	  .want_fl = FL_ZF | FL_CF, .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_DE },
	{ .name = "aam clears OF, AF and CF (undefined; as the host does)",
	  .code = "d4 0a", .r = { 0x55 }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 0x805 }, .want_fl = FL_PF },
};

static void test_aam(void **state)
{
	(void)state;
	RUN_ROWS(aam_rows);
}

static const struct row aad_rows[] = {
	{ .name = "aad of AH = 7, AL = 5 gives AX = 75",
	  .code = "d5 0a", .r = { 0xabcd0705 }, .want_r = { 0xabcd004b }, .want_fl = FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aad of 9, 9 gives 99",
	  .code = "d5 0a", .r = { 0x909 }, .want_r = { 0x63 }, .want_fl = FL_AF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aad of 0, 0 sets ZF and PF",
	  .code = "d5 0a", .want_fl = FL_ZF | FL_PF, .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aad 16 joins nibbles",
	  .code = "d5 10", .r = { 0xa0b }, .want_r = { 0xab }, .want_fl = FL_SF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aad 0 keeps AL and clears AH",
	  .code = "d5 00", .r = { 0x1234 }, .want_r = { 0x34 }, .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aad 0xff wraps: 1 + 2 * 255 = 0x1ff gives 0xff",
	  .code = "d5 ff", .r = { 0x201 }, .want_r = { 0xff }, .want_fl = FL_SF | FL_PF,
	  .mask = FL_SF | FL_ZF | FL_PF },
	{ .name = "aad sets CF when AL + AH * 10 carries (undefined; as the host does)",
	  .code = "d5 0a", .r = { 0x1910 }, .want_r = { 0xa }, .want_fl = FL_PF | FL_CF },
	{ .name = "aad of 0x7f + 1 sets OF (undefined; as the host does)",
	  .code = "d5 01", .r = { 0x17f }, .want_r = { 0x80 }, .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "aad clears OF, AF and CF when the add sets none (undefined; as the host does)",
	  .code = "d5 0a", .r = { 0x102 }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 0xc }, .want_fl = FL_PF },
};

static void test_aad(void **state)
{
	(void)state;
	RUN_ROWS(aad_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daa),
		cmocka_unit_test(test_das),
		cmocka_unit_test(test_aaa),
		cmocka_unit_test(test_aas),
		cmocka_unit_test(test_aam),
		cmocka_unit_test(test_aad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
