/* stdlib.h - memory allocation, number parsing, sorting, pseudo-random numbers, program exit. */
#ifndef GUESTOS_STDLIB_H
#define GUESTOS_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

/* malloc.c: a heap from the end of the image (_end) to mem_size minus a stack reserve
 * (GUESTOS_STACK_RESERVE). Blocks are 16-byte aligned. Safe to call from interrupt handlers'
 * interrupted code: each call runs with virtual interrupts off. */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);

/* strtol.c: C's rules (leading space, sign, base 0 = 0x/0/decimal prefixes, bases 2-36). On
 * overflow they return the limit and set errno = ERANGE; endptr gets the first unused char. */
long strtol(const char *restrict s, char **restrict endptr, int base);
unsigned long strtoul(const char *restrict s, char **restrict endptr, int base);
long long strtoll(const char *restrict s, char **restrict endptr, int base);
unsigned long long strtoull(const char *restrict s, char **restrict endptr, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

/* qsort.c: qsort is a heapsort (no recursion, n log n at worst, not stable). */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/* rand.c: one generator per program, seeded 1 until srand. rand_r keeps its state in *state. */
int rand(void);
void srand(unsigned seed);
int rand_r(unsigned *state);

int abs(int v);
long labs(long v);
long long llabs(long long v);
typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);

/* exit.c: exit runs the atexit functions, last registered first, then TERMINATEs with
 * status & 0xFF. abort TERMINATEs with 134 (128 + SIGABRT, as a shell reports it). */
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void _Exit(int status);
__attribute__((noreturn)) void abort(void);
int atexit(void (*fn)(void)); /* 0, or -1 when GUESTOS_ATEXIT_MAX are registered */

#endif
