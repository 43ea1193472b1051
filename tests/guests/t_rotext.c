/* t_rotext.c - a store into the guest's own .text (read+execute only) raises #PF (status 142). */
#include "denali.h"

/* A function to overwrite; noinline and called once first, so its code also sits in the
 * emulator's decoded-instruction cache when the store comes. */
__attribute__((noinline)) static int victim(int x)
{
	return x + 1;
}

int main(int argc, char **argv)
{
	volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)&victim;

	(void)argv;
	dva_printf("victim(1) = %d\n", victim(argc));
	dva_puts("writing .text: the VM must end with #PF\n");
	*code = 0xC3; /* RET */
	dva_printf("FAIL text_write_faults: the store was allowed, victim(1) = %d\n", victim(argc));
	return 1;
}
