/* test_stack.c - unit vectors for PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE.
 *
 * The PUSH, POP, PUSHA, POPA, ENTER and LEAVE rows were recorded by running each row's bytes on
 * the host CPU (a gcc -m32 program with the code at TVM_CODE, the data words at TVM_DATA and the
 * row's registers, single-stepped with TF); most rows put ESP inside the data words so that
 * what is pushed can be seen. PUSHF and POPF rows follow DVA-1 section 2 instead (IF is page 0's
 * irq_enable; POPF changes only CF PF AF ZF SF OF DF AC ID).
 */
#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

static const struct row push_rows[] = {
	{ .name = "push eax stores eax below esp and moves esp down by 4",
	  .code = "50", .r = { 0xdeadbeef, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0xdeadbeef, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xdeadbeef } },
	{ .name = "push ax (66 50) pushes 2 bytes",
	  .code = "66 50", .r = { 0xdeadbeef, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0xdeadbeef, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xbeef8888 } },
	{ .name = "push edi (57)",
	  .code = "57", .r = { 0, 0, 0, 0, 0x800c, 0, 0, 0xcafe0001 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8008, 0, 0, 0xcafe0001 },
	  .want_m = { 0x11112222, 0x33334444, 0xcafe0001, 0x77778888 } },
	{ .name = "push esp pushes esp as it was before the push",
	  .code = "54", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x8010 } },
	{ .name = "push sp pushes the low half of esp as it was",
	  .code = "66 54", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x80108888 } },
	{ .name = "push imm8 (6a) sign-extends to 32 bits",
	  .code = "6a ff", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xffffffff } },
	{ .name = "push imm8 (6a) of a positive byte",
	  .code = "6a 7f", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x7f } },
	{ .name = "push imm32 (68)",
	  .code = "68 78 56 34 12", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x12345678 } },
	{ .name = "push imm16 (66 68) pushes 2 bytes",
	  .code = "66 68 34 12", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x12348888 } },
	{ .name = "push imm8 (66 6a) pushes 2 bytes of the sign-extended byte",
	  .code = "66 6a 80", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xff808888 } },
	{ .name = "push dword [0x8000] pushes a memory operand",
	  .code = "ff 35 00 80 00 00", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x11112222 } },
	{ .name = "push word [0x8004] pushes 2 bytes of memory",
	  .code = "66 ff 35 04 80 00 00", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x44448888 } },
	{ .name = "push dword [esp] addresses through esp before the push",
	  .code = "ff 34 24", .r = { 0, 0, 0, 0, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x55556666, 0x55556666, 0x77778888 } },
	{ .name = "push dword [esp + 4] addresses through esp before the push",
	  .code = "ff 74 24 04", .r = { 0, 0, 0, 0, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x77778888, 0x55556666, 0x77778888 } },
	{ .name = "push ecx then push edx stack two values",
	  .code = "51 52", .r = { 0, 0xc, 0xd, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0xc, 0xd, 0, 0x8008 }, .want_m = { 0x11112222, 0x33334444, 0xd, 0xc },
	  .insns = 2 },
	{ .name = "push into page 0 faults and leaves esp alone",
	  .code = "50", .r = { 0x1, 0, 0, 0, 0x1000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x1, 0, 0, 0, 0x1000 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "push beyond memory faults and leaves esp alone",
	  .code = "50", .r = { 0x1, 0, 0, 0, 0x100014 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x1, 0, 0, 0, 0x100014 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "push dword [0x100000] faults on the read and leaves esp alone",
	  .code = "ff 35 00 00 10 00", .r = { 0, 0, 0, 0, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8010 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_push(void **state)
{
	(void)state;
	RUN_ROWS(push_rows);
}

static const struct row pop_rows[] = {
	{ .name = "pop eax loads eax and moves esp up by 4",
	  .code = "58", .r = { 0xffffffff, 0, 0, 0, 0x8004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x33334444, 0, 0, 0, 0x8008 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop ax (66 58) pops 2 bytes into ax only",
	  .code = "66 58", .r = { 0xffffffff, 0, 0, 0, 0x8004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0xffff4444, 0, 0, 0, 0x8006 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop ebx (5b)",
	  .code = "5b", .r = { 0, 0, 0, 0, 0x800c },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0x77778888, 0x8010 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop esp loads the popped value into esp",
	  .code = "5c", .r = { 0, 0, 0, 0, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x55556666 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop sp loads the popped word into sp, keeping the upper half of the incremented esp",
	  .code = "66 5c", .r = { 0, 0, 0, 0, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x6666 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop dword [0x800c] pops into memory",
	  .code = "8f 05 0c 80 00 00", .r = { 0, 0, 0, 0, 0x8000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x11112222 } },
	{ .name = "pop word [0x800c] pops 2 bytes into memory",
	  .code = "66 8f 05 0c 80 00 00", .r = { 0, 0, 0, 0, 0x8000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8002 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77772222 } },
	{ .name = "pop dword [esp] computes the address after esp is incremented",
	  .code = "8f 04 24", .r = { 0, 0, 0, 0, 0x8000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x11112222, 0x55556666, 0x77778888 } },
	{ .name = "pop dword [esp + 4] computes the address after esp is incremented",
	  .code = "8f 44 24 04", .r = { 0, 0, 0, 0, 0x8000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x33334444, 0x11112222, 0x77778888 } },
	{ .name = "pop dword [esp - 4] writes back where the value was",
	  .code = "8f 44 24 fc", .r = { 0, 0, 0, 0, 0x8004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8008 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop dword [ebx] with ebx = esp uses ebx as it was",
	  .code = "8f 03", .r = { 0, 0, 0, 0x8004, 0x8004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0x8004, 0x8008 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "pop dword [0x100000] faults on the write and puts esp back",
	  .code = "8f 05 00 00 10 00", .r = { 0, 0, 0, 0, 0x8004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "pop dword [esp + 0xf7ffc] faults on the write and puts esp back",
	  .code = "8f 84 24 fc 7f 0f 00", .r = { 0, 0, 0, 0, 0x8000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8000 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "pop at the end of memory faults and changes nothing",
	  .code = "58", .r = { 0x5, 0, 0, 0, 0xffffe },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x5, 0, 0, 0, 0xffffe },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "pop then pop walk up the stack",
	  .code = "59 5a", .r = { 0, 0, 0, 0, 0x8004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0x33334444, 0x55556666, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }, .insns = 2 },
};

static void test_pop(void **state)
{
	(void)state;
	RUN_ROWS(pop_rows);
}

static const struct row pusha_rows[] = {
	{ .name = "pushad stores eax ecx edx ebx, the old esp, ebp esi edi (lowest four shown)",
	  .code = "60", .r = { 0xa, 0xc, 0xd, 0xb, 0x8020, 0xbb, 0x51, 0xd1 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x8000, 0xbb, 0x51, 0xd1 },
	  .want_m = { 0xd1, 0x51, 0xbb, 0x8020 } },
	{ .name = "pushad then popad restores every register but esp",
	  .code = "60 61", .r = { 0xa, 0xc, 0xd, 0xb, 0x8030, 0xbb, 0x51, 0xd1 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x8030, 0xbb, 0x51, 0xd1 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }, .insns = 2 },
	{ .name = "pusha (66 60) stores the eight 16-bit registers",
	  .code = "66 60",
	  .r = { 0x1234000a, 0x1234000c, 0x1234000d, 0x1234000b, 0x8010, 0x123400bb, 0x12340051, 0x123400d1 }, .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x1234000a, 0x1234000c, 0x1234000d, 0x1234000b, 0x8000, 0x123400bb, 0x12340051, 0x123400d1 }, .want_m = { 0x5100d1, 0x801000bb, 0xd000b, 0xa000c } },
	{ .name = "pushad into page 0 faults and leaves esp alone",
	  .code = "60", .r = { 0xa, 0xc, 0xd, 0xb, 0x1010, 0xbb, 0x51, 0xd1 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x1010, 0xbb, 0x51, 0xd1 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_pusha(void **state)
{
	(void)state;
	RUN_ROWS(pusha_rows);
}

static const struct row popa_rows[] = {
	{ .name = "popad loads edi esi ebp, skips the saved esp, then ebx edx ecx eax",
	  .code = "61", .r = { 0x1, 0x2, 0x3, 0x4, 0x7ff0, 0x5, 0x6, 0x7 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x77778888, 0x55556666, 0x33334444, 0x11112222, 0x8010 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "popad from the bottom of the data words",
	  .code = "61", .r = { 0x1, 0x2, 0x3, 0x4, 0x8000, 0x5, 0x6, 0x7 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8020, 0x55556666, 0x33334444, 0x11112222 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "popa (66 61) loads the low halves only and discards the saved sp",
	  .code = "66 61",
	  .r = { 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x8000, 0x55555555, 0x66666666, 0x77777777 }, .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0x11117777, 0x22228888, 0x33335555, 0x44446666, 0x8010, 0x55554444, 0x66661111, 0x77772222 }, .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
};

static void test_popa(void **state)
{
	(void)state;
	RUN_ROWS(popa_rows);
}

static const struct row enter_rows[] = {
	{ .name = "enter 8, 0 pushes ebp, points ebp at it and reserves 8 bytes",
	  .code = "c8 08 00 00", .r = { 0, 0, 0, 0, 0x8010, 0xabcd },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8004, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xabcd } },
	{ .name = "enter 0x8000, 0 takes the size as an unsigned 16-bit value",
	  .code = "c8 00 80 00", .r = { 0, 0, 0, 0, 0x18010, 0xabcd },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x1000c, 0x1800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "enter 0, 1 pushes ebp and the new frame pointer",
	  .code = "c8 00 00 01", .r = { 0, 0, 0, 0, 0x8010, 0xabcd },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8008, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x800c, 0xabcd } },
	{ .name = "enter 4, 3 copies two outer frame pointers from below ebp",
	  .code = "c8 04 00 03 58 59 5a 5b", .r = { 0, 0, 0, 0, 0x9000, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0x8ffc, 0x55556666, 0x77778888, 0x8ffc, 0x8ffc },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }, .insns = 5 },
	{ .name = "enter 0, 3 reads frame pointers it has just pushed when ebp = esp",
	  .code = "c8 00 00 03", .r = { 0, 0, 0, 0, 0x8010, 0x8010 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8000, 0x800c }, .want_m = { 0x800c, 0x8010, 0x8010, 0x8010 } },
	{ .name = "enter 8, 0 (66 c8) pushes bp, writes bp only and reserves 8 bytes",
	  .code = "66 c8 08 00 00", .r = { 0, 0, 0, 0, 0x8010, 0xabcd1234 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8006, 0xabcd800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x12348888 } },
	{ .name = "enter 2, 1 (66 c8) pushes bp and the 16-bit frame pointer",
	  .code = "66 c8 02 00 01", .r = { 0, 0, 0, 0, 0x8010, 0x1234 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800a, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x1234800e } },
	{ .name = "enter 0, 3 (66 c8) copies two 16-bit frame pointers from below ebp",
	  .code = "66 c8 00 00 03", .r = { 0, 0, 0, 0, 0x8010, 0x800a },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8008, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x3333800e, 0x800a6666 } },
	{ .name = "enter 0, 33 takes the level mod 32",
	  .code = "c8 00 00 21", .r = { 0, 0, 0, 0, 0x8010, 0xabcd },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8008, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x800c, 0xabcd } },
	{ .name = "enter 0, 2 faulting on its frame-pointer read changes nothing",
	  .code = "c8 00 00 02", .r = { 0, 0, 0, 0, 0x9000, 0x100004 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0, 0x100004 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "enter 0, 0 with the stack beyond memory faults and changes nothing",
	  .code = "c8 00 00 00", .r = { 0, 0, 0, 0, 0x100002, 0x1234 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x100002, 0x1234 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_enter(void **state)
{
	(void)state;
	RUN_ROWS(enter_rows);
}

static const struct row leave_rows[] = {
	{ .name = "leave sets esp to ebp and pops ebp",
	  .code = "c9", .r = { 0, 0, 0, 0, 0x9000, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c, 0x55556666 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "leave (66 c9) pops bp only",
	  .code = "66 c9", .r = { 0, 0, 0, 0, 0x9000, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800a, 0x6666 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 } },
	{ .name = "leave (66 c9) then ret (66 c3) unwind a 16-bit frame",
	  .code = "66 c9 66 c3", .r = { 0, 0, 0, 0, 0x9000, 0x8008 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x800c, 0x6666 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }, .want_eip = 0x5555,
	  .insns = 2 },
	{ .name = "enter 0x10, 0 then leave restores esp and ebp",
	  .code = "c8 10 00 00 c9", .r = { 0, 0, 0, 0, 0x8010, 0x1357 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0x8010, 0x1357 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x1357 }, .insns = 2 },
	{ .name = "leave with ebp beyond memory faults and changes nothing",
	  .code = "c9", .r = { 0, 0, 0, 0, 0x9000, 0x100000 },
	  .m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_r = { 0, 0, 0, 0, 0, 0x100000 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77778888 },
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_leave(void **state)
{
	(void)state;
	RUN_ROWS(leave_rows);
}

/* Faults the host takes part-way through: DVA-1 section 1 checks each access as a whole before
 * anything changes, so these rows expect nothing changed where the host has already loaded some
 * registers (POPAD) or pushed EBP (ENTER). */
#define M { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }

static const struct row fault_rows[] = {
	{ .name = "popad at the end of memory faults and changes no register",
	  .code = "61", .r = { 1, 2, 3, 4, 0xffff0, 5, 6, 7 }, .m = M,
	  .want_r = { 1, 2, 3, 4, 0xffff0, 5, 6, 7 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "enter 0x8000, 0 whose final stack top is in page 0 faults and pushes nothing",
	  .code = "c8 00 80 00", .r = { [REG_ESP] = 0x8010, [REG_EBP] = 0xabcd }, .m = M,
	  .want_r = { [REG_ESP] = 0x8010, [REG_EBP] = 0xabcd }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "enter 0, 2 whose frame-pointer read faults pushes nothing",
	  .code = "c8 00 00 02", .r = { [REG_ESP] = 0x8010, [REG_EBP] = 0x100004 }, .m = M,
	  .want_r = { [REG_ESP] = 0x8010, [REG_EBP] = 0x100004 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_fault_is_whole(void **state)
{
	(void)state;
	RUN_ROWS(fault_rows);
}

/* PUSHF and POPF follow DVA-1 section 2, not the host (whose IF and TF differ): their rows are
 * derived from that section. FL_POPF_MASK is CF PF AF ZF SF OF DF AC ID. */
#define ALL_BITS 0xFFFFFFFFu

static const struct row pushf_rows[] = {
	{ .name = "pushfd pushes the arithmetic flags, DF and bit 1, with IF = 0 while irq_enable is 0",
	  .code = "9c", .r = { [REG_ESP] = 0x8010 }, .fl = FL_OSZAPC | FL_DF,
	  .want_r = { [REG_ESP] = 0x800c }, .want_fl = FL_OSZAPC | FL_DF, .want_m = { 0, 0, 0, 0xcd7 } },
	{ .name = "pushfd pushes AC and ID as last set",
	  .code = "9c", .r = { [REG_ESP] = 0x8010 }, .fl = FL_AC | FL_ID | FL_CF,
	  .want_r = { [REG_ESP] = 0x800c }, .want_fl = FL_CF, .want_m = { 0, 0, 0, 0x240003 } },
	{ .name = "pushfd with no flags set pushes only bit 1",
	  .code = "9c", .r = { [REG_ESP] = 0x8010 }, .m = { 0, 0, 0, 0xffffffff },
	  .want_r = { [REG_ESP] = 0x800c }, .want_m = { 0, 0, 0, 2 } },
	{ .name = "pushf (66 9c) pushes the low 16 bits in 2 bytes",
	  .code = "66 9c", .r = { [REG_ESP] = 0x8010 }, .fl = FL_OSZAPC | FL_AC,
	  .want_r = { [REG_ESP] = 0x800e }, .want_fl = FL_OSZAPC, .want_m = { 0, 0, 0, 0x08d70000 } },
	{ .name = "pushfd into page 0 faults and leaves esp alone",
	  .code = "9c", .r = { [REG_ESP] = 0x1002 },
	  .want_r = { [REG_ESP] = 0x1002 }, .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static const struct row popf_rows[] = {
	{ .name = "popfd of all ones sets only CF PF AF ZF SF OF DF AC ID, and bit 1",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .m = { 0, 0, 0, 0xffffffff },
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_POPF_MASK | FL_FIXED1,
	  .want_m = { 0, 0, 0, 0xffffffff }, .mask = ALL_BITS },
	{ .name = "popfd of 0 clears them and keeps bit 1",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .fl = FL_OSZAPC | FL_DF | FL_AC | FL_ID,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_FIXED1, .mask = ALL_BITS },
	{ .name = "popfd ignores IF, TF and the reserved bits",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .m = { 0, 0, 0, 0x00017301 },
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_FIXED1 | FL_CF,
	  .want_m = { 0, 0, 0, 0x00017301 }, .mask = ALL_BITS },
	{ .name = "popf (66 9d) of 0xffff sets the low flags and leaves AC and ID",
	  .code = "66 9d", .r = { [REG_ESP] = 0x800e }, .fl = FL_ID, .m = { 0, 0, 0, 0xffff0000 },
	  .want_r = { [REG_ESP] = 0x8010 },
	  .want_fl = FL_OSZAPC | FL_DF | FL_ID | FL_FIXED1, .want_m = { 0, 0, 0, 0xffff0000 },
	  .mask = ALL_BITS },
	{ .name = "pushfd then popfd round-trips the flags",
	  .code = "9c 9d", .r = { [REG_ESP] = 0x8010 }, .fl = FL_OF | FL_ZF | FL_DF | FL_AC, .insns = 2,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_OF | FL_ZF | FL_DF | FL_AC | FL_FIXED1,
	  .want_m = { 0, 0, 0, 0x40c42 }, .mask = ALL_BITS },
	{ .name = "popfd at the end of memory faults and changes nothing",
	  .code = "9d", .r = { [REG_ESP] = 0xffffe }, .fl = FL_CF,
	  .want_r = { [REG_ESP] = 0xffffe }, .want_fl = FL_CF | FL_FIXED1, .mask = ALL_BITS,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_pushf(void **state)
{
	(void)state;
	RUN_ROWS(pushf_rows);
}

static void test_popf(void **state)
{
	(void)state;
	RUN_ROWS(popf_rows);
}

/* Run code at TVM_CODE with irq_enable set to irq, ESP at TVM_STACK - 4 over the dword img, for n
 * instructions; return the dword at TVM_STACK - 4 afterwards and irq_enable in *irq_after. */
static uint32_t run_with_irq(const char *hex, uint32_t irq, uint32_t img, int n, uint32_t *irq_after,
			     uint32_t *eflags)
{
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[8];
	size_t len = tvm_hex(hex, code, sizeof(code));
	uint32_t top;

	tvm_poke(t, TVM_CODE, code, len);
	tvm_poke(t, 0x20, &irq, 4);
	tvm_poke(t, TVM_STACK - 4, &img, 4);
	c->r[REG_ESP] = TVM_STACK - 4;
	c->eflags = FL_FIXED1 | FL_CF;
	assert_int_equal(tvm_run(t, (uint64_t)n), CPU_EXIT_BUDGET);
	tvm_peek(t, TVM_STACK - 4, &top, 4);
	tvm_peek(t, 0x20, irq_after, 4);
	*eflags = c->eflags;
	tvm_free(t);
	return top;
}

/* IF in PUSHF's image is page 0's irq_enable (DVA-1 sections 2 and 3). */
static void test_pushf_if_is_irq_enable(void **state)
{
	(void)state;
	uint32_t irq, fl;
	/* "9d 9c": POPFD the image, then PUSHFD over it. */
	assert_int_equal(run_with_irq("9d 9c", 1, FL_FIXED1 | FL_CF, 2, &irq, &fl),
			 FL_IF | FL_FIXED1 | FL_CF);
	assert_int_equal(irq, 1);
	assert_int_equal(run_with_irq("9d 9c", 0, FL_FIXED1 | FL_ZF, 2, &irq, &fl), FL_FIXED1 | FL_ZF);
}

/* POPF never changes irq_enable, and IF never enters eflags. */
static void test_popf_leaves_irq_enable(void **state)
{
	(void)state;
	uint32_t irq, fl;
	run_with_irq("9d", 1, FL_FIXED1, 1, &irq, &fl);
	assert_int_equal(irq, 1);
	assert_int_equal(fl, FL_FIXED1);
	run_with_irq("9d", 0, FL_IF | FL_FIXED1 | FL_SF, 1, &irq, &fl);
	assert_int_equal(irq, 0);
	assert_int_equal(fl, FL_FIXED1 | FL_SF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_pop),
		cmocka_unit_test(test_pusha),
		cmocka_unit_test(test_popa),
		cmocka_unit_test(test_enter),
		cmocka_unit_test(test_leave),
		cmocka_unit_test(test_fault_is_whole),
		cmocka_unit_test(test_pushf),
		cmocka_unit_test(test_popf),
		cmocka_unit_test(test_pushf_if_is_irq_enable),
		cmocka_unit_test(test_popf_leaves_irq_enable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
