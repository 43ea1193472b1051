/* test_pool.c - windows of guest memory shared per image (mmu/pool.h): what a window reads, which
 * stores it refuses, which pages it notes as written, how it is reset when given back, what
 * pool_trim gives back to the host, and the same again where windows copy the image.
 *
 * Every case builds the small image of tests/unit/pool_image.h with pool_init /
 * pool_add_segment / pool_seal over its own arena. Cases named "copied" set arena.maps_left
 * to 0 before the first window is attached, so no window may map the pool's memfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "mmu/mem.h"
#include "mmu/pool.h"
#include "tests/unit/pool_image.h"

#define NVM 4                 /* windows a case may hold at once */
#define ERR_WRITE_RO 7u       /* P|W|U */

/* --- the fixture ---------------------------------------------------------------------------- */

struct fx {
	struct mem_arena arena;
	struct mem_pool pool;
	struct guest_mem vm[NVM];
	struct dva_fault pf;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mem_arena_init(&f->arena, 8 * ((size_t)MEM + PAGE) + (1u << 20)), 0);
	build_pool(&f->pool, &f->arena);
	*state = f;
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

static struct guest_mem *attach(struct fx *f, unsigned i)
{
	struct guest_mem *m = &f->vm[i];
	assert_int_equal(pool_attach(&f->pool, m), 0);
	assert_non_null(m->base);
	assert_non_null(m->win);
	assert_int_equal(m->size, MEM);
	return m;
}

/* Before the first attach: windows may not map the image (vm.max_map_count used up). */
static void force_copies(struct fx *f)
{
	f->arena.maps_left = 0;
}

/* Copied, or mapped (skipped where the host refused the memfd). */
static void mode(struct fx *f, bool copy)
{
	if (copy)
		force_copies(f);
	else if (f->pool.fd < 0)
		skip();
}

/* The pages a fresh window holds in host memory: page 0, and the image where it copies it. */
static uint32_t fresh_held(bool copy)
{
	return 1 + (copy ? IMG_PAGES : 0);
}

/* Every byte of m as a fresh window holds it; returns 1 (and says where) at the first that is
 * not. */
static int check_fresh(const struct guest_mem *m, const char *who)
{
	for (uint32_t a = 0; a < MEM; a++) {
		if (m->base[a] != image_byte(a)) {
			print_error("%s: byte 0x%" PRIx32 " is 0x%02x, want 0x%02x\n", who, a,
				    m->base[a], image_byte(a));
			return 1;
		}
	}
	return 0;
}

static void store32(struct fx *f, struct guest_mem *m, uint32_t a, uint32_t v)
{
	f->pf = (struct dva_fault){ 0 };
	if (mem_wrn(m, a, 4, v, &f->pf) != 0)
		fail_msg("a store to 0x%" PRIx32 " faulted (error %u at 0x%" PRIx32 ")", a,
			 f->pf.error, f->pf.addr);
}

/* A store of n bytes at a must raise #PF 7 at want and change nothing, by the inline path and
 * the slow path alike. */
static void assert_refused(struct fx *f, struct guest_mem *m, uint32_t a, unsigned n, uint32_t want)
{
	uint8_t before[8], ones[8];
	memcpy(before, m->base + a, n);
	memset(ones, 0x5a, sizeof(ones));
	f->pf = (struct dva_fault){ 0 };
	if (mem_write(m, a, n, ones, &f->pf) != -1)
		fail_msg("a %u-byte store at 0x%" PRIx32 " was allowed", n, a);
	assert_int_equal(f->pf.vector, DVA_VEC_PF);
	assert_int_equal(f->pf.error, ERR_WRITE_RO);
	assert_int_equal(f->pf.addr, want);
	f->pf = (struct dva_fault){ 0 };
	assert_int_equal(mem_write_slow(m, a, n, ones, &f->pf), -1);
	assert_int_equal(f->pf.error, ERR_WRITE_RO);
	assert_int_equal(f->pf.addr, want);
	assert_memory_equal(m->base + a, before, n);
}

