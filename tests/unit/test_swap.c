/* test_swap.c - the swap file (mmu/swap.h): a VM's written pages out and back in byte for byte,
 * what a record holds and what costs nothing, slots reused, and every way the file can fail,
 * each with a clear one-line reason and the VM's memory as it was.
 *
 * The VMs are windows of one small image's pool (tests/unit/pool_image.h). The swap file lies in a
 * directory made by mkdtemp for each case, removed again at its end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mmu/mem.h"
#include "mmu/pool.h"
#include "mmu/swap.h"
#include "tests/unit/pool_image.h"
#include "tests/unit/rng.h"

#define NVM 3
#define VM_ID 7u
#define HEADER 20u            /* magic, id, page count, payload bytes, code page count */
#define ENTRY 8u              /* page number, stored bytes */
#define MAGIC 0x50575344u     /* "DSWP" */

/* --- the fixture ---------------------------------------------------------------------------- */

struct fx {
	struct mem_arena arena;
	struct mem_pool pool;
	struct guest_mem vm[NVM];
	struct swap_file s;
	bool open;                 /* s is open */
	char dir[PATH_MAX];        /* the case's directory */
	char path[PATH_MAX + 16];  /* the swap file in it */
	char err[SWAP_ERR];
	struct dva_fault pf;
	uint8_t snap[MEM];         /* a window's bytes and flags, to compare with */
	uint8_t snap_flags[PAGES];
};

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mem_arena_init(&f->arena, 8 * ((size_t)MEM + PAGE) + (1u << 20)), 0);
	build_pool(&f->pool, &f->arena);
	snprintf(f->dir, sizeof(f->dir), "%s/denali-swaptest-XXXXXX", tmp_dir());
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/swap", f->dir);
	assert_int_equal(swap_open(&f->s, f->path, f->err), 0);
	f->open = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	for (unsigned i = 0; i < NVM; i++)
		pool_detach(&f->vm[i]);
	if (f->open)
		swap_close(&f->s);
	pool_destroy(&f->pool);
	mem_arena_destroy(&f->arena);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void reopen(struct fx *f, const char *path)
{
	if (f->open)
		swap_close(&f->s);
	f->open = false;
	f->err[0] = '\0';
	assert_int_equal(swap_open(&f->s, path, f->err), 0);
	f->open = true;
}

static struct guest_mem *attach(struct fx *f, unsigned i)
{
	struct guest_mem *m = &f->vm[i];
	assert_int_equal(pool_attach(&f->pool, m), 0);
	return m;
}

static void snapshot(struct fx *f, const struct guest_mem *m)
{
	memcpy(f->snap, m->base, MEM);
	memcpy(f->snap_flags, m->pflags, PAGES);
}

/* m is what the last snapshot saw: every byte and every page flag. */
static void assert_as_snapshot(const struct fx *f, const struct guest_mem *m, const char *what)
{
	for (uint32_t a = 0; a < MEM; a++)
		if (m->base[a] != f->snap[a])
			fail_msg("%s: byte 0x%" PRIx32 " is 0x%02x, was 0x%02x", what, a, m->base[a],
				 f->snap[a]);
	for (uint32_t pfn = 0; pfn < PAGES; pfn++)
		if (m->pflags[pfn] != f->snap_flags[pfn])
			fail_msg("%s: page %" PRIu32 "'s flags are 0x%02x, were 0x%02x", what, pfn,
				 m->pflags[pfn], f->snap_flags[pfn]);
}

static void assert_fresh(const struct guest_mem *m, const char *what)
{
	for (uint32_t a = 0; a < MEM; a++)
		if (m->base[a] != image_byte(a))
			fail_msg("%s: byte 0x%" PRIx32 " is 0x%02x, want the image's 0x%02x", what, a,
				 m->base[a], image_byte(a));
}

/* A reason is one line, not empty, naming no file, and containing word. */
static void assert_reason(const char *err, const char *word, const char *path)
{
	if (!err[0])
		fail_msg("the reason is empty");
	if (strchr(err, '\n'))
		fail_msg("the reason '%s' is more than one line", err);
	if (path && strstr(err, path))
		fail_msg("the reason '%s' names the file", err);
	if (!strstr(err, word))
		fail_msg("the reason '%s' does not say '%s'", err, word);
}

/* --- what a VM writes ----------------------------------------------------------------------- */

