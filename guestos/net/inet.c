/* inet.c - the Internet checksum, and dotted-quad addresses (arpa/inet.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "guestos/net/net_defs.h"

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	/* RFC 1071: 16-bit big-endian words summed with end-around carry; an odd last byte
	 * is the high half of a word. Folding as we go keeps the sum from overflowing. */
	while (n > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	uint8_t ph[12];

	putaddr(ph, src);
	putaddr(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, len);
	return csum_add(0, ph, sizeof ph);
}

int inet_aton(const char *s, struct in_addr *a)
{
	uint32_t parts[4];

	for (int i = 0; i < 4; i++) {
		uint32_t v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10u + (uint32_t)(*s++ - '0');
			if (++digits > 3 || v > 255u)
				return 0;
		}
		if (!digits)
			return 0;
		parts[i] = v;
		if (i < 3 && *s++ != '.')
			return 0;
	}
	if (*s)
		return 0;
	if (a)
		a->s_addr = htonl(parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]);
	return 1;
}

in_addr_t inet_addr(const char *s)
{
	struct in_addr a;

	return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	const uint8_t *b = src;
	int n = snprintf(dst, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	return dst;
}

char *inet_ntoa(struct in_addr a)
{
	static char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, text, sizeof text);
	return text;
}

int inet_pton(int af, const char *src, void *dst)
{
	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return inet_aton(src, dst);
}
