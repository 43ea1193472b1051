/* gen.c - diff-gen's case builder: inputs, operands and masks for one instruction form. */

/* Each case is ONE instruction form from forms.c with edge-biased inputs: all eight registers
 * and the arithmetic flags and DF loaded, the instruction run (branches: a taken and a not-taken
 * path that record which ran), then every register, EFLAGS and a hash of the memory recorded by
 * driver.c. Registers holding addresses are emitted relative to diff_area (or a code label), and
 * so are the addresses an instruction pushes, so no absolute address reaches the output.
 *
 * Masks come from the opcode table (cpu/optable.c): a row's undef flags are never compared;
 * A_OF1 makes OF compared only for a count of 1; A_BIGCNT masks flags and result of a 16-bit
 * SHLD/SHRD whose count exceeds 16. A_SRCZERO (BSF/BSR leave the destination unchanged on a zero
 * source) needs no mask: DVA-1 and real processors agree. One rule the table has no attribute
 * for is applied here: SHL/SHR leave CF undefined for a count >= the width (Intel SDM Vol. 2B,
 * SAL/SAR/SHL/SHR, "Flags Affected"), and a count of 0 leaves every flag unchanged.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/diff/gen.h"

static const char *const reg32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const reg16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const reg8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };

/* snprintf that refuses to truncate: a cut instruction would assemble to something else. */
static void say(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "diff-gen: text too long: %s\n", buf);
		abort();
	}
}

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };
#define BIT(r) (1u << (r))

uint32_t rng_next(struct rng *g)
{
	/* xorshift64*: small, seedable, the same on every host */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(struct rng *g, uint32_t n)
{
	return rng_next(g) % n;
}

static uint32_t vmask(unsigned n)
{
	return n >= 4 ? 0xFFFFFFFFu : (1u << (8 * n)) - 1u;
}

/* An edge-biased n-byte value in the low bytes; the other bytes are random, 0 or all ones. */
static uint32_t edge(struct rng *g, unsigned n)
{
	uint32_t m = vmask(n), sign = 1u << (8 * n - 1), v;
	uint32_t hi = rng_next(g);

	switch (below(g, 16)) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = sign - 1; break;        /* 0x7f.. */
	case 3: v = sign; break;            /* 0x80.. */
	case 4: v = m; break;               /* 0xff.. */
	case 5: v = sign + 1; break;
	case 6: v = m - 1; break;
	case 7: v = 2 + below(g, 15); break;
	case 8: v = 0x0F + below(g, 2); break; /* nibble carries */
	case 9: v = below(g, 2) ? 0x55555555u : 0xAAAAAAAAu; break;
	case 10: v = (uint32_t)below(g, 10) * 0x11u + below(g, 10) * 0x100u; break; /* BCD-ish */
	default: v = rng_next(g); break;
	}
	if (below(g, 4) == 0)
		hi = below(g, 2) ? 0 : 0xFFFFFFFFu;
	return (v & m) | (hi & ~m);
}

/* A shift count of class slot % 8: 0, 1, width-1, width, > width, 31, 32 or random. The
 * caller spreads slots over a mnemonic's forms and visits, so every class is reached. */
static uint32_t shift_count(struct rng *g, unsigned w, unsigned slot)
{
	switch (slot % 8) {
	case 0: return 0;
	case 1: return 1;
	case 2: return w - 1;
	case 3: return w;
	case 4: return w + 1 + below(g, 256 - w - 1);
	case 5: return 31;
	case 6: return 32;
	default: return below(g, 256);
	}
}

/* Registers: place an n-byte value into register r's slot (r is the encoding number). */
static void set_reg(struct gcase *gc, unsigned r, unsigned n, uint32_t v)
{
	if (n == 1 && r >= 4)
		gc->in[r - 4] = (gc->in[r - 4] & ~0xFF00u) | ((v & 0xFF) << 8);
	else
		gc->in[r] = (gc->in[r] & ~vmask(n)) | (v & vmask(n));
}
static uint32_t get_reg(const struct gcase *gc, unsigned r, unsigned n)
{
	if (n == 1 && r >= 4)
		return (gc->in[r - 4] >> 8) & 0xFF;
	return gc->in[r] & vmask(n);
}
static unsigned parent(unsigned r, unsigned n)
{
	return n == 1 ? r & 3 : r;
}
static const char *reg_name(unsigned r, unsigned n)
{
	return n == 1 ? reg8[r] : n == 2 ? reg16[r] : reg32[r];
}

/* A register of size n whose 32-bit parent is not in avoid (ESP is always avoided). */
static int pick_reg(struct rng *g, unsigned n, unsigned avoid)
{
	avoid |= BIT(ESP);
	for (int tries = 0; tries < 64; tries++) {
		unsigned r = below(g, 8);
		if (!(avoid & BIT(parent(r, n))))
			return (int)r;
	}
	for (unsigned r = 0; r < 8; r++)
		if (!(avoid & BIT(parent(r, n))))
			return (int)r;
	return -1;
}

static const char *ptr_name(unsigned n)
{
	return n == 1 ? "byte ptr " : n == 2 ? "word ptr " : n == 4 ? "dword ptr " : n == 8 ? "qword ptr " : "";
}

/* "+0x10", "-0x8" or "" */
static void disp_text(char *buf, size_t cap, int32_t d)
{
	if (d == 0)
		buf[0] = 0;
	else if (d < 0)
		say(buf, cap, "-0x%" PRIx32, (uint32_t)-(int64_t)d);
	else
		say(buf, cap, "+0x%" PRIx32, (uint32_t)d);
}