static void store32(struct fx *f, struct guest_mem *m, uint32_t a, uint32_t v)
{
	f->pf = (struct dva_fault){ 0 };
	if (mem_wrn(m, a, 4, v, &f->pf) != 0)
		fail_msg("a store to 0x%" PRIx32 " faulted", a);
}

/* A whole page, as a bulk string operation writes it: noted, then copied. */
static void write_page(struct guest_mem *m, uint32_t pfn, const uint8_t *src)
{
	mem_note_write(m, pfn * PAGE, PAGE);
	memcpy(m->base + (size_t)pfn * PAGE, src, PAGE);
}

static void random_page(uint8_t page[PAGE], uint64_t seed)
{
	struct rng r = { seed };
	for (uint32_t i = 0; i < PAGE; i += 8) {
		uint64_t v = next(&r);
		memcpy(page + i, &v, 8);
	}
}

/* The round trip's VM: a page of each kind. Stored, in page order:
 *   0  the kernel's registers: a few bytes, LZ4
 *   3  all zero where the image is not: a zero entry
 *   4  text, LZ4 (and decoded code cached)
 *   5  the same text again, right after page 4 in host memory: LZ4, alone
 *   6, 7  random: raw
 *   9  a few bytes in zeros: LZ4
 * Written but costing nothing: 2 (written back to the image's bytes) and 8 (zeros outside the
 * image). Page 12 holds decoded code but was not written. */
#define RT_STORED 7u
#define RT_SKIPPED 2u
#define RT_CODE 2u
static const uint32_t rt_pfn[RT_STORED] = { 0, 3, 4, 5, 6, 7, 9 };
enum { RT_LZ4, RT_ZERO, RT_RAW };
static const int rt_kind[RT_STORED] = { RT_LZ4, RT_ZERO, RT_LZ4, RT_LZ4, RT_RAW, RT_RAW, RT_LZ4 };

static void write_round_trip(struct fx *f, struct guest_mem *m)
{
	static uint8_t page[PAGE];
	for (uint32_t i = 0x20; i < 0x34; i++) /* page 0 as the kernel writes it */
		m->base[i] = (uint8_t)(0x40 + i);
	/* Page 2: written, then written back to what the image holds there. */
	store32(f, m, DATA_VA, 0);
	store32(f, m, 0x2ffc, 0xffffffffu);
	uint32_t v;
	memcpy(&v, f->pool.content + (DATA_VA - IMG_LO * PAGE), 4);
	store32(f, m, DATA_VA, v);
	memcpy(&v, f->pool.content + (0x2ffc - IMG_LO * PAGE), 4);
	store32(f, m, 0x2ffc, v);
	/* Page 3: the image has file bytes in its first half; the VM zeroes all of it. */
	memset(page, 0, PAGE);
	write_page(m, 3, page);
	/* Pages 4 and 5: compressible text. */
	for (uint32_t i = 0; i < PAGE; i++)
		page[i] = (uint8_t)"the quick brown fox jumps over the lazy dog. "[i % 45];
	write_page(m, 4, page);
	write_page(m, 5, page);
	random_page(page, 0x9e3779b97f4a7c15ull);
	write_page(m, 6, page);
	random_page(page, 0x2545f4914f6cdd1dull);
	write_page(m, 7, page);
	store32(f, m, 0x8000, 0); /* page 8: a zero store */
	store32(f, m, 0x9123, 0x01020304u);
	store32(f, m, 0x9ff0, 0xcafebabeu);
	m->pflags[4] |= PG_CODE;
	m->pflags[12] |= PG_CODE;
}

/* One record in the file, as swap.h lays it out. */
struct record {
	uint32_t header[5];
	uint32_t code[PAGES];
	uint32_t entry[PAGES][2];
	uint32_t payload_at;  /* offset in the record of the first stored byte */
};

static void read_record(const struct fx *f, const struct swap_slot *slot, struct record *r)
{
	uint8_t *b = malloc(slot->len);
	assert_non_null(b);
	assert_int_equal(pread(f->s.fd, b, slot->len, (off_t)slot->off), (ssize_t)slot->len);
	memcpy(r->header, b, sizeof(r->header));
	uint32_t ncode = r->header[4], n = r->header[2];
	assert_true(ncode <= PAGES && n <= PAGES);
	memcpy(r->code, b + HEADER, ncode * 4);
	memcpy(r->entry, b + HEADER + ncode * 4, n * ENTRY);
	r->payload_at = HEADER + ncode * 4 + n * ENTRY;
	free(b);
}

