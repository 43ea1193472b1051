/* evloop.h - the host event loop: file descriptors and host timers, served between quanta.
 *
 * The kernel never blocks inside a quantum. Between quanta it calls evloop_run(loop, bound_ns):
 * every registered source adds the descriptors it wants watched (and may shorten the wait), one
 * poll(2) waits for them, no longer than the bound or the nearest host timer, then each source
 * reads what happened and each timer that is due fires. A bound of 0 only looks (the kernel's
 * call at a quantum boundary); EVLOOP_FOREVER waits until something happens (every VM idles with
 * nothing timed). The shape is TinyEMU's virt_machine_run and QEMU's main loop: backends give
 * fds and deadlines, the loop gives them one wait.
 *
 * Two kinds of backend:
 *   - a watch: one fd with fixed interest and a callback (stdin, a listening socket);
 *   - a source: a prepare/dispatch pair for a backend whose fds change every round (libslirp's
 *     slirp_pollfds_fill and slirp_pollfds_poll take exactly this shape).
 * Timers run on the loop's clock (host nanoseconds, CLOCK_MONOTONIC by default; tests install a
 * fake one); the wait is ppoll(2)'s, in nanoseconds, so a timer is neither early nor rounded
 * to a millisecond. A round with nothing to watch and no wait makes no system call. Nothing here allocates except when a round needs more pollfd slots than any before,
 * so a steady loop makes no allocation.
 */
#ifndef DENALI_EVLOOP_H
#define DENALI_EVLOOP_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define EVLOOP_FOREVER UINT64_MAX /* evloop_run's bound: wait until an fd or a timer */
#define EVLOOP_MAX_WATCHES 16
#define EVLOOP_MAX_SOURCES 8
#define EVLOOP_MAX_TIMERS 32

struct evloop;

/* A watch's callback: revents as poll(2) reports them (POLLIN, POLLHUP, ...). */
typedef void (*evloop_fd_fn)(void *opaque, int fd, short revents);
/* A timer's callback, run once when its time has come (re-arm it to repeat). */
typedef void (*evloop_timer_fn)(void *opaque);
/* The loop's clock: host nanoseconds. */
typedef uint64_t (*evloop_clock_fn)(void *opaque);

/* A source: prepare adds fds with evloop_poll_add and may lower *deadline_ns (host ns, absolute);
 * dispatch reads the results with evloop_poll_revents. Both get the source's opaque pointer. */
struct evloop_source_ops {
	void (*prepare)(void *opaque, struct evloop *l, uint64_t *deadline_ns);
	void (*dispatch)(void *opaque, struct evloop *l);
};

struct evloop_watch {
	int fd;          /* -1: a free slot */
	short events;    /* POLLIN, POLLOUT: what to wait for; 0 pauses the watch */
	evloop_fd_fn fn;
	void *opaque;
	int slot;        /* this round's index in pfds, or -1 */
};

struct evloop_source {
	const struct evloop_source_ops *ops; /* NULL: a free slot */
	void *opaque;
};

struct evloop_timer {
	evloop_timer_fn fn; /* NULL: a free slot */
	void *opaque;
	uint64_t when_ns;   /* when it fires (the loop's clock); meaningful while armed */
	bool armed;
};

struct evloop {
	struct evloop_watch watches[EVLOOP_MAX_WATCHES];
	struct evloop_source sources[EVLOOP_MAX_SOURCES];
	struct evloop_timer timers[EVLOOP_MAX_TIMERS];
	struct pollfd *pfds; /* this round's poll set: watches first, then what sources added */
	unsigned npfds;      /* in use this round */
	unsigned cap;        /* allocated */
	unsigned nwatching;  /* watches with events to wait for */
	unsigned nsources;   /* registered sources */
	unsigned narmed;     /* armed timers. With none of the three and a bound of 0, a round
			      * returns at once: no clock read, no system call */
	evloop_clock_fn clock;
	void *clock_opaque;
	/* Called once after each poll, before any callback runs (or NULL): the kernel notes the
	 * system time there, so a line a callback raises counts as raised when the wait ended. */
	void (*woke)(void *opaque);
	void *woke_opaque;
	/* ppoll(2), or a stand-in for tests; timeout NULL waits for ever */
	int (*poll)(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask);
};

/* An empty loop on CLOCK_MONOTONIC and the real ppoll(2). */
void evloop_init(struct evloop *l);
void evloop_destroy(struct evloop *l);
/* Tests: another clock (and, by setting l->poll, another poll). */
void evloop_set_clock(struct evloop *l, evloop_clock_fn clock, void *opaque);
uint64_t evloop_now(const struct evloop *l);

/* Watch fd for events; a handle (>= 0), or -1 when every slot is taken. */
int evloop_watch_add(struct evloop *l, int fd, short events, evloop_fd_fn fn, void *opaque);
/* Change what a watch waits for (0 pauses it), or remove it. */
void evloop_watch_events(struct evloop *l, int handle, short events);
void evloop_watch_remove(struct evloop *l, int handle);

/* Register a source; a handle, or -1 when full. */
int evloop_source_add(struct evloop *l, const struct evloop_source_ops *ops, void *opaque);
void evloop_source_remove(struct evloop *l, int handle);
/* From a source's prepare: watch fd this round; the index to ask evloop_poll_revents about,
 * or -1 when the poll set could not grow. */
int evloop_poll_add(struct evloop *l, int fd, short events);
/* From a source's dispatch: what poll reported for that index (0 for -1 or out of range). */
short evloop_poll_revents(const struct evloop *l, int index);

/* A timer, disarmed; a handle, or -1 when full. */
int evloop_timer_add(struct evloop *l, evloop_timer_fn fn, void *opaque);
void evloop_timer_arm(struct evloop *l, int handle, uint64_t when_ns);
void evloop_timer_disarm(struct evloop *l, int handle);
void evloop_timer_remove(struct evloop *l, int handle);
/* The earliest armed timer's time, or EVLOOP_FOREVER. */
uint64_t evloop_next_timer(const struct evloop *l);

/* One round: prepare, one poll waiting at most bound_ns (and no later than the nearest timer or
 * a source's deadline), dispatch, fire due timers. Returns how many callbacks ran (watches whose
 * fd had events, sources dispatched, timers fired); -1 when poll failed other than by EINTR. */
int evloop_run(struct evloop *l, uint64_t bound_ns);

#endif
