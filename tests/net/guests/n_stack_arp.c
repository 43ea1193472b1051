/* n_stack_arp.c - ARP through two VMs. VM 0 echoes UDP on port 9; VM 1 checks, by --args mode:
 *   pair  a request and a reply resolve VM 0; a cache hit sends no second request; after the
 *         entry's lifetime (net_set_arp_ttl) a send asks again
 *   late  VM 0's NIC comes up 25 ms late: the retries reach it
 *   fail  (one VM) nobody has 10.0.0.77: after NET_ARP_TRIES requests the datagram is dropped
 *         and counted, the socket reports EHOSTUNREACH, and so does the next send at once
 * Prints "ok NAME" or "FAIL NAME: got N" per check; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "guestos/net/net_param.h"
#include "timer.h"

static int echo_server(uint64_t start_after_us, uint64_t for_ms)
{
	if (start_after_us)
		sleep_us(start_after_us);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(9) };
	bind(fd, (struct sockaddr *)&me, sizeof me);
	struct timeval tv = { 0, 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	uint64_t end = now_ns() + for_ms * 1000000u;
	char buf[256];
	while (now_ns() < end) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n >= 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return 0;
}

/* Send one datagram to 10.0.0.1:9 and wait up to 500 ms for its echo: 1 if it came. */
static int round_trip(int fd, const char *text)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	to.sin_addr.s_addr = inet_addr("10.0.0.1");
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&to, sizeof to) < 0)
		return 0;
	char buf[64];
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	return n == (ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0 &&
	       from.sin_addr.s_addr == to.sin_addr.s_addr && from.sin_port == to.sin_port;
}

static int client(const char *mode)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = { 0, 500000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct net_counters c;
	if (strcmp(mode, "pair") == 0) {
		check("arp.first_round_trip", round_trip(fd, "one"), 0);
		c = net_counters();
		check("arp.one_request", c.arp_requests_sent == 1, c.arp_requests_sent);
		check("arp.one_reply", c.arp_replies_rcvd == 1, c.arp_replies_rcvd);
		check("arp.cache_hit", round_trip(fd, "two"), 0);
		c = net_counters();
		check("arp.cache_hit_no_request", c.arp_requests_sent == 1, c.arp_requests_sent);
		net_set_arp_ttl(20);
		sleep_us(30000);
		check("arp.after_expiry", round_trip(fd, "three"), 0);
		c = net_counters();
		check("arp.expiry_new_request", c.arp_requests_sent == 2 && c.arp_expired == 1,
		      c.arp_requests_sent);
	} else if (strcmp(mode, "late") == 0) {
		uint64_t t0 = now_ns();
		check("arp.late_peer_reached", round_trip(fd, "late"), 0);
		c = net_counters();
		check("arp.late_retried", c.arp_requests_sent >= 2 && c.arp_requests_sent < 6,
		      c.arp_requests_sent);
		check("arp.late_after_25ms", now_ns() - t0 >= 25000000u, (long)(now_ns() - t0));
		check("arp.late_no_timeout", c.arp_timeouts == 0, c.arp_timeouts);
	}
	close(fd);
	return checks_failed();
}

static int fail_case(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	to.sin_addr.s_addr = inet_addr("10.0.0.77");
	check("fail.first_send_queued", sendto(fd, "a", 1, 0, (struct sockaddr *)&to, sizeof to) == 1,
	      errno);
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char b[4];
	uint64_t t0 = now_ns();
	ssize_t n = recv(fd, b, sizeof b, 0);
	uint64_t dt = now_ns() - t0;
	check("fail.recv_ehostunreach", n < 0 && errno == EHOSTUNREACH, errno);
	/* 10 + 20 + 40 + 80 + 160 + 320 ms, each stretched by at most 50 %. */
	check("fail.after_backoff", dt >= 630000000u && dt <= 945000000u, (long)(dt / 1000000u));
	check("fail.send_ehostunreach", sendto(fd, "b", 1, 0, (struct sockaddr *)&to, sizeof to) < 0 &&
	      errno == EHOSTUNREACH, errno);
	struct net_counters c = net_counters();
	check("fail.requests", c.arp_requests_sent == NET_ARP_TRIES, c.arp_requests_sent);
	check("fail.timeout_counted", c.arp_timeouts == 1, c.arp_timeouts);
	check("fail.drops_counted", c.arp_drops == 2, c.arp_drops);
	printf("fail: gave up after %u ms\n", (unsigned)(dt / 1000000u));
	return checks_failed();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pair";
	if (strcmp(mode, "fail") == 0)
		return fail_case();
	if (dva_page0.vm_id == 0)
		return echo_server(strcmp(mode, "late") == 0 ? 25000u : 0u, 300);
	return client(mode);
}
