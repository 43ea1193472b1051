/* driver.c - runs the generated differential cases, one output line each; built natively and as a guest. */

/* Compiled from this one file as a DVA-1 guest (the console) and, with -DDIFF_NATIVE, as a Linux
 * program (stdout): a 32-bit one with tramp.S and cases.s, and a 64-bit one with tramp64.S and
 * cases64.s, where the host cannot run 32-bit code or as a second check where it can. All print
 * with the same hand-written formatter below, so the outputs can be compared byte for byte. The
 * 64-bit program prints "v<N>" for a vector-class case (DCF_VECTORS), which it does not run.
 *
 * Per case: fill the memory area with the case's pattern, write its memory items, load the
 * registers (in + adj), run, subtract oadj from each register, apply the fix-ups to the memory
 * the instruction pushed addresses or flags into, then print
 *
 *   c<N> <instruction> | <EAX> <ECX> <EDX> <EBX> <ESP> <EBP> <ESI> <EDI> f=<EFLAGS> p<path>
 *        w=<shown word> h=<hash of the memory area>
 *
 * (one line), registers masked with rmask and EFLAGS with fmask. Then the x87 cases (struct fcase):
 *
 *   x<N> <instruction> < cw=<FCW> rot=<FDECSTPs> c=<C0-C3> f=<EFLAGS> st=<ST(0)>,... m=<memory>
 *        | cw=<FCW> sw=<FSW> tw=<tag word> op=<FOP> st=<ST(0)>,...,<ST(7)>
 *        a=<EAX> f=<EFLAGS> m=<the 16 bytes at the memory operand> h=<hash of the memory area>
 *
 * the inputs after "<" (so a failure report has them), the results after "|": FSW masked by
 * swmask, each register as sign+exponent:significand in hex, or "-" when empty.
 * The last line is "end <N> <M>".
 */
#include <stddef.h>
#include <stdint.h>

#ifdef DIFF_NATIVE
#include <stdio.h>
#include <sys/mman.h>
#else
#include <denali.h>
#endif

#include "tests/diff/case.h"

/* From the generated cases.s. */
extern const struct dcase diff_cases[];
extern const uint32_t diff_ncases;
extern const struct fcase diff_fcases[];
extern const uint32_t diff_nfcases;
/* From tramp.S. */
extern uint32_t diff_out[9];
extern volatile uint32_t diff_path;
extern uint8_t diff_area[];
void diff_run(const uint32_t *in, uint32_t code);
extern uint8_t diff_fsave[108];
void diff_frun(const struct fcase *fc);

#define LINE_MAX_CHARS 1024

/* A line being built: the same bytes on both sides. */
struct line {
	char buf[LINE_MAX_CHARS];
	size_t n;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->n < LINE_MAX_CHARS - 1)
		l->buf[l->n++] = *s++;
}

static void put_hex(struct line *l, uint32_t v)
{
	for (int sh = 28; sh >= 0 && l->n < LINE_MAX_CHARS - 1; sh -= 4)
		l->buf[l->n++] = "0123456789abcdef"[(v >> sh) & 0xF];
}

static void put_dec(struct line *l, uint32_t v)
{
	char tmp[10];
	int k = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k > 0 && l->n < LINE_MAX_CHARS - 1)
		l->buf[l->n++] = tmp[--k];
}

static void emit(struct line *l)
{
	l->buf[l->n++] = '\n';
#ifdef DIFF_NATIVE
	fwrite(l->buf, 1, l->n, stdout);
#else
	dva_write(l->buf, l->n);
#endif
	l->n = 0;
}

/* The bytes an `at` field names: an offset in diff_area, or in the low window. */
static uint8_t *where(uint32_t at)
{
	if (at & DIFF_IN_LOW)
		return (uint8_t *)(uintptr_t)(DIFF_LOW_BASE + (at & 0xFFFF));
	return diff_area + at;
}

