/* test_console.c - the console's input (devices/console.c, DVA-1 section 7, docs/abi.md): the
 * 256-byte ring the guest reads with IN AL, DX from 0xD000 and counts with IN EAX, DX from 0xD001;
 * the buffers' lifetime: allocated on first use, given back by console_trim; and the tail, the
 * last lines a picture shows (console_keep_tail), which changes nothing of the output.
 *
 * Each row is a script run against a fresh console whose host input is a pipe (this test holds
 * its write end), a temporary file, or nothing (every VM but VM 0). Steps feed bytes as the
 * kernel would (console_feed), write to or close the pipe, call console_fill as the kernel does
 * between quanta, end the input, and read the two ports as the guest does: each IN AL must give
 * the next byte of one numbered sequence (byte i is i % 251, so never 0xFF) or 0xFF when nothing
 * waits, each status read the count with bit 31 once the input has ended and nothing waits, and
 * line 1 must have been raised (through the raise callback of the device's host, with its owner) exactly
 * as often as the row says.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/dva.h"
#include "devices/console.h"

#define EOF_BIT DVA_CONSOLE_EOF

static uint8_t pat(unsigned i)
{
	return (uint8_t)(i % 251u);
}

struct probe {
	int raises;       /* line 1 rises */
	int wrong;        /* rises of another line or with another owner */
};

static void on_raise(void *owner, unsigned line)
{
	struct probe *p = owner;
	if (line == DVA_LINE_CONSOLE_IN)
		p->raises++;
	else
		p->wrong++;
}

enum input { IN_PIPE, IN_NONE, IN_FILE };

struct step {
	char op;
	/* 'f' n  console_feed n bytes of the sequence; it must take min(n, room)
	 * 'w' n  write n bytes of the sequence into the pipe
	 * 'c'    close the pipe's write end
	 * 'F'    console_fill (the kernel, between quanta)
	 * 'e'    console_end_input
	 * 't' n  n × IN AL, each the next byte of the sequence
	 * 'x'    IN AL, which must give 0xFF
	 * 's' v  IN EAX from the status port, which must give v
	 * 'r' n  line 1 must have risen n times in all so far
	 * 'p' n  the pipe must still hold n bytes the console has not read */
	uint32_t n;
};

struct con_row {
	const char *name;
	enum input input;
	unsigned file_bytes;   /* IN_FILE: the file's length (bytes 0.. of the sequence) */
	struct step steps[16];
};

