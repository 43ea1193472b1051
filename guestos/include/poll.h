/* poll.h - wait for sockets to become readable or writable. */
#ifndef GUESTOS_POLL_H
#define GUESTOS_POLL_H

struct pollfd {
	int fd;        /* a socket; negative entries are skipped */
	short events;  /* what to wait for */
	short revents; /* what happened (POLLERR and POLLNVAL are always reported) */
};
typedef unsigned int nfds_t;

#define POLLIN 0x001   /* a datagram or a pending error can be received */
#define POLLOUT 0x004  /* a send would not wait for transmit space */
#define POLLERR 0x008  /* a pending error (SO_ERROR) */
#define POLLHUP 0x010
#define POLLNVAL 0x020 /* fd is not an open socket */

/* The number of entries with revents != 0, waiting up to timeout ms (-1 forever, 0 not at
 * all). The caller sleeps meanwhile; with nothing else to run the VM IDLEs. -1 and EINVAL
 * for a NULL fds with nfds > 0. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#endif
