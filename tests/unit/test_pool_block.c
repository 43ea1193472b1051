/* test_pool_block.c - the pager's block (--swap-block, mmu/mem.h's block_pages and pad_pages):
 * a window that holds one page of a block counts the whole block, the pages it does not hold as
 * padding, in the window (npad) and in the arena (pad_pages); a page of a counted block held
 * later turns one padding page into a held one; what a window gives back (pool_trim) or a pool
 * destroys takes its padding with it; with a block of one page there is no padding at all.
 *
 * Every case builds the small image of tests/unit/pool_image.h (16 pages, the image's pages 1
 * to 3) over its own arena, sets the arena's block_pages as pager_init does before the first
 * window is attached, and checks after each step that every window's held + npad is its blocks
 * holding at least one page, each counted whole (the last one cut at the end of memory), and
 * that the arena's held_pages and pad_pages are the sums over the windows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mmu/mem.h"
#include "mmu/pool.h"
#include "tests/unit/pool_image.h"

#define NVM 3

struct fx {
	struct mem_arena arena;
	struct mem_pool pool;
	struct guest_mem vm[NVM];
	struct dva_fault pf;
};

static struct fx *fixture(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mem_arena_init(&f->arena, 8 * ((size_t)MEM + PAGE) + (1u << 20)), 0);
	assert_int_equal(f->arena.block_pages, 1); /* the default: no rounding */
	assert_int_equal(f->arena.pad_pages, 0);
	build_pool(&f->pool, &f->arena);
	return f;
}

static int setup(void **state)
{
	*state = fixture();
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	for (unsigned i = 0; i < NVM; i++)
		pool_detach(&f->vm[i]);
	pool_destroy(&f->pool);
	mem_arena_destroy(&f->arena);
	free(f);
	return 0;
}

/* The pager's block, in pages, before the first window (pager_init sets it so). */
static void block(struct fx *f, uint32_t pages)
{
	f->arena.block_pages = pages;
}

static void copies(struct fx *f, bool copy)
{
	if (copy)
		f->arena.maps_left = 0;
	else if (f->pool.fd < 0)
		skip(); /* the host refused memfd_create: every window copies */
}

static struct guest_mem *attach(struct fx *f, unsigned i)
{
	struct guest_mem *m = &f->vm[i];
	assert_int_equal(pool_attach(&f->pool, m), 0);
	assert_non_null(m->win);
	return m;
}

static void store32(struct fx *f, struct guest_mem *m, uint32_t a, uint32_t v)
{
	f->pf = (struct dva_fault){ 0 };
	if (mem_wrn(m, a, 4, v, &f->pf) != 0)
		fail_msg("a store to 0x%" PRIx32 " faulted (error %u at 0x%" PRIx32 ")", a, f->pf.error, f->pf.addr);
}

static bool held(const struct mem_window *w, uint32_t pfn)
{
	return w->held[pfn >> 3] & (1u << (pfn & 7));
}

/* What w must count by its held bitmap: pages held, and padding (blocks with a page held,
 * whole, less those pages). */
static void expected(const struct mem_window *w, uint32_t bp, uint32_t *nheld, uint32_t *npad)
{
	*nheld = *npad = 0;
	for (uint32_t lo = 0; lo < PAGES; lo += bp) {
		uint32_t hi = lo + bp < PAGES ? lo + bp : PAGES, n = 0;
		for (uint32_t pfn = lo; pfn < hi; pfn++)
			n += held(w, pfn);
		*nheld += n;
		if (n)
			*npad += hi - lo - n;
	}
}

/* Every window's counts (attached, free or cold) against its bitmap, and the arena's against
 * their sums: 0, or 1 after saying what differs. */
