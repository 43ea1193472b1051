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
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */

#define MARK 0x5Au
static uint8_t buf[2048];

static void recv(uint32_t len)
{
	memset(buf, MARK, sizeof(buf));
	uint32_t st = nic_request(&rq, NET_RECV, GADDR(buf), len);
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
