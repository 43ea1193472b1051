/* n_stack_icmp.c - ICMP echo through ping sockets. --args self: one VM pings its own address
 * and 127.0.0.1 (loopback, nothing on the wire) and checks the socket API's rules. --args
 * "bcast N": in a run of N VMs, VM 0 pings 10.255.255.255 once and every other VM answers
 * (N - 1 distinct replies), each counting one echo answered.
 * Prints "ok NAME" or "FAIL NAME: got N" per check; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

static ssize_t echo(int fd, const char *addr, uint16_t seq, struct sockaddr_in *to)
{
	uint8_t msg[8 + 32];
	struct icmphdr *h = (struct icmphdr *)msg;
	*h = (struct icmphdr){ .type = ICMP_ECHO };
	h->un.echo.sequence = htons(seq);
	memset(msg + 8, 0xA5, 32);
	*to = (struct sockaddr_in){ .sin_family = AF_INET };
	to->sin_addr.s_addr = inet_addr(addr);
	return sendto(fd, msg, sizeof msg, 0, (struct sockaddr *)to, sizeof *to);
}

static int self_case(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	check("ping_socket", fd >= 3, fd);
	struct timeval tv = { 0, 100000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	const char *addrs[2] = { "10.0.0.1", "127.0.0.1" };
	for (int i = 0; i < 2; i++) {
		struct sockaddr_in to, from;
		check(i ? "self.send_127" : "self.send_own", echo(fd, addrs[i], (uint16_t)(i + 1), &to) == 40, errno);
		uint8_t r[64];
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, r, sizeof r, 0, (struct sockaddr *)&from, &fl);
		const struct icmphdr *h = (const struct icmphdr *)r;
		check(i ? "self.reply_127" : "self.reply_own",
		      n == 40 && h->type == ICMP_ECHOREPLY && ntohs(h->un.echo.sequence) == i + 1 &&
		      from.sin_addr.s_addr == to.sin_addr.s_addr && r[39] == 0xA5, n);
	}
	struct sockaddr_in me;
	socklen_t ml = sizeof me;
	getsockname(fd, (struct sockaddr *)&me, &ml);
	check("self.identifier_is_port", ntohs(me.sin_port) >= 49152, ntohs(me.sin_port));
	struct net_counters c = net_counters();
	check("self.answered", c.icmp_echoes_answered == 2, c.icmp_echoes_answered);
	check("self.replies", c.icmp_replies_rcvd == 2, c.icmp_replies_rcvd);
	check("self.loopback", c.ip_loopback == 4 && c.tx_frames == 0, c.ip_loopback);
	/* Only echo requests may be sent, of at least a header, at most 1480 bytes. */
	uint8_t bad[8] = { 13 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = { inet_addr("10.0.0.1") } };
	check("ping.not_echo_einval", sendto(fd, bad, 8, 0, (struct sockaddr *)&to, sizeof to) < 0 &&
	      errno == EINVAL, errno);
	static uint8_t huge[1481] = { ICMP_ECHO };
	check("ping.emsgsize", sendto(fd, huge, sizeof huge, 0, (struct sockaddr *)&to, sizeof to) < 0 &&
	      errno == EMSGSIZE, errno);
	check("ping.1480", sendto(fd, huge, 1480, 0, (struct sockaddr *)&to, sizeof to) == 1480, errno);
	uint8_t r[1500];
	check("ping.1480_reply", recv(fd, r, sizeof r, 0) == 1480, errno);
	return checks_failed();
}

static int bcast_case(int n)
{
	if (dva_page0.vm_id != 0) {
		net_init();
		sleep_us(100000); /* stay up to answer */
		struct net_counters c = net_counters();
		check("bcast.answered_once", c.icmp_echoes_answered == 1, c.icmp_echoes_answered);
		return checks_failed();
	}
	net_init();
	sleep_us(5000); /* the others bring their NICs up: a broadcast reaches only those */
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	struct sockaddr_in to;
	check("bcast.send", echo(fd, "10.255.255.255", 1, &to) == 40, errno);
	struct timeval tv = { 0, 50000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	uint8_t *seen = calloc((size_t)n, 1);
	int distinct = 0, total = 0;
	for (;;) {
		uint8_t r[64];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		if (recvfrom(fd, r, sizeof r, 0, (struct sockaddr *)&from, &fl) < 0)
			break;
		total++;
		uint32_t id = ntohl(from.sin_addr.s_addr) - 0x0A000001u;
		if (id < (uint32_t)n && !seen[id]) {
			seen[id] = 1;
			distinct++;
		}
	}
	check("bcast.every_other_vm", distinct == n - 1 && !seen[0], distinct);
	check("bcast.one_reply_each", total == n - 1, total);
	return checks_failed();
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "bcast") == 0)
		return bcast_case(atoi(argv[2]));
	return self_case();
}
