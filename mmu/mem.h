/* mem.h - one VM's guest-physical memory: a window of a shared host arena, checked on every access.
 *
 * A guest address a maps to host address base + a. Reads and writes of [0x1000, size) with no
 * page flag take the inline fast path: one unsigned compare, one flag load for stores, one
 * memcpy. Everything else (page 0, read-only bytes, pages holding decoded code, addresses at or
 * beyond size) goes to the out-of-line slow path, whose result must be checked: a non-zero
 * return means the access raised #PF and changed nothing. The memory keeps no record of it:
 * each access that can fault takes a struct dva_fault *f from its caller and fills it in
 * (the CPU passes its own pending-exception record, cpu.fault), so the fault is the caller's
 * value, not state hidden in the memory object.
 */
#ifndef DENALI_MEM_H
#define DENALI_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "denali_arch/dva.h"

#define MEM_CHECK __attribute__((warn_unused_result))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* For the few helpers of the execute path that must be inlined whatever gcc's size budget. */
#define FORCE_INLINE inline __attribute__((always_inline))

/* Per-page flags (one byte per 4 KiB page). A store to a page with any flag takes the slow path. */
enum page_flag {
	PG_RO = 0x01,   /* every byte of the page is read-only */
	PG_RO_PART = 0x02, /* some bytes are read-only: consult the read-only ranges */
	PG_CODE = 0x04, /* decoded instructions of this page are cached */
	PG_CLEAN = 0x08, /* writable, and not written since the VM took its window (pool.h): the
			  * first store notes the page as the VM's own */
	PG_WATCH = 0x10, /* a debugger's write watchpoint covers bytes of this page (mem_watch):
			  * stores reach mem_note_write, which checks the ranges */
};

/* An exception, as DVA-1 section 5 records it in page 0. */
struct dva_fault {
	uint32_t vector; /* enum dva_vector */
	uint32_t error;  /* error code, 0 where x86 pushes none */
	uint32_t addr;   /* #PF only: lowest byte that was not allowed */
};

/* A read-only byte range [start, end) of guest memory (a PT_LOAD without PF_W). */
struct ro_range {
	uint32_t start, end;
};

/* Callbacks from memory to its owner (the VM): page 0 is the virtual-register page and a store
 * to cached code must invalidate it. Each takes the opaque pointer given in mem_hooks.opaque. */
struct mem_hooks {
	void *opaque;
	/* Refresh the dynamic page-0 fields (instret, time_ns) in page before a read of it. */
	void (*page0_refresh)(void *opaque, uint8_t *page);
	/* A write of n (1..8) bytes at off inside the writable window of page 0, value little-endian
	 * in v; the owner applies its semantics (RW1C, 0/1, mask) to page. */
	void (*page0_write)(void *opaque, uint8_t *page, uint32_t off, unsigned n, uint64_t v);
	/* A store is about to change page pfn, which holds decoded code. */
	void (*code_write)(void *opaque, uint32_t pfn);
};

/* Process-wide host address space from which every VM's window is carved (MAP_NORESERVE: pages
 * cost host memory only once touched). Owned by whoever creates VMs; not a global. */
struct mem_arena {
	uint8_t *base;      /* reserved region */
	size_t size;        /* bytes reserved */
	size_t used;        /* bytes handed out by bump allocation */
	struct arena_hole *holes; /* windows given back, reused first-fit */
	uint64_t held_pages; /* pages written in pool windows and not yet given back to the host:
			      * the run's resident guest memory, in pages (pool.h) */
	uint32_t block_pages; /* the pager's block (--swap-block) in pages: a window holding one
			       * page of a block counts the whole block; 1 = no rounding */
	uint64_t pad_pages;  /* what that rounding adds to held_pages, over every window */
	uint64_t maps_left;  /* windows that may still map an image (pool.h): each mapping costs
			      * the process two of the host's vm.max_map_count, which must leave
			      * room for everything else the process maps */
};

/* Watchpoints (cpu/debug.c owns them): byte ranges whose accesses call hit. Write ranges flag
 * their pages PG_WATCH, so only stores to those pages leave the fast path; mem_watch_apply
 * sets the flags again wherever they were reset (a window reused or swapped back in). Reads
 * have no flag in the fast path: the CPU checks read ranges itself (cpu/debug.c). */
