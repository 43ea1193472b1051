/* n_dev_empty.c - RECV with nothing waiting: status 2, and neither the buffer nor the block's
 * arg and result change (tests/net/cases/device.sh).
 *
 * One VM, alone on the switch: nothing can arrive. RECVs of 1514, 60 and 0 bytes, before and
 * after an IDLE of 1 ms with line 2 in irq_mask, each print the status, arg, result, and the
 * buffer's bytes that changed. */
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
static uint8_t buf[2048];

static void recv(uint32_t len)
{
	memset(buf, MARK, sizeof(buf));
	uint32_t st = nic(NET_RECV, GADDR(buf), len);
	printf("recv %u: status %u arg 0x%x result 0x%x changed %u\n", (unsigned)len, (unsigned)st,
	       (unsigned)rq.arg, (unsigned)rq.result, not_byte(buf, MARK, sizeof(buf)));
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	recv(1514);
	recv(60);
	recv(0);
	uint32_t woke;
	printf("line 2 in 1 ms: %u\n", wait_line(DVA_LINE_NET_RX, 1000, &woke));
	printf("idle: %u\n", (unsigned)woke);
	recv(1514);
	return 0;
}
