/* n_dev_rxfull.c - a receive queue that overflows keeps NET_RXQ (32) frames, drops the rest
 * and counts them (vms.csv net_drops_rx_full); line 2 rises on arrival
 * (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 brings its NIC up, prints whether line 2 is pending (no), IDLEs with line 2 in
 * irq_mask until the first frame, prints what woke it, then IDLEs 20 ms with nothing unmasked
 * while VM 0 sends it 40 frames (seq 0-39; on status 2 VM 0 waits for line 3 and retries),
 * then RECVs everything: the first 32, in order. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64], buf[1514];

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		unsigned blocked = 0, sent = 0;
		while (sent < 40) {
			make_frame(frame, m1, m0, 64, sent);
			uint32_t st = nic_request(&rq, NET_SEND, GADDR(frame), 64);
			if (st == DVA_REQ_DONE) {
				sent++;
			} else if (st == DVA_REQ_WOULD_BLOCK && blocked < 10) {
				blocked++;
				wait_line(DVA_LINE_NET_TX_SPACE, 10000, NULL);
			} else {
				printf("send %u: status %u\n", sent, (unsigned)st);
				return 1;
			}
		}
		printf("sent %u, status 2 %u times\n", sent, blocked);
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	printf("line 2 pending before: %u\n", (unsigned)(dva_page0.irq_pending >> DVA_LINE_NET_RX & 1));
	uint32_t woke;
	unsigned line = wait_line(DVA_LINE_NET_RX, 100000, &woke);
	printf("idle %u, line 2 %u\n", (unsigned)woke, line);
	dva_idle(20000);
	unsigned n = 0, in_order = 0;
	while (nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)) == DVA_REQ_DONE) {
		in_order += frame_seq(buf) == n && rq.result == 64 && buf[11] == 0;
		n++;
	}
	printf("received %u, in order %u, then status %u\n", n, in_order, (unsigned)rq.status);
	return 0;
}