/* The size class a record of len bytes takes: 1 << it bytes, 256 at least. */
static uint8_t class_for(uint32_t len)
{
	uint8_t c = 8;
	while ((1u << c) < len)
		c++;
	return c;
}

/* --- round trips ---------------------------------------------------------------------------- */

/* Where the round trip's record is put back. */
enum into { INTO_REUSED, INTO_NEW, INTO_COPYING };

static void round_trip(struct fx *f, enum into where)
{
	struct guest_mem *m = attach(f, 0);
	write_round_trip(f, m);
	snapshot(f, m);
	uint64_t held = f->arena.held_pages;
	struct swap_slot slot;
	memset(&slot, 0xee, sizeof(slot));
	assert_int_equal(swap_put(&f->s, VM_ID, m, &slot, f->err), 0);
	assert_as_snapshot(f, m, "the VM after swap_put");

	/* The record: one entry per stored page, in page order, of the kind each page is. */
	struct record r;
	read_record(f, &slot, &r);
	assert_int_equal(r.header[0], MAGIC);
	assert_int_equal(r.header[1], VM_ID);
	assert_int_equal(r.header[2], RT_STORED);
	assert_int_equal(r.header[4], RT_CODE);
	assert_int_equal(r.code[0], 4);
	assert_int_equal(r.code[1], 12);
	uint32_t payload = 0;
	for (unsigned i = 0; i < RT_STORED; i++) {
		uint32_t stored = r.entry[i][1];
		if (r.entry[i][0] != rt_pfn[i])
			fail_msg("entry %u is page %" PRIu32 ", want %" PRIu32, i, r.entry[i][0], rt_pfn[i]);
		if (rt_kind[i] == RT_ZERO ? stored != 0 :
		    rt_kind[i] == RT_RAW ? stored != PAGE : stored == 0 || stored >= PAGE)
			fail_msg("page %" PRIu32 " is stored in %" PRIu32 " bytes", rt_pfn[i], stored);
		payload += stored;
	}
	assert_true(r.entry[0][1] < 100);            /* a few register bytes */
	assert_int_equal(r.entry[2][1], r.entry[3][1]); /* page 5 compressed on its own as page 4 */
	assert_int_equal(r.header[3], payload);
	assert_int_equal(slot.len, HEADER + RT_CODE * 4 + RT_STORED * ENTRY + payload);
	assert_int_equal(slot.off, 0);
	assert_int_equal(slot.cls, class_for(slot.len));
	/* The counters. */
	assert_int_equal(f->s.records_out, 1);
	assert_int_equal(f->s.pages_out, RT_STORED);
	assert_int_equal(f->s.pages_skipped, RT_SKIPPED);
	assert_int_equal(f->s.raw_bytes, (RT_STORED - 1) * PAGE); /* the zero page costs nothing */
	assert_int_equal(f->s.stored_bytes, payload);
	assert_int_equal(f->s.live_bytes, slot.len);
	assert_int_equal(f->s.end, 1u << slot.cls);
	assert_int_equal(f->s.peak_bytes, 1u << slot.cls);

	/* Out of memory, and back into a fresh window. */
	uint8_t *was = m->base;
	pool_detach(m);
	if (where != INTO_REUSED)
		attach(f, 1); /* another VM takes the reused window */
	if (where == INTO_COPYING)
		f->arena.maps_left = 0; /* the new window may not map the image */
	struct guest_mem *back = attach(f, 2);
	if (where == INTO_REUSED)
		assert_ptr_equal(back->base, was);
	else
		assert_ptr_not_equal(back->base, was);
	if (where == INTO_COPYING && f->pool.fd >= 0)
		assert_true(back->win->copies);
	assert_fresh(back, "the fresh window");
	uint64_t held_fresh = f->arena.held_pages;
	uint32_t nheld_fresh = back->win->nheld;
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, back, f->err), 0);

	/* Every byte as it was, the stored pages written, the code pages kept. */
	for (uint32_t a = 0; a < MEM; a++)
		if (back->base[a] != f->snap[a])
			fail_msg("byte 0x%" PRIx32 " came back as 0x%02x, was 0x%02x", a, back->base[a],
				 f->snap[a]);
	for (unsigned i = 0; i < RT_STORED; i++)
		if (!pool_page_written(back, rt_pfn[i]))
			fail_msg("restored page %" PRIu32 " is not noted as written", rt_pfn[i]);
	/* What cost nothing was not put back: the fresh window's page is clean. */
	assert_false(pool_page_written(back, 2));
	assert_false(pool_page_written(back, 8));
	assert_false(pool_page_written(back, 1));
	assert_true(back->pflags[4] & PG_CODE);
	assert_int_equal(back->pflags[12], PG_CLEAN | PG_CODE);
	assert_false(back->pflags[6] & PG_CODE);
	/* Each restored page is held once: page 0 was already. */
	if (where == INTO_REUSED) {
		assert_int_equal(f->arena.held_pages, held);
	} else {
		uint32_t added = RT_STORED - 1 - (where == INTO_COPYING ? 1 : 0); /* page 3 copied */
		assert_int_equal(back->win->nheld, nheld_fresh + added);
		assert_int_equal(f->arena.held_pages, held_fresh + added);
	}
	assert_int_equal(f->s.records_in, 1);
	assert_int_equal(f->s.pages_in, RT_STORED);
	assert_int_equal(f->s.live_bytes, 0);
	assert_int_equal(f->s.end, 1u << slot.cls); /* the slot stays in the file, free */

	/* Back in, the VM goes on: stores to a restored page and to a skipped one. */
	store32(f, back, 0x6000, 1);
	store32(f, back, 0x8000, 1);
	assert_true(pool_page_written(back, 8));
}

