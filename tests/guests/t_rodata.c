/* t_rodata.c - a store to a const object in .rodata (a PT_LOAD without PF_W) raises #PF.
 *
 * No handler is installed, so the VM ends with status 128 + 14 = 142 after the first line.
 */
#include "denali.h"
#include "tests/guests/check.h"

static const uint32_t answer = 42;

int main(int argc, char **argv)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)&answer;

	(void)argc;
	(void)argv;
	check_u32("rodata_reads", *p, 42);
	dva_puts("writing .rodata: the VM must end with #PF\n");
	*p = 7;
	dva_printf("FAIL rodata_write_faults: the store was allowed, now %u\n", *p);
	return 1;
}
