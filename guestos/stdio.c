/* stdio.c - character I/O on the console: putchar, puts, getchar (port 0xD000, status 0xD001). */
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "guestos/libc_param.h"

int putchar(int c)
{
	dva_putc(c);
	return (unsigned char)c;
}

int puts(const char *s)
{
	dva_write(s, strlen(s));
	dva_putc('\n');
	return 0;
}

static uint32_t console_status(void)
{
	uint32_t v;

	__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)DVA_PORT_CONSOLE_STATUS));
	return v;
}

int getchar(void)
{
	for (;;) {
		uint32_t st = console_status();
		uint8_t c;

		if ((st & ~DVA_CONSOLE_EOF) != 0) {
			__asm__ volatile("inb %w1, %0" : "=a"(c) : "Nd"((uint16_t)DVA_PORT_CONSOLE));
			return c;
		}
		if (st & DVA_CONSOLE_EOF)
			return EOF;
		/* Nothing yet. IDLE with a timeout rather than waiting for CONSOLE_IN: that would
		 * mean changing irq_mask, which belongs to the program's interrupt set-up. Input
		 * arrives at quantum boundaries, so a short sleep loses nothing but latency. */
		dva_idle(GUESTOS_GETCHAR_POLL_US);
	}
}
