/* test_kernel.c - the kernel's hold on VMs (denali_arch/kernel.c): VM_STOPPED, faults held for
 * the debugger, kernel_vm_stop / kernel_vm_continue / kernel_vm_end_held, on a real kernel.
 *
 * Each case writes one or more tiny static ELF32 i386 images (one R+X PT_LOAD at 0x1000 holding
 * a few hand-assembled instructions) to temporary files, makes a run_config with a group per
 * image (console none, a small quantum, a max_insns limit where a VM never ends), and runs
 * kernel_init + kernel_run. kernel_run runs to the end, so the cases act from inside it through
 * the kernel's on_stop callback: a VM whose fault is held enters VM_STOPPED and on_stop is
 * called between quanta, where the debugger's calls are allowed. The callback records what it
 * sees and checks it; failures inside it are counted (an assert there would longjmp out of the
 * kernel) and reported after the run.
 *
 * What kernel.h promises and the cases check:
 *   - hold_faults: an undeliverable exception stops the VM (VM_STOPPED, fault_held, cpu.fault
 *     and EIP at the faulting instruction), on_stop is told once; the other VMs go on; when
 *     nothing else can run (or the instruction limit stops the run) the held VM ends on its
 *     fault as it would have without the hold: same status 128 + vector, same stats.fault;
 *   - kernel_vm_stop: a runnable VM leaves the run queue, an idle one stops waiting (its IDLE
 *     timeout no longer counts), the running one stops once its current instruction retires;
 *     k.stopped counts them; nothing for a VM already stopped or done;
 *   - kernel_vm_continue: back to resume_state (runnable, in the run queue; or idle, woken at
 *     once if its deadline passed); a VM held on a fault runs its faulting instruction again;
 *   - kernel_vm_end_held: ends a VM held on a fault; nothing for any other VM.
 *
 * The guests, DVA-1: loaded at p_vaddr, entry e_entry; IDLE is 0F 3F 01 (EAX = timeout in
 * microseconds), TERMINATE 0F 3F 02 (AL = status); no vector table (vector_base 0), so any
 * exception ends the VM with 128 + vector. The deterministic clock runs at cpu_hz = 10^9: one
 * instruction is one nanosecond.
 */
#include <elf.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"
#include "denali_arch/sched.h"

/* ---- the guests ------------------------------------------------------------------------------ */

#define IMG_VA 0x1000u     /* where the code is loaded, and the entry point */
#define FAULT_ADDR 0xFFFFFFF0u

/* inc ebx; inc ebx; mov eax, [0xFFFFFFF0] (#PF: outside memory); mov al, 9; TERMINATE.
 * The load is at 0x1002, 5 bytes; skipping it terminates with status 9. */
#define FAULT_CODE "43 43 a1 f0 ff ff ff b0 09 0f 3f 02"
#define FAULT_EIP (IMG_VA + 2u)
#define FAULT_INSNS 2u     /* retired before the fault */

/* inc ecx; jmp back: for ever. */
#define FOREVER_CODE "41 eb fd"

/* mov eax, 100; IDLE (100 us); inc esi; xor eax, eax; TERMINATE (status 0). */
#define IDLER_CODE "b8 64 00 00 00 0f 3f 01 46 31 c0 0f 3f 02"
#define IDLER_TIMEOUT_NS 100000u

/* mov eax, 1000; mov edx, 0xD300; out dx, eax (arms the one-shot timer, 1 ms); inc esi x3;
 * xor eax, eax; TERMINATE. The OUT is instruction 2, at 0x100a. */
#define TIMER_CODE "b8 e8 03 00 00 ba 00 d3 00 00 ef 46 46 46 31 c0 0f 3f 02"
#define TIMER_OUT_END (IMG_VA + 11u)

/* mov eax, 1000; mov edx, 0xD301; out dx, eax (the periodic timer, every 1 ms); then the
 * faulting load at 0x100b. */
#define PERIODIC_FAULT_CODE "b8 e8 03 00 00 ba 01 d3 00 00 ef a1 f0 ff ff ff"
#define PERIODIC_FAULT_EIP (IMG_VA + 11u)

/* mov ecx, n; L: inc esi; dec ecx; jnz L; xor eax, eax; TERMINATE (status 0): 3n + 3
 * instructions. */
static void spin_code(char *out, size_t cap, uint32_t n)
{
	snprintf(out, cap, "b9 %02x %02x %02x %02x 46 49 75 fc 31 c0 0f 3f 02", n & 0xFF,
		 (n >> 8) & 0xFF, (n >> 16) & 0xFF, n >> 24);
}
#define SPIN_INSNS(n) (3u * (uint64_t)(n) + 3u)

/* mov ecx, n; L: dec ecx; jnz L; then the faulting load at 0x1008 (2n + 1 instructions before
 * it). */