static int pipe_holds(int fd)
{
	int n = -1;
	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

static int temp_file(unsigned bytes, unsigned *gen)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/denali_test_console_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path); /* gone when closed */
	for (unsigned i = 0; i < bytes; i++) {
		uint8_t b = pat((*gen)++);
		assert_int_equal(write(fd, &b, 1), 1);
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static int run_con_row(const struct con_row *row)
{
	struct console *con = console_new(NULL);
	assert_non_null(con);
	struct probe probe = { 0, 0 };
	const struct dev_host host = { .owner = &probe, .raise = on_raise };
	con->dev.host = &host;
	int fds[2] = { -1, -1 };
	unsigned gen = 0, taken = 0; /* bytes of the sequence made, and read by the guest */
	if (row->input == IN_PIPE) {
		assert_int_equal(pipe(fds), 0);
		console_set_input(con, fds[0]);
	} else if (row->input == IN_FILE) {
		fds[0] = temp_file(row->file_bytes, &gen);
		console_set_input(con, fds[0]);
	}
	const struct device_ops *ops = con->dev.ops;
	int bad = 0;
	uint8_t buf[1024];
	for (unsigned k = 0; k < sizeof(row->steps) / sizeof(row->steps[0]) && row->steps[k].op && !bad; k++) {
		const struct step *s = &row->steps[k];
		uint32_t v = 0;
		switch (s->op) {
		case 'f': {
			unsigned room = CONSOLE_IN_BUF - con->ilen, want = s->n < room ? s->n : room;
			for (unsigned i = 0; i < s->n; i++)
				buf[i] = pat(gen + i);
			unsigned got = console_feed(con, buf, s->n);
			if (got != want) {
				print_error("%s: step %u: console_feed took %u, want %u\n", row->name, k, got, want);
				bad = 1;
			}
			gen += got; /* what was not taken is the caller's, to offer again */
			break;
		}
		case 'w':
			for (unsigned i = 0; i < s->n; i++)
				buf[i] = pat(gen++);
			assert_int_equal(write(fds[1], buf, s->n), (ssize_t)s->n);
			break;
		case 'c':
			close(fds[1]);
			fds[1] = -1;
			break;
		case 'F':
			console_fill(con);
			break;
		case 'e':
			console_end_input(con);
			break;
		case 't':
			for (unsigned i = 0; i < s->n && !bad; i++) {
				if (ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v) || v != pat(taken)) {
					print_error("%s: step %u: IN AL #%u gave 0x%x, want 0x%x\n", row->name, k,
						    taken, v, pat(taken));
					bad = 1;
				}
				taken++;
			}
			break;
		case 'x':
			if (ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v) || v != 0xFF) {
				print_error("%s: step %u: IN AL gave 0x%x, want 0xFF\n", row->name, k, v);
				bad = 1;
			}
			break;
		case 's':
			if (ops->in(&con->dev, DVA_PORT_CONSOLE_STATUS, 4, &v) || v != s->n) {
				print_error("%s: step %u: status 0x%x, want 0x%x\n", row->name, k, v, s->n);
				bad = 1;
			}
			break;
		case 'r':
			if (probe.raises != (int)s->n) {
				print_error("%s: step %u: line 1 rose %d times, want %u\n", row->name, k,
					    probe.raises, s->n);
				bad = 1;
			}
			break;
		case 'p':
			if (pipe_holds(fds[0]) != (int)s->n) {
				print_error("%s: step %u: the pipe holds %d bytes, want %u\n", row->name, k,
					    pipe_holds(fds[0]), s->n);
				bad = 1;
			}
			break;
		default:
			fail_msg("%s: bad step '%c'", row->name, s->op);
		}
	}
	if (probe.wrong) {
		print_error("%s: %d rises of another line\n", row->name, probe.wrong);
		bad = 1;
	}
	ops->destroy(&con->dev);
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return bad;
}

