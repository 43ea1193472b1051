/* switch.c - the run's Ethernet switch: a table of NICs by MAC, and a round-robin packet
 * scheduler over the NICs that have frames to send (devices/net.h). Everything it allocates it
 * allocates when a VM's NIC is attached or first sends, never per frame. */
#include "devices/net.h"

#include <stdlib.h>
#include <string.h>

#define DELETED ((struct net *)1)

static uint64_t mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;
	memcpy(&k, mac, 6);
	return k;
}

static uint32_t mac_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (uint32_t)k;
}

void switch_init(struct netswitch *sw)
{
	memset(sw, 0, sizeof(*sw));
}

void switch_destroy(struct netswitch *sw)
{
	while (sw->nsenders) { /* NICs of ended VMs whose frames never left (the run stopped) */
		struct net *n = sw->senders[--sw->nsenders];
		if (n->gone) {
			net_stats_add(&sw->total, &n->stats);
			net_release(n);
		}
	}
	free(sw->nics);
	free(sw->hash);
	free(sw->senders);
	memset(sw, 0, sizeof(*sw));
}

static struct net *lookup(const struct netswitch *sw, const uint8_t mac[6])
{
	if (!sw->hcap)
		return NULL;
	uint64_t k = mac_key(mac);
	for (uint32_t i = mac_hash(k) & (sw->hcap - 1);; i = (i + 1) & (sw->hcap - 1)) {
		struct net *n = sw->hash[i];
		if (!n)
			return NULL;
		if (n != DELETED && mac_key(n->mac) == k)
			return n;
	}
}

static void hash_put(struct net **table, uint32_t cap, struct net *n)
{
	uint32_t i = mac_hash(mac_key(n->mac)) & (cap - 1);
	while (table[i] && table[i] != DELETED)
		i = (i + 1) & (cap - 1);
	table[i] = n;
}

int switch_attach(struct netswitch *sw, struct net *n)
{
	if (sw->n == sw->cap) {
		uint32_t cap = sw->cap ? sw->cap * 2 : 64;
		struct net **nics = realloc(sw->nics, (size_t)cap * sizeof(*nics));
		if (!nics)
			return -1;
		sw->nics = nics;
		sw->cap = cap;
	}
	/* Rebuilt, without its tombstones, before live entries and tombstones together fill half
	 * of it: a lookup that misses must always reach an empty slot. */
	if (2 * (sw->n + 1 + sw->ndeleted) > sw->hcap) {
		uint32_t hcap = 128;
		while (hcap < 4 * (sw->n + 1))
			hcap *= 2;
		struct net **h = calloc(hcap, sizeof(*h));
		if (!h)
			return -1;
		for (uint32_t i = 0; i < sw->n; i++)
			hash_put(h, hcap, sw->nics[i]);
		free(sw->hash);
		sw->hash = h;
		sw->hcap = hcap;
		sw->ndeleted = 0;
	}
	n->index = sw->n;
	sw->nics[sw->n++] = n;
	hash_put(sw->hash, sw->hcap, n);
	return 0;
}

void net_stats_add(struct net_stats *to, const struct net_stats *s)
{
	to->tx_frames += s->tx_frames;
	to->tx_bytes += s->tx_bytes;
	to->rx_frames += s->rx_frames;
	to->rx_bytes += s->rx_bytes;
	to->drop_rx_full += s->drop_rx_full;
	to->drop_spoofed += s->drop_spoofed;
	to->drop_unknown += s->drop_unknown;
	to->drop_not_up += s->drop_not_up;
	to->drop_too_long += s->drop_too_long;
}

/* Take n out of the senders' round. */
static void unqueue(struct netswitch *sw, struct net *n)
{
	for (uint32_t i = 0; i < sw->nsenders; i++)
		if (sw->senders[i] == n) {
			memmove(&sw->senders[i], &sw->senders[i + 1], (sw->nsenders - i - 1) * sizeof(*sw->senders));
			sw->nsenders--;
			break;
		}
	n->sending = false;
}

bool switch_leave(struct netswitch *sw, struct net *n)
{
	uint64_t k = mac_key(n->mac);
	for (uint32_t i = mac_hash(k) & (sw->hcap - 1); sw->hash[i]; i = (i + 1) & (sw->hcap - 1))
		if (sw->hash[i] == n) {
			sw->hash[i] = DELETED;
			sw->ndeleted++;
			break;
		}
	struct net *last = sw->nics[--sw->n];
	sw->nics[n->index] = last;
	last->index = n->index;
	if (n->sending && n->tx.len) {
		n->gone = true;
		n->tx_blocked = false; /* nobody is left to tell of room */
		return true;
	}
	unqueue(sw, n);
	net_stats_add(&sw->total, &n->stats);
	return false;
}

