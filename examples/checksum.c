/* checksum.c - a compute guest: checksums a pseudo-random buffer and sorts a sample of it.
 *
 * Deterministic and integer-only: a fixed-seed xorshift32 fills the buffer, then FNV-1a and
 * CRC-32 run over it, and a heap sort orders the first words. The same source built natively
 * prints the same lines, which makes it a quick end-to-end check of the CPU. The optional
 * argument is the buffer size in KiB (default 256, at most 512).
 */
#include "denali.h"

#define KIB_DEFAULT 256u
#define KIB_MAX 512u
#define SORT_WORDS 2048u

static uint8_t buffer[KIB_MAX * 1024u];
static uint32_t crc_table[256];

/* Marsaglia's xorshift32: a full-period generator for a non-zero state. */
static uint32_t xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a 32-bit offset basis and prime */

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* CRC-32 as in zlib and Ethernet: reflected polynomial 0xEDB88320, initial and final ~0. */
static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return ~c;
}

/* Restore the max-heap property below node i of a[0..n). */
static void sift_down(uint32_t *a, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		if (l < n && a[l] > a[big])
			big = l;
		if (r < n && a[r] > a[big])
			big = r;
		if (big == i)
			return;
		uint32_t t = a[i];
		a[i] = a[big];
		a[big] = t;
		i = big;
	}
}

static void heap_sort(uint32_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		uint32_t t = a[0];
		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

static unsigned parse_kib(const char *s)
{
	unsigned v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		if (v <= KIB_MAX)
			v = v * 10 + (unsigned)(*s - '0');
	if (*s != '\0' || v == 0 || v > KIB_MAX)
		return 0;
	return v;
}

int main(int argc, char **argv)
{
	unsigned kib = KIB_DEFAULT;
	uint32_t state = 0x2545F491u;
	uint32_t words[SORT_WORDS];

	if (argc > 1 && (kib = parse_kib(argv[1])) == 0) {
		dva_printf("checksum: size must be 1 to %u KiB, not '%s'\n", KIB_MAX, argv[1]);
		return 2;
	}
	size_t n = (size_t)kib * 1024u;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t r = xorshift32(&state);
		buffer[i] = (uint8_t)r;
		buffer[i + 1] = (uint8_t)(r >> 8);
		buffer[i + 2] = (uint8_t)(r >> 16);
		buffer[i + 3] = (uint8_t)(r >> 24);
	}
	crc_init();
	dva_printf("checksum over %u KiB of xorshift32 output\n", kib);
	dva_printf("fnv1a32 %08x\n", fnv1a(buffer, n));
	dva_printf("crc32   %08x\n", crc32(buffer, n));

	for (size_t i = 0; i < SORT_WORDS; i++)
		words[i] = (uint32_t)buffer[4 * i] | (uint32_t)buffer[4 * i + 1] << 8 |
			   (uint32_t)buffer[4 * i + 2] << 16 | (uint32_t)buffer[4 * i + 3] << 24;
	heap_sort(words, SORT_WORDS);
	for (size_t i = 1; i < SORT_WORDS; i++) {
		if (words[i - 1] > words[i]) {
			dva_printf("sort: out of order at %u\n", (unsigned)i);
			return 1;
		}
	}
	dva_printf("sorted  %u words: min %08x median %08x max %08x, fnv1a32 %08x\n",
		   SORT_WORDS, words[0], words[SORT_WORDS / 2], words[SORT_WORDS - 1],
		   fnv1a((const uint8_t *)words, sizeof words));
	return 0;
}
