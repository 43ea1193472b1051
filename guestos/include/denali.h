/* denali.h - the guest side of DVA-1 for C programs: page 0, the virtual instructions, console. */
#ifndef DENALI_GUEST_H
#define DENALI_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "denali_arch/dva.h"

/* The register page, at guest address 0 (a linker-defined symbol, so the compiler cannot treat
 * the access as a null dereference). */
extern volatile struct dva_regs dva_page0;

/* TERMINATE with status & 0xFF. */
__attribute__((noreturn)) void dva_terminate(int status);
/* IDLE for at most us microseconds (DVA_IDLE_FOREVER, DVA_IDLE_YIELD); returns 0 if woken by a
 * line, 1 on timeout or yield. */
uint32_t dva_idle(uint32_t us);

/* Console output (port 0xD000). */
void dva_putc(int ch);
void dva_write(const void *buf, size_t n);
void dva_puts(const char *s); /* no newline added */
/* A tiny printf: %d %i %u %x %X %c %s %p %% with width, '0' and '-' flags, 'l' and 'll'. */
int dva_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dva_vprintf(const char *fmt, va_list ap);

/* The program: crt0 splits page 0's argument string at spaces into argv (argv[0] = "guest") and
 * terminates with main's return value. */
int main(int argc, char **argv);

#endif
