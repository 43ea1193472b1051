/* swap.c - the swap file: records of written pages, LZ4 per page, slots in power-of-two classes. */
#include "mmu/swap.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmu/pool.h"

#define SWAP_MAGIC 0x50575344u /* "DSWP" */
#define SWAP_HEADER 20u
#define SWAP_ENTRY 8u

int swap_open(struct swap_file *s, const char *path, char err[SWAP_ERR])
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (path) {
		s->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (s->fd < 0) {
			snprintf(err, SWAP_ERR, "cannot open: %s", strerror(errno));
			return -1;
		}
		s->path = strdup(path);
	} else {
		const char *dir = getenv("TMPDIR");
		char tmpl[4096];
		snprintf(tmpl, sizeof(tmpl), "%s/denali-swap-XXXXXX", dir && *dir ? dir : "/var/tmp");
		s->fd = mkostemp(tmpl, O_CLOEXEC);
		if (s->fd < 0) {
			snprintf(err, SWAP_ERR, "cannot make a temporary swap file in %s: %s",
				 dir && *dir ? dir : "/var/tmp", strerror(errno));
			return -1;
		}
		unlink(tmpl); /* gone with the process, however it ends */
		s->path = strdup(tmpl);
		s->temporary = true;
	}
	s->lz4 = LZ4_createStream();
	if (!s->lz4) {
		close(s->fd);
		free(s->path);
		s->fd = -1;
		s->path = NULL;
		snprintf(err, SWAP_ERR, "out of host memory");
		return -1;
	}
	return 0;
}

void swap_close(struct swap_file *s)
{
	if (s->fd >= 0)
		close(s->fd);
	for (unsigned c = 0; c < SWAP_CLASSES; c++)
		free(s->free[c].off);
	if (s->lz4)
		LZ4_freeStream(s->lz4);
	free(s->buf);
	free(s->path);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static int grow(struct swap_file *s, size_t need)
{
	if (need <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 1u << 16;
	while (cap < need)
		cap *= 2;
	uint8_t *b = realloc(s->buf, cap);
	if (!b)
		return -1;
	s->buf = b;
	s->cap = cap;
	return 0;
}

static bool all_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)p;
	uint64_t acc = 0;
	for (unsigned i = 0; i < DVA_PAGE_SIZE / 8; i++)
		acc |= q[i];
	return acc == 0;
}

/* What a fresh window of m's pool holds at page pfn: the image's bytes, or NULL for zeros. */
static const uint8_t *first_content(const struct guest_mem *m, uint32_t pfn)
{
	const struct mem_pool *p = m->pool;
	if (pfn < p->img_lo || pfn >= p->img_hi)
		return NULL;
	return p->content + (size_t)(pfn - p->img_lo) * DVA_PAGE_SIZE;
}

static uint8_t class_of(uint32_t len)
{
	uint8_t c = SWAP_CLASS_MIN;
	while (((uint64_t)1 << c) < len)
		c++;
	return c;
}

int swap_put(struct swap_file *s, uint32_t id, const struct guest_mem *m, struct swap_slot *slot,
	     char err[SWAP_ERR])
{
	uint32_t npages = m->size >> DVA_PAGE_SHIFT, n = 0;
	/* The entries first, then the data: size both for the worst case (every page raw). */
	uint32_t written = 0, ncode = 0;
	for (uint32_t pfn = 0; pfn < npages; pfn++) {
		written += pool_page_written(m, pfn);
		ncode += (m->pflags[pfn] & PG_CODE) != 0;
	}
	size_t entries_at = SWAP_HEADER + (size_t)ncode * 4;
	size_t data_at = entries_at + (size_t)written * SWAP_ENTRY;
	if (grow(s, data_at + (size_t)written * DVA_PAGE_SIZE)) {
		snprintf(err, SWAP_ERR, "out of host memory for a swap record");
		return -1;
	}
	for (uint32_t pfn = 0, i = 0; pfn < npages; pfn++)
		if (m->pflags[pfn] & PG_CODE)
			memcpy(s->buf + SWAP_HEADER + (size_t)(i++) * 4, &pfn, 4);
	size_t at = data_at;
	uint64_t raw = 0, skipped = 0; /* counted only once the record is written */
	for (uint32_t pfn = 0; pfn < npages; pfn++) {
		if (!pool_page_written(m, pfn))
			continue;
		const uint8_t *page = m->base + (size_t)pfn * DVA_PAGE_SIZE, *first = first_content(m, pfn);
		bool zero = all_zero(page);
		uint32_t stored;
		if (first ? !memcmp(page, first, DVA_PAGE_SIZE) : zero) {
			skipped++; /* a fresh window has it already */
			continue;
		}
		if (zero) {
			stored = 0;
		} else {
			/* Each page on its own: a stream reset (cheap, unlike a fresh state's 16 KiB
			 * of tables) and no dictionary from the page before. */
			LZ4_resetStream_fast(s->lz4);
			int c = LZ4_compress_fast_continue(s->lz4, (const char *)page, (char *)s->buf + at,
							   DVA_PAGE_SIZE, DVA_PAGE_SIZE - 1, 1);
			if (c > 0) {
				stored = (uint32_t)c;
			} else { /* it would not get smaller */
				memcpy(s->buf + at, page, DVA_PAGE_SIZE);
				stored = DVA_PAGE_SIZE;
			}
			raw += DVA_PAGE_SIZE;
		}
		uint32_t entry[2] = { pfn, stored };
		memcpy(s->buf + entries_at + (size_t)n * SWAP_ENTRY, entry, sizeof(entry));
		n++;
		at += stored;
	}
	/* Close the gap the skipped pages' entries left between the entries and the data. */
	size_t entries_end = entries_at + (size_t)n * SWAP_ENTRY;
	if (entries_end != data_at)
		memmove(s->buf + entries_end, s->buf + data_at, at - data_at);
	uint32_t payload = (uint32_t)(at - data_at), len = (uint32_t)(entries_end + payload);
	uint32_t header[5] = { SWAP_MAGIC, id, n, payload, ncode };
	memcpy(s->buf, header, sizeof(header));

	uint8_t cls = class_of(len);
	struct swap_free *fl = &s->free[cls];
	uint64_t off = fl->n ? fl->off[fl->n - 1] : s->end;
	ssize_t w = pwrite(s->fd, s->buf, len, (off_t)off);
	if (w != (ssize_t)len) {
		snprintf(err, SWAP_ERR, "cannot write %u bytes at offset %llu: %s", len,
			 (unsigned long long)off, w < 0 ? strerror(errno) : "short write (is the disk full?)");
		return -1;
	}
	if (fl->n)
		fl->n--;
	else
		s->end += (uint64_t)1 << cls;
	if (s->end > s->peak_bytes)
		s->peak_bytes = s->end;
	*slot = (struct swap_slot){ .off = off, .len = len, .cls = cls };
	s->records_out++;
	s->pages_out += n;
	s->pages_skipped += skipped;
	s->raw_bytes += raw;
	s->stored_bytes += payload;
	s->live_bytes += len;
	return 0;
}

