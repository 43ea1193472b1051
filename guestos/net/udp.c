/* udp.c - UDP (RFC 768): length and checksum checks, delivery by port; no-port counted. */
#include "guestos/net/net_defs.h"

void udp_input(struct pbuf *pb, const struct ip_info *ii)
{
	uint8_t *u = pb->p;

	if (pb->len < UDP_HLEN || get16(u + 4) < UDP_HLEN || get16(u + 4) > pb->len) {
		net.c.udp_bad_length++;
		pbuf_free(pb);
		return;
	}
	uint32_t len = get16(u + 4);
	/* A zero checksum means the sender computed none (RFC 768). */
	if (get16(u + 6) != 0 &&
	    csum_fold(csum_add(csum_pseudo(ii->src, ii->dst, 17, len), u, len)) != 0) {
		net.c.udp_bad_checksum++;
		pbuf_free(pb);
		return;
	}
	uint16_t sport = get16(u), dport = get16(u + 2);
	net.c.udp_rx++;
	pb->p += UDP_HLEN;
	pb->len = len - UDP_HLEN;
	pb->ttl = ii->ttl;
	if (sock_deliver(SK_UDP, dport, ii->src, sport, pb) < 0) {
		net.c.udp_no_port++;
		pbuf_free(pb);
	}
}
