/* exec.c - the execute loop: look up a block, run its handlers, count retirements, stop on a
 * named reason. The traced variant runs one instruction at a time and writes --trace lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/flags.h"
#include "cpu/insn.h"

/* What the loop does after a handler that did not return ST_NEXT. Returns -1 to keep running
 * (leave the block), or the enum cpu_exit to return. */
static int after_insn(struct cpu *c, const struct insn *in, int st)
{
	switch (st) {
	case ST_JUMP:
		c->instret++;
		return -1;
	case ST_REP_PAUSED:
		return -1;
	case ST_IDLE:
		c->eip += in->len;
		c->instret++;
		return CPU_EXIT_IDLE;
	case ST_TERMINATE:
		c->eip += in->len;
		c->instret++;
		return CPU_EXIT_TERMINATE;
	case ST_UNIMPL:
		c->unimpl = in->mnem;
		return CPU_EXIT_UNIMPL;
	case ST_FAULT:
		/* A fault: the instruction did not retire and restarts after the handler. */
		if (cpu_deliver_fault(c))
			return CPU_EXIT_FAULT;
		if (unlikely(c->dbg != NULL))
			debug_on_fault_delivered(c); /* a step ends at the handler */
		return -1;
	case ST_BREAK:
		return debug_on_break(c);
	case ST_SOFTINT:
		/* A trap: INT n retired; its handler returns to the next instruction. */
		c->instret++;
		if (cpu_deliver_soft(c, c->soft_vector, c->eip + in->len)) {
			c->fault.vector = c->soft_vector;
			c->fault.error = 0;
			return CPU_EXIT_FAULT;
		}
		return -1;
	default:
		abort(); /* a handler returned something that is not an enum insn_status */
	}
}

/* At a delivery point: enter the upcall if one is due. -1 to keep running, or an exit. */
static int irq_point(struct cpu *c)
{
	c->irq_point = false;
	if (!cpu_deliver_irqs(c))
		return -1;
	c->fault.vector = DVA_VEC_UPCALL;
	c->fault.error = 0;
	return CPU_EXIT_FAULT;
}

static enum cpu_exit run_traced(struct cpu *c);

/* Instructions one call from the loop may chain through at most: enough that the loop's
 * indirect call is rare, few enough that the stack stays small if a build (the sanitizers')
 * keeps the chaining calls as calls. */
#define CHAIN_INSNS 1024

enum cpu_exit cpu_run(struct cpu *c, uint64_t budget)
{
	/* Each call is a quantum, and the start of a quantum is a delivery point. */
	c->irq_point = true;
	return cpu_resume(c, budget);
}

static enum cpu_exit run_loop(struct cpu *c);

/* The exit of a run during which a stop was requested. */
static enum cpu_exit stopped_exit(struct cpu *c, enum cpu_exit ex)
{
	if (ex == CPU_EXIT_BUDGET && c->instret < c->budget_end)
		ex = CPU_EXIT_STOPPED;
	return c->dbg ? debug_exit(c, ex) : ex;
}

enum cpu_exit cpu_resume(struct cpu *c, uint64_t budget)
{
	/* The budget's end lives in the CPU, not in a local the inlined run loop would have to keep
	 * in a register all the way through. */
	c->budget_end = c->stop_at = c->instret + budget;
	enum cpu_exit ex = c->trace ? run_traced(c) : run_loop(c);
	flags_sync(c); /* whoever looks at the CPU now sees current flags */
	/* stop_at moved away from budget_end only if a stop was requested: the one test covers
	 * both a request and a watchpoint hit (which requests one). */
	if (unlikely(c->stop_at != c->budget_end))
		ex = stopped_exit(c, ex);
	return ex;
}

void cpu_request_stop(struct cpu *c, uint64_t at)
{
	if (at < c->stop_at)
		c->stop_at = at;
	c->leave_block = true;
}

/* The block at c->eip, following prev's links when one fits, else through the cache (and
 * then linking it from prev). */
static inline struct block *next_block(struct cpu *c, struct block *prev)
{
	struct code_cache *cc = &c->cache;
	if (prev) {
		struct block *to = block_follow(cc, prev, c->eip);
		if (to)
			return to;
	}
	uint64_t gen = cc->gen;
	struct block *b = cache_lookup(cc, c->eip);
	if (!b)
		b = decode_block(c, c->eip);
	cache_note_jump(cc, b);
	/* Decoding may have flushed the cache and freed prev: then there is nothing to link from.
	 * A shared block is followed by every VM of its image: it may only lead to blocks that are
	 * the same for all of them. */
	if (prev && cc->gen == gen && (!prev->shared || b->shared)) {
		struct block_link *l = &prev->link[prev->next_link];
		prev->next_link = (uint8_t)((prev->next_link + 1) % BLOCK_LINKS);
		*l = (struct block_link){ c->eip, cc->gen, b };
	}
	return b;
}

static enum cpu_exit run_loop(struct cpu *c)
{
	struct block *prev = NULL;

