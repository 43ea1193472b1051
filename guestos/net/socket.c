/* socket.c - BSD datagram sockets: UDP, and ICMP echo ("ping") sockets as Linux has them. */
#include <poll.h>
#include <string.h>

#include "guestos/net/net_defs.h"
#include "irq.h"

struct sock {
	int used;
	uint32_t gen;            /* bumped at close: ARP failures of an older socket are ignored */
	enum sock_kind kind;
	uint16_t lport;          /* host order, 0 while unbound; a ping socket's echo identifier */
	uint32_t laddr;          /* bound address, network order (0: any) */
	uint32_t raddr;          /* connected peer, network order */
	uint16_t rport;          /* host order */
	int connected;
	int nonblock;            /* SOCK_NONBLOCK */
	uint64_t rcvtimeo_ns;    /* SO_RCVTIMEO, 0 none */
	uint64_t sndtimeo_ns;    /* SO_SNDTIMEO, 0 none */
	int err;                 /* pending error (SO_ERROR), 0 none */
	int last_ttl;            /* of the last datagram received, -1 none */
	struct pbq rxq;          /* at most NET_SOCK_RXQ datagrams */
};

static struct sock socks[NET_SOCKETS];
static uint16_t next_ephemeral = NET_EPHEMERAL_FIRST;

static struct sock *getsock(int fd)
{
	int i = fd - NET_FD_BASE;
	if (i < 0 || i >= (int)NET_SOCKETS || !socks[i].used)
		return NULL;
	return &socks[i];
}

static int fail(int s, int err)
{
	irq_restore(s);
	errno = err;
	return -1;
}

static int port_used(enum sock_kind kind, uint16_t port)
{
	for (uint32_t i = 0; i < NET_SOCKETS; i++)
		if (socks[i].used && socks[i].kind == kind && socks[i].lport == port)
			return 1;
	return 0;
}

/* Give sk an ephemeral port if it has none: 0, or -1 when all are taken. */
static int autobind(struct sock *sk)
{
	const uint32_t span = NET_EPHEMERAL_LAST - NET_EPHEMERAL_FIRST + 1u;

	if (sk->lport)
		return 0;
	for (uint32_t n = 0; n < span; n++) {
		uint16_t p = next_ephemeral;
		next_ephemeral = p == NET_EPHEMERAL_LAST ? NET_EPHEMERAL_FIRST : (uint16_t)(p + 1u);
		if (!port_used(sk->kind, p)) {
			sk->lport = p;
			return 0;
		}
	}
	return -1;
}

/* A struct sockaddr_in the caller gave: 0, or an errno. */
static int check_sin(const struct sockaddr *a, socklen_t len)
{
	if (!a || len < sizeof(struct sockaddr_in))
		return EINVAL;
	if (a->sa_family != AF_INET)
		return EAFNOSUPPORT;
	return 0;
}