static uint32_t load(const uint8_t *p, uint32_t size)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < size; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void store(uint8_t *p, uint32_t size, uint32_t v)
{
	for (uint32_t i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The case's memory pattern: a constant byte, or xorshift32 words from the seed. */
static void fill(uint8_t *p, uint32_t n, const struct dcase *dc)
{
	uint32_t x = dc->fill | 1;

	for (uint32_t i = 0; i < n; i += 4) {
		if (dc->flags & DCF_CONST) {
			x = (dc->fill & 0xFF) * 0x01010101u;
		} else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
		}
		store(p + i, 4, x);
	}
}

/* FNV-1a over n bytes. */
static uint32_t hash(const uint8_t *p, uint32_t n, uint32_t h)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* With the argument "dump" (native: argv[1]; guest: --args dump), each case's line is followed
 * by the memory area in hex, 32 bytes a line, for finding which bytes differ. */
static void dump_area(struct line *l)
{
	for (uint32_t i = 0; i < DIFF_AREA_SIZE; i += 32) {
		put_str(l, "  ");
		put_hex(l, i);
		for (uint32_t j = 0; j < 32; j += 4) {
			put_str(l, " ");
			put_hex(l, load(diff_area + i + j, 4));
		}
		emit(l);
	}
}

static void run_case(const struct dcase *dc, uint32_t num, struct line *l, int dump)
{
	static const char *const names[8] = { " a=", " c=", " d=", " b=", " sp=", " bp=", " si=", " di=" };
	uint8_t *low = (uint8_t *)(uintptr_t)DIFF_LOW_BASE;
	uint32_t in[9];

	if (dc->flags & DCF_VECTORS) {
		put_str(l, "v");
		put_dec(l, num);
		emit(l);
		return;
	}

	fill(diff_area, DIFF_AREA_SIZE, dc);
	if (dc->flags & DCF_LOW)
		fill(low, DIFF_LOW_SIZE, dc);
	for (int k = 0; k < DIFF_ITEMS; k++)
		if (dc->item[k].size)
			store(where(dc->item[k].at), dc->item[k].size, dc->item[k].val + dc->item[k].adj);
	for (int r = 0; r < 8; r++)
		in[r] = dc->in[r] + dc->adj[r];
	in[8] = dc->in[8];
	diff_path = 0;

	diff_run(in, dc->code);

	for (int k = 0; k < DIFF_FIXES; k++) {
		const struct dfix *f = &dc->fix[k];
		if (f->size) {
			uint8_t *p = where(f->at);
			store(p, f->size, (load(p, f->size) - f->sub) & f->mask);
		}
	}
	uint32_t h = hash(diff_area, DIFF_AREA_SIZE, 2166136261u);
	if (dc->flags & DCF_LOW)
		h = hash(low, DIFF_LOW_SIZE, h);

	put_str(l, "c");
	put_dec(l, num);
	put_str(l, " ");
	put_str(l, (const char *)(uintptr_t)dc->text);
	put_str(l, " |");
	for (int r = 0; r < 8; r++) {
		put_str(l, names[r]);
		put_hex(l, (diff_out[r] - dc->oadj[r]) & dc->rmask[r]);
	}
	put_str(l, " f=");
	put_hex(l, diff_out[8] & dc->fmask);
	put_str(l, " p");
	put_dec(l, diff_path);
	put_str(l, " w=");
	put_hex(l, load(where(dc->show), 4));
	put_str(l, " h=");
	put_hex(l, h);
	emit(l);
	if (dump)
		dump_area(l);
}

static void put_hex16(struct line *l, uint32_t v)
{
	for (int sh = 12; sh >= 0 && l->n < LINE_MAX_CHARS - 1; sh -= 4)
		l->buf[l->n++] = "0123456789abcdef"[(v >> sh) & 0xF];
}

/* One x87 case: set up, run, print the state FNSAVE stored (tests/diff/case.h). */
static void run_fcase(const struct fcase *fc, uint32_t num, struct line *l)
{
	struct dcase fillc = { .fill = fc->fill };
	fill(diff_area, DIFF_AREA_SIZE, &fillc);
	for (uint32_t i = 0; i < DIFF_FMEM; i += 4)
		store(diff_area + fc->mem_at + i, 4, fc->mem[i / 4]);

	diff_frun(fc);

	/* the 32-bit protected-mode image: FCW 0, FSW 4, FTW 8, FIP 12, FOP in bits 16-26 of 16,
	 * FDP 20, then ST(0)..ST(7) at 28, 10 bytes each */
	uint32_t sw = load(diff_fsave + 4, 2), tw = load(diff_fsave + 8, 2);
	uint32_t top = (sw >> 11) & 7;
	put_str(l, "x");
	put_dec(l, num);
	put_str(l, " ");
	put_str(l, (const char *)(uintptr_t)fc->text);
	put_str(l, " < cw=");
	put_hex16(l, fc->cw);
	put_str(l, " rot=");
	put_dec(l, fc->rot);
	put_str(l, " c=");
	put_hex16(l, fc->cbits);
	put_str(l, " f=");
	put_hex(l, fc->eflags);
	put_str(l, " st=");
	for (uint32_t k = 0; k < fc->depth; k++) {
		if (k)
			put_str(l, ",");
		put_hex16(l, fc->st[k][2]);
		put_str(l, ":");
		put_hex(l, fc->st[k][1]);
		put_hex(l, fc->st[k][0]);
	}
	put_str(l, " m=");
	for (uint32_t i = 0; i < DIFF_FMEM / 4; i++)
		put_hex(l, fc->mem[i]);
	put_str(l, " | cw=");
	put_hex16(l, load(diff_fsave, 2));
	put_str(l, " sw=");
	put_hex16(l, sw & fc->swmask);
	put_str(l, " tw=");
	put_hex16(l, tw);
	put_str(l, " op=");
	put_hex16(l, fc->rule & DFR_NOFOP ? 0 : load(diff_fsave + 18, 2) & 0x7FF);
	put_str(l, " st=");
	for (uint32_t k = 0; k < 8; k++) {
		const uint8_t *r = diff_fsave + 28 + 10 * k;
		if (k)
			put_str(l, ",");
		if (((tw >> (2 * ((top + k) & 7))) & 3) == 3) {
			put_str(l, "-");
			continue;
		}
		put_hex16(l, load(r + 8, 2));
		put_str(l, ":");
		put_hex(l, load(r + 4, 4));
		put_hex(l, load(r, 4));
	}
	put_str(l, " a=");
	put_hex(l, diff_out[0]);
	put_str(l, " f=");
	put_hex(l, diff_out[8] & DIFF_FLAGS);
	put_str(l, " m=");
	for (uint32_t i = 0; i < DIFF_FMEM; i += 4)
		put_hex(l, load(diff_area + fc->mem_at + i, 4));
	put_str(l, " h=");
	put_hex(l, hash(diff_area, DIFF_AREA_SIZE, 2166136261u));
	emit(l);
}

/* Whether any case needs the low window. */
static int needs_low(void)
{
	for (uint32_t i = 0; i < diff_ncases; i++)
		if ((diff_cases[i].flags & (DCF_LOW | DCF_VECTORS)) == DCF_LOW)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct line l;

	int dump = argc > 1 && argv[1][0] == 'd';
#ifdef DIFF_NATIVE
	setvbuf(stdout, NULL, _IOLBF, 0); /* a case that crashes the host leaves the ones before it */
	/* The guest has the window as ordinary memory (its image is linked above it); a Linux
	 * process must map it, which vm.mmap_min_addr may forbid: exit 3 then, so run.sh can
	 * regenerate the cases without 16-bit addressing. */
	if (needs_low()) {
		void *want = (void *)(uintptr_t)DIFF_LOW_BASE;
		void *got = mmap(want, DIFF_LOW_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (got != want) {
			fprintf(stderr, "difftest: cannot map the low window at 0x%x\n", DIFF_LOW_BASE);
			return 3;
		}
	}
#else
	(void)needs_low;
#endif
	for (uint32_t i = 0; i < diff_ncases; i++)
		run_case(&diff_cases[i], i, &l, dump);
	for (uint32_t i = 0; i < diff_nfcases; i++)
		run_fcase(&diff_fcases[i], i, &l);
	put_str(&l, "end ");
	put_dec(&l, diff_ncases);
	put_str(&l, " ");
	put_dec(&l, diff_nfcases);
	emit(&l);
#ifdef DIFF_NATIVE
	fflush(stdout);
#endif
	return 0;
}
