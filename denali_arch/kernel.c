/* kernel.c - the isolation kernel's loop: admit VMs, fire due events, pick the next VM, run one
 * quantum, act on why it stopped. The rules are DVA-1 sections 4 to 6; the scheduler's policy is
 * sched.c's, the clock clock.c's, host input hostin.c's, what the run reports stats.c's. */
#include "denali_arch/kernel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "denali_arch/gdbstub.h"
#include "denali_arch/monitor.h"
#include "denali_arch/param.h"
#include "denali_arch/sched.h"
#include "denali_arch/show.h"
#include "devices/tap.h"
#include "devices/uplink.h"

uint64_t kernel_now(const struct kernel *k)
{
	return clock_now(&k->clock, 0);
}

uint64_t kernel_retired_now(const struct kernel *k)
{
	const struct vm *v = k->running;
	return k->clock.retired + (v ? v->cpu.instret - v->quantum_base : 0);
}

/* Between quanta: host input's turn, then the event loop serves the backends' fds and timers,
 * waiting at most bound_ns (0 only looks; EVLOOP_FOREVER waits for the next host event). */
static void serve_host(struct kernel *k, uint64_t bound_ns)
{
	uint64_t polled_at = 0;
	if (bound_ns == 0 && k->sw.uplink) {
		/* Soon when the host's port was just given frames (slirp answers or forwards them in
		 * its poll round), else at most every PARAM_HOST_POLL_NS; and never so often that the
		 * look itself (one socket per forward: about 1.5 ms for 10,000) takes more than
		 * 1/PARAM_HOST_POLL_SHARE of the time. */
		uint64_t t = clock_host_ns(), given = k->sw.uplink->stats.rx_frames;
		uint64_t gap = PARAM_HOST_POLL_SHARE * k->host_poll_cost_ns;
		if (given == k->host_given && gap < PARAM_HOST_POLL_NS)
			gap = PARAM_HOST_POLL_NS;
		if (t - k->host_polled_ns < gap)
			return;
		k->host_polled_ns = polled_at = t;
		k->host_given = given;
	}
	if (hostin_busy(&k->hostin) && hostin_serve(&k->hostin, bound_ns == EVLOOP_FOREVER))
		bound_ns = 0;
	/* A signal that came just before the wait would not end it: its byte in the pipe does.
	 * Watched only when the round may wait, so a quantum boundary still makes no system call. */
	bool arm = bound_ns != 0;
	if (k->intr_watch >= 0 && arm != k->intr_armed) {
		evloop_watch_events(&k->loop, k->intr_watch, arm ? POLLIN : 0);
		k->intr_armed = arm;
	}
	evloop_run(&k->loop, k->interrupted ? 0 : bound_ns);
	if (polled_at)
		k->host_poll_cost_ns = clock_host_ns() - polled_at;
}

/* Watches of backends that could act on a VM (a device's host side, a debugger's socket): not
 * the kernel's own pipe for signals. */
static unsigned backend_watches(const struct kernel *k)
{
	return k->loop.nwatching - k->intr_armed;
}

static void loop_woke(void *opaque)
{
	struct kernel *k = opaque;
	k->raise_time = kernel_now(k);
}

