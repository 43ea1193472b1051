/* test_mem.c - guest memory (mmu/mem.h) on its own: fast and slow paths, #PF codes, page 0,
 * read-only bytes, the code-write and page-0 hooks, instruction fetch and the host arena.
 *
 * Expected values come from DVA-1 sections 1 and 3: an access is checked as a whole, nothing
 * changes when it faults, fault_addr is the lowest byte not allowed, and the #PF error code has
 * P (below mem_size), W (write), U (always) and I (fetch).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mmu/mem.h"

#define MSIZE (1u << 20)           /* a 1 MiB guest for most tests */
#define ARENA (64u << 20)          /* host bytes reserved per test */
#define ERR_READ_OUT 4u            /* U: a read at or beyond mem_size */
#define ERR_WRITE_OUT 6u           /* U|W: a write at or beyond mem_size */
#define ERR_WRITE_RO 7u            /* P|U|W: a write to a read-only byte below mem_size */

/* One page0_write call as the fake hook saw it. */
struct p0_call {
	uint32_t off;
	unsigned n;
	uint64_t v;
};

/* One guest memory in its own arena, plus what the fake hooks saw. */
struct fixture {
	struct mem_arena arena;
	struct guest_mem m;
	struct dva_fault pf;       /* the record every access of a test reports its #PF into */
	unsigned refreshes;        /* page0_refresh calls */
	unsigned code_writes;      /* code_write calls */
	uint32_t code_pfns[8];     /* their pfns, in order */
	unsigned p0_calls;         /* page0_write calls */
	struct p0_call p0[16];     /* the first 16 of them */
};

static void fake_refresh(void *opaque, uint8_t *page)
{
	struct fixture *f = opaque;
	f->refreshes++;
	/* Stand in for the owner: publish a fresh instret so the read can see it. */
	uint64_t v = 0x1122334455667700ull + f->refreshes;
	memcpy(page + offsetof(struct dva_regs, instret), &v, 8);
}

static void fake_p0_write(void *opaque, uint8_t *page, uint32_t off, unsigned n, uint64_t v)
{
	struct fixture *f = opaque;
	(void)page; /* the fake applies nothing: memory must stay as it was */
	if (f->p0_calls < 16)
		f->p0[f->p0_calls] = (struct p0_call){ off, n, v };
	f->p0_calls++;
}

static void fake_code_write(void *opaque, uint32_t pfn)
{
	struct fixture *f = opaque;
	if (f->code_writes < 8)
		f->code_pfns[f->code_writes] = pfn;
	f->code_writes++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mem_arena_init(&f->arena, ARENA), 0);
	assert_int_equal(mem_init(&f->m, &f->arena, MSIZE), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mem_destroy(&f->m);
	mem_arena_destroy(&f->arena);
	free(f);
	return 0;
}

static void with_hooks(struct fixture *f)
{
	f->m.hooks = (struct mem_hooks){ .opaque = f, .page0_refresh = fake_refresh,
					 .page0_write = fake_p0_write, .code_write = fake_code_write };
}

/* Clear a fault record so a test can see whether an access filled it. */
static void clear_fault(struct dva_fault *pf)
{
	*pf = (struct dva_fault){ 0xEE, 0xEE, 0xEE };
}

static void assert_pf(const struct dva_fault *pf, uint32_t addr, uint32_t error)
{
	assert_int_equal(pf->vector, DVA_VEC_PF);
	assert_int_equal(pf->addr, addr);
	assert_int_equal(pf->error, error);
}

/* ---- fast path ------------------------------------------------------------------------------ */

