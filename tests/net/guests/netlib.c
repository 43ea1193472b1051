/* netlib.c - the network suite's shared guest helpers (netlib.h). */
#include "netlib.h"

#include <stdio.h>
#include <string.h>

const uint8_t mac_broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

uint32_t nic_request(struct dva_request *rq, uint32_t op, uint32_t addr, uint32_t len)
{
	*rq = (struct dva_request){ op, STATUS0, addr, len, ARG0, RESULT0 };
	return nic_submit(rq);
}

void mac_of(uint32_t id, uint8_t m[6])
{
	const uint8_t v[6] = { 0x02, 0x44, 0x4E, (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id };
	memcpy(m, v, 6);
}

void my_mac(uint8_t m[6])
{
	for (unsigned i = 0; i < 6; i++) /* page 0 is volatile: no memcpy */
		m[i] = dva_page0.mac[i];
}

void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void eth_header(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put_be16(f + 12, type);
}

void make_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t len,
		uint32_t seq)
{
	eth_header(f, dst, src, ETHERTYPE_TEST);
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 13u + seq * 7u + (i >> 8) + 5u);
	for (uint32_t i = 0; i < 4 && 14 + i < len; i++)
		f[14 + i] = (uint8_t)(seq >> (8 * i));
}

uint32_t frame_seq(const uint8_t *f)
{
	return f[14] | (uint32_t)f[15] << 8 | (uint32_t)f[16] << 16 | (uint32_t)f[17] << 24;
}

void send_seqs(struct dva_request *rq, const struct frame_plan *plan, uint8_t *frame,
	       const uint8_t src[6], uint32_t first, uint32_t last)
{
	for (uint32_t seq = first; seq <= last; seq++) {
		uint8_t dst[6];
		plan->dst_of(seq, dst);
		make_frame(frame, dst, src, plan->len_of(seq), seq);
		printf("send seq %u: status %u\n", (unsigned)seq,
		       (unsigned)nic_request(rq, NET_SEND, GADDR(frame), plan->len_of(seq)));
	}
}

unsigned recv_all(struct dva_request *rq, const struct frame_plan *plan, uint8_t *buf,
		  uint8_t *scratch)
{
	unsigned n = 0;
	while (nic_request(rq, NET_RECV, GADDR(buf), NET_FRAME_MAX) == DVA_REQ_DONE) {
		uint32_t seq = frame_seq(buf), len = rq->result, want = plan->len_of(seq);
		uint8_t dst[6], src[6];
		plan->dst_of(seq, dst);
		memcpy(src, buf + 6, 6);
		make_frame(scratch, dst, src, want, seq);
		printf("frame from %u seq %u len %u arg %u differ %u\n", (unsigned)buf[11], (unsigned)seq,
		       (unsigned)len, (unsigned)rq->arg, len == want ? differ(buf, scratch, len) : 9999u);
		n++;
	}
	printf("then: status %u after %u frames\n", (unsigned)rq->status, n);
	return n;
}

unsigned differ(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	unsigned d = 0;
	for (uint32_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

unsigned not_byte(const uint8_t *a, uint8_t c, uint32_t n)
{
	unsigned d = 0;
	for (uint32_t i = 0; i < n; i++)
		d += a[i] != c;
	return d;
}

unsigned wait_line(unsigned line, uint32_t us, uint32_t *woke)
{
	dva_page0.irq_mask = 1u << line;
	uint32_t w = dva_idle(us);
	uint32_t p = dva_page0.irq_pending & 1u << line;
	dva_page0.irq_pending = p;
	dva_page0.irq_mask = 0;
	if (woke)
		*woke = w;
	return p != 0;
}

/* Whether a check failed. A guest is one VM's program and this is its only state here: the
 * tally its exit status reports. */
static int failed;

void check(const char *name, int cond, long got)
{
	if (cond)
		printf("ok %s\n", name);
	else
		printf("FAIL %s: got %ld\n", name, got);
	failed |= !cond;
}

void check_fail(void)
{
	failed = 1;
}

int checks_failed(void)
{
	return failed;
}
