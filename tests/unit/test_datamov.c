/* test_datamov.c - unit vectors for MOV, MOVZX, MOVSX, XCHG, XADD, CMPXCHG, CMPXCHG8B, BSWAP, LEA,
 * CBW/CWDE/CWD/CDQ, XLAT, LAHF/SAHF, CLC/STC/CMC/CLD/STD, NOP/PAUSE, CMOVcc and SETcc.
 *
 * Expected values were recorded by running each row's bytes on the host CPU (a gcc -m32
 * program with the code mapped at TVM_CODE and the data words at TVM_DATA). Rows that touch
 * page 0 or the end of guest memory cannot run there: their expectations come from DVA-1
 * sections 1 and 3 (the magic reads 0x494C4E44 and is read-only, irq_enable and irq_mask are
 * writable, a faulting instruction changes nothing, and CMPXCHG/CMPXCHG8B/XCHG need write
 * permission even when the comparison fails). NOP r/m must not access its operand at all.
 * The exceptions are the 16-bit addressing rows (0x67: addr16_rows, xlat16_rows), which long
 * mode cannot run (0x67 selects 32-bit addresses there): they are worked from the SDM instead,
 * as their comments say.
 */
#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

static const struct row mov_rows[] = {
	{ .name = "mov eax, ecx copies 32 bits and changes no flag",
	  .code = "89 c8", .r = { 1, 0x89abcdef },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 0x89abcdef, 0x89abcdef },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "mov al, ch copies a high byte into a low byte",
	  .code = "88 e8", .r = { 0x11111111, 0xab00 }, .want_r = { 0x111111ab, 0xab00 } },
	{ .name = "mov ah, bl writes bits 8-15 only",
	  .code = "88 dc", .r = { 0x11111111, 0, 0, 0xcd }, .want_r = { 0x1111cd11, 0, 0, 0xcd } },
	{ .name = "mov cx, dx (66 89) keeps bits 16-31 of ecx",
	  .code = "66 89 d1", .r = { 0, 0xaaaaaaaa, 0x1234 },
	  .want_r = { 0, 0xaaaa1234, 0x1234 } },
	{ .name = "mov eax, imm32 (b8 id)",
	  .code = "b8 78 56 34 12", .fl = FL_ZF, .want_r = { 0x12345678 }, .want_fl = FL_ZF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "mov bh, imm8 (b7 ib)",
	  .code = "b7 80", .r = { 0, 0, 0, 0xffffffff }, .want_r = { 0, 0, 0, 0xffff80ff } },
	{ .name = "mov cx, imm16 (66 b9 iw)",
	  .code = "66 b9 34 12", .r = { 0, 0xffffffff }, .want_r = { 0, 0xffff1234 } },
	{ .name = "mov [moffs32], eax (a3) stores to memory",
	  .code = "a3 04 80 00 00", .r = { 0xcafef00d }, .m = { 1, 2, 3 },
	  .want_r = { 0xcafef00d }, .want_m = { 1, 0xcafef00d, 3 } },
	{ .name = "mov al, [moffs8] (a0) loads one byte",
	  .code = "a0 02 80 00 00", .r = { 0xffffffff }, .m = { 0xab0000 },
	  .want_r = { 0xffffffab }, .want_m = { 0xab0000 } },
	{ .name = "mov ax, [moffs16] (66 a1) loads one word",
	  .code = "66 a1 01 80 00 00", .r = { 0xffffffff }, .m = { 0xbeef00 },
	  .want_r = { 0xffffbeef }, .want_m = { 0xbeef00 } },
	{ .name = "mov [ebx+4], ecx stores through a base and displacement",
	  .code = "89 4b 04", .r = { 0, 0x55, 0, 0x8000 }, .want_r = { 0, 0x55, 0, 0x8000 },
	  .want_m = { 0, 0x55 } },
	{ .name = "mov edx, [esi+ecx*2] loads through a scaled index",
	  .code = "8b 14 4e", .r = { 0, 6, 0, 0, 0, 0, 0x8000 }, .m = { 0, 0, 0x4444, 0x5555 },
	  .want_r = { 0, 6, 0x5555, 0, 0, 0, 0x8000 }, .want_m = { 0, 0, 0x4444, 0x5555 } },
	{ .name = "mov dword [m32], imm32 (c7 /0)",
	  .code = "c7 05 0c 80 00 00 ef be ad de", .m = { 9, 9, 9, 9 },
	  .want_m = { 9, 9, 9, 0xdeadbeef } },
	{ .name = "mov byte [m8], imm8 (c6 /0) writes one byte",
	  .code = "c6 05 01 80 00 00 00", .m = { 0xffffffff }, .want_m = { 0xffff00ff } },
	{ .name = "mov word [m16], imm16 (66 c7 /0) writes one word",
	  .code = "66 c7 05 02 80 00 00 34 12", .m = { 0xffffffff }, .want_m = { 0x1234ffff } },
	{ .name = "mov eax, [0] reads the page-0 magic",
	  .code = "a1 00 00 00 00", .fl = FL_CF, .want_r = { 0x494c4e44 }, .want_fl = FL_CF },
	{ .name = "mov [0], eax (read-only magic) raises #PF and changes nothing",
	  .code = "a3 00 00 00 00", .r = { 7 }, .want_r = { 7 }, .want_exit = CPU_EXIT_FAULT,
	  .want_fault = DVA_VEC_PF },
	{ .name = "mov [0x28], eax writes the irq_mask register",
	  .code = "a3 28 00 00 00 8b 0d 28 00 00 00", .r = { 5 }, .want_r = { 5, 5 }, .insns = 2 },
};

static void test_mov(void **state)
{
	(void)state;
	RUN_ROWS(mov_rows);
}

static const struct row movzx_rows[] = {
	{ .name = "movzx eax, cl zero-extends a byte",
	  .code = "0f b6 c1", .r = { 0xffffffff, 0x80 },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .want_r = { 0x80, 0x80 },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "movzx eax, cx zero-extends a word",
	  .code = "0f b7 c1", .r = { 0xffffffff, 0x12348765 }, .want_r = { 0x8765, 0x12348765 } },
	{ .name = "movzx ax, bh (66) zero-extends a high byte into 16 bits",
	  .code = "66 0f b6 c7", .r = { 0xaaaaaaaa, 0, 0, 0xff00 },
	  .want_r = { 0xaaaa00ff, 0, 0, 0xff00 } },
	{ .name = "movzx ecx, byte [m8]",
	  .code = "0f b6 0d 03 80 00 00", .m = { 0xfe000000 }, .want_r = { 0, 0xfe },
	  .want_m = { 0xfe000000 } },
	{ .name = "movzx edx, word [m16]",
	  .code = "0f b7 15 02 80 00 00", .r = { 0, 0, 0xffffffff }, .m = { 0xffff0000 },
	  .want_r = { 0, 0, 0xffff }, .want_m = { 0xffff0000 } },
};

static void test_movzx(void **state)
{
	(void)state;
	RUN_ROWS(movzx_rows);
}

