/* tcp_in.c - TCP input (RFC 9293 section 3.10.7): header and checksum checks, RSTs for no
 * connection, the handshake's both sides, the window test, ACK processing with RTT samples,
 * duplicate ACKs and fast retransmit/NewReno recovery (RFC 5681, 6582), in-order and
 * out-of-order data, FIN. */
#include <netinet/tcp.h>

#include "guestos/net/net_defs.h"

/* What tcp_input read from the header. */
struct seg {
	uint32_t seq, ack, len; /* len: payload bytes at p */
	uint32_t wnd;
	uint8_t flags;
	uint8_t *p;
};

/* A RST for a segment that has no connection (RFC 9293 3.10.7.1). */
static void reset_for(const struct ip_info *ii, uint16_t sport, uint16_t dport,
		      const struct seg *s)
{
	if (s->flags & TCP_RST)
		return;
	net.c.tcp_rsts_sent++;
	if (s->flags & TCP_ACK) {
		tcp_respond(ii->dst, ii->src, dport, sport, s->ack, 0, TCP_RST);
	} else {
		uint32_t n = s->len + ((s->flags & TCP_SYN) ? 1u : 0u) + ((s->flags & TCP_FIN) ? 1u : 0u);
		tcp_respond(ii->dst, ii->src, dport, sport, 0, s->seq + n, TCP_RST | TCP_ACK);
	}
}

/* A SYN to listener lis: a child in SYN_RCVD, or nothing (backlog full, no slot). */
static void passive_open(struct tcb *lis, const struct ip_info *ii, uint16_t sport,
			 uint16_t dport, const struct seg *s, const uint8_t *opt, uint32_t optlen)
{
	if (lis->nchild >= lis->backlog) {
		/* Recycle the oldest half-open child whose SYN-ACK has already timed out unanswered
		 * (RFC 4987 3.4), so a SYN flood cannot keep real clients out for longer than one
		 * retransmission timeout. A younger one is most likely a real client in a burst
		 * bigger than the backlog, whose ACK is on its way: this SYN is dropped instead, and
		 * its sender tries again after its own timeout (as Linux does without SYN cookies). */
		struct tcb *old = NULL;
		for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
			struct tcb *c = tcp_slot(i);
			if (c->parent == lis && c->state == TCPS_SYN_RCVD && c->backoff > 0 &&
			    (!old || c->born < old->born))
				old = c;
		}
		net.c.tcp_syn_drops++;
		if (!old)
			return;
		tcp_free(old);
	}
	struct tcb *tp = tcp_child(lis);
	if (!tp) {
		net.c.tcp_syn_drops++;
		return;
	}
	tp->laddr = ii->dst;
	tp->raddr = ii->src;
	tp->lport = dport;
	tp->rport = sport;
	tcp_set_mss(tp, opt, optlen);
	tp->irs = s->seq;
	tp->rcv_nxt = tp->rcv_adv = s->seq + 1u;
	tp->iss = net_random();
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_wnd = s->wnd;
	tp->snd_wl1 = s->seq;
	tp->snd_wl2 = 0;
	tp->cwnd = tp->mss;
	tp->ssthresh = 65535u;
	tp->state = TCPS_SYN_RCVD;
	tcp_output(tp);
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void syn_sent(struct tcb *tp, const struct seg *s, const uint8_t *opt, uint32_t optlen)
{
	int ack_ok = (s->flags & TCP_ACK) && SEQ_GT(s->ack, tp->iss) && SEQ_LEQ(s->ack, tp->snd_max);

	if ((s->flags & TCP_ACK) && !ack_ok) {
		if (!(s->flags & TCP_RST)) {
			net.c.tcp_rsts_sent++;
			tcp_respond(tp->laddr, tp->raddr, tp->lport, tp->rport, s->ack, 0, TCP_RST);
		}
		return;
	}
	if (s->flags & TCP_RST) {
		if (ack_ok) {
			net.c.tcp_rsts_rcvd++;
			net.c.tcp_refused++;
			tcp_drop(tp, ECONNREFUSED);
		}
		return;
	}
	if (!(s->flags & TCP_SYN))
		return;
	tcp_set_mss(tp, opt, optlen);
	tp->irs = s->seq;
	tp->rcv_nxt = tp->rcv_adv = s->seq + 1u;
	tp->snd_wnd = s->wnd;
	tp->snd_wl1 = s->seq;
	tp->snd_wl2 = s->ack;
	if (ack_ok) {
		tp->snd_una = s->ack;
		if (tp->timing)
			tcp_rtt_sample(tp, now_ns() - tp->rtt_start);
		tp->timing = 0;
		tcp_timer_stop(tp);
		tcp_established(tp);
	} else {
		/* Simultaneous open: answer with SYN-ACK (the same ISS, sent again). */
		tp->state = TCPS_SYN_RCVD;
		tp->snd_nxt = tp->iss;
	}
	tp->ack_now = 1;
	tcp_output(tp);
}

