/* threads.c - producer/consumer over a bounded buffer with a mutex and two condition variables.
 *
 *   denali run build/guests/threads.elf
 *
 * Two producers make items on a fixed schedule (every 3 ms and every 5 ms of system time, by
 * sleeping until absolute deadlines); two consumers take them and spend 7 ms on each. The
 * buffer holds 3 items, so producers sometimes wait for room and consumers for items. The
 * transcript is deterministic: under the deterministic clock, sleeps, condition-variable
 * wake-ups (FIFO) and the round-robin scheduler fix the order of every line, and the times are
 * printed in whole ms, which the few us each step costs do not change.
 */
#include <stdio.h>

#include <guestos.h>

#define SLOTS 3
#define ITEMS_EACH 6

struct producer {
	const char *name;
	unsigned period_ms;
	unsigned first; /* items are first, first + 1, ... */
};

static struct mutex lock = MUTEX_INITIALIZER;
static struct cond not_empty = COND_INITIALIZER, not_full = COND_INITIALIZER;
static unsigned buffer[SLOTS], head, count; /* a ring: count items from buffer[head] on */
static int producers_done;
static uint64_t start_ns;

static unsigned ms(void)
{
	return (unsigned)((now_ns() - start_ns) / 1000000u);
}

static int produce(void *arg)
{
	const struct producer *p = arg;
	unsigned sum = 0;

	for (unsigned i = 0; i < ITEMS_EACH; i++) {
		sleep_until_ns(start_ns + (uint64_t)(i + 1) * p->period_ms * 1000000u);
		unsigned item = p->first + i;
		mutex_lock(&lock);
		while (count == SLOTS) {
			printf("%3u ms  %s waits: buffer full\n", ms(), p->name);
			cond_wait(&not_full, &lock);
		}
		buffer[(head + count++) % SLOTS] = item;
		printf("%3u ms  %s puts %u (%u in buffer)\n", ms(), p->name, item, count);
		cond_signal(&not_empty);
		mutex_unlock(&lock);
		sum += item;
	}
	return (int)sum;
}

static int consume(void *arg)
{
	const char *name = arg;
	unsigned sum = 0;

	for (;;) {
		mutex_lock(&lock);
		while (count == 0 && !producers_done)
			cond_wait(&not_empty, &lock);
		if (count == 0) { /* empty and nothing more will come */
			mutex_unlock(&lock);
			return (int)sum;
		}
		unsigned item = buffer[head];
		head = (head + 1) % SLOTS;
		count--;
		printf("%3u ms  %s takes %u (%u left)\n", ms(), name, item, count);
		cond_signal(&not_full);
		mutex_unlock(&lock);
		sum += item;
		sleep_us(7000); /* working on it */
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static struct producer p1 = { "producer A", 3, 100 }, p2 = { "producer B", 5, 200 };

	start_ns = now_ns();
	struct thread *pa = thread_create("producer A", produce, &p1);
	struct thread *pb = thread_create("producer B", produce, &p2);
	struct thread *c1 = thread_create("consumer 1", consume, "consumer 1");
	struct thread *c2 = thread_create("consumer 2", consume, "consumer 2");
	if (!pa || !pb || !c1 || !c2) {
		printf("threads: out of threads\n");
		return 1;
	}

	int made = thread_join(pa) + thread_join(pb);
	mutex_lock(&lock);
	producers_done = 1;
	cond_broadcast(&not_empty); /* consumers waiting on an empty buffer: time to stop */
	mutex_unlock(&lock);
	int taken1 = thread_join(c1), taken2 = thread_join(c2);

	printf("%3u ms  done: produced sum %d, consumer 1 took sum %d, consumer 2 sum %d\n", ms(),
	       made, taken1, taken2);
	if (made != taken1 + taken2) {
		printf("threads: items were lost or duplicated\n");
		return 1;
	}
	return 0;
}
