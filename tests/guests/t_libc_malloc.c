/* t_libc_malloc.c - malloc, free, calloc, realloc under stress, with an overlap and leak checker.
 *
 * A pseudo-random run of allocations, frees and reallocs over a table of live blocks. Each block
 * is filled with a pattern of its own (slot and generation), checked before it is freed or
 * moved, so a block that overlaps another, or that realloc did not copy, shows up as a wrong
 * byte; each new block is also compared against every live one for overlap, alignment and heap
 * bounds. heap_check (malloc.h) walks the heap at intervals, and at the end, once everything is
 * freed, the heap must be one free block as big as the heap: nothing leaked, all coalesced.
 */
#include <malloc.h>
#include <stdint.h>
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"

#define SLOTS 256
#define OPS 12000
#define CHECK_EVERY 1000

extern char _end[];

struct block {
	uint8_t *p;    /* NULL when the slot is empty */
	size_t size;   /* bytes asked for */
	uint8_t seed;  /* the pattern: byte i is seed + i * 7 */
};

static struct block live[SLOTS];
static uint32_t rng = 0x2545F491u;
static unsigned bad_pattern, bad_overlap, bad_align, bad_bounds, bad_null;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Mostly small, some medium, a few large: the mix a program makes. */
static size_t pick_size(void)
{
	uint32_t r = next() % 100;

	if (r < 60)
		return next() % 65;
	if (r < 95)
		return next() % 2048;
	return next() % 65536;
}

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->size; i++)
		b->p[i] = (uint8_t)(b->seed + i * 7);
}

/* 1 when the first n bytes still hold the block's pattern. */
static int intact(const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != (uint8_t)(b->seed + i * 7))
			return 0;
	return 1;
}

/* A new block of size at p (slot s): aligned, inside the heap, overlapping no live block. */
static void vet(const uint8_t *p, size_t size, int s)
{
	uintptr_t a = (uintptr_t)p;

	if (a % 16 != 0)
		bad_align++;
	if (a < (uintptr_t)_end || a + size > dva_page0.mem_size ||
	    malloc_usable_size((void *)p) < size)
		bad_bounds++;
	for (int i = 0; i < SLOTS; i++) {
		const struct block *o = &live[i];
		if (i == s || o->p == NULL)
			continue;
		/* Blocks of size 0 still occupy a byte: they must be distinct pointers. */
		size_t n = size > 0 ? size : 1, m = o->size > 0 ? o->size : 1;
		if (a < (uintptr_t)o->p + m && (uintptr_t)o->p < a + n)
			bad_overlap++;
	}
}

static int live_count(void)
{
	int n = 0;

	for (int i = 0; i < SLOTS; i++)
		n += live[i].p != NULL;
	return n;
}

