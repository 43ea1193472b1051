/* kernel.c - the isolation kernel's loop: admit VMs, fire due events, pick the next VM, run one
 * quantum, act on why it stopped. The rules are DVA-1 sections 4 to 6. */
#include "denali_arch/kernel.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "denali_arch/param.h"
#include "denali_arch/sched.h"

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kernel_now(const struct kernel *k)
{
	if (!k->clock.deterministic)
		return host_ns() - k->clock.host_start_ns;
	uint64_t n = k->clock.retired, hz = k->clock.cpu_hz;
	return n / hz * 1000000000u + n % hz * 1000000000u / hz + k->clock.skipped_ns;
}

/* Instructions (in all) still to retire before the deterministic clock reaches t; at least 1. */
static uint64_t insns_until(const struct kernel *k, uint64_t t)
{
	if (t <= k->clock.skipped_ns)
		return 1;
	unsigned __int128 need = (unsigned __int128)(t - k->clock.skipped_ns) * k->clock.cpu_hz;
	uint64_t n = (uint64_t)((need + 999999999u) / 1000000000u);
	return n > k->clock.retired ? n - k->clock.retired : 1;
}

/* ---- events: timers and IDLE deadlines -------------------------------------------------- */

static void update_event(struct kernel *k, struct vm *v)
{
	uint64_t at = TIMER_NEVER;
	if (v->state != VM_DONE) {
		at = timer_next(v->timer);
		if (v->state == VM_IDLE && v->idle_deadline < at)
			at = v->idle_deadline;
	}
	events_update(&k->events, v, at);
}

/* Instructions the running VM v can still retire before system time reaches t; at least 1. */
static uint64_t insns_until_running(const struct kernel *k, const struct vm *v, uint64_t t)
{
	uint64_t in_quantum = v->cpu.instret - v->quantum_base, n = insns_until(k, t);
	return n > in_quantum ? n - in_quantum : 1;
}

void kernel_events_changed(struct kernel *k, struct vm *v)
{
	update_event(k, v);
	/* The running VM armed its own timer: end this slice of its quantum when it is due, so
	 * line 0 rises exactly when system time reaches it (DVA-1 section 7). */
	uint64_t t = timer_next(v->timer);
	if (v == k->running && k->clock.deterministic && t != TIMER_NEVER) {
		uint64_t stop = v->cpu.instret + insns_until_running(k, v, t);
		if (stop < v->cpu.stop_at)
			v->cpu.stop_at = stop;
		v->cpu.leave_block = true;
	}
}

/* VMs woken at a boundary are pushed to the front of the run queue together, ordered by wake
 * time then vm_id (DVA-1 section 5). */
static void wake(struct kernel *k, struct vm *v, uint64_t when)
{
	if (v->state != VM_IDLE)
		return;
	const struct dva_regs *p0 = cpu_page0(&v->cpu);
	v->state = VM_RUNNABLE;
	v->idle_deadline = TIMER_NEVER;
	if (when > v->idle_since)
		v->stats.idle_ns += when - v->idle_since;
	v->cpu.r[REG_EAX] = (p0->irq_pending & p0->irq_mask) ? 0 : 1;
	update_event(k, v);
	if (k->nwoken == k->woken_cap) {
		k->woken_cap = k->woken_cap ? k->woken_cap * 2 : 64;
		k->woken = realloc(k->woken, k->woken_cap * sizeof(*k->woken));
		if (!k->woken)
			abort();
	}
	k->woken[k->nwoken++] = (struct woken){ when, v };
}

static int woken_order(const void *a, const void *b)
{
	const struct woken *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->v->id < y->v->id ? -1 : x->v->id > y->v->id;
}

static void queue_woken(struct kernel *k)
{
	if (k->nwoken > 1)
		qsort(k->woken, k->nwoken, sizeof(*k->woken), woken_order);
	for (uint32_t i = k->nwoken; i-- > 0;)
		runq_push_front(&k->runq, k->woken[i].v);
	k->nwoken = 0;
}

