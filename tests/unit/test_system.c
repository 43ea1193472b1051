/* test_system.c - CPUID, RDTSC, IN/OUT to the console ports, IDLE and TERMINATE (cpu/system.c).
 *
 * None of these can be checked against the host CPU: CPUID and RDTSC describe the host, port
 * I/O is a signal in a Linux process. DVA-1 defines them, so the expected values come from
 * DVA-1 sections 2 (CPUID, RDTSC), 4 (the virtual instructions), 6 (retirement) and 7 (console
 * ports; other ports and widths raise #GP(0)), not from the SDM. The harness's port pair is the
 * console of section 7 with no input waiting and input ended.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/harness.h"

/* vectors: cpuid
 * DVA-1 section 2: ECX is ignored; leaf 0 gives EAX = 1 (the highest leaf) and the vendor
 * string "DenaliDenali" in EBX, EDX, ECX in that order, as x86 does; leaf 1 gives EAX =
 * 0x00000600 (family 6, model 0, stepping 0), EBX = ECX = 0 and EDX = 0x00008111: bit 0 FPU,
 * bit 4 TSC, bit 8 CX8, bit 15 CMOV; every other leaf, 0x80000000 and up included, gives 0 in
 * all four. No flag changes (the SDM: CPUID affects no flag).
 * "DenaliDenali" as CPUID leaf 0 returns it: EBX "Dena", EDX "liDe", ECX "nali", each four
 * ASCII bytes in little-endian order. */
#define VENDOR_EBX 0x616E6544u /* 'D' 'e' 'n' 'a' */
#define VENDOR_EDX 0x6544696Cu /* 'l' 'i' 'D' 'e' */
#define VENDOR_ECX 0x696C616Eu /* 'n' 'a' 'l' 'i' */

#define ALL_FL (FL_OSZAPC | FL_DF)
#define SOME_FL (FL_CF | FL_ZF | FL_OF | FL_DF)

/* ---- CPUID ------------------------------------------------------------------------------------ */

static void test_cpuid(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "cpuid leaf 0 gives max leaf 1 and DenaliDenali",
		  .code = "0f a2",
		  .r = { 0, 0, 0, 0, 0, 0x55555555, 0x66666666, 0x77777777 },
		  .want_r = { 1, VENDOR_ECX, VENDOR_EDX, VENDOR_EBX, 0, 0x55555555, 0x66666666, 0x77777777 },
		  .fl = SOME_FL, .want_fl = SOME_FL, .mask = ALL_FL },
		{ .name = "cpuid leaf 0 ignores ECX and overwrites EBX and EDX",
		  .code = "0f a2",
		  .r = { 0, 0xFFFFFFFF, 0xDEADBEEF, 0xCAFEF00D },
		  .want_r = { 1, VENDOR_ECX, VENDOR_EDX, VENDOR_EBX } },
		{ .name = "cpuid leaf 1 gives family 6, FPU TSC CX8 CMOV and nothing else",
		  .code = "0f a2",
		  .r = { 1, 0x12345678, 0xDEADBEEF, 0xCAFEF00D, 0, 0x55555555 },
		  .want_r = { 0x600, 0, 0x8111, 0, 0, 0x55555555 },
		  .fl = SOME_FL, .want_fl = SOME_FL, .mask = ALL_FL },
		{ .name = "cpuid leaf 1 with ECX 1 is the same",
		  .code = "0f a2",
		  .r = { 1, 1, 1, 1 },
		  .want_r = { 0x600, 0, 0x8111, 0 } },
		{ .name = "cpuid leaf 2 is all zero",
		  .code = "0f a2",
		  .r = { 2, 0x11111111, 0x22222222, 0x33333333 },
		  .want_r = { 0, 0, 0, 0 } },
		{ .name = "cpuid leaf 4 with ECX 0 is all zero",
		  .code = "0f a2",
		  .r = { 4, 0, 0x22222222, 0x33333333 },
		  .want_r = { 0, 0, 0, 0 } },
		{ .name = "cpuid leaf 7 is all zero",
		  .code = "0f a2",
		  .r = { 7, 0, 0x22222222, 0x33333333 },
		  .want_r = { 0, 0, 0, 0 } },
		{ .name = "cpuid leaf 0x40000000 (hypervisor) is all zero",
		  .code = "0f a2",
		  .r = { 0x40000000, 0x11111111, 0x22222222, 0x33333333 },
		  .want_r = { 0, 0, 0, 0 } },
		{ .name = "cpuid leaf 0x80000000 is all zero",
		  .code = "0f a2",
		  .r = { 0x80000000, 0x11111111, 0x22222222, 0x33333333 },
		  .want_r = { 0, 0, 0, 0 } },
		{ .name = "cpuid leaf 0x80000001 is all zero",
		  .code = "0f a2",
		  .r = { 0x80000001, 0x11111111, 0x22222222, 0x33333333 },
		  .want_r = { 0, 0, 0, 0 } },
		{ .name = "cpuid leaf 0xFFFFFFFF is all zero",
		  .code = "0f a2",
		  .r = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF },
		  .want_r = { 0, 0, 0, 0, 0, 0xFFFFFFFF },
		  .fl = SOME_FL, .want_fl = SOME_FL, .mask = ALL_FL },
		{ .name = "cpuid under 0x66 is the same",
		  .code = "66 0f a2",
		  .r = { 1, 0x12345678 },
		  .want_r = { 0x600, 0, 0x8111, 0 } },
	};
	RUN_ROWS(rows);
}

