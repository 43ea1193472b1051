/* n_dev_txfull.c - a full transmit queue: SEND gives 2, line 3 rises once when the switch has
 * drained it, and SEND works again (tests/net/cases/device.sh).
 *
 * One VM, alone, broadcasting (carried, and delivered to nobody). Within one quantum it SENDs
 * until a status is not 0 and prints how many were 0 and that status, whether line 3 is pending
 * yet, and the status of one more SEND. Then it IDLEs (up to 10 ms) with line 3 in irq_mask
 * and prints what woke it and whether line 3 was pending; SENDs again; and IDLEs 2 ms more with
 * line 3 unmasked, which no status 2 preceded: line 3 must not rise again. */
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

static uint8_t frame[64];

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t me[6], all[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	mac_of(dva_page0.vm_id, me);
	make_frame(frame, all, me, 60, 1);
	unsigned done = 0;
	uint32_t st;
	while ((st = nic(NET_SEND, GADDR(frame), 60)) == DVA_REQ_DONE && done < 1000)
		done++;
	printf("sends done %u, then status %u\n", done, (unsigned)st);
	printf("line 3 pending before the switch ran: %u\n",
	       (unsigned)(dva_page0.irq_pending >> DVA_LINE_NET_TX_SPACE & 1));
	printf("one more send: status %u\n", (unsigned)nic(NET_SEND, GADDR(frame), 60));
	uint32_t woke;
	unsigned line = wait_line(DVA_LINE_NET_TX_SPACE, 10000, &woke);
	printf("idle %u, line 3 %u\n", (unsigned)woke, line);
	printf("send after line 3: status %u\n", (unsigned)nic(NET_SEND, GADDR(frame), 60));
	line = wait_line(DVA_LINE_NET_TX_SPACE, 2000, &woke);
	printf("idle %u, line 3 %u\n", (unsigned)woke, line);
	return 0;
}
