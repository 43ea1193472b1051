/* malloc.c - the heap: boundary-tagged chunks, free lists binned by size, coalescing on free. */
#include <malloc.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "guestos/libc_param.h"

/* The heap runs from the end of the image (_end, from denali.ld) to mem_size less the initial
 * stack's reserve. It is cut into chunks that tile it exactly, each with an 8-byte header:
 *
 *   chunk c:  +0 prev_size  size of the chunk just below c (0 for the first chunk)
 *             +4 size       c's size in bytes, header included, a multiple of 16 | IN_USE
 *             +8 payload    16-byte aligned (chunks start at 8 mod 16); in a free chunk its first
 *                           8 bytes link the chunk into its bin's list
 *
 * size finds the chunk above, prev_size the chunk below, so free can merge a chunk with free
 * neighbours in constant time: two free chunks are never adjacent. A last header of size 0,
 * marked in use, ends the heap (the sentinel). Free chunks sit in bins by size class (bin b holds
 * sizes in [16 << b, 32 << b)), each a circular doubly linked list through a dummy head. */
struct chunk {
	uint32_t prev_size;
	uint32_t size;
	struct chunk *next; /* free chunks only: the bin's list */
	struct chunk *prev;
};

#define HEADER 8u
#define ALIGN 16u
#define MIN_CHUNK 16u /* header + the two list links */
#define IN_USE 1u
#define BINS 28 /* 16 << 27 = 2 GiB: every size below DVA-1's 3 GiB of memory has a bin */

extern char _end[]; /* the first byte after .bss */

/* The allocator's state. A guest is one program with one heap, so this is a static; set up on
 * the first call (init). */
static struct heap {
	int ready;           /* init has run */
	struct chunk *first; /* the lowest chunk; NULL when memory left no room for a heap */
	struct chunk *end;   /* the sentinel header */
	struct chunk bin[BINS]; /* dummy heads: only next and prev are used */
} heap;

static uint32_t chunk_size(const struct chunk *c)
{
	return c->size & ~IN_USE;
}

static struct chunk *chunk_above(struct chunk *c)
{
	return (struct chunk *)((char *)c + chunk_size(c));
}

static struct chunk *chunk_below(struct chunk *c)
{
	return c->prev_size == 0 ? NULL : (struct chunk *)((char *)c - c->prev_size);
}

static struct chunk *chunk_of(void *p)
{
	return (struct chunk *)((char *)p - HEADER);
}

static void *payload(struct chunk *c)
{
	return (char *)c + HEADER;
}

/* The bin of a free chunk of size bytes: floor(log2(size)) - 4, at most BINS - 1. */
static int bin_of(uint32_t size)
{
	int b = 31 - __builtin_clz(size) - 4;

	return b < BINS ? b : BINS - 1;
}

static void bin_insert(struct chunk *c)
{
	struct chunk *head = &heap.bin[bin_of(chunk_size(c))];

	c->next = head->next;
	c->prev = head;
	head->next->prev = c;
	head->next = c;
}

static void bin_remove(struct chunk *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
}

/* Give c the size bytes and keep the chunk above's back link true. */
static void set_size(struct chunk *c, uint32_t size, uint32_t flags)
{
	c->size = size | flags;
	chunk_above(c)->prev_size = size;
}

/* Turns the chunk at c of size bytes into a free chunk, merged with free neighbours, in a bin. */
static void release(struct chunk *c, uint32_t size)
{
	struct chunk *above = (struct chunk *)((char *)c + size), *below = chunk_below(c);

	if (!(above->size & IN_USE)) {
		bin_remove(above);
		size += chunk_size(above);
	}
	if (below != NULL && !(below->size & IN_USE)) {
		bin_remove(below);
		size += chunk_size(below);
		c = below;
	}
	set_size(c, size, 0);
	bin_insert(c);
}

/* Cut used chunk c down to need bytes when the rest is big enough to be a chunk of its own. */
static void trim(struct chunk *c, uint32_t need)
{
	uint32_t size = chunk_size(c);

	if (size - need < MIN_CHUNK)
		return;
	set_size(c, need, IN_USE);
	struct chunk *rest = chunk_above(c);
	rest->prev_size = need;
	release(rest, size - need);
}

static void init(void)
{
	uintptr_t lo = ((uintptr_t)_end + ALIGN - 1) / ALIGN * ALIGN + HEADER;
	uintptr_t top = dva_page0.mem_size;

	heap.ready = 1;
	for (int b = 0; b < BINS; b++)
		heap.bin[b].next = heap.bin[b].prev = &heap.bin[b];
	/* The sentinel's header must fit below top: it starts at 8 mod 16, like every chunk. */
	top = top > GUESTOS_STACK_RESERVE ? top - GUESTOS_STACK_RESERVE : 0;
	top = top / ALIGN * ALIGN - HEADER;
	if (top < lo + MIN_CHUNK)
		return; /* no room: every malloc fails */
	heap.first = (struct chunk *)lo;
	heap.end = (struct chunk *)top;
	heap.first->prev_size = 0;
	heap.end->size = IN_USE; /* size 0 and never free: merging stops here */
	set_size(heap.first, (uint32_t)(top - lo), 0);
	bin_insert(heap.first);
}

/* The heap's critical section: virtual interrupts off, so an upcall (and any thread switch it
 * makes) cannot run heap code on a half-linked list. Returns the previous flag for unlock. */
static uint32_t lock(void)
{
	uint32_t was = 0;

	/* One XCHG reads and clears the flag together: no upcall can fall between the two. */
	__asm__ volatile("xchgl %0, %1" : "+r"(was), "+m"(dva_page0.irq_enable) : : "memory");
	if (!heap.ready)
		init();
	return was;
}

