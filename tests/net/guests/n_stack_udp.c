/* n_stack_udp.c - guestos's UDP sockets on one VM, through loopback: round trip and source
 * address, bind's EADDRINUSE, an unbound port counted, truncation and EMSGSIZE, a full socket
 * queue, poll expiring and met, the non-blocking ways, and (--args idle) a blocking recvfrom
 * that leaves the VM idle. Prints "ok NAME" or "FAIL NAME: ..." per check; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "thread.h"
#include "timer.h"

static struct sockaddr_in sin_of(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_aton(a, &s.sin_addr);
	return s;
}

static int udp_bound(int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = sin_of("0.0.0.0", port);
	if (bind(fd, (struct sockaddr *)&me, sizeof me) < 0)
		return -1;
	return fd;
}

static int late_fd;
static int late_sender(void *arg)
{
	(void)arg;
	sleep_us(10000);
	struct sockaddr_in to = sin_of("10.0.0.1", 6001);
	sendto(late_fd, "late", 4, 0, (struct sockaddr *)&to, sizeof to);
	return 0;
}

static int idle_case(void)
{
	int fd = udp_bound(6100);
	struct timeval tv = { 0, 500000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char b[16];
	uint64_t t0 = now_ns(), i0 = dva_page0.instret;
	ssize_t n = recvfrom(fd, b, sizeof b, 0, NULL, NULL);
	uint64_t dt = now_ns() - t0, di = dva_page0.instret - i0;
	check("idle.timeout_eagain", n < 0 && errno == EAGAIN, n);
	check("idle.waited_500ms", dt >= 500000000u && dt < 510000000u, (long)(dt / 1000u));
	/* 500 ms of system time at 1e9 instructions/s would be 5e8 instructions of spinning. */
	check("idle.few_instructions", di < 20000u, (long)di);
	printf("idle: %u instructions in %u us\n", (unsigned)di, (unsigned)(dt / 1000u));
	return checks_failed();
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "idle") == 0)
		return idle_case();
	char buf[1600], big[1600];
	memset(big, 'x', sizeof big);

	/* Round trip through loopback, and where it came from. */
	int a = udp_bound(5000), b = udp_bound(5001);
	check("bind", a >= 3 && b >= 3 && a != b, a);
	struct sockaddr_in to = sin_of("10.0.0.1", 5001), from;
	socklen_t flen = sizeof from;
	check("sendto", sendto(a, "hello", 5, 0, (struct sockaddr *)&to, sizeof to) == 5, 0);
	ssize_t n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
	check("recvfrom.len", n == 5 && memcmp(buf, "hello", 5) == 0, n);
	check("recvfrom.src_addr", from.sin_addr.s_addr == inet_addr("10.0.0.1"),
	      (long)ntohl(from.sin_addr.s_addr));
	check("recvfrom.src_port", ntohs(from.sin_port) == 5000, ntohs(from.sin_port));
	check("recvfrom.fromlen", flen == sizeof from, (long)flen);
	check("recv.ttl", net_recv_ttl(b) == 64, net_recv_ttl(b));
	/* 127.0.0.1 is ourselves too; neither went out on the wire. */
	struct sockaddr_in lo = sin_of("127.0.0.1", 5001);
	sendto(a, "lo", 2, 0, (struct sockaddr *)&lo, sizeof lo);
	flen = sizeof from;
	n = recvfrom(b, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	check("loopback.127", n == 2 && from.sin_addr.s_addr == inet_addr("127.0.0.1"), n);
	struct net_counters c = net_counters();
	check("loopback.counted", c.ip_loopback == 2, c.ip_loopback);
	check("loopback.not_on_wire", c.tx_frames == 0, c.tx_frames);

	/* bind: a port taken, a socket bound twice, an address not ours. */
	int d = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in same = sin_of("0.0.0.0", 5000);
	check("bind.eaddrinuse", bind(d, (struct sockaddr *)&same, sizeof same) < 0 &&
	      errno == EADDRINUSE, errno);
	struct sockaddr_in other = sin_of("0.0.0.0", 5002);
	check("bind.twice_einval", bind(a, (struct sockaddr *)&other, sizeof other) < 0 &&
	      errno == EINVAL, errno);
	struct sockaddr_in foreign = sin_of("10.0.0.9", 5003);
	check("bind.eaddrnotavail", bind(d, (struct sockaddr *)&foreign, sizeof foreign) < 0 &&
	      errno == EADDRNOTAVAIL, errno);
	/* The port is free again after close. */
	close(a);
	check("bind.after_close", bind(d, (struct sockaddr *)&same, sizeof same) == 0, errno);
	a = d;

	/* An unbound port: counted, nothing queued anywhere. */
	struct sockaddr_in nowhere = sin_of("10.0.0.1", 5999);
	sendto(a, "x", 1, 0, (struct sockaddr *)&nowhere, sizeof nowhere);
	c = net_counters();
	check("udp.no_port", c.udp_no_port == 1, c.udp_no_port);

	/* Truncation: the rest of a datagram is dropped; MSG_TRUNC tells its length. */
	sendto(a, big, 200, 0, (struct sockaddr *)&to, sizeof to);
	sendto(a, big, 200, 0, (struct sockaddr *)&to, sizeof to);
	n = recv(b, buf, 50, 0);
	check("recv.truncated", n == 50, n);
	n = recv(b, buf, 50, MSG_TRUNC);
	check("recv.msg_trunc", n == 200, n);
	check("recv.rest_gone", recv(b, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN, n);
	/* The largest datagram goes; one byte more is EMSGSIZE. */
	check("send.1472", sendto(a, big, 1472, 0, (struct sockaddr *)&to, sizeof to) == 1472, errno);
	check("recv.1472", recv(b, buf, sizeof buf, 0) == 1472 && memcmp(buf, big, 1472) == 0, 0);
	check("send.emsgsize", sendto(a, big, 1473, 0, (struct sockaddr *)&to, sizeof to) < 0 &&
	      errno == EMSGSIZE, errno);

	/* A full receive queue drops, and counts, the rest. */
	for (int i = 0; i < 40; i++)
		sendto(a, &i, sizeof i, 0, (struct sockaddr *)&to, sizeof to);
	c = net_counters();
	check("sock.rx_drops", c.sock_rx_drops == 8, c.sock_rx_drops);
	int got = 0, first = -1;
	while (recv(b, buf, sizeof buf, MSG_DONTWAIT) == sizeof(int)) {
		if (got++ == 0)
			memcpy(&first, buf, sizeof first);
	}
	check("sock.rx_queue_32", got == 32 && first == 0, got);

	/* Non-blocking: MSG_DONTWAIT, SOCK_NONBLOCK, SO_RCVTIMEO. */
	check("dontwait.eagain", recv(b, buf, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN, errno);
	int nb = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	check("nonblock.eagain", recv(nb, buf, 1, 0) < 0 && errno == EAGAIN, errno);
	struct timeval tv = { 0, 30000 };
	check("rcvtimeo.set", setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, errno);
	uint64_t t0 = now_ns();
	n = recv(b, buf, 1, 0);
	uint64_t dt = now_ns() - t0;
	check("rcvtimeo.eagain", n < 0 && errno == EAGAIN, errno);
	check("rcvtimeo.30ms", dt >= 30000000u && dt < 31000000u, (long)(dt / 1000u));

	/* poll: a timeout that expires, one that is met, POLLOUT, POLLNVAL. */
	struct pollfd p = { .fd = b, .events = POLLIN };
	t0 = now_ns();
	int r = poll(&p, 1, 20);
	dt = now_ns() - t0;
	check("poll.expires", r == 0 && p.revents == 0, r);
	check("poll.waited_20ms", dt >= 20000000u && dt < 21000000u, (long)(dt / 1000u));
	int c6 = udp_bound(6001);
	late_fd = a;
	struct thread *t = thread_create("late", late_sender, NULL);
	p = (struct pollfd){ .fd = c6, .events = POLLIN };
	t0 = now_ns();
	r = poll(&p, 1, 1000);
	dt = now_ns() - t0;
	check("poll.met", r == 1 && p.revents == POLLIN, p.revents);
	check("poll.met_at_10ms", dt >= 10000000u && dt < 11000000u, (long)(dt / 1000u));
	thread_join(t);
	struct pollfd two[2] = { { .fd = c6, .events = POLLOUT }, { .fd = 99, .events = POLLIN } };
	r = poll(two, 2, 0);
	check("poll.pollout_pollnval", r == 2 && two[0].revents == POLLOUT &&
	      two[1].revents == POLLNVAL, two[1].revents);

	/* Bad descriptors and arguments. */
	close(nb);
	check("ebadf.closed", recv(nb, buf, 1, MSG_DONTWAIT) < 0 && errno == EBADF, errno);
	check("ebadf.close_twice", close(nb) < 0 && errno == EBADF, errno);
	check("einval.no_dest", send(b, "x", 1, 0) < 0 && errno == EDESTADDRREQ, errno);
	check("eafnosupport", socket(99, SOCK_DGRAM, 0) < 0 && errno == EAFNOSUPPORT, errno);
	check("eprotonosupport", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) < 0 && errno == EPROTONOSUPPORT, errno);

	/* connect: send/recv with the peer, datagrams from others filtered out. */
	struct sockaddr_in peer = sin_of("10.0.0.1", 6001);
	check("connect", connect(b, (struct sockaddr *)&peer, sizeof peer) == 0, errno);
	recv(c6, buf, sizeof buf, MSG_DONTWAIT); /* the late one */
	check("send.connected", send(b, "cn", 2, 0) == 2, errno);
	check("recv.at_peer", recv(c6, buf, sizeof buf, MSG_DONTWAIT) == 2, errno);
	sendto(a, "no", 2, 0, (struct sockaddr *)&to, sizeof to); /* a is not b's peer */
	check("connect.filters", recv(b, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN, errno);

	/* inet helpers. */
	struct in_addr ia;
	check("inet_aton.bad", inet_aton("10.0.0.256", &ia) == 0 && inet_aton("1.2.3", &ia) == 0, 0);
	check("inet_ntoa", strcmp(inet_ntoa((struct in_addr){ htonl(0x0A010000u) }), "10.1.0.0") == 0, 0);
	check("default_addr", net_default_addr(0) == 0x0A000001u && net_default_addr(65535) ==
	      0x0A010000u && net_default_addr(16777212) == 0x0AFFFFFDu &&
	      net_default_addr(16777213) == 0, 0);
	printf("%s\n", checks_failed() ? "n_stack_udp: FAIL" : "n_stack_udp: PASS");
	return checks_failed();
}