static void spin_fault_code(char *out, size_t cap, uint32_t n)
{
	snprintf(out, cap, "b9 %02x %02x %02x %02x 49 75 fd a1 f0 ff ff ff", n & 0xFF,
		 (n >> 8) & 0xFF, (n >> 16) & 0xFF, n >> 24);
}
#define SPIN_FAULT_EIP (IMG_VA + 8u)

/* Write a static ELF32 i386 ET_EXEC with the code (hex) as one R+X PT_LOAD at IMG_VA to a fresh
 * temporary file; its path goes to path. */
static void image_write(char path[PATH_MAX], const char *hex)
{
	uint8_t code[256], file[TVM_ELF_CODE_OFF + sizeof(code)];
	size_t size = tvm_elf(file, sizeof(file), IMG_VA, code, tvm_hex(hex, code, sizeof(code)));

	const char *d = getenv("TMPDIR");
	snprintf(path, PATH_MAX, "%s/denali-kernel-XXXXXX", d && *d ? d : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, size), (ssize_t)size);
	assert_int_equal(close(fd), 0);
}

/* ---- a run ----------------------------------------------------------------------------------- */

#define MAX_GROUPS 3
#define LOG_MAX 256

/* What on_stop saw at one call. */
struct stop_entry {
	uint32_t id;
	enum vm_state state, resume_state;
	bool fault_held;
	uint32_t vector, error, addr, eip;
	uint32_t p0_vector, p0_eip, p0_addr; /* page 0's fault record (DVA-1 section 5) */
	uint64_t instret;
	uint32_t stopped;                    /* k.stopped */
	bool running_null;                   /* k.running == NULL: between quanta */
};

struct run;
/* A case's behaviour in on_stop, after the call was recorded: the call's index in the log. */
typedef void (*stop_action)(struct run *r, struct vm *v, unsigned call);

struct run {
	struct run_config rc;
	struct kernel k;
	char paths[MAX_GROUPS][PATH_MAX];
	unsigned ngroups;
	struct stop_entry log[LOG_MAX];
	unsigned n;            /* on_stop calls */
	stop_action act;
	int bad;               /* checks failed inside callbacks */
	uint64_t mark[4];      /* values a case remembers between calls */
	bool flag;
	int status;            /* kernel_run's */
};

#define CHECK(r, cond)                                                                            \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			print_error("%s:%d: in a kernel callback: %s\n", __FILE__, __LINE__, #cond); \
			(r)->bad++;                                                               \
		}                                                                                 \
	} while (0)

static void on_stop(void *opaque, struct vm *v)
{
	struct run *r = opaque;
	const struct dva_regs *p0 = cpu_page0(&v->cpu);
	unsigned call = r->n;
	if (r->n < LOG_MAX)
		r->log[r->n] = (struct stop_entry){
			.id = v->id, .state = v->state, .resume_state = v->resume_state,
			.fault_held = v->fault_held, .vector = v->cpu.fault.vector,
			.error = v->cpu.fault.error, .addr = v->cpu.fault.addr, .eip = v->cpu.eip,
			.p0_vector = p0->fault_vector, .p0_eip = p0->fault_eip, .p0_addr = p0->fault_addr,
			.instret = v->cpu.instret, .stopped = r->k.stopped,
			.running_null = r->k.running == NULL,
		};
	r->n++;
	if (r->act)
		r->act(r, v, call);
}

/* The run alive, if any. A kernel reserves PARAM_ARENA_BYTES (64 TiB) of address space for its
 * guests, so two cannot be alive at once: a case ends one run (keeping what it compares in a
 * struct run_end) before it starts the next, and the teardown frees a run a failed case left. */
static struct run *cur;

/* A run of one group per image (hex code), each of one VM with 1 MiB, quantum q, max_insns
 * limit (0: none), console none; kernel_init done, hold_faults and on_stop as asked. */
static struct run *run_new(const char *const *images, unsigned ngroups, uint32_t q, uint64_t limit,
			   bool hold, stop_action act)
{
	assert_null(cur);
	struct run *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	cur = r;
	char err[CONFIG_ERR], num[32];
	config_init(&r->rc);
	assert_int_equal(config_set(&r->rc, "run", "console", "none", err), 0);
	assert_int_equal(config_set(&r->rc, "run", "progress", "no", err), 0);
	snprintf(num, sizeof(num), "%" PRIu32, q);
	assert_int_equal(config_set(&r->rc, "run", "quantum", num, err), 0);
	if (limit) {
		snprintf(num, sizeof(num), "%" PRIu64, limit);
		assert_int_equal(config_set(&r->rc, "run", "max_insns", num, err), 0);
	}
	assert_true(ngroups <= MAX_GROUPS);
	r->ngroups = ngroups;
	for (unsigned i = 0; i < ngroups; i++) {
		char name[8];
		snprintf(name, sizeof(name), "g%u", i);
		image_write(r->paths[i], images[i]);
		assert_int_equal(config_add_group(&r->rc, name, 0, err), 0);
		assert_int_equal(config_set(&r->rc, name, "image", r->paths[i], err), 0);
		assert_int_equal(config_set(&r->rc, name, "mem", "1M", err), 0);
	}
	assert_int_equal(kernel_init(&r->k, &r->rc), 0);
	/* The images were read into memory: the files can go now (a case killed by its alarm
	 * leaves none behind). */
	for (unsigned i = 0; i < ngroups; i++)
		unlink(r->paths[i]);
	r->k.hold_faults = hold;
	r->k.on_stop = on_stop;
	r->k.on_stop_opaque = r;
	r->act = act;
	return r;
}

