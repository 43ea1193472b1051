/* test_alu.c - unit vectors for ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG NOT.
 *
 * Apart from the one-byte INC/DEC table (incdec_short_rows, worked from the SDM: see there),
 * expected registers, flags and memory were recorded by running each row's bytes on the host
 * CPU (a gcc -m32 program with the code mapped at TVM_CODE and the data words at TVM_DATA).
 * Rows that touch page 0 cannot run there: their expectations come from DVA-1 sections 1 and 3
 * (address 0 and irq_batch are read-only, irq_enable is writable, the magic reads 0x494C4E44).
 * AF is undefined after AND, OR, XOR and TEST, so those rows mask it, except one that pins the
 * value we chose.
 */
#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

static const struct row add_rows[] = {
	{ .name = "add eax, ecx wraps to zero and sets CF, ZF, AF and PF",
	  .code = "01 c8", .r = { 0xffffffff, 1 }, .want_r = { 0, 1 },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "add eax, ecx sets OF and SF when a positive sum overflows",
	  .code = "01 c8", .r = { 0x7fffffff, 1 }, .want_r = { 0x80000000, 1 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_PF },
	{ .name = "add eax, ecx of two zeros clears the old OF, SF, AF and CF",
	  .code = "01 c8", .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "add eax, ecx of two negatives sets CF and OF when the sign flips",
	  .code = "01 c8", .r = { 0x80000000, 0x80000000 }, .want_r = { 0, 0x80000000 },
	  .want_fl = FL_OF | FL_ZF | FL_PF | FL_CF },
	{ .name = "add al, cl wraps within the byte and keeps the upper bits of eax",
	  .code = "00 c8", .r = { 0x123456ff, 1 }, .want_r = { 0x12345600, 1 },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "add ah, bh adds the high bytes",
	  .code = "00 fc", .r = { 0x7f00, 0, 0, 0x100 }, .want_r = { 0x8000, 0, 0, 0x100 },
	  .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "add dh, ch sets AF on a carry out of bit 3",
	  .code = "00 ee", .r = { 0, 0x800, 0x800 }, .want_r = { 0, 0x800, 0x1000 },
	  .want_fl = FL_AF },
	{ .name = "add ax, cx sets OF at 0x7fff + 1 and keeps the upper half",
	  .code = "66 01 c8", .r = { 0xabcd7fff, 1 }, .want_r = { 0xabcd8000, 1 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_PF },
	{ .name = "add ax, cx sets CF and ZF when the word wraps",
	  .code = "66 01 c8", .r = { 0xffff, 0xffff0001 }, .want_r = { 0, 0xffff0001 },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "add eax, imm32 (05 id) adds to the accumulator",
	  .code = "05 78 56 34 12", .r = { 0x88888888 }, .want_r = { 0x9abcdf00 },
	  .want_fl = FL_SF | FL_AF | FL_PF },
	{ .name = "add al, imm8 (04 ib) adds to AL only",
	  .code = "04 80", .r = { 0xffffff80 }, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF | FL_ZF | FL_PF | FL_CF },
	{ .name = "add ax, imm16 (66 05 iw) sets SF",
	  .code = "66 05 00 80", .r = { 0x11110001 }, .want_r = { 0x11118001 }, .want_fl = FL_SF },
	{ .name = "add ecx, imm8 (83 /0) sign-extends the immediate",
	  .code = "83 c1 ff", .r = { 0, 5 }, .want_r = { 0, 4 }, .want_fl = FL_AF | FL_CF },
	{ .name = "add cx, imm8 (66 83 /0) sign-extends to 16 bits only",
	  .code = "66 83 c1 ff", .r = { 0, 0x12340000 }, .want_r = { 0, 0x1234ffff },
	  .want_fl = FL_SF | FL_PF },
	{ .name = "add bl, imm8 (80 /0)",
	  .code = "80 c3 7f", .r = { 0, 0, 0, 1 }, .want_r = { 0, 0, 0, 0x80 },
	  .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "add [m32], eax writes memory",
	  .code = "01 05 00 80 00 00", .r = { 0x10 }, .m = { 0xfffffff0, 0x11111111 },
	  .want_r = { 0x10 }, .want_fl = FL_ZF | FL_PF | FL_CF, .want_m = { 0, 0x11111111 } },
	{ .name = "add eax, [m32] reads memory",
	  .code = "03 05 04 80 00 00", .r = { 0x7fffffff }, .m = { 0, 1 },
	  .want_r = { 0x80000000 }, .want_fl = FL_OF | FL_SF | FL_AF | FL_PF, .want_m = { 0, 1 } },
	{ .name = "add word [ebx+2], imm16 updates one word",
	  .code = "66 81 43 02 34 12", .r = { 0, 0, 0, 0x8000 }, .m = { 0xeeeeffff },
	  .want_r = { 0, 0, 0, 0x8000 }, .want_fl = FL_AF | FL_PF | FL_CF,
	  .want_m = { 0x122ffff } },
	{ .name = "add byte [m8], imm8 updates one byte",
	  .code = "80 05 03 80 00 00 80", .m = { 0x80222222 },
	  .want_fl = FL_OF | FL_ZF | FL_PF | FL_CF, .want_m = { 0x222222 } },
	{ .name = "add byte [esi+ecx*4], ah uses a scaled index",
	  .code = "00 24 8e", .r = { 0x100, 1, 0, 0, 0, 0, 0x8000 }, .m = { 0, 0xff },
	  .want_r = { 0x100, 1, 0, 0, 0, 0, 0x8000 }, .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "lock add [m32], eax is allowed on a memory destination",
	  .code = "f0 01 05 00 80 00 00", .r = { 1 }, .m = { 0x29 }, .want_r = { 1 },
	  .want_m = { 0x2a } },
	{ .name = "add [m32], eax at address 0 (read-only magic) raises #PF and changes nothing",
	  .code = "01 05 00 00 00 00", .r = { 1 }, .fl = FL_CF, .want_r = { 1 }, .want_fl = FL_CF,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "add [m32], eax at the end of memory raises #PF and changes nothing",
	  .code = "01 05 fe ff 0f 00", .r = { 1 }, .want_r = { 1 }, .want_exit = CPU_EXIT_FAULT,
	  .want_fault = DVA_VEC_PF },
};

static void test_add(void **state)
{
	(void)state;
	RUN_ROWS(add_rows);
}

static const struct row adc_rows[] = {
	{ .name = "adc eax, ecx adds CF and wraps to zero",
	  .code = "11 c8", .r = { 0xffffffff }, .fl = FL_CF,
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "adc eax, ecx of all ones plus CF gives all ones with CF",
	  .code = "11 c8", .r = { 0xffffffff, 0xffffffff }, .fl = FL_CF,
	  .want_r = { 0xffffffff, 0xffffffff }, .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "adc eax, ecx without CF is a plain add",
	  .code = "11 c8", .r = { 1, 2 }, .want_r = { 3, 2 }, .want_fl = FL_PF },
	{ .name = "adc al, cl sets OF when the carry pushes 0x7f over",
	  .code = "10 c8", .r = { 0x7f }, .fl = FL_CF, .want_r = { 0x80 },
	  .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "adc al, cl sets AF when only the carry crosses bit 3",
	  .code = "10 c8", .r = { 0xf }, .fl = FL_CF, .want_r = { 0x10 }, .want_fl = FL_AF },
	{ .name = "adc ax, cx carries out of 16 bits",
	  .code = "66 11 c8", .r = { 0x8000, 0x7fff }, .fl = FL_CF, .want_r = { 0, 0x7fff },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "adc ch, dl uses a high byte destination",
	  .code = "10 d5", .r = { 0, 0xff00 }, .fl = FL_CF,
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "adc [m32], imm8 adds a sign-extended immediate and CF",
	  .code = "83 15 00 80 00 00 ff", .fl = FL_CF, .m = { 1 }, .want_fl = FL_AF | FL_CF,
	  .want_m = { 1 } },
	{ .name = "adc ax, [m16] reads a word",
	  .code = "66 13 05 02 80 00 00", .r = { 0xffff }, .m = { 0x10000 },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF, .want_m = { 0x10000 } },
};

static void test_adc(void **state)
{
	(void)state;
	RUN_ROWS(adc_rows);
}

static const struct row sub_rows[] = {
	{ .name = "sub eax, ecx borrows below zero and sets CF, SF, AF, PF",
	  .code = "29 c8", .r = { 0, 1 }, .want_r = { 0xffffffff, 1 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "sub eax, ecx sets OF when a negative minus a positive turns positive",
	  .code = "29 c8", .r = { 0x80000000, 1 }, .want_r = { 0x7fffffff, 1 },
	  .want_fl = FL_OF | FL_AF | FL_PF },
	{ .name = "sub eax, ecx of equal values sets ZF and PF only",
	  .code = "29 c8", .r = { 0x12345678, 0x12345678 },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .want_r = { 0, 0x12345678 },
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "sub al, cl of equal bytes sets ZF and keeps the upper bits",
	  .code = "28 c8", .r = { 0xaaaaaa42, 0x42 }, .want_r = { 0xaaaaaa00, 0x42 },
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "sub cx, ax subtracts words",
	  .code = "66 29 c1", .r = { 1, 0x8000 }, .want_r = { 1, 0x7fff },
	  .want_fl = FL_OF | FL_AF | FL_PF },
	{ .name = "sub dh, imm8 (80 /5) subtracts from a high byte",
	  .code = "80 ee 01", .want_r = { 0, 0, 0xff00 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "sub eax, imm8 (83 /5) subtracts -1",
	  .code = "83 e8 ff", .r = { 0xffffffff }, .want_fl = FL_ZF | FL_PF },
	{ .name = "sub al, imm8 (2c ib) uses the accumulator form",
	  .code = "2c 10", .r = { 0xf }, .want_r = { 0xff }, .want_fl = FL_SF | FL_PF | FL_CF },
	{ .name = "sub [m32], eax writes the difference",
	  .code = "29 05 00 80 00 00", .r = { 3 }, .m = { 2 }, .want_r = { 3 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF, .want_m = { 0xffffffff } },
	{ .name = "sub ecx, [m32] reads memory",
	  .code = "2b 0d 04 80 00 00", .r = { 0, 0x10 }, .m = { 0, 0x11 },
	  .want_r = { 0, 0xffffffff }, .want_fl = FL_SF | FL_AF | FL_PF | FL_CF,
	  .want_m = { 0, 0x11 } },
};

static void test_sub(void **state)
{
	(void)state;
	RUN_ROWS(sub_rows);
}

static const struct row sbb_rows[] = {
	{ .name = "sbb eax, ecx subtracts CF and borrows",
	  .code = "19 c8", .fl = FL_CF, .want_r = { 0xffffffff },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "sbb eax, eax with CF set gives all ones (the usual idiom)",
	  .code = "19 c0", .r = { 0x1234 }, .fl = FL_CF, .want_r = { 0xffffffff },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "sbb eax, eax with CF clear gives zero",
	  .code = "19 c0", .r = { 0x1234 }, .want_fl = FL_ZF | FL_PF },
	{ .name = "sbb eax, ecx of 0 - 0xffffffff - 1 wraps to zero with CF",
	  .code = "19 c8", .r = { 0, 0xffffffff }, .fl = FL_CF, .want_r = { 0, 0xffffffff },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "sbb al, cl sets OF when the borrow takes 0x80 to 0x7f",
	  .code = "18 c8", .r = { 0x80 }, .fl = FL_CF, .want_r = { 0x7f },
	  .want_fl = FL_OF | FL_AF },
	{ .name = "sbb ax, [m16] subtracts a word and CF",
	  .code = "66 1b 05 00 80 00 00", .r = { 0x10 }, .fl = FL_CF, .m = { 0x10 },
	  .want_r = { 0xffff }, .want_fl = FL_SF | FL_AF | FL_PF | FL_CF, .want_m = { 0x10 } },
	{ .name = "sbb [m8], bh writes one byte",
	  .code = "18 3d 01 80 00 00", .r = { 0, 0, 0, 0x100 }, .fl = FL_CF,
	  .want_r = { 0, 0, 0, 0x100 }, .want_fl = FL_SF | FL_AF | FL_CF, .want_m = { 0xfe00 } },
};

static void test_sbb(void **state)
{
	(void)state;
	RUN_ROWS(sbb_rows);
}

static const struct row cmp_rows[] = {
	{ .name = "cmp eax, ecx of equal values sets ZF and leaves both registers",
	  .code = "39 c8", .r = { 5, 5 }, .want_r = { 5, 5 }, .want_fl = FL_ZF | FL_PF },
	{ .name = "cmp eax, ecx sets CF when eax is below ecx unsigned",
	  .code = "39 c8", .r = { 1, 0xffffffff }, .want_r = { 1, 0xffffffff },
	  .want_fl = FL_AF | FL_CF },
	{ .name = "cmp eax, ecx sets SF and OF for a signed overflow",
	  .code = "39 c8", .r = { 0x7fffffff, 0xffffffff }, .want_r = { 0x7fffffff, 0xffffffff },
	  .want_fl = FL_OF | FL_SF | FL_PF | FL_CF },
	{ .name = "cmp al, imm8 (3c ib) compares the low byte only",
	  .code = "3c 80", .r = { 0xffffff7f }, .want_r = { 0xffffff7f },
	  .want_fl = FL_OF | FL_SF | FL_PF | FL_CF },
	{ .name = "cmp cx, imm8 (66 83 /7) sign-extends the immediate",
	  .code = "66 83 f9 ff", .r = { 0, 0xffff }, .want_r = { 0, 0xffff },
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "cmp byte [m8], imm8 reads memory and writes nothing",
	  .code = "80 3d 00 80 00 00 01", .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "cmp [m32], eax in page 0 reads the magic without a fault",
	  .code = "39 05 00 00 00 00", .r = { 0x494c4e44 }, .want_r = { 0x494c4e44 },
	  .want_fl = FL_ZF | FL_PF },
};

static void test_cmp(void **state)
{
	(void)state;
	RUN_ROWS(cmp_rows);
}

static const struct row and_rows[] = {
	{ .name = "and eax, ecx clears OF and CF and sets PF from the low byte",
	  .code = "21 c8", .r = { 0x12345678, 0xff }, .fl = FL_OF | FL_CF,
	  .want_r = { 0x78, 0xff }, .want_fl = FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "and eax, ecx to zero sets ZF",
	  .code = "21 c8", .r = { 0xf0f0f0f0, 0xf0f0f0f }, .want_r = { 0, 0xf0f0f0f },
	  .want_fl = FL_ZF | FL_PF, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "and al, imm8 (24 ib) masks AL only",
	  .code = "24 0f", .r = { 0xffffffff }, .want_r = { 0xffffff0f }, .want_fl = FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "and bh, cl uses a high byte",
	  .code = "20 cf", .r = { 0, 0xc0, 0, 0x8000 }, .want_r = { 0, 0xc0, 0, 0x8000 },
	  .want_fl = FL_SF, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "and ax, imm16 sets SF from bit 15",
	  .code = "66 25 00 80", .r = { 0xffffffff }, .want_r = { 0xffff8000 },
	  .want_fl = FL_SF | FL_PF, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "and [m32], imm8 (83 /4) sign-extends the mask",
	  .code = "83 25 00 80 00 00 f0", .m = { 0x12345678 }, .want_m = { 0x12345670 },
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "and eax, ecx clears AF (undefined in the SDM; the host clears it)",
	  .code = "21 c8", .r = { 0x10, 0x10 }, .fl = FL_AF, .want_r = { 0x10, 0x10 } },
};

static void test_and(void **state)
{
	(void)state;
	RUN_ROWS(and_rows);
}

static const struct row or_rows[] = {
	{ .name = "or eax, ecx of zeros sets ZF and PF and clears OF and CF",
	  .code = "09 c8", .fl = FL_OF | FL_CF, .want_fl = FL_ZF | FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "or eax, ecx sets SF",
	  .code = "09 c8", .r = { 1, 0x80000000 }, .want_r = { 0x80000001, 0x80000000 },
	  .want_fl = FL_SF, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "or cl, dh ors a high byte into a low byte",
	  .code = "08 f1", .r = { 0, 1, 0x200 }, .want_r = { 0, 3, 0x200 }, .want_fl = FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "or word [m16], ax writes one word",
	  .code = "66 09 05 00 80 00 00", .r = { 0x8001 }, .m = { 0x55550100 },
	  .want_r = { 0x8001 }, .want_fl = FL_SF, .want_m = { 0x55558101 },
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "or al, imm8 (0c ib)",
	  .code = "0c 80", .r = { 1 }, .want_r = { 0x81 }, .want_fl = FL_SF | FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
};

static void test_or(void **state)
{
	(void)state;
	RUN_ROWS(or_rows);
}

static const struct row xor_rows[] = {
	{ .name = "xor eax, eax clears eax and sets ZF and PF",
	  .code = "31 c0", .r = { 0xdeadbeef }, .fl = FL_OF | FL_SF | FL_CF,
	  .want_fl = FL_ZF | FL_PF, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "xor ch, imm8 (80 /6) flips the high byte",
	  .code = "80 f5 80", .r = { 0, 0x1200 }, .want_r = { 0, 0x9200 }, .want_fl = FL_SF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "xor ax, cx in 16 bits keeps the upper half",
	  .code = "66 31 c8", .r = { 0xffff00ff, 0xff }, .want_r = { 0xffff0000, 0xff },
	  .want_fl = FL_ZF | FL_PF, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "xor [m32], eax flips memory bits",
	  .code = "31 05 04 80 00 00", .r = { 0xffffffff }, .m = { 0, 0xf0f0f0f },
	  .want_r = { 0xffffffff }, .want_fl = FL_SF | FL_PF, .want_m = { 0, 0xf0f0f0f0 },
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "xor eax, imm32 (35 id)",
	  .code = "35 01 00 00 80", .r = { 1 }, .want_r = { 0x80000000 }, .want_fl = FL_SF | FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
};

static void test_xor(void **state)
{
	(void)state;
	RUN_ROWS(xor_rows);
}

static const struct row test_rows[] = {
	{ .name = "test eax, ecx sets flags from the AND and writes nothing",
	  .code = "85 c8", .r = { 0x80000001, 0x80000000 }, .fl = FL_OF | FL_CF,
	  .want_r = { 0x80000001, 0x80000000 }, .want_fl = FL_SF | FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "test eax, ecx of disjoint bits sets ZF",
	  .code = "85 c8", .r = { 0xf, 0xf0 }, .want_r = { 0xf, 0xf0 }, .want_fl = FL_ZF | FL_PF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "test al, imm8 (a8 ib)",
	  .code = "a8 80", .r = { 0x180 }, .want_r = { 0x180 }, .want_fl = FL_SF,
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "test ah, bl",
	  .code = "84 dc", .r = { 0x300, 0, 0, 1 }, .want_r = { 0x300, 0, 0, 1 },
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "test [m32], imm32 reads memory",
	  .code = "f7 05 00 80 00 00 00 00 00 80", .m = { 0x80000000 }, .want_fl = FL_SF | FL_PF,
	  .want_m = { 0x80000000 }, .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
	{ .name = "test word [m16], cx",
	  .code = "66 85 0d 02 80 00 00", .r = { 0, 0xff }, .m = { 0x10000 },
	  .want_r = { 0, 0xff }, .want_m = { 0x10000 },
	  .mask = FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF },
};

static void test_test(void **state)
{
	(void)state;
	RUN_ROWS(test_rows);
}

static const struct row inc_rows[] = {
	{ .name = "inc al (fe /0) stays within the byte",
	  .code = "fe c0", .r = { 0x123456ff }, .want_r = { 0x12345600 },
	  .want_fl = FL_ZF | FL_AF | FL_PF },
	{ .name = "inc ah (fe /0) sets OF at 0x7f",
	  .code = "fe c4", .r = { 0x7f00 }, .want_r = { 0x8000 },
	  .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "inc dword [m32] (ff /0) updates memory",
	  .code = "ff 05 00 80 00 00", .fl = FL_CF, .m = { 0xf }, .want_fl = FL_AF | FL_CF,
	  .want_m = { 0x10 } },
	{ .name = "inc byte [m8] wraps one byte",
	  .code = "fe 05 01 80 00 00", .m = { 0xff00 }, .want_fl = FL_ZF | FL_AF | FL_PF },
	{ .name = "inc dword [0x20] writes the irq_enable register, which is writable",
	  .code = "ff 05 20 00 00 00 8b 0d 20 00 00 00", .want_r = { 0, 1 }, .insns = 2 },
	{ .name = "inc dword [0x2c] (irq_batch is read-only) raises #PF and changes nothing",
	  .code = "ff 05 2c 00 00 00", .fl = FL_CF, .want_fl = FL_CF, .want_exit = CPU_EXIT_FAULT,
	  .want_fault = DVA_VEC_PF },
};

static void test_inc(void **state)
{
	(void)state;
	RUN_ROWS(inc_rows);
}

static const struct row dec_rows[] = {
	{ .name = "dec bl (fe /1) wraps the byte",
	  .code = "fe cb", .r = { 0, 0, 0, 0xaa00 }, .want_r = { 0, 0, 0, 0xaaff },
	  .want_fl = FL_SF | FL_AF | FL_PF },
	{ .name = "dec dh (fe /1) on a high byte",
	  .code = "fe ce", .r = { 0, 0, 0x8000 }, .want_r = { 0, 0, 0x7f00 },
	  .want_fl = FL_OF | FL_AF },
	{ .name = "dec word [m16] (66 ff /1)",
	  .code = "66 ff 0d 00 80 00 00", .fl = FL_CF, .m = { 0x12340000 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF, .want_m = { 0x1234ffff } },
};

static void test_dec(void **state)
{
	(void)state;
	RUN_ROWS(dec_rows);
}

/* vectors: incdec-short
 * The one-byte INC r32/r16 (40+r) and DEC r32/r16 (48+r) are REX prefixes in long mode, so the
 * host cannot check them (docs/testing.md); these rows are worked from the SDM Vol. 2A pages
 * INC and DEC (order number 325462, edition -082US). Operation: DEST = DEST + 1 (INC), DEST =
 * DEST - 1 (DEC), on the whole register (0x66: its low 16 bits only, the upper half kept).
 * Flags Affected: CF is not affected; OF, SF, ZF, AF and PF are set by the result. So: OF when
 * INC gives 0x80000000 (0x8000 at 16 bits) or DEC gives 0x7fffffff (0x7fff); SF = the top bit;
 * ZF when 0; AF when INC carries out of bit 3 (the low digit was 0xf) or DEC borrows into it
 * (the low digit was 0); PF when the low byte of the result has an even number of 1 bits.
 * Rows start with CF set and clear, where an ADD/SUB of 1 would have set it too. */
static const struct row incdec_short_rows[] = {
	{ .name = "inc eax (40) of 0x7fffffff with CF: 0x80000000, OF SF, AF (0xf + 1), PF (low byte 0), "
		  "CF kept",
	  .code = "40", .r = { 0x7fffffff }, .fl = FL_CF, .want_r = { 0x80000000 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "inc eax (40) of 0xffffffff without CF: 0, ZF AF PF; CF stays 0 although it wraps",
	  .code = "40", .r = { 0xffffffff }, .want_fl = FL_ZF | FL_AF | FL_PF },
	{ .name = "inc ecx (41) of 9 with OF and CF: 0xa, OF cleared, two 1 bits: PF; CF kept",
	  .code = "41", .r = { 0, 9 }, .fl = FL_OF | FL_CF, .want_r = { 0, 0xa },
	  .want_fl = FL_PF | FL_CF },
	{ .name = "inc edx (42) of 0xf with CF: 0x10, AF, one 1 bit: no PF; CF kept",
	  .code = "42", .r = { 0, 0, 0xf }, .fl = FL_CF, .want_r = { 0, 0, 0x10 },
	  .want_fl = FL_AF | FL_CF },
	{ .name = "inc ebx (43) of 0x7f: 0x80 is not a 32-bit overflow: AF only (PF 0, SF 0)",
	  .code = "43", .r = { 0, 0, 0, 0x7f }, .want_r = { 0, 0, 0, 0x80 }, .want_fl = FL_AF },
	{ .name = "inc esp (44) of 0x8000: 0x8001, no flag (one 1 bit)",
	  .code = "44", .r = { 0, 0, 0, 0, 0x8000 }, .fl = FL_SF | FL_ZF,
	  .want_r = { 0, 0, 0, 0, 0x8001 } },
	{ .name = "inc ebp (45) of 0xfffffffe: 0xffffffff, SF, PF (eight 1 bits), no AF (0xe + 1)",
	  .code = "45", .r = { 0, 0, 0, 0, 0, 0xfffffffe },
	  .want_r = { 0, 0, 0, 0, 0, 0xffffffff }, .want_fl = FL_SF | FL_PF },
	{ .name = "inc esi (46) of 0x12345677 with CF: 0x12345678, PF (0x78 has four 1 bits), CF kept",
	  .code = "46", .r = { 0, 0, 0, 0, 0, 0, 0x12345677 }, .fl = FL_CF,
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x12345678 }, .want_fl = FL_PF | FL_CF },
	{ .name = "inc edi (47) of 0x8000000f: 0x80000010, SF AF",
	  .code = "47", .r = { 0, 0, 0, 0, 0, 0, 0, 0x8000000f },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0, 0x80000010 }, .want_fl = FL_SF | FL_AF },
	{ .name = "inc ax (66 40) of 0x1234ffff with CF: ax 0, ZF AF PF, upper half kept, CF kept",
	  .code = "66 40", .r = { 0x1234ffff }, .fl = FL_CF, .want_r = { 0x12340000 },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "inc cx (66 41) of 0x1ffff with CF: cx 0 (ecx 0x10000), ZF AF PF, CF kept",
	  .code = "66 41", .r = { 0, 0x1ffff }, .fl = FL_CF, .want_r = { 0, 0x10000 },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "inc bx (66 43) of 0x7fff: 0x8000, a 16-bit overflow: OF SF AF PF",
	  .code = "66 43", .r = { 0, 0, 0, 0x7fff }, .want_r = { 0, 0, 0, 0x8000 },
	  .want_fl = FL_OF | FL_SF | FL_AF | FL_PF },
	{ .name = "inc di (66 47) of 0xabcd00ff: 0xabcd0100, AF, PF (low byte 0)",
	  .code = "66 47", .r = { 0, 0, 0, 0, 0, 0, 0, 0xabcd00ff },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0, 0xabcd0100 }, .want_fl = FL_AF | FL_PF },
	{ .name = "dec eax (48) of 0x80000000 with CF: 0x7fffffff, OF, AF (borrow from digit 0), PF, "
		  "CF kept",
	  .code = "48", .r = { 0x80000000 }, .fl = FL_CF, .want_r = { 0x7fffffff },
	  .want_fl = FL_OF | FL_AF | FL_PF | FL_CF },
	{ .name = "dec eax (48) of 0 without CF: 0xffffffff, SF AF PF; CF stays 0 although it borrows",
	  .code = "48", .want_r = { 0xffffffff }, .want_fl = FL_SF | FL_AF | FL_PF },
	{ .name = "dec eax (48) of 1: 0, ZF PF, no AF",
	  .code = "48", .r = { 1 }, .want_fl = FL_ZF | FL_PF },
	{ .name = "dec ecx (49) of 0x10 with CF: 0xf, AF, PF (four 1 bits), CF kept",
	  .code = "49", .r = { 0, 0x10 }, .fl = FL_CF, .want_r = { 0, 0xf },
	  .want_fl = FL_AF | FL_PF | FL_CF },
	{ .name = "dec edx (4a) of 0x81: 0x80, no flag (SF is bit 31; one 1 bit)",
	  .code = "4a", .r = { 0, 0, 0x81 }, .fl = FL_OF | FL_SF, .want_r = { 0, 0, 0x80 } },
	{ .name = "dec ebx (4b) of 0x80000001: 0x80000000, SF PF, no OF",
	  .code = "4b", .r = { 0, 0, 0, 0x80000001 }, .want_r = { 0, 0, 0, 0x80000000 },
	  .want_fl = FL_SF | FL_PF },
	{ .name = "dec esp (4c) of 0x8000: 0x7fff, AF PF",
	  .code = "4c", .r = { 0, 0, 0, 0, 0x8000 }, .want_r = { 0, 0, 0, 0, 0x7fff },
	  .want_fl = FL_AF | FL_PF },
	{ .name = "dec ebp (4d) of 2 with CF: 1, no flag but the kept CF",
	  .code = "4d", .r = { 0, 0, 0, 0, 0, 2 }, .fl = FL_CF | FL_ZF,
	  .want_r = { 0, 0, 0, 0, 0, 1 }, .want_fl = FL_CF },
	{ .name = "dec esi (4e) of 0x12345679: 0x12345678, PF",
	  .code = "4e", .r = { 0, 0, 0, 0, 0, 0, 0x12345679 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x12345678 }, .want_fl = FL_PF },
	{ .name = "dec edi (4f) of 0x100: 0xff, AF PF",
	  .code = "4f", .r = { 0, 0, 0, 0, 0, 0, 0, 0x100 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0, 0xff }, .want_fl = FL_AF | FL_PF },
	{ .name = "dec ax (66 48) of 0xffff8000 with CF: ax 0x7fff, a 16-bit overflow: OF AF PF, CF kept",
	  .code = "66 48", .r = { 0xffff8000 }, .fl = FL_CF, .want_r = { 0xffff7fff },
	  .want_fl = FL_OF | FL_AF | FL_PF | FL_CF },
	{ .name = "dec cx (66 49) of 0x55550001: cx 0, ZF PF, upper half kept",
	  .code = "66 49", .r = { 0, 0x55550001 }, .want_r = { 0, 0x55550000 },
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "dec sp (66 4c) of 0x9000: 0x8fff, SF (bit 15) AF PF",
	  .code = "66 4c", .r = { 0, 0, 0, 0, 0x9000 }, .want_r = { 0, 0, 0, 0, 0x8fff },
	  .want_fl = FL_SF | FL_AF | FL_PF },
	{ .name = "dec si (66 4e) of 0x10000: si 0xffff (esi 0x1ffff), SF AF PF, no borrow into esi",
	  .code = "66 4e", .r = { 0, 0, 0, 0, 0, 0, 0x10000 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0x1ffff }, .want_fl = FL_SF | FL_AF | FL_PF },
};

static void test_incdec_short(void **state)
{
	(void)state;
	RUN_ROWS(incdec_short_rows);
}

static const struct row neg_rows[] = {
	{ .name = "neg eax of zero clears CF and sets ZF",
	  .code = "f7 d8", .fl = FL_CF, .want_fl = FL_ZF | FL_PF },
	{ .name = "neg eax of one gives all ones with CF, SF and AF",
	  .code = "f7 d8", .r = { 1 }, .want_r = { 0xffffffff },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "neg eax of 0x80000000 is itself with OF and CF",
	  .code = "f7 d8", .r = { 0x80000000 }, .want_r = { 0x80000000 },
	  .want_fl = FL_OF | FL_SF | FL_PF | FL_CF },
	{ .name = "neg al of 0x80 sets OF",
	  .code = "f6 d8", .r = { 0xffffff80 }, .want_r = { 0xffffff80 },
	  .want_fl = FL_OF | FL_SF | FL_CF },
	{ .name = "neg ch negates a high byte",
	  .code = "f6 dd", .r = { 0, 0x100 }, .want_r = { 0, 0xff00 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "neg ax keeps the upper half",
	  .code = "66 f7 d8", .r = { 0x55550002 }, .want_r = { 0x5555fffe },
	  .want_fl = FL_SF | FL_AF | FL_CF },
	{ .name = "neg dword [m32] writes memory",
	  .code = "f7 1d 00 80 00 00", .m = { 5 }, .want_fl = FL_SF | FL_AF | FL_CF,
	  .want_m = { 0xfffffffb } },
};

static void test_neg(void **state)
{
	(void)state;
	RUN_ROWS(neg_rows);
}

static const struct row not_rows[] = {
	{ .name = "not eax inverts every bit and changes no flag",
	  .code = "f7 d0", .r = { 0xf0f0f0f }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 0xf0f0f0f0 }, .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "not eax changes no flag when they are clear",
	  .code = "f7 d0", .r = { 0xffffffff } },
	{ .name = "not bl inverts the low byte only",
	  .code = "f6 d3", .r = { 0, 0, 0, 0x12345600 }, .want_r = { 0, 0, 0, 0x123456ff } },
	{ .name = "not dh inverts a high byte",
	  .code = "f6 d6", .r = { 0, 0, 0xff00 } },
	{ .name = "not word [m16] inverts one word",
	  .code = "66 f7 15 00 80 00 00", .fl = FL_SF, .m = { 0x1234ffff }, .want_fl = FL_SF,
	  .want_m = { 0x12340000 } },
	{ .name = "not byte [0] (read-only) raises #PF and changes nothing",
	  .code = "f6 15 00 00 00 00", .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_not(void **state)
{
	(void)state;
	RUN_ROWS(not_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_adc),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_sbb),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_and),
		cmocka_unit_test(test_or),
		cmocka_unit_test(test_xor),
		cmocka_unit_test(test_test),
		cmocka_unit_test(test_inc),
		cmocka_unit_test(test_dec),
		cmocka_unit_test(test_incdec_short),
		cmocka_unit_test(test_neg),
		cmocka_unit_test(test_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