void kernel_line_raised(struct kernel *k, struct vm *v)
{
	const struct dva_regs *p0 = cpu_page0(&v->cpu);
	if (!(p0->irq_pending & p0->irq_mask))
		return;
	if (v->state == VM_IDLE) {
		wake(k, v, k->raise_time);
	} else if (k->cfg->irq_mode == IRQ_SYNC && v != k->running && v->state == VM_RUNNABLE &&
		   runq_remove(&k->runq, v)) {
		/* Synchronous mode: switch to the VM the line was raised for. */
		runq_push_front(&k->runq, v);
	}
}

/* Fire every timer expiry and IDLE deadline due at or before now, in time order. */
static void fire_events(struct kernel *k, uint64_t now)
{
	struct vm *v;
	while ((v = events_top(&k->events)) && v->event_at <= now) {
		uint64_t t = v->event_at;
		k->raise_time = t;
		if (timer_next(v->timer) <= t && timer_expire(v->timer, t))
			vm_raise(v, DVA_LINE_TIMER);
		if (v->state == VM_IDLE && v->idle_deadline <= t)
			wake(k, v, t); /* a line raised at the same time counts: EAX = 0 */
		update_event(k, v);
	}
	k->raise_time = now;
	queue_woken(k);
}

/* ---- console input ------------------------------------------------------------------------ */

/* Host stdin feeds the console of VM 0 once that guest shows interest (reads a console port or
 * unmasks line 1). The console reads it itself on the guest's first look and whenever the
 * guest empties its ring (console_fill); otherwise the host event loop watches it between
 * quanta, and waits for it when every VM idles (serve_host). */
static bool input_wanted(const struct kernel *k)
{
	if (!k->created || k->vms[0]->state == VM_DONE)
		return false;
	const struct vm *v = k->vms[0];
	return !v->console->in_ended &&
	       (v->console->in_used || (cpu_page0(&v->cpu)->irq_mask & (1u << DVA_LINE_CONSOLE_IN)));
}

/* The loop's watch on stdin: bytes or the end (poll reports both as readable). */
static void stdin_ready(void *opaque, int fd, short revents)
{
	struct kernel *k = opaque;
	(void)fd;
	(void)revents;
	k->raise_time = kernel_now(k);
	console_fill(k->vms[0]->console);
	queue_woken(k);
}

/* Between quanta: the host event loop serves the backends' fds and timers, waiting at most
 * bound_ns (0 only looks; EVLOOP_FOREVER waits for the next host event). Stdin is watched
 * while VM 0 wants input and its ring has room. */
static void serve_host(struct kernel *k, uint64_t bound_ns)
{
	bool want = input_wanted(k) && k->vms[0]->console->ilen < CONSOLE_IN_BUF;
	if (want && k->stdin_watch < 0)
		k->stdin_watch = evloop_watch_add(&k->loop, k->vms[0]->console->in_fd, POLLIN, stdin_ready, k);
	if (k->stdin_watch >= 0)
		evloop_watch_events(&k->loop, k->stdin_watch, want ? POLLIN : 0);
	evloop_run(&k->loop, bound_ns);
}

/* ---- admission and the end of a VM ------------------------------------------------------ */

