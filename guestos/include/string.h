/* string.h - memory and string functions (string.c; gcc may emit calls to the mem* ones). */
#ifndef GUESTOS_STRING_H
#define GUESTOS_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);  /* ASCII case folded */
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);

char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
/* Copies at most size - 1 bytes and a NUL (BSD); returns strlen(src). */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
char *strdup(const char *s);              /* malloc'd copy, NULL when memory runs out */
char *strndup(const char *s, size_t max); /* at most max bytes of s, plus a NUL */

/* Split s at runs of delim: the first call passes s, later ones NULL; *save holds the place. */
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
char *strtok(char *restrict s, const char *restrict delim); /* one hidden place: not reentrant */

char *strerror(int errnum); /* a fixed message for each errno.h value, "unknown error" otherwise */

#endif
