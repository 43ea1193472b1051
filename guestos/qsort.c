/* qsort.c - qsort (a heapsort: no recursion, no allocation, n log n at worst) and bsearch. */
#include <stdlib.h>

#include <stdint.h>

/* Exchange two elements of size bytes, a word at a time while whole words remain. */
static void swap(char *a, char *b, size_t size)
{
	for (; size >= sizeof(uint32_t); size -= sizeof(uint32_t)) {
		uint32_t t;
		__builtin_memcpy(&t, a, sizeof t);
		__builtin_memcpy(a, b, sizeof t);
		__builtin_memcpy(b, &t, sizeof t);
		a += sizeof t;
		b += sizeof t;
	}
	for (; size > 0; size--, a++, b++) {
		char t = *a;
		*a = *b;
		*b = t;
	}
}

/* Restore the max-heap order below root in base[0..n): move the root's element down past every
 * child larger than it. */
static void sift_down(char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1, big = root;

		if (child < n && cmp(base + child * size, base + big * size) > 0)
			big = child;
		if (child + 1 < n && cmp(base + (child + 1) * size, base + big * size) > 0)
			big = child + 1;
		if (big == root)
			return;
		swap(base + root * size, base + big * size, size);
		root = big;
	}
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2 || size == 0)
		return;
	/* Build a max-heap, then repeatedly move its top (the largest left) to the end. */
	for (size_t i = n / 2; i > 0; i--)
		sift_down(b, i - 1, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const char *lo = base;

	/* Invariant: if key is present, it is in [lo, lo + n * size). */
	while (n > 0) {
		const char *mid = lo + (n / 2) * size;
		int c = cmp(key, mid);

		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}
