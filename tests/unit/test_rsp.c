/* test_rsp.c - the GDB Remote Serial Protocol's packet layer (denali_arch/rsp.c): the framer
 * fed whole streams, byte by byte and in random chunks (one result whatever the split), its
 * checksums, escapes, repeats, interrupts, acks, overlong and truncated packets and garbage;
 * the writer and its round trips through the framer; the hex helpers; and every command's
 * parse, field by field, with malformed variants of each.
 *
 * Every payload handed to rsp_parse here is a heap copy of exactly its length, so under
 * ASan (tests/san/unit_rsp) a read past n is caught, not just a wrong answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/rng.h"

#include "denali_arch/rsp.h"

/* ---- the framer's events as text ----------------------------------------------------------- */

/* What a stream gave: "P<hex payload>;" per packet, "I;" per interrupt, "C;" bad checksum,
 * "O;" overlong, "B;" broken. */
struct log {
	char *s;
	size_t n, cap;
};

static void log_add(struct log *l, const char *text, size_t n)
{
	if (l->n + n + 1 > l->cap) {
		l->cap = (l->n + n + 1) * 2;
		l->s = realloc(l->s, l->cap);
		assert_non_null(l->s);
	}
	memcpy(l->s + l->n, text, n);
	l->n += n;
	l->s[l->n] = '\0';
}

static void log_event(struct log *l, const struct rsp_reader *r, enum rsp_event ev)
{
	static const char tag[] = { [RSP_EV_PACKET] = 'P', [RSP_EV_INTERRUPT] = 'I',
				    [RSP_EV_BAD_CHECKSUM] = 'C', [RSP_EV_OVERLONG] = 'O',
				    [RSP_EV_BAD_PACKET] = 'B' };
	log_add(l, &tag[ev], 1);
	if (ev == RSP_EV_PACKET) {
		char hex[2 * RSP_PACKET_MAX];
		assert_int_equal(r->buf[r->len], '\0');
		long n = rsp_hex_encode(hex, sizeof hex, r->buf, r->len);
		assert_true(n >= 0);
		log_add(l, hex, (size_t)n);
	}
	log_add(l, ";", 1);
}

/* Feed n bytes in chunks of chunk bytes (0: a random split from rng); the events' log. */
static char *run(const void *bytes, size_t n, size_t chunk, struct rng *rng)
{
	struct rsp_reader *r = malloc(sizeof *r);
	struct log l = { 0 };
	const uint8_t *p = bytes;
	assert_non_null(r);
	rsp_reader_init(r);
	log_add(&l, "", 0);
	while (n > 0) {
		size_t k = chunk ? chunk : 1 + below(rng, 17);
		if (k > n)
			k = n;
		size_t off = 0;
		while (off < k) {
			enum rsp_event ev;
			size_t used = rsp_feed(r, p + off, k - off, &ev);
			assert_true(used >= 1 && used <= k - off);
			off += used;
			if (ev == RSP_EV_NONE)
				assert_int_equal(off, k);
			else
				log_event(&l, r, ev);
		}
		p += k;
		n -= k;
	}
	free(r);
	return l.s;
}

/* The log of s fed in one go, checked equal to byte by byte and to random splits. */
static char *events(const void *s, size_t n)
{
	struct rng rng = { 0x9e3779b97f4a7c15ull };
	char *whole = run(s, n, n ? n : 1, &rng);
	for (size_t chunk = 1; chunk <= 5; chunk++) {
		char *other = run(s, n, chunk, &rng);
		assert_string_equal(whole, other);
		free(other);
	}
	for (int i = 0; i < 20; i++) {
		char *other = run(s, n, 0, &rng);
		assert_string_equal(whole, other);
		free(other);
	}
	return whole;
}

static void expect_events(const char *stream, const char *want)
{
	char *got = events(stream, strlen(stream));
	assert_string_equal(got, want);
	free(got);
}

/* "$raw#xx" with raw exactly as given (escapes and repeats in it untouched). */
static size_t wire(char *out, const char *raw, size_t n)
{
	out[0] = '$';
	memcpy(out + 1, raw, n);
	snprintf(out + 1 + n, 4, "#%02x", rsp_checksum(raw, n));
	return n + 4;
}

static void expect_packet(const char *raw, const char *want_payload, size_t want_n)
{
	char w[256], want[600];
	size_t n = wire(w, raw, strlen(raw));
	w[n] = '\0';
	strcpy(want, "P");
	assert_true(rsp_hex_encode(want + 1, 512, want_payload, want_n) >= 0);
	want[1 + 2 * want_n] = '\0';
	strcat(want, ";");
	expect_events(w, want);
}

static void expect_one(const char *raw, const char *want)
{
	char w[256];
	size_t n = wire(w, raw, strlen(raw));
	w[n] = '\0';
	expect_events(w, want);
}

/* ---- the framer ---------------------------------------------------------------------------- */

