/* kernel.h - the isolation kernel: many VMs in one process, a FIFO gatekeeper, a round-robin
 * scheduler with wake-up priority, batched virtual interrupts, the timer, the run's clock. */
#ifndef DENALI_KERNEL_H
#define DENALI_KERNEL_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "denali_arch/capture.h"
#include "denali_arch/config.h"
#include "denali_arch/evloop.h"
#include "denali_arch/frontend.h"
#include "denali_arch/hostin.h"
#include "denali_arch/keys.h"
#include "denali_arch/loader.h"
#include "denali_arch/pager.h"
#include "denali_arch/vm.h"
#include "devices/net.h"

struct monitor;

/* The run queue: a ring of VMs, woken ones pushed at the front, others at the back. */
struct runq {
	struct vm **slot;
	uint32_t cap, head, len;
};

/* VMs with a pending timer expiry or IDLE deadline, by (event_at, vm_id): a binary min-heap. */
struct event_heap {
	struct vm **v;
	uint32_t len, cap;
};

/* A VM woken at this boundary, with the system time it woke at. */
struct woken {
	uint64_t when;
	struct vm *v;
};

struct kernel {
	const struct run_config *cfg;
	struct mem_arena arena;
	struct vm_clock clock;
	struct image *images;     /* one per group, opened once */
	struct mem_pool *pools;   /* one per group: the windows its VMs share its image through */
	struct code_cache *shared_code; /* one per group: its image's read-only code, decoded once */
	struct vm **vms;          /* every VM created, by vm_id */
	uint32_t created;         /* VMs created (admitted) so far */
	uint64_t total;           /* VMs the run will create */
	uint32_t next_group;      /* the gatekeeper's position: group and index in it */
	uint32_t next_in_group;
	uint32_t active;          /* admitted VMs not yet done */
	uint64_t active_mem;      /* their guest memory, bytes */
	uint32_t done;
	uint32_t stopped;         /* VMs in VM_STOPPED */
	uint32_t idle;            /* VMs in VM_IDLE */
	struct pager pager;       /* --mem-budget: the swap file and the idle VMs it may move out */
	struct runq runq;
	struct event_heap events;
	struct vm *running;       /* the VM in its quantum, or NULL */
	struct vm *last;          /* the VM that ran the previous quantum */
	struct woken *woken;      /* VMs woken since the run queue was last ordered */
	uint32_t nwoken, woken_cap;
	uint64_t raise_time;      /* the system time a line raised now counts as raised at */
	uint64_t switches;        /* context switches in all */
	uint64_t quanta;          /* quanta run in all: with clock.retired, a point of the run */
	bool preempt;             /* sync mode: a line rose for another VM during this quantum */
	bool closing;             /* the run is ending every VM left: admit no more */
	volatile sig_atomic_t interrupted; /* the signal kernel_interrupt was told of, or 0 */
	int intr_pipe[2];         /* kernel_interrupt writes a byte here, so a wait in poll ends */
	int intr_watch;           /* the loop's watch on it, active only while the loop may wait */
	bool intr_armed;          /* that watch is active */
	struct vm_events vm_events; /* what every VM's devices tell the kernel through */
	FILE *trace;
	uint64_t wall_start_ns;   /* host monotonic time at the start of the run */
	uint64_t wall_ns;         /* the run's wall time, when it has ended */
	uint64_t progress_at_ns;  /* next progress-line update */
	struct evloop loop;       /* the host's fds and timers, served between quanta */
	struct hostin hostin;     /* host input: which VM takes it, --record, --replay */
	struct netswitch sw;      /* the run's Ethernet switch */
	/* The switch runs once per round (sched_switch_due): when the VM that was last in the
	 * run queue at its previous run has had its quantum, or nobody is runnable. */
	struct vm *round_end;     /* that VM, or NULL when the queue was empty */
	bool round_over;          /* it has run (or left the queue) since */
	struct capture capture;   /* --pcap */
	struct uplink *uplink;    /* --net user: the switch's port to the host, or NULL */
	struct tapport *tap;      /* --net tap:IFNAME: the port to a TAP interface, or NULL */
	uint64_t host_polled_ns;  /* host time of the last look at the host's network's sockets */
	uint64_t host_poll_cost_ns; /* host time that look took (serve_host) */
	uint64_t host_given;      /* frames the host's port had been given by then */
	/* Guests' "@stat KEY VALUE ..." console lines, for --stats (DIR/guest-stats.csv). */
	struct guest_stat {
		uint32_t vm;
		char key[32];
		char value[32];
	} *gstats;
	uint32_t ngstats, gstats_cap;
	/* The debugger's and the monitor's hold on VMs (kernel_vm_stop). */
	bool hold_faults;         /* a VM's undeliverable exception stops it instead of ending it */
	void (*on_stop)(void *opaque, struct vm *v); /* told when a VM enters VM_STOPPED, or NULL */
	void *on_stop_opaque;
	struct monitor *monitor;  /* --monitor (monitor.h), or NULL */
	/* What the run shows (frontend.h, keys.h): the picture, when a window is open or a
	 * screenshot is wanted; the window; the --keys script. */
	struct gdbstub *gdb;      /* -s / -gdb: the GDB stub (gdbstub.h), or NULL */
	struct screen *screen;    /* NULL when nothing shows or saves a picture */
	struct frontend *frontend; /* NULL without a window */
	int frontend_timer;       /* the loop's host timer that refreshes the window, or -1 */
	struct key_script keys;
	uint64_t show_next_ns;    /* system time of the next scripted key or screenshot, or
				   * UINT64_MAX (show.c) */
	bool *shot_taken;         /* per --screenshot */
	/* The displays' and keyboards' counts of VMs that ended (summary.json's "display"). */
	uint64_t presents, presents_copied, keys_given, keys_dropped;
	bool shot_failed;         /* one could not be saved: said in one line */
};

