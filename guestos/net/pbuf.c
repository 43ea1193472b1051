/* pbuf.c - packet buffers: a pool allocated once at net_init, and FIFOs of them. */
#include <stdlib.h>

#include "guestos/net/net_defs.h"

static struct pbuf *pool_free; /* the free list, linked through next */

int pbuf_pool_init(void)
{
	/* One allocation, from a thread, before any handler can want a buffer: the receive
	 * path runs in the upcall, where malloc is not allowed. */
	struct pbuf *all = malloc(NET_PBUFS * sizeof(struct pbuf));
	if (!all)
		return -1;
	for (uint32_t i = 0; i < NET_PBUFS; i++) {
		all[i].next = pool_free;
		pool_free = &all[i];
	}
	return 0;
}

struct pbuf *pbuf_alloc(void)
{
	struct pbuf *pb = pool_free;

	if (!pb)
		return NULL;
	pool_free = pb->next;
	pb->next = NULL;
	pb->p = pb->buf + NET_HEADROOM;
	pb->len = 0;
	pb->src = 0;
	pb->sport = 0;
	pb->ttl = 0;
	pb->owner = -1;
	pb->owner_gen = 0;
	return pb;
}

void pbuf_free(struct pbuf *pb)
{
	pb->next = pool_free;
	pool_free = pb;
}

void pbq_push(struct pbq *q, struct pbuf *pb)
{
	pb->next = NULL;
	if (q->tail)
		q->tail->next = pb;
	else
		q->head = pb;
	q->tail = pb;
	q->n++;
}

struct pbuf *pbq_pop(struct pbq *q)
{
	struct pbuf *pb = q->head;

	if (pb) {
		q->head = pb->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
		pb->next = NULL;
	}
	return pb;
}

void pbq_free_all(struct pbq *q)
{
	struct pbuf *pb;

	while ((pb = pbq_pop(q)))
		pbuf_free(pb);
}
