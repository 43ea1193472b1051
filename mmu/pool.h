/* pool.h - windows of guest memory kept for the VMs of one image, whose pages they share.
 *
 * A pool holds the windows of one group of the run: every VM of it has the same memory size and
 * the same image. The image's pages are put once into a memfd, and each window maps them
 * MAP_PRIVATE from it: every VM reads the same host pages, and the host kernel gives a VM its own
 * copy of a page the first time it writes it (read-only pages are never copied: no guest store
 * reaches them). Where the host refuses one more mapping (vm.max_map_count), a window gets a copy
 * of the image instead, once per window.
 *
 * A VM borrows a window while it is resident (admitted and not swapped out) and gives it back
 * when it ends or is swapped out. A window given back is reset to the image's first state and
 * kept, pages still in place, for the next VM of the group: a new VM then costs no host page
 * fault for the pages its predecessor touched. A window's memory goes back to the host only when
 * the pool is trimmed (the pager's budget, pool_trim).
 *
 * Which pages a VM wrote is known without cost to the fast path: while a VM holds a window, each
 * writable page it has not yet written carries PG_CLEAN, so its first store takes the slow path,
 * which clears the flag (mem_note_write). The pages without it are the VM's private state: what
 * is reset when the window is given back, and what the pager saves when it swaps the VM out.
 */
#ifndef DENALI_POOL_H
#define DENALI_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mem.h"

/* One window: a span of the arena, its page flags and which of its pages hold host memory. */
struct mem_window {
	uint8_t *base;          /* host address of guest address 0 */
	uint8_t *pflags;        /* size >> 12 flag bytes (mem.h), the template's while free */
	uint8_t *held;          /* bitmap: the page holds a private host page (it was written) */
	uint32_t nheld;         /* pages set in held */
	uint32_t npad;          /* pages the arena's block rounding adds to them (mem.h) */
	bool mapped;            /* the image's pages are mapped from the pool's memfd */
	bool filled;            /* the image's content is in place (always so when mapped) */
	bool copies;            /* could not map the image: copies it whenever it is filled */
	struct mem_window *next; /* next free window */
};

struct mem_pool {
	struct mem_arena *arena;
	uint32_t size;          /* guest memory of each window, bytes */
	size_t span;            /* arena bytes a window takes: size plus a guard page */
	uint32_t img_lo, img_hi; /* guest pages [img_lo, img_hi) hold image bytes (0, 0: none) */
	uint8_t *content;       /* those pages' first content, (img_hi - img_lo) pages */
	int fd;                 /* memfd holding the same, or -1 (windows copy content) */
	uint8_t *tmpl;          /* size >> 12 page flags of a fresh window: PG_RO, PG_RO_PART and
				 * PG_CLEAN on every writable page */
	struct ro_range *ro;    /* the image's read-only ranges, sorted, for every window */
	unsigned nro;
	struct mem_window *free; /* free windows holding pages, the most recently given back first */
	uint32_t nfree;
	struct mem_window *cold; /* free windows whose pages went back to the host */
	uint32_t ncold;
	uint32_t windows;       /* windows made, in use or free */
	uint32_t copied;        /* windows that copy the image (no mapping was left for them) */
	int map_errno;          /* why the host refused a mapping, if it did, or 0 */
};

/* Process-wide: pages written in every pool's windows (struct mem_arena counts them). */

/* Set up an empty pool of windows of size bytes. 0, or -1 (out of host memory). */
int pool_init(struct mem_pool *p, struct mem_arena *a, uint32_t size) MEM_CHECK;
/* Add filesz bytes of an image at guest address vaddr, with memsz - filesz zero bytes after
 * them; a segment that is not writable becomes read-only. Before pool_seal. 0, or -1 (out of
 * host memory). The segments must lie in [0x1000, size) and not overlap (the loader checks). */
int pool_add_segment(struct mem_pool *p, uint32_t vaddr, const uint8_t *bytes, uint32_t filesz,
		     uint32_t memsz, bool writable) MEM_CHECK;
/* After the segments: put the image's pages in a memfd for the windows to share. Where memfd is
 * refused, windows copy the image. 0, or -1 (out of host memory). */
int pool_seal(struct mem_pool *p) MEM_CHECK;
void pool_destroy(struct mem_pool *p);

/* Give m a window of the pool: the image's first state, page 0 zero. 0, or -1 with errno
 * (ENOMEM: no address space or host memory). */
int pool_attach(struct mem_pool *p, struct guest_mem *m) MEM_CHECK;
/* Take m's window back: its written pages are reset (zeroed, or the image's bytes again), its
 * flags the template's. m keeps its size; its base is NULL until attached again. */
void pool_detach(struct guest_mem *m);
/* Give the memory of the free windows back to the host, but for the keep given back last.
 * Returns the pages given back. */
uint64_t pool_trim(struct mem_pool *p, uint32_t keep);

/* Whether page pfn of m (which holds a window) was written while it held it: page 0 always. */
static inline bool pool_page_written(const struct guest_mem *m, uint32_t pfn)
{
	return pfn == 0 || !(m->pflags[pfn] & (PG_CLEAN | PG_RO));
}
/* Mark page pfn written, as a store would (for a page put back by the pager). */
void pool_mark_written(struct guest_mem *m, uint32_t pfn);

#endif
