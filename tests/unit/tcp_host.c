/* tcp_host.c - host stand-ins for what guestos/net/tcp*.c call outside TCP (tcp_host.h): time
 * and software timers, the pbuf pool, checksums, ip_output into a capture queue, randomness
 * and wake-ups. Everything is deterministic and reset by tcp_host_reset. */
#include <stdlib.h>
#include <string.h>

#include "guestos/net/net_defs.h"
#include "tests/unit/tcp_host.h"

struct netstack net;

static struct {
	uint64_t now;
	struct timer *armed;    /* by deadline, then arming order */
	struct tcp_cap caps[TCP_HOST_CAPS];
	unsigned cap_head, cap_n;
	unsigned pbuf_limit, pbufs_out, wakeups;
	int loopback, in_loopback;
	int forced;             /* 1: net_random returns force next */
	uint32_t force;
	struct pbq loop;        /* segments waiting to be handed back (loopback mode) */
	uint64_t rng;
} h;

void tcp_host_reset(void)
{
	while (h.armed)
		timer_cancel(h.armed);
	struct pbuf *pb;
	while ((pb = pbq_pop(&h.loop)))
		pbuf_free(pb);
	unsigned out = h.pbufs_out;
	memset(&h, 0, sizeof h);
	h.pbufs_out = out; /* what TCP still holds stays counted */
	h.now = 1000000000u; /* 1 s: no timer is ever due at 0 */
	h.pbuf_limit = NET_PBUFS;
	h.rng = 0x2545F4914F6CDD1Dull;
	memset(&net, 0, sizeof net);
	net.up = 1;
	net.addr = 0x0100000Au; /* 10.0.0.1 */
}

/* --- time and timers -------------------------------------------------------------------- */

uint64_t now_ns(void)
{
	return h.now;
}

uint64_t tcp_host_now(void)
{
	return h.now;
}

int irq_disable(void)
{
	return 0;
}

void irq_restore(int state)
{
	(void)state;
}

void timer_init(struct timer *t, void (*fn)(struct timer *t, void *arg), void *arg)
{
	*t = (struct timer){ .fn = fn, .arg = arg };
}

void timer_cancel(struct timer *t)
{
	for (struct timer **p = &h.armed; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->armed = 0;
	t->next = NULL;
}

void timer_at(struct timer *t, uint64_t when_ns)
{
	timer_cancel(t);
	t->when = when_ns;
	struct timer **p = &h.armed;
	while (*p && (*p)->when <= when_ns)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->armed = 1;
}

void timer_oneshot(struct timer *t, uint64_t us)
{
	t->period = 0;
	timer_at(t, h.now + us * 1000u);
}

void timer_periodic(struct timer *t, uint64_t us)
{
	t->period = us * 1000u;
	timer_at(t, h.now + t->period);
}

uint64_t tcp_host_next_timer(void)
{
	return h.armed ? h.armed->when : UINT64_MAX;
}

void tcp_host_advance(uint64_t ns)
{
	uint64_t end = h.now + ns;
	while (h.armed && h.armed->when <= end) {
		struct timer *t = h.armed;
		if (t->when > h.now)
			h.now = t->when;
		h.armed = t->next;
		t->armed = 0;
		t->next = NULL;
		t->fired++;
		if (t->period)
			timer_at(t, t->when + t->period);
		t->fn(t, t->arg);
	}
	h.now = end;
}

/* --- pbufs ------------------------------------------------------------------------------ */

struct pbuf *pbuf_alloc(void)
{
	if (h.pbufs_out >= h.pbuf_limit)
		return NULL;
	struct pbuf *pb = calloc(1, sizeof *pb);
	if (!pb)
		abort();
	pb->p = pb->buf + NET_HEADROOM;
	pb->owner = -1;
	h.pbufs_out++;
	return pb;
}

void pbuf_free(struct pbuf *pb)
{
	h.pbufs_out--;
	free(pb);
}

void pbq_push(struct pbq *q, struct pbuf *pb)
{
	pb->next = NULL;
	if (q->tail)
		q->tail->next = pb;
	else
		q->head = pb;
	q->tail = pb;
	q->n++;
}

struct pbuf *pbq_pop(struct pbq *q)
{
	struct pbuf *pb = q->head;
	if (!pb)
		return NULL;
	q->head = pb->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	pb->next = NULL;
	return pb;
}

void tcp_host_pbuf_limit(unsigned n)
{
	h.pbuf_limit = n;
}

unsigned tcp_host_pbufs_out(void)
{
	return h.pbufs_out;
}

/* --- checksums (RFC 1071) ---------------------------------------------------------------- */

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	uint8_t b[12];
	putaddr(b, src);
	putaddr(b + 4, dst);
	b[8] = 0;
	b[9] = proto;
	put16(b + 10, len);
	return csum_add(0, b, sizeof b);
}

