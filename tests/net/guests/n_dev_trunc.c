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
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */

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
		nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf));
		dva_idle(1000);
		for (unsigned i = 0; i < 4; i++) {
			make_frame(frame, m0, m1, lens[i], i + 1);
			printf("send %u: status %u\n", (unsigned)lens[i],
			       (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), lens[i]));
		}
		return 0;
	}
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	printf("line 2: %u\n", wait_line(DVA_LINE_NET_RX, 100000, NULL));
	for (unsigned i = 0; i < 4; i++) {
		memset(buf, MARK, sizeof(buf));
		uint32_t st = nic_request(&rq, NET_RECV, GADDR(buf), room[i]);
		uint32_t got = rq.result <= room[i] ? rq.result : room[i];
		make_frame(frame, m0, m1, lens[i], i + 1);
		printf("recv into %u: status %u result %u arg %u differ %u past %u\n", (unsigned)room[i],
		       (unsigned)st, (unsigned)rq.result, (unsigned)rq.arg, differ(buf, frame, got),
		       not_byte(buf + got, MARK, sizeof(buf) - got));
	}
	printf("then: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf)));
	return 0;
}