/* Write then read back n bytes at a, and check where they landed in host memory. */
static void roundtrip(struct fixture *f, uint32_t a, unsigned n)
{
	uint8_t in[8], out[8], host[8];
	for (unsigned i = 0; i < n; i++)
		in[i] = (uint8_t)(0xA0 + i + (a & 0xF));
	clear_fault(&f->pf);
	assert_int_equal(mem_write(&f->m, a, n, in, &f->pf), 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(mem_read(&f->m, a, n, out, &f->pf), 0);
	assert_memory_equal(out, in, n);
	memcpy(host, f->m.base + a, n);
	assert_memory_equal(host, in, n);
	assert_int_equal(f->pf.vector, 0xEE); /* no fault reported */
}

static void test_rw_every_size_aligned_and_not(void **state)
{
	struct fixture *f = *state;
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	static const uint32_t addrs[] = { 0x1000, 0x1001, 0x1003, 0x1007, 0x2FFD, 0x7FFF, 0x54321 };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		for (size_t j = 0; j < 4; j++)
			roundtrip(f, addrs[i], sizes[j]);
}

static void test_rw_at_the_last_bytes_of_memory(void **state)
{
	struct fixture *f = *state;
	for (unsigned n = 1; n <= 8; n *= 2)
		roundtrip(f, MSIZE - n, n);
	roundtrip(f, MSIZE - 3, 2);
	roundtrip(f, MSIZE - 5, 4);
}

static void test_sized_helpers_are_little_endian(void **state)
{
	struct fixture *f = *state;
	uint32_t v = 0xDEADBEEF;
	assert_int_equal(mem_wrn(&f->m, 0x3001, 4, 0x44332211, &f->pf), 0);
	assert_int_equal(f->m.base[0x3001], 0x11);
	assert_int_equal(f->m.base[0x3004], 0x44);
	assert_int_equal(mem_rdn(&f->m, 0x3002, 2, &v, &f->pf), 0);
	assert_int_equal(v, 0x3322); /* zero-extended */
	assert_int_equal(mem_rd8(&f->m, 0x3004, &v, &f->pf), 0);
	assert_int_equal(v, 0x44);
	assert_int_equal(mem_rd16(&f->m, 0x3003, &v, &f->pf), 0);
	assert_int_equal(v, 0x4433);
	assert_int_equal(mem_rd32(&f->m, 0x3001, &v, &f->pf), 0);
	assert_int_equal(v, 0x44332211);
	assert_int_equal(mem_wrn(&f->m, 0x3001, 1, 0xFFFFFF99, &f->pf), 0); /* only the low byte */
	assert_int_equal(f->m.base[0x3001], 0x99);
	assert_int_equal(f->m.base[0x3002], 0x22);
	assert_int_equal(mem_wrn(&f->m, 0x3002, 2, 0xFFFF7766, &f->pf), 0);
	assert_int_equal(f->m.base[0x3002], 0x66);
	assert_int_equal(f->m.base[0x3003], 0x77);
	assert_int_equal(f->m.base[0x3004], 0x44);
}

/* ---- beyond mem_size -------------------------------------------------------------------------- */

static void test_read_straddling_mem_size_faults_at_mem_size(void **state)
{
	struct fixture *f = *state;
	uint8_t out[8];
	static const struct { uint32_t a; unsigned n; uint32_t bad; } cases[] = {
		{ MSIZE - 1, 2, MSIZE }, { MSIZE - 2, 4, MSIZE }, { MSIZE - 3, 4, MSIZE },
		{ MSIZE - 7, 8, MSIZE }, { MSIZE - 1, 8, MSIZE }, { MSIZE, 1, MSIZE },
		{ MSIZE + 5, 4, MSIZE + 5 }, { 0xFFFFFFFFu, 1, 0xFFFFFFFFu },
		{ 0xFFFFFFFEu, 4, 0xFFFFFFFEu },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clear_fault(&f->pf);
		assert_int_equal(mem_read(&f->m, cases[i].a, cases[i].n, out, &f->pf), -1);
		assert_pf(&f->pf, cases[i].bad, ERR_READ_OUT);
		clear_fault(&f->pf);
		assert_int_equal(mem_check_read(&f->m, cases[i].a, cases[i].n, &f->pf), -1);
		assert_pf(&f->pf, cases[i].bad, ERR_READ_OUT);
	}
	uint32_t v;
	clear_fault(&f->pf);
	assert_int_equal(mem_rdn(&f->m, MSIZE - 2, 4, &v, &f->pf), -1);
	assert_pf(&f->pf, MSIZE, ERR_READ_OUT);
}

static void test_write_straddling_mem_size_faults_and_writes_nothing(void **state)
{
	struct fixture *f = *state;
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	memset(f->m.base + MSIZE - 8, 0x5A, 8);
	for (unsigned n = 2; n <= 8; n *= 2) {
		for (unsigned inside = 1; inside < n; inside++) {
			uint32_t a = MSIZE - inside;
			clear_fault(&f->pf);
			assert_int_equal(mem_write(&f->m, a, n, junk, &f->pf), -1);
			assert_pf(&f->pf, MSIZE, ERR_WRITE_OUT);
			clear_fault(&f->pf);
			assert_int_equal(mem_check_write(&f->m, a, n, &f->pf), -1);
			assert_pf(&f->pf, MSIZE, ERR_WRITE_OUT);
		}
	}
	clear_fault(&f->pf);
	assert_int_equal(mem_wrn(&f->m, MSIZE - 1, 2, 0xFFFF, &f->pf), -1);
	assert_pf(&f->pf, MSIZE, ERR_WRITE_OUT);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(f->m.base[MSIZE - 8 + i], 0x5A);
	clear_fault(&f->pf);
	assert_int_equal(mem_write(&f->m, MSIZE, 1, junk, &f->pf), -1);
	assert_pf(&f->pf, MSIZE, ERR_WRITE_OUT);
}

/* The lowest byte not allowed wins: a read-only byte below mem_size comes before mem_size. */
static void test_write_fault_reports_the_lowest_bad_byte(void **state)
{
	struct fixture *f = *state;
	static const uint8_t junk[8] = { 0 };
	assert_int_equal(mem_protect(&f->m, MSIZE - 4, MSIZE - 3), 0);
	clear_fault(&f->pf);
	assert_int_equal(mem_write(&f->m, MSIZE - 6, 8, junk, &f->pf), -1);
	assert_pf(&f->pf, MSIZE - 4, ERR_WRITE_RO);
	clear_fault(&f->pf);
	assert_int_equal(mem_write(&f->m, MSIZE - 3, 4, junk, &f->pf), -1);
	assert_pf(&f->pf, MSIZE, ERR_WRITE_OUT);
}

/* ---- page 0 ------------------------------------------------------------------------------------ */

static void test_page0_reads_any_size_and_alignment(void **state)
{
	struct fixture *f = *state;
	for (unsigned i = 0; i < 0x1010; i++)
		f->m.base[i] = (uint8_t)(i * 7 + 3);
	static const uint32_t addrs[] = { 0, 1, 2, 3, 5, 0x1F, 0x2C, 0x33, 0x7FF, 0xFF8, 0xFFC, 0xFFD, 0xFFF };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		for (unsigned n = 1; n <= 8; n *= 2) {
			uint8_t out[8] = { 0 };
			clear_fault(&f->pf);
			assert_int_equal(mem_read(&f->m, addrs[i], n, out, &f->pf), 0);
			assert_memory_equal(out, f->m.base + addrs[i], n);
			assert_int_equal(f->pf.vector, 0xEE);
			assert_int_equal(mem_check_read(&f->m, addrs[i], n, &f->pf), 0);
		}
	}
}

