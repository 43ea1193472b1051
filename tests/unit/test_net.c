/* test_net.c - the network device (devices/net.c) and the switch between VMs (devices/switch.c),
 * driven the way a guest drives them: request blocks written into real 64 KiB guest memories
 * (mmu/mem.h), one OUT DX, EAX to port 0xD100 through the device's out op, switch_run between
 * quanta, and a recording struct dev_host per VM that counts every line each NIC raises.
 *
 * The world: a switch and NVM VMs, VM i with MAC 02:44:4E:00:00:0(i+1), its own guest memory
 * (page 0 the register page, a read-only page RO_START..RO_END) and its own host. Guest memory
 * is snapshotted around every OUT so that each request is checked to change exactly the bytes
 * it may: the block's status, arg and result, and for RECV the bytes it reports copying.
 *
 * Checked, each as a named row or case with exact values:
 *  - Statuses: SEND of 14 and 1514 bytes is 0, of 0, 13 and 1515 bytes 3, from a range past
 *    mem_size 3; an unknown op 3; RECV with nothing waiting 2; RECV into page 0, read-only
 *    bytes or past mem_size 3 (and the frame still waits); RECV into a buffer shorter than the
 *    frame 0 with result = len, arg = the frame's length, only len bytes written (and the frame
 *    gone); op, addr and len never change. A misaligned block is DEV_GP with memory untouched;
 *    a block crossing or past mem_size or in read-only bytes is DEV_FAULT with the #PF in the
 *    host's fault record; a width other than 4, or another port, is DEV_GP.
 *  - Flow control: NET_TXQ SENDs are 0, the next 2; after switch_run line 3 has risen exactly
 *    once on the sender (on no other VM) and SEND is 0 again; a VM whose SENDs never got 2
 *    never sees line 3.
 *  - Delivery: unicast reaches only its NIC (line 2 once per frame, nothing anywhere else);
 *    broadcast and multicast reach every NIC but the sender's, each with line 2 once per
 *    frame; unknown unicast is dropped and counted on the sender (drop_unknown); a frame with
 *    another VM's source MAC (unicast or broadcast) is dropped, counted (drop_spoofed) and
 *    reaches nobody; a NIC not up drops (drop_not_up) and raises nothing; a receive ring takes
 *    NET_RXQ frames, the next is dropped (drop_rx_full), and RECV gives them back in order.
 *  - Fairness: two VMs each queue NET_TXQ frames to a third; its ring then holds runs of
 *    exactly NET_BURST frames from alternating senders, each sender's in its own order (by a
 *    sequence number in the payload), and the counts taken from each differ by <= NET_BURST.
 *  - Frame bytes are exact end to end for 14, 15, 60, 1513 and 1514 bytes, nothing written
 *    past the frame in the receive buffer.
 *  - Detaching (ops->destroy, as vm_release does): frames to a destroyed NIC's MAC are unknown
 *    drops and broadcasts skip it; a NIC destroyed with frames queued (first or last in the
 *    senders' list, blocked or not) stays with the switch until they have left in its turns,
 *    raises nothing and receives nothing, and is freed then (or by switch_destroy); the
 *    switch's total stats are the destroyed NICs' counters; after many NICs come and go, unicast to an
 *    unknown MAC is still dropped and counted (the MAC table keeps an empty slot).
 *  - The scheduler, frame by frame in delivery order (sender and its seq): two flooding senders
 *    alternate in runs of exactly NET_BURST, the one that queued first leading, shares within
 *    one burst after every burst and equal at the end, over three rounds; three senders with
 *    backlogs 12, 3 and 9 take turns of up to NET_BURST, a sender that runs dry leaving the
 *    round; a sender detached with frames queued in the middle of the senders' list (and a
 *    leading one) leaves the others' order as if it had never queued, and the NIC the table
 *    moved into its place still gets unicast and broadcast; a broadcast storm fills a ring with
 *    the storm's first burst, then all of a unicast sender's frames, then storm (the storm is
 *    what overflows); a frame to its sender's own MAC reaches nobody and is no unknown drop.
 *  - The MAC table: 40 cycles of NICs attached and detached in a pseudo-random order (with
 *    tombstones, and MACs coming back) find every live MAC (exactly its frames reach it) and no
 *    detached one (an unknown drop each, nothing delivered anywhere).
 *  - Line 3: not for a full queue never refused; once for a refusal episode however many SENDs
 *    were refused, on the refused sender only; not again without a new refusal; again for a
 *    second episode; never for a refused sender detached before room came.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "denali_arch/dva.h"
#include "devices/device.h"
#include "devices/net.h"
#include "mmu/mem.h"

#define ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the world -------------------------------------------------------------------------------- */

#define NVM 4u                     /* VMs, each with a NIC */
#define MSIZE DVA_MEM_MIN          /* 64 KiB each */
#define PAGE DVA_PAGE_SIZE
#define ARENA (1u << 20)           /* host bytes reserved: NVM windows and their guard pages */

#define BLK 0x1000u                /* the request block every OUT uses */
#define TXBUF 0x2000u              /* the frame a SEND sends */
#define RXBUF 0x4000u              /* where a RECV writes */
#define RO_START 0x8000u           /* a read-only page */
#define RO_END 0x9000u

#define REQ_SIZE ((uint32_t)sizeof(struct dva_request)) /* 24 */
#define STATUS_UNTOUCHED 0xEEEEEEEEu /* a block's status, arg and result before the OUT */
#define ARG_UNTOUCHED 0xA1A1A1A1u
#define RESULT_UNTOUCHED 0xA2A2A2A2u
#define ETHERTYPE_HI 0x88u           /* bytes 12..13 of every frame: a local experimental type */
#define ETHERTYPE_LO 0xB5u
#define UNKNOWN_MAC_LAST 0x99u       /* 02:44:4E:00:00:99 belongs to no VM */

struct vm {
	struct guest_mem m;
	struct dva_fault fault;
	struct dev_host host;
	struct net *n;               /* NULL once destroyed */
	uint8_t mac[6];
	unsigned lines[DVA_LINES];   /* raises, by line */
	unsigned raises;             /* all raises, any line */
};

struct world {
	struct mem_arena arena;
	struct netswitch sw;
	struct vm vm[NVM];
	int bad;                     /* mismatches in this case so far */
};

static void host_raise(void *owner, unsigned line)
{
	struct vm *v = owner;
	v->raises++;
	if (line < DVA_LINES)
		v->lines[line]++;
}

static uint64_t host_now(void *owner)
{
	(void)owner;
	return 0;
}

static void host_deadline_moved(void *owner)
{
	(void)owner;
}

static void vm_mac_of(unsigned i, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x44, 0x4E, 0x00, 0x00, (uint8_t)(i + 1) };
	memcpy(mac, m, 6);
}

static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));
	assert_non_null(w);
	assert_int_equal(mem_arena_init(&w->arena, ARENA), 0);
	switch_init(&w->sw);
	for (unsigned i = 0; i < NVM; i++) {
		struct vm *v = &w->vm[i];
		assert_int_equal(mem_init(&v->m, &w->arena, MSIZE), 0);
		assert_int_equal(mem_protect(&v->m, RO_START, RO_END), 0);
		memset(&v->fault, 0xEE, sizeof(v->fault));
		v->host = (struct dev_host){ .mem = &v->m, .fault = &v->fault, .owner = v,
					     .now = host_now, .raise = host_raise,
					     .deadline_moved = host_deadline_moved };
		vm_mac_of(i, v->mac);
		v->n = net_new(&w->sw, v->mac, NULL);
		assert_non_null(v->n);
		v->n->dev.host = &v->host; /* as port_bus_attach would */
	}
	return w;
}

/* Destroy a VM's NIC as vm_release does (port_bus_destroy: ops->destroy). */
static void nic_destroy(struct vm *v)
{
	v->n->dev.ops->destroy(&v->n->dev);
	v->n = NULL;
}

static void world_free(struct world *w)
{
	for (unsigned i = 0; i < NVM; i++) {
		if (w->vm[i].n)
			nic_destroy(&w->vm[i]);
		mem_destroy(&w->vm[i].m);
	}
	switch_destroy(&w->sw);
	mem_arena_destroy(&w->arena);
	free(w);
}

static int setup(void **state)
{
	*state = world_new();
	return 0;
}

static int teardown(void **state)
{
	world_free(*state);
	return 0;
}

/* A named comparison: print the case, what it wanted and what it got, and count it. */
#define EXPECT(w, name, got, want)                                                               \
	do {                                                                                     \
		unsigned long long got_ = (unsigned long long)(got);                             \
		unsigned long long want_ = (unsigned long long)(want);                           \
		if (got_ != want_) {                                                             \
			print_error("%s: got %llu (0x%llx), want %llu (0x%llx)\n", (name), got_, \
				    got_, want_, want_);                                         \
			(w)->bad++;                                                              \
		}                                                                                \
	} while (0)

static void done(struct world *w)
{
	if (w->bad)
		fail_msg("%d mismatches", w->bad);
}

/* ---- frames and requests ---------------------------------------------------------------------- */

/* The payload byte at offset i of a frame (after the header and the sequence number). */
static uint8_t pattern(uint32_t i, uint32_t seq)
{
	return (uint8_t)(i * 13u + seq * 7u + (i >> 8) + 5u);
}

/* A frame of len bytes from src to dst: header, then seq (little-endian) at 14 when it fits,
 * then the pattern. */
static void make_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t len,
		       uint32_t seq)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETHERTYPE_HI;
	f[13] = ETHERTYPE_LO;
	for (uint32_t i = 14; i < len; i++)
		f[i] = pattern(i, seq);
	for (uint32_t i = 0; i < 4 && 14 + i < len; i++)
		f[14 + i] = (uint8_t)(seq >> (8 * i));
}

