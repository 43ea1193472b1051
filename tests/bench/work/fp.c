/* fp.c - the x87 floating-point workload: an n-body simulation (five bodies, double precision,
 * symplectic Euler steps), SIZE x 1000 steps, then the system's energy. FADD, FMUL, FDIV and
 * FSQRT on the register stack with loads and stores of doubles; no transcendental function,
 * whose results may differ from the host's in the last bit (docs/transcendentals.md).
 * The checksum hashes the bits of the final positions and energy, so any difference in rounding
 * shows.
 */
#define WORK_NAME "fp"
#define WORK_SIZE 100
#include "tests/bench/work/bench.h"

#define BODIES 5

struct body {
	double x[3], v[3], mass;
};

/* FSQRT directly: sqrt() would be a library call on one side and none on the other. */
static inline double fsqrt(double x)
{
	__asm__("fsqrt" : "+t"(x));
	return x;
}

static void advance(struct body *b, double dt)
{
	for (int i = 0; i < BODIES; i++) {
		for (int j = i + 1; j < BODIES; j++) {
			double dx = b[i].x[0] - b[j].x[0], dy = b[i].x[1] - b[j].x[1];
			double dz = b[i].x[2] - b[j].x[2];
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * fsqrt(d2));
			double mi = b[i].mass * mag, mj = b[j].mass * mag;
			b[i].v[0] -= dx * mj;
			b[i].v[1] -= dy * mj;
			b[i].v[2] -= dz * mj;
			b[j].v[0] += dx * mi;
			b[j].v[1] += dy * mi;
			b[j].v[2] += dz * mi;
		}
	}
	for (int i = 0; i < BODIES; i++)
		for (int k = 0; k < 3; k++)
			b[i].x[k] += dt * b[i].v[k];
}

static double energy(const struct body *b)
{
	double e = 0.0;
	for (int i = 0; i < BODIES; i++) {
		const double *v = b[i].v;
		e += 0.5 * b[i].mass * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		for (int j = i + 1; j < BODIES; j++) {
			double dx = b[i].x[0] - b[j].x[0], dy = b[i].x[1] - b[j].x[1];
			double dz = b[i].x[2] - b[j].x[2];
			e -= b[i].mass * b[j].mass / fsqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

/* The 64 bits of d folded to 32. */
static uint32_t bits(double d)
{
	union {
		double d;
		uint32_t w[2];
	} u = { .d = d };
	return u.w[0] ^ (u.w[1] * 2654435761u);
}

static uint32_t work(uint32_t size)
{
	/* A heavy central body and four lighter ones on roughly circular orbits (units where
	 * G = 1); a made-up system, not the solar one. */
	struct body b[BODIES] = {
		{ { 0, 0, 0 }, { 0, 0, 0 }, 39.47 },
		{ { 1.0, 0.1, 0.0 }, { 0.1, 6.2, 0.05 }, 0.04 },
		{ { -2.5, 0.3, 0.1 }, { -0.2, -3.9, 0.0 }, 0.012 },
		{ { 0.2, 5.1, -0.2 }, { -2.8, 0.1, 0.02 }, 0.002 },
		{ { -0.4, -9.0, 0.3 }, { 2.1, -0.1, -0.01 }, 0.0005 },
	};
	/* Zero the total momentum with the central body. */
	for (int k = 0; k < 3; k++) {
		double p = 0.0;
		for (int i = 1; i < BODIES; i++)
			p += b[i].v[k] * b[i].mass;
		b[0].v[k] = -p / b[0].mass;
	}
	double e0 = energy(b);
	uint32_t steps = size * 1000u;
	for (uint32_t s = 0; s < steps; s++)
		advance(b, 0.001);
	uint32_t h = bits(e0) ^ bits(energy(b)) * 3u;
	for (int i = 0; i < BODIES; i++)
		for (int k = 0; k < 3; k++)
			h = (h << 3 | h >> 29) ^ bits(b[i].x[k]);
	return h;
}
