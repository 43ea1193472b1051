/* netif.c - the stack's start-up and configuration (address, options), its counters, and the
 * one wait queue every blocking call sleeps on. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "guestos/defs.h"
#include "guestos/net/net_defs.h"
#include "denali.h"
#include "irq.h"
#include "sync.h"
#include "thread.h"

struct netstack net;

uint32_t net_default_addr(uint32_t vm_id)
{
	/* 10.0.0.1 up: NET_GATEWAY and NET_BROADCAST stay free above the last VM's address. */
	if (vm_id > NET_GATEWAY - NET_SUBNET - 2u)
		return 0;
	return NET_SUBNET + vm_id + 1u;
}

in_addr_t net_addr(void)
{
	return net.addr;
}

int net_arg_is_option(const char *s)
{
	return strncmp(s, "ip=", 3) == 0 || strncmp(s, "net.", 4) == 0;
}

/* Page 0's argument string, word by word: `ip=A.B.C.D` and `net.chatty` are ours. */
static void read_args(void)
{
	char args[DVA_ARGS_MAX + 1];
	size_t i;

	for (i = 0; i < DVA_ARGS_MAX && dva_page0.args[i]; i++)
		args[i] = dva_page0.args[i];
	args[i] = 0;
	for (char *w = args; *w;) {
		while (*w == ' ')
			w++;
		char *end = w;
		while (*end && *end != ' ')
			end++;
		char save = *end;
		*end = 0;
		struct in_addr a;
		if (strncmp(w, "ip=", 3) == 0 && inet_aton(w + 3, &a))
			net.addr = a.s_addr;
		else if (strcmp(w, "net.chatty") == 0)
			net.chatty = 1;
		else if (strcmp(w, "net.tcp_poll") == 0)
			tcp_poll_timers = 1;
		else if (strcmp(w, "net.spin") == 0)
			guestos_set_idle_spin(1);
		else if (strcmp(w, "net.arp_plan") == 0)
			net.arp_plan = 1;
		*end = save;
		w = end;
	}
}

int net_init(void)
{
	if (net.up)
		return 0;
	if (!(dva_page0.devices & (1u << DVA_LINE_NET_RX))) {
		errno = EIO;
		return -1;
	}
	int s = irq_disable();
	if (net.up) { /* another thread got here first */
		irq_restore(s);
		return 0;
	}
	if (pbuf_pool_init() < 0) {
		irq_restore(s);
		errno = ENOMEM;
		return -1;
	}
	for (int i = 0; i < 6; i++)
		net.mac[i] = dva_page0.mac[i];
	net.addr = htonl(net_default_addr(dva_page0.vm_id));
	net.arp_ttl_ms = NET_ARP_TTL_MS;
	net.rng = dva_page0.seed ^ 0x9E3779B97F4A7C15ull;
	if (!net.rng)
		net.rng = 1;
	net.ip_id = (uint16_t)(dva_page0.seed >> 16);
	read_args();
	net.up = 1;
	nic_init();
	irq_restore(s);
	return 0;
}

uint32_t net_random(void)
{
	/* xorshift64: enough to spread retries; each VM's sequence starts from its own seed. */
	uint64_t x = net.rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	net.rng = x;
	return (uint32_t)(x >> 32);
}

/* A thread blocked in the stack: on the list until a wake-up or its timeout takes it off. */
struct waiter {
	struct waiter *next;
	struct waitq q;      /* holds just the blocked thread */
	int done;
};
static struct waiter *waiters;

static void wake(struct waiter *w)
{
	for (struct waiter **p = &waiters; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	if (w->done)
		return;
	w->done = 1;
	struct thread *t = waitq_pop(&w->q);
	if (t)
		thread_wakeup(t);
}

void net_wakeup_all(void)
{
	while (waiters)
		wake(waiters);
}

static void wait_timeout(struct timer *t, void *arg)
{
	(void)t;
	wake(arg);
}

void net_wait(uint64_t deadline_ns)
{
	struct waiter w = { 0 };
	struct timer tm;

	if (deadline_ns != NET_FOREVER && deadline_ns <= now_ns())
		return;
	w.next = waiters;
	waiters = &w;
	if (deadline_ns != NET_FOREVER) {
		timer_init(&tm, wait_timeout, &w);
		timer_at(&tm, deadline_ns);
	}
	/* Interrupts are off from the list insertion to the block, so no wake-up falls
	 * between; with nothing else runnable the idle loop IDLEs the VM. */
	thread_block(&w.q);
	if (deadline_ns != NET_FOREVER)
		timer_cancel(&tm);
	wake(&w); /* off the list, if a timeout raced */
}

struct net_counters net_counters(void)
{
	int s = irq_disable();
	struct net_counters c = net.c;
	irq_restore(s);
	return c;
}

void net_print_counters(void)
{
	struct net_counters c = net_counters();
	/* One table so a new counter is one line: the name printed is the field's. */
	static const struct {
		const char *name;
		size_t off;
	} rows[] = {
#define ROW(f) { #f, offsetof(struct net_counters, f) }
		ROW(rx_frames), ROW(rx_bytes), ROW(tx_frames), ROW(tx_bytes), ROW(rx_ios),
		ROW(tx_ios), ROW(rx_polls), ROW(tx_retry_ios), ROW(port_ios), ROW(tx_full),
		ROW(tx_backlog_high), ROW(tx_backlog_drops), ROW(tx_bad), ROW(rx_no_buf),
		ROW(rx_short), ROW(rx_unknown_type), ROW(arp_requests_sent),
		ROW(arp_replies_sent), ROW(arp_requests_rcvd), ROW(arp_replies_rcvd),
		ROW(arp_timeouts), ROW(arp_expired), ROW(arp_drops), ROW(ip_rx), ROW(ip_tx),
		ROW(ip_bad_checksum), ROW(ip_bad_header), ROW(ip_bad_length), ROW(ip_bad_ttl),
		ROW(ip_fragments), ROW(ip_options), ROW(ip_not_for_us), ROW(ip_unknown_proto),
		ROW(ip_loopback), ROW(ip_no_route), ROW(icmp_echoes_answered),
		ROW(icmp_replies_rcvd), ROW(icmp_bad_checksum), ROW(icmp_unmatched),
		ROW(udp_rx), ROW(udp_tx), ROW(udp_bad_checksum), ROW(udp_bad_length),
		ROW(udp_no_port), ROW(sock_rx_drops), ROW(pbuf_exhausted), ROW(tcp_rx),
		ROW(tcp_tx), ROW(tcp_bad_checksum), ROW(tcp_bad_header), ROW(tcp_rexmits),
		ROW(tcp_fast_rexmits), ROW(tcp_timeouts), ROW(tcp_dupacks), ROW(tcp_rsts_sent),
		ROW(tcp_rsts_rcvd), ROW(tcp_opened), ROW(tcp_accepted), ROW(tcp_refused),
		ROW(tcp_reset), ROW(tcp_dropped), ROW(tcp_syn_drops), ROW(tcp_ooo_queued),
		ROW(tcp_ooo_dropped), ROW(tcp_bad_segments), ROW(tcp_probes), ROW(tcp_time_wait_reused),
#undef ROW
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uint32_t v;
		memcpy(&v, (const char *)&c + rows[i].off, sizeof v);
		if (v)
			printf("net: %s %u\n", rows[i].name, (unsigned)v);
	}
}
