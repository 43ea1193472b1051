/* debug.c - breakpoints, watchpoints and single steps of one CPU (debug.h).
 *
 * Breakpoints never touch guest memory: decode ends a block before a breakpoint address, and
 * the instruction there becomes a block of its own whose handler, op_break, stops the run
 * (ST_BREAK) before it executes, or runs it when the debugger is stepping over it. While a CPU
 * has breakpoints it decodes privately, even the image's read-only code (decode.c), so a
 * breakpoint is this CPU's alone. Adding or removing one drops the blocks on its page.
 *
 * Write watchpoints flag their pages PG_WATCH (mmu/mem.h): stores there leave the fast path and
 * reach mem_note_write, which reports overlapping ones here; the hit requests a stop, which the
 * run loop sees once the storing instruction retires. Reads have no flag test in the memory
 * fast path, and it stays that way: while read (or access) watchpoints exist, every instruction
 * of this CPU is a block of its own whose handler, op_watch_read, works out what it will read
 * before running it.
 */
#include "cpu/debug.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/fast.h"
#include "cpu/insn.h"

struct cpu_debug {
	uint32_t brk[CPU_BREAK_MAX]; /* breakpoint addresses, unordered */
	unsigned nbrk;
	bool skip;                   /* the instruction at skip_eip, as number skip_instret, runs
				      * past a breakpoint (cpu_break_skip_once) */
	uint32_t skip_eip;
	uint64_t skip_instret;
	bool read_mode;              /* some watchpoint reads: one-instruction blocks */
	bool stepping, step_faulted; /* cpu_step is running; a fault was delivered in it */
	bool hit_reported;           /* hit was returned as CPU_EXIT_WATCH already */
	bool defer_stop;             /* op_watch_read asks for the stop itself, after running */
	struct cpu_watch_hit hit;
	struct mem_watch watch;      /* the ranges, c->mem.watch while any exist */
	struct cpu *cpu;
};

/* The CPU's debug state, made on first use; NULL if out of host memory. */
static struct cpu_debug *debug_get(struct cpu *c)
{
	if (!c->dbg) {
		c->dbg = calloc(1, sizeof(*c->dbg));
		if (c->dbg)
			c->dbg->cpu = c;
	}
	return c->dbg;
}

/* Decoded code depends on the debug state (private or shared blocks, one-instruction blocks):
 * when the kind of code this CPU needs changes, start again. Between runs only. */
static void redecode_all(struct cpu *c)
{
	cache_flush(&c->cache);
}

/* ---- breakpoints --------------------------------------------------------------------------- */

static int break_index(const struct cpu_debug *d, uint32_t addr)
{
	for (unsigned i = 0; d && i < d->nbrk; i++)
		if (d->brk[i] == addr)
			return (int)i;
	return -1;
}

bool cpu_break_at(const struct cpu *c, uint32_t addr)
{
	return break_index(c->dbg, addr) >= 0;
}

bool debug_break_at(const struct cpu *c, uint32_t addr)
{
	return break_index(c->dbg, addr) >= 0;
}

bool debug_private(const struct cpu *c)
{
	return c->dbg && (c->dbg->nbrk > 0 || c->dbg->read_mode);
}

/* Blocks holding the instruction at addr lie on its page (a block's bytes are [lo, hi) and
 * the instruction's first byte is among them): dropping that page's blocks drops them all. */
static void drop_blocks_at(struct cpu *c, uint32_t addr)
{
	cache_invalidate_page(&c->cache, addr >> DVA_PAGE_SHIFT);
}

int cpu_break_add(struct cpu *c, uint32_t addr)
{
	struct cpu_debug *d = debug_get(c);
	if (!d || d->nbrk == CPU_BREAK_MAX || break_index(d, addr) >= 0)
		return -1;
	d->brk[d->nbrk++] = addr;
	if (d->nbrk == 1 && !d->read_mode)
		redecode_all(c); /* from now on every block is private */
	else
		drop_blocks_at(c, addr);
	return 0;
}

int cpu_break_remove(struct cpu *c, uint32_t addr)
{
	struct cpu_debug *d = c->dbg;
	int i = break_index(d, addr);
	if (i < 0)
		return -1;
	d->brk[i] = d->brk[--d->nbrk];
	if (d->nbrk == 0 && !d->read_mode)
		redecode_all(c); /* back to the image's shared blocks */
	else
		drop_blocks_at(c, addr);
	return 0;
}

void cpu_break_skip_once(struct cpu *c)
{
	struct cpu_debug *d = debug_get(c);
	if (!d)
		return;
	d->skip = true;
	d->skip_eip = c->eip;
	d->skip_instret = c->instret;
}