/* Per-case state of the operand builder. */
struct build {
	struct rng *g;
	struct gcase *gc;
	unsigned claimed;   /* GPRs used implicitly: never a base or index */
	unsigned addr;      /* GPRs holding a memory operand's address: nothing else */
	int nitem;
	uint32_t mem_at;    /* where the memory operand is (see DIFF_IN_LOW), or ~0 */
	int mem_base;       /* its base register, or -1 */
	int regop[3];       /* register number of each register operand, or -1 */
	uint32_t immv[3];   /* value of each immediate operand */
	uint32_t stack_sp;  /* ESP offset for the case */
	unsigned slot;      /* spreads count classes over forms and visits */
};

static void add_item(struct build *b, uint32_t at, uint32_t size, uint32_t val, enum adj adj)
{
	if (b->nitem < DIFF_ITEMS)
		b->gc->item[b->nitem++] = (struct gitem){ at, size, val, adj };
}

static void add_fix(struct gcase *gc, uint32_t at, uint32_t size, enum adj sub, uint32_t mask)
{
	for (int k = 0; k < DIFF_FIXES; k++)
		if (!gc->fix[k].size) {
			gc->fix[k] = (struct gfix){ at, size, mask, sub };
			return;
		}
}

/* A memory operand of n bytes in diff_area at a random data offset; writes its text to out.
 * Chooses one of: [base], [base+disp8], [base+disp32], [base+index*s+disp], [index*s+sym],
 * [sym] (absolute), [esp+...] when esp_ok; base and index are claimed. esp_bias is added to
 * ESP's value when the address is computed after an implicit ESP change (POP m). */
static void mem_operand(struct build *b, unsigned n, bool esp_ok, int esp_bias, char *out, size_t cap)
{
	struct rng *g = b->g;
	struct gcase *gc = b->gc;
	unsigned span = n == 8 ? 8 : 4;
	uint32_t off = 64 + below(g, DIFF_DATA_END - 128);
	if (below(g, 4))
		off &= ~(span - 1); /* mostly aligned, sometimes not */
	int mode = (int)below(g, esp_ok ? 7 : 6);
	int base = -1, index = -1, scale = 1 << below(g, 4);
	int32_t idxv = 0, disp = 0;
	char ds[24], idx[16] = "";

	if (mode == 6)
		base = ESP;
	else if (mode <= 3)
		base = pick_reg(g, 4, b->claimed | b->addr);
	if (base >= 0)
		b->addr |= BIT(base);
	if (mode == 3 || mode == 4) {
		index = pick_reg(g, 4, b->claimed | b->addr);
		static const int32_t iv[] = { 0, 1, 2, 3, -1, -2, -4, 7, 16, -16, 100, -100 };
		idxv = iv[below(g, sizeof iv / sizeof iv[0])];
		b->addr |= BIT(index);
		gc->in[index] = (uint32_t)idxv;
		say(idx, sizeof idx, "%s*%d", reg32[index], scale);
	}
	switch (mode) {
	case 1: disp = (int32_t)below(g, 256) - 128; break;
	case 2: case 3: case 6: {
		static const int32_t dv[] = { 0, 4, -4, 0x80, -0x81, 0x12345, -0x10000, 0x7FFFFFF0 };
		disp = dv[below(g, sizeof dv / sizeof dv[0])];
		break;
	}
	default: break;
	}
	int32_t rel = (int32_t)off - idxv * scale - disp; /* the base's value, area-relative */
	if (base == ESP) {
		disp = (int32_t)off - idxv * scale - (int32_t)(b->stack_sp + (uint32_t)esp_bias);
	} else if (base >= 0) {
		gc->in[base] = (uint32_t)rel;
		gc->adj[base] = gc->oadj[base] = ADJ_AREA;
	}
	if (base < 0) {
		/* the displacement carries the area's address */
		disp_text(ds, sizeof ds, (int32_t)off - idxv * scale);
		say(out, cap, "%s[%s%sdiff_area%s]", ptr_name(n), idx, idx[0] ? "+" : "", ds);
	} else {
		disp_text(ds, sizeof ds, disp);
		say(out, cap, "%s[%s%s%s%s]", ptr_name(n), reg32[base], idx[0] ? "+" : "", idx, ds);
	}
	b->mem_at = off;
	b->mem_base = base;
	gc->abs_mem = base < 0 && index < 0;
	gc->show = off;
	add_item(b, off, n == 8 ? 4 : n, edge(g, n == 8 ? 4 : n), ADJ_0);
	if (n == 8)
		add_item(b, off + 4, 4, edge(g, 4), ADJ_0);
}

/* The 16-bit addressing forms ([bx+si], [bp+di+d8], [disp16] ...). With target (an offset in the
 * low window) the registers are chosen so the address lands there, with random upper halves
 * (which 16-bit addressing must ignore); without, every value is random (LEA). */
