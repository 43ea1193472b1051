/* test_tcp.c - guestos's TCP state machine (guestos/net/tcp*.c) built for the host with
 * -DNET_HOST_TEST against tests/unit/tcp_host.c: a clock the test moves, timers it fires, and
 * every segment TCP sends captured. The tests play the peer with crafted segments (good
 * checksums), or connect two of TCP's own connections through a hand-run loopback that may
 * drop or reorder, and check the segments, states, windows and timers RFC 9293, 6298, 5681
 * and 6582 ask for.
 *
 * Checked: the handshake both ways (MSS option sent and taken), simultaneous open and close,
 * FIN both orders and TIME_WAIT's expiry, RSTs (in the window, past it, on its edge, in
 * SYN_SENT with a good and a bad ACK, to a half-open child, for no connection), challenge ACKs,
 * the peer's window and cwnd limiting what is sent, the receive window shutting and its
 * update, zero-window probes repeating with back-off for as long as the peer answers, the
 * retransmission timer (initial RTO, doubling, ETIMEDOUT with a RST after
 * NET_TCP_MAX_REXMT), RTT samples and Karn's rule, fast retransmit and NewReno's partial
 * ACK, out-of-order segments merged, sequence numbers crossing 2^32 both ways, bare ACKs
 * numbered snd_max after a retransmission (the 10 MB stall) and both ends recovering when
 * every ACK was lost, and no pbuf leaked by any test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guestos/net/net_defs.h"
#include "tests/unit/tcp_host.h"

#define US 0x0100000Au   /* 10.0.0.1, network order: our address */
#define PEER 0x0200000Au /* 10.0.0.2: the peer the tests play */
#define LPORT 5000u
#define PPORT 80u
#define PMSS 1000u       /* the peer's MSS in most tests: round numbers */
#define MS 1000000ull

/* --- the world ------------------------------------------------------------------------- */

/* Free every connection TCP holds and check that no pbuf is left over. */
static void world_clear(void)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = tcp_slot(i);
		if (tp->state == TCPS_LISTEN)
			tcp_free(tp);
	}
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = tcp_slot(i);
		tp->parent = NULL;
		if (tp->state != TCPS_CLOSED)
			tcp_free(tp);
		tp->sock = -1;
	}
	tcp_host_drop_caps();
	tcp_host_set_loopback(0);
}

static int setup(void **state)
{
	(void)state;
	world_clear();
	tcp_host_reset();
	assert_int_equal(tcp_host_pbufs_out(), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	world_clear();
	assert_int_equal(tcp_host_pbufs_out(), 0); /* nothing leaked, OOO queues included */
	return 0;
}

/* A segment from src:sport to us at dport, built as a wire segment (good checksum unless
 * bad_sum) and handed to tcp_input. */
static void seg_full(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		     uint8_t flags, uint16_t wnd, const uint8_t *opt, uint32_t optlen,
		     const uint8_t *data, uint32_t len)
{
	struct pbuf *pb = pbuf_alloc();
	assert_non_null(pb);
	pb->p = pb->buf + ETH_HLEN + IP_HLEN;
	uint8_t *t = pb->p;
	uint32_t hl = TCP_HLEN + optlen;
	memset(t, 0, hl);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)(hl / 4u << 4);
	t[13] = flags;
	put16(t + 14, wnd);
	if (optlen)
		memcpy(t + TCP_HLEN, opt, optlen);
	if (len)
		memcpy(t + hl, data, len);
	pb->len = hl + len;
	put16(t + 16, csum_fold(csum_add(csum_pseudo(src, US, IPPROTO_TCP, pb->len), t, pb->len)));
	struct ip_info ii = { .src = src, .dst = US, .ttl = 64, .proto = IPPROTO_TCP };
	tcp_input(pb, &ii);
}

/* From the peer (PEER:PPORT) to LPORT. */
static void peer(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const void *data,
		 uint32_t len)
{
	seg_full(PEER, PPORT, LPORT, seq, ack, flags, wnd, NULL, 0, data, len);
}

static const uint8_t mss_opt[4] = { 2, 4, PMSS >> 8, PMSS & 0xFF };

/* The next segment TCP sent: it must exist, have a good checksum and these flags. */
static struct tcp_cap next_seg(uint8_t flags)
{
	struct tcp_cap c;
	assert_true(tcp_host_pop(&c));
	assert_true(c.csum_ok);
	assert_int_equal(c.flags, flags);
	return c;
}

static void no_seg(void)
{
	assert_int_equal(tcp_host_caps(), 0);
}

static uint8_t pattern[65536];

