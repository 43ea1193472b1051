/* netcost.c - make bench's host cost of the network's two host halves, measured without a guest:
 * the device (one OUT of a SEND or RECV request block, as the CPU would make it) and the switch
 * (one frame carried from a sender's queue to a receiver's). Two NICs on one switch, each VM a
 * real guest memory; frames of an IPv4/UDP packet's size around a payload of SIZE bytes.
 *
 *   netcost SIZE...      prints one line per SIZE: "SIZE send_ns switch_ns recv_ns"
 *
 * Each figure is the best of several rounds of NET_TXQ frames (the transmit queue's depth, so a
 * round never sees status 2), divided by the frames: a lower bound on what a guest pays, free of
 * the interpreter, which the guest-level benchmarks add. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denali_arch/dva.h"
#include "devices/device.h"
#include "devices/net.h"
#include "mmu/mem.h"

#define MSIZE (256u << 10)
#define BLK 0x1000u
#define BUF 0x2000u
#define ROUNDS 2000u
#define UDP_HEADERS 42u /* Ethernet 14, IPv4 20, UDP 8 */

struct side {
	struct guest_mem m;
	struct dva_fault fault;
	struct dev_host host;
	struct net *n;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void no_raise(void *owner, unsigned line)
{
	(void)owner;
	(void)line;
}

static uint64_t zero_time(void *owner)
{
	(void)owner;
	return 0;
}

static void no_deadline(void *owner)
{
	(void)owner;
}

static void side_init(struct side *s, struct mem_arena *a, struct netswitch *sw, uint8_t last)
{
	const uint8_t mac[6] = { 0x02, 0x44, 0x4E, 0, 0, last };
	if (mem_init(&s->m, a, MSIZE)) {
		fprintf(stderr, "netcost: no guest memory\n");
		exit(1);
	}
	s->host = (struct dev_host){ .mem = &s->m, .fault = &s->fault, .owner = s, .now = zero_time,
				     .raise = no_raise, .deadline_moved = no_deadline };
	s->n = net_new(sw, mac, NULL);
	if (!s->n) {
		fprintf(stderr, "netcost: out of memory\n");
		exit(1);
	}
	s->n->dev.host = &s->host;
}

/* One OUT of the block at BLK, as the CPU's port write would make it. */
static void out(struct side *s, uint32_t op, uint32_t len)
{
	struct dva_request rq = { .op = op, .status = 1, .addr = BUF, .len = len };
	memcpy(s->m.base + BLK, &rq, sizeof(rq));
	s->n->dev.ops->out(&s->n->dev, DVA_PORT_NET, 4, BLK);
}

static uint32_t status_of(const struct side *s)
{
	struct dva_request rq;
	memcpy(&rq, s->m.base + BLK, sizeof(rq));
	return rq.status;
}

int main(int argc, char **argv)
{
	struct mem_arena arena;
	struct netswitch sw;
	struct side a, b;
	if (mem_arena_init(&arena, 4u << 20)) {
		fprintf(stderr, "netcost: cannot reserve guest memory\n");
		return 1;
	}
	switch_init(&sw);
	side_init(&a, &arena, &sw, 1);
	side_init(&b, &arena, &sw, 2);
	for (int i = 1; i < argc; i++) {
		uint32_t len = (uint32_t)atoi(argv[i]) + UDP_HEADERS;
		if (len > NET_FRAME_MAX) {
			fprintf(stderr, "netcost: %s: more than a frame holds\n", argv[i]);
			return 2;
		}
		uint8_t frame[NET_FRAME_MAX] = { 0x02, 0x44, 0x4E, 0, 0, 2, 0x02, 0x44, 0x4E, 0, 0, 1, 0x08, 0x00 };
		memcpy(a.m.base + BUF, frame, sizeof(frame));
		out(&b, NET_OP_RECV, NET_FRAME_MAX); /* brings b's NIC up: it receives from now on */
		uint64_t best_send = UINT64_MAX, best_switch = UINT64_MAX, best_recv = UINT64_MAX;
		for (unsigned r = 0; r < ROUNDS; r++) {
			uint64_t t0 = now_ns();
			for (unsigned k = 0; k < NET_TXQ; k++)
				out(&a, NET_OP_SEND, len);
			uint64_t t1 = now_ns();
			switch_run(&sw);
			uint64_t t2 = now_ns();
			for (unsigned k = 0; k < NET_TXQ; k++)
				out(&b, NET_OP_RECV, NET_FRAME_MAX);
			uint64_t t3 = now_ns();
			if (status_of(&b) != DVA_REQ_DONE || b.n->stats.rx_frames != (r + 1) * (uint64_t)NET_TXQ) {
				fprintf(stderr, "netcost: frames went missing\n");
				return 1;
			}
			if (t1 - t0 < best_send)
				best_send = t1 - t0;
			if (t2 - t1 < best_switch)
				best_switch = t2 - t1;
			if (t3 - t2 < best_recv)
				best_recv = t3 - t2;
		}
		b.n->stats.rx_frames = 0;
		printf("%s %.1f %.1f %.1f\n", argv[i], (double)best_send / NET_TXQ,
		       (double)best_switch / NET_TXQ, (double)best_recv / NET_TXQ);
	}
	a.n->dev.ops->destroy(&a.n->dev);
	b.n->dev.ops->destroy(&b.n->dev);
	switch_destroy(&sw);
	mem_arena_destroy(&arena);
	return 0;
}
