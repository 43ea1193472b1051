/* n_tcp_hostile.c - a malformed-TCP neighbour cannot make another VM's stack fail. VM 0
 * (10.0.0.1) runs guestos's stack and serves port 9000; VM 2 (10.0.0.3) moves BYTES each way
 * on two connections to it, FNV-1a checked, the second one opened in the middle of the flood;
 * VM 1 (10.0.0.2) drives its NIC by hand and sends VM 0, in this order:
 *
 *   - a connection of its own (port 30000) that advertises window 0 forever and answers each
 *     zero-window probe with window 0 again;
 *   - segments with data offsets under 5 and beyond the segment, with good checksums;
 *   - segments with bad checksums (a SYN, an ACK and data on its connection);
 *   - SYNs with malformed MSS options (a zero length, a length past the header);
 *   - a SYN flood: FLOOD SYNs from as many source ports, never completed;
 *   - on its connection: RSTs below the window, past it and on its right edge, an ACK of data
 *     never sent, data past the window, an old ACK;
 *
 * and answers VM 0's ARP. VM 0 checks that VM 2's transfers are intact, that each kind of bad
 * segment was counted (exactly, where VM 2's clean traffic cannot add to the counter), that
 * the window-0 connection is still established and probed, and that the flood left the
 * listener working.
 *
 *   --vms 3 --console prefix --args "hostile BYTES"
 *
 * "ok NAME" / "FAIL NAME: got N" per check; exit 1 on a FAIL. */
#include <arpa/inet.h>
#include <errno.h>
#include <net.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

#define PORT 9000
#define ZPORT 30000u     /* the hostile VM's window-0 connection's port */
#define FLOOD 400u       /* SYNs in the flood */
#define FLOOD_PORT 40000u
#define FLOOD_GAP_US 20u /* between two SYNs of the flood */
#define N_BAD_OFFSET 6u  /* segments with a bad data offset that the hostile VM sends */
#define N_BAD_SUM 3u     /* ... with a bad checksum */
#define END_MS 2600u     /* the hostile VM stops answering here; VM 0 checks just before */
#define CHECK_MS 2500u

static uint32_t bytes = 1000000u;

/* --- the pattern both ends of a transfer know ------------------------------------------- */

static uint8_t pat(uint32_t seed, uint32_t i)
{
	uint32_t x = (i / 4u) * 2654435761u ^ seed;
	return (uint8_t)(x >> (8u * (i % 4u)));
}

static uint32_t fnv(uint32_t h, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t want(uint32_t seed)
{
	uint8_t b[256];
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < bytes; i += sizeof b) {
		uint32_t m = bytes - i < sizeof b ? bytes - i : sizeof b;
		for (uint32_t j = 0; j < m; j++)
			b[j] = pat(seed, i + j);
		h = fnv(h, b, m);
	}
	return h;
}

/* One transfer: send BYTES of pattern tx_seed, take BYTES that should be pattern rx_seed. */
struct conn {
	int fd;
	uint32_t tx_seed, rx_seed, sent, rcvd, hash;
	int done_tx, eof;
};

static void conn_start(struct conn *c, int fd, uint32_t tx_seed, uint32_t rx_seed)
{
	*c = (struct conn){ .fd = fd, .tx_seed = tx_seed, .rx_seed = rx_seed, .hash = 2166136261u };
}

static int conn_done(const struct conn *c)
{
	return c->done_tx && c->eof;
}