static uint32_t frame_seq(const uint8_t *f)
{
	return f[14] | (uint32_t)f[15] << 8 | (uint32_t)f[16] << 16 | (uint32_t)f[17] << 24;
}

static void put_block(struct vm *v, uint32_t at, uint32_t op, uint32_t addr, uint32_t len)
{
	const struct dva_request rq = { .op = op, .status = STATUS_UNTOUCHED, .addr = addr,
					.len = len, .arg = ARG_UNTOUCHED,
					.result = RESULT_UNTOUCHED };
	memcpy(v->m.base + at, &rq, sizeof(rq));
}

static struct dva_request get_block(const struct vm *v, uint32_t at)
{
	struct dva_request rq;
	memcpy(&rq, v->m.base + at, sizeof(rq));
	return rq;
}

static int nic_out(struct vm *v, unsigned size, uint32_t val)
{
	return v->n->dev.ops->out(&v->n->dev, DVA_PORT_NET, size, val);
}

/* One request at BLK: the block after the OUT, which must be DEV_OK with op, addr and len as
 * they were. */
static struct dva_request request(struct world *w, struct vm *v, uint32_t op, uint32_t addr,
				  uint32_t len)
{
	put_block(v, BLK, op, addr, len);
	EXPECT(w, "an OUT with a good block is DEV_OK", nic_out(v, 4, BLK), DEV_OK);
	struct dva_request rq = get_block(v, BLK);
	EXPECT(w, "the OUT leaves op alone", rq.op, op);
	EXPECT(w, "the OUT leaves addr alone", rq.addr, addr);
	EXPECT(w, "the OUT leaves len alone", rq.len, len);
	return rq;
}

/* SEND a frame from v to dst (its own source MAC unless src is given). The status. */
static uint32_t send_from(struct world *w, struct vm *v, const uint8_t dst[6], const uint8_t *src,
			  uint32_t len, uint32_t seq)
{
	make_frame(v->m.base + TXBUF, dst, src ? src : v->mac, len, seq);
	return request(w, v, NET_OP_SEND, TXBUF, len).status;
}

static uint32_t send_to(struct world *w, struct vm *v, const struct vm *to, uint32_t len,
			uint32_t seq)
{
	return send_from(w, v, to->mac, NULL, len, seq);
}

/* RECV into RXBUF (len bytes, the rest of the page holding a marker). The block. */
#define RX_MARK 0x5Au
static struct dva_request recv_frame(struct world *w, struct vm *v, uint32_t len)
{
	memset(v->m.base + RXBUF, RX_MARK, 2 * NET_FRAME_MAX);
	return request(w, v, NET_OP_RECV, RXBUF, len);
}

/* Bring a NIC up as its guest would: its first OUT (a RECV that finds nothing). */
static void bring_up(struct world *w, struct vm *v)
{
	EXPECT(w, "a first RECV finds nothing", recv_frame(w, v, NET_FRAME_MAX).status,
	       DVA_REQ_WOULD_BLOCK);
}

