/* rsp_fuzz.c - libFuzzer target for the GDB protocol's packet layer (denali_arch/rsp.c), built
 * with RSP_PACKET_MAX at 256 so that overlong packets are within an input's reach. Each input
 * is a byte stream from "GDB":
 *
 *   - it is fed to one reader in one go and to another in chunks whose sizes come from the
 *     input itself: both must report the same events with the same payloads, each call
 *     consuming at least one byte and no more than it was given;
 *   - every packet's payload is at most RSP_PACKET_MAX bytes, NUL-terminated; it is parsed, and
 *     the command's fields checked against the payload (pointers inside it, counts within
 *     their bounds, lengths that agree with the data);
 *   - every packet is framed again (rsp_frame), within 2n + 4 bytes and refused by one byte
 *     less room, and read back by a fresh reader as exactly that payload;
 *   - a command with numeric fields is written back in canonical form and parsed again: the
 *     same fields (the parse is a function of what it understood, not of how it was spelt).
 * Any breach aborts.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denali_arch/rsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "rsp_fuzz: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

struct event {
	enum rsp_event ev;
	size_t len;
	uint64_t hash; /* of the payload */
};

static uint64_t fnv(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static struct event event_of(const struct rsp_reader *r, enum rsp_event ev)
{
	struct event e = { ev, 0, 0 };
	if (ev == RSP_EV_PACKET) {
		CHECK(r->len <= RSP_PACKET_MAX);
		CHECK(r->buf[r->len] == '\0');
		e.len = r->len;
		e.hash = fnv(r->buf, r->len);
	}
	return e;
}

/* ---- the parse's invariants -------------------------------------------------------------- */

static bool inside(const char *p, size_t n, const char *payload, size_t len)
{
	return p >= payload && n <= len && (size_t)(p - payload) <= len - n;
}

static void check_cmd(const struct rsp_cmd *c, const char *payload, size_t len)
{
	CHECK(c->kind >= RSP_UNKNOWN && c->kind <= RSP_MUST_REPLY_EMPTY);
	CHECK(c->data == NULL ? c->ndata == 0 : inside(c->data, c->ndata, payload, len));
	CHECK(c->nactions <= RSP_VCONT_MAX);
	CHECK(c->ntext <= RSP_MONITOR_MAX && c->text[c->ntext] == '\0');
	for (unsigned i = 0; i < c->nactions; i++)
		CHECK(strchr("cstCS", c->actions[i].op) && c->actions[i].op != '\0');
	switch (c->kind) {
	case RSP_WRITE_MEM:
		CHECK(c->ndata / 2 == c->len && c->ndata % 2 == 0);
		break;
	case RSP_WRITE_MEM_BIN:
		CHECK(c->ndata == c->len);
		break;
	case RSP_WRITE_REGS:
	case RSP_WRITE_REG:
		CHECK(c->ndata > 0 && c->ndata % 2 == 0);
		break;
	case RSP_VCONT:
		CHECK(c->nactions > 0);
		break;
	case RSP_INSERT_BREAK:
	case RSP_REMOVE_BREAK:
		CHECK(c->bp_type <= 4);
		break;
	case RSP_SET_THREAD:
		CHECK(c->op == 'g' || c->op == 'c');
		break;
	case RSP_UNKNOWN:
	case RSP_MALFORMED: {
		static const struct rsp_cmd zero;
		struct rsp_cmd z = *c;
		z.kind = RSP_UNKNOWN;
		CHECK(memcmp(&z, &zero, sizeof z) == 0); /* nothing half-parsed */
		break;
	}
	default:
		break;
	}
}

/* ---- canonical forms --------------------------------------------------------------------- */

struct out {
	char *p;
	size_t n, cap;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= o->cap - o->n)
		o->full = true;
	else
		o->n += (size_t)k;
}

