/* rand.c - pseudo-random numbers: rand/srand over a 64-bit LCG, rand_r over a 32-bit counter. */
#include <stdlib.h>

#include <stdint.h>

/* The generator of rand and srand: C gives it one hidden state, seeded 1 until srand. A guest is
 * one program, so the state is a static. */
static uint64_t rand_state = 1;

/* Knuth's MMIX multiplier and increment. The low bits of an LCG are weak (bit 0 alternates), so
 * rand returns the top 31 bits. */
int rand(void)
{
	rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
	return (int)(rand_state >> 33);
}

void srand(unsigned seed)
{
	rand_state = seed;
}

/* 32 bits of state only (POSIX's signature), so not an LCG's top bits: the state counts by the
 * golden-ratio constant and a mixing function (multiply, xor-shift) makes each output from it. */
int rand_r(unsigned *state)
{
	uint32_t z = *state += 0x9e3779b9u;

	z = (z ^ (z >> 16)) * 0x85ebca6bu;
	z = (z ^ (z >> 13)) * 0xc2b2ae35u;
	z ^= z >> 16;
	return (int)(z >> 1);
}
