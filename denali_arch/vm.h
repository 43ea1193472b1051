/* vm.h - the VM object: everything one guest has. It knows its owner (the kernel) only through
 * the struct vm_events callbacks it was created with, and its devices only through its port
 * bus and the struct dev_host it gives them. */
#ifndef DENALI_VM_H
#define DENALI_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "denali_arch/clock.h"
#include "denali_arch/config.h"
#include "denali_arch/loader.h"
#include "devices/console.h"
#include "devices/device.h"
#include "devices/net.h"
#include "mmu/swap.h"

enum vm_state {
	VM_RUNNABLE, /* in the run queue (or running) */
	VM_IDLE,     /* executed IDLE: off the run queue until a deadline or an enabled line */
	VM_STOPPED,  /* held where it is for the debugger or the monitor: not scheduled until
		      * continued (time goes on, its devices' lines are still raised) */
	VM_DONE,     /* terminated or ended on an exception; only its statistics remain */
};


/* What a user sees per VM in --stats (vms.csv). */
struct vm_stats {
	uint64_t quanta;        /* quanta it was given */
	uint64_t switches;      /* times it was switched in from another VM */
	uint64_t irqs_raised;   /* lines raised for it (each raise of a line counts) */
	uint64_t idle_ns;       /* system time spent in IDLE */
	uint64_t host_ns;       /* host time its quanta took (profiling: per-VM MIPS) */
	int32_t fault;          /* the vector it ended on, or -1 */
	struct net_stats *net;  /* its NIC's counters, kept when the NIC goes; NULL without one */
};

struct vm;

/* How a VM's device events reach its owner (the kernel), which installs them. */
struct vm_events {
	void *opaque;
	void (*line_raised)(void *opaque, struct vm *vm);    /* after page 0's irq_pending changed */
	void (*deadline_moved)(void *opaque, struct vm *vm); /* a device's next deadline changed */
};

struct vm {
	struct cpu cpu;         /* registers, memory, decoded-code cache, ports */
	uint32_t id;            /* vm_id: creation order, from 0 */
	uint16_t group;         /* index of its group in the run's configuration */
	enum vm_state state;
	bool yielded;           /* IDLE 0: EAX is decided when it is next scheduled */
	int status;             /* recorded exit status, valid when VM_DONE */
	struct vm_clock *clock; /* the run's clock (not owned) */
	uint64_t quantum_base;  /* cpu.instret when the current quantum began */
	struct port_bus bus;    /* devices */
	struct dev_host devhost; /* what its devices may use of it */
	uint64_t next_deadline; /* port_bus_deadline(&bus), kept current: read once per slice */
	struct console *console; /* the console attached, or NULL */
	struct display *display; /* the display attached, or NULL (devices/display.h) */
	struct keyboard *keyboard; /* the keyboard attached, or NULL (devices/keyboard.h) */
	const struct vm_events *events; /* its owner's callbacks, or NULL for a bare VM */
	/* The kernel's bookkeeping. */
	enum vm_state resume_state; /* VM_STOPPED: the state it goes back to when continued */
	bool fault_held;        /* VM_STOPPED on an exception it could not deliver (cpu.fault) */
	enum vm_stop_why {      /* VM_STOPPED: why, for the debugger's stop reply */
		VM_WHY_REQUEST,     /* kernel_vm_stop (a debugger, the monitor) or a fault (fault_held) */
		VM_WHY_BREAK,       /* a breakpoint, before its instruction (cpu/debug.h) */
		VM_WHY_WATCH,       /* a watchpoint, after the instruction that hit it */
	} stop_why;
	bool stop_wanted;       /* running: kernel_vm_stop asked; it stops when cpu_run returns */
	uint64_t idle_deadline; /* VM_IDLE: system time its IDLE times out, or DEV_NEVER */
	uint64_t idle_since;    /* VM_IDLE: when it went idle */
	uint64_t event_at;      /* key in the kernel's event heap: min(idle deadline, timer) */
	int32_t heap_pos;       /* its index in that heap, -1 when absent */
	/* The pager's (pager.c): a resident idle VM is in its list, least recently run first; a
	 * swapped-out one has no window, its written pages in a record of the swap file, and the
	 * two page-0 words the kernel reads while it is out. */
	struct vm *lru_prev, *lru_next;
	bool in_lru;
	bool swapped;
	bool released;          /* vm_release has run */
	uint32_t sw_pending;    /* swapped: irq_pending, with the lines raised since */
	uint32_t sw_mask;       /* swapped: irq_mask (the guest cannot change it while out) */
	uint32_t sw_pages;      /* pages it had written when it went out */
	uint64_t page_wait_at;  /* --swap-disk: runnable, off the run queue until its record is read
				 * at this system time; 0: not waiting */
	bool paged_in;          /* --swap-disk: that read is done; it may be swapped in and run */
	struct swap_slot sw_slot; /* swapped: where its record is */
	struct vm_stats stats;
};

