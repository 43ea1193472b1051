/* n_tcp_basic.c - guestos's TCP on one VM through loopback: the handshake and a round trip,
 * names, a closed port's RST (ECONNREFUSED), a backlog of several clients, non-blocking
 * connect/accept with poll, FIN in both orders, simultaneous close, half-close, RST on close
 * with unread data, TIME_WAIT then reuse, and a blocking recv that leaves the VM idle. Prints
 * "ok NAME" or "FAIL NAME: ..." per check; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

static struct sockaddr_in sin_of(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_aton(a, &s.sin_addr);
	return s;
}

static int listener(int port, int backlog)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in me = sin_of("0.0.0.0", port);
	if (bind(fd, (struct sockaddr *)&me, sizeof me) < 0 || listen(fd, backlog) < 0)
		return -1;
	return fd;
}

static int connect_to(const char *a, int port, int flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | flags, 0);
	struct sockaddr_in to = sin_of(a, port);
	if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* A connected pair through loopback on port: *c the client's end, the server's returned. */
static int pair(int lis, int port, int *c)
{
	*c = connect_to("10.0.0.1", port, 0);
	return accept(lis, NULL, NULL);
}

static int idle_case(void)
{
	int lis = listener(7100, 1), c, s = pair(lis, 7100, &c);
	struct timeval tv = { 0, 500000 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char b[16];
	uint64_t t0 = now_ns(), i0 = dva_page0.instret;
	ssize_t n = recv(s, b, sizeof b, 0);
	uint64_t dt = now_ns() - t0, di = dva_page0.instret - i0;
	check("idle.timeout_eagain", n < 0 && errno == EAGAIN, n);
	check("idle.waited_500ms", dt >= 500000000u && dt < 510000000u, (long)(dt / 1000u));
	check("idle.few_instructions", di < 20000u, (long)di);
	return checks_failed();
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "idle") == 0)
		return idle_case();
	char buf[2048];

	/* Handshake and a round trip. */
	int lis = listener(7000, 4);
	check("listen", lis >= 3, lis);
	int c, s = pair(lis, 7000, &c);
	check("connect_accept", c >= 3 && s >= 3 && c != s, s);
	check("state.established", net_tcp_state(c) == TCPS_ESTABLISHED &&
	      net_tcp_state(s) == TCPS_ESTABLISHED, net_tcp_state(c));
	check("send", send(c, "hello", 5, 0) == 5, 0);
	ssize_t n = recv(s, buf, sizeof buf, 0);
	check("recv", n == 5 && memcmp(buf, "hello", 5) == 0, n);
	check("send_back", send(s, "world!", 6, 0) == 6, 0);
	n = recv(c, buf, sizeof buf, 0);
	check("recv_back", n == 6 && memcmp(buf, "world!", 6) == 0, n);
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	getpeername(s, (struct sockaddr *)&a, &al);
	int cport = ntohs(a.sin_port);
	al = sizeof a;
	getsockname(c, (struct sockaddr *)&a, &al);
	check("names", ntohs(a.sin_port) == cport && a.sin_addr.s_addr == inet_addr("10.0.0.1"),
	      cport);

	/* FIN from the client first: the server reads EOF, then closes. */
	close(c);
	n = recv(s, buf, sizeof buf, 0);
	check("fin.client_first_eof", n == 0, n);
	close(s);
	check("fin.client_time_wait", net_tcp_count(TCPS_TIME_WAIT) == 1,
	      (long)net_tcp_count(TCPS_TIME_WAIT));
	/* FIN from the server first. */
	s = pair(lis, 7000, &c);
	close(s);
	n = recv(c, buf, sizeof buf, 0);
	check("fin.server_first_eof", n == 0, n);
	check("fin.send_after_peer_fin_ok", send(c, "x", 1, 0) == 1, 0);
	close(c);
	check("fin.server_time_wait", net_tcp_count(TCPS_TIME_WAIT) == 2,
	      (long)net_tcp_count(TCPS_TIME_WAIT));

	/* Half-close: the client shuts its side, the server still sends. */
	s = pair(lis, 7000, &c);
	check("half.shutdown", shutdown(c, SHUT_WR) == 0, 0);
	n = recv(s, buf, sizeof buf, 0);
	check("half.server_sees_eof", n == 0, n);
	check("half.server_sends", send(s, "late data", 9, 0) == 9, 0);
	n = recv(c, buf, sizeof buf, 0);
	check("half.client_reads", n == 9 && memcmp(buf, "late data", 9) == 0, n);
	check("half.client_send_epipe", send(c, "y", 1, 0) < 0 && errno == EPIPE, errno);
	close(s);
	n = recv(c, buf, sizeof buf, 0);
	check("half.client_eof", n == 0, n);
	close(c);

	/* Simultaneous close: both shut before either reads the other's FIN. */
	s = pair(lis, 7000, &c);
	unsigned tw = net_tcp_count(TCPS_TIME_WAIT);
	shutdown(c, SHUT_WR); /* loopback: the FIN arrives and is acked at once ... */
	shutdown(s, SHUT_WR);
	n = recv(c, buf, sizeof buf, 0);
	ssize_t n2 = recv(s, buf, sizeof buf, 0);
	check("close.both_eof", n == 0 && n2 == 0, n);
	close(c);
	close(s);
	check("close.one_time_wait", net_tcp_count(TCPS_TIME_WAIT) == tw + 1,
	      (long)net_tcp_count(TCPS_TIME_WAIT));

	/* RST on close with unread data. */
	s = pair(lis, 7000, &c);
	send(c, "unread", 6, 0);
	struct net_counters k0 = net_counters();
	close(s);
	struct net_counters k1 = net_counters();
	check("rst.sent_on_unread_close", k1.tcp_rsts_sent == k0.tcp_rsts_sent + 1,
	      (long)(k1.tcp_rsts_sent - k0.tcp_rsts_sent));
	n = recv(c, buf, sizeof buf, 0);
	check("rst.peer_econnreset", n < 0 && errno == ECONNRESET, errno);
	close(c);

	/* A closed port answers RST: ECONNREFUSED. */
	k0 = net_counters();
	c = connect_to("10.0.0.1", 7999, 0);
	check("refused", c < 0 && errno == ECONNREFUSED, errno);
	k1 = net_counters();
	check("refused.counted", k1.tcp_refused == k0.tcp_refused + 1, (long)k1.tcp_refused);

	/* A backlog of three clients, accepted in order. */
	int cs[3];
	for (int i = 0; i < 3; i++)
		cs[i] = connect_to("10.0.0.1", 7000, 0);
	int ok = 1;
	for (int i = 0; i < 3; i++) {
		char m = (char)('a' + i);
		send(cs[i], &m, 1, 0);
	}
	for (int i = 0; i < 3; i++) {
		s = accept(lis, NULL, NULL);
		ok &= s >= 0 && recv(s, buf, 1, 0) == 1 && buf[0] == 'a' + i;
		close(s);
		close(cs[i]);
	}
	check("backlog.three_in_order", ok, 0);

	/* Non-blocking: accept gives EAGAIN, connect EINPROGRESS (loopback completes it at
	 * once, so poll reports POLLOUT), SO_ERROR 0. */
	int nl = listener(7200, 2);
	struct pollfd pf = { nl, POLLIN, 0 };
	check("poll.listener_quiet", poll(&pf, 1, 0) == 0, pf.revents);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in to = sin_of("10.0.0.1", 7200);
	int r = connect(c, (struct sockaddr *)&to, sizeof to);
	check("nb.connect", r == 0 || errno == EINPROGRESS, errno);
	pf = (struct pollfd){ c, POLLOUT, 0 };
	check("nb.pollout", poll(&pf, 1, 100) == 1 && (pf.revents & POLLOUT), pf.revents);
	int err = -1;
	socklen_t el = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
	check("nb.so_error_0", err == 0, err);
	pf = (struct pollfd){ nl, POLLIN, 0 };
	check("poll.listener_pollin", poll(&pf, 1, 0) == 1, pf.revents);
	s = accept(nl, NULL, NULL);
	check("nb.accept", s >= 0, errno);
	int nls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in me = sin_of("0.0.0.0", 7300);
	bind(nls, (struct sockaddr *)&me, sizeof me);
	listen(nls, 1);
	check("nb.accept_eagain", accept(nls, NULL, NULL) < 0 && errno == EAGAIN, errno);
	check("nb.recv_eagain", recv(c, buf, 4, MSG_DONTWAIT) < 0 && errno == EAGAIN, errno);
	/* Fill the send ring: a non-blocking send returns a partial count, then EAGAIN. */
	static char big[40000];
	n = send(c, big, sizeof big, 0);
	check("nb.send_partial", n > 0 && n < (ssize_t)sizeof big, n);
	/* The peer's ring fills too; then the window is shut and ours fills: EAGAIN. */
	long total = n;
	while ((n = send(c, big, sizeof big, 0)) > 0)
		total += n;
	check("nb.send_eagain", n < 0 && errno == EAGAIN, n);
	check("nb.both_rings_full", total == 2 * 16384, total);
	pf = (struct pollfd){ s, POLLIN, 0 };
	check("poll.data_pollin", poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN), pf.revents);
	close(s); /* unread data: RST */
	pf = (struct pollfd){ c, POLLIN | POLLOUT, 0 };
	poll(&pf, 1, 0);
	check("poll.reset_pollhup", (pf.revents & POLLHUP) != 0, pf.revents);
	close(c);
	close(nl);
	close(nls);

	/* TIME_WAIT then reuse: the same client port again, and then the 2 MSL runs out. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	me = sin_of("0.0.0.0", 40000);
	bind(c, (struct sockaddr *)&me, sizeof me);
	to = sin_of("10.0.0.1", 7000);
	connect(c, (struct sockaddr *)&to, sizeof to);
	s = accept(lis, NULL, NULL);
	close(c);
	recv(s, buf, 1, 0);
	close(s);
	tw = net_tcp_count(TCPS_TIME_WAIT);
	c = socket(AF_INET, SOCK_STREAM, 0);
	check("reuse.bind", bind(c, (struct sockaddr *)&me, sizeof me) == 0, errno);
	check("reuse.connect", connect(c, (struct sockaddr *)&to, sizeof to) == 0, errno);
	s = accept(lis, NULL, NULL);
	check("reuse.time_wait_replaced", net_tcp_count(TCPS_TIME_WAIT) == tw - 1,
	      (long)net_tcp_count(TCPS_TIME_WAIT));
	check("reuse.works", send(c, "z", 1, 0) == 1 && recv(s, buf, 1, 0) == 1 && buf[0] == 'z', 0);
	close(c);
	close(s);
	sleep_us(1100000);
	check("time_wait.expired", net_tcp_count(TCPS_TIME_WAIT) == 0,
	      (long)net_tcp_count(TCPS_TIME_WAIT));
	close(lis);
	check("all_freed", net_tcp_count(-1) == 0, (long)net_tcp_count(-1));
	net_print_counters();
	return checks_failed();
}
