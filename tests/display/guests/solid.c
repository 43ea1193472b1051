/* solid.c - the window test's guest (tests/display/window.sh): a picture a test can find on an X
 * server's screen, shown for a known time, then a known exit status.
 *
 *   denali run --display sdl --clock host --args "COLOUR MS STATUS" solid.elf
 *
 * MODE 64 x 48, fill it with COLOUR (hex 0xRRGGBB, default 0x336699), PRESENT once; then IDLE
 * until MS milliseconds of system time have passed since the start (default 2000) and TERMINATE
 * with STATUS (default 0). One PRESENT is enough: the window keeps showing the last frame. */
#include <stdint.h>
#include <time.h>

#include "denali.h"
#include "fb.h"

/* argv[i] in hex (with or without 0x) or decimal, or dflt when absent. */
static uint32_t arg(int argc, char **argv, int i, uint32_t dflt, unsigned base)
{
	if (i >= argc)
		return dflt;
	const char *p = argv[i];
	if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	uint32_t v = 0;
	for (;; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return v;
		v = v * base + d;
	}
}

int main(int argc, char **argv)
{
	uint32_t colour = arg(argc, argv, 1, 0x336699u, 16) & 0xFFFFFFu;
	uint32_t ms = arg(argc, argv, 2, 2000u, 10);
	int status = (int)arg(argc, argv, 3, 0, 10);
	uint64_t end = dva_time_ns() + (uint64_t)ms * 1000000u;
	struct fb fb;
	if (fb_init(&fb, 64, 48)) {
		dva_printf("solid: no display (status %u)\n", (unsigned)fb.status);
		return 1;
	}
	fb_fill(&fb, colour);
	if (fb_present(&fb)) {
		dva_printf("solid: PRESENT failed (status %u)\n", (unsigned)fb.status);
		return 1;
	}
	dva_printf("solid: presented 0x%06x, idling %u ms\n", (unsigned)colour, (unsigned)ms);
	for (uint64_t t = dva_time_ns(); t < end; t = dva_time_ns())
		dva_idle((uint32_t)((end - t + 999u) / 1000u));
	return status;
}
