/* tap.h - the switch's port to a Linux TAP interface (--net tap:IFNAME): the host kernel's own
 * network stack on the other end of the wire, so host programs talk to guests directly (the
 * interface's address and routes are the host's to set, e.g. 10.255.255.254/8). Frames the
 * kernel sends join the switch's round-robin drain; the frames the switch gives the port (every
 * broadcast, and unicast no VM owns) are written to the interface. */
#ifndef DENALI_TAP_H
#define DENALI_TAP_H

#include <stddef.h>

#include "devices/net.h"

struct evloop;
struct tapport;

/* Attach to the TAP interface ifname (created if it does not exist and we may): NULL with a
 * reason in err on failure (no /dev/net/tun, no permission, a name too long). */
struct tapport *tap_new(struct netswitch *sw, struct evloop *loop, const char *ifname, char *err,
			size_t errlen);
void tap_destroy(struct tapport *t);

#endif
