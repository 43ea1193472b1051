/* decode.c - turns guest bytes into struct insn entries with Zydis; runs on a cache miss only. */
#include "cpu/decode.h"

#include <string.h>

#include "cpu/debug.h"
#include "cpu/fast.h"
#include "cpu/fpu_fast.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

#define M(x) ZYDIS_MNEMONIC_##x

/* Instructions DVA-1 section 2 removes: #UD with fault_error 1. Segment-register moves and far
 * transfers are recognised by their operands below. */
static bool removed_mnemonic(ZydisMnemonic m)
{
	switch (m) {
	case M(HLT): case M(CLI): case M(STI):
	case M(LDS): case M(LES): case M(LFS): case M(LGS): case M(LSS):
	case M(LGDT): case M(SGDT): case M(LIDT): case M(SIDT): case M(LLDT): case M(SLDT):
	case M(LTR): case M(STR): case M(LMSW): case M(SMSW): case M(CLTS):
	case M(LAR): case M(LSL): case M(VERR): case M(VERW): case M(ARPL):
	case M(INVD): case M(WBINVD): case M(INVLPG):
	case M(RDMSR): case M(WRMSR): case M(RDPMC):
	case M(SYSENTER): case M(SYSEXIT): case M(SYSCALL): case M(SYSRET): case M(RSM):
	case M(INT1):
		return true;
	default:
		return false;
	}
}

/* An entry that raises an exception when executed (op_fault reads vector, error, address). */
static void fault_entry(struct insn *in, uint32_t vector, uint32_t error, uint32_t addr, unsigned len)
{
	memset(in, 0, sizeof(*in));
	in->fn = op_fault;
	in->imm = vector;
	in->imm2 = error;
	in->disp = addr;
	in->len = (uint8_t)(len ? len : 1);
	in->base = in->index = NOREG;
}

/* GPR number of a 8/16/32-bit general register, or -1. Sets *high for AH/CH/DH/BH. */
static int gpr_number(ZydisRegister r, bool *high)
{
	*high = false;
	switch (ZydisRegisterGetClass(r)) {
	case ZYDIS_REGCLASS_GPR32:
		return r - ZYDIS_REGISTER_EAX;
	case ZYDIS_REGCLASS_GPR16:
		return r - ZYDIS_REGISTER_AX;
	case ZYDIS_REGCLASS_GPR8:
		/* Zydis orders them AL CL DL BL AH CH DH BH. */
		if (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH) {
			*high = true;
			return r - ZYDIS_REGISTER_AH;
		}
		if (r >= ZYDIS_REGISTER_AL && r <= ZYDIS_REGISTER_BL)
			return r - ZYDIS_REGISTER_AL;
		return -1;
	default:
		return -1;
	}
}

enum operands_result { OPS_OK, OPS_REMOVED, OPS_UNSUPPORTED };

/* Fill the operand fields of in from Zydis's visible operands. */
static enum operands_result fill_operands(struct insn *in, const ZydisDecodedInstruction *zi,
					  const ZydisDecodedOperand *ops, uint32_t eip)
{
	unsigned nimm = 0;
	for (unsigned k = 0; k < zi->operand_count_visible && k < 3; k++) {
		const ZydisDecodedOperand *o = &ops[k];
		in->sz[k] = (uint8_t)(o->size / 8);
		switch (o->type) {
		case ZYDIS_OPERAND_TYPE_REGISTER: {
			bool high;
			int g = gpr_number(o->reg.value, &high);
			if (g < 0 && ZydisRegisterGetClass(o->reg.value) == ZYDIS_REGCLASS_X87) {
				in->kind[k] = OPK_ST;
				in->reg[k] = (uint8_t)(o->reg.value - ZYDIS_REGISTER_ST0);
				break;
			}
			if (g < 0) {
				ZydisRegisterClass rc = ZydisRegisterGetClass(o->reg.value);
				/* Segment, control and debug registers: DVA-1 removed their moves. */
				if (rc == ZYDIS_REGCLASS_SEGMENT || rc == ZYDIS_REGCLASS_CONTROL ||
				    rc == ZYDIS_REGCLASS_DEBUG)
					return OPS_REMOVED;
				return OPS_UNSUPPORTED;
			}
			in->kind[k] = OPK_REG;
			in->reg[k] = (uint8_t)(g * 4 + (high ? 1 : 0));
			break;
		}
		case ZYDIS_OPERAND_TYPE_MEMORY: {
			bool high;
			in->kind[k] = OPK_MEM;
			in->disp = (uint32_t)o->mem.disp.value;
			in->base = NOREG;
			in->index = NOREG;
			if (o->mem.base != ZYDIS_REGISTER_NONE) {
				int g = gpr_number(o->mem.base, &high);
				if (g < 0)
					return OPS_UNSUPPORTED;
				in->base = (uint8_t)g;
			}
			if (o->mem.index != ZYDIS_REGISTER_NONE) {
				int g = gpr_number(o->mem.index, &high);
				if (g < 0)
					return OPS_UNSUPPORTED;
				in->index = (uint8_t)g;
				in->scale = (uint8_t)(o->mem.scale == 8 ? 3 : o->mem.scale == 4 ? 2 : o->mem.scale == 2 ? 1 : 0);
			}
			break;
		}
		case ZYDIS_OPERAND_TYPE_IMMEDIATE: {
			uint32_t v = (uint32_t)o->imm.value.u;
			if (o->imm.is_relative) {
				v = eip + zi->length + v;
				if (zi->operand_width == 16)
					v &= 0xFFFF;
			}
			in->kind[k] = OPK_IMM;
			in->reg[k] = (uint8_t)(nimm ? 1 : 0);
			if (nimm++)
				in->imm2 = v;
			else
				in->imm = v;
			break;
		}
		case ZYDIS_OPERAND_TYPE_POINTER: /* far CALL/JMP ptr16:32 */
			return OPS_REMOVED;
		default:
			return OPS_UNSUPPORTED;
		}
	}
	return OPS_OK;
}

