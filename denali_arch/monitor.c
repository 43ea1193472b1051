/* monitor.c - the monitor: its command interpreter (monitor_exec) and its two front ends, stdin
 * and stdout (--monitor stdio) or one client at a time on a Unix socket (--monitor unix:PATH).
 *
 * Commands (N a vm_id; numbers decimal or 0x hex; ADDR may also be "eip"):
 *   vms [FIRST]       "C vms" (C: VMs created so far), then one line per VM from FIRST (default
 *                     0, at most 64): "ID STATE instructions=I pending=0xPP mask=0xMM
 *                     idle_deadline=T|never|-" (STATE runnable, idle, stopped, held: stopped on
 *                     a fault it could not deliver), or "ID done instructions=I status=S"; "."
 *   regs N            "eip=0x... eflags=0x... eax=0x... ecx=... edx=... ebx=... esp=... ebp=...
 *                     esi=... edi=..."
 *   x N ADDR LEN      "0xADDR b0 b1 ...": LEN (1 to 256) bytes of guest memory, checked like
 *                     a guest access: outside memory is an error (page 0 reads as last stored)
 *   disas N ADDR [COUNT]  "K instructions", K lines "0xADDR  BYTES  TEXT" (COUNT 1 to 32,
 *                     default 1; it stops early at unreadable bytes), "."
 *   step N [COUNT]    run stopped VM N for COUNT (default 1, at most 100000000) instructions,
 *                     no delivery point, and leave it stopped (kernel_vm_step):
 *                     "stepped K eip=0x... TEXT", "idle after K eip=0x... TEXT", "terminated
 *                     after K status S", or "fault after K vector V (NAME) eip=0x... TEXT held"
 *   pause [N]         stop VM N (every VM admitted so far): "vm N paused" / "K vms paused"
 *   resume [N]        continue it (all): "vm N resumed"; a VM held on a fault ends on it as
 *                     without the hold: "vm N ended on its fault (status S)"; for all:
 *                     "K vms resumed, H ended on their faults"
 *   irq N LINE        raise line 0-6 of VM N by its normal path (it wakes an idle VM; the
 *                     upcall comes at its next delivery point): "vm N line L raised
 *                     pending=0xPP mask=0xMM"
 *   stats             "vms created=... active=... idle=... stopped=... done=... instructions=...
 *                     time_ns=... quanta=... switches=... upcalls=..."
 *   quit              "bye", then the run ends as on SIGINT (exit status 130)
 *   help              "11 commands", one line each, "."
 * Anything else, and bad numbers, unknown VMs and wrong argument counts, is one "error: " line.
 *
 * The front ends read what is there when the event loop says the fd is readable (one read, so
 * never blocking) and run every complete line at once, between quanta: a run without --monitor
 * has no watch and pays nothing; with it the loop's look at a boundary includes one more fd.
 * The watch also tells the kernel that the host may yet act, so a run whose VMs are all stopped
 * or held waits in poll for the monitor instead of ending. stdin at its end stops being watched
 * (the run goes on; held VMs then end as without the hold). A socket client that disconnects
 * leaves the run going; a second client is told "error: the monitor has a client already" and
 * closed. A client that does not read its replies (its socket buffer full) is disconnected.
 */
#include "denali_arch/monitor.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"
#include "denali_arch/sched.h"

#define ARGS_MAX 8
#define VMS_LIST_MAX 64
#define X_LEN_MAX 256
#define DISAS_MAX 32
#define STEP_MAX 100000000u

/* ---- the reply ------------------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t cap, len;
	bool full; /* a line did not fit */
};

static void __attribute__((format(printf, 2, 3))) put(struct out *o, const char *fmt, ...)
{
	if (o->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		o->buf[o->len] = '\0'; /* keep only whole lines */
		return;
	}
	o->len += (size_t)n;
}

/* Replace whatever was written with one error line. -1. */
static int __attribute__((format(printf, 2, 3))) fail(struct out *o, const char *fmt, ...)
{
	o->len = 0;
	o->full = false;
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	put(o, "error: %s\n", why);
	return -1;
}

