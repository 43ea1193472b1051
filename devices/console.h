/* console.h - the console device (DVA-1 section 7): ports 0xD000 (data) and 0xD001 (status). */
#ifndef DENALI_CONSOLE_H
#define DENALI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/device.h"

/* Both buffers are allocated when first needed and given back by console_trim, so a VM that
 * never prints or reads holds neither. */
#define CONSOLE_OUT_BUF 512 /* bytes buffered before a write to the host */
#define CONSOLE_IN_BUF 256  /* input bytes waiting for the guest */

/* How output reaches the host: raw bytes to a stream (one VM), whole lines with a "[vm N] "
 * prefix (many VMs sharing stdout), appended to a file of its own, or nowhere. */
enum console_sink { SINK_RAW, SINK_PREFIX, SINK_FILE, SINK_NONE };

/* A source of host input other than a plain file descriptor (host input recorded or replayed,
 * denali_arch/hostin.c). read takes what the host has now, without blocking, at most max bytes:
 * it returns the bytes it stored in buf, 0 when nothing more is there yet, -1 when the input
 * has ended. */
struct console_input {
	int (*read)(void *opaque, unsigned char *buf, unsigned max);
	void *opaque;
};

#define CONSOLE_STAT_LINE 256u  /* the longest statistics line kept (the rest is cut) */
#define CONSOLE_STAT_SKIP 0xFFFFFFFFu

/* The console's last lines, for the picture (denali_arch/screen.c): what the guest printed as a
 * terminal of cols x rows characters would show it now, fed by the output path beside (never
 * instead of) the sinks. Only consoles a picture can show have one (console_keep_tail); every
 * other console pays one NULL test per output byte for it. Printable ASCII is kept as it is, a
 * character beyond ASCII (a UTF-8 sequence) as one '?'; \n starts a line (the oldest goes once
 * rows are in use), \r goes to column 0, \t to the next multiple of 8, \b one column back; a
 * character past the last column wraps; ESC [ ... sequences (colours, cursor moves), other
 * control bytes and DEL show nothing. */
struct console_tail {
	unsigned cols, rows;
	char *cells;           /* rows lines of cols characters, a ring; a blank is ' ' */
	unsigned first;        /* the ring's line that is the oldest kept */
	unsigned used;         /* lines in use, 1..rows: the last is the one being written */
	unsigned col;          /* the cursor's column in it; cols: the next character wraps */
	unsigned char esc;     /* 0; 1 after ESC; 2 inside ESC [ ... (skipped) */
	uint64_t bytes;        /* output bytes it has seen: a picture redraws when this moves */
};

struct console {
	struct device dev;     /* first: the bus sees a struct device */
	enum console_sink sink;
	uint32_t vm_id;        /* SINK_PREFIX: the N of "[vm N] " */
	FILE *out;             /* SINK_RAW, SINK_PREFIX: the stream */
	char *path;            /* SINK_FILE: the file, opened for each flush (no fd per VM) */
	unsigned char *obuf;   /* CONSOLE_OUT_BUF bytes, or NULL before the first output byte */
	unsigned olen;
	unsigned char *ibuf;   /* CONSOLE_IN_BUF bytes: ring of input bytes, or NULL before the
				* first input */
	unsigned ihead, ilen;
	int in_fd;             /* the host input (-1: none); read only by console_fill */
	bool in_ended;         /* the host input has ended */
	bool in_used;          /* the guest has looked at input: the VM should feed it */
	const struct console_input *src; /* or this, when set (recorded or replayed input) */
	/* Statistics lines: an output line that begins "@stat " is also handed, whole and
	 * without its newline, to stat_line (when set; --stats collects them). */
	void (*stat_line)(void *opaque, const char *line, unsigned len);
	void *stat_opaque;
	char *sline;           /* CONSOLE_STAT_LINE bytes: the current line while it may be one */
	unsigned slen;         /* its bytes so far; CONSOLE_STAT_SKIP: it is not one */
	struct console_tail *tail; /* the last lines, or NULL (console_keep_tail) */
};

/* Create a console writing raw bytes to out (NULL: output discarded). */
struct console *console_new(FILE *out);
/* Write whole lines to out, each prefixed "[vm id] ". */
void console_set_prefix(struct console *con, FILE *out, uint32_t id);
/* Append output to the file at path (taken over; freed with the console). */
void console_set_file(struct console *con, char *path);
/* Add host input; raises line 1 (through the device's host). Returns the bytes taken (the rest
 * waits). */
unsigned console_feed(struct console *con, const unsigned char *bytes, unsigned n);
/* Mark the host input as ended (status bit 31 once nothing waits); raises line 1, since a guest
 * waiting for input must learn that none will come. */
void console_end_input(struct console *con);
/* Hand every "@stat " output line to fn from now on (with --stats). 0, or -1 out of memory. */
int console_watch_stats(struct console *con, void (*fn)(void *opaque, const char *line, unsigned len),
			void *opaque);
/* Read input from the host file descriptor fd (taken as is, never closed) from now on. */
void console_set_input(struct console *con, int fd);
/* Read input from src (not owned) from now on. */
void console_set_source(struct console *con, const struct console_input *src);
/* A console_input read of a file descriptor: poll(2) first, then read(2), so the descriptor is
 * never made non-blocking (stdin's file description is shared with the shell). */
int console_read_fd(int fd, unsigned char *buf, unsigned max);
/* Take what the host input holds now, without blocking: until the ring is full, the host has
 * nothing more yet, or the input ends (at once for a console with no host input). Raises line 1
 * once if anything came (bytes or the end).
 * The console calls it itself on the guest's first look at its input and whenever the guest
 * empties the ring; the kernel calls it between quanta. */
void console_fill(struct console *con);
/* Write buffered output to the host; in prefix mode only whole lines unless final, when a
 * last partial line is ended with a newline. It is also the device's boundary hook. */
void console_flush(struct console *con, bool final);
/* Give back the output buffer if it holds nothing (flushed, no partial line waiting) and the
 * input ring if nothing waits in it (for a VM being swapped out); both come back with the next
 * output byte or input. Writes nothing and reads nothing. */
void console_trim(struct console *con);
/* Keep the last rows lines of output, cols characters wide, from now on (struct console_tail),
 * for a picture that shows this console. Output before the call is not in it. A console that
 * already keeps a tail of that size keeps it as it is; one of another size starts an empty one.
 * The tail stays until the console goes (console_trim leaves it: it is what is shown, not a
 * buffer that comes back). 0, or -1 when out of host memory or cols or rows is 0. */
int console_keep_tail(struct console *con, unsigned cols, unsigned rows);
/* Line i of the tail, 0 the oldest kept and used - 1 the one being written: cols characters,
 * blank-padded, no NUL. NULL without a tail or when i >= used. */
const char *console_tail_line(const struct console *con, unsigned i);

#endif
