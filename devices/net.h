/* net.h - the network device (DVA-1 section 7, port 0xD100) and the in-process switch that
 * carries its frames between the VMs of a run.
 *
 * A VM's NIC holds two bounded rings of frames: what it sent and the switch has not yet carried
 * (SEND gives status 2 when it is full, and line 3 rises when space returns), and what the
 * switch delivered and the guest has not yet taken (RECV; line 2 rises on arrival; a frame that
 * finds it full is dropped and counted). A NIC is up from its guest's first OUT to it; only then
 * are its rings allocated and does it receive (frames for a NIC not up are dropped and counted,
 * as for an interface whose driver has not started), so a VM that never touches its NIC costs
 * only the device struct, whatever is broadcast.
 *
 * The switch delivers by destination MAC (a hash table), a group address to every attached NIC
 * but the sender's, and drops unknown unicast and any frame whose source MAC is not its sender's
 * own (a VM cannot pose as another). It drains the senders round-robin, at most NET_BURST frames
 * from each per turn, between quanta: receivers see their frames at their next delivery point.
 */
#ifndef DENALI_NET_H
#define DENALI_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define NET_FRAME_MIN 14u   /* an Ethernet header */
#define NET_FRAME_MAX 1514u /* and at most 1500 bytes of payload, as DVA-1 says */
#define NET_TXQ 32u         /* frames a VM may have waiting to leave */
#define NET_RXQ 32u         /* frames waiting for the guest, unless its group says (net_rxq) */
#define NET_RXQ_MAX 4096u   /* the most a group may ask for */
#define NET_HOST_TXQ 1024u  /* frames the host's port may have waiting (it speaks for many) */
#define NET_BURST 4u        /* frames the switch takes from one sender per turn */

enum net_op { NET_OP_SEND = 1, NET_OP_RECV = 2 };

struct net_frame {
	uint16_t len;
	uint8_t data[NET_FRAME_MAX];
};

/* A ring of frames, allocated on first use. */
struct net_ring {
	struct net_frame *slot;
	uint32_t head, len, cap;
};

struct net_stats {
	uint64_t tx_frames, tx_bytes;   /* frames the switch carried away from this VM */
	uint64_t rx_frames, rx_bytes;   /* frames the guest received */
	uint64_t drop_rx_full;          /* frames for it that found its receive ring full */
	uint64_t drop_spoofed;          /* frames it sent with another source MAC */
	uint64_t drop_unknown;          /* unicast frames it sent to no attached MAC */
	uint64_t drop_not_up;           /* frames for it before its guest first used it */
	uint64_t drop_too_long;         /* SENDs it made of more than NET_FRAME_MAX bytes */
};

struct netswitch;

struct net {
	struct device dev;        /* first: the bus sees a struct device */
	struct netswitch *sw;     /* the run's switch (not owned) */
	uint8_t mac[6];           /* page 0's mac */
	uint32_t index;           /* its place in the switch's table of NICs */
	struct net_ring tx, rx;
	uint32_t txq, rxq;        /* the rings' sizes in frames (NET_TXQ, NET_RXQ unless set) */
	bool up;                  /* its guest has used it: it has rings and receives */
	bool tx_blocked;          /* a SEND got status 2: raise line 3 when space returns */
	bool sending;             /* in the switch's round of senders */
	bool gone;                /* its VM has ended: kept by the switch until its frames leave */
	/* The host's port (devices/uplink.c) instead of a VM's: frames for it go to sink rather
	 * than a receive queue, and what it sends is not checked for its source MAC (slirp speaks
	 * for the gateway, its DNS and every host a forward reaches). */
	void (*sink)(void *opaque, const uint8_t *data, uint32_t len);
	void *sink_opaque;
	struct net_stats stats;
	struct net_stats *keep;   /* where its counters go when it is destroyed, or NULL */
};

struct netswitch {
	struct net **nics;        /* every attached NIC, for group addresses */
	uint32_t n, cap;
	struct net **hash;        /* by MAC: open addressing, NULL empty, (struct net *)1 deleted */
	uint32_t hcap;            /* a power of two, more than twice n + ndeleted */
	uint32_t ndeleted;        /* tombstones in it */
	struct net **senders;     /* NICs with frames to carry, in round-robin order */
	uint32_t nsenders, scap, turn;
	struct net_stats total;   /* over every NIC, including ones that have gone */
	struct net *uplink;       /* the host's port, where unicast for no VM goes, or NULL */
	/* The kernel's hooks (NULL when unused), each called with owner: sent after a SEND has
	 * queued a frame (in sync mode the kernel carries it at once); tap (--pcap) for every frame
	 * taken from a sender, before the switch delivers or drops it, with its sender and, for
	 * unicast, the NIC it is for (NULL for a group address or an unknown one). */
	void *owner;
	void (*sent)(void *owner);
	/* Fault injection (--net-loss, --net-dup, --net-reorder): each carried frame is lost, or
	 * delivered twice, or held back and delivered after the sender's next frame, with these
	 * probabilities in parts per million, drawn from rng (the run's seed). */
	uint32_t loss_ppm, dup_ppm, reorder_ppm;
	uint64_t rng;
	uint64_t injected_loss, injected_dup, injected_reorder;
	bool holding;             /* held is a frame waiting to go after the next one */
	struct net *held_to;      /* its unicast destination, NULL for a group address */
	struct net *held_from;
	struct net_frame held;
	void (*tap)(void *owner, const struct net *from, const struct net *to, const struct net_frame *f);
};

void switch_init(struct netswitch *sw);
/* Called by the NICs: attach (0, or -1 out of memory), and join the senders. */
int switch_attach(struct netswitch *sw, struct net *n);
void switch_queue(struct netswitch *sw, struct net *n);
/* n's VM has ended: n receives no more. True when frames still wait to leave it: the switch
 * then keeps n, carries them in its turns like any other sender's, and frees it (net_release)
 * once they have gone, so a VM's last frames are not lost with it. False: n is the caller's
 * to free. */
bool switch_leave(struct netswitch *sw, struct net *n);
/* Put a frame in n's receive ring (the switch, and tests): whether it was taken. */
bool net_deliver(struct net *n, const struct net_frame *f);
void switch_destroy(struct netswitch *sw);
/* Carry every frame waiting to leave, round-robin across the senders. */
void switch_run(struct netswitch *sw);
static inline bool switch_busy(const struct netswitch *sw)
{
	return sw->nsenders != 0;
}

/* A NIC with mac, attached to sw (ownership passes to the VM's bus); NULL when out of memory.
 * When it is destroyed its counters are copied to *keep (the VM's, for --stats), if not NULL. */
struct net *net_new(struct netswitch *sw, const uint8_t mac[6], struct net_stats *keep);
/* Allocate n's rings and let it receive (a guest's first OUT does this). False: no memory. */
bool net_bring_up(struct net *n);
/* The host's port: queue a frame to leave as if its guest had SENT it. False when the frame's
 * length is outside 14..1514 or the queue is full (the frame is dropped). */
bool net_host_send(struct net *n, const uint8_t *data, uint32_t len);
/* Free n, its counters copied to *keep first (net_new's). */
void net_release(struct net *n);
/* to += s, counter by counter. */
void net_stats_add(struct net_stats *to, const struct net_stats *s);

#endif
