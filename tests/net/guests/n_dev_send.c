/* n_dev_send.c - SEND is status 0 and the frame arrives intact (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 brings its NIC up (a RECV that finds nothing) and IDLEs with only line 2 in
 * irq_mask; VM 0 waits 1 ms (VM 1 is up by then), SENDs frames of 14, 100 and 1514 bytes to
 * VM 1 and prints each block as the device left it. VM 1 prints what woke it and, for each
 * frame, the block, the bytes that differ from the frame it knows VM 0 built and the bytes past
 * the frame that changed in its buffer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */

#define MARK 0x5Au
static uint8_t frame[1514], buf[2048];
static const uint32_t lens[3] = { 14, 100, 1514 };

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		for (unsigned i = 0; i < 3; i++) {
			make_frame(frame, m1, m0, lens[i], i + 1);
			uint32_t st = nic_request(&rq, NET_SEND, GADDR(frame), lens[i]);
			printf("send %u: status %u op %u addr kept %u len %u arg 0x%x result 0x%x\n",
			       (unsigned)lens[i], (unsigned)st, (unsigned)rq.op, rq.addr == GADDR(frame),
			       (unsigned)rq.len, (unsigned)rq.arg, (unsigned)rq.result);
		}
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), 1514));
	dva_page0.irq_mask = 1u << DVA_LINE_NET_RX;
	uint32_t woke = dva_idle(100000);
	printf("idle %u, line 2 pending %u\n", (unsigned)woke,
	       (unsigned)(dva_page0.irq_pending >> DVA_LINE_NET_RX & 1));
	for (unsigned i = 0; i < 3; i++) {
		memset(buf, MARK, sizeof(buf));
		uint32_t st = nic_request(&rq, NET_RECV, GADDR(buf), 1514);
		make_frame(frame, m1, m0, lens[i], i + 1);
		printf("recv: status %u result %u arg %u differ %u past %u\n", (unsigned)st,
		       (unsigned)rq.result, (unsigned)rq.arg, differ(buf, frame, lens[i]),
		       not_byte(buf + lens[i], MARK, sizeof(buf) - lens[i]));
	}
	printf("then: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), 1514));
	return 0;
}
