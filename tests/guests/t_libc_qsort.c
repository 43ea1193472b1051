/* t_libc_qsort.c - qsort and bsearch against glibc; expect/t_libc_qsort.out is this file built
 * natively (tests/guests/libc_expect.sh).
 *
 * qsort need not be stable, so every comparison here is a total order on the whole element and
 * any correct sort prints the same. Inputs come from a local LCG (not rand(), whose sequence is
 * the library's own): sizes 0, 1, 2, 3 and up to 1000, already sorted, reversed, all equal, many
 * duplicates, and elements of 1, 3 (odd, not a word), 4, 12 and 20 bytes. Each sorted array is
 * printed as its length, a checksum of positions and values, and its ends; the guest also checks
 * order and that the multiset is unchanged. bsearch looks up every value present and some
 * absent; with duplicates it may return any equal element, so the key it found is printed, not
 * its index.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_N 1000

struct rec {
	uint32_t key;  /* primary */
	uint32_t tag;  /* tie-break, so the order is total */
	uint32_t data; /* carried along: must move with its key */
};

struct wide {
	uint8_t b[20]; /* compared as a byte string */
};

static uint32_t seed;
static int ints[MAX_N], copy[MAX_N];
static struct rec recs[MAX_N];
static uint8_t triples[MAX_N][3];
static struct wide wides[300];
static unsigned char bytes[257];

static uint32_t next(void)
{
	seed = seed * 1664525u + 1013904223u;
	return seed >> 8;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->tag > y->tag) - (x->tag < y->tag);
}

static int cmp_triple(const void *a, const void *b)
{
	return memcmp(a, b, 3);
}

static int cmp_wide(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct wide));
}

static int cmp_byte(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* A checksum that depends on every value and its position. */
static uint32_t mix(uint32_t h, uint32_t v)
{
	return (h ^ v) * 16777619u;
}

static void ints_case(const char *name, int n, int kind)
{
	uint32_t h = 2166136261u;
	int ok = 1;
	long long sum_before = 0, sum_after = 0;

	for (int i = 0; i < n; i++) {
		switch (kind) {
		case 0: ints[i] = (int)next() - (1 << 23); break; /* random, signed */
		case 1: ints[i] = i * 3; break;                   /* sorted */
		case 2: ints[i] = n - i; break;                   /* reversed */
		case 3: ints[i] = 7; break;                       /* all equal */
		default: ints[i] = (int)(next() % 5); break;      /* many duplicates */
		}
		sum_before += ints[i];
	}
	memcpy(copy, ints, sizeof(int) * (size_t)n);
	qsort(ints, (size_t)n, sizeof(int), cmp_int);
	for (int i = 0; i < n; i++) {
		h = mix(h, (uint32_t)ints[i]);
		sum_after += ints[i];
		if (i > 0 && ints[i - 1] > ints[i])
			ok = 0;
	}
	printf("%s n=%d sorted=%d sum=%s hash=%08x", name, n, ok,
	       sum_before == sum_after ? "same" : "DIFFERENT", (unsigned)h);
	if (n > 0)
		printf(" first=%d last=%d", ints[0], ints[n - 1]);
	printf("\n");

	/* Every original value is found, and finds an equal key; values between are absent. */
	int found = 0, absent = 0;
	for (int i = 0; i < n; i++) {
		int *p = bsearch(&copy[i], ints, (size_t)n, sizeof(int), cmp_int);
		if (p != NULL && *p == copy[i])
			found++;
		int probe = copy[i] * 2 + 1000001; /* odd and shifted: seldom present */
		if (bsearch(&probe, ints, (size_t)n, sizeof(int), cmp_int) == NULL)
			absent++;
	}
	printf("  bsearch found %d/%d, probes absent %d\n", found, n, absent);
}

int main(void)
{
	static const char *const kinds[] = { "random", "sorted", "reversed", "equal", "dups" };
	static const int sizes[] = { 0, 1, 2, 3, 7, 16, 100, 1000 };

	seed = 12345;
	for (int k = 0; k < 5; k++)
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
			ints_case(kinds[k], sizes[s], k);

	/* 12-byte records: data must follow its key. */
	for (int i = 0; i < MAX_N; i++) {
		recs[i].key = next() % 50;
		recs[i].tag = (uint32_t)i;
		recs[i].data = recs[i].key * 1000 + (uint32_t)i;
	}
	qsort(recs, MAX_N, sizeof(struct rec), cmp_rec);
	uint32_t h = 2166136261u;
	int ok = 1;
	for (int i = 0; i < MAX_N; i++) {
		h = mix(mix(h, recs[i].key), recs[i].tag);
		if (recs[i].data != recs[i].key * 1000 + recs[i].tag ||
		    (i > 0 && cmp_rec(&recs[i - 1], &recs[i]) > 0))
			ok = 0;
	}
	printf("records: ok=%d hash=%08x first=%u/%u last=%u/%u\n", ok, (unsigned)h, recs[0].key,
	       recs[0].tag, recs[MAX_N - 1].key, recs[MAX_N - 1].tag);
	struct rec key = recs[MAX_N / 2];
	struct rec *r = bsearch(&key, recs, MAX_N, sizeof(struct rec), cmp_rec);
	printf("records: bsearch middle -> %d\n", r == NULL ? -1 : (int)(r - recs));

	/* 3-byte elements: the swap's byte tail. */
	for (int i = 0; i < MAX_N; i++)
		for (int j = 0; j < 3; j++)
			triples[i][j] = (uint8_t)(next() % 4);
	qsort(triples, MAX_N, 3, cmp_triple);
	h = 2166136261u;
	for (int i = 0; i < MAX_N; i++)
		h = mix(h, (uint32_t)(triples[i][0] << 16 | triples[i][1] << 8 | triples[i][2]));
	printf("triples: hash=%08x\n", (unsigned)h);

	/* 20-byte elements: five words per swap. */
	for (int i = 0; i < 300; i++)
		for (int j = 0; j < 20; j++)
			wides[i].b[j] = (uint8_t)(j < 18 ? next() % 3 : next());
	qsort(wides, 300, sizeof(struct wide), cmp_wide);
	h = 2166136261u;
	for (int i = 0; i < 300; i++)
		for (int j = 0; j < 20; j++)
			h = mix(h, wides[i].b[j]);
	printf("wide: hash=%08x\n", (unsigned)h);

	/* 1-byte elements: every byte value, shuffled, sorts to 0..255 (plus one duplicate). */
	for (int i = 0; i < 256; i++)
		bytes[i] = (unsigned char)(i * 167 + 13);
	bytes[256] = 200;
	qsort(bytes, 257, 1, cmp_byte);
	printf("bytes:");
	for (int i = 195; i < 205; i++)
		printf(" %d", bytes[i]);
	printf(" ends %d %d\n", bytes[0], bytes[256]);
	unsigned char probe = 77;
	unsigned char *pb = bsearch(&probe, bytes, 257, 1, cmp_byte);
	printf("bytes: bsearch 77 -> %d\n", pb == NULL ? -1 : (int)(pb - bytes));
	return 0;
}