/* Decode one instruction at eip. Returns the row's attributes, or -1 for a fault entry. */
static int decode_at(struct cpu *c, uint32_t eip, struct insn *in)
{
	uint8_t bytes[ZYDIS_MAX_INSTRUCTION_LENGTH];
	unsigned avail = mem_fetch(&c->mem, eip, sizeof(bytes), bytes);
	uint32_t fetch_fault = DVA_PF_I;

	if (avail == 0) { /* op_fault completes the error code with P and U from the address */
		fault_entry(in, DVA_VEC_PF, fetch_fault, eip, 1);
		return -1;
	}

	/* The two virtual instructions, 0F 3F 01 and 0F 3F 02 (DVA-1 section 4). */
	if (avail >= 2 && bytes[0] == DVA_VI_ESCAPE0 && bytes[1] == DVA_VI_ESCAPE1) {
		if (avail < 3) {
			fault_entry(in, DVA_VEC_PF, fetch_fault, eip + avail, 3);
			return -1;
		}
		if (bytes[2] != DVA_VI_IDLE && bytes[2] != DVA_VI_TERMINATE) {
			fault_entry(in, DVA_VEC_UD, 0, 0, 3);
			return -1;
		}
		memset(in, 0, sizeof(*in));
		in->fn = bytes[2] == DVA_VI_IDLE ? op_idle : op_terminate;
		in->len = 3;
			in->sz[0] = 4;
		in->base = in->index = NOREG;
		return A_END;
	}

	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	c->cache.stats.decodes++;
	ZyanStatus s = ZydisDecoderDecodeFull(&c->cache.zydis, bytes, avail, &zi, ops);
	if (s == ZYDIS_STATUS_NO_MORE_DATA && avail < sizeof(bytes)) {
		/* The instruction runs into bytes that cannot be fetched. */
		fault_entry(in, DVA_VEC_PF, fetch_fault, eip + avail, avail);
		return -1;
	}
	if (s == ZYDIS_STATUS_INSTRUCTION_TOO_LONG) {
		fault_entry(in, DVA_VEC_GP, 0, 0, sizeof(bytes));
		return -1;
	}
	if (!ZYAN_SUCCESS(s)) { /* undecodable bytes, misplaced LOCK, ... */
		fault_entry(in, DVA_VEC_UD, 0, 0, 1);
		return -1;
	}
	if (removed_mnemonic(zi.mnemonic) || zi.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) {
		fault_entry(in, DVA_VEC_UD, DVA_UD_REMOVED, 0, zi.length);
		return -1;
	}
	/* 0F 19 to 0F 1F are the P6's hint NOPs (SDM Vol. 2, NOP): later processors gave some of
	 * them meanings (ENDBR32, which Debian's libgcc carries, RDSSPD, ...) that a P6 ignores. */
	bool hint_nop = zi.opcode_map == ZYDIS_OPCODE_MAP_0F && zi.opcode >= 0x19 && zi.opcode <= 0x1F;
	if (!hint_nop && zi.meta.isa_ext != ZYDIS_ISA_EXT_BASE && zi.meta.isa_ext != ZYDIS_ISA_EXT_X87 &&
	    zi.meta.isa_ext != ZYDIS_ISA_EXT_PAUSE) { /* MMX, SSE and later: not in DVA-1 */
		fault_entry(in, DVA_VEC_UD, 0, 0, zi.length);
		return -1;
	}

	memset(in, 0, sizeof(*in));
	in->len = zi.length;
	if (zi.address_width == 16)
		in->pfx |= PFX_A16;
	in->mnem = (uint16_t)(hint_nop ? ZYDIS_MNEMONIC_NOP : zi.mnemonic); /* op_generic's row */
	in->base = in->index = NOREG;

	/* Anything the opcode table does not list raises #UD (fault_error 0): UD0/UD1/UD2, SALC
	 * and the other undocumented opcodes (FSTPNCE, FFREEP, ...). */
	const struct opdef *row = optable_find(hint_nop ? M(NOP) : zi.mnemonic);
	if (!row) {
		fault_entry(in, DVA_VEC_UD, 0, 0, zi.length);
		return -1;
	}
	if (hint_nop) {
		/* A hint NOP's operands (MPX bound registers, ...) mean nothing on a P6. */
	} else if (row->attr & A_IMPLICIT) {
		in->sz[0] = (uint8_t)(zi.operand_width / 8);
	} else {
		enum operands_result r = fill_operands(in, &zi, ops, eip);
		if (r == OPS_REMOVED) {
			fault_entry(in, DVA_VEC_UD, DVA_UD_REMOVED, 0, zi.length);
			return -1;
		}
		if (r == OPS_UNSUPPORTED) {
			in->fn = op_unimpl;
			return A_END;
		}
	}
	if (zi.attributes & ZYDIS_ATTRIB_HAS_LOCK) {
		if (!(row->attr & A_LOCK) || in->kind[0] != OPK_MEM) {
			fault_entry(in, DVA_VEC_UD, 0, 0, zi.length);
			return -1;
		}
		in->pfx |= PFX_LOCK;
	}
	if (zi.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE))
		in->pfx |= PFX_REP;
	if (zi.attributes & ZYDIS_ATTRIB_HAS_REPNE)
		in->pfx |= PFX_REPNE;
	if ((row->attr & A_RMW) && in->kind[0] == OPK_MEM)
		in->pfx |= PFX_RMW;
	if (zi.operand_width == 16)
		in->pfx |= PFX_O16;
	in->cc = row->cc;
	in->fn = op_generic; /* row->fn, entered so that a chain may reach it */
	insn_fn fast = fast_form(zi.mnemonic, in);
	if (!fast)
		fast = fpu_fast_form(zi.mnemonic, in);
	if (fast) {
		in->fn = fast;
		in->pfx |= PFX_CHAIN;
	}
	/* x87 instructions have no immediates: imm2 carries the FOP the FPU records (SDM Vol. 1,
	 * 8.1.9: the first opcode byte's low 3 bits, then the ModR/M byte). */
	if (zi.meta.isa_ext == ZYDIS_ISA_EXT_X87)
		in->imm2 = (uint32_t)((zi.opcode & 7u) << 8 | zi.raw.modrm.mod << 6 |
				      zi.raw.modrm.reg << 3 | zi.raw.modrm.rm);

	int attr = row->attr;
	/* A REP string instruction retires more than once: the loop must recount its budget. */
	if ((attr & A_STR) && (in->pfx & (PFX_REP | PFX_REPNE)))
		attr |= A_END;
	return attr;
}