/* Page 0's irq_mask (or, swapped out, what it was). */
static inline uint32_t vm_irq_mask(const struct vm *vm)
{
	return vm->swapped ? vm->sw_mask : cpu_page0(&vm->cpu)->irq_mask;
}

/* Whether a line enabled in irq_mask is pending, as page 0 says (or, swapped out, said). */
static inline bool vm_line_ready(const struct vm *vm)
{
	if (vm->swapped)
		return vm->sw_pending & vm->sw_mask;
	const struct dva_regs *p0 = cpu_page0(&vm->cpu);
	return p0->irq_pending & p0->irq_mask;
}

struct vm_config {
	uint32_t id;
	uint16_t group;
	uint32_t mem_size;      /* bytes, a multiple of 4 KiB in [DVA_MEM_MIN, DVA_MEM_MAX] */
	const char *args;       /* argument string, at most DVA_ARGS_MAX bytes */
	enum console_sink sink; /* how console output reaches the host */
	FILE *console_out;      /* SINK_RAW, SINK_PREFIX */
	const char *console_path; /* SINK_FILE */
	FILE *trace;            /* --trace stream, or NULL */
	uint32_t devices;       /* 1 << enum device_kind for each device to attach (0: the default) */
	const struct vm_events *events; /* told of raised lines and moved deadlines, or NULL */
	struct evloop *loop;    /* the host event loop, for the devices' backends, or NULL */
	struct netswitch *sw;   /* the run's Ethernet switch, for a net device, or NULL */
	uint32_t net_rxq;       /* its NIC's receive ring, in frames (0: NET_RXQ) */
	struct code_cache *shared_code; /* decoded read-only code of the image, or NULL */
};

/* Create a VM from a checked image, its memory a window of pool (image_pool). 0, or -1 with a
 * one-line reason in err. */
int vm_create(struct vm *vm, struct mem_pool *pool, struct vm_clock *clock,
	      const struct vm_config *cfg, const struct image *img, char err[LOADER_ERR]);
/* Release everything but the statistics (memory, decoded code, devices). Idempotent. */
void vm_release(struct vm *vm);

/* Raise virtual interrupt line (enum dva_line) for vm: it stays pending until delivered or
 * cleared by the guest (DVA-1 section 5). */
void vm_raise(struct vm *vm, unsigned line);

/* Expire this VM's devices that are due at system time now (their lines rise). */
void vm_expire_devices(struct vm *vm, uint64_t now);

/* The current system time, as a read of time_ns by this VM would see it now. */
uint64_t vm_time_ns(const struct vm *vm);

/* The VM's Ethernet address (page 0's mac): 02:44:4E and the 24 low bits of vm_id. */
void vm_mac(uint32_t id, uint8_t mac[6]);

/* Page 0 (vregs.c): initialise it, and the hooks memory calls. */
void vregs_init(struct vm *vm, const struct vm_config *cfg);
void vregs_refresh(void *vm, uint8_t *page);
void vregs_write(void *vm, uint8_t *page, uint32_t off, unsigned n, uint64_t v);

/* Print the diagnostic for a VM that ended on an exception or an unimplemented instruction. */
void vm_report_fault(struct vm *vm, FILE *f);

#endif