static void run_go(struct run *r)
{
	fflush(stdout);
	r->status = kernel_run(&r->k);
	fflush(stderr);
	if (r->bad)
		fail_msg("%d checks failed inside kernel callbacks", r->bad);
}

static void run_free(struct run *r)
{
	kernel_destroy(&r->k);
	config_free(&r->rc);
	if (cur == r)
		cur = NULL;
	free(r);
}

static int free_left_run(void **state)
{
	(void)state;
	if (cur)
		run_free(cur);
	return 0;
}

/* What a finished run leaves to compare with another: its status and each VM's end. */
struct vm_end {
	enum vm_state state;
	int status;
	int32_t fault;
	uint64_t instret;
	uint32_t eip, vector, error;
};
struct run_end {
	int status;
	uint32_t created;
	struct vm_end vm[MAX_GROUPS];
};

static struct run_end end_of(const struct run *r)
{
	struct run_end e = { .status = r->status, .created = r->k.created };
	for (uint32_t i = 0; i < r->k.created && i < MAX_GROUPS; i++) {
		const struct vm *v = r->k.vms[i];
		e.vm[i] = (struct vm_end){ v->state, v->status, v->stats.fault, v->cpu.instret,
					   v->cpu.eip, v->cpu.fault.vector, v->cpu.fault.error };
	}
	return e;
}

/* Did run r end as the run without the hold (want) did: the same status, and each VM the same
 * status, statistics' fault, instruction count, EIP and exception? */
static void ends_like(const struct run *r, const struct run_end *want)
{
	struct run_end got = end_of(r);
	assert_int_equal(got.status, want->status);
	assert_int_equal(got.created, want->created);
	for (uint32_t i = 0; i < got.created && i < MAX_GROUPS; i++) {
		const struct vm_end *a = &got.vm[i], *b = &want->vm[i];
		assert_int_equal(a->state, b->state);
		assert_int_equal(a->status, b->status);
		assert_int_equal(a->fault, b->fault);
		assert_int_equal(a->instret, b->instret);
		assert_int_equal(a->eip, b->eip);
		if (a->fault >= 0) {
			assert_int_equal(a->vector, b->vector);
			assert_int_equal(a->error, b->error);
		}
	}
}

static struct vm *vm_of(struct run *r, uint32_t id)
{
	assert_true(id < r->k.created);
	return r->k.vms[id];
}

/* Is v in the run queue? */
static bool queued(const struct kernel *k, const struct vm *v)
{
	for (uint32_t i = 0; i < k->runq.len; i++)
		if (k->runq.slot[(k->runq.head + i) % k->runq.cap] == v)
			return true;
	return false;
}

/* The VM ended on #PF at the faulting load, as DVA-1 says a VM without a handler does. */
static void ended_on_pf(struct vm *v, uint32_t eip)
{
	assert_int_equal(v->state, VM_DONE);
	assert_int_equal(v->status, 128 + DVA_VEC_PF);
	assert_int_equal(v->stats.fault, DVA_VEC_PF);
	assert_int_equal(v->cpu.fault.vector, DVA_VEC_PF);
	assert_int_equal(v->cpu.eip, eip);
	assert_false(v->fault_held);
}

/* ---- hold_faults ------------------------------------------------------------------------------ */

/* One VM: held, it is stopped where it faulted and on_stop sees it; nothing else can run, so
 * the run ends it on the fault, with what a run without the hold gives. */
