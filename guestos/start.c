/* start.c - the C half of program start: page 0's argument string becomes argc/argv for main. */
#include <stdlib.h>

#include "denali.h"
#include "guestos/defs.h"
#include "guestos/param.h"

uint32_t dva_entry_regs[DVA_ENTRY_REGS];

/* A private copy of the argument string (page 0 is read-only, and argv's words need their NULs),
 * and the argv array built over it. Filled once, before main. */
static char arg_copy[DVA_ARGS_MAX + 1];
static char *arg_vector[GUESTOS_ARGV_MAX + 1];
static char arg0[] = "guest";

/* trap.c's os_init, if the program links guestos's interrupt layer at all (a weak reference:
 * a program using only the console keeps the bare machine DVA-1 describes). */
extern void os_init(void) __attribute__((weak));

/* Split s in place at runs of spaces into words appended to argv from index 1; returns argc. */
static int split_args(char *s, char **argv)
{
	int argc = 1;

	while (argc < GUESTOS_ARGV_MAX) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		argv[argc++] = s;
		while (*s != ' ' && *s != '\0')
			s++;
		if (*s == '\0')
			break;
		*s++ = '\0';
	}
	return argc;
}

void dva_start(void)
{
	size_t i;
	int argc;

	/* Byte by byte: page 0 is volatile, and the emulator guarantees a NUL within 256 bytes, but
	 * a bound costs nothing. */
	for (i = 0; i < DVA_ARGS_MAX; i++) {
		arg_copy[i] = dva_page0.args[i];
		if (arg_copy[i] == '\0')
			break;
	}
	arg_copy[i] = '\0';

	arg_vector[0] = arg0;
	argc = split_args(arg_copy, arg_vector);
	arg_vector[argc] = NULL;
	if (os_init)
		os_init();
	os_exit(main(argc, arg_vector));
}

void os_exit(int status)
{
	exit(status); /* atexit's functions, then TERMINATE */
}