/* The instruction of a debug block, as decoded: the copy after the block (decode.c). */
static int run_real(struct cpu *c, const struct insn *in)
{
	if (c->dbg->read_mode)
		return op_watch_read(c, in);
	return in[1].fn(c, in);
}

int op_break(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in); /* a chain may have entered it: eip and instret made current */
	struct cpu_debug *d = c->dbg;
	if (d->skip && d->skip_eip == c->eip && d->skip_instret == c->instret) {
		d->skip = false;
		return run_real(c, in);
	}
	return ST_BREAK;
}

int debug_on_break(struct cpu *c)
{
	cpu_break_skip_once(c); /* resuming from here executes the instruction */
	return CPU_EXIT_BREAK;
}

/* ---- single step --------------------------------------------------------------------------- */

/* Whether the instruction at eip is a REP string instruction (one step runs all of it). */
static bool rep_string_at(struct cpu *c, uint32_t eip)
{
	struct insn in;
	if (decode_one(c, eip, &in) < 0 || !(in.pfx & (PFX_REP | PFX_REPNE)))
		return false;
	switch (in.mnem) {
	case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW: case ZYDIS_MNEMONIC_MOVSD:
	case ZYDIS_MNEMONIC_STOSB: case ZYDIS_MNEMONIC_STOSW: case ZYDIS_MNEMONIC_STOSD:
	case ZYDIS_MNEMONIC_LODSB: case ZYDIS_MNEMONIC_LODSW: case ZYDIS_MNEMONIC_LODSD:
	case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: case ZYDIS_MNEMONIC_CMPSD:
	case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
	case ZYDIS_MNEMONIC_INSB: case ZYDIS_MNEMONIC_INSW: case ZYDIS_MNEMONIC_INSD:
	case ZYDIS_MNEMONIC_OUTSB: case ZYDIS_MNEMONIC_OUTSW: case ZYDIS_MNEMONIC_OUTSD:
		return true;
	default:
		return false;
	}
}

/* One retirement, with no delivery point: a budget of 1 through cpu_resume, past a
 * breakpoint at eip. A delivery point the instruction reaches is kept for the next run. */
static enum cpu_exit step_once(struct cpu *c, bool *irq)
{
	cpu_break_skip_once(c);
	*irq |= c->irq_point;
	c->irq_point = false;
	enum cpu_exit ex = cpu_resume(c, 1);
	*irq |= c->irq_point;
	c->irq_point = false;
	return ex;
}

enum cpu_exit cpu_step(struct cpu *c)
{
	struct cpu_debug *d = debug_get(c);
	if (!d)
		return CPU_EXIT_STOPPED; /* out of host memory: nothing ran */
	bool irq = false, rep = rep_string_at(c, c->eip);
	uint32_t eip = c->eip;
	enum cpu_exit ex;
	d->stepping = true;
	d->step_faulted = false;
	do /* a REP instruction pauses after each iteration; eip moves on once it is done */
		ex = step_once(c, &irq);
	while (rep && ex == CPU_EXIT_BUDGET && c->eip == eip);
	d->stepping = false;
	c->irq_point = irq;
	if (ex == CPU_EXIT_STOPPED && d->step_faulted)
		ex = CPU_EXIT_BUDGET;
	return ex;
}

bool cpu_debug_step_faulted(const struct cpu *c)
{
	return c->dbg && c->dbg->step_faulted;
}

void debug_on_fault_delivered(struct cpu *c)
{
	struct cpu_debug *d = c->dbg;
	if (!d->stepping)
		return;
	d->step_faulted = true;
	c->stop_at = c->instret; /* the step ends at the handler's first instruction */
}

/* ---- watchpoints --------------------------------------------------------------------------- */

/* mem.h's report of an access overlapping watch range w: record it, stop after the
 * instruction. */
static void watch_hit(void *opaque, const struct mem_watch_range *w, uint32_t a, uint32_t n,
		      unsigned kind)
{
	struct cpu_debug *d = opaque;
	d->hit = (struct cpu_watch_hit){
		.pending = true, .addr = a, .len = n, .kind = (enum cpu_watch_kind)kind,
		.watch_addr = w->addr, .watch_len = w->len, .watch_kind = (enum cpu_watch_kind)w->kind,
	};
	d->hit_reported = false;
	if (!d->defer_stop)
		cpu_request_stop(d->cpu, CPU_STOP_NOW);
}

static int watch_index(const struct cpu_debug *d, uint32_t addr, uint32_t len, unsigned kind)
{
	for (unsigned i = 0; d && i < d->watch.n; i++) {
		const struct mem_watch_range *w = &d->watch.w[i];
		if (w->addr == addr && w->len == len && w->kind == kind)
			return (int)i;
	}
	return -1;
}

