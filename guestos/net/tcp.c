/* tcp.c - TCP connections (RFC 9293): the pool of control blocks and their byte rings, lookup,
 * and the requests the socket layer makes (connect, listen, accept, write, read, shut, close).
 * Segments arrive in tcp_in.c, leave from tcp_out.c; tcp_timer.c keeps time. */
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "guestos/net/net_defs.h"

static struct tcb pool[NET_TCP_CONNS];
static uint32_t iss_clock; /* added to every ISS, so reused 4-tuples start past old data */

/* --- rings ------------------------------------------------------------------------------ */

void ring_put(struct ring *r, const uint8_t *p, uint32_t n)
{
	uint32_t at = (r->head + r->len) % r->size, first = r->size - at;
	if (first > n)
		first = n;
	memcpy(r->buf + at, p, first);
	memcpy(r->buf, p + first, n - first);
	r->len += n;
}

void ring_get(const struct ring *r, uint32_t off, uint8_t *p, uint32_t n)
{
	uint32_t at = (r->head + off) % r->size, first = r->size - at;
	if (first > n)
		first = n;
	memcpy(p, r->buf + at, first);
	memcpy(p + first, r->buf, n - first);
}

void ring_drop(struct ring *r, uint32_t n)
{
	r->head = (r->head + n) % r->size;
	r->len -= n;
}

/* --- the pool --------------------------------------------------------------------------- */

struct tcb *tcp_slot(uint32_t i)
{
	return &pool[i];
}

static int has_rings(const struct tcb *tp)
{
	return tp->snd.buf && tp->rcv.buf;
}

/* Give slot tp its rings if it has none: 0, or -1 when the heap is out (thread only). */
static int give_rings(struct tcb *tp)
{
	if (!tp->snd.buf)
		tp->snd.buf = malloc(NET_TCP_SNDBUF);
	if (!tp->rcv.buf)
		tp->rcv.buf = malloc(NET_TCP_RCVBUF);
	return has_rings(tp) ? 0 : -1;
}

/* Reset a free slot for a new connection, keeping its rings. */
static void tcb_init(struct tcb *tp)
{
	struct ring s = tp->snd, r = tp->rcv;
	*tp = (struct tcb){ .state = TCPS_CLOSED, .sock = -1 };
	tp->snd = (struct ring){ .buf = s.buf, .size = NET_TCP_SNDBUF };
	tp->rcv = (struct ring){ .buf = r.buf, .size = NET_TCP_RCVBUF };
	tp->mss = 536u; /* RFC 9293 3.7.1: the default without an MSS option */
	tp->rto = (uint64_t)NET_TCP_RTO_INIT_MS * 1000000u;
	tcp_timer_init(tp);
}

/* Zero-filled slots say sock 0: mark them as held by no socket before the first use. */
static void pool_init(void)
{
	static int ready;

	if (ready)
		return;
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
		pool[i].sock = -1;
	ready = 1;
}

/* A slot is taken from the moment tcp_new or tcp_child hands it out until tcp_free. */
static int taken(const struct tcb *tp)
{
	return tp->state != TCPS_CLOSED || tp->sock >= 0;
}

/* Free slots with rings the listeners may need for SYNs: each its backlog's unused part. */
static uint32_t reserve_need(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
		if (pool[i].state == TCPS_LISTEN && pool[i].backlog > pool[i].nchild)
			n += pool[i].backlog - pool[i].nchild;
	return n;
}

struct tcb *tcp_new(void)
{
	pool_init();
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = &pool[i];
		if (taken(tp) || give_rings(tp) < 0)
			continue;
		tcb_init(tp);
		tp->sock = NET_SOCKETS; /* taken meanwhile; the caller sets the real one */
		tcp_reserve(reserve_need()); /* refill what the listeners were counting on */
		tp->sock = -1;
		return tp;
	}
	return NULL;
}

int tcp_reserve(uint32_t n)
{
	uint32_t have = 0;

	pool_init();
	for (uint32_t i = 0; i < NET_TCP_CONNS && have < n; i++)
		if (!taken(&pool[i]) && give_rings(&pool[i]) == 0)
			have++;
	return have >= n ? 0 : -1;
}

/* The oldest connection in TIME_WAIT whose socket is closed and that has rings, or NULL. */
static struct tcb *oldest_time_wait(void)
{
	struct tcb *old = NULL;
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = &pool[i];
		if (tp->state == TCPS_TIME_WAIT && tp->sock < 0 && has_rings(tp) && (!old || tp->born < old->born))
			old = tp;
	}
	return old;
}

