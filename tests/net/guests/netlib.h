/* netlib.h - what the network suite's guests share: request blocks through the NIC's port, the
 * test frames and the MACs they go between, waiting on a line, comparing buffers, and the
 * stack guests' "ok NAME" / "FAIL NAME" checks. Every tests/net/guests/n_*.c links netlib.c
 * (tests/net/module.mk). */
#ifndef NETLIB_H
#define NETLIB_H

#include <stdint.h>

#include "denali.h"

/* --- request blocks on port 0xD100 (DVA-1 section 7) -------------------------------------- */

#define NET_SEND 1u /* the NIC's ops */
#define NET_RECV 2u
/* What nic_request presets a block's status, arg and result to, so that a test sees which of
 * them the device wrote. */
#define STATUS0 0xEEEEEEEEu
#define ARG0 0xA1A1A1A1u
#define RESULT0 0xA2A2A2A2u
/* p as the 32-bit guest address a request block carries. */
#define GADDR(p) ((uint32_t)(uintptr_t)(p))

/* OUT DX, EAX to the NIC with EAX = block: one instruction, 0xEF, which the fault tests' trap
 * handlers look for at EIP and step past. block may be any address, good or not. Inline, as it
 * was in every guest, so that a guest's request loop runs the instructions it always did (the
 * flood and hostile cases print times and counts that move with them). */
static inline void nic_out(uint32_t block)
{
	__asm__ volatile("outl %0, %w1" : : "a"(block), "Nd"((uint16_t)DVA_PORT_NET) : "memory");
}

/* Hand the device the block the caller filled in at *rq: the status it left there. */
static inline uint32_t nic_submit(struct dva_request *rq)
{
	nic_out(GADDR(rq));
	return rq->status;
}

/* One request through *rq, its status, arg and result preset to STATUS0, ARG0 and RESULT0: the
 * status it got (the rest of the block stays in *rq for the caller to read). */
uint32_t nic_request(struct dva_request *rq, uint32_t op, uint32_t addr, uint32_t len);

/* --- MACs and frames ---------------------------------------------------------------------- */

#define NET_FRAME_MAX 1514u    /* bytes: the longest frame the NIC takes */
#define ETHERTYPE_TEST 0x88B5u /* IEEE 802 local experimental: the test frames' EtherType */
extern const uint8_t mac_broadcast[6]; /* ff:ff:ff:ff:ff:ff */

/* VM id's MAC, as the emulator gives it: 02:44:4E:(id>>16):(id>>8):id. */
void mac_of(uint32_t id, uint8_t m[6]);
/* This VM's own MAC, read from page 0. */
void my_mac(uint8_t m[6]);
/* v's low 16 bits at p, most significant byte first (network order). */
void put_be16(uint8_t *p, uint32_t v);
/* An Ethernet header at f: dst, src, then type. */
void eth_header(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
/* A frame of len bytes: dst, src, ETHERTYPE_TEST, seq (little-endian) at 14 when it fits, then
 * a pattern of seq, so that a receiver can rebuild exactly what was sent. */
void make_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t len,
		uint32_t seq);
/* The seq make_frame put at 14 in f. */
uint32_t frame_seq(const uint8_t *f);

/* How a test's senders build each frame, so that recv_all can rebuild and compare it: frame
 * seq is make_frame(f, dst_of(seq), its sender's MAC, len_of(seq), seq). */
struct frame_plan {
	uint32_t (*len_of)(uint32_t seq);           /* the frame's length in bytes, 14-1514 */
	void (*dst_of)(uint32_t seq, uint8_t d[6]); /* its destination MAC */
};
/* Frames first to last (by seq) as plan says, from src, built in frame (NET_FRAME_MAX bytes) and
 * SENT through *rq one after the other, printing "send seq N: status S" for each. */
void send_seqs(struct dva_request *rq, const struct frame_plan *plan, uint8_t *frame,
	       const uint8_t src[6], uint32_t first, uint32_t last);
/* RECV through *rq into buf (NET_FRAME_MAX bytes) until nothing waits, printing each frame: its
 * sender (the source MAC's last byte), its seq, its length, arg, and the bytes that differ from
 * the frame plan says that sender built (rebuilt in scratch, NET_FRAME_MAX bytes); then the
 * status that ended it. The number of frames. */
unsigned recv_all(struct dva_request *rq, const struct frame_plan *plan, uint8_t *buf,
		  uint8_t *scratch);

/* --- comparing buffers -------------------------------------------------------------------- */

/* Bytes of [a, a+n) that differ from [b, b+n). */
unsigned differ(const uint8_t *a, const uint8_t *b, uint32_t n);
/* Bytes of [a, a+n) that are not c. */
unsigned not_byte(const uint8_t *a, uint8_t c, uint32_t n);

/* --- lines -------------------------------------------------------------------------------- */

/* IDLE for at most us with only line in irq_mask (irq_enable stays 0: no upcall), then
 * whether line is pending; it is cleared (irq_pending is write-1-to-clear) and irq_mask
 * emptied again. IDLE's own result goes to *woke when woke is not NULL (0: a line woke it). */
unsigned wait_line(unsigned line, uint32_t us, uint32_t *woke);

/* --- the stack guests' checks ------------------------------------------------------------- */

/* Print "ok NAME" when cond holds, else "FAIL NAME: got GOT" and remember the failure. */
void check(const char *name, int cond, long got);
/* Remember a failure the guest reported in words of its own. */
void check_fail(void);
/* 1 once anything failed, else 0: the guest's exit status. */
int checks_failed(void);

#endif
