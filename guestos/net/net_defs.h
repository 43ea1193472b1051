/* net_defs.h - the index of guestos's network stack: its shared state and the functions its
 * files call in one another (the public API is net.h and the socket headers). Everything here
 * runs with interrupts off: the receive path runs in the upcall, and every socket call turns
 * interrupts off around its work, so on one CPU nothing else touches the stack meanwhile. */
#ifndef GUESTOS_NET_DEFS_H
#define GUESTOS_NET_DEFS_H

#include <stddef.h>
#include <stdint.h>

#include "guestos/net/net_param.h"
#ifdef NET_HOST_TEST
/* TCP's unit tests build tcp*.c for the host (tests/unit/test_tcp.c): this header stands in
 * for guestos's (net.h, timer.h, irq.h and the states of netinet/tcp.h), with the host's libc. */
#include "tests/unit/tcp_host.h"
#else
#include "net.h"
#include "timer.h"
#include <errno.h>
#include <sys/socket.h>
#endif

#define ETH_HLEN 14u
#define ETH_FRAME_MAX 1514u
#define ETH_TYPE_IP 0x0800u
#define ETH_TYPE_ARP 0x0806u
#define IP_HLEN 20u
#define IP_MAX 1500u               /* the largest datagram one frame carries */
#define UDP_HLEN 8u
#define ICMP_HLEN 8u
#define NET_HEADROOM (ETH_HLEN + IP_HLEN + UDP_HLEN) /* where a sender puts its payload */

/* A packet buffer: one frame's bytes in buf, the valid ones [p, p + len). Headers are
 * prepended by moving p down, stripped by moving it up. */
struct pbuf {
	struct pbuf *next;   /* link in whichever queue holds it */
	uint8_t *p;
	uint32_t len;
	/* for a socket's receive queue */
	uint32_t src;        /* sender's address, network order */
	uint16_t sport;      /* sender's port, host order (0 for ICMP) */
	uint8_t ttl;
	/* for ARP's queue: the socket that sent it, told EHOSTUNREACH if resolution fails */
	int8_t owner;        /* socket index, -1 none */
	uint32_t owner_gen;  /* the socket's generation when it sent */
	/* for TCP's out-of-order queue: the segment's first sequence number, and its FIN */
	uint32_t seq;
	uint8_t fin;
	uint8_t buf[ETH_FRAME_MAX];
};

/* A FIFO of packet buffers. */
struct pbq {
	struct pbuf *head, *tail;
	uint32_t n;
};

/* What the layers know of the datagram they were handed (ip.c fills it). */
struct ip_info {
	uint32_t src, dst;   /* network order */
	uint8_t ttl, proto;
};

/* The stack's state: one per VM (guestos is one program on one VM). */
struct netstack {
	int up;              /* net_init done */
	uint32_t addr;       /* ours, network order */
	uint8_t mac[6];      /* page 0's */
	int chatty;
	int arp_plan;        /* net.arp_plan: 10.0.0.0/8 resolved by the default address plan */
	uint32_t arp_ttl_ms;
	uint64_t rng;        /* xorshift state from page 0's seed (ARP jitter) */
	uint16_t ip_id;      /* next IP identification */
	struct net_counters c;
};
extern struct netstack net;

/* Byte access in network order (headers need not be aligned). */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}
/* Addresses stay in network order in memory: copy them as bytes. */
static inline uint32_t getaddr(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void putaddr(uint8_t *p, uint32_t a)
{
	p[0] = (uint8_t)a;
	p[1] = (uint8_t)(a >> 8);
	p[2] = (uint8_t)(a >> 16);
	p[3] = (uint8_t)(a >> 24);
}

/* pbuf.c: the pool and FIFOs. alloc gives a buffer with p = buf + NET_HEADROOM, len 0, or
 * NULL when the pool is empty. */
int pbuf_pool_init(void);
struct pbuf *pbuf_alloc(void);
void pbuf_free(struct pbuf *pb);
void pbq_push(struct pbq *q, struct pbuf *pb);
struct pbuf *pbq_pop(struct pbq *q);
void pbq_free_all(struct pbq *q);

/* inet.c: the Internet checksum of [p, p + n), added to a running sum (start with 0); fold
 * with csum_fold, which returns the 16-bit one's complement to put in a header. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n);
uint16_t csum_fold(uint32_t sum);
/* The UDP pseudo header's sum. */
uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);

/* nic.c: the driver. nic_init registers lines 2 and 3 and drains the NIC; nic_send takes
 * ownership of a whole frame (sends it, backlogs it, or drops and counts it). */