struct tcb *tcp_child(struct tcb *lis)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
			struct tcb *tp = &pool[i];
			if (taken(tp) || !has_rings(tp))
				continue;
			tcb_init(tp);
			tp->parent = lis;
			tp->born = now_ns();
			lis->nchild++;
			return tp;
		}
		/* Every slot with rings is busy: a server closing each connection first keeps one
		 * in TIME_WAIT a second per connection, and a new SYN matters more than an old
		 * connection's guard against stray duplicates (RFC 6191 lets a SYN reuse one). */
		struct tcb *old = oldest_time_wait();
		if (!old)
			break;
		net.c.tcp_time_wait_reused++;
		tcp_free(old);
	}
	return NULL;
}

void tcp_free(struct tcb *tp)
{
	tcp_timer_stop(tp);
	while (tp->ooo) {
		struct pbuf *pb = tp->ooo;
		tp->ooo = pb->next;
		pbuf_free(pb);
	}
	tp->nooo = 0;
	if (tp->parent)
		tp->parent->nchild--;
	if (tp->state == TCPS_LISTEN) {
		/* Children not accepted yet go with their listener. */
		for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
			if (pool[i].parent == tp && pool[i].state != TCPS_CLOSED) {
				pool[i].parent = NULL;
				tcp_drop(&pool[i], ECONNABORTED);
			}
	}
	tp->parent = NULL;
	tp->state = TCPS_CLOSED;
	net_wakeup_all();
}

void tcp_drop(struct tcb *tp, int err)
{
	if (tp->state >= TCPS_SYN_RCVD && tp->state != TCPS_TIME_WAIT) {
		net.c.tcp_rsts_sent++;
		tcp_respond(tp->laddr, tp->raddr, tp->lport, tp->rport, tcp_ack_seq(tp), tp->rcv_nxt,
			    TCP_RST | TCP_ACK);
	}
	if (err == ETIMEDOUT || err == ECONNABORTED)
		net.c.tcp_dropped++;
	tp->err = err;
	int sock = tp->sock;
	tcp_free(tp);
	tp->sock = sock; /* the socket still holds it, to read err; its close frees the slot */
}

struct tcb *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = &pool[i];
		if (tp->state > TCPS_LISTEN && tp->lport == lport && tp->rport == rport &&
		    tp->raddr == raddr && tp->laddr == laddr)
			return tp;
	}
	return NULL;
}

struct tcb *tcp_listener(uint32_t laddr, uint16_t lport)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = &pool[i];
		if (tp->state == TCPS_LISTEN && tp->lport == lport &&
		    (tp->laddr == 0 || tp->laddr == laddr))
			return tp;
	}
	return NULL;
}

int tcp_port_busy(uint16_t port)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
		if (pool[i].state != TCPS_CLOSED && pool[i].lport == port)
			return 1;
	return 0;
}

/* --- requests from the socket layer ----------------------------------------------------- */

static uint32_t new_iss(void)
{
	/* RFC 6528's spirit: unpredictable to a neighbour, and moving forward. */
	iss_clock += 64000u;
	return net_random() ^ (uint32_t)(now_ns() >> 12) ^ iss_clock;
}

int tcp_connect(struct tcb *tp, uint32_t raddr, uint16_t rport)
{
	struct tcb *old = tcp_lookup(tp->laddr, tp->lport, raddr, rport);
	if (old && old->state == TCPS_TIME_WAIT) {
		/* Our own TIME_WAIT on this 4-tuple: the new ISS starts past the old one's
		 * sequence space, so the peer tells the two apart (RFC 6191's idea). */
		tp->iss = old->snd_max + 128000u + (net_random() & 0xFFFFu);
		tcp_free(old);
	} else if (old) {
		return EADDRINUSE;
	} else {
		tp->iss = new_iss();
	}
	tp->raddr = raddr;
	tp->rport = rport;
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->cwnd = tp->mss;
	tp->ssthresh = 65535u;
	tp->state = TCPS_SYN_SENT;
	tcp_output(tp);
	return 0;
}

int tcp_listen(struct tcb *tp, uint32_t backlog)
{
	if (backlog < 1)
		backlog = 1;
	if (backlog > NET_TCP_BACKLOG_MAX)
		backlog = NET_TCP_BACKLOG_MAX;
	tp->backlog = backlog;
	tp->state = TCPS_LISTEN;
	if (tcp_reserve(reserve_need()) < 0) {
		tp->state = TCPS_CLOSED;
		return ENOBUFS;
	}
	return 0;
}

