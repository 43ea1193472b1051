/* n_dev_rxfull.c - a receive queue that overflows keeps NET_RXQ (32) frames, drops the rest
 * and counts them (vms.csv net_drops_rx_full); line 2 rises on arrival
 * (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 brings its NIC up, prints whether line 2 is pending (no), IDLEs with line 2 in
 * irq_mask until the first frame, prints what woke it, then IDLEs 20 ms with nothing unmasked
 * while VM 0 sends it 40 frames (seq 0-39; on status 2 VM 0 waits for line 3 and retries),
 * then RECVs everything: the first 32, in order. */
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

static uint32_t frame_seq(const uint8_t *f)
{
	return f[14] | (uint32_t)f[15] << 8 | (uint32_t)f[16] << 16 | (uint32_t)f[17] << 24;
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

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		unsigned blocked = 0, sent = 0;
		while (sent < 40) {
			make_frame(frame, m1, m0, 64, sent);
			uint32_t st = nic(NET_SEND, GADDR(frame), 64);
			if (st == DVA_REQ_DONE) {
				sent++;
			} else if (st == DVA_REQ_WOULD_BLOCK && blocked < 10) {
				blocked++;
				wait_line(DVA_LINE_NET_TX_SPACE, 10000, NULL);
			} else {
				printf("send %u: status %u\n", sent, (unsigned)st);
				return 1;
			}
		}
		printf("sent %u, status 2 %u times\n", sent, blocked);
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic(NET_RECV, GADDR(buf), sizeof(buf)));
	printf("line 2 pending before: %u\n", (unsigned)(dva_page0.irq_pending >> DVA_LINE_NET_RX & 1));
	uint32_t woke;
	unsigned line = wait_line(DVA_LINE_NET_RX, 100000, &woke);
	printf("idle %u, line 2 %u\n", (unsigned)woke, line);
	dva_idle(20000);
	unsigned n = 0, in_order = 0;
	while (nic(NET_RECV, GADDR(buf), sizeof(buf)) == DVA_REQ_DONE) {
		in_order += frame_seq(buf) == n && rq.result == 64 && buf[11] == 0;
		n++;
	}
	printf("received %u, in order %u, then status %u\n", n, in_order, (unsigned)rq.status);
	return 0;
}
