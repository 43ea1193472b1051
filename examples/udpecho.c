/* udpecho.c - a UDP echo server and its client in one program, chosen by the first argument.
 *
 *   udpecho server [PORT] [-n COUNT] [-q QUIET_MS]
 *   udpecho client ADDRESS [PORT] [-c COUNT] [-s SIZE] [-W WAIT_MS] [-i INTERVAL_MS]
 *
 * The server (PORT default 7) sends every datagram back to where it came from, and exits 0,
 * printing what it served and the stack's counters, after COUNT datagrams (default: no limit)
 * or QUIET_MS (default 1000) without one. The client sends COUNT (default 3) datagrams of SIZE
 * (default 64) bytes, each after the previous one's echo or WAIT_MS (default 500) without it,
 * and INTERVAL_MS (default 0) apart; it prints each round trip, the loss and its counters,
 * and exits 0 when every datagram came back intact, else 1 (2 for a usage error).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "timer.h"

#define ECHO_MAX 1472 /* the largest UDP payload one frame carries */

static uint8_t buf[ECHO_MAX], back[ECHO_MAX];

static int usage(void)
{
	printf("usage: udpecho server [PORT] [-n COUNT] [-q QUIET_MS]\n"
	       "       udpecho client ADDRESS [PORT] [-c COUNT] [-s SIZE] [-W WAIT_MS] "
	       "[-i INTERVAL_MS]\n");
	return 2;
}

/* The arguments after the mode: flags with a number each ("-n 5") into vals[] by the letter's
 * place in letters, the rest into pos[] (at most npos). -1 on anything else. */
static int parse(int argc, char **argv, const char *letters, int *vals, const char **pos,
		 int npos)
{
	int got = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (net_arg_is_option(a))
			continue;
		if (a[0] == '-') {
			const char *l = a[1] && !a[2] ? strchr(letters, a[1]) : NULL;
			if (!l || i + 1 >= argc)
				return -1;
			vals[l - letters] = atoi(argv[++i]);
		} else if (got < npos) {
			pos[got++] = a;
		} else {
			return -1;
		}
	}
	return got;
}

static void print_ms(uint64_t ns)
{
	uint64_t us = ns / 1000u;
	printf("%u.%03u", (unsigned)(us / 1000u), (unsigned)(us % 1000u));
}

static int server(int argc, char **argv)
{
	int vals[2] = { 0, 1000 }; /* -n, -q */
	const char *pos[1] = { "7" };
	if (parse(argc, argv, "nq", vals, pos, 1) < 0)
		return usage();
	int port = atoi(pos[0]), limit = vals[0];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
		printf("udpecho server: port %d: errno %d\n", port, errno);
		return 1;
	}
	struct timeval quiet = { vals[1] / 1000, vals[1] % 1000 * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof quiet);
	printf("udpecho server: %s port %d\n", inet_ntoa((struct in_addr){ net_addr() }), port);
	int served = 0;
	uint32_t bytes = 0;
	while (!limit || served < limit) {
		struct sockaddr_in from;
		socklen_t flen = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
		if (n < 0)
			break; /* quiet for QUIET_MS */
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen) == n) {
			served++;
			bytes += (uint32_t)n;
		}
	}
	printf("udpecho server: served %d datagrams, %u bytes\n", served, (unsigned)bytes);
	net_print_counters();
	close(fd);
	return 0;
}

static int client(int argc, char **argv)
{
	int vals[4] = { 3, 64, 500, 0 }; /* -c, -s, -W, -i */
	const char *pos[2] = { NULL, "7" };
	if (parse(argc, argv, "csWi", vals, pos, 2) < 1 || vals[0] < 1 || vals[1] < 4 ||
	    vals[1] > ECHO_MAX || vals[2] < 0 || vals[3] < 0)
		return usage();
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(pos[1])) };
	if (!inet_aton(pos[0], &to.sin_addr)) {
		printf("udpecho client: %s: not an IPv4 address\n", pos[0]);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0), count = vals[0], size = vals[1];
	struct timeval wait = { vals[2] / 1000, vals[2] % 1000 * 1000 };
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) < 0)
		return 2;
	int answered = 0;
	uint64_t rtt_min = UINT64_MAX, rtt_max = 0, rtt_sum = 0;
	for (int seq = 1; seq <= count; seq++) {
		if (seq > 1 && vals[3])
			sleep_us((uint64_t)vals[3] * 1000u);
		for (int i = 0; i < size; i++)
			buf[i] = (uint8_t)(seq * 7 + i);
		memcpy(buf, &seq, sizeof seq);
		uint64_t t0 = now_ns();
		if (sendto(fd, buf, (size_t)size, 0, (struct sockaddr *)&to, sizeof to) < 0) {
			printf("seq %d: sendto: errno %d\n", seq, errno);
			continue;
		}
		for (;;) {
			struct sockaddr_in from;
			socklen_t flen = sizeof from;
			ssize_t n = recvfrom(fd, back, sizeof back, 0, (struct sockaddr *)&from, &flen);
			if (n < 0) {
				printf("seq %d: no echo (errno %d)\n", seq, errno);
				break;
			}
			int got;
			memcpy(&got, back, sizeof got);
			if (got != seq)
				continue; /* a late echo of an earlier one */
			uint64_t rtt = now_ns() - t0;
			int intact = n == size && memcmp(back, buf, (size_t)size) == 0;
			printf("seq %d: %d bytes from %s:%u time=", seq, (int)n,
			       inet_ntoa(from.sin_addr), (unsigned)ntohs(from.sin_port));
			print_ms(rtt);
			printf(" ms%s\n", intact ? "" : " (corrupt)");
			if (!intact)
				break;
			answered++;
			rtt_sum += rtt;
			rtt_min = rtt < rtt_min ? rtt : rtt_min;
			rtt_max = rtt > rtt_max ? rtt : rtt_max;
			break;
		}
	}
	printf("udpecho client: %d sent, %d answered, %d%% loss", count, answered,
	       (count - answered) * 100 / count);
	if (answered) {
		printf(", rtt min/avg/max = ");
		print_ms(rtt_min);
		printf("/");
		print_ms(rtt_sum / (uint64_t)answered);
		printf("/");
		print_ms(rtt_max);
		printf(" ms");
	}
	printf("\n");
	net_print_counters();
	close(fd);
	return answered == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "server") == 0)
		return server(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "client") == 0)
		return client(argc, argv);
	return usage();
}