static void fill_pattern(void)
{
	for (uint32_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(i * 7u + (i >> 8));
}

/* A connection we open to the peer, completed: the peer's ISS is piss, its window wnd and its
 * MSS PMSS. The SYN and the final ACK are checked and taken. */
static struct tcb *open_active(uint32_t piss, uint16_t wnd)
{
	struct tcb *tp = tcp_new();
	assert_non_null(tp);
	tp->sock = 0;
	tp->laddr = US;
	tp->lport = LPORT;
	assert_int_equal(tcp_connect(tp, PEER, PPORT), 0);
	assert_int_equal(tp->state, TCPS_SYN_SENT);
	struct tcp_cap syn = next_seg(TCP_SYN);
	assert_int_equal(syn.seq, tp->iss);
	assert_int_equal(syn.mss, NET_TCP_MSS);
	assert_int_equal(syn.dport, PPORT);
	seg_full(PEER, PPORT, LPORT, piss, tp->iss + 1u, TCP_SYN | TCP_ACK, wnd, mss_opt, 4, NULL, 0);
	assert_int_equal(tp->state, TCPS_ESTABLISHED);
	assert_int_equal(tp->mss, PMSS);
	struct tcp_cap ack = next_seg(TCP_ACK);
	assert_int_equal(ack.seq, tp->iss + 1u);
	assert_int_equal(ack.ack, piss + 1u);
	no_seg();
	return tp;
}

/* A listener on LPORT with backlog n. */
static struct tcb *listener(uint32_t n)
{
	struct tcb *lis = tcp_new();
	assert_non_null(lis);
	lis->sock = 1;
	lis->laddr = 0;
	lis->lport = LPORT;
	assert_int_equal(tcp_listen(lis, n), 0);
	return lis;
}

/* --- the handshake ------------------------------------------------------------------------ */

static void active_open_sends_syn_with_mss_and_takes_the_peers(void **state)
{
	(void)state;
	struct tcb *tp = open_active(5000u, 8000u);
	assert_int_equal(tp->snd_una, tp->iss + 1u);
	assert_int_equal(tp->rcv_nxt, 5001u);
	assert_int_equal(tp->snd_wnd, 8000u);
	assert_int_equal(tp->cwnd, 2u * PMSS);
	assert_int_equal(net.c.tcp_opened, 1);
	assert_int_equal(tp->tmode, TT_NONE); /* nothing outstanding: no timer */
}

static void passive_open_answers_syn_and_is_accepted_after_the_ack(void **state)
{
	(void)state;
	struct tcb *lis = listener(4);
	tcp_host_force_random(0x12345678u);
	seg_full(PEER, PPORT, LPORT, 700u, 0, TCP_SYN, 9000u, mss_opt, 4, NULL, 0);
	struct tcp_cap sa = next_seg(TCP_SYN | TCP_ACK);
	assert_int_equal(sa.seq, 0x12345678u);
	assert_int_equal(sa.ack, 701u);
	assert_int_equal(sa.mss, NET_TCP_MSS);
	struct tcb *c = tcp_lookup(US, LPORT, PEER, PPORT);
	assert_non_null(c);
	assert_int_equal(c->state, TCPS_SYN_RCVD);
	assert_false(tcp_acceptable(lis));
	peer(701u, 0x12345679u, TCP_ACK, 9000u, NULL, 0);
	assert_int_equal(c->state, TCPS_ESTABLISHED);
	assert_true(tcp_acceptable(lis));
	assert_ptr_equal(tcp_accept(lis), c);
	assert_int_equal(c->mss, PMSS);
	assert_int_equal(net.c.tcp_accepted, 1);
	no_seg();
}

static void syn_ack_with_a_bad_ack_is_answered_with_rst(void **state)
{
	(void)state;
	struct tcb *tp = tcp_new();
	tp->sock = 0;
	tp->laddr = US;
	tp->lport = LPORT;
	tcp_connect(tp, PEER, PPORT);
	next_seg(TCP_SYN);
	peer(1u, tp->iss + 7u, TCP_SYN | TCP_ACK, 1000u, NULL, 0);
	struct tcp_cap r = next_seg(TCP_RST);
	assert_int_equal(r.seq, tp->iss + 7u);
	assert_int_equal(tp->state, TCPS_SYN_SENT);
}

static void rst_in_syn_sent_refuses_only_with_an_acceptable_ack(void **state)
{
	(void)state;
	struct tcb *tp = tcp_new();
	tp->sock = 0;
	tp->laddr = US;
	tp->lport = LPORT;
	tcp_connect(tp, PEER, PPORT);
	next_seg(TCP_SYN);
	peer(0, tp->iss + 5u, TCP_RST | TCP_ACK, 0, NULL, 0); /* a bad ACK: ignored */
	assert_int_equal(tp->state, TCPS_SYN_SENT);
	no_seg();
	peer(0, tp->iss + 1u, TCP_RST | TCP_ACK, 0, NULL, 0);
	assert_int_equal(tp->state, TCPS_CLOSED);
	assert_int_equal(tp->err, ECONNREFUSED);
	assert_int_equal(tp->sock, 0); /* the socket keeps the slot to read the error */
	no_seg();
}

static void syn_is_retransmitted_then_connect_times_out(void **state)
{
	(void)state;
	struct tcb *tp = tcp_new();
	tp->sock = 0;
	tp->laddr = US;
	tp->lport = LPORT;
	tcp_connect(tp, PEER, PPORT);
	next_seg(TCP_SYN);
	uint64_t rto = NET_TCP_RTO_INIT_MS * MS;
	for (uint32_t i = 0; i < NET_TCP_SYN_REXMT; i++, rto *= 2u) {
		tcp_host_advance(rto - 1u);
		no_seg();
		tcp_host_advance(1u);
		struct tcp_cap s = next_seg(TCP_SYN);
		assert_int_equal(s.seq, tp->iss);
	}
	tcp_host_advance(rto);
	assert_int_equal(tp->state, TCPS_CLOSED);
	assert_int_equal(tp->err, ETIMEDOUT);
	no_seg(); /* no RST for a connection never synchronized */
}

/* Two of our own connections, A on LPORT and B on PPORT, both 10.0.0.1, connected by hand:
 * pump hands every captured segment back to tcp_input, except those drop says to lose. */
static int pump(int (*drop)(const struct tcp_cap *c, void *arg), void *arg)
{
	int n = 0;
	struct tcp_cap c;
	while (tcp_host_pop(&c)) {
		assert_true(c.csum_ok);
		assert_true(++n < 10000);
		if (drop && drop(&c, arg))
			continue;
		struct pbuf *pb = pbuf_alloc();
		assert_non_null(pb);
		pb->p = pb->buf + ETH_HLEN + IP_HLEN;
		memcpy(pb->p, c.raw, c.rawlen);
		pb->len = c.rawlen;
		struct ip_info ii = { .src = c.src, .dst = c.dst, .ttl = 64, .proto = IPPROTO_TCP };
		tcp_input(pb, &ii);
	}
	return n;
}

static struct tcb *own(uint16_t port)
{
	struct tcb *tp = tcp_new();
	assert_non_null(tp);
	tp->sock = port == LPORT ? 0 : 1;
	tp->laddr = US;
	tp->lport = port;
	return tp;
}

static void simultaneous_open_establishes_both(void **state)
{
	(void)state;
	struct tcb *a = own(LPORT), *b = own(PPORT);
	tcp_connect(a, US, PPORT);
	tcp_connect(b, US, LPORT); /* both SYNs in flight before either arrives */
	assert_int_equal(tcp_host_caps(), 2);
	pump(NULL, NULL);
	assert_int_equal(a->state, TCPS_ESTABLISHED);
	assert_int_equal(b->state, TCPS_ESTABLISHED);
	assert_int_equal(a->rcv_nxt, b->iss + 1u);
	assert_int_equal(b->rcv_nxt, a->iss + 1u);
	assert_int_equal(a->snd_una, a->iss + 1u);
	assert_int_equal(b->snd_una, b->iss + 1u);
}

/* A and B connected (A opened, B a listener's child), both windows open. */
static void own_pair(struct tcb **pa, struct tcb **pb)
{
	struct tcb *lis = tcp_new();
	lis->sock = 1;
	lis->lport = PPORT;
	tcp_listen(lis, 2);
	struct tcb *a = own(LPORT);
	tcp_connect(a, US, PPORT);
	pump(NULL, NULL);
	struct tcb *b = tcp_accept(lis);
	assert_non_null(b);
	b->sock = 2;
	assert_int_equal(a->state, TCPS_ESTABLISHED);
	assert_int_equal(b->state, TCPS_ESTABLISHED);
	*pa = a;
	*pb = b;
}

static void simultaneous_close_goes_through_closing_to_time_wait(void **state)
{
	(void)state;
	struct tcb *a, *b;
	own_pair(&a, &b);
	tcp_shut(a, SHUT_WR);
	tcp_shut(b, SHUT_WR);
	assert_int_equal(a->state, TCPS_FIN_WAIT_1);
	assert_int_equal(b->state, TCPS_FIN_WAIT_1);
	pump(NULL, NULL);
	assert_int_equal(a->state, TCPS_TIME_WAIT);
	assert_int_equal(b->state, TCPS_TIME_WAIT);
	assert_true(a->rcvd_fin && b->rcvd_fin);
	tcp_host_advance(NET_TCP_TIME_WAIT_MS * MS);
	assert_int_equal(a->state, TCPS_CLOSED);
	assert_int_equal(b->state, TCPS_CLOSED);
}

static void close_in_either_order_reaches_time_wait_and_closed(void **state)
{
	(void)state;
	struct tcb *a, *b;
	own_pair(&a, &b);
	tcp_shut(a, SHUT_WR);
	pump(NULL, NULL);
	assert_int_equal(a->state, TCPS_FIN_WAIT_2);
	assert_int_equal(b->state, TCPS_CLOSE_WAIT);
	tcp_close(b);
	assert_int_equal(b->state, TCPS_LAST_ACK);
	pump(NULL, NULL);
	assert_int_equal(a->state, TCPS_TIME_WAIT);
	assert_int_equal(b->state, TCPS_CLOSED); /* freed: its socket was closed */
	tcp_host_advance(NET_TCP_TIME_WAIT_MS * MS - 1u);
	assert_int_equal(a->state, TCPS_TIME_WAIT);
	tcp_host_advance(1u);
	assert_int_equal(a->state, TCPS_CLOSED);
}

/* --- RST ------------------------------------------------------------------------------------ */

static void rst_inside_the_window_resets_the_connection(void **state)
{
	(void)state;
	struct tcb *tp = open_active(100u, 8000u);
	peer(101u + 500u, 0, TCP_RST, 0, NULL, 0);
	assert_int_equal(tp->state, TCPS_CLOSED);
	assert_int_equal(tp->err, ECONNRESET);
	assert_int_equal(net.c.tcp_reset, 1);
	no_seg();
}

static void rst_outside_the_window_or_on_its_edge_is_ignored_silently(void **state)
{
	(void)state;
	struct tcb *tp = open_active(100u, 8000u);
	uint32_t edge = tp->rcv_nxt + tcp_rcv_wnd(tp);
	peer(tp->rcv_nxt - 1u, 0, TCP_RST, 0, NULL, 0);
	peer(edge, 0, TCP_RST, 0, NULL, 0);
	peer(tp->rcv_nxt + 0x40000000u, 0, TCP_RST, 0, NULL, 0);
	assert_int_equal(tp->state, TCPS_ESTABLISHED);
	no_seg();
	peer(edge - 1u, 0, TCP_RST, 0, NULL, 0);
	assert_int_equal(tp->state, TCPS_CLOSED);
}

static void rst_to_a_half_open_child_leaves_the_listener_listening(void **state)
{
	(void)state;
	struct tcb *lis = listener(2);
	seg_full(PEER, PPORT, LPORT, 700u, 0, TCP_SYN, 9000u, NULL, 0, NULL, 0);
	next_seg(TCP_SYN | TCP_ACK);
	struct tcb *c = tcp_lookup(US, LPORT, PEER, PPORT);
	assert_non_null(c);
	peer(701u, 0, TCP_RST, 0, NULL, 0);
	assert_null(tcp_lookup(US, LPORT, PEER, PPORT));
	assert_int_equal(lis->state, TCPS_LISTEN);
	assert_int_equal(lis->nchild, 0);
	assert_int_equal(net.c.tcp_reset, 0);
}

static void segment_for_no_connection_gets_rst_but_rst_gets_nothing(void **state)
{
	(void)state;
	seg_full(PEER, 1234u, 4321u, 50u, 0, TCP_SYN, 1000u, NULL, 0, NULL, 0);
	struct tcp_cap r = next_seg(TCP_RST | TCP_ACK);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.ack, 51u);
	seg_full(PEER, 1234u, 4321u, 50u, 777u, TCP_ACK, 1000u, NULL, 0, NULL, 0);
	r = next_seg(TCP_RST);
	assert_int_equal(r.seq, 777u);
	seg_full(PEER, 1234u, 4321u, 50u, 777u, TCP_RST, 1000u, NULL, 0, NULL, 0);
	no_seg();
}

