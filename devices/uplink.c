/* uplink.c - the host's port on the switch through libslirp (devices/uplink.h). slirp is driven
 * by the kernel's event loop: a source adds slirp's sockets to each round's poll and hands
 * back what poll saw; slirp's timers are the loop's timers on the host's monotonic clock. */
#include "devices/uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libslirp.h>

#include "denali_arch/evloop.h"

#define UPLINK_TIMERS 8u
#define ARP_ANSWERS 64u       /* slirp's ARP requests the port answers itself, per drain */
#define ETH_ARP_LEN 42u       /* an Ethernet header and an IPv4 ARP packet */

/* slirp keeps 16 ARP entries, and a frame it holds for a request it made goes out only when a
 * later if_start finds the address, or is dropped after 1 s (then slirp's TCP waits out its
 * retransmission timer, 1-7 s). With more than 16 VMs talking to the host the entries thrash
 * and connections stall for seconds. So the port learns every VM's IPv4 address from the
 * frames VMs send it, answers slirp's requests for known addresses from that table without
 * broadcasting them to every VM, and after each answer (and each ARP from a VM) runs slirp's
 * output queue at once, while the entry is still there. */
struct uplink_host {
	uint32_t ip;          /* network byte order; 0 for a free slot */
	uint8_t mac[6];
};

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
	bool relisten;        /* forwards were added since the last round: widen their backlogs */
	struct uplink_host *hosts; /* open addressing, hosts_mask + 1 slots */
	uint32_t hosts_mask;
	uint32_t answers[ARP_ANSWERS]; /* addresses slirp asked for and the table knows */
	unsigned nanswers;
	bool draining;
};

/* The MAC slirp gives the gateway: 52:55 and the address (libslirp's convention for what it
 * answers for); its other addresses have MACs of the same shape, all unknown to the table, so
 * frames to any of them reach the port as unicast for no VM. */
static const uint8_t gateway_mac[6] = { 0x52, 0x55, 0x0A, 0xFF, 0xFF, 0xFE };

/* ---- addresses the port has seen: IPv4 -> MAC ---- */

#define HOST_PROBES 16u

static uint32_t host_slot(const struct uplink *u, uint32_t ip)
{
	uint32_t x = ip; /* every bit of the address matters: VMs differ in its last byte, which is
			  * the high byte of the network-order word here */
	x ^= x >> 16;
	x *= 0x7FEB352Du;
	x ^= x >> 15;
	x *= 0x846CA68Bu;
	x ^= x >> 16;
	return x & u->hosts_mask;
}

static void host_learn(struct uplink *u, uint32_t ip, const uint8_t *mac)
{
	if (ip == 0 || ip == 0xFFFFFFFFu)
		return;
	uint32_t home = host_slot(u, ip);
	for (uint32_t i = 0; i < HOST_PROBES; i++) {
		struct uplink_host *h = &u->hosts[(home + i) & u->hosts_mask];
		if (h->ip == ip || h->ip == 0) {
			h->ip = ip;
			memcpy(h->mac, mac, 6);
			return;
		}
	}
	u->hosts[home].ip = ip; /* a crowded run: the newest wins the home slot */
	memcpy(u->hosts[home].mac, mac, 6);
}

