/* loadgen.c - an httperf-like load generator guest for examples/httpd.c.
 *
 *   loadgen SERVERS [-c CONNS] [-n REQUESTS] [-r RATE] [-a ALPHA] [-p PATH] [-k] [-w WARMUP]
 *           [-t SECONDS]
 *
 * Keeps CONNS (default 10) requests in flight, closed loop, until REQUESTS (default 1000) have
 * been answered or failed. With -r it is an open loop instead, as httperf's --rate: request k
 * is due RATE-ths of a second after the start times k (system time) and begins then, or as
 * soon as one of the CONNS slots is free if all are busy; its latency counts from its start. Each request goes to one of the SERVERS server VMs, VM s at
 * 10.0.0.(s + 1), chosen with Zipf popularity of parameter ALPHA (default 1.0; 0 is uniform):
 * VM s is asked with probability proportional to 1 / (s + 1)^ALPHA, drawn from page 0's seed, so
 * a run is reproducible. PATH defaults to /2258.bin. Each request opens its own connection, as
 * httperf's default does; -k keeps a connection per slot to the server it first chose.
 * With -w, WARMUP requests go first and are not counted: the figures start when the last of them
 * ends (a run under a memory budget first pages its servers in). Without a reply, a sent
 * request, or a connection for SECONDS of system time (-t, default 5) the rest count as failed.
 * At the end it prints requests, errors, requests per second and latency percentiles, all in
 * system time, as one "loadgen: key value ..." line a script can read, and again as an
 * "@stat" line that --stats DIR gathers into DIR/guest-stats.csv. Exit status 0 when no request
 * failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "net.h"
#include "timer.h"

#define LOADGEN_CONNS_MAX 60
#define LOADGEN_SERVERS_MAX 100000

enum state { IDLE, CONNECTING, SENDING, READING };

struct slot {
	enum state st;
	int fd;
	uint32_t server;
	uint64_t started;       /* system time the request began (connect, or send with -k) */
	char req[160];
	size_t req_len, sent;
	char head[1024];
	size_t head_got;
	long body_left;         /* -1 until the head is in */
};

static struct slot slots[LOADGEN_CONNS_MAX];
static double *cdf;         /* cdf[s]: the probability of asking servers 0..s */
static uint32_t nservers;
static uint64_t rng;
static const char *path = "/2258.bin";
static int keep_alive;
static uint32_t *lat_us;    /* every answered request's latency */
static uint32_t answered, failed, started_n, wanted;
static uint32_t warmup;      /* -w: requests ended before the figures start */
static uint32_t warmup_answered; /* how many of those were answered */

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* x^-alpha = 2^(-alpha * log2 x) on the x87: FYL2X, then F2XM1 and FSCALE for the power. */
static double inv_pow(double x, double alpha)
{
	double r;
	__asm__("fyl2x\n\t"          /* st0 = -alpha * log2(x) */
		"fld %%st(0)\n\t"
		"frndint\n\t"        /* st0 = n, st1 = t */
		"fsubr %%st(0), %%st(1)\n\t" /* st1 = t - n */
		"fxch\n\t"
		"f2xm1\n\t"
		"fld1\n\t"
		"faddp\n\t"          /* 2^(t - n) */
		"fscale\n\t"         /* times 2^n */
		"fstp %%st(1)"
		: "=t"(r)
		: "0"(x), "u"(-alpha)
		: "st(1)");
	return r;
}

static int zipf_init(double alpha)
{
	cdf = malloc(nservers * sizeof(*cdf));
	if (!cdf)
		return -1;
	double sum = 0;
	for (uint32_t s = 0; s < nservers; s++)
		cdf[s] = (sum += alpha == 0 ? 1.0 : inv_pow((double)(s + 1), alpha));
	for (uint32_t s = 0; s < nservers; s++)
		cdf[s] /= sum;
	return 0;
}