static void interrupt_ready(void *opaque, int fd, short revents)
{
	(void)opaque;
	(void)revents;
	char buf[16];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* ---- admission and the end of a VM ------------------------------------------------------ */

static enum console_sink sink_for(const struct kernel *k)
{
	switch (k->cfg->console) {
	case CONSOLE_RAW: return SINK_RAW;
	case CONSOLE_PREFIX: return SINK_PREFIX;
	case CONSOLE_FILES: return SINK_FILE;
	case CONSOLE_NONE: return SINK_NONE;
	default: return k->total == 1 ? SINK_RAW : SINK_PREFIX;
	}
}

/* A guest's statistics line, "@stat KEY VALUE [KEY VALUE ...]": one row per pair. Words too long
 * for a row are cut; a key without a value is dropped. Not during a quantum's inner loop: the
 * console calls this as the guest writes, and growing the table is a rare realloc. */
static void guest_stat_line(void *opaque, const char *line, unsigned len)
{
	struct vm *v = opaque;
	struct kernel *k = v->events->opaque;
	const char *p = line + 6, *end = line + len; /* past "@stat " */
	for (;;) {
		const char *w[2];
		size_t wl[2];
		for (int i = 0; i < 2; i++) {
			while (p < end && *p == ' ')
				p++;
			w[i] = p;
			while (p < end && *p != ' ')
				p++;
			wl[i] = (size_t)(p - w[i]);
		}
		if (!wl[0] || !wl[1])
			return;
		if (k->ngstats == k->gstats_cap) {
			uint32_t cap = k->gstats_cap ? k->gstats_cap * 2 : 64;
			struct guest_stat *g = realloc(k->gstats, cap * sizeof(*g));
			if (!g)
				return; /* statistics only: the run goes on */
			k->gstats = g;
			k->gstats_cap = cap;
		}
		struct guest_stat *g = &k->gstats[k->ngstats++];
		g->vm = v->id;
		snprintf(g->key, sizeof(g->key), "%.*s", (int)wl[0], w[0]);
		snprintf(g->value, sizeof(g->value), "%.*s", (int)wl[1], w[1]);
	}
}

/* The gatekeeper: admit waiting VMs in FIFO order while the limits allow (always at least
 * one, so a run can make progress). */
static void admit(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	while (k->created < k->total && !k->closing && !k->pager.failed) {
		const struct group_config *g = &cfg->groups[k->next_group];
		if (k->active && cfg->max_active && k->active >= cfg->max_active)
			break;
		if (k->active && !pager_room_for_new(k, k->next_group))
			break; /* first in, first out: it waits until idle VMs can make room */
		uint32_t id = k->created++;
		struct vm *v = calloc(1, sizeof(*v));
		if (!v)
			abort();
		k->vms[id] = v;
		char args[DVA_ARGS_MAX + 1], path[4096], err[LOADER_ERR];
		if (cfg->console_dir)
			snprintf(path, sizeof(path), "%s/vm-%u.out", cfg->console_dir, (unsigned)id);
		struct vm_config vc = {
			.id = id, .group = (uint16_t)k->next_group, .mem_size = g->mem_size, .args = args,
			.sink = sink_for(k), .console_out = stdout, .console_path = path,
			.trace = k->trace, .devices = g->devices, .events = &k->vm_events, .loop = &k->loop,
			.sw = &k->sw, .net_rxq = g->net_rxq,
			.shared_code = &k->shared_code[k->next_group],
		};
		if (++k->next_in_group == g->count) {
			k->next_group++;
			k->next_in_group = 0;
		}
		int bad = config_expand_args(g->args, id, args);
		if (bad)
			snprintf(err, sizeof(err), "the argument string with {id} is longer than %u bytes", DVA_ARGS_MAX);
		if (bad || vm_create(v, &k->pools[vc.group], &k->clock, &vc, &k->images[vc.group], err)) {
			fprintf(stderr, "denali: vm %u (group %s): %s\n", (unsigned)id, g->name, err);
			v->id = id;
			v->group = vc.group;
			v->heap_pos = -1;
			v->stats.fault = -1;
			v->state = VM_DONE;
			v->released = true; /* vm_create gave back what it had taken */
			v->status = EXIT_REFUSED;
			k->done++;
			continue;
		}
		hostin_admitted(&k->hostin, v);
		show_vm_created(k, v);
		if (cfg->stats_dir && v->console)
			console_watch_stats(v->console, guest_stat_line, v);
		k->active++;
		k->active_mem += g->mem_size;
		runq_push_back(&k->runq, v);
		if (k->gdb)
			gdbstub_vm_created(k, v); /* its breakpoints; held while GDB looks (-S) */
	}
}

static void finish(struct kernel *k, struct vm *v, int status, int fault)
{
	if (v->state == VM_STOPPED)
		k->stopped--;
	v->state = VM_DONE;
	v->status = status;
	v->stats.fault = fault;
	pager_forget(k, v);
	sched_update_event(k, v);
	k->active--;
	k->active_mem -= v->cpu.mem.size;
	k->done++;
	hostin_released(&k->hostin, v);
	if (k->gdb)
		gdbstub_vm_ended(k, v);
	show_vm_ended(k, v);
	vm_release(v); /* its NIC's frames still queued leave with the switch's next turn */ /* flushes the console: the VM's last words come out here */
	admit(k);
}

/* v ended on an exception it could not deliver (or an instruction not implemented): its
 * diagnostic after its last output, and the status 128 + vector. */
static void end_on_fault(struct kernel *k, struct vm *v)
{
	uint32_t vec = v->cpu.fault.vector;
	port_bus_boundary(&v->bus, true);
	fflush(stdout);
	vm_report_fault(v, stderr);
	finish(k, v, vec < 128 ? 128 + (int)vec : 255, (int)vec);
}

/* ---- stopping and continuing (the debugger and the monitor) --------------------------------- */

static void enter_stopped(struct kernel *k, struct vm *v, enum vm_state from)
{
	if (from == VM_IDLE)
		k->idle--;
	pager_forget(k, v); /* a stopped VM stays in: the debugger may read it */
	v->resume_state = from;
	v->state = VM_STOPPED;
	k->stopped++;
	v->page_wait_at = 0; /* a read of the modelled disk is asked for again when it runs */
	sched_update_event(k, v); /* its IDLE timeout no longer counts; its devices' still do */
	if (k->on_stop)
		k->on_stop(k->on_stop_opaque, v);
	if (k->gdb)
		gdbstub_vm_stopped(k, v);
}

void kernel_vm_stop(struct kernel *k, struct vm *v)
{
	if (v == k->running) { /* run_quantum stops it once cpu_run returns */
		v->stop_wanted = true;
		cpu_request_stop(&v->cpu, CPU_STOP_NOW);
		return;
	}
	if (v->state == VM_RUNNABLE) {
		if (runq_remove(&k->runq, v))
			sched_left_queue(k, v);
	} else if (v->state != VM_IDLE) {
		return;
	}
	v->stop_why = VM_WHY_REQUEST;
	enter_stopped(k, v, v->state);
}

void kernel_vm_continue(struct kernel *k, struct vm *v)
{
	if (v->state != VM_STOPPED)
		return;
	k->stopped--;
	v->fault_held = false;
	v->state = v->resume_state;
	if (v->state == VM_RUNNABLE) {
		runq_push_back(&k->runq, v);
		return;
	}
	/* Idle again: a line that rose while it was stopped, or a timeout that passed, wakes it. */
	k->idle++;
	pager_idle(k, v);
	uint64_t now = kernel_now(k);
	if (vm_line_ready(v) || v->idle_deadline <= now) {
		sched_wake(k, v, now);
		sched_queue_woken(k);
	} else {
		sched_update_event(k, v);
	}
}

void kernel_vm_end_held(struct kernel *k, struct vm *v)
{
	if (v->state != VM_STOPPED || !v->fault_held)
		return;
	v->fault_held = false;
	end_on_fault(k, v);
}

/* ---- one quantum ---------------------------------------------------------------------------- */

/* Sync mode: a SEND ends the running VM's slice, so the switch carries the frame at once and
 * the line it raises switches to the receiver (run_quantum). */
static void frame_sent(void *opaque)
{
	struct kernel *k = opaque;
	if (k->running)
		cpu_request_stop(&k->running->cpu, CPU_STOP_NOW);
}

static void run_quantum(struct kernel *k, struct vm *v)
{
	const struct run_config *cfg = k->cfg;
	uint64_t budget = cfg->quantum;
	bool capped = false;
	if (cfg->max_insns && cfg->max_insns - k->clock.retired < budget)
		budget = cfg->max_insns - k->clock.retired;
	if (cfg->irq_mode == IRQ_SYNC && k->clock.deterministic) {
		/* Synchronous mode: end the quantum when the next event is due, so its line can
		 * switch VMs at once. */
		struct vm *e = events_top(&k->events);
		if (e && e->event_at != DEV_NEVER) {
			uint64_t n = clock_insns_until(&k->clock, e->event_at);
			if (n < budget) {
				budget = n;
				capped = true;
			}
		}
	}
	if (v->yielded) {
		const struct dva_regs *p0 = cpu_page0(&v->cpu);
		v->yielded = false;
		v->cpu.r[REG_EAX] = (p0->irq_pending & p0->irq_mask) ? 0 : 1;
	}
	/* Counted as it starts: a point of the run inside this quantum, (quanta, instructions), is
	 * then never the point of the boundary before it (docs/internals.md 7c). */
	k->quanta++;
	budget = hostin_budget(&k->hostin, budget);
	if (k->last != v) {
		v->stats.switches++;
		k->switches++;
	}
	k->last = v;
	k->running = v;
	v->stats.quanta++;
	v->quantum_base = v->cpu.instret;

	/* The quantum runs in slices that end where one of the VM's own devices is due (its timer),
	 * so the line rises at its exact time; other VMs' events wait for the quantum boundary
	 * (they cannot see the difference: a line is only visible to its own VM). A device the VM
	 * arms during a slice shortens it through cpu_request_stop (sched_deadline_moved). */
	enum cpu_exit ex;
	uint64_t done = 0, host_start = clock_host_ns();
	for (;;) {
		uint64_t slice = budget - done, t = v->next_deadline;
		if (k->clock.deterministic && t != DEV_NEVER && clock_insns_until(&k->clock, t) < slice)
			slice = clock_insns_until(&k->clock, t);
		ex = done ? cpu_resume(&v->cpu, slice) : cpu_run(&v->cpu, slice);
		uint64_t ran = v->cpu.instret - v->quantum_base;
		k->clock.retired += ran;
		v->quantum_base = v->cpu.instret;
		done += ran;
		if ((ex != CPU_EXIT_BUDGET && ex != CPU_EXIT_STOPPED) || done >= budget || v->stop_wanted ||
		    k->interrupted)
			break;
		uint64_t now = kernel_now(k);
		if (v->next_deadline <= now) {
			k->raise_time = v->next_deadline;
			vm_expire_devices(v, now);
			sched_update_event(k, v);
		}
		if (switch_busy(&k->sw) && cfg->irq_mode == IRQ_SYNC) { /* frame_sent ended the slice */
			k->raise_time = now;
			switch_run(&k->sw);
		}
		if (k->preempt)
			break; /* sync mode: a line raised for another VM switches to it now */
	}
	bool preempted = k->preempt;
	k->running = NULL;
	v->stats.host_ns += clock_host_ns() - host_start;

	k->preempt = false;
	switch (ex) {
	case CPU_EXIT_BUDGET:
	case CPU_EXIT_STOPPED:
		port_bus_boundary(&v->bus, false);
		if (v->stop_wanted) {
			v->stop_wanted = false;
			v->stop_why = VM_WHY_REQUEST;
			enter_stopped(k, v, VM_RUNNABLE);
		} else if (preempted) {
			/* The VM the line was raised for is at the front: v goes on right after it. */
			struct vm *to = runq_pop(&k->runq);
			runq_push_front(&k->runq, v);
			runq_push_front(&k->runq, to);
		} else if (capped && cfg->irq_mode == IRQ_SYNC) {
			runq_push_front(&k->runq, v); /* it keeps the CPU unless a line switches away */
		} else {
			runq_push_back(&k->runq, v);
		}
		break;
	case CPU_EXIT_IDLE:
		sched_go_idle(k, v);
		port_bus_boundary(&v->bus, false);
		if (v->state == VM_IDLE) {
			pager_idle(k, v);
			if (k->pager.budget_pages && k->created < k->total)
				admit(k); /* the pager may make room for the next waiting VM now */
		}
		if (v->stop_wanted) {
			v->stop_wanted = false;
			kernel_vm_stop(k, v);
		}
		break;
	case CPU_EXIT_TERMINATE:
		finish(k, v, v->cpu.exit_status, -1);
		break;
	case CPU_EXIT_BREAK: /* a debugger's breakpoint or watchpoint (cpu/debug.h) */
	case CPU_EXIT_WATCH:
		port_bus_boundary(&v->bus, false);
		v->stop_wanted = false;
		v->stop_why = ex == CPU_EXIT_BREAK ? VM_WHY_BREAK : VM_WHY_WATCH;
		enter_stopped(k, v, VM_RUNNABLE);
		break;
	case CPU_EXIT_FAULT:
	case CPU_EXIT_UNIMPL:
		if (ex == CPU_EXIT_UNIMPL) {
			v->cpu.fault.vector = DVA_VEC_UD;
			v->cpu.fault.error = 0;
		}
		if (k->hold_faults) { /* for the debugger: eip is still the faulting instruction */
			v->stop_wanted = false;
			v->fault_held = true;
			v->stop_why = VM_WHY_REQUEST;
			port_bus_boundary(&v->bus, false);
			enter_stopped(k, v, VM_RUNNABLE);
			break;
		}
		end_on_fault(k, v);
		break;
	}
}

/* ---- stepping a stopped VM (the monitor, the debugger) -------------------------------------- */

/* Expire v's own devices that are due now, as run_quantum does between its slices. */
static void expire_own(struct kernel *k, struct vm *v)
{
	uint64_t now = kernel_now(k);
	if (v->next_deadline > now)
		return;
	k->raise_time = v->next_deadline;
	vm_expire_devices(v, now);
	sched_update_event(k, v);
}

/* A step ended on IDLE: take it as sched_go_idle would, but for when the VM is continued. */
static void step_idled(struct kernel *k, struct vm *v)
{
	uint32_t timeout = v->cpu.r[REG_EAX];
	if (timeout == DVA_IDLE_YIELD) {
		v->yielded = true; /* EAX is decided when it is next scheduled */
		return;
	}
	uint64_t now = kernel_now(k);
	v->resume_state = VM_IDLE;
	v->idle_since = now;
	v->idle_deadline = timeout == DVA_IDLE_FOREVER ? DEV_NEVER : now + (uint64_t)timeout * 1000u;
	sched_update_event(k, v); /* stopped: still only its devices' deadlines count */
}

int kernel_vm_step(struct kernel *k, struct vm *v, uint64_t n)
{
	if (v->state != VM_STOPPED || v == k->running || n == 0)
		return -1;
	if (v->yielded) { /* as at the start of a quantum: IDLE 0's answer */
		const struct dva_regs *p0 = cpu_page0(&v->cpu);
		v->yielded = false;
		v->cpu.r[REG_EAX] = (p0->irq_pending & p0->irq_mask) ? 0 : 1;
	}
	v->fault_held = false; /* a held VM runs its instruction again: it may fault again */
	k->running = v;        /* devices and the clock see the instructions as they retire */
	v->quantum_base = v->cpu.instret;
	enum cpu_exit ex = CPU_EXIT_BUDGET;
	uint64_t done = 0;
	/* In slices that end where its own devices are due, as in a quantum; cpu_resume, not
	 * cpu_run: a step is not the start of a quantum, so not a delivery point. */
	while (done < n && !k->interrupted) {
		expire_own(k, v);
		uint64_t slice = n - done, t = v->next_deadline;
		if (k->clock.deterministic && t != DEV_NEVER && clock_insns_until(&k->clock, t) < slice)
			slice = clock_insns_until(&k->clock, t);
		ex = cpu_resume(&v->cpu, slice ? slice : 1);
		uint64_t ran = v->cpu.instret - v->quantum_base;
		k->clock.retired += ran;
		v->quantum_base = v->cpu.instret;
		done += ran;
		if (ex != CPU_EXIT_BUDGET && ex != CPU_EXIT_STOPPED)
			break;
	}
	k->running = NULL;
	k->preempt = false; /* sync mode: the woken VM is already at the front */
	v->stop_wanted = false;
	switch (ex) {
	case CPU_EXIT_BUDGET:
	case CPU_EXIT_STOPPED:
		port_bus_boundary(&v->bus, false);
		return done >= n ? CPU_EXIT_BUDGET : CPU_EXIT_STOPPED;
	case CPU_EXIT_IDLE:
		port_bus_boundary(&v->bus, false);
		step_idled(k, v);
		return CPU_EXIT_IDLE;
	case CPU_EXIT_BREAK: /* a breakpoint or watchpoint GDB set: it stays stopped, saying why */
	case CPU_EXIT_WATCH:
		port_bus_boundary(&v->bus, false);
		v->stop_why = ex == CPU_EXIT_BREAK ? VM_WHY_BREAK : VM_WHY_WATCH;
		return ex;
	case CPU_EXIT_TERMINATE:
		finish(k, v, v->cpu.exit_status, -1);
		return CPU_EXIT_TERMINATE;
	case CPU_EXIT_FAULT:
	case CPU_EXIT_UNIMPL:
		if (ex == CPU_EXIT_UNIMPL) {
			v->cpu.fault.vector = DVA_VEC_UD;
			v->cpu.fault.error = 0;
		}
		if (k->hold_faults) {
			v->fault_held = true;
			port_bus_boundary(&v->bus, false);
		} else {
			end_on_fault(k, v);
		}
		return CPU_EXIT_FAULT;
	}
	return ex;
}

/* ---- the run -------------------------------------------------------------------------------- */

static int run_status(const struct kernel *k)
{
	if (k->hostin.diverged)
		return EXIT_REFUSED;
	if (k->total == 1)
		return k->vms[0]->status;
	for (uint32_t i = 0; i < k->created; i++)
		if (k->vms[i]->status != 0)
			return 1;
	return k->created == k->total ? 0 : 1;
}

/* Stop every VM still alive (a limit was reached, or nothing can go on): flush their output.
 * A VM held on a fault ends on it, as it would have without the hold. */
static void stop_all(struct kernel *k)
{
	k->closing = true; /* a held VM that ends here admits no one */
	for (uint32_t i = 0; i < k->created; i++) {
		struct vm *v = k->vms[i];
		if (v->state == VM_DONE)
			continue;
		if (v->fault_held) {
			kernel_vm_end_held(k, v);
			continue;
		}
		if (v->state == VM_STOPPED)
			k->stopped--;
		v->state = VM_DONE;
		v->status = -1;
		pager_forget(k, v);
		hostin_released(&k->hostin, v);
		show_vm_ended(k, v);
		vm_release(v);
	}
}

/* End every VM held on a fault, as it would have ended without the hold. How many ended. */
static uint32_t end_held(struct kernel *k)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < k->created; i++) {
		if (k->vms[i]->fault_held) {
			kernel_vm_end_held(k, k->vms[i]);
			n++;
		}
	}
	return n;
}