static void stress(void)
{
	struct heap_stats st;
	unsigned heap_bad = 0, count_bad = 0;

	for (int op = 1; op <= OPS; op++) {
		int s = (int)(next() % SLOTS);
		struct block *b = &live[s];

		if (b->p == NULL) {
			b->size = pick_size();
			b->p = malloc(b->size);
			if (b->p == NULL) {
				bad_null++;
				continue;
			}
			b->seed = (uint8_t)next();
			vet(b->p, b->size, s);
			fill(b);
		} else if (next() % 3 == 0) {
			size_t size = pick_size(), keep = size < b->size ? size : b->size;
			uint8_t *q = realloc(b->p, size);
			if (q == NULL && size != 0) {
				bad_null++;
				continue;
			}
			b->p = q;
			if (q == NULL) { /* realloc to 0 freed it */
				b->size = 0;
				continue;
			}
			if (!intact(b, keep))
				bad_pattern++;
			b->size = size;
			vet(b->p, b->size, s);
			b->seed = (uint8_t)next();
			fill(b);
		} else {
			if (!intact(b, b->size))
				bad_pattern++;
			free(b->p);
			b->p = NULL;
		}
		if (op % CHECK_EVERY == 0) {
			if (heap_check(&st) != 0)
				heap_bad++;
			else if (st.used_blocks != (size_t)live_count())
				count_bad++;
		}
	}
	check_u32("stress_patterns_intact", bad_pattern, 0);
	check_u32("stress_no_overlap", bad_overlap, 0);
	check_u32("stress_aligned_16", bad_align, 0);
	check_u32("stress_inside_heap_and_big_enough", bad_bounds, 0);
	check_u32("stress_no_failed_allocation", bad_null, 0);
	check_u32("stress_heap_consistent", heap_bad, 0);
	check_u32("stress_used_blocks_match_live", count_bad, 0);

	for (int i = 0; i < SLOTS; i++) {
		if (live[i].p != NULL && !intact(&live[i], live[i].size))
			bad_pattern++;
		free(live[i].p);
		live[i].p = NULL;
	}
	check_u32("final_patterns_intact", bad_pattern, 0);
	check_u32("final_heap_consistent", (uint32_t)heap_check(&st), 0);
	check_u32("final_no_used_blocks", st.used_blocks, 0);
	check_u32("final_one_free_block", st.free_blocks, 1);
	check_true("final_free_block_is_whole_heap",
		   st.free_bytes == st.heap_bytes && st.largest_free == st.heap_bytes);
}

static void edges(void)
{
	struct heap_stats st;
	uint8_t *p, *q;
	int zeros = 1;

	p = malloc(0);
	q = malloc(0);
	check_true("malloc0_gives_distinct_pointers", p != NULL && q != NULL && p != q);
	free(p);
	free(q);
	free(NULL); /* allowed, does nothing */

	/* calloc zeroes memory that was dirty before: the block freed just now is reused. */
	p = malloc(1000);
	memset(p, 0xAA, 1000);
	free(p);
	q = calloc(250, 4);
	for (int i = 0; i < 1000; i++)
		zeros &= q[i] == 0;
	check_true("calloc_zeroes", q != NULL && zeros);
	free(q);
	check_true("calloc_overflow_fails", calloc(0x10000, 0x10001) == NULL);
	check_true("malloc_more_than_memory_fails", malloc(dva_page0.mem_size) == NULL);
	check_true("malloc_size_max_fails", malloc(SIZE_MAX) == NULL);

	/* realloc: NULL acts as malloc; shrinking stays in place; growing into a freed neighbour
	 * stays in place; growing past an allocated one moves and copies. */
	p = realloc(NULL, 100);
	check_true("realloc_null_allocates", p != NULL);
	memset(p, 0x5C, 100);
	q = realloc(p, 40);
	check_true("realloc_shrink_in_place", q == p);
	uint8_t *r = malloc(64), *t;
	free(r); /* leaves free room right above p's block */
	t = realloc(p, 90);
	check_true("realloc_grow_into_free_neighbour_in_place", t == p && t[39] == 0x5C);
	r = malloc(64); /* now the room above is taken */
	t = realloc(p, 5000);
	check_true("realloc_grow_moves_and_copies",
		   t != NULL && t != p && t[0] == 0x5C && t[39] == 0x5C);
	check_true("realloc_to_zero_frees", realloc(t, 0) == NULL);
	free(r);

	/* Exhaustion: 64 KiB blocks until malloc says no; together they nearly fill the heap. */
	void *blocks[4096];
	int n = 0;
	heap_check(&st);
	size_t heap = st.heap_bytes;
	while (n < 4096 && (blocks[n] = malloc(65536)) != NULL)
		n++;
	check_true("exhaustion_fills_the_heap",
		   n > 0 && n < 4096 && (size_t)n * 65536 + 65536 + 64 > heap);
	while (n > 0)
		free(blocks[--n]);
	check_u32("after_exhaustion_heap_consistent", (uint32_t)heap_check(&st), 0);
	check_u32("after_exhaustion_one_free_block", st.free_blocks, 1);
	check_true("after_exhaustion_nothing_used", st.used_blocks == 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	edges();
	stress();
	return check_status();
}