int decode_one(struct cpu *c, uint32_t eip, struct insn *in)
{
	return decode_at(c, eip, in);
}

/* Whether [lo, hi) lies inside one read-only range of the image (its bytes cannot change). */
static bool read_only_code(const struct guest_mem *m, uint32_t lo, uint32_t hi)
{
	for (unsigned i = 0; i < m->nro; i++)
		if (m->ro[i].start <= lo && hi <= m->ro[i].end)
			return true;
	return false;
}

/* Whether the block goes on at the target of its last instruction, in[n - 1], a JMP rel (set
 * *a to it and make the JMP a pass-through): so an unconditional jump costs no block
 * transition. Only to an address on the block's first page (so the block's bytes stay on one
 * page) that the block has not decoded yet (a loop ends the block), with room for more. */
static bool follow_jump(struct insn *in, uint32_t n, uint32_t eip, uint32_t *a)
{
	struct insn *j = &in[n - 1];
	if (j->mnem != ZYDIS_MNEMONIC_JMP || j->kind[0] != OPK_IMM || !(j->pfx & PFX_CHAIN) ||
	    n >= BLOCK_MAX || (j->imm >> DVA_PAGE_SHIFT) != (eip >> DVA_PAGE_SHIFT))
		return false;
	for (uint32_t k = 0; k < n; k++)
		if (eip + (uint32_t)in[k].off == j->imm)
			return false;
	j->fn = fast_jmp_through;
	*a = j->imm;
	return true;
}

