/* ports.c - a VM's port bus: routes IN and OUT to the device that owns the port, and gives every
 * device its deadline, its expiry and its turn at a quantum boundary. */
#include "devices/device.h"

#include <stddef.h>

int port_bus_attach(struct port_bus *bus, struct device *d)
{
	if (bus->n == PORT_BUS_MAX)
		return -1;
	for (unsigned i = 0; i < bus->n; i++)
		if (d->port_first <= bus->dev[i]->port_last && d->port_last >= bus->dev[i]->port_first)
			return -1;
	d->host = bus->host;
	if (d->ops->boundary)
		bus->boundary_mask |= (uint8_t)(1u << bus->n);
	bus->dev[bus->n++] = d;
	return 0;
}

void port_bus_destroy(struct port_bus *bus)
{
	for (unsigned i = 0; i < bus->n; i++)
		if (bus->dev[i]->ops->destroy)
			bus->dev[i]->ops->destroy(bus->dev[i]);
	bus->n = 0;
	bus->boundary_mask = 0;
}

static struct device *owner(struct port_bus *bus, uint16_t port)
{
	for (unsigned i = 0; i < bus->n; i++)
		if (port >= bus->dev[i]->port_first && port <= bus->dev[i]->port_last)
			return bus->dev[i];
	return NULL;
}

int port_bus_in(void *opaque, uint16_t port, unsigned size, uint32_t *val)
{
	struct device *d = owner(opaque, port);
	if (!d || !d->ops->in)
		return DEV_GP;
	return d->ops->in(d, port, size, val);
}

int port_bus_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
	struct device *d = owner(opaque, port);
	if (!d || !d->ops->out)
		return DEV_GP;
	return d->ops->out(d, port, size, val);
}

int port_bus_out_bytes(void *opaque, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	struct device *d = owner(opaque, port);
	if (!d)
		return DEV_GP;
	if (d->ops->out_bytes)
		return d->ops->out_bytes(d, port, bytes, n);
	for (uint32_t i = 0; i < n; i++) {
		int r = d->ops->out ? d->ops->out(d, port, 1, bytes[i]) : DEV_GP;
		if (r)
			return r;
	}
	return DEV_OK;
}

uint64_t port_bus_deadline(const struct port_bus *bus)
{
	uint64_t at = DEV_NEVER;
	for (unsigned i = 0; i < bus->n; i++) {
		const struct device *d = bus->dev[i];
		if (d->ops->deadline) {
			uint64_t t = d->ops->deadline(d);
			if (t < at)
				at = t;
		}
	}
	return at;
}

uint64_t port_bus_expire(struct port_bus *bus, uint64_t now)
{
	uint64_t next = DEV_NEVER;
	for (unsigned i = 0; i < bus->n; i++) {
		struct device *d = bus->dev[i];
		if (!d->ops->deadline)
			continue;
		uint64_t at = d->ops->deadline(d);
		if (d->ops->expire && at != DEV_NEVER && at <= now) {
			d->ops->expire(d, now);
			at = d->ops->deadline(d);
		}
		if (at < next)
			next = at;
	}
	return next;
}

void port_bus_boundary(struct port_bus *bus, bool final)
{
	for (unsigned m = bus->boundary_mask; m; m &= m - 1) {
		struct device *d = bus->dev[__builtin_ctz(m)];
		d->ops->boundary(d, final);
	}
}

uint32_t port_bus_lines(const struct port_bus *bus)
{
	uint32_t lines = 0;
	for (unsigned i = 0; i < bus->n; i++)
		lines |= bus->dev[i]->lines;
	return lines;
}