static void frames_plain_packets(void **state)
{
	(void)state;
	expect_events("$g#67", "P67;");
	expect_events("$?#3f$g#67", "P3f;P67;");
	expect_events("$#00", "P;"); /* an empty packet */
	expect_packet("m1000,4", "m1000,4", 7);
}

static void frames_checksums(void **state)
{
	(void)state;
	expect_events("$g#68", "C;");
	expect_events("$g#76", "C;");
	expect_events("$g#6z", "C;");
	expect_events("$g#z7", "C;");
	expect_events("$g#\x03" "7", "C;"); /* 0x03 where a digit belongs ends the packet as bad */
	expect_events("$?#3F", "P3f;");     /* upper-case digits are digits */
	expect_events("$g#68$g#67", "C;P67;");
}

static void frames_escapes(void **state)
{
	(void)state;
	expect_packet("a}]b", "a}b", 3);
	expect_packet("}\x03", "#", 1);
	expect_packet("}\x04", "$", 1);
	expect_packet("}\x0a", "*", 1);
	expect_packet("}\x20", "\x00", 1);
	expect_one("a}", "B;");  /* "}#": the escaped byte is missing */
}

static void frames_repeats(void **state)
{
	(void)state;
	expect_packet("0* ", "0000", 4);
	expect_packet("0*!", "00000", 5);
	expect_packet("0*\"0", "0000000", 7);
	expect_packet("}]*\"", "}}}}}}", 6);   /* the byte repeated is the decoded one */
	expect_packet("x* * ", "xxxxxxx", 7); /* a repeat of a repeat's last byte */
	char want[98];
	memset(want, 'x', sizeof want);
	expect_packet("x*~", want, sizeof want);
	expect_one("* ", "B;");       /* nothing to repeat */
	expect_one("a*\x1f", "B;");   /* a count below ' ' */
	expect_one("a*\x7f", "B;");   /* above '~' */
	expect_one("a*", "B;");       /* "*#" */
	expect_events("$a*#8b$g#67", "B;P67;");
}

static void frames_interrupts(void **state)
{
	(void)state;
	expect_events("\x03", "I;");
	expect_events("\x03\x03", "I;I;");
	expect_events("$g#67\x03$?#3f", "P67;I;P3f;");
	expect_events("+\x03-", "I;");
	/* inside a packet 0x03 is data */
	expect_packet("X0,1:\x03", "X0,1:\x03", 6);
}

static void frames_ignore_acks_and_garbage(void **state)
{
	(void)state;
	expect_events("+", "");
	expect_events("+$g#67-+", "P67;");
	expect_events("hello#00 world$g#67trailing#67", "P67;");
	char *got = events("\xff\x00\x80#$g#67", 9); /* a NUL among the garbage */
	assert_string_equal(got, "P67;");
	free(got);
	expect_events("", "");
}

static void frames_truncated_and_restarted(void **state)
{
	(void)state;
	expect_events("$g#6", "");
	expect_events("$g#", "");
	expect_events("$g", "");
	expect_events("$ab$g#67", "P67;");  /* a "$" inside restarts */
	expect_events("$g#6$g#67", "P67;");
	expect_events("$a}$g#67", "P67;");  /* even after "}" */

	/* the rest of a packet cut short arrives with the next call */
	struct rsp_reader r;
	enum rsp_event ev;
	rsp_reader_init(&r);
	assert_int_equal(rsp_feed(&r, "$g#6", 4, &ev), 4);
	assert_int_equal(ev, RSP_EV_NONE);
	assert_int_equal(rsp_feed(&r, "7$?", 3, &ev), 1);
	assert_int_equal(ev, RSP_EV_PACKET);
	assert_int_equal(r.len, 1);
	assert_string_equal(r.buf, "g");
}

/* A payload of n bytes, or of n - 1 then a repeat over the bound. */
static void feed_long(struct rsp_reader *r, size_t n, const char *tail, enum rsp_event want)
{
	size_t cap = n + 16;
	char *raw = malloc(cap), *w = malloc(cap + 8);
	assert_non_null(raw);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		raw[i] = (char)('a' + i % 26);
	size_t m = n + strlen(tail);
	memcpy(raw + n, tail, strlen(tail));
	size_t wn = wire(w, raw, m);
	enum rsp_event ev;
	assert_int_equal(rsp_feed(r, w, wn, &ev), wn);
	assert_int_equal(ev, want);
	free(raw);
	free(w);
}

