/* tcp_timer.c - TCP's clock: the retransmission timeout estimated as RFC 6298 says, and the one
 * timer per connection that serves retransmission, zero-window probing and TIME_WAIT, either
 * armed for its own deadline (the default: an idle VM IDLEs until the nearest) or polled by a
 * fixed NET_TCP_POLL_MS tick (net_set_tcp_poll_timers: BSD's way, Figure 5's baseline). */
#include <netinet/tcp.h>

#include "guestos/net/net_defs.h"
#ifndef NET_HOST_TEST
#include "irq.h"
#endif

#define MS 1000000ull

int tcp_poll_timers;
static struct timer poll_tick; /* armed, periodic, while polled timers are wanted */
static int poll_armed;

static uint64_t clamp_rto(uint64_t ns)
{
	if (ns < NET_TCP_RTO_MIN_MS * MS)
		return NET_TCP_RTO_MIN_MS * MS;
	if (ns > NET_TCP_RTO_MAX_MS * MS)
		return NET_TCP_RTO_MAX_MS * MS;
	return ns;
}

void tcp_rtt_sample(struct tcb *tp, uint64_t r)
{
	/* RFC 6298 2.2 and 2.3, alpha 1/8 and beta 1/4; G, the clock's granularity, is 1 ns
	 * here, far under the 200 ms floor, so max(G, 4 RTTVAR) is 4 RTTVAR. */
	if (!tp->srtt) {
		tp->srtt = r ? r : 1u;
		tp->rttvar = r / 2u;
	} else {
		uint64_t d = tp->srtt > r ? tp->srtt - r : r - tp->srtt;
		tp->rttvar = (3u * tp->rttvar + d) / 4u;
		tp->srtt = (7u * tp->srtt + r) / 8u;
		if (!tp->srtt)
			tp->srtt = 1u;
	}
	tp->rto = clamp_rto(tp->srtt + 4u * tp->rttvar);
}

static void fire(struct tcb *tp);

static void timer_cb(struct timer *t, void *arg)
{
	(void)t;
	fire(arg);
}

void tcp_timer_init(struct tcb *tp)
{
	timer_init(&tp->tm, timer_cb, tp);
	tp->tmode = TT_NONE;
}

void tcp_timer_stop(struct tcb *tp)
{
	timer_cancel(&tp->tm);
	tp->tmode = TT_NONE;
}

/* The polled mode's tick: every connection whose deadline has passed fires. */
static void poll_cb(struct timer *t, void *arg);

void tcp_timer_set(struct tcb *tp, enum tcp_timer_mode m, uint64_t after_ns)
{
	tp->tmode = m;
	tp->tdue = now_ns() + after_ns;
	if (!tcp_poll_timers) {
		timer_at(&tp->tm, tp->tdue);
		return;
	}
	timer_cancel(&tp->tm);
	if (!poll_armed) {
		timer_init(&poll_tick, poll_cb, NULL);
		timer_periodic(&poll_tick, NET_TCP_POLL_MS * 1000u);
		poll_armed = 1;
	}
}

void tcp_rexmt_arm(struct tcb *tp)
{
	uint64_t rto = tp->rto;
	for (uint32_t i = 0; i < tp->backoff && rto < NET_TCP_RTO_MAX_MS * MS; i++)
		rto *= 2u; /* RFC 6298 5.5: back off */
	tcp_timer_set(tp, TT_REXMT, clamp_rto(rto));
}

static void rexmt(struct tcb *tp)
{
	uint32_t limit = tp->state <= TCPS_SYN_RCVD ? NET_TCP_SYN_REXMT : NET_TCP_MAX_REXMT;

	net.c.tcp_timeouts++;
	if (++tp->backoff > limit) {
		if (tp->parent && tp->state == TCPS_SYN_RCVD)
			tcp_free(tp); /* a half-open connection nobody completed */
		else
			tcp_drop(tp, ETIMEDOUT);
		return;
	}
	/* RFC 5681 (4): one segment, ssthresh half the flight; RFC 6298 5.4-5.6: resend the
	 * oldest segment with a doubled RTO; Karn: time nothing until new data is acked. */
	uint32_t flight = tp->snd_max - tp->snd_una;
	tp->ssthresh = flight / 2u > 2u * tp->mss ? flight / 2u : 2u * tp->mss;
	tp->cwnd = tp->mss;
	tp->in_recovery = 0;
	tp->dupacks = 0;
	tp->timing = 0;
	tp->snd_nxt = tp->snd_una;
	tcp_rexmt_arm(tp);
	tcp_output(tp);
}

static void persist(struct tcb *tp)
{
	if (tp->sock < 0 && ++tp->backoff > NET_TCP_MAX_REXMT) {
		tcp_drop(tp, ETIMEDOUT); /* nobody is left to wait for the window */
		return;
	}
	uint64_t iv = NET_TCP_PERSIST_MIN_MS * MS;
	uint32_t k = tp->sock < 0 ? tp->backoff : ++tp->backoff;
	for (uint32_t i = 1; i < k && iv < NET_TCP_PERSIST_MAX_MS * MS; i++)
		iv *= 2u;
	/* The next probe is armed before this one goes: an answer that opens the window stops
	 * the timer (tcp_input), whether it comes at once (from ourselves) or later. Arming
	 * after the send, and only while the mode still said persist, lost the timer for every
	 * peer but ourselves (fire clears the mode first): one probe, then silence for ever if
	 * the window update that followed was lost. */
	tcp_timer_set(tp, TT_PERSIST, iv < NET_TCP_PERSIST_MAX_MS * MS ? iv : NET_TCP_PERSIST_MAX_MS * MS);
	tcp_send_probe(tp);
}

static void fire(struct tcb *tp)
{
	enum tcp_timer_mode m = tp->tmode;

	tp->tmode = TT_NONE;
	switch (m) {
	case TT_REXMT:
		rexmt(tp);
		break;
	case TT_PERSIST:
		persist(tp);
		break;
	case TT_2MSL:
		tcp_free(tp);
		break;
	case TT_NONE:
		break;
	}
}

static void poll_cb(struct timer *t, void *arg)
{
	(void)arg;
	uint64_t now = now_ns();
	int any = 0;
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = tcp_slot(i);
		if (tp->tmode == TT_NONE)
			continue;
		if (tp->tdue <= now)
			fire(tp);
		if (tp->tmode != TT_NONE)
			any = 1;
	}
	/* The tick runs while any connection exists, busy or not: that is the point of it. */
	if (!any && net_tcp_count(-1) == 0) {
		timer_cancel(t);
		poll_armed = 0;
	}
}

int net_set_tcp_poll_timers(int on)
{
	int s = irq_disable(), old = tcp_poll_timers;
	tcp_poll_timers = on != 0;
	/* Move the armed timers to the new regime. */
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = tcp_slot(i);
		if (tp->tmode != TT_NONE) {
			uint64_t now = now_ns();
			tcp_timer_set(tp, tp->tmode, tp->tdue > now ? tp->tdue - now : 0);
		}
	}
	if (!tcp_poll_timers && poll_armed) {
		timer_cancel(&poll_tick);
		poll_armed = 0;
	}
	irq_restore(s);
	return old;
}
