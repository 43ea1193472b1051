/* ether.c - Ethernet II: EtherType dispatch of received frames, and the header on sends. */
#include <string.h>

#include "guestos/net/net_defs.h"

const uint8_t ether_broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

void ether_input(struct pbuf *pb)
{
	if (pb->len < ETH_HLEN) {
		net.c.rx_short++;
		pbuf_free(pb);
		return;
	}
	uint16_t type = get16(pb->p + 12);
	pb->p += ETH_HLEN;
	pb->len -= ETH_HLEN;
	if (type == ETH_TYPE_IP) {
		ip_input(pb, 0);
	} else if (type == ETH_TYPE_ARP) {
		arp_input(pb);
	} else {
		net.c.rx_unknown_type++;
		pbuf_free(pb);
	}
}

void ether_output(struct pbuf *pb, const uint8_t dst[6], uint16_t type)
{
	pb->p -= ETH_HLEN;
	pb->len += ETH_HLEN;
	memcpy(pb->p, dst, 6);
	memcpy(pb->p + 6, net.mac, 6);
	put16(pb->p + 12, type);
	nic_send(pb);
}
