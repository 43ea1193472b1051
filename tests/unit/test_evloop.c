/* test_evloop.c - the host event loop (denali_arch/evloop.c) on a fake clock, with real pipes.
 *
 * The loop's clock and poll are replaced: the fake poll records the wait it was asked for,
 * advances the fake clock by it (as a real wait would), then asks the real poll(2) with no wait
 * what the pipes hold. So the tests see exactly how long the loop would have slept, and whether
 * each callback ran, without sleeping.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/evloop.h"

#define FOREVER (-1) /* last_wait: the poll was asked to wait for ever */

struct fake {
	uint64_t now;      /* ns */
	int64_t last_wait; /* ns the last poll was asked to wait, or FOREVER */
	unsigned polls;
	unsigned last_n;   /* descriptors in the last poll */
};
static struct fake fake;

static uint64_t fake_clock(void *opaque)
{
	(void)opaque;
	return fake.now;
}

static int fake_poll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
{
	(void)mask;
	fake.last_wait = timeout ? (int64_t)timeout->tv_sec * 1000000000 + timeout->tv_nsec : FOREVER;
	fake.polls++;
	fake.last_n = (unsigned)n;
	if (timeout)
		fake.now += (uint64_t)fake.last_wait;
	return poll(fds, n, 0);
}

static void loop_new(struct evloop *l)
{
	memset(&fake, 0, sizeof(fake));
	fake.now = 1000000000u; /* 1 s */
	evloop_init(l);
	evloop_set_clock(l, fake_clock, NULL);
	l->poll = fake_poll;
}

struct hits {
	int n;
	int fd;
	short revents;
};

static void on_fd(void *opaque, int fd, short revents)
{
	struct hits *h = opaque;
	h->n++;
	h->fd = fd;
	h->revents = revents;
}

static void on_timer(void *opaque)
{
	(*(int *)opaque)++;
}

