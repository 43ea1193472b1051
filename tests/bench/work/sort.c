/* sort.c - the sort workload: quicksort (median of three, insertion sort below 16 elements, an
 * explicit stack) of SIZE x 1024 pseudo-random 32-bit keys, then a check that they are in order.
 * Data-dependent branches that the host predicts badly, and scattered loads and stores.
 */
#define WORK_NAME "sort"
#define WORK_SIZE 256
#include "tests/bench/work/bench.h"

#define SORT_MAX (1024u * 1024u) /* keys at most: 4 MiB */
#define SORT_SMALL 16u           /* ranges this short are insertion-sorted */

static uint32_t keys[SORT_MAX];

static void insertion(uint32_t *a, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint32_t v = a[i], j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static inline void swap(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;
	*a = *b;
	*b = t;
}

static void quicksort(uint32_t *a, uint32_t n)
{
	/* Ranges still to sort; pushing the larger and looping on the smaller bounds the depth by
	 * log2(n), so 64 entries are plenty. */
	uint32_t *lo_stack[64], n_stack[64];
	int top = 0;
	for (;;) {
		while (n > SORT_SMALL) {
			uint32_t mid = n / 2;
			if (a[mid] < a[0])
				swap(&a[mid], &a[0]);
			if (a[n - 1] < a[0])
				swap(&a[n - 1], &a[0]);
			if (a[n - 1] < a[mid])
				swap(&a[n - 1], &a[mid]);
			uint32_t pivot = a[mid];
			uint32_t i = 0, j = n - 1;
			for (;;) { /* Hoare partition: a[0..i) <= pivot <= a(j..n) */
				while (a[i] < pivot)
					i++;
				while (a[j] > pivot)
					j--;
				if (i >= j)
					break;
				swap(&a[i], &a[j]);
				i++;
				j--;
			}
			uint32_t left = j + 1; /* a[0..left) and a[left..n) */
			if (left < n - left) {
				lo_stack[top] = a + left;
				n_stack[top++] = n - left;
				n = left;
			} else {
				lo_stack[top] = a;
				n_stack[top++] = left;
				a += left;
				n -= left;
			}
		}
		insertion(a, n);
		if (top == 0)
			return;
		top--;
		a = lo_stack[top];
		n = n_stack[top];
	}
}

static uint32_t work(uint32_t size)
{
	uint32_t n = size * 1024u, seed = 0x9E3779B9u, sum = 0;
	if (n > SORT_MAX || n == 0)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		keys[i] = bench_rand(&seed) % (n * 4u); /* some duplicates */
	quicksort(keys, n);
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0 && keys[i - 1] > keys[i])
			return 0xBAD50127u; /* not sorted: a checksum no correct run gives */
		sum = sum * 31u + keys[i];
	}
	return sum;
}
