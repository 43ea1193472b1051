/* cache.c - the decoded-instruction cache: pool, hash chains, invalidation. */
#include "cpu/cache.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "mmu/mem.h"

#define BLOCK_BYTES (sizeof(struct block) + BLOCK_MAX * sizeof(struct insn))

static unsigned bucket(uint32_t eip)
{
	return (eip ^ (eip >> 10)) & (CACHE_BUCKETS - 1);
}

void cache_init(struct code_cache *cc)
{
	memset(cc, 0, sizeof(*cc));
	ZyanStatus s = ZydisDecoderInit(&cc->zydis, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
	assert(ZYAN_SUCCESS(s));
	(void)s;
}

void cache_destroy(struct code_cache *cc)
{
	free(cc->hash);
	free(cc->pool);
	cc->hash = NULL;
	cc->pool = NULL;
}

void cache_flush(struct code_cache *cc)
{
	if (cc->hash)
		memset(cc->hash, 0, CACHE_BUCKETS * sizeof(*cc->hash));
	cc->pool_used = 0;
	cc->stats.flushes++;
}

/* Allocation happens here, on a cache miss, never in the execute loop proper. Running out of
 * host memory for the cache is an emulator failure, not a guest's: abort. */
static void grow(struct code_cache *cc)
{
	size_t size = cc->pool_size ? cc->pool_size * 2 : CACHE_POOL_MIN;
	if (size > CACHE_POOL_MAX)
		size = CACHE_POOL_MAX;
	if (size < BLOCK_BYTES)
		size = BLOCK_BYTES;
	if (size != cc->pool_size) {
		free(cc->pool);
		cc->pool = malloc(size);
		if (!cc->pool)
			abort();
		cc->pool_size = size;
	}
}

struct block *cache_new_block(struct code_cache *cc, uint32_t eip)
{
	if (!cc->hash) {
		cc->hash = calloc(CACHE_BUCKETS, sizeof(*cc->hash));
		if (!cc->hash)
			abort();
	}
	if (cc->pool_size - cc->pool_used < BLOCK_BYTES) {
		bool had_pool = cc->pool != NULL;
		cache_flush(cc);
		if (!had_pool)
			cc->stats.flushes--; /* the first allocation is not a flush */
		grow(cc);
	}
	struct block *b = (struct block *)(cc->pool + cc->pool_used);
	b->eip = eip;
	b->end = eip;
	b->n = 0;
	b->next = NULL;
	b->in = (struct insn *)(b + 1);
	return b;
}

void cache_insert(struct code_cache *cc, struct block *b)
{
	assert(b->n >= 1 && b->n <= BLOCK_MAX);
	size_t bytes = sizeof(*b) + b->n * sizeof(struct insn);
	bytes = (bytes + 15) & ~(size_t)15;
	cc->pool_used += bytes;
	unsigned h = bucket(b->eip);
	b->next = cc->hash[h];
	cc->hash[h] = b;
}

void cache_invalidate_page(struct code_cache *cc, uint32_t pfn)
{
	if (!cc->hash)
		return;
	uint32_t lo = pfn << DVA_PAGE_SHIFT, hi = lo + DVA_PAGE_SIZE;
	for (unsigned h = 0; h < CACHE_BUCKETS; h++) {
		for (struct block **bp = &cc->hash[h]; *bp;) {
			struct block *b = *bp;
			if (b->eip < hi && b->end > lo) {
				*bp = b->next;
				cc->stats.invalidations++;
			} else {
				bp = &b->next;
			}
		}
	}
}
