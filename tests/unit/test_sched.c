/* test_sched.c - the kernel's two orderings (denali_arch/sched.c): the run queue, a ring of VMs
 * that grows by doubling, and the event heap, a min-heap of VMs keyed by (event_at, vm_id).
 *
 * The run queue is checked against what the kernel relies on: FIFO order from the back,
 * push_front putting a VM at the head, removal from anywhere keeping the others' order, pop on
 * an empty queue giving NULL, and all of that across the ring's wrap-around and its growth
 * (it has no "full": at capacity it re-lays itself into twice the room). The heap is checked
 * for its order (earlier time first, equal times by lower vm_id whatever the insertion order),
 * updates that move a VM either way, removal by DEV_NEVER, each VM's heap_pos naming its
 * slot, and thousands of seeded random operations against a plain reference model.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/rng.h"

#include "denali_arch/kernel.h"
#include "denali_arch/sched.h"

#define NVMS 300u

/* VMs with ids 0..n-1, absent from any heap. Only id, event_at and heap_pos matter here. */
static struct vm *vms_new(unsigned n)
{
	struct vm *v = calloc(n, sizeof(*v));
	assert_non_null(v);
	for (unsigned i = 0; i < n; i++) {
		v[i].id = i;
		v[i].heap_pos = -1;
		v[i].event_at = DEV_NEVER;
	}
	return v;
}

/* --- the run queue -------------------------------------------------------------------------- */

/* Pop everything and compare the ids with want[0..n-1]; then the queue must be empty. */
static int drain_is(struct runq *q, const struct vm *base, const unsigned *want, unsigned n,
		    const char *name)
{
	int bad = 0;
	for (unsigned i = 0; i < n; i++) {
		struct vm *v = runq_pop(q);
		if (!v) {
			print_error("%s: pop %u gave NULL, want vm %u\n", name, i, want[i]);
			return 1;
		}
		if ((unsigned)(v - base) != want[i]) {
			print_error("%s: pop %u gave vm %u, want vm %u\n", name, i,
				    (unsigned)(v - base), want[i]);
			bad = 1;
		}
	}
	if (q->len != 0 || runq_pop(q) != NULL) {
		print_error("%s: the queue is not empty after %u pops\n", name, n);
		bad = 1;
	}
	return bad;
}

/* A run-queue case: a script of operations, then the order pops must give. Ops: 'B' n = push
 * vm n at the back, 'F' n = push at the front, 'P' n = pop, which must give vm n, 'E' = pop,
 * which must give NULL, 'R' n = remove
 * vm n, which must succeed, 'r' n = remove vm n, which must fail. 'b' n = push vms
 * [first, first + n) at the back, first being the next unused id; 'p' n = pop n VMs, which must
 * come in the order they were pushed by the script's earlier 'b's (tracked by the case). */
struct rq_op {
	char op;
	unsigned n;
};
struct rq_row {
	const char *name;
	struct rq_op ops[12];
	unsigned want[8];   /* after the script: the ids pops give, in order, then empty */
	unsigned nwant;
	unsigned want_cap;  /* 0: don't care */
};

static int run_rq_row(const struct rq_row *row, struct vm *vms)
{
	struct runq q = { 0 };
	unsigned next_id = 0; /* for 'b': the next unused id */
	unsigned fifo = 0;    /* for 'p': the id the next pop of a 'b' batch must give */
	int bad = 0;
	for (unsigned k = 0; k < sizeof(row->ops) / sizeof(row->ops[0]) && row->ops[k].op; k++) {
		const struct rq_op *o = &row->ops[k];
		struct vm *v;
		switch (o->op) {
		case 'B': runq_push_back(&q, &vms[o->n]); break;
		case 'F': runq_push_front(&q, &vms[o->n]); break;
		case 'b':
			for (unsigned i = 0; i < o->n; i++)
				runq_push_back(&q, &vms[100 + next_id++]);
			break;
		case 'p':
			for (unsigned i = 0; i < o->n; i++) {
				v = runq_pop(&q);
				if (v != &vms[100 + fifo]) {
					print_error("%s: op %u: pop gave vm %d, want vm %u\n", row->name, k,
						    v ? (int)(v - vms) : -1, 100 + fifo);
					bad = 1;
					break;
				}
				fifo++;
			}
			break;
		case 'E':
			if (runq_pop(&q) != NULL) {
				print_error("%s: op %u: pop of an empty queue is not NULL\n", row->name, k);
				bad = 1;
			}
			break;
		case 'P':
			v = runq_pop(&q);
			if (v != &vms[o->n]) {
				print_error("%s: op %u: pop gave vm %d, want vm %u\n", row->name, k,
					    v ? (int)(v - vms) : -1, o->n);
				bad = 1;
			}
			break;
		case 'R':
		case 'r':
			if (runq_remove(&q, &vms[o->n]) != (o->op == 'R')) {
				print_error("%s: op %u: removing vm %u returned %s\n", row->name, k, o->n,
					    o->op == 'R' ? "false" : "true");
				bad = 1;
			}
			break;
		default:
			fail_msg("%s: bad op '%c'", row->name, o->op);
		}
	}
	if (row->want_cap && q.cap != row->want_cap) {
		print_error("%s: capacity %u, want %u\n", row->name, q.cap, row->want_cap);
		bad = 1;
	}
	bad |= drain_is(&q, vms, row->want, row->nwant, row->name);
	free(q.slot);
	return bad;
}