#define MEM_WATCH_MAX 8
enum mem_watch_kind { MEM_WATCH_READ = 1, MEM_WATCH_WRITE = 2 };
struct mem_watch_range {
	uint32_t addr, len; /* [addr, addr + len), len >= 1 */
	uint8_t kind;       /* enum mem_watch_kind bits */
};
struct mem_watch {
	unsigned n;
	struct mem_watch_range w[MEM_WATCH_MAX];
	void *opaque;
	/* An access of n bytes at a of kind (one bit) overlaps range w. */
	void (*hit)(void *opaque, const struct mem_watch_range *w, uint32_t a, uint32_t n,
		    unsigned kind);
};

struct guest_mem {
	uint8_t *base;      /* host address of guest address 0 */
	uint32_t size;      /* bytes, multiple of 4 KiB, DVA_MEM_MIN..DVA_MEM_MAX */
	uint8_t *pflags;    /* one enum page_flag byte per page, size >> 12 entries (host heap) */
	struct ro_range *ro; /* read-only ranges, sorted, for PG_RO_PART pages */
	unsigned nro;
	struct mem_hooks hooks;
	struct mem_arena *arena;
	size_t span;        /* bytes of arena taken: window plus a guard page */
	struct mem_pool *pool; /* the pool its window comes from (pool.h), or NULL (mem_init) */
	struct mem_window *win; /* that window while it holds one, else NULL */
	struct mem_watch *watch; /* a debugger's watchpoints, or NULL (never, without one) */
};

/* Of the host's vm.max_map_count, the mappings left to the rest of the process (malloc, the
 * libraries, the host's network) when windows map images. */
#define MEM_MAPS_RESERVED 16384u

/* Arena set-up and teardown. Return 0 or -1 with errno set. */
int mem_arena_init(struct mem_arena *a, size_t reserve_bytes);
void mem_arena_destroy(struct mem_arena *a);

/* Carve a zeroed window of size bytes for one VM; 0 or -1 (arena full). */
int mem_init(struct guest_mem *m, struct mem_arena *a, uint32_t size) MEM_CHECK;
/* Give the window back: to the host (its pages are returned), or to its pool (pool_detach). */
void mem_destroy(struct guest_mem *m);
/* Host memory this VM's window holds now, in bytes (resident pages). */
size_t mem_resident_bytes(const struct guest_mem *m);

/* Mark [start, end) read-only for guest stores. 0, or -1 if out of memory. */
int mem_protect(struct guest_mem *m, uint32_t start, uint32_t end) MEM_CHECK;
/* What mem_protect does, on any list of ranges and page flags (a pool's template has its own):
 * add [start, end), start < end, to the sorted list *ro of *nro ranges and mark its pages in
 * pflags. 0, or -1 (out of host memory, nothing changed). */
int ro_ranges_add(struct ro_range **ro, unsigned *nro, uint8_t *pflags, uint32_t start, uint32_t end) MEM_CHECK;
/* Whether byte a is writable by the guest (outside page 0). */
bool mem_byte_writable(const struct guest_mem *m, uint32_t a);

/* Slow paths: every case, including page 0 and faults. 0, or -1 with the #PF in *f (and
 * nothing else changed). */
int mem_read_slow(struct guest_mem *m, uint32_t a, unsigned n, void *out, struct dva_fault *f)
	MEM_CHECK;
int mem_write_slow(struct guest_mem *m, uint32_t a, unsigned n, const void *in, struct dva_fault *f)
	MEM_CHECK;
/* Check that n bytes at a could be written now (read-modify-write, string ops), without writing
 * and without side effects other than invalidating cached code that lies there and noting its
 * pages as written (mem_note_write; a write that then does not happen costs a page's count). 0, or -1 with
 * the #PF the write would raise in *f. */
int mem_check_write(struct guest_mem *m, uint32_t a, unsigned n, struct dva_fault *f) MEM_CHECK;
/* Check that n bytes at a can be read (no page-0 refresh). 0, or -1 with the #PF in *f. */
int mem_check_read(const struct guest_mem *m, uint32_t a, unsigned n, struct dva_fault *f)
	MEM_CHECK;
/* For devices (devices/device.c): whether all of [a, a+n) is guest memory (page 0 included), and
 * whether all of it is memory outside page 0 a guest store could change. An empty range is
 * allowed anywhere; no other range may wrap past 4 GiB. Neither faults nor has side effects. */