static void mem16_operand(struct build *b, unsigned n, bool target, char *out, size_t cap)
{
	static const int combos[][2] = {
		{ EBX, ESI }, { EBX, EDI }, { EBP, ESI }, { EBP, EDI }, { ESI, -1 }, { EDI, -1 },
		{ EBX, -1 }, { EBP, -1 }, { -1, -1 },
	};
	struct rng *g = b->g;
	struct gcase *gc = b->gc;
	const int *c;

	for (int tries = 0;; tries++) {
		c = combos[below(g, sizeof combos / sizeof combos[0])];
		unsigned no = b->claimed | b->addr;
		if (!((c[0] >= 0 && (no & BIT(c[0]))) || (c[1] >= 0 && (no & BIT(c[1])))))
			break;
		if (tries > 50) {
			c = combos[8];
			break;
		}
	}
	uint32_t want = DIFF_LOW_BASE + 0x100 + below(g, DIFF_LOW_SIZE - 0x200);
	uint32_t disp = 0;
	bool has_disp = c[0] < 0 || c[0] == EBP || below(g, 2);
	if (has_disp)
		disp = c[0] < 0 ? want : (below(g, 2) ? (uint32_t)(int32_t)(int8_t)rng_next(g) : rng_next(g) & 0xFFFF);
	uint32_t sum = disp;
	for (int k = 0; k < 2; k++)
		if (c[k] >= 0) {
			b->addr |= BIT(c[k]);
			uint32_t v = rng_next(g);
			if (target && (k == 1 || c[1] < 0))
				v = (v & 0xFFFF0000u) | ((want - sum) & 0xFFFF);
			gc->in[c[k]] = v;
			sum += v;
		}
	char ds[24] = "";
	int32_t sd = (int32_t)(disp & 0xFFFF);
	if (c[0] < 0)
		say(ds, sizeof ds, "0x%x", (unsigned)(disp & 0xFFFF));
	else if (has_disp)
		disp_text(ds, sizeof ds, sd > 0x7FFF ? sd - 0x10000 : sd);
	say(out, cap, "%s[%s%s%s%s]", ptr_name(n), c[0] >= 0 ? reg16[c[0]] : "",
		 c[1] >= 0 ? "+" : "", c[1] >= 0 ? reg16[c[1]] : "", ds);
	if (target) {
		uint32_t at = DIFF_IN_LOW | (want - DIFF_LOW_BASE);
		gc->flags |= DCF_LOW;
		gc->show = at;
		b->mem_at = at;
		add_item(b, at, n, edge(g, n), ADJ_0);
	}
}

/* An address that is never accessed: any registers, any values (LEA, NOP r/m). */
static void addr_operand(struct build *b, unsigned n, bool a16, char *out, size_t cap)
{
	struct rng *g = b->g;
	if (a16) {
		mem16_operand(b, n, false, out, cap);
		return;
	}
	int base = below(g, 5) ? pick_reg(g, 4, 0) : -1;
	int index = below(g, 2) ? pick_reg(g, 4, 0) : -1;
	char ds[24], idx[16] = "";
	static const int32_t dv[] = { 0, 1, -1, 0x7F, -0x80, 0x80, 0x7FFFFFFF, (int32_t)0x80000000 };
	int32_t disp = below(g, 3) ? dv[below(g, 8)] : (int32_t)rng_next(g);
	if (base < 0 && index < 0)
		base = EAX;
	if (index >= 0)
		say(idx, sizeof idx, "%s%s*%d", base >= 0 ? "+" : "", reg32[index], 1 << below(g, 4));
	disp_text(ds, sizeof ds, disp);
	say(out, cap, "%s[%s%s%s]", ptr_name(n), base >= 0 ? reg32[base] : "", idx, ds);
}

static void imm_text(char *buf, size_t cap, uint32_t v, const struct opnd *o)
{
	if (o->attr == OA_SX)
		say(buf, cap, "%d", (int)(int8_t)v);
	else
		say(buf, cap, "0x%" PRIx32, v & vmask(o->size));
}

/* The operations's width in bytes: operand 0's size. */
static unsigned width0(const struct form *f)
{
	return f->op[0].size;
}

/* Registers a family uses implicitly: never a base or index. */
static unsigned implicit_regs(const struct form *f)
{
	switch (f->t->fam) {
	case F_MUL1: case F_DIV: return BIT(EAX) | BIT(EDX);
	case F_CMPXCHG: return BIT(EAX);
	case F_CX8: return BIT(EAX) | BIT(ECX) | BIT(EDX) | BIT(EBX);
	case F_SHIFT: case F_SHXD: return BIT(ECX);
	default: return 0;
	}
}

/* An immediate for operand k: counts for shifts, bases for AAM/AAD, else an edge value. */
static uint32_t imm_value(struct build *b, const struct form *f, int k)
{
	struct rng *g = b->g;
	switch (f->t->fam) {
	case F_SHIFT: case F_SHXD:
		return shift_count(g, 8 * width0(f), b->slot);
	case F_AAMD: {
		static const uint32_t base[] = { 10, 16, 1, 2, 7, 0xFF, 0x80 };
		uint32_t v = below(g, 3) ? base[below(g, 7)] : below(g, 256);
		return v ? v : 10; /* AAM 0 raises #DE */
	}
	default:
		return edge(g, f->op[k].size);
	}
}

/* Build the explicit operands of a plain form; returns the operand text in ops. */
static void build_operands(struct build *b, const struct form *f, char *ops, size_t cap)
{
	struct rng *g = b->g;
	struct gcase *gc = b->gc;
	char txt[3][64];

	/* memory first: its base and index are claimed before registers are picked */
	for (int k = 0; k < f->nops; k++) {
		const struct opnd *o = &f->op[k];
		txt[k][0] = 0;
		if (o->cls == OC_MEM)
			mem_operand(b, o->size, f->t->fam != F_CX8, 0, txt[k], sizeof txt[k]);
		else if (o->cls == OC_MEMLO)
			mem16_operand(b, o->size, true, txt[k], sizeof txt[k]);
		else if (o->cls == OC_ADDR)
			addr_operand(b, o->size, o->attr == OA_A16, txt[k], sizeof txt[k]);
	}
	for (int k = 0; k < f->nops; k++) {
		const struct opnd *o = &f->op[k];
		b->regop[k] = -1;
		switch (o->cls) {
		case OC_REG: {
			int r = pick_reg(g, o->size, b->addr);
			b->regop[k] = r;
			set_reg(gc, (unsigned)r, o->size, edge(g, o->size));
			say(txt[k], sizeof txt[k], "%s", reg_name((unsigned)r, o->size));
			break;
		}
		case OC_ACC:
			b->regop[k] = EAX;
			set_reg(gc, EAX, o->size, edge(g, o->size));
			say(txt[k], sizeof txt[k], "%s", reg_name(EAX, o->size));
			break;
		case OC_IMM: {
			uint32_t v = imm_value(b, f, k);
			if (o->attr == OA_SX)
				v = (uint32_t)(int32_t)(int8_t)v;
			b->immv[k] = v;
			imm_text(txt[k], sizeof txt[k], v, o);
			break;
		}
		case OC_CL:
			b->regop[k] = ECX;
			say(txt[k], sizeof txt[k], "cl");
			break;
		case OC_ONE:
			say(txt[k], sizeof txt[k], "1");
			break;
		default:
			break;
		}
	}
	ops[0] = 0;
	for (int k = 0; k < f->nops; k++) {
		size_t len = strlen(ops);
		say(ops + len, cap - len, "%s%s", k ? ", " : "", txt[k]);
	}
}