/* What poll said of c: send and receive what it allows. */
static void conn_step(struct conn *c, short revents)
{
	static uint8_t buf[4096];

	if ((revents & POLLOUT) && !c->done_tx) {
		uint32_t m = bytes - c->sent < sizeof buf ? bytes - c->sent : sizeof buf;
		for (uint32_t j = 0; j < m; j++)
			buf[j] = pat(c->tx_seed, c->sent + j);
		ssize_t r = send(c->fd, buf, m, MSG_DONTWAIT);
		if (r > 0)
			c->sent += (uint32_t)r;
		if (c->sent == bytes) {
			shutdown(c->fd, SHUT_WR);
			c->done_tx = 1;
		}
	}
	if (!c->eof && (revents & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t r = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (r > 0) {
			c->hash = fnv(c->hash, buf, (uint32_t)r);
			c->rcvd += (uint32_t)r;
		} else if (r == 0 || errno != EAGAIN) {
			c->eof = 1;
		}
	}
}

static int conn_intact(const struct conn *c)
{
	return c->rcvd == bytes && c->hash == want(c->rx_seed);
}

/* The seed of what a client at addr:port sends (the server sends it ^ 0x5A5A5A5A). */
static uint32_t seed_of(uint32_t addr, uint16_t port)
{
	return addr ^ port;
}

/* --- VM 0: the server --------------------------------------------------------------------- */

static int server(void)
{
	net_init();
	int lis = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	bind(lis, (struct sockaddr *)&me, sizeof me);
	check("server.listen", listen(lis, 8) == 0, errno);

	struct conn c[2];
	int nc = 0, zfd = -1;
	uint32_t zsent = 0;
	uint64_t check_at = (uint64_t)CHECK_MS * 1000000u;
	while (now_ns() < check_at) {
		struct pollfd pf[4] = { { .fd = lis, .events = POLLIN } };
		for (int i = 0; i < nc; i++) {
			pf[1 + i].fd = conn_done(&c[i]) ? -1 : c[i].fd;
			pf[1 + i].events = (short)((c[i].eof ? 0 : POLLIN) | (c[i].done_tx ? 0 : POLLOUT));
		}
		pf[3].fd = zfd;
		pf[3].events = POLLIN;
		uint64_t left = (check_at - now_ns()) / 1000000u;
		if (poll(pf, 4, (int)left + 1) <= 0)
			continue;
		if (pf[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			int fd = accept(lis, (struct sockaddr *)&from, &fl);
			uint32_t peer = ntohl(from.sin_addr.s_addr);
			if (fd >= 0 && peer == 0x0A000002u && zfd < 0) {
				/* The window-0 neighbour: give it data it will never take. */
				zfd = fd;
				static uint8_t z[6000];
				ssize_t r = send(zfd, z, sizeof z, MSG_DONTWAIT);
				zsent = r > 0 ? (uint32_t)r : 0;
			} else if (fd >= 0 && peer == 0x0A000003u && nc < 2) {
				uint32_t s = seed_of(from.sin_addr.s_addr, ntohs(from.sin_port));
				conn_start(&c[nc++], fd, s ^ 0x5A5A5A5Au, s);
			} else if (fd >= 0) {
				printf("FAIL server.unexpected_peer %08x\n", (unsigned)peer);
				check_fail();
				close(fd);
			}
		}
		for (int i = 0; i < nc; i++)
			if (pf[1 + i].fd >= 0)
				conn_step(&c[i], pf[1 + i].revents);
		if (zfd >= 0 && (pf[3].revents & (POLLHUP | POLLERR))) {
			printf("FAIL server.zero_window_conn_ended\n");
			check_fail();
			close(zfd);
			zfd = -2;
		}
	}
	struct net_counters k = net_counters();
	check("server.two_clients", nc == 2, nc);
	int good = 0;
	for (int i = 0; i < nc; i++)
		good += conn_done(&c[i]) && conn_intact(&c[i]);
	check("server.transfers_intact", good == 2, good);
	check("server.zero_window_conn_kept", zfd >= 0 && net_tcp_state(zfd) == TCPS_ESTABLISHED,
	      zfd >= 0 ? net_tcp_state(zfd) : zfd);
	check("server.zero_window_data_queued", zsent > 0, (long)zsent);
	check("server.zero_window_probed", k.tcp_probes >= 3, k.tcp_probes);
	check("server.bad_offsets_counted", k.tcp_bad_header == N_BAD_OFFSET, k.tcp_bad_header);
	check("server.bad_checksums_counted", k.tcp_bad_checksum == N_BAD_SUM, k.tcp_bad_checksum);
	check("server.syn_flood_counted", k.tcp_syn_drops >= FLOOD - 8u, k.tcp_syn_drops);
	/* Data past the window and the ACK of unsent data are answered and counted (the RSTs
	 * are dropped silently); VM 2's clean traffic may add to the count, never take away. */
	check("server.out_of_window_counted", k.tcp_bad_segments >= 2, k.tcp_bad_segments);
	check("server.no_resets", k.tcp_reset == 0, k.tcp_reset);
	check("server.accepted_three", k.tcp_accepted == 3, k.tcp_accepted);
	printf("server: half-open now %u\n", net_tcp_count(TCPS_SYN_RCVD));
	net_print_counters();
	for (int i = 0; i < nc; i++)
		close(c[i].fd);
	close(lis);
	sleep_us(1500000); /* through the client's TIME_WAIT */
	return checks_failed();
}

/* --- VM 2: the real client ---------------------------------------------------------------- */

static int client_connect(struct conn *c, int tries)
{
	for (int t = 0; t < tries; t++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT) };
		inet_aton("10.0.0.1", &to.sin_addr);
		if (connect(fd, (struct sockaddr *)&to, sizeof to) == 0) {
			struct sockaddr_in me;
			socklen_t ml = sizeof me;
			getsockname(fd, (struct sockaddr *)&me, &ml);
			uint32_t s = seed_of(me.sin_addr.s_addr, ntohs(me.sin_port));
			conn_start(c, fd, s, s ^ 0x5A5A5A5Au);
			return t + 1;
		}
		printf("client: connect try %d: errno %d\n", t + 1, errno);
		close(fd);
	}
	return 0;
}

