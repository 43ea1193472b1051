/* string.c - string instructions: MOVS CMPS SCAS LODS STOS INS OUTS, with REP/REPE/REPNE.
 *
 * The element size is in->sz[0] (1, 2, 4: the row is A_IMPLICIT); ESI/EDI/ECX step by it, down
 * when DF = 1. Under a 0x67 prefix (PFX_A16) the registers are SI/DI/CX: addresses and the
 * count wrap within 64 KiB and the upper halves never change.
 *
 * REP loops inside the handler, one element per iteration, under the run loop's budget
 * (c->stop_at - c->instret, at least 1). DVA-1 section 6: a REP instruction retires once per
 * iteration executed, and once when the count is 0. Having done k iterations:
 *   - finished (count 0, or the REPE/REPNE condition ended): add k - 1 to instret, ST_NEXT
 *     (the loop counts the last one);
 *   - budget spent first: add k, leave EIP at the instruction and the registers at the next
 *     element, ST_REP_PAUSED;
 *   - iteration k + 1 faults: add k, registers at the faulting element, ST_FAULT.
 * Each element reads and checks everything before it changes anything, so a fault leaves that
 * element undone (DVA-1 section 1).
 *
 * REP MOVS and STOS whose bytes all lie in plain memory run as one memmove or fill of as many
 * elements as the budget allows, with the same result and the same retirement count; REPE and
 * REPNE SCASB/CMPSB going up compare in a plain loop over the bytes that lie in memory.
 *
 * REP OUTSB to a port with an out_bytes handler (the console) is one operation (DVA-1 sections 6
 * and 7): every byte is checked readable first, then the bytes go out in guest order, ESI steps
 * by ECX, ECX becomes 0, and the instruction retires once.
 */
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/optable.h"

/* One instruction's addressing: element size, step, and the address-size mask. */
struct strop {
	unsigned n;   /* element size in bytes: 1, 2, 4 */
	uint32_t am;  /* 0xFFFF under 0x67, else 0xFFFFFFFF */
	uint32_t step; /* +n, or -n (mod 2^32) when DF = 1 */
};

/* Does one element; returns 0 or -1 with the fault recorded (nothing changed). */
typedef int (*str_elem)(struct cpu *c, const struct strop *s);

static uint32_t sreg(const struct cpu *c, int r, const struct strop *s)
{
	return c->r[r] & s->am;
}

/* reg += delta within the address size; the bits above it stay. */
static void sreg_add(struct cpu *c, int r, uint32_t delta, uint32_t am)
{
	c->r[r] = (c->r[r] & ~am) | ((c->r[r] + delta) & am);
}

static int movs_elem(struct cpu *c, const struct strop *s)
{
	uint32_t v;
	if (mem_rdn(&c->mem, sreg(c, REG_ESI, s), s->n, &v, &c->fault) ||
	    mem_wrn(&c->mem, sreg(c, REG_EDI, s), s->n, v, &c->fault))
		return -1;
	sreg_add(c, REG_ESI, s->step, s->am);
	sreg_add(c, REG_EDI, s->step, s->am);
	return 0;
}

/* CMPS: flags of [ESI] - [EDI] (SDM: "SRC1 - SRC2", the source string first). */
static int cmps_elem(struct cpu *c, const struct strop *s)
{
	uint32_t a, b;
	if (mem_rdn(&c->mem, sreg(c, REG_ESI, s), s->n, &a, &c->fault) ||
	    mem_rdn(&c->mem, sreg(c, REG_EDI, s), s->n, &b, &c->fault))
		return -1;
	lazy_set(c, LF_SUB, s->n, a - b, a, b);
	sreg_add(c, REG_ESI, s->step, s->am);
	sreg_add(c, REG_EDI, s->step, s->am);
	return 0;
}

/* SCAS: flags of AL/AX/EAX - [EDI]. */
static int scas_elem(struct cpu *c, const struct strop *s)
{
	uint32_t b;
	if (mem_rdn(&c->mem, sreg(c, REG_EDI, s), s->n, &b, &c->fault))
		return -1;
	lazy_set(c, LF_SUB, s->n, c->r[REG_EAX] - b, c->r[REG_EAX], b);
	sreg_add(c, REG_EDI, s->step, s->am);
	return 0;
}

