/* t_terminate.c - main's return value becomes the VM's exit status (expect status 42). */
#include "denali.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	dva_puts("t_terminate: returning 42 from main\n");
	return 42;
}