static void test_page0_refresh_runs_before_page0_reads_only(void **state)
{
	struct fixture *f = *state;
	with_hooks(f);
	uint64_t v = 0;
	assert_int_equal(mem_read(&f->m, offsetof(struct dva_regs, instret), 8, &v, &f->pf), 0);
	assert_int_equal(f->refreshes, 1);
	assert_true(v == 0x1122334455667701ull); /* the read sees what the refresh wrote */
	uint32_t lo;
	assert_int_equal(mem_rd32(&f->m, offsetof(struct dva_regs, instret), &lo, &f->pf), 0);
	assert_int_equal(f->refreshes, 2);
	assert_int_equal(lo, 0x55667702);
	/* A read that starts in page 0 and ends in page 1 reads page 0 too. */
	uint32_t w;
	assert_int_equal(mem_rd32(&f->m, 0xFFE, &w, &f->pf), 0);
	assert_int_equal(f->refreshes, 3);
	/* Reads elsewhere, and checks, do not refresh. */
	assert_int_equal(mem_rd32(&f->m, 0x1000, &w, &f->pf), 0);
	assert_int_equal(mem_rd32(&f->m, MSIZE - 4, &w, &f->pf), 0);
	assert_int_equal(mem_check_read(&f->m, 0, 8, &f->pf), 0);
	assert_int_equal(f->refreshes, 3);
}

/* Writes of n bytes at a that DVA-1 section 3 allows: only irq_enable, irq_pending, irq_mask
 * (0x20-0x2B) and vector_base (0x30-0x33). */
