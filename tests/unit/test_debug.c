/* test_debug.c - breakpoints, single steps and watchpoints (cpu/debug.h).
 *
 * Hand-assembled programs at TVM_CODE on the unit harness's bare CPU: where a run stops (exit,
 * eip, instret), that the guest never sees a breakpoint, that a breakpoint in an image's shared
 * code stops only its CPU, what a step does with branches, calls, faults and REP, where a
 * watchpoint stops and what it records, and that a CPU which never had (or no longer has) any
 * of them runs exactly as before.
 */
#include "tests/unit/harness.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/debug.h"

#define TERMINATE "0f 3f 02"

/* A fresh machine running code (hex) from TVM_CODE, with EAX..EDI zero and ESP = TVM_STACK. */
static struct tvm *machine(const char *code)
{
	struct tvm *t = tvm_new();
	uint8_t buf[512];
	size_t n = tvm_hex(code, buf, sizeof(buf));
	tvm_poke(t, TVM_CODE, buf, n);
	struct cpu *c = tvm_cpu(t);
	memset(c->r, 0, sizeof(uint32_t) * GPRS);
	c->r[REG_ESP] = TVM_STACK;
	return t;
}

static void expect_stop(struct cpu *c, enum cpu_exit got, enum cpu_exit want, uint32_t eip,
			uint64_t instret)
{
	assert_int_equal(got, want);
	assert_int_equal(c->eip, eip);
	assert_int_equal(c->instret, instret);
}

/* inc eax x4, terminate. */
#define FOUR_INCS "40 40 40 40 " TERMINATE

static void test_break_in_the_middle_of_a_block(void **state)
{
	(void)state;
	struct tvm *t = machine(FOUR_INCS);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 2), 0);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 2), -1); /* already set */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE + 2, 2);
	assert_int_equal(c->r[REG_EAX], 2); /* the instruction at the breakpoint has not run */
	/* Resuming executes it, and runs on. */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 7, 5);
	assert_int_equal(c->r[REG_EAX], 4);
	tvm_free(t);
}

static void test_break_at_a_block_start(void **state)
{
	(void)state;
	struct tvm *t = machine(FOUR_INCS);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE, 0);
	assert_int_equal(c->r[REG_EAX], 0);
	expect_stop(c, cpu_resume(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 7, 5);
	tvm_free(t);
}

/* mov ecx, 5; L: inc eax; dec ecx; jnz L; terminate. L = TVM_CODE + 5. */
#define LOOP5 "b9 05 00 00 00 40 49 75 fc " TERMINATE

static void test_break_in_a_loop_stops_every_iteration(void **state)
{
	(void)state;
	struct tvm *t = machine(LOOP5);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 5), 0);
	for (uint32_t i = 0; i < 5; i++) {
		expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE + 5, 1 + 3 * i);
		assert_int_equal(c->r[REG_EAX], i);
	}
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 12, 17);
	assert_int_equal(c->r[REG_EAX], 5);
	tvm_free(t);
}

static void test_removed_break_no_longer_stops(void **state)
{
	(void)state;
	struct tvm *t = machine(LOOP5);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 5), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE + 5, 1);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE + 5, 4);
	assert_int_equal(cpu_break_remove(c, TVM_CODE + 5), 0);
	assert_int_equal(cpu_break_remove(c, TVM_CODE + 5), -1);
	assert_false(cpu_break_at(c, TVM_CODE + 5));
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 12, 17);
	assert_int_equal(c->r[REG_EAX], 5);
	tvm_free(t);
}

static void test_break_limit(void **state)
{
	(void)state;
	struct tvm *t = machine(FOUR_INCS);
	struct cpu *c = tvm_cpu(t);
	for (uint32_t i = 0; i < CPU_BREAK_MAX; i++)
		assert_int_equal(cpu_break_add(c, 0x20000 + i), 0);
	assert_int_equal(cpu_break_add(c, 0x30000), -1);
	tvm_free(t);
}

/* mov eax, [TVM_CODE]; terminate: the guest reads its own first bytes, where the breakpoint is;
 * then a store rewrites an instruction with a breakpoint before it runs. */