static int check_window(const struct mem_window *w, uint32_t bp, uint64_t *sh, uint64_t *sp, const char *where)
{
	uint32_t nh, np;
	expected(w, bp, &nh, &np);
	*sh += w->nheld;
	*sp += w->npad;
	if (w->nheld == nh && w->npad == np)
		return 0;
	print_error("%s: a window counts %" PRIu32 " held + %" PRIu32 " padding, its bitmap says %" PRIu32
		    " + %" PRIu32 " (block of %" PRIu32 " pages)\n", where, w->nheld, w->npad, nh, np, bp);
	return 1;
}

static int consistent(const struct fx *f, const char *where)
{
	uint64_t sh = 0, sp = 0;
	int bad = 0;
	const struct mem_window *seen[2 * NVM + 2];
	unsigned nseen = 0;
	for (unsigned i = 0; i < NVM; i++)
		if (f->vm[i].win)
			seen[nseen++] = f->vm[i].win;
	for (const struct mem_window *w = f->pool.free; w; w = w->next)
		seen[nseen++] = w;
	for (const struct mem_window *w = f->pool.cold; w; w = w->next)
		seen[nseen++] = w;
	for (unsigned i = 0; i < nseen; i++)
		bad |= check_window(seen[i], f->arena.block_pages, &sh, &sp, where);
	if (sh != f->arena.held_pages || sp != f->arena.pad_pages) {
		print_error("%s: the arena counts %" PRIu64 " held + %" PRIu64 " padding, its windows %" PRIu64
			    " + %" PRIu64 "\n", where, f->arena.held_pages, f->arena.pad_pages, sh, sp);
		bad = 1;
	}
	return bad;
}

#define COUNTS(f, h, p, where)                                                                     \
	do {                                                                                       \
		assert_int_equal(consistent(f, where), 0);                                         \
		assert_int_equal((f)->arena.held_pages, (h));                                      \
		assert_int_equal((f)->arena.pad_pages, (p));                                       \
	} while (0)

/* --- one window ------------------------------------------------------------------------------ */

/* Blocks of 4 pages: page 0 (held from the attach) counts pages 0 to 3. */
static void a_mapped_window_counts_each_block_it_touches_whole(void **state)
{
	struct fx *f = *state;
	copies(f, false);
	block(f, 4);
	struct guest_mem *m = attach(f, 0);
	assert_true(m->win->mapped);
	COUNTS(f, 1, 3, "fresh");                 /* page 0 of block 0 */
	store32(f, m, DATA_VA, 1);                /* page 2, same block: padding becomes held */
	COUNTS(f, 2, 2, "page 2");
	store32(f, m, DATA_VA + 4, 2);            /* again: nothing */
	COUNTS(f, 2, 2, "page 2 again");
	store32(f, m, 0x5000, 3);                 /* page 5: block 1 (4 to 7) counted whole */
	COUNTS(f, 3, 5, "page 5");
	mem_note_write(m, 0x4000, 1);             /* a device's write to page 4 */
	COUNTS(f, 4, 4, "page 4");
	pool_mark_written(m, 6);                  /* the pager putting page 6 back */
	pool_mark_written(m, 7);
	COUNTS(f, 6, 2, "pages 6, 7");
	mem_note_write(m, 0xf000, PAGE);          /* the last page: block 3 */
	COUNTS(f, 7, 5, "page 15");
	assert_int_equal(m->win->nheld + m->win->npad, 12); /* blocks 0, 1 and 3 */
	/* Page 1 is read-only: a store there is refused and counts nothing. */
	f->pf = (struct dva_fault){ 0 };
	assert_int_not_equal(mem_wrn(m, TEXT_VA, 4, 0, &f->pf), 0);
	COUNTS(f, 7, 5, "a refused store");
}

/* A copying window holds page 0 and the image's pages 1 to 3 from the start: block 0 is held
 * through, no padding; the first store outside it pads its block. */
static void a_copying_window_holds_block_0_without_padding(void **state)
{
	struct fx *f = *state;
	copies(f, true);
	block(f, 4);
	struct guest_mem *m = attach(f, 0);
	assert_true(m->win->copies);
	COUNTS(f, 1 + IMG_PAGES, 0, "fresh, copied");
	store32(f, m, 0x3000, 1);                 /* a copied image page: held already */
	COUNTS(f, 1 + IMG_PAGES, 0, "image page");
	store32(f, m, 0x9000, 1);                 /* page 9: block 2 */
	COUNTS(f, 1 + IMG_PAGES + 1, 3, "page 9");
}