static void frames_overlong(void **state)
{
	(void)state;
	struct rsp_reader *r = malloc(sizeof *r);
	enum rsp_event ev;
	assert_non_null(r);
	rsp_reader_init(r);
	feed_long(r, RSP_PACKET_MAX, "", RSP_EV_PACKET);
	assert_int_equal(r->len, RSP_PACKET_MAX);
	assert_int_equal(r->buf[RSP_PACKET_MAX], '\0');
	feed_long(r, RSP_PACKET_MAX + 1, "", RSP_EV_OVERLONG);
	assert_int_equal(r->len, 0);
	feed_long(r, RSP_PACKET_MAX - 4, "*!", RSP_EV_PACKET); /* exactly full */
	assert_int_equal(r->len, RSP_PACKET_MAX);
	feed_long(r, RSP_PACKET_MAX - 4, "*\"", RSP_EV_OVERLONG); /* one past */
	feed_long(r, 200000, "", RSP_EV_OVERLONG);
	/* the next packet is read as usual */
	assert_int_equal(rsp_feed(r, "$g#67", 5, &ev), 5);
	assert_int_equal(ev, RSP_EV_PACKET);
	assert_string_equal(r->buf, "g");
	/* an overlong packet with a bad checksum is a bad checksum first */
	char *w = malloc(RSP_PACKET_MAX + 16);
	assert_non_null(w);
	memset(w, 'a', RSP_PACKET_MAX + 16);
	w[0] = '$';
	memcpy(w + RSP_PACKET_MAX + 12, "#00", 3);
	assert_int_equal(rsp_feed(r, w, RSP_PACKET_MAX + 15, &ev), RSP_PACKET_MAX + 15);
	assert_int_equal(ev, RSP_EV_BAD_CHECKSUM);
	free(w);
	free(r);
}

static void frames_a_mixed_stream_the_same_whatever_the_split(void **state)
{
	(void)state;
	char s[1024];
	size_t n = 0;
	const char *raws[] = { "qSupported:multiprocess+;swbreak+", "}]*\"x", "vCont;c", "0* 1*!" };
	memcpy(s + n, "+junk\x03", 6);
	n += 6;
	for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
		n += wire(s + n, raws[i], strlen(raws[i]));
		s[n++] = (char)(i % 2 ? '\x03' : '+');
	}
	memcpy(s + n, "$g#68$a*#8b$abc", 15);
	n += 15;
	char *log = events(s, n);
	const char *decoded[] = { raws[0], "}}}}}}x", raws[2], "000011111" };
	struct log want = { 0 };
	log_add(&want, "I;", 2);
	for (size_t i = 0; i < 4; i++) {
		char hex[128];
		long k = rsp_hex_encode(hex, sizeof hex, decoded[i], strlen(decoded[i]));
		log_add(&want, "P", 1);
		log_add(&want, hex, (size_t)k);
		log_add(&want, i % 2 ? ";I;" : ";", i % 2 ? 3 : 1);
	}
	log_add(&want, "C;B;", 4);
	assert_string_equal(log, want.s);
	free(want.s);
	free(log);
}

static void acks_follow_the_mode(void **state)
{
	(void)state;
	struct rsp_reader r;
	rsp_reader_init(&r);
	assert_int_equal(rsp_ack(&r, RSP_EV_PACKET), '+');
	assert_int_equal(rsp_ack(&r, RSP_EV_BAD_CHECKSUM), '-');
	assert_int_equal(rsp_ack(&r, RSP_EV_OVERLONG), '+');
	assert_int_equal(rsp_ack(&r, RSP_EV_BAD_PACKET), '+');
	assert_int_equal(rsp_ack(&r, RSP_EV_INTERRUPT), 0);
	assert_int_equal(rsp_ack(&r, RSP_EV_NONE), 0);
	rsp_set_no_ack(&r, true);
	for (int ev = RSP_EV_NONE; ev <= RSP_EV_BAD_PACKET; ev++)
		assert_int_equal(rsp_ack(&r, (enum rsp_event)ev), 0);
	/* the mode changes no framing */
	enum rsp_event ev;
	assert_int_equal(rsp_feed(&r, "+$g#67", 6, &ev), 6);
	assert_int_equal(ev, RSP_EV_PACKET);
	rsp_set_no_ack(&r, false);
	assert_int_equal(rsp_ack(&r, RSP_EV_PACKET), '+');
}

/* ---- the writer ---------------------------------------------------------------------------- */

static void frame_is(const char *payload, size_t n, const char *want, size_t wn)
{
	char out[256];
	long got = rsp_frame(out, sizeof out, payload, n);
	assert_int_equal(got, (long)wn);
	assert_memory_equal(out, want, wn);
}
#define FRAME_IS(payload, n, want) frame_is((payload), (n), (want), sizeof(want) - 1)

static void writes_frames(void **state)
{
	(void)state;
	FRAME_IS("OK", 2, "$OK#9a");
	FRAME_IS("", 0, "$#00");
	FRAME_IS("a$#}*b", 6, "$a}\x04}\x03}]}\x0a" "b#25");
	FRAME_IS("\x03\x00+-", 4, "$\x03\x00+-#5b");
	char out[16];
	assert_int_equal(rsp_frame(out, 6, "OK", 2), 6);  /* exactly */
	assert_int_equal(rsp_frame(out, 5, "OK", 2), -1);
	assert_int_equal(rsp_frame(out, 3, "", 0), -1);
	assert_int_equal(rsp_frame(out, 4, "", 0), 4);
	assert_int_equal(rsp_frame(out, 6, "$", 1), 6);
	assert_int_equal(rsp_frame(out, 5, "$", 1), -1); /* the escape needs two */
	assert_int_equal(rsp_frame_notify(out, sizeof out, "Stop:T05", 8), 12);
	assert_memory_equal(out, "%Stop:T05#", 10);
	char sum[3] = { out[10], out[11], '\0' }; /* the frame has no NUL after it */
	assert_int_equal(rsp_checksum("Stop:T05", 8), (uint8_t)strtoul(sum, NULL, 16));
}

