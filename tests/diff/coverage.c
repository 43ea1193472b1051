/* coverage.c - diff-gen --coverage: every implemented instruction has a template, every form is reached. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/diff/gen.h"
#include "tests/diff/x87.h"

/* Rows whose handler is a machine operation rather than an instruction (the virtual
 * instructions, the fault and not-implemented stubs). */
static bool machine_row(const struct opdef *row)
{
	return row->fn == op_idle || row->fn == op_terminate || row->fn == op_fault || row->fn == op_unimpl;
}

/* Families whose operands carry the operation width (the others take it from the mnemonic). */
static bool sized_family(enum fam f)
{
	switch (f) {
	case F_GEN: case F_MUL1: case F_DIV: case F_SHIFT: case F_SHXD: case F_BT: case F_BS:
	case F_CMPXCHG: case F_CX8: case F_PUSH: case F_POP: case F_JMP: case F_CALL:
		return true;
	default:
		return false;
	}
}

/* Mnemonics that lack some operand width on IA-32, with the widths they have (bytes as bits:
 * 1, 2, 4, 8 -> 0x1, 0x2, 0x4, 0x8). Everything else sized must reach 8, 16 and 32 bits. */
static unsigned expected_widths(const char *name)
{
	static const struct {
		const char *prefix;
		unsigned w;
	} few[] = {
		{ "cmov", 0x6 },      /* CMOVcc has no 8-bit form */
		{ "set", 0x1 },       /* SETcc r/m8 only */
		{ "bswap", 0x4 },     /* BSWAP r16 is undefined */
		{ "bt", 0x6 }, { "bts", 0x6 }, { "btr", 0x6 }, { "btc", 0x6 },
		{ "bsf", 0x6 }, { "bsr", 0x6 }, { "shld", 0x6 }, { "shrd", 0x6 },
		{ "cmpxchg8b", 0x8 }, /* m64 only */
		{ "push", 0x6 }, { "pop", 0x6 }, /* no 8-bit stack operations */
		{ "jmp", 0x4 }, { "call", 0x4 }, /* 16-bit forms truncate EIP: left out */
	};
	for (size_t i = 0; i < sizeof few / sizeof few[0]; i++)
		if (!strcmp(name, few[i].prefix) || (!strcmp(few[i].prefix, "cmov") && !strncmp(name, "cmov", 4)) ||
		    (!strcmp(few[i].prefix, "set") && !strncmp(name, "set", 3)))
			return few[i].w;
	return 0x7;
}

static const char *zname(ZydisMnemonic m)
{
	const char *s = ZydisMnemonicGetString(m);
	return s ? s : "?";
}

/* 1. The opcode table against the templates (integer and x87) and the exclusion list. */
static int check_table(const struct form *forms, int nforms, const struct xform *xforms, int nx)
{
	int bad = 0, rows = 0, covered = 0, skipped = 0;
	for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
		const struct opdef *row = optable_find((ZydisMnemonic)m);
		if (!row || machine_row(row))
			continue;
		rows++;
		bool found = false;
		for (int i = 0; i < nforms && !found; i++)
			found = forms[i].zm == (ZydisMnemonic)m;
		for (int i = 0; i < nx && !found; i++)
			found = xforms[i].zm == (ZydisMnemonic)m;
		if (found) {
			covered++;
		} else if (row_class(zname((ZydisMnemonic)m)).cls == DC_VECTORS) {
			skipped++;
		} else {
			printf("coverage: FAIL: %s is in the opcode table but has no template and no class\n",
			       zname((ZydisMnemonic)m));
			bad++;
		}
	}
	for (int i = 0; i < nforms; i++)
		if (!forms[i].row && (i == 0 || forms[i - 1].zm != forms[i].zm))
			printf("coverage: note: %s has templates but no row in the opcode table yet\n",
			       zname(forms[i].zm));
	for (int i = 0; i < nx; i++)
		if (!xforms[i].row && (i == 0 || xforms[i - 1].zm != xforms[i].zm))
			printf("coverage: note: %s has x87 forms but no row in the opcode table yet\n",
			       zname(xforms[i].zm));
	printf("coverage: %d implemented mnemonics: %d with templates, %d covered by unit vectors only\n",
	       rows, covered, skipped);
	return bad;
}