void nic_init(void);
void nic_send(struct pbuf *pb);
int nic_tx_room(void);    /* 1 while the backlog has room */

/* ether.c: a received frame (pb->p at the Ethernet header); a send to dst with EtherType. */
void ether_input(struct pbuf *pb);
void ether_output(struct pbuf *pb, const uint8_t dst[6], uint16_t type);
extern const uint8_t ether_broadcast[6];

/* arp.c */
void arp_input(struct pbuf *pb);
/* Send an IP datagram (pb->p at its IP header) to next hop ip: at once if resolved, else
 * queued while ARP asks. 0, or -EHOSTUNREACH when ip failed recently (pb is freed). */
int arp_output(struct pbuf *pb, uint32_t ip);

/* ip.c: pb->p at the IP header; from_lo for datagrams we sent ourselves. ip_output prepends
 * the header to the payload at pb->p and sends (ownership passes): 0 or -errno. */
void ip_input(struct pbuf *pb, int from_lo);
int ip_output(struct pbuf *pb, uint32_t src, uint32_t dst, uint8_t proto);
int ip_is_local(uint32_t dst); /* ours or 127.x: delivered by loopback */

/* icmp.c, udp.c: pb->p at the protocol header, len the datagram's payload. */
void icmp_input(struct pbuf *pb, const struct ip_info *ii);
void udp_input(struct pbuf *pb, const struct ip_info *ii);
void tcp_input(struct pbuf *pb, const struct ip_info *ii);

/* --- TCP (tcp.c: connections and the calls sockets make; tcp_in.c, tcp_out.c, tcp_timer.c) --
 * A connection lives in a struct tcb from a fixed pool (NET_TCP_CONNS); a socket points at
 * one, but a closed socket's connection carries on alone (FIN_WAIT, TIME_WAIT, LAST_ACK). */
#define TCP_HLEN 20u
#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
/* Sequence numbers compare mod 2^32 (RFC 9293 section 3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* A byte ring: len bytes from buf[head], wrapping at size. */
struct ring {
	uint8_t *buf;        /* malloc'd once per pool slot, from a thread; kept for reuse */
	uint32_t size, head, len;
};

enum tcp_timer_mode { TT_NONE, TT_REXMT, TT_PERSIST, TT_2MSL };

struct tcb {
	int state;           /* TCPS_* (<netinet/tcp.h>); TCPS_CLOSED: the slot is free */
	int sock;            /* the socket's index, -1 none (orphaned, or not accepted yet) */
	struct tcb *parent;  /* the listener of a connection not accepted yet, else NULL */
	uint64_t born;       /* ns: when a listener's child was made (the oldest goes first) */
	uint32_t backlog;    /* a listener's: children it keeps (not yet accepted) */
	uint32_t nchild;     /* a listener's: children now */
	uint32_t laddr, raddr; /* network order */
	uint16_t lport, rport; /* host order */
	/* send side (RFC 9293 names); the ring holds the bytes from snd_una (after the SYN) on */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t mss;        /* bytes per segment: the peer's MSS option, at most NET_TCP_MSS */
	uint32_t cwnd, ssthresh; /* bytes (RFC 5681) */
	uint32_t dupacks;    /* duplicate ACKs in a row */
	uint32_t recover;    /* snd_max when fast recovery began (NewReno, RFC 6582) */
	int in_recovery;
	int fin_queued;      /* shutdown(SHUT_WR) or close: a FIN follows the ring's last byte,
			      * at snd_una + snd.len until it is acknowledged */
	struct ring snd, rcv;
	/* receive side */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: the right edge last advertised */
	int rcvd_fin;        /* the peer's FIN arrived in order: recv returns 0 when rcv is empty */
	int shut_rd;         /* SHUT_RD: new data is dropped */
	struct pbuf *ooo;    /* out-of-order segments, by seq, at most NET_TCP_OOO */
	uint32_t nooo;
	int ack_now;         /* tcp_output sends an ACK even with nothing else to send */
	int err;             /* what ended it (ECONNREFUSED, ECONNRESET, ETIMEDOUT), for SO_ERROR */
	/* round-trip time (RFC 6298), ns */
	uint64_t srtt, rttvar, rto;
	int timing;          /* a segment is being timed (Karn: never a retransmitted one) */
	uint32_t rtt_seq;
	uint64_t rtt_start;
	uint32_t backoff;    /* consecutive timeouts (retransmissions or probes) */
	/* one timer does for retransmission, persist and TIME_WAIT (they never overlap) */
	struct timer tm;
	enum tcp_timer_mode tmode;
	uint64_t tdue;       /* ns: when the armed mode is due (the polled timers read it) */
};

