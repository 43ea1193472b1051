/* n_dev_unknown.c - unicast to no attached MAC is dropped and counted (vms.csv
 * net_drops_unknown), and a frame to one's own MAC is not looped back
 * (tests/net/cases/device.sh).
 *
 * Two VMs, both up. VM 0 sends, after 1 ms: seq 1 to 02:44:4E:00:00:63 (nobody), seq 2 to its
 * own MAC, seq 3 to VM 1; then watches line 2 for 5 ms and RECVs (nothing). VM 1 gets seq 3
 * only. */
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
	const uint8_t nobody[6] = { 0x02, 0x44, 0x4E, 0x00, 0x00, 0x63 };
	if (seq == 1)
		memcpy(d, nobody, 6);
	else
		mac_of(seq == 2 ? 0 : 1, d);
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
		send_seqs(&rq, &plan, frame, me, 1, 3);
		printf("line 2 in 5 ms: %u\n", wait_line(DVA_LINE_NET_RX, 5000, NULL));
		recv_all(&rq, &plan, buf, frame);
		return 0;
	}
	printf("line 2: %u\n", wait_line(DVA_LINE_NET_RX, 100000, NULL));
	dva_idle(2000);
	recv_all(&rq, &plan, buf, frame);
	return 0;
}
