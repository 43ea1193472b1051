/* format.h - printf's internals shared by printf.c (integers, strings) and printf_float.c. */
#ifndef GUESTOS_FORMAT_H
#define GUESTOS_FORMAT_H

#include <stddef.h>

/* Where formatted characters go. The console sink gathers them in buf and writes each full buffer
 * with one REP OUTSB; a string sink stores what fits in the caller's array and counts the rest. */
struct sink {
	char *buf;    /* output area */
	size_t cap;   /* characters buf can take (a string sink keeps one more byte for the NUL) */
	size_t len;   /* characters in buf now */
	size_t total; /* characters produced in all: the return value */
	int console;  /* 1: flush buf to the console when full; 0: drop what does not fit */
};

/* One conversion specification: %[flags][width][.precision][length]conv. */
struct spec {
	int left;      /* '-': pad on the right */
	int zero;      /* '0': pad numbers with zeros after the sign or 0x */
	int plus;      /* '+': a '+' before non-negative signed numbers */
	int space;     /* ' ': a space there instead (when no '+') */
	int alt;       /* '#': 0 / 0x prefixes, and a '.' kept by %e %f %g, zeros kept by %g */
	int width;     /* minimum field width, 0 for none */
	int precision; /* integers: minimum digits; %s: maximum characters; floats: digits after
			* the point (%g: significant digits); -1 for none */
	int length;    /* bytes of the argument: 1 (hh), 2 (h), 4 (none, l, z, t), 8 (ll, j),
			* 10 for L (long double) */
};

void sink_put(struct sink *s, char ch);
void sink_repeat(struct sink *s, char ch, int n);
void sink_chars(struct sink *s, const char *p, size_t n);

/* printf_float.c: %f %F %e %E %g %G of v (conv is the letter) with sp's flags. The digits are
 * exact: the decimal expansion of the double, rounded half to even at the precision, as glibc
 * prints in the default rounding mode. */
void fmt_float(struct sink *s, double v, const struct spec *sp, char conv);

#endif
