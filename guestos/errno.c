/* errno.c - where errno lives: one int for the program, unless a thread package brings its own. */
#include <errno.h>

/* Weak, so a thread package's strong dva_errno_location (one errno per thread) replaces it. */
__attribute__((weak)) int *dva_errno_location(void)
{
	static int value; /* the program's errno: C makes it one hidden lvalue */

	return &value;
}
