/* console.c - the console device: output to a host stream, input from a byte ring. */
#include "devices/console.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "denali_arch/dva.h"

/* Write n bytes of a prefixed line (the newline included if there is one). */
static void write_prefixed(struct console *con, const unsigned char *b, unsigned n, bool add_newline)
{
	fprintf(con->out, "[vm %u] ", (unsigned)con->vm_id);
	fwrite(b, 1, n, con->out);
	if (add_newline)
		fputc('\n', con->out);
}

void console_flush(struct console *con, bool final)
{
	if (!con->olen)
		return; /* nothing to write in any mode (and perhaps no buffer) */
	unsigned done = con->olen;
	switch (con->sink) {
	case SINK_RAW:
		if (con->out) {
			fwrite(con->obuf, 1, con->olen, con->out);
			fflush(con->out);
		}
		break;
	case SINK_PREFIX: {
		unsigned start = 0;
		for (unsigned i = 0; i < con->olen; i++) {
			if (con->obuf[i] == '\n') {
				write_prefixed(con, con->obuf + start, i + 1 - start, false);
				start = i + 1;
			}
		}
		/* A partial line waits for its end, unless the buffer is full or this is the last. */
		if (start < con->olen && (final || (start == 0 && con->olen == CONSOLE_OUT_BUF))) {
			write_prefixed(con, con->obuf + start, con->olen - start, true);
			start = con->olen;
		}
		done = start;
		fflush(con->out);
		break;
	}
	case SINK_FILE: {
		FILE *f = fopen(con->path, "ab");
		if (f) {
			fwrite(con->obuf, 1, con->olen, f);
			fclose(f);
		}
		break;
	}
	case SINK_NONE:
		break;
	}
	memmove(con->obuf, con->obuf + done, con->olen - done);
	con->olen -= done;
}

/* Watch the output for "@stat " lines (console.h). */
static void stat_byte(struct console *con, uint8_t b)
{
	static const char tag[] = "@stat ";
	if (b == '\n') {
		if (con->slen != CONSOLE_STAT_SKIP && con->slen >= sizeof(tag) - 1)
			con->stat_line(con->stat_opaque, con->sline, con->slen);
		con->slen = 0;
		return;
	}
	if (con->slen == CONSOLE_STAT_SKIP)
		return;
	if (con->slen < sizeof(tag) - 1 && b != (uint8_t)tag[con->slen]) {
		con->slen = CONSOLE_STAT_SKIP;
		return;
	}
	if (con->slen < CONSOLE_STAT_LINE)
		con->sline[con->slen++] = (char)b;
}

int console_watch_stats(struct console *con, void (*fn)(void *opaque, const char *line, unsigned len),
			void *opaque)
{
	if (!con->sline && !(con->sline = malloc(CONSOLE_STAT_LINE)))
		return -1;
	con->slen = 0;
	con->stat_line = fn;
	con->stat_opaque = opaque;
	return 0;
}

/* The tail (console.h): the line being written, and a fresh blank one after it, the oldest
 * giving its place once every row is in use. */
static char *tail_current(struct console_tail *t)
{
	return t->cells + (size_t)((t->first + t->used - 1) % t->rows) * t->cols;
}

static void tail_newline(struct console_tail *t)
{
	if (t->used < t->rows)
		t->used++;
	else
		t->first = (t->first + 1) % t->rows;
	memset(tail_current(t), ' ', t->cols);
	t->col = 0;
}

/* A character that shows: at the cursor, wrapping first when the line is already full (so a
 * line of exactly cols characters and its newline make one line, not two). */
static void tail_put(struct console_tail *t, char c)
{
	if (t->col == t->cols)
		tail_newline(t);
	tail_current(t)[t->col++] = c;
}

/* An escape sequence shows nothing: ESC and the byte after it, or ESC [ up to its final byte
 * (0x40..0x7E), so a guest's colours do not litter the picture with "[31m". */
static bool tail_escape(struct console_tail *t, uint8_t b)
{
	if (t->esc == 1) {
		t->esc = b == '[' ? 2 : 0;
		return true;
	}
	if (t->esc == 2) {
		if (b >= 0x40 && b <= 0x7E)
			t->esc = 0;
		return true;
	}
	if (b == 0x1B) {
		t->esc = 1;
		return true;
	}
	return false;
}

