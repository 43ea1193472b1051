/* n_dev_fault.c - a request block the NIC cannot use faults the OUT, on the bare machine (no
 * handlers: the emulator ends the VM with 128 + vector and its diagnostic on stderr)
 * (tests/net/cases/device.sh).
 *
 * argv[1] picks the block: "mis1", "mis2", "mis3" (a good SEND block 1-3 bytes past 4-byte
 * alignment: #GP(0)), "past" (crossing mem_size: #PF), "ro" (in read-only text: #PF), "page0"
 * (at 0x200: #PF). It brings the NIC up with a RECV first, prints "out" before the bad OUT and
 * "after" if the OUT returns. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64];
static uint8_t space[64] __attribute__((aligned(4)));

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	uint8_t me[6];
	mac_of(dva_page0.vm_id, me);
	make_frame(frame, mac_broadcast, me, 60, 1);
	uint32_t block;
	if (m[0] == 'm' && m[1] == 'i' && m[2] == 's') {
		block = GADDR(space) + (uint32_t)(m[3] - '0');
		const struct dva_request r = { NET_SEND, STATUS0, GADDR(frame), 60, ARG0, RESULT0 };
		memcpy(space + (m[3] - '0'), &r, sizeof(r));
	} else if (!strcmp(m, "past")) {
		block = dva_page0.mem_size - 8;
	} else if (!strcmp(m, "ro")) {
		block = GADDR(main) & ~3u;
	} else if (!strcmp(m, "page0")) {
		block = 0x200;
	} else {
		printf("unknown mode '%s'\n", m);
		return 1;
	}
	printf("up: status %u\n", (unsigned)nic_request(&rq, NET_RECV, GADDR(frame), sizeof(frame)));
	printf("out\n");
	nic_out(block);
	printf("after\n");
	return 0;
}