static const struct row movsx_rows[] = {
	{ .name = "movsx eax, cl sign-extends 0x80",
	  .code = "0f be c1", .r = { 0, 0x80 },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .want_r = { 0xffffff80, 0x80 },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "movsx eax, cl of 0x7f gives 0x7f",
	  .code = "0f be c1", .r = { 0xffffffff, 0xff7f }, .want_r = { 0x7f, 0xff7f } },
	{ .name = "movsx eax, cx sign-extends 0x8000",
	  .code = "0f bf c1", .r = { 0, 0x8000 }, .want_r = { 0xffff8000, 0x8000 } },
	{ .name = "movsx ax, ch (66) sign-extends a high byte into 16 bits",
	  .code = "66 0f be c5", .r = { 0x12345678, 0x9000 }, .want_r = { 0x1234ff90, 0x9000 } },
	{ .name = "movsx ecx, byte [m8]",
	  .code = "0f be 0d 00 80 00 00", .r = { 0, 0xffffffff }, .m = { 0x7f },
	  .want_r = { 0, 0x7f }, .want_m = { 0x7f } },
	{ .name = "movsx edx, word [m16]",
	  .code = "0f bf 15 00 80 00 00", .m = { 0xffff }, .want_r = { 0, 0, 0xffffffff },
	  .want_m = { 0xffff } },
};

static void test_movsx(void **state)
{
	(void)state;
	RUN_ROWS(movsx_rows);
}

static const struct row xchg_rows[] = {
	{ .name = "xchg eax, ecx (87) swaps and changes no flag",
	  .code = "87 c8", .r = { 1, 2 }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 2, 1 }, .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "xchg ecx, eax (91) swaps with the accumulator",
	  .code = "91", .r = { 0xaaaa, 0xbbbb }, .want_r = { 0xbbbb, 0xaaaa } },
	{ .name = "xchg dx, ax (66 92) swaps low words only",
	  .code = "66 92", .r = { 0x11112222, 0, 0x33334444 },
	  .want_r = { 0x11114444, 0, 0x33332222 } },
	{ .name = "xchg al, ah swaps two bytes of one register",
	  .code = "86 e0", .r = { 0x12345678 }, .want_r = { 0x12347856 } },
	{ .name = "xchg bh, cl",
	  .code = "86 cf", .r = { 0, 0x12, 0, 0xff00 }, .want_r = { 0, 0xff, 0, 0x1200 } },
	{ .name = "xchg eax, eax (87 c0) changes nothing",
	  .code = "87 c0", .r = { 0x5a5a }, .want_r = { 0x5a5a } },
	{ .name = "xchg [m32], eax swaps with memory",
	  .code = "87 05 04 80 00 00", .r = { 0x1111 }, .m = { 0, 0x2222 }, .want_r = { 0x2222 },
	  .want_m = { 0, 0x1111 } },
	{ .name = "xchg [m8], dl swaps one byte",
	  .code = "86 15 01 80 00 00", .r = { 0, 0, 0x77 }, .m = { 0x44332211 },
	  .want_r = { 0, 0, 0x22 }, .want_m = { 0x44337711 } },
	{ .name = "xchg [m16], cx swaps one word",
	  .code = "66 87 0d 02 80 00 00", .r = { 0, 0xabcdef01 }, .m = { 0x44332211 },
	  .want_r = { 0, 0xabcd4433 }, .want_m = { 0xef012211 } },
	{ .name = "lock xchg [m32], ebx",
	  .code = "f0 87 1d 00 80 00 00", .r = { 0, 0, 0, 3 }, .m = { 4 },
	  .want_r = { 0, 0, 0, 4 }, .want_m = { 3 } },
	{ .name = "xchg [0], eax (readable but read-only) raises #PF and changes nothing",
	  .code = "87 05 00 00 00 00", .r = { 9 }, .want_r = { 9 }, .want_exit = CPU_EXIT_FAULT,
	  .want_fault = DVA_VEC_PF },
};

static void test_xchg(void **state)
{
	(void)state;
	RUN_ROWS(xchg_rows);
}

