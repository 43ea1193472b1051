/* t_terminate_nested.c - TERMINATE from deep in the call stack ends the VM there (status 7). */
#include "denali.h"

/* noinline: the TERMINATE must really run three frames below main. */
__attribute__((noinline)) static void level3(void)
{
	/* EAX & 0xFF is the status: bits 8-31 are ignored, so 0x1007 ends with 7. */
	dva_puts("level3: TERMINATE with EAX = 0x1007\n");
	dva_terminate(0x1007);
}

__attribute__((noinline)) static void level2(void)
{
	level3();
}

__attribute__((noinline)) static int level1(void)
{
	level2();
	return 1;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	dva_puts("t_terminate_nested: calling down three levels\n");
	level1();
	dva_puts("FAIL still running after TERMINATE\n");
	return 1;
}
