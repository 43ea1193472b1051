/* test_stop.c - cpu_request_stop (cpu/exec.c, cpu/string.c): ending a run early from inside it.
 *
 * The kernel asks a running CPU to stop from a device callback: a timer the guest arms ends the
 * slice where it is due, a line raised for another VM in sync mode ends it at once, the debugger
 * stops a VM. Here the device is a port of our own installed on the harness's CPU: an OUT to
 * STOP_PORT counts, and the chosen one calls cpu_request_stop on the CPU from inside the OUT,
 * just as a device would. cpu.h promises:
 *   - CPU_STOP_NOW: the run returns as soon as the instruction in progress (the OUT) retires:
 *     CPU_EXIT_STOPPED, with instret = the OUT's number + 1 and eip just past it;
 *   - at = instret + k: the run returns when instret reaches exactly at, CPU_EXIT_STOPPED;
 *   - a request at or beyond the run's budget changes nothing: CPU_EXIT_BUDGET at the budget;
 *   - a REP string instruction pauses where it is (ECX counts what is left) and cpu_resume
 *     finishes it;
 *   - a request made between runs has no effect on the next run.
 * Stopping must not change what the guest computes: every stopped run is compared with a second
 * machine run straight through to the same instruction count (registers, EIP, flags).
 *
 * The port has no out_bytes handler, so a REP OUTSB to it goes element by element through out
 * (string.c), and each element can make the request.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/harness.h"

#define STOP_PORT 0xE000u /* a port the harness's console does not use */

/* The port: counts OUTs to STOP_PORT and makes one request on the trigger-th of them. */
struct stopper {
	struct cpu *c;
	unsigned outs;        /* OUTs (or OUTS elements) to STOP_PORT so far */
	unsigned trigger;     /* the OUT that requests, 1-based; 0: never */
	bool now;             /* request CPU_STOP_NOW, else instret + k */
	uint64_t k;
	uint64_t seen_instret; /* cpu.instret during the triggering OUT */
	uint32_t seen_eip;     /* cpu.eip during it */
	uint8_t bytes[64];     /* the values written, in order */
};

static int stop_in(void *opaque, uint16_t port, unsigned size, uint32_t *val)
{
	(void)opaque;
	(void)port;
	(void)size;
	(void)val;
	return CPU_IO_GP;
}

static int stop_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
	struct stopper *s = opaque;
	(void)size;
	if (port != STOP_PORT)
		return CPU_IO_GP;
	if (s->outs < sizeof(s->bytes))
		s->bytes[s->outs] = (uint8_t)val;
	if (++s->outs == s->trigger) {
		s->seen_instret = s->c->instret;
		s->seen_eip = s->c->eip;
		cpu_request_stop(s->c, s->now ? CPU_STOP_NOW : s->c->instret + s->k);
	}
	return 0;
}

/* A harness machine with code at TVM_CODE, EDX = STOP_PORT, and our port pair (no out_bytes). */
static struct tvm *machine(const char *hex, struct stopper *s)
{
	struct tvm *t = tvm_new();
	struct cpu *c = tvm_cpu(t);
	uint8_t code[128];
	size_t n = tvm_hex(hex, code, sizeof(code));
	tvm_poke(t, TVM_CODE, code, n);
	c->r[REG_EAX] = 0; /* not DVA-1's start-up magic: counts start from 0 */
	c->r[REG_EDX] = STOP_PORT;
	c->r[REG_ESP] = TVM_STACK;
	memset(s, 0, sizeof(*s));
	s->c = c;
	c->io = (struct cpu_io){ .opaque = s, .in = stop_in, .out = stop_out, .out_bytes = NULL };
	return t;
}

static const char *const names[GPRS] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

