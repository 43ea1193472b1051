/* d_fault.c - a display or keyboard access that faults, on the bare machine (no handlers: the
 * emulator ends the VM with 128 + vector and says why on stderr) (tests/display/run.sh).
 *
 * argv[1]: "mis1"/"mis2"/"mis3" (a good MODE block 1-3 bytes past 4-byte alignment: #GP(0)),
 * "ro" (the block in read-only text: #PF), "inb" (IN AL from the keyboard: #GP(0)), "ind"
 * (IN EAX from the display: #GP(0)), "outk" (OUT EAX to the keyboard: #GP(0)). It prints "out"
 * before the access and "after" if it returns. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"

#define GADDR(p) ((uint32_t)(uintptr_t)(p))

static uint8_t space[64] __attribute__((aligned(4)));
static uint32_t pixels[4];

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	const struct dva_request r = { 1, 0, GADDR(pixels), 2u << 16 | 2u, 0, 0 };
	uint32_t v;
	printf("out\n");
	if (!strncmp(m, "mis", 3)) {
		memcpy(space + (m[3] - '0'), &r, sizeof(r));
		v = GADDR(space) + (uint32_t)(m[3] - '0');
		__asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	} else if (!strcmp(m, "ro")) {
		v = GADDR(main) & ~3u;
		__asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	} else if (!strcmp(m, "inb")) {
		uint8_t b;
		__asm__ volatile("inb %w1, %0" : "=a"(b) : "Nd"((uint16_t)DVA_PORT_KEYBOARD) : "memory");
	} else if (!strcmp(m, "ind")) {
		__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	} else if (!strcmp(m, "outk")) {
		v = 0;
		__asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"((uint16_t)DVA_PORT_KEYBOARD) : "memory");
	} else {
		printf("unknown mode '%s'\n", m);
		return 1;
	}
	printf("after\n");
	return 0;
}
