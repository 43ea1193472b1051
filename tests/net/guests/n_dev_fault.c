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

static uint8_t frame[64];
static uint8_t space[64] __attribute__((aligned(4)));

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	uint8_t me[6], all[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	mac_of(dva_page0.vm_id, me);
	make_frame(frame, all, me, 60, 1);
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
	printf("up: status %u\n", (unsigned)nic(NET_RECV, GADDR(frame), sizeof(frame)));
	printf("out\n");
	nic_out(block);
	printf("after\n");
	return 0;
}
