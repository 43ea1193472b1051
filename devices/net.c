/* net.c - the network device: SEND and RECV request blocks on port 0xD100 (DVA-1 section 7). */
#include "devices/net.h"

#include <stdlib.h>
#include <string.h>

static bool ring_ready(struct net_ring *r, uint32_t cap)
{
	if (r->slot)
		return true;
	r->slot = malloc((size_t)cap * sizeof(*r->slot));
	if (!r->slot)
		return false;
	r->cap = cap;
	return true;
}

static struct net_frame *ring_front(struct net_ring *r)
{
	return &r->slot[r->head];
}

static void ring_pop(struct net_ring *r)
{
	r->head = (r->head + 1) % r->cap;
	r->len--;
}

/* The host's port queues a frame as a SEND would (devices/uplink.c): whether it was taken. */
bool net_host_send(struct net *n, const uint8_t *data, uint32_t len)
{
	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX || n->tx.len == n->tx.cap)
		return false;
	struct net_frame *f = &n->tx.slot[(n->tx.head + n->tx.len++) % n->tx.cap];
	f->len = (uint16_t)len;
	memcpy(f->data, data, len);
	switch_queue(n->sw, n);
	return true;
}

static struct net_frame *ring_push(struct net_ring *r)
{
	struct net_frame *f = &r->slot[(r->head + r->len) % r->cap];
	r->len++;
	return f;
}

/* First use: the rings, and from now on frames for this NIC are delivered. */
bool net_bring_up(struct net *n)
{
	if (n->up)
		return true;
	if (!ring_ready(&n->tx, n->txq) || !ring_ready(&n->rx, n->rxq))
		return false;
	n->up = true;
	return true;
}

bool net_deliver(struct net *n, const struct net_frame *f)
{
	if (n->sink) {
		n->stats.rx_frames++;
		n->stats.rx_bytes += f->len;
		n->sink(n->sink_opaque, f->data, f->len);
		return true;
	}
	if (!n->up) {
		n->stats.drop_not_up++;
		return false;
	}
	if (n->rx.len == n->rx.cap) {
		n->stats.drop_rx_full++;
		return false;
	}
	struct net_frame *slot = ring_push(&n->rx);
	slot->len = f->len;
	memcpy(slot->data, f->data, f->len);
	dev_raise(&n->dev, DVA_LINE_NET_RX);
	return true;
}

static enum dva_req_status net_send(struct net *n, const struct dva_request *rq)
{
	if (rq->len > NET_FRAME_MAX)
		n->stats.drop_too_long++;
	if (rq->len < NET_FRAME_MIN || rq->len > NET_FRAME_MAX ||
	    dev_range_check(&n->dev, rq->addr, rq->len, false) != DVA_REQ_DONE)
		return DVA_REQ_BAD;
	if (n->tx.len == n->tx.cap) {
		n->tx_blocked = true;
		return DVA_REQ_WOULD_BLOCK;
	}
	struct net_frame *f = ring_push(&n->tx);
	f->len = (uint16_t)rq->len;
	if (dev_read(&n->dev, rq->addr, rq->len, f->data) != DVA_REQ_DONE) { /* checked above */
		n->tx.len--;
		return DVA_REQ_BAD;
	}
	switch_queue(n->sw, n);
	if (n->sw->sent)
		n->sw->sent(n->sw->owner);
	return DVA_REQ_DONE;
}

static enum dva_req_status net_recv(struct net *n, struct dva_request *rq)
{
	if (dev_range_check(&n->dev, rq->addr, rq->len, true) != DVA_REQ_DONE)
		return DVA_REQ_BAD;
	if (!n->rx.len)
		return DVA_REQ_WOULD_BLOCK;
	const struct net_frame *f = ring_front(&n->rx);
	uint32_t copy = rq->len < f->len ? rq->len : f->len; /* a short buffer cuts the frame */
	if (dev_write(&n->dev, rq->addr, copy, f->data) != DVA_REQ_DONE)
		return DVA_REQ_BAD; /* cannot happen: checked above */
	rq->result = copy;
	rq->arg = f->len;
	n->stats.rx_frames++;
	n->stats.rx_bytes += f->len;
	ring_pop(&n->rx);
	return DVA_REQ_DONE;
}

static int net_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct net *n = (struct net *)d;
	if (port != DVA_PORT_NET || size != 4)
		return DEV_GP;
	struct dva_request rq;
	int r = dev_request_load(d, val, &rq);
	if (r)
		return r;
	if (!net_bring_up(n))
		rq.status = DVA_REQ_WOULD_BLOCK; /* out of host memory: as if full */
	else if (rq.op == NET_OP_SEND)
		rq.status = net_send(n, &rq);
	else if (rq.op == NET_OP_RECV)
		rq.status = net_recv(n, &rq);
	else
		rq.status = DVA_REQ_BAD;
	dev_request_store(d, val, &rq);
	return DEV_OK;
}

void net_release(struct net *n)
{
	if (n->keep)
		*n->keep = n->stats;
	free(n->tx.slot);
	free(n->rx.slot);
	free(n);
}

static void net_destroy(struct device *d)
{
	struct net *n = (struct net *)d;
	if (!switch_leave(n->sw, n)) /* else the switch frees it once its last frames are out */
		net_release(n);
}

static const struct device_ops net_ops = {
	.out = net_out,
	.destroy = net_destroy,
};

struct net *net_new(struct netswitch *sw, const uint8_t mac[6], struct net_stats *keep)
{
	struct net *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->dev.ops = &net_ops;
	n->dev.port_first = n->dev.port_last = DVA_PORT_NET;
	n->dev.lines = 1u << DVA_LINE_NET_RX | 1u << DVA_LINE_NET_TX_SPACE;
	n->sw = sw;
	n->keep = keep;
	n->txq = NET_TXQ;
	n->rxq = NET_RXQ;
	memcpy(n->mac, mac, 6);
	if (switch_attach(sw, n)) {
		free(n);
		return NULL;
	}
	return n;
}
