/* defs.h - guestos-internal functions shared between its files (the public API is denali.h). */
#ifndef GUESTOS_DEFS_H
#define GUESTOS_DEFS_H

/* start.c: called by crt0's _start on an aligned stack; builds argv, runs main, terminates. */
__attribute__((noreturn)) void dva_start(void);

#endif
