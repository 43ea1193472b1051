/* socket.c - BSD sockets: TCP streams (over tcp.c), UDP datagrams, and ICMP echo ("ping")
 * sockets as Linux has them. */
#include <netinet/tcp.h>
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
	struct tcb *tcb;         /* TCP: the connection or listener, NULL before connect/listen */
	int child;               /* TCP: made by accept (shares its listener's port) */
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
		if (socks[i].used && socks[i].kind == kind && socks[i].lport == port &&
		    !socks[i].child)
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
		if (!port_used(sk->kind, p) && !(sk->kind == SK_TCP && tcp_port_busy(p))) {
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
	if (!e && sk->tcb) {
		e = sk->tcb->err;
		sk->tcb->err = 0;
	}
	return e;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
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

/* --- TCP's side of the calls ------------------------------------------------------------- */

static uint64_t deadline_of(uint64_t timeo_ns)
{
	return timeo_ns ? now_ns() + timeo_ns : NET_FOREVER;
}

/* Can the connection take data from send? */
static int tcp_can_send(const struct tcb *tp)
{
	return (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_CLOSE_WAIT) && !tp->fin_queued;
}

static int tcp_sock_connect(int s, struct sock *sk, const struct sockaddr *addr, socklen_t len)
{
	int e;

	if ((e = check_sin(addr, len)))
		return fail(s, e);
	if (sk->tcb) {
		if (sk->tcb->state == TCPS_SYN_SENT || sk->tcb->state == TCPS_SYN_RCVD)
			return fail(s, EALREADY);
		return fail(s, sk->tcb->state == TCPS_LISTEN ? EINVAL : EISCONN);
	}
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	uint32_t dst = sin->sin_addr.s_addr;
	uint16_t dport = ntohs(sin->sin_port);
	if (dport == 0 || dst == 0)
		return fail(s, dst ? EINVAL : ENETUNREACH);
	if (autobind(sk) < 0)
		return fail(s, EADDRINUSE);
	struct tcb *tp = tcp_new();
	if (!tp)
		return fail(s, ENOBUFS);
	tp->sock = (int)(sk - socks);
	tp->laddr = sk->laddr ? sk->laddr : ip_is_local(dst) && dst != net.addr ? dst : net.addr;
	tp->lport = sk->lport;
	if ((e = tcp_connect(tp, dst, dport))) {
		tp->sock = -1;
		return fail(s, e);
	}
	sk->tcb = tp;
	sk->raddr = dst;
	sk->rport = dport;
	sk->connected = 1;
	if (sk->nonblock && tp->state == TCPS_SYN_SENT)
		return fail(s, EINPROGRESS);
	uint64_t deadline = deadline_of(sk->sndtimeo_ns);
	while (tp->state == TCPS_SYN_SENT || tp->state == TCPS_SYN_RCVD) {
		if (now_ns() >= deadline)
			return fail(s, ETIMEDOUT);
		net_wait(deadline);
		if (!sk->used)
			return fail(s, EBADF);
	}
	if (tp->state == TCPS_CLOSED) {
		e = take_error(sk);
		tp->sock = -1; /* the slot is free again; the socket may connect anew */
		sk->tcb = NULL;
		sk->connected = 0;
		return fail(s, e ? e : ECONNREFUSED);
	}
	irq_restore(s);
	return 0;
}

int listen(int fd, int backlog)
{
	if (net_init() < 0)
		return -1;
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (sk->kind != SK_TCP)
		return fail(s, EOPNOTSUPP);
	if (sk->tcb && sk->tcb->state != TCPS_LISTEN)
		return fail(s, EINVAL);
	uint32_t b = backlog < 1 ? 1u : (uint32_t)backlog;
	if (sk->tcb) {
		if ((e = tcp_listen(sk->tcb, b)))
			return fail(s, e);
		irq_restore(s);
		return 0;
	}
	if (autobind(sk) < 0)
		return fail(s, EADDRINUSE);
	struct tcb *tp = tcp_new();
	if (!tp)
		return fail(s, ENOBUFS);
	tp->sock = (int)(sk - socks);
	tp->laddr = sk->laddr;
	tp->lport = sk->lport;
	if ((e = tcp_listen(tp, b))) {
		tp->sock = -1;
		return fail(s, e);
	}
	sk->tcb = tp;
	irq_restore(s);
	return 0;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (net_init() < 0)
		return -1;
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (sk->kind != SK_TCP)
		return fail(s, EOPNOTSUPP);
	if (!sk->tcb || sk->tcb->state != TCPS_LISTEN)
		return fail(s, EINVAL);
	uint32_t i;
	for (i = 0; i < NET_SOCKETS && socks[i].used; i++)
		;
	if (i == NET_SOCKETS)
		return fail(s, EMFILE);
	uint64_t deadline = deadline_of(sk->rcvtimeo_ns);
	struct tcb *tp;
	while (!(tp = tcp_accept(sk->tcb))) {
		if ((e = take_error(sk)))
			return fail(s, e);
		if (sk->nonblock || now_ns() >= deadline)
			return fail(s, EAGAIN);
		net_wait(deadline);
		if (!sk->used || !sk->tcb)
			return fail(s, EBADF);
		if (socks[i].used) /* another thread took the slot meanwhile: find another */
			for (i = 0; i < NET_SOCKETS && socks[i].used; i++)
				;
		if (i == NET_SOCKETS)
			return fail(s, EMFILE);
	}
	struct sock *c = &socks[i];
	uint32_t gen = c->gen;
	*c = (struct sock){ .used = 1, .gen = gen, .kind = SK_TCP, .last_ttl = -1, .tcb = tp,
			    .child = 1, .lport = tp->lport, .laddr = tp->laddr, .raddr = tp->raddr,
			    .rport = tp->rport, .connected = 1 };
	tp->sock = (int)i;
	if (addr && len && (e = name_out(tp->raddr, tp->rport, addr, len)))
		return fail(s, e);
	irq_restore(s);
	return NET_FD_BASE + (int)i;
}

static ssize_t tcp_sock_send(int s, struct sock *sk, const void *buf, size_t len, int flags)
{
	struct tcb *tp = sk->tcb;
	const uint8_t *p = buf;
	size_t done = 0;
	int e;

	if (!tp || tp->state == TCPS_LISTEN)
		return fail(s, ENOTCONN);
	uint64_t deadline = deadline_of(sk->sndtimeo_ns);
	int nb = sk->nonblock || (flags & MSG_DONTWAIT);
	for (;;) {
		if (tp->state == TCPS_SYN_SENT || tp->state == TCPS_SYN_RCVD) {
			if (nb)
				return fail(s, EAGAIN);
		} else if (!tcp_can_send(tp)) {
			if (done)
				break;
			if ((e = take_error(sk)))
				return fail(s, e);
			return fail(s, EPIPE);
		} else {
			done += tcp_write(tp, p + done, (uint32_t)(len - done));
			if (done == len)
				break;
			if (nb) {
				if (done)
					break;
				return fail(s, EAGAIN);
			}
		}
		if (now_ns() >= deadline) {
			if (done)
				break;
			return fail(s, EAGAIN);
		}
		net_wait(deadline);
		if (!sk->used)
			return fail(s, EBADF);
	}
	irq_restore(s);
	return (ssize_t)done;
}

static ssize_t tcp_sock_recv(int s, struct sock *sk, void *buf, size_t len, int flags,
			     struct sockaddr *from, socklen_t *fromlen)
{
	struct tcb *tp = sk->tcb;
	int e;

	if (!tp || tp->state == TCPS_LISTEN)
		return fail(s, ENOTCONN);
	uint64_t deadline = deadline_of(sk->rcvtimeo_ns);
	for (;;) {
		if (tp->rcv.len && len) {
			uint32_t n = tcp_read(tp, buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
					      (flags & MSG_PEEK) != 0);
			if (from && fromlen)
				name_out(tp->raddr, tp->rport, from, fromlen);
			irq_restore(s);
			return (ssize_t)n;
		}
		if ((e = take_error(sk)))
			return fail(s, e);
		if (tp->rcvd_fin || tp->shut_rd || tp->state == TCPS_CLOSED || !len)
			break;
		if (sk->nonblock || (flags & MSG_DONTWAIT) || now_ns() >= deadline)
			return fail(s, EAGAIN);
		net_wait(deadline);
		if (!sk->used)
			return fail(s, EBADF);
	}
	irq_restore(s);
	return 0;
}

static short tcp_sock_poll(struct sock *sk, short mask)
{
	struct tcb *tp = sk->tcb;
	short r = 0;

	if (!tp)
		return POLLHUP | (mask & POLLOUT);
	if (tp->state == TCPS_LISTEN)
		return (mask & POLLIN) && tcp_acceptable(tp) ? POLLIN : 0;
	int closed = tp->state == TCPS_CLOSED;
	if ((mask & POLLIN) && (tp->rcv.len || tp->rcvd_fin || tp->shut_rd || closed))
		r |= POLLIN;
	if ((mask & POLLOUT) && ((tcp_can_send(tp) && tp->snd.len < tp->snd.size) || closed))
		r |= POLLOUT;
	if (closed || (tp->rcvd_fin && tp->fin_queued))
		r |= POLLHUP;
	if (tp->err)
		r |= POLLERR;
	return r;
}

int net_tcp_state(int fd)
{
	struct sock *sk = getsock(fd);
	if (!sk || sk->kind != SK_TCP)
		return -1;
	return sk->tcb ? sk->tcb->state : TCPS_CLOSED;
}

int socket(int domain, int type, int protocol)
{
	if (net_init() < 0)
		return -1;
	if (domain != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	int stype = type & ~SOCK_NONBLOCK;
	if (stype != SOCK_DGRAM && stype != SOCK_STREAM) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	enum sock_kind kind;
	if (stype == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP))
		kind = SK_TCP;
	else if (stype == SOCK_STREAM) {
		errno = EPROTONOSUPPORT;
		return -1;
	} else if (protocol == 0 || protocol == IPPROTO_UDP)
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
	if (sk->kind == SK_TCP)
		return tcp_sock_connect(s, sk, addr, len);
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
	if (sk->kind == SK_TCP)
		return tcp_sock_send(s, sk, buf, len, flags);
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
	if (sk->kind == SK_TCP)
		return tcp_sock_recv(s, sk, buf, len, flags, from, fromlen);
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
	if (sk->tcb)
		tcp_close(sk->tcb);
	uint32_t gen = sk->gen + 1u;
	*sk = (struct sock){ .gen = gen };
	net_wakeup_all(); /* a thread blocked on it sees EBADF */
	irq_restore(s);
	return 0;
}

int shutdown(int fd, int how)
{
	int s = irq_disable();
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	if (how < SHUT_RD || how > SHUT_RDWR)
		return fail(s, EINVAL);
	if (sk->kind == SK_TCP) {
		if (!sk->tcb || sk->tcb->state == TCPS_LISTEN || sk->tcb->state == TCPS_CLOSED)
			return fail(s, ENOTCONN);
		tcp_shut(sk->tcb, how);
	}
	irq_restore(s);
	return 0;
}


int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	int s = irq_disable(), e;
	struct sock *sk = getsock(fd);
	if (!sk)
		return fail(s, EBADF);
	uint32_t a = sk->tcb && sk->tcb->laddr ? sk->tcb->laddr : sk->laddr;
	if ((e = name_out(a, sk->lport, addr, len)))
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
	if (level == IPPROTO_TCP && sk->kind == SK_TCP && name == TCP_NODELAY) {
		if (!val || len < sizeof(int))
			return fail(s, EINVAL);
		irq_restore(s);
		return 0; /* never delayed anyway */
	}
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
	if (!val || !len)
		return fail(s, EINVAL);
	if (level == IPPROTO_TCP && sk->kind == SK_TCP &&
	    (name == TCP_NODELAY || name == TCP_MAXSEG)) {
		int v = name == TCP_NODELAY ? 1 : sk->tcb ? (int)sk->tcb->mss : (int)NET_TCP_MSS;
		if (*len < sizeof v)
			return fail(s, EINVAL);
		memcpy(val, &v, sizeof v);
		*len = sizeof v;
		irq_restore(s);
		return 0;
	}
	if (level != SOL_SOCKET)
		return fail(s, ENOPROTOOPT);
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
			v = sk->kind == SK_TCP ? (int)NET_TCP_RCVBUF : (int)(NET_SOCK_RXQ * IP_MAX);
		else if (name == SO_SNDBUF && sk->kind == SK_TCP)
			v = (int)NET_TCP_SNDBUF;
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
	if (sk->kind == SK_TCP)
		return tcp_sock_poll(sk, mask);
	if ((mask & POLLIN) && sk->rxq.head)
		r |= POLLIN;
	if ((mask & POLLOUT) && nic_tx_room())
		r |= POLLOUT;
	if (sk->err)
		r |= POLLERR | (mask & POLLIN);
	return r;
}