/* Random payloads, every byte value: framed, read back identical. */
static void frames_round_trip(void **state)
{
	(void)state;
	struct rng rng = { 12345 };
	static char payload[RSP_PACKET_MAX], out[2 * RSP_PACKET_MAX + 4];
	struct rsp_reader *r = malloc(sizeof *r);
	assert_non_null(r);
	rsp_reader_init(r);
	for (int t = 0; t < 300; t++) {
		size_t n = t == 0 ? RSP_PACKET_MAX : below(&rng, t < 200 ? 64 : RSP_PACKET_MAX);
		for (size_t i = 0; i < n; i++)
			payload[i] = (char)(t % 3 == 0 ? "$#}*"[below(&rng, 4)] : (char)next(&rng));
		long m = rsp_frame(out, sizeof out, payload, n);
		assert_true(m >= (long)n + 4 && m <= 2 * (long)n + 4);
		enum rsp_event ev;
		assert_int_equal(rsp_feed(r, out, (size_t)m, &ev), (size_t)m);
		assert_int_equal(ev, RSP_EV_PACKET);
		assert_int_equal(r->len, n);
		assert_memory_equal(r->buf, payload, n);
	}
	free(r);
}

/* ---- hex ----------------------------------------------------------------------------------- */

static void hex_helpers(void **state)
{
	(void)state;
	char out[32];
	uint8_t b[8];
	uint64_t v;
	assert_int_equal(rsp_hex_encode(out, sizeof out, "\x00\x7f\xff\xa5", 4), 8);
	assert_memory_equal(out, "007fffa5", 8);
	assert_int_equal(rsp_hex_encode(out, 7, "\x00\x7f\xff\xa5", 4), -1);
	assert_int_equal(rsp_hex_encode(out, 0, "", 0), 0);
	assert_int_equal(rsp_hex_reg(out, sizeof out, 0x12345678u, 4), 8);
	assert_memory_equal(out, "78563412", 8);
	assert_int_equal(rsp_hex_reg(out, sizeof out, 0x1122334455667788ull, 8), 16);
	assert_memory_equal(out, "8877665544332211", 16);
	assert_int_equal(rsp_hex_reg(out, sizeof out, 0xabcd, 2), 4);
	assert_memory_equal(out, "cdab", 4);
	assert_int_equal(rsp_hex_reg(out, sizeof out, 0, 9), -1);
	assert_int_equal(rsp_hex_reg(out, 3, 0, 2), -1);

	assert_int_equal(rsp_hex_decode("007fFFa5", 8, b, sizeof b), 4);
	assert_memory_equal(b, "\x00\x7f\xff\xa5", 4);
	assert_int_equal(rsp_hex_decode("007", 3, b, sizeof b), -1);
	assert_int_equal(rsp_hex_decode("0g", 2, b, sizeof b), -1);
	assert_int_equal(rsp_hex_decode("g0", 2, b, sizeof b), -1);
	assert_int_equal(rsp_hex_decode("", 0, b, sizeof b), 0);
	assert_int_equal(rsp_hex_decode("001122", 6, b, 2), -1);

	assert_true(rsp_hex_reg_decode("78563412", 8, &v));
	assert_int_equal(v, 0x12345678u);
	assert_true(rsp_hex_reg_decode("8877665544332211", 16, &v));
	assert_int_equal(v, 0x1122334455667788ull);
	assert_false(rsp_hex_reg_decode("887766554433221100", 18, &v));
	assert_false(rsp_hex_reg_decode("", 0, &v));
	assert_false(rsp_hex_reg_decode("785", 3, &v));
	assert_false(rsp_hex_reg_decode("7x", 2, &v));
}

static void hex_numbers(void **state)
{
	(void)state;
	const char *s, *p;
	uint64_t v;
	s = p = "1f,";
	assert_true(rsp_parse_hex(&p, s + 3, &v));
	assert_int_equal(v, 0x1f);
	assert_ptr_equal(p, s + 2);
	s = p = "ffffffffffffffff";
	assert_true(rsp_parse_hex(&p, s + 16, &v));
	assert_true(v == UINT64_MAX);
	s = p = "000000000000000000000001"; /* leading zeros do not overflow */
	assert_true(rsp_parse_hex(&p, s + strlen(s), &v));
	assert_int_equal(v, 1);
	s = p = "10000000000000000";
	v = 7;
	assert_false(rsp_parse_hex(&p, s + 17, &v));
	assert_ptr_equal(p, s);
	assert_int_equal(v, 7);
	s = p = "";
	assert_false(rsp_parse_hex(&p, s, &v));
	s = p = "g1";
	assert_false(rsp_parse_hex(&p, s + 2, &v));
	assert_ptr_equal(p, s);
	s = p = "12345";
	assert_true(rsp_parse_hex(&p, s + 2, &v)); /* end bounds it */
	assert_int_equal(v, 0x12);
	assert_ptr_equal(p, s + 2);
	s = p = "AbC";
	assert_true(rsp_parse_hex(&p, s + 3, &v));
	assert_int_equal(v, 0xabc);
}