/* Is the segment's sequence space inside our receive window (RFC 9293's four cases)? One
 * deviation: a segment without sequence space (a bare ACK) may also sit on the window's right
 * edge, as BSD and Linux allow, since a sender that filled our window numbers its ACKs there
 * (tcp_ack_seq); a RST must be strictly inside. */
static int acceptable(const struct tcb *tp, uint32_t seq, uint32_t n, int rst)
{
	uint32_t wnd = tcp_rcv_wnd(tp);
	/* Never judge by less than we advertised (the ring may have filled since). */
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt + wnd))
		wnd = tp->rcv_adv - tp->rcv_nxt;
	if (n == 0)
		return seq == tp->rcv_nxt ||
		       (SEQ_GT(seq, tp->rcv_nxt) &&
			(rst ? SEQ_LT(seq, tp->rcv_nxt + wnd) : SEQ_LEQ(seq, tp->rcv_nxt + wnd)));
	if (wnd == 0)
		return 0;
	return (SEQ_GEQ(seq, tp->rcv_nxt) && SEQ_LT(seq, tp->rcv_nxt + wnd)) ||
	       (SEQ_GEQ(seq + n - 1u, tp->rcv_nxt) && SEQ_LT(seq + n - 1u, tp->rcv_nxt + wnd));
}

/* Three duplicate ACKs: resend the oldest segment and enter fast recovery. */
static void dup_ack(struct tcb *tp)
{
	net.c.tcp_dupacks++;
	if (++tp->dupacks < 3u) {
		return;
	}
	if (tp->dupacks == 3u && !tp->in_recovery) {
		uint32_t flight = tp->snd_max - tp->snd_una;
		net.c.tcp_fast_rexmits++;
		tp->ssthresh = flight / 2u > 2u * tp->mss ? flight / 2u : 2u * tp->mss;
		tp->recover = tp->snd_max;
		tp->in_recovery = 1;
		uint32_t nxt = tp->snd_nxt;
		tp->snd_nxt = tp->snd_una;
		tp->cwnd = tp->mss;
		tcp_output(tp);
		tp->cwnd = tp->ssthresh + 3u * tp->mss;
		if (SEQ_GT(nxt, tp->snd_nxt))
			tp->snd_nxt = nxt;
		return;
	}
	if (tp->in_recovery) {
		tp->cwnd += tp->mss; /* each further one means a segment left the network */
		tcp_output(tp);
	}
}

