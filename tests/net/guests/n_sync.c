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

struct req {
	uint32_t op, status, addr, len, arg, result;
};

static struct req rq __attribute__((aligned(4)));
static uint8_t frame[64];

static uint32_t nic(uint32_t op, void *data, uint32_t len)
{
	rq = (struct req){ op, 1, (uint32_t)(uintptr_t)data, len, 0, 0 };
	__asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)0xD100) : "memory");
	return rq.status;
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
	memcpy(frame, (const void *)dva_page0.mac, 6);
	frame[5] = 1; /* VM 1 */
	memcpy(frame + 6, (const void *)dva_page0.mac, 6);
	frame[12] = 0x88;
	frame[13] = 0xB5;
	uint64_t t = now();
	memcpy(frame + 14, &t, sizeof(t));
	uint32_t st = nic(1, frame, 60);
	volatile uint32_t spin = 0;
	for (uint32_t i = 0; i < 50000; i++)
		spin += i;
	printf("send status %u\n", (unsigned)st);
	return 0;
}