static const uint8_t BROADCAST[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
static const uint8_t MULTICAST[6] = { 0x01, 0x00, 0x5E, 0x00, 0x00, 0x01 };
static const uint8_t UNKNOWN[6] = { 0x02, 0x44, 0x4E, 0x00, 0x00, UNKNOWN_MAC_LAST };

/* ---- statuses --------------------------------------------------------------------------------- */

/* One request on VM 0, after VM 0 is up and, when waiting is not 0, VM 1 has sent it a frame of
 * that many bytes. Guest memory must change only in the block's status, arg and result and, for
 * a RECV that is done, in [addr, addr + result). A frame a RECV did not take still waits; a
 * SEND that is done, and only that, leaves a frame to carry. */
static void status_rows(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint32_t op, addr, len;
		uint32_t waiting;     /* a frame of this length waits for VM 0 (0: none) */
		uint32_t want_status;
		bool check_rx;        /* a RECV that is done: want_result, want_arg */
		uint32_t want_result, want_arg;
	} rows[] = {
		{ "SEND of 60 bytes is done", NET_OP_SEND, TXBUF, 60, 0, DVA_REQ_DONE, false, 0, 0 },
		{ "SEND of 14 bytes (NET_FRAME_MIN) is done", NET_OP_SEND, TXBUF, NET_FRAME_MIN, 0, DVA_REQ_DONE, false, 0, 0 },
		{ "SEND of 1514 bytes (NET_FRAME_MAX) is done", NET_OP_SEND, TXBUF, NET_FRAME_MAX, 0, DVA_REQ_DONE, false, 0, 0 },
		{ "SEND of 13 bytes is bad", NET_OP_SEND, TXBUF, NET_FRAME_MIN - 1, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "SEND of 1515 bytes is bad", NET_OP_SEND, TXBUF, NET_FRAME_MAX + 1, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "SEND of 0 bytes is bad", NET_OP_SEND, TXBUF, 0, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "SEND of a frame crossing mem_size is bad", NET_OP_SEND, MSIZE - 30, 60, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "SEND of a frame at mem_size is bad", NET_OP_SEND, MSIZE, NET_FRAME_MIN, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "SEND of a frame wrapping past 4 GiB is bad", NET_OP_SEND, 0xFFFFFFF8u, 60, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "op 0 is bad", 0, TXBUF, 60, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "op 3 is bad", 3, TXBUF, 60, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "op 0xFFFFFFFF is bad", 0xFFFFFFFFu, TXBUF, 60, 0, DVA_REQ_BAD, false, 0, 0 },
		{ "op 3 is bad with a frame waiting", 3, RXBUF, 60, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV with nothing waiting would block", NET_OP_RECV, RXBUF, NET_FRAME_MAX, 0, DVA_REQ_WOULD_BLOCK, false, 0, 0 },
		{ "RECV of a 60-byte frame into 1514 bytes is done, 60 copied", NET_OP_RECV, RXBUF, NET_FRAME_MAX, 60, DVA_REQ_DONE, true, 60, 60 },
		{ "RECV of a 60-byte frame into exactly 60 bytes is done", NET_OP_RECV, RXBUF, 60, 60, DVA_REQ_DONE, true, 60, 60 },
		{ "RECV of a 60-byte frame into 20 bytes is done, cut to 20", NET_OP_RECV, RXBUF, 20, 60, DVA_REQ_DONE, true, 20, 60 },
		{ "RECV of a 1514-byte frame into 59 bytes is done, cut to 59", NET_OP_RECV, RXBUF, 59, NET_FRAME_MAX, DVA_REQ_DONE, true, 59, NET_FRAME_MAX },
		{ "RECV of a 60-byte frame into 0 bytes is done, cut to nothing", NET_OP_RECV, RXBUF, 0, 60, DVA_REQ_DONE, true, 0, 60 },
		{ "RECV into page 0 is bad", NET_OP_RECV, 0x100u, NET_FRAME_MAX, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV into page 0's last bytes and page 1 is bad", NET_OP_RECV, PAGE - 4, 60, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV into read-only bytes is bad", NET_OP_RECV, RO_START, 60, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV into a buffer ending in read-only bytes is bad", NET_OP_RECV, RO_START - 30, 60, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV into a buffer starting on the last read-only byte is bad", NET_OP_RECV, RO_END - 1, 60, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV into a buffer crossing mem_size is bad", NET_OP_RECV, MSIZE - 30, 60, 60, DVA_REQ_BAD, false, 0, 0 },
		{ "RECV into a buffer at mem_size is bad", NET_OP_RECV, MSIZE, 60, 60, DVA_REQ_BAD, false, 0, 0 },
	};
	static uint8_t before[MSIZE], frame[NET_FRAME_MAX];
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		uint32_t op = rows[i].op, addr = rows[i].addr, len = rows[i].len;
		uint32_t waiting = rows[i].waiting;
		struct world *w = world_new();
		struct vm *v = &w->vm[0];
		bring_up(w, v);
		if (waiting) {
			bring_up(w, &w->vm[1]);
			EXPECT(w, "the waiting frame is sent", send_to(w, &w->vm[1], v, waiting, 77), DVA_REQ_DONE);
			switch_run(&w->sw);
			make_frame(frame, v->mac, w->vm[1].mac, waiting, 77);
		}
		/* A known frame at TXBUF for the SENDs, the request, a snapshot, the OUT. */
		make_frame(v->m.base + TXBUF, w->vm[1].mac, v->mac, NET_FRAME_MAX, 5);
		memset(v->m.base + RXBUF, RX_MARK, 2 * NET_FRAME_MAX);
		put_block(v, BLK, op, addr, len);
		memcpy(before, v->m.base, MSIZE);
		int rc = nic_out(v, 4, BLK);
		struct dva_request rq = get_block(v, BLK);
		char what[256];
		snprintf(what, sizeof(what), "%s: OUT", rows[i].name);
		EXPECT(w, what, rc, DEV_OK);
		snprintf(what, sizeof(what), "%s: status", rows[i].name);
		EXPECT(w, what, rq.status, rows[i].want_status);
		snprintf(what, sizeof(what), "%s: op, addr, len untouched", rows[i].name);
		EXPECT(w, what, rq.op == op && rq.addr == addr && rq.len == len, 1);
		if (rows[i].check_rx) {
			snprintf(what, sizeof(what), "%s: result", rows[i].name);
			EXPECT(w, what, rq.result, rows[i].want_result);
			snprintf(what, sizeof(what), "%s: arg", rows[i].name);
			EXPECT(w, what, rq.arg, rows[i].want_arg);
			snprintf(what, sizeof(what), "%s: the bytes copied are the frame's first", rows[i].name);
			EXPECT(w, what, memcmp(v->m.base + addr, frame, rows[i].want_result), 0);
		}
		/* Nothing else of guest memory changed. */
		uint32_t copied = rows[i].check_rx ? rows[i].want_result : 0;
		uint32_t changed = 0;
		for (uint32_t a = 0; a < MSIZE; a++) {
			bool may = (a >= BLK + offsetof(struct dva_request, status) &&
				    a < BLK + offsetof(struct dva_request, addr)) ||
				   (a >= BLK + offsetof(struct dva_request, arg) && a < BLK + REQ_SIZE) ||
				   (a >= addr && a - addr < copied);
			if (!may && v->m.base[a] != before[a])
				changed++;
		}
		snprintf(what, sizeof(what), "%s: bytes changed outside the block's status/arg/result and the copy", rows[i].name);
		EXPECT(w, what, changed, 0);
		/* Afterwards: a SEND that was done left a frame to carry; a waiting frame is gone after
		 * a RECV that was done and still there after anything else. */
		snprintf(what, sizeof(what), "%s: a frame waits to be carried", rows[i].name);
		EXPECT(w, what, switch_busy(&w->sw), op == NET_OP_SEND && rows[i].want_status == DVA_REQ_DONE);
		if (waiting) {
			bool taken = op == NET_OP_RECV && rows[i].want_status == DVA_REQ_DONE;
			struct dva_request again = recv_frame(w, v, NET_FRAME_MAX);
			snprintf(what, sizeof(what), "%s: a second RECV's status", rows[i].name);
			EXPECT(w, what, again.status, taken ? DVA_REQ_WOULD_BLOCK : DVA_REQ_DONE);
			if (!taken) {
				snprintf(what, sizeof(what), "%s: a second RECV gets the whole frame", rows[i].name);
				EXPECT(w, what, again.result == waiting && again.arg == waiting &&
					!memcmp(v->m.base + RXBUF, frame, waiting), 1);
			}
		}
		bad += w->bad;
		w->bad = 0;
		world_free(w);
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* A block not 4-byte aligned: DEV_GP, nothing in memory or the fault record changes, and the
 * NIC does nothing. */
static void a_misaligned_block_is_gp_and_untouched(void **state)
{
	struct world *w = *state;
	struct vm *v = &w->vm[0];
	static uint8_t before[MSIZE];
	static const uint32_t offs[] = { 1, 2, 3 };
	for (size_t i = 0; i < ROWS(offs); i++) {
		make_frame(v->m.base + TXBUF, w->vm[1].mac, v->mac, 60, 1);
		put_block(v, BLK + offs[i], NET_OP_SEND, TXBUF, 60);
		memcpy(before, v->m.base, MSIZE);
		EXPECT(w, "a block at BLK+1..3 is DEV_GP", nic_out(v, 4, BLK + offs[i]), DEV_GP);
		EXPECT(w, "a misaligned block leaves memory untouched", memcmp(before, v->m.base, MSIZE), 0);
		EXPECT(w, "a misaligned block leaves the fault record alone", v->fault.vector, 0xEEEEEEEEu);
		EXPECT(w, "a misaligned SEND queues nothing", switch_busy(&w->sw), 0);
	}
	done(w);
}

/* A block a 24-byte store could not write: DEV_FAULT with that store's #PF, memory untouched. */
static void a_block_that_would_fault_is_dev_fault(void **state)
{
	struct world *w = *state;
	struct vm *v = &w->vm[0];
	static uint8_t before[MSIZE];
	static const struct {
		const char *name;
		uint32_t at, fault_addr, error;
	} rows[] = {
		{ "a block crossing mem_size", MSIZE - 8, MSIZE, DVA_PF_W | DVA_PF_U },
		{ "a block at mem_size", MSIZE, MSIZE, DVA_PF_W | DVA_PF_U },
		{ "a block far past mem_size", 0x40000000u, 0x40000000u, DVA_PF_W | DVA_PF_U },
		{ "a block in read-only bytes", RO_START + 0x40, RO_START + 0x40, DVA_PF_P | DVA_PF_W | DVA_PF_U },
		{ "a block running into read-only bytes", RO_START - 8, RO_START, DVA_PF_P | DVA_PF_W | DVA_PF_U },
		{ "a block in page 0", 0x200u, 0x200u, DVA_PF_P | DVA_PF_W | DVA_PF_U },
	};
	char what[200];
	for (size_t i = 0; i < ROWS(rows); i++) {
		memset(&v->fault, 0xEE, sizeof(v->fault));
		memcpy(before, v->m.base, MSIZE);
		snprintf(what, sizeof(what), "%s: OUT", rows[i].name);
		EXPECT(w, what, nic_out(v, 4, rows[i].at), DEV_FAULT);
		snprintf(what, sizeof(what), "%s: fault vector", rows[i].name);
		EXPECT(w, what, v->fault.vector, DVA_VEC_PF);
		snprintf(what, sizeof(what), "%s: fault address", rows[i].name);
		EXPECT(w, what, v->fault.addr, rows[i].fault_addr);
		snprintf(what, sizeof(what), "%s: fault error code", rows[i].name);
		EXPECT(w, what, v->fault.error, rows[i].error);
		snprintf(what, sizeof(what), "%s: memory untouched", rows[i].name);
		EXPECT(w, what, memcmp(before, v->m.base, MSIZE), 0);
	}
	done(w);
}

/* Only a 4-byte OUT to 0xD100 is a request: other widths and ports are DEV_GP, block untouched. */
static void other_widths_and_ports_are_gp(void **state)
{
	struct world *w = *state;
	struct vm *v = &w->vm[0];
	static const unsigned sizes[] = { 1, 2, 0, 3, 8 };
	make_frame(v->m.base + TXBUF, w->vm[1].mac, v->mac, 60, 1);
	for (size_t i = 0; i < ROWS(sizes); i++) {
		put_block(v, BLK, NET_OP_SEND, TXBUF, 60);
		EXPECT(w, "an OUT of width 0, 1, 2, 3 or 8 is DEV_GP", nic_out(v, sizes[i], BLK), DEV_GP);
		EXPECT(w, "the block's status is untouched", get_block(v, BLK).status, STATUS_UNTOUCHED);
	}
	put_block(v, BLK, NET_OP_SEND, TXBUF, 60);
	EXPECT(w, "an OUT to port 0xD101 is DEV_GP",
	       v->n->dev.ops->out(&v->n->dev, DVA_PORT_NET + 1, 4, BLK), DEV_GP);
	EXPECT(w, "the block's status is untouched", get_block(v, BLK).status, STATUS_UNTOUCHED);
	EXPECT(w, "nothing was queued", switch_busy(&w->sw), 0);
	done(w);
}

/* ---- flow control ----------------------------------------------------------------------------- */

static void a_full_transmit_queue_blocks_then_line_3_rises_once(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	bring_up(w, b);
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "SENDs 1..NET_TXQ are done", send_to(w, a, b, 60, i), DVA_REQ_DONE);
	EXPECT(w, "SEND NET_TXQ+1 would block", send_to(w, a, b, 60, 99), DVA_REQ_WOULD_BLOCK);
	EXPECT(w, "SEND NET_TXQ+2 would block", send_to(w, a, b, 60, 99), DVA_REQ_WOULD_BLOCK);
	EXPECT(w, "no line 3 before the switch runs", a->lines[DVA_LINE_NET_TX_SPACE], 0);
	switch_run(&w->sw);
	EXPECT(w, "line 3 rose once on the blocked sender", a->lines[DVA_LINE_NET_TX_SPACE], 1);
	EXPECT(w, "the sender raised nothing else", a->raises, 1);
	for (unsigned i = 1; i < NVM; i++)
		EXPECT(w, "no line 3 on another VM", w->vm[i].lines[DVA_LINE_NET_TX_SPACE], 0);
	EXPECT(w, "the receiver got the NET_TXQ frames, not the blocked ones", b->lines[DVA_LINE_NET_RX], NET_TXQ);
	EXPECT(w, "carried from the sender", a->n->stats.tx_frames, NET_TXQ);
	EXPECT(w, "a SEND after the switch ran is done", send_to(w, a, &w->vm[2], 60, 100), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "line 3 does not rise again without another status 2", a->lines[DVA_LINE_NET_TX_SPACE], 1);
	done(w);
}

static void no_line_3_without_a_status_2(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	bring_up(w, b);
	for (int round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < NET_TXQ; i++)
			EXPECT(w, "a queue filled to exactly NET_TXQ takes every SEND",
			       send_to(w, a, b, 60, i), DVA_REQ_DONE);
		switch_run(&w->sw);
		for (uint32_t i = 0; i < NET_RXQ; i++)
			EXPECT(w, "the receiver drains its ring", recv_frame(w, b, 60).status, DVA_REQ_DONE);
	}
	for (unsigned i = 0; i < NVM; i++)
		EXPECT(w, "no VM ever sees line 3", w->vm[i].lines[DVA_LINE_NET_TX_SPACE], 0);
	done(w);
}

/* ---- delivery --------------------------------------------------------------------------------- */

static void unicast_reaches_only_its_nic(void **state)
{
	struct world *w = *state;
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	struct vm *a = &w->vm[0], *c = &w->vm[2];
	EXPECT(w, "SEND 0 -> 2", send_to(w, a, c, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "SEND 0 -> 2 again", send_to(w, a, c, 61, 2), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "switch_run carries everything", switch_busy(&w->sw), 0);
	EXPECT(w, "line 2 rose on VM 2 once per frame", c->lines[DVA_LINE_NET_RX], 2);
	EXPECT(w, "VM 2 raised nothing else", c->raises, 2);
	for (unsigned i = 0; i < NVM; i++) {
		if (i == 2)
			continue;
		EXPECT(w, "VM 0, 1 and 3 raise nothing", w->vm[i].raises, 0);
		EXPECT(w, "VM 0, 1 and 3 RECV nothing", recv_frame(w, &w->vm[i], NET_FRAME_MAX).status,
		       DVA_REQ_WOULD_BLOCK);
	}
	struct dva_request rq = recv_frame(w, c, NET_FRAME_MAX);
	EXPECT(w, "VM 2 gets the first frame", rq.status == DVA_REQ_DONE && rq.arg == 60 &&
	       frame_seq(c->m.base + RXBUF) == 1, 1);
	rq = recv_frame(w, c, NET_FRAME_MAX);
	EXPECT(w, "VM 2 gets the second frame", rq.status == DVA_REQ_DONE && rq.arg == 61 &&
	       frame_seq(c->m.base + RXBUF) == 2, 1);
	EXPECT(w, "then nothing", recv_frame(w, c, NET_FRAME_MAX).status, DVA_REQ_WOULD_BLOCK);
	EXPECT(w, "sender tx_frames", a->n->stats.tx_frames, 2);
	EXPECT(w, "sender tx_bytes", a->n->stats.tx_bytes, 121);
	EXPECT(w, "receiver rx_frames", c->n->stats.rx_frames, 2);
	EXPECT(w, "receiver rx_bytes", c->n->stats.rx_bytes, 121);
	EXPECT(w, "sender drop_unknown", a->n->stats.drop_unknown, 0);
	done(w);
}

static void group_addresses_reach_all_but_the_sender(void **state)
{
	struct world *w = *state;
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	struct vm *b = &w->vm[1];
	EXPECT(w, "SEND broadcast from VM 1", send_from(w, b, BROADCAST, NULL, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "SEND multicast from VM 1", send_from(w, b, MULTICAST, NULL, 70, 2), DVA_REQ_DONE);
	EXPECT(w, "SEND broadcast from VM 1 again", send_from(w, b, BROADCAST, NULL, 80, 3), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "the sender raises nothing", b->raises, 0);
	EXPECT(w, "the sender does not receive its own", recv_frame(w, b, NET_FRAME_MAX).status,
	       DVA_REQ_WOULD_BLOCK);
	for (unsigned i = 0; i < NVM; i++) {
		if (i == 1)
			continue;
		struct vm *v = &w->vm[i];
		EXPECT(w, "every other VM: line 2 once per frame", v->lines[DVA_LINE_NET_RX], 3);
		EXPECT(w, "every other VM: nothing else raised", v->raises, 3);
		for (uint32_t k = 1; k <= 3; k++) {
			struct dva_request rq = recv_frame(w, v, NET_FRAME_MAX);
			EXPECT(w, "every other VM gets the group frames in order",
			       rq.status == DVA_REQ_DONE && rq.arg == 50 + 10 * k &&
			       frame_seq(v->m.base + RXBUF) == k, 1);
		}
		EXPECT(w, "every other VM: then nothing", recv_frame(w, v, NET_FRAME_MAX).status,
		       DVA_REQ_WOULD_BLOCK);
	}
	EXPECT(w, "a group frame counts once on its sender", b->n->stats.tx_frames, 3);
	done(w);
}

static void unknown_unicast_is_dropped_and_counted(void **state)
{
	struct world *w = *state;
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	struct vm *a = &w->vm[0];
	EXPECT(w, "SEND to 02:44:4E:00:00:99 is done", send_from(w, a, UNKNOWN, NULL, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "SEND to 02:44:4E:00:00:99 again", send_from(w, a, UNKNOWN, NULL, 60, 2), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "drop_unknown on the sender", a->n->stats.drop_unknown, 2);
	for (unsigned i = 0; i < NVM; i++) {
		EXPECT(w, "nobody raises anything", w->vm[i].raises, 0);
		EXPECT(w, "nobody receives it", recv_frame(w, &w->vm[i], NET_FRAME_MAX).status,
		       DVA_REQ_WOULD_BLOCK);
		if (i)
			EXPECT(w, "no drop counted on others", w->vm[i].n->stats.drop_unknown, 0);
	}
	done(w);
}

static void a_spoofed_source_is_dropped_and_counted(void **state)
{
	struct world *w = *state;
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2];
	/* VM 0 poses as VM 1: to VM 2, to everyone, and to VM 1 itself. */
	EXPECT(w, "a spoofed unicast SEND is done", send_from(w, a, c->mac, b->mac, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "a spoofed broadcast SEND is done", send_from(w, a, BROADCAST, b->mac, 60, 2), DVA_REQ_DONE);
	EXPECT(w, "a spoofed SEND to the posed-as VM is done", send_from(w, a, b->mac, b->mac, 60, 3), DVA_REQ_DONE);
	EXPECT(w, "a SEND with an unknown source MAC is done", send_from(w, a, c->mac, UNKNOWN, 60, 4), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "drop_spoofed on the sender", a->n->stats.drop_spoofed, 4);
	EXPECT(w, "none of them counts as carried", a->n->stats.tx_frames, 0);
	for (unsigned i = 0; i < NVM; i++) {
		EXPECT(w, "a spoofed frame raises nothing anywhere", w->vm[i].raises, 0);
		EXPECT(w, "a spoofed frame reaches nobody", recv_frame(w, &w->vm[i], NET_FRAME_MAX).status,
		       DVA_REQ_WOULD_BLOCK);
		if (i)
			EXPECT(w, "drop_spoofed only on the sender", w->vm[i].n->stats.drop_spoofed, 0);
	}
	done(w);
}

static void a_nic_not_up_drops_and_raises_nothing(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *d = &w->vm[3];
	bring_up(w, &w->vm[1]);
	bring_up(w, &w->vm[2]); /* VM 3 never touches its NIC */
	EXPECT(w, "SEND to the NIC not up is done", send_to(w, a, d, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "a broadcast SEND is done", send_from(w, a, BROADCAST, NULL, 60, 2), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "drop_not_up on the NIC not up", d->n->stats.drop_not_up, 2);
	EXPECT(w, "the NIC not up raises nothing", d->raises, 0);
	EXPECT(w, "the NIC not up is still not up", d->n->up, 0);
	EXPECT(w, "the unicast is not an unknown drop", a->n->stats.drop_unknown, 0);
	EXPECT(w, "the NICs up got the broadcast", w->vm[1].lines[DVA_LINE_NET_RX] + w->vm[2].lines[DVA_LINE_NET_RX], 2);
	/* Once up, it receives; what came before is gone. */
	bring_up(w, d);
	EXPECT(w, "SEND to it once it is up", send_to(w, a, d, 60, 3), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "line 2 once it is up", d->lines[DVA_LINE_NET_RX], 1);
	struct dva_request rq = recv_frame(w, d, NET_FRAME_MAX);
	EXPECT(w, "it gets only the frame sent after it came up",
	       rq.status == DVA_REQ_DONE && frame_seq(d->m.base + RXBUF) == 3, 1);
	EXPECT(w, "then nothing", recv_frame(w, d, NET_FRAME_MAX).status, DVA_REQ_WOULD_BLOCK);
	EXPECT(w, "drop_not_up unchanged", d->n->stats.drop_not_up, 2);
	done(w);
}

static void a_full_receive_ring_drops_and_counts(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	bring_up(w, b);
	/* NET_RXQ + 1 frames, in transmit-queue-sized batches. */
	for (uint32_t i = 0; i < NET_RXQ + 1;) {
		for (uint32_t k = 0; k < NET_TXQ && i < NET_RXQ + 1; k++, i++)
			EXPECT(w, "SEND to VM 1", send_to(w, a, b, 64, i), DVA_REQ_DONE);
		switch_run(&w->sw);
	}
	EXPECT(w, "drop_rx_full on the receiver", b->n->stats.drop_rx_full, 1);
	EXPECT(w, "line 2 once per frame taken", b->lines[DVA_LINE_NET_RX], NET_RXQ);
	EXPECT(w, "no drop_rx_full counted on the sender", a->n->stats.drop_rx_full, 0);
	for (uint32_t i = 0; i < NET_RXQ; i++) {
		struct dva_request rq = recv_frame(w, b, NET_FRAME_MAX);
		EXPECT(w, "RECV gives the frames back in order",
		       rq.status == DVA_REQ_DONE && rq.result == 64 && frame_seq(b->m.base + RXBUF) == i, 1);
	}
	EXPECT(w, "the frame that found the ring full is gone", recv_frame(w, b, NET_FRAME_MAX).status,
	       DVA_REQ_WOULD_BLOCK);
	EXPECT(w, "rx_frames", b->n->stats.rx_frames, NET_RXQ);
	/* With room again, frames arrive. */
	EXPECT(w, "SEND after the ring drained", send_to(w, a, b, 64, 500), DVA_REQ_DONE);
	switch_run(&w->sw);
	struct dva_request rq = recv_frame(w, b, NET_FRAME_MAX);
	EXPECT(w, "a frame arrives once there is room", rq.status == DVA_REQ_DONE &&
	       frame_seq(b->m.base + RXBUF) == 500, 1);
	EXPECT(w, "drop_rx_full unchanged", b->n->stats.drop_rx_full, 1);
	done(w);
}

/* ---- fairness --------------------------------------------------------------------------------- */

static void senders_drain_round_robin_net_burst_at_a_time(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2];
	bring_up(w, c);
	for (uint32_t i = 0; i < NET_TXQ; i++) {
		EXPECT(w, "VM 0 queues", send_to(w, a, c, 60, i), DVA_REQ_DONE);
		EXPECT(w, "VM 1 queues", send_to(w, b, c, 60, i), DVA_REQ_DONE);
	}
	switch_run(&w->sw);
	EXPECT(w, "line 2 once per frame in the ring", c->lines[DVA_LINE_NET_RX], NET_RXQ);
	EXPECT(w, "the rest found the ring full", c->n->stats.drop_rx_full, 2 * NET_TXQ - NET_RXQ);
	uint32_t from[2] = { 0, 0 }; /* frames taken from VM 0 and VM 1 */
	uint8_t first_src = 0;
	for (uint32_t i = 0; i < NET_RXQ; i++) {
		struct dva_request rq = recv_frame(w, c, NET_FRAME_MAX);
		EXPECT(w, "RECV from the full ring", rq.status, DVA_REQ_DONE);
		uint8_t src = c->m.base[RXBUF + 11]; /* the last byte of the source MAC: 1 or 2 */
		EXPECT(w, "each frame is from VM 0 or VM 1", src == a->mac[5] || src == b->mac[5], 1);
		if (src != a->mac[5] && src != b->mac[5])
			continue;
		unsigned s = src == b->mac[5];
		if (i == 0)
			first_src = src;
		/* Runs of NET_BURST from one sender, alternating, starting with the first. */
		uint8_t want_src = (i / NET_BURST) % 2 ? (first_src == a->mac[5] ? b->mac[5] : a->mac[5])
						       : first_src;
		EXPECT(w, "the frame's sender follows runs of NET_BURST alternating", src, want_src);
		EXPECT(w, "each sender's frames come in its own order", frame_seq(c->m.base + RXBUF), from[s]);
		from[s]++;
	}
	uint32_t diff = from[0] > from[1] ? from[0] - from[1] : from[1] - from[0];
	EXPECT(w, "the counts from each sender differ by at most NET_BURST", diff <= NET_BURST, 1);
	EXPECT(w, "frames from VM 0", from[0], NET_RXQ / 2);
	EXPECT(w, "frames from VM 1", from[1], NET_RXQ / 2);
	EXPECT(w, "VM 0 carried all it queued", a->n->stats.tx_frames, NET_TXQ);
	EXPECT(w, "VM 1 carried all it queued", b->n->stats.tx_frames, NET_TXQ);
	done(w);
}

/* ---- frame bytes -------------------------------------------------------------------------------- */

static void frame_bytes_are_exact_end_to_end(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	static const uint32_t lens[] = { NET_FRAME_MIN, NET_FRAME_MIN + 1, 60, NET_FRAME_MAX - 1, NET_FRAME_MAX };
	static uint8_t want[NET_FRAME_MAX];
	bring_up(w, b);
	for (size_t i = 0; i < ROWS(lens); i++)
		EXPECT(w, "SEND of each length class", send_to(w, a, b, lens[i], 0x1000u + (uint32_t)i), DVA_REQ_DONE);
	switch_run(&w->sw);
	char what[128];
	for (size_t i = 0; i < ROWS(lens); i++) {
		make_frame(want, b->mac, a->mac, lens[i], 0x1000u + (uint32_t)i);
		struct dva_request rq = recv_frame(w, b, NET_FRAME_MAX);
		snprintf(what, sizeof(what), "a %u-byte frame: status", lens[i]);
		EXPECT(w, what, rq.status, DVA_REQ_DONE);
		snprintf(what, sizeof(what), "a %u-byte frame: result", lens[i]);
		EXPECT(w, what, rq.result, lens[i]);
		snprintf(what, sizeof(what), "a %u-byte frame: arg", lens[i]);
		EXPECT(w, what, rq.arg, lens[i]);
		snprintf(what, sizeof(what), "a %u-byte frame: every byte as sent", lens[i]);
		EXPECT(w, what, memcmp(b->m.base + RXBUF, want, lens[i]), 0);
		uint32_t past = 0;
		for (uint32_t k = lens[i]; k < 2 * NET_FRAME_MAX; k++)
			past += b->m.base[RXBUF + k] != RX_MARK;
		snprintf(what, sizeof(what), "a %u-byte frame: bytes written past it", lens[i]);
		EXPECT(w, what, past, 0);
	}
	EXPECT(w, "rx_bytes", b->n->stats.rx_bytes, 14 + 15 + 60 + 1513 + 1514);
	done(w);
}

/* ---- detaching -------------------------------------------------------------------------------- */

static void a_destroyed_nic_is_gone_from_the_switch(void **state)
{
	struct world *w = *state;
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	uint8_t bmac[6];
	memcpy(bmac, b->mac, 6);
	nic_destroy(b);
	EXPECT(w, "SEND to the destroyed NIC's MAC", send_from(w, a, bmac, NULL, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "a broadcast SEND", send_from(w, a, BROADCAST, NULL, 60, 2), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "the frame to its MAC is an unknown drop", a->n->stats.drop_unknown, 1);
	EXPECT(w, "the destroyed NIC's VM sees nothing", b->raises, 0);
	EXPECT(w, "the broadcast reaches VM 2", w->vm[2].lines[DVA_LINE_NET_RX], 1);
	EXPECT(w, "the broadcast reaches VM 3", w->vm[3].lines[DVA_LINE_NET_RX], 1);
	EXPECT(w, "VM 0 raises nothing", a->raises, 0);
	EXPECT(w, "NICs left attached", w->sw.n, NVM - 1);
	done(w);
}

/* VM 1 and VM 3 queue frames to VM 2, VM 0 too (senders: 1, 0, 3); destroying VM 1, then VM 3,
 * with their frames still queued leaves only VM 0's to carry. */
static void switch_totals_include_destroyed_nics(void **state)
{
	struct world *w = *state;
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2];
	/* Give VM 1 every kind of counter: carried, received, unknown, spoofed, ring full. */
	for (uint32_t i = 0; i < 3; i++)
		EXPECT(w, "VM 1 sends to VM 0", send_to(w, b, a, 100, i), DVA_REQ_DONE);
	EXPECT(w, "VM 1 sends to nobody", send_from(w, b, UNKNOWN, NULL, 60, 9), DVA_REQ_DONE);
	EXPECT(w, "VM 1 poses as VM 2", send_from(w, b, a->mac, c->mac, 60, 9), DVA_REQ_DONE);
	for (uint32_t i = 0; i < NET_RXQ + 2; i++) {
		EXPECT(w, "VM 0 sends to VM 1", send_to(w, a, b, 200, i), DVA_REQ_DONE);
		if (i % NET_TXQ == NET_TXQ - 1)
			switch_run(&w->sw);
	}
	switch_run(&w->sw);
	EXPECT(w, "VM 1 takes one", recv_frame(w, b, NET_FRAME_MAX).status, DVA_REQ_DONE);
	struct net_stats sb = b->n->stats;
	EXPECT(w, "VM 1 tx_frames", sb.tx_frames, 4);
	EXPECT(w, "VM 1 tx_bytes", sb.tx_bytes, 360);
	EXPECT(w, "VM 1 rx_frames", sb.rx_frames, 1);
	EXPECT(w, "VM 1 rx_bytes", sb.rx_bytes, 200);
	EXPECT(w, "VM 1 drop_unknown", sb.drop_unknown, 1);
	EXPECT(w, "VM 1 drop_spoofed", sb.drop_spoofed, 1);
	EXPECT(w, "VM 1 drop_rx_full", sb.drop_rx_full, 2);
	nic_destroy(b);
	const struct net_stats *t = &w->sw.total;
	EXPECT(w, "total tx_frames is VM 1's", t->tx_frames, sb.tx_frames);
	EXPECT(w, "total tx_bytes is VM 1's", t->tx_bytes, sb.tx_bytes);
	EXPECT(w, "total rx_frames is VM 1's", t->rx_frames, sb.rx_frames);
	EXPECT(w, "total rx_bytes is VM 1's", t->rx_bytes, sb.rx_bytes);
	EXPECT(w, "total drop_unknown is VM 1's", t->drop_unknown, sb.drop_unknown);
	EXPECT(w, "total drop_spoofed is VM 1's", t->drop_spoofed, sb.drop_spoofed);
	EXPECT(w, "total drop_rx_full is VM 1's", t->drop_rx_full, sb.drop_rx_full);
	EXPECT(w, "total drop_not_up is VM 1's", t->drop_not_up, sb.drop_not_up);
	/* A second NIC destroyed: its counters add on. */
	struct net_stats sa = a->n->stats;
	nic_destroy(a);
	EXPECT(w, "total tx_frames adds VM 0's", t->tx_frames, sb.tx_frames + sa.tx_frames);
	EXPECT(w, "total tx_bytes adds VM 0's", t->tx_bytes, sb.tx_bytes + sa.tx_bytes);
	EXPECT(w, "total rx_frames adds VM 0's", t->rx_frames, sb.rx_frames + sa.rx_frames);
	EXPECT(w, "total drop_unknown adds VM 0's", t->drop_unknown, sb.drop_unknown + sa.drop_unknown);
	done(w);
}

/* VM 3's NIC not up (never used) drops what it is sent; its drop_not_up goes into the total. */
static void switch_totals_include_drop_not_up(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *d = &w->vm[3];
	EXPECT(w, "SEND to VM 3", send_to(w, a, d, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "SEND to VM 3 again", send_to(w, a, d, 60, 2), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "VM 3 drop_not_up", d->n->stats.drop_not_up, 2);
	nic_destroy(d);
	EXPECT(w, "total drop_not_up is VM 3's", w->sw.total.drop_not_up, 2);
	done(w);
}

/* NICs coming and going (VMs released and created) leave the MAC table working: unicast to an
 * unknown MAC is still dropped and counted. Open addressing needs an empty slot for a lookup
 * that misses to end; the table is looked at first so that a failure fails instead of hanging. */
#define CHURN 4096u
static void unknown_unicast_still_drops_after_nics_come_and_go(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0];
	for (uint32_t i = 0; i < CHURN; i++) {
		const uint8_t mac[6] = { 0x02, 0x44, 0x4E, 0x01, (uint8_t)(i >> 8), (uint8_t)i };
		struct net *n = net_new(&w->sw, mac, NULL);
		assert_non_null(n);
		n->dev.ops->destroy(&n->dev);
	}
	EXPECT(w, "NICs attached after the churn", w->sw.n, NVM);
	uint32_t empty = 0;
	for (uint32_t i = 0; i < w->sw.hcap; i++)
		empty += w->sw.hash[i] == NULL;
	EXPECT(w, "the MAC table keeps an empty slot after NICs come and go", empty > 0, 1);
	if (!empty) {
		print_error("(the MAC table has %u slots, none empty: a lookup that misses would never end;"
			    " not sending)\n", w->sw.hcap);
		done(w);
	}
	EXPECT(w, "SEND to an unknown MAC", send_from(w, a, UNKNOWN, NULL, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "SEND to VM 1", send_to(w, a, &w->vm[1], 60, 2), DVA_REQ_DONE);
	bring_up(w, &w->vm[1]);
	switch_run(&w->sw);
	EXPECT(w, "the unknown unicast is dropped and counted", a->n->stats.drop_unknown, 1);
	EXPECT(w, "VM 1 still gets its frame", w->vm[1].lines[DVA_LINE_NET_RX], 1);
	done(w);
}

/* ---- the switch's scheduler ------------------------------------------------------------------ */

/* One frame as a receiver saw it: the sender (its MAC's last byte) and the sender's seq. */
struct seen {
	uint8_t src;
	uint32_t seq;
};

/* RECV everything waiting for v into got (at most max): how many. */
static uint32_t drain_seen(struct world *w, struct vm *v, struct seen *got, uint32_t max)
{
	uint32_t n = 0;
	while (n < max) {
		struct dva_request rq = recv_frame(w, v, NET_FRAME_MAX);
		if (rq.status != DVA_REQ_DONE)
			break;
		got[n].src = v->m.base[RXBUF + 11];
		got[n].seq = frame_seq(v->m.base + RXBUF);
		n++;
	}
	return n;
}

/* Check got[0..n) against want[0..n), frame by frame, by name. */
static void expect_order(struct world *w, const char *name, const struct seen *got, uint32_t ngot,
			 const struct seen *want, uint32_t nwant)
{
	char what[200];
	snprintf(what, sizeof(what), "%s: frames delivered", name);
	EXPECT(w, what, ngot, nwant);
	for (uint32_t i = 0; i < ngot && i < nwant; i++) {
		snprintf(what, sizeof(what), "%s: frame %u comes from the VM with MAC ..:%02x", name, i,
			 want[i].src);
		EXPECT(w, what, got[i].src, want[i].src);
		snprintf(what, sizeof(what), "%s: frame %u is that sender's seq", name, i);
		EXPECT(w, what, got[i].seq, want[i].seq);
	}
}

/* VM 0 and VM 1 flood VM 2 with 16 frames each (all fit its ring), three rounds; in round 2
 * VM 1 queues first. The ring holds runs of exactly NET_BURST from alternating senders, the
 * one that queued first leading, so after every turn the shares differ by at most one burst
 * and at the end they are equal. */
static void two_flooding_senders_alternate_burst_by_burst(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2];
	bring_up(w, c);
	const uint32_t each = NET_RXQ / 2;
	for (int round = 0; round < 3; round++) {
		struct vm *first = round == 1 ? b : a, *second = round == 1 ? a : b;
		for (uint32_t i = 0; i < each; i++) {
			EXPECT(w, "the first sender queues", send_to(w, first, c, 60, 100 * round + i), DVA_REQ_DONE);
			EXPECT(w, "the second sender queues", send_to(w, second, c, 60, 100 * round + i), DVA_REQ_DONE);
		}
		switch_run(&w->sw);
		struct seen got[NET_RXQ], want[NET_RXQ];
		for (uint32_t i = 0; i < 2 * each; i++) {
			uint32_t turn = i / (2 * NET_BURST), k = i % (2 * NET_BURST);
			want[i].src = (k < NET_BURST ? first : second)->mac[5];
			want[i].seq = 100 * round + turn * NET_BURST + k % NET_BURST;
		}
		uint32_t n = drain_seen(w, c, got, NET_RXQ);
		expect_order(w, round == 1 ? "two senders, VM 1 first" : "two senders, VM 0 first", got, n,
			     want, 2 * each);
		uint32_t from_a = 0, from_b = 0;
		for (uint32_t i = 0; i < n; i++) {
			from_a += got[i].src == a->mac[5];
			from_b += got[i].src == b->mac[5];
			if ((i + 1) % NET_BURST == 0) {
				uint32_t d = from_a > from_b ? from_a - from_b : from_b - from_a;
				EXPECT(w, "after every burst the shares differ by at most NET_BURST", d <= NET_BURST, 1);
			}
		}
		EXPECT(w, "equal shares at the end", from_a == each && from_b == each, 1);
	}
	EXPECT(w, "no frame lost", c->n->stats.drop_rx_full, 0);
	done(w);
}

/* VM 0, VM 1 and VM 2 queue 12, 3 and 9 frames for VM 3, in that order: each turn takes up to
 * NET_BURST from each sender still holding frames, a sender that runs dry leaves the round. */
static void three_senders_with_unequal_backlogs_share_by_turns(void **state)
{
	struct world *w = *state;
	struct vm *d = &w->vm[3];
	static const uint32_t backlog[3] = { 12, 3, 9 };
	bring_up(w, d);
	for (unsigned s = 0; s < 3; s++)
		for (uint32_t i = 0; i < backlog[s]; i++)
			EXPECT(w, "a sender queues", send_to(w, &w->vm[s], d, 60, i), DVA_REQ_DONE);
	switch_run(&w->sw);
	/* Turn 1: 0:0-3 1:0-2 2:0-3; turn 2: 0:4-7 2:4-7; turn 3: 0:8-11 2:8. */
	static const struct { unsigned s; uint32_t first, n; } runs[] = {
		{ 0, 0, 4 }, { 1, 0, 3 }, { 2, 0, 4 }, { 0, 4, 4 }, { 2, 4, 4 }, { 0, 8, 4 }, { 2, 8, 1 },
	};
	struct seen want[24], got[NET_RXQ];
	uint32_t nwant = 0;
	for (size_t r = 0; r < ROWS(runs); r++)
		for (uint32_t k = 0; k < runs[r].n; k++)
			want[nwant++] = (struct seen){ w->vm[runs[r].s].mac[5], runs[r].first + k };
	uint32_t n = drain_seen(w, d, got, NET_RXQ);
	expect_order(w, "three senders, backlogs 12, 3, 9", got, n, want, nwant);
	for (unsigned s = 0; s < 3; s++)
		EXPECT(w, "each sender carried its whole backlog", w->vm[s].n->stats.tx_frames, backlog[s]);
	EXPECT(w, "the switch is idle after", switch_busy(&w->sw), 0);
	done(w);
}

/* Senders VM 0, VM 1, VM 2 (in that order) queue 8 frames each for VM 3; VM 1, in the middle
 * of the round, goes away before the switch runs. VM 0 and VM 2 then alternate by bursts as if
 * it had never been there, and VM 2 (moved into VM 1's place in the switch's table of NICs)
 * still gets broadcasts and unicast. */
/* A NIC destroyed (its VM ended) with frames still queued: the switch keeps it until they
 * have left in its turns like anyone else's, raises nothing on it, takes nothing for it, adds
 * its counters to the totals when it frees it, and frees one it never drained at
 * switch_destroy (ASan's leak check runs on the sanitizer build of this test). */
static void destroying_a_queued_sender_is_safe(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2], *d = &w->vm[3];
	bring_up(w, c);
	for (uint32_t i = 0; i < 6; i++)
		EXPECT(w, "VM 1 queues", send_to(w, b, c, 60, 100 + i), DVA_REQ_DONE);
	for (uint32_t i = 0; i < 6; i++)
		EXPECT(w, "VM 0 queues", send_to(w, a, c, 60, i), DVA_REQ_DONE);
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "VM 3 queues", send_to(w, d, c, 60, 300 + i), DVA_REQ_DONE);
	EXPECT(w, "VM 3's queue is full", send_to(w, d, c, 60, 999), DVA_REQ_WOULD_BLOCK);
	nic_destroy(b); /* first in the senders' list */
	nic_destroy(d); /* last in it, and blocked */
	EXPECT(w, "frames still wait to leave", switch_busy(&w->sw), 1);
	EXPECT(w, "a broadcast from VM 0 reaches no destroyed NIC",
	       send_from(w, a, BROADCAST, NULL, 60, 77), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "everything is carried", switch_busy(&w->sw), 0);
	/* Turns of NET_BURST: VM 1's 6, VM 0's 6 and the broadcast, VM 3's until VM 2's ring is full. */
	struct seen want[NET_RXQ], got[NET_RXQ];
	uint32_t k = 0;
	for (uint32_t i = 0; i < 4; i++)
		want[k++] = (struct seen){ b->mac[5], 100 + i };
	for (uint32_t i = 0; i < 4; i++)
		want[k++] = (struct seen){ a->mac[5], i };
	for (uint32_t i = 0; i < 4; i++)
		want[k++] = (struct seen){ d->mac[5], 300 + i };
	for (uint32_t i = 4; i < 6; i++)
		want[k++] = (struct seen){ b->mac[5], 100 + i };
	for (uint32_t i = 4; i < 6; i++)
		want[k++] = (struct seen){ a->mac[5], i };
	want[k++] = (struct seen){ a->mac[5], 77 };
	for (uint32_t i = 4; k < NET_RXQ; i++)
		want[k++] = (struct seen){ d->mac[5], 300 + i };
	EXPECT(w, "VM 2: line 2 once per frame it took", c->lines[DVA_LINE_NET_RX], NET_RXQ);
	EXPECT(w, "VM 2 dropped the rest of VM 3's", c->n->stats.drop_rx_full, 6 + 6 + 1 + NET_TXQ - NET_RXQ);
	EXPECT(w, "nothing raised on the destroyed VMs", b->raises + d->raises, 0);
	expect_order(w, "the destroyed senders' frames", got, drain_seen(w, c, got, NET_RXQ), want, NET_RXQ);
	EXPECT(w, "their counters are in the totals once they are freed", w->sw.total.tx_frames, 6 + NET_TXQ);
	/* A NIC destroyed with nothing queued is the caller's at once; one destroyed with frames
	 * queued and never carried is freed by switch_destroy (world_free). */
	EXPECT(w, "VM 0 queues again", send_to(w, a, c, 60, 50), DVA_REQ_DONE);
	nic_destroy(a);
	switch_run(&w->sw);
	EXPECT(w, "VM 2 gets VM 0's last frame", drain_seen(w, c, got, NET_RXQ), 1);
	EXPECT(w, "from VM 0", got[0].src == a->mac[5] && got[0].seq == 50, 1);
	EXPECT(w, "VM 2 queues one for nobody", send_to(w, c, a, 60, 51), DVA_REQ_DONE);
	nic_destroy(c);
	EXPECT(w, "kept until the switch goes", switch_busy(&w->sw), 1);
	done(w);
}

/* Fault injection (--net-loss, --net-dup, --net-reorder) at certainty: every frame lost and
 * counted; every frame delivered twice; every pair of a sender's frames swapped; and at 30%
 * loss the same seed loses the same frames. */
static void the_switch_injects_loss_duplication_and_reordering(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	struct seen got[NET_RXQ];
	bring_up(w, b);
	w->sw.loss_ppm = 1000000;
	for (uint32_t i = 0; i < 4; i++)
		EXPECT(w, "VM 0 sends", send_to(w, a, b, 60, i), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "all lost", drain_seen(w, b, got, NET_RXQ), 0);
	EXPECT(w, "losses counted", w->sw.injected_loss, 4);
	EXPECT(w, "a lost frame was still carried from its sender", a->n->stats.tx_frames, 4);
	w->sw.loss_ppm = 0;
	w->sw.dup_ppm = 1000000;
	for (uint32_t i = 0; i < 3; i++)
		EXPECT(w, "VM 0 sends", send_to(w, a, b, 60, 10 + i), DVA_REQ_DONE);
	switch_run(&w->sw);
	struct seen twice[6] = { { a->mac[5], 10 }, { a->mac[5], 10 }, { a->mac[5], 11 },
				 { a->mac[5], 11 }, { a->mac[5], 12 }, { a->mac[5], 12 } };
	expect_order(w, "duplicated", got, drain_seen(w, b, got, NET_RXQ), twice, 6);
	EXPECT(w, "duplicates counted", w->sw.injected_dup, 3);
	w->sw.dup_ppm = 0;
	w->sw.reorder_ppm = 1000000;
	for (uint32_t i = 0; i < 5; i++)
		EXPECT(w, "VM 0 sends", send_to(w, a, b, 60, 20 + i), DVA_REQ_DONE);
	switch_run(&w->sw);
	/* Turns of 4: 20 held, 21 then 20, 22 held, 23 then 22; 24 held and let go at the end of
	 * the turn it is alone in. */
	struct seen swapped[5] = { { a->mac[5], 21 }, { a->mac[5], 20 }, { a->mac[5], 23 },
				   { a->mac[5], 22 }, { a->mac[5], 24 } };
	expect_order(w, "reordered", got, drain_seen(w, b, got, NET_RXQ), swapped, 5);
	EXPECT(w, "reorderings counted", w->sw.injected_reorder, 3);
	/* 30% loss, twice from the same seed: the same frames arrive. */
	w->sw.reorder_ppm = 0;
	uint32_t first[NET_TXQ], n1 = 0, n2 = 0;
	for (int pass = 0; pass < 2; pass++) {
		w->sw.loss_ppm = 300000;
		w->sw.rng = 42;
		for (uint32_t i = 0; i < NET_TXQ; i++)
			EXPECT(w, "VM 0 sends", send_to(w, a, b, 60, 100 + i), DVA_REQ_DONE);
		switch_run(&w->sw);
		uint32_t n = drain_seen(w, b, got, NET_RXQ);
		for (uint32_t i = 0; i < n; i++) {
			if (pass == 0)
				first[i] = got[i].seq;
			else
				EXPECT(w, "the same frames survive the same seed", got[i].seq, first[i]);
		}
		*(pass == 0 ? &n1 : &n2) = n;
	}
	EXPECT(w, "as many survive both times", n2, n1);
	EXPECT(w, "some are lost at 30%", n1 > 0 && n1 < NET_TXQ, 1);
	done(w);
}

static void a_sender_detached_mid_round_leaves_the_others_alternating(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2], *d = &w->vm[3];
	bring_up(w, d);
	for (uint32_t i = 0; i < 8; i++)
		for (unsigned s = 0; s < 3; s++)
			EXPECT(w, "a sender queues", send_to(w, &w->vm[s], d, 60, i), DVA_REQ_DONE);
	nic_destroy(b); /* its frames still leave, in its turns */
	switch_run(&w->sw);
	struct seen want[24], got[NET_RXQ];
	for (uint32_t i = 0; i < 24; i++) {
		uint32_t turn = i / (3 * NET_BURST), k = i % (3 * NET_BURST);
		want[i] = (struct seen){ w->vm[k / NET_BURST].mac[5], turn * NET_BURST + k % NET_BURST };
	}
	uint32_t n = drain_seen(w, d, got, NET_RXQ);
	expect_order(w, "VM 1 gone mid-round", got, n, want, 24);
	/* The survivors, wherever the table moved them, still get what is theirs. */
	bring_up(w, c);
	EXPECT(w, "a broadcast after the detach", send_from(w, a, BROADCAST, NULL, 60, 40), DVA_REQ_DONE);
	EXPECT(w, "a unicast to VM 2 after the detach", send_to(w, a, c, 60, 41), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "VM 2 gets both", drain_seen(w, c, got, NET_RXQ), 2);
	EXPECT(w, "VM 3 gets the broadcast", drain_seen(w, d, got, NET_RXQ), 1);
	EXPECT(w, "nothing raised on the detached VM after it went", b->raises, 0);
	/* A second round after a detach in its middle: VM 2 queues, then VM 0, and VM 0 goes. */
	for (uint32_t i = 0; i < 6; i++)
		EXPECT(w, "VM 2 queues", send_to(w, c, d, 60, 200 + i), DVA_REQ_DONE);
	for (uint32_t i = 0; i < 6; i++)
		EXPECT(w, "VM 0 queues", send_to(w, a, d, 60, 300 + i), DVA_REQ_DONE);
	nic_destroy(a);
	switch_run(&w->sw);
	n = drain_seen(w, d, got, NET_RXQ);
	/* Turns of NET_BURST: VM 2's 200-203, VM 0's 300-303, VM 2's 204-205, VM 0's 304-305. */
	static const uint32_t order[12] = { 200, 201, 202, 203, 300, 301, 302, 303, 204, 205, 304, 305 };
	for (uint32_t i = 0; i < 12; i++)
		want[i] = (struct seen){ (order[i] < 300 ? c : a)->mac[5], order[i] };
	expect_order(w, "VM 0 gone with frames queued", got, n, want, 12);
	done(w);
}

/* VM 0 floods the switch with NET_TXQ broadcasts while VM 1 sends VM 2 four unicast frames:
 * VM 2's ring gets VM 0's first burst, then all of VM 1's, then broadcasts until it is full. */
static void a_broadcast_storm_does_not_starve_unicast(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2], *d = &w->vm[3];
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "VM 0 broadcasts", send_from(w, a, BROADCAST, NULL, 60, i), DVA_REQ_DONE);
	for (uint32_t i = 0; i < NET_BURST; i++)
		EXPECT(w, "VM 1 sends VM 2 unicast", send_to(w, b, c, 60, 1000 + i), DVA_REQ_DONE);
	switch_run(&w->sw);
	struct seen want[NET_RXQ], got[NET_RXQ];
	for (uint32_t i = 0; i < NET_RXQ; i++) {
		if (i >= NET_BURST && i < 2 * NET_BURST)
			want[i] = (struct seen){ b->mac[5], 1000 + i - NET_BURST };
		else
			want[i] = (struct seen){ a->mac[5], i < NET_BURST ? i : i - NET_BURST };
	}
	uint32_t n = drain_seen(w, c, got, NET_RXQ);
	expect_order(w, "VM 2 under a broadcast storm", got, n, want, NET_RXQ);
	EXPECT(w, "VM 2 dropped broadcasts, not unicast", c->n->stats.drop_rx_full, NET_BURST);
	EXPECT(w, "VM 3 got the first NET_RXQ broadcasts", drain_seen(w, d, got, NET_RXQ), NET_RXQ);
	EXPECT(w, "VM 3 dropped the rest", d->n->stats.drop_rx_full, NET_TXQ - NET_RXQ);
	EXPECT(w, "VM 1 got every broadcast it had room for", drain_seen(w, b, got, NET_RXQ), NET_RXQ);
	done(w);
}