void kernel_interrupt(struct kernel *k, int signo)
{
	int saved = errno; /* a handler must leave errno as it found it */
	k->interrupted = signo;
	struct vm *v = k->running;
	if (v)
		cpu_request_stop(&v->cpu, CPU_STOP_NOW);
	if (k->intr_pipe[1] >= 0 && write(k->intr_pipe[1], "", 1) < 0) {
		/* full: a byte is already there, which is all a wait needs */
	}
	errno = saved;
}

int kernel_run(struct kernel *k)
{
	int status = -1;
	k->wall_start_ns = clock_host_ns();
	admit(k);
	while (k->done < k->total) {
		int recorded;
		if (hostin_replay_stops(&k->hostin, &recorded)) { /* the record ends as its run did */
			stop_all(k);
			stats_progress(k, true);
			fprintf(stderr, "denali: --replay %s: the recorded run was stopped here, after %" PRIu64
				" instructions (exit status %d)\n", k->hostin.replay_path, k->clock.retired, recorded);
			status = recorded;
			break;
		}
		if (k->pager.failed) { /* said in one line: every VM's output so far is written */
			stop_all(k);
			stats_progress(k, true);
			status = EXIT_REFUSED;
			break;
		}
		if (k->interrupted) { /* every VM's output so far is written, and the statistics */
			hostin_stopped(&k->hostin, 128 + (int)k->interrupted);
			stop_all(k);
			stats_progress(k, true);
			fprintf(stderr, "denali: interrupted (signal %d) after %" PRIu64 " instructions\n",
				(int)k->interrupted, k->clock.retired);
			status = 128 + (int)k->interrupted;
			break;
		}
		if (k->cfg->max_insns && k->clock.retired >= k->cfg->max_insns) {
			hostin_stopped(&k->hostin, EXIT_LIMIT);
			stop_all(k);
			stats_progress(k, true);
			fprintf(stderr, "denali: stopped after %" PRIu64 " instructions (--max-insns)\n",
				k->clock.retired);
			status = EXIT_LIMIT;
			break;
		}
		uint64_t now = kernel_now(k);
		if (now >= k->show_next_ns) /* a scripted key or a screenshot is due */
			show_due(k, now);
		if (sched_switch_due(k)) { /* the frames sent in the last round reach their VMs */
			k->raise_time = now;
			switch_run(&k->sw);
			sched_switch_ran(k);
		}
		sched_fire_events(k, now);
		serve_host(k, 0);
		struct vm *v = runq_pop(&k->runq);
		if (v)
			sched_left_queue(k, v);
		if (!v) {
			if (switch_busy(&k->sw))
				continue; /* frames came from the host meanwhile: carry them first */
			/* Every admitted VM idles or is stopped: jump to (or wait for) the earliest
			 * event, or for the host. */
			struct vm *e = events_top(&k->events);
			/* A backend's fd, source or host timer may yet raise a line or continue a stopped
			 * VM (a device's host side, the debugger): wait for it rather than give up. */
			bool all_stopped = k->stopped == k->active;
			bool host_can_act = backend_watches(k) || k->loop.nsources || k->loop.narmed;
			/* Stopped VMs' events can move nothing when nobody can continue them; and under
			 * the deterministic clock, time moves only with the VMs: with every one stopped,
			 * wait for the host (the monitor, the debugger) rather than jump the clock from
			 * one stopped VM's timer to the next for ever. */
			bool frozen = all_stopped && (!host_can_act || k->clock.deterministic);
			if (frozen)
				e = NULL;
			uint64_t wake = e ? e->event_at : UINT64_MAX;
			if (k->show_next_ns < wake && !frozen)
				wake = k->show_next_ns; /* a scripted key may wake a VM */
			if (wake == UINT64_MAX) {
				if ((!all_stopped && hostin_wanted(&k->hostin)) || host_can_act) {
					serve_host(k, EVLOOP_FOREVER);
					continue;
				}
				if (k->interrupted)
					continue; /* a signal or the monitor's quit, just now: the loop's top ends the run */
				if (end_held(k))
					continue; /* they ended as without the hold; the gatekeeper may admit more */
				uint32_t stuck = k->active, stopped = k->stopped;
				stop_all(k);
				stats_progress(k, true);
				fprintf(stderr, "denali: %u VM%s stuck: every VM idles with no timeout%s and "
					"nothing that could wake it\n", (unsigned)stuck, stuck == 1 ? "" : "s",
					stopped ? " or is stopped" : "");
				status = EXIT_STUCK;
				break;
			}
			if (k->clock.deterministic)
				k->clock.skipped_ns += wake - now;
			else
				serve_host(k, wake - now); /* sleeps in poll until then or host input */
			continue;
		}
		if (v->swapped && k->pager.disk_rate && !v->paged_in) {
			/* The modelled disk reads its record first: it waits off the queue. */
			v->page_wait_at = pager_read(k, v, now);
			sched_update_event(k, v);
			continue;
		}
		if (v->swapped && pager_swap_in(k, v)) {
			runq_push_front(&k->runq, v); /* whole still: the run stops at the loop's top */
			continue;
		}
		run_quantum(k, v);
		if (k->pager.budget_pages && k->arena.held_pages + k->arena.pad_pages > k->pager.budget_pages)
			pager_balance(k);
		if (k->cfg->progress) /* a branch per quantum, not a call */
			stats_progress(k, false);
	}
	if (!k->active && switch_busy(&k->sw)) { /* the last VMs' last frames, for the counters */
		k->raise_time = kernel_now(k);
		switch_run(&k->sw);
	}
	k->wall_ns = clock_host_ns() - k->wall_start_ns;
	if (status < 0) {
		stats_progress(k, true);
		status = run_status(k);
	}
	if (hostin_finish(&k->hostin) && status == 0)
		status = EXIT_REFUSED; /* the record could not be written: said in one line */
	if (capture_finish(k) && status == 0)
		status = EXIT_REFUSED; /* likewise the capture */
	if (show_finish(k) && status == 0)
		status = EXIT_REFUSED; /* and a screenshot */
	return status;
}