static void in_window_syn_on_an_established_connection_gets_a_challenge_ack(void **state)
{
	(void)state;
	struct tcb *tp = open_active(100u, 8000u);
	peer(tp->rcv_nxt + 10u, 0, TCP_SYN, 1000u, NULL, 0);
	assert_int_equal(tp->state, TCPS_ESTABLISHED);
	struct tcp_cap a = next_seg(TCP_ACK);
	assert_int_equal(a.ack, tp->rcv_nxt);
	assert_int_equal(net.c.tcp_bad_segments, 1);
}

static void bad_checksum_and_bad_offsets_are_counted_and_dropped(void **state)
{
	(void)state;
	struct tcb *tp = open_active(100u, 8000u);
	uint8_t raw[40] = { 0 };
	const uint8_t offs[] = { 0x00, 0x40, 0x60, 0xF0 }; /* 0, 4, 6 and 15 words on 20 bytes */
	for (unsigned i = 0; i < sizeof offs; i++) {
		struct pbuf *pb = pbuf_alloc();
		pb->p = pb->buf + ETH_HLEN + IP_HLEN;
		memcpy(pb->p, raw, 20);
		put16(pb->p, PPORT);
		put16(pb->p + 2, LPORT);
		pb->p[12] = offs[i];
		pb->len = 20;
		put16(pb->p + 16, csum_fold(csum_add(csum_pseudo(PEER, US, IPPROTO_TCP, 20), pb->p, 20)));
		struct ip_info ii = { .src = PEER, .dst = US, .proto = IPPROTO_TCP };
		tcp_input(pb, &ii);
	}
	assert_int_equal(net.c.tcp_bad_header, 4);
	struct pbuf *pb = pbuf_alloc();
	pb->p = pb->buf + ETH_HLEN + IP_HLEN;
	memset(pb->p, 0, 20);
	put16(pb->p, PPORT);
	put16(pb->p + 2, LPORT);
	put32(pb->p + 4, tp->rcv_nxt);
	pb->p[12] = 0x50;
	pb->p[13] = TCP_RST;
	pb->len = 20;
	put16(pb->p + 16, 0x1234); /* not the checksum */
	struct ip_info ii = { .src = PEER, .dst = US, .proto = IPPROTO_TCP };
	tcp_input(pb, &ii);
	assert_int_equal(net.c.tcp_bad_checksum, 1);
	assert_int_equal(tp->state, TCPS_ESTABLISHED);
	no_seg();
}

