/* denali.h - the guest side of DVA-1 for C programs: page 0, the virtual instructions, console
 * (guestos.h adds interrupts, exceptions, timers and threads). */
#ifndef DENALI_GUEST_H
#define DENALI_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "denali_arch/dva.h"

/* The register page, at guest address 0 (a linker-defined symbol, so the compiler cannot treat
 * the access as a null dereference). */
extern volatile struct dva_regs dva_page0;

/* The general registers and EFLAGS as the emulator set them at entry (DVA-1 section 1), saved by
 * crt0 before anything else runs; indexed by enum dva_entry_reg (x86 register-number order). */
enum dva_entry_reg {
	DVA_ENTRY_EAX,
	DVA_ENTRY_ECX,
	DVA_ENTRY_EDX,
	DVA_ENTRY_EBX,
	DVA_ENTRY_ESP,
	DVA_ENTRY_EBP,
	DVA_ENTRY_ESI,
	DVA_ENTRY_EDI,
	DVA_ENTRY_EFLAGS,
	DVA_ENTRY_REGS,
};
extern uint32_t dva_entry_regs[DVA_ENTRY_REGS];

/* TERMINATE with status & 0xFF (the emulator ignores bits 8-31). */
__attribute__((noreturn)) void dva_terminate(int status);
/* IDLE for at most us microseconds (DVA_IDLE_FOREVER, DVA_IDLE_YIELD); returns 0 if woken by a
 * line, 1 on timeout or yield. */
uint32_t dva_idle(uint32_t us);

/* Console output (port 0xD000). */
void dva_putc(int ch);
void dva_write(const void *buf, size_t n); /* one REP OUTSB: the emulator writes it at once */
void dva_puts(const char *s); /* no newline added */
/* A tiny printf: %d %i %u %x %X %c %s %p %% with width (or '*'), '.' precision, '0' and '-'
 * flags, and 'hh' 'h' 'l' 'll' 'z' lengths. %p prints 0x and 8 hex digits. Returns the number of
 * characters produced. */
int dva_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dva_vprintf(const char *fmt, va_list ap);
/* The same into buf: at most size - 1 characters and a NUL (nothing when size is 0); returns the
 * length the whole output would have. */
int dva_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dva_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* The program: crt0 splits page 0's argument string at runs of spaces into argv (argv[0] =
 * "guest", at most GUESTOS_ARGV_MAX entries in all, argv[argc] = NULL); main's return value goes
 * to exit() (stdlib.h: atexit's functions run, then TERMINATE with status & 0xFF). Programs that
 * link guestos's OS layer (irq.h, trap.h, timer.h, thread.h, sync.h) get its vector table and
 * irq_enable = 1 before main; the rest start main on the bare machine of DVA-1 section 1. */
int main(int argc, char **argv);

#endif
