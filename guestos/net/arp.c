/* arp.c - ARP (RFC 826) for IPv4 over Ethernet: a cache with expiry, requests retried with
 * backoff and per-VM jitter, replies, and a short queue of packets per unresolved address. */
#include <arpa/inet.h>
#include <string.h>

#include "guestos/net/net_defs.h"

#define ARP_LEN 28u /* the Ethernet/IPv4 form of the packet */
#define ARP_OP_REQUEST 1u
#define ARP_OP_REPLY 2u

enum arp_state {
	ARP_FREE,    /* unused */
	ARP_PENDING, /* requests going out; packets waiting in q */
	ARP_OK,      /* mac is valid for arp_ttl_ms from learned */
	ARP_FAILED,  /* nobody answered: sends fail at once until expires */
};

struct arp_entry {
	enum arp_state state;
	uint32_t ip;         /* network order */
	uint8_t mac[6];
	uint64_t learned;    /* ns of system time the mac was learned (OK): valid for arp_ttl_ms */
	uint64_t expires;    /* ns, the end of the hold-down (FAILED) */
	uint64_t used;       /* last lookup, ns: the least recently used resolved entry is evicted */
	uint32_t tries;      /* requests sent for this resolution */
	struct timer retry;  /* armed while PENDING */
	struct pbq q;        /* at most NET_ARP_QUEUE datagrams waiting for mac */
};

static struct arp_entry cache[NET_ARP_ENTRIES];
/* Entries ever used: [0, nused). Searches stop there, so a VM that talks to two hosts scans
 * two entries for every ARP packet it sees (on a LAN of a thousand VMs, nearly all of them are
 * other VMs' requests), while a server talking to a thousand still has room for them all. */
static uint32_t nused;

static uint64_t ms_ns(uint64_t ms)
{
	return ms * 1000000u;
}

static void arp_send(uint16_t op, const uint8_t tha[6], uint32_t tpa, const uint8_t dst[6])
{
	struct pbuf *pb = pbuf_alloc();
	if (!pb) {
		net.c.pbuf_exhausted++;
		return;
	}
	uint8_t *a = pb->p;
	put16(a, 1);            /* hardware: Ethernet */
	put16(a + 2, ETH_TYPE_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, net.mac, 6);
	putaddr(a + 14, net.addr);
	memcpy(a + 18, tha, 6);
	putaddr(a + 24, tpa);
	pb->len = ARP_LEN;
	if (op == ARP_OP_REQUEST)
		net.c.arp_requests_sent++;
	else
		net.c.arp_replies_sent++;
	ether_output(pb, dst, ETH_TYPE_ARP);
}

static void request(struct arp_entry *e)
{
	static const uint8_t unknown[6];

	e->tries++;
	arp_send(ARP_OP_REQUEST, unknown, e->ip, ether_broadcast);
	/* Backoff: NET_ARP_RETRY_MS, doubled after each request, stretched by a per-VM random
	 * 0..NET_ARP_JITTER_PCT % so that VMs started together drift out of step. */
	uint64_t wait = ms_ns(NET_ARP_RETRY_MS) << (e->tries - 1u);
	wait += wait * (net_random() % (NET_ARP_JITTER_PCT + 1u)) / 100u;
	timer_oneshot(&e->retry, wait / 1000u);
}

/* The retry timer: ask again, or give up and drop what waited. */
static void retry_fn(struct timer *t, void *arg)
{
	struct arp_entry *e = arg;
	(void)t;

	if (e->state != ARP_PENDING)
		return;
	if (e->tries < NET_ARP_TRIES) {
		request(e);
		return;
	}
	net.c.arp_timeouts++;
	e->state = ARP_FAILED;
	e->expires = now_ns() + ms_ns(NET_ARP_HOLD_MS);
	struct pbuf *pb;
	while ((pb = pbq_pop(&e->q))) {
		net.c.arp_drops++;
		sock_set_error(pb->owner, pb->owner_gen, EHOSTUNREACH);
		pbuf_free(pb);
	}
	net_wakeup_all();
}

