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
#include "trap.h"
#include "netlib.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
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
	uint32_t st = nic_request(&rq, NET_RECV, GADDR(buf), sizeof(buf));
	if (gps)
		printf("recv: #GP %u error %u fault_vector %u at out %u, status 0x%x\n", (unsigned)gps,
		       (unsigned)gp_error, (unsigned)dva_page0.fault_vector, (unsigned)gp_at_out,
		       (unsigned)st);
	else
		printf("recv: status %u\n", (unsigned)st);
	return 0;
}