/* Whether some file in dir holds "vectors: KEY" with nothing more to the key. */
static bool marker_found(const char *dir, const char *key)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char want[64], path[512], line[1024];
	bool found = false;

	if (!d)
		return false;
	snprintf(want, sizeof want, "vectors: %s", key);
	size_t wl = strlen(want);
	while (!found && (e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 3 || strcmp(e->d_name + nl - 2, ".c"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *fp = fopen(path, "r");
		if (!fp)
			continue;
		while (!found && fgets(line, sizeof line, fp))
			for (char *p = strstr(line, want); p && !found; p = strstr(p + 1, want)) {
				char next = p[wl];
				found = !(next == '-' || next == '_' || (next >= 'a' && next <= 'z') ||
					  (next >= '0' && next <= '9'));
			}
		fclose(fp);
	}
	closedir(d);
	return found;
}

/* Each vector-class key once: its unit vectors are marked. */
static int check_key(const char *key, const char **seen, int *nseen, const char *dir)
{
	for (int i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], key))
			return 0;
	seen[(*nseen)++] = key;
	if (marker_found(dir, key))
		return 0;
	printf("coverage: FAIL: no unit vectors marked \"vectors: %s\" in %s/*.c\n", key, dir);
	return 1;
}

/* 1b. Every form has a class: silicon (checked against the host in long mode) or vectors (unit
 * vectors, found by their marker). The opcode-table rows without templates are vectors too. */
static int check_classes(const struct form *forms, int nforms, int nx, const char *dir)
{
	const char *seen[MAX_FORMS];
	int nseen = 0, bad = 0, sil = 0, vec = 0, rows = 0;

	for (int i = 0; i < nforms; i++) {
		struct dclass_info c = form_class(&forms[i]);
		if (c.cls == DC_SILICON) {
			sil++;
		} else if (c.cls == DC_VECTORS && c.key) {
			vec++;
			bad += check_key(c.key, seen, &nseen, dir);
		} else {
			printf("coverage: FAIL: form %s %s has no class (tests/diff/classes.c)\n", forms[i].t->mn,
			       forms[i].pat);
			bad++;
		}
	}
	for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
		const struct opdef *row = optable_find((ZydisMnemonic)m);
		struct dclass_info c = row_class(zname((ZydisMnemonic)m));
		if (!row || machine_row(row) || c.cls != DC_VECTORS)
			continue;
		bool templated = false;
		for (int i = 0; i < nforms && !templated; i++)
			templated = forms[i].zm == (ZydisMnemonic)m;
		if (templated)
			continue;
		rows++;
		bad += check_key(c.key, seen, &nseen, dir);
	}
	printf("coverage: classes: %d silicon forms (integer) + %d x87 forms checked against the host in "
	       "long mode; %d vector-class forms + %d opcode-table rows covered by unit vectors (%d markers)\n",
	       sil, nx, vec, rows, nseen);
	return bad;
}

