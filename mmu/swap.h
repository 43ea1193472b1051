/* swap.h - the swap file: a swapped-out VM's written pages, compressed with LZ4, one record per VM.
 *
 * A record holds the pages of a window that the VM wrote (pool.h) and that differ from what a
 * fresh window of its image holds there: a page equal to the image's bytes, or zero where the
 * image has nothing, costs nothing. Each page is LZ4-compressed on its own (raw when that would
 * not make it smaller). Records live at offsets of the file in size classes of powers of two:
 * a record freed leaves its slot for the next record of its class, so the file never grows past
 * what the most VMs swapped out at once needed. The file is written and read with pwrite and
 * pread; the host's page cache, not this process, holds what has not yet reached the disk.
 *
 *   record:  magic "DSWP" (u32), vm id (u32), page count n (u32), payload bytes (u32),
 *            code page count c (u32), the c page numbers (u32 each) whose decoded code the VM's
 *            cache keeps (PG_CODE: a store there must still drop it once the VM is back),
 *            n entries of { page number (u32), stored bytes (u32): 0 = zero page,
 *            4096 = raw, else LZ4 }, then the n pages' stored bytes in that order.
 */
#ifndef DENALI_SWAP_H
#define DENALI_SWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mem.h"

#define SWAP_ERR 200
#define SWAP_CLASS_MIN 8  /* slots of 256 bytes at least */
#define SWAP_CLASSES 40

/* Where one VM's record lies. */
struct swap_slot {
	uint64_t off;  /* in the file */
	uint32_t len;  /* bytes of the record */
	uint8_t cls;   /* its slot is 1 << cls bytes */
};

struct swap_file {
	int fd;
	char *path;             /* as given, for messages */
	bool temporary;         /* made by swap_open without a path: already unlinked */
	uint64_t end;           /* bytes of the file its slots use */
	struct swap_free {
		uint64_t *off;
		uint32_t n, cap;
	} free[SWAP_CLASSES];   /* slots given back, per class */
	union LZ4_stream_u *lz4; /* the compressor's state, kept from page to page */
	uint8_t *buf;           /* one record, built or read */
	size_t cap;
	/* What it did, for the statistics. */
	uint64_t records_out, records_in;
	uint64_t pages_out, pages_in;   /* stored pages (zero pages and image pages not counted) */
	uint64_t pages_skipped;         /* written pages that cost nothing: zero, or the image's */
	uint64_t raw_bytes, stored_bytes; /* the stored pages' bytes before and after LZ4 */
	uint64_t live_bytes;            /* bytes of the records in the file now */
	uint64_t peak_bytes;            /* the file's size at most (end) */
};

/* Open the swap file at path (created or truncated), or, with path NULL, a temporary file in
 * $TMPDIR (or /var/tmp), unlinked at once. 0, or -1 with one line (no file name) in err. */
int swap_open(struct swap_file *s, const char *path, char err[SWAP_ERR]);
void swap_close(struct swap_file *s);

/* Write the record of m's window (which m holds) for VM id: m is left unchanged. 0, or -1 with
 * the reason in err and nothing in the file. */
int swap_put(struct swap_file *s, uint32_t id, const struct guest_mem *m, struct swap_slot *slot,
	     char err[SWAP_ERR]);
/* Read the record at slot back into m, which holds a fresh window of the same pool, marking the
 * pages it puts there written; the slot is freed. 0, or -1 with the reason in err (a short read,
 * a record that is not the VM's or does not decompress): m is then only partly restored. */
int swap_get(struct swap_file *s, uint32_t id, const struct swap_slot *slot, struct guest_mem *m,
	     char err[SWAP_ERR]);
/* Forget the record at slot (the VM ended while swapped out). */
void swap_drop(struct swap_file *s, const struct swap_slot *slot);

#endif