static void a_held_fault_stops_the_vm_then_ends_it_as_without_the_hold(void **state)
{
	(void)state;
	const char *img[] = { FAULT_CODE };

	struct run *plain = run_new(img, 1, 1000, 0, false, NULL);
	run_go(plain);
	assert_int_equal(plain->status, 128 + DVA_VEC_PF);
	assert_int_equal(plain->n, 0); /* no hold: on_stop is never told */
	ended_on_pf(vm_of(plain, 0), FAULT_EIP);
	struct run_end want = end_of(plain);
	run_free(plain);

	struct run *held = run_new(img, 1, 1000, 0, true, NULL);
	run_go(held);
	/* on_stop: once, between quanta, with the VM stopped on #PF at the load, which did not
	 * retire. Page 0's fault record was written, as for a fault that is delivered. */
	assert_int_equal(held->n, 1);
	const struct stop_entry *e = &held->log[0];
	assert_int_equal(e->id, 0);
	assert_int_equal(e->state, VM_STOPPED);
	assert_true(e->fault_held);
	assert_int_equal(e->resume_state, VM_RUNNABLE);
	assert_int_equal(e->vector, DVA_VEC_PF);
	assert_int_equal(e->addr, FAULT_ADDR);
	assert_int_equal(e->eip, FAULT_EIP);
	assert_int_equal(e->instret, FAULT_INSNS);
	assert_int_equal(e->p0_vector, DVA_VEC_PF);
	assert_int_equal(e->p0_eip, FAULT_EIP);
	assert_int_equal(e->p0_addr, FAULT_ADDR);
	assert_int_equal(e->stopped, 1);
	assert_true(e->running_null);

	/* The end is the one without the hold. */
	ended_on_pf(vm_of(held, 0), FAULT_EIP);
	ends_like(held, &want);
	assert_int_equal(held->k.stopped, 0);
	assert_int_equal(held->k.done, 1);
	assert_int_equal(held->k.active, 0);
	run_free(held);
}

/* Two VMs: while vm 0 is held, vm 1 runs to its end (20000 passes of its loop); then nothing
 * can run and vm 0 ends on its fault. Statuses and statistics are those of a run without the
 * hold. */
static void other_vms_keep_running_while_one_is_held(void **state)
{
	(void)state;
	char spin[128];
	spin_code(spin, sizeof(spin), 20000);
	const char *img[] = { FAULT_CODE, spin };

	struct run *plain = run_new(img, 2, 1000, 0, false, NULL);
	run_go(plain);
	assert_int_equal(plain->status, 1); /* a VM ended non-zero */
	struct run_end want = end_of(plain);
	run_free(plain);

	struct run *held = run_new(img, 2, 1000, 0, true, NULL);
	run_go(held);

	assert_int_equal(held->n, 1);
	assert_int_equal(held->log[0].id, 0);
	assert_true(held->log[0].fault_held);
	assert_int_equal(held->log[0].vector, DVA_VEC_PF);
	assert_int_equal(held->log[0].eip, FAULT_EIP);

	/* vm 1 was not done when vm 0 was held (vm 0 runs first) and ran to its end after. */
	struct vm *s = vm_of(held, 1);
	assert_int_equal(s->state, VM_DONE);
	assert_int_equal(s->status, 0);
	assert_int_equal(s->cpu.instret, SPIN_INSNS(20000));
	assert_true(s->stats.quanta > 1);

	ended_on_pf(vm_of(held, 0), FAULT_EIP);
	ends_like(held, &want);
	run_free(held);
}

/* vm 1 never ends: the instruction limit stops the run, and the held vm 0 ends on its fault
 * there (stop_all), with the status it has without the hold; vm 1 ran the whole limit. */
static void a_held_vm_ends_on_its_fault_when_the_instruction_limit_stops_the_run(void **state)
{
	(void)state;
	const char *img[] = { FAULT_CODE, FOREVER_CODE };
	struct run *plain = run_new(img, 2, 1000, 50000, false, NULL);
	run_go(plain);
	assert_int_equal(plain->status, EXIT_LIMIT);
	struct run_end want = end_of(plain);
	run_free(plain);

	struct run *held = run_new(img, 2, 1000, 50000, true, NULL);
	run_go(held);
	assert_int_equal(held->n, 1);
	assert_int_equal(held->status, EXIT_LIMIT);
	ended_on_pf(vm_of(held, 0), FAULT_EIP);
	assert_int_equal(vm_of(held, 1)->cpu.instret, 50000 - FAULT_INSNS);
	assert_int_equal(vm_of(held, 1)->status, -1); /* stopped by the limit */
	ends_like(held, &want);
	assert_int_equal(held->k.stopped, 0);
	run_free(held);
}

/* The gatekeeper admits one VM at a time (max_active 1): vm 1 waits for vm 0 to end. Without
 * the hold, vm 0 ends on its fault and vm 1 is admitted and runs to its end. With it, vm 0 is
 * held until nothing else can run; ending it then must let vm 1 in as its end would have
 * without the hold, and the run must end as that run does. */
