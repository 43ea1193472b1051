/* mem.c - guest memory: the arena of windows, the slow paths, read-only bytes and page 0. */
#include "mmu/mem.h"
#include "mmu/pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A window given back to the arena, reused by the next VM that fits. */
struct arena_hole {
	size_t off, size;
	struct arena_hole *next;
};

int mem_arena_init(struct mem_arena *a, size_t reserve_bytes)
{
	/* MAP_NORESERVE: no commit charge; a page costs host memory only once the guest touches
	 * it, and untouched reads map the shared zero page. One mapping for every VM keeps us far
	 * from the kernel's limit on mappings (vm.max_map_count) at 100,000 VMs. */
	void *p = mmap(NULL, reserve_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	a->base = p;
	a->size = reserve_bytes;
	a->used = 0;
	a->holes = NULL;
	a->held_pages = 0;
	a->block_pages = 1;
	a->pad_pages = 0;
	a->maps_left = 0;
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	unsigned long long limit = 0;
	if (f) {
		if (fscanf(f, "%llu", &limit) != 1)
			limit = 0;
		fclose(f);
	}
	if (limit > MEM_MAPS_RESERVED)
		a->maps_left = (limit - MEM_MAPS_RESERVED) / 2;
	return 0;
}

void mem_arena_destroy(struct mem_arena *a)
{
	while (a->holes) {
		struct arena_hole *h = a->holes;
		a->holes = h->next;
		free(h);
	}
	if (a->base)
		munmap(a->base, a->size);
	a->base = NULL;
}

int mem_init(struct guest_mem *m, struct mem_arena *a, uint32_t size)
{
	/* A guard page separates this window from the next. */
	size_t span = (size_t)size + DVA_PAGE_SIZE;
	size_t off = 0;
	bool found = false;

	memset(m, 0, sizeof(*m));
	for (struct arena_hole **hp = &a->holes; *hp; hp = &(*hp)->next) {
		if ((*hp)->size == span) {
			struct arena_hole *h = *hp;
			off = h->off;
			*hp = h->next;
			free(h);
			found = true;
			break;
		}
	}
	if (!found) {
		if (a->size - a->used < span) {
			errno = ENOMEM;
			return -1;
		}
		off = a->used;
		a->used += span;
	}
	/* The page flags, one byte per page, on the host heap: a 64 KiB guest's 16 bytes should
	 * not cost a page of its own. */
	m->pflags = calloc(size >> DVA_PAGE_SHIFT, 1);
	if (!m->pflags) {
		struct arena_hole *h = malloc(sizeof(*h));
		if (h) { /* give the window back */
			*h = (struct arena_hole){ .off = off, .size = span, .next = a->holes };
			a->holes = h;
		}
		errno = ENOMEM;
		return -1;
	}
	m->arena = a;
	m->span = span;
	m->base = a->base + off;
	m->size = size;
	return 0;
}

void mem_destroy(struct guest_mem *m)
{
	if (m->pool) { /* the window goes back to its pool, the VM keeps nothing */
		pool_detach(m);
		return;
	}
	if (!m->base)
		return;
	/* Give the pages back to the host; the range reads as zero when reused. */
	madvise(m->base, m->span, MADV_DONTNEED);
	struct arena_hole *h = malloc(sizeof(*h));
	if (h) {
		h->off = (size_t)(m->base - m->arena->base);
		h->size = m->span;
		h->next = m->arena->holes;
		m->arena->holes = h;
	}
	free(m->ro);
	free(m->pflags);
	m->ro = NULL;
	m->pflags = NULL;
	m->base = NULL;
}

size_t mem_resident_bytes(const struct guest_mem *m)
{
	size_t pages = m->span / DVA_PAGE_SIZE, resident = 0;
	unsigned char vec[256];
	for (size_t i = 0; i < pages; i += sizeof(vec)) {
		size_t n = pages - i < sizeof(vec) ? pages - i : sizeof(vec);
		if (mincore(m->base + i * DVA_PAGE_SIZE, n * DVA_PAGE_SIZE, vec) != 0)
			return 0;
		for (size_t j = 0; j < n; j++)
			resident += vec[j] & 1;
	}
	return resident * DVA_PAGE_SIZE;
}

int ro_ranges_add(struct ro_range **ro, unsigned *nro, uint8_t *pflags, uint32_t start, uint32_t end)
{
	struct ro_range *r = realloc(*ro, (*nro + 1) * sizeof(*r));
	if (!r)
		return -1;
	*ro = r;
	unsigned i = (*nro)++;
	while (i > 0 && r[i - 1].start > start) {
		r[i] = r[i - 1];
		i--;
	}
	r[i] = (struct ro_range){ start, end };
	/* Whole pages inside the range are PG_RO; pages it covers in part are PG_RO_PART. */
	for (uint32_t pfn = start >> DVA_PAGE_SHIFT; pfn <= (end - 1) >> DVA_PAGE_SHIFT; pfn++) {
		uint32_t lo = pfn << DVA_PAGE_SHIFT;
		bool whole = start <= lo && (uint64_t)end >= (uint64_t)lo + DVA_PAGE_SIZE;
		pflags[pfn] |= whole ? PG_RO : PG_RO_PART;
	}
	return 0;
}

int mem_protect(struct guest_mem *m, uint32_t start, uint32_t end)
{
	if (start >= end)
		return 0;
	return ro_ranges_add(&m->ro, &m->nro, m->pflags, start, end);
}

bool mem_byte_writable(const struct guest_mem *m, uint32_t a)
{
	if (a < DVA_PAGE_SIZE || a >= m->size)
		return false;
	uint8_t f = m->pflags[a >> DVA_PAGE_SHIFT];
	if (f & PG_RO)
		return false;
	if (f & PG_RO_PART)
		for (unsigned i = 0; i < m->nro; i++)
			if (a >= m->ro[i].start && a < m->ro[i].end)
				return false;
	return true;
}

int mem_fault(const struct guest_mem *m, uint32_t a, uint32_t kind, struct dva_fault *f)
{
	f->vector = DVA_VEC_PF;
	f->addr = a;
	f->error = kind | DVA_PF_U | (a < m->size ? DVA_PF_P : 0);
	return -1;
}

/* First byte of [a, a+n) that cannot be read, or -1 when all can (page 0 is readable). */
static int64_t first_unreadable(const struct guest_mem *m, uint32_t a, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t b = a + i;
		if (b >= m->size || b < a) /* beyond memory, or wrapped past 4 GiB */
			return b;
	}
	return -1;
}

