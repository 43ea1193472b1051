/* gen.c - pseudo-random fuzz inputs: uniform bytes, and instruction-shaped code biased toward
 * the emulator's hard paths (prefixes, REP strings, stack-relative operands, branches, stores to
 * page 0 and to the code itself, software interrupts, x87, the virtual instructions). */
#include <stdbool.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

/* xorshift64*: small, fast, and the same sequence on every host. */
struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *g)
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t below(struct rng *g, uint32_t n)
{
	return rnd(g) % n;
}

/* A byte sink that never overflows. */
struct out {
	uint8_t *p;
	size_t n, cap;
};

static void emit(struct out *o, uint8_t b)
{
	if (o->n < o->cap)
		o->p[o->n++] = b;
}

static void emit32(struct out *o, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		emit(o, (uint8_t)(v >> (8 * i)));
}

/* An address guests can use: mostly inside the 256 KiB machine, sometimes in page 0, the
 * read-only data, the handler area, or far outside. */
static uint32_t addr(struct rng *g)
{
	switch (below(g, 8)) {
	case 0: return below(g, 0x40);               /* page 0's registers */
	case 1: return 0x20123 + below(g, 0x1D00);   /* read-only data */
	case 2: return 0x30000 + below(g, 0x1500);   /* vector table and handlers */
	case 3: return 0x40000 - below(g, 16);       /* the top of memory */
	case 4: return rnd(g);                        /* anywhere */
	default: return 0x1000 + below(g, 0x3E000);
	}
}

/* ModRM (+SIB, +displacement) for reg field r, biased to memory forms with ESP/EBP bases. */
static void modrm(struct rng *g, struct out *o, unsigned r)
{
	unsigned k = below(g, 8);
	if (k == 0) {
		emit(o, (uint8_t)(0xC0 | r << 3 | below(g, 8))); /* register form */
	} else if (k == 1) {
		emit(o, (uint8_t)(r << 3 | 5)); /* [disp32] */
		emit32(o, addr(g));
	} else if (k == 2) {
		emit(o, (uint8_t)(0x44 | r << 3)); /* [esp + index*scale + disp8] */
		emit(o, (uint8_t)(below(g, 256) & ~7u) | 4);
		emit(o, (uint8_t)rnd(g));
	} else if (k == 3) {
		emit(o, (uint8_t)(0x45 | r << 3)); /* [ebp + disp8] */
		emit(o, (uint8_t)rnd(g));
	} else if (k == 4) {
		emit(o, (uint8_t)(0x84 | r << 3)); /* [sib + disp32] */
		emit(o, (uint8_t)rnd(g));
		emit32(o, below(g, 2) ? addr(g) : rnd(g));
	} else {
		unsigned mod = below(g, 3), rm = below(g, 8);
		emit(o, (uint8_t)(mod << 6 | r << 3 | rm));
		if (rm == 4)
			emit(o, (uint8_t)rnd(g));
		if (mod == 1)
			emit(o, (uint8_t)rnd(g));
		else if (mod == 2 || (mod == 0 && rm == 5))
			emit32(o, rnd(g));
	}
}

static const uint8_t prefixes[] = { 0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x2E, 0x3E, 0x26, 0x64, 0x65,
				    0x36 };
static const uint8_t strings[] = { 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF,
				   0x6C, 0x6D, 0x6E, 0x6F };