static void the_input_ring_behaves_as_dva1_section_7_says(void **state)
{
	(void)state;
	static const struct con_row rows[] = {
		/* the first look */
		{ "a console with no host input shows the end on the guest's first look", IN_NONE, 0,
		  { { 'r', 0 }, { 's', EOF_BIT }, { 'r', 1 }, { 'x', 0 }, { 's', EOF_BIT }, { 'r', 1 } } },
		{ "IN AL as the first look also ends a console with no host input", IN_NONE, 0,
		  { { 'x', 0 }, { 'r', 1 }, { 's', EOF_BIT } } },
		{ "an open, empty pipe reads as nothing waiting and not ended", IN_PIPE, 0,
		  { { 's', 0 }, { 'x', 0 }, { 's', 0 }, { 'r', 0 } } },
		{ "the host input is not touched before the guest's first look", IN_PIPE, 0,
		  { { 'w', 3 }, { 'p', 3 }, { 'r', 0 }, { 's', 3 }, { 'p', 0 }, { 'r', 1 } } },
		{ "bytes already in the pipe show on the first look", IN_PIPE, 0,
		  { { 'w', 5 }, { 's', 5 }, { 'r', 1 }, { 't', 5 }, { 's', 0 }, { 'x', 0 }, { 'r', 1 } } },
		{ "a closed, empty pipe shows the end on the first look", IN_PIPE, 0,
		  { { 'c', 0 }, { 's', EOF_BIT }, { 'r', 1 }, { 'x', 0 } } },
		{ "an empty file shows the end on the first look", IN_FILE, 0,
		  { { 's', EOF_BIT }, { 'r', 1 } } },
		/* taking bytes */
		{ "IN AL takes the bytes in order and the count goes down by one each", IN_PIPE, 0,
		  { { 'w', 3 }, { 's', 3 }, { 't', 1 }, { 's', 2 }, { 't', 1 }, { 's', 1 }, { 't', 1 },
		    { 's', 0 } } },
		{ "IN AL gives 0xFF when nothing waits and the input has not ended", IN_PIPE, 0,
		  { { 'w', 1 }, { 't', 1 }, { 'x', 0 }, { 'x', 0 }, { 's', 0 } } },
		{ "bit 31 waits until the last byte is taken", IN_PIPE, 0,
		  { { 'f', 2 }, { 'e', 0 }, { 's', 2 }, { 't', 1 }, { 's', 1 }, { 't', 1 },
		    { 's', EOF_BIT }, { 'x', 0 }, { 's', EOF_BIT } } },
		{ "a pipe's bytes and its end arrive in one fill with one rise", IN_PIPE, 0,
		  { { 'w', 4 }, { 'c', 0 }, { 's', 4 }, { 'r', 1 }, { 't', 4 }, { 's', EOF_BIT }, { 'r', 1 } } },
		{ "fed bytes on a console with no host input come before its end", IN_NONE, 0,
		  { { 'f', 2 }, { 'r', 1 }, { 's', 2 }, { 'r', 2 }, { 't', 2 }, { 's', EOF_BIT }, { 'x', 0 } } },
		/* line 1 */
		{ "console_feed raises line 1 once per call that takes bytes", IN_PIPE, 0,
		  { { 'f', 3 }, { 'r', 1 }, { 'f', 2 }, { 'r', 2 }, { 'f', 0 }, { 'r', 2 } } },
		{ "ending the input raises line 1, and ending it again does not", IN_PIPE, 0,
		  { { 'e', 0 }, { 'r', 1 }, { 'e', 0 }, { 'r', 1 }, { 's', EOF_BIT }, { 'r', 1 } } },
		{ "a fill that finds nothing new raises nothing", IN_PIPE, 0,
		  { { 's', 0 }, { 'F', 0 }, { 'F', 0 }, { 'r', 0 } } },
		{ "bytes that arrive later come with the next fill, which raises line 1", IN_PIPE, 0,
		  { { 's', 0 }, { 'w', 3 }, { 's', 0 }, { 'F', 0 }, { 'r', 1 }, { 's', 3 }, { 't', 3 } } },
		{ "IN AL on an empty ring does not ask the host again", IN_PIPE, 0,
		  { { 's', 0 }, { 'w', 2 }, { 'x', 0 }, { 'p', 2 }, { 's', 0 }, { 'F', 0 }, { 's', 2 } } },
		{ "a pipe closed after its bytes were taken shows the end at the next fill", IN_PIPE, 0,
		  { { 'w', 1 }, { 't', 1 }, { 'c', 0 }, { 's', 0 }, { 'F', 0 }, { 'r', 2 }, { 's', EOF_BIT } } },
		{ "fills after the end raise nothing more", IN_PIPE, 0,
		  { { 'c', 0 }, { 's', EOF_BIT }, { 'F', 0 }, { 'F', 0 }, { 'r', 1 } } },
		/* capacity and wrap-around */
		{ "the ring holds 256 bytes and a feed takes only what fits", IN_PIPE, 0,
		  { { 'f', 300 }, { 's', 256 }, { 't', 256 }, { 's', 0 }, { 'x', 0 } } },
		{ "a full ring takes nothing from a feed and raises nothing", IN_PIPE, 0,
		  { { 'f', 256 }, { 'r', 1 }, { 'f', 1 }, { 'r', 1 }, { 's', 256 } } },
		{ "the ring wraps around its end and keeps the order", IN_PIPE, 0,
		  { { 'f', 200 }, { 't', 150 }, { 'f', 200 }, { 's', 250 }, { 't', 250 }, { 's', 0 } } },
		{ "a ring wrapped and full again holds exactly 256", IN_PIPE, 0,
		  { { 'f', 256 }, { 't', 100 }, { 'f', 101 }, { 's', 256 }, { 't', 256 }, { 's', 0 } } },
		{ "a fill stops at 256 bytes and leaves the rest in the pipe", IN_PIPE, 0,
		  { { 'w', 300 }, { 's', 256 }, { 'p', 44 }, { 'F', 0 }, { 'r', 1 }, { 'p', 44 } } },
		{ "a fill tops a nearly full ring up to 256 and reads no more than fits", IN_PIPE, 0,
		  { { 'f', 255 }, { 'w', 5 }, { 's', 256 }, { 'p', 4 }, { 't', 256 }, { 's', 4 },
		    { 't', 4 }, { 's', 0 } } },
		/* refill when emptied */
		{ "emptying the ring fills it again at once from the pipe", IN_PIPE, 0,
		  { { 'w', 300 }, { 's', 256 }, { 't', 255 }, { 's', 1 }, { 't', 1 }, { 's', 44 },
		    { 'r', 2 }, { 't', 44 }, { 's', 0 }, { 'r', 2 } } },
		{ "a file longer than the ring reads without a gap and ends right after its last byte",
		  IN_FILE, 600,
		  { { 's', 256 }, { 't', 256 }, { 's', 256 }, { 't', 256 }, { 's', 88 }, { 't', 87 },
		    { 's', 1 }, { 't', 1 }, { 's', EOF_BIT }, { 'x', 0 }, { 'r', 3 } } },
		{ "a file of exactly 256 bytes shows the end as soon as its last byte is taken",
		  IN_FILE, 256,
		  { { 's', 256 }, { 'r', 1 }, { 't', 256 }, { 's', EOF_BIT }, { 'r', 2 } } },
		{ "a short file gives its bytes and its end in one fill", IN_FILE, 10,
		  { { 's', 10 }, { 'r', 1 }, { 't', 10 }, { 's', EOF_BIT }, { 'r', 1 } } },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		bad += run_con_row(&rows[i]);
	if (bad)
		fail_msg("%d rows failed", bad);
}

/* The data port's 0xFF for "nothing" is also a byte a host may send: it is taken like any other
 * and the status count tells the two apart. */
static void a_0xff_byte_reads_as_0xff_with_a_count(void **state)
{
	(void)state;
	struct console *con = console_new(NULL);
	assert_non_null(con);
	const unsigned char b[2] = { 0xFF, 0x00 };
	assert_int_equal(console_feed(con, b, 2), 2);
	uint32_t v = 0;
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE_STATUS, 4, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v), 0);
	assert_int_equal(v, 0xFF);
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE_STATUS, 4, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v), 0);
	assert_int_equal(v, 0x00);
	con->dev.ops->destroy(&con->dev);
}

