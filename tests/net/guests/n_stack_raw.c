/* n_stack_raw.c - IPv4's input checks. VM 1 drives its NIC by hand (request blocks on port
 * 0xD100) and sends VM 0, which runs guestos's stack, an echo request with a bad header
 * checksum, a fragment, a TTL-0 one, one whose total length runs past the frame, a 10-byte
 * "header", a UDP datagram with a bad checksum, then an echo with IP options and a good one.
 * VM 0 must count and drop the first six and answer the last two; VM 1 answers VM 0's ARP
 * request and checks that exactly those two replies came.
 * Prints "ok NAME" or "FAIL NAME: got N" per check; exit 1 on a FAIL. */
#include <net.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t f[1514], in[1514];
static const uint8_t vm0_mac[6] = { 0x02, 0x44, 0x4E, 0, 0, 0 };
static const uint8_t my_ip[4] = { 10, 0, 0, 2 }, vm0_ip[4] = { 10, 0, 0, 1 };

/* A request with status preset to 99, which is no status: whatever comes back is the device's. */
static uint32_t nic(uint32_t op, void *data, uint32_t len)
{
	rq = (struct dva_request){ op, 99, GADDR(data), len, 0, 0 };
	return nic_submit(&rq);
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An Ethernet header at f, from this VM. */
static void eth(const uint8_t *dst, uint16_t type)
{
	uint8_t me[6];
	my_mac(me);
	eth_header(f, dst, me, type);
}

/* An IPv4 header of hlen bytes at f + 14 for payload bytes of proto; returns the payload. */
static uint8_t *ip(uint32_t hlen, uint32_t payload, uint8_t proto, uint8_t ttl, uint16_t frag)
{
	uint8_t *h = f + 14;
	memset(h, 0, hlen);
	h[0] = (uint8_t)(0x40 | hlen / 4);
	put_be16(h + 2, hlen + payload);
	put_be16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, my_ip, 4);
	memcpy(h + 16, vm0_ip, 4);
	if (hlen > 20)
		h[20] = 1, h[21] = 1, h[22] = 1, h[23] = 0; /* NOP NOP NOP EOL */
	put_be16(h + 10, csum(h, hlen, 0));
	return h + hlen;
}

/* An echo request with seq in the ICMP payload area; its frame length. */
static uint32_t echo(uint32_t hlen, uint8_t ttl, uint16_t frag, uint16_t seq)
{
	eth(vm0_mac, 0x0800);
	uint8_t *m = ip(hlen, 24, 1, ttl, frag);
	memset(m, 0, 24);
	m[0] = 8;
	put_be16(m + 4, 0x1234);
	put_be16(m + 6, seq);
	put_be16(m + 2, csum(m, 24, 0));
	return 14 + hlen + 24;
}

static void send_frame(uint32_t len, const char *what)
{
	if (nic(1, f, len) != 0) {
		printf("FAIL send %s: status %u\n", what, (unsigned)rq.status);
		check_fail();
	}
}

static int raw(void)
{
	nic(2, in, sizeof in); /* up */
	sleep_us(5000);        /* VM 0's stack is up by now */
	uint32_t n = echo(20, 64, 0, 1);
	f[14 + 10] ^= 0xFF;    /* break the header checksum */
	send_frame(n, "bad checksum");
	send_frame(echo(20, 64, 0x2000, 2), "fragment (MF)");
	send_frame(echo(20, 0, 0, 3), "ttl 0");
	n = echo(20, 64, 0, 4);
	put_be16(f + 14 + 2, 200); /* total length past the frame */
	put_be16(f + 14 + 10, 0);
	put_be16(f + 14 + 10, csum(f + 14, 20, 0));
	send_frame(n, "long total length");
	send_frame(14 + 10, "10-byte header");
	eth(vm0_mac, 0x0800);
	uint8_t *u = ip(20, 12, 17, 64, 0);
	put_be16(u, 4000);
	put_be16(u + 2, 9);
	put_be16(u + 4, 12);
	put_be16(u + 6, 0xBAD0); /* not the checksum */
	memcpy(u + 8, "abcd", 4);
	send_frame(14 + 20 + 12, "udp bad checksum");
	send_frame(echo(24, 64, 0, 5), "options");
	send_frame(echo(20, 64, 0, 6), "good");

	int replies = 0, seq_sum = 0, arps = 0;
	uint64_t end = now_ns() + 100000000u;
	while (now_ns() < end) {
		if (nic(2, in, sizeof in) != 0) {
			sleep_us(200);
			continue;
		}
		uint32_t len = rq.result;
		if (len >= 42 && in[12] == 0x08 && in[13] == 0x06 && in[21] == 1 &&
		    memcmp(in + 38, my_ip, 4) == 0) {
			eth(in + 6, 0x0806); /* an ARP reply: we are 10.0.0.2 */
			memcpy(f + 14, in + 14, 8);
			f[21] = 2;
			my_mac(f + 22);
			memcpy(f + 28, my_ip, 4);
			memcpy(f + 32, in + 22, 10);
			send_frame(42, "arp reply");
			arps++;
		} else if (len >= 14 + 20 + 8 && in[12] == 0x08 && in[13] == 0 && in[23] == 1 &&
			   in[34] == 0) {
			replies++;
			seq_sum += in[34 + 6] << 8 | in[34 + 7];
		}
	}
	check("raw.arp_answered", arps == 1, arps);
	check("raw.two_replies", replies == 2, replies);
	check("raw.replies_to_5_and_6", seq_sum == 11, seq_sum);
	return checks_failed();
}

static int stack(void)
{
	net_init();
	sleep_us(100000);
	struct net_counters c = net_counters();
	check("ip.bad_checksum", c.ip_bad_checksum == 1, c.ip_bad_checksum);
	check("ip.fragment", c.ip_fragments == 1, c.ip_fragments);
	check("ip.ttl_0", c.ip_bad_ttl == 1, c.ip_bad_ttl);
	check("ip.bad_length", c.ip_bad_length == 1, c.ip_bad_length);
	check("ip.bad_header", c.ip_bad_header == 1, c.ip_bad_header);
	check("ip.options_tolerated", c.ip_options == 1, c.ip_options);
	check("udp.bad_checksum", c.udp_bad_checksum == 1, c.udp_bad_checksum);
	check("icmp.answered_after", c.icmp_echoes_answered == 2, c.icmp_echoes_answered);
	check("ip.accepted", c.ip_rx == 3, c.ip_rx);
	return checks_failed();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return dva_page0.vm_id == 0 ? stack() : raw();
}