/* An ACK for new data: acked bytes of sequence space. */
static void new_ack(struct tcb *tp, uint32_t ack)
{
	uint32_t acked = ack - tp->snd_una;

	if (tp->timing && SEQ_GT(ack, tp->rtt_seq)) {
		tcp_rtt_sample(tp, now_ns() - tp->rtt_start);
		tp->timing = 0;
	}
	tp->backoff = 0;
	if (tp->in_recovery) {
		if (SEQ_LT(ack, tp->recover)) {
			/* NewReno partial ACK: the next hole is lost too; resend it now. */
			tp->snd_una = ack;
			uint32_t nxt = tp->snd_nxt;
			tp->snd_nxt = ack;
			uint32_t c = tp->cwnd;
			tp->cwnd = tp->mss;
			ring_drop(&tp->snd, acked < tp->snd.len ? acked : tp->snd.len);
			tcp_output(tp);
			tp->cwnd = c > acked ? c - acked + tp->mss : tp->mss;
			if (SEQ_GT(nxt, tp->snd_nxt))
				tp->snd_nxt = nxt;
			tcp_rexmt_arm(tp);
			return;
		}
		tp->in_recovery = 0;
		tp->cwnd = tp->ssthresh;
	} else if (tp->cwnd < tp->ssthresh) {
		tp->cwnd += acked < tp->mss ? acked : tp->mss; /* slow start */
	} else {
		tp->cwnd += tp->mss * tp->mss / (tp->cwnd ? tp->cwnd : 1u); /* congestion avoidance */
	}
	if (tp->cwnd > 4u * NET_TCP_SNDBUF)
		tp->cwnd = 4u * NET_TCP_SNDBUF;
	tp->dupacks = 0;
	uint32_t data = acked < tp->snd.len ? acked : tp->snd.len;
	int fin_acked = tp->fin_queued && acked > tp->snd.len;
	ring_drop(&tp->snd, data);
	tp->snd_una = ack;
	if (SEQ_LT(tp->snd_nxt, ack))
		tp->snd_nxt = ack;
	if (tp->snd_una == tp->snd_max)
		tcp_timer_stop(tp);
	else
		tcp_rexmt_arm(tp); /* RFC 6298 5.3 */
	net_wakeup_all();       /* room in the send ring */
	if (!fin_acked)
		return;
	switch (tp->state) {
	case TCPS_FIN_WAIT_1:
		tp->state = TCPS_FIN_WAIT_2;
		break;
	case TCPS_CLOSING:
		tp->state = TCPS_TIME_WAIT;
		tcp_timer_set(tp, TT_2MSL, NET_TCP_TIME_WAIT_MS * 1000000ull);
		break;
	case TCPS_LAST_ACK:
		if (tp->sock >= 0) {
			tp->state = TCPS_CLOSED; /* the socket keeps the slot until close */
			tcp_timer_stop(tp);
			net_wakeup_all();
		} else {
			tcp_free(tp);
		}
		break;
	default:
		break;
	}
}

/* In-order data and what the out-of-order queue then completes. */
static void take_data(struct tcb *tp, const uint8_t *p, uint32_t n, int fin)
{
	if (n && !tp->shut_rd)
		ring_put(&tp->rcv, p, n);
	tp->rcv_nxt += n;
	/* Drain the queue: segments now in order (trimmed at the front), old ones dropped. */
	while (tp->ooo && SEQ_LEQ(tp->ooo->seq, tp->rcv_nxt)) {
		struct pbuf *q = tp->ooo;
		tp->ooo = q->next;
		tp->nooo--;
		uint32_t skip = tp->rcv_nxt - q->seq;
		if (skip < q->len || (skip == q->len && q->fin)) {
			uint32_t m = q->len - skip, room = tp->rcv.size - tp->rcv.len;
			if (m > room)
				m = room;
			if (m && !tp->shut_rd)
				ring_put(&tp->rcv, q->p + skip, m);
			tp->rcv_nxt += m;
			if (q->fin && skip + m == q->len)
				fin = 1;
		}
		pbuf_free(q);
	}
	if (n || fin)
		net_wakeup_all();
	if (!fin || tp->rcvd_fin)
		return;
	tp->rcvd_fin = 1;
	tp->rcv_nxt++;
	switch (tp->state) {
	case TCPS_ESTABLISHED:
		tp->state = TCPS_CLOSE_WAIT;
		break;
	case TCPS_FIN_WAIT_1:
		tp->state = TCPS_CLOSING; /* simultaneous close */
		break;
	case TCPS_FIN_WAIT_2:
		tp->state = TCPS_TIME_WAIT;
		tcp_timer_set(tp, TT_2MSL, NET_TCP_TIME_WAIT_MS * 1000000ull);
		break;
	default:
		break;
	}
}

/* Keep a segment that starts beyond rcv_nxt (pb->p at its data), in seq order. */
static void queue_ooo(struct tcb *tp, struct pbuf *pb, uint32_t seq, uint32_t n, int fin)
{
	struct pbuf **at = &tp->ooo;
	while (*at && SEQ_LT((*at)->seq, seq))
		at = &(*at)->next;
	if (tp->nooo >= NET_TCP_OOO || (*at && (*at)->seq == seq && (*at)->len >= n)) {
		net.c.tcp_ooo_dropped++;
		pbuf_free(pb);
		return;
	}
	net.c.tcp_ooo_queued++;
	pb->seq = seq;
	pb->len = n;
	pb->fin = (uint8_t)fin;
	pb->next = *at;
	*at = pb;
	tp->nooo++;
}

