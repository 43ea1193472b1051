/* httpd.c - a static HTTP/1.1 server from memory, one per VM: the Denali paper's workload.
 *
 *   httpd [PORT] [-n RESPONSES] [-q QUIET_MS] [-b BACKLOG]
 *
 * Serves /index.html (also /), /2258.bin and /134007.bin (examples/webobj.c) on PORT (default
 * 80) to up to HTTPD_CONNS connections at once, one thread, poll(2) over them all. GET and HEAD;
 * keep-alive (HTTP/1.1's default, or HTTP/1.0 with "Connection: keep-alive") and pipelined
 * requests; every response has a Content-Length; a connection idle for HTTPD_IDLE_MS (5 s) is
 * closed. Unknown paths get 404, other methods 405, a malformed request 400, a request line
 * over HTTPD_LINE_MAX bytes 414 and a head over HTTPD_HEAD_MAX 431, each closing the
 * connection; nothing a client sends makes it crash. With -n it exits after that many responses
 * (once they are sent), with -q after QUIET_MS of system time with no connection open and none
 * coming; either way it prints what it served and the stack's counters. BACKLOG (default 64)
 * is listen's: guestos reserves a connection's buffers (32 KiB) for each, so in a small VM it
 * halves the backlog until the reservation fits. With nothing to do the VM IDLEs in poll until
 * a connection, a TCP timer or an idle connection's time needs it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "netinet/tcp.h"
#include "timer.h"
#include "webobj.h"

#define HTTPD_CONNS 60       /* connections served at once (the listener takes one socket more) */
#define HTTPD_LINE_MAX 2048  /* bytes of request line */
#define HTTPD_HEAD_MAX 8192  /* bytes of request line and headers */
#define HTTPD_IDLE_MS 5000   /* a keep-alive connection with nothing to do is closed after this */

struct conn {
	int fd;                  /* -1: a free slot */
	char req[HTTPD_HEAD_MAX];
	size_t got;              /* bytes in req */
	char head[256];          /* the response's status line and headers */
	size_t head_len, head_sent;
	const uint8_t *body;
	size_t body_len, body_sent;
	int close_after;         /* close once the response is out */
	uint64_t active;         /* system time it last moved a byte */
};

static struct conn conns[HTTPD_CONNS];
static unsigned long responses, by_class[6], accepted;

static void drop(struct conn *c)
{
	close(c->fd);
	c->fd = -1;
}

/* Queue a response on c. body may be NULL (HEAD, or an error's short text). */
static void respond(struct conn *c, int status, const char *reason, const char *type,
		    const uint8_t *body, size_t len, int head_only, int close_after)
{
	c->head_len = (size_t)snprintf(c->head, sizeof(c->head),
				       "HTTP/1.1 %d %s\r\nServer: denali-httpd\r\nContent-Type: %s\r\n"
				       "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
				       status, reason, type, len, close_after ? "close" : "keep-alive");
	c->head_sent = 0;
	c->body = head_only ? NULL : body;
	c->body_len = head_only ? 0 : len;
	c->body_sent = 0;
	c->close_after = close_after;
	responses++;
	by_class[status / 100]++;
}

static void error(struct conn *c, int status, const char *reason)
{
	static const char text[] = "error\n";
	respond(c, status, reason, "text/plain", (const uint8_t *)text, sizeof(text) - 1, 0, 1);
	c->got = 0;
}

/* The value of header name in [h, end), or NULL; its length in *len. */
static const char *header(const char *h, const char *end, const char *name, size_t *len)
{
	size_t n = strlen(name);
	while (h < end) {
		const char *eol = memchr(h, '\r', (size_t)(end - h));
		if (!eol)
			eol = end;
		if ((size_t)(eol - h) > n && h[n] == ':' && !strncasecmp(h, name, n)) {
			const char *v = h + n + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*len = (size_t)(eol - v);
			return v;
		}
		h = eol + 2;
	}
	return NULL;
}

/* A whole request is in c->req (through its blank line, ending at head_end): answer it and
 * keep what follows (a pipelined request). */