/* The ranges changed: flags, and the decode mode reads need. */
static void watch_changed(struct cpu *c)
{
	struct cpu_debug *d = c->dbg;
	bool reads = false;
	for (unsigned i = 0; i < d->watch.n; i++)
		reads |= (d->watch.w[i].kind & MEM_WATCH_READ) != 0;
	c->mem.watch = d->watch.n ? &d->watch : NULL;
	mem_watch_apply(&c->mem);
	if (reads != d->read_mode) {
		d->read_mode = reads;
		redecode_all(c);
	}
}

int cpu_watch_add(struct cpu *c, uint32_t addr, uint32_t len, enum cpu_watch_kind kind)
{
	if (!len || (uint64_t)addr + len > (1ull << 32) || !(kind & CPU_WATCH_ACCESS) ||
	    (kind & ~CPU_WATCH_ACCESS))
		return -1;
	struct cpu_debug *d = debug_get(c);
	if (!d || d->watch.n == CPU_WATCH_MAX || watch_index(d, addr, len, kind) >= 0)
		return -1;
	d->watch.opaque = d;
	d->watch.hit = watch_hit;
	d->watch.w[d->watch.n++] = (struct mem_watch_range){ addr, len, (uint8_t)kind };
	watch_changed(c);
	return 0;
}

int cpu_watch_remove(struct cpu *c, uint32_t addr, uint32_t len, enum cpu_watch_kind kind)
{
	struct cpu_debug *d = c->dbg;
	int i = watch_index(d, addr, len, kind);
	if (i < 0)
		return -1;
	d->watch.w[i] = d->watch.w[--d->watch.n];
	watch_changed(c);
	return 0;
}

const struct cpu_watch_hit *cpu_watch_hit(const struct cpu *c)
{
	return c->dbg ? &c->dbg->hit : NULL;
}

void cpu_watch_clear_hit(struct cpu *c)
{
	if (c->dbg)
		memset(&c->dbg->hit, 0, sizeof(c->dbg->hit));
}

enum cpu_exit debug_exit(struct cpu *c, enum cpu_exit ex)
{
	struct cpu_debug *d = c->dbg;
	if ((ex == CPU_EXIT_BUDGET || ex == CPU_EXIT_STOPPED) && d->hit.pending && !d->hit_reported) {
		d->hit_reported = true;
		return CPU_EXIT_WATCH;
	}
	return ex;
}

bool debug_read_watch(const struct cpu *c)
{
	return c->dbg && c->dbg->read_mode;
}

/* ---- what an instruction reads (read-watch mode) ------------------------------------------ */

/* Whether operand 0 of mnemonic m, when in memory, is only written. */
static bool writes_only(ZydisMnemonic m)
{
	switch (m) {
	case ZYDIS_MNEMONIC_MOV: case ZYDIS_MNEMONIC_POP:
	case ZYDIS_MNEMONIC_SETB: case ZYDIS_MNEMONIC_SETBE: case ZYDIS_MNEMONIC_SETL:
	case ZYDIS_MNEMONIC_SETLE: case ZYDIS_MNEMONIC_SETNB: case ZYDIS_MNEMONIC_SETNBE:
	case ZYDIS_MNEMONIC_SETNL: case ZYDIS_MNEMONIC_SETNLE: case ZYDIS_MNEMONIC_SETNO:
	case ZYDIS_MNEMONIC_SETNP: case ZYDIS_MNEMONIC_SETNS: case ZYDIS_MNEMONIC_SETNZ:
	case ZYDIS_MNEMONIC_SETO: case ZYDIS_MNEMONIC_SETP: case ZYDIS_MNEMONIC_SETS:
	case ZYDIS_MNEMONIC_SETZ:
	case ZYDIS_MNEMONIC_FST: case ZYDIS_MNEMONIC_FSTP: case ZYDIS_MNEMONIC_FIST:
	case ZYDIS_MNEMONIC_FISTP: case ZYDIS_MNEMONIC_FISTTP: case ZYDIS_MNEMONIC_FNSTCW:
	case ZYDIS_MNEMONIC_FNSTSW: case ZYDIS_MNEMONIC_FNSTENV: case ZYDIS_MNEMONIC_FNSAVE:
	case ZYDIS_MNEMONIC_FBSTP:
		return true;
	default:
		return false;
	}
}

