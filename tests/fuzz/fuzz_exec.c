/* fuzz_exec.c - the fuzz target: an input's bytes run as guest code on a real VM, then every
 * invariant the emulator owes a guest that misbehaves is checked (layout in tests/fuzz/fuzz.h).
 *
 * The machine is a real struct vm made by vm_create from an image built in memory, so decode,
 * the block cache, the handlers, page 0's hooks, the console and exception entry are the ones
 * `denali run` uses. Its window is fenced by PROT_NONE pages in the arena: host accesses before
 * or after the guest's memory (ASan does not watch mmap'd memory) fault at once.
 *
 * Each input runs twice on fresh VMs: once plainly, once either under --trace (one instruction
 * per look-up: the block machinery is bypassed) or with the same budget cut into other quanta.
 * Both must end in the same state: quantum boundaries are invisible without interrupt lines, and
 * a block must behave like its instructions run one by one (self-modifying code included).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <Zydis/Zydis.h>

#include "denali_arch/vm.h"
#include "tests/fuzz/fuzz.h"

/* Guest layout (256 KiB). */
#define FZ_MEM 0x40000u
#define FZ_CODE 0x1000u
#define FZ_RODATA 0x20123u      /* read-only data, deliberately unaligned at both ends */
#define FZ_RODATA_END 0x21E45u
#define FZ_TABLE 0x30000u       /* vector table: 256 entries */
#define FZ_STUBS 0x30400u       /* 16 bytes per vector */
#define FZ_COMMON 0x31400u      /* the resume handlers' shared tail */
#define FZ_HANDLERS_END 0x31500u
#define FZ_HDATA 0x3E000u       /* handler data: counter, resume point, ... (always writable) */
#define FZ_HSTACK 0x3D000u      /* resume handlers' stack top */
#define FZ_GUARD 4096u          /* PROT_NONE bytes before the window */

/* Handler data words at FZ_HDATA. */
enum { HD_COUNT = 0, HD_NEXT = 4, HD_CHUNK = 8, HD_END = 12, HD_FLAGS = 16, HD_SPAN = 20 };
#define FZ_RESUMES 64 /* resume-handler entries before the run is ended */

/* A decoded input. */
struct fz_input {
	uint8_t mode, budget;
	uint32_t regs[GPRS];
	int has_regs;
	const uint8_t *code;
	uint32_t code_len;
};

/* One machine: its arena, VM and clock, and the image it was made from. */
struct fz_machine {
	struct mem_arena arena;
	struct mem_pool pool;         /* the image's pool: the VM's window comes from it */
	struct vm_clock clock;
	struct vm vm;
	struct image img;
	uint8_t page0[DVA_PAGE_SIZE]; /* page 0 as created */
	uint8_t *pflags0;             /* page flags as created */
	uint32_t ro_lo[3], ro_hi[3];  /* read-only ranges and their bytes as created */
	unsigned nro;
	uint8_t *ro_copy[3];
	FILE *trace;
};

/* The end of one run: everything the two runs of an input must agree on. */
struct fz_end {
	int exit;
	uint32_t r[GPRS], eip, eflags;
	uint64_t instret;
	uint8_t exit_status;
	uint16_t unimpl;
	struct dva_fault fault;
	const char *no_handler;
	uint16_t fcw, fsw, ftw;
	uint32_t fip, fdp;
	struct f80 st[8];
};

static _Noreturn void fz_fail(const struct fz_input *in, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz: invariant broken (mode 0x%02x budget 0x%02x, %" PRIu32 " code bytes): ",
		in->mode, in->budget, in->code_len);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define FZ_CHECK(in, cond, ...) ((cond) ? (void)0 : fz_fail((in), __VA_ARGS__))