struct tcb *tcp_accept(struct tcb *lis)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = &pool[i];
		if (tp->parent == lis && tp->state >= TCPS_ESTABLISHED && tp->sock < 0) {
			tp->parent = NULL;
			lis->nchild--;
			tcp_reserve(reserve_need()); /* top up the slots SYNs take */
			return tp;
		}
	}
	return NULL;
}

int tcp_acceptable(const struct tcb *lis)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
		if (pool[i].parent == lis && pool[i].state >= TCPS_ESTABLISHED && pool[i].sock < 0)
			return 1;
	return 0;
}

void tcp_established(struct tcb *tp)
{
	tp->state = tp->fin_queued ? TCPS_FIN_WAIT_1 : TCPS_ESTABLISHED;
	tp->cwnd = 2u * tp->mss; /* RFC 5681's initial window is 2-4 segments */
	tp->ssthresh = 65535u;
	tp->backoff = 0;
	if (tp->parent)
		net.c.tcp_accepted++;
	else
		net.c.tcp_opened++;
	net_wakeup_all();
}

void tcp_set_mss(struct tcb *tp, const uint8_t *opt, uint32_t n)
{
	uint32_t mss = 536u;

	for (uint32_t i = 0; i < n;) {
		if (opt[i] == 0)
			break;
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || opt[i + 1] < 2 || i + opt[i + 1] > n)
			break; /* a malformed option ends the list */
		if (opt[i] == 2 && opt[i + 1] == 4)
			mss = get16(opt + i + 2);
		i += opt[i + 1];
	}
	if (mss > NET_TCP_MSS)
		mss = NET_TCP_MSS;
	if (mss < 64u)
		mss = 64u; /* a tiny MSS would only multiply segments */
	tp->mss = mss;
}

uint32_t tcp_rcv_wnd(const struct tcb *tp)
{
	uint32_t w = tp->rcv.size - tp->rcv.len;
	return w > 65535u ? 65535u : w;
}

uint32_t tcp_write(struct tcb *tp, const uint8_t *p, uint32_t n)
{
	uint32_t room = tp->snd.size - tp->snd.len;
	if (n > room)
		n = room;
	if (n) {
		ring_put(&tp->snd, p, n);
		tcp_output(tp);
	}
	return n;
}

uint32_t tcp_read(struct tcb *tp, uint8_t *p, uint32_t n, int peek)
{
	if (n > tp->rcv.len)
		n = tp->rcv.len;
	ring_get(&tp->rcv, 0, p, n);
	if (peek || !n)
		return n;
	uint32_t before = tp->rcv_adv - tp->rcv_nxt;
	ring_drop(&tp->rcv, n);
	/* Tell the peer about the room when it has grown by two segments or half the ring, or
	 * the window was shut (receiver-side silly window avoidance, RFC 9293 3.8.6.2.2). */
	uint32_t now = tcp_rcv_wnd(tp);
	if (tp->state >= TCPS_ESTABLISHED &&
	    (before == 0 || now - before >= 2u * tp->mss || now - before >= tp->rcv.size / 2u)) {
		tp->ack_now = 1;
		tcp_output(tp);
	}
	return n;
}

void tcp_shut(struct tcb *tp, int how)
{
	if (how != SHUT_WR) {
		tp->shut_rd = 1;
		ring_drop(&tp->rcv, tp->rcv.len);
	}
	if (how == SHUT_RD || tp->fin_queued)
		return;
	switch (tp->state) {
	case TCPS_SYN_SENT:
		tcp_free(tp);
		return;
	case TCPS_SYN_RCVD:
		tp->fin_queued = 1; /* sent once the handshake completes (tcp_established) */
		return;
	case TCPS_ESTABLISHED:
		tp->state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_CLOSE_WAIT:
		tp->state = TCPS_LAST_ACK;
		break;
	default:
		return;
	}
	tp->fin_queued = 1;
	tcp_output(tp);
}

void tcp_close(struct tcb *tp)
{
	tp->sock = -1;
	switch (tp->state) {
	case TCPS_CLOSED:
		return;
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		tcp_free(tp);
		return;
	default:
		break;
	}
	if (tp->rcv.len && !tp->shut_rd) {
		/* Unread data: abort as BSD does (RFC 2525 2.17), so the peer learns it was lost. */
		tcp_drop(tp, ECONNABORTED);
		tp->sock = -1;
		return;
	}
	tcp_shut(tp, SHUT_RDWR);
}

/* --- what tests and tools ask ------------------------------------------------------------ */

unsigned net_tcp_count(int st)
{
	unsigned n = 0;

	pool_init();
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
		if (st < 0 ? taken(&pool[i]) : pool[i].state == st)
			n++;
	return n;
}