static int lods_elem(struct cpu *c, const struct strop *s)
{
	uint32_t v;
	if (mem_rdn(&c->mem, sreg(c, REG_ESI, s), s->n, &v, &c->fault))
		return -1;
	reg_put(c, REG_EAX * 4, s->n, v);
	sreg_add(c, REG_ESI, s->step, s->am);
	return 0;
}

static int stos_elem(struct cpu *c, const struct strop *s)
{
	if (mem_wrn(&c->mem, sreg(c, REG_EDI, s), s->n, c->r[REG_EAX], &c->fault))
		return -1;
	sreg_add(c, REG_EDI, s->step, s->am);
	return 0;
}

/* INS: the destination is checked before the port is read, so a fault loses no input. */
static int ins_elem(struct cpu *c, const struct strop *s)
{
	uint32_t a = sreg(c, REG_EDI, s), v;
	if (mem_check_write(&c->mem, a, s->n, &c->fault))
		return -1;
	int r = c->io.in ? c->io.in(c->io.opaque, (uint16_t)c->r[REG_EDX], s->n, &v) : CPU_IO_GP;
	if (r) {
		if (r != CPU_IO_FAULT)
			cpu_raise(c, DVA_VEC_GP, 0);
		return -1;
	}
	if (mem_wrn(&c->mem, a, s->n, v, &c->fault))
		return -1;
	sreg_add(c, REG_EDI, s->step, s->am);
	return 0;
}

static int outs_elem(struct cpu *c, const struct strop *s)
{
	uint32_t v;
	if (mem_rdn(&c->mem, sreg(c, REG_ESI, s), s->n, &v, &c->fault))
		return -1;
	int r = c->io.out ? c->io.out(c->io.opaque, (uint16_t)c->r[REG_EDX], s->n, v) : CPU_IO_GP;
	if (r) {
		if (r != CPU_IO_FAULT)
			cpu_raise(c, DVA_VEC_GP, 0);
		return -1;
	}
	sreg_add(c, REG_ESI, s->step, s->am);
	return 0;
}

static struct strop strop_of(const struct cpu *c, const struct insn *in)
{
	struct strop s = { .n = in->sz[0], .am = addr_mask(in) };
	s.step = c->eflags & FL_DF ? -(uint32_t)s.n : s.n;
	return s;
}

/* Whether a REPE/REPNE loop goes on after an element: REPE while ZF = 1, REPNE while ZF = 0. */
static bool rep_cond_holds(struct cpu *c, const struct insn *in)
{
	bool zf = cpu_zf(c);
	return in->pfx & PFX_REPNE ? !zf : zf;
}

/* REP MOVS and STOS also have a bulk path (below) that does many elements at once. */
enum str_bulk { BULK_NONE, BULK_MOVS, BULK_STOS };

/* The lowest address of len bytes of elements starting at a and stepping up (or down from a,
 * the highest element, when down), if all of them lie in [0x1000, size) without wrapping. */
static bool bulk_range(const struct guest_mem *m, uint32_t a, uint64_t len, unsigned n, bool down,
		       uint32_t *lo)
{
	if (down && (uint64_t)a + n < len)
		return false;
	uint64_t start = down ? (uint64_t)a + n - len : a;
	if (start < DVA_PAGE_SIZE || start + len > m->size)
		return false;
	*lo = (uint32_t)start;
	return true;
}

/* Whether the pages of [lo, lo + len) have no flag but PG_CLEAN: no read-only byte, no decoded
 * code (rep_bulk notes the write, which clears PG_CLEAN). */
static bool bulk_pages_plain(const struct guest_mem *m, uint32_t lo, uint64_t len)
{
	for (uint32_t pfn = lo >> DVA_PAGE_SHIFT; pfn <= (lo + len - 1) >> DVA_PAGE_SHIFT; pfn++)
		if (m->pflags[pfn] & ~PG_CLEAN) /* a page not yet written is plain once noted */
			return false;
	return true;
}

/* k iterations of REP MOVS/STOS at once, when every byte lies in plain memory (destination
 * pages without flags) and, for MOVS, any overlap copies as memmove does (the destination is
 * below the source going up, or above it going down); the element-wise result is then the
 * same. Returns false, having changed nothing, when the element loop must run instead. */
