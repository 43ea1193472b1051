/* test_stack.c - unit vectors for PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE.
 *
 * At 32 bits these are the vector class (docs/testing.md): in long mode PUSH, POP, ENTER, LEAVE,
 * PUSHFD and POPFD take 64-bit operands and PUSHA/POPA are invalid, so the host CPU cannot check
 * them. Every expected value is worked from the Operation section of the SDM Vol. 2A/2B page
 * (order number 325462, edition -082US, the one docs/abi.md pins), restated in our words above
 * each table; rows name or comment their working. DVA-1 section 2 replaces the SDM for what
 * PUSHF pushes and POPF changes, and section 1 for faults: every access is checked first, so a
 * faulting instruction changes nothing (ESP included). The 0x66 rows (16-bit operands) are
 * silicon-class, also checked against the host in long mode; they are worked the same way.
 * Most rows put ESP inside the data words m[0..3] (TVM_DATA = 0x8000: m[0] at 0x8000, m[1] at
 * 0x8004, m[2] at 0x8008, m[3] at 0x800c) so that what is pushed can be seen.
 */
#include "tests/unit/harness.h"

#include "cpu/cpu.h"
#include "denali_arch/dva.h"

#define M { 0x11112222, 0x33334444, 0x55556666, 0x77778888 }

/* vectors: push32
 * SDM Vol. 2B, PUSH, Operation (32-bit stack; paraphrased): with a 32-bit operand ESP = ESP - 4
 * and the source is stored at [ESP]; with a 16-bit operand (0x66) ESP = ESP - 2 and a word is
 * stored. An imm8 (6A) is sign-extended to the operand size first. Description: PUSH ESP
 * pushes ESP as it was before the instruction; a memory source addressed through ESP uses ESP
 * as it was before the decrement. */