static int take_error(struct sock *sk)
{
	int e = sk->err;
	sk->err = 0;
	return e;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

int socket(int domain, int type, int protocol)
{
	if (net_init() < 0)
		return -1;
	if (domain != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if ((type & ~SOCK_NONBLOCK) != SOCK_DGRAM) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	enum sock_kind kind;
	if (protocol == 0 || protocol == IPPROTO_UDP)
		kind = SK_UDP;
	else if (protocol == IPPROTO_ICMP)
		kind = SK_PING;
	else {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	int s = irq_disable();
	for (uint32_t i = 0; i < NET_SOCKETS; i++) {
		struct sock *sk = &socks[i];
		if (sk->used)
			continue;
		uint32_t gen = sk->gen;
		*sk = (struct sock){ .used = 1, .gen = gen, .kind = kind, .last_ttl = -1,
				     .nonblock = (type & SOCK_NONBLOCK) != 0 };
		irq_restore(s);
		return NET_FD_BASE + (int)i;
	}
	return fail(s, EMFILE);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (net_init() < 0)
		return -1;
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if ((e = check_sin(addr, len)))
		return fail(s, e);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	uint32_t a = sin->sin_addr.s_addr;
	uint16_t port = ntohs(sin->sin_port);
	if (sk->lport)
		return fail(s, EINVAL); /* bound already */
	if (a != INADDR_ANY && !ip_is_local(a))
		return fail(s, EADDRNOTAVAIL);
	if (port && port_used(sk->kind, port))
		return fail(s, EADDRINUSE);
	sk->laddr = a;
	if (port)
		sk->lport = port;
	else if (autobind(sk) < 0)
		return fail(s, EADDRINUSE);
	irq_restore(s);
	return 0;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (net_init() < 0)
		return -1;
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (addr && len >= sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) {
		sk->connected = 0;
		irq_restore(s);
		return 0;
	}
	if ((e = check_sin(addr, len)))
		return fail(s, e);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	if (autobind(sk) < 0)
		return fail(s, EADDRINUSE);
	sk->raddr = sin->sin_addr.s_addr;
	sk->rport = ntohs(sin->sin_port);
	sk->connected = 1;
	irq_restore(s);
	return 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	if (net_init() < 0)
		return -1;
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	uint32_t dst;
	uint16_t dport;
	if (to) {
		if ((e = check_sin(to, tolen)))
			return fail(s, e);
		const struct sockaddr_in *sin = (const struct sockaddr_in *)to;
		dst = sin->sin_addr.s_addr;
		dport = ntohs(sin->sin_port);
	} else if (sk->connected) {
		dst = sk->raddr;
		dport = sk->rport;
	} else {
		return fail(s, EDESTADDRREQ);
	}
	const uint8_t *msg = buf;
	if (sk->kind == SK_UDP && len > IP_MAX - IP_HLEN - UDP_HLEN)
		return fail(s, EMSGSIZE);
	if (sk->kind == SK_PING) {
		if (len > IP_MAX - IP_HLEN)
			return fail(s, EMSGSIZE);
		if (len < ICMP_HLEN || msg[0] != 8u || msg[1] != 0)
			return fail(s, EINVAL); /* only echo requests */
	}
	if (sk->kind == SK_UDP && dport == 0)
		return fail(s, EINVAL);
	if ((e = take_error(sk)))
		return fail(s, e);
	if (autobind(sk) < 0)
		return fail(s, EADDRINUSE);
	/* Room in the driver's backlog, or wait for it (line 3 wakes us). */
	uint64_t deadline = sk->sndtimeo_ns ? now_ns() + sk->sndtimeo_ns : NET_FOREVER;
	while (!ip_is_local(dst) && !nic_tx_room()) {
		if (sk->nonblock || (flags & MSG_DONTWAIT) || now_ns() >= deadline)
			return fail(s, EAGAIN);
		net_wait(deadline);
	}
	struct pbuf *pb = pbuf_alloc();
	if (!pb) {
		net.c.pbuf_exhausted++;
		return fail(s, ENOBUFS);
	}
	uint32_t src = ip_is_local(dst) && dst != net.addr ? dst : net.addr;
	pb->owner = (int8_t)(sk - socks);
	pb->owner_gen = sk->gen;
	if (sk->kind == SK_UDP) {
		memcpy(pb->p, buf, len);
		pb->p -= UDP_HLEN;
		pb->len = len + UDP_HLEN;
		uint8_t *u = pb->p;
		put16(u, sk->lport);
		put16(u + 2, dport);
		put16(u + 4, pb->len);
		put16(u + 6, 0);
		uint16_t c = csum_fold(csum_add(csum_pseudo(src, dst, 17, pb->len), u, pb->len));
		put16(u + 6, c ? c : 0xFFFFu); /* 0 would mean "no checksum" */
		net.c.udp_tx++;
		e = ip_output(pb, src, dst, 17);
	} else {
		pb->p -= UDP_HLEN; /* ICMP sits where a UDP header would */
		memcpy(pb->p, buf, len);
		pb->len = len;
		put16(pb->p + 2, 0);
		put16(pb->p + 4, sk->lport);
		put16(pb->p + 2, csum_fold(csum_add(0, pb->p, len)));
		e = ip_output(pb, src, dst, 1);
	}
	if (e < 0)
		return fail(s, -e);
	irq_restore(s);
	return (ssize_t)len;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen)
{
	if (net_init() < 0)
		return -1;
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	uint64_t deadline = sk->rcvtimeo_ns ? now_ns() + sk->rcvtimeo_ns : NET_FOREVER;
	while (!sk->rxq.head) {
		if ((e = take_error(sk)))
			return fail(s, e);
		if (sk->nonblock || (flags & MSG_DONTWAIT) || now_ns() >= deadline)
			return fail(s, EAGAIN);
		net_wait(deadline);
		if (!sk->used)
			return fail(s, EBADF); /* another thread closed it */
	}
	struct pbuf *pb = sk->rxq.head;
	size_t n = pb->len < len ? pb->len : len; /* the rest of a longer datagram is lost */
	memcpy(buf, pb->p, n);
	if (from && fromlen) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(pb->sport),
					   .sin_addr = { pb->src } };
		socklen_t c = *fromlen < sizeof sin ? *fromlen : sizeof sin;
		memcpy(from, &sin, c);
		*fromlen = sizeof sin;
	}
	sk->last_ttl = pb->ttl;
	ssize_t r = (ssize_t)((flags & MSG_TRUNC) ? pb->len : n);
	if (!(flags & MSG_PEEK))
		pbuf_free(pbq_pop(&sk->rxq));
	irq_restore(s);
	return r;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

int close(int fd)
{
	int s = irq_disable();
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	pbq_free_all(&sk->rxq);
	uint32_t gen = sk->gen + 1u;
	*sk = (struct sock){ .gen = gen };
	net_wakeup_all(); /* a thread blocked on it sees EBADF */
	irq_restore(s);
	return 0;
}

int shutdown(int fd, int how)
{
	int s = irq_disable();
	if (!getsock(fd))
		return fail(s, EBADF);
	if (how < SHUT_RD || how > SHUT_RDWR)
		return fail(s, EINVAL);
	irq_restore(s);
	return 0;
}

static int name_out(uint32_t a, uint16_t port, struct sockaddr *addr, socklen_t *len)
{
	if (!addr || !len)
		return EINVAL;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr = { a } };
	memcpy(addr, &sin, *len < sizeof sin ? *len : sizeof sin);
	*len = sizeof sin;
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if ((e = name_out(sk->laddr, sk->lport, addr, len)))
		return fail(s, e);
	irq_restore(s);
	return 0;
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (!sk->connected)
		return fail(s, ENOTCONN);
	if ((e = name_out(sk->raddr, sk->rport, addr, len)))
		return fail(s, e);
	irq_restore(s);
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int s = irq_disable();
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (level != SOL_SOCKET)
		return fail(s, ENOPROTOOPT);
	switch (name) {
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		if (!val || len < sizeof(struct timeval))
			return fail(s, EINVAL);
		const struct timeval *tv = val;
		if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
			return fail(s, EINVAL);
		*(name == SO_RCVTIMEO ? &sk->rcvtimeo_ns : &sk->sndtimeo_ns) = tv_ns(tv);
		break;
	case SO_REUSEADDR:
	case SO_BROADCAST:
		if (!val || len < sizeof(int))
			return fail(s, EINVAL);
		break;
	default:
		return fail(s, ENOPROTOOPT);
	}
	irq_restore(s);
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int s = irq_disable();
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (level != SOL_SOCKET)
		return fail(s, ENOPROTOOPT);
	if (!val || !len)
		return fail(s, EINVAL);
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		uint64_t ns = name == SO_RCVTIMEO ? sk->rcvtimeo_ns : sk->sndtimeo_ns;
		struct timeval tv = { (time_t)(ns / 1000000000u),
				      (suseconds_t)(ns % 1000000000u / 1000u) };
		if (*len < sizeof tv)
			return fail(s, EINVAL);
		memcpy(val, &tv, sizeof tv);
		*len = sizeof tv;
	} else {
		int v;
		if (name == SO_ERROR)
			v = take_error(sk);
		else if (name == SO_RCVBUF)
			v = (int)(NET_SOCK_RXQ * IP_MAX);
		else
			return fail(s, ENOPROTOOPT);
		if (*len < sizeof v)
			return fail(s, EINVAL);
		memcpy(val, &v, sizeof v);
		*len = sizeof v;
	}
	irq_restore(s);
	return 0;
}