static void put_raw(struct out *o, const char *p, size_t n)
{
	if (n >= o->cap - o->n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

static void put_id(struct out *o, int64_t id)
{
	if (id == RSP_ID_ALL)
		put(o, "-1");
	else
		put(o, "%" PRIx64, (uint64_t)id);
}

static void put_thread(struct out *o, const struct rsp_thread *t)
{
	if (t->has_pid) {
		put(o, "p");
		put_id(o, t->pid);
		put(o, ".");
	}
	put_id(o, t->tid);
}

/* The command written back without any of the spellings the parser accepts but does not keep
 * (leading zeros, upper-case hex, "pP" for "pP.-1"); false for the kinds not done here. */
static bool canon(const struct rsp_cmd *c, struct out *o)
{
	switch (c->kind) {
	case RSP_READ_MEM:
		put(o, "m%" PRIx64 ",%" PRIx64, c->addr, c->len);
		return true;
	case RSP_READ_REG:
		put(o, "p%" PRIx64, c->reg);
		return true;
	case RSP_CONTINUE:
	case RSP_STEP:
		put(o, "%c", c->kind == RSP_CONTINUE ? 'c' : 's');
		if (c->has_addr)
			put(o, "%" PRIx64, c->addr);
		return true;
	case RSP_INSERT_BREAK:
	case RSP_REMOVE_BREAK:
		put(o, "%c%u,%" PRIx64 ",%" PRIx64, c->kind == RSP_INSERT_BREAK ? 'Z' : 'z',
		    c->bp_type, c->addr, c->bp_kind);
		return true;
	case RSP_SET_THREAD:
		put(o, "H%c", c->op);
		put_thread(o, &c->thread);
		return true;
	case RSP_THREAD_ALIVE:
		put(o, "T");
		put_thread(o, &c->thread);
		return true;
	case RSP_VCONT:
		put(o, "vCont");
		for (unsigned i = 0; i < c->nactions; i++) {
			const struct rsp_action *a = &c->actions[i];
			put(o, ";%c", a->op);
			if (a->op == 'C' || a->op == 'S')
				put(o, "%02x", a->sig);
			if (a->has_thread) {
				put(o, ":");
				put_thread(o, &a->thread);
			}
		}
		return true;
	case RSP_XFER_FEATURES:
		put(o, "qXfer:features:read:");
		put_raw(o, c->data, c->ndata); /* the annex may hold any byte but ':' */
		put(o, ":%" PRIx64 ",%" PRIx64, c->addr, c->len);
		return true;
	default:
		return false;
	}
}

static bool same_thread(const struct rsp_thread *a, const struct rsp_thread *b)
{
	return a->has_pid == b->has_pid && a->pid == b->pid && a->tid == b->tid;
}

static bool same(const struct rsp_cmd *a, const struct rsp_cmd *b)
{
	if (a->kind != b->kind || a->addr != b->addr || a->len != b->len || a->reg != b->reg ||
	    a->has_addr != b->has_addr || a->op != b->op || !same_thread(&a->thread, &b->thread) ||
	    a->bp_type != b->bp_type || a->bp_kind != b->bp_kind || a->nactions != b->nactions ||
	    a->ndata != b->ndata || a->ntext != b->ntext)
		return false;
	if (a->ndata && memcmp(a->data, b->data, a->ndata) != 0)
		return false;
	for (unsigned i = 0; i < a->nactions; i++) {
		const struct rsp_action *x = &a->actions[i], *y = &b->actions[i];
		if (x->op != y->op || x->sig != y->sig || x->has_thread != y->has_thread ||
		    !same_thread(&x->thread, &y->thread))
			return false;
	}
	return memcmp(a->text, b->text, a->ntext) == 0;
}

/* ---- per packet -------------------------------------------------------------------------- */

static void check_reframe(const char *payload, size_t len)
{
	static char out[2 * RSP_PACKET_MAX + 4];
	static struct rsp_reader back;
	long m = rsp_frame(out, sizeof out, payload, len);
	CHECK(m >= (long)len + 4 && m <= 2 * (long)len + 4);
	CHECK(rsp_frame(out, (size_t)m - 1, payload, len) == -1);
	CHECK(rsp_frame(out, (size_t)m, payload, len) == m);
	rsp_reader_init(&back);
	enum rsp_event ev;
	CHECK(rsp_feed(&back, out, (size_t)m, &ev) == (size_t)m);
	CHECK(ev == RSP_EV_PACKET && back.len == len && memcmp(back.buf, payload, len) == 0);
}

static void check_packet(const char *payload, size_t len)
{
	static struct rsp_cmd cmd, again;
	static char text[2 * RSP_PACKET_MAX + 64];
	rsp_parse(payload, len, &cmd);
	check_cmd(&cmd, payload, len);
	check_reframe(payload, len);
	struct out o = { text, 0, sizeof text, false };
	if (canon(&cmd, &o) && !o.full) {
		rsp_parse(text, o.n, &again);
		check_cmd(&again, text, o.n);
		CHECK(same(&cmd, &again));
	}
	/* hex both ways, where the payload is hex */
	static uint8_t bytes[RSP_PACKET_MAX / 2];
	long nb = rsp_hex_decode(payload, len, bytes, sizeof bytes);
	if (nb >= 0) {
		CHECK((size_t)nb * 2 == len);
		CHECK(rsp_hex_encode(text, sizeof text, bytes, (size_t)nb) == (long)len);
		for (size_t i = 0; i < len; i++)
			CHECK(text[i] == (payload[i] >= 'A' && payload[i] <= 'F' ? payload[i] + 32
										      : payload[i]));
	}
}

/* ---- the input --------------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rsp_reader whole, split;
	struct event *evs = malloc((size + 1) * sizeof *evs);
	size_t nev = 0;
	CHECK(evs != NULL);

	rsp_reader_init(&whole);
	for (size_t off = 0; off < size;) {
		enum rsp_event ev;
		size_t used = rsp_feed(&whole, data + off, size - off, &ev);
		CHECK(used >= 1 && used <= size - off);
		off += used;
		if (ev == RSP_EV_NONE) {
			CHECK(off == size);
			continue;
		}
		evs[nev++] = event_of(&whole, ev);
		if (ev == RSP_EV_PACKET)
			check_packet(whole.buf, whole.len);
	}

	/* again in chunks of 1 to 16 bytes, the sizes taken from the input's own bytes */
	rsp_reader_init(&split);
	size_t seen = 0;
	for (size_t off = 0, i = 0; off < size; i++) {
		size_t k = 1 + (data[i % size] & 15u);
		if (k > size - off)
			k = size - off;
		for (size_t done = 0; done < k;) {
			enum rsp_event ev;
			size_t used = rsp_feed(&split, data + off + done, k - done, &ev);
			CHECK(used >= 1 && used <= k - done);
			done += used;
			if (ev == RSP_EV_NONE)
				continue;
			struct event e = event_of(&split, ev);
			CHECK(seen < nev);
			CHECK(e.ev == evs[seen].ev && e.len == evs[seen].len && e.hash == evs[seen].hash);
			seen++;
		}
		off += k;
	}
	CHECK(seen == nev);
	free(evs);
	return 0;
}