/* 2. Each sized mnemonic reaches its widths, and register and memory forms of each operand. */
static int check_widths(const struct form *forms, int nforms)
{
	int bad = 0;
	for (int i = 0; i < nforms; i++) {
		ZydisMnemonic m = forms[i].zm;
		bool first = true;
		for (int j = 0; j < i && first; j++)
			first = forms[j].zm != m;
		if (!first || !sized_family(forms[i].t->fam))
			continue;
		unsigned all = 0, regw[3] = { 0 }, memw[3] = { 0 };
		for (int j = i; j < nforms; j++) {
			if (forms[j].zm != m)
				continue;
			for (int k = 0; k < forms[j].nops; k++) {
				const struct opnd *o = &forms[j].op[k];
				unsigned w = o->size == 8 ? 0x8 : o->size;
				if (o->cls == OC_REG || o->cls == OC_ACC)
					regw[k] |= w;
				else if (o->cls == OC_MEM || o->cls == OC_MEMLO)
					memw[k] |= w;
				else if (o->cls == OC_IMM && (forms[j].t->fam == F_PUSH))
					continue;
				else
					continue;
				all |= w;
			}
		}
		const char *name = zname(m);
		unsigned want = expected_widths(name);
		if ((all & want) != want) {
			printf("coverage: FAIL: %s reaches widths 0x%x, wants 0x%x\n", name, all, want);
			bad++;
		}
		unsigned anyreg = regw[0] | regw[1] | regw[2], anymem = memw[0] | memw[1] | memw[2];
		if (!anymem && strcmp(name, "bswap")) { /* BSWAP r32 only */
			printf("coverage: FAIL: %s has no memory form\n", name);
			bad++;
		}
		if (!anyreg && strcmp(name, "cmpxchg8b")) {
			printf("coverage: FAIL: %s has no register form\n", name);
			bad++;
		}
		for (int k = 0; k < 3; k++)
			if (regw[k] && memw[k] && (regw[k] & ~memw[k])) {
				printf("coverage: FAIL: %s operand %d: widths 0x%x as a register, 0x%x in memory\n",
				       name, k, regw[k], memw[k]);
				bad++;
			}
	}
	return bad;
}

/* 3. A generated run reaches every form and the edge shift counts. */
static int check_run(const struct form *forms, int nforms, int count, const uint32_t *seeds, int nseeds)
{
	int bad = 0;
	struct gcase *cases = calloc((size_t)count, sizeof *cases);
	int *used = calloc((size_t)nforms, sizeof *used);
	/* shift counts seen per (form index): bit 0: 0, 1: 1, 2: width-1, 3: width, 4: > width */
	unsigned *cnt = calloc((size_t)nforms, sizeof *cnt);
	if (!cases || !used || !cnt)
		return 1;
	for (int s = 0; s < nseeds; s++) {
		generate(forms, nforms, seeds[s], count, true, cases);
		for (int n = 0; n < count; n++) {
			int fi = (int)(cases[n].f - forms);
			used[fi]++;
			if (cases[n].f->t->fam == F_SHIFT || cases[n].f->t->fam == F_SHXD) {
				uint32_t c = cases[n].count, w = 8 * cases[n].f->op[0].size;
				cnt[fi] |= (c == 0) | (c == 1) << 1 | (c == w - 1) << 2 | (c == w) << 3 | (c > w) << 4;
			}
		}
	}
	for (int i = 0; i < nforms; i++) {
		if (!used[i]) {
			printf("coverage: FAIL: %s form %s %s never generated (raise the count)\n",
			       form_class(&forms[i]).cls == DC_SILICON ? "silicon" : "vector-class", forms[i].t->mn,
			       forms[i].pat);
			bad++;
		}
	}
	/* the counts of a shift mnemonic and width, over its count-carrying forms (CL, imm8) */
	for (int i = 0; i < nforms; i++) {
		const struct form *f = &forms[i];
		if ((f->t->fam != F_SHIFT && f->t->fam != F_SHXD) || f->op[f->nops - 1].cls == OC_ONE)
			continue;
		unsigned seen = 0;
		for (int j = 0; j < nforms; j++)
			if (forms[j].zm == f->zm && forms[j].op[0].size == f->op[0].size &&
			    forms[j].op[forms[j].nops - 1].cls != OC_ONE)
				seen |= cnt[j];
		if (seen != 0x1F) {
			printf("coverage: FAIL: %s %u-bit: shift counts 0/1/w-1/w/>w seen as 0x%x\n", f->t->mn,
			       8u * f->op[0].size, seen);
			bad++;
		}
	}
	printf("coverage: %d forms, %d cases x %d seeds\n", nforms, count, nseeds);
	free(cases);
	free(used);
	free(cnt);
	return bad;
}

