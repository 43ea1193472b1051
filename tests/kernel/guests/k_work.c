/* k_work.c - a well-behaved guest for the multi-VM cases: prints "start: ARGS" (the argument
 * string as page 0 holds it, {id} already replaced), runs WORK iterations of a fixed loop, prints
 * "end" and TERMINATEs with STATUS (bits 8-31 included: the emulator keeps only the low byte).
 * With the word "partial" among the arguments the last line has no newline, which the console
 * must still deliver when the VM ends.
 *
 *   args: "WORK STATUS [partial] [anything...]"
 */
#include "tests/kernel/guests/klib.h"

static uint32_t number(const char *s)
{
	uint32_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int main(int argc, char **argv)
{
	uint32_t work = argc > 1 ? number(argv[1]) : 0, status = argc > 2 ? number(argv[2]) : 0;
	int partial = 0;
	for (int i = 3; i < argc; i++)
		partial |= same(argv[i], "partial");
	k_printf("start: %s\n", (const char *)dva_page0.args);
	/* A loop of fixed length the compiler cannot remove. */
	for (uint32_t i = work; i; i--)
		__asm__ volatile("" : : : "memory");
	k_printf(partial ? "end" : "end\n");
	k_terminate(status);
}
