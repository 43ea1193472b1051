/* device.h - the interface every virtual device implements, and what a device may use of its VM.
 *
 * A device embeds struct device first in its own struct. The VM's port bus (ports.c) routes each
 * IN/OUT to the device whose port range holds the port, asks every device for its next deadline,
 * expires the ones that are due and gives each its turn at a quantum boundary. A device reaches
 * its VM only through the struct dev_host it was attached with: checked guest-memory access
 * that answers a DVA-1 status instead of faulting, the system time, and a callback to raise a
 * line or say its deadline moved. It never calls the CPU, the VM or the kernel, so the kernel is
 * free to decide what a raised line or a moved deadline means (wake an idle VM, end a slice of
 * the running one's quantum, switch VMs in sync mode).
 */
#ifndef DENALI_DEVICE_H
#define DENALI_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "denali_arch/dva.h"
#include "mmu/mem.h"

#define DEV_NEVER UINT64_MAX /* a deadline that is never due */

/* What a port operation returns (struct cpu_io's contract). */
enum dev_result {
	DEV_OK = 0,
	DEV_GP = -1,    /* no such port, width or direction: the CPU raises #GP(0) */
	DEV_FAULT = -2, /* the access to the request block faulted: the #PF is in host->fault */
};

/* What a VM gives its devices: one per VM, shared by all of them, filled in by the VM. */
struct dev_host {
	struct guest_mem *mem;   /* the guest's memory: only through the dev_* helpers below */
	struct dva_fault *fault; /* where a request-block access records the #PF it raises */
	void *owner;             /* the VM, for the callbacks */
	uint64_t (*now)(void *owner);                 /* system time as the running guest sees it */
	void (*raise)(void *owner, unsigned line);    /* raise a line (enum dva_line) */
	void (*deadline_moved)(void *owner);          /* some device's next deadline changed */
	struct evloop *loop;     /* the host event loop, where a device's backend registers its
				  * fds and host timers (denali_arch/evloop.h); NULL for a bare VM */
};

struct device;
struct evloop;

struct device_ops {
	/* Port operations: DEV_OK, DEV_GP, or DEV_FAULT (request-block devices). NULL: #GP. */
	int (*in)(struct device *d, uint16_t port, unsigned size, uint32_t *val);
	int (*out)(struct device *d, uint16_t port, unsigned size, uint32_t val);
	/* REP OUTSB as one operation (optional: NULL means byte by byte through out). */
	int (*out_bytes)(struct device *d, uint16_t port, const uint8_t *bytes, uint32_t n);
	/* The system time it next needs expire called, or DEV_NEVER (optional). */
	uint64_t (*deadline)(const struct device *d);
	/* Do what is due at system time now: fire timers, complete requests (optional). */
	void (*expire)(struct device *d, uint64_t now);
	/* After each quantum of its VM: write buffered output (optional). final: the VM ends. */
	void (*boundary)(struct device *d, bool final);
	/* The VM is being released: flush, free, and cancel every request still pending on the host
	 * (no completion may reach guest memory after this returns). */
	void (*destroy)(struct device *d);
};

struct device {
	const struct device_ops *ops;
	uint16_t port_first, port_last; /* the ports it answers, inclusive */
	uint32_t lines;                 /* the lines it raises: its bits of page 0's devices */
	const struct dev_host *host;    /* set by port_bus_attach */
};

/* ---- a device's view of its VM -------------------------------------------------------------- */

static inline uint64_t dev_now(const struct device *d)
{
	return d->host->now(d->host->owner);
}
static inline void dev_raise(const struct device *d, unsigned line)
{
	d->host->raise(d->host->owner, line);
}
static inline void dev_deadline_moved(const struct device *d)
{
	d->host->deadline_moved(d->host->owner);
}

/* Whether [addr, addr+len) is wholly guest memory a device may read (write = false) or write
 * (write = true): DVA_REQ_DONE, or DVA_REQ_BAD (DVA-1 section 7's status 3). A device may read
 * any guest memory, page 0 included; it may write none of page 0 and no read-only byte. len 0
 * is an empty range, valid anywhere; no other range may wrap past 4 GiB. */
enum dva_req_status dev_range_check(const struct device *d, uint32_t addr, uint32_t len, bool write);
/* Copy between a checked range and the host: DVA_REQ_DONE, or DVA_REQ_BAD with nothing copied.
 * A write invalidates decoded code on the pages it changes, as a guest store would. */
enum dva_req_status dev_read(const struct device *d, uint32_t addr, uint32_t len, void *out);
enum dva_req_status dev_write(const struct device *d, uint32_t addr, uint32_t len, const void *in);

/* The request block at addr, read once during the OUT (DVA-1 section 7): DEV_OK; DEV_GP when
 * addr is not 4-byte aligned; DEV_FAULT (the #PF in host->fault) when a 24-byte write there
 * would fault. */
int dev_request_load(const struct device *d, uint32_t addr, struct dva_request *rq);
/* Write a request's status, result and arg back to its block (during the OUT, or at
 * completion). The block was writable when it was loaded and a guest cannot make memory
 * read-only, so this cannot fail. */
void dev_request_store(const struct device *d, uint32_t addr, const struct dva_request *rq);
/* Complete a pending request later (status 1 to rq->status) and raise line. */
void dev_request_complete(const struct device *d, uint32_t addr, const struct dva_request *rq,
			  unsigned line);

/* ---- a VM's devices --------------------------------------------------------------------------- */

#define PORT_BUS_MAX 8 /* devices per VM: console, net, disk, timer, keyboard, display, ...
			* (at most 8: boundary_mask has a bit for each) */

/* A VM's devices, by port range. port_bus_in/out/out_bytes have the signatures of struct
 * cpu_io. */
struct port_bus {
	struct device *dev[PORT_BUS_MAX];
	unsigned n;
	uint8_t boundary_mask; /* bit i: dev[i] has a boundary hook, run at every quantum end */
	const struct dev_host *host; /* given to every device attached */
};

/* Attach d (ownership passes to the bus, and d->host is set). 0, or -1 when the bus is full or
 * d's ports overlap an attached device's (then d is still the caller's). */
int port_bus_attach(struct port_bus *bus, struct device *d);
void port_bus_destroy(struct port_bus *bus);
int port_bus_in(void *bus, uint16_t port, unsigned size, uint32_t *val);
int port_bus_out(void *bus, uint16_t port, unsigned size, uint32_t val);
int port_bus_out_bytes(void *bus, uint16_t port, const uint8_t *bytes, uint32_t n);
/* The earliest deadline of any device, or DEV_NEVER. */
uint64_t port_bus_deadline(const struct port_bus *bus);
/* Expire every device whose deadline is at or before now (never one whose deadline is
 * DEV_NEVER). Returns the earliest deadline after that, as port_bus_deadline would. */
uint64_t port_bus_expire(struct port_bus *bus, uint64_t now);
/* Every device's boundary hook. */
void port_bus_boundary(struct port_bus *bus, bool final);
/* The lines of every attached device: page 0's devices. */
uint32_t port_bus_lines(const struct port_bus *bus);

#endif