static int client(void)
{
	net_init();
	struct conn c[2];
	sleep_us(2000); /* after the server listens, before the hostile VM starts */
	check("client.first_connected", client_connect(&c[0], 1) == 1, 0);
	sleep_us(8000); /* into the flood (the hostile VM starts it at about 8 ms) */
	int tries = client_connect(&c[1], 3);
	check("client.connected_during_flood", tries > 0, tries);
	printf("client: second connection after %d tries\n", tries);
	int n = tries > 0 ? 2 : 1;
	uint64_t t0 = now_ns();
	for (;;) {
		struct pollfd pf[2];
		int live = 0;
		for (int i = 0; i < n; i++) {
			pf[i].fd = conn_done(&c[i]) ? -1 : c[i].fd;
			pf[i].events = (short)((c[i].eof ? 0 : POLLIN) | (c[i].done_tx ? 0 : POLLOUT));
			live += pf[i].fd >= 0;
		}
		if (!live)
			break;
		if (poll(pf, (nfds_t)n, 5000) <= 0) {
			printf("FAIL client.poll_timeout\n");
			check_fail();
			break;
		}
		for (int i = 0; i < n; i++)
			if (pf[i].fd >= 0)
				conn_step(&c[i], pf[i].revents);
	}
	int good = 0;
	for (int i = 0; i < n; i++)
		good += conn_done(&c[i]) && conn_intact(&c[i]);
	check("client.transfers_intact", good == 2, good);
	printf("client: %u bytes each way on 2 connections in %u ms\n", (unsigned)bytes,
	       (unsigned)((now_ns() - t0) / 1000000u));
	for (int i = 0; i < n; i++)
		close(c[i].fd);
	sleep_us(2000000);
	return checks_failed();
}

/* --- VM 1: the hostile neighbour ---------------------------------------------------------- */

static struct dva_request rq __attribute__((aligned(4)));
static uint8_t f[1514], in[1514];
static const uint8_t my_ip[4] = { 10, 0, 0, 2 }, vm0_ip[4] = { 10, 0, 0, 1 };

/* The window-0 connection as the hostile VM sees it. */
static struct {
	uint32_t snd_nxt;    /* our next sequence number (we send no data) */
	uint32_t rcv_nxt;    /* the server's next byte we would take (we take none) */
	int up;
	uint32_t probes;     /* data segments (probes) the server sent on it */
	uint32_t rsts;       /* RSTs the server sent on it */
} z;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static void send_frame(uint32_t len)
{
	rq = (struct dva_request){ NET_SEND, 99, GADDR(f), len, 0, 0 };
	nic_submit(&rq);
}

/* What a segment is: its header fields, the options and payload after the header. */
struct hseg {
	uint16_t sport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	const uint8_t *opt;
	uint32_t optlen;     /* bytes, a multiple of 4 */
	uint32_t len;        /* payload bytes (a pattern) */
	int doff;            /* the data offset field to write: -1 for the true one */
	int bad_sum;         /* 1: the checksum is off by one */
};

