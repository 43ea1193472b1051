/* ping.c - ICMP echo over a ping socket, printed as Linux's ping prints it.
 *
 *   ping [-c COUNT] [-i INTERVAL_MS] [-s SIZE] [-W WAIT_MS] [-D DELAY_MS] [-b] ADDRESS
 *
 * Sends COUNT (default 3) echo requests of SIZE (default 56) data bytes, one every INTERVAL_MS
 * (default 100), and takes replies until WAIT_MS (default 1000) after the last request: the run
 * always lasts (COUNT - 1) * INTERVAL_MS + WAIT_MS of system time, whatever comes back, so that
 * when every VM of a run pings, each one stays up to answer the others. -b, or ADDRESS
 * 255.255.255.255 or 10.255.255.255, pings every VM: each reply after a request's first is a
 * duplicate, as Linux counts them. -D waits DELAY_MS before the first request (the VM answers
 * pings meanwhile): with `-D {id}` in a scenario, a thousand clients start a millisecond apart
 * instead of all asking at once. Exit status 0 when every request had a reply, else 1
 * (2 for a usage error).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "timer.h"

#define PING_SIZE_MAX 1472 /* data bytes: an 8-byte ICMP header more fills a 1500-byte datagram */

struct opts {
	int count, interval_ms, size, wait_ms, delay_ms, broadcast;
	const char *target;
};

static int usage(void)
{
	printf("usage: ping [-c COUNT] [-i INTERVAL_MS] [-s SIZE] [-W WAIT_MS] [-D DELAY_MS] [-b] ADDRESS\n");
	return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .count = 3, .interval_ms = 100, .size = 56, .wait_ms = 1000 };
	/* argv[0] is "guest": `--args "ping 10.0.0.1"` names the program, as a shell would. */
	int first = argc > 1 && strcmp(argv[1], "ping") == 0 ? 2 : 1;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (net_arg_is_option(a))
			continue;
		if (strcmp(a, "-b") == 0) {
			o->broadcast = 1;
			continue;
		}
		if (a[0] == '-' && a[1] && !a[2] && i + 1 < argc && strchr("ciWsD", a[1])) {
			int v = atoi(argv[++i]);
			if (a[1] == 'c')
				o->count = v;
			else if (a[1] == 'i')
				o->interval_ms = v;
			else if (a[1] == 's')
				o->size = v;
			else if (a[1] == 'D')
				o->delay_ms = v;
			else
				o->wait_ms = v;
			continue;
		}
		if (a[0] == '-' || o->target)
			return -1;
		o->target = a;
	}
	if (!o->target && o->broadcast)
		o->target = "10.255.255.255";
	if (!o->target || o->count < 1 || o->count > 100000 || o->interval_ms < 0 ||
	    o->size < 0 || o->size > PING_SIZE_MAX || o->wait_ms < 0 || o->delay_ms < 0)
		return -1;
	return 0;
}

