/* arpa/inet.h - dotted-quad addresses to and from in_addr. */
#ifndef GUESTOS_ARPA_INET_H
#define GUESTOS_ARPA_INET_H

#include <netinet/in.h>

/* "A.B.C.D" (each part 0-255, decimal) in network order; INADDR_NONE if malformed. */
in_addr_t inet_addr(const char *s);
/* The same into *a: 1 on success, 0 if malformed. */
int inet_aton(const char *s, struct in_addr *a);
/* A static buffer overwritten by the next call. */
char *inet_ntoa(struct in_addr a);
/* AF_INET only: 1 converted, 0 malformed, -1 (EAFNOSUPPORT) another family. */
int inet_pton(int af, const char *src, void *dst);
/* dst gets "A.B.C.D"; NULL with ENOSPC if size is too small, EAFNOSUPPORT for another af. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);

#endif
