/* n_dev_trunc.c - RECV into a buffer shorter than the frame (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 sends VM 0 frames of 200, 100, 60 and 80 bytes (seq 1-4) after 1 ms; they
 * arrive together. VM 0 RECVs them into 50, 1514, 0 and 80 bytes and prints for each the status,
 * result, arg, the bytes of the copy that differ from the frame's first result bytes, and the
 * bytes of the buffer past the copy that changed; then a RECV finds nothing (each frame was
 * consumed, cut or not). */
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

/* Bytes of [a, a+n) that differ from [b, b+n). */
static unsigned differ(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	unsigned d = 0;
	for (uint32_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

/* Bytes of [a, a+n) that are not c. */
static unsigned not_byte(const uint8_t *a, uint8_t c, uint32_t n)
{
	unsigned d = 0;
	for (uint32_t i = 0; i < n; i++)
		d += a[i] != c;
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

#define MARK 0x5Au
static uint8_t frame[1514], buf[2048];
static const uint32_t lens[4] = { 200, 100, 60, 80 };
static const uint32_t room[4] = { 50, 1514, 0, 80 };

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 1) {
		nic(NET_RECV, GADDR(buf), sizeof(buf));
		dva_idle(1000);
		for (unsigned i = 0; i < 4; i++) {
			make_frame(frame, m0, m1, lens[i], i + 1);
			printf("send %u: status %u\n", (unsigned)lens[i],
			       (unsigned)nic(NET_SEND, GADDR(frame), lens[i]));
		}
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic(NET_RECV, GADDR(buf), sizeof(buf)));
	printf("line 2: %u\n", wait_line(DVA_LINE_NET_RX, 100000, NULL));
	for (unsigned i = 0; i < 4; i++) {
		memset(buf, MARK, sizeof(buf));
		uint32_t st = nic(NET_RECV, GADDR(buf), room[i]);
		uint32_t got = rq.result <= room[i] ? rq.result : room[i];
		make_frame(frame, m0, m1, lens[i], i + 1);
		printf("recv into %u: status %u result %u arg %u differ %u past %u\n", (unsigned)room[i],
		       (unsigned)st, (unsigned)rq.result, (unsigned)rq.arg, differ(buf, frame, got),
		       not_byte(buf + got, MARK, sizeof(buf) - got));
	}
	printf("then: status %u\n", (unsigned)nic(NET_RECV, GADDR(buf), sizeof(buf)));
	return 0;
}
