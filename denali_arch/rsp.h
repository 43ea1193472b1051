/* rsp.h - the GDB Remote Serial Protocol's packet layer: a framer for the bytes GDB sends, a
 * writer for the packets a stub sends back, hex helpers, and a parser that classifies a
 * command's payload. No sockets, no allocation, nothing of the emulator: the GDB stub (the
 * server) owns the connection and calls these.
 *
 * Reading. GDB sends "$payload#xx", xx the mod-256 sum of the payload's bytes as sent, in two
 * hex digits. Inside the payload "}" escapes the next byte (sent XOR 0x20) and "*" followed by
 * a count character c repeats the previous byte c - 29 more times (c in ' '..'~'). Between
 * packets come the acks "+" and "-" (ignored here: the server tracks what it sent), the
 * interrupt byte 0x03 (Ctrl-C), and anything else, skipped. rsp_feed is an iterator:
 *
 *     while (n > 0) {
 *         enum rsp_event ev;
 *         size_t used = rsp_feed(&r, p, n, &ev);
 *         p += used, n -= used;
 *         if (ev != RSP_EV_NONE) {
 *             char ack = rsp_ack(&r, ev);    // '+', '-' or 0 (no-ack mode, interrupt)
 *             ...send ack if non-zero, then handle ev (the payload is r.buf[0..r.len))
 *         }
 *     }
 *
 * It consumes bytes up to and including the one that completes an event, or all of them when
 * none completes (it then returns n and RSP_EV_NONE); a packet may be split anywhere across
 * calls. A payload is at most RSP_PACKET_MAX bytes once decoded.
 *
 * Writing. rsp_frame wraps a payload as "$...#xx", escaping $ # } and * (never RLE);
 * rsp_frame_notify the same as a notification, "%...#xx". The hex helpers write lowercase.
 */
#ifndef DENALI_RSP_H
#define DENALI_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decoded payload bytes; what qSupported's PacketSize says. Only the fuzz target sets another
 * (small, so its inputs reach the bound). */
#ifndef RSP_PACKET_MAX
#define RSP_PACKET_MAX 16384
#endif
#define RSP_INTERRUPT 0x03   /* Ctrl-C, sent outside packets */
#define RSP_VCONT_MAX 8      /* actions in one vCont */
#define RSP_MONITOR_MAX 1024 /* bytes of a qRcmd's decoded text */

/* ---- the reader ----------------------------------------------------------------------------- */

enum rsp_event {
	RSP_EV_NONE,         /* the bytes given completed nothing */
	RSP_EV_PACKET,       /* a packet, checksum good: r->buf[0..r->len), NUL after it */
	RSP_EV_INTERRUPT,    /* 0x03 between packets */
	RSP_EV_BAD_CHECKSUM, /* a packet whose checksum does not match (or is not hex): resend */
	RSP_EV_OVERLONG,     /* a packet, intact, longer than RSP_PACKET_MAX decoded: skipped */
	RSP_EV_BAD_PACKET,   /* a packet, intact, whose encoding is broken: a "}" or "*" right
			      * before "#", a "*" with nothing before it or a count not in ' '..'~' */
};

struct rsp_reader {
	char buf[RSP_PACKET_MAX + 1]; /* the payload, decoded; valid until the next rsp_feed */
	size_t len;
	int state;          /* where in "$...#xx" the next byte falls (rsp.c) */
	uint8_t sum;        /* of the payload bytes as received */
	uint8_t got;        /* the checksum's first digit, once read */
	bool overlong;      /* the payload outgrew buf: the rest is only counted in sum */
	bool broken;        /* a malformed escape or repeat */
	bool no_ack;        /* after QStartNoAckMode: rsp_ack answers nothing */
};

void rsp_reader_init(struct rsp_reader *r);
/* Consume bytes up to the first event (*ev) or all n (RSP_EV_NONE); returns how many. */
size_t rsp_feed(struct rsp_reader *r, const void *bytes, size_t n, enum rsp_event *ev);
/* No-ack mode: the server sets it once it has sent QStartNoAckMode's "OK". */
void rsp_set_no_ack(struct rsp_reader *r, bool on);
/* What to answer ev with: '+' (received: a packet, or one to refuse with an error reply),
 * '-' (a bad checksum: send it again), 0 (nothing: an interrupt, or no-ack mode). */
char rsp_ack(const struct rsp_reader *r, enum rsp_event ev);

/* ---- the writer and hex --------------------------------------------------------------------- */

uint8_t rsp_checksum(const void *bytes, size_t n);
/* "$payload#xx" with $ # } * escaped, into out; its length, or -1 if it needs more than cap. */
long rsp_frame(char *out, size_t cap, const void *payload, size_t n);
/* The same as a notification: "%payload#xx". */
long rsp_frame_notify(char *out, size_t cap, const void *payload, size_t n);
/* Two lowercase hex digits per byte, in order (memory); 2n, or -1 if 2n > cap. No NUL. */
long rsp_hex_encode(char *out, size_t cap, const void *bytes, size_t n);
/* A size-byte register value (size <= 8), least significant byte first; 2size, or -1. */
long rsp_hex_reg(char *out, size_t cap, uint64_t value, unsigned size);
/* n hex digits (n even) into bytes; n / 2, or -1 if n is odd, a digit is not hex or
 * n / 2 > cap. */