void tcp_input(struct pbuf *pb, const struct ip_info *ii)
{
	uint8_t *h = pb->p;
	struct seg s;

	if (pb->len < TCP_HLEN || (h[12] >> 4) * 4u < TCP_HLEN || (h[12] >> 4) * 4u > pb->len) {
		net.c.tcp_bad_header++;
		pbuf_free(pb);
		return;
	}
	if (csum_fold(csum_add(csum_pseudo(ii->src, ii->dst, IPPROTO_TCP, pb->len), h, pb->len))) {
		net.c.tcp_bad_checksum++;
		pbuf_free(pb);
		return;
	}
	net.c.tcp_rx++;
	uint32_t hlen = (h[12] >> 4) * 4u;
	uint16_t sport = get16(h), dport = get16(h + 2);
	s.seq = get32(h + 4);
	s.ack = get32(h + 8);
	s.flags = h[13] & 0x3Fu;
	s.wnd = get16(h + 14);
	s.p = h + hlen;
	s.len = pb->len - hlen;
	const uint8_t *opt = h + TCP_HLEN;
	uint32_t optlen = hlen - TCP_HLEN;

	struct tcb *tp = tcp_lookup(ii->dst, dport, ii->src, sport);
	if (tp && tp->state == TCPS_TIME_WAIT && (s.flags & TCP_SYN) && !(s.flags & TCP_ACK) &&
	    SEQ_GT(s.seq, tp->rcv_nxt) && tcp_listener(ii->dst, dport)) {
		tcp_free(tp); /* a new incarnation (RFC 1122 4.2.2.13) */
		tp = NULL;
	}
	if (!tp) {
		struct tcb *lis = tcp_listener(ii->dst, dport);
		int bcast = ii->dst != net.addr && (ii->dst & 0xFFu) != 127u;
		if (lis && (s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN && !bcast)
			passive_open(lis, ii, sport, dport, &s, opt, optlen);
		else if (!bcast && !(lis && !(s.flags & TCP_ACK)))
			reset_for(ii, sport, dport, &s);
		pbuf_free(pb);
		return;
	}
	if (tp->state == TCPS_SYN_SENT) {
		syn_sent(tp, &s, opt, optlen);
		pbuf_free(pb);
		return;
	}
	if (tp->state == TCPS_CLOSED) { /* gone, its socket not closed yet */
		reset_for(ii, sport, dport, &s);
		pbuf_free(pb);
		return;
	}

	/* 1. Sequence number: inside the window, else an ACK (a RST is dropped silently). */
	uint32_t n = s.len + ((s.flags & TCP_SYN) ? 1u : 0u) + ((s.flags & TCP_FIN) ? 1u : 0u);
	if (!acceptable(tp, s.seq, n, (s.flags & TCP_RST) != 0)) {
		if (!(s.flags & TCP_RST)) {
			net.c.tcp_bad_segments++;
			tp->ack_now = 1;
			tcp_output(tp);
		}
		pbuf_free(pb);
		return;
	}
	/* 2. RST: in the window, it ends the connection. */
	if (s.flags & TCP_RST) {
		net.c.tcp_rsts_rcvd++;
		if (tp->state == TCPS_SYN_RCVD && tp->parent) {
			tcp_free(tp); /* back to listening */
		} else if (tp->state == TCPS_TIME_WAIT) {
			tcp_free(tp);
		} else {
			net.c.tcp_reset++;
			int sock = tp->sock;
			tp->err = tp->state == TCPS_SYN_RCVD ? ECONNREFUSED : ECONNRESET;
			tcp_free(tp);
			tp->sock = sock;
		}
		pbuf_free(pb);
		return;
	}
	/* 3. A SYN in the window of a synchronized connection: a challenge ACK (RFC 5961 4). */
	if (s.flags & TCP_SYN) {
		if (s.seq == tp->irs) { /* our SYN-ACK was lost: the peer's SYN again */
			if (tp->state == TCPS_SYN_RCVD)
				tp->snd_nxt = tp->iss;
		} else {
			net.c.tcp_bad_segments++;
		}
		tp->ack_now = 1;
		tcp_output(tp);
		pbuf_free(pb);
		return;
	}
	if (!(s.flags & TCP_ACK)) {
		pbuf_free(pb);
		return;
	}
	/* 4. ACK. */
	if (tp->state == TCPS_SYN_RCVD) {
		if (SEQ_LEQ(s.ack, tp->snd_una) || SEQ_GT(s.ack, tp->snd_max)) {
			net.c.tcp_rsts_sent++;
			tcp_respond(tp->laddr, tp->raddr, tp->lport, tp->rport, s.ack, 0, TCP_RST);
			pbuf_free(pb);
			return;
		}
		tp->snd_una = tp->iss + 1u;
		if (tp->timing)
			tcp_rtt_sample(tp, now_ns() - tp->rtt_start);
		tp->timing = 0;
		tcp_timer_stop(tp);
		tp->snd_wnd = s.wnd;
		tp->snd_wl1 = s.seq;
		tp->snd_wl2 = s.ack;
		tcp_established(tp);
	}
	if (SEQ_GT(s.ack, tp->snd_max)) {
		net.c.tcp_bad_segments++;
		tp->ack_now = 1;
		tcp_output(tp);
		pbuf_free(pb);
		return;
	}
	if (SEQ_GT(s.ack, tp->snd_una)) {
		new_ack(tp, s.ack);
		if (tp->state == TCPS_CLOSED) {
			pbuf_free(pb);
			return;
		}
	} else if (s.ack == tp->snd_una && s.len == 0 && !(s.flags & TCP_FIN) &&
		   s.wnd == tp->snd_wnd && s.wnd != 0 && tp->snd_max != tp->snd_una) {
		dup_ack(tp);
	} else if (tp->dupacks && s.ack == tp->snd_una && !tp->in_recovery) {
		tp->dupacks = 0;
	}
	/* The window: from the newest segment (RFC 9293's SND.WL1/WL2 test). */
	if (SEQ_LT(tp->snd_wl1, s.seq) || (tp->snd_wl1 == s.seq && SEQ_LEQ(tp->snd_wl2, s.ack))) {
		tp->snd_wnd = s.wnd;
		tp->snd_wl1 = s.seq;
		tp->snd_wl2 = s.ack;
		if (s.wnd && tp->tmode == TT_PERSIST) {
			tcp_timer_stop(tp);
			tp->backoff = 0;
			if (tp->snd_max != tp->snd_una)
				tcp_rexmt_arm(tp);
		}
	}
	if (tp->state == TCPS_TIME_WAIT) {
		if (s.flags & TCP_FIN) { /* the peer's FIN again: our ACK was lost */
			tp->ack_now = 1;
			tcp_timer_set(tp, TT_2MSL, NET_TCP_TIME_WAIT_MS * 1000000ull);
			tcp_output(tp);
		}
		pbuf_free(pb);
		return;
	}
	/* 5. Data and FIN, in the states that still receive. */
	int fin = (s.flags & TCP_FIN) != 0;
	if ((s.len || fin) && (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_FIN_WAIT_1 ||
			       tp->state == TCPS_FIN_WAIT_2)) {
		uint32_t seq = s.seq, len = s.len;
		uint8_t *p = s.p;
		if (SEQ_LT(seq, tp->rcv_nxt)) { /* trim what we have already */
			uint32_t d = tp->rcv_nxt - seq;
			if (d > len) {
				d = len;
			}
			p += d;
			len -= d;
			seq += d;
		}
		uint32_t room = tp->rcv.size - tp->rcv.len;
		if (seq == tp->rcv_nxt) {
			if (len > room) {
				len = room; /* beyond the window: trimmed, and the FIN with it */
				fin = 0;
			}
			take_data(tp, p, len, fin);
			tp->ack_now = 1;
		} else {
			/* A hole before it: keep it, and say what we still want (a duplicate ACK
			 * for the sender's fast retransmit). */
			tp->ack_now = 1;
			if (SEQ_LEQ(seq + len, tp->rcv_nxt + room)) {
				pb->p = p;
				queue_ooo(tp, pb, seq, len, fin);
				tcp_output(tp);
				return;
			}
			net.c.tcp_ooo_dropped++;
		}
	} else if (s.len) {
		tp->ack_now = 1; /* data after the peer's FIN, or in a closing state */
	}
	tcp_output(tp);
	pbuf_free(pb);
}