/* A frame to its sender's own MAC goes nowhere: not back to the sender, not to anyone else,
 * and it is not an unknown drop (the MAC is attached); frames after it still flow. */
static void a_frame_to_its_senders_own_mac_is_not_looped_back(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1];
	for (unsigned i = 0; i < NVM; i++)
		bring_up(w, &w->vm[i]);
	EXPECT(w, "SEND to its own MAC", send_to(w, a, a, 60, 1), DVA_REQ_DONE);
	EXPECT(w, "SEND to VM 1", send_to(w, a, b, 60, 2), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "the sender raises nothing", a->raises, 0);
	EXPECT(w, "the sender RECVs nothing", recv_frame(w, a, NET_FRAME_MAX).status, DVA_REQ_WOULD_BLOCK);
	EXPECT(w, "not an unknown drop", a->n->stats.drop_unknown, 0);
	EXPECT(w, "VM 1 gets only its frame", b->raises, 1);
	struct dva_request rq = recv_frame(w, b, NET_FRAME_MAX);
	EXPECT(w, "VM 1's frame is seq 2", rq.status == DVA_REQ_DONE && frame_seq(b->m.base + RXBUF) == 2, 1);
	EXPECT(w, "VM 2 and VM 3 raise nothing", w->vm[2].raises + w->vm[3].raises, 0);
	done(w);
}