int mem_check_read(const struct guest_mem *m, uint32_t a, unsigned n, struct dva_fault *f)
{
	int64_t bad = first_unreadable(m, a, n);
	return bad < 0 ? 0 : mem_fault(m, (uint32_t)bad, 0, f);
}

int mem_read_slow(struct guest_mem *m, uint32_t a, unsigned n, void *out, struct dva_fault *f)
{
	if (mem_check_read(m, a, n, f))
		return -1;
	if (a < DVA_PAGE_SIZE && m->hooks.page0_refresh)
		m->hooks.page0_refresh(m->hooks.opaque, m->base);
	memcpy(out, m->base + a, n);
	return 0;
}

/* Whether byte b of page 0 is one a guest may write (DVA-1 section 3). */
static bool page0_writable(uint32_t b)
{
	return b >= DVA_RW_FIRST && b < DVA_RW_END && !(b >= 0x2C && b < 0x30); /* not irq_batch */
}

/* First byte of [a, a+n) that cannot be written, or -1. */
static int64_t first_unwritable(const struct guest_mem *m, uint32_t a, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t b = a + i;
		if (b >= m->size || b < a)
			return b;
		if (b < DVA_PAGE_SIZE ? !page0_writable(b) : !mem_byte_writable(m, b))
			return b;
	}
	return -1;
}

void mem_note_write(struct guest_mem *m, uint32_t a, uint32_t n)
{
	if (!n)
		return;
	uint32_t first = a >> DVA_PAGE_SHIFT, last = (a + n - 1) >> DVA_PAGE_SHIFT;
	uint8_t seen = 0;
	for (uint32_t pfn = first; pfn <= last; pfn++) {
		seen |= m->pflags[pfn];
		if (m->pflags[pfn] & PG_CLEAN)
			pool_mark_written(m, pfn);
		if (m->pflags[pfn] & PG_CODE) {
			m->pflags[pfn] &= (uint8_t)~PG_CODE;
			if (m->hooks.code_write)
				m->hooks.code_write(m->hooks.opaque, pfn);
		}
	}
	/* Every write from outside the store fast path comes here (slow stores, devices, bulk
	 * string operations), so this one check catches them all. */
	if (unlikely(seen & PG_WATCH))
		mem_watch_check(m, a, n, MEM_WATCH_WRITE);
}