/* Does a's CPU hold the state of b's (registers, EIP, flags, instret)? Prints each difference. */
static int same_state(const char *what, struct cpu *a, struct cpu *b)
{
	int bad = 0;
	for (int i = 0; i < GPRS; i++)
		if (a->r[i] != b->r[i]) {
			print_error("%s: %s = %08" PRIx32 ", an uninterrupted run has %08" PRIx32 "\n", what,
				    names[i], a->r[i], b->r[i]);
			bad++;
		}
	if (a->eip != b->eip) {
		print_error("%s: eip = %08" PRIx32 ", an uninterrupted run has %08" PRIx32 "\n", what,
			    a->eip, b->eip);
		bad++;
	}
	if ((a->eflags ^ b->eflags) & (FL_OSZAPC | FL_DF)) {
		print_error("%s: eflags = %08" PRIx32 ", an uninterrupted run has %08" PRIx32 "\n", what,
			    a->eflags, b->eflags);
		bad++;
	}
	if (a->instret != b->instret) {
		print_error("%s: instret = %" PRIu64 ", an uninterrupted run has %" PRIu64 "\n", what,
			    a->instret, b->instret);
		bad++;
	}
	return bad;
}

/* ---- CPU_STOP_NOW in straight-line code ------------------------------------------------------ */

/* nop; nop; nop; inc eax; inc ebx; out dx, al; inc ecx x5; jmp $. The OUT is instruction 5 (from
 * 0) at offset 5: it is in the middle of one decoded block, with chained handlers on both
 * sides. */
#define LINE_CODE "90 90 90 40 43 ee 41 41 41 41 41 eb fe"
#define LINE_OUT_AT 5u

static void a_stop_now_from_an_out_ends_the_run_right_after_it(void **state)
{
	(void)state;
	/* With --trace the loop runs one instruction at a time (run_traced): the same rules. */
	for (int traced = 0; traced < 2; traced++) {
		struct stopper s;
		struct tvm *t = machine(LINE_CODE, &s);
		struct cpu *c = tvm_cpu(t);
		FILE *trace = traced ? fopen("/dev/null", "w") : NULL;
		if (traced) {
			assert_non_null(trace);
			c->trace = trace;
		}
		s.trigger = 1;
		s.now = true;

		enum cpu_exit ex = cpu_run(c, 1000);
		assert_int_equal(ex, CPU_EXIT_STOPPED);
		/* The device saw the OUT's own place: eip at it, instret counting what came before. */
		assert_int_equal(s.seen_eip, TVM_CODE + LINE_OUT_AT);
		assert_int_equal(s.seen_instret, LINE_OUT_AT);
		/* The OUT retired and nothing after it ran. */
		assert_int_equal(c->instret, LINE_OUT_AT + 1);
		assert_int_equal(c->eip, TVM_CODE + LINE_OUT_AT + 1);
		assert_int_equal(c->r[REG_EAX], 1);
		assert_int_equal(c->r[REG_EBX], 1);
		assert_int_equal(c->r[REG_ECX], 0);
		assert_int_equal(s.outs, 1);

		/* Going on runs the rest as if nothing had happened: 5 INCs, then the JMP $ loop. */
		ex = cpu_resume(c, 10);
		assert_int_equal(ex, CPU_EXIT_BUDGET);
		assert_int_equal(c->instret, LINE_OUT_AT + 1 + 10);
		assert_int_equal(c->r[REG_ECX], 5);
		assert_int_equal(c->eip, TVM_CODE + 11);
		if (trace)
			fclose(trace);
		tvm_free(t);
	}
}

/* The request comes from the OUT that ends a block's first run (the first instruction of the
 * block), and from one reached through the loop's links after the block was chained into: the
 * stop is after the OUT in both. */