static void test_cpuid_retires_once(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	static const uint8_t code[] = { 0x0f, 0xa2 };
	tvm_poke(t, TVM_CODE, code, sizeof(code));
	c->r[REG_EAX] = 0;
	assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 1);
	assert_int_equal(c->eip, TVM_CODE + 2);
	tvm_free(t);
}

/* ---- RDTSC ------------------------------------------------------------------------------------ */

/* vectors: rdtsc
 * DVA-1 section 2: RDTSC returns in EDX:EAX the value instret had at the start of the RDTSC,
 * that is the number of instructions this CPU retired before it (section 6); CR4.TSD = 0, so it
 * never faults. No flag changes. */

static void test_rdtsc(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "rdtsc as the first instruction reads 0",
		  .code = "0f 31",
		  .r = { 0xFFFFFFFF, 0x11111111, 0xFFFFFFFF },
		  .want_r = { 0, 0x11111111, 0 },
		  .fl = SOME_FL, .want_fl = SOME_FL, .mask = ALL_FL },
		{ .name = "rdtsc after three nops reads 3",
		  .code = "90 90 90 0f 31",
		  .insns = 4,
		  .r = { 0xFFFFFFFF, 0, 0xFFFFFFFF },
		  .want_r = { 3, 0, 0 } },
		{ .name = "rdtsc after five INC ECX reads 5, not counting itself",
		  .code = "41 41 41 41 41 0f 31",
		  .insns = 6,
		  .r = { 0, 0x100 },
		  .want_r = { 5, 0x105, 0 },
		  .mask = FL_SF | FL_ZF | FL_OF | FL_DF },
		{ .name = "a second rdtsc two instructions after the first reads 2",
		  .code = "0f 31 89 c6 0f 31",
		  .insns = 3,
		  .r = { 0xFFFFFFFF, 0, 0xFFFFFFFF, 0, 0, 0, 0xFFFFFFFF },
		  .want_r = { 2, 0, 0, 0, 0, 0, 0, 0 } },
	};
	RUN_ROWS(rows);
}