/* Build the frame of segment s to VM 0 and send it. */
static void send_seg(const struct hseg *s)
{
	uint8_t me[6], vm0[6];
	my_mac(me);
	mac_of(0, vm0);
	eth_header(f, vm0, me, 0x0800);
	uint32_t hlen = 20u + s->optlen, tlen = hlen + s->len;
	uint8_t *ip = f + 14, *t = ip + 20;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, 20u + tlen);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, my_ip, 4);
	memcpy(ip + 16, vm0_ip, 4);
	put_be16(ip + 10, fold(sum16(ip, 20, 0)));
	memset(t, 0, hlen);
	put_be16(t, s->sport);
	put_be16(t + 2, PORT);
	put_be32(t + 4, s->seq);
	put_be32(t + 8, s->ack);
	t[12] = (uint8_t)((s->doff >= 0 ? (uint32_t)s->doff : hlen / 4u) << 4);
	t[13] = s->flags;
	put_be16(t + 14, s->wnd);
	if (s->optlen)
		memcpy(t + 20, s->opt, s->optlen);
	for (uint32_t i = 0; i < s->len; i++)
		t[hlen + i] = (uint8_t)(i * 7u + 1u);
	uint32_t ps = sum16(my_ip, 4, 0);
	ps = sum16(vm0_ip, 4, ps);
	ps += 6u + tlen;
	uint16_t c = fold(sum16(t, tlen, ps));
	put_be16(t + 16, s->bad_sum ? (uint16_t)(c ^ 1u) : c);
	send_frame(14u + 20u + tlen);
}

/* On the window-0 connection: a segment with these fields (ours otherwise). */
static void zseg(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len, int doff, int bad)
{
	struct hseg s = { .sport = (uint16_t)ZPORT, .seq = seq, .ack = ack, .flags = flags,
			  .len = len, .doff = doff, .bad_sum = bad };
	send_seg(&s);
}

/* Take what waits: answer ARP for us, follow the window-0 connection (ACK its SYN-ACK and
 * each probe with window 0), ignore the rest (SYN-ACKs to the flood's ports). */
static void drain(void)
{
	for (;;) {
		rq = (struct dva_request){ NET_RECV, 99, GADDR(in), sizeof in, 0, 0 };
		if (nic_submit(&rq) != 0)
			return;
		uint32_t len = rq.result;
		if (len >= 42 && in[12] == 0x08 && in[13] == 0x06 && in[21] == 1 &&
		    memcmp(in + 38, my_ip, 4) == 0) {
			uint8_t me[6];
			my_mac(me);
			eth_header(f, in + 6, me, 0x0806); /* an ARP reply: we are 10.0.0.2 */
			memcpy(f + 14, in + 14, 8);
			f[21] = 2;
			memcpy(f + 22, me, 6);
			memcpy(f + 28, my_ip, 4);
			memcpy(f + 32, in + 22, 10);
			send_frame(42);
			continue;
		}
		if (len < 14 + 20 + 20 || in[12] != 0x08 || in[13] != 0 || in[23] != 6)
			continue;
		const uint8_t *t = in + 14 + (in[14] & 0xFu) * 4u;
		uint32_t tlen = (uint32_t)(in[16] << 8 | in[17]) - (in[14] & 0xFu) * 4u;
		if ((uint32_t)(t[2] << 8 | t[3]) != ZPORT)
			continue;
		uint32_t seq = be32(t + 4), dlen = tlen - (t[12] >> 4) * 4u;
		uint8_t fl = t[13];
		if (fl & 0x04) {
			z.rsts++;
			continue;
		}
		if ((fl & 0x12) == 0x12) { /* the SYN-ACK (again, if our ACK was lost) */
			z.rcv_nxt = seq + 1u;
			z.up = 1;
			zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, -1, 0);
		} else if (dlen) { /* a probe: not taken, window still 0 */
			z.probes++;
			zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, -1, 0);
		}
	}
}

static void pause_us(uint32_t us)
{
	uint64_t end = now_ns() + (uint64_t)us * 1000u;
	while (now_ns() < end) {
		drain();
		sleep_us(50);
	}
}