static void test_page0_writes_inside_the_rw_registers(void **state)
{
	struct fixture *f = *state;
	static const struct { uint32_t a; unsigned n; } ok[] = {
		{ 0x20, 1 }, { 0x21, 1 }, { 0x2B, 1 }, { 0x30, 1 }, { 0x33, 1 },
		{ 0x20, 2 }, { 0x23, 2 }, { 0x2A, 2 }, { 0x31, 2 }, { 0x32, 2 },
		{ 0x20, 4 }, { 0x24, 4 }, { 0x28, 4 }, { 0x30, 4 }, { 0x21, 4 }, { 0x27, 4 },
		{ 0x20, 8 }, { 0x24, 8 }, { 0x22, 8 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint8_t in[8];
		for (unsigned k = 0; k < 8; k++)
			in[k] = (uint8_t)(0x81 + i + k);
		clear_fault(&f->pf);
		assert_int_equal(mem_write(&f->m, ok[i].a, ok[i].n, in, &f->pf), 0);
		assert_int_equal(f->pf.vector, 0xEE);
		/* With no page0_write hook the bytes are stored as they are. */
		assert_memory_equal(f->m.base + ok[i].a, in, ok[i].n);
		assert_int_equal(mem_check_write(&f->m, ok[i].a, ok[i].n, &f->pf), 0);
	}
}

static void test_page0_writes_outside_them_fault_7_at_the_first_bad_byte(void **state)
{
	struct fixture *f = *state;
	static const struct { uint32_t a; unsigned n; uint32_t bad; } bad[] = {
		{ 0x2C, 1, 0x2C }, { 0x2F, 1, 0x2F }, { 0x2B, 2, 0x2C }, { 0x29, 4, 0x2C },
		{ 0x28, 8, 0x2C }, { 0x2E, 4, 0x2E }, { 0x1F, 1, 0x1F }, { 0x1F, 2, 0x1F },
		{ 0x1C, 8, 0x1C }, { 0x34, 1, 0x34 }, { 0x32, 4, 0x34 }, { 0x33, 2, 0x34 },
		{ 0x30, 8, 0x34 }, { 0x00, 4, 0x00 }, { 0x48, 8, 0x48 }, { 0xFFF, 1, 0xFFF },
		{ 0xFFE, 4, 0xFFE }, { 0x100, 1, 0x100 },
	};
	for (unsigned i = 0; i < 0x1000; i++)
		f->m.base[i] = (uint8_t)(i ^ 0x5C);
	uint8_t before[0x1010];
	memcpy(before, f->m.base, sizeof(before));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		static const uint8_t junk[8] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
		clear_fault(&f->pf);
		assert_int_equal(mem_write(&f->m, bad[i].a, bad[i].n, junk, &f->pf), -1);
		assert_pf(&f->pf, bad[i].bad, ERR_WRITE_RO);
		clear_fault(&f->pf);
		assert_int_equal(mem_check_write(&f->m, bad[i].a, bad[i].n, &f->pf), -1);
		assert_pf(&f->pf, bad[i].bad, ERR_WRITE_RO);
		assert_memory_equal(f->m.base, before, sizeof(before));
	}
	/* The same with hooks: no page0_write call for a write that faults. */
	with_hooks(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		static const uint8_t junk[8] = { 0 };
		assert_int_equal(mem_write(&f->m, bad[i].a, bad[i].n, junk, &f->pf), -1);
	}
	assert_int_equal(f->p0_calls, 0);
}

/* page0_write: the calls cover exactly the bytes written, little-endian, each inside the
 * writable window, and memory itself applies nothing (the owner does). */
static void check_p0_calls(struct fixture *f, uint32_t a, unsigned n, const uint8_t *in)
{
	uint8_t seen[8];
	uint32_t next = a;
	assert_true(f->p0_calls >= 1 && f->p0_calls <= n);
	for (unsigned i = 0; i < f->p0_calls; i++) {
		uint32_t off = f->p0[i].off;
		unsigned k = f->p0[i].n;
		assert_int_equal(off, next); /* in order, no gap, no overlap */
		assert_true(k >= 1 && k <= 8);
		assert_true(off >= DVA_RW_FIRST && off + k <= DVA_RW_END);
		assert_false(off < 0x30 && off + k > 0x2C); /* never irq_batch */
		for (unsigned b = 0; b < k; b++)
			seen[off - a + b] = (uint8_t)(f->p0[i].v >> (8 * b));
		if (k < 8)
			assert_true((f->p0[i].v >> (8 * k)) == 0); /* only n bytes of value */
		next = off + k;
	}
	assert_int_equal(next, a + n);
	assert_memory_equal(seen, in, n);
}

static void test_page0_write_hook_gets_the_bytes_and_memory_is_left_to_it(void **state)
{
	struct fixture *f = *state;
	static const struct { uint32_t a; unsigned n; } cases[] = {
		{ 0x20, 4 }, { 0x24, 1 }, { 0x2A, 2 }, { 0x30, 4 }, { 0x20, 8 }, { 0x23, 2 },
		{ 0x22, 8 }, { 0x31, 2 },
	};
	with_hooks(f);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t in[8], before[0x40];
		for (unsigned k = 0; k < 8; k++)
			in[k] = (uint8_t)(0x11 * (k + 1) + i);
		memcpy(before, f->m.base, sizeof(before));
		f->p0_calls = 0;
		assert_int_equal(mem_write(&f->m, cases[i].a, cases[i].n, in, &f->pf), 0);
		check_p0_calls(f, cases[i].a, cases[i].n, in);
		assert_memory_equal(f->m.base, before, sizeof(before));
	}
	/* Writes outside page 0 never reach the hook. */
	f->p0_calls = 0;
	assert_int_equal(mem_wrn(&f->m, 0x1000, 4, 1, &f->pf), 0);
	assert_int_equal(mem_wrn(&f->m, 0x1020, 4, 1, &f->pf), 0);
	assert_int_equal(f->p0_calls, 0);
	/* Checking a write is not writing it. */
	assert_int_equal(mem_check_write(&f->m, 0x20, 4, &f->pf), 0);
	assert_int_equal(f->p0_calls, 0);
}