static void test_rdtsc_carries_into_edx(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[16];
	/* RDTSC; MOV ESI, EAX; RDTSC; MOV EDI, EAX; RDTSC. */
	size_t n = tvm_hex("0f 31 89 c6 0f 31 89 c7 0f 31", code, sizeof(code));
	tvm_poke(t, TVM_CODE, code, n);
	c->instret = 0x1FFFFFFFEull;
	assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_EAX], 0xFFFFFFFE);
	assert_int_equal(c->r[REG_EDX], 1);
	assert_int_equal(tvm_run(t, 2), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_ESI], 0xFFFFFFFE);
	assert_int_equal(c->r[REG_EAX], 0); /* read at instret 0x200000000 */
	assert_int_equal(c->r[REG_EDX], 2);
	assert_int_equal(tvm_run(t, 2), CPU_EXIT_BUDGET);
	assert_int_equal(c->r[REG_EDI], 0);
	assert_int_equal(c->r[REG_EAX], 2);
	assert_int_equal(c->r[REG_EDX], 2);
	assert_true(c->instret == 0x200000003ull);
	tvm_free(t);
}

/* ---- ports ------------------------------------------------------------------------------------ */

/* vectors: inout (IN, OUT)
 * DVA-1 section 7, the console: OUT DX, AL to 0xD000 writes AL; IN AL, DX from 0xD000 takes the
 * next input byte (0xFF when none waits) into AL alone; IN EAX, DX from 0xD001 returns the
 * count of waiting bytes in bits 0-30 and bit 31 once input has ended. The port is DX (its low
 * 16 bits, as on x86). Any other port, width or direction, and the imm8 forms (no device has a
 * port below 0x100), raise #GP(0) and change nothing (section 1). */

static void test_out_to_console_writes_al(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[32];
	/* OUT DX, AL; MOV AL, 'i'; OUT DX, AL; MOV EAX, 0x12345621; OUT DX, AL. */
	size_t n = tvm_hex("ee b0 69 ee b8 21 56 34 12 ee", code, sizeof(code));
	tvm_poke(t, TVM_CODE, code, n);
	c->r[REG_EAX] = 0xABCDEF48; /* 'H': only AL is written */
	c->r[REG_EDX] = DVA_PORT_CONSOLE;
	assert_int_equal(tvm_run(t, 5), CPU_EXIT_BUDGET);
	assert_string_equal(tvm_console(t), "Hi!");
	assert_int_equal(c->instret, 5);
	assert_int_equal(c->eip, TVM_CODE + n);
	assert_int_equal(c->r[REG_EDX], DVA_PORT_CONSOLE);
	tvm_free(t);
}

static void test_out_uses_only_dx(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	static const uint8_t code[] = { 0xee };
	tvm_poke(t, TVM_CODE, code, sizeof(code));
	c->r[REG_EAX] = 'x';
	c->r[REG_EDX] = 0xFFFF0000u | DVA_PORT_CONSOLE; /* the port is DX, the high half is ignored */
	assert_int_equal(tvm_run(t, 1), CPU_EXIT_BUDGET);
	assert_string_equal(tvm_console(t), "x");
	tvm_free(t);
}

static void test_in_from_console_ports(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "in eax, dx from the console status reports input ended and nothing waiting",
		  .code = "ed",
		  .r = { 0x12345678, 0, DVA_PORT_CONSOLE_STATUS },
		  .want_r = { DVA_CONSOLE_EOF, 0, DVA_PORT_CONSOLE_STATUS },
		  .fl = SOME_FL, .want_fl = SOME_FL, .mask = ALL_FL },
		{ .name = "in al, dx from the console gives 0xff when nothing waits, and only AL changes",
		  .code = "ec",
		  .r = { 0x12345678, 0, DVA_PORT_CONSOLE },
		  .want_r = { 0x123456FF, 0, DVA_PORT_CONSOLE } },
		{ .name = "in eax, dx from the console status takes the port from DX only (EDX 0xffffd001)",
		  .code = "ed",
		  .r = { 0, 0, 0xFFFF0000u | DVA_PORT_CONSOLE_STATUS },
		  .want_r = { DVA_CONSOLE_EOF, 0, 0xFFFF0000u | DVA_PORT_CONSOLE_STATUS } },
		{ .name = "in al, dx from the console leaves the flags alone",
		  .code = "ec",
		  .r = { 0, 0, DVA_PORT_CONSOLE }, .fl = ALL_FL,
		  .want_r = { 0xFF, 0, DVA_PORT_CONSOLE }, .want_fl = ALL_FL, .mask = ALL_FL },
	};
	RUN_ROWS(rows);
}

