/* n_dev_unicast.c - a VM never sees another's unicast (tests/net/cases/device.sh).
 *
 * Three VMs (or more), all up; each prints its MAC. After 1 ms VM 0 sends VM 1 seq 1 and 2 and
 * VM 2 sends VM 0 seq 3. Every VM then watches line 2 for 5 ms, waits 2 ms more, and prints
 * every frame it got: VM 1 seq 1 and 2, VM 0 seq 3, every other VM nothing (and no line 2). */
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

/* Bytes of [a, a+n) that differ from [b, b+n). */
static unsigned differ(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	unsigned d = 0;
	for (uint32_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
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

static void my_mac(uint8_t m[6])
{
	for (unsigned i = 0; i < 6; i++)
		m[i] = dva_page0.mac[i];
}

static uint8_t frame[1514], buf[1514];

static uint32_t len_of(uint32_t seq)
{
	return 100 * seq;
}

static void dst_of(uint32_t seq, uint8_t d[6])
{
	mac_of(seq == 3 ? 0 : 1, d);
}

/* RECV until nothing waits, printing each frame: its sender (the source MAC's last byte), its
 * seq, its length and the bytes that differ from the frame that sender built for it. The
 * frames a sender builds: make_frame(f, dst_of(seq), that sender's MAC, len_of(seq), seq). */
static unsigned recv_all(void)
{
	unsigned n = 0;
	while (nic(NET_RECV, GADDR(buf), sizeof(buf)) == DVA_REQ_DONE) {
		uint32_t seq = frame_seq(buf), len = rq.result;
		uint8_t dst[6], src[6];
		dst_of(seq, dst);
		memcpy(src, buf + 6, 6);
		make_frame(frame, dst, src, len_of(seq), seq);
		printf("frame from %u seq %u len %u arg %u differ %u\n", (unsigned)buf[11], (unsigned)seq,
		       (unsigned)len, (unsigned)rq.arg, len == len_of(seq) ? differ(buf, frame, len) : 9999u);
		n++;
	}
	printf("then: status %u after %u frames\n", (unsigned)rq.status, n);
	return n;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t me[6], dst[6];
	my_mac(me);
	printf("mac %02x:%02x:%02x:%02x:%02x:%02x\n", me[0], me[1], me[2], me[3], me[4], me[5]);
	printf("up: status %u\n", (unsigned)nic(NET_RECV, GADDR(buf), sizeof(buf)));
	uint32_t id = dva_page0.vm_id;
	if (id == 0 || id == 2) {
		dva_idle(1000);
		for (uint32_t seq = id ? 3 : 1; seq <= (id ? 3u : 2u); seq++) {
			dst_of(seq, dst);
			make_frame(frame, dst, me, len_of(seq), seq);
			printf("send seq %u: status %u\n", (unsigned)seq,
			       (unsigned)nic(NET_SEND, GADDR(frame), len_of(seq)));
		}
	}
	printf("line 2 in 5 ms: %u\n", wait_line(DVA_LINE_NET_RX, 5000, NULL));
	dva_idle(2000);
	recv_all();
	return 0;
}