/* The value operand k holds before the instruction (register or memory item). */
static uint32_t operand_value(const struct build *b, const struct form *f, int k)
{
	const struct opnd *o = &f->op[k];
	if (o->cls == OC_REG || o->cls == OC_ACC || o->cls == OC_CL)
		return get_reg(b->gc, (unsigned)b->regop[k], o->size);
	if (o->cls == OC_MEM || o->cls == OC_MEMLO)
		return b->gc->item[0].val & vmask(o->size);
	if (o->cls == OC_ONE)
		return 1;
	return 0;
}

/* Set operand k's value (register or memory item). */
static void set_operand(struct build *b, const struct form *f, int k, uint32_t v)
{
	const struct opnd *o = &f->op[k];
	if (o->cls == OC_REG || o->cls == OC_ACC)
		set_reg(b->gc, (unsigned)b->regop[k], o->size, v);
	else if (o->cls == OC_MEM || o->cls == OC_MEMLO)
		b->gc->item[0].val = (b->gc->item[0].val & ~vmask(o->size)) | (v & vmask(o->size));
}

/* The flags the SDM leaves undefined for this case, from the opcode table and the count. */
static uint32_t undefined_flags(const struct form *f, uint32_t count)
{
	const struct opdef *row = f->row;
	uint32_t und = row ? row->undef : 0;
	if (row && (row->attr & A_OF1)) {
		uint32_t c = count & 31;
		if (c == 0)
			return 0; /* a zero count changes no flag */
		if (c == 1)
			und &= ~(uint32_t)FL_OF;
		unsigned w = 8 * width0(f);
		if ((f->zm == ZYDIS_MNEMONIC_SHL || f->zm == ZYDIS_MNEMONIC_SHR) && c >= w)
			und |= FL_CF;
		if ((row->attr & A_BIGCNT) && w == 16 && c > 16)
			und |= FL_OSZAPC;
	}
	return und;
}


/* --- families: each builds its case and says whether the inputs are usable ----------------- */

/* "lock " on half the memory-destination forms of a template that allows it. */
static const char *lock_prefix(struct build *b, const struct form *f)
{
	bool mem0 = f->nops && (f->op[0].cls == OC_MEM || f->op[0].cls == OC_MEMLO);
	return (f->t->tf & TF_LOCK) && mem0 && below(b->g, 2) ? "lock " : "";
}

/* The instruction as text, the same line assembled. */
static void plain_insn(struct build *b, const struct form *f, const char *pfx, const char *ops)
{
	struct gcase *gc = b->gc;
	say(gc->text, sizeof gc->text, "%s%s%s%s", pfx, f->t->mn, ops[0] ? " " : "", ops);
	say(gc->code, sizeof gc->code, "\t%s\n", gc->text);
}

static bool fam_gen(struct build *b, const struct form *f)
{
	char ops[200];
	build_operands(b, f, ops, sizeof ops);
	plain_insn(b, f, lock_prefix(b, f), ops);
	if (f->nops && f->op[0].cls == OC_REG && f->op[0].attr == OA_MODRM) {
		/* INC/DEC r16/r32 through ModRM: the assembler would pick the one-byte form */
		unsigned digit = f->zm == ZYDIS_MNEMONIC_DEC;
		say(b->gc->text, sizeof b->gc->text, "%s %s (ff /%u)", f->t->mn,
		    reg_name((unsigned)b->regop[0], f->op[0].size), digit);
		say(b->gc->code, sizeof b->gc->code, "\t.byte %s0xff, 0x%02x\n", f->op[0].size == 2 ? "0x66, " : "",
		    0xC0u | digit << 3 | (unsigned)b->regop[0]);
	}
	if (f->t->fam == F_BS && below(b->g, 3) == 0)
		set_operand(b, f, 1, 0); /* a zero source: ZF = 1, destination unchanged */
	if (f->t->fam == F_CMPXCHG && below(b->g, 2))
		set_reg(b->gc, EAX, width0(f), operand_value(b, f, 0)); /* the compare succeeds */
	if (f->t->fam == F_CX8 && below(b->g, 2)) {
		b->gc->in[EAX] = b->gc->item[0].val;
		b->gc->in[EDX] = b->gc->item[1].val;
	}
	return true;
}

