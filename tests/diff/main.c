/* main.c - diff-gen's command line: orders the forms, builds the cases, writes cases.s. */

/* Usage:  diff-gen SEED COUNT [--no-low] [--long] [--x87 XCOUNT] > cases.s
 *         diff-gen --coverage COUNT SEED... [--x87 XCOUNT] [--vectors DIR]
 *
 * cases.s holds, per case, its code (label .Lc<n>, ending with `jmp diff_exit`; branch targets
 * .Lt<n>, return labels .Lr<n>) and its text, then the table diff_cases[] of struct dcase
 * (tests/diff/case.h) as .long rows. The forms are visited in a seeded shuffled order, round
 * after round, so a COUNT at least the number of forms reaches every form. --no-low leaves out
 * the forms that need the low window (16-bit addressing), for hosts whose vm.mmap_min_addr
 * forbids mapping it. --x87 adds XCOUNT x87 cases (x87gen.c): code labels .Lx<n>, texts .Lxs<n>,
 * the table diff_fcases[] of struct fcase. --long writes the same cases for the x86-64 native
 * program (cases64.s): the silicon-class forms' bytes inside 64-bit code (write_case_code), the
 * vector-class ones marked DCF_VECTORS (tests/diff/classes.c). --vectors names the directory the
 * coverage check searches for the unit vectors' "vectors: KEY" markers (default tests/unit).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/diff/gen.h"
#include "tests/diff/x87.h"

static uint32_t below(struct rng *g, uint32_t n)
{
	return rng_next(g) % n;
}

static const char *adj_expr(enum adj a, int n, char *buf, size_t cap)
{
	switch (a) {
	case ADJ_AREA: return "diff_area";
	case ADJ_T: snprintf(buf, cap, ".Lt%d", n); return buf;
	case ADJ_R: snprintf(buf, cap, ".Lr%d", n); return buf;
	default: return "0";
	}
}

/* One case's code. In the i386 file (long = false) the instruction, then the path it records;
 * in the x86-64 file the same instruction bytes assembled as 32-bit code inside the 64-bit text,
 * after an address-size prefix when it addresses memory, so the address is computed at 32 bits
 * as in the guest. The one encoding long mode reads otherwise, [disp32] alone (RIP-relative
 * there), is assembled as 64-bit code with addr32, which gives [disp32] through a SIB byte (or
 * the moffs32 form of MOV, the guest's own bytes after 0x67). A vector-class form is not run:
 * its labels lead to UD2. */
static void write_case_code(const struct gcase *gc, int n, bool long_mode)
{
	printf("\t.text\n.Lc%d:\n", n);
	if (!long_mode) {
		printf("%s%s", gc->code, gc->post);
	} else if (form_class(gc->f).cls != DC_SILICON) {
		printf(".Lt%d:\n.Lr%d:\n\tud2\n", n, n);
	} else if (gc->abs_mem) {
		printf("\taddr32 %s\n%s", gc->text, gc->post);
	} else {
		printf("%s\t.code32\n%s\t.code64\n%s", form_addr32(gc->f) ? "\t.byte 0x67\n" : "", gc->code,
		       gc->post);
	}
	if (!long_mode || form_class(gc->f).cls == DC_SILICON)
		printf("\tjmp diff_exit\n%s", gc->tail);
	printf("\t.section .rodata\n.Ls%d:\t.asciz \"%s\"\n", n, gc->text);
}

