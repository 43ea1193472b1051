/* device.c - what a device may do to its VM's memory: checked ranges and request blocks. */
#include "devices/device.h"

#include <stddef.h>
#include <string.h>

enum dva_req_status dev_range_check(const struct device *d, uint32_t addr, uint32_t len, bool write)
{
	const struct guest_mem *m = d->host->mem;
	bool ok = write ? mem_range_writable(m, addr, len) : mem_range_readable(m, addr, len);
	return ok ? DVA_REQ_DONE : DVA_REQ_BAD;
}

enum dva_req_status dev_read(const struct device *d, uint32_t addr, uint32_t len, void *out)
{
	struct guest_mem *m = d->host->mem;
	if (!len)
		return DVA_REQ_DONE;
	if (!mem_range_readable(m, addr, len))
		return DVA_REQ_BAD;
	if (addr < DVA_PAGE_SIZE && m->hooks.page0_refresh) /* time_ns and instret as of now */
		m->hooks.page0_refresh(m->hooks.opaque, m->base);
	memcpy(out, m->base + addr, len);
	return DVA_REQ_DONE;
}

enum dva_req_status dev_write(const struct device *d, uint32_t addr, uint32_t len, const void *in)
{
	struct guest_mem *m = d->host->mem;
	if (!len)
		return DVA_REQ_DONE;
	if (!mem_range_writable(m, addr, len))
		return DVA_REQ_BAD;
	mem_note_write(m, addr, len);
	memcpy(m->base + addr, in, len);
	return DVA_REQ_DONE;
}

int dev_request_load(const struct device *d, uint32_t addr, struct dva_request *rq)
{
	struct guest_mem *m = d->host->mem;
	if (addr & 3u)
		return DEV_GP;
	/* As a 24-byte store there would: the same #PF, with the same address and error code. */
	if (mem_check_write(m, addr, sizeof(*rq), d->host->fault))
		return DEV_FAULT;
	/* So no block lies in page 0: no 24 bytes in a row of it are writable (docs/quirks.md). */
	memcpy(rq, m->base + addr, sizeof(*rq));
	return DEV_OK;
}

void dev_request_store(const struct device *d, uint32_t addr, const struct dva_request *rq)
{
	struct guest_mem *m = d->host->mem;
	/* status, arg and result only: op, addr and len stay the guest's. The guest may have run
	 * code from the block's page since the OUT: drop it, as a store would. */
	mem_note_write(m, addr, sizeof(*rq));
	memcpy(m->base + addr + offsetof(struct dva_request, status), &rq->status, 4);
	memcpy(m->base + addr + offsetof(struct dva_request, arg), &rq->arg, 8); /* arg, result */
}

void dev_request_complete(const struct device *d, uint32_t addr, const struct dva_request *rq,
			  unsigned line)
{
	dev_request_store(d, addr, rq);
	dev_raise(d, line);
}
