/* netflood.c - frames through the switch as fast as two VMs can move them, on the bare NIC (no
 * stack): `netflood N SIZE`. Even vm_ids send N frames of SIZE bytes to the next VM up; odd ones
 * receive them. A sender whose transmit queue is full IDLEs until line 3; a receiver drains its
 * queue and IDLEs until line 2. Each prints "netflood sent|received COUNT", and the receiver
 * stops after N frames or, since a full receive queue may drop some, after 50 ms with none. */
#include "bench.h"

struct req {
	uint32_t op, status, addr, len, arg, result;
};

static struct req rq __attribute__((aligned(4)));
static uint8_t frame[1514];

static uint32_t nic(uint32_t op, uint32_t len)
{
	rq = (struct req){ op, 1, (uint32_t)(uintptr_t)frame, len, 0, 0 };
	__asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)0xD100) : "memory");
	return rq.status;
}

int main(int argc, char **argv)
{
	uint32_t n = bench_arg(argc, argv, 1, 100000), size = bench_arg(argc, argv, 2, 60);
	uint32_t id = (uint32_t)dva_page0.vm_id, count = 0;
	if (size < 14 || size > 1514)
		size = 60;
	if (id & 1) {
		dva_page0.irq_mask = 1u << DVA_LINE_NET_RX;
		nic(2, sizeof(frame)); /* the NIC is up from here */
		while (count < n) {
			if (nic(2, sizeof(frame)) == 0) {
				count++;
				continue;
			}
			/* Empty: clear line 2 (RW1C), look once more (a frame may have come since), and
			 * only then IDLE until the line rises again. */
			dva_page0.irq_pending = 1u << DVA_LINE_NET_RX;
			if (nic(2, sizeof(frame)) == 0) {
				count++;
				continue;
			}
			if (dva_idle(50000)) /* 1: timed out, nothing came */
				break;
		}
		dva_printf("netflood received %u\n", (unsigned)count);
		return 0;
	}
	dva_page0.irq_mask = 1u << DVA_LINE_NET_TX_SPACE;
	for (unsigned i = 0; i < 6; i++) {
		frame[i] = ((const uint8_t *)dva_page0.mac)[i];
		frame[6 + i] = frame[i];
	}
	frame[5] = (uint8_t)(id + 1); /* the next VM up (vm_ids below 255 here) */
	frame[12] = 0x88;
	frame[13] = 0xB5;
	dva_idle(1000); /* the receiver's NIC comes up first */
	while (count < n) {
		if (nic(1, size) == 0) {
			count++;
			continue;
		}
		/* Status 2: line 3 rises when the switch has made room. Clear it first, so a line
		 * left from an earlier refusal does not end the IDLE at once. */
		dva_page0.irq_pending = 1u << DVA_LINE_NET_TX_SPACE;
		if (nic(1, size) == 0)
			count++;
		else
			dva_idle(DVA_IDLE_FOREVER);
	}
	dva_printf("netflood sent %u\n", (unsigned)count);
	return 0;
}