/* ---- parsing -------------------------------------------------------------------------------- */

/* A whole number, decimal or 0x hex, no sign, at most max. 0, or -1. */
static int number(const char *s, uint64_t max, uint64_t *out)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	if (!*digits)
		return -1;
	uint64_t v = 0;
	for (const char *p = digits; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (hex && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (hex && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -1;
		unsigned base = hex ? 16 : 10;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* The VM word names, or NULL after an error line. */
static struct vm *vm_arg(struct kernel *k, const char *s, struct out *o)
{
	uint64_t id;
	if (number(s, UINT32_MAX, &id)) {
		fail(o, "'%.32s' is not a vm number", s);
		return NULL;
	}
	if (id >= k->total) {
		fail(o, "no vm %" PRIu64 ": the run has %" PRIu64, id, k->total);
		return NULL;
	}
	if (id >= k->created) {
		fail(o, "vm %" PRIu64 " is not admitted yet (%u of %" PRIu64 " so far)", id,
		     (unsigned)k->created, k->total);
		return NULL;
	}
	return k->vms[id];
}

/* A VM whose memory and registers are there to look at, or NULL after an error line. */
static struct vm *live_vm_arg(struct kernel *k, const char *s, struct out *o)
{
	struct vm *v = vm_arg(k, s, o);
	if (v && v->state == VM_DONE) {
		fail(o, "vm %u has ended (status %d): its memory is gone", (unsigned)v->id, v->status);
		return NULL;
	}
	if (v && v->swapped) {
		fail(o, "vm %u is swapped out (--mem-budget): pause it, it comes back in when it next runs",
		     (unsigned)v->id);
		return NULL;
	}
	return v;
}

static int addr_arg(const struct vm *v, const char *s, uint32_t *out)
{
	uint64_t a;
	if (!strcmp(s, "eip")) {
		*out = v->cpu.eip;
		return 0;
	}
	if (number(s, UINT32_MAX, &a))
		return -1;
	*out = (uint32_t)a;
	return 0;
}

/* ---- what a VM looks like ------------------------------------------------------------------- */

static const char *state_name(const struct vm *v)
{
	switch (v->state) {
	case VM_RUNNABLE: return "runnable";
	case VM_IDLE: return "idle";
	case VM_STOPPED: return v->fault_held ? "held" : "stopped";
	case VM_DONE: return "done";
	}
	return "?";
}

static uint32_t vm_pending(const struct vm *v)
{
	return v->swapped ? v->sw_pending : cpu_page0(&v->cpu)->irq_pending;
}

static void vm_line(const struct vm *v, struct out *o)
{
	if (v->state == VM_DONE) {
		put(o, "%u done instructions=%" PRIu64 " status=%d\n", (unsigned)v->id, v->cpu.instret, v->status);
		return;
	}
	bool idle = v->state == VM_IDLE || (v->state == VM_STOPPED && v->resume_state == VM_IDLE);
	char deadline[24] = "-";
	if (idle && v->idle_deadline == DEV_NEVER)
		snprintf(deadline, sizeof(deadline), "never");
	else if (idle)
		snprintf(deadline, sizeof(deadline), "%" PRIu64, v->idle_deadline);
	put(o, "%u %s instructions=%" PRIu64 " pending=0x%02" PRIx32 " mask=0x%02" PRIx32 " idle_deadline=%s\n",
	    (unsigned)v->id, state_name(v), v->cpu.instret, vm_pending(v), vm_irq_mask(v), deadline);
}

/* The instruction at eip, Zydis's text through cpu_disasm; its length from the bytes it shows
 * (pairs of hex digits, each followed by a space), 0 when none could be read. */
static unsigned disasm_at(struct vm *v, uint32_t eip, char *text, size_t size)
{
	cpu_disasm(&v->cpu, eip, text, size);
	unsigned len = 0;
	for (const char *p = text; isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]) && p[2] == ' ';
	     p += 3)
		len++;
	return len;
}

/* ---- the commands --------------------------------------------------------------------------- */

typedef int (*command_fn)(struct kernel *k, int argc, char **argv, struct out *o);

static int cmd_vms(struct kernel *k, int argc, char **argv, struct out *o)
{
	uint64_t first = 0;
	if (argc == 2 && number(argv[1], UINT32_MAX, &first))
		return fail(o, "'%.32s' is not a vm number", argv[1]);
	put(o, "%u vms\n", (unsigned)k->created);
	for (uint64_t i = first; i < k->created && i < first + VMS_LIST_MAX; i++)
		vm_line(k->vms[i], o);
	put(o, ".\n");
	return 0;
}

static int cmd_regs(struct kernel *k, int argc, char **argv, struct out *o)
{
	(void)argc;
	struct vm *v = vm_arg(k, argv[1], o);
	if (!v)
		return -1;
	const struct cpu *c = &v->cpu; /* between quanta cpu_resume has made eflags current */
	put(o, "eip=0x%08" PRIx32 " eflags=0x%08" PRIx32, c->eip, c->eflags);
	static const char *const names[GPRS] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	for (int i = 0; i < GPRS; i++)
		put(o, " %s=0x%08" PRIx32, names[i], c->r[i]);
	put(o, "\n");
	return 0;
}

static int cmd_x(struct kernel *k, int argc, char **argv, struct out *o)
{
	(void)argc;
	struct vm *v = live_vm_arg(k, argv[1], o);
	uint32_t a;
	uint64_t n;
	if (!v)
		return -1;
	if (addr_arg(v, argv[2], &a))
		return fail(o, "'%.32s' is not an address", argv[2]);
	if (number(argv[3], X_LEN_MAX, &n) || n == 0)
		return fail(o, "'%.32s' is not a length from 1 to %u", argv[3], X_LEN_MAX);
	/* The guest's own rule for what is memory: [0, mem_size), page 0 included. */
	if (!mem_range_readable(&v->cpu.mem, a, (uint32_t)n))
		return fail(o, "0x%08" PRIx32 "+%" PRIu64 " is outside vm %u's memory (0x%" PRIx32 " bytes)", a, n,
			    (unsigned)v->id, v->cpu.mem.size);
	put(o, "0x%08" PRIx32, a);
	for (uint64_t i = 0; i < n; i++)
		put(o, " %02x", v->cpu.mem.base[a + i]);
	put(o, "\n");
	return 0;
}

static int cmd_disas(struct kernel *k, int argc, char **argv, struct out *o)
{
	struct vm *v = live_vm_arg(k, argv[1], o);
	uint32_t a;
	uint64_t count = 1;
	if (!v)
		return -1;
	if (addr_arg(v, argv[2], &a))
		return fail(o, "'%.32s' is not an address", argv[2]);
	if (argc == 4 && (number(argv[3], DISAS_MAX, &count) || count == 0))
		return fail(o, "'%.32s' is not a count from 1 to %u", argv[3], DISAS_MAX);
	char lines[DISAS_MAX][160];
	unsigned got = 0;
	for (; got < count; got++) {
		char text[128];
		unsigned len = disasm_at(v, a, text, sizeof(text));
		if (!len)
			break;
		snprintf(lines[got], sizeof(lines[got]), "0x%08" PRIx32 "  %s", a, text);
		a += len;
	}
	if (!got)
		return fail(o, "0x%08" PRIx32 " is not readable code of vm %u (page 0, or outside its 0x%" PRIx32
			    " bytes)", a, (unsigned)v->id, v->cpu.mem.size);
	put(o, "%u instruction%s\n", got, got == 1 ? "" : "s");
	for (unsigned i = 0; i < got; i++)
		put(o, "%s\n", lines[i]);
	put(o, ".\n");
	return 0;
}

static int cmd_step(struct kernel *k, int argc, char **argv, struct out *o)
{
	struct vm *v = vm_arg(k, argv[1], o);
	uint64_t n = 1;
	if (!v)
		return -1;
	if (argc == 3 && (number(argv[2], STEP_MAX, &n) || n == 0))
		return fail(o, "'%.32s' is not a count from 1 to %u", argv[2], STEP_MAX);
	if (v->state != VM_STOPPED)
		return fail(o, "vm %u is %s, not stopped (pause %u first)", (unsigned)v->id, state_name(v),
			    (unsigned)v->id);
	uint64_t before = v->cpu.instret;
	int ex = kernel_vm_step(k, v, n);
	uint64_t ran = v->cpu.instret - before;
	if (ex == CPU_EXIT_TERMINATE) {
		put(o, "terminated after %" PRIu64 " status %d\n", ran, v->status);
		return 0;
	}
	char text[128] = "";
	if (v->state != VM_DONE)
		disasm_at(v, v->cpu.eip, text, sizeof(text));
	switch (ex) {
	case CPU_EXIT_IDLE:
		put(o, "idle after %" PRIu64 " eip=0x%08" PRIx32 " %s\n", ran, v->cpu.eip, text);
		break;
	case CPU_EXIT_FAULT:
		if (v->state == VM_DONE) /* without hold_faults: ended as the kernel ends it */
			put(o, "fault after %" PRIu64 " vector %" PRIu32 " (%s) ended status %d\n", ran,
			    v->cpu.fault.vector, cpu_vector_name(v->cpu.fault.vector), v->status);
		else
			put(o, "fault after %" PRIu64 " vector %" PRIu32 " (%s) eip=0x%08" PRIx32 " %s held\n", ran,
			    v->cpu.fault.vector, cpu_vector_name(v->cpu.fault.vector), v->cpu.eip, text);
		break;
	case CPU_EXIT_STOPPED:
		put(o, "interrupted after %" PRIu64 " eip=0x%08" PRIx32 " %s\n", ran, v->cpu.eip, text);
		break;
	default:
		put(o, "stepped %" PRIu64 " eip=0x%08" PRIx32 " %s\n", ran, v->cpu.eip, text);
		break;
	}
	return 0;
}

static int cmd_pause(struct kernel *k, int argc, char **argv, struct out *o)
{
	if (argc == 1) {
		uint32_t n = 0;
		for (uint32_t i = 0; i < k->created; i++) {
			struct vm *v = k->vms[i];
			if (v->state == VM_DONE)
				continue;
			kernel_vm_stop(k, v);
			n++;
		}
		put(o, "%u vms paused\n", (unsigned)n);
		return 0;
	}
	struct vm *v = vm_arg(k, argv[1], o);
	if (!v)
		return -1;
	if (v->state == VM_DONE)
		return fail(o, "vm %u has ended (status %d)", (unsigned)v->id, v->status);
	kernel_vm_stop(k, v);
	put(o, "vm %u paused\n", (unsigned)v->id);
	return 0;
}

/* Continue v; one held on a fault ends on it, as without the hold. Whether it ended. */
static bool resume_one(struct kernel *k, struct vm *v)
{
	if (v->state == VM_STOPPED && v->fault_held) {
		kernel_vm_end_held(k, v);
		return true;
	}
	kernel_vm_continue(k, v);
	return false;
}

static int cmd_resume(struct kernel *k, int argc, char **argv, struct out *o)
{
	if (argc == 1) {
		uint32_t resumed = 0, ended = 0, created = k->created; /* not the VMs admitted meanwhile */
		for (uint32_t i = 0; i < created; i++) {
			struct vm *v = k->vms[i];
			if (v->state != VM_STOPPED)
				continue;
			if (resume_one(k, v))
				ended++;
			else
				resumed++;
		}
		put(o, "%u vms resumed, %u ended on their faults\n", (unsigned)resumed, (unsigned)ended);
		return 0;
	}
	struct vm *v = vm_arg(k, argv[1], o);
	if (!v)
		return -1;
	if (v->state == VM_DONE)
		return fail(o, "vm %u has ended (status %d)", (unsigned)v->id, v->status);
	if (resume_one(k, v))
		put(o, "vm %u ended on its fault (status %d)\n", (unsigned)v->id, v->status);
	else
		put(o, "vm %u resumed\n", (unsigned)v->id);
	return 0;
}

static int cmd_irq(struct kernel *k, int argc, char **argv, struct out *o)
{
	(void)argc;
	struct vm *v = vm_arg(k, argv[1], o);
	uint64_t line;
	if (!v)
		return -1;
	if (number(argv[2], DVA_LINES - 1, &line))
		return fail(o, "'%.32s' is not a line from 0 to %u", argv[2], DVA_LINES - 1);
	if (v->state == VM_DONE)
		return fail(o, "vm %u has ended (status %d)", (unsigned)v->id, v->status);
	/* As a device's line rises: now, through the kernel's line_raised (waking an idle VM). */
	k->raise_time = kernel_now(k);
	vm_raise(v, (unsigned)line);
	sched_queue_woken(k);
	put(o, "vm %u line %u raised pending=0x%02" PRIx32 " mask=0x%02" PRIx32 "\n", (unsigned)v->id,
	    (unsigned)line, vm_pending(v), vm_irq_mask(v));
	return 0;
}

static int cmd_stats(struct kernel *k, int argc, char **argv, struct out *o)
{
	(void)argc;
	(void)argv;
	uint64_t upcalls = 0;
	for (uint32_t i = 0; i < k->created; i++)
		upcalls += k->vms[i]->cpu.upcalls;
	put(o, "vms created=%u active=%u idle=%u stopped=%u done=%u instructions=%" PRIu64 " time_ns=%" PRIu64
	    " quanta=%" PRIu64 " switches=%" PRIu64 " upcalls=%" PRIu64 "\n", (unsigned)k->created,
	    (unsigned)k->active, (unsigned)k->idle, (unsigned)k->stopped, (unsigned)k->done, k->clock.retired,
	    kernel_now(k), k->quanta, k->switches, upcalls);
	return 0;
}

static int cmd_quit(struct kernel *k, int argc, char **argv, struct out *o)
{
	(void)argc;
	(void)argv;
	put(o, "bye\n");
	kernel_interrupt(k, SIGINT); /* the run ends at the loop's top, as on ^C: exit 130 */
	return 0;
}

static int cmd_help(struct kernel *k, int argc, char **argv, struct out *o);

static const struct command {
	const char *name;
	int min, max; /* words, the command's own included */
	command_fn fn;
	const char *syntax, *what;
} commands[] = {
	{ "vms", 1, 2, cmd_vms, "vms [FIRST]", "every VM (64 from FIRST): state, instructions, lines" },
	{ "regs", 2, 2, cmd_regs, "regs N", "EIP, EFLAGS and the eight registers of vm N" },
	{ "x", 4, 4, cmd_x, "x N ADDR LEN", "LEN (at most 256) bytes of vm N's memory, in hex" },
	{ "disas", 3, 4, cmd_disas, "disas N ADDR [COUNT]", "disassemble COUNT (at most 32) instructions" },
	{ "step", 2, 3, cmd_step, "step N [COUNT]", "run stopped vm N for COUNT instructions; it stays stopped" },
	{ "pause", 1, 2, cmd_pause, "pause [N]", "stop vm N (every vm)" },
	{ "resume", 1, 2, cmd_resume, "resume [N]", "continue vm N (every vm); a held fault ends its vm" },
	{ "irq", 3, 3, cmd_irq, "irq N LINE", "raise line LINE (0-6) of vm N" },
	{ "stats", 1, 1, cmd_stats, "stats", "the run's counters" },
	{ "quit", 1, 1, cmd_quit, "quit", "end the run as on SIGINT (exit status 130)" },
	{ "help", 1, 1, cmd_help, "help", "this list" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(struct kernel *k, int argc, char **argv, struct out *o)
{
	(void)k;
	(void)argc;
	(void)argv;
	put(o, "%zu commands\n", NCOMMANDS);
	for (size_t i = 0; i < NCOMMANDS; i++)
		put(o, "%-20s %s\n", commands[i].syntax, commands[i].what);
	put(o, ".\n");
	return 0;
}

/* Whether every byte is printable ASCII or a tab. */
static bool is_text(const char *s)
{
	for (; *s; s++)
		if ((*s < 0x20 && *s != '\t') || *s > 0x7e)
			return false;
	return true;
}

int monitor_exec(struct kernel *k, const char *line, char *reply, size_t cap)
{
	struct out o = { reply, cap, 0, false };
	if (cap)
		reply[0] = '\0';
	if (!is_text(line))
		return fail(&o, "the line holds bytes that are not text");
	if (strlen(line) > MONITOR_LINE_MAX)
		return fail(&o, "the line is longer than %u bytes", MONITOR_LINE_MAX);
	char copy[MONITOR_LINE_MAX + 1], *argv[ARGS_MAX + 1], *save = NULL;
	int argc = 0;
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (argc == ARGS_MAX + 1)
			break;
		argv[argc++] = w;
	}
	if (!argc)
		return fail(&o, "an empty line (help lists the commands)");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		if (strcmp(argv[0], c->name))
			continue;
		if (argc < c->min || argc > c->max)
			return fail(&o, "usage: %s", c->syntax);
		int rc = c->fn(k, argc, argv, &o);
		if (o.full)
			return fail(&o, "the reply is longer than %zu bytes", cap);
		return rc;
	}
	return fail(&o, "unknown command '%.32s' (help lists the commands)", argv[0]);
}

/* ---- the front ends ------------------------------------------------------------------------- */

struct monitor {
	struct kernel *k;
	bool stdio;
	int in_fd, out_fd;       /* stdio: 0 and 1; a socket: the client's fd for both, or -1 */
	int in_watch;            /* the loop's watch on in_fd, or -1 */
	int listen_fd, listen_watch;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char line[MONITOR_LINE_MAX + 1];
	size_t len;              /* bytes of line so far */
	bool overlong;           /* the line went past MONITOR_LINE_MAX: its reply is an error */
	bool nul;                /* it holds a NUL byte */
	bool quit;               /* quit was run: read no more */
	char reply[MONITOR_REPLY_MAX];
};

static void drop_input(struct monitor *m)
{
	if (m->in_watch >= 0)
		evloop_watch_remove(&m->k->loop, m->in_watch);
	m->in_watch = -1;
	if (!m->stdio && m->in_fd >= 0)
		close(m->in_fd);
	m->in_fd = m->out_fd = -1;
}

/* Write the reply: stdout after what the consoles wrote before it, or the client's socket (a
 * client whose buffer is full is dropped rather than stall the run). */
static void send_reply(struct monitor *m, const char *s, size_t n)
{
	if (m->stdio) {
		fflush(stdout);
		fwrite(s, 1, n, stdout);
		fflush(stdout);
		return;
	}
	if (m->out_fd < 0)
		return;
	ssize_t w = send(m->out_fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w != (ssize_t)n)
		drop_input(m);
}

static void line_done(struct monitor *m)
{
	int n = 0;
	if (m->overlong)
		n = snprintf(m->reply, sizeof(m->reply), "error: the line is longer than %u bytes\n", MONITOR_LINE_MAX);
	else if (m->nul)
		n = snprintf(m->reply, sizeof(m->reply), "error: the line holds bytes that are not text\n");
	if (n) {
		send_reply(m, m->reply, (size_t)n);
	} else {
		if (m->len && m->line[m->len - 1] == '\r') /* a terminal's or nc's CRLF */
			m->len--;
		m->line[m->len] = '\0';
		monitor_exec(m->k, m->line, m->reply, sizeof(m->reply));
		send_reply(m, m->reply, strlen(m->reply));
		m->quit = m->k->interrupted != 0;
	}
	m->len = 0;
	m->overlong = m->nul = false;
}

static void take_bytes(struct monitor *m, const char *b, size_t n)
{
	for (size_t i = 0; i < n && !m->quit && m->in_fd >= 0; i++) {
		if (b[i] == '\n') {
			line_done(m);
		} else if (m->len == MONITOR_LINE_MAX) {
			m->overlong = true;
		} else {
			m->nul |= b[i] == '\0';
			m->line[m->len++] = b[i];
		}
	}
}

static void input_ready(void *opaque, int fd, short revents)
{
	struct monitor *m = opaque;
	(void)revents;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf)); /* poll said readable: one read does not block */
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		take_bytes(m, buf, (size_t)n);
		if (m->quit)
			drop_input(m);
		return;
	}
	if (m->len || m->overlong) /* a last line without its newline */
		line_done(m);
	drop_input(m); /* its end: the run goes on without it */
}