/* ---- read-only ranges -------------------------------------------------------------------------- */

static void test_protect_half_page_edges(void **state)
{
	struct fixture *f = *state;
	/* [0x3800, 0x6800): half of page 3, all of pages 4 and 5, half of page 6. */
	assert_int_equal(mem_protect(&f->m, 0x3800, 0x6800), 0);
	assert_true(f->m.pflags[4] & PG_RO);
	assert_true(f->m.pflags[5] & PG_RO);
	assert_false(f->m.pflags[3] & PG_RO);
	assert_false(f->m.pflags[6] & PG_RO);
	assert_false(f->m.pflags[2] & (PG_RO | PG_RO_PART));
	assert_false(f->m.pflags[7] & (PG_RO | PG_RO_PART));

	static const struct { uint32_t a; unsigned n; int64_t bad; } cases[] = {
		{ 0x37FF, 1, -1 }, { 0x37FE, 2, -1 }, { 0x37F8, 8, -1 }, { 0x3000, 4, -1 },
		{ 0x3800, 1, 0x3800 }, { 0x37FF, 2, 0x3800 }, { 0x37FE, 4, 0x3800 },
		{ 0x37F9, 8, 0x3800 }, { 0x4000, 4, 0x4000 }, { 0x5FFE, 4, 0x5FFE },
		{ 0x67FF, 1, 0x67FF }, { 0x67FE, 4, 0x67FE }, { 0x6800, 1, -1 }, { 0x6800, 8, -1 },
		{ 0x6FFC, 8, -1 },
	};
	memset(f->m.base + 0x3000, 0x33, 0x5000);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t in[8] = { 0x99, 0x98, 0x97, 0x96, 0x95, 0x94, 0x93, 0x92 }, before[8];
		uint32_t a = cases[i].a;
		unsigned n = cases[i].n;
		memcpy(before, f->m.base + a, n);
		clear_fault(&f->pf);
		if (cases[i].bad < 0) {
			assert_int_equal(mem_check_write(&f->m, a, n, &f->pf), 0);
			assert_int_equal(mem_write(&f->m, a, n, in, &f->pf), 0);
			assert_memory_equal(f->m.base + a, in, n);
			memcpy(f->m.base + a, before, n);
		} else {
			assert_int_equal(mem_check_write(&f->m, a, n, &f->pf), -1);
			assert_pf(&f->pf, (uint32_t)cases[i].bad, ERR_WRITE_RO);
			clear_fault(&f->pf);
			assert_int_equal(mem_write(&f->m, a, n, in, &f->pf), -1);
			assert_pf(&f->pf, (uint32_t)cases[i].bad, ERR_WRITE_RO);
			assert_memory_equal(f->m.base + a, before, n); /* nothing written */
		}
		/* Read-only bytes stay readable. */
		uint8_t out[8];
		assert_int_equal(mem_read(&f->m, a, n, out, &f->pf), 0);
		assert_memory_equal(out, f->m.base + a, n);
	}
	assert_true(mem_byte_writable(&f->m, 0x37FF));
	assert_false(mem_byte_writable(&f->m, 0x3800));
	assert_false(mem_byte_writable(&f->m, 0x67FF));
	assert_true(mem_byte_writable(&f->m, 0x6800));
	assert_false(mem_byte_writable(&f->m, 0x20)); /* page 0 is not "outside page 0" memory */
	assert_false(mem_byte_writable(&f->m, MSIZE));
}

static void test_check_write_refuses_a_range_with_one_ro_byte(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mem_protect(&f->m, 0x7123, 0x7124), 0);
	assert_false(f->m.pflags[7] & PG_RO);
	clear_fault(&f->pf);
	assert_int_equal(mem_check_write(&f->m, 0x7120, 8, &f->pf), -1);
	assert_pf(&f->pf, 0x7123, ERR_WRITE_RO);
	clear_fault(&f->pf);
	assert_int_equal(mem_check_write(&f->m, 0x7123, 1, &f->pf), -1);
	assert_pf(&f->pf, 0x7123, ERR_WRITE_RO);
	assert_int_equal(mem_check_write(&f->m, 0x711B, 8, &f->pf), 0);
	assert_int_equal(mem_check_write(&f->m, 0x7124, 8, &f->pf), 0);
	assert_int_equal(mem_check_write(&f->m, 0x7000, 4, &f->pf), 0);
	assert_true(mem_byte_writable(&f->m, 0x7122));
	assert_false(mem_byte_writable(&f->m, 0x7123));
	assert_true(mem_byte_writable(&f->m, 0x7124));
}

