/* loader.h - guest images: ELF32 files checked against DVA-1 section 1, placed into memory.
 *
 * An image is read and checked once (image_open), then checked against a memory size
 * (image_fits) and put into the pool of windows its VMs share (image_pool, mmu/pool.h).
 */
#ifndef DENALI_LOADER_H
#define DENALI_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mem.h"
#include "mmu/pool.h"

#define IMAGE_SEGMENTS_MAX 16
#define LOADER_ERR 160 /* room for one line of reason */

struct image_segment {
	uint32_t vaddr;   /* guest address */
	uint32_t filesz;  /* bytes copied from the file */
	uint32_t memsz;   /* bytes in memory; the rest are zero */
	uint32_t offset;  /* in the file */
	bool writable;    /* PF_W */
	bool exec;        /* PF_X */
};

struct image {
	char *path;
	uint8_t *data;    /* the whole file */
	size_t size;
	uint32_t entry;
	unsigned nseg;
	struct image_segment seg[IMAGE_SEGMENTS_MAX];
};

/* Read and check path. 0, or -1 with a one-line reason (no file name) in err. */
int image_open(struct image *img, const char *path, char err[LOADER_ERR]);
/* Whether every segment lies in [0x1000, mem_size). 0, or -1 with the reason in err. */
int image_fits(const struct image *img, uint32_t mem_size, char err[LOADER_ERR]);
/* Set up p, a pool of mem_size windows whose VMs start with img's segments, the read-only ones
 * protected. 0, or -1 (out of host memory). */
int image_pool(const struct image *img, struct mem_pool *p, struct mem_arena *a, uint32_t mem_size);
void image_close(struct image *img);

#endif
