/* printf.c - the printf family: parsing conversions, integers and strings, the console and string
 * sinks (floating-point conversions are in printf_float.c). */
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "guestos/format.h"
#include "guestos/param.h"

void sink_put(struct sink *s, char ch)
{
	s->total++;
	if (s->len == s->cap) {
		if (!s->console)
			return;
		dva_write(s->buf, s->len);
		s->len = 0;
	}
	s->buf[s->len++] = ch;
}

void sink_repeat(struct sink *s, char ch, int n)
{
	for (; n > 0; n--)
		sink_put(s, ch);
}

void sink_chars(struct sink *s, const char *p, size_t n)
{
	for (; n > 0; n--)
		sink_put(s, *p++);
}

/* A string or character field: the n characters at p, padded to the width. */
static void put_field(struct sink *s, const char *p, size_t n, const struct spec *sp)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!sp->left)
		sink_repeat(s, ' ', pad);
	sink_chars(s, p, n);
	if (sp->left)
		sink_repeat(s, ' ', pad);
}

/* An integer field: spaces, then prefix (sign, 0x), zeros up to the precision (or across the
 * width with '0'), the digits of v in base, and spaces after with '-'. */
static void put_number(struct sink *s, uint64_t v, const char *prefix, unsigned base, int upper,
		       const struct spec *sp)
{
	const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 2^64 - 1 has 22 octal digits */
	int n = 0, zeros, pad, plen = (int)strlen(prefix), precision = sp->precision;

	/* 32-bit division whenever the value fits: 64-bit division is a libgcc call. */
	if (v <= UINT32_MAX) {
		for (uint32_t w = (uint32_t)v; w != 0; w /= base)
			tmp[n++] = digit[w % base];
	} else {
		for (; v != 0; v /= base)
			tmp[n++] = digit[v % base];
	}
	if (n == 0 && precision != 0)
		tmp[n++] = '0'; /* C: zero with precision 0 prints no digits */
	if (base == 8 && sp->alt && precision <= n && (n == 0 || tmp[n - 1] != '0'))
		precision = n + 1; /* C: '#' with %o raises the precision to give a leading 0 */

	zeros = precision > n ? precision - n : 0;
	pad = sp->width - plen - zeros - n;
	if (pad < 0)
		pad = 0;
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		sink_repeat(s, ' ', pad);
	sink_chars(s, prefix, (size_t)plen);
	sink_repeat(s, '0', zeros);
	while (n > 0)
		sink_put(s, tmp[--n]);
	if (sp->left)
		sink_repeat(s, ' ', pad);
}

static uint64_t arg_unsigned(va_list *ap, int length)
{
	switch (length) {
	case 8:
		return va_arg(*ap, unsigned long long);
	case 2:
		return (uint16_t)va_arg(*ap, unsigned int);
	case 1:
		return (uint8_t)va_arg(*ap, unsigned int);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(va_list *ap, int length)
{
	switch (length) {
	case 8:
		return va_arg(*ap, long long);
	case 2:
		return (int16_t)va_arg(*ap, int);
	case 1:
		return (int8_t)va_arg(*ap, int);
	default:
		return va_arg(*ap, int);
	}
}

/* %n: store the count so far through the pointer argument, at the length's width. */
static void store_count(va_list *ap, int length, size_t count)
{
	switch (length) {
	case 8:
		*va_arg(*ap, long long *) = (long long)count;
		break;
	case 2:
		*va_arg(*ap, short *) = (short)count;
		break;
	case 1:
		*va_arg(*ap, signed char *) = (signed char)count;
		break;
	default:
		*va_arg(*ap, int *) = (int)count;
		break;
	}
}

/* Parse flags, width, precision and length at *fmt (just past the '%'); '*' values come from ap. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1, .length = 4 };
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = 1;
		else if (*fmt == '0')
			sp->zero = 1;
		else if (*fmt == '+')
			sp->plus = 1;
		else if (*fmt == ' ')
			sp->space = 1;
		else if (*fmt == '#')
			sp->alt = 1;
		else
			break;
	}
	if (*fmt == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) { /* C: a negative '*' width is '-' and its magnitude */
			sp->left = 1;
			sp->width = -sp->width;
		}
		fmt++;
	} else {
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp->width = sp->width * 10 + (*fmt - '0');
	}
	if (*fmt == '.') {
		fmt++;
		sp->precision = 0;
		if (*fmt == '*') {
			sp->precision = va_arg(*ap, int);
			if (sp->precision < 0)
				sp->precision = -1; /* C: a negative '*' precision is none */
			fmt++;
		} else {
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				sp->precision = sp->precision * 10 + (*fmt - '0');
		}
	}
	if (fmt[0] == 'h' && fmt[1] == 'h') {
		sp->length = 1;
		fmt += 2;
	} else if (fmt[0] == 'l' && fmt[1] == 'l') {
		sp->length = 8;
		fmt += 2;
	} else if (fmt[0] == 'h') {
		sp->length = 2;
		fmt++;
	} else if (fmt[0] == 'j') {
		sp->length = 8; /* intmax_t is long long */
		fmt++;
	} else if (fmt[0] == 'L') {
		sp->length = 10;
		fmt++;
	} else if (fmt[0] == 'l' || fmt[0] == 'z' || fmt[0] == 't') {
		sp->length = 4; /* long, size_t and ptrdiff_t are 32 bits on DVA-1 */
		fmt++;
	}
	return fmt;
}

