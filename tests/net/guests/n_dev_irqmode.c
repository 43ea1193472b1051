/* n_dev_irqmode.c - frames and their line 2 reach the receiver under --irq-mode sync and
 * batched alike (tests/net/cases/device.sh runs it both ways and compares).
 *
 * Two VMs with guestos's upcall layer (irq.h): a handler for line 2 counts the upcalls that
 * carried it. VM 0 sends VM 1 eight pings (seq 1-8), each after the answer to the one before;
 * VM 1 answers each (seq + 100). Between RECVs that find nothing, each IDLEs with no timeout:
 * only line 2 can wake it. Each prints every frame it gets and, at the end, how many line-2
 * upcalls it took. Any further VM only computes (about 6 M instructions) while the two talk, so
 * that the two modes schedule differently. */
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

#include "irq.h"

static uint8_t frame[64], buf[1514];
static volatile uint32_t rx_upcalls;

static void on_rx(unsigned line)
{
	(void)line;
	rx_upcalls++;
}

/* The next frame, IDLE (woken only by line 2) while none waits: its seq. */
static uint32_t next_frame(void)
{
	while (nic(NET_RECV, GADDR(buf), sizeof(buf)) == DVA_REQ_WOULD_BLOCK)
		dva_idle(DVA_IDLE_FOREVER);
	return rq.status == DVA_REQ_DONE ? frame_seq(buf) : 0xFFFFFFFFu;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	irq_register(DVA_LINE_NET_RX, on_rx);
	printf("up: status %u\n", (unsigned)nic(NET_RECV, GADDR(buf), sizeof(buf)));
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		for (uint32_t seq = 1; seq <= 8; seq++) {
			make_frame(frame, m1, m0, 60, seq);
			uint32_t st = nic(NET_SEND, GADDR(frame), 60);
			uint32_t got = next_frame();
			printf("ping %u: status %u, answer %u from %u\n", (unsigned)seq, (unsigned)st,
			       (unsigned)got, (unsigned)buf[11]);
		}
	} else if (dva_page0.vm_id == 1) {
		for (unsigned i = 0; i < 8; i++) {
			uint32_t got = next_frame();
			make_frame(frame, m0, m1, 60, got + 100);
			printf("got %u from %u, answer: status %u\n", (unsigned)got, (unsigned)buf[11],
			       (unsigned)nic(NET_SEND, GADDR(frame), 60));
		}
	} else {
		volatile uint32_t x = 0;
		for (uint32_t i = 0; i < 1000000; i++)
			x += i;
		printf("computed 0x%x\n", (unsigned)x);
	}
	printf("line 2 upcalls %u\n", (unsigned)rx_upcalls);
	return 0;
}