void swap_drop(struct swap_file *s, const struct swap_slot *slot)
{
	struct swap_free *fl = &s->free[slot->cls];
	if (fl->n == fl->cap) {
		uint32_t cap = fl->cap ? fl->cap * 2 : 64;
		uint64_t *o = realloc(fl->off, cap * sizeof(*o));
		if (!o)
			return; /* the slot is lost to reuse: the file only grows */
		fl->off = o;
		fl->cap = cap;
	}
	fl->off[fl->n++] = slot->off;
	s->live_bytes -= slot->len;
}

int swap_get(struct swap_file *s, uint32_t id, const struct swap_slot *slot, struct guest_mem *m,
	     char err[SWAP_ERR])
{
	if (grow(s, slot->len)) {
		snprintf(err, SWAP_ERR, "out of host memory for a swap record");
		return -1;
	}
	ssize_t r = pread(s->fd, s->buf, slot->len, (off_t)slot->off);
	if (r != (ssize_t)slot->len) {
		snprintf(err, SWAP_ERR, "cannot read vm %u's pages (%u bytes at offset %llu): %s", id,
			 slot->len, (unsigned long long)slot->off,
			 r < 0 ? strerror(errno) : "short read (was the file truncated?)");
		return -1;
	}
	uint32_t header[5];
	if (slot->len < sizeof(header))
		goto corrupt;
	memcpy(header, s->buf, sizeof(header));
	uint32_t n = header[2], ncode = header[4], npages = m->size >> DVA_PAGE_SHIFT;
	size_t entries_at = SWAP_HEADER + (size_t)ncode * 4;
	if (header[0] != SWAP_MAGIC || header[1] != id ||
	    entries_at + (uint64_t)n * SWAP_ENTRY + header[3] != slot->len) {
		snprintf(err, SWAP_ERR, "vm %u's record at offset %llu is not what was written there", id,
			 (unsigned long long)slot->off);
		return -1;
	}
	size_t at = entries_at + (size_t)n * SWAP_ENTRY;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t entry[2];
		memcpy(entry, s->buf + entries_at + (size_t)i * SWAP_ENTRY, sizeof(entry));
		uint32_t pfn = entry[0], stored = entry[1];
		if (pfn >= npages || stored > DVA_PAGE_SIZE || at + stored > slot->len)
			goto corrupt;
		uint8_t *page = m->base + (size_t)pfn * DVA_PAGE_SIZE;
		if (stored == 0)
			memset(page, 0, DVA_PAGE_SIZE);
		else if (stored == DVA_PAGE_SIZE)
			memcpy(page, s->buf + at, DVA_PAGE_SIZE);
		else if (LZ4_decompress_safe((const char *)s->buf + at, (char *)page, (int)stored,
					     DVA_PAGE_SIZE) != DVA_PAGE_SIZE)
			goto corrupt;
		pool_mark_written(m, pfn);
		at += stored;
	}
	for (uint32_t i = 0; i < ncode; i++) {
		uint32_t pfn;
		memcpy(&pfn, s->buf + SWAP_HEADER + (size_t)i * 4, 4);
		if (pfn >= npages)
			goto corrupt;
		m->pflags[pfn] |= PG_CODE;
	}
	s->records_in++;
	s->pages_in += n;
	swap_drop(s, slot);
	return 0;
corrupt:
	snprintf(err, SWAP_ERR, "vm %u's record at offset %llu does not decompress", id,
		 (unsigned long long)slot->off);
	return -1;
}