/* ---- set-up and teardown -------------------------------------------------------------------- */

/* --net user and its --hostfwd forwards: 0, or EXIT_USAGE / EXIT_REFUSED after one line. A
 * forward reaches a VM at its guestos address, 10.0.0.0 + vm_id + 1 (docs/network.md). */
static int uplink_init(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	char err[160];
	if (cfg->net_tap) {
		k->tap = tap_new(&k->sw, &k->loop, cfg->net_tap, err, sizeof(err));
		if (!k->tap) {
			fprintf(stderr, "denali: --net tap:%s: %s\n", cfg->net_tap, err);
			return EXIT_REFUSED;
		}
		return 0;
	}
	if (!cfg->net_user)
		return 0;
	/* One listening socket a forward: raise the soft limit on descriptors to what they need. */
	uint64_t nfwd = 0;
	for (unsigned i = 0; i < cfg->nfwds; i++)
		nfwd += cfg->fwds[i].every_vm ? k->total : 1;
	struct rlimit lim;
	if (nfwd && getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < nfwd + 256) {
		lim.rlim_cur = lim.rlim_max == RLIM_INFINITY || lim.rlim_max > nfwd + 256 ? nfwd + 256 : lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
		if (lim.rlim_cur < nfwd + 256) {
			fprintf(stderr, "denali: --hostfwd %s: %" PRIu64 " forwards need %" PRIu64
				" file descriptors; this process may have %llu (ulimit -n)\n", cfg->fwds[0].spec, nfwd,
				nfwd + 256, (unsigned long long)lim.rlim_cur);
			return EXIT_USAGE;
		}
	}
	k->uplink = uplink_new(&k->sw, &k->loop, k->total, err, sizeof(err));
	if (!k->uplink) {
		fprintf(stderr, "denali: --net user: %s\n", err);
		return EXIT_REFUSED;
	}
	for (unsigned i = 0; i < cfg->nfwds; i++) {
		const struct hostfwd *f = &cfg->fwds[i];
		uint32_t first = f->every_vm ? 0 : f->vm, last = f->every_vm ? (uint32_t)k->total - 1 : f->vm;
		for (uint32_t vm = first; vm <= last; vm++) {
			uint16_t port = (uint16_t)(f->host_port + (f->every_vm ? vm : 0));
			if (uplink_forward(k->uplink, f->udp, f->host_addr, port, 0x0A000000u + vm + 1, f->guest_port)) {
				char a[INET_ADDRSTRLEN];
				inet_ntop(AF_INET, &f->host_addr, a, sizeof(a));
				fprintf(stderr, "denali: --hostfwd %s: cannot listen on %s:%u (in use, or not this host's)\n",
					f->spec, a, (unsigned)port);
				return EXIT_USAGE;
			}
		}
	}
	return 0;
}