static void a_swapped_vm_comes_back_byte_for_byte_into_its_reused_window(void **state)
{
	round_trip(*state, INTO_REUSED);
}

static void a_swapped_vm_comes_back_byte_for_byte_into_a_new_window(void **state)
{
	round_trip(*state, INTO_NEW);
}

static void a_swapped_vm_comes_back_byte_for_byte_into_a_window_that_copies_the_image(void **state)
{
	round_trip(*state, INTO_COPYING);
}

static void pages_as_a_fresh_window_holds_them_are_not_stored(void **state)
{
	struct fx *f = *state;
	struct guest_mem *m = attach(f, 0);
	/* Page 0 untouched (zero), pages 2 and 3 written back to the image's bytes, pages 4 and
	 * 10 zeroed after a non-zero store, page 11 given zeros. */
	uint32_t v;
	store32(f, m, 0x3000, 0x12345678u);
	memcpy(&v, f->pool.content + (0x3000 - IMG_LO * PAGE), 4);
	store32(f, m, 0x3000, v);
	store32(f, m, DATA_VA + 8, 0x12345678u);
	memcpy(&v, f->pool.content + (DATA_VA + 8 - IMG_LO * PAGE), 4);
	store32(f, m, DATA_VA + 8, v);
	store32(f, m, 0x4000, 0x12345678u);
	store32(f, m, 0x4000, 0);
	store32(f, m, 0xa000, 0x12345678u);
	store32(f, m, 0xa000, 0);
	mem_note_write(m, 0xb000, PAGE);
	memset(m->base + 0xb000, 0, PAGE);
	struct swap_slot slot;
	assert_int_equal(swap_put(&f->s, VM_ID, m, &slot, f->err), 0);
	assert_int_equal(f->s.pages_out, 0);
	assert_int_equal(f->s.pages_skipped, 6); /* pages 0, 2, 3, 4, 10, 11 */
	assert_int_equal(f->s.raw_bytes, 0);
	assert_int_equal(f->s.stored_bytes, 0);
	assert_int_equal(slot.len, HEADER); /* the header only */
	assert_int_equal(slot.cls, 8);
	assert_int_equal(f->s.end, 256);
	struct stat st;
	assert_int_equal(fstat(f->s.fd, &st), 0);
	assert_int_equal(st.st_size, HEADER);
	struct record r;
	read_record(f, &slot, &r);
	assert_int_equal(r.header[2], 0);
	assert_int_equal(r.header[3], 0);
	assert_int_equal(r.header[4], 0);

	pool_detach(m);
	struct guest_mem *back = attach(f, 1);
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, back, f->err), 0);
	assert_fresh(back, "a VM that wrote nothing but what it had");
	for (uint32_t pfn = 1; pfn < PAGES; pfn++)
		assert_false(pool_page_written(back, pfn));
	assert_int_equal(f->s.records_in, 1);
	assert_int_equal(f->s.pages_in, 0);
	assert_int_equal(f->s.live_bytes, 0);
}

/* A VM with k random pages from page 4 on: a record of 20 + 4104 k bytes. */
static struct guest_mem *vm_with_pages(struct fx *f, unsigned i, unsigned k, uint64_t seed)
{
	static uint8_t page[PAGE];
	struct guest_mem *m = attach(f, i);
	for (unsigned j = 0; j < k; j++) {
		random_page(page, seed + j);
		write_page(m, 4 + j, page);
	}
	return m;
}

