/* t_os_timer.c - guestos software timers: expiry order (equal times in arming order), never
 * early, cancel and re-arm, periodic timers without drift under the deterministic clock (with
 * the VM idle and with it computing), and missed periods counted rather than replayed.
 */
#include <guestos.h>

#include "tests/guests/check.h"

#define US 1000u /* ns */

struct record {
	unsigned idx;
	uint64_t due, at; /* when it was due, and the time its callback ran */
};

static struct record fired[16];
static unsigned nfired;
static uint32_t enable_in_callback = 0xFFu;

static void note(struct timer *t, void *arg)
{
	if (nfired < 16)
		fired[nfired++] = (struct record){ (unsigned)(uintptr_t)arg, t->when, now_ns() };
	enable_in_callback = dva_page0.irq_enable;
}

static void test_order(void)
{
	static const uint32_t delay_us[6] = { 500, 200, 800, 200, 100, 500 };
	static const char want[] = "413052"; /* by due time; 1 before 3 and 0 before 5: armed first */
	struct timer t[6], cancelled, moved;
	char got[7] = { 0 };

	uint64_t start = now_ns();
	for (unsigned i = 0; i < 6; i++) {
		timer_init(&t[i], note, (void *)(uintptr_t)i);
		timer_at(&t[i], start + delay_us[i] * US);
	}
	timer_init(&cancelled, note, (void *)(uintptr_t)8);
	timer_oneshot(&cancelled, 300);
	timer_cancel(&cancelled);
	timer_cancel(&cancelled); /* harmless when not armed */
	timer_init(&moved, note, (void *)(uintptr_t)9);
	timer_at(&moved, start + 150 * US);
	timer_at(&moved, start + 900 * US); /* re-arming moves it */

	sleep_us(1000);
	check_u32("seven_expiries", nfired, 7);
	for (unsigned i = 0; i < 6 && i < nfired; i++)
		got[i] = (char)('0' + fired[i].idx);
	check_str("expire_by_due_time_ties_in_arming_order", got, want);
	check_u32("moved_timer_fires_last", nfired == 7 ? fired[6].idx : 99, 9);
	check_u32("moved_timer_due_at_new_time", nfired == 7 && fired[6].due == start + 900 * US, 1);
	check_u32("cancelled_timer_never_fires", cancelled.fired, 0);
	unsigned early = 0;
	for (unsigned i = 0; i < nfired; i++)
		early += fired[i].at < fired[i].due;
	check_u32("no_callback_runs_early", early, 0);
	check_u32("callbacks_run_with_interrupts_off", enable_in_callback, 0);
	check_u32("one_shots_disarm_after_firing", t[0].armed | t[4].armed | moved.armed, 0);
}

/* A periodic timer's callbacks: the due time and lateness of each. */
#define PERIODS 20
static uint64_t due[PERIODS], late[PERIODS];
static unsigned nperiods;
static volatile unsigned ticks;

static void periodic_note(struct timer *t, void *arg)
{
	(void)arg;
	if (nperiods < PERIODS) {
		/* t->when has moved on to the next expiry already. */
		due[nperiods] = t->when - t->period;
		late[nperiods] = now_ns() - due[nperiods];
		nperiods++;
	}
	if (++ticks == PERIODS)
		timer_cancel(t);
}

/* PERIODS expiries of a 1000 us periodic timer; busy: compute meanwhile instead of sleeping.
 * Expiry k (from 0) must be due exactly first + k * period, and run no later than max_late ns. */
static void periodic_run(const char *what, int busy, uint64_t max_late)
{
	struct timer t;
	char name[64];

	nperiods = ticks = 0;
	timer_init(&t, periodic_note, NULL);
	timer_periodic(&t, 1000);
	uint64_t first = t.when; /* now + 1000 us, as timer_periodic read the clock */
	if (busy) {
		while (ticks < PERIODS) /* interrupts on: the upcall preempts this loop */
			;
	} else {
		sleep_us(PERIODS * 1000u + 500u);
	}
	unsigned drift = 0, too_late = 0;
	uint64_t worst = 0;
	for (unsigned k = 0; k < nperiods; k++) {
		drift += due[k] != first + (uint64_t)k * 1000u * US;
		too_late += late[k] > max_late;
		if (late[k] > worst)
			worst = late[k];
	}
	dva_snprintf(name, sizeof name, "%s_all_expiries", what);
	check_u32(name, nperiods, PERIODS);
	dva_snprintf(name, sizeof name, "%s_due_at_first_plus_k_periods", what);
	check_u32(name, drift, 0);
	dva_snprintf(name, sizeof name, "%s_lateness_bounded", what);
	check_u32(name, too_late, 0);
	dva_snprintf(name, sizeof name, "%s_none_missed", what);
	check_u32(name, t.missed, 0);
	dva_snprintf(name, sizeof name, "%s_cancelled_in_callback", what);
	check_u32(name, t.armed, 0);
}

/* Interrupts off for 1 ms: a 100 us periodic timer misses periods; they are counted, and the
 * one callback that runs sees the next expiry still on the original grid. */
static void periodic_missed(void)
{
	struct timer t;

	nperiods = ticks = 0;
	timer_init(&t, periodic_note, NULL);
	uint64_t start = now_ns();
	int s = irq_disable();
	timer_periodic(&t, 100);
	uint64_t first = t.when;
	while (now_ns() < start + 1000 * US)
		;
	irq_restore(s);
	check_u32("missed_one_callback_runs", t.fired, 1);
	check_true("missed_periods_counted", t.missed >= 8 && t.missed <= 10);
	check_u32("missed_next_expiry_on_grid", (t.when - first) % (100 * US), 0);
	timer_cancel(&t);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint64_t a = now_ns(), b = now_ns();
	check_true("now_ns_advances", b > a);
	test_order();
	/* Idle: the VM wakes at the expiry itself; a few hundred instructions (ns) late at most. */
	periodic_run("periodic_idle", 0, 5 * US);
	/* Busy: the line waits for the next quantum boundary (the default quantum is 100000
	 * instructions = 100 us at the default cpu_hz), but the lateness never accumulates. */
	periodic_run("periodic_busy", 1, 110 * US);
	periodic_missed();
	return check_status();
}
