/* tcp_fuzz.c - libFuzzer target for guestos's TCP input (guestos/net/tcp*.c built for the host
 * with -DNET_HOST_TEST against tests/unit/tcp_host.c). Each input sets up a listener on port
 * 80 and an established connection from 10.0.0.2:1234 to port 81 with data queued both ways,
 * then is read as records, each one segment (or a step of the clock):
 *
 *   byte 0   bits 0-1  to: 0 the connection, 1 the listener (a new source port), 2 the
 *                      connection with the raw seq/ack below, 3 advance the clock instead
 *            bit 2     a bad checksum       bit 3  a data offset from byte 1's high nibble
 *            bits 4-7  payload length / 64 (0-15 -> 0..960 bytes, the pattern)
 *   byte 1   flags (FIN SYN RST PSH ACK; bits 6-7 ignored by TCP) / data offset nibble
 *   bytes 2-3  seq: an offset from rcv_nxt (signed, x 16) or the raw high half
 *   bytes 4-5  ack: an offset from snd_una (signed, x 16) or the raw high half
 *   bytes 6-7  window (for 3: milliseconds to advance)
 *
 * After each record the connection's invariants are checked (abort on a breach): rings within
 * their sizes, the out-of-order queue within NET_TCP_OOO, snd_una <= snd_nxt <= snd_max with
 * no more than the ring plus SYN, FIN and a probe's byte outstanding, and no pbuf leaked once
 * everything is freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guestos/net/net_defs.h"
#include "tests/unit/tcp_host.h"

#define US 0x0100000Au
#define PEER 0x0200000Au

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t pat[1024];

static void seg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		uint16_t wnd, uint32_t len, int bad_sum, int doff)
{
	struct pbuf *pb = pbuf_alloc();
	if (!pb)
		return;
	pb->p = pb->buf + ETH_HLEN + IP_HLEN;
	uint8_t *t = pb->p;
	memset(t, 0, TCP_HLEN);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((doff >= 0 ? (uint32_t)doff : 5u) << 4);
	t[13] = flags;
	put16(t + 14, wnd);
	memcpy(t + TCP_HLEN, pat, len);
	pb->len = TCP_HLEN + len;
	uint16_t c = csum_fold(csum_add(csum_pseudo(PEER, US, IPPROTO_TCP, pb->len), t, pb->len));
	put16(t + 16, bad_sum ? (uint16_t)(c ^ 0x5555u) : c);
	struct ip_info ii = { .src = PEER, .dst = US, .ttl = 64, .proto = IPPROTO_TCP };
	tcp_input(pb, &ii);
}

static void check(const struct tcb *tp)
{
	if (tp->state == TCPS_CLOSED || tp->state == TCPS_LISTEN)
		return;
	if (tp->snd.len > tp->snd.size || tp->rcv.len > tp->rcv.size || tp->nooo > NET_TCP_OOO)
		abort();
	if (tp->state < TCPS_ESTABLISHED)
		return;
	if (SEQ_GT(tp->snd_una, tp->snd_max) || SEQ_GT(tp->snd_nxt, tp->snd_max) ||
	    SEQ_LT(tp->snd_nxt, tp->snd_una) || tp->snd_max - tp->snd_una > tp->snd.len + 3u)
		abort();
}

static void clear(void)
{
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++)
		if (tcp_slot(i)->state == TCPS_LISTEN)
			tcp_free(tcp_slot(i));
	for (uint32_t i = 0; i < NET_TCP_CONNS; i++) {
		struct tcb *tp = tcp_slot(i);
		tp->parent = NULL;
		if (tp->state != TCPS_CLOSED)
			tcp_free(tp);
		tp->sock = -1;
	}
	tcp_host_drop_caps();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (uint32_t i = 0; i < sizeof pat; i++)
		pat[i] = (uint8_t)(i * 13u);
	clear();
	tcp_host_reset();
	if (tcp_host_pbufs_out())
		abort();

	struct tcb *lis = tcp_new();
	lis->sock = 1;
	lis->lport = 80;
	tcp_listen(lis, 4);
	/* The connection: a passive open on port 81, completed, 3000 bytes queued to send. */
	struct tcb *l81 = tcp_new();
	l81->sock = 2;
	l81->lport = 81;
	tcp_listen(l81, 1);
	seg(1234, 81, 1000u, 0, TCP_SYN, 4000u, 0, 0, -1);
	struct tcp_cap sa;
	if (!tcp_host_pop(&sa))
		abort();
	seg(1234, 81, 1001u, sa.seq + 1u, TCP_ACK, 4000u, 0, 0, -1);
	struct tcb *tp = tcp_accept(l81);
	if (!tp)
		abort();
	tp->sock = 3;
	tcp_write(tp, pat, 1000u);
	tcp_write(tp, pat, 1000u);
	tcp_write(tp, pat, 1000u);
	tcp_host_drop_caps();

	uint16_t sport = 20000;
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *r = data + i;
		uint32_t to = r[0] & 3u, len = (r[0] >> 4) * 64u;
		int bad = (r[0] >> 2) & 1, doff = (r[0] & 8u) ? r[1] >> 4 : -1;
		uint8_t flags = r[1];
		int16_t so = (int16_t)(r[2] << 8 | r[3]), ao = (int16_t)(r[4] << 8 | r[5]);
		uint16_t w = (uint16_t)(r[6] << 8 | r[7]);
		if (to == 3) {
			tcp_host_advance((uint64_t)w * 1000000u);
		} else if (to == 1) {
			seg(sport++, 80, (uint32_t)so * 65536u, (uint32_t)ao * 65536u, flags, w, len, bad,
			    doff);
		} else if (tp->state != TCPS_CLOSED) {
			uint32_t s = to == 2 ? (uint32_t)so << 16 : tp->rcv_nxt + (uint32_t)(so * 16);
			uint32_t a = to == 2 ? (uint32_t)ao << 16 : tp->snd_una + (uint32_t)(ao * 16);
			seg(1234, 81, s, a, flags, w, len, bad, doff);
			/* The application reads now and then, and writes more. */
			if (so & 1) {
				uint8_t buf[2048];
				tcp_read(tp, buf, sizeof buf, 0);
			}
			if ((ao & 3) == 3 && tp->state == TCPS_ESTABLISHED)
				tcp_write(tp, pat, 500u);
		}
		tcp_host_drop_caps();
		for (uint32_t k = 0; k < NET_TCP_CONNS; k++)
			check(tcp_slot(k));
	}
	clear();
	if (tcp_host_pbufs_out())
		abort(); /* a pbuf leaked (an out-of-order queue, a path that forgot to free) */
	return 0;
}
