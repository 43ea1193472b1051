/* tcp_out.c - TCP output: segments cut from the send ring as the peer's window and the
 * congestion window allow, SYNs with our MSS, FINs, ACKs, window probes and bare RSTs. */
#include <netinet/tcp.h>

#include "guestos/net/net_defs.h"

/* Build and send one segment: len bytes of the send ring from off, with flags. 0, or -1 when
 * no packet buffer was free (the retransmission timer tries again). */
static int send_seg(struct tcb *tp, uint32_t seq, uint32_t off, uint32_t len, uint8_t flags)
{
	struct pbuf *pb = pbuf_alloc();
	if (!pb) {
		net.c.pbuf_exhausted++;
		return -1;
	}
	uint32_t optlen = (flags & TCP_SYN) ? 4u : 0u, hlen = TCP_HLEN + optlen;
	pb->p = pb->buf + ETH_HLEN + IP_HLEN;
	uint8_t *h = pb->p;
	if (len)
		ring_get(&tp->snd, off, h + hlen, len);
	uint32_t wnd = tcp_rcv_wnd(tp);
	if (tp->state == TCPS_SYN_SENT)
		flags &= (uint8_t)~TCP_ACK;
	put16(h, tp->lport);
	put16(h + 2, tp->rport);
	put32(h + 4, seq);
	put32(h + 8, (flags & TCP_ACK) ? tp->rcv_nxt : 0);
	h[12] = (uint8_t)(hlen / 4u << 4);
	h[13] = flags;
	put16(h + 14, wnd);
	put16(h + 16, 0);
	put16(h + 18, 0);
	if (optlen) {
		h[20] = 2; /* MSS (RFC 9293 3.2) */
		h[21] = 4;
		put16(h + 22, NET_TCP_MSS);
	}
	pb->len = hlen + len;
	put16(h + 16, csum_fold(csum_add(csum_pseudo(tp->laddr, tp->raddr, IPPROTO_TCP, pb->len),
					 h, pb->len)));
	if (SEQ_GT(tp->rcv_nxt + wnd, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + wnd;
	if (flags & TCP_ACK)
		tp->ack_now = 0;
	net.c.tcp_tx++;
	ip_output(pb, tp->laddr, tp->raddr, IPPROTO_TCP);
	return 0;
}

uint32_t tcp_ack_seq(const struct tcb *tp)
{
	/* After a timeout or a fast retransmit snd_nxt is back at snd_una, below what the peer
	 * may already hold; a bare ACK numbered there is an old segment, which the peer drops
	 * unread (RFC 9293 3.10.7.4, first check), its ACK and window with it. With both ends
	 * retransmitting at once each dropped the other's ACKs until the connection timed out.
	 * snd_max is never below the peer's rcv_nxt nor past its window's right edge, so BSD's
	 * choice is ours too; while probing a shut window, though, snd_max counts the probe's
	 * byte, one past that edge, and snd_nxt (= snd_una) is the number the peer expects. */
	return tp->tmode == TT_PERSIST ? tp->snd_nxt : tp->snd_max;
}

static uint32_t min3(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Bookkeeping for a segment about to take sequence space [seq, seq + n): timing, counting a
 * retransmission, snd_nxt and snd_max, and the retransmission timer. */
static void sent_space(struct tcb *tp, uint32_t seq, uint32_t n)
{
	if (SEQ_LT(seq, tp->snd_max)) {
		net.c.tcp_rexmits++;
		tp->timing = 0; /* Karn: an ACK of a retransmitted segment times nothing */
	} else if (!tp->timing) {
		tp->timing = 1;
		tp->rtt_seq = seq;
		tp->rtt_start = now_ns();
	}
	tp->snd_nxt = seq + n;
	if (SEQ_GT(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	if (tp->tmode != TT_REXMT)
		tcp_rexmt_arm(tp);
}

void tcp_output(struct tcb *tp)
{
	/* Every pass re-reads the connection: a send to ourselves is delivered inside ip_output,
	 * and the answer may already have changed (or closed) it. */
	for (;;) {
		int st = tp->state;
		/* After our FIN is acknowledged (FIN_WAIT_2, TIME_WAIT) only ACKs are left to send:
		 * the ring is empty and fin_queued still set, which would read as a FIN to send. */
		if (st == TCPS_CLOSED || st == TCPS_LISTEN || st == TCPS_TIME_WAIT || st == TCPS_FIN_WAIT_2) {
			if ((st == TCPS_TIME_WAIT || st == TCPS_FIN_WAIT_2) && tp->ack_now)
				send_seg(tp, tcp_ack_seq(tp), 0, 0, TCP_ACK);
			return;
		}
		if (st == TCPS_SYN_SENT || st == TCPS_SYN_RCVD) {
			if (tp->snd_nxt == tp->iss) {
				sent_space(tp, tp->iss, 1);
				send_seg(tp, tp->iss, 0, 0, TCP_SYN | TCP_ACK);
			} else if (tp->ack_now) {
				send_seg(tp, tp->snd_nxt, 0, 0, TCP_ACK);
			}
			return;
		}
		uint32_t off = tp->snd_nxt - tp->snd_una, len = 0;
		uint32_t win = tp->snd_wnd < tp->cwnd ? tp->snd_wnd : tp->cwnd;
		int fin = 0;
		if (off <= tp->snd.len) {
			uint32_t usable = win > off ? win - off : 0;
			len = min3(tp->snd.len - off, usable, tp->mss);
			fin = tp->fin_queued && off + len == tp->snd.len;
			if (tp->snd.len > off && usable == 0 && tp->snd_wnd == 0 &&
			    tp->tmode != TT_PERSIST) {
				/* The peer's window is shut: probe it now and then (RFC 9293
				 * 3.8.6.1) for as long as it answers, from snd_una. This takes
				 * over from a retransmission timer too (a probe's byte is
				 * outstanding, or a peer shrank its window over data in flight),
				 * which would otherwise drop a connection whose peer is alive. */
				tp->backoff = 0;
				tp->snd_nxt = tp->snd_una;
				tcp_timer_set(tp, TT_PERSIST,
					      (uint64_t)NET_TCP_PERSIST_MIN_MS * 1000000u);
			}
		}
		if (!len && !fin) {
			if (tp->ack_now)
				send_seg(tp, tcp_ack_seq(tp), 0, 0, TCP_ACK);
			return;
		}
		uint32_t seq = tp->snd_nxt;
		uint8_t flags = TCP_ACK;
		if (fin)
			flags |= TCP_FIN;
		if (len && off + len == tp->snd.len)
			flags |= TCP_PSH;
		/* The bookkeeping first: delivery to ourselves happens inside send_seg, and its
		 * answer must find the segment sent. Without a buffer the segment counts as sent
		 * anyway, and the retransmission timer sends it again. */
		sent_space(tp, seq, len + (fin ? 1u : 0u));
		if (send_seg(tp, seq, off, len, flags) < 0 || fin)
			return;
	}
}

void tcp_send_probe(struct tcb *tp)
{
	uint32_t off = tp->snd_nxt - tp->snd_una;

	if (off >= tp->snd.len)
		return;
	net.c.tcp_probes++;
	if (send_seg(tp, tp->snd_nxt, off, 1, TCP_ACK) == 0 && SEQ_GT(tp->snd_nxt + 1u, tp->snd_max))
		tp->snd_max = tp->snd_nxt + 1u; /* so the ACK of an accepted probe is acceptable */
}

void tcp_respond(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
		 uint32_t ack, uint8_t flags)
{
	struct pbuf *pb = pbuf_alloc();
	if (!pb) {
		net.c.pbuf_exhausted++;
		return;
	}
	pb->p = pb->buf + ETH_HLEN + IP_HLEN;
	uint8_t *h = pb->p;
	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, seq);
	put32(h + 8, (flags & TCP_ACK) ? ack : 0);
	h[12] = TCP_HLEN / 4u << 4;
	h[13] = flags;
	put16(h + 14, 0);
	put16(h + 16, 0);
	put16(h + 18, 0);
	pb->len = TCP_HLEN;
	put16(h + 16, csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP, TCP_HLEN), h, TCP_HLEN)));
	net.c.tcp_tx++;
	ip_output(pb, src, dst, IPPROTO_TCP);
}
