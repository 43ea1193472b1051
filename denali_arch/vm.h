/* vm.h - the VM object: everything one guest has, and the run's clock that all VMs share. */
#ifndef DENALI_VM_H
#define DENALI_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "denali_arch/loader.h"
#include "devices/console.h"
#include "devices/device.h"
#include "devices/timer.h"

/* The run's clock (DVA-1 section 6): time_ns = floor(N * 10^9 / cpu_hz) + S under the
 * deterministic clock, the host's monotonic clock otherwise. */
struct vm_clock {
	bool deterministic;
	uint32_t cpu_hz;        /* virtual instructions per virtual second */
	uint64_t retired;       /* N before the running VM's current quantum */
	uint64_t skipped_ns;    /* S: time jumped over while every VM idled */
	uint64_t host_start_ns; /* host clock: CLOCK_MONOTONIC at time_ns = 0 */
	uint64_t epoch_ns;      /* Unix time at time_ns = 0 */
	uint64_t seed;          /* the run's seed; each VM's is derived from it */
};

enum vm_state {
	VM_RUNNABLE, /* in the run queue (or running) */
	VM_IDLE,     /* executed IDLE: off the run queue until a deadline or an enabled line */
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
};

struct kernel;

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
	struct console *console;
	struct timer *timer;
	/* The kernel's bookkeeping. */
	struct kernel *kernel;  /* owner, for device events; NULL for a bare VM */
	uint64_t idle_deadline; /* VM_IDLE: system time its IDLE times out, or TIMER_NEVER */
	uint64_t idle_since;    /* VM_IDLE: when it went idle */
	uint64_t event_at;      /* key in the kernel's event heap: min(idle deadline, timer) */
	int32_t heap_pos;       /* its index in that heap, -1 when absent */
	struct vm_stats stats;
};

struct vm_config {
	uint32_t id;
	uint16_t group;
	uint32_t mem_size;      /* bytes, a multiple of 4 KiB in [DVA_MEM_MIN, DVA_MEM_MAX] */
	const char *args;       /* argument string, at most DVA_ARGS_MAX bytes */
	enum console_sink sink; /* how console output reaches the host */
	FILE *console_out;      /* SINK_RAW, SINK_PREFIX */
	const char *console_path; /* SINK_FILE */
	FILE *trace;            /* --trace stream, or NULL */
	struct kernel *kernel;  /* told of timer changes and raised lines, or NULL */
	struct code_cache *shared_code; /* decoded read-only code of the image, or NULL */
};

/* Create a VM from a checked image. 0, or -1 with a one-line reason in err. */
int vm_create(struct vm *vm, struct mem_arena *arena, struct vm_clock *clock,
	      const struct vm_config *cfg, const struct image *img, char err[LOADER_ERR]);
/* Release everything but the statistics (memory, decoded code, devices). Idempotent. */
void vm_release(struct vm *vm);

/* Raise virtual interrupt line (enum dva_line) for vm: it stays pending until delivered or
 * cleared by the guest (DVA-1 section 5). */
void vm_raise(struct vm *vm, unsigned line);

/* The current system time, as a read of time_ns by this VM would see it now. */
uint64_t vm_time_ns(const struct vm *vm);

/* Page 0 (vregs.c): initialise it, and the hooks memory calls. */
void vregs_init(struct vm *vm, const struct vm_config *cfg);
void vregs_refresh(void *vm, uint8_t *page);
void vregs_write(void *vm, uint8_t *page, uint32_t off, unsigned n, uint64_t v);

/* Print the diagnostic for a VM that ended on an exception or an unimplemented instruction. */
void vm_report_fault(struct vm *vm, FILE *f);

#endif