static void serve(struct conn *c, size_t head_end)
{
	const char *r = c->req, *line_end = memchr(r, '\r', head_end);
	const char *sp1 = line_end ? memchr(r, ' ', (size_t)(line_end - r)) : NULL;
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
	if (!sp2 || sp2 == sp1 + 1 || sp1[1] != '/' || line_end - sp2 != 9 || strncmp(sp2 + 1, "HTTP/1.", 7) ||
	    (sp2[8] != '0' && sp2[8] != '1')) {
		error(c, 400, "Bad Request");
		return;
	}
	if (line_end - r > HTTPD_LINE_MAX) {
		error(c, 414, "URI Too Long");
		return;
	}
	int http10 = sp2[8] == '0', head_only = sp1 - r == 4 && !memcmp(r, "HEAD", 4);
	size_t vlen;
	const char *conn = header(line_end + 2, r + head_end, "Connection", &vlen);
	int close_after = http10 ? !(conn && vlen == 10 && !strncasecmp(conn, "keep-alive", 10))
				 : (conn && vlen == 5 && !strncasecmp(conn, "close", 5));
	if (!head_only && !(sp1 - r == 3 && !memcmp(r, "GET", 3))) {
		error(c, 405, "Method Not Allowed");
		return;
	}
	const char *path = sp1 + 1, *q = memchr(path, '?', (size_t)(sp2 - path));
	const struct webobj *o = webobj_find(path, (size_t)((q ? q : sp2) - path));
	if (!o) {
		static const char text[] = "not found\n";
		respond(c, 404, "Not Found", "text/plain", (const uint8_t *)text, sizeof(text) - 1, head_only,
			close_after);
	} else {
		respond(c, 200, "OK", o->type, o->body, o->len, head_only, close_after);
	}
	memmove(c->req, c->req + head_end, c->got - head_end);
	c->got -= head_end;
}

/* Look for a whole request in what c has read. */
static void parse(struct conn *c)
{
	for (size_t i = 0; i + 3 < c->got; i++)
		if (!memcmp(c->req + i, "\r\n\r\n", 4)) {
			serve(c, i + 4);
			return;
		}
	const char *eol = memchr(c->req, '\n', c->got);
	if ((!eol && c->got > HTTPD_LINE_MAX) || (eol && eol - c->req > HTTPD_LINE_MAX))
		error(c, 414, "URI Too Long");
	else if (c->got == sizeof(c->req))
		error(c, 431, "Request Header Fields Too Large");
}

static int sending(const struct conn *c)
{
	return c->head_sent < c->head_len || c->body_sent < c->body_len;
}

/* Send what the socket takes; 0, or -1 when the connection is done with. */
static int pump(struct conn *c)
{
	while (sending(c)) {
		int in_head = c->head_sent < c->head_len;
		const void *p = in_head ? (const void *)(c->head + c->head_sent) : (const void *)(c->body + c->body_sent);
		size_t n = in_head ? c->head_len - c->head_sent : c->body_len - c->body_sent;
		ssize_t k = send(c->fd, p, n, MSG_DONTWAIT);
		if (k < 0)
			return errno == EAGAIN ? 0 : -1;
		*(in_head ? &c->head_sent : &c->body_sent) += (size_t)k;
	}
	if (c->close_after)
		return -1;
	c->head_len = c->head_sent = c->body_len = c->body_sent = 0;
	if (c->got)
		parse(c); /* the next pipelined request, if whole */
	return 0;
}