static void a_stop_now_works_on_any_pass_of_a_linked_loop(void **state)
{
	(void)state;
	/* L: out dx, al; inc eax; dec ecx; jnz L; jmp $   (ECX = 50) */
	static const char code[] = "b9 32 00 00 00 ee 40 49 75 fb eb fe";
	static const unsigned triggers[] = { 1, 2, 17, 50 };
	for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
		struct stopper s;
		struct tvm *t = machine(code, &s);
		struct cpu *c = tvm_cpu(t);
		s.trigger = triggers[i];
		s.now = true;
		enum cpu_exit ex = cpu_run(c, 100000);
		assert_int_equal(ex, CPU_EXIT_STOPPED);
		/* mov, then 4 per pass; the OUT of pass p (from 1) is number 1 + 4 (p - 1). */
		uint64_t out_no = 1 + 4 * (uint64_t)(triggers[i] - 1);
		assert_int_equal(s.seen_instret, out_no);
		assert_int_equal(c->instret, out_no + 1);
		assert_int_equal(c->eip, TVM_CODE + 6);
		assert_int_equal(c->r[REG_EAX], triggers[i] - 1);
		assert_int_equal(c->r[REG_ECX], 50 - (triggers[i] - 1));
		tvm_free(t);
	}
}

/* ---- stopping at instret + k ----------------------------------------------------------------- */

/*   mov ecx, 1000
 * L: inc eax; out dx, al; add ebx, eax; inc esi; dec ecx; jnz L
 *    jmp $
 * 6 instructions a pass, 6001 before the JMP $ loop. */
#define LOOP_CODE "b9 e8 03 00 00 40 ee 01 c3 46 49 75 f8 eb fe"
#define LOOP_RUN 4000u /* every run's whole budget: inside the loop */

/* Stop at the OUT's count + k, k = 1, 5, 100 and more (the last crosses many linked passes and
 * the 1024-instruction chaining bound), requested from the OUT of pass 3. */
static void a_stop_at_instret_plus_k_ends_exactly_there_and_resume_goes_on_unchanged(void **state)
{
	(void)state;
	static const uint64_t ks[] = { 1, 2, 5, 6, 7, 100, 1500 };
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "stop at the OUT's count + %" PRIu64, ks[i]);
		struct stopper s, rs;
		struct tvm *t = machine(LOOP_CODE, &s), *ref = machine(LOOP_CODE, &rs);
		struct cpu *c = tvm_cpu(t), *rc = tvm_cpu(ref);
		s.trigger = 3;
		s.k = ks[i];

		enum cpu_exit ex = cpu_run(c, LOOP_RUN);
		uint64_t want = s.seen_instret + ks[i];
		if (ex != CPU_EXIT_STOPPED || c->instret != want)
			fail_msg("%s: exit %d at instret %" PRIu64 ", want CPU_EXIT_STOPPED (%d) at %" PRIu64,
				 what, (int)ex, c->instret, (int)CPU_EXIT_STOPPED, want);
		/* The OUT of pass 3 is instruction 1 + 6 * 2 + 1. */
		assert_int_equal(s.seen_instret, 14);

		/* Where it stopped is where a run of exactly that many instructions ends. */
		assert_int_equal(cpu_run(rc, want), CPU_EXIT_BUDGET);
		int bad = same_state(what, c, rc);

		/* Going on with the rest of the budget ends where an uninterrupted run ends. */
		ex = cpu_resume(c, LOOP_RUN - c->instret);
		if (ex != CPU_EXIT_BUDGET) {
			print_error("%s: cpu_resume returned %d, want CPU_EXIT_BUDGET\n", what, (int)ex);
			bad++;
		}
		struct stopper s2;
		struct tvm *whole = machine(LOOP_CODE, &s2);
		assert_int_equal(cpu_run(tvm_cpu(whole), LOOP_RUN), CPU_EXIT_BUDGET);
		char after[96];
		snprintf(after, sizeof(after), "%s, then resumed", what);
		bad += same_state(after, c, tvm_cpu(whole));
		/* Every OUT happened once, in order. */
		if (s.outs != s2.outs) {
			print_error("%s: %u OUTs, an uninterrupted run makes %u\n", what, s.outs, s2.outs);
			bad++;
		}
		tvm_free(whole);
		tvm_free(ref);
		tvm_free(t);
		if (bad)
			fail_msg("%s: %d differences", what, bad);
	}
}

