/* rng.h - the tests' seeded pseudo-random numbers (xorshift64): the same sequence on every
 * host, so a failing case can be named by its seed. */
#ifndef DENALI_TEST_RNG_H
#define DENALI_TEST_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s; /* state, never 0 */
};

static inline uint64_t next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* A number in [0, n). */
static inline unsigned below(struct rng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

#endif
