/* n_dev_trap.c - a request block the NIC cannot use faults the OUT, seen from #GP and #PF
 * handlers (guestos trap.h) (tests/net/cases/device.sh).
 *
 * One VM. Each row OUTs a block that is misaligned (#GP(0)) or that a 24-byte write could not
 * store (#PF: crossing or past mem_size, in read-only text, in page 0); the handler records the
 * vector, the error code and page 0's fault_addr, checks that EIP is the OUT (0xEF), and steps
 * past it. A row prints those, fault_addr less the block's address, whether fault_addr was left
 * alone (#GP), and whether the misaligned block's bytes are unchanged. Each misaligned block is
 * a good broadcast SEND, and at the end one good SEND goes out: vms.csv must count that one
 * alone. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "trap.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[64];
static uint8_t space[64] __attribute__((aligned(4)));
static uint8_t image[sizeof(struct dva_request)];
static volatile uint32_t got_vector, got_error, got_addr, got_at_out, traps;

static void on_fault(struct trapframe *tf)
{
	got_vector = tf->vector;
	got_error = tf->error;
	got_addr = dva_page0.fault_addr;
	got_at_out = *(const uint8_t *)(uintptr_t)tf->eip == 0xEF;
	traps++;
	tf->eip += 1;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint8_t me[6];
	mac_of(dva_page0.vm_id, me);
	make_frame(frame, mac_broadcast, me, 60, 1);
	trap_register(DVA_VEC_GP, on_fault);
	trap_register(DVA_VEC_PF, on_fault);
	const uint32_t top = dva_page0.mem_size;
	const struct {
		const char *name;
		uint32_t block; /* 0: space + mis */
		uint32_t mis;
	} rows[] = {
		{ "misaligned by 1", 0, 1 },
		{ "misaligned by 2", 0, 2 },
		{ "misaligned by 3", 0, 3 },
		{ "crossing mem_size", top - 8, 0 },
		{ "at mem_size", top, 0 },
		{ "far past mem_size", 0x40000000u, 0 },
		{ "in read-only text", GADDR(main) & ~3u, 0 },
		{ "in page 0", 0x200, 0 },
		{ "on page 0's writable fields", 0x20, 0 },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t block = rows[i].block;
		if (!block) {
			const struct dva_request r = { NET_SEND, STATUS0, GADDR(frame), 60, ARG0, RESULT0 };
			memcpy(space + rows[i].mis, &r, sizeof(r));
			memcpy(image, &r, sizeof(r));
			block = GADDR(space) + rows[i].mis;
		}
		uint32_t addr_before = dva_page0.fault_addr;
		uint32_t n = traps;
		got_vector = got_error = got_addr = 0xDEADu;
		nic_out(block);
		printf("%s: traps %u vector %u error %u at out %u", rows[i].name, (unsigned)(traps - n),
		       (unsigned)got_vector, (unsigned)got_error, (unsigned)got_at_out);
		if (got_vector == DVA_VEC_PF)
			printf(" fault_addr-block %u", (unsigned)(got_addr - block));
		else
			printf(" fault_addr kept %u", got_addr == addr_before);
		if (!rows[i].block)
			printf(" block kept %u", !memcmp(space + rows[i].mis, image, sizeof(image)));
		printf("\n");
	}
	printf("good send: status %u\n", (unsigned)nic_request(&rq, NET_SEND, GADDR(frame), 60));
	return 0;
}