void mem_watch_apply(struct guest_mem *m)
{
	if (!m->pflags)
		return; /* no window now: pool_attach applies them when it gets one */
	uint32_t pages = m->size >> DVA_PAGE_SHIFT;
	for (uint32_t pfn = 0; pfn < pages; pfn++)
		m->pflags[pfn] &= (uint8_t)~PG_WATCH;
	for (unsigned i = 0; m->watch && i < m->watch->n; i++) {
		const struct mem_watch_range *w = &m->watch->w[i];
		if (!(w->kind & MEM_WATCH_WRITE))
			continue;
		uint64_t last = ((uint64_t)w->addr + w->len - 1) >> DVA_PAGE_SHIFT;
		for (uint64_t pfn = w->addr >> DVA_PAGE_SHIFT; pfn <= last && pfn < pages; pfn++)
			m->pflags[pfn] |= PG_WATCH;
	}
}

bool mem_watch_check(struct guest_mem *m, uint32_t a, uint32_t n, unsigned kind)
{
	if (!m->watch || !n)
		return false;
	uint64_t end = (uint64_t)a + n;
	for (unsigned i = 0; i < m->watch->n; i++) {
		const struct mem_watch_range *w = &m->watch->w[i];
		if ((w->kind & kind) && a < (uint64_t)w->addr + w->len && w->addr < end) {
			m->watch->hit(m->watch->opaque, w, a, n, kind);
			return true;
		}
	}
	return false;
}

int mem_check_write(struct guest_mem *m, uint32_t a, unsigned n, struct dva_fault *f)
{
	int64_t bad = first_unwritable(m, a, n);
	if (bad >= 0)
		return mem_fault(m, (uint32_t)bad, DVA_PF_W, f);
	if (a >= DVA_PAGE_SIZE)
		mem_note_write(m, a, n);
	return 0;
}

int mem_write_slow(struct guest_mem *m, uint32_t a, unsigned n, const void *in, struct dva_fault *f)
{
	if (mem_check_write(m, a, n, f))
		return -1;
	if (a < DVA_PAGE_SIZE) {
		/* Every byte lies in one of the writable registers; let the owner apply their
		 * semantics one register at a time. */
		const uint8_t *src = in;
		uint32_t b = a, end = a + n;
		while (b < end) {
			uint32_t reg_end = (b & ~3u) + 4, k = (reg_end < end ? reg_end : end) - b;
			uint64_t v = 0;
			memcpy(&v, src + (b - a), k);
			if (m->hooks.page0_write)
				m->hooks.page0_write(m->hooks.opaque, m->base, b, k, v);
			else
				memcpy(m->base + b, src + (b - a), k);
			b += k;
		}
		return 0;
	}
	memcpy(m->base + a, in, n);
	return 0;
}

bool mem_range_readable(const struct guest_mem *m, uint32_t a, uint32_t n)
{
	return !n || (uint64_t)a + n <= m->size;
}

bool mem_range_writable(const struct guest_mem *m, uint32_t a, uint32_t n)
{
	uint64_t end = (uint64_t)a + n;
	if (!n)
		return true;
	if (a < DVA_PAGE_SIZE || end > m->size)
		return false;
	for (unsigned i = 0; i < m->nro; i++) /* every read-only byte lies in one of these */
		if (a < m->ro[i].end && end > m->ro[i].start)
			return false;
	return true;
}

unsigned mem_fetch(const struct guest_mem *m, uint32_t a, unsigned n, uint8_t *out)
{
	unsigned i = 0;
	for (; i < n; i++) {
		uint32_t b = a + i;
		if (b < DVA_PAGE_SIZE || b >= m->size || b < a)
			break;
		out[i] = m->base[b];
	}
	return i;
}
