/* rsp.c - the GDB Remote Serial Protocol's packet layer (rsp.h): the framer that turns GDB's
 * bytes into packets, the writer of "$...#xx", hex, and the command parser.
 *
 * The framer is a byte-at-a-time state machine, so a packet split across reads at any point
 * gives the same result as one read. Three rules keep it from ever getting stuck:
 *   - "$" always starts a packet, even inside one (the old one was cut short: GDB resends it
 *     when no ack comes);
 *   - "#" always ends the payload, even right after "}" or "*" (that packet is then broken);
 *   - a payload past RSP_PACKET_MAX is still read to its end, only no longer stored.
 * 0x03 is an interrupt only between packets: inside one it is data (an X packet's binary bytes
 * may hold any value but the four escaped ones).
 */
#include "denali_arch/rsp.h"

#include <string.h>

enum {
	ST_IDLE,   /* between packets */
	ST_DATA,   /* after "$" */
	ST_ESCAPE, /* after "}" */
	ST_REPEAT, /* after "*": the count comes next */
	ST_SUM1,   /* after "#" */
	ST_SUM2,   /* after the checksum's first digit */
};

#define RLE_BIAS 29 /* a repeat count c stands for c - 29 more copies */
#define RLE_FIRST ' '
#define RLE_LAST '~'
#define ESCAPE_XOR 0x20

static const char hexdig[] = "0123456789abcdef";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- the reader ----------------------------------------------------------------------------- */

void rsp_reader_init(struct rsp_reader *r)
{
	r->len = 0;
	r->buf[0] = '\0';
	r->state = ST_IDLE;
	r->sum = 0;
	r->got = 0;
	r->overlong = false;
	r->broken = false;
	r->no_ack = false;
}

void rsp_set_no_ack(struct rsp_reader *r, bool on)
{
	r->no_ack = on;
}

static void start_packet(struct rsp_reader *r)
{
	r->len = 0;
	r->sum = 0;
	r->overlong = false;
	r->broken = false;
	r->state = ST_DATA;
}

static void put(struct rsp_reader *r, char c)
{
	if (r->len < RSP_PACKET_MAX)
		r->buf[r->len++] = c;
	else
		r->overlong = true;
}

/* The count after "*": more copies of the byte before it. A full buffer keeps its last byte,
 * so an overlong packet still repeats the right thing (only into the void). */
static void repeat(struct rsp_reader *r, uint8_t count)
{
	if (count < RLE_FIRST || count > RLE_LAST || r->len == 0) {
		r->broken = true;
		return;
	}
	char prev = r->buf[r->len - 1];
	for (int i = 0; i < count - RLE_BIAS && !r->overlong; i++)
		put(r, prev);
}

/* The packet's end: which event it makes. Only a good packet leaves its payload in buf. */
static enum rsp_event finish(struct rsp_reader *r, int digit)
{
	enum rsp_event ev = RSP_EV_PACKET;
	r->state = ST_IDLE;
	if (digit < 0 || (uint8_t)(r->got | digit) != r->sum)
		ev = RSP_EV_BAD_CHECKSUM;
	else if (r->overlong)
		ev = RSP_EV_OVERLONG;
	else if (r->broken)
		ev = RSP_EV_BAD_PACKET;
	if (ev != RSP_EV_PACKET)
		r->len = 0;
	r->buf[r->len] = '\0';
	return ev;
}

/* A payload byte in ST_DATA, ST_ESCAPE or ST_REPEAT ("#" handled by the caller). */
static void payload_byte(struct rsp_reader *r, uint8_t b)
{
	r->sum = (uint8_t)(r->sum + b);
	switch (r->state) {
	case ST_ESCAPE:
		put(r, (char)(b ^ ESCAPE_XOR));
		r->state = ST_DATA;
		return;
	case ST_REPEAT:
		repeat(r, b);
		r->state = ST_DATA;
		return;
	default:
		if (b == '}')
			r->state = ST_ESCAPE;
		else if (b == '*')
			r->state = ST_REPEAT;
		else
			put(r, (char)b);
	}
}

