/* n_dev_nonic.c - a VM without the NIC (devices = console,timer): OUT to 0xD100 is #GP(0)
 * and page 0's devices is 0x3 (tests/net/cases/device.sh).
 *
 * One VM with a #GP handler (guestos trap.h). It prints page 0's devices, then makes one RECV:
 * with a NIC the status (2); without, the #GP the OUT raised (vector, error code, whether EIP
 * was the OUT) and that the block was left alone. */
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

#include "trap.h"

static uint8_t buf[1514];
static volatile uint32_t gps, gp_error, gp_at_out;

static void on_gp(struct trapframe *tf)
{
	gps++;
	gp_error = tf->error;
	gp_at_out = *(const uint8_t *)(uintptr_t)tf->eip == 0xEF;
	tf->eip += 1;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	trap_register(DVA_VEC_GP, on_gp);
	printf("devices 0x%x\n", (unsigned)dva_page0.devices);
	uint32_t st = nic(NET_RECV, GADDR(buf), sizeof(buf));
	if (gps)
		printf("recv: #GP %u error %u fault_vector %u at out %u, status 0x%x\n", (unsigned)gps,
		       (unsigned)gp_error, (unsigned)dva_page0.fault_vector, (unsigned)gp_at_out,
		       (unsigned)st);
	else
		printf("recv: status %u\n", (unsigned)st);
	return 0;
}