/* A request for an instret at or beyond the end of the budget changes nothing: the run spends
 * its budget and says so (CPU_EXIT_BUDGET), in the same state as a run without the request. */
static void a_stop_at_or_beyond_the_budget_changes_nothing(void **state)
{
	(void)state;
	/* The OUT of pass 3 is number 14: the run of 500 ends at 500. k = 486 asks for exactly the
	 * budget's end, the others for later. */
	static const uint64_t ks[] = { 486, 487, 10000, UINT64_MAX / 2 };
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "a request at the OUT's count + %" PRIu64, ks[i]);
		struct stopper s, rs;
		struct tvm *t = machine(LOOP_CODE, &s), *ref = machine(LOOP_CODE, &rs);
		s.trigger = 3;
		s.k = ks[i];
		enum cpu_exit ex = cpu_run(tvm_cpu(t), 500);
		if (ex != CPU_EXIT_BUDGET || tvm_cpu(t)->instret != 500)
			fail_msg("%s: exit %d at instret %" PRIu64 ", want CPU_EXIT_BUDGET at 500", what,
				 (int)ex, tvm_cpu(t)->instret);
		assert_int_equal(cpu_run(tvm_cpu(ref), 500), CPU_EXIT_BUDGET);
		int bad = same_state(what, tvm_cpu(t), tvm_cpu(ref));
		tvm_free(ref);
		tvm_free(t);
		if (bad)
			fail_msg("%s: %d differences", what, bad);
	}
}

/* ---- inside REP OUTSB ------------------------------------------------------------------------ */

/* mov ecx, 10; mov esi, TVM_DATA; rep outsb; inc edi; jmp $. Two instructions before the REP,
 * which retires once per element (DVA-1 section 6): element j (from 0) is number 2 + j. */
#define REP_CODE "b9 0a 00 00 00 be 00 80 00 00 f3 6e 47 eb fe"
#define REP_AT (TVM_CODE + 10u)

struct rep_case {
	const char *name;
	unsigned trigger; /* the element that requests, 1-based */
	bool now;
	uint64_t k;
	uint32_t want_ecx; /* elements left when it pauses */
};

/* The REP pauses where it is, with ECX counting the rest and ESI at the next element; cpu_resume
 * finishes it, and the port sees every byte once, in order. */