long rsp_hex_decode(const char *hex, size_t n, void *out, size_t cap);
/* A little-endian register value of n / 2 <= 8 bytes from n hex digits (n even, > 0). */
bool rsp_hex_reg_decode(const char *hex, size_t n, uint64_t *value);
/* A big-endian hex number at *p (before end): at least one digit, as many as follow, its value
 * under 2^64 (leading zeros are fine). On success *p is past the digits; otherwise it is
 * left where it was. */
bool rsp_parse_hex(const char **p, const char *end, uint64_t *value);

/* ---- commands ------------------------------------------------------------------------------- */

enum rsp_kind {
	RSP_UNKNOWN,          /* not a command this layer knows: answer "" */
	RSP_MALFORMED,        /* a known command with bad arguments: answer "E01" */
	RSP_HALT_REASON,      /* ? */
	RSP_READ_REGS,        /* g */
	RSP_WRITE_REGS,       /* G XX...             data: the hex (even length, all hex) */
	RSP_READ_REG,         /* p n                 reg */
	RSP_WRITE_REG,        /* P n=XX...           reg, data: the hex */
	RSP_READ_MEM,         /* m addr,len          addr, len */
	RSP_WRITE_MEM,        /* M addr,len:XX...    addr, len, data: 2 len hex digits */
	RSP_WRITE_MEM_BIN,    /* X addr,len:bytes    addr, len, data: len bytes (binary) */
	RSP_CONTINUE,         /* c [addr]            has_addr, addr */
	RSP_STEP,             /* s [addr]            has_addr, addr */
	RSP_VCONT_QUERY,      /* vCont? */
	RSP_VCONT,            /* vCont;a[:t]...      nactions, actions */
	RSP_SET_THREAD,       /* H g|c thread        op, thread */
	RSP_THREAD_ALIVE,     /* T thread            thread */
	RSP_THREAD_FIRST,     /* qfThreadInfo */
	RSP_THREAD_NEXT,      /* qsThreadInfo */
	RSP_CURRENT_THREAD,   /* qC */
	RSP_SUPPORTED,        /* qSupported[:f;f..]  data: the features (maybe empty) */
	RSP_XFER_FEATURES,    /* qXfer:features:read:annex:offset,length  data: annex, addr, len */
	RSP_ATTACHED,         /* qAttached[:pid]     thread.has_pid, thread.pid */
	RSP_MONITOR,          /* qRcmd,hex           text, ntext: the command decoded */
	RSP_THREAD_EXTRA,     /* qThreadExtraInfo,thread  thread */
	RSP_START_NO_ACK,     /* QStartNoAckMode */
	RSP_INSERT_BREAK,     /* Z type,addr,kind    bp_type (0-4), addr, bp_kind */
	RSP_REMOVE_BREAK,     /* z type,addr,kind    the same */
	RSP_DETACH,           /* D[;pid]             thread.has_pid, thread.pid */
	RSP_KILL,             /* k */
	RSP_MUST_REPLY_EMPTY, /* vMustReplyEmpty: answer "" like RSP_UNKNOWN */
};

/* A thread-id: hex, or -1 (all) or 0 (any). With the multiprocess syntax "pP.T" ("pP" alone
 * is "pP.-1") has_pid is set and pid holds P. Ids above INT64_MAX are refused. */
#define RSP_ID_ALL (-1)
#define RSP_ID_ANY 0
struct rsp_thread {
	bool has_pid;
	int64_t pid;
	int64_t tid;
};

/* One vCont action: op 'c', 's', 't', 'C' or 'S' (sig for the last two), for one thread or
 * (has_thread false) every thread not named by an earlier action. */
struct rsp_action {
	char op;
	uint8_t sig;
	bool has_thread;
	struct rsp_thread thread;
};

/* A parsed command: kind says which fields mean something (the rest are zero). data points
 * into the payload given to rsp_parse; text is a copy. */
struct rsp_cmd {
	enum rsp_kind kind;
	uint64_t addr;        /* m M X c s Z z; qXfer's offset */
	uint64_t len;         /* m M X; qXfer's length */
	uint64_t reg;         /* p P */
	const char *data;     /* G P M X qSupported qXfer (see enum rsp_kind) */
	size_t ndata;
	bool has_addr;        /* c s */
	char op;              /* H: 'g' or 'c' */
	struct rsp_thread thread; /* H T qThreadExtraInfo qAttached D */
	unsigned bp_type;     /* Z z: 0 software, 1 hardware, 2 write, 3 read, 4 access watchpoint */
	uint64_t bp_kind;     /* Z z: target-specific (x86: the breakpoint's or watched bytes) */
	unsigned nactions;    /* vCont */
	struct rsp_action actions[RSP_VCONT_MAX];
	size_t ntext;         /* qRcmd */
	char text[RSP_MONITOR_MAX + 1]; /* NUL-terminated (and may hold NULs of its own) */
};

/* Classify payload[0..n) and parse its arguments into *cmd; returns cmd->kind. Reads nothing
 * past n (the payload needs no NUL). */
enum rsp_kind rsp_parse(const char *payload, size_t n, struct rsp_cmd *cmd);

#endif