/* --- windows ------------------------------------------------------------------------------- */

static void send_stops_at_the_smaller_of_peer_window_and_cwnd(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 1500u);
	uint32_t s0 = tp->snd_una;
	assert_int_equal(tcp_write(tp, pattern, 5000u), 5000u);
	struct tcp_cap a = next_seg(TCP_ACK);
	assert_int_equal(a.seq, s0);
	assert_int_equal(a.len, PMSS);
	assert_memory_equal(a.data, pattern, PMSS);
	struct tcp_cap b = next_seg(TCP_ACK);
	assert_int_equal(b.seq, s0 + PMSS);
	assert_int_equal(b.len, 500u); /* the window's last 500 bytes */
	no_seg();
	/* The ACK of both opens the window to 8000; cwnd (2 MSS, + 1 MSS of slow start) binds. */
	peer(101u, s0 + 1500u, TCP_ACK, 8000u, NULL, 0);
	assert_int_equal(tp->cwnd, 3u * PMSS);
	uint32_t got = 0;
	struct tcp_cap c;
	while (tcp_host_pop(&c)) {
		assert_int_equal(c.seq, s0 + 1500u + got);
		assert_memory_equal(c.data, pattern + 1500u + got, c.len);
		got += c.len;
	}
	assert_int_equal(got, 3u * PMSS);
}

static void receive_window_shuts_when_the_ring_fills_and_reopens_on_read(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 8000u);
	uint32_t seq = 101u;
	for (uint32_t off = 0; off < NET_TCP_RCVBUF; off += PMSS) {
		uint32_t n = NET_TCP_RCVBUF - off < PMSS ? NET_TCP_RCVBUF - off : PMSS;
		peer(seq + off, tp->snd_una, TCP_ACK, 8000u, pattern + off, n);
		struct tcp_cap a = next_seg(TCP_ACK);
		assert_int_equal(a.ack, seq + off + n);
		assert_int_equal(a.wnd, NET_TCP_RCVBUF - off - n);
	}
	/* Shut: a byte more is outside the window and answered with an ACK. */
	peer(seq + NET_TCP_RCVBUF, tp->snd_una, TCP_ACK, 8000u, pattern, 1);
	struct tcp_cap a = next_seg(TCP_ACK);
	assert_int_equal(a.ack, seq + NET_TCP_RCVBUF);
	assert_int_equal(a.wnd, 0);
	static uint8_t buf[NET_TCP_RCVBUF];
	assert_int_equal(tcp_read(tp, buf, 100, 0), 100);
	a = next_seg(TCP_ACK); /* the update from a shut window */
	assert_int_equal(a.wnd, 100);
	assert_int_equal(tcp_read(tp, buf + 100, sizeof buf - 100, 0), sizeof buf - 100);
	assert_memory_equal(buf, pattern, sizeof buf);
	next_seg(TCP_ACK);
}