/* The sign a signed conversion shows: '-' for negatives, else '+' or ' ' if asked for. */
static const char *sign_prefix(int negative, const struct spec *sp)
{
	if (negative)
		return "-";
	return sp->plus ? "+" : sp->space ? " " : "";
}

/* Format fmt with ap into s; returns with everything produced counted in s->total. */
static void format(struct sink *s, const char *fmt, va_list *ap)
{
	struct spec sp;

	while (*fmt != '\0') {
		if (*fmt != '%') {
			sink_put(s, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, ap);
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(ap, sp.length);
			/* The magnitude of INT64_MIN does not fit int64_t, so negate as unsigned. */
			put_number(s, v < 0 ? -(uint64_t)v : (uint64_t)v, sign_prefix(v < 0, &sp), 10,
				   0, &sp);
			break;
		}
		case 'u':
			put_number(s, arg_unsigned(ap, sp.length), "", 10, 0, &sp);
			break;
		case 'o':
			put_number(s, arg_unsigned(ap, sp.length), "", 8, 0, &sp);
			break;
		case 'x':
		case 'X': {
			uint64_t v = arg_unsigned(ap, sp.length);
			const char *prefix = !sp.alt || v == 0 ? "" : *fmt == 'X' ? "0X" : "0x";
			put_number(s, v, prefix, 16, *fmt == 'X', &sp);
			break;
		}
		case 'p':
			sp.precision = 8; /* a DVA-1 address: always 8 hex digits */
			put_number(s, (uintptr_t)va_arg(*ap, void *), "0x", 16, 0, &sp);
			break;
		case 'c': {
			char ch = (char)va_arg(*ap, int);
			put_field(s, &ch, 1, &sp);
			break;
		}
		case 's': {
			const char *str = va_arg(*ap, const char *);
			size_t n = 0;
			if (str == NULL)
				str = "(null)";
			while (str[n] != '\0' && (sp.precision < 0 || n < (size_t)sp.precision))
				n++;
			put_field(s, str, n, &sp);
			break;
		}
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G': {
			/* A long double is rounded to double: the digit generator works on doubles. */
			double v = sp.length == 10 ? (double)va_arg(*ap, long double)
						   : va_arg(*ap, double);
			fmt_float(s, v, &sp, *fmt);
			break;
		}
		case 'n':
			store_count(ap, sp.length, s->total);
			break;
		case '%':
			sink_put(s, '%');
			break;
		case '\0':
			return; /* a lone '%' at the end: nothing to convert */
		default:
			sink_put(s, '%'); /* unknown conversion: print it as written, for visibility */
			sink_put(s, *fmt);
			break;
		}
		fmt++;
	}
}

int vprintf(const char *restrict fmt, va_list ap)
{
	char buf[GUESTOS_PRINTF_BUF];
	struct sink s = { .buf = buf, .cap = sizeof buf, .console = 1 };
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	dva_write(buf, s.len);
	return (int)s.total;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct sink s = { .buf = buf, .cap = size > 0 ? size - 1 : 0, .console = 0 };
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	if (size > 0)
		buf[s.len] = '\0';
	return (int)s.total;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, SIZE_MAX, fmt, ap); /* the caller promises the room */
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, SIZE_MAX, fmt, ap);
	va_end(ap);
	return n;
}

/* The dva_ names came first; guests written against denali.h keep using them. */
int dva_vprintf(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
}

int dva_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int dva_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int dva_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