/* A block as big as memory or bigger (the run's --swap-block may pass a VM's --mem): cut at the
 * end of memory, one page held counts all 16, never more. */
static void a_block_past_the_end_of_memory_counts_the_memory_once(void **state)
{
	struct fx *f = *state;
	copies(f, false);
	block(f, 2 * PAGES);
	struct guest_mem *m = attach(f, 0);
	COUNTS(f, 1, PAGES - 1, "fresh, block of 32 pages");
	store32(f, m, 0x8000, 1);
	store32(f, m, 0xf000, 1);
	COUNTS(f, 3, PAGES - 3, "pages 8, 15");
	mem_note_write(m, 0x2800, MEM - 0x2800);  /* every writable page from 2 on */
	COUNTS(f, PAGES - 1, 1, "all but page 1"); /* page 1 is read-only: padding for ever */
	assert_int_equal(m->win->nheld + m->win->npad, PAGES);
}

static void the_block_of_exactly_memory_counts_it_once_too(void **state)
{
	struct fx *f = *state;
	copies(f, false);
	block(f, PAGES);
	struct guest_mem *m = attach(f, 0);
	COUNTS(f, 1, PAGES - 1, "fresh, block of 16 pages");
	store32(f, m, 0xa000, 1);
	COUNTS(f, 2, PAGES - 2, "page 10");
}

/* The default, a block of one page: the counts are the held pages, as before blocks. */
static void a_block_of_one_page_has_no_padding(void **state)
{
	struct fx *f = *state;
	copies(f, false);
	struct guest_mem *m = attach(f, 0);
	COUNTS(f, 1, 0, "fresh");
	store32(f, m, DATA_VA, 1);
	store32(f, m, 0x5000, 1);
	mem_note_write(m, 0x9800, 0x2000);        /* pages 9, 10, 11 */
	COUNTS(f, 6, 0, "stores and a note");
	pool_detach(m);
	assert_int_equal(pool_trim(&f->pool, 0), 6);
	COUNTS(f, 0, 0, "trimmed");
}

/* --- windows given back, reused, trimmed ------------------------------------------------------ */

/* A window given back keeps its pages, and so its padding, for the next VM of the image; the
 * next VM's stores in the blocks it holds cost nothing more; pool_trim gives back the padding
 * with the pages (its result counts the host pages only); the kept window keeps both. */
static void padding_stays_with_a_window_until_it_is_trimmed(void **state)
{
	struct fx *f = *state;
	copies(f, false);
	block(f, 4);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	store32(f, a, 0x5000, 1);                 /* a: blocks 0, 1 */
	store32(f, b, 0x9000, 1);                 /* b: blocks 0, 2 */
	store32(f, b, 0xd000, 1);                 /* b: block 3 */
	COUNTS(f, 2 + 3, 6 + 9, "two windows");
	struct mem_window *wa = a->win, *wb = b->win;
	assert_int_equal(wa->nheld + wa->npad, 8);
	assert_int_equal(wb->nheld + wb->npad, 12);

	pool_detach(a);
	COUNTS(f, 5, 15, "a given back");
	struct guest_mem *c = attach(f, 2);
	assert_ptr_equal(c->win, wa);
	COUNTS(f, 5, 15, "a's window reused");
	store32(f, c, 0x5000, 2);                 /* held already */
	COUNTS(f, 5, 15, "a page held before");
	store32(f, c, 0x4000, 2);                 /* padding of block 1: now held, same total */
	COUNTS(f, 6, 14, "a padding page");
	assert_int_equal(wa->nheld + wa->npad, 8);
	store32(f, c, 0xc000, 2);                 /* block 3: new to this window */
	COUNTS(f, 7, 17, "a new block");

	pool_detach(c);
	pool_detach(b);
	/* Free: wb (newest) then wa. Keep one: wa goes, with its 4 held and 8 padding pages. */
	assert_int_equal(pool_trim(&f->pool, 1), 4);
	assert_int_equal(wa->nheld, 0);
	assert_int_equal(wa->npad, 0);
	COUNTS(f, 3, 9, "trimmed but one");
	assert_int_equal(pool_trim(&f->pool, 0), 3);
	COUNTS(f, 0, 0, "all trimmed");
	/* A cold window taken again starts over: page 0's block only. */
	a = attach(f, 0);
	COUNTS(f, 1, 3, "a cold window reused");
}

