/* cache.c - the decoded-instruction cache: pool, hash chains, invalidation. */
#include "cpu/cache.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "mmu/mem.h"

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

static void free_chunks(struct code_cache *cc)
{
	while (cc->chunks) {
		struct cache_chunk *ch = cc->chunks;
		cc->chunks = ch->next;
		free(ch);
	}
	cc->pool_bytes = 0;
}

void cache_destroy(struct code_cache *cc)
{
	free(cc->hash);
	cc->hash = NULL;
	free(cc->jumps);
	cc->jumps = NULL;
	free_chunks(cc);
}

/* Blocks were dropped: the jump table may name them. */
static void forget_jumps(struct code_cache *cc)
{
	if (cc->jumps)
		memset(cc->jumps, 0, JUMP_CACHE * sizeof(*cc->jumps));
}

void cache_note_jump(struct code_cache *cc, struct block *b)
{
	if (!cc->jumps) {
		if (cc->stats.lookups < JUMP_CACHE_AFTER)
			return;
		cc->jumps = calloc(JUMP_CACHE, sizeof(*cc->jumps));
		if (!cc->jumps)
			abort(); /* as pool_reserve: an emulator failure, on a cache miss */
	}
	cc->jumps[jump_slot(b->eip)] = (struct jump_entry){ b->eip, b };
}

void cache_flush(struct code_cache *cc)
{
	cc->gen++;
	forget_jumps(cc);
	if (cc->hash)
		memset(cc->hash, 0, CACHE_BUCKETS * sizeof(*cc->hash));
	free_chunks(cc);
	cc->stats.flushes++;
}

/* Make sure the newest chunk has room for bytes, so the allocations that follow cannot flush
 * the cache between them. Allocation happens here, on a cache miss, never in the execute loop
 * proper; running out of host memory for it is an emulator failure: abort. */
static void pool_reserve(struct code_cache *cc, size_t bytes)
{
	struct cache_chunk *ch = cc->chunks;
	if (ch && ch->size - ch->used >= bytes)
		return;
	size_t size = ch ? ch->size * 2 : CACHE_CHUNK_MIN;
	if (size > CACHE_CHUNK_MAX)
		size = CACHE_CHUNK_MAX;
	if (cc->pool_bytes + size > CACHE_POOL_MAX && !cc->shared) {
		cache_flush(cc); /* the code a VM runs outgrew the cache: start again */
		size = CACHE_CHUNK_MIN;
	}
	while (size < bytes)
		size *= 2;
	ch = malloc(sizeof(*ch) + size);
	if (!ch)
		abort();
	ch->size = size;
	ch->used = 0;
	ch->next = cc->chunks;
	cc->chunks = ch;
	cc->pool_bytes += size;
}

/* bytes from the newest chunk, which pool_reserve made room in. */
static void *pool_take(struct code_cache *cc, size_t bytes)
{
	struct cache_chunk *ch = cc->chunks;
	bytes = (bytes + 15) & ~(size_t)15;
	assert(ch && ch->size - ch->used >= bytes);
	void *p = ch->data + ch->used;
	ch->used += bytes;
	return p;
}

static void link_entry(struct code_cache *cc, struct block *b)
{
	if (!cc->hash) {
		cc->hash = calloc(CACHE_BUCKETS, sizeof(*cc->hash));
		if (!cc->hash)
			abort();
	}
	struct cache_entry *e = pool_take(cc, sizeof(*e));
	unsigned h = bucket(b->eip);
	e->eip = b->eip;
	e->b = b;
	e->next = cc->hash[h];
	cc->hash[h] = e;
}

struct block *cache_add(struct code_cache *cc, uint32_t eip, uint32_t end, uint32_t lo, uint32_t hi,
			const struct insn *in, uint32_t n)
{
	assert(n >= 1 && n <= BLOCK_MAX);
	size_t bytes = sizeof(struct block) + n * sizeof(*in);
	pool_reserve(cc, ((bytes + 15) & ~(size_t)15) + ((sizeof(struct cache_entry) + 15) & ~(size_t)15));
	struct block *b = pool_take(cc, bytes);
	memset(b, 0, sizeof(*b));
	b->eip = eip;
	b->end = end;
	b->lo = lo;
	b->hi = hi;
	b->n = n;
	b->shared = cc->shared;
	memcpy(block_insns(b), in, n * sizeof(*in));
	link_entry(cc, b);
	return b;
}

void cache_link(struct code_cache *cc, struct block *b)
{
	pool_reserve(cc, (sizeof(struct cache_entry) + 15) & ~(size_t)15);
	link_entry(cc, b);
}

void cache_invalidate_page(struct code_cache *cc, uint32_t pfn)
{
	if (!cc->hash)
		return;
	uint32_t lo = pfn << DVA_PAGE_SHIFT, hi = lo + DVA_PAGE_SIZE;
	for (unsigned h = 0; h < CACHE_BUCKETS; h++) {
		for (struct cache_entry **ep = &cc->hash[h]; *ep;) {
			struct cache_entry *e = *ep;
			if (e->b->lo < hi && e->b->hi > lo) {
				*ep = e->next;
				cc->stats.invalidations++;
				cc->gen++;
				forget_jumps(cc);
			} else {
				ep = &e->next;
			}
		}
	}
}