/* ---- commands ------------------------------------------------------------------------------ */

/* A payload parsed from a heap copy of exactly its bytes. */
struct parsed {
	struct rsp_cmd cmd;
	char *copy;
	size_t n;
};

static struct parsed *parse_n(const char *s, size_t n)
{
	struct parsed *p = calloc(1, sizeof *p);
	assert_non_null(p);
	p->copy = malloc(n ? n : 1);
	assert_non_null(p->copy);
	memcpy(p->copy, s, n);
	p->n = n;
	enum rsp_kind k = rsp_parse(p->copy, n, &p->cmd);
	assert_int_equal(k, p->cmd.kind);
	return p;
}

static struct parsed *parse(const char *s)
{
	return parse_n(s, strlen(s));
}

static void release(struct parsed *p)
{
	free(p->copy);
	free(p);
}

static void expect_kind(const char *s, enum rsp_kind want)
{
	struct parsed *p = parse(s);
	if (p->cmd.kind != want)
		fail_msg("\"%s\" parsed as %d, not %d", s, p->cmd.kind, want);
	release(p);
}

static void expect_data(const struct parsed *p, size_t off, const char *want)
{
	assert_ptr_equal(p->cmd.data, p->copy + off); /* it points into the payload */
	assert_int_equal(p->cmd.ndata, strlen(want));
	assert_memory_equal(p->cmd.data, want, strlen(want));
}

static void parses_simple_commands(void **state)
{
	(void)state;
	expect_kind("?", RSP_HALT_REASON);
	expect_kind("g", RSP_READ_REGS);
	expect_kind("k", RSP_KILL);
	expect_kind("D", RSP_DETACH);
	expect_kind("qfThreadInfo", RSP_THREAD_FIRST);
	expect_kind("qsThreadInfo", RSP_THREAD_NEXT);
	expect_kind("qC", RSP_CURRENT_THREAD);
	expect_kind("QStartNoAckMode", RSP_START_NO_ACK);
	expect_kind("vMustReplyEmpty", RSP_MUST_REPLY_EMPTY);
	expect_kind("vCont?", RSP_VCONT_QUERY);
	expect_kind("qAttached", RSP_ATTACHED);
	struct parsed *p = parse("g");
	assert_false(p->cmd.has_addr);
	assert_null(p->cmd.data);
	release(p);
}

static void parses_registers(void **state)
{
	(void)state;
	struct parsed *p = parse("G0011aAbBfF");
	assert_int_equal(p->cmd.kind, RSP_WRITE_REGS);
	expect_data(p, 1, "0011aAbBfF");
	release(p);
	p = parse("p8");
	assert_int_equal(p->cmd.kind, RSP_READ_REG);
	assert_int_equal(p->cmd.reg, 8);
	release(p);
	p = parse("p1a");
	assert_int_equal(p->cmd.reg, 0x1a);
	release(p);
	p = parse("P8=78563412");
	assert_int_equal(p->cmd.kind, RSP_WRITE_REG);
	assert_int_equal(p->cmd.reg, 8);
	expect_data(p, 3, "78563412");
	release(p);
}

static void parses_memory(void **state)
{
	(void)state;
	struct parsed *p = parse("m8048000,40");
	assert_int_equal(p->cmd.kind, RSP_READ_MEM);
	assert_int_equal(p->cmd.addr, 0x8048000);
	assert_int_equal(p->cmd.len, 0x40);
	release(p);
	p = parse("mffffffffffffffff,0");
	assert_true(p->cmd.addr == UINT64_MAX);
	assert_int_equal(p->cmd.len, 0);
	release(p);
	p = parse("M1000,3:0a0B0c");
	assert_int_equal(p->cmd.kind, RSP_WRITE_MEM);
	assert_int_equal(p->cmd.addr, 0x1000);
	assert_int_equal(p->cmd.len, 3);
	expect_data(p, 8, "0a0B0c");
	release(p);
	p = parse("M1000,0:");
	assert_int_equal(p->cmd.kind, RSP_WRITE_MEM);
	assert_int_equal(p->cmd.ndata, 0);
	release(p);
	p = parse_n("X20,4:\x00#}\x03", 10);
	assert_int_equal(p->cmd.kind, RSP_WRITE_MEM_BIN);
	assert_int_equal(p->cmd.addr, 0x20);
	assert_int_equal(p->cmd.len, 4);
	assert_ptr_equal(p->cmd.data, p->copy + 6);
	assert_int_equal(p->cmd.ndata, 4);
	assert_memory_equal(p->cmd.data, "\x00#}\x03", 4);
	release(p);
	p = parse("X20,0:"); /* GDB's probe for X */
	assert_int_equal(p->cmd.kind, RSP_WRITE_MEM_BIN);
	assert_int_equal(p->cmd.ndata, 0);
	release(p);
}

