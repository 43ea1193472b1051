/* t_os_irq.c - guestos interrupts: irq_disable/irq_restore over irq_enable, and one upcall
 * carrying two lines (timer and console input) dispatched to both handlers, lowest line first.
 *
 * run.sh feeds expect/t_os_irq.in as console input; expect/t_os_irq.opts sets a short quantum
 * so the input (taken at quantum boundaries) and the timer line arrive quickly.
 */
#include <guestos.h>

#include "tests/guests/check.h"

#define TIMER_BIT (1u << DVA_LINE_TIMER)
#define CONSOLE_BIT (1u << DVA_LINE_CONSOLE_IN)

static char order[8];        /* which handler ran when: 'T' timer, 'C' console */
static unsigned norder;
static uint32_t batch_seen[2];  /* irq_batch as each handler saw it */
static uint32_t enable_seen[2]; /* irq_enable inside each handler */
static char input[8];
static unsigned ninput;

static void on_timer(unsigned line)
{
	batch_seen[0] = dva_page0.irq_batch;
	enable_seen[0] = dva_page0.irq_enable;
	if (norder < sizeof order - 1)
		order[norder++] = line == DVA_LINE_TIMER ? 'T' : '?';
}

/* Drain the console: the line folds every byte waiting into one raise. */
static void on_console(unsigned line)
{
	uint32_t waiting;

	batch_seen[1] = dva_page0.irq_batch;
	enable_seen[1] = dva_page0.irq_enable;
	if (norder < sizeof order - 1)
		order[norder++] = line == DVA_LINE_CONSOLE_IN ? 'C' : '?';
	__asm__ volatile("inl %w1, %0" : "=a"(waiting) : "Nd"((uint16_t)DVA_PORT_CONSOLE_STATUS));
	for (waiting &= 0x7FFFFFFFu; waiting > 0; waiting--) {
		uint8_t b;
		__asm__ volatile("inb %w1, %0" : "=a"(b) : "Nd"((uint16_t)DVA_PORT_CONSOLE));
		if (ninput < sizeof input - 1)
			input[ninput++] = (char)b;
	}
}

static void oneshot(uint32_t us)
{
	__asm__ volatile("outl %0, %w1" : : "a"(us), "Nd"((uint16_t)DVA_PORT_TIMER_ONESHOT));
}

static void test_disable_restore(void)
{
	check_u32("startup_enables_interrupts", dva_page0.irq_enable, 1);
	check_u32("startup_installs_vector_table", dva_page0.vector_base != 0, 1);
	int outer = irq_disable();
	check_u32("disable_returns_on", (uint32_t)outer, 1);
	check_u32("disable_clears_irq_enable", dva_page0.irq_enable, 0);
	int inner = irq_disable();
	check_u32("nested_disable_returns_off", (uint32_t)inner, 0);
	irq_restore(inner);
	check_u32("inner_restore_keeps_off", dva_page0.irq_enable, 0);
	irq_restore(outer);
	check_u32("outer_restore_turns_on", dva_page0.irq_enable, 1);
}

static void test_batch(void)
{
	int s = irq_disable();
	check_u32("register_returns_no_previous", irq_register(DVA_LINE_TIMER, on_timer) == NULL, 1);
	irq_register(DVA_LINE_CONSOLE_IN, on_console);
	check_u32("register_unmasks_lines", dva_page0.irq_mask, TIMER_BIT | CONSOLE_BIT);
	oneshot(1);

	/* With interrupts off both lines must stay pending, however long it takes them to rise. */
	uint64_t give_up = dva_page0.instret + 5000000u;
	while ((dva_page0.irq_pending & (TIMER_BIT | CONSOLE_BIT)) != (TIMER_BIT | CONSOLE_BIT) &&
	       dva_page0.instret < give_up)
		;
	check_u32("both_lines_pending_while_off", dva_page0.irq_pending & (TIMER_BIT | CONSOLE_BIT),
		  TIMER_BIT | CONSOLE_BIT);
	check_u32("no_handler_ran_while_off", norder, 0);

	uint32_t upcalls = irq_upcall_count();
	irq_restore(s); /* a delivery point: one upcall with both lines */
	check_u32("one_upcall_for_two_lines", irq_upcall_count() - upcalls, 1);
	check_str("handlers_run_lowest_line_first", order, "TC");
	check_u32("timer_handler_saw_batch", batch_seen[0], TIMER_BIT | CONSOLE_BIT);
	check_u32("console_handler_saw_batch", batch_seen[1], TIMER_BIT | CONSOLE_BIT);
	check_u32("handlers_run_with_interrupts_off", enable_seen[0] | enable_seen[1], 0);
	check_u32("interrupts_on_after_upcall", dva_page0.irq_enable, 1);
	check_u32("nothing_left_pending", dva_page0.irq_pending & (TIMER_BIT | CONSOLE_BIT), 0);
	check_str("console_handler_drained_input", input, "hi!\n");

	/* INT 32 re-enters the upcall with irq_batch unchanged (DVA-1 section 2): with the console
	 * handler removed, its line counts as spurious and the timer's handler runs again. */
	check_u32("unregister_returns_handler", irq_register(DVA_LINE_CONSOLE_IN, NULL) == on_console, 1);
	check_u32("unregister_masks_line", dva_page0.irq_mask, TIMER_BIT);
	uint32_t spurious = irq_spurious_count();
	__asm__ volatile("int $32" : : : "memory");
	check_str("int32_replays_batch_to_timer_only", order, "TCT");
	check_u32("unhandled_line_counted_spurious", irq_spurious_count() - spurious, 1);
	irq_register(DVA_LINE_TIMER, NULL);
	check_u32("all_lines_masked", dva_page0.irq_mask, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_disable_restore();
	test_batch();
	return check_status();
}
