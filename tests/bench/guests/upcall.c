/* upcall.c - the upcall benchmark guest: a counting loop under a fast periodic timer whose
 * upcall handler only counts and returns (IRET), or the same loop with no timer at all.
 *
 *   denali run --args "MODE ITERS PERIOD_US" build/bench/guests/upcall.elf
 *
 * MODE 1 installs the handler for vector 32, unmasks the timer line, arms the periodic timer
 * with PERIOD_US and sets irq_enable; MODE 0 does none of it. Both then run the same ITERS-step
 * loop and terminate, so the difference in host time between the two runs, divided by the
 * upcalls the kernel counted (--stats), is what one upcall costs: entry, the two-instruction
 * handler, IRET and the delivery point it makes.
 */
#include "tests/bench/guests/bench.h"

static uint32_t vectors[256] __attribute__((aligned(16)));
volatile uint32_t upcall_count;

/* Entered with irq_enable = 0 and the batch already taken off irq_pending (DVA-1 section 5):
 * nothing to acknowledge on the device, so count and return. */
__asm__(".text\n.globl upcall_entry\nupcall_entry:\n\tincl upcall_count\n\tiretl\n");
extern const char upcall_entry[];

int main(int argc, char **argv)
{
	uint32_t mode = bench_arg(argc, argv, 1, 1), iters = bench_arg(argc, argv, 2, 1000000);
	uint32_t period = bench_arg(argc, argv, 3, 1);
	volatile uint32_t acc = 0;

	if (mode) {
		vectors[DVA_VEC_UPCALL] = (uint32_t)(uintptr_t)upcall_entry;
		dva_page0.vector_base = (uint32_t)(uintptr_t)vectors;
		dva_page0.irq_mask = 1u << DVA_LINE_TIMER;
		__asm__ volatile("outl %0, %1" : : "a"(period), "Nd"((uint16_t)DVA_PORT_TIMER_PERIODIC));
		dva_page0.irq_enable = 1;
	}
	for (uint32_t i = 0; i < iters; i++)
		acc += i;
	if (mode) {
		dva_page0.irq_enable = 0;
		__asm__ volatile("outl %0, %1" : : "a"(0u), "Nd"((uint16_t)DVA_PORT_TIMER_PERIODIC));
	}
	dva_printf("upcall mode=%u iters=%u count=%u acc=%u\n", (unsigned)mode, (unsigned)iters,
		   (unsigned)upcall_count, (unsigned)acc);
	return 0;
}