/* tcp.c */
struct tcb *tcp_slot(uint32_t i);     /* pool slot i < NET_TCP_CONNS (the timers' scan) */
struct tcb *tcp_new(void);            /* a free slot with its rings (thread only), or NULL */
int tcp_reserve(uint32_t n);          /* n free slots with rings for SYNs (thread only) */
struct tcb *tcp_child(struct tcb *lis); /* a reserved slot for a SYN to lis, or NULL */
void tcp_free(struct tcb *tp);        /* back to CLOSED; ooo freed, timer off */
void tcp_drop(struct tcb *tp, int err); /* RST the peer (when synchronized), then free */
struct tcb *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);
struct tcb *tcp_listener(uint32_t laddr, uint16_t lport);
int tcp_port_busy(uint16_t port);     /* some connection has this local port */
int tcp_connect(struct tcb *tp, uint32_t raddr, uint16_t rport);
int tcp_listen(struct tcb *tp, uint32_t backlog);
struct tcb *tcp_accept(struct tcb *lis); /* a connected child, or NULL */
int tcp_acceptable(const struct tcb *lis); /* 1 when tcp_accept would find one */
uint32_t tcp_write(struct tcb *tp, const uint8_t *p, uint32_t n);
uint32_t tcp_read(struct tcb *tp, uint8_t *p, uint32_t n, int peek);
void tcp_shut(struct tcb *tp, int how);
void tcp_close(struct tcb *tp);       /* the socket is gone: FIN, or RST with unread data */
void tcp_established(struct tcb *tp); /* SYN_RCVD or SYN_SENT -> ESTABLISHED */
void tcp_set_mss(struct tcb *tp, const uint8_t *opt, uint32_t n); /* the options' MSS */
uint32_t tcp_rcv_wnd(const struct tcb *tp);
void ring_put(struct ring *r, const uint8_t *p, uint32_t n);  /* n <= free */
void ring_get(const struct ring *r, uint32_t off, uint8_t *p, uint32_t n);
void ring_drop(struct ring *r, uint32_t n);
/* tcp_out.c */
void tcp_output(struct tcb *tp);      /* send what the windows allow, and a pending ACK */
void tcp_send_probe(struct tcb *tp);  /* a zero-window probe: one byte past the window */
uint32_t tcp_ack_seq(const struct tcb *tp); /* the seq of a bare ACK or RST: snd_max */
void tcp_respond(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
		 uint32_t ack, uint8_t flags); /* a bare RST or ACK, no connection needed */
/* tcp_timer.c */
void tcp_timer_set(struct tcb *tp, enum tcp_timer_mode m, uint64_t after_ns);
void tcp_timer_stop(struct tcb *tp);
void tcp_rexmt_arm(struct tcb *tp);   /* (re)start retransmission for outstanding data */
void tcp_rtt_sample(struct tcb *tp, uint64_t r_ns);
void tcp_timer_init(struct tcb *tp);

/* socket.c: the layers below hand datagrams up here. */
enum sock_kind { SK_UDP = 1, SK_PING = 2, SK_TCP = 3 };
/* Queue pb (payload at p, ttl filled) from src (network order) and sport (host order) on the
 * socket of kind bound to port (host order; a ping socket's port is its echo identifier).
 * 0 queued, 1 dropped (queue full: counted, pb freed), -1 no such socket (pb is still the
 * caller's). */
int sock_deliver(enum sock_kind kind, uint16_t port, uint32_t src, uint16_t sport,
		 struct pbuf *pb);
/* poll's view of socket fd: the events of mask that hold now, POLLERR with a pending error,
 * POLLNVAL for no such socket. */
short sock_poll(int fd, short mask);
/* Resolution failed for a packet a socket sent: remember EHOSTUNREACH on it. */
void sock_set_error(int8_t owner, uint32_t gen, int err);
/* tcp_timer.c: 1 while TCP's timers are polled at a fixed tick (net_set_tcp_poll_timers). */
extern int tcp_poll_timers;

/* netif.c: wake every thread waiting in the stack (data, space or an error arrived); block
 * the caller until such a wake-up or deadline_ns (NET_FOREVER: none). */
#define NET_FOREVER UINT64_MAX
void net_wakeup_all(void);
void net_wait(uint64_t deadline_ns);
uint32_t net_random(void);

#endif
