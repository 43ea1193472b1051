/* k_memsum.c - a guest whose memory must come back from the swap file exactly as it left: it
 * fills every page between the end of its image and below its stack with content derived from
 * its vm_id, checksums its memory, IDLEs (long enough for the pager to move it out under a small
 * --mem-budget), wakes, checksums again and checks every word it wrote.
 *
 *   args: "ROUNDS IDLE_US"    (default "2 10000")
 *
 * Each round writes, then prints "vm N round R: filled P pages, sum S" before it idles, so a run
 * that stops while VMs are out still shows complete lines; after the IDLE it prints
 * "vm N round R: sum S S2, M mismatches ok" (BAD when S2 differs from S or M is not 0) and an
 * "@stat" line (guest-stats.csv). The exit status is 1 when any round was BAD, else 0.
 *
 * What is written, so that every kind of page the swap file treats apart is there:
 *   - the pages above the image ([page-aligned _end, below the stack page and one more)): by
 *     page, LZ4-incompressible words (a hash of vm_id, round, page, word), zero pages (written
 *     with zeros: written but equal to the image, which holds nothing there), a pattern of
 *     16 bytes repeated (compressible), and sparse pages (a word in 97 set). Round 0 writes
 *     every page; round R > 0 only half of them (page + R even), so the other half keeps what
 *     an earlier round wrote and must survive a second trip through the swap file. A page that
 *     changes from non-zero to a zero page is written back to its image bytes.
 *   - four pages of .data with image content (img): in round R, page R % 3 gets a vm_id
 *     pattern, page (R + 1) % 3 gets a different pattern and then its image bytes again (written,
 *     but equal to the image), and page (R + 2) % 3 is left as the round before left it; a
 *     fourth page is all zeros from round 0 on (a zero page where the image has bytes).
 * The checksum covers everything from 0x1000 to below the stack page and one more: the image's
 * text and data, .bss and the pages above. No static variable changes between the two sums.
 */
#include "tests/kernel/guests/klib.h"

#define PAGE 4096u
#define WORDS (PAGE / 4u)
#define IMG_PAGES 3u /* rotating roles; a fourth page of img is zeroed */

extern char _end[]; /* guestos/denali.ld: the end of .bss */

/* The image's content of img's pages: one value per page, given by range designators so the
 * image really holds them (.data, not .bss). */
#define IMG_ORIG0 0x11223344u
#define IMG_ORIG1 0x55667788u
#define IMG_ORIG2 0x99aabbccu
#define IMG_ORIG3 0xddeeff01u
static uint32_t img[IMG_PAGES + 1][WORDS] __attribute__((aligned(4096))) = {
	{ [0 ... WORDS - 1] = IMG_ORIG0 },
	{ [0 ... WORDS - 1] = IMG_ORIG1 },
	{ [0 ... WORDS - 1] = IMG_ORIG2 },
	{ [0 ... WORDS - 1] = IMG_ORIG3 },
};

static uint32_t orig(uint32_t q)
{
	return q == 0 ? IMG_ORIG0 : q == 1 ? IMG_ORIG1 : IMG_ORIG2;
}

