/* udpblast.c - one-way UDP through guestos's stack, for make bench's per-packet costs:
 * `udpblast N SIZE [net.chatty]`. VM 0 sends N datagrams of SIZE bytes to VM 1 (10.0.0.2) port
 * 9 as fast as sendto lets it (it blocks while the transmit path is full); VM 1 receives until
 * it has N or 100 ms pass without one. Each prints "udpblast sent|received COUNT", so the
 * runner divides each VM's host time (host.csv) by what it handled. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "bench.h"

static char buf[1472];

int main(int argc, char **argv)
{
	uint32_t n = bench_arg(argc, argv, 1, 10000), size = bench_arg(argc, argv, 2, 100), count = 0;
	if (size > sizeof(buf))
		size = sizeof(buf);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(9) };
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		printf("udpblast: no socket\n");
		return 1;
	}
	if (dva_page0.vm_id == 1) {
		struct timeval tv = { 0, 100000 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		while (count < n && recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL) >= 0)
			count++;
		printf("udpblast received %u\n", (unsigned)count);
		return 0;
	}
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	to.sin_addr.s_addr = inet_addr("10.0.0.2");
	dva_idle(1000); /* the receiver's socket is bound first */
	for (; count < n; count++)
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			break;
	printf("udpblast sent %u\n", (unsigned)count);
	return 0;
}
