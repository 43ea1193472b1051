/* tap.c - the TAP port (devices/tap.h): one file descriptor from /dev/net/tun, watched by the
 * kernel's event loop; a frame per read(2) and per write(2), no packet-information header. */
#include "devices/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "denali_arch/evloop.h"

struct tapport {
	struct net *nic;      /* its port on the switch (owned) */
	struct evloop *loop;
	int fd;
	int watch;
	uint64_t dropped;     /* frames from the host that found the port's queue full */
};

/* A locally administered MAC of its own; frames from the host carry the interface's, which
 * the switch does not check for a host port. */
static const uint8_t tap_mac[6] = { 0x02, 0x44, 0x4E, 0xFF, 0xFF, 0xFE };

static void from_host(void *opaque, int fd, short revents)
{
	struct tapport *t = opaque;
	uint8_t frame[NET_FRAME_MAX + 4];
	(void)revents;
	for (;;) { /* every frame waiting: the fd is non-blocking */
		ssize_t n = read(fd, frame, sizeof(frame));
		if (n <= 0)
			return;
		if (!net_host_send(t->nic, frame, (uint32_t)n))
			t->dropped++; /* too long (an MTU set above 1500), or the queue is full */
	}
}

static void to_host(void *opaque, const uint8_t *data, uint32_t len)
{
	struct tapport *t = opaque;
	if (write(t->fd, data, len) < 0)
		t->nic->stats.drop_unknown++; /* the interface is down: as a frame for nobody */
}

struct tapport *tap_new(struct netswitch *sw, struct evloop *loop, const char *ifname, char *err,
			size_t errlen)
{
	struct ifreq ifr;
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		snprintf(err, errlen, "'%s' is longer than an interface name may be", ifname);
		return NULL;
	}
	struct tapport *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	t->loop = loop;
	t->watch = -1;
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(errno));
		tap_destroy(t);
		return NULL;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "cannot attach to %s: %s", ifname, strerror(errno));
		tap_destroy(t);
		return NULL;
	}
	t->nic = net_new(sw, tap_mac, NULL);
	if (t->nic)
		t->nic->txq = NET_HOST_TXQ;
	if (!t->nic || !net_bring_up(t->nic)) {
		snprintf(err, errlen, "out of host memory");
		tap_destroy(t);
		return NULL;
	}
	t->nic->sink = to_host;
	t->nic->sink_opaque = t;
	t->watch = evloop_watch_add(loop, t->fd, POLLIN, from_host, t);
	if (t->watch < 0) {
		snprintf(err, errlen, "the event loop has no room for another watch");
		tap_destroy(t);
		return NULL;
	}
	sw->uplink = t->nic;
	return t;
}

void tap_destroy(struct tapport *t)
{
	if (!t)
		return;
	if (t->watch >= 0)
		evloop_watch_remove(t->loop, t->watch);
	if (t->nic) {
		if (t->nic->sw->uplink == t->nic)
			t->nic->sw->uplink = NULL;
		t->nic->sink = NULL;
		t->nic->dev.ops->destroy(&t->nic->dev);
	}
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}