static uint32_t zipf_pick(void)
{
	double u = (double)(next_rand() >> 11) / 9007199254740992.0; /* [0, 1) */
	uint32_t lo = 0, hi = nservers - 1;
	while (lo < hi) { /* the first s with cdf[s] > u */
		uint32_t mid = lo + (hi - lo) / 2;
		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void finish(struct slot *sl, int ok)
{
	if (ok && answered + failed >= warmup)
		lat_us[answered++ - warmup_answered] = (uint32_t)((now_ns() - sl->started) / 1000u);
	else if (ok)
		answered++, warmup_answered++;
	else
		failed++;
	if (!ok || !keep_alive) {
		close(sl->fd);
		sl->fd = -1;
	}
	sl->st = IDLE;
}

/* Begin the next request on sl (a new connection unless -k keeps one). */
static void begin(struct slot *sl)
{
	started_n++;
	sl->started = now_ns();
	sl->head_got = 0;
	sl->body_left = -1;
	sl->sent = 0;
	if (sl->fd >= 0) {
		sl->st = SENDING;
		return;
	}
	sl->server = zipf_pick();
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(80) };
	to.sin_addr.s_addr = htonl(0x0A000000u + sl->server + 1);
	sl->req_len = (size_t)snprintf(sl->req, sizeof(sl->req), "GET %s HTTP/1.1\r\nHost: 10.0.0.%u\r\n%s\r\n", path,
				       (unsigned)(sl->server + 1), keep_alive ? "" : "Connection: close\r\n");
	sl->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (sl->fd < 0) {
		failed++;
		sl->st = IDLE;
		return;
	}
	if (connect(sl->fd, (struct sockaddr *)&to, sizeof(to)) == 0)
		sl->st = SENDING;
	else if (errno == EINPROGRESS)
		sl->st = CONNECTING;
	else
		finish(sl, 0);
}

/* The end of a response head in [p, p + n): its "\r\n\r\n", or NULL. */
static const char *memmem_crlf(const char *p, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++)
		if (!memcmp(p + i, "\r\n\r\n", 4))
			return p + i;
	return NULL;
}

/* A decimal such as "0.75" (no exponent): its value, or -1. */
static double decimal(const char *s)
{
	double v = 0, scale = 1;
	int digits = 0, point = 0;
	for (; *s; s++) {
		if (*s == '.' && !point) {
			point = 1;
		} else if (*s >= '0' && *s <= '9') {
			if (point)
				scale /= 10;
			v = point ? v + (*s - '0') * scale : v * 10 + (*s - '0');
			digits++;
		} else {
			return -1;
		}
	}
	return digits ? v : -1;
}

