/* pool.c - windows of guest memory kept per image: the image's pages shared through a memfd,
 * windows reset and reused, their memory given back on demand. */
#include "mmu/pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint32_t pages_of(uint32_t size)
{
	return size >> DVA_PAGE_SHIFT;
}

int pool_init(struct mem_pool *p, struct mem_arena *a, uint32_t size)
{
	memset(p, 0, sizeof(*p));
	p->arena = a;
	p->size = size;
	p->span = (size_t)size + DVA_PAGE_SIZE; /* a guard page apart from the next window */
	p->fd = -1;
	p->tmpl = malloc(pages_of(size));
	if (!p->tmpl)
		return -1;
	/* Page 0 is never a fast-path store (mem_plain_store starts at 0x1000); every other page
	 * starts not yet written. */
	memset(p->tmpl, PG_CLEAN, pages_of(size));
	p->tmpl[0] = 0;
	return 0;
}

/* Grow the content to cover guest pages [lo, hi), new pages zero. */
static int cover(struct mem_pool *p, uint32_t lo, uint32_t hi)
{
	if (p->img_hi == 0) {
		p->content = calloc((size_t)(hi - lo), DVA_PAGE_SIZE);
		if (!p->content)
			return -1;
		p->img_lo = lo;
		p->img_hi = hi;
		return 0;
	}
	uint32_t nlo = lo < p->img_lo ? lo : p->img_lo, nhi = hi > p->img_hi ? hi : p->img_hi;
	if (nlo == p->img_lo && nhi == p->img_hi)
		return 0;
	uint8_t *c = calloc((size_t)(nhi - nlo), DVA_PAGE_SIZE);
	if (!c)
		return -1;
	memcpy(c + (size_t)(p->img_lo - nlo) * DVA_PAGE_SIZE, p->content,
	       (size_t)(p->img_hi - p->img_lo) * DVA_PAGE_SIZE);
	free(p->content);
	p->content = c;
	p->img_lo = nlo;
	p->img_hi = nhi;
	return 0;
}

/* Mark [start, end) read-only in the template and the pool's ranges (as mem_protect does). A
 * page wholly read-only is never written, so it has no first write to note either. */
static int protect(struct mem_pool *p, uint32_t start, uint32_t end)
{
	if (ro_ranges_add(&p->ro, &p->nro, p->tmpl, start, end))
		return -1;
	for (uint32_t pfn = start >> DVA_PAGE_SHIFT; pfn <= (end - 1) >> DVA_PAGE_SHIFT; pfn++)
		if (p->tmpl[pfn] & PG_RO)
			p->tmpl[pfn] &= (uint8_t)~PG_CLEAN;
	return 0;
}

int pool_add_segment(struct mem_pool *p, uint32_t vaddr, const uint8_t *bytes, uint32_t filesz,
		     uint32_t memsz, bool writable)
{
	if (filesz) {
		uint32_t lo = vaddr >> DVA_PAGE_SHIFT;
		uint32_t hi = (uint32_t)(((uint64_t)vaddr + filesz + DVA_PAGE_SIZE - 1) >> DVA_PAGE_SHIFT);
		if (cover(p, lo, hi))
			return -1;
		memcpy(p->content + ((size_t)vaddr - (size_t)p->img_lo * DVA_PAGE_SIZE), bytes, filesz);
	}
	/* The rest of memsz is zero: windows start zeroed, and the content's pages too. */
	return !writable && memsz ? protect(p, vaddr, vaddr + memsz) : 0;
}

int pool_seal(struct mem_pool *p)
{
	size_t bytes = (size_t)(p->img_hi - p->img_lo) * DVA_PAGE_SIZE;
	if (!bytes)
		return 0;
	int fd = memfd_create("denali-image", MFD_CLOEXEC);
	if (fd < 0)
		return 0; /* windows copy the image */
	if (ftruncate(fd, (off_t)bytes) != 0 || pwrite(fd, p->content, bytes, 0) != (ssize_t)bytes) {
		close(fd);
		return errno == ENOMEM ? -1 : 0;
	}
	p->fd = fd;
	return 0;
}

