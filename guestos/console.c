/* console.c - console output: one OUT per byte, or one REP OUTSB for a whole buffer (port 0xD000). */
#include <string.h>

#include "denali.h"

void dva_putc(int ch)
{
	__asm__ volatile("outb %b0, %w1" : : "a"(ch), "Nd"((uint16_t)DVA_PORT_CONSOLE));
}

void dva_write(const void *buf, size_t n)
{
	/* DVA-1 section 7: REP OUTSB to the console writes all ECX bytes as one operation (and
	 * nothing when ECX = 0), leaving ESI advanced and ECX = 0. DF is clear at every call (ABI). */
	__asm__ volatile("rep outsb"
			 : "+S"(buf), "+c"(n)
			 : "d"((uint16_t)DVA_PORT_CONSOLE)
			 : "memory");
}

void dva_puts(const char *s)
{
	dva_write(s, strlen(s));
}