/* Each VM's argument string: the group's, with "{id}" replaced by its vm_id. */
static int expand_args(const char *tmpl, uint32_t id, char out[DVA_ARGS_MAX + 1])
{
	size_t n = 0;
	for (const char *p = tmpl ? tmpl : ""; *p; p++) {
		char num[16];
		const char *piece = p;
		size_t len = 1;
		if (!strncmp(p, "{id}", 4)) {
			len = (size_t)snprintf(num, sizeof(num), "%u", (unsigned)id);
			piece = num;
			p += 3;
		}
		if (n + len > DVA_ARGS_MAX)
			return -1;
		memcpy(out + n, piece, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

static void finish(struct kernel *k, struct vm *v, int status, int fault);

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

/* The gatekeeper: admit waiting VMs in FIFO order while the limits allow (always at least
 * one, so a run can make progress). */
static void admit(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	while (k->created < k->total) {
		const struct group_config *g = &cfg->groups[k->next_group];
		if (k->active && cfg->max_active && k->active >= cfg->max_active)
			break;
		if (k->active && cfg->mem_budget && k->active_mem + g->mem_size > cfg->mem_budget)
			break;
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
			.trace = k->trace, .kernel = k, .shared_code = &k->shared_code[k->next_group],
		};
		if (++k->next_in_group == g->count) {
			k->next_group++;
			k->next_in_group = 0;
		}
		int bad = expand_args(g->args, id, args);
		if (bad)
			snprintf(err, sizeof(err), "the argument string with {id} is longer than %u bytes", DVA_ARGS_MAX);
		if (bad || vm_create(v, &k->arena, &k->clock, &vc, &k->images[vc.group], err)) {
			fprintf(stderr, "denali: vm %u (group %s): %s\n", (unsigned)id, g->name, err);
			v->id = id;
			v->group = vc.group;
			v->heap_pos = -1;
			v->stats.fault = -1;
			v->state = VM_DONE;
			v->status = EXIT_REFUSED;
			k->done++;
			continue;
		}
		if (id == 0)
			console_set_input(v->console, STDIN_FILENO);
		k->active++;
		k->active_mem += g->mem_size;
		runq_push_back(&k->runq, v);
	}
}

static void finish(struct kernel *k, struct vm *v, int status, int fault)
{
	v->state = VM_DONE;
	v->status = status;
	v->stats.fault = fault;
	update_event(k, v);
	k->active--;
	k->active_mem -= v->cpu.mem.size;
	k->done++;
	vm_release(v); /* flushes the console: the VM's last words come out here */
	admit(k);
}

/* ---- one quantum ---------------------------------------------------------------------------- */

static void go_idle(struct kernel *k, struct vm *v)
{
	uint32_t timeout = v->cpu.r[REG_EAX];
	if (timeout == DVA_IDLE_YIELD) { /* to the tail, without wake-up priority */
		v->yielded = true;
		runq_push_back(&k->runq, v);
		return;
	}
	uint64_t now = kernel_now(k);
	v->state = VM_IDLE;
	v->idle_since = now;
	v->idle_deadline = timeout == DVA_IDLE_FOREVER ? TIMER_NEVER : now + (uint64_t)timeout * 1000u;
	update_event(k, v);
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
		if (e && e->event_at != TIMER_NEVER) {
			uint64_t n = insns_until(k, e->event_at);
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
	if (k->last != v) {
		v->stats.switches++;
		k->switches++;
	}
	k->last = v;
	k->running = v;
	v->stats.quanta++;
	v->quantum_base = v->cpu.instret;

	/* The quantum runs in slices that end where the VM's own timer is due, so the line rises
	 * at its exact time; other VMs' events wait for the quantum boundary (they cannot see
	 * the difference: a line is only visible to its own VM). */
	enum cpu_exit ex;
	uint64_t done = 0, host_start = host_ns();
	for (;;) {
		uint64_t slice = budget - done, t = timer_next(v->timer);
		if (k->clock.deterministic && t != TIMER_NEVER && insns_until(k, t) < slice)
			slice = insns_until(k, t);
		ex = done ? cpu_resume(&v->cpu, slice) : cpu_run(&v->cpu, slice);
		uint64_t ran = v->cpu.instret - v->quantum_base;
		k->clock.retired += ran;
		v->quantum_base = v->cpu.instret;
		done += ran;
		if (ex != CPU_EXIT_BUDGET || done >= budget)
			break;
		uint64_t now = kernel_now(k);
		if (timer_next(v->timer) <= now) {
			k->raise_time = timer_next(v->timer);
			if (timer_expire(v->timer, now))
				vm_raise(v, DVA_LINE_TIMER);
			update_event(k, v);
		}
	}
	k->running = NULL;
	v->stats.host_ns += host_ns() - host_start;

	switch (ex) {
	case CPU_EXIT_BUDGET:
		if (capped && cfg->irq_mode == IRQ_SYNC)
			runq_push_front(&k->runq, v); /* it keeps the CPU unless a line switches away */
		else
			runq_push_back(&k->runq, v);
		console_flush(v->console, false);
		break;
	case CPU_EXIT_IDLE:
		go_idle(k, v);
		console_flush(v->console, false);
		break;
	case CPU_EXIT_TERMINATE:
		finish(k, v, v->cpu.exit_status, -1);
		break;
	case CPU_EXIT_FAULT:
	case CPU_EXIT_UNIMPL: {
		if (ex == CPU_EXIT_UNIMPL) {
			v->cpu.fault.vector = DVA_VEC_UD;
			v->cpu.fault.error = 0;
		}
		uint32_t vec = v->cpu.fault.vector;
		console_flush(v->console, true);
		fflush(stdout);
		vm_report_fault(v, stderr);
		finish(k, v, vec < 128 ? 128 + (int)vec : 255, (int)vec);
		break;
	}
	}
}

/* ---- the run -------------------------------------------------------------------------------- */

static void progress(struct kernel *k, bool last)
{
	if (!k->cfg->progress)
		return;
	uint64_t now = host_ns();
	if (!last && now < k->progress_at_ns)
		return;
	k->progress_at_ns = now + 500000000u;
	double secs = (double)(now - k->wall_start_ns) / 1e9;
	fprintf(stderr, "\rdenali: %u/%" PRIu64 " VMs done, %.1f M instructions/s, %.1f s%s",
		(unsigned)k->done, k->total, secs > 0 ? (double)k->clock.retired / secs / 1e6 : 0.0,
		secs, last ? "\n" : "");
}

static int run_status(const struct kernel *k)
{
	if (k->total == 1)
		return k->vms[0]->status;
	for (uint32_t i = 0; i < k->created; i++)
		if (k->vms[i]->status != 0)
			return 1;
	return k->created == k->total ? 0 : 1;
}

/* Stop every VM still alive (a limit was reached): flush their output. */
static void stop_all(struct kernel *k)
{
	for (uint32_t i = 0; i < k->created; i++) {
		struct vm *v = k->vms[i];
		if (v->state == VM_DONE)
			continue;
		v->state = VM_DONE;
		v->status = -1;
		vm_release(v);
	}
}

int kernel_run(struct kernel *k)
{
	int status = -1;
	k->wall_start_ns = host_ns();
	admit(k);
	while (k->done < k->total) {
		if (k->cfg->max_insns && k->clock.retired >= k->cfg->max_insns) {
			stop_all(k);
			progress(k, true);
			fprintf(stderr, "denali: stopped after %" PRIu64 " instructions (--max-insns)\n",
				k->clock.retired);
			status = EXIT_LIMIT;
			break;
		}
		uint64_t now = kernel_now(k);
		fire_events(k, now);
		serve_host(k, 0);
		struct vm *v = runq_pop(&k->runq);
		if (!v) {
			/* Every admitted VM idles: jump to (or wait for) the earliest event. */
			struct vm *e = events_top(&k->events);
			if (!e) {
				if (input_wanted(k)) {
					serve_host(k, EVLOOP_FOREVER);
					continue;
				}
				stop_all(k);
				progress(k, true);
				fprintf(stderr, "denali: %u VM%s stuck: every VM idles with no timeout and "
					"nothing that could wake it\n", (unsigned)k->active, k->active == 1 ? "" : "s");
				status = EXIT_STUCK;
				break;
			}
			if (k->clock.deterministic)
				k->clock.skipped_ns += e->event_at - now;
			else
				serve_host(k, e->event_at - now); /* sleeps in poll until then or host input */
			continue;
		}
		run_quantum(k, v);
		progress(k, false);
	}
	k->wall_ns = host_ns() - k->wall_start_ns;
	if (status < 0) {
		progress(k, true);
		status = run_status(k);
	}
	return status;
}

/* ---- set-up and teardown -------------------------------------------------------------------- */

static uint64_t unix_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int kernel_init(struct kernel *k, const struct run_config *cfg)
{
	memset(k, 0, sizeof(*k));
	evloop_init(&k->loop);
	k->stdin_watch = -1;
	k->cfg = cfg;
	k->total = config_vm_count(cfg);
	k->clock = (struct vm_clock){
		.deterministic = !cfg->host_clock,
		.cpu_hz = cfg->cpu_hz,
		.host_start_ns = host_ns(),
		.epoch_ns = cfg->host_clock ? unix_ns() : cfg->epoch_ns,
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
	return 0;
}

void kernel_destroy(struct kernel *k)
{
	evloop_destroy(&k->loop);
	for (uint32_t i = 0; i < k->created; i++) {
		vm_release(k->vms[i]);
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
	if (k->trace && k->trace != stderr)
		fclose(k->trace);
	if (k->arena.base)
		mem_arena_destroy(&k->arena);
}