int kernel_init(struct kernel *k, const struct run_config *cfg)
{
	memset(k, 0, sizeof(*k));
	evloop_init(&k->loop);
	switch_init(&k->sw);
	k->sw.owner = k;
	k->round_over = true; /* no round yet: the first frames go at the first boundary */
	k->sw.loss_ppm = cfg->net_loss_ppm;
	k->sw.dup_ppm = cfg->net_dup_ppm;
	k->sw.reorder_ppm = cfg->net_reorder_ppm;
	k->sw.rng = cfg->seed ^ 0x6E65742D6661756Cull; /* its own stream of the run's seed */
	if (cfg->irq_mode == IRQ_SYNC)
		k->sw.sent = frame_sent;
	k->intr_pipe[0] = k->intr_pipe[1] = k->intr_watch = -1;
	if (pipe2(k->intr_pipe, O_NONBLOCK | O_CLOEXEC) == 0)
		k->intr_watch = evloop_watch_add(&k->loop, k->intr_pipe[0], 0, interrupt_ready, k);
	else
		k->intr_pipe[0] = k->intr_pipe[1] = -1; /* signals still end the run, only later */
	k->hostin.watch = -1;
	k->hostin.fd = -1;
	k->cfg = cfg;
	k->total = config_vm_count(cfg);
	k->loop.woke = loop_woke;
	k->loop.woke_opaque = k;
	k->vm_events = (struct vm_events){
		.opaque = k,
		.line_raised = sched_line_raised,
		.deadline_moved = sched_deadline_moved,
	};
	k->clock = (struct vm_clock){
		.deterministic = !cfg->host_clock,
		.cpu_hz = cfg->cpu_hz,
		.host_start_ns = clock_host_ns(),
		.epoch_ns = cfg->host_clock ? clock_unix_ns() : cfg->epoch_ns,
		.seed = cfg->seed,
	};
	k->images = calloc(cfg->ngroups, sizeof(*k->images));
	k->shared_code = calloc(cfg->ngroups, sizeof(*k->shared_code));
	k->vms = calloc(k->total, sizeof(*k->vms));
	if (!k->images || !k->shared_code || !k->vms) {
		fprintf(stderr, "denali: out of host memory for %" PRIu64 " VMs\n", k->total);
		return EXIT_REFUSED;
	}
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		cache_init(&k->shared_code[i]);
		k->shared_code[i].shared = true;
	}
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		const struct group_config *g = &cfg->groups[i];
		char err[LOADER_ERR];
		if (image_open(&k->images[i], g->image, err) || image_fits(&k->images[i], g->mem_size, err)) {
			if (cfg->source)
				fprintf(stderr, "%s:%u: image %s: %s\n", cfg->source, g->line, g->image, err);
			else
				fprintf(stderr, "denali: %s: %s\n", g->image, err);
			return EXIT_REFUSED;
		}
	}
	if (cfg->trace) {
		k->trace = strcmp(cfg->trace, "-") ? fopen(cfg->trace, "w") : stderr;
		if (!k->trace) {
			fprintf(stderr, "denali: --trace: cannot open '%s': %s\n", cfg->trace, strerror(errno));
			return EXIT_USAGE;
		}
	}
	if (cfg->console == CONSOLE_FILES && mkdir(cfg->console_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "denali: --console files:%s: %s\n", cfg->console_dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (mem_arena_init(&k->arena, PARAM_ARENA_BYTES)) {
		fprintf(stderr, "denali: cannot reserve host address space for guests: %s\n", strerror(errno));
		return EXIT_REFUSED;
	}
	k->pools = calloc(cfg->ngroups, sizeof(*k->pools));
	for (unsigned i = 0; k->pools && i < cfg->ngroups; i++) {
		if (image_pool(&k->images[i], &k->pools[i], &k->arena, cfg->groups[i].mem_size)) {
			while (i-- > 0)
				pool_destroy(&k->pools[i]);
			free(k->pools);
			k->pools = NULL;
		}
	}
	if (!k->pools) {
		fprintf(stderr, "denali: out of host memory for the images\n");
		return EXIT_REFUSED;
	}
	/* Last, so a run refused for any other reason leaves existing --pcap and --record files
	 * alone (a record refused removes no capture: it is only output). */
	int rc = pager_init(k);
	if (!rc)
		rc = capture_init(k);
	if (!rc)
		rc = uplink_init(k);
	if (!rc)
		rc = hostin_init(&k->hostin, k);
	if (!rc)
		rc = show_init(k);
	if (!rc && cfg->monitor)
		rc = monitor_open(k, cfg->monitor);
	if (!rc && cfg->gdb)
		rc = gdbstub_init(k);
	return rc;
}

void kernel_destroy(struct kernel *k)
{
	monitor_close(k->monitor);
	k->monitor = NULL;
	gdbstub_destroy(k);
	hostin_destroy(&k->hostin);
	if (k->capture.w.f) /* a run that never ran: what it captured is still a valid file */
		capture_finish(k);
	evloop_destroy(&k->loop);
	for (int i = 0; i < 2; i++)
		if (k->intr_pipe[i] >= 0)
			close(k->intr_pipe[i]);
	for (uint32_t i = 0; i < k->created; i++)
		vm_release(k->vms[i]);
	uplink_destroy(k->uplink);
	tap_destroy(k->tap);
	/* After the VMs (their NICs leave it), before their counters go: the NIC of a VM that
	 * ended with frames queued still writes its counters there when it is freed. */
	switch_destroy(&k->sw);
	for (uint32_t i = 0; i < k->created; i++) {
		free(k->vms[i]->stats.net);
		free(k->vms[i]);
	}
	free(k->vms);
	if (k->images)
		for (unsigned i = 0; i < k->cfg->ngroups; i++)
			image_close(&k->images[i]);
	free(k->images);
	if (k->shared_code)
		for (unsigned i = 0; i < k->cfg->ngroups; i++)
			cache_destroy(&k->shared_code[i]);
	free(k->shared_code);
	free(k->runq.slot);
	free(k->events.v);
	free(k->woken);
	free(k->gstats);
	if (k->trace && k->trace != stderr)
		fclose(k->trace);
	show_destroy(k);
	pager_destroy(k);
	if (k->pools)
		for (unsigned i = 0; i < k->cfg->ngroups; i++)
			pool_destroy(&k->pools[i]);
	free(k->pools);
	if (k->arena.base)
		mem_arena_destroy(&k->arena);
}