static void a_freed_slot_is_reused_and_the_file_does_not_grow(void **state)
{
	struct fx *f = *state;
	struct guest_mem *m = vm_with_pages(f, 0, 1, 1);
	struct swap_slot a, b, c, d;
	assert_int_equal(swap_put(&f->s, 1, m, &a, f->err), 0);
	assert_int_equal(a.off, 0);
	assert_int_equal(a.len, HEADER + ENTRY + PAGE);
	assert_int_equal(a.cls, 13);
	uint64_t end = f->s.end;
	assert_int_equal(end, 8192);
	struct stat st;
	assert_int_equal(fstat(f->s.fd, &st), 0);
	off_t size = st.st_size;

	/* Out, in, out again: the same slot, and the file as long as it was. */
	for (int round = 0; round < 3; round++) {
		pool_detach(m);
		m = attach(f, 0);
		assert_int_equal(swap_get(&f->s, 1, &a, m, f->err), 0);
		assert_int_equal(swap_put(&f->s, 1, m, &b, f->err), 0);
		assert_int_equal(b.off, a.off);
		assert_int_equal(f->s.end, end);
		assert_int_equal(fstat(f->s.fd, &st), 0);
		assert_int_equal(st.st_size, size);
		a = b;
	}
	assert_int_equal(f->s.live_bytes, a.len);

	/* Two records at once take two slots; one dropped leaves its slot to the next record of
	 * its class, while a larger record goes to the end. */
	struct guest_mem *n = vm_with_pages(f, 1, 1, 100);
	assert_int_equal(swap_put(&f->s, 2, n, &b, f->err), 0);
	assert_int_equal(b.off, 8192);
	assert_int_equal(f->s.end, 16384);
	assert_int_equal(f->s.live_bytes, a.len + b.len);
	swap_drop(&f->s, &a);
	assert_int_equal(f->s.live_bytes, b.len);
	assert_int_equal(swap_put(&f->s, 3, m, &c, f->err), 0);
	assert_int_equal(c.off, 0);
	assert_int_equal(f->s.end, 16384);
	struct guest_mem *big = vm_with_pages(f, 2, 2, 200);
	snapshot(f, big);
	assert_int_equal(swap_put(&f->s, 4, big, &d, f->err), 0);
	assert_int_equal(d.cls, 14);
	assert_int_equal(d.off, 16384);
	assert_int_equal(f->s.end, 32768);
	assert_int_equal(f->s.peak_bytes, 32768);
	assert_int_equal(f->s.live_bytes, b.len + c.len + d.len);
	/* Every record reads back as its VM. */
	pool_detach(&f->vm[2]);
	struct guest_mem *back = attach(f, 2);
	assert_int_equal(swap_get(&f->s, 4, &d, back, f->err), 0);
	assert_memory_equal(back->base, f->snap, MEM);
	assert_int_equal(f->s.live_bytes, b.len + c.len);
}

/* --- opening -------------------------------------------------------------------------------- */

/* Entries of dir whose name starts with prefix. */
static unsigned entries_named(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* swap_open(NULL) in place of f's file, with TMPDIR set to tmpdir (NULL: unset) meanwhile. */
static int open_temporary(struct fx *f, const char *tmpdir)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	if (tmpdir)
		assert_int_equal(setenv("TMPDIR", tmpdir, 1), 0);
	else
		assert_int_equal(unsetenv("TMPDIR"), 0);
	if (f->open)
		swap_close(&f->s);
	f->open = false;
	f->err[0] = '\0';
	int rc = swap_open(&f->s, NULL, f->err);
	if (saved) {
		setenv("TMPDIR", saved, 1);
		free(saved);
	} else {
		unsetenv("TMPDIR");
	}
	f->open = rc == 0;
	return rc;
}

/* Open a temporary swap file with TMPDIR set to tmpdir (NULL: unset) and check it is gone from
 * its directory, want_dir. */