static bool rep_bulk(struct cpu *c, const struct strop *s, enum str_bulk kind, uint32_t k)
{
	struct guest_mem *m = &c->mem;
	bool down = c->eflags & FL_DF;
	uint64_t len = (uint64_t)k * s->n;
	uint32_t dlo, slo = 0;

	if (s->am != 0xFFFFFFFFu || !bulk_range(m, c->r[REG_EDI], len, s->n, down, &dlo) ||
	    !bulk_pages_plain(m, dlo, len))
		return false;
	if (kind == BULK_MOVS) {
		if (!bulk_range(m, c->r[REG_ESI], len, s->n, down, &slo))
			return false;
		bool overlap = slo < dlo + len && dlo < slo + len;
		if (overlap && (down ? dlo < slo : dlo > slo))
			return false;
		mem_note_write(m, dlo, (uint32_t)len);
		memmove(m->base + dlo, m->base + slo, len);
		c->r[REG_ESI] += s->step * k;
	} else if (s->n == 1) {
		mem_note_write(m, dlo, (uint32_t)len);
		memset(m->base + dlo, (int)(c->r[REG_EAX] & 0xFF), len);
	} else {
		mem_note_write(m, dlo, (uint32_t)len);
		for (uint64_t i = 0; i < len; i += s->n)
			memcpy(m->base + dlo + i, &c->r[REG_EAX], s->n);
	}
	c->r[REG_EDI] += s->step * k;
	c->r[REG_ECX] -= k;
	return true;
}

/* REPE/REPNE SCASB and CMPSB going up through plain memory: up to max elements compared in a
 * plain loop, as the element loop would (the same registers, flags and count). Returns the
 * elements done; *ended says the REPE/REPNE condition stopped the loop at the last of them. */
static uint32_t scan_bulk(struct cpu *c, const struct insn *in, bool cmps, uint32_t max,
			  bool *ended)
{
	struct guest_mem *m = &c->mem;
	uint32_t di = c->r[REG_EDI], si = c->r[REG_ESI];
	*ended = false;
	/* Only the part that lies in plain memory: the element loop faults where it ends. */
	if (di < DVA_PAGE_SIZE || di >= m->size)
		return 0;
	if (max > m->size - di)
		max = m->size - di;
	if (cmps) {
		if (si < DVA_PAGE_SIZE || si >= m->size)
			return 0;
		if (max > m->size - si)
			max = m->size - si;
	}
	if (max == 0)
		return 0;
	bool want_equal = in->pfx & PFX_REPNE; /* REPNE stops on equal, REPE on different */
	const uint8_t *d = m->base + di, *src = cmps ? m->base + si : NULL;
	uint8_t al = (uint8_t)c->r[REG_EAX], a = 0, b = 0;
	uint32_t i;
	for (i = 0; i < max; i++) {
		a = cmps ? src[i] : al;
		b = d[i];
		if ((a == b) == want_equal) {
			*ended = true;
			i++;
			break;
		}
	}
	lazy_set(c, LF_SUB, 1, (uint32_t)(a - b), a, b);
	c->r[REG_EDI] += i;
	if (cmps)
		c->r[REG_ESI] += i;
	c->r[REG_ECX] -= i;
	return i;
}

/* Run one element, or the REP loop described at the top of the file. cond: CMPS/SCAS, where
 * the prefix is REPE/REPNE. */
static int str_run(struct cpu *c, const struct insn *in, str_elem elem, bool cond,
		   enum str_bulk bulk)
{
	struct strop s = strop_of(c, in);

	if (!(in->pfx & (PFX_REP | PFX_REPNE)))
		return elem(c, &s) ? ST_FAULT : ST_NEXT;

	uint64_t budget = c->stop_at - c->instret, k = 0;
	uint32_t count = c->r[REG_ECX] & s.am;
	if (bulk != BULK_NONE && count) {
		uint32_t n = budget < count ? (uint32_t)budget : count;
		if (rep_bulk(c, &s, bulk, n)) {
			c->instret += n == count ? n - 1 : n;
			return n == count ? ST_NEXT : ST_REP_PAUSED;
		}
	}
	if (cond && s.n == 1 && s.am == 0xFFFFFFFFu && !(c->eflags & FL_DF) && count &&
	    (elem == scas_elem || elem == cmps_elem)) {
		bool ended;
		k = scan_bulk(c, in, elem == cmps_elem, budget < count ? (uint32_t)budget : count, &ended);
		c->instret += k;
		if (ended) {
			c->instret--; /* the run loop counts the last iteration */
			return ST_NEXT;
		}
	}
	/* Each iteration retires as it completes, so a read of page 0 by the next one sees the
	 * exact instret and time_ns (DVA-1 section 6). */
	while (c->r[REG_ECX] & s.am) {
		/* stop_at, not the budget at the start: an element may have moved it (an OUTS that
		 * arms the VM's own timer ends the slice where the timer is due). */
		if (c->instret >= c->stop_at)
			return ST_REP_PAUSED;
		if (elem(c, &s))
			return ST_FAULT;
		k++;
		c->instret++;
		sreg_add(c, REG_ECX, (uint32_t)-1, s.am);
		if (cond && !rep_cond_holds(c, in))
			break;
	}
	if (k)
		c->instret--; /* the run loop counts the last iteration */
	return ST_NEXT;
}