static const struct row xadd_rows[] = {
	{ .name = "xadd eax, ecx: eax = sum, ecx = old eax, flags of the add",
	  .code = "0f c1 c8", .r = { 0xffffffff, 1 }, .want_r = { 0, 0xffffffff },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "xadd eax, eax: the sum wins",
	  .code = "0f c1 c0", .r = { 5 }, .want_r = { 0xa }, .want_fl = FL_PF },
	{ .name = "xadd ah, al: byte forms with a high byte destination",
	  .code = "0f c0 c4", .r = { 0x7f01 }, .want_r = { 0x807f },
	  .want_fl = FL_OF | FL_SF | FL_AF },
	{ .name = "xadd cx, dx (66): 16-bit wrap keeps the upper halves",
	  .code = "66 0f c1 d1", .r = { 0, 0xaaaa8000, 0xbbbb8000 },
	  .want_r = { 0, 0xaaaa0000, 0xbbbb8000 }, .want_fl = FL_OF | FL_ZF | FL_PF | FL_CF },
	{ .name = "xadd [m32], ecx: memory gets the sum, ecx the old value",
	  .code = "0f c1 0d 00 80 00 00", .r = { 0, 0x10 }, .m = { 0x7ffffff0 },
	  .want_r = { 0, 0x7ffffff0 }, .want_fl = FL_OF | FL_SF | FL_PF,
	  .want_m = { 0x80000000 } },
	{ .name = "xadd [m8], al",
	  .code = "0f c0 05 03 80 00 00", .r = { 1 }, .m = { 0xff000000 }, .want_r = { 0xff },
	  .want_fl = FL_ZF | FL_AF | FL_PF | FL_CF },
	{ .name = "lock xadd [m32], eax (the atomic increment idiom)",
	  .code = "f0 0f c1 05 00 80 00 00", .r = { 1 }, .m = { 0x29 }, .want_r = { 0x29 },
	  .want_m = { 0x2a } },
	{ .name = "xadd [0], eax (read-only) raises #PF and changes nothing",
	  .code = "0f c1 05 00 00 00 00", .r = { 1 }, .fl = FL_ZF, .want_r = { 1 },
	  .want_fl = FL_ZF, .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_xadd(void **state)
{
	(void)state;
	RUN_ROWS(xadd_rows);
}

static const struct row cmpxchg_rows[] = {
	{ .name = "cmpxchg ecx, edx when eax equals ecx: ecx = edx, ZF set",
	  .code = "0f b1 d1", .r = { 5, 5, 9 }, .want_r = { 5, 9, 9 }, .want_fl = FL_ZF | FL_PF },
	{ .name = "cmpxchg ecx, edx when they differ: eax = ecx, flags of cmp eax, ecx",
	  .code = "0f b1 d1", .r = { 1, 2, 9 }, .want_r = { 2, 2, 9 },
	  .want_fl = FL_SF | FL_AF | FL_PF | FL_CF },
	{ .name = "cmpxchg eax, ecx always matches itself",
	  .code = "0f b1 c8", .r = { 0x80000000, 3 }, .want_r = { 3, 3 },
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "cmpxchg ah, bl compares AL with AH",
	  .code = "0f b0 dc", .r = { 0x4242, 0, 0, 0x99 }, .want_r = { 0x9942, 0, 0, 0x99 },
	  .want_fl = FL_ZF | FL_PF },
	{ .name = "cmpxchg cx, dx (66) failing loads AX only",
	  .code = "66 0f b1 d1", .r = { 0xaaaa0001, 0xbbbb8000, 7 },
	  .want_r = { 0xaaaa8000, 0xbbbb8000, 7 }, .want_fl = FL_OF | FL_SF | FL_CF },
	{ .name = "cmpxchg [m32], ecx when equal stores ecx",
	  .code = "0f b1 0d 04 80 00 00", .r = { 0x1234, 0x5678 }, .m = { 0, 0x1234 },
	  .want_r = { 0x1234, 0x5678 }, .want_fl = FL_ZF | FL_PF, .want_m = { 0, 0x5678 } },
	{ .name = "cmpxchg [m32], ecx when different loads eax and leaves memory",
	  .code = "0f b1 0d 04 80 00 00", .r = { 0x1235, 0x5678 }, .m = { 0, 0x1234 },
	  .want_r = { 0x1234, 0x5678 }, .want_m = { 0, 0x1234 } },
	{ .name = "cmpxchg [m8], cl when equal stores one byte",
	  .code = "0f b0 0d 02 80 00 00", .r = { 0xffffff33, 0x44 }, .m = { 0x11333344 },
	  .want_r = { 0xffffff33, 0x44 }, .want_fl = FL_ZF | FL_PF, .want_m = { 0x11443344 } },
	{ .name = "lock cmpxchg [m32], edx",
	  .code = "f0 0f b1 15 00 80 00 00", .r = { 0, 0, 1 }, .want_r = { 0, 0, 1 },
	  .want_fl = FL_ZF | FL_PF, .want_m = { 1 } },
	{ .name = "cmpxchg [0], ecx needs write permission even when the compare fails: #PF",
	  .code = "0f b1 0d 00 00 00 00", .r = { 0, 1 }, .want_r = { 0, 1 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "cmpxchg [0x20], ecx (irq_enable) failing the compare loads eax without a fault",
	  .code = "0f b1 0d 20 00 00 00", .r = { 5, 1 }, .want_r = { 0, 1 }, .want_fl = FL_PF },
};

static void test_cmpxchg(void **state)
{
	(void)state;
	RUN_ROWS(cmpxchg_rows);
}

static const struct row cmpxchg8b_rows[] = {
	{ .name = "cmpxchg8b [m64] when EDX:EAX matches stores ECX:EBX and sets ZF",
	  .code = "0f c7 0d 00 80 00 00", .r = { 0x11111111, 0x44444444, 0x22222222, 0x33333333 },
	  .fl = FL_SF | FL_CF, .m = { 0x11111111, 0x22222222 },
	  .want_r = { 0x11111111, 0x44444444, 0x22222222, 0x33333333 },
	  .want_fl = FL_SF | FL_ZF | FL_CF, .want_m = { 0x33333333, 0x44444444 } },
	{ .name = "cmpxchg8b [m64] when different loads EDX:EAX and clears ZF only",
	  .code = "0f c7 0d 00 80 00 00", .r = { 0x11111111, 0x44444444, 0x22222223, 0x33333333 },
	  .fl = FL_OF | FL_ZF | FL_PF | FL_CF, .m = { 0x11111111, 0x22222222 },
	  .want_r = { 0x11111111, 0x44444444, 0x22222222, 0x33333333 },
	  .want_fl = FL_OF | FL_PF | FL_CF, .want_m = { 0x11111111, 0x22222222 } },
	{ .name = "cmpxchg8b [esi+4] differing only in the low half",
	  .code = "0f c7 4e 04", .r = { 1, 4, 2, 3, 0, 0, 0x8000 }, .m = { 0xaa, 0, 2, 0xbb },
	  .want_r = { 0, 4, 2, 3, 0, 0, 0x8000 }, .want_m = { 0xaa, 0, 2, 0xbb } },
	{ .name = "lock cmpxchg8b [m64]",
	  .code = "f0 0f c7 0d 08 80 00 00", .r = { 0, 0xbeef, 0, 0xfeed },
	  .want_r = { 0, 0xbeef, 0, 0xfeed }, .want_fl = FL_ZF,
	  .want_m = { 0, 0, 0xfeed, 0xbeef } },
	{ .name = "cmpxchg8b [0] needs write permission even when the compare fails: #PF",
	  .code = "0f c7 0d 00 00 00 00", .r = { 1 }, .want_r = { 1 }, .want_exit = CPU_EXIT_FAULT,
	  .want_fault = DVA_VEC_PF },
	{ .name = "cmpxchg8b across the end of memory raises #PF and changes nothing",
	  .code = "0f c7 0d fc ff 0f 00", .fl = FL_ZF, .want_fl = FL_ZF,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_cmpxchg8b(void **state)
{
	(void)state;
	RUN_ROWS(cmpxchg8b_rows);
}

static const struct row bswap_rows[] = {
	{ .name = "bswap eax reverses the bytes",
	  .code = "0f c8", .r = { 0x12345678 },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .want_r = { 0x78563412 },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "bswap edi",
	  .code = "0f cf", .r = { 0, 0, 0, 0, 0, 0, 0, 0xff000080 },
	  .want_r = { 0, 0, 0, 0, 0, 0, 0, 0x800000ff } },
	{ .name = "bswap ax (66, undefined in the SDM) writes 0 to AX as the host does",
	  .code = "66 0f c8", .r = { 0x12345678 }, .want_r = { 0x12340000 } },
	{ .name = "bswap cx (66) writes 0 to CX as the host does",
	  .code = "66 0f c9", .r = { 0, 0xaabbccdd }, .want_r = { 0, 0xaabb0000 } },
};

static void test_bswap(void **state)
{
	(void)state;
	RUN_ROWS(bswap_rows);
}

static const struct row lea_rows[] = {
	{ .name = "lea eax, [ebx+ecx*4+0x10] computes without touching memory or flags",
	  .code = "8d 44 8b 10", .r = { 0, 3, 0, 0x1000 },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .want_r = { 0x101c, 3, 0, 0x1000 },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "lea eax, [eax+eax*2] multiplies by three",
	  .code = "8d 04 40", .r = { 0x55555556 }, .want_r = { 2 } },
	{ .name = "lea ax, [ebx+ecx] (66) truncates to 16 bits",
	  .code = "66 8d 04 0b", .r = { 0xffffffff, 2, 0, 0x1ffff },
	  .want_r = { 0xffff0001, 2, 0, 0x1ffff } },
	{ .name = "lea eax, [0xfffffff0] is only arithmetic: no fault",
	  .code = "8d 05 f0 ff ff ff", .want_r = { 0xfffffff0 } },
	{ .name = "lea edx, [ebp-8] with a negative displacement",
	  .code = "8d 55 f8", .r = { 0, 0, 0, 0, 0, 4 }, .want_r = { 0, 0, 0xfffffffc, 0, 0, 4 } },
};

static void test_lea(void **state)
{
	(void)state;
	RUN_ROWS(lea_rows);
}

static const struct row convert_rows[] = {
	{ .name = "cbw (66 98) sign-extends AL into AX and keeps bits 16-31",
	  .code = "66 98", .r = { 0x12345680 },
	  .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .want_r = { 0x1234ff80 },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cbw of 0x7f gives 0x007f",
	  .code = "66 98", .r = { 0xffffff7f }, .want_r = { 0xffff007f } },
	{ .name = "cwde (98) sign-extends AX into EAX",
	  .code = "98", .r = { 0x12348000 }, .want_r = { 0xffff8000 } },
	{ .name = "cwde of 0x7fff gives 0x00007fff",
	  .code = "98", .r = { 0xffff7fff }, .want_r = { 0x7fff } },
	{ .name = "cwd (66 99) fills DX with the sign of AX and keeps bits 16-31 of edx",
	  .code = "66 99", .r = { 0x8000, 0, 0x12340000 }, .want_r = { 0x8000, 0, 0x1234ffff } },
	{ .name = "cwd of a positive AX clears DX",
	  .code = "66 99", .r = { 0xffff0001, 0, 0xffffffff },
	  .want_r = { 0xffff0001, 0, 0xffff0000 } },
	{ .name = "cdq (99) fills EDX with the sign of EAX",
	  .code = "99", .r = { 0x80000000 }, .want_r = { 0x80000000, 0, 0xffffffff } },
	{ .name = "cdq of a positive EAX clears EDX",
	  .code = "99", .r = { 0x7fffffff, 0, 0x12345678 }, .want_r = { 0x7fffffff } },
};

static void test_convert(void **state)
{
	(void)state;
	RUN_ROWS(convert_rows);
}

static const struct row xlat_rows[] = {
	{ .name = "xlat: AL = [EBX + AL]",
	  .code = "d7", .r = { 0x11111105, 0, 0, 0x8000 }, .m = { 0, 0xcc00 },
	  .want_r = { 0x111111cc, 0, 0, 0x8000 }, .want_m = { 0, 0xcc00 } },
	{ .name = "xlat indexes with AL unsigned (0xff)",
	  .code = "d7", .r = { 0xff, 0, 0, 0x7f01 }, .m = { 0x99 },
	  .want_r = { 0x99, 0, 0, 0x7f01 }, .want_m = { 0x99 } },
	{ .name = "xlat reads page 0: the first byte of the magic",
	  .code = "d7", .r = { 0x100 }, .want_r = { 0x144 } },
	{ .name = "xlat beyond memory raises #PF and changes nothing",
	  .code = "d7", .r = { 0x10, 0, 0, 0xffff0 }, .want_r = { 0x10, 0, 0, 0xffff0 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_xlat(void **state)
{
	(void)state;
	RUN_ROWS(xlat_rows);
}

/* vectors: addr16
 * 16-bit addressing (0x67 in 32-bit code). SDM Vol. 2A, section 2.1.5, Table 2-1 (16-bit
 * addressing forms with the ModR/M byte): r/m 000 [BX+SI], 001 [BX+DI], 010 [BP+SI],
 * 011 [BP+DI], 100 [SI], 101 [DI], 110 [BP] (but mod 00 r/m 110 is [disp16]), 111 [BX]; mod 00
 * has no displacement, mod 01 a disp8 sign-extended, mod 10 a disp16. With a 16-bit address
 * size the offset is 16 bits (SDM Vol. 1, 3.6: the address-size attribute selects 16-bit
 * offsets): only BX, BP, SI and DI take part and the sum wraps modulo 64 KiB, so the upper
 * halves of EBX, EBP, ESI and EDI are ignored (DVA-1 section 2: "16-bit effective addresses
 * wrapping at 64 KiB"). Segments have base 0 (DVA-1), so [BP..] reads the same memory. Each
 * row loads EAX (67 8b /r, reg 000) from m[k] at 0x8000 + 4k; the registers' upper halves are
 * all set. */
#define M4 { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }
#define LD16(nm, hex, bx, bp, si, di, val) \
	{ .name = nm, .code = hex, .r = { 0xffffffff, 0, 0, bx, 0, bp, si, di }, .m = M4, \
	  .want_r = { val, 0, 0, bx, 0, bp, si, di }, .want_m = M4 }
static const struct row addr16_rows[] = {
	/* mod 00 */
	LD16("67 mov eax, [bx+si] (00): 0x7000 + 0x1000 = 0x8000, m[0]", "67 8b 00",
	     0xaaaa7000, 0xdddd0000, 0xbbbb1000, 0xcccc0000, 0x11112222),
	LD16("67 mov eax, [bx+di] (01): 0x7000 + 0x1004 = 0x8004, m[1]", "67 8b 01",
	     0xaaaa7000, 0xdddd0000, 0xbbbb0000, 0xcccc1004, 0x33334444),
	LD16("67 mov eax, [bp+si] (02): 0x7000 + 0x1008 = 0x8008, m[2]", "67 8b 02",
	     0xaaaa0000, 0xdddd7000, 0xbbbb1008, 0xcccc0000, 0x55556666),
	LD16("67 mov eax, [bp+di] (03): 0x7000 + 0x100c = 0x800c, m[3]", "67 8b 03",
	     0xaaaa0000, 0xdddd7000, 0xbbbb0000, 0xcccc100c, 0x77778888),
	LD16("67 mov eax, [si] (04): 0x8004, m[1]", "67 8b 04",
	     0xaaaa0000, 0xdddd0000, 0xbbbb8004, 0xcccc0000, 0x33334444),
	LD16("67 mov eax, [di] (05): 0x8008, m[2]", "67 8b 05",
	     0xaaaa0000, 0xdddd0000, 0xbbbb0000, 0xcccc8008, 0x55556666),
	LD16("67 mov eax, [0x800c] (06, mod 00 r/m 110 is disp16 alone: bp not used), m[3]",
	     "67 8b 06 0c 80", 0xaaaa0000, 0xdddd1234, 0xbbbb0000, 0xcccc0000, 0x77778888),
	LD16("67 mov eax, [bx] (07): 0x8000, m[0]", "67 8b 07",
	     0xaaaa8000, 0xdddd0000, 0xbbbb0000, 0xcccc0000, 0x11112222),
	/* mod 01: disp8, sign-extended */
	LD16("67 mov eax, [bx+si+4] (40 04): 0x7000 + 0x1000 + 4 = 0x8004, m[1]", "67 8b 40 04",
	     0xaaaa7000, 0xdddd0000, 0xbbbb1000, 0xcccc0000, 0x33334444),
	LD16("67 mov eax, [bx+di-4] (41 fc): 0x7000 + 0x100c - 4 = 0x8008, m[2]", "67 8b 41 fc",
	     0xaaaa7000, 0xdddd0000, 0xbbbb0000, 0xcccc100c, 0x55556666),
	LD16("67 mov eax, [bp+si+8] (42 08): 0x7000 + 0x1004 + 8 = 0x800c, m[3]", "67 8b 42 08",
	     0xaaaa0000, 0xdddd7000, 0xbbbb1004, 0xcccc0000, 0x77778888),
	LD16("67 mov eax, [bp+di-0x80] (43 80): 0x7000 + 0x1080 - 0x80 = 0x8000, m[0]",
	     "67 8b 43 80", 0xaaaa0000, 0xdddd7000, 0xbbbb0000, 0xcccc1080, 0x11112222),
	LD16("67 mov eax, [si+0x7f] (44 7f): 0x7f85 + 0x7f = 0x8004, m[1]", "67 8b 44 7f",
	     0xaaaa0000, 0xdddd0000, 0xbbbb7f85, 0xcccc0000, 0x33334444),
	LD16("67 mov eax, [di-8] (45 f8): 0x8010 - 8 = 0x8008, m[2]", "67 8b 45 f8",
	     0xaaaa0000, 0xdddd0000, 0xbbbb0000, 0xcccc8010, 0x55556666),
	LD16("67 mov eax, [bp+0xc] (46 0c): 0x8000 + 0xc = 0x800c, m[3]", "67 8b 46 0c",
	     0xaaaa0000, 0xdddd8000, 0xbbbb0000, 0xcccc0000, 0x77778888),
	LD16("67 mov eax, [bx+1] (47 01): 0x7fff + 1 = 0x8000, m[0]", "67 8b 47 01",
	     0xaaaa7fff, 0xdddd0000, 0xbbbb0000, 0xcccc0000, 0x11112222),
	/* mod 10: disp16 */
	LD16("67 mov eax, [bx+si+0x1000] (80): 0x6000 + 0x1000 + 0x1000 = 0x8000, m[0]",
	     "67 8b 80 00 10", 0xaaaa6000, 0xdddd0000, 0xbbbb1000, 0xcccc0000, 0x11112222),
	LD16("67 mov eax, [bx+di+0x8004] (81): bx = di = 0: 0x8004, m[1]", "67 8b 81 04 80",
	     0xaaaa0000, 0xdddd0000, 0xbbbb0000, 0xcccc0000, 0x33334444),
	LD16("67 mov eax, [bp+si+0xf000] (82): 0x8000 + 0x1008 + 0xf000 = 0x18008, wraps to 0x8008",
	     "67 8b 82 00 f0", 0xaaaa0000, 0xdddd8000, 0xbbbb1008, 0xcccc0000, 0x55556666),
	LD16("67 mov eax, [bp+di+0xc] (83): 0x4000 + 0x4000 + 0xc = 0x800c, m[3]",
	     "67 8b 83 0c 00", 0xaaaa0000, 0xdddd4000, 0xbbbb0000, 0xcccc4000, 0x77778888),
	LD16("67 mov eax, [si+0x8000] (84): 4 + 0x8000 = 0x8004, m[1]", "67 8b 84 00 80",
	     0xaaaa0000, 0xdddd0000, 0xbbbb0004, 0xcccc0000, 0x33334444),
	LD16("67 mov eax, [di+8] (85): 0x8000 + 8 = 0x8008, m[2]", "67 8b 85 08 00",
	     0xaaaa0000, 0xdddd0000, 0xbbbb0000, 0xcccc8000, 0x55556666),
	LD16("67 mov eax, [bp+0x8000] (86): 0xc + 0x8000 = 0x800c, m[3]", "67 8b 86 00 80",
	     0xaaaa0000, 0xdddd000c, 0xbbbb0000, 0xcccc0000, 0x77778888),
	LD16("67 mov eax, [bx+0x7ffc] (87): 4 + 0x7ffc = 0x8000, m[0]", "67 8b 87 fc 7f",
	     0xaaaa0004, 0xdddd0000, 0xbbbb0000, 0xcccc0000, 0x11112222),
	/* wrapping at 64 KiB */
	LD16("67 mov eax, [bx+si]: 0xf000 + 0x9000 = 0x18000 wraps to 0x8000, m[0]", "67 8b 00",
	     0x1234f000, 0xdddd0000, 0x56789000, 0xcccc0000, 0x11112222),
	LD16("67 mov eax, [di+0xfffc] (85): 0x8008 + 0xfffc = 0x18004 wraps to 0x8004, m[1]",
	     "67 8b 85 fc ff", 0xaaaa0000, 0xdddd0000, 0xbbbb0000, 0xcccc8008, 0x33334444),
	LD16("67 mov eax, [bx+si]: 0x8000 + 0x8000 wraps to 0 and reads page 0's magic 0x494c4e44",
	     "67 8b 00", 0xaaaa8000, 0xdddd0000, 0xbbbb8000, 0xcccc0000, 0x494c4e44),
	LD16("67 mov eax, [si-1] (44 ff) with si 0x8001: the disp8 0xff is -1: 0x8000, m[0]",
	     "67 8b 44 ff", 0xaaaa0000, 0xdddd0000, 0x00018001, 0xcccc0000, 0x11112222),
	/* other instructions with a 16-bit address */
	{ .name = "67 mov eax, [moffs16] (67 a1 08 80): the offset is 2 bytes, 0x8008, m[2]",
	  .code = "67 a1 08 80", .m = M4, .want_r = { 0x55556666 }, .want_m = M4 },
	{ .name = "67 mov ax, [bp+si] (67 66 8b 02): a word from 0x7000 + 0x1008 = 0x8008, "
		  "eax's upper half kept",
	  .code = "67 66 8b 02", .r = { 0xffffffff, 0, 0, 0, 0, 0xdddd7000, 0xbbbb1008 },
	  .m = M4, .want_r = { 0xffff6666, 0, 0, 0, 0, 0xdddd7000, 0xbbbb1008 }, .want_m = M4 },
	{ .name = "67 mov [bx], ecx (67 89 0f) with ebx 0xffff8008: stores at 0x8008 (m[2])",
	  .code = "67 89 0f", .r = { 0, 0xc0ffee, 0, 0xffff8008 }, .m = M4,
	  .want_r = { 0, 0xc0ffee, 0, 0xffff8008 },
	  .want_m = { 0x11112222, 0x33334444, 0xc0ffee, 0x77778888 } },
	{ .name = "67 inc dword [bx+4] (67 ff 47 04) with ebx 0x12348000: m[1] + 1 at 0x8004; "
		  "0x45 has three 1 bits: PF = 0",
	  .code = "67 ff 47 04", .r = { 0, 0, 0, 0x12348000 }, .m = M4,
	  .want_r = { 0, 0, 0, 0x12348000 },
	  .want_m = { 0x11112222, 0x33334445, 0x55556666, 0x77778888 } },
};

static void test_addr16(void **state)
{
	(void)state;
	RUN_ROWS(addr16_rows);
}

/* vectors: addr16 (LEA)
 * SDM Vol. 2A, LEA, Operation and its table of operand- and address-size attributes: with a
 * 32-bit operand and a 16-bit address size the 16-bit effective address is zero-extended into
 * the 32-bit destination; with a 16-bit operand and a 16-bit address size it is stored in the
 * 16-bit destination (the upper half kept). LEA reads no memory and changes no flag. */
static const struct row lea16_rows[] = {
	{ .name = "67 lea eax, [bx+si] (67 8d 00): 0x7000 + 0x1000 = 0x8000, zero-extended",
	  .code = "67 8d 00", .r = { 0xffffffff, 0, 0, 0xaaaa7000, 0, 0, 0xbbbb1000 },
	  .fl = FL_OSZAPC, .want_r = { 0x8000, 0, 0, 0xaaaa7000, 0, 0, 0xbbbb1000 },
	  .want_fl = FL_OSZAPC },
	{ .name = "67 lea eax, [bx+si+0x10] (67 8d 40 10): 0xfff0 + 0x20 + 0x10 wraps to 0x0020",
	  .code = "67 8d 40 10", .r = { 0, 0, 0, 0x1234fff0, 0, 0, 0x20 },
	  .want_r = { 0x20, 0, 0, 0x1234fff0, 0, 0, 0x20 } },
	{ .name = "67 lea eax, [bp-2] (67 8d 46 fe) with bp 1: 0xffff, zero-extended to 0x0000ffff",
	  .code = "67 8d 46 fe", .r = { 0, 0, 0, 0, 0, 0x80000001 },
	  .want_r = { 0xffff, 0, 0, 0, 0, 0x80000001 } },
	{ .name = "67 lea eax, [bp+0x8000] (67 8d 86) with bp 0x9000: 0x11000 wraps to 0x1000",
	  .code = "67 8d 86 00 80", .r = { 0, 0, 0, 0, 0, 0x9000 },
	  .want_r = { 0x1000, 0, 0, 0, 0, 0x9000 } },
	{ .name = "67 lea eax, [0x1234] (67 8d 06): disp16 alone",
	  .code = "67 8d 06 34 12", .r = { 0xffffffff, 0, 0, 0, 0, 0x5555 },
	  .want_r = { 0x1234, 0, 0, 0, 0, 0x5555 } },
	{ .name = "67 lea ecx, [di+0x7f] (67 8d 4d 7f) with edi 0xffffff90: 0xff90 + 0x7f = 0x1000f "
		  "wraps to 0x000f",
	  .code = "67 8d 4d 7f", .r = { 0, 0xdeadbeef, 0, 0, 0, 0, 0, 0xffffff90 },
	  .want_r = { 0, 0xf, 0, 0, 0, 0, 0, 0xffffff90 } },
	{ .name = "66 67 lea ax, [bx+si] (66 67 8d 00): ax = 0x8000, eax's upper half kept",
	  .code = "66 67 8d 00", .r = { 0x99999999, 0, 0, 0xaaaa7000, 0, 0, 0xbbbb1000 },
	  .want_r = { 0x99998000, 0, 0, 0xaaaa7000, 0, 0, 0xbbbb1000 } },
	{ .name = "66 67 lea dx, [bp+di] (66 67 8d 13): 0xfffe + 3 wraps to 1, edx's upper half kept",
	  .code = "66 67 8d 13", .r = { 0, 0, 0x12345678, 0, 0, 0xfffe, 0, 0x70003 },
	  .want_r = { 0, 0, 0x12340001, 0, 0, 0xfffe, 0, 0x70003 } },
};

static void test_lea16(void **state)
{
	(void)state;
	RUN_ROWS(lea16_rows);
}

/* vectors: xlat16
 * SDM Vol. 2C, XLAT/XLATB, Operation (paraphrased): with a 16-bit address size AL = the byte
 * at BX + ZeroExtend(AL), else at EBX + ZeroExtend(AL). With 0x67 the offset is 16 bits and
 * wraps at 64 KiB (DVA-1 section 2); the upper halves of EBX and EAX take no part, and only AL
 * changes. m[0..1] = 0x04030201, 0x08070605: byte k + 1 at 0x8000 + k. */
static const struct row xlat16_rows[] = {
	{ .name = "67 xlat with ebx 0xabcd7ffc, al 8: bx + al = 0x8004, al = 0x05",
	  .code = "67 d7", .r = { 8, 0, 0, 0xabcd7ffc }, .m = { 0x4030201, 0x8070605 },
	  .want_r = { 5, 0, 0, 0xabcd7ffc }, .want_m = { 0x4030201, 0x8070605 } },
	{ .name = "67 xlat with al 0xff (unsigned) and bx 0x7f03: 0x8002, al = 0x03, eax's bits 8-31 kept",
	  .code = "67 d7", .r = { 0x123456ff, 0, 0, 0x7f03 }, .m = { 0x4030201, 0x8070605 },
	  .want_r = { 0x12345603, 0, 0, 0x7f03 }, .want_m = { 0x4030201, 0x8070605 } },
	{ .name = "67 xlat with bx 0xffff, al 1: 0x10000 wraps to 0, al = 0x44 ('D' of the magic)",
	  .code = "67 d7", .r = { 1, 0, 0, 0x0000ffff }, .want_r = { 0x44, 0, 0, 0xffff } },
	{ .name = "67 xlat with ebx 0x00018000, al 7: bx = 0x8000 (bit 16 ignored), al = 0x08",
	  .code = "67 d7", .r = { 7, 0, 0, 0x00018000 }, .m = { 0x4030201, 0x8070605 },
	  .want_r = { 8, 0, 0, 0x00018000 }, .want_m = { 0x4030201, 0x8070605 } },
	{ .name = "xlat without 67 and ebx 0x00018000 reads 0x18007 instead (0 here)",
	  .code = "d7", .r = { 7, 0, 0, 0x00018000 }, .m = { 0x4030201, 0x8070605 },
	  .want_r = { 0, 0, 0, 0x00018000 }, .want_m = { 0x4030201, 0x8070605 } },
};

static void test_xlat16(void **state)
{
	(void)state;
	RUN_ROWS(xlat16_rows);
}

static const struct row flag_bits_rows[] = {
	{ .name = "lahf loads SF:ZF:0:AF:0:PF:1:CF into AH",
	  .code = "9f", .r = { 0x12345678 }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 0x1234d778 }, .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "lahf with every flag clear loads 0x02",
	  .code = "9f", .r = { 0xffffffff }, .want_r = { 0xffff02ff } },
	{ .name = "lahf ignores OF and DF",
	  .code = "9f", .fl = FL_OF | FL_DF, .want_r = { 0x200 }, .want_fl = FL_OF | FL_DF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "sahf sets SF, ZF, AF, PF, CF from AH and keeps OF",
	  .code = "9e", .r = { 0xff00 }, .fl = FL_OF, .want_r = { 0xff00 },
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "sahf of 0 clears them and keeps OF",
	  .code = "9e", .r = { 0xff }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 0xff }, .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "clc clears CF only",
	  .code = "f8", .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "stc sets CF only",
	  .code = "f9", .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmc complements a set CF",
	  .code = "f5", .fl = FL_ZF | FL_CF, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmc complements a clear CF",
	  .code = "f5", .fl = FL_SF, .want_fl = FL_SF | FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cld clears DF",
	  .code = "fc", .fl = FL_DF | FL_CF, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "std sets DF",
	  .code = "fd", .fl = FL_PF, .want_fl = FL_DF | FL_PF, .mask = FL_OSZAPC | FL_DF },
};

static void test_flag_bits(void **state)
{
	(void)state;
	RUN_ROWS(flag_bits_rows);
}

static const struct row nop_rows[] = {
	{ .name = "nop (90) changes nothing",
	  .code = "90", .r = { 1, 2 }, .fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .want_r = { 1, 2 }, .want_fl = FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "nop (66 90)",
	  .code = "66 90", .r = { 0x12345678 }, .want_r = { 0x12345678 } },
	{ .name = "pause (f3 90) is a nop",
	  .code = "f3 90", .r = { 3 }, .fl = FL_CF, .want_r = { 3 }, .want_fl = FL_CF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "nop [eax] (0f 1f /0) does not read memory",
	  .code = "0f 1f 00", .r = { 0xfffffff0 }, .want_r = { 0xfffffff0 } },
	{ .name = "nop [eax+disp32] (0f 1f 80) does not read page 0",
	  .code = "0f 1f 80 00 00 00 00", .fl = FL_ZF, .want_fl = FL_ZF },
	{ .name = "nop word [eax] (66 0f 1f /0)",
	  .code = "66 0f 1f 00", .r = { 0x8000 }, .m = { 5 }, .want_r = { 0x8000 },
	  .want_m = { 5 } },
};

static void test_nop(void **state)
{
	(void)state;
	RUN_ROWS(nop_rows);
}

static const struct row cmovcc_rows[] = {
	{ .name = "cmovo eax, ecx moves when OF set",
	  .code = "0f 40 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovo eax, ecx leaves eax when OF clear",
	  .code = "0f 40 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb },
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovno eax, ecx moves when OF clear",
	  .code = "0f 41 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb },
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovno eax, ecx leaves eax when OF set",
	  .code = "0f 41 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovb eax, ecx moves when CF set",
	  .code = "0f 42 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_CF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovb eax, ecx leaves eax when CF clear",
	  .code = "0f 42 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_ZF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnb eax, ecx moves when CF clear",
	  .code = "0f 43 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_ZF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnb eax, ecx leaves eax when CF set",
	  .code = "0f 43 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_CF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovz eax, ecx moves when ZF set",
	  .code = "0f 44 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_ZF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovz eax, ecx leaves eax when ZF clear",
	  .code = "0f 44 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_CF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnz eax, ecx moves when ZF clear",
	  .code = "0f 45 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_SF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnz eax, ecx leaves eax when ZF set",
	  .code = "0f 45 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_ZF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovbe eax, ecx moves when CF set",
	  .code = "0f 46 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_CF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovbe eax, ecx leaves eax when CF and ZF clear",
	  .code = "0f 46 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF | FL_SF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_OF | FL_SF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnbe eax, ecx moves when CF and ZF clear",
	  .code = "0f 47 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_PF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnbe eax, ecx leaves eax when ZF set",
	  .code = "0f 47 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_ZF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovs eax, ecx moves when SF set",
	  .code = "0f 48 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_SF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovs eax, ecx leaves eax when SF clear",
	  .code = "0f 48 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovns eax, ecx moves when SF clear",
	  .code = "0f 49 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovns eax, ecx leaves eax when SF set",
	  .code = "0f 49 c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_SF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovp eax, ecx moves when PF set",
	  .code = "0f 4a c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_PF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovp eax, ecx leaves eax when PF clear",
	  .code = "0f 4a c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_CF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnp eax, ecx moves when PF clear",
	  .code = "0f 4b c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_CF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnp eax, ecx leaves eax when PF set",
	  .code = "0f 4b c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_PF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovl eax, ecx moves when SF != OF",
	  .code = "0f 4c c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_SF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovl eax, ecx leaves eax when SF = OF",
	  .code = "0f 4c c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF | FL_SF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_OF | FL_SF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnl eax, ecx moves when SF = OF",
	  .code = "0f 4d c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF | FL_SF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_OF | FL_SF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnl eax, ecx leaves eax when SF != OF",
	  .code = "0f 4d c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovle eax, ecx moves when ZF set",
	  .code = "0f 4e c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF | FL_SF | FL_ZF,
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .want_fl = FL_OF | FL_SF | FL_ZF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovle eax, ecx leaves eax when ZF clear and SF = OF",
	  .code = "0f 4e c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_OF | FL_SF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_OF | FL_SF,
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnle eax, ecx moves when ZF clear and SF = OF",
	  .code = "0f 4f c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb },
	  .want_r = { 0xbbbbbbbb, 0xbbbbbbbb }, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovnle eax, ecx leaves eax when ZF set",
	  .code = "0f 4f c1", .r = { 0xaaaaaaaa, 0xbbbbbbbb }, .fl = FL_ZF,
	  .want_r = { 0xaaaaaaaa, 0xbbbbbbbb }, .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "cmovz ax, cx (66) moves 16 bits",
	  .code = "66 0f 44 c1", .r = { 0x11112222, 0x33334444 }, .fl = FL_ZF,
	  .want_r = { 0x11114444, 0x33334444 }, .want_fl = FL_ZF },
	{ .name = "cmovnz ecx, [m32] loads when the condition holds",
	  .code = "0f 45 0d 04 80 00 00", .m = { 0, 0x99 }, .want_r = { 0, 0x99 },
	  .want_m = { 0, 0x99 } },
	{ .name = "cmovnz ecx, [m32] reads but does not load when it fails",
	  .code = "0f 45 0d 04 80 00 00", .r = { 0, 7 }, .fl = FL_ZF, .m = { 0, 0x99 },
	  .want_r = { 0, 7 }, .want_fl = FL_ZF, .want_m = { 0, 0x99 } },
	{ .name = "cmovz eax, [m32] beyond memory raises #PF even when the condition fails",
	  .code = "0f 44 05 fe ff 0f 00", .r = { 1 }, .want_r = { 1 }, .want_exit = CPU_EXIT_FAULT,
	  .want_fault = DVA_VEC_PF },
};

static void test_cmovcc(void **state)
{
	(void)state;
	RUN_ROWS(cmovcc_rows);
}

static const struct row setcc_rows[] = {
	{ .name = "seto al writes 1 when OF set",
	  .code = "0f 90 c0", .r = { 0xffffff55 }, .fl = FL_OF, .want_r = { 0xffffff01 },
	  .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "seto al writes 0 when OF clear",
	  .code = "0f 90 c0", .r = { 0xffffff55 }, .want_r = { 0xffffff00 },
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "setno al writes 1 when OF clear",
	  .code = "0f 91 c0", .r = { 0xffffff55 }, .want_r = { 0xffffff01 },
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "setno al writes 0 when OF set",
	  .code = "0f 91 c0", .r = { 0xffffff55 }, .fl = FL_OF, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setb al writes 1 when CF set",
	  .code = "0f 92 c0", .r = { 0xffffff55 }, .fl = FL_CF, .want_r = { 0xffffff01 },
	  .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setb al writes 0 when CF clear",
	  .code = "0f 92 c0", .r = { 0xffffff55 }, .fl = FL_ZF, .want_r = { 0xffffff00 },
	  .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnb al writes 1 when CF clear",
	  .code = "0f 93 c0", .r = { 0xffffff55 }, .fl = FL_ZF, .want_r = { 0xffffff01 },
	  .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnb al writes 0 when CF set",
	  .code = "0f 93 c0", .r = { 0xffffff55 }, .fl = FL_CF, .want_r = { 0xffffff00 },
	  .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setz al writes 1 when ZF set",
	  .code = "0f 94 c0", .r = { 0xffffff55 }, .fl = FL_ZF, .want_r = { 0xffffff01 },
	  .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setz al writes 0 when ZF clear",
	  .code = "0f 94 c0", .r = { 0xffffff55 }, .fl = FL_CF, .want_r = { 0xffffff00 },
	  .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnz al writes 1 when ZF clear",
	  .code = "0f 95 c0", .r = { 0xffffff55 }, .fl = FL_SF, .want_r = { 0xffffff01 },
	  .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnz al writes 0 when ZF set",
	  .code = "0f 95 c0", .r = { 0xffffff55 }, .fl = FL_ZF, .want_r = { 0xffffff00 },
	  .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setbe al writes 1 when CF set",
	  .code = "0f 96 c0", .r = { 0xffffff55 }, .fl = FL_CF, .want_r = { 0xffffff01 },
	  .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setbe al writes 0 when CF and ZF clear",
	  .code = "0f 96 c0", .r = { 0xffffff55 }, .fl = FL_OF | FL_SF, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF | FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnbe al writes 1 when CF and ZF clear",
	  .code = "0f 97 c0", .r = { 0xffffff55 }, .fl = FL_PF, .want_r = { 0xffffff01 },
	  .want_fl = FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnbe al writes 0 when ZF set",
	  .code = "0f 97 c0", .r = { 0xffffff55 }, .fl = FL_ZF, .want_r = { 0xffffff00 },
	  .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "sets al writes 1 when SF set",
	  .code = "0f 98 c0", .r = { 0xffffff55 }, .fl = FL_SF, .want_r = { 0xffffff01 },
	  .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "sets al writes 0 when SF clear",
	  .code = "0f 98 c0", .r = { 0xffffff55 }, .fl = FL_OF, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setns al writes 1 when SF clear",
	  .code = "0f 99 c0", .r = { 0xffffff55 }, .fl = FL_OF, .want_r = { 0xffffff01 },
	  .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setns al writes 0 when SF set",
	  .code = "0f 99 c0", .r = { 0xffffff55 }, .fl = FL_SF, .want_r = { 0xffffff00 },
	  .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setp al writes 1 when PF set",
	  .code = "0f 9a c0", .r = { 0xffffff55 }, .fl = FL_PF, .want_r = { 0xffffff01 },
	  .want_fl = FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setp al writes 0 when PF clear",
	  .code = "0f 9a c0", .r = { 0xffffff55 }, .fl = FL_CF, .want_r = { 0xffffff00 },
	  .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnp al writes 1 when PF clear",
	  .code = "0f 9b c0", .r = { 0xffffff55 }, .fl = FL_CF, .want_r = { 0xffffff01 },
	  .want_fl = FL_CF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnp al writes 0 when PF set",
	  .code = "0f 9b c0", .r = { 0xffffff55 }, .fl = FL_PF, .want_r = { 0xffffff00 },
	  .want_fl = FL_PF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setl al writes 1 when SF != OF",
	  .code = "0f 9c c0", .r = { 0xffffff55 }, .fl = FL_SF, .want_r = { 0xffffff01 },
	  .want_fl = FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setl al writes 0 when SF = OF",
	  .code = "0f 9c c0", .r = { 0xffffff55 }, .fl = FL_OF | FL_SF, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF | FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnl al writes 1 when SF = OF",
	  .code = "0f 9d c0", .r = { 0xffffff55 }, .fl = FL_OF | FL_SF, .want_r = { 0xffffff01 },
	  .want_fl = FL_OF | FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnl al writes 0 when SF != OF",
	  .code = "0f 9d c0", .r = { 0xffffff55 }, .fl = FL_OF, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setle al writes 1 when ZF set",
	  .code = "0f 9e c0", .r = { 0xffffff55 }, .fl = FL_OF | FL_SF | FL_ZF,
	  .want_r = { 0xffffff01 }, .want_fl = FL_OF | FL_SF | FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setle al writes 0 when ZF clear and SF = OF",
	  .code = "0f 9e c0", .r = { 0xffffff55 }, .fl = FL_OF | FL_SF, .want_r = { 0xffffff00 },
	  .want_fl = FL_OF | FL_SF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnle al writes 1 when ZF clear and SF = OF",
	  .code = "0f 9f c0", .r = { 0xffffff55 }, .want_r = { 0xffffff01 },
	  .mask = FL_OSZAPC | FL_DF },
	{ .name = "setnle al writes 0 when ZF set",
	  .code = "0f 9f c0", .r = { 0xffffff55 }, .fl = FL_ZF, .want_r = { 0xffffff00 },
	  .want_fl = FL_ZF, .mask = FL_OSZAPC | FL_DF },
	{ .name = "setz bh writes a high byte",
	  .code = "0f 94 c7", .r = { 0, 0, 0, 0xffffffff }, .fl = FL_ZF,
	  .want_r = { 0, 0, 0, 0xffff01ff }, .want_fl = FL_ZF },
	{ .name = "setnle [m8] writes one byte of memory",
	  .code = "0f 9f 05 01 80 00 00", .m = { 0xffffffff }, .want_m = { 0xffff01ff } },
	{ .name = "setb [m8] writes 0 to one byte of memory",
	  .code = "0f 92 05 02 80 00 00", .m = { 0xffffffff }, .want_m = { 0xff00ffff } },
	{ .name = "setz [0] (read-only) raises #PF and changes nothing",
	  .code = "0f 94 05 00 00 00 00", .fl = FL_ZF, .want_fl = FL_ZF,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_setcc(void **state)
{
	(void)state;
	RUN_ROWS(setcc_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov),
		cmocka_unit_test(test_movzx),
		cmocka_unit_test(test_movsx),
		cmocka_unit_test(test_xchg),
		cmocka_unit_test(test_xadd),
		cmocka_unit_test(test_cmpxchg),
		cmocka_unit_test(test_cmpxchg8b),
		cmocka_unit_test(test_bswap),
		cmocka_unit_test(test_lea),
		cmocka_unit_test(test_convert),
		cmocka_unit_test(test_xlat),
		cmocka_unit_test(test_addr16),
		cmocka_unit_test(test_lea16),
		cmocka_unit_test(test_xlat16),
		cmocka_unit_test(test_flag_bits),
		cmocka_unit_test(test_nop),
		cmocka_unit_test(test_cmovcc),
		cmocka_unit_test(test_setcc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