static void zero_window_is_probed_with_back_off_for_as_long_as_the_peer_answers(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 0);
	uint32_t s0 = tp->snd_una;
	tcp_write(tp, pattern, 3000u);
	no_seg();
	assert_int_equal(tp->tmode, TT_PERSIST);
	uint64_t iv = NET_TCP_PERSIST_MIN_MS * MS;
	for (int i = 0; i < 12; i++) {
		tcp_host_advance(iv - 1u);
		no_seg();
		tcp_host_advance(1u);
		struct tcp_cap p = next_seg(TCP_ACK);
		assert_int_equal(p.seq, s0);
		assert_int_equal(p.len, 1);
		assert_int_equal(p.data[0], pattern[0]);
		peer(101u, s0, TCP_ACK, 0, NULL, 0); /* still shut */
		no_seg();
		assert_int_equal(tp->state, TCPS_ESTABLISHED);
		/* The next interval: doubled (the first two are both the minimum), at most the max. */
		if (i > 0)
			iv = iv * 2u > NET_TCP_PERSIST_MAX_MS * MS ? NET_TCP_PERSIST_MAX_MS * MS : iv * 2u;
	}
	assert_int_equal(net.c.tcp_probes, 12);
	/* The window opens: the data flows from snd_una, the probe's byte included. */
	peer(101u, s0, TCP_ACK, 8000u, NULL, 0);
	struct tcp_cap d = next_seg(TCP_ACK);
	assert_int_equal(d.seq, s0);
	assert_int_equal(d.len, PMSS);
	assert_memory_equal(d.data, pattern, PMSS);
	assert_int_equal(tp->tmode, TT_REXMT);
}

static void bare_ack_at_the_right_edge_of_our_window_is_taken(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 8000u);
	uint32_t s0 = tp->snd_una;
	tcp_write(tp, pattern, 1000u);
	next_seg(TCP_ACK | TCP_PSH);
	uint32_t edge = tp->rcv_nxt + tcp_rcv_wnd(tp);
	peer(edge, s0 + 1000u, TCP_ACK, 8000u, NULL, 0);
	assert_int_equal(tp->snd_una, s0 + 1000u);
	no_seg();
	peer(edge + 1u, s0 + 1000u, TCP_ACK, 8000u, NULL, 0); /* past it: an ACK back */
	next_seg(TCP_ACK);
}

/* --- retransmission ------------------------------------------------------------------------ */

static void unacked_data_is_resent_at_the_rto_doubling_then_the_connection_drops(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 8000u);
	uint32_t s0 = tp->snd_una;
	tcp_write(tp, pattern, 500u);
	next_seg(TCP_ACK | TCP_PSH);
	uint64_t rto = tp->rto; /* the floor: the handshake's RTT was 0 */
	assert_int_equal(rto, NET_TCP_RTO_MIN_MS * MS);
	for (uint32_t i = 0; i < NET_TCP_MAX_REXMT; i++) {
		tcp_host_advance(rto - 1u);
		no_seg();
		tcp_host_advance(1u);
		struct tcp_cap r = next_seg(TCP_ACK | TCP_PSH);
		assert_int_equal(r.seq, s0);
		assert_int_equal(r.len, 500u);
		rto = rto * 2u > NET_TCP_RTO_MAX_MS * MS ? NET_TCP_RTO_MAX_MS * MS : rto * 2u;
	}
	assert_int_equal(net.c.tcp_rexmits, NET_TCP_MAX_REXMT);
	tcp_host_advance(rto);
	assert_int_equal(tp->state, TCPS_CLOSED);
	assert_int_equal(tp->err, ETIMEDOUT);
	struct tcp_cap rst = next_seg(TCP_RST | TCP_ACK);
	assert_int_equal(rst.seq, s0 + 500u); /* snd_max, inside the peer's window */
}

static void rtt_sample_sets_the_rto_and_karn_ignores_retransmitted_segments(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = tcp_new();
	tp->sock = 0;
	tp->laddr = US;
	tp->lport = LPORT;
	tcp_connect(tp, PEER, PPORT);
	next_seg(TCP_SYN);
	assert_int_equal(tp->rto, NET_TCP_RTO_INIT_MS * MS); /* RFC 6298 2.1 */
	tcp_host_advance(100u * MS);
	seg_full(PEER, PPORT, LPORT, 100u, tp->iss + 1u, TCP_SYN | TCP_ACK, 8000u, mss_opt, 4,
		 NULL, 0);
	next_seg(TCP_ACK);
	/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 300 ms. */
	assert_int_equal(tp->srtt, 100u * MS);
	assert_int_equal(tp->rttvar, 50u * MS);
	assert_int_equal(tp->rto, 300u * MS);
	/* Karn: a segment resent after a timeout is not timed by its ACK. */
	uint32_t s0 = tp->snd_una;
	tcp_write(tp, pattern, 100u);
	next_seg(TCP_ACK | TCP_PSH);
	tcp_host_advance(300u * MS);
	next_seg(TCP_ACK | TCP_PSH);
	tcp_host_advance(500u * MS);
	peer(101u, s0 + 100u, TCP_ACK, 8000u, NULL, 0);
	assert_int_equal(tp->srtt, 100u * MS);
	assert_int_equal(tp->backoff, 0);
	assert_int_equal(tp->tmode, TT_NONE);
	/* A fresh segment is timed again: R = 20 ms, RFC 6298 2.3 with alpha 1/8, beta 1/4. */
	tcp_write(tp, pattern, 100u);
	next_seg(TCP_ACK | TCP_PSH);
	tcp_host_advance(20u * MS);
	peer(101u, s0 + 200u, TCP_ACK, 8000u, NULL, 0);
	assert_int_equal(tp->rttvar, (3u * 50u * MS + 80u * MS) / 4u);
	assert_int_equal(tp->srtt, (7u * 100u * MS + 20u * MS) / 8u);
	assert_int_equal(tp->rto, tp->srtt + 4u * tp->rttvar);
	no_seg();
}