/* One struct dcase as .long rows (tests/diff/case.h has the field order). */
static void write_case_record(const struct gcase *gc, int n, bool long_mode)
{
	uint32_t flags = gc->flags;
	if (long_mode && form_class(gc->f).cls != DC_SILICON)
		flags |= DCF_VECTORS;
	char b[32];
	printf("\t.long 0x%" PRIx32, gc->in[0]);
	for (int r = 1; r < 9; r++)
		printf(", 0x%" PRIx32, gc->in[r]);
	printf("\n\t.long %s", adj_expr(gc->adj[0], n, b, sizeof b));
	for (int r = 1; r < 8; r++)
		printf(", %s", adj_expr(gc->adj[r], n, b, sizeof b));
	printf("\n\t.long %s", adj_expr(gc->oadj[0], n, b, sizeof b));
	for (int r = 1; r < 8; r++)
		printf(", %s", adj_expr(gc->oadj[r], n, b, sizeof b));
	printf("\n\t.long 0x%" PRIx32, gc->rmask[0]);
	for (int r = 1; r < 8; r++)
		printf(", 0x%" PRIx32, gc->rmask[r]);
	printf("\n\t.long 0x%" PRIx32 ", .Lc%d, .Ls%d, 0x%" PRIx32 ", 0x%" PRIx32 ", 0x%" PRIx32 "\n",
	       gc->fmask, n, n, flags, gc->fill, gc->show);
	for (int k = 0; k < DIFF_ITEMS; k++)
		printf("\t.long 0x%" PRIx32 ", %" PRIu32 ", 0x%" PRIx32 ", %s\n", gc->item[k].at, gc->item[k].size,
		       gc->item[k].val, adj_expr(gc->item[k].adj, n, b, sizeof b));
	for (int k = 0; k < DIFF_FIXES; k++)
		printf("\t.long 0x%" PRIx32 ", %" PRIu32 ", %s, 0x%" PRIx32 "\n", gc->fix[k].at, gc->fix[k].size,
		       adj_expr(gc->fix[k].sub, n, b, sizeof b), gc->fix[k].mask);
}

/* Whether a form needs the low window. */
static bool form_low(const struct form *f)
{
	for (int k = 0; k < f->nops; k++)
		if (f->op[k].cls == OC_MEMLO || (f->op[k].cls == OC_VAR && f->op[k].attr == OV_REP67) ||
		    (f->t->fam == F_XLAT && f->op[k].cls == OC_VAR && f->op[k].attr == OV_A16))
			return true;
	return false;
}