static void a_held_vm_ended_when_nothing_else_runs_lets_the_waiting_vms_run(void **state)
{
	(void)state;
	char spin[128];
	spin_code(spin, sizeof(spin), 5000);
	const char *img[] = { FAULT_CODE, spin };

	struct run *plain = run_new(img, 2, 1000, 0, false, NULL);
	char err[CONFIG_ERR];
	/* k.cfg points at rc, and the gatekeeper reads max_active only when it admits (in
	 * kernel_run): setting it after kernel_init is the same as before. */
	assert_int_equal(config_set(&plain->rc, "run", "max_active", "1", err), 0);
	run_go(plain);
	assert_int_equal(plain->status, 1);
	assert_int_equal(vm_of(plain, 1)->status, 0);
	struct run_end want = end_of(plain);
	run_free(plain);

	struct run *held = run_new(img, 2, 1000, 0, true, NULL);
	assert_int_equal(config_set(&held->rc, "run", "max_active", "1", err), 0);
	run_go(held);
	assert_int_equal(held->n, 1);
	ended_on_pf(vm_of(held, 0), FAULT_EIP);
	/* vm 1 was admitted once vm 0 ended, and ran to its end. */
	assert_int_equal(vm_of(held, 1)->status, 0);
	assert_int_equal(vm_of(held, 1)->cpu.instret, SPIN_INSNS(5000));
	ends_like(held, &want);
	run_free(held);
}

/* ---- stop and continue ----------------------------------------------------------------------- */

/* Call 0: vm 0 held. Stop vm 1 (runnable, queued): on_stop is told (call 1, nested); check it
 * left the run queue and is counted; stopping it again and end_held on it do nothing; then
 * continue vm 0, which runs its faulting load again. Call 2: vm 0 held again, the same fault;
 * vm 1 did not run; continue it, back in the queue. */
static void act_stop_runnable(struct run *r, struct vm *v, unsigned call)
{
	struct kernel *k = &r->k;
	struct vm *s = k->vms[1];
	if (call == 0) {
		CHECK(r, v->id == 0 && v->fault_held);
		CHECK(r, s->state == VM_RUNNABLE && queued(k, s));
		kernel_vm_end_held(k, s); /* not held: nothing */
		CHECK(r, s->state == VM_RUNNABLE && queued(k, s) && k->done == 0);

		kernel_vm_stop(k, s);
		CHECK(r, r->n == 2); /* told, from inside the call */
		CHECK(r, r->log[1].id == 1 && r->log[1].state == VM_STOPPED && !r->log[1].fault_held);
		CHECK(r, s->state == VM_STOPPED);
		CHECK(r, s->resume_state == VM_RUNNABLE);
		CHECK(r, !s->fault_held);
		CHECK(r, k->stopped == 2);
		CHECK(r, !queued(k, s));

		kernel_vm_stop(k, s); /* already stopped: nothing */
		CHECK(r, r->n == 2 && k->stopped == 2 && !queued(k, s));
		kernel_vm_end_held(k, s); /* stopped but not held: nothing */
		CHECK(r, s->state == VM_STOPPED && k->stopped == 2 && k->done == 0);

		r->mark[0] = s->cpu.instret;
		kernel_vm_continue(k, v); /* the held VM: its faulting load runs again */
		CHECK(r, v->state == VM_RUNNABLE && !v->fault_held && queued(k, v));
		CHECK(r, k->stopped == 1);
	} else if (call == 2) {
		CHECK(r, v->id == 0 && v->fault_held);
		CHECK(r, s->state == VM_STOPPED);
		CHECK(r, s->cpu.instret == r->mark[0]); /* stopped: it did not run */
		kernel_vm_continue(k, s);
		CHECK(r, s->state == VM_RUNNABLE && queued(k, s));
		CHECK(r, k->stopped == 1); /* vm 0 stays held */
	}
}

static void a_runnable_vm_stopped_from_on_stop_leaves_the_queue_until_continued(void **state)
{
	(void)state;
	char spin[128];
	spin_code(spin, sizeof(spin), 20000);
	const char *img[] = { FAULT_CODE, spin };
	struct run *r = run_new(img, 2, 1000, 0, true, act_stop_runnable);
	run_go(r);

	assert_int_equal(r->n, 3);
	/* Continued, the held VM ran its faulting load again and met the same fault there. */
	const struct stop_entry *a = &r->log[0], *b = &r->log[2];
	assert_int_equal(b->id, 0);
	assert_true(b->fault_held);
	assert_int_equal(b->vector, a->vector);
	assert_int_equal(b->error, a->error);
	assert_int_equal(b->addr, a->addr);
	assert_int_equal(b->eip, a->eip);
	assert_int_equal(b->instret, a->instret);
	/* vm 1 ran to its end once continued; vm 0 ended on its fault when nothing else could. */
	struct vm *s = vm_of(r, 1);
	assert_int_equal(s->status, 0);
	assert_int_equal(s->cpu.instret, SPIN_INSNS(20000));
	ended_on_pf(vm_of(r, 0), FAULT_EIP);
	assert_int_equal(r->status, 1);

	/* On VMs that are done, stop, continue and end_held do nothing. */
	uint32_t done = r->k.done, stopped = r->k.stopped, calls = r->n;
	for (uint32_t id = 0; id < 2; id++) {
		struct vm *v = vm_of(r, id);
		int status = v->status;
		kernel_vm_stop(&r->k, v);
		kernel_vm_continue(&r->k, v);
		kernel_vm_end_held(&r->k, v);
		assert_int_equal(v->state, VM_DONE);
		assert_int_equal(v->status, status);
	}
	assert_int_equal(r->k.done, done);
	assert_int_equal(r->k.stopped, stopped);
	assert_int_equal(r->n, calls);
	run_free(r);
}