/* Take what the socket has: the head (for its Content-Length), then the body. */
static void reading(struct slot *sl)
{
	static char buf[16384];
	for (;;) {
		char *into = sl->body_left < 0 ? sl->head + sl->head_got : buf;
		size_t room = sl->body_left < 0 ? sizeof(sl->head) - sl->head_got : sizeof(buf);
		ssize_t k = recv(sl->fd, into, room, MSG_DONTWAIT);
		if (k < 0 && errno == EAGAIN)
			return;
		if (k <= 0 || (sl->body_left < 0 && (size_t)k == room && !memmem_crlf(sl->head, sl->head_got + (size_t)k))) {
			finish(sl, 0);
			return;
		}
		if (sl->body_left >= 0) {
			sl->body_left -= k;
		} else {
			sl->head_got += (size_t)k;
			const char *end = memmem_crlf(sl->head, sl->head_got);
			if (!end)
				continue;
			if (strncmp(sl->head, "HTTP/1.1 200", 12)) {
				finish(sl, 0);
				return;
			}
			const char *cl = NULL;
			for (const char *h = sl->head; h < end; h++)
				if ((h == sl->head || h[-1] == '\n') && !strncasecmp(h, "Content-Length:", 15))
					cl = h + 15;
			if (!cl) {
				finish(sl, 0);
				return;
			}
			sl->body_left = strtol(cl, NULL, 10) - (long)(sl->head + sl->head_got - (end + 4));
		}
		if (sl->body_left <= 0) {
			finish(sl, sl->body_left == 0);
			return;
		}
	}
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int first = argc > 1 && !strcmp(argv[1], "loadgen") ? 2 : 1;
	uint32_t conns = 10, rate = 0, stall_s = 5;
	double alpha = 1.0;
	wanted = 1000;
	if (first >= argc || (nservers = (uint32_t)strtoul(argv[first], NULL, 10)) == 0 ||
	    nservers > LOADGEN_SERVERS_MAX) {
		printf("usage: loadgen SERVERS [-c CONNS] [-n REQUESTS] [-r RATE] [-a ALPHA] [-p PATH] [-k] "
		       "[-w WARMUP] [-t SECONDS]\n");
		return 2;
	}
	for (int i = first + 1; i < argc; i++) {
		if (!strcmp(argv[i], "-k"))
			keep_alive = 1;
		else if (i + 1 < argc && !strcmp(argv[i], "-c"))
			conns = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "-n"))
			wanted = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "-r"))
			rate = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "-a"))
			alpha = decimal(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "-p"))
			path = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "-w"))
			warmup = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "-t"))
			stall_s = (uint32_t)strtoul(argv[++i], NULL, 10);
	}
	if (conns == 0 || conns > LOADGEN_CONNS_MAX || wanted == 0 || alpha < 0 || alpha > 10 ||
	    rate > 1000000 || warmup > 1000000 || stall_s == 0 || stall_s > 3600) {
		printf("loadgen: -c takes 1 to %d, -n at least 1, -r at most 1000000, -a 0 to 10, "
		       "-w at most 1000000, -t 1 to 3600\n", LOADGEN_CONNS_MAX);
		return 2;
	}
	rng = dva_page0.seed | 1;
	lat_us = malloc(wanted * sizeof(*lat_us));
	if (!lat_us || zipf_init(alpha)) {
		printf("loadgen: out of memory\n");
		return 2;
	}
	for (uint32_t i = 0; i < conns; i++)
		slots[i] = (struct slot){ .st = IDLE, .fd = -1 };
	wanted += warmup;
	uint64_t t0 = now_ns(), counted_from = warmup ? 0 : t0;
	struct pollfd fds[LOADGEN_CONNS_MAX];
	uint64_t gap_ns = rate ? 1000000000ull / rate : 0;
	while (answered + failed < wanted) {
		if (!counted_from && answered + failed >= warmup)
			counted_from = now_ns(); /* the warm-up is over: the figures start */
		nfds_t n = 0;
		uint64_t now = now_ns();
		for (uint32_t i = 0; i < conns; i++) {
			struct slot *sl = &slots[i];
			if (sl->st == IDLE && started_n < wanted && (!rate || now >= t0 + started_n * gap_ns))
				begin(sl);
			short ev = sl->st == CONNECTING || sl->st == SENDING ? POLLOUT : sl->st == READING ? POLLIN : 0;
			fds[n++] = (struct pollfd){ ev ? sl->fd : -1, ev, 0 };
		}
		/* With -r, wake for the next request's time (to the millisecond above) if a slot is
		 * free for it. */
		int wait = (int)stall_s * 1000, pacing = 0;
		if (rate && started_n < wanted) {
			int free_slot = 0;
			for (uint32_t i = 0; i < conns; i++)
				free_slot |= slots[i].st == IDLE;
			uint64_t due = t0 + started_n * gap_ns, t = now_ns();
			uint64_t ms = due > t ? (due - t + 999999u) / 1000000u : 0;
			if (free_slot && ms < (uint64_t)wait)
				wait = (int)ms, pacing = 1;
		}
		if (poll(fds, n, wait) == 0 && !pacing)
			break; /* nothing moved for -t seconds of system time: the rest count as failed */
		for (uint32_t i = 0; i < conns; i++) {
			struct slot *sl = &slots[i];
			if (!fds[i].revents)
				continue;
			if (fds[i].revents & (POLLERR | POLLHUP) && sl->st != READING) {
				finish(sl, 0);
				continue;
			}
			if (sl->st == CONNECTING)
				sl->st = SENDING;
			if (sl->st == SENDING) {
				ssize_t k = send(sl->fd, sl->req + sl->sent, sl->req_len - sl->sent, MSG_DONTWAIT);
				if (k < 0 && errno != EAGAIN)
					finish(sl, 0);
				else if (k > 0 && (sl->sent += (size_t)k) == sl->req_len)
					sl->st = READING;
			} else if (sl->st == READING) {
				reading(sl);
			}
		}
	}
	failed += wanted - answered - failed;
	if (!counted_from)
		counted_from = now_ns();
	/* The figures leave the warm-up out: its requests, answered or not. */
	answered -= warmup_answered;
	failed -= warmup - warmup_answered < failed ? warmup - warmup_answered : failed;
	uint64_t us = (now_ns() - counted_from) / 1000u;
	qsort(lat_us, answered, sizeof(*lat_us), by_value);
#define PCT(p) (answered ? lat_us[(uint64_t)(answered - 1) * (p) / 100] : 0)
	printf("loadgen: requests %u errors %u us %llu rps %llu p50_us %u p90_us %u p99_us %u max_us %u\n",
	       (unsigned)answered, (unsigned)failed, (unsigned long long)us,
	       (unsigned long long)(us ? (uint64_t)answered * 1000000u / us : 0), (unsigned)PCT(50),
	       (unsigned)PCT(90), (unsigned)PCT(99), (unsigned)PCT(100));
	/* The same figures as an "@stat" line, which --stats gathers into guest-stats.csv. */
	printf("@stat requests %u errors %u us %llu p50_us %u p99_us %u\n", (unsigned)answered,
	       (unsigned)failed, (unsigned long long)us, (unsigned)PCT(50), (unsigned)PCT(99));
	net_print_counters();
	return failed != 0;
}
