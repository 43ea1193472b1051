/* console.h - the console device (DVA-1 section 7): ports 0xD000 (data) and 0xD001 (status). */
#ifndef DENALI_CONSOLE_H
#define DENALI_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "devices/device.h"

#define CONSOLE_OUT_BUF 512 /* bytes buffered before a write to the host */
#define CONSOLE_IN_BUF 256  /* input bytes waiting for the guest */

struct console {
	struct device dev;     /* first: the bus sees a struct device */
	FILE *out;             /* where output goes (stdout for a single VM), or NULL to drop */
	unsigned char obuf[CONSOLE_OUT_BUF];
	unsigned olen;
	unsigned char ibuf[CONSOLE_IN_BUF]; /* ring of input bytes */
	unsigned ihead, ilen;
	bool in_ended;         /* the host input has ended */
	bool in_used;          /* the guest has looked at input: the VM should feed it */
	void *owner;           /* the VM, for raising the CONSOLE_IN line */
	void (*raise)(void *owner, unsigned line);
};

/* Create a console writing to out (NULL: output discarded). */
struct console *console_new(FILE *out);
/* Add host input; raises line 1. Returns the bytes taken (the rest waits). */
unsigned console_feed(struct console *con, const unsigned char *bytes, unsigned n);
/* Mark the host input as ended (status bit 31 once nothing waits). */
void console_end_input(struct console *con);
/* Write buffered output to the host. */
void console_flush(struct console *con);

#endif