static void three_duplicate_acks_resend_and_newreno_fills_the_next_hole(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 30000u);
	uint32_t s0 = tp->snd_una;
	tp->cwnd = 8u * PMSS; /* as if slow start had run a while */
	tcp_write(tp, pattern, 8u * PMSS);
	for (int i = 0; i < 8; i++)
		next_seg(i == 7 ? TCP_ACK | TCP_PSH : TCP_ACK);
	/* Segments 0 and 3 are lost: 1, 2 bring duplicate ACKs of s0, and so do 4..7. */
	for (int i = 0; i < 3; i++)
		peer(101u, s0, TCP_ACK, 30000u, NULL, 0);
	struct tcp_cap r = next_seg(TCP_ACK);
	assert_int_equal(r.seq, s0);
	assert_int_equal(r.len, PMSS);
	assert_int_equal(net.c.tcp_fast_rexmits, 1);
	assert_true(tp->in_recovery);
	assert_int_equal(tp->recover, s0 + 8u * PMSS);
	assert_int_equal(tp->ssthresh, 4u * PMSS);
	for (int i = 0; i < 3; i++)
		peer(101u, s0, TCP_ACK, 30000u, NULL, 0);
	tcp_host_drop_caps(); /* new data the inflated window let out, if any */
	/* The partial ACK (up to the second hole): that hole is resent at once. */
	peer(101u, s0 + 3u * PMSS, TCP_ACK, 30000u, NULL, 0);
	r = next_seg(TCP_ACK);
	assert_int_equal(r.seq, s0 + 3u * PMSS);
	assert_int_equal(r.len, PMSS);
	assert_true(tp->in_recovery);
	tcp_host_drop_caps();
	/* The full ACK ends recovery with cwnd = ssthresh. */
	peer(101u, tp->snd_max, TCP_ACK, 30000u, NULL, 0);
	assert_false(tp->in_recovery);
	assert_int_equal(tp->cwnd, 4u * PMSS);
	tcp_host_drop_caps();
}

static void bare_ack_after_a_timeout_is_numbered_snd_max(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 8000u);
	uint32_t s0 = tp->snd_una;
	tcp_write(tp, pattern, 2u * PMSS);
	next_seg(TCP_ACK);
	next_seg(TCP_ACK | TCP_PSH);
	tcp_host_advance(tp->rto);
	struct tcp_cap r = next_seg(TCP_ACK);
	assert_int_equal(r.seq, s0); /* the first segment again; snd_nxt is s0 + 1000 now */
	no_seg();
	assert_int_equal(tp->snd_nxt, s0 + PMSS);
	peer(101u, s0, TCP_ACK, 8000u, pattern, 10u); /* data from the peer: a bare ACK back */
	struct tcp_cap a = next_seg(TCP_ACK);
	assert_int_equal(a.len, 0);
	assert_int_equal(a.seq, s0 + 2u * PMSS); /* snd_max: the peer has all of that */
	assert_int_equal(a.ack, 111u);
}

static int drop_all(const struct tcp_cap *c, void *arg)
{
	(void)c;
	(void)arg;
	return 1;
}

/* Drop the segments that acknowledge anything new and carry no data: ACK-only ones. */
static int drop_bare_acks(const struct tcp_cap *c, void *arg)
{
	(void)arg;
	return c->len == 0 && !(c->flags & (TCP_SYN | TCP_FIN | TCP_RST));
}

static void both_ends_recover_when_every_ack_was_lost(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *a, *b;
	own_pair(&a, &b);
	/* Each sends two segments, which arrive; every ACK is lost. */
	tcp_write(a, pattern, 2u * NET_TCP_MSS);
	tcp_write(b, pattern + 7, 2u * NET_TCP_MSS);
	pump(drop_bare_acks, NULL);
	assert_int_equal(a->rcv_nxt, b->snd_max);
	assert_int_equal(b->rcv_nxt, a->snd_max);
	assert_int_not_equal(a->snd_una, a->snd_max);
	assert_int_not_equal(b->snd_una, b->snd_max);
	/* Both time out together and resend their first segment, old news to the other end,
	 * whose ACK must be acceptable even though the sender's snd_nxt went back. */
	tcp_host_advance(NET_TCP_RTO_INIT_MS * MS);
	pump(NULL, NULL);
	assert_int_equal(a->snd_una, a->snd_max);
	assert_int_equal(b->snd_una, b->snd_max);
	assert_int_equal(a->tmode, TT_NONE);
	assert_int_equal(b->tmode, TT_NONE);
	static uint8_t buf[4096];
	assert_int_equal(tcp_read(a, buf, sizeof buf, 0), 2u * NET_TCP_MSS);
	assert_memory_equal(buf, pattern + 7, 2u * NET_TCP_MSS);
	assert_int_equal(tcp_read(b, buf, sizeof buf, 0), 2u * NET_TCP_MSS);
	assert_memory_equal(buf, pattern, 2u * NET_TCP_MSS);
	pump(drop_all, NULL);
}

/* --- out of order, and 2^32 ------------------------------------------------------------------ */

