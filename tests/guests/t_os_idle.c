/* t_os_idle.c - guestos's idle loop: with every thread asleep the VM IDLEs until the nearest
 * timer instead of spinning, so it retires few instructions over a long stretch of system time;
 * with no timer armed it IDLEs with no timeout and a line (console input) wakes it.
 *
 * The guest checks its own instret; expect/t_os_idle.check checks the emulator's statistics
 * (vms.csv) for the same run. expect/t_os_idle.in is the console input.
 */
#include <guestos.h>

#include "tests/guests/check.h"

#define SLEEPERS 8
#define ROUNDS 5
/* The longest sleeper wakes at SLEEPERS * ROUNDS ms. */
#define SPAN_NS ((uint64_t)SLEEPERS * ROUNDS * 1000000u)

static uint64_t start_ns;
static unsigned wakeups;

static int sleeper(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg;

	for (unsigned r = 1; r <= ROUNDS; r++) {
		sleep_until_ns(start_ns + (uint64_t)r * k * 1000000u);
		wakeups++;
	}
	return 0;
}

static struct sem input_sem;
static char input[8];
static unsigned ninput;

static void on_console(unsigned line)
{
	uint32_t waiting;

	(void)line;
	__asm__ volatile("inl %w1, %0" : "=a"(waiting) : "Nd"((uint16_t)DVA_PORT_CONSOLE_STATUS));
	for (waiting &= 0x7FFFFFFFu; waiting > 0; waiting--) {
		uint8_t b;
		__asm__ volatile("inb %w1, %0" : "=a"(b) : "Nd"((uint16_t)DVA_PORT_CONSOLE));
		if (ninput < sizeof input - 1)
			input[ninput++] = (char)b;
	}
	sem_post(&input_sem);
}

int main(int argc, char **argv)
{
	struct thread *t[SLEEPERS];

	(void)argc;
	(void)argv;
	start_ns = now_ns();
	uint64_t insns0 = dva_page0.instret;
	for (unsigned k = 1; k <= SLEEPERS; k++)
		t[k - 1] = thread_create("sleeper", sleeper, (void *)(uintptr_t)k);
	for (unsigned k = 1; k <= SLEEPERS; k++)
		thread_join(t[k - 1]);
	uint64_t span = now_ns() - start_ns, insns = dva_page0.instret - insns0;

	check_u32("every_wakeup_happened", wakeups, SLEEPERS * ROUNDS);
	check_true("slept_the_whole_span", span >= SPAN_NS && span < SPAN_NS + 100000u);
	/* Busy-waiting would retire about cpu_hz instructions per second of it (40 million
	 * here); idling costs a bounded amount per wake-up instead: allow 2000 each. */
	check_true("few_instructions_while_asleep", insns < (uint64_t)SLEEPERS * ROUNDS * 2000u);

	/* No timer armed now: the idle loop's IDLE has no timeout, and the input line ends it. */
	sem_init(&input_sem, 0);
	irq_register(DVA_LINE_CONSOLE_IN, on_console);
	sem_wait(&input_sem);
	check_str("input_line_wakes_idle_without_timeout", input, "wake\n");
	return check_status();
}
