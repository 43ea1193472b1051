/* net_param.h - tunables of guestos's network stack (guestos/net/); param.h holds the rest. */
#ifndef GUESTOS_NET_PARAM_H
#define GUESTOS_NET_PARAM_H

/* Packet buffers: each holds one whole frame (1514 bytes) and is taken from a pool that
 * net_init allocates once, so the receive path never calls malloc (it runs in the upcall). */
#define NET_PBUFS 96u            /* buffers in the pool: backlog + ARP queues + socket queues */

/* The NIC driver (nic.c). */
#define NET_TX_BACKLOG 32u       /* frames kept while the device's transmit queue is full */
#define NET_CHATTY_RX_IOS 10u    /* port I/Os per received frame in chatty mode (pcnet32's) */
#define NET_CHATTY_TX_IOS 12u    /* port I/Os per sent frame in chatty mode */

/* ARP (arp.c). */
#define NET_ARP_ENTRIES 1024u    /* cache entries (searched up to the most ever used); the least
				  * recently used resolved one goes when all are taken */
#define NET_ARP_TTL_MS 60000u    /* a resolved entry's lifetime (net_set_arp_ttl changes it) */
#define NET_ARP_TRIES 6u         /* requests sent before the address is given up */
#define NET_ARP_RETRY_MS 10u     /* wait after the first request; doubles after each one */
#define NET_ARP_JITTER_PCT 50u   /* each wait is stretched by 0..this % (per-VM, from seed) */
#define NET_ARP_HOLD_MS 1000u    /* after a failure, sends fail at once (EHOSTUNREACH) this long */
#define NET_ARP_QUEUE 4u         /* packets waiting for one address's resolution */

/* IPv4 (ip.c). */
#define NET_IP_TTL 64u           /* TTL of the datagrams we send */

/* Sockets (socket.c). */
#define NET_SOCKETS 16u          /* sockets open at once */
#define NET_FD_BASE 3            /* the first socket's descriptor (0-2 read as stdio) */
#define NET_SOCK_RXQ 32u         /* datagrams waiting in one socket's receive queue */
#define NET_EPHEMERAL_FIRST 49152u /* ports given to sockets that send before bind */
#define NET_EPHEMERAL_LAST 65535u

#endif