/* The order cases visit forms: a seeded shuffle per round. */
static void shuffle(struct rng *g, int *perm, int n)
{
	for (int i = 0; i < n; i++)
		perm[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)below(g, (uint32_t)i + 1), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

/* Generate count cases for seed into cases[] (the forms in a seeded order). */
void generate(const struct form *forms, int nforms, uint32_t seed, int count, bool low_ok,
		     struct gcase *cases)
{
	struct rng g = { 0x9E3779B97F4A7C15ULL ^ ((uint64_t)seed << 1) };
	int perm[MAX_FORMS], usable[MAX_FORMS], nusable = 0;
	unsigned visits[MAX_FORMS] = { 0 };

	for (int i = 0; i < 4; i++)
		rng_next(&g);
	for (int i = 0; i < nforms; i++)
		if (low_ok || !form_low(&forms[i]))
			usable[nusable++] = i;
	for (int n = 0; n < count; n++) {
		if (n % nusable == 0)
			shuffle(&g, perm, nusable);
		int fi = usable[perm[n % nusable]];
		gen_case(&g, &forms[fi], n, (unsigned)fi + 4 * (visits[fi]++ + seed), &cases[n]);
	}
}

static void write_xcase_code(const struct xcase *xc, int n, bool long_mode)
{
	printf("\t.text\n.Lx%d:\n%s\tjmp diff_fexit\n", n, long_mode ? xc->code64 : xc->code);
	printf("\t.section .rodata\n.Lxs%d:\t.asciz \"%s\"\n", n, xc->text);
}

/* One struct fcase as .long rows (tests/diff/case.h). */
static void write_xcase_record(const struct xcase *xc, int n)
{
	printf("\t.long 0x%" PRIx32 ", %" PRIu32 ", %" PRIu32 ", 0x%" PRIx32 ", 0x%" PRIx32 "\n", xc->cw,
	       xc->depth, xc->rot, xc->eflags, xc->eax);
	for (int k = 0; k < 8; k++)
		printf("\t.long 0x%08" PRIx32 ", 0x%08" PRIx32 ", 0x%04x\n", (uint32_t)xc->man[k],
		       (uint32_t)(xc->man[k] >> 32), xc->se[k]);
	printf("\t.long 0x%" PRIx32, xc->mem_at);
	for (int k = 0; k < DIFF_FMEM; k += 4)
		printf(", 0x%02x%02x%02x%02x", xc->mem[k + 3], xc->mem[k + 2], xc->mem[k + 1], xc->mem[k]);
	printf("\n\t.long 0x%" PRIx32 ", 0x%" PRIx32 ", .Lx%d, .Lxs%d, 0x%" PRIx32 ", 0x%" PRIx32 "\n", xc->swmask,
	       xc->rule, n, n, xc->fill, xc->cbits);
}

/* "--x87 N" at argv[i]: N, else -1 */
static int x87_arg(int argc, char **argv, int i)
{
	return i + 1 < argc && !strcmp(argv[i], "--x87") ? atoi(argv[i + 1]) : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: diff-gen SEED COUNT [--no-low] [--long] [--x87 XCOUNT] > cases.s\n"
			"       diff-gen --coverage COUNT SEED... [--x87 XCOUNT] [--vectors DIR]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct form forms[MAX_FORMS];
	static struct xform xforms[MAX_XFORMS];
	int nforms = forms_build(forms, MAX_FORMS);
	int nx = xforms_build(xforms, MAX_XFORMS);
	if (nforms <= 0 || nx <= 0)
		return 1;

	if (argc >= 3 && !strcmp(argv[1], "--coverage")) {
		uint32_t seeds[64];
		int nseeds = 0, xcount = 0;
		const char *vdir = "tests/unit";
		for (int i = 3; i < argc && nseeds < 64; i++) {
			if (x87_arg(argc, argv, i) >= 0) {
				xcount = x87_arg(argc, argv, i++);
				continue;
			}
			if (!strcmp(argv[i], "--vectors") && i + 1 < argc) {
				vdir = argv[++i];
				continue;
			}
			seeds[nseeds++] = (uint32_t)strtoul(argv[i], NULL, 0);
		}
		return coverage_check(forms, nforms, xforms, nx, atoi(argv[2]), xcount, seeds, nseeds, vdir) ? 1 : 0;
	}
	if (argc < 3)
		return usage();
	bool low_ok = true, long_mode = false;
	int xcount = 0;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--no-low"))
			low_ok = false;
		else if (!strcmp(argv[i], "--long"))
			long_mode = true;
		else if (x87_arg(argc, argv, i) >= 0)
			xcount = x87_arg(argc, argv, i++);
		else
			return usage();
	}
	uint32_t seed = (uint32_t)strtoul(argv[1], NULL, 0);
	int count = atoi(argv[2]);
	if (count <= 0)
		return usage();
	struct gcase *cases = calloc((size_t)count, sizeof *cases);
	struct xcase *xcases = calloc((size_t)xcount + 1, sizeof *xcases);
	if (!cases || !xcases)
		return 1;
	generate(forms, nforms, seed, count, low_ok, cases);
	xgenerate(xforms, nx, seed, xcount, xcases);

	printf("# %s - generated by diff-gen %" PRIu32 " %d%s --x87 %d: do not edit\n",
	       long_mode ? "cases64.s" : "cases.s", seed, count, long_mode ? " --long" : "", xcount);
	printf("\t.intel_syntax noprefix\n");
	for (int n = 0; n < count; n++)
		write_case_code(&cases[n], n, long_mode);
	for (int n = 0; n < xcount; n++)
		write_xcase_code(&xcases[n], n, long_mode);
	printf("\t.data\n\t.balign 4\n\t.globl diff_cases, diff_ncases\ndiff_ncases:\t.long %d\ndiff_cases:\n", count);
	for (int n = 0; n < count; n++)
		write_case_record(&cases[n], n, long_mode);
	printf("\t.globl diff_fcases, diff_nfcases\ndiff_nfcases:\t.long %d\ndiff_fcases:\n", xcount);
	for (int n = 0; n < xcount; n++)
		write_xcase_record(&xcases[n], n);
	printf("\t.section .note.GNU-stack, \"\", @progbits\n");
	free(cases);
	free(xcases);
	return 0;
}
