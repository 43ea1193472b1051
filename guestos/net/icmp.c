/* icmp.c - ICMP (RFC 792): echo requests answered, echo replies handed to ping sockets. */
#include "guestos/net/net_defs.h"

#define ICMP_ECHO_REPLY 0u
#define ICMP_ECHO_REQUEST 8u

void icmp_input(struct pbuf *pb, const struct ip_info *ii)
{
	uint8_t *m = pb->p;

	if (pb->len < ICMP_HLEN || csum_fold(csum_add(0, m, pb->len)) != 0) {
		net.c.icmp_bad_checksum++;
		pbuf_free(pb);
		return;
	}
	if (m[0] == ICMP_ECHO_REQUEST && m[1] == 0) {
		/* Answer in place: the same buffer, the type changed, the checksum adjusted
		 * (recomputed: the message is at most 1480 bytes). Broadcast requests too. */
		m[0] = ICMP_ECHO_REPLY;
		put16(m + 2, 0);
		put16(m + 2, csum_fold(csum_add(0, m, pb->len)));
		uint32_t src = ip_is_local(ii->dst) ? ii->dst : net.addr;
		net.c.icmp_echoes_answered++;
		ip_output(pb, src, ii->src, 1);
		return;
	}
	if (m[0] == ICMP_ECHO_REPLY && m[1] == 0) {
		/* A ping socket's identifier is its local port (Linux's ping sockets do this). */
		pb->ttl = ii->ttl;
		int r = sock_deliver(SK_PING, get16(m + 4), ii->src, 0, pb);
		if (r == 0)
			net.c.icmp_replies_rcvd++;
		if (r >= 0)
			return; /* queued, or dropped and counted by the socket layer */
	}
	net.c.icmp_unmatched++;
	pbuf_free(pb);
}