static void test_break_is_invisible_to_the_guest(void **state)
{
	(void)state;
	struct tvm *t = machine("a1 00 10 00 00 " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE, 0);
	uint8_t b;
	tvm_peek(t, TVM_CODE, &b, 1);
	assert_int_equal(b, 0xa1); /* memory holds the guest's byte */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 8, 2);
	assert_int_equal(c->r[REG_EAX], 0x001000a1);
	tvm_free(t);

	/* mov byte [0x100c], 0x41 (inc ecx); nop x5; 0x100c: inc eax; terminate */
	t = machine("c6 05 0c 10 00 00 41 90 90 90 90 90 40 " TERMINATE);
	c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 12), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE + 12, 6);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 16, 8);
	assert_int_equal(c->r[REG_ECX], 1); /* the rewritten instruction ran */
	assert_int_equal(c->r[REG_EAX], 0);
	tvm_free(t);
}

/* Two VMs of one image: the loop lies in read-only memory, decoded once in a shared cache. */
static void test_break_in_shared_code_stops_only_its_cpu(void **state)
{
	(void)state;
	struct code_cache *sh = calloc(1, sizeof(*sh));
	assert_non_null(sh);
	cache_init(sh);
	sh->shared = true;
	struct tvm *ta = machine(LOOP5), *tb = machine(LOOP5);
	struct cpu *a = tvm_cpu(ta), *b = tvm_cpu(tb);
	a->shared = b->shared = sh;
	assert_int_equal(mem_protect(&a->mem, TVM_CODE, TVM_CODE + 0x1000), 0);
	assert_int_equal(mem_protect(&b->mem, TVM_CODE, TVM_CODE + 0x1000), 0);

	/* A runs part of the loop from shared blocks, then gets a breakpoint in it. */
	expect_stop(a, cpu_run(a, 3), CPU_EXIT_BUDGET, TVM_CODE + 7, 3);
	assert_true(sh->entries > 0);
	assert_int_equal(cpu_break_add(a, TVM_CODE + 5), 0);
	expect_stop(a, cpu_run(a, 1000), CPU_EXIT_BREAK, TVM_CODE + 5, 4);
	/* B runs the same shared code to the end without stopping. */
	expect_stop(b, cpu_run(b, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 12, 17);
	assert_int_equal(b->r[REG_EAX], 5);
	/* And A goes on stopping each iteration. */
	expect_stop(a, cpu_run(a, 1000), CPU_EXIT_BREAK, TVM_CODE + 5, 7);
	/* B again, from the start, with A's breakpoint still set. */
	b->eip = TVM_CODE;
	b->r[REG_EAX] = 0;
	assert_int_equal(cpu_run(b, 1000), CPU_EXIT_TERMINATE);
	assert_int_equal(b->r[REG_EAX], 5);
	tvm_free(ta);
	tvm_free(tb);
	cache_destroy(sh);
	free(sh);
}

/* A read watchpoint of one VM, in code both decode once in the shared cache. */
static void test_read_watch_in_shared_code_stops_only_its_cpu(void **state)
{
	(void)state;
	struct code_cache *sh = calloc(1, sizeof(*sh));
	assert_non_null(sh);
	cache_init(sh);
	sh->shared = true;
	/* inc eax; mov ebx, [0x8000]; inc eax; terminate */
	const char *code = "40 8b 1d 00 80 00 00 40 " TERMINATE;
	struct tvm *ta = machine(code), *tb = machine(code);
	struct cpu *a = tvm_cpu(ta), *b = tvm_cpu(tb);
	a->shared = b->shared = sh;
	assert_int_equal(mem_protect(&a->mem, TVM_CODE, TVM_CODE + 0x1000), 0);
	assert_int_equal(mem_protect(&b->mem, TVM_CODE, TVM_CODE + 0x1000), 0);
	expect_stop(b, cpu_run(b, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 11, 4);
	assert_true(sh->entries > 0);
	assert_int_equal(cpu_watch_add(a, 0x8000, 1, CPU_WATCH_READ), 0);
	expect_stop(a, cpu_run(a, 1000), CPU_EXIT_WATCH, TVM_CODE + 7, 2);
	b->eip = TVM_CODE;
	expect_stop(b, cpu_run(b, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 11, 8);
	tvm_free(ta);
	tvm_free(tb);
	cache_destroy(sh);
	free(sh);
}

/* ---- single steps ---------------------------------------------------------------------------- */

static void test_step_through_a_branch_and_a_call(void **state)
{
	(void)state;
	/* jmp +2; nop; nop; call 0x1010; ... 0x1010: ret */
	struct tvm *t = machine("eb 02 90 90 e8 07 00 00 00 " TERMINATE "  90 90 90 90 c3");
	struct cpu *c = tvm_cpu(t);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 4, 1);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 0x10, 2);
	assert_int_equal(c->r[REG_ESP], TVM_STACK - 4);
	uint32_t ret;
	tvm_peek(t, TVM_STACK - 4, &ret, 4);
	assert_int_equal(ret, TVM_CODE + 9);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 9, 3);
	expect_stop(c, cpu_step(c), CPU_EXIT_TERMINATE, TVM_CODE + 12, 4);
	tvm_free(t);
}

