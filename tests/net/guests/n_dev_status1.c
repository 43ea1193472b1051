/* n_dev_status1.c - the NIC never leaves status 1: a block that comes in with status 1 leaves
 * with 0, 2 or 3 (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 sends VM 0 one frame after 1 ms. VM 0 makes every kind of request with status
 * preset to 1 and prints the status each leaves: RECV with nothing waiting, a good SEND, a bad
 * length, an unknown op, a RECV past mem_size, a RECV of the frame once line 2 rose, and SENDs
 * until the transmit queue is full (the count of 0s, then the status that stopped them). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64], buf[1514];

/* A request whose block has status 1 before the OUT: the status after. */
static uint32_t nic1(uint32_t op, uint32_t addr, uint32_t len)
{
	rq = (struct dva_request){ op, DVA_REQ_PENDING, addr, len, ARG0, RESULT0 };
	return nic_submit(&rq);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 1) {
		nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf));
		dva_idle(1000);
		make_frame(frame, m0, m1, 60, 1);
		printf("send: status %u\n", (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), 60));
		return 0;
	}
	printf("recv, nothing waiting: %u\n", (unsigned)nic1(NET_RECV, GADDR(buf), sizeof(buf)));
	make_frame(frame, mac_broadcast, m0, 60, 2);
	printf("send: %u\n", (unsigned)nic1(NET_SEND, GADDR(frame), 60));
	printf("send of 13 bytes: %u\n", (unsigned)nic1(NET_SEND, GADDR(frame), 13));
	printf("op 7: %u\n", (unsigned)nic1(7, GADDR(frame), 60));
	printf("recv past mem_size: %u\n", (unsigned)nic1(NET_RECV, dva_page0.mem_size, 60));
	printf("line 2: %u\n", wait_line(DVA_LINE_NET_RX, 100000, NULL));
	uint32_t st = nic1(NET_RECV, GADDR(buf), sizeof(buf));
	printf("recv: %u, %u bytes\n", (unsigned)st, (unsigned)rq.result);
	unsigned done = 0;
	while ((st = nic1(NET_SEND, GADDR(frame), 60)) == DVA_REQ_DONE && done < 100)
		done++;
	printf("sends done %u, then %u\n", done, (unsigned)st);
	return 0;
}