static void test_two_ranges_on_one_page_given_out_of_order(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mem_protect(&f->m, 0x8040, 0x8050), 0);
	assert_int_equal(mem_protect(&f->m, 0x8010, 0x8020), 0);
	assert_int_equal(mem_protect(&f->m, 0x9000, 0x9000), 0); /* empty: nothing */
	static const struct { uint32_t a; bool ok; } cases[] = {
		{ 0x800F, true }, { 0x8010, false }, { 0x801F, false }, { 0x8020, true },
		{ 0x8030, true }, { 0x803F, true }, { 0x8040, false }, { 0x804F, false },
		{ 0x8050, true }, { 0x9000, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clear_fault(&f->pf);
		assert_int_equal(mem_wrn(&f->m, cases[i].a, 1, 0xAB, &f->pf), cases[i].ok ? 0 : -1);
		if (!cases[i].ok)
			assert_pf(&f->pf, cases[i].a, ERR_WRITE_RO);
		assert_int_equal(f->m.base[cases[i].a], cases[i].ok ? 0xAB : 0);
	}
}

/* ---- code pages -------------------------------------------------------------------------------- */

static void test_store_to_code_page_calls_hook_once_per_page(void **state)
{
	struct fixture *f = *state;
	with_hooks(f);
	f->m.pflags[5] |= PG_CODE;
	assert_int_equal(mem_wrn(&f->m, 0x5010, 4, 0x12345678, &f->pf), 0);
	assert_int_equal(f->code_writes, 1);
	assert_int_equal(f->code_pfns[0], 5);
	assert_false(f->m.pflags[5] & PG_CODE);
	assert_int_equal(f->m.base[0x5010], 0x78); /* and the store happened */
	/* The flag is gone: the next store is plain. */
	assert_int_equal(mem_wrn(&f->m, 0x5014, 4, 1, &f->pf), 0);
	assert_int_equal(f->code_writes, 1);

	/* A store across two code pages calls the hook once for each. */
	f->m.pflags[6] |= PG_CODE;
	f->m.pflags[7] |= PG_CODE;
	uint64_t v = 0x0102030405060708ull;
	assert_int_equal(mem_write(&f->m, 0x6FFC, 8, &v, &f->pf), 0);
	assert_int_equal(f->code_writes, 3);
	assert_true((f->code_pfns[1] == 6 && f->code_pfns[2] == 7) ||
		    (f->code_pfns[1] == 7 && f->code_pfns[2] == 6));
	assert_false(f->m.pflags[6] & PG_CODE);
	assert_false(f->m.pflags[7] & PG_CODE);

	/* Only the page with the flag: a store across 8 (code) and 9 (not). */
	f->m.pflags[9] |= PG_CODE;
	assert_int_equal(mem_write(&f->m, 0x8FFE, 4, &v, &f->pf), 0);
	assert_int_equal(f->code_writes, 4);
	assert_int_equal(f->code_pfns[3], 9);
}

static void test_check_write_invalidates_code_but_a_faulting_write_does_not(void **state)
{
	struct fixture *f = *state;
	with_hooks(f);
	uint32_t last = (MSIZE >> DVA_PAGE_SHIFT) - 1;
	f->m.pflags[last] |= PG_CODE;
	clear_fault(&f->pf);
	assert_int_equal(mem_wrn(&f->m, MSIZE - 2, 4, 0, &f->pf), -1);
	assert_pf(&f->pf, MSIZE, ERR_WRITE_OUT);
	assert_int_equal(f->code_writes, 0);
	assert_true(f->m.pflags[last] & PG_CODE);

	/* A read-modify-write's permission check counts as the store to come. */
	assert_int_equal(mem_check_write(&f->m, MSIZE - 4, 4, &f->pf), 0);
	assert_int_equal(f->code_writes, 1);
	assert_int_equal(f->code_pfns[0], last);
	assert_false(f->m.pflags[last] & PG_CODE);

	/* Reads of a code page leave it alone. */
	f->m.pflags[3] |= PG_CODE;
	uint32_t w;
	assert_int_equal(mem_rd32(&f->m, 0x3000, &w, &f->pf), 0);
	assert_int_equal(f->code_writes, 1);
	assert_true(f->m.pflags[3] & PG_CODE);
}

