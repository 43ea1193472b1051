/* uplink.h - the switch's port to the host (--net user): a libslirp stack, the user-mode TCP/IP
 * that QEMU uses, in this process. It is a NIC with no VM: the switch drains what slirp sends
 * round-robin like any VM's queue, gives it the unicast frames no VM owns and every broadcast,
 * and slirp turns the guests' IP traffic into the host's sockets (outbound TCP, UDP and ICMP
 * echo to the gateway 10.255.255.254, which is the host's 127.0.0.1) and back, and host ports
 * into guest ports (--hostfwd). */
#ifndef DENALI_UPLINK_H
#define DENALI_UPLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/net.h"

struct evloop;
struct uplink;

#define UPLINK_GATEWAY 0x0AFFFFFEu  /* 10.255.255.254, host byte order: slirp's address */
#define UPLINK_DNS 0x0AFFFFFDu      /* 10.255.255.253: slirp's DNS forwarder */

/* Attach a slirp port to sw, polled by loop, for a run of vms VMs (sizes its address table).
 * NULL (with a reason in err) on failure. */
struct uplink *uplink_new(struct netswitch *sw, struct evloop *loop, uint64_t vms, char *err,
			  size_t errlen);
/* Forward host_addr:host_port (network byte order address, host order port) to guest_addr
 * (host byte order) : guest_port over TCP or UDP. 0, or -1 (the port is in use, ...). */
int uplink_forward(struct uplink *u, bool udp, uint32_t host_addr, uint16_t host_port,
		   uint32_t guest_addr, uint16_t guest_port);
/* Its counters: frames to and from the host. */
const struct net_stats *uplink_stats(const struct uplink *u);
void uplink_destroy(struct uplink *u);

#endif
