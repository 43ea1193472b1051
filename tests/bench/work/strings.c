/* strings.c - the string workload: copies and searches over a 256 KiB text, both with the REP
 * string instructions (REP MOVSD/MOVSB, REPNE SCASB, REPE CMPSB, REP STOSD, written in inline
 * assembly so both builds run exactly these) and with plain byte loops, SIZE rounds.
 */
#define WORK_NAME "strings"
#define WORK_SIZE 20
#include "tests/bench/work/bench.h"

#define TEXT_BYTES (256u * 1024u)
#define WORD_MAX 8u

static char text[TEXT_BYTES + 1];
static char copy[TEXT_BYTES + 64];

/* The REP count is ECX in 32-bit code and RCX in 64-bit code (the x86-64 native build): each
 * count handed to the assembly is an unsigned long, the register's width on both, so no upper
 * half is left to chance. */

/* REP MOVSD for the whole words, then REP MOVSB for the rest (as a C library's memcpy). */
static void rep_copy(void *dst, const void *src, uint32_t n)
{
	unsigned long words = n / 4;
	uint32_t bytes = n % 4;
	__asm__ volatile("rep movsl\n\t"
			 "movl %3, %%ecx\n\t"
			 "rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(words)
			 : "r"(bytes)
			 : "memory");
}

/* REP STOSD: n / 4 words of v. */
static void rep_fill(void *dst, uint32_t v, uint32_t n)
{
	unsigned long words = n / 4;
	__asm__ volatile("rep stosl" : "+D"(dst), "+c"(words) : "a"(v) : "memory");
}

/* REPNE SCASB: the length of the NUL-terminated s. */
static uint32_t rep_strlen(const char *s)
{
	unsigned long left = 0xFFFFFFFFu;
	__asm__ volatile("repne scasb" : "+D"(s), "+c"(left) : "a"(0) : "memory", "cc");
	return (uint32_t)(0xFFFFFFFEu - left);
}

/* Occurrences of the m-byte pat in the n-byte s: REPNE SCASB finds the first byte, REPE CMPSB
 * compares the rest. */
static uint32_t rep_count(const char *s, uint32_t n, const char *pat, uint32_t m)
{
	uint32_t found = 0;
	const char *end = s + n - m + 1;
	while (s < end) {
		unsigned long left = (unsigned long)(end - s);
		__asm__ volatile("repne scasb" : "+D"(s), "+c"(left) : "a"(pat[0]) : "memory", "cc");
		if (s[-1] != pat[0])
			break; /* ran out: the last byte scanned was not a match */
		const char *a = s, *b = pat + 1;
		unsigned long k = m - 1;
		uint8_t equal = 1;
		if (k)
			__asm__ volatile("repe cmpsb\n\tsete %3"
					 : "+S"(a), "+D"(b), "+c"(k), "=q"(equal)
					 :
					 : "memory", "cc");
		found += equal;
	}
	return found;
}

/* The same count with byte loops. */
static uint32_t loop_count(const char *s, uint32_t n, const char *pat, uint32_t m)
{
	uint32_t found = 0;
	for (uint32_t i = 0; i + m <= n; i++) {
		uint32_t j = 0;
		while (j < m && s[i + j] == pat[j])
			j++;
		found += j == m;
	}
	return found;
}

/* A byte-at-a-time copy up to and including the NUL; returns the bytes copied. */
static uint32_t loop_strcpy(char *d, const char *s)
{
	const char *start = s;
	while ((*d++ = *s++) != 0)
		;
	return (uint32_t)(s - start);
}

static uint32_t work(uint32_t size)
{
	static const char *const pats[] = { "the", "and", "ion", "qzx", "e t", "sand" };
	uint32_t seed = 0xC0FFEEu, h = 0;
	/* Text: words of 1 to WORD_MAX letters from a skewed alphabet, separated by spaces. */
	static const char letters[] = "etaoinshrdlucmfwypvbgkjqxz";
	for (uint32_t i = 0; i < TEXT_BYTES;) {
		uint32_t len = 1 + bench_rand(&seed) % WORD_MAX;
		for (uint32_t k = 0; k < len && i < TEXT_BYTES; k++) {
			uint32_t r = bench_rand(&seed);
			text[i++] = letters[(r & 15) + ((r >> 4) & 3) * ((r >> 6) & 3)];
		}
		if (i < TEXT_BYTES)
			text[i++] = ' ';
	}
	text[TEXT_BYTES] = 0;
	for (uint32_t r = 0; r < size; r++) {
		uint32_t off = r % 61u; /* a changing alignment for the copies */
		rep_fill(copy, 0x20202020u * (r & 1), sizeof copy);
		rep_copy(copy + off, text, TEXT_BYTES + 1);
		h = h * 33u + rep_strlen(copy + off);
		h = h * 33u + loop_strcpy(copy + (off ^ 7), text + r);
		const char *pat = pats[r % 6];
		uint32_t m = rep_strlen(pat);
		h = h * 33u + rep_count(copy + (off ^ 7), TEXT_BYTES - r, pat, m);
		h = h * 33u + loop_count(text, TEXT_BYTES, pats[(r + 1) % 6], rep_strlen(pats[(r + 1) % 6]));
		text[(h >> 3) % TEXT_BYTES] = letters[h % 26]; /* the next round sees other text */
	}
	return h;
}
