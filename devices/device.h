/* device.h - the one interface every virtual device implements: a const ops table for its ports.
 *
 * A device embeds struct device first in its own struct; the VM's port bus (ports.c) routes each
 * IN/OUT to the device whose port range holds the port. A device knows its VM only through the
 * opaque pointer it was created with; it never reaches the CPU directly.
 */
#ifndef DENALI_DEVICE_H
#define DENALI_DEVICE_H

#include <stdint.h>

struct device;

struct device_ops {
	const char *name;
	/* Each returns 0, or -1 when this port, width or direction does not exist (#GP(0)). */
	int (*in)(struct device *d, uint16_t port, unsigned size, uint32_t *val);
	int (*out)(struct device *d, uint16_t port, unsigned size, uint32_t val);
	/* REP OUTSB as one operation (optional: NULL means byte by byte through out). */
	int (*out_bytes)(struct device *d, uint16_t port, const uint8_t *bytes, uint32_t n);
	void (*destroy)(struct device *d);
};

struct device {
	const struct device_ops *ops;
	uint16_t port_first, port_last; /* the ports it answers, inclusive */
};

#define PORT_BUS_MAX 8 /* devices per VM: console, net, disk, timer, keyboard, display, ... */

/* A VM's devices, by port range. Its functions have the signatures of struct cpu_io. */
struct port_bus {
	struct device *dev[PORT_BUS_MAX];
	unsigned n;
};

/* Attach d (ownership passes to the bus). 0, or -1 when the bus is full. */
int port_bus_attach(struct port_bus *bus, struct device *d);
void port_bus_destroy(struct port_bus *bus);
int port_bus_in(void *bus, uint16_t port, unsigned size, uint32_t *val);
int port_bus_out(void *bus, uint16_t port, unsigned size, uint32_t val);
int port_bus_out_bytes(void *bus, uint16_t port, const uint8_t *bytes, uint32_t n);

#endif