static void parses_resumes(void **state)
{
	(void)state;
	struct parsed *p = parse("c");
	assert_int_equal(p->cmd.kind, RSP_CONTINUE);
	assert_false(p->cmd.has_addr);
	release(p);
	p = parse("c8048000");
	assert_int_equal(p->cmd.kind, RSP_CONTINUE);
	assert_true(p->cmd.has_addr);
	assert_int_equal(p->cmd.addr, 0x8048000);
	release(p);
	p = parse("s");
	assert_int_equal(p->cmd.kind, RSP_STEP);
	assert_false(p->cmd.has_addr);
	release(p);
	p = parse("s10");
	assert_int_equal(p->cmd.kind, RSP_STEP);
	assert_true(p->cmd.has_addr);
	assert_int_equal(p->cmd.addr, 0x10);
	release(p);
}

static void expect_thread(const struct rsp_thread *t, bool has_pid, int64_t pid, int64_t tid)
{
	assert_int_equal(t->has_pid, has_pid);
	assert_int_equal(t->pid, pid);
	assert_int_equal(t->tid, tid);
}

static void parses_vcont(void **state)
{
	(void)state;
	struct parsed *p = parse("vCont;c");
	assert_int_equal(p->cmd.kind, RSP_VCONT);
	assert_int_equal(p->cmd.nactions, 1);
	assert_int_equal(p->cmd.actions[0].op, 'c');
	assert_false(p->cmd.actions[0].has_thread);
	release(p);
	p = parse("vCont;s:1;C0b:p2.3;S05;t:-1;c:p4");
	assert_int_equal(p->cmd.kind, RSP_VCONT);
	assert_int_equal(p->cmd.nactions, 5);
	const struct rsp_action *a = p->cmd.actions;
	assert_int_equal(a[0].op, 's');
	assert_true(a[0].has_thread);
	expect_thread(&a[0].thread, false, 0, 1);
	assert_int_equal(a[1].op, 'C');
	assert_int_equal(a[1].sig, 0x0b);
	expect_thread(&a[1].thread, true, 2, 3);
	assert_int_equal(a[2].op, 'S');
	assert_int_equal(a[2].sig, 5);
	assert_false(a[2].has_thread);
	assert_int_equal(a[3].op, 't');
	expect_thread(&a[3].thread, false, 0, RSP_ID_ALL);
	assert_int_equal(a[4].op, 'c');
	expect_thread(&a[4].thread, true, 4, RSP_ID_ALL);
	release(p);
	p = parse("vCont;c;c;c;c;c;c;c;c"); /* RSP_VCONT_MAX */
	assert_int_equal(p->cmd.kind, RSP_VCONT);
	assert_int_equal(p->cmd.nactions, RSP_VCONT_MAX);
	release(p);
}

static void parses_threads(void **state)
{
	(void)state;
	struct parsed *p = parse("Hg0");
	assert_int_equal(p->cmd.kind, RSP_SET_THREAD);
	assert_int_equal(p->cmd.op, 'g');
	expect_thread(&p->cmd.thread, false, 0, RSP_ID_ANY);
	release(p);
	p = parse("Hc-1");
	assert_int_equal(p->cmd.op, 'c');
	expect_thread(&p->cmd.thread, false, 0, RSP_ID_ALL);
	release(p);
	p = parse("Hg1a");
	expect_thread(&p->cmd.thread, false, 0, 0x1a);
	release(p);
	p = parse("Hgp1.2");
	expect_thread(&p->cmd.thread, true, 1, 2);
	release(p);
	p = parse("Hgp-1.-1");
	expect_thread(&p->cmd.thread, true, RSP_ID_ALL, RSP_ID_ALL);
	release(p);
	p = parse("Hg7fffffffffffffff");
	expect_thread(&p->cmd.thread, false, 0, INT64_MAX);
	release(p);
	p = parse("T5");
	assert_int_equal(p->cmd.kind, RSP_THREAD_ALIVE);
	expect_thread(&p->cmd.thread, false, 0, 5);
	release(p);
	p = parse("Tp3.4");
	expect_thread(&p->cmd.thread, true, 3, 4);
	release(p);
	p = parse("qThreadExtraInfo,2");
	assert_int_equal(p->cmd.kind, RSP_THREAD_EXTRA);
	expect_thread(&p->cmd.thread, false, 0, 2);
	release(p);
	p = parse("qAttached:1f");
	assert_int_equal(p->cmd.kind, RSP_ATTACHED);
	expect_thread(&p->cmd.thread, true, 0x1f, RSP_ID_ALL);
	release(p);
	p = parse("D;2a");
	assert_int_equal(p->cmd.kind, RSP_DETACH);
	expect_thread(&p->cmd.thread, true, 0x2a, RSP_ID_ALL);
	release(p);
	p = parse("D");
	expect_thread(&p->cmd.thread, false, 0, 0);
	release(p);
}

