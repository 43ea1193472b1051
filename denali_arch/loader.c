/* loader.c - reads an ELF32 guest image and refuses every form DVA-1 section 1 refuses. */
#include "denali_arch/loader.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int refuse(char err[LOADER_ERR], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, LOADER_ERR, fmt, ap);
	va_end(ap);
	return -1;
}

static int read_file(struct image *img, const char *path, char err[LOADER_ERR])
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return refuse(err, "is a directory");
	FILE *f = fopen(path, "rb");
	if (!f)
		return refuse(err, "cannot open: %s", strerror(errno));
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	errno = 0;
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		uint8_t *bigger = cap < ((size_t)1 << 32) ? realloc(buf, cap * 2) : NULL;
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int read_errno = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (!buf)
		return refuse(err, "too large to load");
	if (read_errno) {
		free(buf);
		return refuse(err, "cannot read: %s", strerror(read_errno));
	}
	img->data = buf;
	img->size = n;
	return 0;
}

static const char *ptype_refused(uint32_t type)
{
	switch (type) {
	case PT_INTERP: return "not statically linked (it has a PT_INTERP header)";
	case PT_DYNAMIC: return "not statically linked (it has a PT_DYNAMIC header)";
	case PT_TLS: return "uses thread-local storage (PT_TLS), which DVA-1 does not support";
	default: return NULL;
	}
}

int image_open(struct image *img, const char *path, char err[LOADER_ERR])
{
	memset(img, 0, sizeof(*img));
	if (read_file(img, path, err))
		return -1;
	img->path = strdup(path);

	Elf32_Ehdr eh;
	if (img->size < SELFMAG || memcmp(img->data, ELFMAG, SELFMAG) != 0)
		goto bad_magic;
	if (img->size < sizeof(eh))
		return image_close(img), refuse(err, "truncated: the ELF header is incomplete");
	if (img->data[EI_CLASS] != ELFCLASS32)
		return image_close(img), refuse(err, "not a 32-bit ELF file (ELFCLASS32)");
	if (img->data[EI_DATA] != ELFDATA2LSB)
		return image_close(img), refuse(err, "not little-endian (ELFDATA2LSB)");
	memcpy(&eh, img->data, sizeof(eh));
	if (eh.e_machine != EM_386)
		return image_close(img), refuse(err, "not an i386 image (e_machine %u, want EM_386)", eh.e_machine);
	if (eh.e_type != ET_EXEC)
		return image_close(img), refuse(err, "not an executable (e_type %u, want ET_EXEC)", eh.e_type);
	if (eh.e_phentsize != sizeof(Elf32_Phdr))
		return image_close(img), refuse(err, "e_phentsize is %u, want 32", eh.e_phentsize);
	if ((uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > img->size)
		return image_close(img), refuse(err, "truncated: the program headers run past the end of the file");

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, img->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		const char *why = ptype_refused(ph.p_type);
		if (why)
			return image_close(img), refuse(err, "%s", why);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return image_close(img), refuse(err, "PT_LOAD at 0x%x has p_filesz > p_memsz", ph.p_vaddr);
		if (ph.p_memsz == 0)
			continue;
		if ((uint64_t)ph.p_offset + ph.p_filesz > img->size)
			return image_close(img), refuse(err, "truncated: PT_LOAD at 0x%x runs past the end of the file", ph.p_vaddr);
		if (img->nseg == IMAGE_SEGMENTS_MAX)
			return image_close(img), refuse(err, "more than %d PT_LOAD headers", IMAGE_SEGMENTS_MAX);
		if ((uint64_t)ph.p_vaddr + ph.p_memsz > 0x100000000ull || ph.p_vaddr < DVA_PAGE_SIZE)
			return image_close(img), refuse(err, "PT_LOAD at 0x%x is not inside [0x1000, mem_size)", ph.p_vaddr);
		for (unsigned j = 0; j < img->nseg; j++) {
			const struct image_segment *o = &img->seg[j];
			if (ph.p_vaddr < o->vaddr + o->memsz && o->vaddr < ph.p_vaddr + ph.p_memsz)
				return image_close(img), refuse(err, "PT_LOAD at 0x%x overlaps PT_LOAD at 0x%x", ph.p_vaddr, o->vaddr);
		}
		img->seg[img->nseg++] = (struct image_segment){
			.vaddr = ph.p_vaddr, .filesz = ph.p_filesz, .memsz = ph.p_memsz,
			.offset = ph.p_offset, .writable = ph.p_flags & PF_W, .exec = ph.p_flags & PF_X,
		};
	}
	img->entry = eh.e_entry;
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct image_segment *s = &img->seg[j];
		if (s->exec && eh.e_entry >= s->vaddr && eh.e_entry - s->vaddr < s->memsz)
			return 0;
	}
	image_close(img);
	return refuse(err, "the entry point 0x%x is not inside an executable PT_LOAD", eh.e_entry);

bad_magic:
	image_close(img);
	return refuse(err, "not an ELF file (bad magic)");
}

int image_fits(const struct image *img, uint32_t mem_size, char err[LOADER_ERR])
{
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct image_segment *s = &img->seg[j];
		if ((uint64_t)s->vaddr + s->memsz > mem_size)
			return refuse(err, "PT_LOAD at 0x%x (0x%x bytes) is not inside [0x1000, mem_size 0x%x)",
				      s->vaddr, s->memsz, mem_size);
	}
	return 0;
}

int image_pool(const struct image *img, struct mem_pool *p, struct mem_arena *a, uint32_t mem_size)
{
	if (pool_init(p, a, mem_size))
		return -1;
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct image_segment *s = &img->seg[j];
		if (pool_add_segment(p, s->vaddr, img->data + s->offset, s->filesz, s->memsz, s->writable))
			return pool_destroy(p), -1;
	}
	if (pool_seal(p))
		return pool_destroy(p), -1;
	return 0;
}

void image_close(struct image *img)
{
	free(img->data);
	free(img->path);
	img->data = NULL;
	img->path = NULL;
}