/* ---- instruction fetch --------------------------------------------------------------------------- */

static void test_fetch_stops_at_page0_and_mem_size(void **state)
{
	struct fixture *f = *state;
	uint8_t out[16];
	for (unsigned i = 0; i < 16; i++) {
		f->m.base[0x1000 + i] = (uint8_t)(0x40 + i);
		f->m.base[MSIZE - 16 + i] = (uint8_t)(0x60 + i);
		f->m.base[0xFF0 + i] = 0x90;
	}
	clear_fault(&f->pf);
	assert_int_equal(mem_fetch(&f->m, 0x1000, 15, out), 15);
	assert_memory_equal(out, f->m.base + 0x1000, 15);
	assert_int_equal(mem_fetch(&f->m, 0xFF8, 15, out), 0);
	assert_int_equal(mem_fetch(&f->m, 0x800, 15, out), 0);
	assert_int_equal(mem_fetch(&f->m, 0, 15, out), 0);
	assert_int_equal(mem_fetch(&f->m, MSIZE - 3, 15, out), 3);
	assert_memory_equal(out, f->m.base + MSIZE - 3, 3);
	assert_int_equal(mem_fetch(&f->m, MSIZE - 15, 15, out), 15);
	assert_int_equal(mem_fetch(&f->m, MSIZE, 15, out), 0);
	assert_int_equal(mem_fetch(&f->m, 0xFFFFFFFEu, 15, out), 0);
	assert_int_equal(f->pf.vector, 0xEE); /* fetch never reports a fault itself */
}

static void test_mem_fault_builds_error_codes(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mem_fault(&f->m, 0x800, DVA_PF_I, &f->pf), -1);
	assert_pf(&f->pf, 0x800, 0x15);
	assert_int_equal(mem_fault(&f->m, MSIZE, DVA_PF_I, &f->pf), -1);
	assert_pf(&f->pf, MSIZE, 0x14);
	assert_int_equal(mem_fault(&f->m, 0x2C, DVA_PF_W, &f->pf), -1);
	assert_pf(&f->pf, 0x2C, 7);
	assert_int_equal(mem_fault(&f->m, MSIZE + 1, 0, &f->pf), -1);
	assert_pf(&f->pf, MSIZE + 1, 4);
}

/* A fault is a value for the caller: it lands in the record that access was given and
 * nowhere else, so a check made while another fault is pending (entering a handler) cannot
 * disturb it. */
static void test_a_fault_is_reported_only_to_the_record_given(void **state)
{
	struct fixture *f = *state;
	struct dva_fault pending, probe;
	uint32_t v;
	clear_fault(&pending);
	clear_fault(&probe);
	assert_int_equal(mem_rdn(&f->m, MSIZE, 4, &v, &pending), -1);
	assert_pf(&pending, MSIZE, ERR_READ_OUT);
	assert_int_equal(probe.vector, 0xEE);
	assert_int_equal(mem_check_write(&f->m, 0x1F, 2, &probe), -1);
	assert_pf(&probe, 0x1F, ERR_WRITE_RO);
	assert_pf(&pending, MSIZE, ERR_READ_OUT);
}

/* ---- the arena ------------------------------------------------------------------------------------ */

static void test_arena_windows_do_not_overlap(void **state)
{
	struct fixture *f = *state;
	struct guest_mem m2;
	assert_int_equal(mem_init(&m2, &f->arena, 2 * MSIZE), 0);
	const uint8_t *a0 = f->m.base, *a1 = f->m.base + MSIZE;
	const uint8_t *b0 = m2.base, *b1 = m2.base + 2 * MSIZE;
	assert_true(a1 <= b0 || b1 <= a0);
	/* Nor do their page flags overlap either window. */
	assert_false(f->m.pflags >= b0 && f->m.pflags < b1);
	assert_false(m2.pflags >= a0 && m2.pflags < a1);
	assert_int_equal(mem_wrn(&f->m, MSIZE - 4, 4, 0xAAAAAAAA, &f->pf), 0);
	assert_int_equal(mem_wrn(&m2, 0x1000, 4, 0xBBBBBBBB, &f->pf), 0);
	assert_int_equal(mem_protect(&m2, 0x1000, 0x2000), 0);
	uint32_t v;
	assert_int_equal(mem_rd32(&f->m, 0x1000, &v, &f->pf), 0);
	assert_int_equal(v, 0);
	/* m2's read-only page is not ours */
	assert_int_equal(mem_wrn(&f->m, 0x1000, 4, 1, &f->pf), 0);
	assert_int_equal(mem_rd32(&m2, MSIZE - 4, &v, &f->pf), 0);
	assert_int_equal(v, 0);
	mem_destroy(&m2);
}