/* ---- the MAC table ------------------------------------------------------------------------- */

#define POOL 512u     /* NICs that come and go */
#define CYCLES 40u
#define PER_CYCLE 48u /* attached and detached each cycle */

static void pool_mac(uint32_t i, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x44, 0x4E, 0x02, (uint8_t)(i >> 8), (uint8_t)i };
	memcpy(mac, m, 6);
}

/* VM 0 sends one frame to each MAC in macs (in batches that fit its queue). */
static void send_to_each(struct world *w, const uint8_t (*macs)[6], uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		EXPECT(w, "SEND to a pool MAC", send_from(w, &w->vm[0], macs[i], NULL, 60, i), DVA_REQ_DONE);
		if (i % NET_TXQ == NET_TXQ - 1)
			switch_run(&w->sw);
	}
	switch_run(&w->sw);
}

/* NICs of a pool attach and detach in a fixed pseudo-random order, leaving tombstones in the
 * MAC table, and some MACs come back. After every cycle: a frame to each live MAC reaches that
 * NIC (it is not up: its drop_not_up counts exactly the frames for it), and a frame to each MAC
 * detached is an unknown drop, never delivered to anyone. */
static void the_mac_table_finds_every_live_mac_and_no_detached_one(void **state)
{
	struct world *w = *state;
	struct net **pool = calloc(POOL, sizeof(*pool));
	uint8_t (*live)[6] = calloc(POOL, 6), (*gone)[6] = calloc(POOL, 6);
	uint64_t *want_hits = calloc(POOL, sizeof(*want_hits));
	assert_true(pool && live && gone && want_hits);
	uint32_t rng = 12345, unknown = 0;
	bool had_tombstones = false;
	for (uint32_t cycle = 0; cycle < CYCLES; cycle++) {
		for (uint32_t k = 0; k < PER_CYCLE; k++) { /* attach free slots */
			uint32_t i = (rng = rng * 1103515245u + 12345u) >> 8 & (POOL - 1);
			while (pool[i])
				i = (i + 1) & (POOL - 1);
			uint8_t mac[6];
			pool_mac(i, mac);
			pool[i] = net_new(&w->sw, mac, NULL);
			assert_non_null(pool[i]);
			want_hits[i] = 0;
		}
		uint32_t ngone = 0;
		for (uint32_t k = 0; k < PER_CYCLE - cycle % 3; k++) { /* detach some */
			uint32_t i = (rng = rng * 1103515245u + 12345u) >> 8 & (POOL - 1);
			while (!pool[i])
				i = (i + 1) & (POOL - 1);
			pool[i]->dev.ops->destroy(&pool[i]->dev);
			pool[i] = NULL;
			pool_mac(i, gone[ngone++]);
		}
		uint32_t nlive = 0;
		for (uint32_t i = 0; i < POOL; i++)
			if (pool[i])
				pool_mac(i, live[nlive++]);
		EXPECT(w, "NICs attached: the VMs' and the pool's live ones", w->sw.n, NVM + nlive);
		uint32_t empty = 0;
		for (uint32_t i = 0; i < w->sw.hcap; i++)
			empty += w->sw.hash[i] == NULL;
		EXPECT(w, "the MAC table keeps empty slots", empty > 0, 1);
		if (!empty)
			break; /* a lookup that misses would never end */
		had_tombstones |= w->sw.ndeleted > 0;
		send_to_each(w, (const uint8_t (*)[6])live, nlive);
		send_to_each(w, (const uint8_t (*)[6])gone, ngone);
		unknown += ngone;
		uint32_t missed = 0;
		for (uint32_t i = 0; i < POOL; i++)
			if (pool[i])
				missed += pool[i]->stats.drop_not_up != ++want_hits[i];
		EXPECT(w, "every live MAC got exactly its frames", missed, 0);
		EXPECT(w, "every detached MAC is unknown", w->vm[0].n->stats.drop_unknown, unknown);
		for (unsigned v = 1; v < NVM; v++)
			EXPECT(w, "no VM gets a frame for the pool", w->vm[v].raises + w->vm[v].n->stats.drop_not_up, 0);
	}
	EXPECT(w, "the cycles left tombstones in the table at some point", had_tombstones, 1);
	for (uint32_t i = 0; i < POOL; i++)
		if (pool[i])
			pool[i]->dev.ops->destroy(&pool[i]->dev);
	free(pool);
	free(live);
	free(gone);
	free(want_hits);
	done(w);
}

