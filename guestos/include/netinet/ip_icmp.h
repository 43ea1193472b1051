/* netinet/ip_icmp.h - the ICMP header, as Linux's ping sockets send and receive it. */
#ifndef GUESTOS_NETINET_IP_ICMP_H
#define GUESTOS_NETINET_IP_ICMP_H

#include <stdint.h>

struct icmphdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum; /* the stack computes it on a ping socket */
	union {
		struct {
			uint16_t id;       /* a ping socket's stack sets it (its local port) */
			uint16_t sequence; /* network byte order */
		} echo;
		uint32_t gateway;
	} un;
};

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8

#endif