static void temporary_in(struct fx *f, const char *tmpdir, const char *want_dir)
{
	int rc = open_temporary(f, tmpdir);
	if (rc)
		fail_msg("swap_open(NULL) in %s: %s", want_dir, f->err);
	assert_true(f->s.temporary);
	assert_true(f->s.fd >= 0);
	char prefix[PATH_MAX];
	snprintf(prefix, sizeof(prefix), "%s/denali-swap-", want_dir);
	assert_non_null(f->s.path);
	if (strncmp(f->s.path, prefix, strlen(prefix)) != 0)
		fail_msg("the temporary file is %s, not in %s", f->s.path, want_dir);
	errno = 0;
	assert_int_equal(access(f->s.path, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	struct stat st;
	assert_int_equal(fstat(f->s.fd, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_true(S_ISREG(st.st_mode));
}

static void a_temporary_swap_file_is_unlinked_at_once_and_works(void **state)
{
	struct fx *f = *state;
	temporary_in(f, f->dir, f->dir);
	assert_int_equal(entries_named(f->dir, "denali-swap-"), 0);
	/* It holds records all the same. */
	struct guest_mem *m = attach(f, 0);
	write_round_trip(f, m);
	snapshot(f, m);
	struct swap_slot slot;
	assert_int_equal(swap_put(&f->s, VM_ID, m, &slot, f->err), 0);
	pool_detach(m);
	m = attach(f, 0);
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), 0);
	assert_memory_equal(m->base, f->snap, MEM);
	assert_int_equal(entries_named(f->dir, "denali-swap-"), 0);
}

static void without_tmpdir_the_temporary_swap_file_goes_to_var_tmp(void **state)
{
	struct fx *f = *state;
	struct stat st;
	if (stat("/var/tmp", &st) != 0 || access("/var/tmp", W_OK) != 0)
		skip(); /* no writable /var/tmp on this host */
	temporary_in(f, NULL, "/var/tmp");
	temporary_in(f, "", "/var/tmp"); /* an empty TMPDIR counts as none */
}

static void a_missing_tmpdir_is_named_in_the_reason(void **state)
{
	struct fx *f = *state;
	char missing[PATH_MAX + 16];
	snprintf(missing, sizeof(missing), "%s/missing", f->dir);
	assert_int_equal(open_temporary(f, missing), -1);
	assert_int_equal(f->s.fd, -1);
	assert_reason(f->err, "No such file or directory", NULL);
	assert_reason(f->err, missing, NULL); /* the directory, there being no file */
	assert_reason(f->err, "temporary", NULL);
}

static void swap_open_in_a_missing_directory_says_so(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/missing/swap", f->dir);
	swap_close(&f->s);
	f->open = false;
	assert_int_equal(swap_open(&f->s, path, f->err), -1);
	assert_int_equal(f->s.fd, -1);
	assert_null(f->s.path);
	assert_reason(f->err, "No such file or directory", path);
	assert_reason(f->err, "cannot open", path);
	swap_close(&f->s); /* closing a failed open is harmless */
}

static void swap_open_in_a_read_only_directory_says_so(void **state)
{
	struct fx *f = *state;
	if (geteuid() == 0)
		skip(); /* root writes into a read-only directory all the same */
	char sub[PATH_MAX + 16], path[PATH_MAX + 32];
	snprintf(sub, sizeof(sub), "%s/ro", f->dir);
	snprintf(path, sizeof(path), "%s/swap", sub);
	assert_int_equal(mkdir(sub, 0500), 0);
	swap_close(&f->s);
	f->open = false;
	int rc = swap_open(&f->s, path, f->err);
	if (rc == 0) {
		f->open = true;
		unlink(path);
	}
	rmdir(sub);
	assert_int_equal(rc, -1);
	assert_int_equal(f->s.fd, -1);
	assert_reason(f->err, "Permission denied", path);
}

/* --- failing writes ------------------------------------------------------------------------- */

static void swap_put_to_a_full_disk_fails_with_enospc_and_changes_nothing(void **state)
{
	struct fx *f = *state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	reopen(f, "/dev/full");
	struct guest_mem *m = attach(f, 0);
	write_round_trip(f, m);
	snapshot(f, m);
	struct swap_slot slot, before;
	memset(&slot, 0xee, sizeof(slot));
	before = slot;
	assert_int_equal(swap_put(&f->s, VM_ID, m, &slot, f->err), -1);
	assert_reason(f->err, "No space left on device", "/dev/full");
	assert_reason(f->err, "cannot write", NULL);
	assert_memory_equal(&slot, &before, sizeof(slot));
	assert_as_snapshot(f, m, "the VM after a failed swap_put");
	assert_int_equal(f->s.records_out, 0);
	assert_int_equal(f->s.pages_out, 0);
	assert_int_equal(f->s.end, 0);
	assert_int_equal(f->s.live_bytes, 0);
	assert_int_equal(f->s.peak_bytes, 0);
}

static void swap_put_past_the_file_size_limit_fails_with_efbig_and_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct guest_mem *m = vm_with_pages(f, 0, 1, 1);
	struct swap_slot first, slot, before;
	assert_int_equal(swap_put(&f->s, 1, m, &first, f->err), 0);
	uint64_t end = f->s.end;
	struct guest_mem *n = vm_with_pages(f, 1, 1, 2);
	snapshot(f, n);
	memset(&slot, 0xee, sizeof(slot));
	before = slot;

	/* ulimit -f at the end of the first slot: the next record would start past it. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_sa;
	struct rlimit old_rl, rl;
	assert_int_equal(sigaction(SIGXFSZ, &ign, &old_sa), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_rl), 0);
	rl = old_rl;
	rl.rlim_cur = end;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	int rc = swap_put(&f->s, 2, n, &slot, f->err);
	/* Nothing is printed while the limit holds: cmocka's output may go to a file. */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_rl), 0);
	assert_int_equal(sigaction(SIGXFSZ, &old_sa, NULL), 0);

	assert_int_equal(rc, -1);
	assert_reason(f->err, "File too large", f->path);
	assert_memory_equal(&slot, &before, sizeof(slot));
	assert_as_snapshot(f, n, "the VM after a failed swap_put");
	assert_int_equal(f->s.end, end);
	assert_int_equal(f->s.records_out, 1);
	assert_int_equal(f->s.pages_out, 1);
	assert_int_equal(f->s.live_bytes, first.len);
	struct stat st;
	assert_int_equal(fstat(f->s.fd, &st), 0);
	assert_int_equal(st.st_size, first.len);
	/* With the limit gone the same record goes where it would have. */
	assert_int_equal(swap_put(&f->s, 2, n, &slot, f->err), 0);
	assert_int_equal(slot.off, end);
}

