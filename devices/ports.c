/* ports.c - a VM's port bus: routes IN and OUT to the device that owns the port. */
#include "devices/device.h"

#include <stddef.h>

int port_bus_attach(struct port_bus *bus, struct device *d)
{
	if (bus->n == PORT_BUS_MAX)
		return -1;
	bus->dev[bus->n++] = d;
	return 0;
}

void port_bus_destroy(struct port_bus *bus)
{
	for (unsigned i = 0; i < bus->n; i++)
		if (bus->dev[i]->ops->destroy)
			bus->dev[i]->ops->destroy(bus->dev[i]);
	bus->n = 0;
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
		return -1;
	return d->ops->in(d, port, size, val);
}

int port_bus_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
	struct device *d = owner(opaque, port);
	if (!d || !d->ops->out)
		return -1;
	return d->ops->out(d, port, size, val);
}

int port_bus_out_bytes(void *opaque, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	struct device *d = owner(opaque, port);
	if (!d)
		return -1;
	if (d->ops->out_bytes)
		return d->ops->out_bytes(d, port, bytes, n);
	for (uint32_t i = 0; i < n; i++)
		if (!d->ops->out || d->ops->out(d, port, 1, bytes[i]))
			return -1;
	return 0;
}
