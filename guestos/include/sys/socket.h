/* sys/socket.h - BSD sockets over guestos's stack: TCP streams, UDP and ICMP echo datagrams. */
#ifndef GUESTOS_SYS_SOCKET_H
#define GUESTOS_SYS_SOCKET_H

#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

#define AF_UNSPEC 0
#define AF_INET 2
#define PF_INET AF_INET

#define SOCK_STREAM 1     /* TCP */
#define SOCK_DGRAM 2      /* UDP, or ICMP echo with IPPROTO_ICMP */
#define SOCK_NONBLOCK 04000 /* or'ed into socket()'s type: every call on it is non-blocking */

#define SOL_SOCKET 1
#define SO_REUSEADDR 2    /* accepted, no effect */
#define SO_ERROR 4        /* int: the pending error (read clears it) */
#define SO_BROADCAST 6    /* accepted, no effect: broadcasts are always allowed */
#define SO_SNDBUF 7       /* int, read only: a TCP socket's send ring (NET_TCP_SNDBUF) */
#define SO_RCVBUF 8       /* int, read only: NET_SOCK_RXQ datagrams' worth, or TCP's ring */
#define SO_RCVTIMEO 20    /* struct timeval: a blocking receive gives EAGAIN after it; 0 never */
#define SO_SNDTIMEO 21    /* struct timeval: how long a send waits for transmit space */

#define MSG_PEEK 0x02     /* recv: leave the datagram queued */
#define MSG_TRUNC 0x20    /* recv: return the datagram's full length even when it was cut */
#define MSG_DONTWAIT 0x40 /* this call does not block: EAGAIN instead */
#define MSG_NOSIGNAL 0x4000 /* accepted: guestos has no signals (EPIPE is returned) */

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

/* The error numbers the socket calls add to errno.h's (Linux's values). */
#ifndef ENOTSOCK
#define EMFILE 24
#define EPIPE 32
#define ENOTSOCK 88
#define EDESTADDRREQ 89
#define EMSGSIZE 90
#define EPROTOTYPE 91
#define ENOPROTOOPT 92
#define EPROTONOSUPPORT 93
#define EOPNOTSUPP 95
#define EAFNOSUPPORT 97
#define EADDRINUSE 98
#define EADDRNOTAVAIL 99
#define ENETUNREACH 101
#define ENOBUFS 105
#define EISCONN 106
#define ENOTCONN 107
#define ECONNABORTED 103
#define ECONNRESET 104
#define ECONNREFUSED 111
#define EHOSTUNREACH 113
#define EALREADY 114
#define EINPROGRESS 115
#define EWOULDBLOCK EAGAIN
#endif

/* Each returns -1 with errno set on failure. Descriptors count from NET_FD_BASE (3). The
 * first call of any of them starts the network (net_init). docs/network.md has the details. */
int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len); /* AF_UNSPEC disconnects */
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen);
ssize_t send(int fd, const void *buf, size_t len, int flags);   /* to the connected peer */
ssize_t recv(int fd, void *buf, size_t len, int flags);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int listen(int fd, int backlog);                                 /* TCP */
int accept(int fd, struct sockaddr *addr, socklen_t *len);       /* TCP */
int shutdown(int fd, int how); /* TCP: SHUT_WR sends FIN; datagram sockets have nothing to shut */
/* POSIX declares close in <unistd.h>; guestos's only descriptors are sockets. */
int close(int fd);

#endif
