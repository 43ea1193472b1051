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
#include "irq.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
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
	while (nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)) == DVA_REQ_WOULD_BLOCK)
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
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	if (dva_page0.vm_id == 0) {
		dva_idle(1000);
		for (uint32_t seq = 1; seq <= 8; seq++) {
			make_frame(frame, m1, m0, 60, seq);
			uint32_t st = nic_request(&rq, NET_SEND, GADDR(frame), 60);
			uint32_t got = next_frame();
			printf("ping %u: status %u, answer %u from %u\n", (unsigned)seq, (unsigned)st,
			       (unsigned)got, (unsigned)buf[11]);
		}
	} else if (dva_page0.vm_id == 1) {
		for (unsigned i = 0; i < 8; i++) {
			uint32_t got = next_frame();
			make_frame(frame, m0, m1, 60, got + 100);
			printf("got %u from %u, answer: status %u\n", (unsigned)got, (unsigned)buf[11],
			       (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), 60));
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