static void parses_queries(void **state)
{
	(void)state;
	struct parsed *p = parse("qSupported:multiprocess+;swbreak+;xmlRegisters=i386");
	assert_int_equal(p->cmd.kind, RSP_SUPPORTED);
	expect_data(p, 11, "multiprocess+;swbreak+;xmlRegisters=i386");
	release(p);
	p = parse("qSupported");
	assert_int_equal(p->cmd.kind, RSP_SUPPORTED);
	assert_int_equal(p->cmd.ndata, 0);
	release(p);
	p = parse("qXfer:features:read:target.xml:0,ffb");
	assert_int_equal(p->cmd.kind, RSP_XFER_FEATURES);
	expect_data(p, 20, "target.xml");
	assert_int_equal(p->cmd.addr, 0);
	assert_int_equal(p->cmd.len, 0xffb);
	release(p);
	p = parse("qXfer:features:read:i386-32bit.xml:7fa,1000");
	expect_data(p, 20, "i386-32bit.xml");
	assert_int_equal(p->cmd.addr, 0x7fa);
	assert_int_equal(p->cmd.len, 0x1000);
	release(p);
	p = parse("qRcmd,7374617473"); /* "stats" */
	assert_int_equal(p->cmd.kind, RSP_MONITOR);
	assert_int_equal(p->cmd.ntext, 5);
	assert_string_equal(p->cmd.text, "stats");
	release(p);
	p = parse("qRcmd,");
	assert_int_equal(p->cmd.kind, RSP_MONITOR);
	assert_int_equal(p->cmd.ntext, 0);
	assert_string_equal(p->cmd.text, "");
	release(p);
	/* the longest monitor command, and one byte more */
	char s[8 + 2 * RSP_MONITOR_MAX + 2 + 1];
	strcpy(s, "qRcmd,");
	for (int i = 0; i < RSP_MONITOR_MAX; i++)
		memcpy(s + 6 + 2 * i, "41", 2);
	s[6 + 2 * RSP_MONITOR_MAX] = '\0';
	p = parse(s);
	assert_int_equal(p->cmd.kind, RSP_MONITOR);
	assert_int_equal(p->cmd.ntext, RSP_MONITOR_MAX);
	assert_int_equal(p->cmd.text[RSP_MONITOR_MAX], '\0');
	release(p);
	strcat(s, "41");
	expect_kind(s, RSP_MALFORMED);
}

static void parses_breakpoints(void **state)
{
	(void)state;
	struct parsed *p = parse("Z0,8048000,1");
	assert_int_equal(p->cmd.kind, RSP_INSERT_BREAK);
	assert_int_equal(p->cmd.bp_type, 0);
	assert_int_equal(p->cmd.addr, 0x8048000);
	assert_int_equal(p->cmd.bp_kind, 1);
	release(p);
	p = parse("z4,1000,4");
	assert_int_equal(p->cmd.kind, RSP_REMOVE_BREAK);
	assert_int_equal(p->cmd.bp_type, 4);
	assert_int_equal(p->cmd.addr, 0x1000);
	assert_int_equal(p->cmd.bp_kind, 4);
	release(p);
	for (char t = '0'; t <= '4'; t++) {
		char s[16];
		snprintf(s, sizeof s, "Z%c,10,2", t);
		p = parse(s);
		assert_int_equal(p->cmd.kind, RSP_INSERT_BREAK);
		assert_int_equal(p->cmd.bp_type, (unsigned)(t - '0'));
		release(p);
	}
}

static void parses_unknown(void **state)
{
	(void)state;
	const char *rows[] = { "", "x", "!", "qCRC:0,4", "qOffsets", "qfThreadInfox", "qCx",
			       "vKill;1", "vContX", "vFile:open:2f", "vMustReplyEmptyX", "Z5,1,1",
			       "z9,1,1", "QNonStop:1", "QStartNoAckModeX", "qXfer:auxv:read::0,10",
			       "qXfer:features:write:a:0,1", "qXfer", "C05", "S05;1000" };
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		expect_kind(rows[i], RSP_UNKNOWN);
	struct parsed *p = parse("qOffsets");
	assert_null(p->cmd.data); /* nothing half-parsed is left */
	release(p);
}