static void out_of_order_segments_are_kept_and_merged_across_the_wrap(void **state)
{
	(void)state;
	fill_pattern();
	uint32_t piss = 0xFFFFF000u; /* the peer's data crosses 2^32 at byte 0xFFF */
	struct tcb *tp = open_active(piss, 8000u);
	uint32_t s = piss + 1u;
	/* 0..999, then 3000..3999, 2000..2999 (overlapping 2500..3499 too), then 1000..1999. */
	peer(s, tp->snd_una, TCP_ACK, 8000u, pattern, 1000u);
	next_seg(TCP_ACK);
	peer(s + 3000u, tp->snd_una, TCP_ACK, 8000u, pattern + 3000, 1000u);
	assert_int_equal(next_seg(TCP_ACK).ack, s + 1000u); /* a duplicate ACK */
	peer(s + 2000u, tp->snd_una, TCP_ACK, 8000u, pattern + 2000, 1000u);
	next_seg(TCP_ACK);
	peer(s + 2500u, tp->snd_una, TCP_ACK, 8000u, pattern + 2500, 1000u);
	next_seg(TCP_ACK);
	assert_int_equal(tp->nooo, 3);
	peer(s + 1000u, tp->snd_una, TCP_ACK, 8000u, pattern + 1000, 1000u);
	struct tcp_cap a = next_seg(TCP_ACK);
	assert_int_equal(a.ack, s + 4000u);
	assert_int_equal(tp->rcv_nxt, s + 4000u);
	assert_true(SEQ_GT(tp->rcv_nxt, piss)); /* past the wrap, still "after" */
	assert_int_equal(tp->nooo, 0);
	static uint8_t buf[4000];
	assert_int_equal(tcp_read(tp, buf, sizeof buf, 0), 4000u);
	assert_memory_equal(buf, pattern, 4000u);
	next_seg(TCP_ACK); /* the window update */
}

static void sending_across_the_wrap_acks_and_retransmits_correctly(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *lis = listener(1);
	tcp_host_force_random(0xFFFFFFFFu - 1500u); /* our ISS: data crosses 2^32 at byte 1500 */
	seg_full(PEER, PPORT, LPORT, 700u, 0, TCP_SYN, 30000u, mss_opt, 4, NULL, 0);
	struct tcp_cap sa = next_seg(TCP_SYN | TCP_ACK);
	peer(701u, sa.seq + 1u, TCP_ACK, 30000u, NULL, 0);
	struct tcb *tp = tcp_accept(lis);
	assert_non_null(tp);
	tp->sock = 2;
	uint32_t s0 = tp->snd_una;
	tp->cwnd = 4u * PMSS;
	tcp_write(tp, pattern, 4000u);
	uint32_t want = s0;
	for (int i = 0; i < 4; i++) {
		struct tcp_cap c = next_seg(i == 3 ? TCP_ACK | TCP_PSH : TCP_ACK);
		assert_int_equal(c.seq, want);
		assert_memory_equal(c.data, pattern + 1000u * (uint32_t)i, PMSS);
		want += PMSS;
	}
	assert_true(SEQ_GT(tp->snd_max, s0));
	assert_true(tp->snd_max < s0); /* it did wrap */
	peer(701u, s0 + 2000u, TCP_ACK, 30000u, NULL, 0); /* across 2^32 */
	assert_int_equal(tp->snd_una, s0 + 2000u);
	assert_int_equal(tp->snd.len, 2000u);
	tcp_host_drop_caps();
	tcp_host_advance(tp->rto);
	struct tcp_cap r = next_seg(TCP_ACK);
	assert_int_equal(r.seq, s0 + 2000u);
	assert_memory_equal(r.data, pattern + 2000, PMSS);
	peer(701u, s0 + 4000u, TCP_ACK, 30000u, NULL, 0);
	assert_int_equal(tp->snd_una, tp->snd_max);
	assert_int_equal(tp->snd.len, 0);
	tcp_host_drop_caps();
}

static void old_ack_and_ack_of_unsent_data_are_handled(void **state)
{
	(void)state;
	fill_pattern();
	struct tcb *tp = open_active(100u, 8000u);
	uint32_t s0 = tp->snd_una;
	tcp_write(tp, pattern, 500u);
	next_seg(TCP_ACK | TCP_PSH);
	peer(101u, s0 + 100000u, TCP_ACK, 8000u, NULL, 0); /* acks what was never sent */
	assert_int_equal(next_seg(TCP_ACK).ack, 101u);
	assert_int_equal(tp->snd_una, s0);
	assert_int_equal(net.c.tcp_bad_segments, 1);
	peer(101u, s0 - 100000u, TCP_ACK, 8000u, NULL, 0); /* old: ignored */
	assert_int_equal(tp->snd_una, s0);
	no_seg();
	assert_int_equal(tp->state, TCPS_ESTABLISHED);
}

static void syn_flood_recycles_half_open_children_and_a_real_client_gets_in(void **state)
{
	(void)state;
	struct tcb *lis = listener(4);
	for (uint32_t i = 0; i < 200; i++)
		seg_full(PEER, (uint16_t)(20000u + i), LPORT, i * 7919u, 0, TCP_SYN, 1000u, NULL, 0,
			 NULL, 0);
	assert_int_equal(lis->nchild, 4);
	assert_int_equal(net.c.tcp_syn_drops, 196);
	/* The flood's children are young: a real client's first SYN is dropped too ... */
	seg_full(0x0300000Au, 999u, LPORT, 5u, 0, TCP_SYN, 1000u, NULL, 0, NULL, 0);
	assert_null(tcp_lookup(US, LPORT, 0x0300000Au, 999u));
	/* ... but once their SYN-ACKs have gone unanswered for a timeout, its retry gets in. */
	tcp_host_advance(NET_TCP_RTO_INIT_MS * MS);
	tcp_host_drop_caps();
	seg_full(0x0300000Au, 999u, LPORT, 5u, 0, TCP_SYN, 1000u, NULL, 0, NULL, 0);
	struct tcp_cap sa = next_seg(TCP_SYN | TCP_ACK);
	seg_full(0x0300000Au, 999u, LPORT, 6u, sa.seq + 1u, TCP_ACK, 1000u, NULL, 0, NULL, 0);
	struct tcb *c = tcp_accept(lis);
	assert_non_null(c);
	assert_int_equal(c->raddr, 0x0300000Au);
	assert_int_equal(c->state, TCPS_ESTABLISHED);
	no_seg();
}

