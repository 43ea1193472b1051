/* malloc.h - guestos's heap beyond stdlib.h: a consistency check and statistics, for tests. */
#ifndef GUESTOS_MALLOC_H
#define GUESTOS_MALLOC_H

#include <stddef.h>
#include <stdlib.h>

/* What heap_check found. Sizes are bytes of whole blocks, headers included. */
struct heap_stats {
	size_t heap_bytes;  /* the heap's size: used + free */
	size_t used_blocks; /* blocks malloc handed out and free has not taken back */
	size_t used_bytes;
	size_t free_blocks; /* blocks on the free list (all of them, after coalescing) */
	size_t free_bytes;
	size_t largest_free; /* the biggest block malloc could carve a request from */
};

/* Walks every block and the free list: sizes in range and aligned, each block's back link equal
 * to its neighbour's size, no two free blocks adjacent, the free list holding exactly the free
 * blocks. Fills *st (when not NULL) and returns 0, or returns -1 at the first inconsistency. */
int heap_check(struct heap_stats *st);
/* Usable bytes of the block p came from (at least what was asked for). */
size_t malloc_usable_size(void *p);

#endif
