/* t_page0.c - the register page (DVA-1 section 3): read widths and alignments, the RW fields'
 * semantics, instret, and finally a write to a read-only register, which must end the VM with
 * #PF (status 142).
 *
 * Run with the default options (16 MiB, no arguments, the deterministic clock at 1 GHz) and
 * expect/t_page0.in on standard input. Every access to page 0 here is one instruction of the
 * stated width, written in assembly so the compiler can neither merge nor split it.
 */
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"

#define OFF(field) ((uint32_t)offsetof(struct dva_regs, field))

static uint32_t rd8(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("movzbl (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static uint32_t rd16(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("movzwl (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static uint32_t rd32(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void wr8(uint32_t a, uint32_t v)
{
	__asm__ volatile("movb %b0, (%1)" : : "q"(v), "r"(a) : "memory");
}

static void wr16(uint32_t a, uint32_t v)
{
	__asm__ volatile("movw %w0, (%1)" : : "r"(v), "r"(a) : "memory");
}

static void wr32(uint32_t a, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(a) : "memory");
}

/* A 64-bit counter read as DVA-1 section 3 says: high, low, high again, retry on a carry. */
static uint64_t rd64(uint32_t a)
{
	uint32_t hi, lo;

	do {
		hi = rd32(a + 4);
		lo = rd32(a);
	} while (rd32(a + 4) != hi);
	return (uint64_t)hi << 32 | lo;
}

/* True when [a, a + n) touches time_ns or instret, which change between instructions. */
static int moving(uint32_t a, uint32_t n)
{
	return (a < OFF(time_ns) + 8 && a + n > OFF(time_ns)) ||
	       (a < OFF(instret) + 8 && a + n > OFF(instret));
}

/* Every 16- and 32-bit read, aligned or not, equals the bytes read one at a time. */
static void test_widths_agree(void)
{
	uint32_t bad16 = 0, bad32 = 0, first = 0;

	for (uint32_t a = 0; a + 4 <= DVA_PAGE_SIZE; a++) {
		uint32_t b0 = rd8(a), b1 = rd8(a + 1), b2 = rd8(a + 2), b3 = rd8(a + 3);
		if (moving(a, 4))
			continue;
		if (rd16(a) != (b0 | b1 << 8)) {
			first = bad16 + bad32 == 0 ? a : first;
			bad16++;
		}
		if (rd32(a) != (b0 | b1 << 8 | b2 << 16 | b3 << 24)) {
			first = bad16 + bad32 == 0 ? a : first;
			bad32++;
		}
	}
	check_u32("page0_rd16_matches_bytes", bad16, 0);
	check_u32("page0_rd32_matches_bytes", bad32, 0);
	if (bad16 + bad32 != 0)
		dva_printf("  first mismatch at offset 0x%03x\n", first);
}

static void test_known_values(void)
{
	uint32_t nonzero = 0;

	check_u32("magic_byte0", rd8(0), 0x44);
	check_u32("magic_byte3", rd8(3), 0x49);
	check_u32("magic_low_half", rd16(0), 0x4E44);
	check_u32("magic_high_half", rd16(2), 0x494C);
	check_u32("magic_rd16_at_1", rd16(1), 0x4C4E);
	check_u32("magic_version_rd32_at_1", rd32(1), 0x01494C4E);
	check_u32("magic_version_rd32_at_3", rd32(3), 0x00000149);
	check_u32("version_rd8", rd8(OFF(version)), 1);
	check_u32("version_rd32", rd32(OFF(version)), DVA_VERSION);
	check_u32("vm_id", rd32(OFF(vm_id)), 0);
	check_u32("mem_size_default", rd32(OFF(mem_size)), DVA_MEM_DEFAULT);
	check_u32("mem_size_top_half", rd16(OFF(mem_size) + 2), DVA_MEM_DEFAULT >> 16);
	check_u32("cpu_hz_default", rd32(OFF(cpu_hz)), 1000000000u);
	check_u32("flags_deterministic_clock", rd32(OFF(flags)), 1);
	check_u32("irq_batch_zero", rd32(OFF(irq_batch)), 0);
	check_u32("fault_vector_zero", rd32(OFF(fault_vector)), 0);
	check_u32("fault_error_zero", rd32(OFF(fault_error)), 0);
	check_u32("fault_addr_zero", rd32(OFF(fault_addr)), 0);
	check_u32("fault_eip_zero", rd32(OFF(fault_eip)), 0);
	check_u32("reserved_44_zero", rd32(OFF(reserved_44)), 0);
	check_u32("reserved_56_zero", rd16(OFF(reserved_56)), 0);
	check_u32("disk_count_zero", rd32(OFF(disk_count)), 0);
	check_u32("reserved_5c_zero", rd32(OFF(reserved_5c)), 0);
	for (uint32_t a = OFF(disk_blocks); a < OFF(disk_blocks) + 32; a += 4)
		nonzero |= rd32(a);
	check_u32("disk_blocks_zero", nonzero, 0);
	check_u32("disk_ro_zero", rd32(OFF(disk_ro)), 0);
	nonzero = 0;
	for (uint32_t a = OFF(reserved_98); a < OFF(args); a++)
		nonzero |= rd8(a);
	check_u32("reserved_98_zero", nonzero, 0);
	check_u32("args_empty", rd8(OFF(args)), 0);
	nonzero = 0;
	for (uint32_t a = OFF(reserved_200); a < DVA_PAGE_SIZE; a += 2)
		nonzero |= rd16(a);
	check_u32("reserved_200_zero", nonzero, 0);
	check_u32("last_byte_of_page", rd8(DVA_PAGE_SIZE - 1), 0);
}

static void test_time(void)
{
	volatile uint32_t spin = 0;
	uint64_t i0, i1, t0, t1;

	i0 = rd64(OFF(instret));
	t0 = rd64(OFF(time_ns));
	for (int k = 0; k < 1000; k++)
		spin += (uint32_t)k;
	i1 = rd64(OFF(instret));
	t1 = rd64(OFF(time_ns));
	check_true("instret_increases", i1 > i0);
	check_true("instret_counts_the_loop", i1 - i0 >= 1000);
	check_true("time_ns_advances", t1 > t0);
}

/* Exact retirement counts (DVA-1 section 6): a read of instret sees its value at the start of
 * the reading instruction, so two reads around k instructions differ by k + 1. */
static void test_instret_exact(void)
{
	uint32_t a, b, c, d;
	const char *s = "rep outsb counts once\n";

	__asm__ volatile("movl 0x48, %0\n\tnop\n\tnop\n\tnop\n\tmovl 0x48, %1"
			 : "=&r"(a), "=r"(b) : : "memory");
	check_u32("instret_three_nops", b - a, 4);

	__asm__ volatile("movl 0x48, %%ecx\n\trdtsc" : "=a"(a), "=d"(b), "=&c"(c) : : "memory");
	check_u32("rdtsc_reads_instret", a - c, 1);

	/* REP STOSB retires once per iteration; ten stores into a stack buffer. */
	{
		char buf[16];
		char *p = buf;
		uint32_t n = 10;
		__asm__ volatile("movl 0x48, %2\n\trep stosb\n\tmovl 0x48, %3"
				 : "+D"(p), "+c"(n), "=&r"(c), "=&r"(d)
				 : "a"(0)
				 : "memory");
		check_u32("instret_rep_stosb_per_iteration", d - c, 11);
		n = 0;
		__asm__ volatile("movl 0x48, %2\n\trep stosb\n\tmovl 0x48, %3"
				 : "+D"(p), "+c"(n), "=&r"(c), "=&r"(d)
				 : "a"(0)
				 : "memory");
		check_u32("instret_rep_count_zero_retires_once", d - c, 2);
	}

	/* REP OUTSB to the console is one operation and retires once. */
	{
		uint32_t n = (uint32_t)strlen(s);
		__asm__ volatile("movl 0x48, %2\n\trep outsb\n\tmovl 0x48, %3"
				 : "+S"(s), "+c"(n), "=&r"(c), "=&r"(d)
				 : "d"((uint16_t)DVA_PORT_CONSOLE)
				 : "memory");
		check_u32("instret_rep_outsb_console_once", d - c, 2);
	}
}

static void test_irq_mask(void)
{
	wr32(OFF(irq_mask), 0xFFFFFFFFu);
	check_u32("irq_mask_keeps_7_bits", rd32(OFF(irq_mask)), DVA_LINE_MASK);
	wr32(OFF(irq_mask), 0);
	check_u32("irq_mask_clears", rd32(OFF(irq_mask)), 0);
	wr8(OFF(irq_mask), 0x81);
	check_u32("irq_mask_byte_write", rd32(OFF(irq_mask)), 0x01);
	wr16(OFF(irq_mask) + 1, 0xFFFF); /* bits 8-23 only: all ignored */
	check_u32("irq_mask_high_bits_ignored", rd32(OFF(irq_mask)), 0x01);
	/* A write may straddle two RW fields: the top half of irq_pending (writing 0 clears
	 * nothing) and the bottom half of irq_mask. */
	wr32(OFF(irq_pending) + 2, 0x00550000u);
	check_u32("straddling_write_sets_mask", rd32(OFF(irq_mask)), 0x55);
	check_u32("straddling_write_leaves_pending", rd32(OFF(irq_pending)), 0);
	wr32(OFF(irq_mask), 0);
}

static void test_irq_enable(void)
{
	/* irq_mask is 0, so enabling cannot deliver an upcall (there is no vector table). */
	wr32(OFF(irq_enable), 5);
	check_u32("irq_enable_nonzero_stores_1", rd32(OFF(irq_enable)), 1);
	wr32(OFF(irq_enable), 0);
	check_u32("irq_enable_zero_stores_0", rd32(OFF(irq_enable)), 0);
	wr32(OFF(irq_enable), 0x80000000u);
	check_u32("irq_enable_high_bit_stores_1", rd32(OFF(irq_enable)), 1);
	wr8(OFF(irq_enable), 0);
	check_u32("irq_enable_byte_write_0", rd32(OFF(irq_enable)), 0);
}

static uint32_t console_status(void)
{
	uint32_t v;
	__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)DVA_PORT_CONSOLE_STATUS) : "memory");
	return v;
}