static void unlock(uint32_t was)
{
	if (was)
		dva_page0.irq_enable = 1; /* a delivery point: pending lines are taken now */
}

/* The chunk size for a request of n bytes, or 0 when no chunk could be that big. */
static uint32_t need_for(size_t n)
{
	if (n > UINT32_MAX / 2)
		return 0;
	n = (n + HEADER + ALIGN - 1) / ALIGN * ALIGN;
	return n < MIN_CHUNK ? MIN_CHUNK : (uint32_t)n;
}

/* A free chunk of at least need bytes, taken off its bin, or NULL. In need's own bin the sizes
 * vary, so that bin is searched; any chunk of a higher bin is big enough. */
static struct chunk *take(uint32_t need)
{
	for (int b = bin_of(need); b < BINS; b++) {
		struct chunk *head = &heap.bin[b];
		for (struct chunk *c = head->next; c != head; c = c->next) {
			if (chunk_size(c) >= need) {
				bin_remove(c);
				return c;
			}
		}
	}
	return NULL;
}

/* A guest's misuse of free or realloc: stop with a diagnostic rather than corrupt the heap. */
__attribute__((noreturn)) static void bad_pointer(const char *fn, void *p)
{
	printf("%s: %p is not a block from malloc (or was freed already)\n", fn, p);
	abort();
}

/* The chunk of p after checking that it can be one of ours and is in use. */
static struct chunk *used_chunk(const char *fn, void *p)
{
	struct chunk *c = chunk_of(p);

	if (heap.first == NULL || c < heap.first || c >= heap.end || (uintptr_t)p % ALIGN != 0 ||
	    !(c->size & IN_USE))
		bad_pointer(fn, p);
	return c;
}

void *malloc(size_t n)
{
	uint32_t was = lock(), need = need_for(n);
	struct chunk *c = need != 0 ? take(need) : NULL;

	if (c != NULL) {
		set_size(c, chunk_size(c), IN_USE);
		trim(c, need);
	}
	unlock(was);
	return c != NULL ? payload(c) : NULL;
}

void free(void *p)
{
	uint32_t was;

	if (p == NULL)
		return;
	was = lock();
	struct chunk *c = used_chunk("free", p);
	release(c, chunk_size(c));
	unlock(was);
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	p = malloc(count * size);
	if (p != NULL)
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	uint32_t was, need = need_for(n);
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	if (need == 0)
		return NULL;
	was = lock();
	struct chunk *c = used_chunk("realloc", p), *above = chunk_above(c);
	uint32_t size = chunk_size(c);
	if (need > size && !(above->size & IN_USE) && size + chunk_size(above) >= need) {
		bin_remove(above); /* grow in place into the free chunk above */
		size += chunk_size(above);
		set_size(c, size, IN_USE);
	}
	if (need <= size) {
		trim(c, need);
		unlock(was);
		return p;
	}
	unlock(was);
	/* Move: the old block stays whole until the copy is made. */
	q = malloc(n);
	if (q != NULL) {
		memcpy(q, p, size - HEADER);
		free(p);
	}
	return q;
}

size_t malloc_usable_size(void *p)
{
	uint32_t was;
	size_t n;

	if (p == NULL)
		return 0;
	was = lock();
	n = chunk_size(used_chunk("malloc_usable_size", p)) - HEADER;
	unlock(was);
	return n;
}

/* Walks the chunks, then the bins; see malloc.h. Assumes nothing: every size is bounded before
 * it is followed, so a corrupt heap gives -1 rather than a wild read. */
static int check(struct heap_stats *st)
{
	uintptr_t lo = (uintptr_t)heap.first, hi = (uintptr_t)heap.end;
	struct chunk *c = heap.first;
	size_t free_seen = 0;
	uint32_t below = 0;
	int below_free = 0;

	*st = (struct heap_stats){ .heap_bytes = hi - lo };
	if (heap.first == NULL)
		return heap.end == NULL ? 0 : -1;
	while (c != heap.end) {
		uint32_t size = chunk_size(c);
		int is_free = !(c->size & IN_USE);
		if (size < MIN_CHUNK || size % ALIGN != 0 || size > hi - (uintptr_t)c)
			return -1; /* bad size: would leave the heap or not tile it */
		if (c->prev_size != below || (is_free && below_free))
			return -1; /* broken back link, or two free chunks side by side */
		if (is_free) {
			st->free_blocks++;
			st->free_bytes += size;
			if (size > st->largest_free)
				st->largest_free = size;
		} else {
			st->used_blocks++;
			st->used_bytes += size;
		}
		below = size;
		below_free = is_free;
		c = chunk_above(c);
	}
	if (c->prev_size != below || c->size != IN_USE)
		return -1;
	for (int b = 0; b < BINS; b++) {
		struct chunk *head = &heap.bin[b];
		for (c = head->next; c != head; c = c->next) {
			uintptr_t a = (uintptr_t)c;
			/* Outside the heap, in use, in the wrong bin, mislinked, or one too many. */
			if (a < lo || a >= hi || a % ALIGN != HEADER || (c->size & IN_USE) ||
			    bin_of(chunk_size(c)) != b || c->next->prev != c ||
			    ++free_seen > st->free_blocks)
				return -1;
		}
	}
	return free_seen == st->free_blocks ? 0 : -1;
}

int heap_check(struct heap_stats *st)
{
	struct heap_stats local;
	uint32_t was = lock();
	int r = check(st != NULL ? st : &local);

	unlock(was);
	return r;
}