static void client_came(void *opaque, int fd, short revents)
{
	struct monitor *m = opaque;
	(void)revents;
	int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (m->in_fd >= 0 || m->quit) {
		static const char busy[] = "error: the monitor has a client already\n";
		if (send(c, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* it hears nothing more either way */
		}
		close(c);
		return;
	}
	m->in_watch = evloop_watch_add(&m->k->loop, c, POLLIN, input_ready, m);
	if (m->in_watch < 0) {
		close(c);
		return;
	}
	m->in_fd = m->out_fd = c;
	m->len = 0;
	m->overlong = m->nul = false;
}

/* The listening socket at path: a stale socket there is replaced, anything else refused. */
static int listen_unix(struct monitor *m, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "denali: --monitor unix:%s: the path exists and is not a socket\n", path);
			return -1;
		}
		unlink(path);
	}
	m->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->listen_fd < 0 || bind(m->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(m->listen_fd, 4)) {
		fprintf(stderr, "denali: --monitor unix:%s: cannot listen: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->listen_watch = evloop_watch_add(&m->k->loop, m->listen_fd, POLLIN, client_came, m);
	if (m->listen_watch < 0) {
		fprintf(stderr, "denali: --monitor unix:%s: the event loop has no room for it\n", path);
		return -1;
	}
	return 0;
}

/* Told when a VM stops: one held on a fault is said on stderr, which the replies do not use. */
static void on_stop(void *opaque, struct vm *v)
{
	(void)opaque;
	if (!v->fault_held)
		return;
	fflush(stdout);
	fprintf(stderr, "denali: vm %u held on vector %" PRIu32 " (%s) at eip=0x%08" PRIx32
		" for the monitor: resume %u ends it, quit ends the run\n", (unsigned)v->id, v->cpu.fault.vector,
		cpu_vector_name(v->cpu.fault.vector), v->cpu.eip, (unsigned)v->id);
}

int monitor_open(struct kernel *k, const char *spec)
{
	struct monitor *m = calloc(1, sizeof(*m));
	if (!m) {
		fprintf(stderr, "denali: --monitor: out of host memory\n");
		return EXIT_REFUSED;
	}
	*m = (struct monitor){ .k = k, .in_fd = -1, .out_fd = -1, .in_watch = -1, .listen_fd = -1,
			       .listen_watch = -1 };
	k->monitor = m;
	k->hold_faults = true; /* a VM that faults waits to be looked at */
	if (!k->on_stop) {
		k->on_stop = on_stop;
		k->on_stop_opaque = m;
	}
	if (!strcmp(spec, "stdio")) {
		m->stdio = true;
		m->in_fd = STDIN_FILENO;
		m->out_fd = STDOUT_FILENO;
		m->in_watch = evloop_watch_add(&k->loop, STDIN_FILENO, POLLIN, input_ready, m);
		if (m->in_watch < 0) {
			fprintf(stderr, "denali: --monitor stdio: the event loop has no room for it\n");
			return EXIT_USAGE;
		}
		return 0;
	}
	return listen_unix(m, spec + 5) ? EXIT_USAGE : 0; /* past "unix:" (config.c checked it) */
}

void monitor_close(struct monitor *m)
{
	if (!m)
		return;
	drop_input(m);
	if (m->listen_watch >= 0)
		evloop_watch_remove(&m->k->loop, m->listen_watch);
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	if (*m->path)
		unlink(m->path);
	free(m);
}
