/* test_lazyflags.c - the lazy-flag shortcuts agree with the flags they stand for.
 *
 * cpu_cond() decides Jcc/SETcc/CMOVcc straight from a recorded operation, and cpu_cf()/cpu_zf()
 * read one flag without computing the rest. Each must give what the computed flags give
 * (flags_add/flags_sub/flags_logic, which the differential tests check against the host), for
 * every condition, every operand size and edge-biased operands. */
#include "tests/unit/harness.h"

#include "cpu/flags.h"

static const uint32_t edges[] = {
	0, 1, 2, 0x7F, 0x80, 0x81, 0xFF, 0x100, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x10000,
	0x7FFFFFFF, 0x80000000u, 0x80000001u, 0xFFFFFFFEu, 0xFFFFFFFFu, 0x12345678, 0xDEADBEEFu,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

/* The result of the recorded operation, as the fast handlers record it. */
static uint32_t result(enum lazy_op op, uint32_t a, uint32_t b)
{
	switch (op) {
	case LF_ADD: return a + b;
	case LF_SUB: return a - b;
	case LF_LOGIC: return a & b;
	case LF_INC: return a + 1;
	default: return a - 1;
	}
}

static void check_op(enum lazy_op op)
{
	static const unsigned sizes[] = { 1, 2, 4 };
	struct cpu c;
	int bad = 0;
	memset(&c, 0, sizeof(c));
	for (unsigned si = 0; si < 3; si++) {
		for (unsigned i = 0; i < NEDGES; i++) {
			for (unsigned j = 0; j < NEDGES; j++) {
				unsigned n = sizes[si];
				uint32_t a = edges[i], b = edges[j], cf_in = j & 1;
				/* INC/DEC keep the CF they were given in b. */
				uint32_t lb = op == LF_INC || op == LF_DEC ? cf_in : b;
				for (unsigned cc = 0; cc < 16; cc++) {
					c.eflags = FL_FIXED1;
					lazy_set(&c, op, n, result(op, a, b), a, lb);
					uint32_t want_fl = lazy_compute(&c.lf);
					bool got = cpu_cond(&c, cc), want = cond_holds(want_fl, cc);
					if (got != want) {
						print_error("op %d n %u a %08x b %08x cc %u: cpu_cond %d, flags say %d\n",
							    op, n, a, b, cc, got, want);
						bad++;
					}
				}
				lazy_set(&c, op, n, result(op, a, b), a, lb);
				uint32_t fl = lazy_compute(&c.lf);
				if (!cpu_cf(&c) != !(fl & FL_CF) || cpu_zf(&c) != !!(fl & FL_ZF)) {
					print_error("op %d n %u a %08x b %08x: cpu_cf/cpu_zf disagree\n", op, n, a, b);
					bad++;
				}
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void conditions_after_a_compare_or_subtract(void **state)
{
	(void)state;
	check_op(LF_SUB);
}

static void conditions_after_an_add(void **state)
{
	(void)state;
	check_op(LF_ADD);
}

static void conditions_after_a_logic_operation(void **state)
{
	(void)state;
	check_op(LF_LOGIC);
}

static void conditions_after_inc_and_dec_keep_the_old_carry(void **state)
{
	(void)state;
	check_op(LF_INC);
	check_op(LF_DEC);
}

/* set_flags over part of OSZAPC keeps the lazily recorded rest. */
static void a_partial_flag_write_keeps_the_recorded_flags(void **state)
{
	(void)state;
	struct cpu c;
	memset(&c, 0, sizeof(c));
	c.eflags = FL_FIXED1;
	lazy_set(&c, LF_SUB, 4, 0, 5, 5); /* ZF = 1, CF = 0 */
	set_flags(&c, FL_CF, FL_CF);     /* STC */
	assert_true(cpu_eflags(&c) & FL_ZF);
	assert_true(cpu_eflags(&c) & FL_CF);
	assert_int_equal(c.lf.op, LF_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conditions_after_a_compare_or_subtract),
		cmocka_unit_test(conditions_after_an_add),
		cmocka_unit_test(conditions_after_a_logic_operation),
		cmocka_unit_test(conditions_after_inc_and_dec_keep_the_old_carry),
		cmocka_unit_test(a_partial_flag_write_keeps_the_recorded_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
