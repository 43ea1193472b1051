/* n_dev_spoof.c - a frame whose source MAC is not its sender's own never arrives and is counted
 * (vms.csv net_drops_spoofed); the sender's own frames still flow (tests/net/cases/device.sh).
 *
 * Two VMs. VM 0 sends VM 1, after 1 ms: seq 1 with source 02:44:4E:00:00:07 (nobody's), seq 2
 * with VM 1's own MAC as source, seq 3 a broadcast with VM 1's MAC as source, seq 4 with its
 * own MAC, seq 5 a broadcast with its own MAC, seq 6 with a multicast source. VM 1 prints every
 * frame it gets: seq 4 and 5 only. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[NET_FRAME_MAX], buf[NET_FRAME_MAX];

static uint32_t len_of(uint32_t seq)
{
	return 60 + seq;
}

static void dst_of(uint32_t seq, uint8_t d[6])
{
	if (seq == 3 || seq == 5)
		memcpy(d, mac_broadcast, 6);
	else
		mac_of(1, d);
}

/* How frame seq is built (from whichever source): recv_all rebuilds it so to compare. */
static const struct frame_plan plan = { len_of, dst_of };

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	const uint8_t nobody[6] = { 0x02, 0x44, 0x4E, 0x00, 0x00, 0x07 };
	const uint8_t group[6] = { 0x03, 0x44, 0x4E, 0x00, 0x00, 0x00 };
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 0) {
		const uint8_t *src[7] = { NULL, nobody, m1, m1, m0, m0, group };
		dva_idle(1000);
		for (uint32_t seq = 1; seq <= 6; seq++)
			send_seqs(&rq, &plan, frame, src[seq], seq, seq); /* each from a source of its own */
		printf("line 2 in 5 ms: %u\n", wait_line(DVA_LINE_NET_RX, 5000, NULL));
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	printf("line 2: %u\n", wait_line(DVA_LINE_NET_RX, 100000, NULL));
	dva_idle(2000);
	recv_all(&rq, &plan, buf, frame);
	return 0;
}