static void test_step_a_faulting_instruction(void **state)
{
	(void)state;
	/* mov eax, [0xfffffff0]: #PF */
	struct tvm *t = machine("a1 f0 ff ff ff " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	/* No vector table: the VM's fault, as from cpu_run. */
	expect_stop(c, cpu_step(c), CPU_EXIT_FAULT, TVM_CODE, 0);
	assert_int_equal(c->fault.vector, DVA_VEC_PF);
	tvm_free(t);

	/* With a handler: the step ends at its first instruction, nothing retired. */
	t = machine("a1 f0 ff ff ff " TERMINATE);
	c = tvm_cpu(t);
	uint32_t base = 0x6000, handler = 0x3000;
	cpu_page0(c)->vector_base = base;
	tvm_poke(t, base + 4 * DVA_VEC_PF, &handler, 4);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, handler, 0);
	assert_true(cpu_debug_step_faulted(c));
	assert_int_equal(c->fault.vector, DVA_VEC_PF);
	tvm_free(t);
}

static void test_step_a_rep_string_instruction_whole(void **state)
{
	(void)state;
	/* mov ecx, 10; mov edi, 0x8000; mov al, 0x55; rep stosb; terminate */
	struct tvm *t = machine("b9 0a 00 00 00 bf 00 80 00 00 b0 55 f3 aa " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cpu_step(c), CPU_EXIT_BUDGET);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 14, 3 + 10);
	assert_int_equal(c->r[REG_ECX], 0);
	uint8_t m[11];
	tvm_peek(t, 0x8000, m, sizeof(m));
	for (int i = 0; i < 10; i++)
		assert_int_equal(m[i], 0x55);
	assert_int_equal(m[10], 0);
	tvm_free(t);
}

static void test_step_from_a_breakpoint(void **state)
{
	(void)state;
	struct tvm *t = machine(FOUR_INCS);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 1), 0);
	assert_int_equal(cpu_break_add(c, TVM_CODE + 2), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_BREAK, TVM_CODE + 1, 1);
	/* The step executes the breakpoint's instruction, and the next one, with its own. */
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 2, 2);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 3, 3);
	assert_int_equal(c->r[REG_EAX], 3);
	tvm_free(t);
}

static void test_step_is_not_a_delivery_point(void **state)
{
	(void)state;
	struct tvm *t = machine(FOUR_INCS);
	struct cpu *c = tvm_cpu(t);
	struct dva_regs *p0 = cpu_page0(c);
	p0->irq_enable = 1;
	p0->irq_mask = 1;
	p0->irq_pending = 1;
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 1, 1);
	expect_stop(c, cpu_step(c), CPU_EXIT_BUDGET, TVM_CODE + 2, 2);
	assert_int_equal(c->upcalls, 0);
	assert_int_equal(p0->irq_pending, 1);
	/* A run starts a quantum: it delivers (here: no vector table, the VM's fault). */
	assert_int_equal(cpu_run(c, 10), CPU_EXIT_FAULT);
	assert_int_equal(c->fault.vector, DVA_VEC_UPCALL);
	tvm_free(t);
}

/* ---- watchpoints ----------------------------------------------------------------------------- */

static void expect_hit(const struct cpu *c, uint32_t addr, uint32_t len, enum cpu_watch_kind kind)
{
	const struct cpu_watch_hit *h = cpu_watch_hit(c);
	assert_non_null(h);
	assert_true(h->pending);
	assert_int_equal(h->addr, addr);
	assert_int_equal(h->len, len);
	assert_int_equal(h->kind, kind);
}

