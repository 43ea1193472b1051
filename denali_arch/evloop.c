/* evloop.c - the host event loop (evloop.h): one poll(2) a round over every backend's fds, and host timers. */
#include "denali_arch/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t monotonic_ns(void *opaque)
{
	struct timespec ts;
	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void evloop_init(struct evloop *l)
{
	memset(l, 0, sizeof(*l));
	for (unsigned i = 0; i < EVLOOP_MAX_WATCHES; i++)
		l->watches[i].fd = -1;
	l->clock = monotonic_ns;
	l->poll = ppoll;
}

void evloop_destroy(struct evloop *l)
{
	free(l->pfds);
	l->pfds = NULL;
	l->cap = l->npfds = 0;
}

void evloop_set_clock(struct evloop *l, evloop_clock_fn clock, void *opaque)
{
	l->clock = clock;
	l->clock_opaque = opaque;
}

uint64_t evloop_now(const struct evloop *l)
{
	return l->clock(l->clock_opaque);
}

/* ---- watches and sources ------------------------------------------------------------------- */

int evloop_watch_add(struct evloop *l, int fd, short events, evloop_fd_fn fn, void *opaque)
{
	for (int i = 0; i < EVLOOP_MAX_WATCHES; i++)
		if (l->watches[i].fd < 0) {
			l->watches[i] = (struct evloop_watch){ fd, events, fn, opaque, -1 };
			l->nwatching += events != 0;
			return i;
		}
	return -1;
}

void evloop_watch_events(struct evloop *l, int handle, short events)
{
	if (handle < 0 || handle >= EVLOOP_MAX_WATCHES || l->watches[handle].fd < 0)
		return;
	l->nwatching += (events != 0) - (l->watches[handle].events != 0);
	l->watches[handle].events = events;
}

void evloop_watch_remove(struct evloop *l, int handle)
{
	if (handle < 0 || handle >= EVLOOP_MAX_WATCHES || l->watches[handle].fd < 0)
		return;
	l->nwatching -= l->watches[handle].events != 0;
	l->watches[handle] = (struct evloop_watch){ .fd = -1, .slot = -1 };
}

int evloop_source_add(struct evloop *l, const struct evloop_source_ops *ops, void *opaque)
{
	for (int i = 0; i < EVLOOP_MAX_SOURCES; i++)
		if (!l->sources[i].ops) {
			l->sources[i] = (struct evloop_source){ ops, opaque };
			l->nsources++;
			return i;
		}
	return -1;
}

void evloop_source_remove(struct evloop *l, int handle)
{
	if (handle >= 0 && handle < EVLOOP_MAX_SOURCES && l->sources[handle].ops) {
		l->sources[handle] = (struct evloop_source){ NULL, NULL };
		l->nsources--;
	}
}

int evloop_poll_add(struct evloop *l, int fd, short events)
{
	if (l->npfds == l->cap) {
		/* grows only: a loop whose rounds need no more slots than before allocates nothing */
		unsigned cap = l->cap ? 2 * l->cap : 16;
		struct pollfd *p = realloc(l->pfds, cap * sizeof(*p));
		if (!p)
			return -1;
		l->pfds = p;
		l->cap = cap;
	}
	l->pfds[l->npfds] = (struct pollfd){ .fd = fd, .events = events, .revents = 0 };
	return (int)l->npfds++;
}

short evloop_poll_revents(const struct evloop *l, int index)
{
	if (index < 0 || (unsigned)index >= l->npfds)
		return 0;
	return l->pfds[index].revents;
}

/* ---- timers ----------------------------------------------------------------------------------- */

int evloop_timer_add(struct evloop *l, evloop_timer_fn fn, void *opaque)
{
	for (int i = 0; i < EVLOOP_MAX_TIMERS; i++)
		if (!l->timers[i].fn) {
			l->timers[i] = (struct evloop_timer){ fn, opaque, 0, false };
			return i;
		}
	return -1;
}

void evloop_timer_arm(struct evloop *l, int handle, uint64_t when_ns)
{
	if (handle >= 0 && handle < EVLOOP_MAX_TIMERS && l->timers[handle].fn) {
		l->narmed += !l->timers[handle].armed;
		l->timers[handle].when_ns = when_ns;
		l->timers[handle].armed = true;
	}
}

void evloop_timer_disarm(struct evloop *l, int handle)
{
	if (handle >= 0 && handle < EVLOOP_MAX_TIMERS && l->timers[handle].armed) {
		l->timers[handle].armed = false;
		l->narmed--;
	}
}

void evloop_timer_remove(struct evloop *l, int handle)
{
	evloop_timer_disarm(l, handle);
	if (handle >= 0 && handle < EVLOOP_MAX_TIMERS)
		l->timers[handle] = (struct evloop_timer){ NULL, NULL, 0, false };
}

uint64_t evloop_next_timer(const struct evloop *l)
{
	uint64_t next = EVLOOP_FOREVER;
	for (unsigned i = 0; i < EVLOOP_MAX_TIMERS; i++)
		if (l->timers[i].fn && l->timers[i].armed && l->timers[i].when_ns < next)
			next = l->timers[i].when_ns;
	return next;
}

/* Fire every armed timer whose time has come, each once (a callback that re-arms its timer
 * for a time already past runs again next round, not in a loop here). */
static int fire_timers(struct evloop *l, uint64_t now)
{
	bool due[EVLOOP_MAX_TIMERS];
	int ran = 0;
	for (unsigned i = 0; i < EVLOOP_MAX_TIMERS; i++)
		due[i] = l->timers[i].fn && l->timers[i].armed && l->timers[i].when_ns <= now;
	for (unsigned i = 0; i < EVLOOP_MAX_TIMERS; i++) {
		if (!due[i] || !l->timers[i].fn || !l->timers[i].armed)
			continue; /* removed or disarmed by an earlier callback */
		evloop_timer_disarm(l, (int)i);
		l->timers[i].fn(l->timers[i].opaque);
		ran++;
	}
	return ran;
}

/* ---- one round ------------------------------------------------------------------------------- */

/* ppoll's timeout for a wait until deadline (absolute, host ns); NULL for ever. */
static const struct timespec *wait_for(uint64_t now, uint64_t deadline, struct timespec *ts)
{
	if (deadline == EVLOOP_FOREVER)
		return NULL;
	uint64_t ns = deadline > now ? deadline - now : 0;
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return ts;
}

int evloop_run(struct evloop *l, uint64_t bound_ns)
{
	/* the kernel's look at every quantum boundary: at once when nothing is watched or timed */
	bool timed = bound_ns || l->narmed || l->nsources;
	if (!timed && !l->nwatching)
		return 0;
	uint64_t now = timed ? evloop_now(l) : 0;
	uint64_t deadline = bound_ns == EVLOOP_FOREVER ? EVLOOP_FOREVER
			  : bound_ns > EVLOOP_FOREVER - now ? EVLOOP_FOREVER - 1 : now + bound_ns;
	uint64_t next = evloop_next_timer(l);
	if (next < deadline)
		deadline = next;

	l->npfds = 0;
	for (unsigned i = 0; i < EVLOOP_MAX_WATCHES; i++) {
		struct evloop_watch *w = &l->watches[i];
		w->slot = w->fd >= 0 && w->events ? evloop_poll_add(l, w->fd, w->events) : -1;
	}
	for (unsigned i = 0; i < EVLOOP_MAX_SOURCES; i++)
		if (l->sources[i].ops && l->sources[i].ops->prepare)
			l->sources[i].ops->prepare(l->sources[i].opaque, l, &deadline);

	struct timespec ts;
	const struct timespec *wait = wait_for(now, deadline, &ts);
	if (l->npfds || !wait || wait->tv_sec || wait->tv_nsec) {
		int n = l->poll(l->pfds, l->npfds, wait, NULL);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n < 0)
			for (unsigned i = 0; i < l->npfds; i++)
				l->pfds[i].revents = 0;
		if (l->woke) /* the owner's clock moved on while it waited */
			l->woke(l->woke_opaque);
	}

	int ran = 0;
	for (unsigned i = 0; i < EVLOOP_MAX_WATCHES; i++) {
		struct evloop_watch *w = &l->watches[i];
		short rev = evloop_poll_revents(l, w->slot);
		if (w->fd >= 0 && w->slot >= 0 && rev) {
			w->fn(w->opaque, w->fd, rev);
			ran++;
		}
	}
	for (unsigned i = 0; i < EVLOOP_MAX_SOURCES; i++)
		if (l->sources[i].ops && l->sources[i].ops->dispatch) {
			l->sources[i].ops->dispatch(l->sources[i].opaque, l);
			ran++;
		}
	return ran + (l->narmed ? fire_timers(l, evloop_now(l)) : 0);
}