static void the_run_queue_keeps_its_order_through_every_operation(void **state)
{
	(void)state;
	static const struct rq_row rows[] = {
		{ "an empty queue pops NULL", { { 0, 0 } }, { 0 }, 0, 0 },
		{ "pops give VMs in the order they were pushed at the back",
		  { { 'B', 3 }, { 'B', 1 }, { 'B', 2 }, { 'B', 0 } }, { 3, 1, 2, 0 }, 4, 0 },
		{ "a VM pushed at the front is popped before those already waiting",
		  { { 'B', 1 }, { 'B', 2 }, { 'F', 7 } }, { 7, 1, 2 }, 3, 0 },
		{ "several VMs pushed at the front come last-pushed first",
		  { { 'B', 1 }, { 'F', 5 }, { 'F', 6 }, { 'B', 2 } }, { 6, 5, 1, 2 }, 4, 0 },
		{ "push_front on an empty queue makes a queue of one",
		  { { 'F', 4 } }, { 4 }, 1, 64 },
		{ "a queue emptied by pops is empty and takes pushes again",
		  { { 'B', 1 }, { 'P', 1 }, { 'E', 0 }, { 'B', 2 } }, { 2 }, 1, 0 },
		{ "removing the VM in the middle keeps the others in order",
		  { { 'B', 1 }, { 'B', 2 }, { 'B', 3 }, { 'R', 2 } }, { 1, 3 }, 2, 0 },
		{ "removing the head and the tail keeps the middle",
		  { { 'B', 1 }, { 'B', 2 }, { 'B', 3 }, { 'R', 1 }, { 'R', 3 } }, { 2 }, 1, 0 },
		{ "removing a VM that is not queued fails and changes nothing",
		  { { 'B', 1 }, { 'B', 2 }, { 'r', 3 } }, { 1, 2 }, 2, 0 },
		{ "removing from an empty queue fails", { { 'r', 1 } }, { 0 }, 0, 0 },
		{ "a VM removed once is not found a second time",
		  { { 'B', 1 }, { 'R', 1 }, { 'r', 1 } }, { 0 }, 0, 0 },
		{ "the first push makes room for 64",
		  { { 'B', 1 } }, { 1 }, 1, 64 },
		{ "64 VMs fit without growing and come out in order",
		  { { 'b', 64 }, { 'p', 64 } }, { 0 }, 0, 64 },
		{ "the 65th VM doubles the ring and keeps the order",
		  { { 'b', 65 }, { 'p', 65 } }, { 0 }, 0, 128 },
		{ "pushes that wrap past the ring's end keep FIFO order",
		  { { 'b', 60 }, { 'p', 50 }, { 'b', 40 }, { 'p', 50 } }, { 0 }, 0, 64 },
		{ "a wrapped ring that fills up grows and keeps FIFO order",
		  { { 'b', 60 }, { 'p', 30 }, { 'b', 34 }, { 'b', 1 }, { 'p', 65 } }, { 0 }, 0, 128 },
		{ "push_front at slot 0 wraps the head to the ring's last slot",
		  { { 'B', 1 }, { 'B', 2 }, { 'F', 3 }, { 'F', 4 } }, { 4, 3, 1, 2 }, 4, 64 },
		{ "push_front on a full ring grows it and still goes first",
		  { { 'b', 64 }, { 'F', 9 }, { 'P', 9 }, { 'p', 64 } }, { 0 }, 0, 128 },
		{ "removal across the wrap point keeps the others in order",
		  { { 'b', 62 }, { 'p', 61 }, { 'B', 1 }, { 'B', 2 }, { 'B', 3 }, { 'R', 2 },
		    { 'p', 1 } }, { 1, 3 }, 2, 64 },
	};
	struct vm *vms = vms_new(NVMS);
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		bad += run_rq_row(&rows[i], vms);
	free(vms);
	if (bad)
		fail_msg("%d rows failed", bad);
}

