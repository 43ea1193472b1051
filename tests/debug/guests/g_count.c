/* g_count.c - the GDB stub's test guest (tests/debug/gdb.sh): a counter a watchpoint can catch,
 * a function to break in and step over, and on request an exception GDB sees as a signal.
 *
 *   args: ""       count to 3 in bump(), print, end with status 7
 *         "fault"  the same, then store to page 0's reserved word at 0x44 (#PF, SIGSEGV for GDB)
 */
#include <stdio.h>
#include <string.h>

#include "denali.h"

volatile int counter;

static void __attribute__((noinline)) bump(void)
{
	counter = counter + 1;
}

int main(int argc, char **argv)
{
	for (int i = 0; i < 3; i++)
		bump();
	printf("vm %u: counter %d\n", (unsigned)dva_page0.vm_id, counter);
	if (argc > 1 && !strcmp(argv[1], "fault"))
		dva_page0.reserved_44 = 1; /* a read-only field of page 0 */
	return 7;
}
