/* uplink.c - the host's port on the switch through libslirp (devices/uplink.h). slirp is driven
 * by the kernel's event loop: a source adds slirp's sockets to each round's poll and hands
 * back what poll saw; slirp's timers are the loop's timers on the host's monotonic clock. */
#include "devices/uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libslirp.h>

#include "denali_arch/evloop.h"

#define UPLINK_TIMERS 8u

struct uplink_timer {
	struct uplink *u;
	int handle;           /* the loop's timer, -1 for a free slot */
	SlirpTimerCb cb;
	void *cb_opaque;
};

struct uplink {
	struct net *nic;      /* its port on the switch (owned) */
	struct evloop *loop;
	Slirp *slirp;
	int source;           /* the loop's source handle */
	struct uplink_timer timers[UPLINK_TIMERS];
	uint64_t dropped;     /* frames from slirp that found the port's queue full */
};

/* The MAC slirp gives the gateway: 52:55 and the address (libslirp's convention for what it
 * answers for); its other addresses have MACs of the same shape, all unknown to the table, so
 * frames to any of them reach the port as unicast for no VM. */
static const uint8_t gateway_mac[6] = { 0x52, 0x55, 0x0A, 0xFF, 0xFF, 0xFE };

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
	struct uplink *u = opaque;
	if (!net_host_send(u->nic, buf, (uint32_t)len))
		u->dropped++; /* the guests' TCP resends, as slirp's contract allows */
	return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
	(void)msg;
	(void)opaque; /* a guest's malformed traffic: slirp drops it; nothing for the host to say */
}

static int64_t clock_get_ns(void *opaque)
{
	struct uplink *u = opaque;
	return (int64_t)evloop_now(u->loop);
}

static void timer_fired(void *opaque)
{
	struct uplink_timer *t = opaque;
	t->cb(t->cb_opaque);
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct uplink *u = opaque;
	for (unsigned i = 0; i < UPLINK_TIMERS; i++) {
		struct uplink_timer *t = &u->timers[i];
		if (t->handle >= 0)
			continue;
		t->handle = evloop_timer_add(u->loop, timer_fired, t);
		if (t->handle < 0)
			return NULL;
		t->u = u;
		t->cb = cb;
		t->cb_opaque = cb_opaque;
		return t;
	}
	return NULL;
}

static void timer_free(void *timer, void *opaque)
{
	struct uplink_timer *t = timer;
	(void)opaque;
	if (!t)
		return;
	evloop_timer_remove(t->u->loop, t->handle);
	t->handle = -1;
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct uplink_timer *t = timer;
	(void)opaque;
	if (t)
		evloop_timer_arm(t->u->loop, t->handle, (uint64_t)expire_ms * 1000000u);
}

static void register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque; /* every round asks slirp for its fds anew */
}

static void notify(void *opaque)
{
	(void)opaque;
}

static const SlirpCb callbacks = {
	.send_packet = send_packet,
	.guest_error = guest_error,
	.clock_get_ns = clock_get_ns,
	.timer_new = timer_new,
	.timer_free = timer_free,
	.timer_mod = timer_mod,
	.register_poll_fd = register_poll_fd,
	.unregister_poll_fd = register_poll_fd,
	.notify = notify,
};

/* ---- the loop's source: slirp_pollfds_fill and slirp_pollfds_poll ---- */


static int add_poll(int fd, int events, void *opaque)
{
	struct evloop *l = opaque;
	short ev = 0;
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return evloop_poll_add(l, fd, ev);
}

static int get_revents(int idx, void *opaque)
{
	const struct evloop *l = opaque;
	short re = evloop_poll_revents(l, idx);
	int ev = 0;
	if (re & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (re & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (re & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (re & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (re & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static void prepare(void *opaque, struct evloop *l, uint64_t *deadline_ns)
{
	struct uplink *u = opaque;
	uint32_t timeout_ms = UINT32_MAX;
	slirp_pollfds_fill(u->slirp, &timeout_ms, add_poll, l);
	if (timeout_ms != UINT32_MAX) {
		uint64_t at = evloop_now(l) + (uint64_t)timeout_ms * 1000000u;
		if (at < *deadline_ns)
			*deadline_ns = at;
	}
}

static void dispatch(void *opaque, struct evloop *l)
{
	struct uplink *u = opaque;
	slirp_pollfds_poll(u->slirp, 0, get_revents, l);
}

static const struct evloop_source_ops source_ops = { .prepare = prepare, .dispatch = dispatch };

/* A frame the switch gives the host's port. */
static void to_slirp(void *opaque, const uint8_t *data, uint32_t len)
{
	struct uplink *u = opaque;
	slirp_input(u->slirp, data, (int)len);
}

static struct in_addr addr4(uint32_t host_order)
{
	return (struct in_addr){ htonl(host_order) };
}

struct uplink *uplink_new(struct netswitch *sw, struct evloop *loop, char *err, size_t errlen)
{
	struct uplink *u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	for (unsigned i = 0; i < UPLINK_TIMERS; i++)
		u->timers[i].handle = -1;
	u->loop = loop;
	u->nic = net_new(sw, gateway_mac, NULL);
	if (u->nic)
		u->nic->txq = NET_HOST_TXQ;
	if (!u->nic || !net_bring_up(u->nic)) {
		snprintf(err, errlen, "out of host memory");
		uplink_destroy(u);
		return NULL;
	}
	u->nic->sink = to_slirp;
	u->nic->sink_opaque = u;
	SlirpConfig cfg = {
		.version = 1,
		.in_enabled = true,
		.vnetwork = addr4(0x0A000000u),
		.vnetmask = addr4(0xFF000000u),
		.vhost = addr4(UPLINK_GATEWAY),
		.vdhcp_start = addr4(0x0AFF0000u), /* DHCP is not used: addresses follow vm_id */
		.vnameserver = addr4(UPLINK_DNS),
		.vhostname = "denali",
	};
	/* slirp writes to host sockets whose peer may have gone (a client that hung up): that must
	 * be EPIPE for slirp to handle, not SIGPIPE ending the run. */
	signal(SIGPIPE, SIG_IGN);
	u->slirp = slirp_new(&cfg, &callbacks, u);
	if (!u->slirp) {
		snprintf(err, errlen, "libslirp could not start");
		uplink_destroy(u);
		return NULL;
	}
	u->source = evloop_source_add(loop, &source_ops, u);
	if (u->source < 0) {
		snprintf(err, errlen, "the event loop has no room for another source");
		uplink_destroy(u);
		return NULL;
	}
	sw->uplink = u->nic;
	return u;
}

int uplink_forward(struct uplink *u, bool udp, uint32_t host_addr, uint16_t host_port,
		   uint32_t guest_addr, uint16_t guest_port)
{
	return slirp_add_hostfwd(u->slirp, udp, (struct in_addr){ host_addr }, host_port,
				 addr4(guest_addr), guest_port);
}

const struct net_stats *uplink_stats(const struct uplink *u)
{
	return &u->nic->stats;
}

void uplink_destroy(struct uplink *u)
{
	if (!u)
		return;
	if (u->source >= 0 && u->slirp)
		evloop_source_remove(u->loop, u->source);
	if (u->slirp)
		slirp_cleanup(u->slirp);
	for (unsigned i = 0; i < UPLINK_TIMERS; i++)
		timer_free(u->timers[i].handle >= 0 ? &u->timers[i] : NULL, u);
	if (u->nic) {
		if (u->nic->sw->uplink == u->nic)
			u->nic->sw->uplink = NULL;
		u->nic->sink = NULL;
		u->nic->dev.ops->destroy(&u->nic->dev);
	}
	free(u);
}