static void tail_byte(struct console_tail *t, uint8_t b)
{
	t->bytes++;
	if (tail_escape(t, b))
		return;
	if (b >= 0x20 && b < 0x7F) {
		tail_put(t, (char)b);
	} else if (b == '\n') {
		tail_newline(t);
	} else if (b == '\r') {
		t->col = 0;
	} else if (b == '\t') {
		do
			tail_put(t, ' ');
		while (t->col % 8 && t->col < t->cols);
	} else if (b == '\b') {
		if (t->col)
			t->col--;
	} else if (b >= 0xC0) {
		tail_put(t, '?'); /* a character the font lacks: one mark for a UTF-8 sequence */
	}
	/* other control bytes, DEL and UTF-8 continuation bytes show nothing */
}

int console_keep_tail(struct console *con, unsigned cols, unsigned rows)
{
	if (!cols || !rows)
		return -1;
	struct console_tail *t = con->tail;
	if (t && t->cols == cols && t->rows == rows)
		return 0;
	struct console_tail *n = calloc(1, sizeof(*n));
	char *cells = malloc((size_t)cols * rows);
	if (!n || !cells) {
		free(n);
		free(cells);
		return -1;
	}
	n->cols = cols;
	n->rows = rows;
	n->cells = cells;
	n->used = 1;
	memset(cells, ' ', cols); /* the first line; the others are cleared as they come into use */
	if (t) {
		n->bytes = t->bytes + 1; /* moved: whoever shows it sees the change */
		free(t->cells);
		free(t);
	}
	con->tail = n;
	return 0;
}

const char *console_tail_line(const struct console *con, unsigned i)
{
	const struct console_tail *t = con->tail;
	if (!t || i >= t->used)
		return NULL;
	return t->cells + (size_t)((t->first + i) % t->rows) * t->cols;
}

static void put_byte(struct console *con, uint8_t b)
{
	if (con->tail)
		tail_byte(con->tail, b);
	if (con->stat_line)
		stat_byte(con, b);
	if (con->olen == CONSOLE_OUT_BUF)
		console_flush(con, false);
	/* Out of memory, the byte is lost, as output to a file that cannot be opened is (the
	 * statistics line above has seen it); the next byte asks again. */
	if (!con->obuf && !(con->obuf = malloc(CONSOLE_OUT_BUF)))
		return;
	con->obuf[con->olen++] = b;
}

static int con_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct console *con = (struct console *)d;
	if (port != DVA_PORT_CONSOLE || size != 1)
		return DEV_GP;
	put_byte(con, (uint8_t)val);
	return DEV_OK;
}

static int con_out_bytes(struct device *d, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	struct console *con = (struct console *)d;
	if (port != DVA_PORT_CONSOLE)
		return DEV_GP;
	for (uint32_t i = 0; i < n; i++)
		put_byte(con, bytes[i]);
	return DEV_OK;
}

static int con_in(struct device *d, uint16_t port, unsigned size, uint32_t *val)
{
	struct console *con = (struct console *)d;
	bool data = port == DVA_PORT_CONSOLE && size == 1;
	if (!data && !(port == DVA_PORT_CONSOLE_STATUS && size == 4))
		return DEV_GP;
	/* The guest's first look at its input asks the host what it holds, so that very read is
	 * already true: the bytes waiting, or bit 31 when the input is already at its end
	 * (</dev/null, an empty file, a closed pipe). Waiting for the next quantum boundary would
	 * show 0, and a guest that then IDLEs for line 1 would wait for nothing. The input is not
	 * touched before this, so a guest that never reads leaves stdin to whoever comes next. */
	if (!con->in_used) {
		con->in_used = true;
		console_fill(con);
	}
	if (data) {
		if (con->ilen == 0) {
			*val = 0xFF;
			return DEV_OK;
		}
		*val = con->ibuf[con->ihead];
		con->ihead = (con->ihead + 1) % CONSOLE_IN_BUF;
		/* Emptied: fill again now, so a file longer than the ring never reads as 0 between
		 * two loads of it, and bit 31 shows as soon as its last byte is taken. One host call
		 * per emptying of the ring, never one per IN. */
		if (--con->ilen == 0)
			console_fill(con);
		return DEV_OK;
	}
	*val = con->ilen | (con->ilen == 0 && con->in_ended ? DVA_CONSOLE_EOF : 0);
	return DEV_OK;
}

