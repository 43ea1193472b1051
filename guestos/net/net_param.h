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
#define NET_ARP_QUEUE 16u        /* packets waiting for one address's resolution */

/* IPv4 (ip.c). */
#define NET_IP_TTL 64u           /* TTL of the datagrams we send */

/* Sockets (socket.c). */
#define NET_SOCKETS 80u          /* sockets open at once (64 TCP connections and a listener) */
#define NET_FD_BASE 3            /* the first socket's descriptor (0-2 read as stdio) */
#define NET_SOCK_RXQ 32u         /* datagrams waiting in one socket's receive queue */
#define NET_EPHEMERAL_FIRST 49152u /* ports given to sockets that send before bind */
#define NET_EPHEMERAL_LAST 65535u

/* TCP (tcp*.c). Memory: each pool slot in use once gets NET_TCP_SNDBUF + NET_TCP_RCVBUF of
 * heap, kept for reuse (32 KiB by default: 64 connections take 2 MiB); the tcb itself is
 * about 250 bytes of static storage. A listener reserves a slot with rings for each of its
 * backlog at listen, since a SYN arrives in the upcall, where malloc is not allowed. */
#define NET_TCP_CONNS 96u        /* connections at once, TIME_WAIT and orphans included */
#define NET_TCP_SNDBUF 16384u    /* bytes of a connection's send ring */
#define NET_TCP_RCVBUF 16384u    /* bytes of its receive ring (the most window advertised) */
#define NET_TCP_MSS 1460u        /* our MSS: a 1500-byte datagram less 40 bytes of headers */
#define NET_TCP_BACKLOG_MAX 64u  /* listen's backlog is clamped to this */
#define NET_TCP_OOO 8u           /* out-of-order segments kept per connection (pbufs) */
#define NET_TCP_RTO_INIT_MS 1000u /* before any RTT sample (RFC 6298 2.1) */
#define NET_TCP_RTO_MIN_MS 200u  /* RFC 6298 says 1 s; Linux uses 200 ms. RTTs here are µs, so
				  * the floor is what the RTO is: 200 ms recovers a lost
				  * segment quickly yet stays far above any real RTT */
#define NET_TCP_RTO_MAX_MS 60000u /* back-off ceiling (RFC 6298 2.5) */
#define NET_TCP_MAX_REXMT 8u     /* timeouts in a row before the connection is dropped */
#define NET_TCP_SYN_REXMT 5u     /* for SYN and SYN-ACK */
#define NET_TCP_PERSIST_MIN_MS 200u /* zero-window probes: first interval, doubling ... */
#define NET_TCP_PERSIST_MAX_MS 10000u /* ... up to this; a socket-less one gives up after
				  * NET_TCP_MAX_REXMT unanswered-window probes */
#define NET_TCP_TIME_WAIT_MS 1000u /* 2 MSL, shortened from RFC 9293's 4 min: the emulator's
				  * LAN does not keep segments for minutes */
#define NET_TCP_POLL_MS 200u     /* the polled-timer mode's tick (BSD's fast timeout) */

#endif
