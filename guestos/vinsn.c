/* vinsn.c - the two DVA-1 virtual instructions, IDLE (0F 3F 01) and TERMINATE (0F 3F 02). */
#include "denali.h"

void dva_terminate(int status)
{
	/* EAX & 0xFF is the status; the emulator ignores the other bits, so they are passed as is. */
	__asm__ volatile(".byte 0x0f, 0x3f, 0x02" : : "a"(status) : "memory");
	/* TERMINATE never returns: the VM is gone. Keep the compiler's noreturn promise anyway. */
	for (;;)
		__asm__ volatile(".byte 0x0f, 0x3f, 0x02" : : "a"(status) : "memory");
}

uint32_t dva_idle(uint32_t us)
{
	/* EAX in: the timeout; EAX out: 0 woken by a line, 1 timeout or yield. Other registers are
	 * unchanged. "memory": page 0 and device buffers may have changed while the VM slept. */
	__asm__ volatile(".byte 0x0f, 0x3f, 0x01" : "+a"(us) : : "memory");
	return us;
}