static void con_destroy(struct device *d)
{
	struct console *con = (struct console *)d;
	console_flush(con, true);
	free(con->obuf);
	free(con->ibuf);
	free(con->path);
	free(con->sline);
	if (con->tail)
		free(con->tail->cells);
	free(con->tail);
	free(con);
}

static void con_boundary(struct device *d, bool final)
{
	console_flush((struct console *)d, final);
}

static const struct device_ops console_ops = {
	.in = con_in,
	.out = con_out,
	.out_bytes = con_out_bytes,
	.boundary = con_boundary,
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
	con->dev.lines = 1u << DVA_LINE_CONSOLE_IN;
	con->out = out;
	con->sink = out ? SINK_RAW : SINK_NONE;
	con->in_fd = -1;
	return con;
}

void console_set_prefix(struct console *con, FILE *out, uint32_t id)
{
	con->sink = SINK_PREFIX;
	con->out = out;
	con->vm_id = id;
}

void console_set_file(struct console *con, char *path)
{
	con->sink = SINK_FILE;
	free(con->path);
	con->path = path;
}

/* The input ring exists (it is allocated on the first input): false out of memory, when input
 * is not taken and waits where it is, as for a full ring. */
static bool ring_ready(struct console *con)
{
	return con->ibuf || (con->ibuf = malloc(CONSOLE_IN_BUF));
}

/* Append up to n bytes to the ring, which exists; returns how many fitted. */
static unsigned ring_put(struct console *con, const unsigned char *bytes, unsigned n)
{
	unsigned taken = 0;
	while (taken < n && con->ilen < CONSOLE_IN_BUF) {
		con->ibuf[(con->ihead + con->ilen) % CONSOLE_IN_BUF] = bytes[taken++];
		con->ilen++;
	}
	return taken;
}

static void raise_input(struct console *con)
{
	if (con->dev.host)
		dev_raise(&con->dev, DVA_LINE_CONSOLE_IN);
}

unsigned console_feed(struct console *con, const unsigned char *bytes, unsigned n)
{
	if (!n || !ring_ready(con))
		return 0;
	unsigned taken = ring_put(con, bytes, n);
	if (taken)
		raise_input(con);
	return taken;
}

void console_end_input(struct console *con)
{
	if (con->in_ended)
		return;
	con->in_ended = true;
	raise_input(con);
}

void console_set_input(struct console *con, int fd)
{
	con->in_fd = fd;
	con->src = NULL;
}

void console_set_source(struct console *con, const struct console_input *src)
{
	con->src = src;
	con->in_fd = -1;
}

int console_read_fd(int fd, unsigned char *buf, unsigned max)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, 0) <= 0)
		return 0; /* nothing yet: a later fill looks again */
	ssize_t n = read(fd, buf, max);
	if (n > 0)
		return (int)n;
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	return -1; /* end of file, or an error the input will not recover from */
}

void console_fill(struct console *con)
{
	if (con->in_ended)
		return;
	if (con->in_fd < 0 && !con->src) {
		/* No host input at all (every VM but the one --console-in names): input that has
		 * already ended, which the guest may as well learn from its first read as wait for. */
		console_end_input(con);
		return;
	}
	/* The ring before the host is read: what is read must have a place to go. */
	if (!ring_ready(con))
		return;
	unsigned got = 0;
	/* Read on while the host has more at once: a short file or a closed pipe gives its bytes
	 * and its end in one fill, so the guest sees bit 31 right after the last byte. */
	while (con->ilen < CONSOLE_IN_BUF) {
		unsigned char buf[CONSOLE_IN_BUF];
		unsigned room = CONSOLE_IN_BUF - con->ilen;
		int n = con->src ? con->src->read(con->src->opaque, buf, room)
				 : console_read_fd(con->in_fd, buf, room);
		if (n > 0) {
			got += ring_put(con, buf, (unsigned)n);
			continue;
		}
		if (n < 0)
			con->in_ended = true;
		break;
	}
	/* One rise for the whole fill: the bytes and the end, if both came, are one event. */
	if (got || con->in_ended)
		raise_input(con);
}

void console_trim(struct console *con)
{
	if (!con->olen) {
		free(con->obuf);
		con->obuf = NULL;
	}
	if (!con->ilen) {
		free(con->ibuf);
		con->ibuf = NULL;
		con->ihead = 0;
	}
}
