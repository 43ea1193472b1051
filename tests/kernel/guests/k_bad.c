/* k_bad.c - a misbehaving guest for the isolation cases; none of this may change what any other
 * VM prints or its statistics.
 *
 *   args "fault": a store beyond its memory, no handler: the VM ends with #PF (status 142).
 *   args "spin":  a loop that never ends (the run needs --max-insns).
 *   args "wild":  200000 stores of pseudo-random words at pseudo-random addresses of its own
 *                 memory (above 64K, below its stack), a 1 us periodic timer with every line
 *                 wanted, then irq_enable = 1 with a vector table of garbage: the upcall has no
 *                 handler and the VM ends (status 160).
 *   args "idle":  IDLE with no timeout and nothing wanted, for ever (a stuck VM).
 */
#include "tests/kernel/guests/klib.h"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (mode[0] == 'f') {
		*(volatile uint32_t *)(uintptr_t)0xfffffff0u = 1;
	} else if (mode[0] == 's') {
		for (;;)
			__asm__ volatile("" : : : "memory");
	} else if (mode[0] == 'i') {
		for (;;)
			k_idle(DVA_IDLE_FOREVER);
	} else if (mode[0] == 'w') {
		uint32_t x = 12345, lo = 0x10000, span = dva_page0.mem_size - 0x20000;
		for (int i = 0; i < 200000; i++) {
			x = x * 1664525u + 1013904223u;
			*(volatile uint32_t *)(uintptr_t)(lo + (x % span & ~3u)) = x;
		}
		k_out32(DVA_PORT_TIMER_PERIODIC, 1);
		dva_page0.irq_mask = 0x7f;
		dva_page0.vector_base = lo;
		dva_page0.irq_enable = 1;
		for (;;)
			k_idle(DVA_IDLE_FOREVER);
	}
	return 3;
}
