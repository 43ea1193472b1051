/* n_stack_flood.c - the driver's transmit backlog. VM 1 sends 200 datagrams of 1000 bytes to
 * VM 0 as fast as it can, the first 100 blocking, the rest with MSG_DONTWAIT: the NIC's
 * transmit queue fills, the backlog takes the overflow, a blocking sender sleeps until line 3
 * says there is room (nothing is dropped), a non-blocking one gets EAGAIN. VM 0 counts what
 * arrives. Run it with a long --quantum, so the switch does not empty the queue between sends.
 * Prints "ok NAME" or "FAIL NAME: got N"; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <stdio.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "guestos/net/net_param.h"
#include "timer.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static char buf[1000];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(9) };
	bind(fd, (struct sockaddr *)&me, sizeof me);
	if (dva_page0.vm_id == 0) {
		struct timeval tv = { 0, 100000 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		int got = 0;
		ssize_t n;
		while ((n = recv(fd, buf, sizeof buf, 0)) >= 0)
			got += n == sizeof buf;
		struct net_counters c = net_counters();
		printf("received %d, socket drops %u\n", got, (unsigned)c.sock_rx_drops);
		check("flood.received_some", got >= 32, got);
		check("flood.accounted", (uint32_t)got + 1u + c.sock_rx_drops == c.udp_rx, c.udp_rx);
		return checks_failed();
	}
	sleep_us(1000);
	struct sockaddr_in to = me;
	to.sin_addr.s_addr = inet_addr("10.0.0.1");
	/* Resolve first, so the flood is not held in ARP's short queue. */
	sendto(fd, buf, 1, 0, (struct sockaddr *)&to, sizeof to);
	sleep_us(5000);
	int sent = 0, again = 0;
	for (int i = 0; i < 100; i++)
		sent += sendto(fd, buf, sizeof buf, 0, (struct sockaddr *)&to, sizeof to) == sizeof buf;
	for (int i = 0; i < 100; i++) {
		if (sendto(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0)
			again += errno == EAGAIN;
		else
			sent++;
	}
	sleep_us(20000);
	struct net_counters c = net_counters();
	printf("sent %d, EAGAIN %d, tx_full %u, backlog high %u\n", sent, again,
	       (unsigned)c.tx_full, (unsigned)c.tx_backlog_high);
	check("flood.blocking_all_sent", sent >= 100 && sent + again == 200, sent);
	check("flood.queue_filled", c.tx_full > 0, c.tx_full);
	check("flood.backlog_used", c.tx_backlog_high == NET_TX_BACKLOG, c.tx_backlog_high);
	check("flood.nonblocking_eagain", again > 0, again);
	check("flood.nothing_dropped", c.tx_backlog_drops == 0, c.tx_backlog_drops);
	check("flood.all_left", c.tx_frames == (uint32_t)sent + 2u, c.tx_frames); /* + ARP, 1-byte */
	return checks_failed();
}