/* A swap_put that fails wrote no record: its statistics must not count one, nor its pages. */
static void a_failed_swap_put_counts_nothing_in_the_statistics(void **state)
{
	struct fx *f = *state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	reopen(f, "/dev/full");
	struct guest_mem *m = attach(f, 0);
	write_round_trip(f, m); /* two written pages cost nothing: 2 and 8 */
	struct swap_slot slot;
	assert_int_equal(swap_put(&f->s, VM_ID, m, &slot, f->err), -1);
	assert_int_equal(f->s.records_out, 0);
	assert_int_equal(f->s.pages_out, 0);
	assert_int_equal(f->s.raw_bytes, 0);
	assert_int_equal(f->s.stored_bytes, 0);
	assert_int_equal(f->s.pages_skipped, 0);
}

/* --- failing reads -------------------------------------------------------------------------- */

/* The round trip's VM out in a record, its window given back and a fresh one attached (whose
 * bytes and flags are in the snapshot). */
static struct guest_mem *swapped_out(struct fx *f, struct swap_slot *slot)
{
	struct guest_mem *m = attach(f, 0);
	write_round_trip(f, m);
	assert_int_equal(swap_put(&f->s, VM_ID, m, slot, f->err), 0);
	pool_detach(m);
	m = attach(f, 0);
	snapshot(f, m);
	f->err[0] = '\0';
	return m;
}

/* A swap_get that failed: said why, restored nothing, and kept the record. */
static void assert_get_failed(struct fx *f, const struct guest_mem *m, const struct swap_slot *slot,
			      const char *word)
{
	assert_reason(f->err, word, f->path);
	assert_as_snapshot(f, m, "the window after a failed swap_get");
	assert_int_equal(f->s.records_in, 0);
	assert_int_equal(f->s.pages_in, 0);
	assert_int_equal(f->s.live_bytes, slot->len);
}

static void swap_get_after_the_file_was_truncated_reports_a_short_read(void **state)
{
	struct fx *f = *state;
	struct swap_slot slot;
	struct guest_mem *m = swapped_out(f, &slot);
	assert_int_equal(ftruncate(f->s.fd, 0), 0);
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), -1);
	assert_get_failed(f, m, &slot, "short read");
	assert_reason(f->err, "cannot read vm 7", NULL);
	/* Cut in the middle of the record: short too. */
	struct guest_mem *n = attach(f, 1);
	struct swap_slot other;
	write_round_trip(f, n);
	assert_int_equal(swap_put(&f->s, 8, n, &other, f->err), 0);
	assert_int_equal(ftruncate(f->s.fd, (off_t)(other.off + other.len - 1)), 0);
	pool_detach(n);
	n = attach(f, 1);
	snapshot(f, n);
	assert_int_equal(swap_get(&f->s, 8, &other, n, f->err), -1);
	assert_reason(f->err, "short read", f->path);
	assert_as_snapshot(f, n, "the window after a failed swap_get");
}