static const struct row push_rows[] = {
	/* 0x8010 - 4 = 0x800c (m[3]) gets EAX. */
	{ .name = "push eax (50): esp 0x8010 - 4 = 0x800c, [0x800c] = eax",
	  .code = "50", .r = { 0xdeadbeef, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0xdeadbeef, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xdeadbeef } },
	/* 0x8010 - 2 = 0x800e: the high half of m[3] gets AX = 0xbeef. */
	{ .name = "push ax (66 50): esp - 2 = 0x800e, the word at 0x800e = 0xbeef",
	  .code = "66 50", .r = { 0xdeadbeef, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0xdeadbeef, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xbeef8888 } },
	{ .name = "push edi (57): esp 0x800c - 4 = 0x8008 (m[2]) = edi",
	  .code = "57", .r = { 0, 0, 0, 0, 0x800c, 0, 0, 0xcafe0001 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8008, 0, 0, 0xcafe0001 },
	  .want_m = { 0x11112222, 0x33334444, 0xcafe0001, 0x77778888 } },
	{ .name = "push ebx then push ebp (53 55): 0x800c = ebx, 0x8008 = ebp, esp 0x8008",
	  .code = "53 55", .r = { 0, 0, 0, 0xb0b0b0b0, 0x8010, 0xe0e0e0e0 }, .m = M, .insns = 2,
	  .want_r = { 0, 0, 0, 0xb0b0b0b0, 0x8008, 0xe0e0e0e0 },
	  .want_m = { 0x11112222, 0x33334444, 0xe0e0e0e0, 0xb0b0b0b0 } },
	/* The value stored is the old ESP, 0x8010, not the decremented 0x800c. */
	{ .name = "push esp (54) pushes esp as it was before the push: [0x800c] = 0x8010",
	  .code = "54", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x8010 } },
	{ .name = "push sp (66 54) pushes the low half of the old esp: the word at 0x800e = 0x8010",
	  .code = "66 54", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x80108888 } },
	{ .name = "push imm8 (6a ff) sign-extends 0xff to 0xffffffff",
	  .code = "6a ff", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xffffffff } },
	{ .name = "push imm8 (6a 7f) sign-extends 0x7f to 0x0000007f",
	  .code = "6a 7f", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x7f } },
	{ .name = "push imm8 (6a 80) sign-extends 0x80 to 0xffffff80",
	  .code = "6a 80", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xffffff80 } },
	{ .name = "push imm32 (68) stores 0x12345678 at 0x800c",
	  .code = "68 78 56 34 12", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x12345678 } },
	{ .name = "push imm32 (68) of 0x80000000 is not sign-reduced: 4 bytes as given",
	  .code = "68 00 00 00 80", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x80000000 } },
	{ .name = "push imm16 (66 68) pushes 2 bytes: the word at 0x800e = 0x1234",
	  .code = "66 68 34 12", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x12348888 } },
	{ .name = "push imm8 (66 6a 80) sign-extends to the word 0xff80",
	  .code = "66 6a 80", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xff808888 } },
	{ .name = "push dword [0x8000] (ff 35): [0x800c] = m[0] = 0x11112222",
	  .code = "ff 35 00 80 00 00", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x11112222 } },
	{ .name = "push dword [ebx + ecx*4] (ff 34 8b): ea 0x7ffc + 2*4 = 0x8004, pushes 0x33334444",
	  .code = "ff 34 8b", .r = { 0, 2, 0, 0x7ffc, 0x8010 }, .m = M,
	  .want_r = { 0, 2, 0, 0x7ffc, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x33334444 } },
	{ .name = "push word [0x8004] (66 ff 35): the word at 0x800e = 0x4444",
	  .code = "66 ff 35 04 80 00 00", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x44448888 } },
	/* ea = old ESP 0x8008 (m[2] = 0x55556666), stored at 0x8008 - 4 = 0x8004. */
	{ .name = "push dword [esp] (ff 34 24) reads through the old esp: [0x8004] = [0x8008]",
	  .code = "ff 34 24", .r = { 0, 0, 0, 0, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x55556666, 0x55556666, 0x77778888 } },
	/* ea = 0x8008 + 4 = 0x800c (m[3]), stored at 0x8004. */
	{ .name = "push dword [esp + 4] (ff 74 24 04): ea = old esp + 4 = 0x800c, [0x8004] = m[3]",
	  .code = "ff 74 24 04", .r = { 0, 0, 0, 0, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x77778888, 0x55556666, 0x77778888 } },
	{ .name = "push ecx then push edx (51 52): 0x800c = ecx, 0x8008 = edx",
	  .code = "51 52", .r = { 0, 0xc, 0xd, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0xc, 0xd, 0, 0x8008 }, .want_m = { 0x11112222, 0x33334444, 0xd, 0xc },
	  .insns = 2 },
	/* DVA-1 section 1: the store at 0xffc (page 0) faults; nothing changes. */
	{ .name = "push eax with esp 0x1000 stores into page 0: #PF, esp unchanged",
	  .code = "50", .r = { 0x1, 0, 0, 0, 0x1000 }, .m = M,
	  .want_r = { 0x1, 0, 0, 0, 0x1000 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "push eax with esp 0x100014 stores beyond memory: #PF, esp unchanged",
	  .code = "50", .r = { 0x1, 0, 0, 0, 0x100014 }, .m = M,
	  .want_r = { 0x1, 0, 0, 0, 0x100014 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "push dword [0x100000] faults on the read: #PF, esp unchanged",
	  .code = "ff 35 00 00 10 00", .r = { 0, 0, 0, 0, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8010 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_push(void **state)
{
	(void)state;
	RUN_ROWS(push_rows);
}

/* vectors: pop32
 * SDM Vol. 2B, POP, Operation (32-bit stack; paraphrased): with a 32-bit operand DEST = [ESP]
 * and ESP = ESP + 4; with a 16-bit operand a word and ESP + 2. Description: a memory
 * destination addressed through ESP uses ESP as it is after the increment; POP ESP increments
 * ESP before the popped value is written, so ESP ends as the popped value. */
static const struct row pop_rows[] = {
	{ .name = "pop eax (58): eax = [0x8004] = 0x33334444, esp 0x8004 + 4 = 0x8008",
	  .code = "58", .r = { 0xffffffff, 0, 0, 0, 0x8004 }, .m = M,
	  .want_r = { 0x33334444, 0, 0, 0, 0x8008 }, .want_m = M },
	{ .name = "pop ax (66 58): ax = the word at 0x8004 = 0x4444, esp + 2, eax's high half kept",
	  .code = "66 58", .r = { 0xffffffff, 0, 0, 0, 0x8004 }, .m = M,
	  .want_r = { 0xffff4444, 0, 0, 0, 0x8006 }, .want_m = M },
	{ .name = "pop ebx (5b): ebx = [0x800c], esp 0x8010",
	  .code = "5b", .r = { 0, 0, 0, 0, 0x800c }, .m = M,
	  .want_r = { 0, 0, 0, 0x77778888, 0x8010 }, .want_m = M },
	{ .name = "pop edi (5f): edi = [0x8000], esp 0x8004",
	  .code = "5f", .r = { 0, 0, 0, 0, 0x8000, 0, 0, 0xdead }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004, 0, 0, 0x11112222 }, .want_m = M },
	/* The increment to 0x800c is overwritten by the popped value. */
	{ .name = "pop esp (5c): esp = the popped [0x8008] = 0x55556666, not 0x8008 + 4",
	  .code = "5c", .r = { 0, 0, 0, 0, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x55556666 }, .want_m = M },
	{ .name = "pop sp (66 5c): sp = the word 0x6666 over the incremented esp 0x0000800a",
	  .code = "66 5c", .r = { 0, 0, 0, 0, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x6666 }, .want_m = M },
	{ .name = "pop dword [0x800c] (8f 05): [0x800c] = [0x8000], esp 0x8004",
	  .code = "8f 05 0c 80 00 00", .r = { 0, 0, 0, 0, 0x8000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x11112222 } },
	{ .name = "pop word [0x800c] (66 8f 05): the word at 0x800c = 0x2222, esp 0x8002",
	  .code = "66 8f 05 0c 80 00 00", .r = { 0, 0, 0, 0, 0x8000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8002 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x77772222 } },
	/* value = [0x8000]; ESP becomes 0x8004; ea = [esp] = 0x8004. */
	{ .name = "pop dword [esp] (8f 04 24): ea computed after the increment, [0x8004] = [0x8000]",
	  .code = "8f 04 24", .r = { 0, 0, 0, 0, 0x8000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x11112222, 0x55556666, 0x77778888 } },
	{ .name = "pop dword [esp + 4] (8f 44 24 04): ea = 0x8004 + 4 = 0x8008 gets [0x8000]",
	  .code = "8f 44 24 04", .r = { 0, 0, 0, 0, 0x8000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004 },
	  .want_m = { 0x11112222, 0x33334444, 0x11112222, 0x77778888 } },
	{ .name = "pop dword [esp - 4] (8f 44 24 fc): ea = 0x8008 - 4 = 0x8004, where the value was",
	  .code = "8f 44 24 fc", .r = { 0, 0, 0, 0, 0x8004 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8008 }, .want_m = M },
	{ .name = "pop dword [ebx] (8f 03) with ebx = esp = 0x8004 stores through ebx, which is not "
		  "incremented",
	  .code = "8f 03", .r = { 0, 0, 0, 0x8004, 0x8004 }, .m = M,
	  .want_r = { 0, 0, 0, 0x8004, 0x8008 }, .want_m = M },
	{ .name = "pop dword [ebx] (8f 03) with ebx = 0x800c: [0x800c] = [0x8004]",
	  .code = "8f 03", .r = { 0, 0, 0, 0x800c, 0x8004 }, .m = M,
	  .want_r = { 0, 0, 0, 0x800c, 0x8008 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x33334444 } },
	{ .name = "pop dword [0x100000] faults on the write: #PF, esp back at 0x8004",
	  .code = "8f 05 00 00 10 00", .r = { 0, 0, 0, 0, 0x8004 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	/* After the increment 0x8004 + 0xf7ffc = 0x100000 is beyond memory (before it, 0xffffc
	 * would have been a valid address): the fault shows the address is taken after. */
	{ .name = "pop dword [esp + 0xf7ffc] (8f 84 24): ea 0x8004 + 0xf7ffc = 0x100000 faults",
	  .code = "8f 84 24 fc 7f 0f 00", .r = { 0, 0, 0, 0, 0x8000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8000 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "pop eax with esp 0xffffe reads past the end of memory: #PF, nothing changes",
	  .code = "58", .r = { 0x5, 0, 0, 0, 0xffffe }, .m = M,
	  .want_r = { 0x5, 0, 0, 0, 0xffffe }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "pop ecx then pop edx (59 5a): ecx = [0x8004], edx = [0x8008], esp 0x800c",
	  .code = "59 5a", .r = { 0, 0, 0, 0, 0x8004 }, .m = M,
	  .want_r = { 0, 0x33334444, 0x55556666, 0, 0x800c }, .want_m = M, .insns = 2 },
};

static void test_pop(void **state)
{
	(void)state;
	RUN_ROWS(pop_rows);
}

/* vectors: pusha
 * SDM Vol. 2B, PUSHA/PUSHAD, Operation (paraphrased): Temp = ESP (SP for 0x66 PUSHA); push
 * EAX, ECX, EDX, EBX, Temp, EBP, ESI, EDI (their low halves for PUSHA), so the ESP slot holds
 * the value before the first push and the stack ends 32 (16) bytes lower. */
static const struct row pusha_rows[] = {
	/* From 0x8020: EAX 0x801c, ECX 0x8018, EDX 0x8014, EBX 0x8010, Temp 0x800c, EBP 0x8008,
	 * ESI 0x8004, EDI 0x8000: m[] shows the last four. */
	{ .name = "pushad from 0x8020: m[0..3] = edi, esi, ebp, and the esp before the first push",
	  .code = "60", .r = { 0xa, 0xc, 0xd, 0xb, 0x8020, 0xbb, 0x51, 0xd1 }, .m = M,
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x8000, 0xbb, 0x51, 0xd1 },
	  .want_m = { 0xd1, 0x51, 0xbb, 0x8020 } },
	/* From 0x8010: EAX 0x800c, ECX 0x8008, EDX 0x8004, EBX 0x8000; the rest below TVM_DATA. */
	{ .name = "pushad from 0x8010: m[0..3] = ebx, edx, ecx, eax (the first four pushes)",
	  .code = "60", .r = { 0xa, 0xc, 0xd, 0xb, 0x8010, 0xbb, 0x51, 0xd1 }, .m = M,
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x7ff0, 0xbb, 0x51, 0xd1 },
	  .want_m = { 0xb, 0xd, 0xc, 0xa } },
	{ .name = "pushad then popad restore every register; popad skips the esp slot",
	  .code = "60 61", .r = { 0xa, 0xc, 0xd, 0xb, 0x8030, 0xbb, 0x51, 0xd1 }, .m = M,
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x8030, 0xbb, 0x51, 0xd1 }, .want_m = M, .insns = 2 },
	/* Words from 0x800e down: AX, CX, DX, BX, SP = 0x8010, BP, SI, DI at 0x8000. */
	{ .name = "pusha (66 60) from 0x8010: DI SI BP SP(0x8010) BX DX CX AX, a word each",
	  .code = "66 60",
	  .r = { 0x1234000a, 0x1234000c, 0x1234000d, 0x1234000b, 0x8010, 0x123400bb, 0x12340051,
		 0x123400d1 }, .m = M,
	  .want_r = { 0x1234000a, 0x1234000c, 0x1234000d, 0x1234000b, 0x8000, 0x123400bb,
		      0x12340051, 0x123400d1 },
	  .want_m = { 0x005100d1, 0x801000bb, 0x000d000b, 0x000a000c } },
	{ .name = "pushad from 0x1010 would write page 0: #PF, nothing changes",
	  .code = "60", .r = { 0xa, 0xc, 0xd, 0xb, 0x1010, 0xbb, 0x51, 0xd1 }, .m = M,
	  .want_r = { 0xa, 0xc, 0xd, 0xb, 0x1010, 0xbb, 0x51, 0xd1 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_pusha(void **state)
{
	(void)state;
	RUN_ROWS(pusha_rows);
}

/* vectors: popa
 * SDM Vol. 2B, POPA/POPAD, Operation (paraphrased): EDI = Pop(); ESI = Pop(); EBP = Pop();
 * ESP = ESP + 4 (the saved ESP is skipped, not loaded); EBX = Pop(); EDX = Pop(); ECX = Pop();
 * EAX = Pop(). POPA (0x66) pops words into DI, SI, BP, skips 2 bytes, then BX, DX, CX, AX. */
static const struct row popa_rows[] = {
	/* From 0x7ff0: EDI, ESI, EBP from 0x7ff0..0x7ffb (zero), skip 0x7ffc, then EBX = m[0],
	 * EDX = m[1], ECX = m[2], EAX = m[3]; ESP = 0x7ff0 + 32. */
	{ .name = "popad from 0x7ff0: edi esi ebp = 0, skip, ebx edx ecx eax = m[0..3], esp 0x8010",
	  .code = "61", .r = { 0x1, 0x2, 0x3, 0x4, 0x7ff0, 0x5, 0x6, 0x7 }, .m = M,
	  .want_r = { 0x77778888, 0x55556666, 0x33334444, 0x11112222, 0x8010 }, .want_m = M },
	/* From 0x8000: EDI = m[0], ESI = m[1], EBP = m[2], m[3] skipped (ESP is not 0x77778888),
	 * the rest from 0x8010.. (zero); ESP = 0x8020. */
	{ .name = "popad from 0x8000: edi esi ebp = m[0..2], the saved esp m[3] ignored, esp 0x8020",
	  .code = "61", .r = { 0x1, 0x2, 0x3, 0x4, 0x8000, 0x5, 0x6, 0x7 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8020, 0x55556666, 0x33334444, 0x11112222 }, .want_m = M },
	/* Words from 0x8000: DI 0x2222, SI 0x1111, BP 0x4444, skip 0x3333, BX 0x6666, DX 0x5555,
	 * CX 0x8888, AX 0x7777; the high halves stay; ESP = 0x8010. */
	{ .name = "popa (66 61) from 0x8000: DI SI BP, skip the saved SP 0x3333, BX DX CX AX",
	  .code = "66 61",
	  .r = { 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x8000, 0x55555555, 0x66666666,
		 0x77777777 }, .m = M,
	  .want_r = { 0x11117777, 0x22228888, 0x33335555, 0x44446666, 0x8010, 0x55554444,
		      0x66661111, 0x77772222 }, .want_m = M },
	{ .name = "popad from 0xffff0 reads past the end of memory: #PF, no register changes",
	  .code = "61", .r = { 1, 2, 3, 4, 0xffff0, 5, 6, 7 }, .m = M,
	  .want_r = { 1, 2, 3, 4, 0xffff0, 5, 6, 7 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_popa(void **state)
{
	(void)state;
	RUN_ROWS(popa_rows);
}

/* vectors: enter
 * SDM Vol. 2A, ENTER, Operation (32-bit stack; paraphrased): AllocSize = imm16 (unsigned);
 * Level = imm8 mod 32; push EBP (BP with 0x66); FrameTemp = ESP; if Level > 0: for i = 1 to
 * Level - 1 { EBP = EBP - 4 (2 with 0x66); push the dword (word) at [EBP] }, then push
 * FrameTemp; finally EBP = FrameTemp (BP only, with 0x66) and ESP = ESP - AllocSize. */
static const struct row enter_rows[] = {
	/* push EBP at 0x800c; FrameTemp = 0x800c; EBP = 0x800c; ESP = 0x800c - 8. */
	{ .name = "enter 8, 0: [0x800c] = old ebp, ebp = 0x800c, esp = 0x800c - 8 = 0x8004",
	  .code = "c8 08 00 00", .r = { 0, 0, 0, 0, 0x8010, 0xabcd }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xabcd } },
	{ .name = "enter 0x8000, 0: the size is unsigned: esp = 0x1800c - 0x8000 = 0x1000c",
	  .code = "c8 00 80 00", .r = { 0, 0, 0, 0, 0x18010, 0xabcd }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x1000c, 0x1800c }, .want_m = M },
	/* Level 1: no copies; push FrameTemp 0x800c at 0x8008. */
	{ .name = "enter 0, 1: [0x800c] = old ebp, [0x8008] = FrameTemp 0x800c, ebp = 0x800c",
	  .code = "c8 00 00 01", .r = { 0, 0, 0, 0, 0x8010, 0xabcd }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8008, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x800c, 0xabcd } },
	/* ESP 0x9000, EBP 0x8010: push EBP at 0x8ffc, FrameTemp 0x8ffc; copies [0x800c] =
	 * 0x77778888 to 0x8ff8 and [0x8008] = 0x55556666 to 0x8ff4; FrameTemp to 0x8ff0;
	 * ESP = 0x8ff0 - 4 = 0x8fec. The POPs read the frame back: EAX = [0x8fec] (0), ECX = the
	 * FrameTemp, EDX and EBX the two copies. */
	{ .name = "enter 4, 3 copies [ebp - 4] and [ebp - 8], then FrameTemp: popped back in order",
	  .code = "c8 04 00 03 58 59 5a 5b", .r = { 0, 0, 0, 0, 0x9000, 0x8010 }, .m = M,
	  .want_r = { 0, 0x8ffc, 0x55556666, 0x77778888, 0x8ffc, 0x8ffc }, .want_m = M,
	  .insns = 5 },
	/* ESP = EBP = 0x8010: push EBP (0x8010) at 0x800c; FrameTemp 0x800c; the copies read
	 * [0x800c] and [0x8008], each the value just pushed (0x8010), stored at 0x8008 and 0x8004;
	 * FrameTemp at 0x8000. */
	{ .name = "enter 0, 3 with ebp = esp copies the frame pointers it has just pushed",
	  .code = "c8 00 00 03", .r = { 0, 0, 0, 0, 0x8010, 0x8010 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8000, 0x800c }, .want_m = { 0x800c, 0x8010, 0x8010, 0x8010 } },
	/* 0x66: push BP (0x1234) at 0x800e; FrameTemp = SP = 0x800e; BP = 0x800e (EBP's high half
	 * stays); ESP = 0x800e - 8. */
	{ .name = "enter 8, 0 (66 c8): push bp at 0x800e, bp = 0x800e, esp = 0x8006",
	  .code = "66 c8 08 00 00", .r = { 0, 0, 0, 0, 0x8010, 0xabcd1234 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8006, 0xabcd800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x12348888 } },
	{ .name = "enter 2, 1 (66 c8): bp at 0x800e, FrameTemp 0x800e at 0x800c, esp = 0x800c - 2",
	  .code = "66 c8 02 00 01", .r = { 0, 0, 0, 0, 0x8010, 0x1234 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800a, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x1234800e } },
	/* 0x66, EBP 0x800a: push BP at 0x800e; copies the words at 0x8008 (0x6666) and 0x8006
	 * (0x3333) to 0x800c and 0x800a; FrameTemp 0x800e at 0x8008. */
	{ .name = "enter 0, 3 (66 c8) copies the words at bp - 2 and bp - 4, then FrameTemp",
	  .code = "66 c8 00 00 03", .r = { 0, 0, 0, 0, 0x8010, 0x800a }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8008, 0x800e },
	  .want_m = { 0x11112222, 0x33334444, 0x3333800e, 0x800a6666 } },
	{ .name = "enter 0, 33: level 33 mod 32 = 1, the same as enter 0, 1",
	  .code = "c8 00 00 21", .r = { 0, 0, 0, 0, 0x8010, 0xabcd }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8008, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x800c, 0xabcd } },
	{ .name = "enter 0, 32: level 32 mod 32 = 0: only ebp is pushed",
	  .code = "c8 00 00 20", .r = { 0, 0, 0, 0, 0x8010, 0xabcd }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c, 0x800c },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0xabcd } },
	/* DVA-1 section 1: the copy reads [0x100000], beyond memory; nothing is pushed. */
	{ .name = "enter 0, 2 whose frame-pointer read is beyond memory: #PF, nothing changes",
	  .code = "c8 00 00 02", .r = { 0, 0, 0, 0, 0x9000, 0x100004 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0, 0x100004 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "enter 0, 2 whose frame-pointer read faults pushes nothing (esp inside m[])",
	  .code = "c8 00 00 02", .r = { [REG_ESP] = 0x8010, [REG_EBP] = 0x100004 }, .m = M,
	  .want_r = { [REG_ESP] = 0x8010, [REG_EBP] = 0x100004 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	{ .name = "enter 0, 0 with esp 0x100002: the push is beyond memory: #PF, nothing changes",
	  .code = "c8 00 00 00", .r = { 0, 0, 0, 0, 0x100002, 0x1234 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x100002, 0x1234 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
	/* 0x800c - 0x8000 = 0xc: the final stack top lies in page 0; the push of EBP at 0x800c
	 * must not happen either. */
	{ .name = "enter 0x8000, 0 whose final stack top is in page 0: #PF, nothing pushed",
	  .code = "c8 00 80 00", .r = { [REG_ESP] = 0x8010, [REG_EBP] = 0xabcd }, .m = M,
	  .want_r = { [REG_ESP] = 0x8010, [REG_EBP] = 0xabcd }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_enter(void **state)
{
	(void)state;
	RUN_ROWS(enter_rows);
}

/* vectors: leave
 * SDM Vol. 2A, LEAVE, Operation (32-bit stack; paraphrased): ESP = EBP; then EBP = Pop() (a
 * dword, ESP + 4), or BP = Pop() (a word, ESP + 2) with 0x66. */
static const struct row leave_rows[] = {
	{ .name = "leave: esp = ebp = 0x8008, ebp = [0x8008] = 0x55556666, esp 0x800c",
	  .code = "c9", .r = { 0, 0, 0, 0, 0x9000, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c, 0x55556666 }, .want_m = M },
	{ .name = "leave with ebp below esp: esp = 0x8000, ebp = [0x8000], esp 0x8004",
	  .code = "c9", .r = { 0, 0, 0, 0, 0x8010, 0x8000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8004, 0x11112222 }, .want_m = M },
	{ .name = "leave (66 c9): esp = 0x8008, bp = the word 0x6666, esp 0x800a",
	  .code = "66 c9", .r = { 0, 0, 0, 0, 0x9000, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800a, 0x6666 }, .want_m = M },
	{ .name = "leave (66 c9) then ret (66 c3): bp = 0x6666, ip = the word at 0x800a = 0x5555",
	  .code = "66 c9 66 c3", .r = { 0, 0, 0, 0, 0x9000, 0x8008 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x800c, 0x6666 }, .want_m = M, .want_eip = 0x5555,
	  .insns = 2 },
	{ .name = "enter 0x10, 0 then leave restore esp 0x8010 and ebp 0x1357",
	  .code = "c8 10 00 00 c9", .r = { 0, 0, 0, 0, 0x8010, 0x1357 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0x8010, 0x1357 },
	  .want_m = { 0x11112222, 0x33334444, 0x55556666, 0x1357 }, .insns = 2 },
	{ .name = "leave with ebp 0x100000 pops beyond memory: #PF, esp and ebp unchanged",
	  .code = "c9", .r = { 0, 0, 0, 0, 0x9000, 0x100000 }, .m = M,
	  .want_r = { 0, 0, 0, 0, 0, 0x100000 }, .want_m = M,
	  .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

static void test_leave(void **state)
{
	(void)state;
	RUN_ROWS(leave_rows);
}

/* PUSHF and POPF follow DVA-1 section 2, which narrows the SDM. SDM Vol. 2B, PUSHF/PUSHFD,
 * Operation: in protected mode PUSHFD pushes EFLAGS AND 00FCFFFFh (VM and RF cleared in the
 * image), PUSHF the low 16 bits. DVA-1: the image has CF PF AF ZF SF OF DF AC ID as last set,
 * bit 1 = 1, IF = the virtual interrupt flag (page 0's irq_enable) and 0 in every other bit
 * (TF, IOPL, NT, RF, VM, VIF, VIP). SDM Vol. 2B, POPF/POPFD: at CPL 3 with IOPL 0, IF, IOPL,
 * VIP, VIF, VM and RF are not changed, reserved bits keep their fixed values; DVA-1 narrows the
 * changeable set to CF PF AF ZF SF OF DF AC ID (so TF and NT are ignored too), and POPF never
 * changes irq_enable. FL_POPF_MASK is that set: 0x00240cd5; with bit 1, 0x00240cd7. */
#define ALL_BITS 0xFFFFFFFFu

/* vectors: pushfd */
static const struct row pushf_rows[] = {
	/* OSZAPC 0x8d5 | DF 0x400 | bit 1 = 0xcd7; IF = 0 as irq_enable is 0. */
	{ .name = "pushfd of OSZAPC and DF with irq_enable 0: 0x8d5 | 0x400 | 2 = 0xcd7, IF = 0",
	  .code = "9c", .r = { [REG_ESP] = 0x8010 }, .fl = FL_OSZAPC | FL_DF,
	  .want_r = { [REG_ESP] = 0x800c }, .want_fl = FL_OSZAPC | FL_DF, .want_m = { 0, 0, 0, 0xcd7 } },
	{ .name = "pushfd of AC, ID and CF: 0x40000 | 0x200000 | 1 | 2 = 0x240003",
	  .code = "9c", .r = { [REG_ESP] = 0x8010 }, .fl = FL_AC | FL_ID | FL_CF,
	  .want_r = { [REG_ESP] = 0x800c }, .want_fl = FL_CF, .want_m = { 0, 0, 0, 0x240003 } },
	{ .name = "pushfd with no flags set pushes only bit 1",
	  .code = "9c", .r = { [REG_ESP] = 0x8010 }, .m = { 0, 0, 0, 0xffffffff },
	  .want_r = { [REG_ESP] = 0x800c }, .want_m = { 0, 0, 0, 2 } },
	/* POPFD of all ones sets every flag DVA-1 lets it (0x00240cd5); PUSHFD then shows them with
	 * bit 1 and nothing else: TF, IF (irq_enable 0), IOPL, NT, RF, VM, VIF, VIP all 0. */
	{ .name = "popfd of all ones then pushfd: 0x00240cd7, with TF IF IOPL NT RF VM VIF VIP 0",
	  .code = "9d 9c", .r = { [REG_ESP] = 0x800c }, .m = { 0, 0, 0, 0xffffffff }, .insns = 2,
	  .want_r = { [REG_ESP] = 0x800c }, .want_fl = FL_POPF_MASK | FL_FIXED1,
	  .want_m = { 0, 0, 0, 0x00240cd7 }, .mask = ALL_BITS },
	{ .name = "pushf (66 9c) pushes the low 16 bits: 0x08d7 at 0x800e, AC not in the word",
	  .code = "66 9c", .r = { [REG_ESP] = 0x8010 }, .fl = FL_OSZAPC | FL_AC,
	  .want_r = { [REG_ESP] = 0x800e }, .want_fl = FL_OSZAPC, .want_m = { 0, 0, 0, 0x08d70000 } },
	{ .name = "pushfd with esp 0x1002 writes page 0: #PF, esp unchanged",
	  .code = "9c", .r = { [REG_ESP] = 0x1002 },
	  .want_r = { [REG_ESP] = 0x1002 }, .want_exit = CPU_EXIT_FAULT, .want_fault = DVA_VEC_PF },
};

/* vectors: popfd */
static const struct row popf_rows[] = {
	{ .name = "popfd of all ones sets only CF PF AF ZF SF OF DF AC ID (0x00240cd5), and bit 1",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .m = { 0, 0, 0, 0xffffffff },
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_POPF_MASK | FL_FIXED1,
	  .want_m = { 0, 0, 0, 0xffffffff }, .mask = ALL_BITS },
	{ .name = "popfd of 0 clears them all and keeps bit 1 (fixed 1)",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .fl = FL_OSZAPC | FL_DF | FL_AC | FL_ID,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_FIXED1, .mask = ALL_BITS },
	/* 0x00017301 = CF | TF (0x100) | IF (0x200) | IOPL 3 (0x3000) | NT (0x4000) | RF (0x10000). */
	{ .name = "popfd of 0x00017301 takes CF only: TF, IF, IOPL, NT and RF are ignored",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .m = { 0, 0, 0, 0x00017301 },
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_FIXED1 | FL_CF,
	  .want_m = { 0, 0, 0, 0x00017301 }, .mask = ALL_BITS },
	/* 0xffda8028 = reserved bits 3, 5, 15, 22-31 | VM (0x20000) | VIF (0x80000) | VIP (0x100000),
	 * and bit 1 clear: none of it changes anything; bit 1 stays 1. */
	{ .name = "popfd of 0xffda8028: its nine flags are 0 (ZF cleared); reserved bits, VM, VIF, VIP "
		  "ignored; bit 1 stays 1",
	  .code = "9d", .r = { [REG_ESP] = 0x800c }, .fl = FL_ZF, .m = { 0, 0, 0, 0xffda8028 },
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_FIXED1,
	  .want_m = { 0, 0, 0, 0xffda8028 }, .mask = ALL_BITS },
	{ .name = "popf (66 9d) of 0xffff sets the low flags (0x0cd5) and leaves AC and ID (ID kept)",
	  .code = "66 9d", .r = { [REG_ESP] = 0x800e }, .fl = FL_ID, .m = { 0, 0, 0, 0xffff0000 },
	  .want_r = { [REG_ESP] = 0x8010 },
	  .want_fl = FL_OSZAPC | FL_DF | FL_ID | FL_FIXED1, .want_m = { 0, 0, 0, 0xffff0000 },
	  .mask = ALL_BITS },
	/* OF 0x800 | ZF 0x40 | DF 0x400 | AC 0x40000 | bit 1 = 0x40c42. */
	{ .name = "pushfd then popfd round-trip OF ZF DF AC: the image is 0x40c42",
	  .code = "9c 9d", .r = { [REG_ESP] = 0x8010 }, .fl = FL_OF | FL_ZF | FL_DF | FL_AC, .insns = 2,
	  .want_r = { [REG_ESP] = 0x8010 }, .want_fl = FL_OF | FL_ZF | FL_DF | FL_AC | FL_FIXED1,
	  .want_m = { 0, 0, 0, 0x40c42 }, .mask = ALL_BITS },
	{ .name = "popfd with esp 0xffffe reads past the end of memory: #PF, nothing changes",
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

/* vectors: pushfd -- IF in PUSHFD's image is page 0's irq_enable (DVA-1 sections 2 and 3):
 * 0x243 = IF 0x200 | bit 1 | CF with irq_enable 1, 0x42 = bit 1 | ZF with irq_enable 0. */
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

/* vectors: popfd -- POPFD never changes irq_enable, and IF never enters eflags (DVA-1
 * section 2: IF is virtual; the SDM leaves IF alone at CPL 3 with IOPL 0 as well). */
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
		cmocka_unit_test(test_pushf),
		cmocka_unit_test(test_popf),
		cmocka_unit_test(test_pushf_if_is_irq_enable),
		cmocka_unit_test(test_popf_leaves_irq_enable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