/* DIV/IDIV: whether the quotient fits (no #DE natively). */
static bool div_ok(struct build *b, const struct form *f)
{
	const struct gcase *gc = b->gc;
	unsigned w = width0(f);
	bool sig = f->zm == ZYDIS_MNEMONIC_IDIV;
	uint64_t d = operand_value(b, f, 0);
	uint64_t x = w == 1 ? gc->in[EAX] & 0xFFFF
		   : w == 2 ? ((gc->in[EDX] & 0xFFFF) << 16) | (gc->in[EAX] & 0xFFFF)
			    : ((uint64_t)gc->in[EDX] << 32) | gc->in[EAX];
	unsigned bits = 8 * w;
	if (d == 0)
		return false;
	if (!sig)
		return x / d <= (uint64_t)vmask(w);
	int64_t sx = (int64_t)(x << (64 - 2 * bits)) >> (64 - 2 * bits);
	int64_t sd = (int64_t)(d << (64 - bits)) >> (64 - bits);
	if (sd == -1 && bits == 32 && sx == INT64_MIN)
		return false;
	int64_t q = sx / sd;
	return q >= -((int64_t)1 << (bits - 1)) && q < ((int64_t)1 << (bits - 1));
}

static bool fam_div(struct build *b, const struct form *f)
{
	fam_gen(b, f);
	if (!div_ok(b, f) && below(b->g, 2)) {
		/* make the dividend's high half 0 or the sign extension of the low half */
		unsigned w = width0(f);
		bool neg = f->zm == ZYDIS_MNEMONIC_IDIV && (get_reg(b->gc, EAX, w) >> (8 * w - 1));
		set_reg(b->gc, w == 1 ? 4 : EDX, w, neg ? 0xFFFFFFFFu : 0); /* AH, DX, EDX */
	}
	return div_ok(b, f);
}

static bool fam_shift(struct build *b, const struct form *f)
{
	struct gcase *gc = b->gc;
	char ops[200];
	int ck = f->nops - 1; /* the count operand */
	build_operands(b, f, ops, sizeof ops);
	if (f->op[ck].cls == OC_CL)
		set_reg(gc, ECX, 1, shift_count(b->g, 8 * width0(f), b->slot));
	plain_insn(b, f, "", ops);
	gc->count = f->op[ck].cls == OC_CL ? gc->in[ECX] & 0xFF : f->op[ck].cls == OC_ONE ? 1 : b->immv[ck] & 0xFF;
	gc->val0 = operand_value(b, f, 0);
	/* SHLD/SHRD r/m16 with a count above 16: the result is undefined (opcode table A_BIGCNT) */
	if (f->row && (f->row->attr & A_BIGCNT) && width0(f) == 2 && (gc->count & 31) > 16) {
		if (f->op[0].cls == OC_REG)
			gc->rmask[b->regop[0]] &= ~0xFFFFu;
		else
			add_fix(gc, b->mem_at, 2, ADJ_0, 0);
	}
	return true;
}

static bool fam_bt(struct build *b, const struct form *f)
{
	fam_gen(b, f);
	if (f->op[0].cls == OC_MEM && f->op[1].cls == OC_REG) {
		/* a register bit offset addresses memory beyond the operand: keep it in the data */
		static const int32_t offs[] = { 0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 100, 1000,
						-1, -2, -8, -16, -31, -32, -33, -64, -100, -1000 };
		int32_t lo = -(int32_t)b->mem_at * 8 + 32;
		int32_t hi = (int32_t)(DIFF_DATA_END - 8 - b->mem_at) * 8;
		int32_t v = offs[below(b->g, sizeof offs / sizeof offs[0])];
		v = v < lo ? lo : v > hi ? hi : v;
		set_operand(b, f, 1, (uint32_t)v);
	}
	return true;
}

static bool fam_impl(struct build *b, const struct form *f)
{
	plain_insn(b, f, "", "");
	if (f->t->fam == F_AAMD && f->nops) {
		char ops[16];
		say(ops, sizeof ops, "%" PRIu32, imm_value(b, f, 0));
		plain_insn(b, f, "", ops);
	}
	return true;
}

static bool fam_xlat(struct build *b, const struct form *f)
{
	struct gcase *gc = b->gc;
	if (f->nops && f->op[0].attr == OV_A16) {
		uint32_t off = below(b->g, DIFF_LOW_SIZE - 0x100);
		gc->in[EBX] = (rng_next(b->g) & 0xFFFF0000u) | (DIFF_LOW_BASE + off);
		gc->flags |= DCF_LOW;
		gc->show = DIFF_IN_LOW | off;
		say(gc->text, sizeof gc->text, "addr16 xlat");
		say(gc->code, sizeof gc->code, "\t.byte 0x67, 0xd7\n");
	} else {
		gc->in[EBX] = below(b->g, 256);
		gc->adj[EBX] = gc->oadj[EBX] = ADJ_AREA;
		gc->show = gc->in[EBX];
		say(gc->text, sizeof gc->text, "xlat");
		say(gc->code, sizeof gc->code, "\t.byte 0xd7\n");
	}
	return true;
}

/* String instructions: ESI/EDI in the data (or, with 0x67, SI/DI in the low window), small REP
 * counts, sometimes a constant fill so REPE/REPNE run on, DF either way. */
