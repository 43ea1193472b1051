/* ip.c - IPv4 (RFC 791): header checks on input, the header on output, loopback to ourselves. */
#include "guestos/net/net_defs.h"

/* Datagrams sent to ourselves, delivered after the send that made them returns to us (so a
 * reply made while delivering one is queued behind it, not nested inside it). */
static struct pbq loop_q;
static int looping;

static int is_loopback(uint32_t a)
{
	return (a & 0xFFu) == 127u; /* 127.0.0.0/8; a is in network order */
}

static int is_broadcast(uint32_t a)
{
	return a == 0xFFFFFFFFu || a == htonl(NET_BROADCAST);
}

int ip_is_local(uint32_t dst)
{
	return dst == net.addr || is_loopback(dst);
}

void ip_input(struct pbuf *pb, int from_lo)
{
	const uint8_t *h = pb->p;
	struct ip_info ii;

	if (pb->len < IP_HLEN || h[0] >> 4 != 4u || (h[0] & 0xFu) < 5u ||
	    (uint32_t)(h[0] & 0xFu) * 4u > pb->len) {
		net.c.ip_bad_header++;
		goto drop;
	}
	uint32_t hlen = (uint32_t)(h[0] & 0xFu) * 4u, total = get16(h + 2);
	if (total < hlen || total > pb->len) {
		net.c.ip_bad_length++;
		goto drop;
	}
	if (csum_fold(csum_add(0, h, hlen)) != 0) {
		net.c.ip_bad_checksum++;
		goto drop;
	}
	ii.ttl = h[8];
	ii.proto = h[9];
	ii.src = getaddr(h + 12);
	ii.dst = getaddr(h + 16);
	if (ii.ttl == 0) {
		net.c.ip_bad_ttl++;
		goto drop;
	}
	if (!(ii.dst == net.addr || is_broadcast(ii.dst) || (from_lo && is_loopback(ii.dst)))) {
		net.c.ip_not_for_us++;
		goto drop;
	}
	if (get16(h + 6) & 0x3FFFu) { /* MF, or a fragment offset: no reassembly here */
		net.c.ip_fragments++;
		goto drop;
	}
	if (hlen > IP_HLEN)
		net.c.ip_options++; /* tolerated: skipped with the header */
	net.c.ip_rx++;
	pb->p += hlen;
	pb->len = total - hlen; /* anything after the datagram was link padding */
	if (ii.proto == 1u) {
		icmp_input(pb, &ii);
	} else if (ii.proto == 17u) {
		udp_input(pb, &ii);
	} else if (ii.proto == 6u) {
		tcp_input(pb, &ii);
	} else {
		net.c.ip_unknown_proto++;
		pbuf_free(pb);
	}
	return;
drop:
	pbuf_free(pb);
}

int ip_output(struct pbuf *pb, uint32_t src, uint32_t dst, uint8_t proto)
{
	if (dst == 0 || (dst & 0xFFu) >= 224u) { /* 0.0.0.0, multicast and class E */
		net.c.ip_no_route++;
		pbuf_free(pb);
		return -ENETUNREACH;
	}
	if (!src)
		src = is_loopback(dst) ? dst : net.addr;
	pb->p -= IP_HLEN;
	pb->len += IP_HLEN;
	uint8_t *h = pb->p;
	h[0] = 0x45;  /* version 4, 5 words: no options */
	h[1] = 0;     /* DSCP/ECN */
	put16(h + 2, pb->len);
	put16(h + 4, net.ip_id++);
	put16(h + 6, 0x4000u); /* DF: we never fragment */
	h[8] = NET_IP_TTL;
	h[9] = proto;
	put16(h + 10, 0);
	putaddr(h + 12, src);
	putaddr(h + 16, dst);
	put16(h + 10, csum_fold(csum_add(0, h, IP_HLEN)));
	net.c.ip_tx++;

	if (ip_is_local(dst)) {
		/* The switch never hands a VM its own frames: loop it back here. */
		net.c.ip_loopback++;
		pbq_push(&loop_q, pb);
		if (!looping) {
			looping = 1;
			while ((pb = pbq_pop(&loop_q)))
				ip_input(pb, 1);
			looping = 0;
		}
		return 0;
	}
	if (is_broadcast(dst)) {
		ether_output(pb, ether_broadcast, ETH_TYPE_IP);
		return 0;
	}
	/* One subnet: everything in 10.0.0.0/8 is a neighbour, the rest goes to the gateway. */
	uint32_t hop = (ntohl(dst) & NET_SUBNET_MASK) == NET_SUBNET ? dst : htonl(NET_GATEWAY);
	return arp_output(pb, hop);
}