/* One instruction-shaped piece at code offset o->n (the code starts at guest 0x1000). */
static void piece(struct rng *g, struct out *o)
{
	switch (below(g, 20)) {
	case 0: /* prefixes then anything */
		for (unsigned i = below(g, 4); i > 0; i--)
			emit(o, prefixes[below(g, sizeof(prefixes))]);
		emit(o, (uint8_t)rnd(g));
		modrm(g, o, below(g, 8));
		break;
	case 1: /* REP string op, sometimes with a count set first */
		if (below(g, 2)) {
			emit(o, 0xB9); /* mov ecx, n */
			emit32(o, below(g, 4) ? below(g, 300) : rnd(g));
		}
		if (below(g, 2)) {
			emit(o, (uint8_t)(0xBE + below(g, 2))); /* mov esi/edi, addr */
			emit32(o, addr(g));
		}
		if (below(g, 4) == 0)
			emit(o, below(g, 2) ? 0xFD : 0xFC); /* std / cld */
		if (below(g, 3) == 0)
			emit(o, below(g, 2) ? 0x66 : 0x67);
		emit(o, below(g, 3) ? 0xF3 : 0xF2);
		emit(o, strings[below(g, sizeof(strings))]);
		break;
	case 2: /* ALU / MOV with a memory operand */
		emit(o, (uint8_t)(below(g, 0x40) | (below(g, 2) ? 0 : 0x80)));
		modrm(g, o, below(g, 8));
		if (below(g, 2))
			emit32(o, rnd(g));
		break;
	case 3: { /* short and near branches, conditional and not */
		unsigned k = below(g, 6);
		if (k == 0) {
			emit(o, 0xEB);
			emit(o, (uint8_t)(below(g, 40) - 20));
		} else if (k == 1) {
			emit(o, (uint8_t)(0x70 + below(g, 16)));
			emit(o, (uint8_t)(below(g, 60) - 30));
		} else if (k == 2) {
			emit(o, below(g, 2) ? 0xE8 : 0xE9);
			emit32(o, below(g, 2) ? below(g, 200) - 100 : rnd(g));
		} else if (k == 3) {
			emit(o, (uint8_t)(0xE0 + below(g, 4))); /* loopne/loope/loop/jecxz */
			emit(o, (uint8_t)(below(g, 20) - 18));
		} else if (k == 4) {
			emit(o, 0xFF); /* call/jmp r/m */
			modrm(g, o, below(g, 2) ? 2 : 4);
		} else {
			bool imm = below(g, 2);
			emit(o, imm ? 0xC2 : 0xC3); /* ret [imm16] */
			if (imm) {
				emit(o, (uint8_t)rnd(g));
				emit(o, (uint8_t)below(g, 2));
			}
		}
		break;
	}
	case 4: { /* the stack: push/pop, pusha/popa, enter/leave, pushf/popf, iret, esp itself */
		static const uint8_t ops[] = { 0x50, 0x54, 0x55, 0x58, 0x5C, 0x5D, 0x60, 0x61, 0x9C, 0x9D,
					       0xC9, 0xCF, 0x68, 0x6A, 0xC8, 0x8F, 0xBC };
		uint8_t op = ops[below(g, sizeof(ops))];
		if (below(g, 4) == 0)
			emit(o, 0x66);
		emit(o, op);
		if (op == 0x68 || op == 0xBC)
			emit32(o, below(g, 2) ? addr(g) : rnd(g));
		else if (op == 0x6A)
			emit(o, (uint8_t)rnd(g));
		else if (op == 0xC8) {
			emit(o, (uint8_t)rnd(g));
			emit(o, (uint8_t)below(g, 2));
			emit(o, (uint8_t)below(g, 40));
		} else if (op == 0x8F)
			modrm(g, o, 0);
		break;
	}
	case 5: /* a store into page 0: vector_base, irq_enable, irq_mask, irq_pending, RO fields */
	{
		bool dword = below(g, 2);
		emit(o, dword ? 0xC7 : 0xC6);
		emit(o, 0x05);
		emit32(o, below(g, 4) ? 0x20 + 4 * below(g, 5) : below(g, 0x60));
		if (dword)
			emit32(o, below(g, 3) ? below(g, 2) : rnd(g));
		else
			emit(o, (uint8_t)rnd(g));
		break;
	}
	case 6: /* a store into the code just ahead (self-modifying code) */
		emit(o, 0xC6);
		emit(o, 0x05);
		emit32(o, 0x1000 + (uint32_t)o->n + 10 + below(g, 8));
		emit(o, (uint8_t)rnd(g));
		break;
	case 7: /* software interrupts */
		if (below(g, 3) == 0)
			emit(o, below(g, 2) ? 0xCC : 0xCE);
		else {
			emit(o, 0xCD);
			emit(o, (uint8_t)rnd(g));
		}
		break;
	case 8: /* x87 */
		emit(o, (uint8_t)(0xD8 + below(g, 8)));
		modrm(g, o, below(g, 8));
		break;
	case 9: /* two-byte opcodes */
		emit(o, 0x0F);
		emit(o, (uint8_t)rnd(g));
		modrm(g, o, below(g, 8));
		break;
	case 10: /* the virtual instructions, and what is near them */
		emit(o, 0xB8);
		emit32(o, below(g, 2) ? 0 : rnd(g));
		emit(o, 0x0F);
		emit(o, 0x3F);
		emit(o, (uint8_t)(below(g, 8) ? 1 : below(g, 4)));
		break;
	case 11: /* division, often by zero or overflowing */
		if (below(g, 2)) {
			emit(o, 0x31);
			emit(o, (uint8_t)(0xC0 | below(g, 64)));
		}
		if (below(g, 4) == 0)
			emit(o, 0x66);
		emit(o, below(g, 2) ? 0xF7 : 0xF6);
		modrm(g, o, 6 + below(g, 2));
		break;
	case 12: /* port I/O through DX: the console and ports that do not exist */
		emit(o, 0x66);
		emit(o, 0xBA);
		emit(o, (uint8_t)below(g, 4));
		emit(o, below(g, 2) ? 0xD0 : (uint8_t)rnd(g));
		emit(o, (uint8_t)(0xEC + below(g, 4)));
		break;
	case 13: /* load a pointer register */
		emit(o, (uint8_t)(0xB8 + below(g, 8)));
		emit32(o, addr(g));
		break;
	case 14: /* BOUND, LOCKed forms, CMPXCHG8B, BT with a memory base */
		switch (below(g, 4)) {
		case 0: emit(o, 0x62); modrm(g, o, below(g, 8)); break;
		case 1: emit(o, 0xF0); emit(o, (uint8_t)below(g, 0x40)); modrm(g, o, below(g, 8)); break;
		case 2: emit(o, 0x0F); emit(o, 0xC7); modrm(g, o, 1); break;
		default: /* BT, BTS, BTR, BTC r/m, r */
			emit(o, 0x0F);
			emit(o, (uint8_t)(0xA3 + 8 * below(g, 4)));
			modrm(g, o, below(g, 8));
			break;
		}
		break;
	default: /* raw bytes */
		for (unsigned i = 1 + below(g, 6); i > 0; i--)
			emit(o, (uint8_t)rnd(g));
		break;
	}
}