/* ns as "1.234" ms. */
static void print_ms(uint64_t ns)
{
	uint64_t us = ns / 1000u;
	printf("%u.%03u", (unsigned)(us / 1000u), (unsigned)(us % 1000u));
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse(argc, argv, &o) < 0)
		return usage();
	struct sockaddr_in to = { .sin_family = AF_INET };
	if (!inet_aton(o.target, &to.sin_addr)) {
		printf("ping: %s: not an IPv4 address\n", o.target);
		return 2;
	}
	uint32_t dst = ntohl(to.sin_addr.s_addr);
	if (dst == 0xFFFFFFFFu || dst == NET_BROADCAST)
		o.broadcast = 1;
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (fd < 0) {
		printf("ping: socket: errno %d\n", errno);
		return 2;
	}
	if (o.broadcast)
		printf("WARNING: pinging broadcast address\n");
	printf("PING %s (%s) %d(%d) bytes of data.\n", o.target, o.target, o.size, o.size + 28);

	uint64_t *sent_at = calloc((size_t)o.count, sizeof *sent_at);
	uint8_t *seen = calloc((size_t)o.count, 1);
	static uint8_t msg[8 + PING_SIZE_MAX], reply[8 + PING_SIZE_MAX];
	if (!sent_at || !seen)
		return 2;
	for (int i = 0; i < o.size; i++)
		msg[8 + i] = (uint8_t)i;
	int transmitted = 0, received = 0, dups = 0;
	uint64_t rtt_min = UINT64_MAX, rtt_max = 0, rtt_sum = 0;
	uint64_t start = now_ns() + (uint64_t)o.delay_ms * 1000000u, interval = (uint64_t)o.interval_ms * 1000000u;
	uint64_t end = start + (uint64_t)(o.count - 1) * interval + (uint64_t)o.wait_ms * 1000000u;
	uint64_t next = start;

	for (;;) {
		uint64_t now = now_ns();
		if (transmitted < o.count && now >= next) {
			struct icmphdr *h = (struct icmphdr *)msg;
			*h = (struct icmphdr){ .type = ICMP_ECHO };
			h->un.echo.sequence = htons((uint16_t)(transmitted + 1));
			sent_at[transmitted] = now;
			if (sendto(fd, msg, 8u + (size_t)o.size, 0, (struct sockaddr *)&to,
				   sizeof to) < 0) {
				if (errno == EHOSTUNREACH)
					printf("From %s icmp_seq=%d Destination Host Unreachable\n",
					       inet_ntoa((struct in_addr){ net_addr() }),
					       transmitted + 1);
				else
					printf("ping: sendto: errno %d\n", errno);
			}
			transmitted++;
			next += interval;
			continue;
		}
		if (now >= end)
			break;
		uint64_t until = transmitted < o.count && next < end ? next : end;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)((until - now + 999999u) / 1000000u);
		if (poll(&p, 1, ms) <= 0)
			continue;
		struct sockaddr_in from;
		socklen_t flen = sizeof from;
		ssize_t n = recvfrom(fd, reply, sizeof reply, MSG_DONTWAIT, (struct sockaddr *)&from,
				     &flen);
		if (n < 0 && errno == EHOSTUNREACH) /* ARP gave up on what we sent */
			printf("From %s icmp_seq=%d Destination Host Unreachable\n",
			       inet_ntoa((struct in_addr){ net_addr() }), transmitted);
		if (n < 8)
			continue;
		const struct icmphdr *r = (const struct icmphdr *)reply;
		int seq = ntohs(r->un.echo.sequence);
		if (seq < 1 || seq > transmitted)
			continue;
		uint64_t rtt = now_ns() - sent_at[seq - 1];
		printf("%d bytes from %s: icmp_seq=%d ttl=%d time=", (int)n,
		       inet_ntoa(from.sin_addr), seq, net_recv_ttl(fd));
		print_ms(rtt);
		if (seen[seq - 1]) {
			dups++;
			printf(" ms (DUP!)\n");
			continue;
		}
		printf(" ms\n");
		seen[seq - 1] = 1;
		received++;
		rtt_sum += rtt;
		if (rtt < rtt_min)
			rtt_min = rtt;
		if (rtt > rtt_max)
			rtt_max = rtt;
	}
	printf("\n--- %s ping statistics ---\n", o.target);
	printf("%d packets transmitted, %d received, ", transmitted, received);
	if (dups)
		printf("+%d duplicates, ", dups);
	printf("%d%% packet loss, time %ums\n", (transmitted - received) * 100 / transmitted,
	       (unsigned)((now_ns() - start) / 1000000u));
	if (received) {
		printf("rtt min/avg/max = ");
		print_ms(rtt_min);
		printf("/");
		print_ms(rtt_sum / (uint64_t)received);
		printf("/");
		print_ms(rtt_max);
		printf(" ms\n");
	}
	close(fd);
	return received == transmitted ? 0 : 1;
}