static void a_watch_runs_only_when_its_fd_is_ready(void **state)
{
	(void)state;
	struct evloop l;
	struct hits h = { 0 };
	int p[2];
	assert_int_equal(pipe(p), 0);
	loop_new(&l);
	int w = evloop_watch_add(&l, p[0], POLLIN, on_fd, &h);
	assert_true(w >= 0);

	assert_int_equal(evloop_run(&l, 0), 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(fake.last_wait, 0); /* a bound of 0 only looks */
	assert_int_equal(fake.last_n, 1);

	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(evloop_run(&l, 0), 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.fd, p[0]);
	assert_true(h.revents & POLLIN);

	/* paused: not even in the poll set, and with nothing to watch and no wait, no poll */
	evloop_watch_events(&l, w, 0);
	unsigned polls = fake.polls;
	assert_int_equal(evloop_run(&l, 0), 0);
	assert_int_equal(fake.polls, polls);
	assert_int_equal(h.n, 1);

	/* the end of a pipe is reported too (POLLHUP), so a reader sees its EOF */
	evloop_watch_events(&l, w, POLLIN);
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(evloop_run(&l, 0), 1);
	assert_true(h.revents & (POLLHUP | POLLIN));

	evloop_watch_remove(&l, w);
	evloop_watch_remove(&l, w); /* twice: nothing more */
	evloop_watch_events(&l, w, POLLIN); /* a removed watch stays removed */
	assert_int_equal(l.nwatching, 0);
	assert_int_equal(evloop_run(&l, 0), 0);
	assert_int_equal(h.n, 2);
	close(p[0]);
	evloop_destroy(&l);
}

/* The owner's woke hook: once per poll, after the wait and before any callback, with the clock
 * already moved on by the wait. */
struct woke_log {
	unsigned n;        /* calls */
	uint64_t at;       /* the fake clock at the last one */
	int fd_hits_then;  /* the watch's callbacks run before it, at the last call */
	struct hits *h;
};

static void on_woke(void *opaque)
{
	struct woke_log *w = opaque;
	w->n++;
	w->at = fake.now;
	w->fd_hits_then = w->h->n;
}

static void the_woke_hook_runs_once_per_poll_before_the_callbacks(void **state)
{
	(void)state;
	struct evloop l;
	struct hits h = { 0 };
	struct woke_log wl = { .h = &h };
	int p[2];
	assert_int_equal(pipe(p), 0);
	loop_new(&l);
	l.woke = on_woke;
	l.woke_opaque = &wl;

	/* nothing watched, nothing timed, no wait: no poll, so no call */
	assert_int_equal(evloop_run(&l, 0), 0);
	assert_int_equal(fake.polls, 0);
	assert_int_equal(wl.n, 0);

	int w = evloop_watch_add(&l, p[0], POLLIN, on_fd, &h);
	assert_true(w >= 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(evloop_run(&l, 0), 1);
	assert_int_equal(wl.n, 1);
	assert_int_equal(wl.fd_hits_then, 0); /* before the watch's callback */
	assert_int_equal(h.n, 1);

	/* a wait of 250 ns that nothing ends: called after it, the clock 250 ns on */
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	uint64_t before = fake.now;
	assert_int_equal(evloop_run(&l, 250), 0);
	assert_int_equal(wl.n, 2);
	assert_int_equal(wl.at, before + 250);
	close(p[0]);
	close(p[1]);
	evloop_destroy(&l);
}

static void the_wait_ends_at_the_bound_or_the_nearest_timer(void **state)
{
	(void)state;
	struct evloop l;
	int fired = 0, other = 0;
	loop_new(&l);
	int t = evloop_timer_add(&l, on_timer, &fired);
	int u = evloop_timer_add(&l, on_timer, &other);
	assert_true(t >= 0 && u >= 0 && t != u);
	uint64_t start = fake.now;
	evloop_timer_arm(&l, t, start + 250000000u); /* 250 ms */
	evloop_timer_arm(&l, u, start + 900000000u); /* 900 ms */
	assert_int_equal(evloop_next_timer(&l), start + 250000000u);

	/* a shorter bound wins, and nothing is due yet */
	assert_int_equal(evloop_run(&l, 100000000u), 0);
	assert_int_equal(fake.last_wait, 100000000);
	assert_int_equal(fired, 0);

	/* waiting for ever stops at the first timer, which fires once and disarms */
	assert_int_equal(evloop_run(&l, EVLOOP_FOREVER), 1);
	assert_int_equal(fake.last_wait, 150000000);
	assert_int_equal(fired, 1);
	assert_int_equal(other, 0);
	assert_int_equal(evloop_next_timer(&l), start + 900000000u);
	assert_int_equal(l.narmed, 1);

	/* disarmed: the wait is for ever (no fd, no timer) */
	evloop_timer_disarm(&l, u);
	evloop_timer_disarm(&l, u); /* twice: still counted once */
	assert_int_equal(l.narmed, 0);
	assert_int_equal(evloop_next_timer(&l), EVLOOP_FOREVER);
	assert_int_equal(evloop_run(&l, EVLOOP_FOREVER), 0);
	assert_int_equal(fake.last_wait, FOREVER);
	assert_int_equal(other, 0);
	evloop_destroy(&l);
}

static void a_wait_is_exact_to_the_nanosecond(void **state)
{
	(void)state;
	struct evloop l;
	int fired = 0;
	loop_new(&l);
	int t = evloop_timer_add(&l, on_timer, &fired);
	evloop_timer_arm(&l, t, fake.now + 1); /* 1 ns away: a wait of 1 ns, then it fires */
	assert_int_equal(evloop_run(&l, EVLOOP_FOREVER), 1);
	assert_int_equal(fake.last_wait, 1);
	assert_int_equal(fired, 1);

	evloop_timer_arm(&l, t, fake.now + 2500000001u); /* 2.5 s and 1 ns: seconds and the rest */
	assert_int_equal(evloop_run(&l, EVLOOP_FOREVER), 1);
	assert_int_equal(fake.last_wait, 2500000001);
	assert_int_equal(fired, 2);

	unsigned polls = fake.polls;
	evloop_timer_arm(&l, t, fake.now - 5); /* already past: no wait (and no poll), it fires */
	assert_int_equal(evloop_run(&l, EVLOOP_FOREVER), 1);
	assert_int_equal(fake.polls, polls);
	assert_int_equal(fired, 3);
	evloop_destroy(&l);
}

/* A timer callback that removes its neighbour and re-arms itself for a time already past. */
struct chain {
	struct evloop *l;
	int self, victim, runs;
};

static void chain_fire(void *opaque)
{
	struct chain *c = opaque;
	c->runs++;
	evloop_timer_remove(c->l, c->victim);
	evloop_timer_arm(c->l, c->self, 0);
}

static void a_timer_may_remove_another_and_rearm_itself(void **state)
{
	(void)state;
	struct evloop l;
	int victim_runs = 0;
	struct chain c = { .l = &l };
	loop_new(&l);
	c.self = evloop_timer_add(&l, chain_fire, &c);
	c.victim = evloop_timer_add(&l, on_timer, &victim_runs);
	evloop_timer_arm(&l, c.self, fake.now);
	evloop_timer_arm(&l, c.victim, fake.now);
	/* both due; the first removes the second, which must not run; re-armed for the past, the
	 * first runs once a round, never in a loop within one */
	assert_int_equal(evloop_run(&l, 0), 1);
	assert_int_equal(c.runs, 1);
	assert_int_equal(victim_runs, 0);
	assert_int_equal(evloop_run(&l, 0), 1);
	assert_int_equal(c.runs, 2);
	evloop_destroy(&l);
}

/* A source in libslirp's shape: many fds, added every round, and a deadline of its own. */
struct src {
	int fds[40];
	int idx[40];
	int nfds;
	uint64_t deadline;
	int ready;      /* dispatch: how many of its fds poll found readable */
	int dispatched;
};

static void src_prepare(void *opaque, struct evloop *l, uint64_t *deadline)
{
	struct src *s = opaque;
	for (int i = 0; i < s->nfds; i++)
		s->idx[i] = evloop_poll_add(l, s->fds[i], POLLIN);
	if (s->deadline < *deadline)
		*deadline = s->deadline;
}

static void src_dispatch(void *opaque, struct evloop *l)
{
	struct src *s = opaque;
	s->ready = 0;
	s->dispatched++;
	for (int i = 0; i < s->nfds; i++)
		s->ready += (evloop_poll_revents(l, s->idx[i]) & POLLIN) != 0;
}

static const struct evloop_source_ops src_ops = { src_prepare, src_dispatch };

static void a_source_adds_its_fds_and_its_deadline_every_round(void **state)
{
	(void)state;
	struct evloop l;
	struct src s = { .nfds = 40 };
	int pipes[40][2];
	loop_new(&l);
	for (int i = 0; i < s.nfds; i++) {
		assert_int_equal(pipe(pipes[i]), 0);
		s.fds[i] = pipes[i][0];
	}
	s.deadline = fake.now + 30000000u; /* 30 ms */
	assert_true(evloop_source_add(&l, &src_ops, &s) >= 0);
	assert_int_equal(write(pipes[7][1], "a", 1), 1);
	assert_int_equal(write(pipes[33][1], "b", 1), 1);

	assert_int_equal(evloop_run(&l, EVLOOP_FOREVER), 1);
	assert_int_equal(fake.last_wait, 30000000);
	assert_int_equal(fake.last_n, 40);
	assert_int_equal(s.ready, 2);
	assert_int_equal(evloop_poll_revents(&l, s.idx[7]) & POLLIN, POLLIN);
	assert_int_equal(evloop_poll_revents(&l, s.idx[8]), 0);
	assert_int_equal(evloop_poll_revents(&l, -1), 0);
	assert_int_equal(evloop_poll_revents(&l, 40), 0);

	/* the poll set grew once; a second round of the same size does not grow it again */
	unsigned cap = l.cap;
	struct pollfd *pf = l.pfds;
	assert_true(cap >= 40);
	s.deadline = EVLOOP_FOREVER;
	assert_int_equal(evloop_run(&l, 0), 1);
	assert_int_equal(l.cap, cap);
	assert_ptr_equal(l.pfds, pf);
	assert_int_equal(s.dispatched, 2);

	for (int i = 0; i < s.nfds; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	evloop_destroy(&l);
}

static void every_table_refuses_past_its_size(void **state)
{
	(void)state;
	struct evloop l;
	struct hits h = { 0 };
	int fired = 0;
	loop_new(&l);
	for (int i = 0; i < EVLOOP_MAX_WATCHES; i++)
		assert_int_equal(evloop_watch_add(&l, 0, POLLIN, on_fd, &h), i);
	assert_int_equal(evloop_watch_add(&l, 0, POLLIN, on_fd, &h), -1);
	for (int i = 0; i < EVLOOP_MAX_TIMERS; i++)
		assert_int_equal(evloop_timer_add(&l, on_timer, &fired), i);
	assert_int_equal(evloop_timer_add(&l, on_timer, &fired), -1);
	for (int i = 0; i < EVLOOP_MAX_SOURCES; i++)
		assert_int_equal(evloop_source_add(&l, &src_ops, NULL), i);
	assert_int_equal(evloop_source_add(&l, &src_ops, NULL), -1);
	/* a freed slot is found again */
	evloop_watch_remove(&l, 5);
	assert_int_equal(evloop_watch_add(&l, 0, POLLIN, on_fd, &h), 5);
	evloop_timer_remove(&l, 9);
	assert_int_equal(evloop_timer_add(&l, on_timer, &fired), 9);
	evloop_destroy(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_watch_runs_only_when_its_fd_is_ready),
		cmocka_unit_test(the_woke_hook_runs_once_per_poll_before_the_callbacks),
		cmocka_unit_test(the_wait_ends_at_the_bound_or_the_nearest_timer),
		cmocka_unit_test(a_wait_is_exact_to_the_nanosecond),
		cmocka_unit_test(a_timer_may_remove_another_and_rearm_itself),
		cmocka_unit_test(a_source_adds_its_fds_and_its_deadline_every_round),
		cmocka_unit_test(every_table_refuses_past_its_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
