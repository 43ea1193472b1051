/* n_dev_unicast.c - a VM never sees another's unicast (tests/net/cases/device.sh).
 *
 * Three VMs (or more), all up; each prints its MAC. After 1 ms VM 0 sends VM 1 seq 1 and 2 and
 * VM 2 sends VM 0 seq 3. Every VM then watches line 2 for 5 ms, waits 2 ms more, and prints
 * every frame it got: VM 1 seq 1 and 2, VM 0 seq 3, every other VM nothing (and no line 2). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[NET_FRAME_MAX], buf[NET_FRAME_MAX];

static uint32_t len_of(uint32_t seq)
{
	return 100 * seq;
}

static void dst_of(uint32_t seq, uint8_t d[6])
{
	mac_of(seq == 3 ? 0 : 1, d);
}

/* How frame seq is built: send_seqs builds it so, and recv_all rebuilds it to compare. */
static const struct frame_plan plan = { len_of, dst_of };

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t me[6];
	my_mac(me);
	printf("mac %02x:%02x:%02x:%02x:%02x:%02x\n", me[0], me[1], me[2], me[3], me[4], me[5]);
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	uint32_t id = dva_page0.vm_id;
	if (id == 0 || id == 2) {
		dva_idle(1000);
		send_seqs(&rq, &plan, frame, me, id ? 3 : 1, id ? 3 : 2);
	}
	printf("line 2 in 5 ms: %u\n", wait_line(DVA_LINE_NET_RX, 5000, NULL));
	dva_idle(2000);
	recv_all(&rq, &plan, buf, frame);
	return 0;
}
