/* burst.c - a guest that computes for a while, sleeps, and repeats: the busy shape of the
 * paper's Zipf world, next to ticker's idle one.
 *
 *   denali run --args "WORK IDLE_US ROUNDS" build/guests/burst.elf   (defaults 20000 2000 10)
 */
#include <stdio.h>
#include <stdlib.h>

#include <guestos.h>

static uint32_t arg(int argc, char **argv, int i, uint32_t dflt)
{
	uint32_t v = i < argc ? (uint32_t)strtoul(argv[i], NULL, 10) : 0;
	return v ? v : dflt;
}

int main(int argc, char **argv)
{
	uint32_t work = arg(argc, argv, 1, 20000), idle_us = arg(argc, argv, 2, 2000);
	uint32_t rounds = arg(argc, argv, 3, 10);
	uint32_t h = 2166136261u ^ dva_page0.vm_id;

	for (uint32_t r = 0; r < rounds; r++) {
		for (uint32_t i = 0; i < work; i++) /* FNV-1a over a counter: pure integer work */
			h = (h ^ (i & 0xFF)) * 16777619u;
		sleep_us(idle_us); /* no other thread: the idle loop IDLEs for idle_us */
	}
	printf("vm %u: %u rounds, hash %08x\n", (unsigned)dva_page0.vm_id, (unsigned)rounds, (unsigned)h);
	return 0;
}