/* A console attached to no VM (no host, so no line to raise) still takes input. */
static void a_console_without_a_raise_callback_still_takes_input(void **state)
{
	(void)state;
	struct console *con = console_new(NULL);
	assert_non_null(con);
	const unsigned char b[1] = { 'q' };
	assert_int_equal(console_feed(con, b, 1), 1);
	console_end_input(con);
	uint32_t v = 0;
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v), 0);
	assert_int_equal(v, 'q');
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE_STATUS, 4, &v), 0);
	assert_int_equal(v, EOF_BIT);
	con->dev.ops->destroy(&con->dev);
}

/* A stream the test reads back: what the host would have seen. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static void put_string(struct console *con, const char *s)
{
	assert_int_equal(con->dev.ops->out_bytes(&con->dev, DVA_PORT_CONSOLE, (const uint8_t *)s,
						 (uint32_t)strlen(s)), 0);
}

/* The buffers come with their first use: a console that never printed or read holds none. */
static void a_console_that_never_printed_holds_no_buffer(void **state)
{
	(void)state;
	struct console *con = console_new(stdout);
	assert_non_null(con);
	assert_null(con->obuf);
	assert_null(con->ibuf);
	console_flush(con, false); /* the boundary hook of a quantum that printed nothing */
	console_flush(con, true);
	console_trim(con);
	assert_null(con->obuf);
	assert_null(con->ibuf);
	uint32_t v = 0;
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE_STATUS, 4, &v), 0);
	assert_int_equal(v, EOF_BIT); /* no host input: ended, and still no ring */
	assert_null(con->ibuf);
	assert_int_equal(console_feed(con, NULL, 0), 0);
	assert_null(con->ibuf);
	con->dev.ops->destroy(&con->dev);
}

