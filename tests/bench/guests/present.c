/* present.c - the display benchmark guest: one VM PRESENTs a framebuffer in a tight loop while
 * its neighbours compute, to show that presenting costs the presenter its copy and nothing more.
 *
 *   denali run --vms 1+N --args "{id} W H PRESENTS SPIN" build/bench/guests/present.elf
 *
 * VM 0 sets a W x H mode and PRESENTs PRESENTS times without waiting for line 6 (PRESENTS 0: it
 * only sets the mode, then terminates); every other VM runs SPIN iterations of a small integer
 * loop. Each prints its figure and terminates with 0, or with 1 when the device refused.
 */
#include "tests/bench/guests/bench.h"

#define W_MAX 1920u
#define H_MAX 1080u

static uint32_t pixels[W_MAX * 240u]; /* enough for 1920 x 240 or 640 x 720; more is refused */
static struct dva_request rq __attribute__((aligned(4)));

static uint32_t display(uint32_t op, uint32_t len)
{
	rq.op = op;
	rq.status = 0xFFFFFFFFu;
	rq.addr = (uint32_t)(uintptr_t)pixels;
	rq.len = len;
	__asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	return rq.status;
}

int main(int argc, char **argv)
{
	uint32_t id = bench_arg(argc, argv, 1, 0), w = bench_arg(argc, argv, 2, 320),
		 h = bench_arg(argc, argv, 3, 200), n = bench_arg(argc, argv, 4, 1000),
		 spin = bench_arg(argc, argv, 5, 1000000);
	if (id == 0) {
		if ((uint64_t)w * h > sizeof(pixels) / 4)
			return 1;
		for (uint32_t i = 0; i < w * h; i++)
			pixels[i] = i * 2654435761u;
		if (display(1, w << 16 | h) != 0)
			return 1;
		for (uint32_t i = 0; i < n; i++)
			if (display(2, 0) != 0)
				return 1;
		dva_printf("presented %u frames of %ux%u\n", n, w, h);
		return 0;
	}
	uint32_t x = id;
	for (uint32_t i = 0; i < spin; i++)
		x = x * 1103515245u + 12345u + (x >> 7);
	dva_printf("spun %u: %x\n", spin, x);
	return 0;
}