static void test_destroyed_window_is_reused_and_reads_zero(void **state)
{
	struct fixture *f = *state;
	struct guest_mem m2, m3;
	assert_int_equal(mem_init(&m2, &f->arena, MSIZE), 0);
	uint8_t *old = m2.base;
	memset(m2.base + 0x1000, 0xCC, MSIZE - 0x1000);
	memset(m2.base, 0xCC, 0x100);
	m2.pflags[9] |= PG_CODE;
	assert_int_equal(mem_protect(&m2, 0x2000, 0x3000), 0);
	mem_destroy(&m2);

	assert_int_equal(mem_init(&m3, &f->arena, MSIZE), 0);
	assert_ptr_equal(m3.base, old);
	for (uint32_t a = 0; a < MSIZE; a += 4096 - 1)
		assert_int_equal(m3.base[a], 0);
	assert_int_equal(m3.base[MSIZE - 1], 0);
	for (uint32_t p = 0; p < (MSIZE >> DVA_PAGE_SHIFT); p++)
		assert_int_equal(m3.pflags[p], 0);
	assert_int_equal(m3.nro, 0);
	assert_int_equal(mem_wrn(&m3, 0x2000, 4, 7, &f->pf), 0); /* the old protection is gone */
	mem_destroy(&m3);
}

static void test_arena_refuses_a_window_that_does_not_fit(void **state)
{
	(void)state;
	struct mem_arena a;
	struct guest_mem m;
	assert_int_equal(mem_arena_init(&a, 4u << 20), 0);
	assert_int_equal(mem_init(&m, &a, 16u << 20), -1);
	assert_int_equal(mem_init(&m, &a, 1u << 20), 0);
	mem_destroy(&m);
	mem_arena_destroy(&a);
}

/* "Host memory only for pages the guest touches": 16 MiB guest, 3 pages written. */
static void test_resident_memory_is_only_the_touched_pages(void **state)
{
	(void)state;
	struct mem_arena a;
	struct guest_mem m;
	struct dva_fault pf;
	assert_int_equal(mem_arena_init(&a, 64u << 20), 0);
	assert_int_equal(mem_init(&m, &a, DVA_MEM_DEFAULT), 0);
	assert_true(mem_resident_bytes(&m) <= 1 * DVA_PAGE_SIZE);
	assert_int_equal(mem_wrn(&m, 0x1000, 4, 1, &pf), 0);
	assert_int_equal(mem_wrn(&m, 0x800000, 4, 2, &pf), 0);
	assert_int_equal(mem_wrn(&m, DVA_MEM_DEFAULT - 4, 4, 3, &pf), 0);
	size_t r = mem_resident_bytes(&m);
	assert_true(r >= 3 * DVA_PAGE_SIZE);
	assert_true(r <= 5 * DVA_PAGE_SIZE);
	mem_destroy(&m);
	mem_arena_destroy(&a);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* fast path */
		T(test_rw_every_size_aligned_and_not),
		T(test_rw_at_the_last_bytes_of_memory),
		T(test_sized_helpers_are_little_endian),
		/* beyond mem_size */
		T(test_read_straddling_mem_size_faults_at_mem_size),
		T(test_write_straddling_mem_size_faults_and_writes_nothing),
		T(test_write_fault_reports_the_lowest_bad_byte),
		/* page 0 */
		T(test_page0_reads_any_size_and_alignment),
		T(test_page0_refresh_runs_before_page0_reads_only),
		T(test_page0_writes_inside_the_rw_registers),
		T(test_page0_writes_outside_them_fault_7_at_the_first_bad_byte),
		T(test_page0_write_hook_gets_the_bytes_and_memory_is_left_to_it),
		/* read-only ranges */
		T(test_protect_half_page_edges),
		T(test_check_write_refuses_a_range_with_one_ro_byte),
		T(test_two_ranges_on_one_page_given_out_of_order),
		/* code pages */
		T(test_store_to_code_page_calls_hook_once_per_page),
		T(test_check_write_invalidates_code_but_a_faulting_write_does_not),
		/* fetch and error codes */
		T(test_fetch_stops_at_page0_and_mem_size),
		T(test_mem_fault_builds_error_codes),
		T(test_a_fault_is_reported_only_to_the_record_given),
		/* arena */
		T(test_arena_windows_do_not_overlap),
		T(test_destroyed_window_is_reused_and_reads_zero),
		cmocka_unit_test(test_arena_refuses_a_window_that_does_not_fit),
		cmocka_unit_test(test_resident_memory_is_only_the_touched_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