int op_movs(struct cpu *c, const struct insn *in)
{
	return str_run(c, in, movs_elem, false, BULK_MOVS);
}

int op_cmps(struct cpu *c, const struct insn *in)
{
	return str_run(c, in, cmps_elem, true, BULK_NONE);
}

int op_scas(struct cpu *c, const struct insn *in)
{
	return str_run(c, in, scas_elem, true, BULK_NONE);
}

int op_lods(struct cpu *c, const struct insn *in)
{
	return str_run(c, in, lods_elem, false, BULK_NONE);
}

int op_stos(struct cpu *c, const struct insn *in)
{
	return str_run(c, in, stos_elem, false, BULK_STOS);
}

int op_ins(struct cpu *c, const struct insn *in)
{
	return str_run(c, in, ins_elem, false, BULK_NONE);
}

/* Bytes a REP OUTSB chunk moves at most: the on-stack buffer that puts DF = 1 runs in guest
 * order. */
#define OUTS_CHUNK 256u

/* The next contiguous run of a REP OUTSB starting at byte a, with left bytes to go: its length
 * (at most cap) and its lowest address. Runs never cross the wrap of the address size. */
static uint32_t outs_run(uint32_t a, uint32_t left, bool down, uint32_t am, uint32_t cap,
			 uint32_t *lo)
{
	uint32_t room = down ? a + 1 : am - a + 1; /* bytes before the wrap; 0 means 2^32 */
	uint32_t len = left < cap ? left : cap;
	if (room && room < len)
		len = room;
	*lo = down ? a - (len - 1) : a;
	return len;
}

/* REP OUTSB as one operation: check, then hand the bytes over in guest order. */
static int outsb_bulk(struct cpu *c, const struct insn *in)
{
	struct strop s = strop_of(c, in);
	bool down = c->eflags & FL_DF;
	uint32_t count = c->r[REG_ECX] & s.am, si = sreg(c, REG_ESI, &s);
	uint16_t port = (uint16_t)c->r[REG_EDX];
	uint8_t buf[OUTS_CHUNK];
	uint32_t a, left, len, lo;

	for (a = si, left = count; left; left -= len, a = (down ? lo - 1 : lo + len) & s.am) {
		len = outs_run(a, left, down, s.am, UINT32_MAX, &lo);
		if (mem_check_read(&c->mem, lo, len, &c->fault))
			return ST_FAULT;
	}
	for (a = si, left = count; left; left -= len, a = (down ? lo - 1 : lo + len) & s.am) {
		len = outs_run(a, left, down, s.am, OUTS_CHUNK, &lo);
		if (mem_read(&c->mem, lo, len, buf, &c->fault))
			return ST_FAULT; /* cannot happen: checked above */
		for (uint32_t i = 0; down && i < len / 2; i++) {
			uint8_t t = buf[i];
			buf[i] = buf[len - 1 - i];
			buf[len - 1 - i] = t;
		}
		int r = c->io.out_bytes(c->io.opaque, port, buf, len);
		if (r) /* only the first chunk can fail: a missing port */
			return r == CPU_IO_FAULT ? ST_FAULT : cpu_raise(c, DVA_VEC_GP, 0);
	}
	sreg_add(c, REG_ESI, s.step * count, s.am);
	sreg_add(c, REG_ECX, -count, s.am);
	return ST_NEXT;
}

int op_outs(struct cpu *c, const struct insn *in)
{
	if (in->sz[0] == 1 && (in->pfx & (PFX_REP | PFX_REPNE)) && c->io.out_bytes)
		return outsb_bulk(c, in);
	return str_run(c, in, outs_elem, false, BULK_NONE);
}