/* Copied windows trimmed lose their copy of the image: taken again, they copy it and hold
 * block 0 through once more. */
static void a_trimmed_copying_window_copies_and_holds_block_0_again(void **state)
{
	struct fx *f = *state;
	copies(f, true);
	block(f, 8);
	struct guest_mem *a = attach(f, 0);
	store32(f, a, 0x9000, 1);                 /* block 1 (8 to 15) */
	COUNTS(f, 5, 4 + 7, "copied, two blocks"); /* block 0: 0 to 3 held, 4 to 7 padding */
	pool_detach(a);
	assert_int_equal(pool_trim(&f->pool, 0), 5);
	COUNTS(f, 0, 0, "trimmed");
	a = attach(f, 0);
	assert_true(a->win->copies);
	COUNTS(f, 1 + IMG_PAGES, 4, "copied again");
}

/* pool_destroy takes the padding of its free windows with their pages. */
static void destroying_the_pool_takes_its_padding(void **state)
{
	struct fx *f = *state;
	copies(f, false);
	block(f, 4);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	store32(f, a, 0x6000, 1);
	store32(f, b, 0xe000, 1);
	COUNTS(f, 4, 12, "two windows");
	mem_destroy(a);
	pool_detach(b);
	COUNTS(f, 4, 12, "both given back");
	pool_destroy(&f->pool);
	assert_int_equal(f->arena.held_pages, 0);
	assert_int_equal(f->arena.pad_pages, 0);
}

/* Every block size the run takes, 4K to 4M, over every page of the window in turn: the counts
 * stay those of the bitmap, and the total is the blocks touched, whole. */
static void every_block_size_counts_blocks_whole(void **state)
{
	(void)state;
	for (uint32_t bp = 1; bp <= 1024; bp *= 2) {
		struct fx *f = fixture();
		block(f, bp);
		struct guest_mem *m = &f->vm[0];
		assert_int_equal(pool_attach(&f->pool, m), 0);
		char where[64];
		for (uint32_t pfn = 2; pfn < PAGES; pfn += 3) {
			mem_note_write(m, pfn * PAGE + 8, 4);
			snprintf(where, sizeof(where), "block %" PRIu32 " pages, page %" PRIu32, bp, pfn);
			assert_int_equal(consistent(f, where), 0);
			/* PAGES is a power of two: no block is cut short but one past the memory. */
			assert_int_equal((m->win->nheld + m->win->npad) % (bp < PAGES ? bp : PAGES), 0);
		}
		pool_detach(m);
		pool_destroy(&f->pool);
		assert_int_equal(f->arena.held_pages, 0);
		assert_int_equal(f->arena.pad_pages, 0);
		mem_arena_destroy(&f->arena);
		free(f);
	}
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(a_mapped_window_counts_each_block_it_touches_whole),
		T(a_copying_window_holds_block_0_without_padding),
		T(a_block_past_the_end_of_memory_counts_the_memory_once),
		T(the_block_of_exactly_memory_counts_it_once_too),
		T(a_block_of_one_page_has_no_padding),
		T(padding_stays_with_a_window_until_it_is_trimmed),
		T(a_trimmed_copying_window_copies_and_holds_block_0_again),
		T(destroying_the_pool_takes_its_padding),
		cmocka_unit_test(every_block_size_counts_blocks_whole),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
