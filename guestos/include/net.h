/* net.h - guestos's network stack itself: start-up, our address, counters, driver options.
 * The socket API is in <sys/socket.h>, <netinet/in.h>, <arpa/inet.h> and <poll.h>. */
#ifndef GUESTOS_NET_H
#define GUESTOS_NET_H

#include <stdint.h>

#include <netinet/in.h>

/* Bring the stack up: allocate its buffers, read the address (`ip=A.B.C.D` in page 0's
 * argument string, else net_default_addr(vm_id)) and the `net.chatty` token, register the
 * NIC's lines 2 and 3, and drain the NIC (whose first use makes the switch deliver to it).
 * Every socket call does this on first use; calling it again does nothing. 0, or -1 with
 * errno ENOMEM (no memory for the buffers) or EIO (page 0 says the VM has no NIC). */
int net_init(void);

/* VM n's default IPv4 address, host byte order: 10.0.0.0 + n + 1 in 10.0.0.0/8, so VM 0 is
 * 10.0.0.1, VM 255 is 10.0.1.0 and VM 65535 is 10.1.0.0. Good for vm_id 0 to 16,777,212
 * (10.255.255.253); above that it returns 0 (INADDR_ANY: no address). 10.255.255.254 is the
 * host gateway's and 10.255.255.255 the broadcast address. */
uint32_t net_default_addr(uint32_t vm_id);
/* Our address, network byte order (net_init first). */
in_addr_t net_addr(void);
#define NET_SUBNET 0x0A000000u      /* 10.0.0.0/8, host byte order */
#define NET_SUBNET_MASK 0xFF000000u
#define NET_GATEWAY 0x0AFFFFFEu     /* 10.255.255.254: the host gateway (not there yet) */
#define NET_BROADCAST 0x0AFFFFFFu   /* 10.255.255.255 */

/* 1 if argv word s is one the stack reads itself (`ip=...`, `net.*`), so a program's own
 * argument parser can skip it. */
int net_arg_is_option(const char *s);

/* Chatty driver: spend as many port I/Os per frame as Linux's pcnet32 did (NET_CHATTY_RX_IOS
 * per received, NET_CHATTY_TX_IOS per sent frame), the extra ones OUTs of an op-0 request that
 * the NIC refuses (status 3) and that change nothing. 0 turns it off; returns the old mode.
 * The token `net.chatty` in the argument string sets it at net_init. */
int net_set_chatty(int on);

/* A resolved ARP entry's lifetime in ms (default NET_ARP_TTL_MS); returns the old one. */
uint32_t net_set_arp_ttl(uint32_t ms);

/* The TTL of the IP datagram that carried the last datagram recvfrom returned on fd, or -1. */
int net_recv_ttl(int fd);