/* Call 0: vm 0 held (after 6001 instructions); vm 1 idles on its 100 us IDLE. Stop it: its
 * timeout leaves the event heap; continue it before the timeout: idle again, waiting for it. */
static void act_stop_idle(struct run *r, struct vm *v, unsigned call)
{
	struct kernel *k = &r->k;
	struct vm *s = k->vms[1];
	if (call != 0)
		return;
	CHECK(r, v->id == 0 && v->fault_held);
	CHECK(r, s->state == VM_IDLE);
	CHECK(r, s->heap_pos >= 0 && s->idle_deadline != DEV_NEVER);
	uint64_t deadline = s->idle_deadline;
	CHECK(r, kernel_now(k) < deadline);

	kernel_vm_stop(k, s);
	CHECK(r, r->n == 2 && r->log[1].id == 1 && r->log[1].resume_state == VM_IDLE);
	CHECK(r, s->state == VM_STOPPED && s->resume_state == VM_IDLE);
	CHECK(r, k->stopped == 2);
	CHECK(r, s->heap_pos < 0); /* no device armed, and its IDLE timeout no longer counts */
	CHECK(r, !queued(k, s));

	kernel_vm_continue(k, s);
	CHECK(r, s->state == VM_IDLE);
	CHECK(r, k->stopped == 1);
	CHECK(r, !queued(k, s));
	CHECK(r, s->idle_deadline == deadline);
	CHECK(r, s->heap_pos >= 0 && s->event_at == deadline);
}

static void an_idle_vm_stopped_and_continued_before_its_timeout_waits_for_it_again(void **state)
{
	(void)state;
	char sf[128];
	spin_fault_code(sf, sizeof(sf), 3000);
	const char *img[] = { sf, IDLER_CODE };
	struct run *r = run_new(img, 2, 1000, 0, true, act_stop_idle);
	run_go(r);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->log[0].instret, 2 * 3000 + 1);
	/* vm 1 woke on its timeout (EAX = 1 after IDLE: a timeout, no line), then terminated. */
	struct vm *s = vm_of(r, 1);
	assert_int_equal(s->status, 0);
	assert_int_equal(s->cpu.r[REG_ESI], 1);
	assert_true(s->stats.idle_ns >= IDLER_TIMEOUT_NS);
	ended_on_pf(vm_of(r, 0), SPIN_FAULT_EIP);
	assert_int_equal(r->status, 1);
	run_free(r);
}

/* Call 0: vm 0 held; stop idle vm 1. Each later call (vm 0 held again, after a quantum of vm 2
 * made time go on): while vm 1's deadline is ahead, continue vm 0 again; once it has passed,
 * vm 1 is still stopped (a stopped VM does not wake), and continuing it wakes it at once:
 * runnable, at the front of the run queue, EAX = 1 (timed out, no line). */
static void act_continue_after_deadline(struct run *r, struct vm *v, unsigned call)
{
	struct kernel *k = &r->k;
	struct vm *s = k->vms[1];
	if (v->id != 0)
		return;
	if (call == 0) {
		CHECK(r, s->state == VM_IDLE);
		r->mark[0] = s->idle_deadline;
		kernel_vm_stop(k, s);
		CHECK(r, s->state == VM_STOPPED && s->resume_state == VM_IDLE);
		kernel_vm_continue(k, v);
		return;
	}
	if (r->flag)
		return;
	CHECK(r, s->state == VM_STOPPED);
	if (kernel_now(k) < r->mark[0]) {
		kernel_vm_continue(k, v);
		return;
	}
	r->flag = true;
	r->mark[1] = call;
	kernel_vm_continue(k, s);
	CHECK(r, s->state == VM_RUNNABLE);
	CHECK(r, k->runq.len > 0 && k->runq.slot[k->runq.head] == s);
	CHECK(r, s->cpu.r[REG_EAX] == 1);
	CHECK(r, k->stopped == 1);
}

