/* exit.c - program exit: atexit's functions, exit, _Exit, abort, and assert's failure report. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "denali.h"
#include "guestos/libc_param.h"

/* The functions atexit registered, in order, and how many. C requires room for 32. */
static void (*exit_fn[GUESTOS_ATEXIT_MAX])(void);
static int exit_count;

int atexit(void (*fn)(void))
{
	if (exit_count == GUESTOS_ATEXIT_MAX)
		return -1;
	exit_fn[exit_count++] = fn;
	return 0;
}

void exit(int status)
{
	/* Last registered first. Taking each off before calling it means a handler that calls exit
	 * again does not run itself twice. */
	while (exit_count > 0)
		exit_fn[--exit_count]();
	dva_terminate(status);
}

void _Exit(int status)
{
	dva_terminate(status);
}

void abort(void)
{
	dva_terminate(134); /* 128 + SIGABRT: what a shell reports for a process that aborted */
}

void dva_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	printf("assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
	abort();
}