static bool pages_written_are(const struct guest_mem *m, const bool want[PAGES])
{
	bool ok = true;
	for (uint32_t pfn = 0; pfn < PAGES; pfn++) {
		if (pool_page_written(m, pfn) != want[pfn]) {
			print_error("page %" PRIu32 ": pool_page_written is %d, want %d (flags 0x%02x)\n",
				    pfn, pool_page_written(m, pfn), want[pfn], m->pflags[pfn]);
			ok = false;
		}
	}
	return ok;
}

/* --- contents and isolation, mapped or copied ----------------------------------------------- */

static void windows_read_the_image(struct fx *f, bool copy)
{
	mode(f, copy);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	assert_ptr_not_equal(a->base, b->base);
	assert_int_equal(check_fresh(a, "first window") + check_fresh(b, "second window"), 0);
	/* Through the access functions too, not only the host bytes. */
	uint32_t v;
	assert_int_equal(mem_rd32(a, TEXT_VA, &v, &f->pf), 0);
	assert_int_equal(v & 0xff, text_byte(0));
	assert_int_equal(mem_rd32(b, DATA_VA + DATA_FILESZ - 4, &v, &f->pf), 0);
	assert_int_equal(v >> 24, data_byte(DATA_FILESZ - 1));
	assert_int_equal(mem_rd32(b, DATA_VA + DATA_FILESZ, &v, &f->pf), 0);
	assert_int_equal(v, 0);
	assert_int_equal(f->pool.windows, 2);
}

static void two_mapped_windows_read_the_image_bytes(void **state)
{
	windows_read_the_image(*state, false);
}

static void two_copied_windows_read_the_image_bytes(void **state)
{
	windows_read_the_image(*state, true);
}