static struct arp_entry *lookup(uint32_t ip)
{
	for (uint32_t i = 0; i < nused; i++)
		if (cache[i].state != ARP_FREE && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* A fresh entry for ip: a free one, else the least recently used that is not resolving. */
static struct arp_entry *claim(uint32_t ip)
{
	struct arp_entry *victim = NULL;

	for (uint32_t i = 0; i < nused; i++) {
		struct arp_entry *e = &cache[i];
		if (e->state == ARP_FREE) {
			victim = e;
			break;
		}
		if (e->state != ARP_PENDING && (!victim || e->used < victim->used))
			victim = e;
	}
	if ((!victim || victim->state != ARP_FREE) && nused < NET_ARP_ENTRIES)
		victim = &cache[nused++]; /* never used yet: before evicting anyone */
	if (!victim)
		return NULL;
	*victim = (struct arp_entry){ .state = ARP_FREE, .ip = ip, .used = now_ns() };
	timer_init(&victim->retry, retry_fn, victim);
	return victim;
}

/* ip is at mac: fill the entry and send what waited. */
static void resolved(struct arp_entry *e, const uint8_t mac[6])
{
	if (e->state == ARP_PENDING)
		timer_cancel(&e->retry);
	e->state = ARP_OK;
	memcpy(e->mac, mac, 6);
	e->learned = now_ns();
	struct pbuf *pb;
	while ((pb = pbq_pop(&e->q)))
		ether_output(pb, e->mac, ETH_TYPE_IP);
}

void arp_input(struct pbuf *pb)
{
	const uint8_t *a = pb->p;

	if (pb->len < ARP_LEN || get16(a) != 1 || get16(a + 2) != ETH_TYPE_IP || a[4] != 6 ||
	    a[5] != 4) {
		net.c.rx_short++;
		pbuf_free(pb);
		return;
	}
	uint16_t op = get16(a + 6);
	uint8_t sha[6];
	memcpy(sha, a + 8, 6);
	uint32_t spa = getaddr(a + 14), tpa = getaddr(a + 24);
	pbuf_free(pb);
	if (op == ARP_OP_REQUEST)
		net.c.arp_requests_rcvd++;
	else if (op == ARP_OP_REPLY)
		net.c.arp_replies_rcvd++;
	else
		return;
	if (spa == 0 || spa == net.addr)
		return; /* a probe, or someone with our address: nothing to learn */
	/* RFC 826's merge: update what we know of the sender; learn it if the packet is for us
	 * (it is about to talk to us, so we will need its address). */
	struct arp_entry *e = lookup(spa);
	if (!e && tpa == net.addr && (e = claim(spa)))
		e->state = ARP_FREE;
	if (e)
		resolved(e, sha);
	if (op == ARP_OP_REQUEST && tpa == net.addr)
		arp_send(ARP_OP_REPLY, sha, spa, sha);
}

/* net.arp_plan: the MAC the default address plan gives ip (network order), 10.0.0.(n + 1) for
 * vm_id n, without asking anyone; 0 when ip is outside the plan (the gateway, broadcast, not
 * 10/8). A run of many VMs under a memory budget uses it: each ARP request reaches every VM,
 * and every VM swapped out would have to come back in to read it. */
static int plan_mac(uint32_t ip, uint8_t mac[6])
{
	uint32_t h = ntohl(ip), id = h - NET_SUBNET - 1u;
	if ((h & 0xFF000000u) != NET_SUBNET || h == NET_GATEWAY || id > NET_GATEWAY - NET_SUBNET - 2u)
		return 0;
	memcpy(mac, net.mac, 3); /* the emulator's prefix, page 0's like ours */
	mac[3] = (uint8_t)(id >> 16);
	mac[4] = (uint8_t)(id >> 8);
	mac[5] = (uint8_t)id;
	return 1;
}

int arp_output(struct pbuf *pb, uint32_t ip)
{
	uint64_t now = now_ns();
	struct arp_entry *e = lookup(ip);

	if (e && e->state == ARP_FAILED && now >= e->expires)
		e->state = ARP_FREE; /* hold-down over: try again */
	if (e && e->state == ARP_OK && now - e->learned >= ms_ns(net.arp_ttl_ms)) {
		net.c.arp_expired++;
		e->state = ARP_FREE;
	}
	if (e && e->state == ARP_FAILED) {
		net.c.arp_drops++;
		pbuf_free(pb);
		return -EHOSTUNREACH;
	}
	if (e && e->state == ARP_OK) {
		e->used = now;
		ether_output(pb, e->mac, ETH_TYPE_IP);
		return 0;
	}
	uint8_t mac[6];
	if (!e && net.arp_plan && plan_mac(ip, mac)) {
		ether_output(pb, mac, ETH_TYPE_IP);
		return 0;
	}
	if (!e && !(e = claim(ip))) {
		net.c.arp_drops++; /* every entry is resolving: no room to ask */
		pbuf_free(pb);
		return 0;
	}
	e->used = now;
	if (e->q.n >= NET_ARP_QUEUE) {
		net.c.arp_drops++;
		pbuf_free(pb);
		return 0;
	}
	pbq_push(&e->q, pb);
	if (e->state == ARP_FREE) {
		e->state = ARP_PENDING;
		e->tries = 0;
		request(e);
	}
	return 0;
}

uint32_t net_set_arp_ttl(uint32_t ms)
{
	uint32_t old = net.arp_ttl_ms;
	net.arp_ttl_ms = ms;
	return old;
}
