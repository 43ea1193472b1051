/* n_stack_chatty.c - the driver's port I/Os per frame. VM 0 echoes 100-byte UDP datagrams,
 * VM 1 sends 5 of them; both check their counters: 1 I/O per frame normally, 10 per received
 * and 12 per sent frame in chatty mode, set by the token `net.chatty` in the arguments or, with
 * the word `api`, by net_set_chatty(1). Every OUT is accounted for: port_ios = rx_ios + tx_ios
 * + rx_polls + tx_retry_ios. Prints "ok NAME" or "FAIL NAME: got N"; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <net.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

int main(int argc, char **argv)
{
	int chatty = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "net.chatty") == 0)
			chatty = 1;
		if (strcmp(argv[i], "api") == 0)
			chatty = 1, net_set_chatty(1);
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(9) };
	bind(fd, (struct sockaddr *)&me, sizeof me);
	struct timeval tv = { 0, 50000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char buf[100] = { 0 };
	int echoed = 0;
	if (dva_page0.vm_id == 0) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n;
		while ((n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl)) > 0) {
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
			echoed++;
		}
	} else {
		struct sockaddr_in to = me;
		to.sin_addr.s_addr = inet_addr("10.0.0.1");
		for (int i = 0; i < 5; i++) {
			sendto(fd, buf, sizeof buf, 0, (struct sockaddr *)&to, sizeof to);
			if (recv(fd, buf, sizeof buf, 0) == sizeof buf)
				echoed++;
		}
	}
	check("chatty.echoes", echoed == 5, echoed);
	struct net_counters c = net_counters();
	uint32_t rx = chatty ? 10u : 1u, tx = chatty ? 12u : 1u;
	printf("port I/Os: %u per received frame, %u per sent frame\n",
	       (unsigned)(c.rx_ios / (c.rx_frames ? c.rx_frames : 1)),
	       (unsigned)(c.tx_ios / (c.tx_frames ? c.tx_frames : 1)));
	check("chatty.frames", c.rx_frames == 6 && c.tx_frames == 6, c.rx_frames);
	check("chatty.rx_ios_per_frame", c.rx_ios == rx * c.rx_frames, c.rx_ios);
	check("chatty.tx_ios_per_frame", c.tx_ios == tx * c.tx_frames, c.tx_ios);
	check("chatty.every_out_counted",
	      c.port_ios == c.rx_ios + c.tx_ios + c.rx_polls + c.tx_retry_ios, c.port_ios);
	return checks_failed();
}
