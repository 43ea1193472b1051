/* libc_param.h - tunables of guestos's C library (param.h holds the rest of guestos's). */
#ifndef GUESTOS_LIBC_PARAM_H
#define GUESTOS_LIBC_PARAM_H

/* Bytes below mem_size the heap leaves for main's stack (crt0 starts ESP at mem_size). Thread
 * stacks come from malloc, so only the initial thread uses this. */
#define GUESTOS_STACK_RESERVE (64u * 1024u)
#define GUESTOS_ATEXIT_MAX 32      /* functions atexit can register */
#define GUESTOS_GETCHAR_POLL_US 1000u /* getchar's IDLE between looks at an empty console */

#endif