static void parses_malformed(void **state)
{
	(void)state;
	const char *rows[] = {
		"?x", "gx", "kx", "G", "G0", "G0g", "Gzz",                    /* ? g k G */
		"p", "px", "p1x", "p10000000000000000",                       /* p */
		"P", "P1", "P1=", "P1=0", "P=00", "P1=zz", "P1:00",           /* P */
		"m", "m10", "m10,", "m,4", "m10;4", "mz,4", "m10,4x", "m10,4:",
		"m10000000000000000,1", "m1,10000000000000000",               /* m */
		"M10,2:00", "M10,2:0000ff", "M10,2", "M10,2:00zz", "M10,1:0", "M10,0:00",
		"M10,2;0000", "M,2:0000", "Mffffffffffffffff,8000000000000000:00", /* M */
		"X10,2:a", "X10,2:abc", "X10,2", "X10;2:ab", "X,2:ab",          /* X */
		"cx", "c10x", "c10000000000000000", "s1g", "sz", "s,",            /* c s */
		"vCont", "vCont;", "vCont;x", "vCont;C", "vCont;C100", "vCont;Cz", "vCont;c:",
		"vCont;c:zz", "vCont;c;", "vCont;cs", "vCont;c:1:2", "vCont;r1,2", "vCont;;c",
		"vCont;c;c;c;c;c;c;c;c;c", "vCont?x", "vCont;c:p",             /* vCont */
		"H", "Hx0", "Hg", "Hgz", "Hg-2", "Hg-", "Hg1x", "Hgp", "Hgp1.", "Hgp.1",
		"Hg8000000000000000", "Hgp8000000000000000.1", "Hg10000000000000000", /* H */
		"T", "Tx", "T1,", "T-",                                         /* T */
		"qfThreadInfo:1", "qsThreadInfo,", "qC,1", "qC:",              /* thread lists */
		"qSupported,x",                                                 /* qSupported */
		"qXfer:features:read:target.xml", "qXfer:features:read:target.xml:0",
		"qXfer:features:read:target.xml:0,", "qXfer:features:read:target.xml:x,1",
		"qXfer:features:read:target.xml:0,1,", "qXfer:features:read:",  /* qXfer */
		"qAttached:", "qAttached:z", "qAttached,1", "qAttached:1x",       /* qAttached */
		"qRcmd", "qRcmd,6", "qRcmd,zz", "qRcmd:6869", "qRcmd,686",        /* qRcmd */
		"qThreadExtraInfo", "qThreadExtraInfo,", "qThreadExtraInfo,1x",
		"qThreadExtraInfo:1",                                           /* extra info */
		"Z", "z", "Z0", "Z0,", "Z0,10", "Z0,10,", "Z0,10,1,", "Z0,10,1;X1,ff", "Zx,1,1",
		"z1,g,1", "Z01,1,1", "Z0;10,1", "Z0,,1",                        /* Z z */
		"D;", "D;z", "Dx", "D;1x",                                      /* D */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		expect_kind(rows[i], RSP_MALFORMED);
		struct parsed *p = parse(rows[i]);
		assert_null(p->cmd.data); /* a refused command leaves nothing behind */
		assert_int_equal(p->cmd.nactions, 0);
		release(p);
	}
}

/* Every prefix of every command parses without reading past its end (ASan checks). */
static void parses_every_prefix(void **state)
{
	(void)state;
	const char *rows[] = { "vCont;s:1;C0b:p2.3;S05;t:-1", "qXfer:features:read:target.xml:0,ffb",
			       "M1000,3:0a0b0c", "X20,2:ab", "P8=78563412", "Hgp-1.-1",
			       "qRcmd,7374617473", "Z0,8048000,1", "qSupported:a+;b-",
			       "qThreadExtraInfo,p1.2", "qAttached:1", "D;1", "m10,4", "c10" };
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		for (size_t n = 0; n <= strlen(rows[i]); n++)
			release(parse_n(rows[i], n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frames_plain_packets),
		cmocka_unit_test(frames_checksums),
		cmocka_unit_test(frames_escapes),
		cmocka_unit_test(frames_repeats),
		cmocka_unit_test(frames_interrupts),
		cmocka_unit_test(frames_ignore_acks_and_garbage),
		cmocka_unit_test(frames_truncated_and_restarted),
		cmocka_unit_test(frames_overlong),
		cmocka_unit_test(frames_a_mixed_stream_the_same_whatever_the_split),
		cmocka_unit_test(acks_follow_the_mode),
		cmocka_unit_test(writes_frames),
		cmocka_unit_test(frames_round_trip),
		cmocka_unit_test(hex_helpers),
		cmocka_unit_test(hex_numbers),
		cmocka_unit_test(parses_simple_commands),
		cmocka_unit_test(parses_registers),
		cmocka_unit_test(parses_memory),
		cmocka_unit_test(parses_resumes),
		cmocka_unit_test(parses_vcont),
		cmocka_unit_test(parses_threads),
		cmocka_unit_test(parses_queries),
		cmocka_unit_test(parses_breakpoints),
		cmocka_unit_test(parses_unknown),
		cmocka_unit_test(parses_malformed),
		cmocka_unit_test(parses_every_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