static void a_stop_inside_rep_outsb_pauses_it_and_resume_finishes_it(void **state)
{
	(void)state;
	static const struct rep_case rows[] = {
		{ "CPU_STOP_NOW from the 4th element pauses after it", 4, true, 0, 6 },
		{ "CPU_STOP_NOW from the 1st element pauses after it", 1, true, 0, 9 },
		{ "a stop at +3 from the 2nd element pauses after the 4th", 2, false, 3, 6 },
		{ "a stop at +1 from the 9th element pauses before the last", 9, false, 1, 1 },
	};
	static const uint8_t data[10] = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9 };
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct rep_case *row = &rows[i];
		struct stopper s;
		struct tvm *t = machine(REP_CODE, &s);
		struct cpu *c = tvm_cpu(t);
		tvm_poke(t, TVM_DATA, data, sizeof(data));
		s.trigger = row->trigger;
		s.now = row->now;
		s.k = row->k;

		enum cpu_exit ex = cpu_run(c, 1000);
		uint32_t done = 10 - row->want_ecx;
		if (ex != CPU_EXIT_STOPPED)
			fail_msg("%s: exit %d, want CPU_EXIT_STOPPED", row->name, (int)ex);
		if (s.seen_instret != 2 + (row->trigger - 1))
			fail_msg("%s: the element saw instret %" PRIu64 ", want %u", row->name,
				 s.seen_instret, 2 + (row->trigger - 1));
		if (c->r[REG_ECX] != row->want_ecx || c->r[REG_ESI] != TVM_DATA + done ||
		    c->eip != REP_AT || c->instret != 2 + done || s.outs != done)
			fail_msg("%s: ecx %" PRIu32 " esi %08" PRIx32 " eip %08" PRIx32 " instret %" PRIu64
				 " outs %u; want ecx %" PRIu32 " esi %08" PRIx32 " eip %08" PRIx32
				 " instret %u outs %u", row->name, c->r[REG_ECX], c->r[REG_ESI], c->eip,
				 c->instret, s.outs, row->want_ecx, TVM_DATA + done, REP_AT, 2 + done, done);
		assert_int_equal(c->r[REG_EDI], 0);

		/* The rest of the REP, then INC EDI, then the JMP $ loop. */
		ex = cpu_resume(c, 20);
		assert_int_equal(ex, CPU_EXIT_BUDGET);
		assert_int_equal(c->instret, 2 + done + 20);
		assert_int_equal(c->r[REG_ECX], 0);
		assert_int_equal(c->r[REG_ESI], TVM_DATA + 10);
		assert_int_equal(c->r[REG_EDI], 1);
		assert_int_equal(c->eip, TVM_CODE + 13);
		assert_int_equal(s.outs, 10);
		assert_memory_equal(s.bytes, data, sizeof(data));
		tvm_free(t);
	}
}

/* ---- between runs ---------------------------------------------------------------------------- */

/* No run is in progress: the request has nothing to stop, and the next run sets its own budget
 * (cpu.h). Also a run that a request stopped leaves nothing behind for the run after it. */
static void a_request_between_runs_has_no_effect_on_the_next_run(void **state)
{
	(void)state;
	struct stopper s, rs;
	struct tvm *t = machine(LOOP_CODE, &s), *ref = machine(LOOP_CODE, &rs);
	struct cpu *c = tvm_cpu(t);

	/* Before the first run: CPU_STOP_NOW, and a stop a few instructions in. */
	cpu_request_stop(c, CPU_STOP_NOW);
	cpu_request_stop(c, 5);
	assert_int_equal(cpu_run(c, 50), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 50);

	/* Between two runs: the same, for cpu_resume and cpu_run. */
	cpu_request_stop(c, CPU_STOP_NOW);
	assert_int_equal(cpu_resume(c, 50), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 100);
	cpu_request_stop(c, c->instret + 1);
	assert_int_equal(cpu_run(c, 50), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, 150);

	/* A run that was stopped: the next run goes to its own budget. */
	s.trigger = s.outs + 1;
	s.now = true;
	assert_int_equal(cpu_run(c, 1000), CPU_EXIT_STOPPED);
	uint64_t at = c->instret;
	assert_int_equal(at, s.seen_instret + 1);
	assert_int_equal(cpu_run(c, 300), CPU_EXIT_BUDGET);
	assert_int_equal(c->instret, at + 300);

	assert_int_equal(cpu_run(tvm_cpu(ref), at + 300), CPU_EXIT_BUDGET);
	int bad = same_state("runs after requests made between them", c, tvm_cpu(ref));
	tvm_free(ref);
	tvm_free(t);
	if (bad)
		fail_msg("%d differences", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_stop_now_from_an_out_ends_the_run_right_after_it),
		cmocka_unit_test(a_stop_now_works_on_any_pass_of_a_linked_loop),
		cmocka_unit_test(a_stop_at_instret_plus_k_ends_exactly_there_and_resume_goes_on_unchanged),
		cmocka_unit_test(a_stop_at_or_beyond_the_budget_changes_nothing),
		cmocka_unit_test(a_stop_inside_rep_outsb_pauses_it_and_resume_finishes_it),
		cmocka_unit_test(a_request_between_runs_has_no_effect_on_the_next_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
