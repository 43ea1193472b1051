/* nic.c - the NIC driver: RECV drains on line 2, SEND with a bounded backlog flushed on line 3,
 * and the "chatty" mode that spends pcnet32's port I/Os per frame. */
#include "guestos/net/net_defs.h"
#include "denali.h"
#include "irq.h"

/* One request block serves every operation: they all run with interrupts off. */
static struct dva_request rq __attribute__((aligned(4)));
/* Where a frame goes when no packet buffer is free: it must still leave the NIC. */
static uint8_t scratch[ETH_FRAME_MAX];
/* Frames the device refused with "queue full", oldest first. */
static struct pbq backlog;

static uint32_t nic_out(uint32_t op, void *addr, uint32_t len)
{
	rq = (struct dva_request){ op, 99, (uint32_t)(uintptr_t)addr, len, 0, 0 };
	__asm__ volatile("outl %0, %w1"
			 :
			 : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)DVA_PORT_NET)
			 : "memory");
	net.c.port_ios++;
	return rq.status;
}

/* Chatty mode's extra I/Os: a request with op 0, which the NIC answers with status 3 and no
 * other effect (DVA-1 section 7: an unknown op is a bad request). */
static void nic_waste(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		nic_out(0, scratch, 0);
}

/* Line 2: take every waiting frame (RECV until status 2) and hand each up. */
static void nic_rx_irq(unsigned line)
{
	(void)line;
	for (;;) {
		struct pbuf *pb = pbuf_alloc();
		uint8_t *into = pb ? pb->buf : scratch;
		uint32_t st = nic_out(2, into, ETH_FRAME_MAX);
		if (st != DVA_REQ_DONE) {
			if (st == DVA_REQ_WOULD_BLOCK)
				net.c.rx_polls++;
			if (pb)
				pbuf_free(pb);
			return;
		}
		uint32_t len = rq.result; /* before the chatty I/Os reuse the block */
		net.c.rx_frames++;
		net.c.rx_bytes += len;
		net.c.rx_ios++;
		if (net.chatty) {
			nic_waste(NET_CHATTY_RX_IOS - 1u);
			net.c.rx_ios += NET_CHATTY_RX_IOS - 1u;
		}
		if (!pb) {
			net.c.rx_no_buf++;
			continue;
		}
		pb->p = pb->buf;
		pb->len = len;
		ether_input(pb);
	}
}

/* One SEND: 1 if the frame is done with (sent, or refused as bad), 0 if the queue was full. */
static int nic_try(struct pbuf *pb)
{
	uint32_t st = nic_out(1, pb->p, pb->len);

	if (st == DVA_REQ_WOULD_BLOCK) {
		net.c.tx_full++;
		net.c.tx_retry_ios++;
		return 0;
	}
	if (st != DVA_REQ_DONE) {
		net.c.tx_bad++;
		return 1;
	}
	net.c.tx_frames++;
	net.c.tx_bytes += pb->len;
	net.c.tx_ios++;
	if (net.chatty) {
		nic_waste(NET_CHATTY_TX_IOS - 1u);
		net.c.tx_ios += NET_CHATTY_TX_IOS - 1u;
	}
	return 1;
}

static void backlog_push(struct pbuf *pb)
{
	if (backlog.n >= NET_TX_BACKLOG) {
		net.c.tx_backlog_drops++;
		pbuf_free(pb);
		return;
	}
	pbq_push(&backlog, pb);
	if (backlog.n > net.c.tx_backlog_high)
		net.c.tx_backlog_high = backlog.n;
}

void nic_send(struct pbuf *pb)
{
	/* Behind a backlog, a frame waits its turn: frames leave in the order they were sent. */
	if (backlog.n || !nic_try(pb)) {
		backlog_push(pb);
		return;
	}
	pbuf_free(pb);
}

int nic_tx_room(void)
{
	return backlog.n < NET_TX_BACKLOG;
}

/* Line 3: the device's queue has room again; send the backlog until it is full once more. */
static void nic_tx_irq(unsigned line)
{
	(void)line;
	struct pbuf *pb;

	while ((pb = backlog.head) && nic_try(pb))
		pbuf_free(pbq_pop(&backlog));
	net_wakeup_all(); /* senders waiting for room */
}

int net_set_chatty(int on)
{
	int s = irq_disable(), old = net.chatty;
	net.chatty = on != 0;
	irq_restore(s);
	return old;
}

void nic_init(void)
{
	irq_register(DVA_LINE_NET_RX, nic_rx_irq);
	irq_register(DVA_LINE_NET_TX_SPACE, nic_tx_irq);
	/* The first OUT brings the NIC up (the switch delivers to it from then on); anything
	 * already there is taken now. */
	nic_rx_irq(DVA_LINE_NET_RX);
}