/* ---- line 3 ---------------------------------------------------------------------------------- */

/* Line 3 rises on a sender exactly when its queue gets room after a SEND of its was refused
 * (status 2), once per refusal episode however many SENDs were refused, and never otherwise:
 * not for a full queue never refused, not on other VMs, not for a sender refused and then
 * detached. */
static void line_3_rises_exactly_when_a_blocked_sender_gets_room(void **state)
{
	struct world *w = *state;
	struct vm *a = &w->vm[0], *b = &w->vm[1], *c = &w->vm[2], *d = &w->vm[3];
	struct seen scratch[NET_RXQ];
	bring_up(w, c);
	/* A full queue, never refused: nothing. */
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "VM 0 fills its queue", send_to(w, a, c, 60, i), DVA_REQ_DONE);
	switch_run(&w->sw);
	EXPECT(w, "a full queue that refused nothing: no line 3", a->lines[DVA_LINE_NET_TX_SPACE], 0);
	EXPECT(w, "the receiver drains", drain_seen(w, c, scratch, NET_RXQ), NET_RXQ);
	/* Refused three times, then room: line 3 once, on the refused sender only. */
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "VM 0 fills its queue", send_to(w, a, c, 60, i), DVA_REQ_DONE);
	for (int k = 0; k < 3; k++)
		EXPECT(w, "VM 0 is refused", send_to(w, a, c, 60, 99), DVA_REQ_WOULD_BLOCK);
	for (uint32_t i = 0; i < 5; i++)
		EXPECT(w, "VM 1 sends a few", send_to(w, b, d, 60, i), DVA_REQ_DONE);
	EXPECT(w, "no line 3 while the queue is still full", a->lines[DVA_LINE_NET_TX_SPACE], 0);
	switch_run(&w->sw);
	EXPECT(w, "line 3 once on the refused sender", a->lines[DVA_LINE_NET_TX_SPACE], 1);
	EXPECT(w, "no line 3 on the sender never refused", b->lines[DVA_LINE_NET_TX_SPACE], 0);
	EXPECT(w, "no line 3 on the receivers", c->lines[DVA_LINE_NET_TX_SPACE] + d->lines[DVA_LINE_NET_TX_SPACE], 0);
	/* Sending on with room: no more line 3. */
	EXPECT(w, "the receiver drains", drain_seen(w, c, scratch, NET_RXQ), NET_RXQ);
	EXPECT(w, "VM 0 sends with room", send_to(w, a, c, 60, 1), DVA_REQ_DONE);
	switch_run(&w->sw);
	switch_run(&w->sw);
	EXPECT(w, "no line 3 without a new refusal", a->lines[DVA_LINE_NET_TX_SPACE], 1);
	/* A second refusal episode: a second line 3. */
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "VM 0 fills its queue again", send_to(w, a, c, 60, i), DVA_REQ_DONE);
	EXPECT(w, "VM 0 is refused again", send_to(w, a, c, 60, 99), DVA_REQ_WOULD_BLOCK);
	switch_run(&w->sw);
	EXPECT(w, "line 3 again after the second refusal", a->lines[DVA_LINE_NET_TX_SPACE], 2);
	EXPECT(w, "nothing but line 3 on the sender", a->raises, 2);
	/* Refused, then detached before room came: nothing raised on it. */
	for (uint32_t i = 0; i < NET_TXQ; i++)
		EXPECT(w, "VM 1 fills its queue", send_to(w, b, d, 60, i), DVA_REQ_DONE);
	EXPECT(w, "VM 1 is refused", send_to(w, b, d, 60, 99), DVA_REQ_WOULD_BLOCK);
	unsigned before = b->raises;
	nic_destroy(b);
	switch_run(&w->sw);
	EXPECT(w, "a refused sender detached gets no line 3", b->raises, before);
	done(w);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* statuses */
		cmocka_unit_test(status_rows),
		T(a_misaligned_block_is_gp_and_untouched),
		T(a_block_that_would_fault_is_dev_fault),
		T(other_widths_and_ports_are_gp),
		/* flow control */
		T(a_full_transmit_queue_blocks_then_line_3_rises_once),
		T(no_line_3_without_a_status_2),
		/* delivery */
		T(unicast_reaches_only_its_nic),
		T(group_addresses_reach_all_but_the_sender),
		T(unknown_unicast_is_dropped_and_counted),
		T(a_spoofed_source_is_dropped_and_counted),
		T(a_nic_not_up_drops_and_raises_nothing),
		T(a_full_receive_ring_drops_and_counts),
		/* fairness */
		T(senders_drain_round_robin_net_burst_at_a_time),
		/* frame bytes */
		T(frame_bytes_are_exact_end_to_end),
		/* detaching */
		T(a_destroyed_nic_is_gone_from_the_switch),
		T(destroying_a_queued_sender_is_safe),
		T(switch_totals_include_destroyed_nics),
		T(switch_totals_include_drop_not_up),
		T(unknown_unicast_still_drops_after_nics_come_and_go),
		/* the switch's scheduler */
		T(two_flooding_senders_alternate_burst_by_burst),
		T(three_senders_with_unequal_backlogs_share_by_turns),
		T(a_sender_detached_mid_round_leaves_the_others_alternating),
		T(the_switch_injects_loss_duplication_and_reordering),
		T(a_broadcast_storm_does_not_starve_unicast),
		T(a_frame_to_its_senders_own_mac_is_not_looped_back),
		/* the MAC table */
		T(the_mac_table_finds_every_live_mac_and_no_detached_one),
		/* line 3 */
		T(line_3_rises_exactly_when_a_blocked_sender_gets_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
