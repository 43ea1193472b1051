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
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64];

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t me[6];
	mac_of(dva_page0.vm_id, me);
	make_frame(frame, mac_broadcast, me, 60, 1);
	unsigned done = 0;
	uint32_t st;
	while ((st = nic_request(&rq, NET_SEND, GADDR(frame), 60)) == DVA_REQ_DONE && done < 1000)
		done++;
	printf("sends done %u, then status %u\n", done, (unsigned)st);
	printf("line 3 pending before the switch ran: %u\n",
	       (unsigned)(dva_page0.irq_pending >> DVA_LINE_NET_TX_SPACE & 1));
	printf("one more send: status %u\n", (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), 60));
	uint32_t woke;
	unsigned line = wait_line(DVA_LINE_NET_TX_SPACE, 10000, &woke);
	printf("idle %u, line 3 %u\n", (unsigned)woke, line);
	printf("send after line 3: status %u\n", (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), 60));
	line = wait_line(DVA_LINE_NET_TX_SPACE, 2000, &woke);
	printf("idle %u, line 3 %u\n", (unsigned)woke, line);
	return 0;
}