static bool fam_str(struct build *b, const struct form *f)
{
	static const struct { const char *name; uint8_t op; } ops[] = {
		{ "movs", 0xA4 }, { "cmps", 0xA6 }, { "stos", 0xAA }, { "lods", 0xAC }, { "scas", 0xAE },
	};
	struct rng *g = b->g;
	struct gcase *gc = b->gc;
	const char *mn = f->t->mn;
	size_t len = strlen(mn);
	unsigned sz = mn[len - 1] == 'b' ? 1 : mn[len - 1] == 'w' ? 2 : 4;
	uint8_t op = 0;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strncmp(mn, ops[i].name, 4))
			op = (uint8_t)(ops[i].op + (sz > 1));
	unsigned var = f->nops ? f->op[0].attr : OV_PLAIN;
	bool a16 = var == OV_REP67;
	static const uint32_t counts[] = { 0, 1, 2, 3, 4, 5, 8, 16 };

	if (below(g, 2)) {
		gc->flags |= DCF_CONST;
		gc->fill = below(g, 2) ? edge(g, 1) & 0xFF : 0x41;
		if (below(g, 2))
			set_reg(gc, EAX, 4, gc->fill * 0x01010101u);
	}
	uint32_t si = 160 + below(g, 192), di = 160 + below(g, 192);
	if (a16) {
		gc->flags |= DCF_LOW;
		si = 0x100 + below(g, DIFF_LOW_SIZE - 0x200);
		di = 0x100 + below(g, DIFF_LOW_SIZE - 0x200);
		if (sz == 1 && below(g, 6) == 0)
		{
			if (below(g, 2))
				si = DIFF_LOW_SIZE - 1; /* the 16-bit index wraps to 0 */
			else
				di = DIFF_LOW_SIZE - 1;
		}
		gc->in[ESI] = (rng_next(g) & 0xFFFF0000u) | (DIFF_LOW_BASE + si);
		gc->in[EDI] = (rng_next(g) & 0xFFFF0000u) | (DIFF_LOW_BASE + di);
		uint32_t cx = below(g, 4) ? counts[below(g, 4)] : 0;
		if ((si == DIFF_LOW_SIZE - 1 || di == DIFF_LOW_SIZE - 1) && cx > 1)
			cx = 1;
		gc->in[ECX] = (rng_next(g) & 0xFFFF0000u) | cx; /* only CX counts */
		gc->show = DIFF_IN_LOW | (si < DIFF_LOW_SIZE - 4 ? si : DIFF_LOW_SIZE - 4);
	} else {
		gc->in[ESI] = si;
		gc->in[EDI] = di;
		gc->adj[ESI] = gc->oadj[ESI] = gc->adj[EDI] = gc->oadj[EDI] = ADJ_AREA;
		if (var != OV_PLAIN)
			gc->in[ECX] = counts[below(g, 8)];
		gc->show = si;
	}
	/* one element that differs from the fill, somewhere along the way */
	uint32_t k = below(g, 6), step = (gc->in[8] & 0x400) ? (uint32_t)-sz : sz;
	uint32_t at = (below(g, 2) ? si : di) + k * step;
	if (at + 4 <= (a16 ? DIFF_LOW_SIZE : DIFF_DATA_END))
		add_item(b, a16 ? DIFF_IN_LOW | at : at, sz, edge(g, sz), ADJ_0);

	const char *pfx = var == OV_REP || var == OV_REP67 ? (op == 0xA6 || op == 0xA7 || op >= 0xAE ? "repe " : "rep ")
			: var == OV_REPNE ? "repne " : "";
	say(gc->text, sizeof gc->text, "%s%s%s", a16 ? "addr16 " : "", pfx, mn);
	say(gc->code, sizeof gc->code, "\t.byte %s%s%s0x%02x\n", a16 ? "0x67, " : "",
		 var == OV_REPNE ? "0xf2, " : var != OV_PLAIN ? "0xf3, " : "", sz == 2 ? "0x66, " : "", op);
	return true;
}

/* The ESP the stack families start from: the usual one, sometimes misaligned. */
static void stack_start(struct build *b)
{
	if (below(b->g, 8) == 0)
		b->stack_sp = DIFF_SP + 1 + below(b->g, 3);
	b->gc->in[ESP] = b->stack_sp;
	b->gc->show = b->stack_sp - 4;
}

static bool fam_push(struct build *b, const struct form *f)
{
	struct gcase *gc = b->gc;
	const struct opnd *o = &f->op[0];
	char txt[80];
	stack_start(b);
	unsigned sz = o->cls == OC_IMM ? (o->size == 2 ? 2 : 4) : o->size;
	gc->show = b->stack_sp - sz;
	if (o->cls == OC_VAR) { /* PUSH ESP pushes ESP as it was before the push */
		say(gc->text, sizeof gc->text, "push esp");
		add_fix(gc, b->stack_sp - 4, 4, ADJ_AREA, 0xFFFFFFFFu);
	} else if (o->cls == OC_IMM && o->size == 2) {
		uint32_t v = edge(b->g, 2) & 0xFFFF;
		say(gc->text, sizeof gc->text, "pushw 0x%" PRIx32, v);
		say(gc->code, sizeof gc->code, "\t.byte 0x66, 0x68, 0x%" PRIx32 ", 0x%" PRIx32 "\n",
			 v & 0xFF, v >> 8);
		return true;
	} else if (o->cls == OC_IMM && o->attr != OA_SX) {
		uint32_t v = edge(b->g, 4);
		if ((int32_t)v >= -128 && (int32_t)v <= 127)
			v ^= 0x100; /* keep the imm32 encoding */
		say(gc->text, sizeof gc->text, "push 0x%" PRIx32, v);
	} else if (o->cls == OC_MEM) {
		mem_operand(b, o->size, true, 0, txt, sizeof txt);
		say(gc->text, sizeof gc->text, "push %s", txt);
	} else {
		build_operands(b, f, txt, sizeof txt);
		say(gc->text, sizeof gc->text, "push %s", txt);
	}
	say(gc->code, sizeof gc->code, "\t%s\n", gc->text);
	return true;
}

static bool fam_pop(struct build *b, const struct form *f)
{
	struct gcase *gc = b->gc;
	const struct opnd *o = &f->op[0];
	char txt[80];
	stack_start(b);
	unsigned sz = o->size;
	if (o->cls == OC_VAR) { /* POP ESP: ESP gets the popped value */
		add_item(b, b->stack_sp, 4, 600 + below(b->g, 300), ADJ_AREA);
		say(gc->text, sizeof gc->text, "pop esp");
	} else {
		add_item(b, b->stack_sp, sz, edge(b->g, sz), ADJ_0);
		if (o->cls == OC_MEM) /* an ESP base is read after the pop has moved it */
			mem_operand(b, sz, true, (int)sz, txt, sizeof txt);
		else
			build_operands(b, f, txt, sizeof txt);
		say(gc->text, sizeof gc->text, "pop %s", txt);
	}
	gc->show = b->stack_sp;
	say(gc->code, sizeof gc->code, "\t%s\n", gc->text);
	return true;
}