static void test_watch_write_by_a_mov(void **state)
{
	(void)state;
	/* mov [0x8000], eax; inc ecx; mov [0x8014], eax; mov [0x8010], eax; inc ecx; terminate */
	struct tvm *t = machine("a3 00 80 00 00 41 a3 14 80 00 00 a3 10 80 00 00 41 " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_WRITE), 0);
	assert_true(c->mem.pflags[8] & PG_WATCH);
	/* The stores outside the range on the same page do not stop. */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 16, 4);
	expect_hit(c, 0x8010, 4, CPU_WATCH_WRITE);
	assert_int_equal(cpu_watch_hit(c)->watch_addr, 0x8010);
	assert_int_equal(c->r[REG_ECX], 1);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 20, 6);
	tvm_free(t);
}

static void test_watch_write_by_a_push(void **state)
{
	(void)state;
	/* inc eax; push eax; inc eax; terminate */
	struct tvm *t = machine("40 50 40 " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, TVM_STACK - 4, 4, CPU_WATCH_WRITE), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 2, 2);
	expect_hit(c, TVM_STACK - 4, 4, CPU_WATCH_WRITE);
	tvm_free(t);
}

static void test_watch_write_by_rep_stosb_crossing_into_the_range(void **state)
{
	(void)state;
	/* mov ecx, 0x40; mov edi, 0x7ff0; mov al, 0x55; rep stosb; terminate */
	struct tvm *t = machine("b9 40 00 00 00 bf f0 7f 00 00 b0 55 f3 aa " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8008, 2, CPU_WATCH_WRITE), 0);
	/* The 25th element writes 0x8008: the stop follows that iteration, the REP not done. */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 12, 3 + 25);
	expect_hit(c, 0x8008, 1, CPU_WATCH_WRITE);
	assert_int_equal(c->r[REG_EDI], 0x8009);
	assert_int_equal(c->r[REG_ECX], 0x40 - 25);
	/* Resuming: the next element writes 0x8009, in the range too. */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 12, 3 + 26);
	expect_hit(c, 0x8009, 1, CPU_WATCH_WRITE);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 17, 3 + 0x40 + 1);
	tvm_free(t);
}

static void test_watch_unaligned_access_overlapping_the_range(void **state)
{
	(void)state;
	/* mov [0x800e], eax (bytes 0x800e..0x8011); terminate */
	struct tvm *t = machine("a3 0e 80 00 00 " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_WRITE), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 5, 1);
	expect_hit(c, 0x800e, 4, CPU_WATCH_WRITE);
	tvm_free(t);
}

/* mov ebx, [0x8014]; mov ebx, [0x8010]; mov [0x8010], eax; terminate */
#define READ_THEN_WRITE "8b 1d 14 80 00 00 8b 1d 10 80 00 00 a3 10 80 00 00 " TERMINATE

static void test_watch_read_and_access(void **state)
{
	(void)state;
	struct tvm *t = machine(READ_THEN_WRITE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_READ), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 12, 2);
	expect_hit(c, 0x8010, 4, CPU_WATCH_READ);
	/* The store is not a read. */
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 20, 4);
	tvm_free(t);

	t = machine(READ_THEN_WRITE);
	c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_ACCESS), 0);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 12, 2);
	expect_hit(c, 0x8010, 4, CPU_WATCH_READ);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 17, 3);
	expect_hit(c, 0x8010, 4, CPU_WATCH_WRITE);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 20, 4);
	tvm_free(t);
}

static void test_watch_removed(void **state)
{
	(void)state;
	struct tvm *t = machine(READ_THEN_WRITE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_ACCESS), 0);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_ACCESS), -1);
	assert_int_equal(cpu_watch_add(c, 0x8010, 0, CPU_WATCH_WRITE), -1);
	assert_int_equal(cpu_watch_remove(c, 0x8010, 4, CPU_WATCH_WRITE), -1); /* not that one */
	assert_int_equal(cpu_watch_remove(c, 0x8010, 4, CPU_WATCH_ACCESS), 0);
	assert_false(c->mem.pflags[8] & PG_WATCH);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_TERMINATE, TVM_CODE + 20, 4);
	tvm_free(t);
}