/* What the stack has counted since net_init. Read with net_counters(); nothing resets it. */
struct net_counters {
	/* the driver */
	uint32_t rx_frames, rx_bytes;  /* frames (bytes) taken from the NIC */
	uint32_t tx_frames, tx_bytes;  /* frames (bytes) the NIC accepted */
	uint32_t rx_ios;               /* port I/Os spent on received frames (chatty ones too) */
	uint32_t tx_ios;               /* port I/Os spent on sent frames, accepted first time */
	uint32_t rx_polls;             /* RECVs that found the queue empty (one per drain) */
	uint32_t tx_retry_ios;         /* SENDs answered "queue full" (the frame stays backlogged) */
	uint32_t port_ios;             /* every OUT to port 0xD100 */
	uint32_t tx_full;              /* SENDs that found the device's queue full */
	uint32_t tx_backlog_high;      /* most frames ever waiting in the driver's backlog */
	uint32_t tx_backlog_drops;     /* frames dropped: the backlog was full */
	uint32_t tx_bad;               /* SENDs the device refused (status 3) */
	uint32_t rx_no_buf;            /* frames dropped for want of a packet buffer */
	uint32_t rx_short;             /* frames under an Ethernet header, or a truncated header */
	uint32_t rx_unknown_type;      /* EtherTypes other than IPv4 and ARP */
	/* ARP */
	uint32_t arp_requests_sent, arp_replies_sent;
	uint32_t arp_requests_rcvd, arp_replies_rcvd;
	uint32_t arp_timeouts;         /* addresses given up after NET_ARP_TRIES requests */
	uint32_t arp_expired;          /* resolved entries found past their lifetime */
	uint32_t arp_drops;            /* packets dropped: unresolved, queue full, or no entry */
	/* IPv4 */
	uint32_t ip_rx, ip_tx;         /* datagrams accepted for us / sent (loopback included) */
	uint32_t ip_bad_checksum;
	uint32_t ip_bad_header;        /* version not 4, header length < 20 or beyond the frame */
	uint32_t ip_bad_length;        /* total length shorter than the header or longer than the frame */
	uint32_t ip_bad_ttl;           /* TTL 0 */
	uint32_t ip_fragments;         /* fragments (MF set or an offset) dropped */
	uint32_t ip_options;           /* datagrams with options (tolerated, skipped) */
	uint32_t ip_not_for_us;        /* another host's address */
	uint32_t ip_unknown_proto;
	uint32_t ip_loopback;          /* datagrams to ourselves or 127.x, never on the wire */
	uint32_t ip_no_route;          /* sends to 0.0.0.0 and the like */
	/* ICMP */
	uint32_t icmp_echoes_answered; /* echo requests we replied to */
	uint32_t icmp_replies_rcvd;    /* echo replies given to a ping socket */
	uint32_t icmp_bad_checksum;
	uint32_t icmp_unmatched;       /* echo replies for no socket, other types */
	/* UDP */
	uint32_t udp_rx, udp_tx;
	uint32_t udp_bad_checksum;
	uint32_t udp_bad_length;
	uint32_t udp_no_port;          /* datagrams to a port no socket is bound to */
	/* sockets */
	uint32_t sock_rx_drops;        /* datagrams dropped: the socket's receive queue was full */
	uint32_t pbuf_exhausted;       /* sends or copies refused for want of a packet buffer */
	/* TCP */
	uint32_t tcp_rx, tcp_tx;       /* segments received (checks passed) / sent */
	uint32_t tcp_bad_checksum;
	uint32_t tcp_bad_header;       /* shorter than a header, or a data offset out of range */
	uint32_t tcp_rexmits;          /* segments sent again (timeouts and fast retransmits) */
	uint32_t tcp_fast_rexmits;     /* retransmissions on the third duplicate ACK */
	uint32_t tcp_timeouts;         /* retransmission timer expiries */
	uint32_t tcp_dupacks;          /* duplicate ACKs received */
	uint32_t tcp_rsts_sent, tcp_rsts_rcvd;
	uint32_t tcp_opened;           /* connections connect established */
	uint32_t tcp_accepted;         /* connections a listener established */
	uint32_t tcp_refused;          /* connects answered with RST (ECONNREFUSED) */
	uint32_t tcp_reset;            /* connections ended by a RST received (ECONNRESET) */
	uint32_t tcp_dropped;          /* connections given up (ETIMEDOUT) or aborted by us */
	uint32_t tcp_syn_drops;        /* SYNs dropped: backlog full or no slot; half-opens recycled */
	uint32_t tcp_ooo_queued;       /* out-of-order segments kept */
	uint32_t tcp_ooo_dropped;      /* out-of-order segments dropped (queue full, no buffer) */
	uint32_t tcp_bad_segments;     /* outside the window, bad ACKs: answered with an ACK or RST */
	uint32_t tcp_probes;           /* zero-window probes sent */
	uint32_t tcp_time_wait_reused; /* TIME_WAIT connections given up for a new SYN's slot */
};
/* TCP's timers (retransmission, persist, TIME_WAIT) are software timers armed for their
 * exact deadlines, so an idle VM with connections IDLEs until the nearest one. With on = 1
 * (or the word `net.tcp_poll` in the argument string) they are instead checked by one
 * periodic NET_TCP_POLL_MS tick that runs while any connection exists, as BSD's 200/500 ms
 * timers do: the baseline of Denali's Figure 5. Returns the old mode. */
int net_set_tcp_poll_timers(int on);
/* The other baseline of Figure 5: a VM idles only while no timer (TCP's included) is armed;
 * with one armed it spins until it is due, as an OS without idle-with-timeout must. The word
 * `net.spin` in the argument string sets it (guestos_set_idle_spin, thread.h). */
/* The TCP state of fd's connection (TCPS_* of <netinet/tcp.h>), or -1 for no TCP socket; and
 * how many connections are in state st (-1: every connection in use, orphans included). */
int net_tcp_state(int fd);
unsigned net_tcp_count(int st);

/* A copy of the counters as they are now (zeros before net_init). */
struct net_counters net_counters(void);
/* Print every non-zero counter on the console, one "net: name value" line each. */
void net_print_counters(void);

#endif