/* An I/O instruction that must raise #GP(0) and change nothing, console included. */
struct gp_row {
	const char *name;
	const char *code;
	uint32_t eax, edx;
};

static void test_bad_ports_and_widths_are_gp0(void **state)
{
	(void)state;
	static const struct gp_row rows[] = {
		{ "out dx, al to 0xD002 (no port there)", "ee", 'A', 0xD002 },
		{ "out dx, al to 0xCFFF", "ee", 'A', 0xCFFF },
		{ "out dx, ax to the console (wrong width)", "66 ef", 'A', DVA_PORT_CONSOLE },
		{ "out dx, eax to the console (wrong width)", "ef", 'A', DVA_PORT_CONSOLE },
		{ "out dx, al to the console status (wrong direction)", "ee", 'A', DVA_PORT_CONSOLE_STATUS },
		{ "out 0x80, al (imm form, no port below 0x100)", "e6 80", 'A', DVA_PORT_CONSOLE },
		{ "in al, 0x80 (imm form)", "e4 80", 0x12345678, DVA_PORT_CONSOLE },
		{ "in eax, 0x80 (imm form)", "e5 80", 0x12345678, DVA_PORT_CONSOLE },
		{ "in al, dx from the console status (wrong width)", "ec", 0x12345678, DVA_PORT_CONSOLE_STATUS },
		{ "in eax, dx from the console data port (wrong width)", "ed", 0x12345678, DVA_PORT_CONSOLE },
		{ "in ax, dx from the console status (wrong width)", "66 ed", 0x12345678, DVA_PORT_CONSOLE_STATUS },
		{ "in eax, dx from 0x0000", "ed", 0x12345678, 0 },
		{ "in eax, dx from 0xFFFF", "ed", 0x12345678, 0xFFFF },
	};
	int failed = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tvm *t = tvm_new();
		struct cpu *c = tvm_cpu(t);
		uint8_t code[16];
		size_t n = tvm_hex(rows[i].code, code, sizeof(code));
		tvm_poke(t, TVM_CODE, code, n);
		for (int k = 0; k < GPRS; k++)
			c->r[k] = 0x01010101u * (uint32_t)(k + 1);
		c->r[REG_EAX] = rows[i].eax;
		c->r[REG_EDX] = rows[i].edx;
		c->eflags = FL_FIXED1 | SOME_FL;
		c->fault = (struct dva_fault){ 0xEE, 0xEE, 0xEE };
		uint32_t r[GPRS];
		memcpy(r, c->r, sizeof(r));

		enum cpu_exit ex = tvm_run(t, 1);
		int bad = 0;
		if (ex != CPU_EXIT_FAULT) {
			print_error("%s: exit %d, want %d (a fault)\n", rows[i].name, (int)ex, CPU_EXIT_FAULT);
			bad++;
		} else if (c->fault.vector != DVA_VEC_GP || c->fault.error != 0) {
			print_error("%s: vector %u error %#x, want #GP(0)\n", rows[i].name,
				    c->fault.vector, c->fault.error);
			bad++;
		}
		if (c->eip != TVM_CODE || c->instret != 0 || c->eflags != (FL_FIXED1 | SOME_FL) ||
		    memcmp(r, c->r, sizeof(r))) {
			print_error("%s: state changed (eip %#x, instret %llu)\n", rows[i].name, c->eip,
				    (unsigned long long)c->instret);
			bad++;
		}
		if (tvm_console(t)[0] != '\0') {
			print_error("%s: console got \"%s\"\n", rows[i].name, tvm_console(t));
			bad++;
		}
		failed += bad ? 1 : 0;
		tvm_free(t);
	}
	if (failed)
		fail_msg("%d of %zu rows failed", failed, sizeof(rows) / sizeof(rows[0]));
}

