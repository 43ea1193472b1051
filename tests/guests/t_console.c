/* t_console.c - console output: putc, puts, write (REP OUTSB), OUTSB's registers, printf formats.
 *
 * Most of what this guest prints is checked by expect/t_console.out byte for byte; the register
 * effects of OUTSB and the formatter's return values are checked here.
 */
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"

#define LONG_LINES 64
#define LONG_LINE 80 /* 79 letters and a newline */

static char long_text[LONG_LINES * LONG_LINE];

/* REP OUTSB of n bytes at p with DF = df; reports ESI and ECX afterwards. */
static void rep_outsb(const char *p, uint32_t n, int df, uint32_t *esi, uint32_t *ecx)
{
	const char *s = p;
	uint32_t c = n;

	if (df)
		__asm__ volatile("std\n\trep outsb\n\tcld"
				 : "+S"(s), "+c"(c)
				 : "d"((uint16_t)DVA_PORT_CONSOLE)
				 : "memory", "cc");
	else
		__asm__ volatile("rep outsb"
				 : "+S"(s), "+c"(c)
				 : "d"((uint16_t)DVA_PORT_CONSOLE)
				 : "memory");
	*esi = (uint32_t)(uintptr_t)s;
	*ecx = c;
}

static void test_outsb(void)
{
	static const char text[] = "abcdef";
	const char *s = text;
	uint32_t esi, ecx, c = 77;

	dva_puts("rep outsb: [");
	rep_outsb(text, 6, 0, &esi, &ecx);
	dva_puts("]\n");
	check_u32("rep_outsb_advances_esi", esi, (uint32_t)(uintptr_t)(text + 6));
	check_u32("rep_outsb_leaves_ecx_zero", ecx, 0);

	dva_puts("rep outsb with DF=1: [");
	rep_outsb(text + 2, 3, 1, &esi, &ecx);
	dva_puts("]\n");
	check_u32("rep_outsb_backward_steps_esi_down", esi, (uint32_t)(uintptr_t)text - 1);

	/* Two single OUTSBs: each writes one byte and steps ESI; ECX is not involved. */
	dva_puts("outsb: [");
	__asm__ volatile("outsb\n\toutsb"
			 : "+S"(s), "+c"(c)
			 : "d"((uint16_t)DVA_PORT_CONSOLE)
			 : "memory");
	dva_puts("]\n");
	check_u32("outsb_steps_esi_by_one", (uint32_t)(uintptr_t)s, (uint32_t)(uintptr_t)(text + 2));
	check_u32("outsb_leaves_ecx", c, 77);
}

static void test_write(void)
{
	dva_puts("puts adds no newline|");
	dva_puts("");
	dva_putc('\n');
	dva_putc('p');
	dva_putc('u');
	dva_putc('t');
	dva_putc('c');
	dva_putc(0x100 | '\n'); /* OUT DX, AL writes AL only */

	/* Zero bytes write nothing, wherever ESI points: no byte is read, so nothing can fault. */
	dva_write("write: before|", 14);
	dva_write("XXXX", 0);
	dva_write((const void *)0xFFFFFFF0u, 0);
	dva_write("|after\n", 7);

	for (int i = 0; i < LONG_LINES; i++) {
		for (int j = 0; j < LONG_LINE - 1; j++)
			long_text[i * LONG_LINE + j] = (char)('a' + (i + j) % 26);
		long_text[i * LONG_LINE + LONG_LINE - 1] = '\n';
	}
	dva_write(long_text, sizeof long_text); /* 5120 bytes in one REP OUTSB */
}

static void test_printf(void)
{
	const char *volatile no_string = NULL; /* volatile: gcc would reject a literal NULL */
	int n;

	dva_printf("printf: [%d] [%i] [%u] [%x] [%X] [%c] [%s] [%p] [%%]\n", -42, 17, 4000000000u,
		   0xbeefu, 0xbeefu, 'q', "str", (void *)0x1234);
	dva_printf("width: [%5d] [%-5d] [%05d] [%05d] [%8s] [%-8s] [%3c] [%*d]\n", 42, 42, 42,
		   -42, "right", "left", 'c', 4, 7);
	dva_printf("lengths: [%ld] [%lu] [%lld] [%llu] [%llx] [%08llX] [%hhd] [%hu]\n",
		   -2147483647L - 1, 4294967295UL, -9223372036854775807LL - 1,
		   18446744073709551615ULL, 0x123456789abcdefULL, 0xabcULL, 0x1ff, 0x12345);
	dva_printf("zero: [%d] [%u] [%x] [%3d] [%03x] [%s]\n", 0, 0u, 0u, 0, 0u, no_string);

	n = dva_printf("%s\n", "twelve chars");
	check_u32("printf_returns_length", (uint32_t)n, 13);
	/* Longer than guestos's 128-byte printf buffer: flushed in pieces, in order. */
	n = dva_printf("[%-150s]\n", "padded");
	check_u32("printf_long_returns_length", (uint32_t)n, 153);
}

static void test_snprintf(void)
{
	char buf[32];
	int n;

	n = dva_snprintf(buf, sizeof buf, "%d-%05x-%s", -7, 0xabu, "z");
	check_str("snprintf_formats", buf, "-7-000ab-z");
	check_u32("snprintf_returns_length", (uint32_t)n, 10);
	n = dva_snprintf(buf, 5, "%s", "abcdefgh");
	check_str("snprintf_truncates", buf, "abcd");
	check_u32("snprintf_truncated_returns_full_length", (uint32_t)n, 8);
	buf[0] = 'K';
	n = dva_snprintf(buf, 0, "%u", 123456u);
	check_u32("snprintf_size0_writes_nothing", (uint32_t)(unsigned char)buf[0], 'K');
	check_u32("snprintf_size0_counts", (uint32_t)n, 6);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_write();
	test_outsb();
	test_printf();
	test_snprintf();
	return check_status();
}