static void swap_get_of_an_overwritten_record_says_it_is_not_what_was_written(void **state)
{
	struct fx *f = *state;
	struct swap_slot slot;
	struct guest_mem *m = swapped_out(f, &slot);
	uint8_t *junk = malloc(slot.len);
	assert_non_null(junk);
	memset(junk, 0xa5, slot.len);
	assert_int_equal(pwrite(f->s.fd, junk, slot.len, (off_t)slot.off), (ssize_t)slot.len);
	free(junk);
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), -1);
	assert_get_failed(f, m, &slot, "not what was written");
}

static void swap_get_of_another_vms_record_says_it_is_not_what_was_written(void **state)
{
	struct fx *f = *state;
	struct swap_slot slot;
	struct guest_mem *m = swapped_out(f, &slot);
	assert_int_equal(swap_get(&f->s, VM_ID + 1, &slot, m, f->err), -1);
	assert_get_failed(f, m, &slot, "not what was written");
	assert_reason(f->err, "vm 8", NULL);
	/* The right VM still gets it. */
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), 0);
}

static void swap_get_of_a_record_whose_pages_do_not_decompress_says_so(void **state)
{
	struct fx *f = *state;
	struct swap_slot slot;
	struct guest_mem *m = swapped_out(f, &slot);
	struct record r;
	read_record(f, &slot, &r);
	assert_int_equal(r.entry[0][0], 0); /* page 0, LZ4: the first bytes read */
	assert_true(r.entry[0][1] > 0 && r.entry[0][1] < PAGE);
	/* Its stored bytes overwritten with what LZ4 refuses. */
	uint8_t junk[PAGE];
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(pwrite(f->s.fd, junk, r.entry[0][1], (off_t)(slot.off + r.payload_at)),
			 (ssize_t)r.entry[0][1]);
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), -1);
	assert_get_failed(f, m, &slot, "does not decompress");

	/* An entry that claims more than a page. */
	uint32_t too_long = PAGE + 1;
	assert_int_equal(pwrite(f->s.fd, &too_long, 4,
				(off_t)(slot.off + HEADER + RT_CODE * 4 + 4)), 4);
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), -1);
	assert_get_failed(f, m, &slot, "does not decompress");

	/* An entry for a page beyond memory. */
	uint32_t entry[2] = { PAGES, 0 };
	assert_int_equal(pwrite(f->s.fd, entry, sizeof(entry),
				(off_t)(slot.off + HEADER + RT_CODE * 4)), (ssize_t)sizeof(entry));
	assert_int_equal(swap_get(&f->s, VM_ID, &slot, m, f->err), -1);
	assert_get_failed(f, m, &slot, "does not decompress");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		/* round trips */
		T(a_swapped_vm_comes_back_byte_for_byte_into_its_reused_window),
		T(a_swapped_vm_comes_back_byte_for_byte_into_a_new_window),
		T(a_swapped_vm_comes_back_byte_for_byte_into_a_window_that_copies_the_image),
		T(pages_as_a_fresh_window_holds_them_are_not_stored),
		T(a_freed_slot_is_reused_and_the_file_does_not_grow),
		/* opening */
		T(a_temporary_swap_file_is_unlinked_at_once_and_works),
		T(without_tmpdir_the_temporary_swap_file_goes_to_var_tmp),
		T(a_missing_tmpdir_is_named_in_the_reason),
		T(swap_open_in_a_missing_directory_says_so),
		T(swap_open_in_a_read_only_directory_says_so),
		/* failing writes */
		T(swap_put_to_a_full_disk_fails_with_enospc_and_changes_nothing),
		T(swap_put_past_the_file_size_limit_fails_with_efbig_and_changes_nothing),
		T(a_failed_swap_put_counts_nothing_in_the_statistics),
		/* failing reads */
		T(swap_get_after_the_file_was_truncated_reports_a_short_read),
		T(swap_get_of_an_overwritten_record_says_it_is_not_what_was_written),
		T(swap_get_of_another_vms_record_says_it_is_not_what_was_written),
		T(swap_get_of_a_record_whose_pages_do_not_decompress_says_so),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
