/* net_defs.h - the index of guestos's network stack: its shared state and the functions its
 * files call in one another (the public API is net.h and the socket headers). Everything here
 * runs with interrupts off: the receive path runs in the upcall, and every socket call turns
 * interrupts off around its work, so on one CPU nothing else touches the stack meanwhile. */
#ifndef GUESTOS_NET_DEFS_H
#define GUESTOS_NET_DEFS_H

#include <stddef.h>
#include <stdint.h>

#include "guestos/net/net_param.h"
#include "net.h"
#include "timer.h"
#include <errno.h>
#include <sys/socket.h>

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

/* socket.c: the layers below hand datagrams up here. */
enum sock_kind { SK_UDP = 1, SK_PING = 2 };
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

/* netif.c: wake every thread waiting in the stack (data, space or an error arrived); block
 * the caller until such a wake-up or deadline_ns (NET_FOREVER: none). */
#define NET_FOREVER UINT64_MAX
void net_wakeup_all(void);
void net_wait(uint64_t deadline_ns);
uint32_t net_random(void);

#endif