/* A burst of real clients bigger than the backlog: the children already answered are kept for
 * their ACKs (an ACK for a recycled child would only get a RST); the extra SYNs are dropped. */
static void syn_burst_past_the_backlog_keeps_the_children_answered(void **state)
{
	(void)state;
	struct tcb *lis = listener(4);
	uint32_t isn[8];
	for (uint32_t i = 0; i < 8; i++) {
		seg_full(PEER, (uint16_t)(30000u + i), LPORT, 100u * i, 0, TCP_SYN, 1000u, NULL, 0, NULL, 0);
		if (i < 4)
			isn[i] = next_seg(TCP_SYN | TCP_ACK).seq;
	}
	no_seg();
	assert_int_equal(net.c.tcp_syn_drops, 4);
	for (uint32_t i = 0; i < 4; i++)
		seg_full(PEER, (uint16_t)(30000u + i), LPORT, 100u * i + 1u, isn[i] + 1u, TCP_ACK, 1000u,
			 NULL, 0, NULL, 0);
	no_seg(); /* no RST */
	for (uint32_t i = 0; i < 4; i++) {
		struct tcb *c = tcp_accept(lis);
		assert_non_null(c);
		assert_int_equal(c->rport, 30000u + i);
	}
	assert_int_equal(net.c.tcp_rsts_sent, 0);
}

/* Once our FIN is acknowledged, the segments the peer still sends (its data, its FIN) are
 * answered with ACKs only, never with our FIN again one sequence number later. */
static void fin_wait_2_answers_with_acks_and_no_second_fin(void **state)
{
	(void)state;
	struct tcb *tp = open_active(1000u, 8000u);
	tcp_shut(tp, SHUT_WR);
	struct tcp_cap fin = next_seg(TCP_FIN | TCP_ACK);
	peer(1001u, fin.seq + 1u, TCP_ACK, 8000u, NULL, 0);
	assert_int_equal(tp->state, TCPS_FIN_WAIT_2);
	no_seg();
	peer(1001u, fin.seq + 1u, TCP_ACK | TCP_PSH, 8000u, "abc", 3);
	struct tcp_cap a = next_seg(TCP_ACK);
	assert_int_equal(a.seq, fin.seq + 1u);
	assert_int_equal(a.ack, 1004u);
	no_seg();
	peer(1004u, fin.seq + 1u, TCP_ACK | TCP_FIN, 8000u, NULL, 0);
	a = next_seg(TCP_ACK);
	assert_int_equal(a.seq, fin.seq + 1u);
	assert_int_equal(a.ack, 1005u);
	assert_int_equal(tp->state, TCPS_TIME_WAIT);
	no_seg();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(active_open_sends_syn_with_mss_and_takes_the_peers),
		T(passive_open_answers_syn_and_is_accepted_after_the_ack),
		T(syn_ack_with_a_bad_ack_is_answered_with_rst),
		T(rst_in_syn_sent_refuses_only_with_an_acceptable_ack),
		T(syn_is_retransmitted_then_connect_times_out),
		T(simultaneous_open_establishes_both),
		T(simultaneous_close_goes_through_closing_to_time_wait),
		T(close_in_either_order_reaches_time_wait_and_closed),
		T(rst_inside_the_window_resets_the_connection),
		T(rst_outside_the_window_or_on_its_edge_is_ignored_silently),
		T(rst_to_a_half_open_child_leaves_the_listener_listening),
		T(segment_for_no_connection_gets_rst_but_rst_gets_nothing),
		T(in_window_syn_on_an_established_connection_gets_a_challenge_ack),
		T(bad_checksum_and_bad_offsets_are_counted_and_dropped),
		T(send_stops_at_the_smaller_of_peer_window_and_cwnd),
		T(receive_window_shuts_when_the_ring_fills_and_reopens_on_read),
		T(zero_window_is_probed_with_back_off_for_as_long_as_the_peer_answers),
		T(bare_ack_at_the_right_edge_of_our_window_is_taken),
		T(unacked_data_is_resent_at_the_rto_doubling_then_the_connection_drops),
		T(rtt_sample_sets_the_rto_and_karn_ignores_retransmitted_segments),
		T(three_duplicate_acks_resend_and_newreno_fills_the_next_hole),
		T(bare_ack_after_a_timeout_is_numbered_snd_max),
		T(both_ends_recover_when_every_ack_was_lost),
		T(out_of_order_segments_are_kept_and_merged_across_the_wrap),
		T(sending_across_the_wrap_acks_and_retransmits_correctly),
		T(old_ack_and_ack_of_unsent_data_are_handled),
		T(syn_flood_recycles_half_open_children_and_a_real_client_gets_in),
		T(syn_burst_past_the_backlog_keeps_the_children_answered),
		T(fin_wait_2_answers_with_acks_and_no_second_fin),
#undef T
	};
	return cmocka_run_group_tests_name("tcp", tests, NULL, NULL);
}