static void an_idle_vm_continued_after_its_timeout_passed_wakes_at_once(void **state)
{
	(void)state;
	char sf[128];
	spin_fault_code(sf, sizeof(sf), 3000);
	const char *img[] = { sf, IDLER_CODE, FOREVER_CODE };
	struct run *r = run_new(img, 3, 1000, 400000, true, act_continue_after_deadline);
	run_go(r);
	assert_true(r->flag);        /* the deadline passed while vm 1 was stopped */
	assert_true(r->mark[1] > 3); /* ... a few quanta of vm 2 after it was stopped */
	struct vm *s = vm_of(r, 1);
	assert_int_equal(s->status, 0);
	assert_int_equal(s->cpu.r[REG_ESI], 1);
	assert_int_equal(r->status, EXIT_LIMIT);
	ended_on_pf(vm_of(r, 0), SPIN_FAULT_EIP);
	run_free(r);
}

/* kernel_vm_stop on the running VM, from a device callback inside its quantum: the VM's OUT to
 * the timer port moves its deadline (the kernel's deadline_moved, wrapped here), and the stop
 * asked there takes effect once that OUT retires. */
static struct run *running_case;

static void stop_from_deadline_moved(void *opaque, struct vm *v)
{
	struct run *r = running_case;
	sched_deadline_moved(opaque, v);
	if (r->flag)
		return;
	r->flag = true;
	CHECK(r, r->k.running == v);
	kernel_vm_stop(&r->k, v);
	/* Running: it stops when cpu_run returns, not now. */
	CHECK(r, v->state == VM_RUNNABLE && r->n == 0 && r->k.stopped == 0);
}

static void act_continue_running(struct run *r, struct vm *v, unsigned call)
{
	(void)call;
	CHECK(r, !queued(&r->k, v));
	kernel_vm_continue(&r->k, v);
	CHECK(r, v->state == VM_RUNNABLE && queued(&r->k, v) && r->k.stopped == 0);
}

static void the_running_vm_stopped_from_a_device_callback_stops_after_that_instruction(void **state)
{
	(void)state;
	const char *img[] = { TIMER_CODE };
	struct run *r = run_new(img, 1, 1000, 0, false, act_continue_running);
	running_case = r;
	r->k.vm_events.deadline_moved = stop_from_deadline_moved;
	run_go(r);
	assert_true(r->flag);
	assert_int_equal(r->n, 1);
	const struct stop_entry *e = &r->log[0];
	assert_int_equal(e->state, VM_STOPPED);
	assert_int_equal(e->resume_state, VM_RUNNABLE);
	assert_false(e->fault_held);
	assert_int_equal(e->instret, 3);          /* the OUT retired ... */
	assert_int_equal(e->eip, TIMER_OUT_END);  /* ... and nothing after it ran */
	assert_int_equal(e->stopped, 1);
	assert_true(e->running_null);
	/* Continued, it went on from there to its end. */
	struct vm *v = vm_of(r, 0);
	assert_int_equal(v->status, 0);
	assert_int_equal(v->cpu.r[REG_ESI], 3);
	assert_int_equal(v->cpu.instret, 8);
	assert_int_equal(r->status, 0);
	running_case = NULL;
	run_free(r);
}

/* ---- kernel_vm_end_held ---------------------------------------------------------------------- */

/* Call 0: vm 0 held. end_held on vm 1 (runnable) does nothing; on vm 0 it ends it at once, as
 * without the hold; vm 1 goes on to its end. */
static void act_end_held(struct run *r, struct vm *v, unsigned call)
{
	struct kernel *k = &r->k;
	struct vm *s = k->vms[1];
	if (call != 0)
		return;
	kernel_vm_end_held(k, s);
	CHECK(r, s->state == VM_RUNNABLE && queued(k, s) && k->done == 0 && k->stopped == 1);
	CHECK(r, r->n == 1);
	kernel_vm_end_held(k, v);
	CHECK(r, v->state == VM_DONE && v->status == 128 + DVA_VEC_PF);
	CHECK(r, v->stats.fault == DVA_VEC_PF && !v->fault_held);
	CHECK(r, k->stopped == 0 && k->done == 1);
	kernel_vm_end_held(k, v); /* done: nothing */
	CHECK(r, k->done == 1 && v->status == 128 + DVA_VEC_PF);
}

static void end_held_ends_only_a_vm_held_on_a_fault(void **state)
{
	(void)state;
	char spin[128];
	spin_code(spin, sizeof(spin), 5000);
	const char *img[] = { FAULT_CODE, spin };
	struct run *r = run_new(img, 2, 1000, 0, true, act_end_held);
	run_go(r);
	assert_int_equal(r->n, 1);
	ended_on_pf(vm_of(r, 0), FAULT_EIP);
	assert_int_equal(vm_of(r, 1)->status, 0);
	assert_int_equal(vm_of(r, 1)->cpu.instret, SPIN_INSNS(5000));
	assert_int_equal(r->status, 1);
	assert_int_equal(r->k.done, 2);
	run_free(r);
}

/* ---- a held VM with a periodic timer --------------------------------------------------------- */