/* A window reset (pool_detach copies the template's flags back) loses PG_WATCH; mem_watch_apply,
 * which pool_attach calls for a VM with watchpoints, puts it back. */
static void test_watch_flags_are_reapplied(void **state)
{
	(void)state;
	struct tvm *t = machine("a3 10 80 00 00 " TERMINATE);
	struct cpu *c = tvm_cpu(t);
	assert_int_equal(cpu_watch_add(c, 0x8010, 4, CPU_WATCH_WRITE), 0);
	memset(c->mem.pflags, 0, TVM_MEM >> DVA_PAGE_SHIFT);
	mem_watch_apply(&c->mem);
	assert_int_equal(c->mem.pflags[8], PG_WATCH);
	expect_stop(c, cpu_run(c, 1000), CPU_EXIT_WATCH, TVM_CODE + 5, 1);
	tvm_free(t);
}

/* ---- no cost when unused --------------------------------------------------------------------- */

/* The loop, with a load and a store in it, 1000 times. */
#define BUSY "b9 e8 03 00 00 40 8b 1d 00 80 00 00 89 1d 04 80 00 00 49 75 f0 " TERMINATE

static void test_unused_debug_state_changes_nothing(void **state)
{
	(void)state;
	struct tvm *plain = machine(BUSY), *used = machine(BUSY);
	struct cpu *p = tvm_cpu(plain), *u = tvm_cpu(used);
	assert_null(p->dbg);
	/* Breakpoints and watchpoints set and removed again before the run. */
	assert_int_equal(cpu_break_add(u, TVM_CODE + 5), 0);
	assert_int_equal(cpu_watch_add(u, 0x8004, 4, CPU_WATCH_ACCESS), 0);
	assert_int_equal(cpu_break_remove(u, TVM_CODE + 5), 0);
	assert_int_equal(cpu_watch_remove(u, 0x8004, 4, CPU_WATCH_ACCESS), 0);
	u->cache.stats = (struct cache_stats){ 0 };
	p->cache.stats = (struct cache_stats){ 0 };
	assert_int_equal(cpu_run(p, 100000), CPU_EXIT_TERMINATE);
	assert_int_equal(cpu_run(u, 100000), CPU_EXIT_TERMINATE);
	assert_int_equal(p->instret, u->instret);
	assert_int_equal(p->cache.stats.lookups, u->cache.stats.lookups);
	assert_int_equal(p->cache.stats.misses, u->cache.stats.misses);
	assert_int_equal(p->cache.stats.decodes, u->cache.stats.decodes);
	/* The chained run: the loop's block is looked up a handful of times, not per iteration. */
	assert_true(p->cache.stats.lookups < 10);
	assert_null(p->dbg);
	tvm_free(plain);
	tvm_free(used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_break_in_the_middle_of_a_block),
		cmocka_unit_test(test_break_at_a_block_start),
		cmocka_unit_test(test_break_in_a_loop_stops_every_iteration),
		cmocka_unit_test(test_removed_break_no_longer_stops),
		cmocka_unit_test(test_break_limit),
		cmocka_unit_test(test_break_is_invisible_to_the_guest),
		cmocka_unit_test(test_break_in_shared_code_stops_only_its_cpu),
		cmocka_unit_test(test_read_watch_in_shared_code_stops_only_its_cpu),
		cmocka_unit_test(test_step_through_a_branch_and_a_call),
		cmocka_unit_test(test_step_a_faulting_instruction),
		cmocka_unit_test(test_step_a_rep_string_instruction_whole),
		cmocka_unit_test(test_step_from_a_breakpoint),
		cmocka_unit_test(test_step_is_not_a_delivery_point),
		cmocka_unit_test(test_watch_write_by_a_mov),
		cmocka_unit_test(test_watch_write_by_a_push),
		cmocka_unit_test(test_watch_write_by_rep_stosb_crossing_into_the_range),
		cmocka_unit_test(test_watch_unaligned_access_overlapping_the_range),
		cmocka_unit_test(test_watch_read_and_access),
		cmocka_unit_test(test_watch_removed),
		cmocka_unit_test(test_watch_flags_are_reapplied),
		cmocka_unit_test(test_unused_debug_state_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
