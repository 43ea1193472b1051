/* gdbstub.c - the GDB stub: one TCP connection speaking GDB's remote protocol (rsp.h), every VM
 * a thread (thread id = vm_id + 1), all-stop (docs/debugging.md).
 *
 * All-stop: while GDB looks, every VM is held (kernel_vm_stop); "c" continues them all, and the
 * first to stop for a reason GDB must hear of (a breakpoint, a watchpoint, an exception it has
 * no handler for, Ctrl-C) stops the others and is reported. A step runs one instruction of the
 * chosen VM only (the others stay held, as GDB's "set scheduler-locking step" would have it).
 * Breakpoints and watchpoints are set in every VM, those created later too: GDB thinks of one
 * program, and every VM of an image runs it. A VM that ends leaves the thread list; the last
 * one's end is the process's exit ("W"). A client that goes away lets every VM go on.
 */
#include "denali_arch/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu/debug.h"
#include "cpu/flags.h"
#include "denali_arch/kernel.h"
#include "denali_arch/monitor.h"
#include "denali_arch/param.h"
#include "denali_arch/rsp.h"

#define GDB_POINTS_MAX 64    /* breakpoints and watchpoints GDB may set, in all */
#define GDB_REGS 32          /* the target description's registers, numbered 0..31 */
#define GDB_OUT_MAX (2 * RSP_PACKET_MAX + 64)

/* A breakpoint or watchpoint GDB set: applied to every VM. */
struct gdb_point {
	unsigned type;   /* Z type: 0 software, 2 write, 3 read, 4 access */
	uint32_t addr, len;
};

struct gdbstub {
	struct kernel *k;
	int lfd, lwatch;          /* the listening socket and its watch */
	int fd, watch;            /* the connection, or -1 */
	struct rsp_reader rd;
	bool running;             /* the VMs go on (after c or a step) until a stop to report */
	bool stopping;            /* stopping every VM for a report: their stops are not news */
	bool thread_events;       /* QThreadEvents:1 */
	uint32_t gvm, cvm;        /* the VMs Hg and Hc chose */
	uint32_t tinfo;           /* qsThreadInfo's position */
	struct gdb_point points[GDB_POINTS_MAX];
	unsigned npoints;
	char out[GDB_OUT_MAX];
	char reply[RSP_PACKET_MAX + 1];
	size_t nreply;
};

/* ---- the target description ---------------------------------------------------------------- */

static const char target_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386</architecture>\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
	"<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
	"<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
	"<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"</feature>\n"
	"</target>\n";

/* ---- VMs as threads -------------------------------------------------------------------------- */

static struct vm *vm_of(const struct gdbstub *g, int64_t tid)
{
	if (tid <= 0 || (uint64_t)tid > g->k->created)
		return NULL;
	struct vm *v = g->k->vms[tid - 1];
	return v->state == VM_DONE ? NULL : v;
}

/* The first VM alive, or NULL. */
static struct vm *first_alive(const struct gdbstub *g)
{
	for (uint32_t i = 0; i < g->k->created; i++)
		if (g->k->vms[i]->state != VM_DONE)
			return g->k->vms[i];
	return NULL;
}

/* The VM a command about "the current thread" means: Hg's choice, or the first alive. */
static struct vm *cur_vm(const struct gdbstub *g, uint32_t chosen)
{
	struct vm *v = vm_of(g, (int64_t)chosen + 1);
	return v ? v : first_alive(g);
}

static void stop_all(struct gdbstub *g)
{
	g->stopping = true;
	for (uint32_t i = 0; i < g->k->created; i++)
		kernel_vm_stop(g->k, g->k->vms[i]);
	g->stopping = false;
	g->running = false;
}

static void continue_all(struct gdbstub *g)
{
	g->running = true;
	for (uint32_t i = 0; i < g->k->created; i++) {
		struct vm *v = g->k->vms[i];
		if (v->state == VM_STOPPED) {
			if (v->stop_why == VM_WHY_BREAK)
				cpu_break_skip_once(&v->cpu);
			kernel_vm_continue(g->k, v);
		}
	}
}

/* ---- sending ----------------------------------------------------------------------------------- */

static void drop_client(struct gdbstub *g);

