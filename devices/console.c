/* console.c - the console device: output to a host stream, input from a byte ring. */
#include "devices/console.h"

#include <stdlib.h>

#include "denali_arch/dva.h"

void console_flush(struct console *con)
{
	if (con->olen && con->out) {
		fwrite(con->obuf, 1, con->olen, con->out);
		fflush(con->out);
	}
	con->olen = 0;
}

static void put_byte(struct console *con, uint8_t b)
{
	if (con->olen == sizeof(con->obuf))
		console_flush(con);
	con->obuf[con->olen++] = b;
}

static int con_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct console *con = (struct console *)d;
	if (port != DVA_PORT_CONSOLE || size != 1)
		return -1;
	put_byte(con, (uint8_t)val);
	return 0;
}

static int con_out_bytes(struct device *d, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	struct console *con = (struct console *)d;
	if (port != DVA_PORT_CONSOLE)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		put_byte(con, bytes[i]);
	return 0;
}

static int con_in(struct device *d, uint16_t port, unsigned size, uint32_t *val)
{
	struct console *con = (struct console *)d;
	if (port == DVA_PORT_CONSOLE && size == 1) {
		con->in_used = true;
		if (con->ilen == 0) {
			*val = 0xFF;
			return 0;
		}
		*val = con->ibuf[con->ihead];
		con->ihead = (con->ihead + 1) % CONSOLE_IN_BUF;
		con->ilen--;
		return 0;
	}
	if (port == DVA_PORT_CONSOLE_STATUS && size == 4) {
		con->in_used = true;
		*val = con->ilen | (con->ilen == 0 && con->in_ended ? DVA_CONSOLE_EOF : 0);
		return 0;
	}
	return -1;
}

static void con_destroy(struct device *d)
{
	struct console *con = (struct console *)d;
	console_flush(con);
	free(con);
}

static const struct device_ops console_ops = {
	.name = "console",
	.in = con_in,
	.out = con_out,
	.out_bytes = con_out_bytes,
	.destroy = con_destroy,
};

struct console *console_new(FILE *out)
{
	struct console *con = calloc(1, sizeof(*con));
	if (!con)
		return NULL;
	con->dev.ops = &console_ops;
	con->dev.port_first = DVA_PORT_CONSOLE;
	con->dev.port_last = DVA_PORT_CONSOLE_STATUS;
	con->out = out;
	return con;
}

unsigned console_feed(struct console *con, const unsigned char *bytes, unsigned n)
{
	unsigned taken = 0;
	while (taken < n && con->ilen < CONSOLE_IN_BUF) {
		con->ibuf[(con->ihead + con->ilen) % CONSOLE_IN_BUF] = bytes[taken++];
		con->ilen++;
	}
	if (taken && con->raise)
		con->raise(con->owner, DVA_LINE_CONSOLE_IN);
	return taken;
}

void console_end_input(struct console *con)
{
	con->in_ended = true;
}
