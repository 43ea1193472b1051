/* n_hostile.c - a hostile neighbour for tests/net/cases/hostile.sh: for MS milliseconds of system
 * time (its argument, default 2000) it makes random NIC requests as fast as the device takes them:
 * SENDs of every length from 0 to 1600 bytes (the boundaries 13/14/15 and 1513/1514/1515 often),
 * to broadcast, multicast, its neighbours' MACs and MACs nobody has, from its own source MAC or
 * from a neighbour's (spoofed) or a random one; payloads of random bytes or of IPv4, UDP, ICMP and
 * ARP headers with random fields aimed at its neighbours' addresses (10.0.0.1 to 10.0.0.8), so
 * their stacks see malformed packets of every kind; RECVs into short and long buffers, unknown
 * ops and data ranges past mem_size. Its ARP packets never claim an address in use: ARP itself
 * cannot tell a forged claim from a true one (docs/network.md), and that is not what is tested.
 * It never faults (every block is aligned and in its memory), so it ends by itself, printing how
 * many requests got each status. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denali.h"
#include "netlib.h"
#include "timer.h"

static struct dva_request rq __attribute__((aligned(4))); /* every request's block */
static uint8_t frame[1600], buf[1600];
static uint64_t rng;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t below(uint32_t n)
{
	return next() % n;
}

static uint32_t frame_len(void)
{
	static const uint16_t edges[] = { 0, 1, 13, 14, 15, 33, 34, 41, 42, 60, 1513, 1514, 1515, 1600 };
	return below(3) ? below(1601) : edges[below(sizeof(edges) / sizeof(edges[0]))];
}

/* A neighbour's IPv4 address (10.0.0.1 + k), or one nobody has. */
static void put_ip(uint8_t *p, bool neighbour)
{
	p[0] = 10;
	p[1] = 0;
	p[2] = neighbour ? 0 : (uint8_t)(1 + below(200));
	p[3] = (uint8_t)(neighbour ? 1 + below(8) : below(256));
}

static void fill(uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		frame[i] = (uint8_t)next();
	uint32_t id = (uint32_t)dva_page0.vm_id;
	switch (below(6)) { /* destination */
	case 0: memset(frame, 0xFF, 6); break;
	case 1: frame[0] |= 1; break;                              /* some multicast address */
	case 2: case 3: mac_of(below(9), frame); break;             /* a neighbour, or itself */
	default: frame[0] &= (uint8_t)~1u; break;                   /* unicast nobody has, mostly */
	}
	uint32_t s = below(10); /* source: its own, mostly */
	if (s < 7)
		mac_of(id, frame + 6);
	else if (s < 9)
		mac_of(below(8), frame + 6); /* a neighbour's: the switch must drop it */
	uint8_t *ip = frame + 14;
	switch (below(4)) { /* EtherType and what follows */
	case 0:
	case 1:
		put_be16(frame + 12, 0x0800);
		ip[0] = below(4) ? 0x45 : (uint8_t)next(); /* version and header length */
		put_be16(ip + 2, below(2) ? len - 14 : below(1600)); /* total length, right or not */
		ip[6] = below(4) ? 0 : (uint8_t)next(); /* flags and fragment offset */
		ip[8] = (uint8_t)below(3);              /* TTL 0, 1 or 2 */
		ip[9] = (uint8_t)(below(4) ? (below(2) ? 1 : 17) : next()); /* ICMP, UDP, or anything */
		put_ip(ip + 12, below(2));
		put_ip(ip + 16, true);
		if (ip[9] == 1)
			ip[20] = below(2) ? 8 : (uint8_t)next(); /* echo request, or another type */
		break;
	case 2:
		put_be16(frame + 12, 0x0806);
		put_be16(ip, 1);
		put_be16(ip + 2, 0x0800);
		ip[4] = 6;
		ip[5] = 4;
		put_be16(ip + 6, 1 + below(2)); /* request or reply */
		put_ip(ip + 14, false);         /* the sender: never an address in use */
		put_ip(ip + 24, true);          /* the target: a neighbour */
		break;
	default:
		break; /* random EtherType */
	}
}

int main(int argc, char **argv)
{
	uint64_t ms = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
	uint64_t end = now_ns() + ms * 1000000u;
	uint32_t counts[4] = { 0 }, other = 0;
	rng = dva_page0.seed | 1;
	while (now_ns() < end) {
		uint32_t op = below(8), len = frame_len();
		uint32_t addr = GADDR(op < 5 ? frame : buf);
		bool past_end = below(20) == 0;
		if (op < 5) { /* SEND, mostly */
			fill(len < sizeof(frame) ? len : sizeof(frame));
			op = 1;
		} else if (op < 7) {
			op = 2;
			len = below(2) ? 16 + below(44) : sizeof(buf);
		} else {
			op = below(2) ? 0 : 3 + below(100); /* no such op */
		}
		/* A range that runs past the end of memory (from its top 8 bytes, so that a RECV the
		 * device took anyway would not write over this program's stack). */
		if (past_end)
			addr = (uint32_t)dva_page0.mem_size - 8 + below(16);
		rq = (struct dva_request){ op, 1, addr, len, next(), next() };
		nic_submit(&rq);
		if (rq.status < 4)
			counts[rq.status]++;
		else
			other++;
		if (rq.status == 2 && op == 1)
			dva_idle(DVA_IDLE_YIELD); /* its queue is full: let the switch drain it */
	}
	printf("hostile: status 0 %u, 1 %u, 2 %u, 3 %u, other %u\n", (unsigned)counts[0],
	       (unsigned)counts[1], (unsigned)counts[2], (unsigned)counts[3], (unsigned)other);
	return counts[1] || other; /* the device never leaves 1 and knows no other status */
}