/* Bytes the stack instruction m reads at ESP (0: none), with n-byte operands. */
static uint32_t stack_reads(ZydisMnemonic m, unsigned n)
{
	switch (m) {
	case ZYDIS_MNEMONIC_POP: case ZYDIS_MNEMONIC_POPF: case ZYDIS_MNEMONIC_POPFD:
	case ZYDIS_MNEMONIC_RET:
		return n;
	case ZYDIS_MNEMONIC_POPA: case ZYDIS_MNEMONIC_POPAD:
		return 8 * n;
	case ZYDIS_MNEMONIC_IRET: case ZYDIS_MNEMONIC_IRETD:
		return 3 * n;
	default:
		return 0;
	}
}

/* Whether string instruction m reads at ESI, and at EDI. */
static void string_reads(ZydisMnemonic m, bool *si, bool *di)
{
	switch (m) {
	case ZYDIS_MNEMONIC_LODSB: case ZYDIS_MNEMONIC_LODSW: case ZYDIS_MNEMONIC_LODSD:
	case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW: case ZYDIS_MNEMONIC_MOVSD:
	case ZYDIS_MNEMONIC_OUTSB: case ZYDIS_MNEMONIC_OUTSW: case ZYDIS_MNEMONIC_OUTSD:
		*si = true;
		break;
	case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: case ZYDIS_MNEMONIC_CMPSD:
		*si = *di = true;
		break;
	case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
		*di = true;
		break;
	default:
		break;
	}
}

/* Report a read of the elements a string instruction will read from register r: every one
 * its count allows (the REP runs whole before the stop). */
static bool string_span_read(struct cpu *c, const struct insn *in, int r)
{
	uint32_t n = in->sz[0], am = addr_mask(in);
	uint64_t count = in->pfx & (PFX_REP | PFX_REPNE) ? c->r[REG_ECX] & am : 1;
	if (!count)
		return false;
	uint64_t a = c->r[r] & am, len = count * n;
	uint64_t lo = c->eflags & FL_DF ? (a + n >= len ? a + n - len : 0) : a;
	if (lo + len > (1ull << 32))
		len = (1ull << 32) - lo;
	return mem_watch_check(&c->mem, (uint32_t)lo, (uint32_t)len, MEM_WATCH_READ);
}

/* Report the first read instruction in is about to make of a watched range, if any. What is
 * checked: explicit memory operands that are read, stack reads (POP, RET, POPF, POPA, IRET,
 * LEAVE), string sources and XLAT. */
static bool report_reads(struct cpu *c, const struct insn *in)
{
	ZydisMnemonic m = (ZydisMnemonic)in->mnem;
	struct guest_mem *mem = &c->mem;
	unsigned n = in->pfx & PFX_O16 ? 2 : 4;
	if (m == ZYDIS_MNEMONIC_NOP || m == ZYDIS_MNEMONIC_LEA)
		return false; /* a memory operand they never access */
	for (int k = 0; k < 3; k++)
		if (in->kind[k] == OPK_MEM && !(k == 0 && writes_only(m)))
			return mem_watch_check(mem, insn_ea(c, in), in->sz[k], MEM_WATCH_READ);
	uint32_t st = stack_reads(m, n);
	if (st)
		return mem_watch_check(mem, c->r[REG_ESP], st, MEM_WATCH_READ);
	if (m == ZYDIS_MNEMONIC_LEAVE)
		return mem_watch_check(mem, c->r[REG_EBP], n, MEM_WATCH_READ);
	if (m == ZYDIS_MNEMONIC_XLAT)
		return mem_watch_check(mem, (c->r[REG_EBX] + (c->r[REG_EAX] & 0xFF)) & addr_mask(in), 1,
				       MEM_WATCH_READ);
	bool si = false, di = false;
	string_reads(m, &si, &di);
	return (si && string_span_read(c, in, REG_ESI)) || (di && string_span_read(c, in, REG_EDI));
}

int op_watch_read(struct cpu *c, const struct insn *in)
{
	fast_enter_generic(c, in);
	c->dbg->defer_stop = true;
	bool hit = report_reads(c, in); /* records it; the stop is requested after the run */
	c->dbg->defer_stop = false;
	c->chain_stop = 0; /* no chaining on: the next instruction comes back here */
	int st = in[1].fn(c, in);
	if (hit) /* only now: a REP would pause before its first iteration */
		cpu_request_stop(c, CPU_STOP_NOW);
	return st;
}

/* ---- teardown ------------------------------------------------------------------------------ */

void cpu_debug_free(struct cpu *c)
{
	struct cpu_debug *d = c->dbg;
	if (!d)
		return;
	bool redecode = d->nbrk || d->read_mode;
	c->mem.watch = NULL;
	mem_watch_apply(&c->mem);
	free(d);
	c->dbg = NULL;
	if (redecode)
		redecode_all(c);
}
