/* n_dev_group.c - broadcast and multicast reach every VM but the sender
 * (tests/net/cases/device.sh).
 *
 * Four VMs (or more), all up. After 1 ms VM 0 sends seq 1 to ff:ff:ff:ff:ff:ff, seq 2 to
 * 01:00:5E:00:00:01, seq 3 to 33:33:00:00:00:01 and seq 4 by unicast to VM 2. Every VM watches
 * line 2 for 5 ms, waits 2 ms more and prints every frame it got: each VM but 0 gets seq 1-3
 * in order, VM 2 seq 4 as well, VM 0 nothing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[NET_FRAME_MAX], buf[NET_FRAME_MAX];

static uint32_t len_of(uint32_t seq)
{
	return 50 + 10 * seq;
}

static void dst_of(uint32_t seq, uint8_t d[6])
{
	static const uint8_t group[4][6] = {
		{ 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF },
		{ 0x01, 0x00, 0x5E, 0x00, 0x00, 0x01 },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
	};
	if (seq >= 1 && seq <= 3)
		memcpy(d, group[seq - 1], 6);
	else
		mac_of(2, d);
}

/* How frame seq is built: send_seqs builds it so, and recv_all rebuilds it to compare. */
static const struct frame_plan plan = { len_of, dst_of };

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t me[6];
	mac_of(dva_page0.vm_id, me);
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		send_seqs(&rq, &plan, frame, me, 1, 4);
	}
	printf("line 2 in 5 ms: %u\n", wait_line(DVA_LINE_NET_RX, 5000, NULL));
	dva_idle(2000);
	recv_all(&rq, &plan, buf, frame);
	return 0;
}