/* console_trim gives back a flushed output buffer and keeps one holding a partial line; output
 * after it is as if nothing had happened. */
static void console_trim_frees_a_flushed_buffer_and_output_goes_on(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c);
	struct console *con = console_new(NULL);
	assert_non_null(con);
	console_set_prefix(con, c.f, 7);
	put_string(con, "one\ntw");
	assert_non_null(con->obuf);
	console_flush(con, false); /* writes "one", keeps the partial "tw" */
	console_trim(con);
	assert_non_null(con->obuf);
	put_string(con, "o\n");
	console_flush(con, false);
	assert_int_equal(con->olen, 0);
	console_trim(con);
	assert_null(con->obuf);
	put_string(con, "three\nfour");
	assert_non_null(con->obuf);
	con->dev.ops->destroy(&con->dev); /* the final flush ends "four" with a newline */
	fclose(c.f);
	assert_string_equal(c.buf, "[vm 7] one\n[vm 7] two\n[vm 7] three\n[vm 7] four\n");
	free(c.buf);

	/* Raw: a full buffer is written when the next byte comes, trimmed or not in between. */
	capture_open(&c);
	con = console_new(c.f);
	assert_non_null(con);
	char big[CONSOLE_OUT_BUF + 2];
	for (unsigned i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = 0;
	put_string(con, big);
	fflush(c.f);
	assert_int_equal(c.len, CONSOLE_OUT_BUF); /* one flush, at the 513th byte */
	console_flush(con, false);
	console_trim(con);
	assert_null(con->obuf);
	put_string(con, "!");
	con->dev.ops->destroy(&con->dev);
	fclose(c.f);
	assert_int_equal(c.len, sizeof(big));
	assert_memory_equal(c.buf, big, sizeof(big) - 1);
	assert_int_equal(c.buf[sizeof(big) - 1], '!');
	free(c.buf);
}

/* Input fed after a trim arrives in order; a ring with bytes waiting is kept. */
static void input_fed_after_a_trim_arrives_in_order(void **state)
{
	(void)state;
	struct console *con = console_new(NULL);
	assert_non_null(con);
	unsigned char b[CONSOLE_IN_BUF];
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = pat(i);
	unsigned fed = 0, taken = 0;
	uint32_t v = 0;
	assert_int_equal(console_feed(con, b, 200), 200);
	fed = 200;
	assert_non_null(con->ibuf);
	for (; taken < 150; taken++) { /* the ring's head moves on */
		assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v), 0);
		assert_int_equal(v, pat(taken));
	}
	console_trim(con);
	assert_non_null(con->ibuf); /* 50 bytes still wait */
	for (; taken < fed; taken++) {
		assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v), 0);
		assert_int_equal(v, pat(taken));
	}
	console_trim(con);
	assert_null(con->ibuf);
	assert_int_equal(console_feed(con, b + 0, 100), 100);
	assert_int_equal(console_feed(con, b + 100, CONSOLE_IN_BUF - 100), CONSOLE_IN_BUF - 100);
	assert_int_equal(console_feed(con, b, 1), 0); /* full */
	assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE_STATUS, 4, &v), 0);
	assert_int_equal(v, CONSOLE_IN_BUF);
	for (unsigned i = 0; i < CONSOLE_IN_BUF; i++) {
		assert_int_equal(con->dev.ops->in(&con->dev, DVA_PORT_CONSOLE, 1, &v), 0);
		assert_int_equal(v, pat(i));
	}
	con->dev.ops->destroy(&con->dev);
}

/* --- the tail: the last lines a picture shows (console_keep_tail) ---------------------------- */

