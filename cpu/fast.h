/* fast.h - specialised handlers for the hottest instruction forms (fast.c). */
#ifndef DENALI_FAST_H
#define DENALI_FAST_H

#include <Zydis/Zydis.h>

#include "cpu/insn.h"

/* Chaining. A specialised handler (PFX_CHAIN) jumps straight to the next instruction's handler
 * while the run of the block (cpu.run_end, set by the run loop) is not over: a run of them
 * costs one call from the loop and a tail call each, each from its own site, which the host
 * predicts far better than the loop's one indirect call. They keep no per-instruction
 * bookkeeping: eip and instret follow from the position in the block (cpu.h). Any handler may
 * be entered so: an instruction without a specialised form has op_generic (or one of the
 * special entries of system.c), which first brings eip and instret up to date
 * (fast_enter_generic) and returns its status to the loop. When the chain stops, cpu.run_pos
 * says where: the next instruction to run (ST_CHAINED), or the one whose status is returned. */
static FORCE_INLINE int chain(struct cpu *c, const struct insn *in)
{
	const struct insn *nx = in + 1;
	if (__builtin_expect(nx < c->run_end, 1))
		return nx->fn(c, nx);
	c->run_pos = nx;
	return ST_CHAINED;
}

/* The memory operand's address for a specialised form: they are all chosen for 32-bit
 * addressing, so there is no 16-bit wrap to apply. */
static FORCE_INLINE uint32_t ea32(const struct cpu *c, const struct insn *in)
{
	return in->disp + c->r[in->base] + (c->r[in->index] << in->scale);
}

/* The address of instruction in of the running block. */
static FORCE_INLINE uint32_t insn_eip(const struct cpu *c, const struct insn *in)
{
	return c->blk->eip + in->off;
}

/* Make eip and instret those of instruction in (not yet run), as a generic handler needs. */
static FORCE_INLINE void fast_sync(struct cpu *c, const struct insn *in)
{
	c->instret = c->run_instret + in->idx;
	c->eip = insn_eip(c, in);
}

/* The start of every handler that is not a specialised form: eip and instret made current
 * (a chain may have entered it), and the status it returns is about it. */
static FORCE_INLINE void fast_enter_generic(struct cpu *c, const struct insn *in)
{
	fast_sync(c, in);
	c->run_pos = in;
}

/* An instruction without a specialised form: its opcode table handler, entered as above. */
int op_generic(struct cpu *c, const struct insn *in);

/* A specialised handler's way out to the generic one (memory that is not plain, a fault):
 * it runs with eip and instret current, and its status goes back to the loop. */
static FORCE_INLINE int fast_fallback(struct cpu *c, const struct insn *in, insn_fn generic)
{
	fast_sync(c, in);
	c->run_pos = in;
	return generic(c, in);
}

/* A specialised control transfer: instret counts up to in (the loop retires it), eip = to. */
static FORCE_INLINE int fast_jump(struct cpu *c, const struct insn *in, uint32_t to)
{
	c->instret = c->run_instret + in->idx;
	c->eip = to;
	c->run_pos = in;
	return ST_JUMP;
}

/* A JMP rel whose block decode continued at the target (decode.c). */
int fast_jmp_through(struct cpu *c, const struct insn *in);

/* A handler specialised for this decoded instruction's form, or NULL for the generic one. */
insn_fn fast_form(ZydisMnemonic m, const struct insn *in);
/* For a CMP/TEST (first) directly followed by a Jcc (second) in one block, both with fast forms:
 * the handler that runs the pair at first's place, or NULL. */
insn_fn fast_fuse(const struct insn *first, const struct insn *second);
/* For a register-only ALU form (in) whose flags the next instruction of its block (next, after
 * fusion) rewrites before anything can see them: the variant that skips them, or NULL. */
insn_fn fast_dead_flags(const struct insn *in, const struct insn *next);

/* A control transfer to to, whose block t (or NULL) was found: when the budget allows, the
 * chain goes on into it without returning to the run loop (which would make one
 * hard-to-predict indirect call per block); otherwise as fast_jump. For a direct transfer
 * (a fixed address) t is the block linked from this one, or one the jump table knows (a
 * block with several exits has more successors than links). */
static FORCE_INLINE int fast_enter(struct cpu *c, const struct insn *in, struct block *t,
				   uint32_t to)
{
	uint64_t done = c->run_instret + in->idx + 1u; /* in has retired */
	if (!t || done >= c->chain_stop)
		return fast_jump(c, in, to);
	uint64_t left = c->stop_at - done;
	c->blk = t;
	c->run_instret = done;
	const struct insn *first = block_insns(t); /* no load on the way to its handler */
	c->run_end = first + (t->n < left ? t->n : left);
	return first->fn(c, first); /* any handler may be chained into */
}
static FORCE_INLINE int fast_jump_linked(struct cpu *c, const struct insn *in, uint32_t to)
{
	struct block *t = block_follow(&c->cache, c->blk, to);
	return fast_enter(c, in, t ? t : jump_lookup(&c->cache, to), to);
}
/* The same for a computed target (JMP r/m32, RET), found in the cache's jump table. */
static FORCE_INLINE int fast_jump_indirect(struct cpu *c, const struct insn *in, uint32_t to)
{
	return fast_enter(c, in, jump_lookup(&c->cache, to), to);
}

#endif
