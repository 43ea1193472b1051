/* sched.c - the scheduler: the run queue (a ring), the event heap (VMs keyed by the system time
 * of their devices' next deadline or their IDLE timeout, ties broken by vm_id), and the policy of
 * DVA-1 section 5 over them: wake-up priority, batched or synchronous lines, IDLE. */
#include <stdlib.h>

#include "denali_arch/kernel.h"
#include "denali_arch/sched.h"
#include "denali_arch/pager.h"

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
		if (at == DEV_NEVER) { /* remove: the last entry takes its place */
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
	if (at == DEV_NEVER)
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

/* ---- the policy ------------------------------------------------------------------------------ */

void sched_update_event(struct kernel *k, struct vm *v)
{
	uint64_t at = DEV_NEVER;
	if (v->state != VM_DONE) {
		at = v->next_deadline;
		if (v->state == VM_IDLE && v->idle_deadline < at)
			at = v->idle_deadline;
		if (v->page_wait_at && v->page_wait_at < at)
			at = v->page_wait_at;
	}
	events_update(&k->events, v, at);
}

/* Instructions the running VM v can still retire before system time reaches t; at least 1. */
static uint64_t insns_until_running(const struct kernel *k, const struct vm *v, uint64_t t)
{
	uint64_t in_quantum = v->cpu.instret - v->quantum_base, n = clock_insns_until(&k->clock, t);
	return n > in_quantum ? n - in_quantum : 1;
}

void sched_deadline_moved(void *opaque, struct vm *v)
{
	struct kernel *k = opaque;
	sched_update_event(k, v);
	/* The running VM armed a device of its own (its timer): end this slice of its quantum when
	 * that is due, so the line rises exactly when system time reaches it (DVA-1 section 7). */
	uint64_t t = v->next_deadline;
	if (v == k->running && k->clock.deterministic && t != DEV_NEVER)
		cpu_request_stop(&v->cpu, v->cpu.instret + insns_until_running(k, v, t));
}

static void add_woken(struct kernel *k, struct vm *v, uint64_t when)
{
	if (k->nwoken == k->woken_cap) {
		k->woken_cap = k->woken_cap ? k->woken_cap * 2 : 64;
		k->woken = realloc(k->woken, k->woken_cap * sizeof(*k->woken));
		if (!k->woken)
			abort();
	}
	k->woken[k->nwoken++] = (struct woken){ when, v };
}

void sched_wake(struct kernel *k, struct vm *v, uint64_t when)
{
	if (v->state != VM_IDLE)
		return;
	pager_forget(k, v); /* runnable: no longer one the pager may move out */
	k->idle--;
	v->state = VM_RUNNABLE;
	v->idle_deadline = DEV_NEVER;
	if (when > v->idle_since)
		v->stats.idle_ns += when - v->idle_since;
	v->cpu.r[REG_EAX] = vm_line_ready(v) ? 0 : 1;
	sched_update_event(k, v);
	add_woken(k, v, when);
}

static int woken_order(const void *a, const void *b)
{
	const struct woken *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->v->id < y->v->id ? -1 : x->v->id > y->v->id;
}

void sched_queue_woken(struct kernel *k)
{
	if (k->nwoken > 1)
		qsort(k->woken, k->nwoken, sizeof(*k->woken), woken_order);
	for (uint32_t i = k->nwoken; i-- > 0;)
		runq_push_front(&k->runq, k->woken[i].v);
	k->nwoken = 0;
}

bool sched_switch_due(const struct kernel *k)
{
	return switch_busy(&k->sw) && (k->round_over || !k->runq.len);
}

void sched_switch_ran(struct kernel *k)
{
	sched_queue_woken(k); /* the receivers and senders it woke take part in the new round */
	const struct runq *q = &k->runq;
	k->round_end = q->len ? q->slot[(q->head + q->len - 1) % q->cap] : NULL;
	k->round_over = !q->len;
}

void sched_line_raised(void *opaque, struct vm *v)
{
	struct kernel *k = opaque;
	if (!vm_line_ready(v))
		return;
	if (v->state == VM_IDLE) {
		sched_wake(k, v, k->raise_time);
		if (k->cfg->irq_mode == IRQ_SYNC && k->running) {
			/* Synchronous mode, mid-quantum (a frame from the running VM): the woken VM
			 * goes first, now. */
			sched_queue_woken(k);
			k->preempt = true;
			cpu_request_stop(&k->running->cpu, CPU_STOP_NOW);
		}
	} else if (k->cfg->irq_mode == IRQ_SYNC && v != k->running && v->state == VM_RUNNABLE &&
		   runq_remove(&k->runq, v)) {
		/* Synchronous mode: switch to the VM the line was raised for, at once. */
		runq_push_front(&k->runq, v);
		if (k->running) {
			k->preempt = true;
			cpu_request_stop(&k->running->cpu, CPU_STOP_NOW);
		}
	}
}

void sched_fire_events(struct kernel *k, uint64_t now)
{
	struct vm *v;
	while ((v = events_top(&k->events)) && v->event_at <= now) {
		uint64_t t = v->event_at;
		k->raise_time = t;
		vm_expire_devices(v, t);
		if (v->state == VM_IDLE && v->idle_deadline <= t)
			sched_wake(k, v, t); /* a line raised at the same time counts: EAX = 0 */
		if (v->page_wait_at && v->page_wait_at <= t) { /* its record is read: back in line */
			v->page_wait_at = 0;
			v->paged_in = true;
			add_woken(k, v, t);
		}
		sched_update_event(k, v);
	}
	k->raise_time = now;
	sched_queue_woken(k);
}

void sched_go_idle(struct kernel *k, struct vm *v)
{
	uint32_t timeout = v->cpu.r[REG_EAX];
	if (timeout == DVA_IDLE_YIELD) { /* to the tail, without wake-up priority */
		v->yielded = true;
		runq_push_back(&k->runq, v);
		return;
	}
	uint64_t now = kernel_now(k);
	v->state = VM_IDLE;
	k->idle++;
	v->idle_since = now;
	v->idle_deadline = timeout == DVA_IDLE_FOREVER ? DEV_NEVER : now + (uint64_t)timeout * 1000u;
	sched_update_event(k, v);
}