/* The tail holds exactly these lines, oldest first, each blank-padded to the tail's width. */
static void tail_is(const struct console *con, const char *const *want, unsigned n)
{
	assert_non_null(con->tail);
	assert_int_equal(con->tail->used, n);
	for (unsigned i = 0; i < n; i++) {
		const char *line = console_tail_line(con, i);
		assert_non_null(line);
		char padded[256];
		unsigned cols = con->tail->cols;
		assert_true(strlen(want[i]) <= cols && cols < sizeof(padded));
		memset(padded, ' ', cols);
		memcpy(padded, want[i], strlen(want[i]));
		if (memcmp(line, padded, cols))
			fail_msg("line %u is \"%.*s\", want \"%.*s\"", i, (int)cols, line, (int)cols, padded);
	}
	assert_null(console_tail_line(con, n));
}
#define TAIL_IS(con, ...)                                                                      \
	do {                                                                                   \
		static const char *const want_[] = { __VA_ARGS__ };                          \
		tail_is((con), want_, sizeof(want_) / sizeof(want_[0]));                     \
	} while (0)

/* A console with a tail of cols x rows that has been given s. */
static struct console *tail_console(unsigned cols, unsigned rows, const char *s)
{
	struct console *con = console_new(NULL);
	assert_non_null(con);
	assert_int_equal(console_keep_tail(con, cols, rows), 0);
	put_string(con, s);
	return con;
}

static void a_console_keeps_no_tail_unless_asked(void **state)
{
	(void)state;
	struct console *con = console_new(NULL);
	assert_non_null(con);
	put_string(con, "hello\n");
	assert_null(con->tail);
	assert_null(console_tail_line(con, 0));
	assert_int_equal(console_keep_tail(con, 0, 3), -1);
	assert_int_equal(console_keep_tail(con, 3, 0), -1);
	assert_null(con->tail);
	con->dev.ops->destroy(&con->dev);
}

static void the_tail_keeps_lines_as_a_terminal_shows_them(void **state)
{
	(void)state;
	struct console *con = tail_console(10, 4, "");
	TAIL_IS(con, ""); /* one line, empty, being written */
	con->dev.ops->destroy(&con->dev);

	con = tail_console(10, 4, "hello\nworld");
	TAIL_IS(con, "hello", "world");
	assert_int_equal(con->tail->bytes, 11);
	con->dev.ops->destroy(&con->dev);

	con = tail_console(10, 4, "line\n"); /* a newline opens the next, empty line */
	TAIL_IS(con, "line", "");
	con->dev.ops->destroy(&con->dev);

	/* the oldest lines go once every row is in use */
	con = tail_console(10, 3, "1\n2\n3\n4\n5");
	TAIL_IS(con, "3", "4", "5");
	put_string(con, "\n6\n7");
	TAIL_IS(con, "5", "6", "7");
	con->dev.ops->destroy(&con->dev);
}

static void the_tail_wraps_long_lines_at_its_width(void **state)
{
	(void)state;
	struct console *con = tail_console(10, 4, "0123456789abc");
	TAIL_IS(con, "0123456789", "abc");
	con->dev.ops->destroy(&con->dev);

	/* exactly the width and a newline: one line, not an empty one between */
	con = tail_console(10, 4, "0123456789\nx");
	TAIL_IS(con, "0123456789", "x");
	con->dev.ops->destroy(&con->dev);

	con = tail_console(4, 2, "abcdefghijkl"); /* wrapping scrolls too */
	TAIL_IS(con, "efgh", "ijkl");
	con->dev.ops->destroy(&con->dev);
}

static void the_tail_follows_cr_tab_and_backspace(void **state)
{
	(void)state;
	struct console *con = tail_console(20, 4, "abc\rX");
	TAIL_IS(con, "Xbc");
	con->dev.ops->destroy(&con->dev);

	con = tail_console(20, 4, "a\tb\tc\n\tz");
	TAIL_IS(con, "a       b       c", "        z");
	con->dev.ops->destroy(&con->dev);

	con = tail_console(20, 4, "ab\bc\b\b\bd"); /* \b stops at column 0 */
	TAIL_IS(con, "dc");
	con->dev.ops->destroy(&con->dev);

	con = tail_console(10, 4, "abcdefgh\tx"); /* a tab to the last column, then a wrap */
	TAIL_IS(con, "abcdefgh  ", "x");
	con->dev.ops->destroy(&con->dev);

	con = tail_console(10, 4, "0123456789\b!"); /* back from the wrap point */
	TAIL_IS(con, "012345678!");
	con->dev.ops->destroy(&con->dev);
}

