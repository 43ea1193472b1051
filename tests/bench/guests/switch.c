/* switch.c - the context-switch benchmark guest: walk a buffer, yield (IDLE 0), repeat, and
 * time each yield with the host clock as the paper's Figure timed a VM switch (OSDI '02,
 * section 4.1.1).
 *
 *   denali run --clock host --args "ITERS WARM KIB" build/bench/guests/switch.elf
 *
 * Each iteration touches one 32-bit word per 64-byte line of a KIB KiB buffer (read and
 * write), reads the clock (t0), executes IDLE 0, and reads the clock again (t1). It records t0
 * and t1 of the ITERS iterations after WARM warm-up ones, runs WARM more iterations (so the
 * other VMs' recorded iterations also see it running), then prints them, SWITCH_PER_LINE
 * pairs a line, with the cost of one clock reading (the least of 64 back-to-back pairs):
 *
 *   switch vm=ID iters=ITERS read=NS
 *   sw ID T0:T1 T0:T1 ...          (hex, low 32 bits of time_ns)
 *
 * Every VM reads the same host clock, so the runner merges all VMs' readings: each t1 follows
 * in time the t0 of the VM that yielded to it, and t1 - that t0 is one switch, measured across
 * VMs with nothing to subtract. With one VM it is the round trip through the kernel.
 */
#include "tests/bench/guests/bench.h"

#define BUF_KIB_MAX 1024u
#define LINE_WORDS 16u /* 64-byte host cache lines */
#define ITERS_MAX 1024u
#define SWITCH_PER_LINE 8u

static uint32_t buf[BUF_KIB_MAX * 1024u / 4u];
static uint32_t stamps[ITERS_MAX][2]; /* t0, t1 of each recorded iteration */

static void walk(uint32_t words)
{
	for (uint32_t i = 0; i < words; i += LINE_WORDS)
		buf[i]++;
}

static uint32_t read_cost(void)
{
	uint32_t best = UINT32_MAX;
	for (int i = 0; i < 64; i++) {
		uint32_t a = bench_now(), b = bench_now();
		if (b - a < best)
			best = b - a;
	}
	return best;
}

int main(int argc, char **argv)
{
	uint32_t iters = bench_arg(argc, argv, 1, 200), warm = bench_arg(argc, argv, 2, 10);
	uint32_t kib = bench_arg(argc, argv, 3, 0), id = dva_page0.vm_id;
	if (kib > BUF_KIB_MAX || iters > ITERS_MAX) {
		dva_printf("switch: at most %u KiB and %u iterations are built in\n", (unsigned)BUF_KIB_MAX,
			   (unsigned)ITERS_MAX);
		return 2;
	}
	uint32_t words = kib * 1024u / 4u, read = read_cost();

	for (uint32_t it = 0; it < warm + iters + warm; it++) {
		walk(words);
		uint32_t t0 = bench_now();
		dva_idle(DVA_IDLE_YIELD);
		uint32_t t1 = bench_now();
		if (it >= warm && it < warm + iters) {
			stamps[it - warm][0] = t0;
			stamps[it - warm][1] = t1;
		}
	}
	dva_printf("switch vm=%u iters=%u read=%u\n", (unsigned)id, (unsigned)iters, (unsigned)read);
	for (uint32_t i = 0; i < iters; i += SWITCH_PER_LINE) {
		dva_printf("sw %u", (unsigned)id);
		for (uint32_t j = i; j < iters && j < i + SWITCH_PER_LINE; j++)
			dva_printf(" %x:%x", (unsigned)stamps[j][0], (unsigned)stamps[j][1]);
		dva_printf("\n");
	}
	return 0;
}