/* Random pushes at either end, pops and removals against a reference array, with the ring's
 * wrap-around and growth on the way (up to ~250 VMs queued). */
static void random_run_queue_operations_match_a_reference_deque(void **state)
{
	(void)state;
	struct vm *vms = vms_new(NVMS);
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct rng r = { seed * 0x9E3779B97F4A7C15ull };
		struct runq q = { 0 };
		unsigned ref[NVMS], n = 0;
		bool queued[NVMS] = { false };
		for (unsigned step = 0; step < 4000; step++) {
			unsigned op = below(&r, 10), id = below(&r, NVMS);
			if (op < 4 && !queued[id]) { /* push back */
				runq_push_back(&q, &vms[id]);
				ref[n++] = id;
				queued[id] = true;
			} else if (op < 6 && !queued[id]) { /* push front */
				runq_push_front(&q, &vms[id]);
				memmove(ref + 1, ref, n * sizeof(ref[0]));
				ref[0] = id;
				n++;
				queued[id] = true;
			} else if (op < 8) { /* pop */
				struct vm *v = runq_pop(&q);
				unsigned want = n ? ref[0] : NVMS;
				if (n) {
					memmove(ref, ref + 1, --n * sizeof(ref[0]));
					queued[want] = false;
				}
				if ((v ? (unsigned)(v - vms) : NVMS) != want)
					fail_msg("seed %" PRIu64 " step %u: pop gave %d, want %d", seed, step,
						 v ? (int)(v - vms) : -1, want == NVMS ? -1 : (int)want);
			} else { /* remove */
				bool got = runq_remove(&q, &vms[id]);
				if (got != queued[id])
					fail_msg("seed %" PRIu64 " step %u: remove vm %u gave %d", seed, step, id, got);
				if (got) {
					unsigned j = 0;
					while (ref[j] != id)
						j++;
					memmove(ref + j, ref + j + 1, (n - j - 1) * sizeof(ref[0]));
					n--;
					queued[id] = false;
				}
			}
			if (q.len != n)
				fail_msg("seed %" PRIu64 " step %u: len %u, want %u", seed, step, q.len, n);
		}
		for (unsigned i = 0; i < n; i++) {
			struct vm *v = runq_pop(&q);
			if (v != &vms[ref[i]])
				fail_msg("seed %" PRIu64 ": final pop %u gave the wrong VM", seed, i);
		}
		assert_null(runq_pop(&q));
		free(q.slot);
	}
	free(vms);
}

/* --- the event heap ------------------------------------------------------------------------- */

/* Every entry's heap_pos names its slot, and every parent comes before its children. */
static void check_heap(const struct event_heap *h, const char *name)
{
	for (uint32_t i = 0; i < h->len; i++) {
		const struct vm *v = h->v[i];
		if (v->heap_pos != (int32_t)i)
			fail_msg("%s: vm %u at slot %u has heap_pos %d", name, v->id, i, v->heap_pos);
		if (i == 0)
			continue;
		const struct vm *p = h->v[(i - 1) / 2];
		if (p->event_at > v->event_at || (p->event_at == v->event_at && p->id > v->id))
			fail_msg("%s: parent vm %u (%" PRIu64 ") after child vm %u (%" PRIu64 ")", name,
				 p->id, p->event_at, v->id, v->event_at);
	}
}

/* Take the top out (by DEV_NEVER) until the heap is empty; the ids must be want[0..n-1]. */
static int heap_drains_as(struct event_heap *h, const unsigned *want, unsigned n,
			  const char *name)
{
	for (unsigned i = 0; i < n; i++) {
		struct vm *v = events_top(h);
		if (!v) {
			print_error("%s: top %u is NULL, want vm %u\n", name, i, want[i]);
			return 1;
		}
		if (v->id != want[i]) {
			print_error("%s: top %u is vm %u, want vm %u\n", name, i, v->id, want[i]);
			return 1;
		}
		events_update(h, v, DEV_NEVER);
		if (v->heap_pos != -1 || v->event_at != DEV_NEVER) {
			print_error("%s: vm %u taken out still has heap_pos %d\n", name, v->id, v->heap_pos);
			return 1;
		}
		check_heap(h, name);
	}
	if (h->len || events_top(h)) {
		print_error("%s: %u entries left after the expected ones\n", name, h->len);
		return 1;
	}
	return 0;
}

