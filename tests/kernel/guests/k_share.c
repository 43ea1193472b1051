/* k_share.c - VMs of one image share its pages (mmu/pool.h) until one writes them: what one VM
 * writes in its data, and code it rewrites there, no other VM sees, neither one running at the
 * same time nor one that later gets the same window of the pool back.
 *
 *   args: "WRITER IDLE_US"    (default "0 20000")
 *
 * Every VM first runs the code as the image has it. VM WRITER then, at once, writes a page of
 * .data (data), a string in .data (word) and the immediate of a MOV in writable memory that it
 * runs (code: k_smcvm.c's technique), prints what it sees, IDLEs IDLE_US (long enough to be
 * swapped out under a small --mem-budget) and prints what it sees again, its own writes; then it
 * rewrites the code once more (what it decoded before the IDLE must be dropped, swapped out or
 * not) and prints a third time. Every other VM first IDLEs IDLE_US / 2, so the writer has
 * written by then, and prints what it sees: the image's bytes and code. A VM whose view is not
 * the one it must have adds BAD to its line and ends with status 1.
 *
 *   writer: "vm N: code 22222222+N, data 1024 words 5a000000+N, word written by N" twice,
 *           then the same with code 33333333+N
 *   others: "vm N: code 11111111, data 1024 words a5a5a5a5, word original"
 */
#include "tests/kernel/guests/klib.h"

#define WORDS 1024u
#define ORIG_WORD 0xa5a5a5a5u
#define ORIG_CODE 0x11111111u

/* mov eax, 0x11111111; ret — in .data: writable, so its bytes are the VM's own. */
static unsigned char code[6] = { 0xB8, 0x11, 0x11, 0x11, 0x11, 0xC3 };
static uint32_t data[WORDS] __attribute__((aligned(4096))) = { [0 ... WORDS - 1] = ORIG_WORD };
static char word[16] = "original";

static uint32_t number(const char *s, uint32_t dflt)
{
	if (!s || *s < '0' || *s > '9')
		return dflt;
	uint32_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

static uint32_t run_code(void)
{
	uint32_t (*fn)(void) = (uint32_t (*)(void))(void *)code;
	return fn();
}

static void set_code(uint32_t v)
{
	volatile unsigned char *c = code;
	c[1] = (unsigned char)v;
	c[2] = (unsigned char)(v >> 8);
	c[3] = (unsigned char)(v >> 16);
	c[4] = (unsigned char)(v >> 24);
}

static void idle_for(uint32_t us)
{
	uint64_t until = k_now() + (uint64_t)us * 1000u, now;
	while ((now = k_now()) < until)
		k_idle((uint32_t)((until - now + 999u) / 1000u));
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Print what this VM sees; 1 when it is what it must see. */
static int report(uint32_t id, uint32_t want_code, uint32_t want_data, const char *want_word)
{
	volatile uint32_t *d = data;
	uint32_t n = 0, c = run_code();
	for (uint32_t i = 0; i < WORDS; i++)
		n += d[i] == want_data;
	int good = c == want_code && n == WORDS && same(word, want_word);
	k_printf("vm %u: code %x, data %u words %x, word %s%s\n", id, c, n, want_data, word, good ? "" : " BAD");
	return good;
}

int main(int argc, char **argv)
{
	uint32_t id = dva_page0.vm_id, writer = number(argc > 1 ? argv[1] : 0, 0),
		 idle_us = number(argc > 2 ? argv[2] : 0, 20000);
	/* Run the image's code once first, so the VM's cache holds its decoded form. */
	int good = run_code() == ORIG_CODE;
	if (id == writer) {
		volatile uint32_t *d = data;
		for (uint32_t i = 0; i < WORDS; i++)
			d[i] = 0x5a000000u + id;
		char want[16];
		const char *w = "written by ";
		uint32_t n = 0;
		while (*w)
			want[n++] = *w++;
		want[n++] = (char)('0' + id % 10);
		want[n] = 0;
		for (n = 0; want[n]; n++)
			word[n] = want[n];
		word[n] = 0;
		set_code(0x22222222u + id);
		good &= report(id, 0x22222222u + id, 0x5a000000u + id, want);
		idle_for(idle_us);
		good &= report(id, 0x22222222u + id, 0x5a000000u + id, want);
		/* Code decoded before the IDLE (and a swap) is replaced again: the new bytes must run. */
		set_code(0x33333333u + id);
		good &= report(id, 0x33333333u + id, 0x5a000000u + id, want);
	} else {
		idle_for(idle_us / 2);
		good &= report(id, ORIG_CODE, ORIG_WORD, "original");
	}
	k_terminate(good ? 0 : 1);
}
