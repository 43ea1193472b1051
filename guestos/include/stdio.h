/* stdio.h - formatted output and character I/O over the console (there are no files or FILE). */
#ifndef GUESTOS_STDIO_H
#define GUESTOS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* printf.c: conversions d i u o x X c s p % f F e E g G (and n), flags - + space # 0, width and
 * precision (or '*'), lengths hh h l ll j z t L. Differences from glibc: %p prints 0x and
 * 8 hex digits, and %Lf/%Le/%Lg round the long double to double first. Output of one call goes
 * to the console in as few REP OUTSBs as GUESTOS_PRINTF_BUF allows; nothing is kept buffered
 * between calls, so there is nothing to flush. */
int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);

/* stdio.c */
int putchar(int c);
int puts(const char *s); /* s and a newline */
/* The next console input byte, waiting for one (IDLE) while none has arrived; EOF once the input
 * has ended. */
int getchar(void);

#endif
