/* netinet/in.h - Internet addresses, ports and protocol numbers; byte-order conversions. */
#ifndef GUESTOS_NETINET_IN_H
#define GUESTOS_NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

typedef uint32_t in_addr_t; /* network byte order */
typedef uint16_t in_port_t; /* network byte order */

struct in_addr {
	in_addr_t s_addr;
};

struct sockaddr_in {
	sa_family_t sin_family; /* AF_INET */
	in_port_t sin_port;
	struct in_addr sin_addr;
	uint8_t sin_zero[8];
};

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

#define INADDR_ANY ((in_addr_t)0x00000000u)
#define INADDR_BROADCAST ((in_addr_t)0xFFFFFFFFu)
#define INADDR_NONE ((in_addr_t)0xFFFFFFFFu)
#define INADDR_LOOPBACK ((in_addr_t)0x7F000001u) /* host byte order, as in BSD */

#define INET_ADDRSTRLEN 16

/* DVA-1 is little-endian (i386): network order swaps the bytes. */
static inline uint16_t htons(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}
static inline uint16_t ntohs(uint16_t v)
{
	return htons(v);
}
static inline uint32_t htonl(uint32_t v)
{
	return v << 24 | (v & 0xFF00u) << 8 | (v >> 8 & 0xFF00u) | v >> 24;
}
static inline uint32_t ntohl(uint32_t v)
{
	return htonl(v);
}

#endif