/* --- ip_output: the capture, and loopback ----------------------------------------------- */

static void capture(const struct pbuf *pb, uint32_t src, uint32_t dst)
{
	if (h.cap_n == TCP_HOST_CAPS)
		abort(); /* a test that never takes its segments: an endless loop in TCP? */
	struct tcp_cap *c = &h.caps[(h.cap_head + h.cap_n++) % TCP_HOST_CAPS];
	const uint8_t *t = pb->p;
	uint32_t hl = (t[12] >> 4) * 4u;
	*c = (struct tcp_cap){
		.src = src, .dst = dst, .sport = get16(t), .dport = get16(t + 2),
		.seq = get32(t + 4), .ack = get32(t + 8), .flags = t[13], .wnd = get16(t + 14),
		.len = pb->len - hl,
		.csum_ok = csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP, pb->len), t,
					      pb->len)) == 0,
	};
	if (hl >= 24 && t[20] == 2 && t[21] == 4)
		c->mss = get16(t + 22);
	memcpy(c->data, t + hl, c->len);
	memcpy(c->raw, t, pb->len);
	c->rawlen = pb->len;
}

int ip_output(struct pbuf *pb, uint32_t src, uint32_t dst, uint8_t proto)
{
	(void)proto;
	net.c.ip_tx++;
	capture(pb, src, dst);
	if (!h.loopback) {
		pbuf_free(pb);
		return 0;
	}
	/* As ip.c's loopback does it: delivered after the sender's call returns... here, once
	 * the outermost ip_output is done, in order, so TCP never re-enters itself deeper. */
	pb->src = src;
	pb->owner_gen = dst; /* a spare field: the destination, until tcp_input has it */
	pbq_push(&h.loop, pb);
	if (h.in_loopback)
		return 0;
	h.in_loopback = 1;
	while ((pb = pbq_pop(&h.loop))) {
		struct ip_info ii = { .src = pb->src, .dst = pb->owner_gen, .ttl = 64,
				      .proto = IPPROTO_TCP };
		tcp_input(pb, &ii);
	}
	h.in_loopback = 0;
	return 0;
}

unsigned tcp_host_caps(void)
{
	return h.cap_n;
}

int tcp_host_pop(struct tcp_cap *c)
{
	if (!h.cap_n)
		return 0;
	*c = h.caps[h.cap_head];
	h.cap_head = (h.cap_head + 1) % TCP_HOST_CAPS;
	h.cap_n--;
	return 1;
}

void tcp_host_drop_caps(void)
{
	h.cap_head = h.cap_n = 0;
}

void tcp_host_set_loopback(int on)
{
	h.loopback = on;
}

/* --- the rest ------------------------------------------------------------------------------ */

void tcp_host_force_random(uint32_t v)
{
	h.forced = 1;
	h.force = v;
}

uint32_t net_random(void)
{
	if (h.forced) {
		h.forced = 0;
		return h.force;
	}
	h.rng ^= h.rng << 13;
	h.rng ^= h.rng >> 7;
	h.rng ^= h.rng << 17;
	return (uint32_t)(h.rng >> 11);
}

void net_wakeup_all(void)
{
	h.wakeups++;
}

unsigned tcp_host_wakeups(void)
{
	return h.wakeups;
}