static struct block *debug_block(struct code_cache *cc, uint32_t eip, uint32_t end, uint32_t lo,
				 uint32_t hi, struct insn *in, bool brk);

struct block *decode_block(struct cpu *c, uint32_t eip)
{
	struct code_cache *cc = &c->cache;
	cc->stats.misses++;
	/* A CPU with breakpoints decodes everything itself: a shared block links to other shared
	 * blocks for every VM of the image (cache.h), so one that held a breakpoint, or led to one,
	 * would stop them all or none. */
	bool dbg = c->dbg != NULL, own = dbg && debug_private(c);
	if (c->shared && !own) {
		struct block *b = cache_lookup(c->shared, eip);
		if (b) {
			cache_link(cc, b);
			return b;
		}
	}

	struct insn in[BLOCK_MAX];
	uint32_t n = 0, a = eip, lo = eip, hi = eip;
	bool alone = false; /* a block of one instruction, checked by a debug handler first */
	while (n < BLOCK_MAX) {
		if (dbg && n > 0 && debug_break_at(c, a))
			break; /* the breakpoint's instruction starts a block of its own */
		int attr = decode_at(c, a, &in[n]);
		if (attr < 0 && n > 0)
			break; /* let the fault happen when execution reaches it, in its own block */
		in[n].off = (int16_t)(a - eip);
		in[n].idx = (uint8_t)n;
		lo = a < lo ? a : lo;
		a += in[n].len;
		hi = a > hi ? a : hi;
		n++;
		if (dbg && (debug_break_at(c, eip) || debug_read_watch(c))) {
			alone = true;
			break;
		}
		if (attr >= 0 && (attr & A_END) && follow_jump(in, n, eip, &a))
			continue;
		if (attr < 0 || (attr & A_END))
			break;
		if ((a >> DVA_PAGE_SHIFT) != (eip >> DVA_PAGE_SHIFT))
			break;
	}
	if (in[n - 1].fn == fast_jmp_through) { /* nothing was decoded after it: a jump again */
		in[n - 1].fn = fast_form(ZYDIS_MNEMONIC_JMP, &in[n - 1]);
		a = eip + (uint32_t)in[n - 1].off + in[n - 1].len;
	}
	for (uint32_t i = 0; i + 1 < n; i++) {
		insn_fn fused = (in[i].pfx & PFX_CHAIN) ? fast_fuse(&in[i], &in[i + 1]) : NULL;
		if (!fused && (in[i].pfx & PFX_CHAIN))
			fused = fpu_fast_fuse(&in[i], &in[i + 1]);
		if (fused)
			in[i].fn = fused;
	}
	for (uint32_t i = 0; i + 1 < n; i++) {
		insn_fn nf = (in[i].pfx & PFX_CHAIN) ? fast_dead_flags(&in[i], &in[i + 1]) : NULL;
		if (nf)
			in[i].fn = nf;
	}
	if (c->shared && !own && c->shared->pool_bytes < CACHE_SHARED_MAX && hi > lo &&
	    read_only_code(&c->mem, lo, hi)) {
		struct block *b = cache_add(c->shared, eip, a, lo, hi, in, n);
		cache_link(cc, b);
		return b;
	}
	/* Mark the pages this block's bytes lie on, so a store there invalidates it. */
	for (uint32_t pfn = lo >> DVA_PAGE_SHIFT; pfn <= (hi - 1) >> DVA_PAGE_SHIFT; pfn++)
		if (pfn > 0 && pfn < (c->mem.size >> DVA_PAGE_SHIFT))
			c->mem.pflags[pfn] |= PG_CODE;
	if (alone)
		return debug_block(cc, eip, a, lo, hi, in, debug_break_at(c, eip));
	return cache_add(cc, eip, a, lo, hi, in, n);
}

/* The one-instruction block of a debugged CPU (debug.h): in[0] gets the debug handler, and a
 * copy of the instruction as decoded follows it, past the block's end (n = 1), for that
 * handler to run: nothing in the run loop or the chains ever reaches it on its own. */
static struct block *debug_block(struct code_cache *cc, uint32_t eip, uint32_t end, uint32_t lo,
				 uint32_t hi, struct insn *in, bool brk)
{
	in[1] = in[0];
	in[0].fn = brk ? op_break : op_watch_read;
	struct block *b = cache_add(cc, eip, end, lo, hi, in, 2);
	b->n = 1;
	return b;
}