static void parse(const uint8_t *data, size_t size, struct fz_input *in)
{
	memset(in, 0, sizeof(*in));
	in->mode = 0x02; /* resume handlers, read-only table */
	in->budget = 0x0B;
	if (size >= FZ_HEADER) {
		in->mode = data[0];
		in->budget = data[1];
		data += FZ_HEADER;
		size -= FZ_HEADER;
	}
	if ((in->mode & FZ_REGS) && size >= FZ_REG_BYTES) {
		static const int order[7] = { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_EBP, REG_ESI, REG_EDI };
		for (int k = 0; k < 7; k++) {
			uint32_t v;
			memcpy(&v, data + 4 * k, 4);
			/* Pointer-like registers mostly inside memory, so memory operands hit it. */
			if (order[k] >= REG_EBX && !(v & 0x80000000u))
				v &= FZ_MEM - 1;
			in->regs[order[k]] = v;
		}
		in->has_regs = 1;
		data += FZ_REG_BYTES;
		size -= FZ_REG_BYTES;
	}
	in->code = data;
	in->code_len = size > FZ_CODE_MAX ? FZ_CODE_MAX : (uint32_t)size;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Write the handler code for vector n at p (16 bytes). */
static void write_stub(uint8_t *p, uint32_t n, uint32_t at, bool resume)
{
	memset(p, 0xCC, 16);
	p[0] = 0xB8; /* MOV EAX, n */
	put32(p + 1, n);
	if (resume) {
		p[5] = 0xE9; /* JMP FZ_COMMON */
		put32(p + 6, FZ_COMMON - (at + 10));
	} else {
		p[5] = 0x0F; /* TERMINATE */
		p[6] = 0x3F;
		p[7] = 0x02;
	}
}

/* The resume handlers' tail: own stack; after FZ_RESUMES entries TERMINATE with EAX = vector;
 * otherwise advance the resume point by a chunk (past the end it wraps to one byte later than
 * the previous pass, so later passes start at other offsets) and IRET there with the EFLAGS
 * image in HD_FLAGS. */
static void write_common(uint8_t *p)
{
	uint32_t hd = FZ_HDATA;
	uint8_t *q = p;
	*q++ = 0xBC; put32(q, FZ_HSTACK); q += 4;                  /* mov esp, FZ_HSTACK */
	*q++ = 0xFF; *q++ = 0x05; put32(q, hd + HD_COUNT); q += 4; /* inc dword [count] */
	*q++ = 0x81; *q++ = 0x3D; put32(q, hd + HD_COUNT); q += 4; /* cmp dword [count], limit */
	put32(q, FZ_RESUMES); q += 4;
	*q++ = 0x73; uint8_t *to_term = q++;                       /* jae terminate */
	*q++ = 0x8B; *q++ = 0x0D; put32(q, hd + HD_NEXT); q += 4;  /* mov ecx, [next] */
	*q++ = 0x03; *q++ = 0x0D; put32(q, hd + HD_CHUNK); q += 4; /* add ecx, [chunk] */
	*q++ = 0x3B; *q++ = 0x0D; put32(q, hd + HD_END); q += 4;   /* cmp ecx, [end] */
	*q++ = 0x72; *q++ = 6;                                     /* jb store (skip the sub) */
	*q++ = 0x2B; *q++ = 0x0D; put32(q, hd + HD_SPAN); q += 4;  /* sub ecx, [span] */
	*q++ = 0x89; *q++ = 0x0D; put32(q, hd + HD_NEXT); q += 4;  /* store: mov [next], ecx */
	*q++ = 0xFF; *q++ = 0x35; put32(q, hd + HD_FLAGS); q += 4; /* push dword [flags] */
	*q++ = 0x6A; *q++ = 0x00;                                  /* push 0 */
	*q++ = 0x51;                                               /* push ecx */
	*q++ = 0xCF;                                               /* iretd */
	*to_term = (uint8_t)(q - (to_term + 1));
	*q++ = 0x0F; *q++ = 0x3F; *q++ = 0x02;                     /* terminate: */
}

static void add_segment(struct image *img, uint32_t lo, uint32_t hi, bool writable)
{
	if (lo >= hi)
		return;
	img->seg[img->nseg++] = (struct image_segment){
		.vaddr = lo, .filesz = hi - lo, .memsz = hi - lo, .offset = lo,
		.writable = writable, .exec = true,
	};
}

/* Build the image: a file whose byte at offset a is guest byte a, so segment offset = vaddr. */
static void build_image(struct fz_machine *fm, const struct fz_input *in)
{
	struct image *img = &fm->img;
	uint8_t *f = calloc(1, FZ_MEM);
	if (!f)
		abort();
	memset(img, 0, sizeof(*img));
	img->data = f;
	img->size = FZ_MEM;
	img->entry = FZ_CODE;

	memcpy(f + FZ_CODE, in->code, in->code_len);
	uint32_t code_end = FZ_CODE + (in->code_len ? in->code_len : 1);
	if ((in->mode & FZ_RO_CODE) && in->code_len >= 4) {
		uint32_t split = FZ_CODE + in->code_len - in->code_len / 4;
		add_segment(img, FZ_CODE, split, true);
		add_segment(img, split, code_end, false);
	} else {
		add_segment(img, FZ_CODE, code_end, true);
	}

	for (uint32_t a = FZ_RODATA; a < FZ_RODATA_END; a++)
		f[a] = in->code_len ? in->code[(a - FZ_RODATA) % in->code_len] : (uint8_t)a;
	add_segment(img, FZ_RODATA, FZ_RODATA_END, false);

	unsigned h = in->mode & FZ_H_MASK;
	if (h != FZ_H_NONE) {
		bool resume = h != FZ_H_TERMINATE;
		for (uint32_t n = 0; n < DVA_VECTORS; n++) {
			uint32_t at = FZ_STUBS + 16 * n;
			bool hole = (in->mode & FZ_SPARSE) && n % 3 == in->budget % 3u;
			put32(f + FZ_TABLE + 4 * n, hole ? 0 : at);
			write_stub(f + at, n, at, resume);
		}
		write_common(f + FZ_COMMON);
		add_segment(img, FZ_TABLE, FZ_HANDLERS_END, in->mode & FZ_RW_TABLE);
	}

	uint32_t chunk = (in->mode & FZ_CHUNK64) ? 64 : 16;
	put32(f + FZ_HDATA + HD_NEXT, FZ_CODE);
	put32(f + FZ_HDATA + HD_CHUNK, chunk);
	put32(f + FZ_HDATA + HD_END, code_end);
	put32(f + FZ_HDATA + HD_SPAN, code_end - FZ_CODE - 1);
	put32(f + FZ_HDATA + HD_FLAGS, DVA_INITIAL_EFLAGS | ((in->mode & FZ_IRQ) ? FL_IF : 0));
	add_segment(img, FZ_HDATA, FZ_HDATA + 32, true);
}

/* Make a VM for the input, fenced by PROT_NONE pages. */
static void machine_new(struct fz_machine *fm, const struct fz_input *in, bool traced)
{
	char err[LOADER_ERR];
	memset(fm, 0, sizeof(*fm));
	if (mem_arena_init(&fm->arena, 1u << 22))
		abort();
	/* The first arena page stays unused and inaccessible: the window starts after it. */
	if (mprotect(fm->arena.base, FZ_GUARD, PROT_NONE))
		abort();
	fm->arena.used = FZ_GUARD;

	fm->clock = (struct vm_clock){ .deterministic = true, .cpu_hz = 1000000000u, .seed = 1 };
	build_image(fm, in);
	struct vm_config cfg = { .id = 0, .mem_size = FZ_MEM, .sink = SINK_NONE };
	if (image_pool(&fm->img, &fm->pool, &fm->arena, FZ_MEM))
		abort();
	if (vm_create(&fm->vm, &fm->pool, &fm->clock, &cfg, &fm->img, err)) {
		fprintf(stderr, "fuzz: vm_create: %s\n", err);
		abort();
	}
	struct guest_mem *m = &fm->vm.cpu.mem;
	/* The span's last page is mem_init's guard page: make touching it fault. */
	if (mprotect(m->base + m->span - DVA_PAGE_SIZE, DVA_PAGE_SIZE, PROT_NONE))
		abort();

	struct cpu *c = &fm->vm.cpu;
	struct dva_regs *p0 = cpu_page0(c);
	if ((in->mode & FZ_H_MASK) != FZ_H_NONE)
		p0->vector_base = FZ_TABLE;
	if (in->mode & FZ_IRQ) {
		p0->irq_enable = 1;
		p0->irq_mask = DVA_LINE_MASK;
	}
	if (in->has_regs)
		for (int k = 0; k < GPRS; k++)
			if (k != REG_ESP)
				c->r[k] = in->regs[k];
	if (traced) {
		fm->trace = fopen("/dev/null", "w");
		if (!fm->trace)
			abort();
		c->trace = fm->trace;
	}

	memcpy(fm->page0, m->base, DVA_PAGE_SIZE);
	fm->pflags0 = malloc(m->size >> DVA_PAGE_SHIFT);
	if (!fm->pflags0)
		abort();
	memcpy(fm->pflags0, m->pflags, m->size >> DVA_PAGE_SHIFT);
	for (unsigned j = 0; j < fm->img.nseg; j++) {
		const struct image_segment *s = &fm->img.seg[j];
		if (s->writable)
			continue;
		fm->ro_lo[fm->nro] = s->vaddr;
		fm->ro_hi[fm->nro] = s->vaddr + s->memsz;
		fm->ro_copy[fm->nro] = malloc(s->memsz);
		if (!fm->ro_copy[fm->nro])
			abort();
		memcpy(fm->ro_copy[fm->nro], m->base + s->vaddr, s->memsz);
		fm->nro++;
	}
}

static void machine_free(struct fz_machine *fm)
{
	struct guest_mem *m = &fm->vm.cpu.mem;
	/* Lift the fence so the arena's own teardown (madvise) sees ordinary pages. */
	mprotect(m->base + m->span - DVA_PAGE_SIZE, DVA_PAGE_SIZE, PROT_READ | PROT_WRITE);
	vm_release(&fm->vm);
	pool_destroy(&fm->pool);
	mem_arena_destroy(&fm->arena);
	for (unsigned j = 0; j < fm->nro; j++)
		free(fm->ro_copy[j]);
	free(fm->pflags0);
	free(fm->img.data);
	if (fm->trace)
		fclose(fm->trace);
}

/* The bytes of page 0 a run may change: time_ns, the RW registers, irq_batch, fault_*, instret. */
static bool page0_dynamic(uint32_t off)
{
	return (off >= 0x18 && off < 0x44) || (off >= 0x48 && off < 0x50);
}

/* Whether the instruction at eip is a software interrupt (INT n, INT3, INTO), after prefixes. */
static bool soft_int_at(const struct guest_mem *m, uint32_t eip)
{
	uint8_t b[15];
	unsigned n = mem_fetch(m, eip, sizeof(b), b);
	for (unsigned i = 0; i < n; i++) {
		switch (b[i]) {
		case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
		case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
			continue;
		default:
			return b[i] == 0xCD || b[i] == 0xCC || b[i] == 0xCE;
		}
	}
	return false;
}

/* Check the state a run ended in against DVA-1 and the emulator's own contracts. */
static void check_end(struct fz_machine *fm, const struct fz_input *in, int ex, uint64_t total)
{
	struct cpu *c = &fm->vm.cpu;
	struct guest_mem *m = &c->mem;
	const struct dva_regs *p0 = cpu_page0(c);
	const struct dva_fault *f = &c->fault;

	FZ_CHECK(in, c->instret <= total, "instret %" PRIu64 " ran past the budget %" PRIu64,
		 c->instret, total);
	switch (ex) {
	case CPU_EXIT_BUDGET:
		FZ_CHECK(in, c->instret == total, "budget exit at instret %" PRIu64 " of %" PRIu64,
			 c->instret, total);
		break;
	case CPU_EXIT_TERMINATE:
		FZ_CHECK(in, c->exit_status == (uint8_t)c->r[REG_EAX],
			 "TERMINATE status %u but AL %u", c->exit_status, c->r[REG_EAX] & 0xFF);
		break;
	case CPU_EXIT_UNIMPL:
		FZ_CHECK(in, c->unimpl != 0, "UNIMPL exit without a mnemonic");
		break;
	case CPU_EXIT_FAULT: {
		FZ_CHECK(in, c->no_handler != NULL, "fault exit (vector %" PRIu32 ") with no reason",
			 f->vector);
		FZ_CHECK(in, f->vector < DVA_VECTORS, "fault vector %" PRIu32, f->vector);
		bool raised = p0->fault_vector == f->vector && p0->fault_eip == c->eip;
		bool exc = f->vector == DVA_VEC_DE || f->vector == DVA_VEC_BR || f->vector == DVA_VEC_UD ||
			   f->vector == DVA_VEC_GP || f->vector == DVA_VEC_PF || f->vector == DVA_VEC_MF;
		if (f->vector == DVA_VEC_UPCALL && !soft_int_at(m, c->eip))
			FZ_CHECK(in, in->mode & FZ_IRQ, "upcall exit without interrupt lines");
		else if (!exc || !raised)
			FZ_CHECK(in, soft_int_at(m, c->eip),
				 "vector %" PRIu32 " not delivered at eip 0x%08" PRIx32
				 " is neither a recorded exception nor INT n (page 0 says vector %" PRIu32
				 " eip 0x%08" PRIx32 ")", f->vector, c->eip, p0->fault_vector, p0->fault_eip);
		break;
	}
	default:
		fz_fail(in, "cpu_run returned %d", ex);
	}

	/* The last exception page 0 recorded must be well formed (DVA-1 sections 1 and 5). */
	uint32_t v = p0->fault_vector, e = p0->fault_error;
	if (p0->fault_eip != 0 || v != 0 || e != 0) {
		FZ_CHECK(in, v == DVA_VEC_DE || v == DVA_VEC_BR || v == DVA_VEC_UD || v == DVA_VEC_GP ||
			 v == DVA_VEC_PF || v == DVA_VEC_MF, "page 0 records vector %" PRIu32, v);
		if (v == DVA_VEC_UD)
			FZ_CHECK(in, e <= 1, "#UD error code %" PRIu32, e);
		else if (v == DVA_VEC_PF) {
			uint32_t a = p0->fault_addr;
			FZ_CHECK(in, !(e & ~(DVA_PF_P | DVA_PF_W | DVA_PF_U | DVA_PF_I)) && (e & DVA_PF_U) &&
				 !((e & DVA_PF_W) && (e & DVA_PF_I)) && !!(e & DVA_PF_P) == (a < m->size),
				 "#PF error code 0x%" PRIx32 " for address 0x%08" PRIx32, e, a);
			if (e & DVA_PF_I)
				FZ_CHECK(in, a - p0->fault_eip < 15 && (a < DVA_PAGE_SIZE || a >= m->size),
					 "fetch #PF at 0x%08" PRIx32 " for an instruction at 0x%08" PRIx32,
					 a, p0->fault_eip);
			else if (e & DVA_PF_W)
				FZ_CHECK(in, a < DVA_PAGE_SIZE || a >= m->size || !mem_byte_writable(m, a),
					 "write #PF at writable byte 0x%08" PRIx32, a);
			else
				FZ_CHECK(in, a >= m->size, "read #PF at readable byte 0x%08" PRIx32, a);
		} else
			FZ_CHECK(in, e == 0, "vector %" PRIu32 " with error code %" PRIu32, v, e);
	}

	/* Registers: only the flags DVA-1 keeps, bit 1 set; the interrupt registers in range. */
	FZ_CHECK(in, (c->eflags & ~(FL_POPF_MASK | FL_FIXED1)) == 0 && (c->eflags & FL_FIXED1),
		 "EFLAGS 0x%08" PRIx32, c->eflags);
	FZ_CHECK(in, p0->irq_enable <= 1, "irq_enable %" PRIu32, p0->irq_enable);
	FZ_CHECK(in, (p0->irq_mask & ~DVA_LINE_MASK) == 0, "irq_mask 0x%" PRIx32, p0->irq_mask);
	FZ_CHECK(in, (p0->irq_pending & ~DVA_LINE_MASK) == 0, "irq_pending 0x%" PRIx32, p0->irq_pending);

	/* Page 0's read-only fields never change under a guest. */
	if (memcmp(m->base, fm->page0, 0x18) || memcmp(m->base + 0x44, fm->page0 + 0x44, 4) ||
	    memcmp(m->base + 0x50, fm->page0 + 0x50, DVA_PAGE_SIZE - 0x50))
		for (uint32_t off = 0; off < DVA_PAGE_SIZE; off++)
			FZ_CHECK(in, page0_dynamic(off) || m->base[off] == fm->page0[off],
				 "page 0 byte 0x%03" PRIx32 " changed from 0x%02x to 0x%02x", off,
				 fm->page0[off], m->base[off]);
	/* Read-only bytes keep their contents; protection bits never change; flags past the
	 * window's pages stay zero (a stray write past the window would land there first). */
	for (unsigned j = 0; j < fm->nro; j++) {
		uint32_t lo = fm->ro_lo[j], n = fm->ro_hi[j] - lo;
		if (memcmp(m->base + lo, fm->ro_copy[j], n) == 0)
			continue;
		for (uint32_t i = 0; i < n; i++)
			FZ_CHECK(in, m->base[lo + i] == fm->ro_copy[j][i],
				 "read-only byte 0x%08" PRIx32 " changed", lo + i);
	}
	/* One flag byte per page (on the host heap; the window's held-page bitmap follows it). A
	 * page's PG_CLEAN may only go (its first store), never come back while the VM holds it. */
	uint32_t pages = m->size >> DVA_PAGE_SHIFT;
	for (uint32_t p = 0; p < pages; p++) {
		uint8_t now = m->pflags[p], was = fm->pflags0[p];
		FZ_CHECK(in, (now & ~(PG_RO | PG_RO_PART | PG_CODE | PG_CLEAN)) == 0 &&
			 (now & (PG_RO | PG_RO_PART)) == (was & (PG_RO | PG_RO_PART)) &&
			 (!(now & PG_CLEAN) || (was & PG_CLEAN)),
			 "page %" PRIu32 " flags 0x%02x (created 0x%02x)", p, now, was);
	}
}

/* Run the input's budget in quanta of q instructions; handle IDLE as the kernel does for one VM. */
static int run_machine(struct fz_machine *fm, const struct fz_input *in, uint64_t total, uint64_t q)
{
	struct cpu *c = &fm->vm.cpu;
	struct dva_regs *p0 = cpu_page0(c);
	unsigned line = 0;
	int ex = CPU_EXIT_BUDGET;
	for (uint64_t calls = 0; c->instret < total; calls++) {
		FZ_CHECK(in, calls <= total + 16, "the run loop makes no progress");
		uint64_t budget = total - c->instret < q ? total - c->instret : q;
		if ((in->mode & FZ_IRQ) && c->instret > 0 && c->instret % q == 0)
			vm_raise(&fm->vm, line++ % DVA_LINES);
		uint64_t before = c->instret;
		fm->vm.quantum_base = before;
		ex = (int)cpu_run(c, budget);
		fm->clock.retired += c->instret - before;
		fm->vm.quantum_base = c->instret;
		FZ_CHECK(in, c->instret <= before + budget, "cpu_run retired %" PRIu64 " of a budget of %"
			 PRIu64, c->instret - before, budget);
		if (ex == CPU_EXIT_IDLE) {
			uint32_t ready = p0->irq_pending & p0->irq_mask;
			c->r[REG_EAX] = ready ? 0 : 1;
			continue;
		}
		if (ex != CPU_EXIT_BUDGET)
			break;
	}
	if (ex == CPU_EXIT_IDLE)
		ex = CPU_EXIT_BUDGET;
	return ex;
}

static void snapshot(const struct fz_machine *fm, int ex, struct fz_end *e)
{
	const struct cpu *c = &fm->vm.cpu;
	memset(e, 0, sizeof(*e));
	e->exit = ex;
	memcpy(e->r, c->r, sizeof(e->r));
	e->eip = c->eip;
	e->eflags = c->eflags;
	e->instret = c->instret;
	e->exit_status = ex == CPU_EXIT_TERMINATE ? c->exit_status : 0;
	e->unimpl = ex == CPU_EXIT_UNIMPL ? c->unimpl : 0;
	e->fault = c->fault;
	e->no_handler = ex == CPU_EXIT_FAULT ? c->no_handler : NULL;
	e->fcw = c->fpu.fcw;
	e->fsw = c->fpu.fsw;
	e->ftw = c->fpu.ftw;
	e->fip = c->fpu.fip;
	e->fdp = c->fpu.fdp;
	for (int i = 0; i < 8; i++) {
		e->st[i].mant = c->fpu.st[i].mant;
		e->st[i].sexp = c->fpu.st[i].sexp;
	}
}

static void compare(const struct fz_input *in, const char *how, const struct fz_end *a,
		    const struct fz_end *b, const struct fz_machine *ma, const struct fz_machine *mb)
{
	FZ_CHECK(in, a->exit == b->exit, "%s: exit %d vs %d", how, a->exit, b->exit);
	FZ_CHECK(in, a->instret == b->instret, "%s: instret %" PRIu64 " vs %" PRIu64, how,
		 a->instret, b->instret);
	FZ_CHECK(in, a->eip == b->eip, "%s: eip 0x%08" PRIx32 " vs 0x%08" PRIx32, how, a->eip, b->eip);
	for (int k = 0; k < GPRS; k++)
		FZ_CHECK(in, a->r[k] == b->r[k], "%s: r%d 0x%08" PRIx32 " vs 0x%08" PRIx32, how, k,
			 a->r[k], b->r[k]);
	FZ_CHECK(in, a->eflags == b->eflags, "%s: eflags 0x%08" PRIx32 " vs 0x%08" PRIx32, how,
		 a->eflags, b->eflags);
	FZ_CHECK(in, a->exit_status == b->exit_status && a->unimpl == b->unimpl &&
		 a->no_handler == b->no_handler, "%s: status/unimpl/no_handler differ", how);
	if (a->exit == CPU_EXIT_FAULT)
		FZ_CHECK(in, a->fault.vector == b->fault.vector && a->fault.error == b->fault.error,
			 "%s: fault %" PRIu32 "/%" PRIu32 " vs %" PRIu32 "/%" PRIu32, how, a->fault.vector,
			 a->fault.error, b->fault.vector, b->fault.error);
	FZ_CHECK(in, a->fcw == b->fcw && a->fsw == b->fsw && a->ftw == b->ftw && a->fip == b->fip &&
		 a->fdp == b->fdp, "%s: x87 control state differs", how);
	for (int i = 0; i < 8; i++)
		FZ_CHECK(in, a->st[i].mant == b->st[i].mant && a->st[i].sexp == b->st[i].sexp,
			 "%s: x87 R%d differs", how, i);
	/* Page 0's time_ns and instret hold whatever the last read refreshed them to: a guest sees
	 * them only through a read, which refreshes them first, so they are not compared. */
	const uint8_t *x = ma->vm.cpu.mem.base, *y = mb->vm.cpu.mem.base;
	static const uint32_t ranges[3][2] = { { 0, 0x18 }, { 0x20, 0x48 }, { 0x50, FZ_MEM } };
	for (int k = 0; k < 3; k++) {
		uint32_t lo = ranges[k][0], hi = ranges[k][1];
		if (memcmp(x + lo, y + lo, hi - lo) == 0)
			continue;
		while (x[lo] == y[lo])
			lo++;
		fz_fail(in, "%s: guest byte 0x%08" PRIx32 " 0x%02x vs 0x%02x", how, lo, x[lo], y[lo]);
	}
}

int fz_run(const uint8_t *data, size_t size, struct fz_result *res)
{
	struct fz_input in;
	parse(data, size, &in);
	uint64_t quanta = 1 + (in.budget & 7u), q = 64u << (2 * ((in.budget >> 3) & 3u));
	uint64_t total = quanta * q;
	bool traced = in.budget & FZ_TRACED;
	struct fz_machine *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	if (!a || !b)
		abort();
	struct fz_end ea, eb;
	machine_new(a, &in, false);
	int exa = run_machine(a, &in, total, q);
	check_end(a, &in, exa, total);
	snapshot(a, exa, &ea);

	/* The second run's quanta: the same when lines are raised at their boundaries, else split
	 * differently: boundaries must then be invisible. Except for self-modifying code: a REP
	 * string instruction that overwrites its own bytes and is paused at a boundary is decoded
	 * afresh when it resumes, as x86 refetches after an interrupt mid-REP, while an unbroken
	 * one finishes as decoded. So when the first run wrote decoded code, keep the quanta. */
	bool smc = a->vm.cpu.cache.stats.invalidations > 0;
	uint64_t q2 = (in.mode & FZ_IRQ) || smc ? q : (q > 7 ? q / 3 + 1 : q + 5);
	machine_new(b, &in, traced);
	int exb = run_machine(b, &in, total, q2);
	check_end(b, &in, exb, total);
	snapshot(b, exb, &eb);
	compare(&in, traced ? (q2 == q ? "traced run differs" : "traced re-split run differs")
			    : (q2 == q ? "second run differs" : "re-split run differs"), &ea, &eb, a, b);

	if (res) {
		uint32_t count;
		memcpy(&count, a->vm.cpu.mem.base + FZ_HDATA + HD_COUNT, 4);
		*res = (struct fz_result){
			.exit = exa, .vector = exa == CPU_EXIT_FAULT ? a->vm.cpu.fault.vector : 0,
			.why = ea.no_handler, .unimpl = ea.unimpl, .instret = ea.instret,
			.entries = count < FZ_RESUMES ? count : FZ_RESUMES,
		};
	}
	machine_free(a);
	machine_free(b);
	free(a);
	free(b);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(data, size, NULL);
}
