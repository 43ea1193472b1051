/* sieve.c - the memory-bound workload: the sieve of Eratosthenes over the odd numbers below
 * 2 x 4 MiB (one byte each, so the array outgrows the host's L2), run SIZE times with a
 * different limit each time. Strided stores across megabytes, then a sequential count.
 */
#define WORK_NAME "sieve"
#define WORK_SIZE 8
#include "tests/bench/work/bench.h"

#define SIEVE_BYTES (4u * 1024u * 1024u) /* flags for 1, 3, 5, ..., 2 x SIEVE_BYTES - 1 */

static uint8_t composite[SIEVE_BYTES];

/* Sieve the odd numbers below 2n + 1 (flag k stands for 2k + 1); returns a hash of the primes. */
static uint32_t sieve(uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		composite[k] = 0;
	composite[0] = 1; /* 1 is not prime */
	for (uint32_t k = 1; (2 * k + 1) * (2 * k + 1) < 2 * n + 1; k++) {
		if (composite[k])
			continue;
		uint32_t p = 2 * k + 1;
		for (uint32_t m = (p * p - 1) / 2; m < n; m += p)
			composite[m] = 1;
	}
	uint32_t count = 1, sum = 2; /* 2 */
	for (uint32_t k = 1; k < n; k++) {
		if (!composite[k]) {
			count++;
			sum += 2 * k + 1;
		}
	}
	return count * 2654435761u ^ sum;
}

static uint32_t work(uint32_t size)
{
	uint32_t h = 0;
	for (uint32_t r = 0; r < size; r++)
		h = (h << 7 | h >> 25) ^ sieve(SIEVE_BYTES - r * 4099u);
	return h;
}
