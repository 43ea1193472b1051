/* hello.c - the smallest useful guest: greets, shows its arguments, returns 0. */
#include "denali.h"

int main(int argc, char **argv)
{
	dva_printf("Hello from Denali VM %u!\n", (unsigned)dva_page0.vm_id);
	if (argc > 1) {
		dva_puts("args:");
		for (int i = 1; i < argc; i++)
			dva_printf(" %s", argv[i]);
		dva_putc('\n');
	}
	return 0;
}