void switch_queue(struct netswitch *sw, struct net *n)
{
	if (n->sending)
		return;
	if (sw->nsenders == sw->scap) {
		uint32_t cap = sw->scap ? sw->scap * 2 : 64;
		struct net **s = realloc(sw->senders, (size_t)cap * sizeof(*s));
		if (!s)
			abort(); /* the scheduler's own table: an emulator failure, as in sched.c */
		sw->senders = s;
		sw->scap = cap;
	}
	sw->senders[sw->nsenders++] = n;
	n->sending = true;
}

/* f, from s, to d (NULL: everyone but s for a group address, or nobody). */
static void deliver(struct netswitch *sw, const struct net *s, struct net *d, const struct net_frame *f)
{
	if (f->data[0] & 1) { /* the group bit: broadcast and multicast */
		for (uint32_t i = 0; i < sw->n; i++)
			if (sw->nics[i] != s)
				net_deliver(sw->nics[i], f);
	} else if (d && d != s) {
		net_deliver(d, f);
	}
}

static uint32_t draw_ppm(struct netswitch *sw)
{
	uint64_t x = (sw->rng += 0x9E3779B97F4A7C15ull);
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return (uint32_t)((x ^ (x >> 31)) % 1000000u);
}

/* The held frame goes now (after the frame that overtook it, or at the end of its sender's
 * turn). */
static void release_held(struct netswitch *sw)
{
	if (!sw->holding)
		return;
	sw->holding = false;
	deliver(sw, sw->held_from, sw->held_to, &sw->held);
}

/* deliver, with the faults the run asked for: three draws a frame, whatever they decide. */
static void deliver_faulty(struct netswitch *sw, struct net *s, struct net *d, const struct net_frame *f)
{
	bool lose = draw_ppm(sw) < sw->loss_ppm, twice = draw_ppm(sw) < sw->dup_ppm;
	bool hold = draw_ppm(sw) < sw->reorder_ppm;
	if (lose) {
		sw->injected_loss++;
		return;
	}
	if (hold && !sw->holding) {
		sw->injected_reorder++;
		sw->holding = true;
		sw->held_from = s;
		sw->held_to = d;
		sw->held.len = f->len;
		memcpy(sw->held.data, f->data, f->len);
		return;
	}
	deliver(sw, s, d, f);
	if (twice) {
		sw->injected_dup++;
		deliver(sw, s, d, f);
	}
	release_held(sw);
}

/* One frame from s: to its destination, to everyone for a group address, or dropped. */
static void carry(struct netswitch *sw, struct net *s, const struct net_frame *f)
{
	bool group = f->data[0] & 1;
	struct net *d = group ? NULL : lookup(sw, f->data);
	if (!group && !d && s != sw->uplink)
		d = sw->uplink; /* for no VM: the host's, when there is a host port */
	if (sw->tap)
		sw->tap(sw->owner, s, d, f);
	if (!s->sink && memcmp(f->data + 6, s->mac, 6)) {
		s->stats.drop_spoofed++;
		return;
	}
	s->stats.tx_frames++;
	s->stats.tx_bytes += f->len;
	if (!group && !d) {
		s->stats.drop_unknown++;
		return;
	}
	if (sw->loss_ppm | sw->dup_ppm | sw->reorder_ppm)
		deliver_faulty(sw, s, d, f);
	else
		deliver(sw, s, d, f);
}

void switch_run(struct netswitch *sw)
{
	while (sw->nsenders) {
		/* One turn: each sender in order gives at most NET_BURST frames. */
		for (uint32_t i = 0; i < sw->nsenders;) {
			struct net *s = sw->senders[i];
			for (unsigned k = 0; k < NET_BURST && s->tx.len; k++) {
				carry(sw, s, &s->tx.slot[s->tx.head]);
				s->tx.head = (s->tx.head + 1) % s->tx.cap;
				s->tx.len--;
			}
			release_held(sw); /* reordering stays within a sender's turn */
			if (s->tx_blocked && s->tx.len < s->tx.cap) {
				s->tx_blocked = false;
				dev_raise(&s->dev, DVA_LINE_NET_TX_SPACE);
			}
			if (s->tx.len) {
				i++;
				continue;
			}
			s->sending = false;
			memmove(&sw->senders[i], &sw->senders[i + 1], (sw->nsenders - i - 1) * sizeof(*sw->senders));
			sw->nsenders--;
			if (s->gone) { /* its VM's last frames are out */
				net_stats_add(&sw->total, &s->stats);
				net_release(s);
			}
		}
	}
}