/* Open the images, reserve memory, set the clock, open --record or check --replay. 0, or the
 * process exit status (EXIT_REFUSED, EXIT_USAGE) after printing one line ("denali: FILE:
 * reason" or "FILE:LINE: reason"). */
int kernel_init(struct kernel *k, const struct run_config *cfg);
/* Run every VM to its end. Returns the process exit status. */
int kernel_run(struct kernel *k);
void kernel_destroy(struct kernel *k);

/* From a signal handler (async-signal-safe): end the run at once, as --max-insns would, the
 * running CPU stopping after its current instruction; kernel_run then returns 128 + signo. */
void kernel_interrupt(struct kernel *k, int signo);

/* The system time between quanta (DVA-1 section 6). */
uint64_t kernel_now(const struct kernel *k);
/* The run's instruction count now: the clock's, plus what the running VM's quantum has retired. */
uint64_t kernel_retired_now(const struct kernel *k);

/* Hold v where it is (VM_STOPPED): a runnable VM leaves the run queue, an idle one stops waiting,
 * the running one stops once its current instruction retires. Time goes on and its devices
 * still raise lines; on_stop is told. Nothing for a VM already stopped or done. */
void kernel_vm_stop(struct kernel *k, struct vm *v);
/* Let a stopped VM go on from where it was: runnable again, or idle (woken at once if its
 * deadline passed or an enabled line is pending). A VM held on a fault runs its faulting
 * instruction again, so a debugger that changed nothing sees the same fault. */
void kernel_vm_continue(struct kernel *k, struct vm *v);
/* End a VM held on a fault as it would have ended without the hold (the diagnostic, status
 * 128 + vector). */
void kernel_vm_end_held(struct kernel *k, struct vm *v);
/* Run a stopped VM (between quanta) for at most n instructions, no delivery point, and leave it
 * stopped. Returns why it stopped: CPU_EXIT_BUDGET (n retired; CPU_EXIT_STOPPED when the run was
 * interrupted first), or what it did as the kernel would act on it: CPU_EXIT_IDLE (it stays
 * stopped; continued, it idles with that IDLE's timeout, counted from now, or yields),
 * CPU_EXIT_TERMINATE (it has ended), CPU_EXIT_FAULT (an exception it could not deliver, also for
 * an instruction not implemented: held again with hold_faults, else ended on it). -1 when v is
 * not stopped or n is 0. */
int kernel_vm_step(struct kernel *k, struct vm *v, uint64_t n);

/* Give the keyboard of VM vm the event (a keycode, DVA_KEY_UP for a release), raising line 5.
 * Nothing when the VM does not exist (yet), has ended or has no keyboard. */
void kernel_key(struct kernel *k, uint32_t vm, uint32_t event);
/* Statistics (stats.c): write summary.json and vms.csv into cfg->stats_dir. 0 or -1. */
int stats_write(const struct kernel *k, int exit_status);
/* A short table of the run for people (--summary). */
void stats_print_summary(const struct kernel *k, int exit_status, FILE *f);
/* The progress line on stderr (--progress): at most twice a second, unless last. */
void stats_progress(struct kernel *k, bool last);

#endif