/* PUSHA/POPA/PUSHF/POPF and their 16-bit forms, as bytes. */
static bool fam_stackx(struct build *b, const struct form *f)
{
	struct gcase *gc = b->gc;
	bool o16 = f->nops && f->op[0].attr == OV_O16;
	uint32_t sp;
	uint8_t op;
	stack_start(b);
	sp = b->stack_sp;
	switch (f->t->fam) {
	case F_PUSHA:
		op = 0x60;
		gc->show = sp - (o16 ? 10 : 20);
		if (!o16) /* the ESP slot; a 16-bit SP is the area offset already (64 KiB alignment) */
			add_fix(gc, sp - 20, 4, ADJ_AREA, 0xFFFFFFFFu);
		break;
	case F_POPA:
		op = 0x61;
		gc->show = sp;
		break;
	case F_PUSHF:
		op = 0x9C;
		gc->show = sp - 4;
		add_fix(gc, sp - (o16 ? 2 : 4), o16 ? 2 : 4, ADJ_0, DIFF_FLAGS); /* IF is virtual */
		break;
	default: { /* POPF: never TF (a trap), NT or AC (alignment checks natively) */
		op = 0x9D;
		uint32_t v = 0x2 | (rng_next(b->g) & (0x8D5 | 0x400 | 0x28 | 0x8000 | 0x3000 | 0x200 | 0x200000));
		add_item(b, sp, o16 ? 2 : 4, v, ADJ_0);
		gc->show = sp;
		break;
	}
	}
	say(gc->text, sizeof gc->text, "%s", f->t->mn);
	say(gc->code, sizeof gc->code, "\t.byte %s0x%02x\n", o16 ? "0x66, " : "", op);
	return true;
}

static bool fam_enter(struct build *b, const struct form *f)
{
	static const uint32_t sizes[] = { 0, 4, 8, 0x10, 0x3, 0x100, 0xFFFF };
	static const uint32_t levels[] = { 0, 1, 2, 3, 4, 7, 31, 32, 33, 255 };
	struct gcase *gc = b->gc;
	bool o16 = f->op[0].cls == OC_VAR;
	uint32_t size = below(b->g, 4) ? sizes[below(b->g, 7)] : below(b->g, 0x10000);
	uint32_t level = levels[below(b->g, 10)];
	stack_start(b);
	uint32_t sp = b->stack_sp, bp = 904 + below(b->g, 80); /* copies stay above the pushes */
	gc->in[EBP] = bp;
	gc->adj[EBP] = gc->oadj[EBP] = ADJ_AREA;
	gc->show = sp - 8;
	say(gc->text, sizeof gc->text, "%s 0x%" PRIx32 ", %" PRIu32, o16 ? "enterw" : "enter", size, level);
	say(gc->code, sizeof gc->code, "\t.byte %s0xc8, 0x%02" PRIx32 ", 0x%02" PRIx32 ", 0x%02" PRIx32 "\n",
		 o16 ? "0x66, " : "", size & 0xFF, size >> 8, level);
	if (!o16) { /* EBP and the new frame pointer are pushed: addresses */
		add_fix(gc, sp - 4, 4, ADJ_AREA, 0xFFFFFFFFu);
		if (level & 31)
			add_fix(gc, sp - 4 - 4 * (level & 31), 4, ADJ_AREA, 0xFFFFFFFFu);
	}
	return true;
}

static bool fam_leave(struct build *b, const struct form *f)
{
	struct gcase *gc = b->gc;
	bool o16 = f->nops && f->op[0].attr == OV_O16;
	uint32_t bp = 780 + below(b->g, 200);
	stack_start(b);
	gc->in[EBP] = bp;
	gc->adj[EBP] = ADJ_AREA;
	/* a 16-bit pop replaces BP only: EBP keeps the area's upper half, so it stays relative */
	gc->oadj[EBP] = o16 ? ADJ_AREA : ADJ_0;
	add_item(b, bp, o16 ? 2 : 4, edge(b->g, 4), ADJ_0);
	gc->show = bp;
	say(gc->text, sizeof gc->text, "%s", o16 ? "leavew" : "leave");
	say(gc->code, sizeof gc->code, "\t.byte %s0xc9\n", o16 ? "0x66, " : "");
	return true;
}

/* Branches: code, then the not-taken path (p1), then the target .Lt (p2). */
static void branch_tail(struct gcase *gc, int n, bool with_ret_label)
{
	if (with_ret_label)
		say(gc->post, sizeof gc->post, ".Lr%d:\n\tmov dword ptr [diff_path], 1\n", n);
	else
		say(gc->post, sizeof gc->post, "\tmov dword ptr [diff_path], 1\n");
	say(gc->tail, sizeof gc->tail, ".Lt%d:\n\tmov dword ptr [diff_path], 2\n\tjmp diff_exit\n", n);
}