static enum rsp_event step(struct rsp_reader *r, uint8_t b)
{
	if (b == '$') {
		start_packet(r);
		return RSP_EV_NONE;
	}
	switch (r->state) {
	case ST_IDLE: /* acks and garbage fall through to nothing */
		return b == RSP_INTERRUPT ? RSP_EV_INTERRUPT : RSP_EV_NONE;
	case ST_SUM1: {
		int d = hexval(b);
		if (d < 0)
			return finish(r, -1);
		r->got = (uint8_t)(d << 4);
		r->state = ST_SUM2;
		return RSP_EV_NONE;
	}
	case ST_SUM2:
		return finish(r, hexval(b));
	default:
		if (b == '#') {
			if (r->state != ST_DATA)
				r->broken = true; /* "}#" or "*#": the byte it needed is missing */
			r->state = ST_SUM1;
		} else {
			payload_byte(r, b);
		}
		return RSP_EV_NONE;
	}
}

size_t rsp_feed(struct rsp_reader *r, const void *bytes, size_t n, enum rsp_event *ev)
{
	const uint8_t *p = bytes;
	for (size_t i = 0; i < n; i++) {
		*ev = step(r, p[i]);
		if (*ev != RSP_EV_NONE)
			return i + 1;
	}
	*ev = RSP_EV_NONE;
	return n;
}

char rsp_ack(const struct rsp_reader *r, enum rsp_event ev)
{
	if (r->no_ack || ev == RSP_EV_NONE || ev == RSP_EV_INTERRUPT)
		return 0;
	/* An overlong or broken packet arrived as sent: asking for it again would only bring the
	 * same bytes back, so it is acknowledged and the server refuses it with an error reply. */
	return ev == RSP_EV_BAD_CHECKSUM ? '-' : '+';
}

/* ---- the writer and hex --------------------------------------------------------------------- */

uint8_t rsp_checksum(const void *bytes, size_t n)
{
	const uint8_t *p = bytes;
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

static bool needs_escape(uint8_t b)
{
	return b == '$' || b == '#' || b == '}' || b == '*';
}

static long frame(char *out, size_t cap, char first, const void *payload, size_t n)
{
	const uint8_t *p = payload;
	size_t o = 0;
	uint8_t sum = 0;
	if (cap < 4)
		return -1;
	out[o++] = first;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		bool esc = needs_escape(b);
		if (o + (esc ? 2u : 1u) + 3u > cap) /* the byte(s) and "#xx" */
			return -1;
		if (esc) {
			out[o++] = '}';
			sum = (uint8_t)(sum + '}');
			b ^= ESCAPE_XOR;
		}
		out[o++] = (char)b;
		sum = (uint8_t)(sum + b);
	}
	out[o++] = '#';
	out[o++] = hexdig[sum >> 4];
	out[o++] = hexdig[sum & 15];
	return (long)o;
}

long rsp_frame(char *out, size_t cap, const void *payload, size_t n)
{
	return frame(out, cap, '$', payload, n);
}

long rsp_frame_notify(char *out, size_t cap, const void *payload, size_t n)
{
	return frame(out, cap, '%', payload, n);
}

long rsp_hex_encode(char *out, size_t cap, const void *bytes, size_t n)
{
	const uint8_t *p = bytes;
	if (n > cap / 2)
		return -1;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[p[i] >> 4];
		out[2 * i + 1] = hexdig[p[i] & 15];
	}
	return (long)(2 * n);
}

long rsp_hex_reg(char *out, size_t cap, uint64_t value, unsigned size)
{
	uint8_t b[8];
	if (size > sizeof b)
		return -1;
	for (unsigned i = 0; i < size; i++)
		b[i] = (uint8_t)(value >> (8 * i));
	return rsp_hex_encode(out, cap, b, size);
}

