/* debug.h - what a debugger (a GDB stub, the monitor) needs of one CPU: software breakpoints,
 * single steps and watchpoints.
 *
 * A CPU that never had any of them costs nothing: c->dbg stays NULL, and no handler, memory
 * access or block of the run loop looks at it. Everything here is checked where the CPU already
 * leaves its fast paths: at decode time (a block ends before a breakpoint, whose block is one
 * instruction with its own handler), in the store slow path (a page holding a watched range is
 * flagged PG_WATCH, so stores to it leave the fast path) and in the run loop's rare exits.
 * Details, and what each costs, in docs/internals.md ("Breakpoints, watchpoints and single
 * steps").
 *
 * Call these between runs (never from inside cpu_run): the debugger owns the VM while it is
 * stopped. Every function works on one CPU only; nothing is shared between VMs, even for code
 * of their image decoded once for all of them.
 */
#ifndef DENALI_CPU_DEBUG_H
#define DENALI_CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

#define CPU_BREAK_MAX 64 /* software breakpoints per CPU */
#define CPU_WATCH_MAX MEM_WATCH_MAX /* watchpoints per CPU (8) */

/* Set a breakpoint at guest address addr: the CPU stops before executing the instruction that
 * starts there (cpu_run / cpu_resume / cpu_step return CPU_EXIT_BREAK with eip = addr and
 * instret the count of instructions retired before it). Guest memory is not changed: the guest
 * reads its own bytes and may rewrite them. An address inside an instruction never stops.
 * 0, or -1 (already set, CPU_BREAK_MAX reached, or out of host memory). */
int cpu_break_add(struct cpu *c, uint32_t addr);
/* Remove the breakpoint at addr: 0, or -1 if there is none. */
int cpu_break_remove(struct cpu *c, uint32_t addr);
/* Whether a breakpoint is set at addr. */
bool cpu_break_at(const struct cpu *c, uint32_t addr);
/* Let the next instruction to run go past a breakpoint at eip: a stop on a breakpoint arms this
 * itself, so a run (or step) started right after CPU_EXIT_BREAK executes the instruction it
 * stopped before. It holds only for that one instruction: if eip or instret change first (the
 * debugger moves eip, an upcall is entered at a cpu_run's delivery point), the breakpoint stops
 * the CPU again when it is reached. */
void cpu_break_skip_once(struct cpu *c);

/* Execute exactly one instruction: a REP string instruction is run whole (every iteration, as
 * many retirements as the run loop counts, stopping early only on a fault, a watchpoint or
 * cpu_request_stop), any other instruction once. A step is not a delivery point: no upcall is
 * entered, before or after it; lines raised meanwhile, or a delivery point the instruction
 * itself reaches (it enables irq_enable, IDLE with a line pending), stay pending in page 0 and
 * are delivered at the next cpu_run (or cpu_resume, for a delivery point the step reached).
 * A breakpoint at eip does not stop a step: the instruction executes.
 * Returns
 *   CPU_EXIT_BUDGET: the instruction retired (eip is the next one's), or it raised an exception
 *     that was delivered to the guest's handler: then instret has not moved, eip is the
 *     handler's first instruction and cpu_debug_step_faulted() is true;
 *   CPU_EXIT_WATCH: it retired and hit a watchpoint (cpu_watch_hit);
 *   CPU_EXIT_FAULT, IDLE, TERMINATE, UNIMPL: as from cpu_run. */
enum cpu_exit cpu_step(struct cpu *c);
/* After cpu_step returned CPU_EXIT_BUDGET: whether the instruction raised an exception that
 * was delivered (c->fault holds it) instead of retiring. */
bool cpu_debug_step_faulted(const struct cpu *c);

/* Watchpoints: the CPU stops after the instruction that made a matching access retires
 * (CPU_EXIT_WATCH, eip the next instruction's), as hardware watchpoints do. For a REP string
 * instruction, after the iteration that made it: eip is still the REP instruction's when
 * iterations are left, and resuming continues it. */
enum cpu_watch_kind {
	CPU_WATCH_WRITE = MEM_WATCH_WRITE,
	CPU_WATCH_READ = MEM_WATCH_READ,
	CPU_WATCH_ACCESS = MEM_WATCH_READ | MEM_WATCH_WRITE,
};
/* Watch [addr, addr + len) (len >= 1, no wrap past 4 GiB) for kind. 0, or -1 (bad range, the
 * same watchpoint set already, CPU_WATCH_MAX reached, out of host memory). */
int cpu_watch_add(struct cpu *c, uint32_t addr, uint32_t len, enum cpu_watch_kind kind);
/* Remove the watchpoint set with exactly these arguments: 0, or -1 if there is none. */
int cpu_watch_remove(struct cpu *c, uint32_t addr, uint32_t len, enum cpu_watch_kind kind);

/* The last watchpoint hit: the access (its first address and length, and whether it read or
 * wrote) and the watchpoint it matched; a later hit replaces it, cpu_watch_clear_hit clears
 * it. A run returns CPU_EXIT_WATCH once per hit. A write made while the CPU is not running (a
 * device completing a request between quanta) is recorded too, with pending set, but stops
 * nothing by itself: the debugger looks at pending after servicing devices (else the next run
 * that stops early for another reason reports it). Writes to page 0's registers are not
 * watched. */
struct cpu_watch_hit {
	bool pending;               /* a hit is recorded and not cleared */
	uint32_t addr, len;         /* the access */
	enum cpu_watch_kind kind;   /* CPU_WATCH_WRITE or CPU_WATCH_READ: what the access did */
	uint32_t watch_addr, watch_len; /* the watchpoint */
	enum cpu_watch_kind watch_kind;
};
/* NULL when the CPU has no debug state. */
const struct cpu_watch_hit *cpu_watch_hit(const struct cpu *c);
void cpu_watch_clear_hit(struct cpu *c);

/* Release every breakpoint and watchpoint (cpu_destroy calls it). The CPU runs as if it never
 * had any; blocks decoded meanwhile are dropped. */
void cpu_debug_free(struct cpu *c);

/* ---- for the CPU itself (exec.c, decode.c): not part of a debugger's API ------------------- */

/* decode.c, on a miss of a CPU with debug state: whether the block being decoded must end
 * before addr (a breakpoint there). */
bool debug_break_at(const struct cpu *c, uint32_t addr);
/* decode.c: whether this CPU must decode privately (not use or add to the image's shared
 * cache): true while it has breakpoints or read watchpoints. */
bool debug_private(const struct cpu *c);
/* The handler of a breakpoint's own one-instruction block (decode.c puts it there). */
int op_break(struct cpu *c, const struct insn *in);
/* Read-watch mode: the handler of every one-instruction block while read watchpoints exist. */
int op_watch_read(struct cpu *c, const struct insn *in);
/* decode.c: whether every instruction must be its own block, checked before it runs. */
bool debug_read_watch(const struct cpu *c);
/* exec.c: the run loop stopped on a breakpoint (ST_BREAK). */
int debug_on_break(struct cpu *c);
/* exec.c: a fault was delivered; during a step the run ends there. */
void debug_on_fault_delivered(struct cpu *c);
/* exec.c: the exit a run that was stopped early returns (CPU_EXIT_WATCH for a hit). */
enum cpu_exit debug_exit(struct cpu *c, enum cpu_exit ex);

#endif
