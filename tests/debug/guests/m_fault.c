/* m_fault.c - a read past the end of memory with no handler installed (tests/debug/monitor.sh):
 * #PF, which the monitor's run holds for inspection instead of ending the VM. It prints
 * "before" first and "after" if the read ever returns. */
#include <stdint.h>
#include <stdio.h>

#include "denali.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("before\n");
	uint32_t v = *(volatile uint32_t *)0xFFFFFFF0u;
	printf("after %u\n", (unsigned)v);
	return 0;
}
