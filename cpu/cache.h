/* cache.h - the decoded-instruction cache: blocks of decoded instructions keyed by guest address.
 *
 * A block is a straight run of instructions that ends at a control transfer, at an instruction
 * that must leave the run loop, at BLOCK_MAX instructions or where the next instruction would
 * start on another page. Blocks live in a bump-allocated pool; a store to a page holding cached
 * code unlinks every block that touches the page, and a full pool is flushed whole.
 */
#ifndef DENALI_CACHE_H
#define DENALI_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#define BLOCK_MAX 64          /* instructions per block */
/* Hash chains, a power of two: a cache starts with few (an idle VM links a handful of blocks)
 * and grows the table CACHE_BUCKETS_GROW times whenever its entries outnumber the chains twice,
 * up to CACHE_BUCKETS_MAX. Only the look-up's speed depends on it, never what it finds. */
#define CACHE_BUCKETS_MIN 16
#define CACHE_BUCKETS_GROW 4
#define CACHE_BUCKETS_MAX 4096 /* 32 KiB of chains, under 1% of a full pool (CACHE_POOL_MAX) */
/* The pool grows in chunks, each twice as big as the one before, from CACHE_CHUNK_MIN. Its caps
 * (CACHE_POOL_MAX, CACHE_SHARED_MAX) count the first chunk as CACHE_CHUNK_MIN bytes, but that
 * chunk is allocated in pieces, from CACHE_PIECE_MIN, as blocks come: a VM that decodes little
 * holds little, and the caps are met (the cache flushed) at exactly the same blocks as if the
 * first chunk were one allocation. */
#define CACHE_CHUNK_MIN (4u << 10)   /* first pool chunk, bytes, as the caps count it */
#define CACHE_PIECE_MIN 256u         /* first piece of it allocated (a power of two) */
#define CACHE_CHUNK_MAX (256u << 10) /* largest chunk */
#define CACHE_POOL_MAX (4u << 20)    /* a VM's decoded code at most; then the cache is flushed */
#define CACHE_SHARED_MAX (32u << 20) /* an image's shared decoded code at most (it is never
				      * flushed: past this, VMs decode into their own caches, so a
				      * guest jumping into every byte of its code cannot grow it) */

struct insn;

/* A block remembers the blocks that followed it (its taken and fall-through successors, say),
 * so the run loop usually skips the hash look-up. A link is trusted only while its cache's
 * generation is the one it was made in: any invalidation or flush bumps the generation. A
 * shared block links only to shared blocks, which are never dropped. */
#define BLOCK_LINKS 2

/* Indirect jumps and returns (a bytecode interpreter's dispatch, RET) have too many targets
 * for links: a small direct-mapped table of recently entered blocks, by address, serves them.
 * Allocated (JUMP_CACHE * 16 bytes) once the VM has made JUMP_CACHE_AFTER look-ups, so a VM
 * that runs little code (an idle one) does not pay for it; emptied whenever the generation
 * moves. Its size is fixed: a jump it misses leaves the block through a look-up, counted in
 * cache_stats.lookups, so a table that started smaller would change that count. */
#define JUMP_CACHE 256
#define JUMP_CACHE_AFTER 64
struct jump_entry {
	uint32_t eip;
	struct block *b; /* NULL: empty */
};

struct block {
	uint32_t eip;        /* guest address of the first instruction */
	uint32_t end;        /* guest address just past the last instruction: where running on
			      * from it would go */
	uint32_t lo, hi;     /* the guest bytes its instructions came from lie in [lo, hi) (a
			      * block may follow a JMP to an address before it: decode.c) */
	uint32_t n;          /* instructions, 1..BLOCK_MAX */
	bool shared;         /* lives in a shared cache (an image's read-only code) */
	uint8_t next_link;   /* the link slot the next new successor replaces */
	struct block_link {
		uint32_t eip;    /* the successor's address */
		uint64_t gen;    /* the linking cache's generation when the link was made */
		struct block *to;
	} link[BLOCK_LINKS];
};

/* A block's n decoded instructions: they follow it in the pool (cache_add). */
static inline struct insn *block_insns(const struct block *b)
{
	return (struct insn *)(uintptr_t)(b + 1);
}

/* A hash-chain entry: a cache finds blocks through entries, so one block can be reached from
 * many caches (a block of an image's read-only code is decoded once, for every VM of it). */