	while (c->instret < c->stop_at) {
		if (c->irq_point) {
			int ex = irq_point(c);
			if (ex >= 0)
				return (enum cpu_exit)ex;
		}
		struct block *b = next_block(c, prev);
		uint64_t left = c->stop_at - c->instret;
		const struct insn *in = block_insns(b);

		c->leave_block = false;
		c->run_end = in + (b->n < left ? b->n : left);
		c->blk = b;
		c->run_instret = c->instret;
		/* Here, as before every handler the loop calls, eip and instret are in's, and
		 * run_instret is instret less in's index in the block. A chain may go on into the
		 * blocks that follow (fast_enter): then cpu.blk, run_end and run_instret are those
		 * of the block it reached. */
		while (in < c->run_end) {
			c->run_pos = in;
			c->chain_stop = c->stop_at - c->instret > CHAIN_INSNS ? c->instret + CHAIN_INSNS
									   : c->stop_at;
			int st = in->fn(c, in);
			b = c->blk;
			if (st == ST_CHAINED) {
				/* A chain retired everything up to run_pos: bring eip and instret there. */
				const struct insn *at = c->run_pos;
				c->instret = c->run_instret + (uint64_t)(at - block_insns(b));
				c->eip = at < block_insns(b) + b->n ? b->eip + at->off : b->end;
				in = at;
				if (unlikely(c->leave_block))
					break;
				continue;
			}
			/* Any other status: eip and instret are those of run_pos, the instruction it is
			 * about, as a generic handler left them (fast.h). */
			in = c->run_pos;
			if (likely(st == ST_NEXT)) {
				c->eip += in->len;
				c->instret++;
				if (unlikely(c->leave_block))
					break;
				in++;
				/* A generic handler may retire more than once (REP): rebase the run. */
				c->run_instret = c->instret - (uint64_t)(in - block_insns(b));
				continue;
			}
			if (st == ST_JUMP) { /* a taken branch: the common way out of a block */
				c->instret++;
				break;
			}
			int ex = after_insn(c, in, st);
			if (ex >= 0)
				return (enum cpu_exit)ex;
			break;
		}
		prev = c->blk;
	}
	return CPU_EXIT_BUDGET;
}

/* --trace: one line per executed instruction: EIP, bytes and disassembly, then the registers
 * and flags it changed. Slow by design; the decoded form is still what runs. */
static enum cpu_exit run_traced(struct cpu *c)
{
	static const char *const names[GPRS] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	while (c->instret < c->stop_at) {
		if (c->irq_point) {
			int ex = irq_point(c);
			if (ex >= 0)
				return (enum cpu_exit)ex;
		}
		struct block *blk = next_block(c, NULL);
		const struct insn *in = block_insns(blk);
		flags_sync(c);
		uint32_t before[GPRS], fl = c->eflags, eip = c->eip;
		char text[160];

		memcpy(before, c->r, sizeof(before));
		cpu_disasm(c, eip, text, sizeof(text));
		c->leave_block = false;
		c->run_pos = in;
		c->run_end = in + 1; /* one instruction per line: no chaining on */
		c->run_instret = c->instret; /* in is the first of its block */
		c->blk = blk;
		c->chain_stop = 0; /* nor into other blocks */
		int st = in->fn(c, in);
		if (st == ST_CHAINED) {
			/* It retired; eip goes where the block goes on (past a followed JMP, its
			 * target). */
			c->eip = blk->n > 1 ? eip + (uint32_t)block_insns(blk)[1].off : blk->end;
			c->instret++;
			st = ST_NEXT;
		} else if (st == ST_NEXT) {
			c->eip += in->len;
			c->instret++;
		}
		fprintf(c->trace, "%08" PRIx32 "  %s", eip, text);
		for (int i = 0; i < GPRS; i++)
			if (c->r[i] != before[i])
				fprintf(c->trace, " %s=%08" PRIx32, names[i], c->r[i]);
		if (cpu_eflags(c) != fl)
			fprintf(c->trace, " eflags=%08" PRIx32, c->eflags);
		if (st == ST_FAULT)
			fprintf(c->trace, " fault=%" PRIu32, c->fault.vector);
		fputc('\n', c->trace);
		if (st != ST_NEXT) {
			int ex = after_insn(c, in, st);
			if (ex >= 0)
				return (enum cpu_exit)ex;
		}
	}
	return CPU_EXIT_BUDGET;
}

void cpu_reset(struct cpu *c, uint32_t entry)
{
	memset(c->r, 0, sizeof(c->r));
	c->r[REG_EAX] = DVA_MAGIC;
	c->r[REG_ESP] = c->mem.size;
	c->eip = entry;
	c->eflags = DVA_INITIAL_EFLAGS;
	c->lf.op = LF_NONE;
	c->instret = 0;
	c->stop_at = 0;
	c->leave_block = false;
	c->exit_status = 0;
	c->unimpl = 0;
	c->irq_point = false;
	c->no_handler = NULL;
	/* The FNINIT state (DVA-1 section 1): every register +0.0 and tagged empty. */
	memset(&c->fpu, 0, sizeof(c->fpu));
	c->fpu.fcw = 0x037F;
	c->fpu.ftw = 0xFFFF;
	cache_init(&c->cache);
}

void cpu_destroy(struct cpu *c)
{
	if (c->dbg)
		cpu_debug_free(c);
	cache_destroy(&c->cache);
}

int cpu_raise(struct cpu *c, uint32_t vector, uint32_t error)
{
	c->fault.vector = vector;
	c->fault.error = error;
	return ST_FAULT;
}