void pool_destroy(struct mem_pool *p)
{
	if (p->cold) { /* one list to free */
		struct mem_window *last = p->cold;
		while (last->next)
			last = last->next;
		last->next = p->free;
		p->free = p->cold;
		p->cold = NULL;
	}
	while (p->free) {
		struct mem_window *w = p->free;
		p->free = w->next;
		p->arena->held_pages -= w->nheld;
		p->arena->pad_pages -= w->npad;
		/* Its span stays reserved in the arena, which is unmapped as a whole at the end. */
		madvise(w->base, p->span, MADV_DONTNEED);
		free(w->pflags);
		free(w);
	}
	if (p->fd >= 0)
		close(p->fd);
	free(p->content);
	free(p->tmpl);
	free(p->ro);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* Page pfn of w holds a host page from now on. Under a pager block of several pages the arena
 * counts the whole block from its first page held, the rest as padding (mem.h). */
static void hold(struct mem_pool *p, struct mem_window *w, uint32_t pfn)
{
	if (w->held[pfn >> 3] & (1u << (pfn & 7)))
		return;
	struct mem_arena *a = p->arena;
	uint32_t bp = a->block_pages;
	if (bp > 1) {
		uint32_t lo = pfn & ~(bp - 1), hi = lo + bp, n = pages_of(p->size), any = 0;
		if (hi > n)
			hi = n;
		for (uint32_t q = lo; q < hi && !any; q++)
			any = w->held[q >> 3] & (1u << (q & 7));
		if (any) { /* the block was counted already: one of its padding pages is now held */
			w->npad--;
			a->pad_pages--;
		} else { /* the block's first page: its other pages are padding */
			w->npad += hi - lo - 1;
			a->pad_pages += hi - lo - 1;
		}
	}
	w->held[pfn >> 3] |= (uint8_t)(1u << (pfn & 7));
	w->nheld++;
	a->held_pages++;
}

/* Put the image's pages in w: mapped from the memfd, or copied where that is refused. */
static void fill(struct mem_pool *p, struct mem_window *w)
{
	uint8_t *at = w->base + (size_t)p->img_lo * DVA_PAGE_SIZE;
	size_t bytes = (size_t)(p->img_hi - p->img_lo) * DVA_PAGE_SIZE;
	if (!bytes) {
		w->filled = true;
		return;
	}
	if (p->fd >= 0 && !w->mapped && !w->copies) {
		void *q = MAP_FAILED;
		if (p->arena->maps_left) {
			q = mmap(at, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, p->fd, 0);
			if (q == MAP_FAILED && !p->map_errno)
				p->map_errno = errno;
		}
		if (q != MAP_FAILED) {
			p->arena->maps_left--;
			w->mapped = w->filled = true;
			return;
		}
		/* No mapping left (vm.max_map_count), or it was refused: this window copies. */
		w->copies = true;
		p->copied++;
	}
	if (!w->mapped) {
		memcpy(at, p->content, bytes);
		/* The copied pages are host memory of this window. */
		for (uint32_t pfn = p->img_lo; pfn < p->img_hi; pfn++)
			hold(p, w, pfn);
	}
	w->filled = true;
}

static struct mem_window *new_window(struct mem_pool *p)
{
	struct mem_arena *a = p->arena;
	if (a->size - a->used < p->span) {
		errno = ENOMEM;
		return NULL;
	}
	struct mem_window *w = calloc(1, sizeof(*w));
	uint32_t n = pages_of(p->size);
	uint8_t *flags = w ? malloc(n + (n + 7) / 8) : NULL;
	if (!flags) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->base = a->base + a->used;
	a->used += p->span;
	w->pflags = flags;
	w->held = flags + n;
	memcpy(w->pflags, p->tmpl, n);
	memset(w->held, 0, (n + 7) / 8);
	p->windows++;
	return w;
}

void pool_mark_written(struct guest_mem *m, uint32_t pfn)
{
	struct mem_window *w = m->win;
	m->pflags[pfn] &= (uint8_t)~PG_CLEAN;
	if (w)
		hold(m->pool, w, pfn);
}

int pool_attach(struct mem_pool *p, struct guest_mem *m)
{
	struct mem_window *w = p->free;
	if (w) {
		p->free = w->next;
		p->nfree--;
	} else if ((w = p->cold)) {
		p->cold = w->next;
		p->ncold--;
	} else if (!(w = new_window(p))) {
		return -1;
	}
	if (!w->filled)
		fill(p, w);
	w->next = NULL;
	m->base = w->base;
	m->size = p->size;
	m->pflags = w->pflags;
	m->ro = p->ro;
	m->nro = p->nro;
	m->arena = p->arena;
	m->span = p->span;
	m->pool = p;
	m->win = w;
	pool_mark_written(m, 0); /* page 0: the kernel writes it before the guest runs */
	if (m->watch) /* a debugged VM given a window again (swapped back in): its watchpoints */
		mem_watch_apply(m);
	return 0;
}

void pool_detach(struct guest_mem *m)
{
	struct mem_window *w = m->win;
	struct mem_pool *p = m->pool;
	if (!w)
		return;
	uint32_t n = pages_of(p->size);
	/* Back to the image's first state: each page the VM wrote is zeroed or gets the image's
	 * bytes again (its host page stays: the next VM of the image will likely write it too). */
	for (uint32_t pfn = 0; pfn < n; pfn++) {
		if (!pool_page_written(m, pfn))
			continue;
		uint8_t *page = w->base + (size_t)pfn * DVA_PAGE_SIZE;
		if (pfn >= p->img_lo && pfn < p->img_hi)
			memcpy(page, p->content + (size_t)(pfn - p->img_lo) * DVA_PAGE_SIZE, DVA_PAGE_SIZE);
		else
			memset(page, 0, DVA_PAGE_SIZE);
	}
	memcpy(w->pflags, p->tmpl, n);
	w->next = p->free;
	p->free = w;
	p->nfree++;
	m->base = NULL;
	m->pflags = NULL;
	m->ro = NULL;
	m->nro = 0;
	m->win = NULL;
}

uint64_t pool_trim(struct mem_pool *p, uint32_t keep)
{
	uint64_t given = 0;
	uint32_t n = pages_of(p->size);
	struct mem_window **wp = &p->free;
	for (; *wp && keep; keep--)
		wp = &(*wp)->next;
	while (*wp) {
		struct mem_window *w = *wp;
		*wp = w->next;
		p->nfree--;
		/* Private pages go; pages mapped from the memfd read as the image again, so only a
		 * window that copied the image must copy it once more. */
		if (w->nheld)
			madvise(w->base, p->span, MADV_DONTNEED);
		if (!w->mapped)
			w->filled = false;
		given += w->nheld;
		p->arena->held_pages -= w->nheld;
		p->arena->pad_pages -= w->npad;
		w->nheld = w->npad = 0;
		memset(w->held, 0, (n + 7) / 8);
		w->next = p->cold;
		p->cold = w;
		p->ncold++;
	}
	return given;
}