/* ---- IDLE and TERMINATE ------------------------------------------------------------------------- */

static void test_idle(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{ .name = "idle returns to the caller with EIP after it and EAX the timeout",
		  .code = "0f 3f 01",
		  .r = { 1000, 0x11111111, 0x22222222, 0x33333333 },
		  .want_r = { 1000, 0x11111111, 0x22222222, 0x33333333 },
		  .fl = SOME_FL, .want_fl = SOME_FL, .mask = ALL_FL,
		  .want_exit = CPU_EXIT_IDLE },
		{ .name = "idle forever (0xFFFFFFFF) returns the same way",
		  .code = "0f 3f 01",
		  .r = { 0xFFFFFFFF },
		  .want_r = { 0xFFFFFFFF },
		  .want_exit = CPU_EXIT_IDLE },
		{ .name = "idle ends the run even with budget left",
		  .code = "40 0f 3f 01 40 40",
		  .insns = 10,
		  .r = { 0 },
		  .want_r = { 1 },
		  .want_eip = TVM_CODE + 4,
		  .mask = FL_DF,
		  .want_exit = CPU_EXIT_IDLE },
	};
	RUN_ROWS(rows);
}

static void test_idle_retires_once(void **state)
{
	(void)state;
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	static const uint8_t code[] = { 0x0f, 0x3f, 0x01, 0x0f, 0x3f, 0x01 };
	tvm_poke(t, TVM_CODE, code, sizeof(code));
	c->r[REG_EAX] = 0;
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->instret, 1);
	assert_int_equal(c->eip, TVM_CODE + 3);
	assert_int_equal(tvm_run(t, 10), CPU_EXIT_IDLE);
	assert_int_equal(c->instret, 2);
	assert_int_equal(c->eip, TVM_CODE + 6);
	tvm_free(t);
}

static void test_terminate_status_is_eax_low_byte(void **state)
{
	(void)state;
	static const struct { uint32_t eax; uint8_t status; } cases[] = {
		{ 0, 0 }, { 7, 7 }, { 0x12345607, 7 }, { 0xFFFFFF80, 0x80 }, { 0x100, 0 }, { 0xFF, 0xFF },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tvm *t = tvm_new();
		struct cpu *c = tvm_cpu(t);
		static const uint8_t code[] = { 0x41, 0x0f, 0x3f, 0x02, 0x41 };
		tvm_poke(t, TVM_CODE, code, sizeof(code));
		c->r[REG_EAX] = cases[i].eax;
		c->r[REG_ECX] = 0;
		c->exit_status = 0x5A;
		assert_int_equal(tvm_run(t, 10), CPU_EXIT_TERMINATE);
		assert_int_equal(c->exit_status, cases[i].status);
		assert_int_equal(c->instret, 2); /* INC ECX and TERMINATE; nothing after */
		assert_int_equal(c->r[REG_ECX], 1);
		assert_int_equal(c->r[REG_EAX], cases[i].eax);
		tvm_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* CPUID */
		cmocka_unit_test(test_cpuid),
		cmocka_unit_test(test_cpuid_retires_once),
		/* RDTSC */
		cmocka_unit_test(test_rdtsc),
		cmocka_unit_test(test_rdtsc_carries_into_edx),
		/* IN / OUT */
		cmocka_unit_test(test_out_to_console_writes_al),
		cmocka_unit_test(test_out_uses_only_dx),
		cmocka_unit_test(test_in_from_console_ports),
		cmocka_unit_test(test_bad_ports_and_widths_are_gp0),
		/* IDLE / TERMINATE */
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_idle_retires_once),
		cmocka_unit_test(test_terminate_status_is_eax_low_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