static const struct uplink_host *host_find(const struct uplink *u, uint32_t ip)
{
	uint32_t home = host_slot(u, ip);
	for (uint32_t i = 0; i < HOST_PROBES; i++) {
		const struct uplink_host *h = &u->hosts[(home + i) & u->hosts_mask];
		if (h->ip == ip)
			return h;
		if (h->ip == 0)
			return NULL;
	}
	return NULL;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t ip_at(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* A frame from a VM: remember its sender's address. True for ARP. */
static bool learn_from(struct uplink *u, const uint8_t *f, uint32_t len)
{
	if (len >= ETH_ARP_LEN && be16(f + 12) == 0x0806 && be16(f + 14) == 1 && be16(f + 16) == 0x0800 &&
	    f[18] == 6 && f[19] == 4) {
		if (memcmp(f + 22, f + 6, 6) == 0) /* the sender's MAC is the frame's source */
			host_learn(u, ip_at(f + 28), f + 22);
		return true;
	}
	if (len >= 34 && be16(f + 12) == 0x0800 && (f[14] >> 4) == 4)
		host_learn(u, ip_at(f + 26), f + 6);
	return false;
}

/* slirp's ARP request for an address the table knows: the IPv4 address, else 0. */
static uint32_t answerable(const struct uplink *u, const uint8_t *f, size_t len)
{
	if (len < ETH_ARP_LEN || be16(f + 12) != 0x0806 || be16(f + 20) != 1)
		return 0;
	uint32_t ip = ip_at(f + 38);
	return host_find(u, ip) ? ip : 0;
}

/* Run slirp's output queue now. With select_error set slirp_pollfds_poll looks at no socket:
 * it runs its timers if due and then if_start, which is what is wanted. */
static void kick(struct uplink *u)
{
	slirp_pollfds_poll(u->slirp, 1, NULL, NULL);
}

/* Give slirp, one at a time, the answers to its requests, as gratuitous ARPs (the form slirp
 * takes into its table whatever it asked), each followed by a kick. */
static void drain_answers(struct uplink *u)
{
	if (u->draining)
		return;
	u->draining = true;
	while (u->nanswers) {
		uint32_t ip = u->answers[--u->nanswers];
		const struct uplink_host *h = host_find(u, ip);
		if (!h)
			continue;
		uint8_t f[ETH_ARP_LEN];
		memset(f, 0xFF, 6);
		memcpy(f + 6, h->mac, 6);
		f[12] = 0x08, f[13] = 0x06;
		f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0, f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;
		memcpy(f + 22, h->mac, 6);
		memcpy(f + 28, &ip, 4);
		memset(f + 32, 0, 6);
		memcpy(f + 38, &ip, 4);
		slirp_input(u->slirp, f, (int)sizeof(f));
		kick(u);
	}
	u->draining = false;
}

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
	struct uplink *u = opaque;
	uint32_t ip = answerable(u, buf, len);
	if (ip && u->nanswers < ARP_ANSWERS) {
		u->answers[u->nanswers++] = ip;
		return (ssize_t)len;
	}
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
	drain_answers(t->u);
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

/* slirp listens on a forward's host socket with a backlog of 1, so when a client opens 20
 * connections at once the host kernel drops most of the SYNs and the client waits out its 1 s,
 * 3 s, ... retries. Linux lets a listening socket be given a new backlog by calling listen()
 * again; slirp names its sockets only through pollfds_fill, so the round after forwards were
 * added finds its listeners there. */
static void widen_backlog(int fd)
{
	int listening = 0;
	socklen_t len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening)
		(void)listen(fd, SOMAXCONN);
}

static int add_poll_widening(int fd, int events, void *opaque)
{
	if (events & SLIRP_POLL_IN)
		widen_backlog(fd);
	return add_poll(fd, events, opaque);
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
	slirp_pollfds_fill(u->slirp, &timeout_ms, u->relisten ? add_poll_widening : add_poll, l);
	u->relisten = false;
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
	drain_answers(u);
}

static const struct evloop_source_ops source_ops = { .prepare = prepare, .dispatch = dispatch };

/* A frame the switch gives the host's port. */
static void to_slirp(void *opaque, const uint8_t *data, uint32_t len)
{
	struct uplink *u = opaque;
	bool arp = learn_from(u, data, len);
	slirp_input(u->slirp, data, (int)len);
	if (arp)
		kick(u); /* a reply slirp waited for: send what it held while the entry is fresh */
	drain_answers(u);
}

static struct in_addr addr4(uint32_t host_order)
{
	return (struct in_addr){ htonl(host_order) };
}

struct uplink *uplink_new(struct netswitch *sw, struct evloop *loop, uint64_t vms, char *err,
			  size_t errlen)
{
	struct uplink *u = calloc(1, sizeof(*u));
	uint32_t slots = 64;
	while (slots < 2 * vms && slots < (1u << 24))
		slots <<= 1;
	if (u)
		u->hosts = calloc(slots, sizeof(*u->hosts));
	if (!u || !u->hosts) {
		free(u);
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	u->hosts_mask = slots - 1;
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
	int r = slirp_add_hostfwd(u->slirp, udp, (struct in_addr){ host_addr }, host_port,
				  addr4(guest_addr), guest_port);
	if (r == 0 && !udp)
		u->relisten = true;
	return r;
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
	free(u->hosts);
	free(u);
}