long rsp_hex_decode(const char *hex, size_t n, void *out, size_t cap)
{
	uint8_t *o = out;
	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval((unsigned char)hex[2 * i]);
		int lo = hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		o[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

bool rsp_hex_reg_decode(const char *hex, size_t n, uint64_t *value)
{
	uint8_t b[8];
	long got = rsp_hex_decode(hex, n, b, sizeof b);
	if (got <= 0)
		return false;
	uint64_t v = 0;
	for (long i = got - 1; i >= 0; i--)
		v = v << 8 | b[i];
	*value = v;
	return true;
}

bool rsp_parse_hex(const char **p, const char *end, uint64_t *value)
{
	const char *q = *p;
	uint64_t v = 0;
	int d;
	while (q < end && (d = hexval((unsigned char)*q)) >= 0) {
		if (v >> 60)
			return false; /* a 17th significant digit */
		v = v << 4 | (uint64_t)d;
		q++;
	}
	if (q == *p)
		return false;
	*p = q;
	*value = v;
	return true;
}

/* ---- the command parser --------------------------------------------------------------------- */

/* What is left of the payload. Every read goes through these, so none passes end. */
struct cur {
	const char *p, *end;
};

static bool done(const struct cur *c)
{
	return c->p == c->end;
}

static size_t left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

static bool eat(struct cur *c, char ch)
{
	if (done(c) || *c->p != ch)
		return false;
	c->p++;
	return true;
}

static bool num(struct cur *c, uint64_t *v)
{
	return rsp_parse_hex(&c->p, c->end, v);
}

/* The rest is exactly lit. */
static bool rest_is(const struct cur *c, const char *lit)
{
	size_t n = strlen(lit);
	return left(c) == n && memcmp(c->p, lit, n) == 0;
}

/* The rest starts with lit: then it is eaten. */
static bool eat_str(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);
	if (left(c) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* The rest as G, P and M carry it: hex digits, an even number of them, at least two. */
static bool hex_rest(struct cur *c, struct rsp_cmd *cmd)
{
	size_t n = left(c);
	if (n == 0 || n % 2 != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (hexval((unsigned char)c->p[i]) < 0)
			return false;
	cmd->data = c->p;
	cmd->ndata = n;
	c->p = c->end;
	return true;
}

/* One id of a thread-id: "-1", or hex no larger than INT64_MAX. */
static bool id(struct cur *c, int64_t *v)
{
	uint64_t u;
	if (eat(c, '-')) {
		if (!eat(c, '1'))
			return false;
		*v = RSP_ID_ALL;
		return true;
	}
	if (!num(c, &u) || u > INT64_MAX)
		return false;
	*v = (int64_t)u;
	return true;
}

static bool thread(struct cur *c, struct rsp_thread *t)
{
	*t = (struct rsp_thread){ 0 };
	if (eat(c, 'p')) {
		t->has_pid = true;
		if (!id(c, &t->pid))
			return false;
		if (!eat(c, '.')) {
			t->tid = RSP_ID_ALL; /* "pP" names every thread of P */
			return true;
		}
	}
	return id(c, &t->tid);
}

/* "addr,len" then what must follow it (a character, or end when sep is 0). */
static bool addr_len(struct cur *c, struct rsp_cmd *cmd, char sep)
{
	if (!num(c, &cmd->addr) || !eat(c, ',') || !num(c, &cmd->len))
		return false;
	return sep ? eat(c, sep) : done(c);
}

static enum rsp_kind parse_G(struct cur *c, struct rsp_cmd *cmd)
{
	return hex_rest(c, cmd) ? RSP_WRITE_REGS : RSP_MALFORMED;
}

static enum rsp_kind parse_p(struct cur *c, struct rsp_cmd *cmd)
{
	return num(c, &cmd->reg) && done(c) ? RSP_READ_REG : RSP_MALFORMED;
}

static enum rsp_kind parse_P(struct cur *c, struct rsp_cmd *cmd)
{
	if (!num(c, &cmd->reg) || !eat(c, '='))
		return RSP_MALFORMED;
	return hex_rest(c, cmd) ? RSP_WRITE_REG : RSP_MALFORMED;
}

static enum rsp_kind parse_m(struct cur *c, struct rsp_cmd *cmd)
{
	return addr_len(c, cmd, 0) ? RSP_READ_MEM : RSP_MALFORMED;
}

static enum rsp_kind parse_M(struct cur *c, struct rsp_cmd *cmd)
{
	if (!addr_len(c, cmd, ':'))
		return RSP_MALFORMED;
	if (cmd->len == 0) /* nothing to write: an empty rest is right */
		return done(c) ? RSP_WRITE_MEM : RSP_MALFORMED;
	/* compare halves: 2 * len could wrap */
	if (left(c) % 2 != 0 || left(c) / 2 != cmd->len || !hex_rest(c, cmd))
		return RSP_MALFORMED;
	return RSP_WRITE_MEM;
}

static enum rsp_kind parse_X(struct cur *c, struct rsp_cmd *cmd)
{
	if (!addr_len(c, cmd, ':') || left(c) != cmd->len)
		return RSP_MALFORMED;
	cmd->data = c->p;
	cmd->ndata = left(c);
	return RSP_WRITE_MEM_BIN;
}

/* c [addr], s [addr] */
static enum rsp_kind parse_resume(struct cur *c, struct rsp_cmd *cmd, enum rsp_kind kind)
{
	if (done(c))
		return kind;
	cmd->has_addr = true;
	return num(c, &cmd->addr) && done(c) ? kind : RSP_MALFORMED;
}

static enum rsp_kind parse_H(struct cur *c, struct rsp_cmd *cmd)
{
	if (!eat(c, 'g') && !eat(c, 'c'))
		return RSP_MALFORMED;
	cmd->op = c->p[-1];
	return thread(c, &cmd->thread) && done(c) ? RSP_SET_THREAD : RSP_MALFORMED;
}

static enum rsp_kind parse_T(struct cur *c, struct rsp_cmd *cmd)
{
	return thread(c, &cmd->thread) && done(c) ? RSP_THREAD_ALIVE : RSP_MALFORMED;
}

/* D, D;pid (multiprocess) */
static enum rsp_kind parse_D(struct cur *c, struct rsp_cmd *cmd)
{
	if (done(c))
		return RSP_DETACH;
	cmd->thread.has_pid = true;
	cmd->thread.tid = RSP_ID_ALL;
	if (!eat(c, ';') || !id(c, &cmd->thread.pid) || !done(c))
		return RSP_MALFORMED;
	return RSP_DETACH;
}

/* Z/z type,addr,kind. A type beyond 4 is a kind of breakpoint this layer does not know: the
 * protocol's answer to that is the empty reply, not an error. */
static enum rsp_kind parse_Z(struct cur *c, struct rsp_cmd *cmd, enum rsp_kind kind)
{
	if (done(c) || *c->p < '0' || *c->p > '9')
		return RSP_MALFORMED;
	if (*c->p > '4')
		return RSP_UNKNOWN;
	cmd->bp_type = (unsigned)(*c->p++ - '0');
	if (!eat(c, ',') || !num(c, &cmd->addr) || !eat(c, ',') || !num(c, &cmd->bp_kind) ||
	    !done(c))
		return RSP_MALFORMED;
	return kind;
}

static bool action(struct cur *c, struct rsp_action *a)
{
	uint64_t sig;
	if (done(c))
		return false;
	a->op = *c->p++;
	switch (a->op) {
	case 'c':
	case 's':
	case 't':
		break;
	case 'C':
	case 'S':
		if (!num(c, &sig) || sig > 0xff)
			return false;
		a->sig = (uint8_t)sig;
		break;
	default: /* 'r' (range stepping) among them: vCont? does not offer it */
		return false;
	}
	if (eat(c, ':')) {
		a->has_thread = true;
		return thread(c, &a->thread);
	}
	return true;
}

/* vCont? and vCont;action[:thread]... (c points past "vCont") */
static enum rsp_kind parse_vcont(struct cur *c, struct rsp_cmd *cmd)
{
	if (rest_is(c, "?"))
		return RSP_VCONT_QUERY;
	if (done(c))
		return RSP_MALFORMED;
	while (!done(c)) {
		if (!eat(c, ';') || cmd->nactions == RSP_VCONT_MAX)
			return RSP_MALFORMED;
		if (!action(c, &cmd->actions[cmd->nactions++]))
			return RSP_MALFORMED;
	}
	return RSP_VCONT;
}

static enum rsp_kind parse_v(struct cur *c, struct rsp_cmd *cmd)
{
	if (eat_str(c, "vCont")) {
		if (done(c) || *c->p == '?' || *c->p == ';')
			return parse_vcont(c, cmd);
		return RSP_UNKNOWN; /* another packet whose name starts so */
	}
	if (rest_is(c, "vMustReplyEmpty"))
		return RSP_MUST_REPLY_EMPTY;
	return RSP_UNKNOWN;
}

static enum rsp_kind parse_xfer(struct cur *c, struct rsp_cmd *cmd)
{
	if (!eat_str(c, ":features:read:"))
		return RSP_UNKNOWN; /* another object or operation: not supported */
	const char *annex = c->p;
	while (!done(c) && *c->p != ':')
		c->p++;
	cmd->data = annex;
	cmd->ndata = (size_t)(c->p - annex);
	if (!eat(c, ':') || !addr_len(c, cmd, 0))
		return RSP_MALFORMED;
	return RSP_XFER_FEATURES;
}

static enum rsp_kind parse_rcmd(struct cur *c, struct rsp_cmd *cmd)
{
	if (!eat(c, ','))
		return RSP_MALFORMED;
	long n = rsp_hex_decode(c->p, left(c), cmd->text, RSP_MONITOR_MAX);
	if (n < 0)
		return RSP_MALFORMED;
	cmd->ntext = (size_t)n;
	cmd->text[n] = '\0';
	return RSP_MONITOR;
}

/* The general queries. A name is matched whole, up to ':' or ',' or the end: "qCRC:..." is
 * not "qC". */
static enum rsp_kind parse_q(struct cur *c, struct rsp_cmd *cmd)
{
	const char *name = c->p;
	while (!done(c) && *c->p != ':' && *c->p != ',')
		c->p++;
	struct cur nm = { name, c->p };
	bool bare = done(c);
	if (rest_is(&nm, "qfThreadInfo"))
		return bare ? RSP_THREAD_FIRST : RSP_MALFORMED;
	if (rest_is(&nm, "qsThreadInfo"))
		return bare ? RSP_THREAD_NEXT : RSP_MALFORMED;
	if (rest_is(&nm, "qC"))
		return bare ? RSP_CURRENT_THREAD : RSP_MALFORMED;
	if (rest_is(&nm, "qSupported")) {
		if (!bare && !eat(c, ':'))
			return RSP_MALFORMED;
		cmd->data = c->p;
		cmd->ndata = left(c);
		return RSP_SUPPORTED;
	}
	if (rest_is(&nm, "qXfer"))
		return parse_xfer(c, cmd);
	if (rest_is(&nm, "qAttached")) {
		if (bare)
			return RSP_ATTACHED;
		cmd->thread.has_pid = true;
		cmd->thread.tid = RSP_ID_ALL;
		return eat(c, ':') && id(c, &cmd->thread.pid) && done(c) ? RSP_ATTACHED
									 : RSP_MALFORMED;
	}
	if (rest_is(&nm, "qRcmd"))
		return parse_rcmd(c, cmd);
	if (rest_is(&nm, "qThreadExtraInfo"))
		return eat(c, ',') && thread(c, &cmd->thread) && done(c) ? RSP_THREAD_EXTRA
									   : RSP_MALFORMED;
	return RSP_UNKNOWN;
}

static enum rsp_kind parse_Q(struct cur *c)
{
	if (rest_is(c, "QStartNoAckMode"))
		return RSP_START_NO_ACK;
	return RSP_UNKNOWN;
}

/* A command with no arguments: anything after its letter makes it malformed. */
static enum rsp_kind bare(const struct cur *c, enum rsp_kind kind)
{
	return done(c) ? kind : RSP_MALFORMED;
}

static enum rsp_kind classify(struct cur *c, struct rsp_cmd *cmd)
{
	if (done(c))
		return RSP_UNKNOWN;
	switch (*c->p) { /* the named packets keep their first letter in the name */
	case 'q':
		return parse_q(c, cmd);
	case 'Q':
		return parse_Q(c);
	case 'v':
		return parse_v(c, cmd);
	}
	switch (*c->p++) {
	case '?':
		return bare(c, RSP_HALT_REASON);
	case 'g':
		return bare(c, RSP_READ_REGS);
	case 'G':
		return parse_G(c, cmd);
	case 'p':
		return parse_p(c, cmd);
	case 'P':
		return parse_P(c, cmd);
	case 'm':
		return parse_m(c, cmd);
	case 'M':
		return parse_M(c, cmd);
	case 'X':
		return parse_X(c, cmd);
	case 'c':
		return parse_resume(c, cmd, RSP_CONTINUE);
	case 's':
		return parse_resume(c, cmd, RSP_STEP);
	case 'H':
		return parse_H(c, cmd);
	case 'T':
		return parse_T(c, cmd);
	case 'D':
		return parse_D(c, cmd);
	case 'k':
		return bare(c, RSP_KILL);
	case 'Z':
		return parse_Z(c, cmd, RSP_INSERT_BREAK);
	case 'z':
		return parse_Z(c, cmd, RSP_REMOVE_BREAK);
	default:
		return RSP_UNKNOWN;
	}
}

enum rsp_kind rsp_parse(const char *payload, size_t n, struct rsp_cmd *cmd)
{
	struct cur c = { payload, payload + n };
	memset(cmd, 0, sizeof *cmd);
	enum rsp_kind kind = classify(&c, cmd);
	if (kind == RSP_UNKNOWN || kind == RSP_MALFORMED) /* no half-parsed fields left behind */
		memset(cmd, 0, sizeof *cmd);
	cmd->kind = kind;
	return kind;
}
