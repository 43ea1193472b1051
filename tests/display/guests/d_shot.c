/* d_shot.c - frames at known system times, for the --screenshot cases of tests/display/run.sh
 * (which decodes the PNGs with tests/display/png.py and compares them pixel for pixel).
 *
 * Pixel (x, y) of pattern s is, as 0x00RRGGBB:
 *   R = (x * 7 + s * 31) & 255, G = (y * 13 + s * 17) & 255, B = (x * y + s * 5 + (x ^ y)) & 255
 * (tests/display/png.py computes the same).
 *
 *   seq     at once: MODE 37x23 (an odd width: rows are 148 bytes apart) with pattern 1, PRESENT
 *           ("A"). At 100 ms: MODE 64x48 on another buffer, pattern 2, PRESENT ("B"), then the
 *           buffer is overwritten with pattern 9 and not presented (the frame is what the OUT
 *           copied). At 200 ms: a MODE of 1921x1 (status 3: the mode stays 64x48 on B's
 *           buffer), pattern 3 there, PRESENT ("C"). Exit at 300 ms.
 *   vm      pattern vm_id at (20 + 3 * vm_id) x (10 + vm_id), PRESENT, IDLE 50 ms, exit.
 *   page0   MODE 8x1 on page 0 itself, PRESENT, exit: the frame is the first 8 words of the
 *           register page (magic, version, vm_id, mem_size, cpu_hz, ...).
 * Each step prints its statuses. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "denali.h"

#define GADDR(p) ((uint32_t)(uintptr_t)(p))

static struct dva_request rq __attribute__((aligned(4)));
static uint32_t buf_a[37 * 23];
static uint32_t buf_b[64 * 48];

static void wait_until(uint64_t t)
{
	for (uint64_t n = dva_time_ns(); n < t; n = dva_time_ns())
		dva_idle((uint32_t)((t - n + 999u) / 1000u));
}

static uint32_t request(uint32_t op, uint32_t addr, uint32_t w, uint32_t h)
{
	rq = (struct dva_request){ op, 0xEEEEEEEEu, addr, w << 16 | h, 0, 0 };
	__asm__ volatile("outl %0, %w1" : : "a"(GADDR(&rq)), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	return rq.status;
}

static void fill(uint32_t *p, uint32_t w, uint32_t h, uint32_t s)
{
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			p[y * w + x] = ((x * 7 + s * 31) & 255) << 16 | ((y * 13 + s * 17) & 255) << 8 |
				       ((x * y + s * 5 + (x ^ y)) & 255);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "seq")) {
		fill(buf_a, 37, 23, 1);
		printf("A: mode %u", (unsigned)request(1, GADDR(buf_a), 37, 23));
		printf(" present %u\n", (unsigned)request(2, 0, 0, 0));
		wait_until(100000000u);
		fill(buf_b, 64, 48, 2);
		printf("B: mode %u", (unsigned)request(1, GADDR(buf_b), 64, 48));
		printf(" present %u\n", (unsigned)request(2, 0, 0, 0));
		fill(buf_b, 64, 48, 9);
		wait_until(200000000u);
		printf("C: bad mode %u", (unsigned)request(1, GADDR(buf_a), 1921, 1));
		fill(buf_b, 64, 48, 3);
		printf(" present %u\n", (unsigned)request(2, 0, 0, 0));
		wait_until(300000000u);
	} else if (!strcmp(m, "vm")) {
		uint32_t id = dva_page0.vm_id, w = 20 + 3 * id, h = 10 + id;
		fill(buf_b, w, h, id);
		printf("vm %u: mode %u", (unsigned)id, (unsigned)request(1, GADDR(buf_b), w, h));
		printf(" present %u\n", (unsigned)request(2, 0, 0, 0));
		wait_until(50000000u);
	} else if (!strcmp(m, "page0")) {
		printf("page0: mode %u", (unsigned)request(1, 0, 8, 1));
		printf(" present %u\n", (unsigned)request(2, 0, 0, 0));
	} else {
		printf("usage: seq | vm | page0\n");
		return 1;
	}
	printf("done\n");
	return 0;
}
