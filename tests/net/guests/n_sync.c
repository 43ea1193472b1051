/* n_sync.c - when a frame reaches an idle receiver (tests/net/cases/sync.sh). VM 1 unmasks line 2
 * and IDLEs until a frame comes; VM 0 waits a millisecond (so VM 1 idles), SENDs VM 1 a frame
 * holding the system time of the SEND, then computes for 200,000 more instructions of its
 * quantum. VM 1 prints how long after the SEND it took the frame: under --irq-mode sync the
 * switch carries the frame at once and VM 1 runs next (a delay of a few instructions); batched,
 * it waits for the end of VM 0's quantum. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64];

static uint32_t nic(uint32_t op, void *data, uint32_t len)
{
	rq = (struct dva_request){ op, 1, GADDR(data), len, 0, 0 };
	return nic_submit(&rq);
}

static uint64_t now(void)
{
	return dva_page0.time_ns; /* one 8-byte read at a time: the low half first, as DVA-1 says */
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (dva_page0.vm_id == 1) {
		dva_page0.irq_mask = 1u << DVA_LINE_NET_RX;
		while (nic(2, frame, sizeof(frame)) == 2)
			dva_idle(DVA_IDLE_FOREVER);
		uint64_t sent, got = now();
		memcpy(&sent, frame + 14, sizeof(sent));
		printf("took the frame %s 10 us after its SEND\n", got - sent < 10000 ? "within" : "more than");
		return 0;
	}
	dva_idle(1000);
	uint8_t me[6], vm1[6];
	my_mac(me);
	mac_of(1, vm1);
	eth_header(frame, vm1, me, ETHERTYPE_TEST);
	uint64_t t = now();
	memcpy(frame + 14, &t, sizeof(t));
	uint32_t st = nic(1, frame, 60);
	volatile uint32_t spin = 0;
	for (uint32_t i = 0; i < 50000; i++)
		spin += i;
	printf("send status %u\n", (unsigned)st);
	return 0;
}
