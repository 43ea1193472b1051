/* k_late.c - a guest that tells how late it runs again after each IDLE, for the pager's modelled
 * paging disk (--swap-disk, denali_arch/pager.h): a VM swapped out while it idles waits, off the
 * run queue, for the disk to read it back before it runs; one left in memory does not. It writes
 * PAGES pages above its image (something to move out), then ROUNDS times IDLEs until system time
 * (R + 1) * PERIOD_US microseconds, the same instants for every VM, so that VMs swapped out wake
 * together and their reads queue on the disk. After each it prints
 *
 *   vm N round R: late L us, P pages ok          (BAD instead of ok when a page lost its words)
 *   @stat late_rR L                              (guest-stats.csv under --stats)
 *
 * L being the microseconds, rounded down, from the round's instant to its first instruction
 * after the IDLE. The exit status is 1 when a round was BAD, else 0.
 *
 *   args: "PAGES ROUNDS PERIOD_US"    (default "4 2 20000"; PAGES at most what fits, 0 to 64)
 */
#include "tests/kernel/guests/klib.h"

#define PAGE 4096u
#define WORDS (PAGE / 4u)

extern char _end[]; /* guestos/denali.ld: the end of .bss */

static uint32_t number(const char *s, uint32_t dflt)
{
	if (!s || *s < '0' || *s > '9')
		return dflt;
	uint32_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

static uint32_t word(uint32_t id, uint32_t p, uint32_t j)
{
	return (id + 1) * 0x9e3779b1u ^ p << 16 ^ j;
}

int main(int argc, char **argv)
{
	uint32_t id = dva_page0.vm_id, pages = number(argc > 1 ? argv[1] : 0, 4),
		 rounds = number(argc > 2 ? argv[2] : 0, 2), period_us = number(argc > 3 ? argv[3] : 0, 20000);
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = ((uintptr_t)_end + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t floor = (sp & ~(uintptr_t)(PAGE - 1)) - PAGE; /* the stack's page and one more */
	uint32_t room = floor > lo ? (uint32_t)((floor - lo) / PAGE) : 0;
	if (pages > room)
		pages = room;
	volatile uint32_t *w = (volatile uint32_t *)lo;
	for (uint32_t p = 0; p < pages; p++)
		for (uint32_t j = 0; j < WORDS; j++)
			w[p * WORDS + j] = word(id, p, j);
	uint32_t failed = 0;
	for (uint32_t r = 0; r < rounds; r++) {
		uint64_t until = (uint64_t)(r + 1) * period_us * 1000u, now;
		while ((now = k_now()) < until)
			k_idle((uint32_t)((until - now + 999u) / 1000u));
		uint32_t late = (uint32_t)((now - until) / 1000u), bad = 0;
		for (uint32_t p = 0; p < pages; p++)
			for (uint32_t j = 0; j < WORDS; j++)
				bad += w[p * WORDS + j] != word(id, p, j);
		failed |= bad != 0;
		k_printf("vm %u round %u: late %u us, %u pages %s\n", id, r, late, pages, bad ? "BAD" : "ok");
		k_printf("@stat late_r%u %u\n", r, late);
	}
	k_terminate(failed ? 1 : 0);
}
