/* sizes.c - print the host structures one VM owns, in bytes, as JSON: the fixed part of the
 * per-VM footprint that `make bench` compares with the measured one. Headers only: the numbers
 * are what this build's compiler lays out, not estimates. */
#include <stdio.h>

#include "cpu/cache.h"
#include "cpu/insn.h"
#include "denali_arch/vm.h"
#include "devices/console.h"
#include "devices/net.h"
#include "devices/timer.h"

int main(void)
{
	/* The first piece of the pool (cpu/cache.c pool_reserve): CACHE_PIECE_MIN bytes behind the
	 * chunk's header, doubled only for a first block larger than that; later pieces (twice the
	 * last, up to the first chunk's CACHE_CHUNK_MIN) come only as the VM decodes or links more. */
	size_t pool = sizeof(struct cache_chunk) + CACHE_PIECE_MIN;
	/* The hash table as the first block allocates it: it grows with the entries. */
	size_t hash = CACHE_BUCKETS_MIN * sizeof(struct cache_entry *);
	/* What vm_create and the first decoded block allocate (before malloc's own headers). The
	 * console's buffers are not in it: its output buffer comes with the first byte the guest
	 * writes, its input ring with the first input, and console_trim gives both back. */
	/* A NIC whose guest never used it: the device and its counters, no rings. */
	size_t fixed = sizeof(struct vm) + sizeof(struct console) + sizeof(struct timer) +
		       sizeof(struct net) + sizeof(struct net_stats) + hash + pool;

	printf("{\n");
	printf("  \"struct_vm\": %zu,\n", sizeof(struct vm));
	printf("  \"struct_cpu\": %zu,\n", sizeof(struct cpu));
	printf("  \"struct_fpu\": %zu,\n", sizeof(struct fpu));
	printf("  \"struct_code_cache\": %zu,\n", sizeof(struct code_cache));
	printf("  \"struct_console\": %zu,\n", sizeof(struct console));
	printf("  \"console_out_buf\": %u,\n", (unsigned)CONSOLE_OUT_BUF);
	printf("  \"console_in_buf\": %u,\n", (unsigned)CONSOLE_IN_BUF);
	printf("  \"struct_timer\": %zu,\n", sizeof(struct timer));
	printf("  \"struct_net\": %zu,\n", sizeof(struct net));
	printf("  \"struct_net_stats\": %zu,\n", sizeof(struct net_stats));
	printf("  \"struct_insn\": %zu,\n", sizeof(struct insn));
	printf("  \"cache_hash\": %zu,\n", hash);
	printf("  \"cache_first_pool\": %zu,\n", pool);
	printf("  \"heap_per_vm\": %zu\n", fixed);
	printf("}\n");
	return 0;
}