static void stores_stay_in_their_window(struct fx *f, bool copy)
{
	mode(f, copy);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	/* Data from the file (page 2's writable part, page 3), its zero tail (page 3 to 5), and
	 * memory outside every segment (page 10). */
	static const uint32_t at[] = { DATA_VA, 0x2ffc, 0x3000, 0x37fc, 0x3800, 0x4000, 0x5ffc, 0xa000 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		store32(f, a, at[i], 0xdeadbeefu);
	assert_int_equal(check_fresh(b, "the other window after stores into the first"), 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		uint32_t v;
		memcpy(&v, a->base + at[i], 4);
		assert_int_equal(v, 0xdeadbeefu);
		store32(f, b, at[i], 0x01020304u);
		memcpy(&v, a->base + at[i], 4);
		assert_int_equal(v, 0xdeadbeefu);
	}
	/* Neither store reached the pool's image. */
	assert_int_equal(f->pool.content[(DATA_VA - IMG_LO * PAGE)], data_byte(0));
	assert_int_equal(f->pool.content[(0x3000 - IMG_LO * PAGE)], data_byte(0x3000 - DATA_VA));
	/* A third window is fresh. */
	struct guest_mem *c = attach(f, 2);
	assert_int_equal(check_fresh(c, "a third window"), 0);
}

static void a_store_into_one_mapped_window_is_not_seen_in_the_other(void **state)
{
	stores_stay_in_their_window(*state, false);
}

static void a_store_into_one_copied_window_is_not_seen_in_the_other(void **state)
{
	stores_stay_in_their_window(*state, true);
}

static void read_only_pages_refuse_stores(struct fx *f, bool copy)
{
	mode(f, copy);
	struct guest_mem *w[2] = { attach(f, 0), attach(f, 1) };
	for (unsigned i = 0; i < 2; i++) {
		struct guest_mem *m = w[i];
		assert_refused(f, m, TEXT_VA, 4, TEXT_VA);              /* page 1, wholly read-only */
		assert_refused(f, m, 0x1ffe, 4, 0x1ffe);                /* across pages 1 and 2 */
		assert_refused(f, m, 0x2000, 1, 0x2000);                /* page 2's read-only part */
		assert_refused(f, m, DATA_VA - 2, 4, DATA_VA - 2);      /* across into the data */
		assert_refused(f, m, DATA_VA - 1, 8, DATA_VA - 1);
		/* A refused store notes nothing: page 2 is still clean. */
		assert_true(m->pflags[2] & PG_CLEAN);
		assert_false(pool_page_written(m, 2));
		/* The first writable byte on the same page accepts a store. */
		store32(f, m, DATA_VA, 0x11111111u * (i + 1));
		assert_true(pool_page_written(m, 2));
		/* Read-only bytes still read as the image's. */
		uint32_t v;
		assert_int_equal(mem_rd32(m, DATA_VA - 4, &v, &f->pf), 0);
		assert_int_equal(v >> 24, text_byte(TEXT_SZ - 1));
	}
	assert_int_equal(w[0]->base[DATA_VA], 0x11);
	assert_int_equal(w[1]->base[DATA_VA], 0x22);
}

static void read_only_pages_of_mapped_windows_refuse_stores_with_pf_7(void **state)
{
	read_only_pages_refuse_stores(*state, false);
}

static void read_only_pages_of_copied_windows_refuse_stores_with_pf_7(void **state)
{
	read_only_pages_refuse_stores(*state, true);
}

/* --- host pages of mapped windows ----------------------------------------------------------- */

#define PM_PRESENT (1ull << 63)
#define PM_FILE (1ull << 61)   /* a file page (or shared anonymous), not a private copy */
#define PM_PFN ((1ull << 55) - 1)

/* The /proc/self/pagemap entry of the host page at p, or false where it cannot be read. */
static bool pagemap(const volatile uint8_t *p, uint64_t *e)
{
	(void)*p; /* touch it: an entry says something only of a page that is mapped */
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t r = pread(fd, e, sizeof(*e), (off_t)((uintptr_t)p / PAGE) * (off_t)sizeof(*e));
	close(fd);
	return r == (ssize_t)sizeof(*e) && (*e & PM_PRESENT);
}

static void mapped_windows_read_the_text_from_the_same_host_pages(void **state)
{
	struct fx *f = *state;
	if (f->pool.fd < 0)
		skip(); /* the host refused memfd_create: windows copy */
	assert_int_equal(sysconf(_SC_PAGESIZE), PAGE);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	assert_true(a->win->mapped);
	assert_true(b->win->mapped);
	assert_false(a->win->copies);
	assert_int_equal(f->pool.copied, 0);
	/* Only page 0 of each window is the window's own: the image's pages are the memfd's. */
	assert_int_equal(a->win->nheld, 1);
	assert_int_equal(b->win->nheld, 1);
	assert_int_equal(f->arena.held_pages, 2);

	/* The memfd's own pages, to compare with. */
	uint8_t *file = mmap(NULL, IMG_PAGES * PAGE, PROT_READ, MAP_SHARED, f->pool.fd, 0);
	assert_ptr_not_equal(file, MAP_FAILED);
	assert_memory_equal(file, f->pool.content, IMG_PAGES * PAGE);
	uint64_t ea, eb, ef;
	if (!pagemap(a->base + IMG_LO * PAGE, &ea)) {
		munmap(file, IMG_PAGES * PAGE);
		print_message("no /proc/self/pagemap: the sharing itself is not checked\n");
		return;
	}
	/* PFNs read as 0 without CAP_SYS_ADMIN: then compare what is left, file page or not. */
	bool pfns = (ea & PM_PFN) != 0;
	if (!pfns)
		print_message("host PFNs are hidden (unprivileged): only the pages' kind is compared\n");
	for (uint32_t pfn = IMG_LO; pfn < IMG_HI; pfn++) {
		size_t off = (size_t)pfn * PAGE;
		assert_true(pagemap(a->base + off, &ea));
		assert_true(pagemap(b->base + off, &eb));
		assert_true(pagemap(file + off - IMG_LO * PAGE, &ef));
		if (pfns) {
			if ((ea & PM_PFN) != (ef & PM_PFN) || (eb & PM_PFN) != (ef & PM_PFN))
				fail_msg("image page %" PRIu32 ": host pages %#llx and %#llx, the memfd's %#llx",
					 pfn, (unsigned long long)(ea & PM_PFN),
					 (unsigned long long)(eb & PM_PFN), (unsigned long long)(ef & PM_PFN));
		} else {
			assert_true(ea & PM_FILE);
			assert_true(eb & PM_FILE);
		}
	}
	/* A store gives the writer its own copy of that page; the other window keeps the memfd's. */
	store32(f, a, 0x3100, 0xfeedfaceu);
	assert_true(pagemap(a->base + 3 * PAGE, &ea));
	assert_true(pagemap(b->base + 3 * PAGE, &eb));
	assert_true(pagemap(file + 2 * PAGE, &ef));
	if (pfns) {
		assert_true((ea & PM_PFN) != (ef & PM_PFN));
		assert_true((eb & PM_PFN) == (ef & PM_PFN));
	} else {
		assert_false(ea & PM_FILE);
		assert_true(eb & PM_FILE);
	}
	/* The text stays shared. */
	assert_true(pagemap(a->base + IMG_LO * PAGE, &ea));
	assert_true(pagemap(b->base + IMG_LO * PAGE, &eb));
	if (pfns)
		assert_true((ea & PM_PFN) == (eb & PM_PFN));
	else
		assert_true((ea & PM_FILE) && (eb & PM_FILE));
	assert_int_equal(f->arena.held_pages, 3);
	assert_int_equal(check_fresh(b, "the other window"), 0);
	munmap(file, IMG_PAGES * PAGE);
}

/* --- written pages -------------------------------------------------------------------------- */

static void a_fresh_window_has_the_template_flags_and_clean_writable_pages(void **state)
{
	struct fx *f = *state;
	struct guest_mem *m = attach(f, 0);
	assert_memory_equal(m->pflags, f->pool.tmpl, PAGES);
	assert_int_equal(m->pflags[0], 0);
	assert_int_equal(m->pflags[1], PG_RO);                 /* never written: not clean */
	assert_int_equal(m->pflags[2], PG_RO_PART | PG_CLEAN);
	for (uint32_t pfn = 3; pfn < PAGES; pfn++)
		assert_int_equal(m->pflags[pfn], PG_CLEAN);
	bool want[PAGES] = { [0] = true };
	assert_true(pages_written_are(m, want));
	assert_int_equal(m->win->nheld, 1);
	assert_int_equal(f->arena.held_pages, 1);
	/* The read-only ranges are the pool's. */
	assert_int_equal(m->nro, 1);
	assert_int_equal(m->ro[0].start, TEXT_VA);
	assert_int_equal(m->ro[0].end, TEXT_VA + TEXT_SZ);
}

static void stores_device_writes_and_bulk_notes_mark_each_written_page_once(void **state)
{
	struct fx *f = *state;
	struct guest_mem *m = attach(f, 0);
	bool want[PAGES] = { [0] = true };
	uint64_t held = f->arena.held_pages;
	uint32_t nheld = m->win->nheld;
#define WROTE(pfn)                                                                                 \
	do {                                                                                       \
		want[pfn] = true;                                                                  \
		held++;                                                                            \
		nheld++;                                                                           \
	} while (0)
#define COUNTS()                                                                                   \
	do {                                                                                       \
		assert_true(pages_written_are(m, want));                                           \
		assert_int_equal(f->arena.held_pages, held);                                       \
		assert_int_equal(m->win->nheld, nheld);                                            \
	} while (0)

	/* The first store to a page (mem_wrn) takes the slow path and clears PG_CLEAN. */
	store32(f, m, 0x3010, 0xa1a2a3a4u);
	assert_int_equal(m->pflags[3], 0);
	WROTE(3);
	COUNTS();
	/* The next stores there take the fast path and count nothing more. */
	store32(f, m, 0x3020, 1);
	store32(f, m, 0x3010, 2);
	COUNTS();
	/* mem_write across two clean pages notes both. */
	uint8_t eight[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	assert_int_equal(mem_write(m, 0x4ffc, 8, eight, &f->pf), 0);
	assert_memory_equal(m->base + 0x4ffc, eight, 8);
	WROTE(4);
	WROTE(5);
	COUNTS();
	/* The writable part of the partly read-only page: it keeps PG_RO_PART. */
	store32(f, m, DATA_VA + 0x10, 3);
	assert_int_equal(m->pflags[2], PG_RO_PART);
	WROTE(2);
	COUNTS();
	/* A device's write (mem_note_write, then the bytes). */
	mem_note_write(m, 0x7010, 16);
	memset(m->base + 0x7010, 0xee, 16);
	WROTE(7);
	COUNTS();
	/* A bulk string operation's note over three pages, and one ending on a page boundary
	 * that must not reach the next page. */
	mem_note_write(m, 0x9800, 0x2000);
	WROTE(9);
	WROTE(10);
	WROTE(11);
	COUNTS();
	mem_note_write(m, 0xc000, PAGE);
	WROTE(12);
	COUNTS();
	/* Notes and stores again over written pages count nothing. */
	mem_note_write(m, 0x9000, 0x4000);
	mem_note_write(m, 0x2f00, 0x200);
	store32(f, m, 0xa000, 4);
	assert_int_equal(mem_write(m, 0x4ffc, 8, eight, &f->pf), 0);
	COUNTS();
	/* An empty note notes nothing. */
	mem_note_write(m, 0xd000, 0);
	COUNTS();
	/* Page 0 is written from the start (the kernel writes it), and a store there counts
	 * nothing either. */
	assert_true(pool_page_written(m, 0));
	store32(f, m, DVA_RW_FIRST, 0);
	COUNTS();
	/* A page marked as the pager does it, once. */
	pool_mark_written(m, 14);
	pool_mark_written(m, 14);
	WROTE(14);
	COUNTS();
#undef WROTE
#undef COUNTS
}

/* --- reset and reuse ------------------------------------------------------------------------ */

static void a_detached_window_is_reset(struct fx *f, bool copy)
{
	mode(f, copy);
	struct guest_mem *m = attach(f, 0);
	uint8_t *base = m->base;
	struct mem_window *win = m->win;
	/* Data over file bytes (pages 2, 3), the zero tail (3, 4, 5), the last page, page 0 as
	 * the kernel writes it, and decoded code noted on page 3. */
	static const uint32_t at[] = { DATA_VA, 0x2ffc, 0x3000, 0x3900, 0x4800, 0x5ffc, MEM - 4 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		store32(f, m, at[i], 0x5555aaaau);
	mem_note_write(m, 0x6000, 2 * PAGE);
	memset(m->base + 0x6000, 0x77, 2 * PAGE);
	m->base[0x20] = 0x77;
	m->pflags[3] |= PG_CODE;
	uint64_t held = f->arena.held_pages;
	uint32_t nheld = win->nheld;
	/* Pages 2 and 3 (the image's: copied already, or now the window's own copy), 4, 5, 15,
	 * 6 and 7. */
	assert_int_equal(nheld, fresh_held(copy) + (copy ? 0 : 2) + 3 + 2);

	pool_detach(m);
	assert_null(m->base);
	assert_null(m->win);
	assert_null(m->pflags);
	assert_int_equal(m->size, MEM);
	assert_int_equal(f->pool.nfree, 1);
	/* The pages stay with the window, for the next VM. */
	assert_int_equal(f->arena.held_pages, held);
	assert_int_equal(win->nheld, nheld);
	pool_detach(m); /* a second detach does nothing */
	assert_int_equal(f->pool.nfree, 1);

	struct guest_mem *next = attach(f, 1);
	assert_ptr_equal(next->base, base);
	assert_ptr_equal(next->win, win);
	assert_int_equal(f->pool.nfree, 0);
	assert_int_equal(f->pool.windows, 1);
	assert_int_equal(check_fresh(next, "the reused window"), 0);
	assert_memory_equal(next->pflags, f->pool.tmpl, PAGES);
	bool want[PAGES] = { [0] = true };
	assert_true(pages_written_are(next, want));
	assert_int_equal(f->arena.held_pages, held);
	/* Its pages are held already: the next VM's stores there cost nothing more. */
	store32(f, next, 0x4800, 1);
	assert_true(pool_page_written(next, 4));
	assert_int_equal(f->arena.held_pages, held);
	assert_int_equal(next->win->nheld, nheld);
	/* The VM's struct takes a window again too. */
	struct guest_mem *again = attach(f, 0);
	assert_int_equal(check_fresh(again, "a new window for the detached VM"), 0);
}

static void a_detached_mapped_window_reads_the_image_again_when_reused(void **state)
{
	a_detached_window_is_reset(*state, false);
}

static void a_detached_copied_window_reads_the_image_again_when_reused(void **state)
{
	a_detached_window_is_reset(*state, true);
}

/* --- pool_trim ------------------------------------------------------------------------------ */

static bool host_page_resident(const uint8_t *p)
{
	unsigned char v = 0;
	assert_int_equal(mincore((void *)p, PAGE, &v), 0);
	return v & 1;
}

static void pool_trim_keeps_the_newest(struct fx *f, bool copy)
{
	mode(f, copy);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1), *c = attach(f, 2);
	uint8_t *base_a = a->base, *base_b = b->base, *base_c = c->base;
	struct mem_window *wa = a->win, *wb = b->win, *wc = c->win;
	store32(f, a, 0x3000, 1); /* an image page */
	store32(f, a, 0x4000, 1);
	store32(f, b, 0x4000, 2);
	store32(f, b, 0x5000, 2);
	store32(f, b, 0x6000, 2);
	store32(f, c, 0xa000, 3);
	uint32_t fresh = fresh_held(copy);
	uint32_t na = fresh + (copy ? 1 : 2), nb = fresh + 3, nc = fresh + 1;
	assert_int_equal(wa->nheld, na);
	assert_int_equal(wb->nheld, nb);
	assert_int_equal(wc->nheld, nc);
	assert_int_equal(f->arena.held_pages, na + nb + nc);
	assert_true(host_page_resident(base_a + 4 * PAGE));

	/* Given back in the order a, b, c: c is the newest. Nothing is trimmed while in use. */
	assert_int_equal(pool_trim(&f->pool, 0), 0);
	pool_detach(a);
	pool_detach(b);
	pool_detach(c);
	assert_int_equal(f->pool.nfree, 3);
	assert_int_equal(f->arena.held_pages, na + nb + nc);
	assert_int_equal(pool_trim(&f->pool, 3), 0);
	assert_int_equal(pool_trim(&f->pool, 7), 0);

	assert_int_equal(pool_trim(&f->pool, 1), na + nb);
	assert_int_equal(f->arena.held_pages, nc);
	assert_int_equal(f->pool.nfree, 1);
	assert_int_equal(f->pool.ncold, 2);
	assert_ptr_equal(f->pool.free, wc);
	assert_int_equal(wa->nheld, 0);
	assert_int_equal(wb->nheld, 0);
	assert_int_equal(wc->nheld, nc);
	/* The host has the pages back: outside the image they are no longer resident. */
	assert_false(host_page_resident(base_a + 4 * PAGE));
	assert_false(host_page_resident(base_b + 6 * PAGE));
	assert_true(host_page_resident(base_c + 10 * PAGE));
	assert_false(host_page_resident(base_a));
	assert_int_equal(wa->filled, !copy);
	assert_int_equal(pool_trim(&f->pool, 1), 0); /* nothing more to give */

	/* Taken again: the kept window first, then the cold ones; each reads the image. */
	a = attach(f, 0);
	b = attach(f, 1);
	c = attach(f, 2);
	assert_ptr_equal(a->base, base_c);
	assert_true(b->base == base_a || b->base == base_b);
	assert_true(c->base == base_a || c->base == base_b);
	assert_ptr_not_equal(b->base, c->base);
	assert_int_equal(f->pool.windows, 3);
	assert_int_equal(f->pool.ncold, 0);
	assert_int_equal(check_fresh(a, "the kept window") + check_fresh(b, "a trimmed window") +
				 check_fresh(c, "the other trimmed window"),
			 0);
	assert_memory_equal(b->pflags, f->pool.tmpl, PAGES);
	assert_int_equal(b->win->nheld, fresh);
	assert_int_equal(c->win->nheld, fresh);
	assert_int_equal(f->arena.held_pages, nc + 2 * fresh);
	assert_int_equal(b->win->copies, copy);
	assert_int_equal(b->win->mapped, !copy);
	assert_int_equal(f->pool.copied, copy ? 3 : 0);
	/* And they work as fresh windows do: read-only bytes refused, stores apart. */
	assert_refused(f, b, TEXT_VA, 4, TEXT_VA);
	store32(f, b, 0x3000, 0x12345678u);
	assert_int_equal(check_fresh(c, "a trimmed window after a store into the other"), 0);

	/* All back and trimmed: the pool holds no host page. */
	pool_detach(a);
	pool_detach(b);
	pool_detach(c);
	uint64_t all = f->arena.held_pages;
	assert_int_equal(pool_trim(&f->pool, 0), all);
	assert_int_equal(f->arena.held_pages, 0);
	assert_int_equal(f->pool.ncold, 3);
	a = attach(f, 0);
	assert_int_equal(check_fresh(a, "a window taken from the cold list"), 0);
}

static void pool_trim_gives_back_mapped_windows_but_the_newest(void **state)
{
	pool_trim_keeps_the_newest(*state, false);
}

static void pool_trim_gives_back_copied_windows_but_the_newest_and_they_copy_again(void **state)
{
	pool_trim_keeps_the_newest(*state, true);
}

/* --- copy mode ------------------------------------------------------------------------------ */

static void windows_copy_the_image_when_no_mapping_is_left(void **state)
{
	struct fx *f = *state;
	force_copies(f);
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	assert_true(a->win->copies);
	assert_false(a->win->mapped);
	assert_true(a->win->filled);
	assert_true(b->win->copies);
	assert_int_equal(f->pool.copied, 2);
	assert_int_equal(f->arena.maps_left, 0);
	assert_int_equal(f->pool.map_errno, 0); /* not refused: never tried */
	/* Page 0 and the image's three pages are each window's own host memory. */
	assert_int_equal(a->win->nheld, 1 + IMG_PAGES);
	assert_int_equal(f->arena.held_pages, 2 * (1 + IMG_PAGES));
	/* They are not "written" for all that: nothing for the pager to save. */
	bool want[PAGES] = { [0] = true };
	assert_true(pages_written_are(a, want));
	/* A store to a copied image page costs nothing more; one outside it does. */
	store32(f, a, 0x3000, 1);
	assert_int_equal(f->arena.held_pages, 2 * (1 + IMG_PAGES));
	store32(f, a, 0x4000, 1);
	assert_int_equal(f->arena.held_pages, 2 * (1 + IMG_PAGES) + 1);
	/* A reused window is still a copying one, and copies no more than once. */
	pool_detach(a);
	a = attach(f, 0);
	assert_true(a->win->copies);
	assert_int_equal(f->pool.copied, 2);
	assert_int_equal(f->arena.held_pages, 2 * (1 + IMG_PAGES) + 1);
	assert_int_equal(check_fresh(a, "the reused copying window"), 0);
}

static void one_mapping_left_maps_one_window_and_the_next_copies(void **state)
{
	struct fx *f = *state;
	if (f->pool.fd < 0)
		skip();
	f->arena.maps_left = 1;
	struct guest_mem *a = attach(f, 0), *b = attach(f, 1);
	assert_true(a->win->mapped);
	assert_true(b->win->copies);
	assert_int_equal(f->arena.maps_left, 0);
	assert_int_equal(f->pool.copied, 1);
	assert_int_equal(f->arena.held_pages, 1 + (1 + IMG_PAGES));
	store32(f, a, 0x3000, 0xaaaaaaaau);
	store32(f, b, 0x3004, 0xbbbbbbbbu);
	assert_memory_equal(a->base + 0x3004, f->pool.content + 0x3004 - PAGE, 4);
	assert_memory_equal(b->base + 0x3000, f->pool.content + 0x3000 - PAGE, 4);
	assert_int_equal(check_fresh(attach(f, 2), "a third window"), 0);
	/* The mapped window keeps its mapping when reused: no mapping is spent again. */
	pool_detach(a);
	a = attach(f, 0);
	assert_true(a->win->mapped);
	assert_int_equal(f->arena.maps_left, 0);
	assert_int_equal(check_fresh(a, "the mapped window reused"), 0);
}

/* --- limits and teardown -------------------------------------------------------------------- */

static void pool_attach_fails_with_enomem_when_the_arena_is_full(void **state)
{
	(void)state;
	struct mem_arena arena;
	struct mem_pool pool;
	assert_int_equal(mem_arena_init(&arena, 2 * ((size_t)MEM + PAGE)), 0);
	build_pool(&pool, &arena);
	struct guest_mem m[3];
	memset(m, 0, sizeof(m));
	assert_int_equal(pool_attach(&pool, &m[0]), 0);
	assert_int_equal(pool_attach(&pool, &m[1]), 0);
	errno = 0;
	assert_int_equal(pool_attach(&pool, &m[2]), -1);
	assert_int_equal(errno, ENOMEM);
	assert_null(m[2].base);
	assert_null(m[2].win);
	assert_int_equal(pool.windows, 2);
	/* A window given back is there for the next. */
	pool_detach(&m[1]);
	assert_int_equal(pool_attach(&pool, &m[2]), 0);
	pool_detach(&m[0]);
	pool_detach(&m[2]);
	pool_destroy(&pool);
	mem_arena_destroy(&arena);
}

static void destroying_the_pool_gives_back_its_held_pages(void **state)
{
	struct fx *f = *state;
	if (f->pool.fd < 0)
		skip();
	struct guest_mem *a = attach(f, 0); /* mapped */
	force_copies(f);
	struct guest_mem *b = attach(f, 1); /* copies */
	store32(f, a, 0x5000, 1);
	store32(f, b, 0x5000, 1);
	assert_int_equal(f->arena.held_pages, (1 + 1) + (1 + IMG_PAGES + 1));
	mem_destroy(a); /* a pool window goes back to its pool */
	assert_null(a->base);
	pool_detach(b);
	assert_int_equal(pool_trim(&f->pool, 1), 1 + 1); /* a's window: page 0 and page 5 */
	assert_int_equal(f->arena.held_pages, 1 + IMG_PAGES + 1);
	pool_destroy(&f->pool); /* b's window, free with its pages */
	assert_int_equal(f->arena.held_pages, 0);
	assert_int_equal(f->pool.fd, -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		/* contents and isolation */
		T(two_mapped_windows_read_the_image_bytes),
		T(two_copied_windows_read_the_image_bytes),
		T(a_store_into_one_mapped_window_is_not_seen_in_the_other),
		T(a_store_into_one_copied_window_is_not_seen_in_the_other),
		T(read_only_pages_of_mapped_windows_refuse_stores_with_pf_7),
		T(read_only_pages_of_copied_windows_refuse_stores_with_pf_7),
		T(mapped_windows_read_the_text_from_the_same_host_pages),
		/* written pages */
		T(a_fresh_window_has_the_template_flags_and_clean_writable_pages),
		T(stores_device_writes_and_bulk_notes_mark_each_written_page_once),
		/* reset, reuse, trim */
		T(a_detached_mapped_window_reads_the_image_again_when_reused),
		T(a_detached_copied_window_reads_the_image_again_when_reused),
		T(pool_trim_gives_back_mapped_windows_but_the_newest),
		T(pool_trim_gives_back_copied_windows_but_the_newest_and_they_copy_again),
		/* copy mode */
		T(windows_copy_the_image_when_no_mapping_is_left),
		T(one_mapping_left_maps_one_window_and_the_next_copies),
		/* limits */
		cmocka_unit_test(pool_attach_fails_with_enomem_when_the_arena_is_full),
		T(destroying_the_pool_gives_back_its_held_pages),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