static char console_getc(void)
{
	uint8_t v;
	__asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"((uint16_t)DVA_PORT_CONSOLE) : "memory");
	return (char)v;
}

/* irq_pending is write-1-to-clear. A real pending bit comes from console input: run.sh feeds
 * expect/t_page0.in ("w1c\n") on standard input, which raises line 1. irq_enable stays 0, so the
 * line stays pending instead of being delivered. */
static void test_irq_pending(void)
{
	const uint32_t line = 1u << DVA_LINE_CONSOLE_IN;
	char got[16];
	size_t n = 0;

	wr32(OFF(irq_pending), 0xFFFFFFFFu);
	check_u32("irq_pending_write_1_never_sets", rd32(OFF(irq_pending)), 0);

	wr32(OFF(irq_mask), line); /* asks for input; IDLE wakes when the line rises */
	while ((rd32(OFF(irq_pending)) & line) == 0)
		dva_idle(DVA_IDLE_FOREVER);
	check_u32("console_input_raises_line", rd32(OFF(irq_pending)), line);
	wr32(OFF(irq_pending), 0);
	wr32(OFF(irq_pending), ~line);
	check_u32("irq_pending_write_0_keeps_line", rd32(OFF(irq_pending)), line);

	/* Drain the input to its end, so no later input can raise the line again. */
	for (;;) {
		uint32_t st = console_status();
		if ((st & ~DVA_CONSOLE_EOF) != 0) {
			char ch = console_getc();
			if (n < sizeof got - 1)
				got[n++] = ch;
		} else if (st & DVA_CONSOLE_EOF) {
			break;
		} else {
			dva_idle(DVA_IDLE_YIELD);
		}
	}
	got[n] = '\0';
	check_str("console_input_read", got, "w1c\n");
	wr8(OFF(irq_pending), line);
	check_u32("irq_pending_write_1_clears_line", rd32(OFF(irq_pending)), 0);
	wr32(OFF(irq_mask), 0);
}

static void test_vector_base(void)
{
	wr32(OFF(vector_base), 0x00012340u);
	check_u32("vector_base_rw", rd32(OFF(vector_base)), 0x00012340u);
	wr16(OFF(vector_base) + 2, 0xABCD);
	check_u32("vector_base_rw16_unaligned_half", rd32(OFF(vector_base)), 0xABCD2340u);
	wr32(OFF(vector_base), 0);
	check_u32("vector_base_cleared", rd32(OFF(vector_base)), 0);
}

int main(int argc, char **argv)
{
	check_u32("argc_without_args", (uint32_t)argc, 1);
	check_true("argv1_null_without_args", argv[1] == NULL);
	test_widths_agree();
	test_known_values();
	test_time();
	test_instret_exact();
	test_irq_mask();
	test_irq_enable();
	test_irq_pending();
	test_vector_base();

	/* Last: a write to a read-only register. No vector table, so #PF (error code 7) ends the
	 * VM with status 128 + 14; nothing after this line may print. */
	dva_puts("writing vm_id: the VM must end with #PF\n");
	wr32(OFF(vm_id), 1);
	dva_printf("FAIL vm_id_write_faults: the write was allowed, vm_id = %u\n", rd32(OFF(vm_id)));
	return 1;
}
