/* sleepers.c - many threads sleeping for different times: IDLE at work.
 *
 *   denali run --stats DIR --args "THREADS ROUNDS" build/guests/sleepers.elf   (defaults 8 5)
 *
 * Thread k (1 to THREADS) wakes every k ms, ROUNDS times, and prints a line each time. While
 * all of them sleep nothing is runnable, and guestos's idle loop IDLEs until the nearest
 * thread's timer: the VM spends almost all of the run's system time out of the run queue, and
 * the instructions it retires are a few hundred per wake-up, however long the sleeps. The last
 * line compares the two; --stats DIR/vms.csv shows the same from the emulator's side.
 */
#include <stdio.h>
#include <stdlib.h>

#include <guestos.h>

#define THREADS_MAX 32

static uint64_t start_ns;
static unsigned rounds;

static int sleeper(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg;

	for (unsigned r = 1; r <= rounds; r++) {
		sleep_until_ns(start_ns + (uint64_t)r * k * 1000000u);
		printf("%3u ms  sleeper %u wakes (round %u)\n",
		       (unsigned)((now_ns() - start_ns) / 1000000u), k, r);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 8;
	struct thread *t[THREADS_MAX];

	rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5;
	if (n < 1 || n > THREADS_MAX || rounds < 1) {
		printf("sleepers: 1 to %d threads and at least one round\n", THREADS_MAX);
		return 2;
	}
	start_ns = now_ns();
	uint64_t insns0 = dva_page0.instret;
	for (unsigned k = 1; k <= n; k++)
		if (!(t[k - 1] = thread_create("sleeper", sleeper, (void *)(uintptr_t)k)))
			return 1;
	for (unsigned k = 1; k <= n; k++)
		thread_join(t[k - 1]);

	uint64_t insns = dva_page0.instret - insns0, ns = now_ns() - start_ns;
	printf("%u threads slept %llu us of system time; the VM retired %llu instructions "
	       "(%llu per wake-up)\n", n, (unsigned long long)(ns / 1000u), (unsigned long long)insns,
	       (unsigned long long)(insns / (n * rounds)));
	return 0;
}
