/* cache.c - the decoded-instruction cache: pool, hash chains, invalidation. */
#include "cpu/cache.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "mmu/mem.h"

_Static_assert((CACHE_BUCKETS_MIN & (CACHE_BUCKETS_MIN - 1)) == 0 &&
	       (CACHE_BUCKETS_GROW & (CACHE_BUCKETS_GROW - 1)) == 0 &&
	       (CACHE_BUCKETS_MAX & (CACHE_BUCKETS_MAX - 1)) == 0 &&
	       CACHE_BUCKETS_MIN <= CACHE_BUCKETS_MAX && CACHE_BUCKETS_MAX - 1 <= UINT16_MAX,
	       "hash sizes: powers of two, the mask a uint16_t");
_Static_assert((CACHE_PIECE_MIN & (CACHE_PIECE_MIN - 1)) == 0 && CACHE_PIECE_MIN <= CACHE_CHUNK_MIN,
	       "the first piece: a power of two, within the first chunk");

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
	cc->lead = false;
	cc->lead_used = 0;
}

void cache_destroy(struct code_cache *cc)
{
	free(cc->hash);
	cc->hash = NULL;
	cc->entries = 0;
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
		memset(cc->hash, 0, (cc->hmask + 1u) * sizeof(*cc->hash)); /* it keeps its size */
	cc->entries = 0;
	free_chunks(cc);
	cc->stats.flushes++;
}

/* A new newest chunk (or piece of the first) of size bytes; pool_bytes is the caller's. */
static void add_chunk(struct code_cache *cc, size_t size)
{
	struct cache_chunk *ch = malloc(sizeof(*ch) + size);
	if (!ch)
		abort(); /* as pool_reserve says */
	ch->size = size;
	ch->used = 0;
	ch->next = cc->chunks;
	cc->chunks = ch;
}

/* Make sure the newest chunk has room for bytes, so the allocations that follow cannot flush
 * the cache between them. Allocation happens here, on a cache miss, never in the execute loop
 * proper; running out of host memory for it is an emulator failure: abort.
 * Every decision (whether bytes fit, the next chunk's size, whether to flush) is taken on the
 * chunks the caps count (cache.h), so it comes out as with a first chunk in one piece; only the
 * lead's pieces are allocated differently. */
static void pool_reserve(struct code_cache *cc, size_t bytes)
{
	struct cache_chunk *ch = cc->chunks;
	size_t size;
	if (cc->lead) {
		size_t room = cc->pool_bytes - cc->lead_used; /* left in the first chunk */
		if (room >= bytes) {
			if (ch->size - ch->used >= bytes)
				return;
			/* The next piece: twice the last, and no more than the first chunk has left. A
			 * piece's unused tail is not counted as taken, so the chunk holds what one
			 * allocation would. */
			size = ch->size * 2;
			while (size < bytes)
				size *= 2;
			add_chunk(cc, size < room ? size : room);
			return;
		}
		cc->lead = false; /* the first chunk is full: the second follows, as any next one */
		size = cc->pool_bytes * 2;
	} else {
		if (ch && ch->size - ch->used >= bytes)
			return;
		size = ch ? ch->size * 2 : CACHE_CHUNK_MIN;
	}
	if (size > CACHE_CHUNK_MAX)
		size = CACHE_CHUNK_MAX;
	if (cc->pool_bytes + size > CACHE_POOL_MAX && !cc->shared) {
		cache_flush(cc); /* the code a VM runs outgrew the cache: start again */
		size = CACHE_CHUNK_MIN;
	}
	while (size < bytes)
		size *= 2;
	cc->pool_bytes += size;
	if (cc->chunks) {
		add_chunk(cc, size);
		return;
	}
	/* An empty pool: the first chunk is counted whole and allocated a piece at a time. */
	cc->lead = true;
	cc->lead_used = 0;
	size_t piece = CACHE_PIECE_MIN;
	while (piece < bytes)
		piece *= 2;
	add_chunk(cc, piece < size ? piece : size);
}

/* bytes from the newest chunk, which pool_reserve made room in. */
static void *pool_take(struct code_cache *cc, size_t bytes)
{
	struct cache_chunk *ch = cc->chunks;
	bytes = (bytes + 15) & ~(size_t)15;
	assert(ch && ch->size - ch->used >= bytes);
	void *p = ch->data + ch->used;
	ch->used += bytes;
	if (cc->lead)
		cc->lead_used += (uint32_t)bytes;
	return p;
}

/* CACHE_BUCKETS_GROW times the chains (at most CACHE_BUCKETS_MAX). Each old chain h splits over
 * the new chains h + k * old, and entries are appended there in the old chain's order, so every
 * chain keeps its order (newest first). Out of memory, the table stays as it is: only look-ups
 * are slower. */
static void hash_grow(struct code_cache *cc)
{
	unsigned old = cc->hmask + 1u;
	unsigned grow = CACHE_BUCKETS_MAX / old < CACHE_BUCKETS_GROW ? CACHE_BUCKETS_MAX / old
								     : CACHE_BUCKETS_GROW;
	unsigned mask = old * grow - 1u;
	struct cache_entry **hash = calloc(mask + 1u, sizeof(*hash));
	if (!hash)
		return;
	for (unsigned h = 0; h < old; h++) {
		struct cache_entry **tail[CACHE_BUCKETS_GROW];
		for (unsigned k = 0; k < grow; k++)
			tail[k] = &hash[h + k * old];
		for (struct cache_entry *e = cc->hash[h], *next; e; e = next) {
			next = e->next;
			unsigned k = cache_bucket(e->eip, mask) / old;
			e->next = NULL;
			*tail[k] = e;
			tail[k] = &e->next;
		}
	}
	free(cc->hash);
	cc->hash = hash;
	cc->hmask = (uint16_t)mask;
}

static void link_entry(struct code_cache *cc, struct block *b)
{
	if (!cc->hash) {
		cc->hash = calloc(CACHE_BUCKETS_MIN, sizeof(*cc->hash));
		if (!cc->hash)
			abort();
		cc->hmask = CACHE_BUCKETS_MIN - 1;
	}
	struct cache_entry *e = pool_take(cc, sizeof(*e));
	unsigned h = cache_bucket(b->eip, cc->hmask);
	e->eip = b->eip;
	e->b = b;
	e->next = cc->hash[h];
	cc->hash[h] = e;
	if (++cc->entries > 2u * (cc->hmask + 1u) && cc->hmask + 1u < CACHE_BUCKETS_MAX)
		hash_grow(cc);
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
	for (unsigned h = 0; h <= cc->hmask; h++) {
		for (struct cache_entry **ep = &cc->hash[h]; *ep;) {
			struct cache_entry *e = *ep;
			if (e->b->lo < hi && e->b->hi > lo) {
				*ep = e->next;
				cc->entries--;
				cc->stats.invalidations++;
				cc->gen++;
				forget_jumps(cc);
			} else {
				ep = &e->next;
			}
		}
	}
}