/* 4. A generated x87 run reaches every x87 form, every rounding mode and precision, unmasked
 * exceptions, stack underflow and overflow, and every class of operand in ST(0). */
static int check_xrun(const struct xform *xforms, int nx, int count, const uint32_t *seeds, int nseeds)
{
	int bad = 0;
	struct xcase *cases = calloc((size_t)count, sizeof *cases);
	int *used = calloc((size_t)nx, sizeof *used);
	unsigned modes = 0, classes = 0, unmasked = 0, under = 0, over = 0;
	if (!cases || !used)
		return 1;
	for (int s = 0; s < nseeds; s++) {
		xgenerate(xforms, nx, seeds[s], count, cases);
		for (int n = 0; n < count; n++) {
			const struct xcase *xc = &cases[n];
			const struct xform *f = xc->f;
			used[f - xforms]++;
			modes |= 1u << ((xc->cw >> 8) & 0xF); /* PC and RC: 12 combinations */
			unmasked += (xc->cw & 0x3F) != 0x3F;
			int need = f->nst > 0 ? f->nst : 0;
			under += need && xc->depth < (uint32_t)need;
			over += f->push && xc->depth == 8;
			if (xc->depth) {
				uint16_t e = xc->se[0] & 0x7FFF;
				uint64_t m = xc->man[0];
				unsigned cls = !e ? (m ? (m >> 63 ? 5 : 1) : 0)
					     : e == 0x7FFF ? (!(m >> 63) ? 5 : m << 1 ? (m >> 62 & 1 ? 3 : 4) : 2)
							   : (m >> 63 ? 6 : 5);
				classes |= 1u << cls | (xc->se[0] >> 15) << 7;
			}
		}
	}
	for (int i = 0; i < nx; i++)
		if (!used[i]) {
			printf("coverage: FAIL: x87 form %s never generated (raise the count)\n", xforms[i].fmt);
			bad++;
		}
	/* PC 0 (24), 2 (53), 3 (64) with RC 0-3: bits (rc << 2 | pc) */
	for (unsigned rc = 0; rc < 4 && nseeds; rc++)
		for (unsigned pc = 0; pc < 4; pc++)
			if (pc != 1 && !(modes & 1u << (rc << 2 | pc))) {
				printf("coverage: FAIL: x87 rounding %u with precision control %u never generated\n", rc, pc);
				bad++;
			}
	/* zero, denormal, infinity, quiet NaN, signalling NaN, unsupported, normal, negative */
	if (nseeds && classes != 0xFF) {
		printf("coverage: FAIL: x87 operand classes seen 0x%x, want 0xff\n", classes);
		bad++;
	}
	if (nseeds && (!unmasked || !under || !over)) {
		printf("coverage: FAIL: x87: %u unmasked, %u underflow, %u overflow cases\n", unmasked, under, over);
		bad++;
	}
	printf("coverage: %d x87 forms, %d cases x %d seeds (%u with unmasked exceptions, %u stack "
	       "underflows, %u overflows)\n", nx, count, nseeds, unmasked, under, over);
	free(cases);
	free(used);
	return bad;
}

int coverage_check(const struct form *forms, int nforms, const struct xform *xforms, int nx, int count,
		   int xcount, const uint32_t *seeds, int nseeds, const char *vectors_dir)
{
	int bad = check_table(forms, nforms, xforms, nx) + check_widths(forms, nforms) +
		  check_classes(forms, nforms, nx, vectors_dir);
	if (count > 0 && nseeds > 0)
		bad += check_run(forms, nforms, count, seeds, nseeds);
	if (xcount > 0 && nseeds > 0)
		bad += check_xrun(xforms, nx, xcount, seeds, nseeds);
	printf("coverage: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
