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

#define STATUS0 0xEEEEEEEEu /* a block's status, arg and result before each OUT */
#define ARG0 0xA1A1A1A1u
#define RESULT0 0xA2A2A2A2u
#define NET_SEND 1u /* the NIC's ops (DVA-1 section 7) */
#define NET_RECV 2u
#define GADDR(p) ((uint32_t)(uintptr_t)(p))

static struct dva_request rq __attribute__((aligned(4)));

/* OUT DX, EAX to the NIC with EAX = block (one instruction, 0xEF). */
static void nic_out(uint32_t block)
{
	__asm__ volatile("outl %0, %w1" : : "a"(block), "Nd"((uint16_t)DVA_PORT_NET) : "memory");
}

/* One request through rq, its status, arg and result preset as above: the status it got. */
static uint32_t nic(uint32_t op, uint32_t addr, uint32_t len)
{
	rq = (struct dva_request){ op, STATUS0, addr, len, ARG0, RESULT0 };
	nic_out(GADDR(&rq));
	return rq.status;
}

/* VM id's MAC, as the emulator gives it: 02:44:4E:(id>>16):(id>>8):id. */
static void mac_of(uint32_t id, uint8_t m[6])
{
	const uint8_t v[6] = { 0x02, 0x44, 0x4E, (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id };
	memcpy(m, v, 6);
}

/* A frame of len bytes: dst, src, EtherType 0x88B5, seq (little-endian) at 14 when it fits,
 * then a pattern of seq, so that a receiver can rebuild exactly what was sent. */
static void make_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t len,
		       uint32_t seq)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 13u + seq * 7u + (i >> 8) + 5u);
	for (uint32_t i = 0; i < 4 && 14 + i < len; i++)
		f[14 + i] = (uint8_t)(seq >> (8 * i));
}

/* IDLE for at most us with only line in irq_mask (irq_enable stays 0: no upcall), then
 * whether line is pending; it is cleared (irq_pending is write-1-to-clear) and irq_mask
 * emptied again. IDLE's own result goes to *woke when woke is not NULL (0: a line woke it). */
static unsigned wait_line(unsigned line, uint32_t us, uint32_t *woke)
{
	dva_page0.irq_mask = 1u << line;
	uint32_t w = dva_idle(us);
	uint32_t p = dva_page0.irq_pending & 1u << line;
	dva_page0.irq_pending = p;
	dva_page0.irq_mask = 0;
	if (woke)
		*woke = w;
	return p != 0;
}

static uint8_t frame[64], buf[1514];

/* A request whose block has status 1 before the OUT: the status after. */
static uint32_t nic1(uint32_t op, uint32_t addr, uint32_t len)
{
	rq = (struct dva_request){ op, DVA_REQ_PENDING, addr, len, ARG0, RESULT0 };
	nic_out(GADDR(&rq));
	return rq.status;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6], all[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 1) {
		nic(NET_RECV, GADDR(buf), sizeof(buf));
		dva_idle(1000);
		make_frame(frame, m0, m1, 60, 1);
		printf("send: status %u\n", (unsigned)nic(NET_SEND, GADDR(frame), 60));
		return 0;
	}
	printf("recv, nothing waiting: %u\n", (unsigned)nic1(NET_RECV, GADDR(buf), sizeof(buf)));
	make_frame(frame, all, m0, 60, 2);
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