static void the_tail_hides_escapes_and_marks_what_the_font_lacks(void **state)
{
	(void)state;
	struct console *con = tail_console(20, 4, "\x1b[1;31mred\x1b[0m ok\x1b" "c!");
	TAIL_IS(con, "red ok!");
	con->dev.ops->destroy(&con->dev);

	con = tail_console(20, 4, "caf\xc3\xa9 \xe2\x82\xac\x7f\x01\a.");
	TAIL_IS(con, "caf? ?.");
	con->dev.ops->destroy(&con->dev);
}

/* The tail changes nothing of what reaches the host, keeps through console_trim, and is fed by a
 * single-byte OUT as by a string one. */
static void the_tail_leaves_the_output_and_the_buffers_alone(void **state)
{
	(void)state;
	static const char text[] = "one\n\x1b[31mtwo\r\tthree\n";
	struct capture c;
	capture_open(&c);
	struct console *con = console_new(NULL);
	assert_non_null(con);
	console_set_prefix(con, c.f, 4);
	assert_int_equal(console_keep_tail(con, 16, 4), 0);
	put_string(con, text);
	assert_int_equal(con->dev.ops->out(&con->dev, DVA_PORT_CONSOLE, 1, 'x'), 0);
	TAIL_IS(con, "one", "        three", "x");
	console_flush(con, false);
	console_trim(con);
	assert_non_null(con->obuf); /* the partial "x" waits for its line's end; the tail has it */
	TAIL_IS(con, "one", "        three", "x");
	assert_int_equal(con->tail->bytes, sizeof(text) - 1 + 1);
	con->dev.ops->destroy(&con->dev);
	fclose(c.f);
	assert_string_equal(c.buf, "[vm 4] one\n[vm 4] \x1b[31mtwo\r\tthree\n[vm 4] x\n");
	free(c.buf);
}

/* Asking again for the same size keeps the lines; another size starts afresh (and moves bytes,
 * so a picture redraws). */
static void keeping_a_tail_again_keeps_it_or_starts_afresh(void **state)
{
	(void)state;
	struct console *con = tail_console(10, 3, "kept\n");
	uint64_t bytes = con->tail->bytes;
	assert_int_equal(console_keep_tail(con, 10, 3), 0);
	TAIL_IS(con, "kept", "");
	assert_int_equal(con->tail->bytes, bytes);
	assert_int_equal(console_keep_tail(con, 20, 5), 0);
	TAIL_IS(con, "");
	assert_int_equal(con->tail->cols, 20);
	assert_true(con->tail->bytes != bytes);
	put_string(con, "new");
	TAIL_IS(con, "new");
	con->dev.ops->destroy(&con->dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_input_ring_behaves_as_dva1_section_7_says),
		cmocka_unit_test(a_0xff_byte_reads_as_0xff_with_a_count),
		cmocka_unit_test(a_console_without_a_raise_callback_still_takes_input),
		cmocka_unit_test(a_console_that_never_printed_holds_no_buffer),
		cmocka_unit_test(console_trim_frees_a_flushed_buffer_and_output_goes_on),
		cmocka_unit_test(input_fed_after_a_trim_arrives_in_order),
		cmocka_unit_test(a_console_keeps_no_tail_unless_asked),
		cmocka_unit_test(the_tail_keeps_lines_as_a_terminal_shows_them),
		cmocka_unit_test(the_tail_wraps_long_lines_at_its_width),
		cmocka_unit_test(the_tail_follows_cr_tab_and_backspace),
		cmocka_unit_test(the_tail_hides_escapes_and_marks_what_the_font_lacks),
		cmocka_unit_test(the_tail_leaves_the_output_and_the_buffers_alone),
		cmocka_unit_test(keeping_a_tail_again_keeps_it_or_starts_afresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
