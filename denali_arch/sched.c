/* sched.c - the kernel's two orderings: the run queue (a ring) and the event heap (VMs keyed by
 * the system time of their next timer expiry or IDLE deadline, ties broken by vm_id). */
#include <stdlib.h>

#include "denali_arch/kernel.h"
#include "denali_arch/sched.h"

/* Growing happens between quanta, never inside the execute loop. Running out of host memory
 * for the scheduler's own tables is an emulator failure: abort. */
static void *grow(void *p, uint32_t *cap, size_t elem)
{
	uint32_t n = *cap ? *cap * 2 : 64;
	void *q = realloc(p, (size_t)n * elem);
	if (!q)
		abort();
	*cap = n;
	return q;
}

void runq_push_back(struct runq *q, struct vm *v)
{
	if (q->len == q->cap) {
		/* Re-lay the ring from its head in a larger array. */
		uint32_t cap = q->cap ? q->cap * 2 : 64;
		struct vm **slot = malloc((size_t)cap * sizeof(*slot));
		if (!slot)
			abort();
		for (uint32_t i = 0; i < q->len; i++)
			slot[i] = q->slot[(q->head + i) % q->cap];
		free(q->slot);
		q->slot = slot;
		q->cap = cap;
		q->head = 0;
	}
	q->slot[(q->head + q->len++) % q->cap] = v;
}

void runq_push_front(struct runq *q, struct vm *v)
{
	runq_push_back(q, v); /* make room, then rotate it to the front */
	q->len--;
	q->head = (q->head + q->cap - 1) % q->cap;
	q->slot[q->head] = v;
	q->len++;
}

struct vm *runq_pop(struct runq *q)
{
	if (!q->len)
		return NULL;
	struct vm *v = q->slot[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return v;
}

bool runq_remove(struct runq *q, struct vm *v)
{
	for (uint32_t i = 0; i < q->len; i++) {
		if (q->slot[(q->head + i) % q->cap] != v)
			continue;
		for (uint32_t j = i; j + 1 < q->len; j++)
			q->slot[(q->head + j) % q->cap] = q->slot[(q->head + j + 1) % q->cap];
		q->len--;
		return true;
	}
	return false;
}

static bool before(const struct vm *a, const struct vm *b)
{
	return a->event_at < b->event_at || (a->event_at == b->event_at && a->id < b->id);
}

static void place(struct event_heap *h, uint32_t i, struct vm *v)
{
	h->v[i] = v;
	v->heap_pos = (int32_t)i;
}

static void sift_up(struct event_heap *h, uint32_t i)
{
	struct vm *v = h->v[i];
	while (i > 0 && before(v, h->v[(i - 1) / 2])) {
		place(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(h, i, v);
}

static void sift_down(struct event_heap *h, uint32_t i)
{
	struct vm *v = h->v[i];
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= h->len)
			break;
		if (c + 1 < h->len && before(h->v[c + 1], h->v[c]))
			c++;
		if (!before(h->v[c], v))
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, v);
}

void events_update(struct event_heap *h, struct vm *v, uint64_t at)
{
	if (v->heap_pos >= 0) {
		uint32_t i = (uint32_t)v->heap_pos;
		if (at == TIMER_NEVER) { /* remove: the last entry takes its place */
			struct vm *last = h->v[--h->len];
			v->heap_pos = -1;
			v->event_at = at;
			if (last != v) {
				place(h, i, last);
				sift_up(h, i);
				sift_down(h, (uint32_t)last->heap_pos);
			}
			return;
		}
		v->event_at = at;
		sift_up(h, i);
		sift_down(h, (uint32_t)v->heap_pos);
		return;
	}
	v->event_at = at;
	if (at == TIMER_NEVER)
		return;
	if (h->len == h->cap)
		h->v = grow(h->v, &h->cap, sizeof(*h->v));
	place(h, h->len++, v);
	sift_up(h, h->len - 1);
}

struct vm *events_top(const struct event_heap *h)
{
	return h->len ? h->v[0] : NULL;
}
