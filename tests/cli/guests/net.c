/* net.c - two VMs on the switch, through the NIC's request blocks (DVA-1 section 7, port
 * 0xD100), for tests/cli/run.sh: VM 0 broadcasts a frame and waits for the answer; every other
 * VM waits for a frame, prints what came and from whom, and answers its sender by unicast. Each
 * prints the status of every operation it makes, so the device contract shows in the output. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"

struct req {
	uint32_t op, status, addr, len, arg, result;
};

static struct req rq __attribute__((aligned(4)));
static uint8_t frame[1514], buf[1514];

static uint32_t nic(uint32_t op, void *data, uint32_t len)
{
	rq = (struct req){ op, 99, (uint32_t)(uintptr_t)data, len, 0, 0 };
	__asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)0xD100) : "memory");
	return rq.status;
}

/* Wait for a frame (RECV, IDLE between tries); its length. */
static uint32_t receive(void)
{
	uint32_t st;
	while ((st = nic(2, buf, sizeof(buf))) == 2)
		dva_idle(100);
	printf("recv status %u, %u of %u bytes\n", (unsigned)st, (unsigned)rq.result, (unsigned)rq.arg);
	return rq.result;
}

static void send_to(const uint8_t dst[6], const char *text)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, (const void *)dva_page0.mac, 6);
	frame[12] = 0x88; /* a local experimental EtherType */
	frame[13] = 0xB5;
	size_t n = strlen(text);
	memcpy(frame + 14, text, n);
	printf("send status %u\n", (unsigned)nic(1, frame, (uint32_t)(14 + n)));
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static const uint8_t everyone[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	unsigned id = (unsigned)dva_page0.vm_id;
	printf("vm %u devices 0x%x\n", id, (unsigned)dva_page0.devices);
	printf("short send status %u\n", (unsigned)nic(1, frame, 13)); /* under 14 bytes: 3 */
	if (id == 0) {
		printf("empty recv status %u\n", (unsigned)nic(2, buf, sizeof(buf)));
		send_to(everyone, "hello from 0");
		/* The others' NICs are up from their first use: until then the broadcast is lost, as
		 * on a wire whose receivers have not started. Send again every millisecond. */
		uint32_t st;
		while ((st = nic(2, buf, sizeof(buf))) == 2) {
			dva_idle(1000);
			if (nic(2, buf, sizeof(buf)) != 2)
				break;
			memcpy(frame + 14, "hello from 0", 12);
			nic(1, frame, 26);
		}
		printf("recv status %u, %u of %u bytes\n", (unsigned)rq.status, (unsigned)rq.result, (unsigned)rq.arg);
		uint32_t n = rq.result;
		printf("got '%.*s' from %02x\n", (int)(n - 14), (const char *)buf + 14, buf[11]);
	} else {
		uint32_t n = receive();
		printf("got '%.*s' from %02x\n", (int)(n - 14), (const char *)buf + 14, buf[11]);
		char text[32];
		snprintf(text, sizeof(text), "answer from %u", id);
		send_to(buf + 6, text);
	}
	return 0;
}
