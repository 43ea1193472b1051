/* n_tcp_bulk.c - TCP between VMs. VM 0 (10.0.0.1) listens on port 9000; every other VM
 * connects CONNS times (default 1) and the two ends move BYTES (default 1,000,000) each way
 * on each connection, a pattern from a per-connection seed, checked with FNV-1a on arrival.
 *
 *   --vms N --args "bulk BYTES CONNS N"
 *
 * VM 0 serves (N - 1) * CONNS connections at once, polling them all, then prints its
 * counters; each client does the same for its own. "ok NAME" / "FAIL NAME" per check. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

#define PORT 9000
#define MAXC 64

struct conn {
	int fd;
	uint32_t sent, rcvd;         /* bytes so far */
	uint32_t seed;               /* the pattern: byte i is pat(seed, i) */
	uint32_t hash_rx, hash_want; /* FNV-1a of what arrived, of what should have */
	int done_tx, eof;
};

static uint8_t pat(uint32_t seed, uint32_t i)
{
	uint32_t x = (i / 4u) * 2654435761u ^ seed;
	return (uint8_t)(x >> (8u * (i % 4u)));
}

static uint32_t fnv(uint32_t h, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t bytes = 1000000u;

static void pump(struct conn *c, int n, const char *who)
{
	static uint8_t buf[4096];
	int live = n;
	while (live) {
		struct pollfd pf[MAXC];
		for (int i = 0; i < n; i++) {
			pf[i].fd = c[i].eof && c[i].done_tx ? -1 : c[i].fd;
			pf[i].events = (short)((c[i].eof ? 0 : POLLIN) | (c[i].done_tx ? 0 : POLLOUT));
		}
		if (poll(pf, (nfds_t)n, 60000) <= 0) {
			printf("FAIL %s.poll_timeout\n", who);
			check_fail();
			return;
		}
		for (int i = 0; i < n; i++) {
			struct conn *k = &c[i];
			if (pf[i].fd < 0)
				continue;
			if ((pf[i].revents & POLLOUT) && !k->done_tx) {
				uint32_t m = bytes - k->sent < sizeof buf ? bytes - k->sent : sizeof buf;
				for (uint32_t j = 0; j < m; j++)
					buf[j] = pat(k->seed, k->sent + j);
				ssize_t r = send(k->fd, buf, m, MSG_DONTWAIT);
				if (r > 0)
					k->sent += (uint32_t)r;
				if (k->sent == bytes) {
					shutdown(k->fd, SHUT_WR);
					k->done_tx = 1;
				}
			}
			if (!k->eof && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))) {
				ssize_t r = recv(k->fd, buf, sizeof buf, MSG_DONTWAIT);
				if (r > 0) {
					k->hash_rx = fnv(k->hash_rx, buf, (uint32_t)r);
					k->rcvd += (uint32_t)r;
				} else if (r == 0 || (errno != EAGAIN)) {
					k->eof = 1;
				}
			}
			if (k->eof && k->done_tx) {
				live--;
				pf[i].fd = -1;
			}
		}
	}
}

/* The hash of the first n bytes the peer sends with seed. */
static uint32_t want(uint32_t seed, uint32_t n)
{
	uint8_t b[256];
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i += sizeof b) {
		uint32_t m = n - i < sizeof b ? n - i : sizeof b;
		for (uint32_t j = 0; j < m; j++)
			b[j] = pat(seed, i + j);
		h = fnv(h, b, m);
	}
	return h;
}

static int verify(struct conn *c, int n, const char *who)
{
	int good = 0;
	for (int i = 0; i < n; i++) {
		c[i].hash_want = want(c[i].seed ^ 0x5A5A5A5Au, bytes);
		if (c[i].rcvd == bytes && c[i].hash_rx == c[i].hash_want) {
			good++;
			continue;
		}
		/* Short, or wrong: whether what did arrive is intact tells a stall from
		 * corruption. */
		int prefix = c[i].rcvd < bytes &&
			     c[i].hash_rx == want(c[i].seed ^ 0x5A5A5A5Au, c[i].rcvd);
		printf("%s conn %d: %u bytes, hash %08x want %08x (%s)\n", who, i,
		       (unsigned)c[i].rcvd, (unsigned)c[i].hash_rx, (unsigned)c[i].hash_want,
		       prefix ? "short, what arrived is intact" : "corrupt");
	}
	return good;
}

int main(int argc, char **argv)
{
	int per = 1, vms = 2;
	if (argc > 2)
		bytes = (uint32_t)strtol(argv[2], NULL, 10);
	if (argc > 3)
		per = (int)strtol(argv[3], NULL, 10);
	if (argc > 4)
		vms = (int)strtol(argv[4], NULL, 10);
	static struct conn c[MAXC];
	uint64_t t0 = now_ns();
	if (dva_page0.vm_id == 0) {
		int n = (vms - 1) * per;
		int lis = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(PORT) };
		bind(lis, (struct sockaddr *)&me, sizeof me);
		check("server.listen", listen(lis, n) == 0, errno);
		int got = 0;
		for (int i = 0; i < n; i++) {
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			c[i].fd = accept(lis, (struct sockaddr *)&from, &fl);
			if (c[i].fd < 0)
				break;
			got++;
			/* The seed is the peer's address and port: both ends know it. */
			c[i].seed = from.sin_addr.s_addr ^ ntohs(from.sin_port) ^ 0x5A5A5A5Au;
			c[i].hash_rx = 2166136261u;
		}
		check("server.accepted_all", got == n, got);
		pump(c, got, "server");
		int good = verify(c, got, "server");
		check("server.all_intact", good == n, good);
		for (int i = 0; i < got; i++)
			close(c[i].fd);
		close(lis);
	} else {
		sleep_us(1000u * dva_page0.vm_id); /* the server listens first */
		int up = 0;
		for (int i = 0; i < per; i++) {
			c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
			struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT) };
			inet_aton("10.0.0.1", &to.sin_addr);
			if (connect(c[i].fd, (struct sockaddr *)&to, sizeof to) < 0) {
				printf("connect %d: errno %d\n", i, errno);
				continue;
			}
			struct sockaddr_in me;
			socklen_t ml = sizeof me;
			getsockname(c[i].fd, (struct sockaddr *)&me, &ml);
			c[i].seed = me.sin_addr.s_addr ^ ntohs(me.sin_port);
			c[i].hash_rx = 2166136261u;
			up++;
		}
		check("client.connected_all", up == per, up);
		pump(c, up, "client");
		int good = verify(c, up, "client");
		check("client.all_intact", good == per, good);
		for (int i = 0; i < up; i++)
			close(c[i].fd);
	}
	uint64_t dt = now_ns() - t0;
	printf("vm %u: %u bytes each way on %d connection(s) in %u ms of system time\n",
	       (unsigned)dva_page0.vm_id, (unsigned)bytes, dva_page0.vm_id ? per : (vms - 1) * per,
	       (unsigned)(dt / 1000000u));
	if (dva_page0.vm_id == 0 || vms == 2)
		net_print_counters();
	sleep_us(1500000); /* stay up through the peers' TIME_WAIT and last ACKs */
	return checks_failed();
}