struct cache_entry {
	uint32_t eip;
	struct block *b;
	struct cache_entry *next;
};

/* Counters a user can read in --stats; all are totals since the VM started. */
struct cache_stats {
	uint64_t lookups;       /* block look-ups by the run loop */
	uint64_t misses;        /* look-ups that had to build a block */
	uint64_t decodes;       /* instructions Zydis decoded */
	uint64_t invalidations; /* blocks dropped because their code was written */
	uint64_t flushes;       /* times the whole pool was emptied */
};

/* A piece of the pool: blocks are bump-allocated in the newest chunk. */
struct cache_chunk {
	struct cache_chunk *next; /* older chunks */
	size_t size, used;        /* bytes of data[] */
	unsigned char data[];
};

/* Fields ordered so that the small ones fill the holes the others leave. */
struct code_cache {
	struct cache_entry **hash; /* hmask + 1 chains, or NULL before the first block */
	struct cache_chunk *chunks; /* the pool, newest chunk first */
	size_t pool_bytes;    /* bytes in all chunks as the caps count them: while the pool is in
			       * its first chunk (lead), that chunk's whole size */
	ZydisDecoder zydis;   /* 32-bit protected mode, 32-bit stack */
	uint32_t entries;     /* hash entries linked (what decides the table's growth) */
	struct cache_stats stats;
	bool shared;          /* other caches link to its blocks: it is never flushed */
	bool lead;            /* the pool is in its first chunk, which chunks[] holds in pieces */
	uint16_t hmask;       /* chains - 1, once hash is allocated */
	uint32_t lead_used;   /* lead: bytes taken from the first chunk, all its pieces together */
	uint64_t gen;         /* bumped whenever a block is dropped: older block links are stale */
	struct jump_entry *jumps; /* JUMP_CACHE entries, or NULL before the first */
};

void cache_init(struct code_cache *cc);
void cache_destroy(struct code_cache *cc);

/* The chain for eip in a table of mask + 1 chains. */
static inline unsigned cache_bucket(uint32_t eip, unsigned mask)
{
	return (eip ^ (eip >> 10)) & mask;
}

/* The block starting at eip, or NULL. */
static inline struct block *cache_lookup(struct code_cache *cc, uint32_t eip)
{
	cc->stats.lookups++;
	if (!cc->hash)
		return NULL;
	struct cache_entry *e = cc->hash[cache_bucket(eip, cc->hmask)];
	while (e && e->eip != eip)
		e = e->next;
	return e ? e->b : NULL;
}

/* The block linked from b for address eip, or NULL. */
static inline struct block *block_follow(const struct code_cache *cc, const struct block *b,
					 uint32_t eip)
{
	for (unsigned i = 0; i < BLOCK_LINKS; i++) {
		const struct block_link *l = &b->link[i];
		if (l->eip == eip && l->to && (b->shared || l->gen == cc->gen))
			return l->to;
	}
	return NULL;
}

static inline unsigned jump_slot(uint32_t eip)
{
	return (eip ^ (eip >> 8)) & (JUMP_CACHE - 1);
}

/* The block at eip if the jump table holds it, else NULL. */
static inline struct block *jump_lookup(const struct code_cache *cc, uint32_t eip)
{
	if (!cc->jumps)
		return NULL;
	const struct jump_entry *e = &cc->jumps[jump_slot(eip)];
	return e->eip == eip ? e->b : NULL;
}

/* Remember block b (valid in cc's current generation) as the one at its address, once the VM has
 * made enough look-ups to have the table. */
void cache_note_jump(struct code_cache *cc, struct block *b);

/* Add the block of n decoded instructions in[] starting at eip, from guest bytes [lo, hi), whose
 * last instruction runs on to end, and return it.
 * Never fails; may flush the whole cache first (only between blocks, never while one runs). */
struct block *cache_add(struct code_cache *cc, uint32_t eip, uint32_t end, uint32_t lo, uint32_t hi,
			const struct insn *in,
			uint32_t n);
/* Make block b, which lives in another cache (a shared one), reachable from cc. */
void cache_link(struct code_cache *cc, struct block *b);
/* Drop every block with bytes on page pfn. */
void cache_invalidate_page(struct code_cache *cc, uint32_t pfn);
/* Drop every block. */
void cache_flush(struct code_cache *cc);

#endif