/* Read what waits; 0, or -1 when the peer closed or failed. */
static int take(struct conn *c)
{
	while (!sending(c) && c->got < sizeof(c->req)) {
		ssize_t k = recv(c->fd, c->req + c->got, sizeof(c->req) - c->got, MSG_DONTWAIT);
		if (k == 0)
			return -1;
		if (k < 0)
			return errno == EAGAIN ? 0 : -1;
		c->got += (size_t)k;
		parse(c);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int port = 80;
	unsigned long limit = 0;
	int quiet_ms = -1, backlog = 64;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-q") && i + 1 < argc)
			quiet_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			backlog = atoi(argv[++i]);
		else if (argv[i][0] >= '1' && argv[i][0] <= '9')
			port = atoi(argv[i]);
	}
	size_t nobj;
	if (!webobj_all(&nobj)) {
		printf("httpd: out of memory for the objects\n");
		return 1;
	}
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		printf("httpd: cannot bind port %d: errno %d\n", port, errno);
		return 1;
	}
	/* A small VM cannot reserve buffers for a long backlog: take the longest it can. */
	while (listen(lfd, backlog) < 0) {
		if (errno != ENOMEM && errno != ENOBUFS)
			backlog = 0;
		if (backlog <= 1) {
			printf("httpd: cannot listen on port %d: errno %d\n", port, errno);
			return 1;
		}
		backlog /= 2;
	}
	printf("httpd: serving %zu objects on port %d (backlog %d)\n", nobj, port, backlog);
	for (int i = 0; i < HTTPD_CONNS; i++)
		conns[i].fd = -1;
	struct pollfd fds[HTTPD_CONNS + 1];
	int slot_of[HTTPD_CONNS + 1];
	for (;;) {
		int done = limit && responses >= limit, busy = 0;
		for (int i = 0; i < HTTPD_CONNS; i++)
			busy |= conns[i].fd >= 0 && sending(&conns[i]);
		if (done && !busy)
			break; /* -n reached, and every response is out */
		nfds_t n = 0;
		int open = 0;
		fds[n++] = (struct pollfd){ done ? -1 : lfd, POLLIN, 0 };
		for (int i = 0; i < HTTPD_CONNS; i++) {
			if (conns[i].fd < 0)
				continue;
			open++;
			slot_of[n] = i;
			fds[n++] = (struct pollfd){ conns[i].fd, sending(&conns[i]) ? POLLOUT : POLLIN, 0 };
		}
			/* Wait for the next event, or until the first idle connection's time is up. */
		uint64_t now = now_ns(), first_idle = UINT64_MAX;
		for (int i = 0; i < HTTPD_CONNS; i++)
			if (conns[i].fd >= 0 && conns[i].active < first_idle)
				first_idle = conns[i].active;
		int wait = open ? (int)((first_idle + HTTPD_IDLE_MS * 1000000ull > now
						 ? first_idle + HTTPD_IDLE_MS * 1000000ull - now : 0) / 1000000u + 1)
				: quiet_ms;
		int ready = poll(fds, n, wait);
		if (ready == 0 && !open)
			break; /* quiet for QUIET_MS */
		now = now_ns();
		for (int i = 0; i < HTTPD_CONNS; i++) /* idle keep-alive connections go */
			if (conns[i].fd >= 0 && !sending(&conns[i]) && now - conns[i].active >= HTTPD_IDLE_MS * 1000000ull)
				drop(&conns[i]);
		if (fds[0].revents & POLLIN) {
			for (int i = 0; i < HTTPD_CONNS; i++) {
				if (conns[i].fd >= 0)
					continue;
				int fd = accept(lfd, NULL, NULL);
				if (fd < 0)
					break;
				conns[i].fd = fd;
				conns[i].got = 0;
				conns[i].head_len = conns[i].head_sent = conns[i].body_len = conns[i].body_sent = 0;
				conns[i].active = now_ns();
				accepted++;
			}
		}
		for (nfds_t k = 1; k < n; k++) {
			struct conn *c = &conns[slot_of[k]];
			if (!fds[k].revents || c->fd < 0)
				continue;
			c->active = now_ns();
			if (take(c) < 0 || pump(c) < 0)
				drop(c);
		}
	}
	/* Close everything and give the last bytes and FINs time to be acknowledged: when the
	 * program ends its VM ends, and with it what TCP had not yet delivered. */
	for (int i = 0; i < HTTPD_CONNS; i++)
		if (conns[i].fd >= 0)
			drop(&conns[i]);
	close(lfd);
	uint64_t give_up = now_ns() + 3000000000ull;
	while (net_tcp_count(TCPS_ESTABLISHED) + net_tcp_count(TCPS_CLOSE_WAIT) + net_tcp_count(TCPS_FIN_WAIT_1) +
		       net_tcp_count(TCPS_CLOSING) + net_tcp_count(TCPS_LAST_ACK) && now_ns() < give_up)
		sleep_us(1000);
	printf("httpd: served %lu responses (%lu 2xx, %lu 4xx) on %lu connections\n", responses,
	       by_class[2], by_class[4], accepted);
	net_print_counters();
	return 0;
}