/* A heap case: updates (vm id, time) applied in order, then the order the top must give. */
struct heap_row {
	const char *name;
	struct { unsigned id; uint64_t at; } upd[8];
	unsigned nupd;
	unsigned want[8];
	unsigned nwant;
};

static void the_event_heap_orders_by_time_then_vm_id(void **state)
{
	(void)state;
	static const struct heap_row rows[] = {
		{ "an empty heap has no top", { { 0, 0 } }, 0, { 0 }, 0 },
		{ "one VM is the top", { { 3, 500 } }, 1, { 3 }, 1 },
		{ "the earliest time is the top whatever the insertion order",
		  { { 1, 300 }, { 2, 100 }, { 3, 200 }, { 4, 50 } }, 4, { 4, 2, 3, 1 }, 4 },
		{ "equal times come out by lower vm_id first, inserted in descending id order",
		  { { 5, 100 }, { 4, 100 }, { 3, 100 }, { 2, 100 }, { 1, 100 } }, 5, { 1, 2, 3, 4, 5 }, 5 },
		{ "equal times come out by lower vm_id first, inserted in mixed order",
		  { { 4, 7 }, { 0, 7 }, { 6, 7 }, { 2, 7 }, { 1, 9 }, { 3, 5 } }, 6, { 3, 0, 2, 4, 6, 1 }, 6 },
		{ "time 0 and the largest time below DEV_NEVER order like any others",
		  { { 1, UINT64_MAX - 1 }, { 2, 0 }, { 3, 1 } }, 3, { 2, 3, 1 }, 3 },
		{ "DEV_NEVER for a VM not in the heap leaves it out",
		  { { 1, 10 }, { 2, DEV_NEVER } }, 2, { 1 }, 1 },
		{ "moving a VM earlier makes it the top",
		  { { 1, 10 }, { 2, 20 }, { 3, 30 }, { 3, 5 } }, 4, { 3, 1, 2 }, 3 },
		{ "moving the top later lets the next one up",
		  { { 1, 10 }, { 2, 20 }, { 3, 30 }, { 1, 25 } }, 4, { 2, 1, 3 }, 3 },
		{ "moving a VM to a tie with another orders the pair by vm_id",
		  { { 2, 10 }, { 1, 20 }, { 1, 10 } }, 3, { 1, 2 }, 2 },
		{ "setting a VM's time to its own time changes nothing",
		  { { 1, 10 }, { 2, 20 }, { 2, 20 } }, 3, { 1, 2 }, 2 },
		{ "DEV_NEVER takes the top out",
		  { { 1, 10 }, { 2, 20 }, { 3, 30 }, { 1, DEV_NEVER } }, 4, { 2, 3 }, 2 },
		{ "DEV_NEVER takes a middle entry out",
		  { { 1, 10 }, { 2, 20 }, { 3, 30 }, { 4, 40 }, { 2, DEV_NEVER } }, 5, { 1, 3, 4 }, 3 },
		{ "DEV_NEVER takes the last slot out",
		  { { 1, 10 }, { 2, 20 }, { 3, 30 }, { 3, DEV_NEVER } }, 4, { 1, 2 }, 2 },
		{ "taking out an entry whose replacement must move up keeps the order",
		  /* [1, 50, 6, 51, 52, 7, 8]: vm 4 (51) leaves slot 3 and vm 7 (8), the last, must
		   * move up past vm 2 (50) */
		  { { 1, 1 }, { 2, 50 }, { 3, 6 }, { 4, 51 }, { 5, 52 }, { 6, 7 }, { 7, 8 }, { 4, DEV_NEVER } },
		  8, { 1, 3, 6, 7, 2, 5 }, 6 },
		{ "a VM taken out and put back is ordered by its new time",
		  { { 1, 10 }, { 2, 20 }, { 1, DEV_NEVER }, { 1, 30 } }, 4, { 2, 1 }, 2 },
	};
	struct vm *vms = vms_new(16);
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct event_heap h = { 0 };
		for (unsigned k = 0; k < 16; k++) {
			vms[k].heap_pos = -1;
			vms[k].event_at = DEV_NEVER;
		}
		for (unsigned k = 0; k < rows[i].nupd; k++) {
			events_update(&h, &vms[rows[i].upd[k].id], rows[i].upd[k].at);
			check_heap(&h, rows[i].name);
		}
		bad += heap_drains_as(&h, rows[i].want, rows[i].nwant, rows[i].name);
		free(h.v);
	}
	free(vms);
	if (bad)
		fail_msg("%d rows failed", bad);
}