static bool fam_branch(struct build *b, const struct form *f, int n)
{
	struct rng *g = b->g;
	struct gcase *gc = b->gc;
	const struct opnd *o = &f->op[0];
	const char *mn = f->t->mn;
	char txt[80];
	bool call = f->t->fam == F_CALL;

	if (call || f->t->fam == F_RET)
		stack_start(b);
	switch (f->t->fam) {
	case F_RET: {
		add_item(b, b->stack_sp, 4, 0, ADJ_T);
		gc->show = b->stack_sp;
		if (f->nops) {
			static const uint32_t pops[] = { 0, 2, 4, 8, 0x100, 0xFFFF };
			uint32_t v = pops[below(g, 6)];
			say(gc->text, sizeof gc->text, "ret 0x%" PRIx32, v);
		} else {
			say(gc->text, sizeof gc->text, "ret");
		}
		say(gc->code, sizeof gc->code, "\t%s\n", gc->text);
		break;
	}
	case F_LOOP: case F_JCXZ: {
		static const uint32_t cx[] = { 0, 1, 2, 0x10000, 0x10001, 0xFFFFFFFF, 0xFFFF0000 };
		bool a16 = o->cls == OC_VAR;
		gc->in[ECX] = below(g, 4) ? cx[below(g, 7)] : rng_next(g);
		say(gc->text, sizeof gc->text, "%s%s rel8", a16 ? "addr16 " : "", a16 && f->t->fam == F_JCXZ ? "jcxz" : mn);
		say(gc->code, sizeof gc->code, "%s\t%s .Lt%d\n", a16 ? "\t.byte 0x67\n" : "",
			 f->t->fam == F_JCXZ ? "jecxz" : mn, n);
		break;
	}
	default: /* JMP, Jcc, CALL */
		if (o->cls == OC_REL && o->size == 4 && !call) {
			say(gc->text, sizeof gc->text, "%s rel32", mn);
			if (f->t->fam == F_JMP)
				say(gc->code, sizeof gc->code, "\t.byte 0xe9\n\t.long .Lt%d - .Ln%d\n.Ln%d:\n", n, n, n);
			else
				say(gc->code, sizeof gc->code, "\t.byte 0x0f, 0x%02x\n\t.long .Lt%d - .Ln%d\n.Ln%d:\n",
					 0x80 + (f->row ? f->row->cc : 0), n, n, n);
		} else if (o->cls == OC_REL) {
			say(gc->text, sizeof gc->text, "%s rel%d", mn, o->size * 8);
			say(gc->code, sizeof gc->code, "\t%s .Lt%d\n", mn, n);
		} else if (o->cls == OC_REG) {
			int r = pick_reg(g, 4, b->claimed);
			gc->in[r] = 0;
			gc->adj[r] = gc->oadj[r] = ADJ_T;
			say(gc->text, sizeof gc->text, "%s %s", mn, reg32[r]);
			say(gc->code, sizeof gc->code, "\t%s\n", gc->text);
		} else {
			mem_operand(b, 4, true, 0, txt, sizeof txt);
			gc->item[0].val = 0;
			gc->item[0].adj = ADJ_T;
			say(gc->text, sizeof gc->text, "%s %s", mn, txt);
			say(gc->code, sizeof gc->code, "\t%s\n", gc->text);
		}
		if (call) { /* the return address is pushed: make it relative to .Lr */
			add_fix(gc, b->stack_sp - 4, 4, ADJ_R, 0xFFFFFFFFu);
			gc->show = b->stack_sp - 4;
		}
		break;
	}
	branch_tail(gc, n, call);
	return true;
}

/* Build one case of form f; false when the inputs are not usable (DIV would fault). */
static bool family_build(struct build *b, const struct form *f, int n)
{
	switch (f->t->fam) {
	case F_DIV: return fam_div(b, f);
	case F_SHIFT: case F_SHXD: return fam_shift(b, f);
	case F_BT: return fam_bt(b, f);
	case F_IMPL: case F_AAMD: return fam_impl(b, f);
	case F_NOP:
		if (!f->nops)
			return fam_impl(b, f);
		return fam_gen(b, f);
	case F_XLAT: return fam_xlat(b, f);
	case F_STR: return fam_str(b, f);
	case F_PUSH: return fam_push(b, f);
	case F_POP: return fam_pop(b, f);
	case F_PUSHA: case F_POPA: case F_PUSHF: case F_POPF: return fam_stackx(b, f);
	case F_ENTER: return fam_enter(b, f);
	case F_LEAVE: return fam_leave(b, f);
	case F_JMP: case F_JCC: case F_CALL: case F_RET: case F_LOOP: case F_JCXZ:
		return fam_branch(b, f, n);
	default: return fam_gen(b, f);
	}
}

void gen_case(struct rng *g, const struct form *f, int n, unsigned slot, struct gcase *gc)
{
	for (int attempt = 0;; attempt++) {
		struct build b = { .g = g, .gc = gc, .mem_at = ~0u, .mem_base = -1, .slot = slot };
		memset(gc, 0, sizeof *gc);
		gc->f = f;
		for (int r = 0; r < 8; r++) {
			gc->in[r] = edge(g, 4);
			gc->rmask[r] = 0xFFFFFFFFu;
		}
		b.stack_sp = DIFF_SP;
		gc->in[ESP] = DIFF_SP;
		gc->adj[ESP] = gc->oadj[ESP] = ADJ_AREA;
		gc->in[8] = 0x2 | (rng_next(g) & 0x8D5) | (below(g, 4) ? 0 : 0x400);
		gc->fill = rng_next(g);
		gc->show = DIFF_SP - 4;
		b.claimed = implicit_regs(f);
		if (family_build(&b, f, n) || attempt > 500)
			break;
	}
	if (!gc->fmask)
		gc->fmask = DIFF_FLAGS & ~undefined_flags(f, gc->count);
	/* an address stored in memory (a branch target, a stack pointer) stays there: make it
	 * relative again before the memory is hashed */
	for (int k = 0; k < DIFF_ITEMS; k++)
		if (gc->item[k].size && gc->item[k].adj != ADJ_0)
			add_fix(gc, gc->item[k].at, gc->item[k].size, gc->item[k].adj, 0xFFFFFFFFu);
}

