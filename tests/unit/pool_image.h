/* pool_image.h - the small image test_pool.c and test_swap.c build their windows from: a
 * read-only text segment [0x1000, 0x2800) of pattern bytes (page 1 wholly read-only, page 2 in
 * part) and a writable data segment [0x2800, 0x6000) whose first 0x1000 bytes come from the
 * file (the rest of page 2 and half of page 3) and whose tail is zero (pages 3 to 5), in 64 KiB
 * of memory. The image's pages are 1 to 3. Include it after <cmocka.h> and mmu/pool.h. */
#ifndef DENALI_TEST_POOL_IMAGE_H
#define DENALI_TEST_POOL_IMAGE_H

#define MEM (64u * 1024u)
#define PAGES (MEM >> DVA_PAGE_SHIFT)
#define PAGE DVA_PAGE_SIZE
#define TEXT_VA 0x1000u
#define TEXT_SZ 0x1800u
#define DATA_VA 0x2800u
#define DATA_FILESZ 0x1000u
#define DATA_MEMSZ 0x3800u
#define IMG_LO 1u             /* the image's pages: [IMG_LO, IMG_HI) */
#define IMG_HI 4u
#define IMG_PAGES (IMG_HI - IMG_LO)

/* Never zero, so file bytes are told from the zero tail; text and data differ. */
static inline uint8_t text_byte(uint32_t i)
{
	return (uint8_t)(0x80u | ((i * 7u + 3u) & 0x7fu));
}

static inline uint8_t data_byte(uint32_t i)
{
	return (uint8_t)(0x01u + (i * 13u + 5u) % 0x7fu);
}

/* What guest byte a of a fresh window holds. */
static inline uint8_t image_byte(uint32_t a)
{
	if (a >= TEXT_VA && a < TEXT_VA + TEXT_SZ)
		return text_byte(a - TEXT_VA);
	if (a >= DATA_VA && a < DATA_VA + DATA_FILESZ)
		return data_byte(a - DATA_VA);
	return 0;
}

/* The image's pool over arena a, checked as it is built. */
static inline void build_pool(struct mem_pool *p, struct mem_arena *a)
{
	static uint8_t text[TEXT_SZ], data[DATA_FILESZ];
	for (uint32_t i = 0; i < TEXT_SZ; i++)
		text[i] = text_byte(i);
	for (uint32_t i = 0; i < DATA_FILESZ; i++)
		data[i] = data_byte(i);
	assert_int_equal(pool_init(p, a, MEM), 0);
	assert_int_equal(pool_add_segment(p, TEXT_VA, text, TEXT_SZ, TEXT_SZ, false), 0);
	assert_int_equal(pool_add_segment(p, DATA_VA, data, DATA_FILESZ, DATA_MEMSZ, true), 0);
	assert_int_equal(pool_seal(p), 0);
	assert_int_equal(p->img_lo, IMG_LO);
	assert_int_equal(p->img_hi, IMG_HI);
}

#endif
