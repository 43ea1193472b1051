/* tcp_host.h - what guestos/net/tcp*.c need from guestos, for the host: built with
 * -DNET_HOST_TEST, net_defs.h includes this instead of guestos's headers. The declarations are
 * guestos's own (net.h and timer.h are plain C over <stdint.h>); tcp_host.c implements them
 * with a clock the test moves, timers it fires, a counted pbuf pool and a capture of every
 * segment ip_output is given. */
#ifndef DENALI_TCP_HOST_H
#define DENALI_TCP_HOST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "guestos/include/net.h"
#include "guestos/include/netinet/tcp.h"
#include "guestos/include/timer.h"

/* guestos's irq.h: interrupts are always "off" on the host. */
int irq_disable(void);
void irq_restore(int state);

/* One segment TCP sent, as ip_output got it (the TCP header at buf). */
struct tcp_cap {
	uint32_t src, dst;     /* network order */
	uint16_t sport, dport; /* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint32_t mss;          /* the MSS option's value, 0 without one */
	uint32_t len;          /* payload bytes */
	int csum_ok;           /* the checksum over the pseudo header verified */
	uint8_t data[1500];    /* the payload */
	uint8_t raw[1520];     /* the whole segment, header first, to hand back to tcp_input */
	uint32_t rawlen;
};

#define TCP_HOST_CAPS 256u /* segments kept until the test takes them */

/* The host world: reset it before each test (frees nothing TCP holds: see test_tcp.c). */
void tcp_host_reset(void);
/* Virtual time, ns: now_ns() returns it; advancing fires every timer that falls due, in
 * order of deadline, each at its own time. */
uint64_t tcp_host_now(void);
void tcp_host_advance(uint64_t ns);
/* The earliest armed timer's deadline, or UINT64_MAX when none is armed. */
uint64_t tcp_host_next_timer(void);
/* Captured segments: how many wait, and the oldest (removed into *c); 0 when none waits. */
unsigned tcp_host_caps(void);
int tcp_host_pop(struct tcp_cap *c);
void tcp_host_drop_caps(void);
/* When set, ip_output hands every segment straight back to tcp_input as well (loopback: both
 * ends of a connection in this one stack), after capturing it. */
void tcp_host_set_loopback(int on);
/* pbufs: the most that may be out at once (the pool's size), and how many are out now. */
void tcp_host_pbuf_limit(unsigned n);
unsigned tcp_host_pbufs_out(void);
/* The next net_random() returns v (a passive open's ISS is one), then the sequence goes on. */
void tcp_host_force_random(uint32_t v);
/* net_wakeup_all calls so far. */
unsigned tcp_host_wakeups(void);

#endif
