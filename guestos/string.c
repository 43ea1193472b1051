/* string.c - memory and string functions (freestanding gcc may emit calls to the mem* ones). */
#include <string.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* The mem* functions use REP string instructions: one emulator handler loops over the whole
 * range, and gcc cannot turn them back into calls to themselves. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		return memcpy(dst, src, n); /* dst below src, or no overlap: copy forward */
	/* dst overlaps the tail of src: copy backward from the last byte, then restore DF = 0. */
	const char *s = (const char *)src + n - 1;
	char *d = (char *)dst + n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory", "cc");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q)
		p++, q++;
	return (*p > *q) - (*p < *q);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (*p == '\0')
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* ASCII only: the "C" locale. */
static int fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int strcasecmp(const char *a, const char *b)
{
	return strncasecmp(a, b, SIZE_MAX);
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		int x = fold(*p), y = fold(*q);
		if (x != y)
			return x < y ? -1 : 1;
		if (x == '\0')
			break;
	}
	return 0;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

/* The naive search: each start is tried against the needle. Worst case len(h) * len(n), which
 * guests' short needles never approach; its merit is having no table to get wrong. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return (char *)haystack;
	for (; *haystack != '\0'; haystack++)
		if (*haystack == *needle && strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return NULL;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] != '\0' && strchr(accept, s[n]) != NULL)
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	/* strchr finds the NUL of reject too, so test s[n] first. */
	while (s[n] != '\0' && strchr(reject, s[n]) == NULL)
		n++;
	return n;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s != '\0' ? (char *)s : NULL;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

/* C's strncpy: copies at most n bytes and pads with NULs to n; no NUL when src is that long. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst;
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *end = dst + strlen(dst);
	size_t len = strnlen(src, n);

	memcpy(end, src, len);
	end[len] = '\0';
	return dst;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strdup(const char *s)
{
	return strndup(s, SIZE_MAX);
}

char *strndup(const char *s, size_t max)
{
	size_t len = strnlen(s, max);
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
	char *end;

	if (s == NULL)
		s = *save;
	s += strspn(s, delim); /* skip the delimiters before the token */
	if (*s == '\0') {
		*save = s;
		return NULL;
	}
	end = s + strcspn(s, delim);
	if (*end != '\0')
		*end++ = '\0'; /* end the token; the next search starts after it */
	*save = end;
	return s;
}

char *strtok(char *restrict s, const char *restrict delim)
{
	/* C gives strtok one hidden position; a guest is one program, so a static is that state. */
	static char *place;

	return strtok_r(s, delim, &place);
}

/* The messages of the errno.h values, indexed by number (designated initializers). */
static const char *const error_text[] = {
	[0] = "no error",
	[EPERM] = "operation not permitted",
	[ENOENT] = "no such file or directory",
	[EINTR] = "interrupted",
	[EIO] = "input/output error",
	[EBADF] = "bad file descriptor",
	[EAGAIN] = "resource temporarily unavailable",
	[ENOMEM] = "out of memory",
	[EFAULT] = "bad address",
	[EBUSY] = "device or resource busy",
	[EEXIST] = "already exists",
	[EINVAL] = "invalid argument",
	[ENOSPC] = "no space left on device",
	[EDOM] = "argument out of domain",
	[ERANGE] = "result out of range",
	[ENOSYS] = "function not implemented",
	[ETIMEDOUT] = "timed out",
};

char *strerror(int errnum)
{
	if (errnum >= 0 && (size_t)errnum < sizeof error_text / sizeof error_text[0] &&
	    error_text[errnum] != NULL)
		return (char *)error_text[errnum];
	return (char *)"unknown error";
}
