/* n_dev_send.c - SEND is status 0 and the frame arrives intact (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 brings its NIC up (a RECV that finds nothing), then IDLEs with only line 2 in
 * irq_mask; VM 0 waits 1 ms (VM 1 is up by then), SENDs frames of 14, 100 and 1514 bytes to
 * VM 1 and prints each block as the device left it. VM 1 prints what it woke for and, for each
 * frame, the block, how many bytes differ from the frame it knows VM 0 built, and how many
 * bytes past the frame changed in its buffer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"

#define MARK 0x5Au
#define ARG0 0xA1A1A1A1u /* what arg and result hold before an OUT */
#define RESULT0 0xA2A2A2A2u

static struct dva_request rq __attribute__((aligned(4)));
static uint8_t frame[1514], buf[2048];

static uint32_t nic(uint32_t op, const void *data, uint32_t len)
{
	rq = (struct dva_request){ op, 0xEEEEEEEEu, (uint32_t)(uintptr_t)data, len, ARG0, RESULT0 };
	__asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)DVA_PORT_NET) : "memory");
	return rq.status;
}

static void mac_of(uint32_t id, uint8_t m[6])
{
	const uint8_t v[6] = { 0x02, 0x44, 0x4E, (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id };
	memcpy(m, v, 6);
}

/* Header dst, src, EtherType 0x88B5; seq (little-endian) at 14 when it fits; then a pattern. */
static void make_frame(uint8_t *f, uint32_t dst, uint32_t src, uint32_t len, uint32_t seq)
{
	mac_of(dst, f);
	mac_of(src, f + 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 13u + seq * 7u + (i >> 8) + 5u);
	for (uint32_t i = 0; i < 4 && 14 + i < len; i++)
		f[14 + i] = (uint8_t)(seq >> (8 * i));
}

static const uint32_t lens[3] = { 14, 100, 1514 };

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		for (unsigned i = 0; i < 3; i++) {
			make_frame(frame, 1, 0, lens[i], i + 1);
			uint32_t st = nic(1, frame, lens[i]);
			printf("send %u: status %u op %u addr ok %u len %u arg 0x%x result 0x%x\n",
			       (unsigned)lens[i], (unsigned)st, (unsigned)rq.op,
			       rq.addr == (uint32_t)(uintptr_t)frame, (unsigned)rq.len, (unsigned)rq.arg,
			       (unsigned)rq.result);
		}
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic(2, buf, 1514));
	dva_page0.irq_mask = 1u << DVA_LINE_NET_RX;
	uint32_t woke = dva_idle(100000);
	printf("idle %u pending line 2 %u\n", (unsigned)woke,
	       (unsigned)(dva_page0.irq_pending >> DVA_LINE_NET_RX & 1));
	for (unsigned i = 0; i < 3; i++) {
		memset(buf, MARK, sizeof(buf));
		uint32_t st = nic(2, buf, 1514);
		make_frame(frame, 1, 0, lens[i], i + 1);
		unsigned differ = 0, past = 0;
		for (uint32_t k = 0; k < lens[i]; k++)
			differ += buf[k] != frame[k];
		for (uint32_t k = lens[i]; k < sizeof(buf); k++)
			past += buf[k] != MARK;
		printf("recv: status %u result %u arg %u differ %u past %u\n", (unsigned)st,
		       (unsigned)rq.result, (unsigned)rq.arg, differ, past);
	}
	printf("then: status %u\n", (unsigned)nic(2, buf, 1514));
	return 0;
}