size_t fz_generate(uint64_t seed, uint8_t *buf, size_t cap)
{
	struct rng g = { seed * 0x9E3779B97F4A7C15ull + 0x1234567ull };
	for (int i = 0; i < 8; i++)
		rnd(&g);
	struct out o = { buf, 0, cap };

	/* Header: handler modes weighted toward resume, which visits the most paths. */
	uint8_t mode = (uint8_t)rnd(&g);
	if (below(&g, 4))
		mode = (uint8_t)((mode & ~FZ_H_MASK) | 2);
	if (below(&g, 4))
		mode &= (uint8_t)~FZ_SPARSE; /* holes end runs early: one input in eight */
	emit(&o, mode);
	emit(&o, (uint8_t)rnd(&g));
	emit(&o, (uint8_t)rnd(&g));
	emit(&o, (uint8_t)rnd(&g));
	if (mode & FZ_REGS)
		for (int i = 0; i < FZ_REG_BYTES; i++)
			emit(&o, (uint8_t)rnd(&g));

	size_t len = 16u << below(&g, 8); /* 16 .. 2 KiB of code */
	if (len > cap - o.n)
		len = cap - o.n;
	size_t end = o.n + len;
	unsigned style = below(&g, 4); /* 0 uniform, 1-2 instruction-shaped, 3 mixed */
	while (o.n < end) {
		if (style == 0 || (style == 3 && below(&g, 2))) {
			emit(&o, (uint8_t)rnd(&g));
		} else {
			struct out sub = { buf, o.n, end };
			piece(&g, &sub);
			o.n = sub.n;
		}
	}
	return o.n;
}
