/* n_rounds.c - a flood cannot keep the CPU from its neighbours (tests/net/cases/rounds.sh). VM 0
 * sends VM 1 20,000 frames, IDLEing on line 3 whenever its transmit queue is full; VM 1 drains
 * them, IDLEing on line 2; both wake at nearly every boundary, and woken VMs go to the head of
 * the run queue. VM 2 computes meanwhile. Each prints the system time at which it finished:
 * since the switch runs once per round, VM 2 gets a quantum every round and finishes long
 * before the flood does. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

#define FRAMES 20000u

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64];

static uint32_t nic(uint32_t op)
{
	rq = (struct dva_request){ op, 1, GADDR(frame), sizeof(frame), 0, 0 };
	return nic_submit(&rq);
}

/* op until it is taken (status 0), IDLEing on line (cleared first, RW1C) when it is not, at
 * most timeout_us at a time: 0 when it was taken, 1 on a timeout. */
static int until_done(uint32_t op, unsigned line, uint32_t timeout_us)
{
	while (nic(op) != 0) {
		dva_page0.irq_pending = 1u << line;
		if (nic(op) == 0)
			return 0;
		if (dva_idle(timeout_us))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint32_t id = (uint32_t)dva_page0.vm_id;
	if (id == 2) {
		volatile uint32_t x = 0;
		for (uint32_t i = 0; i < 1000000; i++)
			x += i;
		printf("work done at %llu us\n", (unsigned long long)(dva_page0.time_ns / 1000u));
		return 0;
	}
	if (id == 1) {
		dva_page0.irq_mask = 1u << DVA_LINE_NET_RX;
		nic(2); /* up */
		uint32_t n = 0;
		while (n < FRAMES && !until_done(2, DVA_LINE_NET_RX, 10000))
			n++;
		printf("received %u\n", (unsigned)n);
		return 0;
	}
	dva_page0.irq_mask = 1u << DVA_LINE_NET_TX_SPACE;
	uint8_t me[6], vm1[6];
	my_mac(me);
	mac_of(1, vm1);
	eth_header(frame, vm1, me, ETHERTYPE_TEST);
	dva_idle(1000); /* VM 1's NIC comes up first */
	for (uint32_t n = 0; n < FRAMES; n++)
		until_done(1, DVA_LINE_NET_TX_SPACE, DVA_IDLE_FOREVER);
	printf("flood done at %llu us\n", (unsigned long long)(dva_page0.time_ns / 1000u));
	return 0;
}
