/* harness.c - a bare CPU with memory and a console port, and the row runner for unit vectors. */
#include "tests/unit/harness.h"

#include <elf.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"

struct tvm {
	struct mem_arena arena;
	struct cpu cpu;
	char console[8192];
	size_t con_len;
};

static void con_put(struct tvm *t, uint8_t b)
{
	if (t->con_len + 1 < sizeof(t->console))
		t->console[t->con_len++] = (char)b;
	t->console[t->con_len] = '\0';
}

static int t_in(void *opaque, uint16_t port, unsigned size, uint32_t *val)
{
	(void)opaque;
	if (port == DVA_PORT_CONSOLE && size == 1) {
		*val = 0xFF; /* no input waits */
		return 0;
	}
	if (port == DVA_PORT_CONSOLE_STATUS && size == 4) {
		*val = DVA_CONSOLE_EOF;
		return 0;
	}
	return -1;
}

static int t_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
	if (port != DVA_PORT_CONSOLE || size != 1)
		return -1;
	con_put(opaque, (uint8_t)val);
	return 0;
}

static int t_out_bytes(void *opaque, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	if (port != DVA_PORT_CONSOLE)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		con_put(opaque, bytes[i]);
	return 0;
}

static void t_code_write(void *opaque, uint32_t pfn)
{
	struct tvm *t = opaque;
	cache_invalidate_page(&t->cpu.cache, pfn);
	t->cpu.leave_block = true;
}

struct tvm *tvm_new(void)
{
	struct tvm *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	assert_int_equal(mem_arena_init(&t->arena, 2 * TVM_MEM + (1u << 20)), 0);
	assert_int_equal(mem_init(&t->cpu.mem, &t->arena, TVM_MEM), 0);
	struct dva_regs *p0 = (struct dva_regs *)t->cpu.mem.base;
	p0->magic = DVA_MAGIC;
	p0->version = DVA_VERSION;
	p0->mem_size = TVM_MEM;
	t->cpu.mem.hooks = (struct mem_hooks){ .opaque = t, .code_write = t_code_write };
	t->cpu.io = (struct cpu_io){ .opaque = t, .in = t_in, .out = t_out, .out_bytes = t_out_bytes };
	cpu_reset(&t->cpu, TVM_CODE);
	return t;
}

void tvm_free(struct tvm *t)
{
	cpu_destroy(&t->cpu);
	mem_destroy(&t->cpu.mem);
	mem_arena_destroy(&t->arena);
	free(t);
}

struct cpu *tvm_cpu(struct tvm *t)
{
	return &t->cpu;
}

void tvm_poke(struct tvm *t, uint32_t addr, const void *bytes, size_t n)
{
	assert_true(addr + n <= TVM_MEM);
	memcpy(t->cpu.mem.base + addr, bytes, n);
	cache_flush(&t->cpu.cache);
}

void tvm_peek(struct tvm *t, uint32_t addr, void *bytes, size_t n)
{
	assert_true(addr + n <= TVM_MEM);
	memcpy(bytes, t->cpu.mem.base + addr, n);
}

size_t tvm_hex(const char *hex, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		unsigned v;
		assert_true(sscanf(hex, "%2x", &v) == 1);
		assert_true(n < cap);
		buf[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

enum cpu_exit tvm_run(struct tvm *t, uint64_t n)
{
	return cpu_run(&t->cpu, n);
}

const char *tvm_console(struct tvm *t)
{
	return t->console;
}

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

/* Run one row; print every mismatch; return the number of mismatches. */
static int run_row(const struct row *row)
{
	struct tvm *t = tvm_new();
	struct cpu *c = &t->cpu;
	uint8_t code[64];
	size_t len = tvm_hex(row->code, code, sizeof(code));
	int bad = 0;

	tvm_poke(t, TVM_CODE, code, len);
	tvm_poke(t, TVM_DATA, row->m, sizeof(row->m));
	memcpy(c->r, row->r, sizeof(row->r));
	if (!c->r[REG_ESP])
		c->r[REG_ESP] = TVM_STACK;
	c->eflags = row->fl | FL_FIXED1;

	enum cpu_exit ex = tvm_run(t, row->insns ? (uint64_t)row->insns : 1);
	if ((int)ex != row->want_exit) {
		print_error("%s: exit %d, want %d\n", row->name, (int)ex, row->want_exit);
		bad++;
	}
	if (ex == CPU_EXIT_FAULT && row->want_exit == CPU_EXIT_FAULT &&
	    c->fault.vector != row->want_fault) {
		print_error("%s: fault vector %" PRIu32 ", want %" PRIu32 "\n", row->name,
			    c->fault.vector, row->want_fault);
		bad++;
	}
	for (int i = 0; i < 8; i++) {
		uint32_t want = row->want_r[i];
		if (i == REG_ESP && !want)
			want = TVM_STACK;
		if (c->r[i] != want) {
			print_error("%s: %s = %08" PRIx32 ", want %08" PRIx32 "\n", row->name,
				    reg_names[i], c->r[i], want);
			bad++;
		}
	}
	uint32_t want_eip = row->want_eip ? row->want_eip : TVM_CODE + (uint32_t)len;
	if (row->want_exit == CPU_EXIT_FAULT && !row->want_eip)
		want_eip = TVM_CODE;
	if (c->eip != want_eip) {
		print_error("%s: eip = %08" PRIx32 ", want %08" PRIx32 "\n", row->name, c->eip, want_eip);
		bad++;
	}
	uint32_t mask = row->mask ? row->mask : FL_OSZAPC;
	if ((c->eflags ^ row->want_fl) & mask) {
		print_error("%s: eflags = %08" PRIx32 ", want %08" PRIx32 " (mask %08" PRIx32 ")\n",
			    row->name, c->eflags & mask, row->want_fl & mask, mask);
		bad++;
	}
	uint32_t m[4];
	tvm_peek(t, TVM_DATA, m, sizeof(m));
	for (int i = 0; i < 4; i++) {
		if (m[i] != row->want_m[i]) {
			print_error("%s: m[%d] = %08" PRIx32 ", want %08" PRIx32 "\n", row->name, i,
				    m[i], row->want_m[i]);
			bad++;
		}
	}
	tvm_free(t);
	return bad;
}

void run_rows(const struct row *rows, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++)
		failed += run_row(&rows[i]) ? 1 : 0;
	if (failed)
		fail_msg("%d of %zu rows failed", failed, n);
}

size_t tvm_elf(uint8_t *out, size_t cap, uint32_t va, const uint8_t *code, size_t n)
{
	size_t size = TVM_ELF_CODE_OFF + n;
	assert_true(size <= cap);
	memset(out, 0, TVM_ELF_CODE_OFF);
	Elf32_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_entry = va;
	eh.e_phoff = sizeof(Elf32_Ehdr);
	eh.e_ehsize = sizeof(Elf32_Ehdr);
	eh.e_phentsize = sizeof(Elf32_Phdr);
	eh.e_phnum = 1;
	Elf32_Phdr ph = {
		.p_type = PT_LOAD, .p_offset = TVM_ELF_CODE_OFF, .p_vaddr = va, .p_paddr = va,
		.p_filesz = (uint32_t)n, .p_memsz = (uint32_t)n, .p_flags = PF_R | PF_X, .p_align = 0x1000,
	};
	memcpy(out, &eh, sizeof(eh));
	memcpy(out + sizeof(eh), &ph, sizeof(ph));
	memcpy(out + TVM_ELF_CODE_OFF, code, n);
	return size;
}