int net_recv_ttl(int fd)
{
	struct sock *sk = getsock(fd);
	return sk ? sk->last_ttl : -1;
}

int sock_deliver(enum sock_kind kind, uint16_t port, uint32_t src, uint16_t sport,
		 struct pbuf *pb)
{
	for (uint32_t i = 0; i < NET_SOCKETS; i++) {
		struct sock *sk = &socks[i];
		if (!sk->used || sk->kind != kind || sk->lport != port)
			continue;
		if (sk->connected && kind == SK_UDP && (sk->raddr != src || sk->rport != sport))
			continue;
		if (sk->rxq.n >= NET_SOCK_RXQ) {
			net.c.sock_rx_drops++;
			pbuf_free(pb);
			return 1;
		}
		pb->src = src;
		pb->sport = sport;
		pbq_push(&sk->rxq, pb);
		net_wakeup_all();
		return 0;
	}
	return -1;
}

void sock_set_error(int8_t owner, uint32_t gen, int err)
{
	if (owner < 0 || owner >= (int)NET_SOCKETS)
		return;
	struct sock *sk = &socks[owner];
	if (sk->used && sk->gen == gen)
		sk->err = err;
}

short sock_poll(int fd, short mask)
{
	struct sock *sk = getsock(fd);
	short r = 0;

	if (!sk)
		return POLLNVAL;
	if ((mask & POLLIN) && sk->rxq.head)
		r |= POLLIN;
	if ((mask & POLLOUT) && nic_tx_room())
		r |= POLLOUT;
	if (sk->err)
		r |= POLLERR | (mask & POLLIN);
	return r;
}
