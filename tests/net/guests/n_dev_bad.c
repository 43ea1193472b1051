/* n_dev_bad.c - status 3 for every bad block, and a bad block changes nothing else
 * (tests/net/cases/device.sh).
 *
 * Two VMs. VM 1 SENDs VM 0 one good 60-byte frame (seq 7) after 1 ms, then watches line 2 for
 * 20 ms and RECVs: nothing VM 0 does here may reach it. VM 0 waits for that frame (line 2), then
 * makes every bad request: bad lengths, unknown ops, SEND from a range not readable, RECV into
 * a range not writable (read-only text, page 0, past mem_size, wrapping past 4 GiB). For each it
 * prints the status, whether op, addr, len, arg and result are as it set them, and for a RECV
 * whether the target bytes (that it can read) are unchanged. Then a good RECV must still find
 * the frame, whole. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */

#define MARK 0x5Au
static uint8_t frame[2048], buf[2048], before[1514];

struct row {
	const char *name;
	uint32_t op, addr, len;
	int readable; /* the guest can read [addr, addr+len) to see that it did not change */
};

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t m0[6], m1[6];
	mac_of(0, m0);
	mac_of(1, m1);
	if (dva_page0.vm_id == 1) {
		printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), 1514));
		dva_idle(1000);
		make_frame(frame, m0, m1, 60, 7);
		printf("send: status %u\n", (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), 60));
		printf("line 2 in 20 ms: %u\n", wait_line(DVA_LINE_NET_RX, 20000, NULL));
		printf("recv: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), 1514));
		return 0;
	}
	uint32_t top = dva_page0.mem_size, text = GADDR(main) & ~3u;
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), 1514));
	printf("line 2: %u\n", wait_line(DVA_LINE_NET_RX, 100000, NULL));
	make_frame(frame, m1, m0, 1515, 1);
	const struct row rows[] = {
		{ "send of 13 bytes", NET_SEND, GADDR(frame), 13, 1 },
		{ "send of 1515 bytes", NET_SEND, GADDR(frame), 1515, 1 },
		{ "send of 0 bytes", NET_SEND, GADDR(frame), 0, 1 },
		{ "op 0", 0, GADDR(buf), 60, 1 },
		{ "op 3", 3, GADDR(buf), 60, 1 },
		{ "op 0xffffffff", 0xFFFFFFFFu, GADDR(buf), 60, 1 },
		{ "send crossing mem_size", NET_SEND, top - 30, 60, 0 },
		{ "send at mem_size", NET_SEND, top, 14, 0 },
		{ "send wrapping past 4 GiB", NET_SEND, 0xFFFFFFF0u, 60, 0 },
		{ "recv into read-only text", NET_RECV, text, 60, 1 },
		{ "recv into the first text page", NET_RECV, 0x1000, 1514, 1 },
		{ "recv into page 0", NET_RECV, 0x100, 60, 1 },
		{ "recv crossing mem_size", NET_RECV, top - 30, 60, 0 },
		{ "recv at mem_size", NET_RECV, top, 60, 0 },
		{ "recv wrapping past 4 GiB", NET_RECV, 0xFFFFFFF0u, 60, 0 },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const uint8_t *target = (const uint8_t *)(uintptr_t)r->addr;
		if (r->readable)
			memcpy(before, target, r->len < sizeof(before) ? r->len : sizeof(before));
		uint32_t st = nic_request(&rq, r->op, r->addr, r->len);
		unsigned kept = rq.op == r->op && rq.addr == r->addr && rq.len == r->len &&
				rq.arg == ARG0 && rq.result == RESULT0;
		printf("%s: status %u, block kept %u", r->name, (unsigned)st, kept);
		if (r->op == NET_RECV && r->readable)
			printf(", target kept %u", !differ(before, target, r->len < sizeof(before) ? r->len : sizeof(before)));
		printf("\n");
	}
	memset(buf, MARK, sizeof(buf));
	uint32_t st = nic_request(&rq, NET_RECV, GADDR(buf), 1514);
	make_frame(frame, m0, m1, 60, 7);
	printf("recv: status %u result %u arg %u differ %u\n", (unsigned)st, (unsigned)rq.result,
	       (unsigned)rq.arg, differ(buf, frame, 60));
	printf("then: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(buf), 1514));
	return 0;
}