static int hostile(void)
{
	rq = (struct dva_request){ NET_RECV, 99, GADDR(in), sizeof in, 0, 0 };
	nic_submit(&rq); /* up */
	sleep_us(4000);  /* the server listens, the client's first connection is up */

	/* The window-0 connection: SYN and ACK both advertise 0. */
	z.snd_nxt = 0x7FFFFFF0u;
	zseg(z.snd_nxt, 0, 0x02, 0, -1, 0);
	z.snd_nxt++;
	for (int i = 0; i < 100 && !z.up; i++)
		pause_us(100);
	check("hostile.zero_window_connected", z.up, 0);
	pause_us(1000);

	/* Data offsets: 0, 4 (under the header), 6 and 15 (past a 20-byte segment), 15 past a
	 * segment with 8 bytes of data, and a 16-byte "header". Checksums are right. */
	zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, 0, 0);
	zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, 4, 0);
	zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, 6, 0);
	zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, 15, 0);
	zseg(z.snd_nxt, z.rcv_nxt, 0x18, 8, 15, 0);
	{
		struct hseg s = { .sport = 31000, .flags = 0x02, .doff = 5 };
		send_seg(&s);
		f[14 + 3] = 20 + 16; /* the datagram ends 4 bytes into the TCP header */
		f[14 + 10] = f[14 + 11] = 0;
		put_be16(f + 14 + 10, fold(sum16(f + 14, 20, 0)));
		send_frame(14 + 20 + 16);
	}
	/* Those six are N_BAD_OFFSET (the last: a segment shorter than any header). Bad
	 * checksums: a SYN, an ACK, data. */
	{
		struct hseg s = { .sport = 31001, .seq = 5, .flags = 0x02, .wnd = 1000, .bad_sum = 1,
				  .doff = -1 };
		send_seg(&s);
	}
	zseg(z.snd_nxt, z.rcv_nxt, 0x10, 0, -1, 1);
	zseg(z.snd_nxt, z.rcv_nxt, 0x18, 100, -1, 1);
	/* Malformed MSS options on SYNs (they are well-formed segments, so the listener makes
	 * children of them): a length of 0, a length past the options. */
	{
		static const uint8_t o1[4] = { 2, 0, 5, 0 }, o2[4] = { 2, 40, 5, 0 };
		struct hseg s = { .sport = 31002, .seq = 9, .flags = 0x02, .wnd = 1000, .opt = o1,
				  .optlen = 4, .doff = -1 };
		send_seg(&s);
		s.sport = 31003;
		s.opt = o2;
		send_seg(&s);
	}
	pause_us(1000);

	/* The flood, answering ARP between SYNs; the client's second connect lands in it. */
	for (uint32_t i = 0; i < FLOOD; i++) {
		struct hseg s = { .sport = (uint16_t)(FLOOD_PORT + i), .seq = i * 100003u,
				  .flags = 0x02, .wnd = 8192, .doff = -1 };
		send_seg(&s);
		drain();
		sleep_us(FLOOD_GAP_US);
	}
	pause_us(1000);

	/* Out of the window, on our connection: RSTs below it, far past it and on its right
	 * edge (the server's window is its empty 16 KiB ring); an ACK of data never sent; data
	 * past the window; an ACK 100000 bytes old. None may hurt the connection. */
	zseg(z.snd_nxt - 70000u, z.rcv_nxt, 0x14, 0, -1, 0);
	zseg(z.snd_nxt + 0x40000000u, z.rcv_nxt, 0x04, 0, -1, 0);
	zseg(z.snd_nxt + 16384u, z.rcv_nxt, 0x04, 0, -1, 0);
	zseg(z.snd_nxt, z.rcv_nxt + 100000u, 0x10, 0, -1, 0);
	zseg(z.snd_nxt + 50000u, z.rcv_nxt, 0x18, 100, -1, 0);
	zseg(z.snd_nxt, z.rcv_nxt - 100000u, 0x10, 0, -1, 0);

	/* Window 0 for ever (until the checks are done). */
	uint64_t end = (uint64_t)END_MS * 1000000u;
	while (now_ns() < end) {
		drain();
		sleep_us(200);
	}
	check("hostile.probes_seen", z.probes >= 3, z.probes);
	check("hostile.never_reset", z.rsts == 0, z.rsts);
	sleep_us(2000000);
	return checks_failed();
}

int main(int argc, char **argv)
{
	if (argc > 2)
		bytes = (uint32_t)strtol(argv[2], NULL, 10);
	switch (dva_page0.vm_id) {
	case 0:
		return server();
	case 1:
		return hostile();
	default:
		return client();
	}
}
