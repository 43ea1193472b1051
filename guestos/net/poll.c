/* poll.c - poll(2) over sockets: check, and sleep until the stack has news or time is up. */
#include <poll.h>

#include "guestos/net/net_defs.h"
#include "irq.h"

static int scan(struct pollfd *fds, nfds_t nfds)
{
	int ready = 0;

	for (nfds_t i = 0; i < nfds; i++) {
		fds[i].revents = fds[i].fd < 0 ? 0 : sock_poll(fds[i].fd, fds[i].events);
		if (fds[i].revents)
			ready++;
	}
	return ready;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	if (nfds && !fds) {
		errno = EINVAL;
		return -1;
	}
	if (net_init() < 0)
		return -1;
	int s = irq_disable();
	uint64_t deadline = timeout < 0 ? NET_FOREVER : now_ns() + (uint64_t)timeout * 1000000u;
	int ready;
	/* Every event that could change an answer (a datagram queued, room in the backlog, an
	 * error) wakes the stack's waiters, so sleeping between scans loses nothing. */
	while ((ready = scan(fds, nfds)) == 0 && now_ns() < deadline)
		net_wait(deadline);
	irq_restore(s);
	return ready;
}