bool mem_range_readable(const struct guest_mem *m, uint32_t a, uint32_t n);
bool mem_range_writable(const struct guest_mem *m, uint32_t a, uint32_t n);
/* A write to [a, a+n) is about to be made from outside the store fast path (a slow-path store,
 * a device, a bulk string operation): drop decoded code on the pages it touches, and note them
 * as written (PG_CLEAN). */
void mem_note_write(struct guest_mem *m, uint32_t a, uint32_t n);
/* Set PG_WATCH on exactly the pages holding a write range of m->watch (none if it is NULL). */
void mem_watch_apply(struct guest_mem *m);
/* Report an access of kind to [a, a + n) to the first watch range it overlaps, if any: true
 * then. */
bool mem_watch_check(struct guest_mem *m, uint32_t a, uint32_t n, unsigned kind);
/* Fetch up to n instruction bytes at a into out: returns how many bytes could be fetched before
 * the first unfetchable one (page 0 or beyond size); never faults itself. */
unsigned mem_fetch(const struct guest_mem *m, uint32_t a, unsigned n, uint8_t *out);

/* Fill *f with the #PF an access of kind (DVA_PF_W and/or DVA_PF_I bits) at a raises: the
 * DVA-1 error code (P from whether a lies below m->size, U always) and a. Returns -1. */
int mem_fault(const struct guest_mem *m, uint32_t a, uint32_t kind, struct dva_fault *f);

/* Fast path: [a, a+n) lies in [0x1000, size). n is a small constant. */
static FORCE_INLINE bool mem_plain(const struct guest_mem *m, uint32_t a, unsigned n)
{
	return a - DVA_PAGE_SIZE <= m->size - DVA_PAGE_SIZE - n;
}

/* Fast path for stores: plain, and no page of [a, a+n) is flagged (read-only bytes, decoded
 * code), so a store needs no check, no invalidation and no page-0 hook. */
static FORCE_INLINE bool mem_plain_store(const struct guest_mem *m, uint32_t a, unsigned n)
{
	return mem_plain(m, a, n) &&
	       !(m->pflags[a >> DVA_PAGE_SHIFT] | m->pflags[(a + n - 1) >> DVA_PAGE_SHIFT]);
}

/* Read or write n bytes at a: 0, or -1 with the #PF in *f (which only the slow path touches). */
static inline int MEM_CHECK mem_read(struct guest_mem *m, uint32_t a, unsigned n, void *out,
				     struct dva_fault *f)
{
	if (likely(mem_plain(m, a, n))) {
		memcpy(out, m->base + a, n);
		return 0;
	}
	return mem_read_slow(m, a, n, out, f);
}

static inline int MEM_CHECK mem_write(struct guest_mem *m, uint32_t a, unsigned n, const void *in,
				      struct dva_fault *f)
{
	if (likely(mem_plain_store(m, a, n))) {
		memcpy(m->base + a, in, n);
		return 0;
	}
	return mem_write_slow(m, a, n, in, f);
}

/* Sized helpers: values are zero-extended little-endian (hosts are little-endian). */
static inline int MEM_CHECK mem_rd8(struct guest_mem *m, uint32_t a, uint32_t *v,
				    struct dva_fault *f)
{
	uint8_t b;
	if (mem_read(m, a, 1, &b, f))
		return -1;
	*v = b;
	return 0;
}
static inline int MEM_CHECK mem_rd16(struct guest_mem *m, uint32_t a, uint32_t *v,
				     struct dva_fault *f)
{
	uint16_t w;
	if (mem_read(m, a, 2, &w, f))
		return -1;
	*v = w;
	return 0;
}
static inline int MEM_CHECK mem_rd32(struct guest_mem *m, uint32_t a, uint32_t *v,
				     struct dva_fault *f)
{
	return mem_read(m, a, 4, v, f);
}
/* Read n = 1, 2 or 4 bytes, zero-extended. */
static inline int MEM_CHECK mem_rdn(struct guest_mem *m, uint32_t a, unsigned n, uint32_t *v,
				    struct dva_fault *f)
{
	*v = 0;
	return mem_read(m, a, n, v, f);
}
/* Write the low n = 1, 2 or 4 bytes of v. */
static inline int MEM_CHECK mem_wrn(struct guest_mem *m, uint32_t a, unsigned n, uint32_t v,
				    struct dva_fault *f)
{
	return mem_write(m, a, n, &v, f);
}

#endif