static uint32_t number(const char *s, uint32_t dflt)
{
	if (!s || *s < '0' || *s > '9')
		return dflt;
	uint32_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

/* A 32-bit mixer (murmur3's finaliser): words that LZ4 cannot compress. */
static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

/* Word j of region page p as round r writes it for VM id. */
static uint32_t gen(uint32_t id, uint32_t r, uint32_t p, uint32_t j)
{
	switch ((p + r + id) % 4u) {
	case 0: /* incompressible */
		return mix(id * 0x9e3779b1u ^ r << 28 ^ p << 12 ^ j);
	case 1: /* a zero page */
		return 0;
	case 2: /* 16 bytes repeated */
		return id << 16 ^ p << 8 ^ (j & 3u) ^ r << 24;
	default: /* sparse */
		return j % 97u == 0 ? (id + 1) * 0x01000193u ^ j ^ r : 0;
	}
}

/* The round that last wrote region page p, after round r. */
static uint32_t last_round(uint32_t p, uint32_t r)
{
	return r == 0 || (p + r) % 2u == 0 ? r : r - 1;
}

/* The pattern page q of img holds after round r wrote it. */
static uint32_t img_pat(uint32_t id, uint32_t r, uint32_t q, uint32_t j)
{
	return (id + 1) << 20 ^ r << 16 ^ q << 12 ^ j;
}

/* What word j of img page q holds after round r. */
static uint32_t img_want(uint32_t id, uint32_t r, uint32_t q, uint32_t j)
{
	if (q == IMG_PAGES)
		return 0;
	if (q == r % IMG_PAGES)
		return img_pat(id, r, q, j);
	if (q == (r + 1) % IMG_PAGES || r == 0)
		return orig(q);
	return img_pat(id, r - 1, q, j); /* (r + 2) % 3 == (r - 1) % 3: the round before's */
}

static void fill(uint32_t id, uint32_t r, volatile uint32_t *lo, uint32_t npages)
{
	for (uint32_t p = 0; p < npages; p++) {
		if (r && (p + r) % 2u)
			continue;
		for (uint32_t j = 0; j < WORDS; j++)
			lo[p * WORDS + j] = gen(id, r, p, j);
	}
	volatile uint32_t *im = &img[0][0];
	for (uint32_t q = 0; q < IMG_PAGES; q++) {
		if (q == r % IMG_PAGES) {
			for (uint32_t j = 0; j < WORDS; j++)
				im[q * WORDS + j] = img_pat(id, r, q, j);
		} else if (q == (r + 1) % IMG_PAGES) {
			for (uint32_t j = 0; j < WORDS; j++)
				im[q * WORDS + j] = ~orig(q) ^ j;
			for (uint32_t j = 0; j < WORDS; j++)
				im[q * WORDS + j] = orig(q);
		}
	}
	for (uint32_t j = 0; j < WORDS; j++)
		im[IMG_PAGES * WORDS + j] = 0;
}

static uint32_t checksum(const volatile uint32_t *from, const volatile uint32_t *to)
{
	uint32_t s = 0x811c9dc5u;
	for (const volatile uint32_t *w = from; w < to; w++)
		s = (s ^ *w) * 0x01000193u + (uint32_t)(uintptr_t)w;
	return s;
}

static uint32_t verify(uint32_t id, uint32_t r, const volatile uint32_t *lo, uint32_t npages)
{
	uint32_t bad = 0;
	for (uint32_t p = 0; p < npages; p++) {
		uint32_t lr = last_round(p, r);
		for (uint32_t j = 0; j < WORDS; j++)
			bad += lo[p * WORDS + j] != gen(id, lr, p, j);
	}
	const volatile uint32_t *im = &img[0][0];
	for (uint32_t q = 0; q <= IMG_PAGES; q++)
		for (uint32_t j = 0; j < WORDS; j++)
			bad += im[q * WORDS + j] != img_want(id, r, q, j);
	return bad;
}

static void idle_for(uint32_t us)
{
	uint64_t until = k_now() + (uint64_t)us * 1000u, now;
	while ((now = k_now()) < until)
		k_idle((uint32_t)((until - now + 999u) / 1000u));
}

int main(int argc, char **argv)
{
	uint32_t id = dva_page0.vm_id, rounds = number(argc > 1 ? argv[1] : 0, 2),
		 idle_us = number(argc > 2 ? argv[2] : 0, 10000), failed = 0;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = ((uintptr_t)_end + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t floor = (sp & ~(uintptr_t)(PAGE - 1)) - PAGE; /* the stack's page and one more */
	uint32_t npages = floor > lo ? (uint32_t)((floor - lo) / PAGE) : 0;
	const volatile uint32_t *span_lo = (const volatile uint32_t *)0x1000, *span_hi = (const volatile uint32_t *)floor;
	for (uint32_t r = 0; r < rounds; r++) {
		fill(id, r, (volatile uint32_t *)lo, npages);
		uint32_t s1 = checksum(span_lo, span_hi);
		k_printf("vm %u round %u: filled %u pages, sum %x\n", id, r, npages, s1);
		/* VMs wake in an order other than their creation's. */
		idle_for(idle_us + (id * 7u % 13u) * 100u);
		uint32_t s2 = checksum(span_lo, span_hi), bad = verify(id, r, (const volatile uint32_t *)lo, npages);
		int good = s1 == s2 && bad == 0;
		failed |= !good;
		k_printf("vm %u round %u: sum %x %x, %u mismatches %s\n", id, r, s1, s2, bad, good ? "ok" : "BAD");
		k_printf("@stat round%u_sum %x round%u_mismatches %u\n", r, s2, r, bad);
	}
	k_terminate(failed ? 1 : 0);
}