/* The held VM armed its periodic timer before faulting: its device still has deadlines (time
 * goes on, lines are still raised), but it can never run again and nothing else can, so the run
 * must end it on its fault, as without the hold (status 142). Run in a child with an alarm so a
 * run that never ends fails the case instead of hanging the suite. */
static void a_held_vm_with_a_periodic_timer_still_ends_when_nothing_else_can_run(void **state)
{
	(void)state;
	const char *img[] = { PERIODIC_FAULT_CODE };
	struct run *plain = run_new(img, 1, 1000, 0, false, NULL);
	run_go(plain);
	assert_int_equal(plain->status, 128 + DVA_VEC_PF);
	ended_on_pf(vm_of(plain, 0), PERIODIC_FAULT_EIP);
	run_free(plain);

	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(5);
		cur = NULL;
		struct run *r = run_new(img, 1, 1000, 0, true, NULL);
		int st = kernel_run(&r->k);
		_exit(r->n == 1 && st == 128 + DVA_VEC_PF ? 0 : 3);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	if (WIFSIGNALED(ws))
		fail_msg("kernel_run did not end within 5 s (signal %d): the held VM's periodic timer "
			 "keeps the event heap non-empty, so the run skips time for ever",
			 WTERMSIG(ws));
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
}

/* A guest that unmasks line 2 (irq_mask = 4), IDLEs for ever, and terminates with 7 + IDLE's
 * EAX (0 when a line woke it). */
#define WAIT_LINE2_CODE "c7 05 28 00 00 00 04 00 00 00 b8 ff ff ff ff 0f 3f 01 04 07 0f 3f 02"

/* A device's host side, as a NIC's uplink will be: a watch on a pipe whose callback raises
 * line 2 for VM 0. */
struct backend {
	struct kernel *k;
	int calls;
	uint64_t raise_time; /* k->raise_time when it ran */
};

static void backend_ready(void *opaque, int fd, short revents)
{
	struct backend *b = opaque;
	(void)revents;
	char c;
	if (read(fd, &c, 1) != 1)
		return;
	b->calls++;
	b->raise_time = b->k->raise_time;
	vm_raise(b->k->vms[0], DVA_LINE_NET_RX);
}

/* With every VM idle for ever and no event, a run with no backend is stuck (125); one with a
 * backend watching an fd waits for it, and the line its callback raises wakes the guest. */
static void a_backend_fd_keeps_an_idle_run_waiting_and_its_line_wakes_the_vm(void **state)
{
	(void)state;
	const char *img[] = { WAIT_LINE2_CODE };
	struct run *plain = run_new(img, 1, 1000, 0, false, NULL);
	run_go(plain);
	assert_int_equal(plain->status, EXIT_STUCK);
	run_free(plain);

	int p[2];
	assert_int_equal(pipe(p), 0);
	struct run *r = run_new(img, 1, 1000, 0, false, NULL);
	struct backend b = { .k = &r->k };
	assert_true(evloop_watch_add(&r->k.loop, p[0], POLLIN, backend_ready, &b) >= 0);
	/* The byte comes 200 ms after the run has found every VM idle: the kernel must wait. */
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(200000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	run_go(r);
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_int_equal(r->status, 7);
	assert_int_equal(b.calls, 1);
	/* the deterministic clock stood still while every VM idled: the line rose when it idled */
	assert_int_equal(b.raise_time, vm_of(r, 0)->idle_since);
	assert_int_equal(vm_of(r, 0)->stats.idle_ns, 0);
	assert_int_equal(vm_of(r, 0)->stats.irqs_raised, 1);
	run_free(r);
	close(p[0]);
	close(p[1]);
}

/* Each case frees the run it leaves behind if it fails. */
#define TEST(f) cmocka_unit_test_teardown(f, free_left_run)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(a_held_fault_stops_the_vm_then_ends_it_as_without_the_hold),
		TEST(a_backend_fd_keeps_an_idle_run_waiting_and_its_line_wakes_the_vm),
		TEST(other_vms_keep_running_while_one_is_held),
		TEST(a_held_vm_ends_on_its_fault_when_the_instruction_limit_stops_the_run),
		TEST(a_held_vm_ended_when_nothing_else_runs_lets_the_waiting_vms_run),
		TEST(a_runnable_vm_stopped_from_on_stop_leaves_the_queue_until_continued),
		TEST(an_idle_vm_stopped_and_continued_before_its_timeout_waits_for_it_again),
		TEST(an_idle_vm_continued_after_its_timeout_passed_wakes_at_once),
		TEST(the_running_vm_stopped_from_a_device_callback_stops_after_that_instruction),
		TEST(end_held_ends_only_a_vm_held_on_a_fault),
		TEST(a_held_vm_with_a_periodic_timer_still_ends_when_nothing_else_can_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
