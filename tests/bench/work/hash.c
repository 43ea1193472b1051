/* hash.c - the checksum/hash workload: CRC-32 (byte-wise, table-driven), FNV-1a and Adler-32
 * over a 64 KiB buffer, SIZE passes, each pass mutating the buffer a little so no pass repeats.
 * Tight loops of loads, shifts, XORs and multiplies, and a table look-up per byte.
 */
#define WORK_NAME "hash"
#define WORK_SIZE 40
#include "tests/bench/work/bench.h"

#define HASH_BYTES (64u * 1024u)

static uint8_t data[HASH_BYTES];
static uint32_t crc_table[256];

/* The reflected CRC-32 table for polynomial 0xEDB88320 (the one zlib and Ethernet use). */
static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (uint32_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return ~c;
}

/* FNV-1a, 32-bit, one byte at a time (offset basis 2166136261, prime 16777619). */
static uint32_t fnv1a(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Adler-32 with the modulo taken every 4096 bytes (well before the sums can overflow). */
static uint32_t adler32(const uint8_t *p, uint32_t n)
{
	uint32_t a = 1, b = 0;
	while (n) {
		uint32_t k = n < 4096 ? n : 4096;
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521u;
		b %= 65521u;
	}
	return b << 16 | a;
}

static uint32_t work(uint32_t size)
{
	uint32_t seed = 0x12345678u, sum = 0;
	crc_init();
	for (uint32_t i = 0; i < HASH_BYTES; i++)
		data[i] = (uint8_t)bench_rand(&seed);
	for (uint32_t pass = 0; pass < size; pass++) {
		uint32_t c = crc32(data, HASH_BYTES), f = fnv1a(data, HASH_BYTES);
		uint32_t a = adler32(data, HASH_BYTES);
		sum = (sum << 5 | sum >> 27) ^ c ^ (f * 3u) ^ (a * 7u);
		data[sum % HASH_BYTES] ^= (uint8_t)(sum >> 8); /* the next pass hashes other bytes */
	}
	return sum;
}
