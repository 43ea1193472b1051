/* decode.h - Zydis to our decoded form, one block at a time, on a cache miss. */
#ifndef DENALI_DECODE_H
#define DENALI_DECODE_H

#include "cpu/cache.h"
#include "cpu/cpu.h"

/* The block at eip when the CPU's own cache has none: found in the image's shared cache (and
 * linked into the CPU's), or decoded. A block that lies wholly in the image's read-only bytes
 * goes to the shared cache, so every VM of the image uses the one decode; any other block is
 * the CPU's own. An instruction that cannot be fetched or decoded becomes an entry that raises
 * its exception when it runs, so a block always has at least one instruction. Never fails. */
struct block *decode_block(struct cpu *c, uint32_t eip);

/* Decode the single instruction at eip into *in (for diagnostics and tests). Returns its row's
 * attributes, or -1 when it decodes to a fault entry. */
int decode_one(struct cpu *c, uint32_t eip, struct insn *in);

#endif