static int by_time_then_id(const void *a, const void *b)
{
	const struct vm *x = *(const struct vm *const *)a, *y = *(const struct vm *const *)b;
	if (x->event_at != y->event_at)
		return x->event_at < y->event_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Seeded random inserts, moves and removals (times from a small range, so ties are common);
 * after each step the top must be the minimum of the reference, and at the end the heap must
 * drain in the order of a sort by (time, vm_id). */
static void random_heap_operations_drain_in_sorted_order(void **state)
{
	(void)state;
	struct vm *vms = vms_new(NVMS);
	struct vm *sorted[NVMS];
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct rng r = { seed * 0xD1B54A32D192ED03ull };
		struct event_heap h = { 0 };
		for (unsigned k = 0; k < NVMS; k++) {
			vms[k].heap_pos = -1;
			vms[k].event_at = DEV_NEVER;
		}
		unsigned range = seed % 2 ? 50 : 1000000; /* many ties, or few */
		for (unsigned step = 0; step < 3000; step++) {
			struct vm *v = &vms[below(&r, NVMS)];
			uint64_t at = below(&r, 8) == 0 ? DEV_NEVER : below(&r, range);
			events_update(&h, v, at);
			if (v->event_at != at)
				fail_msg("seed %" PRIu64 " step %u: event_at not set", seed, step);
			/* the top is the least of those present */
			struct vm *want = NULL;
			unsigned present = 0;
			for (unsigned k = 0; k < NVMS; k++) {
				if (vms[k].event_at == DEV_NEVER)
					continue;
				present++;
				if (!want || by_time_then_id(&(struct vm *){ &vms[k] }, &want) < 0)
					want = &vms[k];
			}
			if (h.len != present || events_top(&h) != want)
				fail_msg("seed %" PRIu64 " step %u: %u entries (want %u), top vm %d (want %d)",
					 seed, step, h.len, present, events_top(&h) ? (int)events_top(&h)->id : -1,
					 want ? (int)want->id : -1);
			check_heap(&h, "random");
		}
		unsigned n = 0;
		for (unsigned k = 0; k < NVMS; k++)
			if (vms[k].event_at != DEV_NEVER)
				sorted[n++] = &vms[k];
		qsort(sorted, n, sizeof(sorted[0]), by_time_then_id);
		for (unsigned i = 0; i < n; i++) {
			struct vm *v = events_top(&h);
			if (v != sorted[i])
				fail_msg("seed %" PRIu64 ": drain %u gave vm %d, want vm %u", seed, i,
					 v ? (int)v->id : -1, sorted[i]->id);
			events_update(&h, v, DEV_NEVER);
		}
		assert_null(events_top(&h));
		free(h.v);
	}
	free(vms);
}

/* The heap grows past its first 64 slots, by inserts alone, in reverse order. */
static void the_event_heap_grows_past_64_entries(void **state)
{
	(void)state;
	struct vm *vms = vms_new(NVMS);
	struct event_heap h = { 0 };
	for (unsigned k = NVMS; k-- > 0;)
		events_update(&h, &vms[k], 1000 + k);
	assert_int_equal(h.len, NVMS);
	assert_true(h.cap >= NVMS);
	check_heap(&h, "grown");
	for (unsigned k = 0; k < NVMS; k++) {
		struct vm *v = events_top(&h);
		assert_non_null(v);
		assert_int_equal(v->id, k);
		events_update(&h, v, DEV_NEVER);
	}
	assert_null(events_top(&h));
	free(h.v);
	free(vms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_run_queue_keeps_its_order_through_every_operation),
		cmocka_unit_test(random_run_queue_operations_match_a_reference_deque),
		cmocka_unit_test(the_event_heap_orders_by_time_then_vm_id),
		cmocka_unit_test(random_heap_operations_drain_in_sorted_order),
		cmocka_unit_test(the_event_heap_grows_past_64_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