static void send_raw(struct gdbstub *g, const char *p, size_t n)
{
	while (n > 0 && g->fd >= 0) {
		ssize_t w = send(g->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { .fd = g->fd, .events = POLLOUT };
			if (poll(&pf, 1, 5000) > 0)
				continue;
		}
		if (w <= 0) {
			drop_client(g);
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void send_packet(struct gdbstub *g, const char *payload, size_t n)
{
	long len = rsp_frame(g->out, sizeof(g->out), payload, n);
	if (len > 0)
		send_raw(g, g->out, (size_t)len);
}

static void send_str(struct gdbstub *g, const char *s)
{
	send_packet(g, s, strlen(s));
}

/* ---- registers ------------------------------------------------------------------------------- */

/* Register n of v as GDB numbers them: its bytes, little-endian, into out (10 for st0-st7,
 * else 4); the count. */
static unsigned reg_bytes(struct vm *v, unsigned n, uint8_t out[10])
{
	struct cpu *c = &v->cpu;
	uint32_t val = 0;
	if (n < 8) {
		val = c->r[n];
	} else if (n == 8) {
		val = c->eip;
	} else if (n == 9) {
		val = cpu_eflags(c) | (cpu_page0(c)->irq_enable ? 0x200u : 0); /* IF is page 0's */
	} else if (n < 16) {
		val = 0; /* no segmentation (DVA-1 section 1) */
	} else if (n < 24) {
		struct f80 x = fpu_get(&c->fpu, n - 16);
		memcpy(out, &x.mant, 8);
		memcpy(out + 8, &x.sexp, 2);
		return 10;
	} else {
		const struct fpu *f = &c->fpu; /* fctrl fstat ftag fiseg fioff foseg fooff fop */
		uint32_t fpregs[8] = { f->fcw, f->fsw, f->ftw, 0, f->fip, 0, f->fdp, f->fop };
		val = fpregs[n - 24];
	}
	memcpy(out, &val, 4);
	return 4;
}

/* Set register n of v from its little-endian bytes. */
static void reg_set(struct vm *v, unsigned n, const uint8_t *in)
{
	struct cpu *c = &v->cpu;
	uint32_t val;
	memcpy(&val, in, 4);
	if (n < 8) {
		c->r[n] = val;
	} else if (n == 8) {
		c->eip = val;
	} else if (n == 9) {
		flags_sync(c);
		c->eflags = (c->eflags & ~FL_POPF_MASK) | (val & FL_POPF_MASK);
		cpu_page0(c)->irq_enable = (val & 0x200u) != 0;
	} else if (n >= 16 && n < 24) {
		struct f80 x;
		memcpy(&x.mant, in, 8);
		memcpy(&x.sexp, in + 8, 2);
		c->fpu.st[fpu_phys(&c->fpu, n - 16)] = x;
	} else if (n == 24) {
		c->fpu.fcw = (uint16_t)val;
	} else if (n == 25) {
		c->fpu.fsw = (uint16_t)val;
	} else if (n == 26) {
		c->fpu.ftw = (uint16_t)val;
	} else if (n == 28) {
		c->fpu.fip = val;
	} else if (n == 30) {
		c->fpu.fdp = val;
	} else if (n == 31) {
		c->fpu.fop = (uint16_t)(val & 0x7FFu);
	} /* the segment registers and fiseg, foseg stay 0 */
}

static void reply_regs(struct gdbstub *g, struct vm *v)
{
	size_t n = 0;
	for (unsigned r = 0; r < GDB_REGS; r++) {
		uint8_t b[10];
		unsigned len = reg_bytes(v, r, b);
		n += (size_t)rsp_hex_encode(g->reply + n, sizeof(g->reply) - n, b, len);
	}
	send_packet(g, g->reply, n);
}

static void write_regs(struct gdbstub *g, struct vm *v, const char *hex, size_t n)
{
	uint8_t all[GDB_REGS * 10];
	long got = rsp_hex_decode(hex, n, all, sizeof(all));
	size_t at = 0;
	for (unsigned r = 0; got >= 0 && r < GDB_REGS; r++) {
		unsigned len = r >= 16 && r < 24 ? 10 : 4;
		if (at + len > (size_t)got)
			break;
		reg_set(v, r, all + at);
		at += len;
	}
	send_str(g, got < 0 ? "E01" : "OK");
}

/* ---- memory ------------------------------------------------------------------------------------ */

/* Whether [addr, addr + len) is guest memory (page 0 included): the debugger may read and write
 * any of it, never outside it. */
static bool in_memory(const struct vm *v, uint64_t addr, uint64_t len)
{
	return len <= v->cpu.mem.size && addr <= v->cpu.mem.size - len;
}

static void read_mem(struct gdbstub *g, struct vm *v, uint64_t addr, uint64_t len)
{
	if (len > RSP_PACKET_MAX / 2)
		len = RSP_PACKET_MAX / 2;
	if (!in_memory(v, addr, len)) {
		send_str(g, "E14"); /* EFAULT */
		return;
	}
	long n = rsp_hex_encode(g->reply, sizeof(g->reply), v->cpu.mem.base + addr, (size_t)len);
	send_packet(g, g->reply, (size_t)n);
}

static void write_mem(struct gdbstub *g, struct vm *v, uint64_t addr, const uint8_t *bytes, uint64_t len)
{
	if (!in_memory(v, addr, len)) {
		send_str(g, "E14");
		return;
	}
	if (len) {
		mem_note_write(&v->cpu.mem, (uint32_t)addr, (uint32_t)len); /* drops decoded code there */
		memcpy(v->cpu.mem.base + addr, bytes, (size_t)len);
	}
	send_str(g, "OK");
}

/* ---- breakpoints and watchpoints ----------------------------------------------------------- */

static enum cpu_watch_kind watch_kind(unsigned type)
{
	return type == 2 ? CPU_WATCH_WRITE : type == 3 ? CPU_WATCH_READ : CPU_WATCH_ACCESS;
}

static int point_apply(struct vm *v, const struct gdb_point *p, bool add)
{
	if (p->type == 0)
		return add ? cpu_break_add(&v->cpu, p->addr) : cpu_break_remove(&v->cpu, p->addr);
	return add ? cpu_watch_add(&v->cpu, p->addr, p->len, watch_kind(p->type))
		   : cpu_watch_remove(&v->cpu, p->addr, p->len, watch_kind(p->type));
}

static void set_point(struct gdbstub *g, const struct rsp_cmd *cmd, bool add)
{
	struct gdb_point p = { cmd->bp_type, (uint32_t)cmd->addr, (uint32_t)cmd->bp_kind };
	if (cmd->bp_type == 1 || cmd->addr > UINT32_MAX || (p.type && (p.len == 0 || cmd->bp_kind > 4096))) {
		send_str(g, ""); /* hardware breakpoints: GDB then uses software ones */
		return;
	}
	unsigned i = 0;
	while (i < g->npoints && (g->points[i].type != p.type || g->points[i].addr != p.addr ||
				  (p.type && g->points[i].len != p.len)))
		i++;
	if (add && (i < g->npoints || g->npoints == GDB_POINTS_MAX)) {
		send_str(g, i < g->npoints ? "OK" : "E01");
		return;
	}
	if (!add && i == g->npoints) {
		send_str(g, "OK"); /* GDB removes what it believes set; nothing to do */
		return;
	}
	for (uint32_t n = 0; n < g->k->created; n++) {
		struct vm *v = g->k->vms[n];
		if (v->state != VM_DONE && point_apply(v, &p, add) && add) {
			for (uint32_t m = 0; m < n; m++) /* as if never set */
				if (g->k->vms[m]->state != VM_DONE)
					point_apply(g->k->vms[m], &p, false);
			send_str(g, "E01");
			return;
		}
	}
	if (add)
		g->points[g->npoints++] = p;
	else
		g->points[i] = g->points[--g->npoints];
	send_str(g, "OK");
}

/* ---- stop replies ---------------------------------------------------------------------------- */

/* The signal GDB is told for an exception vector. */
static unsigned vector_signal(uint32_t vec)
{
	switch (vec) {
	case DVA_VEC_DE: return 8;           /* SIGFPE */
	case DVA_VEC_MF: return 8;
	case DVA_VEC_UD: return 4;           /* SIGILL */
	case DVA_VEC_BP: return 5;           /* SIGTRAP */
	case DVA_VEC_PF: case DVA_VEC_GP: return 11; /* SIGSEGV */
	default: return 11;
	}
}

/* "T..." for v's stop: why, and which thread. */
static void report_stop(struct gdbstub *g, struct vm *v, unsigned sig)
{
	char buf[128];
	int n;
	const struct cpu_watch_hit *h = cpu_watch_hit(&v->cpu);
	if (v->stop_why == VM_WHY_WATCH && h && h->pending) {
		const char *kind = h->watch_kind == CPU_WATCH_WRITE ? "watch" :
				   h->watch_kind == CPU_WATCH_READ ? "rwatch" : "awatch";
		uint32_t at = h->addr > h->watch_addr ? h->addr : h->watch_addr; /* inside the watch */
		n = snprintf(buf, sizeof(buf), "T05%s:%" PRIx32 ";thread:%" PRIx32 ";", kind, at, v->id + 1);
	} else if (v->stop_why == VM_WHY_BREAK) {
		n = snprintf(buf, sizeof(buf), "T05swbreak:;thread:%" PRIx32 ";", v->id + 1);
	} else if (v->fault_held) {
		n = snprintf(buf, sizeof(buf), "T%02xthread:%" PRIx32 ";", vector_signal(v->cpu.fault.vector), v->id + 1);
	} else {
		n = snprintf(buf, sizeof(buf), "T%02xthread:%" PRIx32 ";", sig, v->id + 1);
	}
	g->gvm = g->cvm = v->id;
	send_packet(g, buf, (size_t)n);
}

void gdbstub_vm_stopped(struct kernel *k, struct vm *v)
{
	struct gdbstub *g = k->gdb;
	if (!g || g->stopping || !g->running || g->fd < 0)
		return; /* a stop GDB asked for, or no one to tell */
	if (v->stop_why == VM_WHY_REQUEST && !v->fault_held)
		return; /* the monitor's pause: not GDB's business */
	stop_all(g);
	report_stop(g, v, 5);
}

void gdbstub_vm_created(struct kernel *k, struct vm *v)
{
	struct gdbstub *g = k->gdb;
	for (unsigned i = 0; i < g->npoints; i++)
		point_apply(v, &g->points[i], true);
	if (!g->running)
		kernel_vm_stop(k, v); /* -S before GDB came, or GDB looking: it starts held */
}

void gdbstub_vm_ended(struct kernel *k, struct vm *v)
{
	struct gdbstub *g = k->gdb;
	if (g->fd < 0)
		return;
	if (k->done >= k->total) { /* the last: the process exits with the run's status */
		unsigned status = (unsigned)v->status & 0xFF;
		if (k->total > 1) { /* several VMs: 0 when every one ended with 0, else 1 */
			status = 0;
			for (uint32_t i = 0; i < k->created; i++)
				status |= k->vms[i]->status != 0;
		}
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "W%02x", status);
		send_packet(g, buf, (size_t)n);
		g->running = false;
	} else if (g->thread_events && g->running) {
		char buf[48];
		int n = snprintf(buf, sizeof(buf), "w%02x;%" PRIx32, (unsigned)(v->status & 0xFF), v->id + 1);
		send_packet(g, buf, (size_t)n);
	}
}

/* ---- run control --------------------------------------------------------------------------- */

/* One instruction of v (held), the others held too; then the stop reply. */
static void step_vm(struct gdbstub *g, struct vm *v)
{
	if (v->stop_why == VM_WHY_BREAK)
		cpu_break_skip_once(&v->cpu);
	v->stop_why = VM_WHY_REQUEST;
	kernel_vm_step(g->k, v, 1); /* a watchpoint hit sets stop_why */
	if (v->state == VM_DONE)
		return; /* it ended: gdbstub_vm_ended said so */
	report_stop(g, v, 5);
}

static void do_vcont(struct gdbstub *g, const struct rsp_cmd *cmd)
{
	for (unsigned i = 0; i < cmd->nactions; i++) {
		const struct rsp_action *a = &cmd->actions[i];
		if (a->op != 's' && a->op != 'S')
			continue;
		struct vm *v = a->has_thread ? vm_of(g, a->thread.tid) : cur_vm(g, g->cvm);
		if (!v) {
			send_str(g, "E01");
			return;
		}
		step_vm(g, v);
		return;
	}
	for (unsigned i = 0; i < cmd->nactions; i++)
		if (cmd->actions[i].op == 'c' || cmd->actions[i].op == 'C') {
			continue_all(g);
			return;
		}
	send_str(g, "OK"); /* only 't': they are held already */
}

/* ---- queries --------------------------------------------------------------------------------- */

static void thread_list(struct gdbstub *g, bool first)
{
	if (first)
		g->tinfo = 0;
	size_t n = 0;
	g->reply[n++] = 'm';
	while (g->tinfo < g->k->created && n < sizeof(g->reply) - 16) {
		struct vm *v = g->k->vms[g->tinfo++];
		if (v->state != VM_DONE)
			n += (size_t)snprintf(g->reply + n, sizeof(g->reply) - n, "%s%" PRIx32, n > 1 ? "," : "", v->id + 1);
	}
	if (n == 1)
		g->reply[0] = 'l', n = 1;
	send_packet(g, g->reply, n);
}

static void xfer_features(struct gdbstub *g, const struct rsp_cmd *cmd)
{
	if (cmd->ndata != strlen("target.xml") || memcmp(cmd->data, "target.xml", cmd->ndata)) {
		send_str(g, "E00");
		return;
	}
	size_t total = sizeof(target_xml) - 1, off = cmd->addr < total ? (size_t)cmd->addr : total;
	size_t len = cmd->len < total - off ? (size_t)cmd->len : total - off;
	if (len > sizeof(g->reply) - 1)
		len = sizeof(g->reply) - 1;
	g->reply[0] = off + len < total ? 'm' : 'l';
	memcpy(g->reply + 1, target_xml + off, len);
	send_packet(g, g->reply, len + 1);
}

static void thread_extra(struct gdbstub *g, struct vm *v)
{
	static const char *const names[] = { [VM_RUNNABLE] = "runnable", [VM_IDLE] = "idle",
					     [VM_STOPPED] = "stopped", [VM_DONE] = "done" };
	char text[64];
	int n = snprintf(text, sizeof(text), "vm %" PRIu32 " %s", v->id,
			 v->state == VM_STOPPED && v->resume_state == VM_IDLE ? "idle" : names[v->state]);
	long h = rsp_hex_encode(g->reply, sizeof(g->reply), text, (size_t)n);
	send_packet(g, g->reply, (size_t)h);
}

static void monitor(struct gdbstub *g, const struct rsp_cmd *cmd)
{
	char text[4096];
	monitor_exec(g->k, cmd->text, text, sizeof(text));
	size_t n = strlen(text);
	if (n == 0 || text[n - 1] != '\n')
		text[n++] = '\n', text[n] = '\0';
	g->reply[0] = 'O';
	long h = rsp_hex_encode(g->reply + 1, sizeof(g->reply) - 1, text, n);
	if (h > 0)
		send_packet(g, g->reply, (size_t)h + 1);
	send_str(g, "OK");
}

/* ---- one packet ------------------------------------------------------------------------------ */

static void handle(struct gdbstub *g, const char *p, size_t n)
{
	struct rsp_cmd *cmd = malloc(sizeof(*cmd));
	if (!cmd) {
		send_str(g, "E0c");
		return;
	}
	struct vm *v;
	switch (rsp_parse(p, n, cmd)) {
	case RSP_UNKNOWN:
	case RSP_MUST_REPLY_EMPTY:
		if (n >= 14 && !memcmp(p, "QThreadEvents:", 14)) {
			g->thread_events = p[14] == '1';
			send_str(g, "OK");
		} else {
			send_str(g, "");
		}
		break;
	case RSP_MALFORMED: send_str(g, "E01"); break;
	case RSP_SUPPORTED:
		send_str(g, "PacketSize=4000;qXfer:features:read+;swbreak+;vContSupported+;QStartNoAckMode+;"
			    "QThreadEvents+");
		break;
	case RSP_START_NO_ACK:
		send_str(g, "OK");
		rsp_set_no_ack(&g->rd, true);
		break;
	case RSP_XFER_FEATURES: xfer_features(g, cmd); break;
	case RSP_ATTACHED: send_str(g, "1"); break;
	case RSP_HALT_REASON:
		if ((v = cur_vm(g, g->gvm)))
			report_stop(g, v, 5);
		else
			send_str(g, "W00");
		break;
	case RSP_THREAD_FIRST: thread_list(g, true); break;
	case RSP_THREAD_NEXT: thread_list(g, false); break;
	case RSP_CURRENT_THREAD: {
		char buf[32];
		v = cur_vm(g, g->gvm);
		int len = snprintf(buf, sizeof(buf), "QC%" PRIx32, v ? v->id + 1 : 1);
		send_packet(g, buf, (size_t)len);
		break;
	}
	case RSP_SET_THREAD:
		if (cmd->thread.tid > 0 && !vm_of(g, cmd->thread.tid)) {
			send_str(g, "E01");
			break;
		}
		if (cmd->thread.tid > 0)
			*(cmd->op == 'g' ? &g->gvm : &g->cvm) = (uint32_t)(cmd->thread.tid - 1);
		send_str(g, "OK");
		break;
	case RSP_THREAD_ALIVE: send_str(g, vm_of(g, cmd->thread.tid) ? "OK" : "E01"); break;
	case RSP_THREAD_EXTRA:
		if ((v = vm_of(g, cmd->thread.tid)))
			thread_extra(g, v);
		else
			send_str(g, "E01");
		break;
	case RSP_READ_REGS:
		if ((v = cur_vm(g, g->gvm)))
			reply_regs(g, v);
		else
			send_str(g, "E01");
		break;
	case RSP_WRITE_REGS:
		if ((v = cur_vm(g, g->gvm)))
			write_regs(g, v, cmd->data, cmd->ndata);
		else
			send_str(g, "E01");
		break;
	case RSP_READ_REG: {
		uint8_t b[10];
		if (!(v = cur_vm(g, g->gvm)) || cmd->reg >= GDB_REGS) {
			send_str(g, cmd->reg >= GDB_REGS ? "" : "E01");
			break;
		}
		unsigned len = reg_bytes(v, (unsigned)cmd->reg, b);
		long h = rsp_hex_encode(g->reply, sizeof(g->reply), b, len);
		send_packet(g, g->reply, (size_t)h);
		break;
	}
	case RSP_WRITE_REG: {
		uint8_t b[10];
		unsigned want = cmd->reg >= 16 && cmd->reg < 24 ? 10 : 4;
		if (!(v = cur_vm(g, g->gvm)) || cmd->reg >= GDB_REGS ||
		    rsp_hex_decode(cmd->data, cmd->ndata, b, sizeof(b)) != (long)want) {
			send_str(g, "E01");
			break;
		}
		reg_set(v, (unsigned)cmd->reg, b);
		send_str(g, "OK");
		break;
	}
	case RSP_READ_MEM:
		if ((v = cur_vm(g, g->gvm)))
			read_mem(g, v, cmd->addr, cmd->len);
		else
			send_str(g, "E01");
		break;
	case RSP_WRITE_MEM: {
		uint8_t *bytes = malloc(cmd->len + 1);
		if (!(v = cur_vm(g, g->gvm)) || !bytes ||
		    rsp_hex_decode(cmd->data, cmd->ndata, bytes, cmd->len) != (long)cmd->len)
			send_str(g, "E01");
		else
			write_mem(g, v, cmd->addr, bytes, cmd->len);
		free(bytes);
		break;
	}
	case RSP_WRITE_MEM_BIN:
		if ((v = cur_vm(g, g->gvm)) && cmd->ndata == cmd->len)
			write_mem(g, v, cmd->addr, (const uint8_t *)cmd->data, cmd->len);
		else
			send_str(g, "E01");
		break;
	case RSP_INSERT_BREAK: set_point(g, cmd, true); break;
	case RSP_REMOVE_BREAK: set_point(g, cmd, false); break;
	case RSP_VCONT_QUERY: send_str(g, "vCont;c;C;s;S;t"); break;
	case RSP_VCONT: do_vcont(g, cmd); break;
	case RSP_CONTINUE:
		if (cmd->has_addr && (v = cur_vm(g, g->cvm)))
			v->cpu.eip = (uint32_t)cmd->addr;
		continue_all(g);
		break;
	case RSP_STEP:
		if ((v = cur_vm(g, g->cvm))) {
			if (cmd->has_addr)
				v->cpu.eip = (uint32_t)cmd->addr;
			step_vm(g, v);
		} else {
			send_str(g, "E01");
		}
		break;
	case RSP_DETACH:
		send_str(g, "OK");
		drop_client(g);
		break;
	case RSP_KILL:
		drop_client(g);
		kernel_interrupt(g->k, SIGKILL);
		break;
	case RSP_MONITOR: monitor(g, cmd); break;
	}
	free(cmd);
}

/* ---- the connection ------------------------------------------------------------------------ */

/* The client is gone (or detached): every breakpoint and watchpoint goes, every VM goes on. */
static void drop_client(struct gdbstub *g)
{
	if (g->fd < 0)
		return;
	evloop_watch_remove(&g->k->loop, g->watch);
	close(g->fd);
	g->fd = g->watch = -1;
	for (unsigned i = 0; i < g->npoints; i++)
		for (uint32_t n = 0; n < g->k->created; n++)
			if (g->k->vms[n]->state != VM_DONE)
				point_apply(g->k->vms[n], &g->points[i], false);
	g->npoints = 0;
	g->k->hold_faults = false; /* a VM held on a fault runs it again and ends on it */
	continue_all(g);
	evloop_watch_events(&g->k->loop, g->lwatch, POLLIN);
}

static void client_ready(void *opaque, int fd, short revents)
{
	struct gdbstub *g = opaque;
	char buf[4096];
	ssize_t got = recv(fd, buf, sizeof(buf), 0);
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
		drop_client(g);
		return;
	}
	(void)revents;
	const char *p = buf;
	size_t n = got > 0 ? (size_t)got : 0;
	while (n > 0 && g->fd >= 0) {
		enum rsp_event ev;
		size_t used = rsp_feed(&g->rd, p, n, &ev);
		p += used;
		n -= used;
		if (ev == RSP_EV_NONE)
			continue;
		char ack = rsp_ack(&g->rd, ev);
		if (ack)
			send_raw(g, &ack, 1);
		if (ev == RSP_EV_PACKET) {
			handle(g, g->rd.buf, g->rd.len);
		} else if (ev == RSP_EV_INTERRUPT && g->running) {
			struct vm *v = cur_vm(g, g->cvm);
			stop_all(g);
			if (v)
				report_stop(g, v, 2); /* SIGINT */
		} else if (ev == RSP_EV_OVERLONG || ev == RSP_EV_BAD_PACKET) {
			send_str(g, "E01");
		}
	}
}

static void accept_ready(void *opaque, int fd, short revents)
{
	struct gdbstub *g = opaque;
	(void)revents;
	int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (g->fd >= 0) { /* one debugger at a time */
		close(c);
		return;
	}
	int one = 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	g->watch = evloop_watch_add(&g->k->loop, c, POLLIN, client_ready, g);
	if (g->watch < 0) {
		close(c);
		return;
	}
	g->fd = c;
	rsp_reader_init(&g->rd);
	g->gvm = g->cvm = 0;
	g->k->hold_faults = true; /* a VM's undeliverable exception is GDB's to see */
	stop_all(g); /* all-stop: GDB finds every VM held */
	evloop_watch_events(&g->k->loop, g->lwatch, 0);
}

/* "tcp:HOST:PORT" (HOST empty: 127.0.0.1): a listening socket, or -1 with why. */
static int listen_on(const char *spec, char *why, size_t cap)
{
	const char *colon = strncmp(spec, "tcp:", 4) ? NULL : strrchr(spec + 4, ':');
	if (!colon) {
		snprintf(why, cap, "not tcp:HOST:PORT");
		return -1;
	}
	char host[256], *end;
	size_t hn = (size_t)(colon - (spec + 4));
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (hn >= sizeof(host) || !colon[1] || *end || port == 0 || port > 65535) {
		snprintf(why, cap, "not tcp:HOST:PORT with a port from 1 to 65535");
		return -1;
	}
	memcpy(host, spec + 4, hn);
	host[hn] = '\0';
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
	int e = getaddrinfo(hn ? host : "127.0.0.1", colon + 1, &hints, &ai);
	if (e) {
		snprintf(why, cap, "%s", gai_strerror(e));
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
		snprintf(why, cap, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int gdbstub_init(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	char why[256];
	struct gdbstub *g = calloc(1, sizeof(*g));
	if (!g) {
		fprintf(stderr, "denali: out of host memory for the GDB stub\n");
		return EXIT_REFUSED;
	}
	g->k = k;
	g->fd = g->watch = -1;
	g->running = !cfg->gdb_wait;
	g->lfd = listen_on(cfg->gdb, why, sizeof(why));
	if (g->lfd < 0) {
		fprintf(stderr, "denali: -gdb %s: %s\n", cfg->gdb, why);
		free(g);
		return EXIT_USAGE;
	}
	g->lwatch = evloop_watch_add(&k->loop, g->lfd, POLLIN, accept_ready, g);
	if (g->lwatch < 0) {
		fprintf(stderr, "denali: -gdb %s: no event-loop watch left\n", cfg->gdb);
		close(g->lfd);
		free(g);
		return EXIT_REFUSED;
	}
	k->gdb = g;
	return 0;
}

void gdbstub_destroy(struct kernel *k)
{
	struct gdbstub *g = k->gdb;
	if (!g)
		return;
	if (g->fd >= 0)
		close(g->fd);
	close(g->lfd);
	free(g);
	k->gdb = NULL;
}
