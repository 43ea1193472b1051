/* hostin.h - host input: the VM whose console takes it (--console-in N), and its record and
 * replay (--record FILE, --replay FILE).
 *
 * Every piece of host input is taken at a point of the run: the quantum it was taken in or
 * before (the count of quanta run so far) and the run's instruction count at that moment. Under
 * the deterministic clock a run is a function of its image, its options and the input at its
 * points, so a record of those (docs/internals.md, "Record and replay") replays the run byte for
 * byte. Console bytes are the only host input today; frames, keys and debugger commands will be
 * recorded the same way.
 */
#ifndef DENALI_HOSTIN_H
#define DENALI_HOSTIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "denali_arch/vm.h"
#include "devices/console.h"

#define HOSTIN_FORMAT "denali-record 1" /* a record's first line */

struct kernel;

/* One piece of recorded input. */
struct hostin_entry {
	uint64_t quantum, insn; /* its point */
	int32_t len;            /* bytes; -1: the input ended here */
	uint32_t off;           /* where its bytes start in hostin.bytes */
};

struct hostin {
	struct kernel *k;
	uint32_t vm_id;           /* --console-in */
	struct vm *vm;            /* that VM while it runs, or NULL */
	struct console *con;      /* its console, or NULL */
	int fd;                   /* the host input (stdin); -1 when replaying */
	int watch;                /* the event loop's watch on fd, or -1 */
	struct console_input src; /* the console's source when recording or replaying */
	FILE *record;             /* --record */
	const char *record_path, *replay_path;
	struct hostin_entry *rep; /* --replay: the record's input, in order */
	unsigned nrep, next;      /* entries, and the next to give */
	unsigned char *bytes;     /* their bytes */
	bool diverged;            /* the run left the record's path (said once on stderr) */
	bool record_failed;       /* writing the record failed (said once on stderr) */
	bool has_stop;            /* --replay: the recorded run was stopped (signal, --max-insns) */
	uint64_t stop_quantum, stop_insn; /* there */
	int stop_status;          /* with this exit status */
};

/* After the images are open: check --console-in, open --record and write its header, or load
 * --replay and check that it was made by this run. 0, or EXIT_USAGE / EXIT_REFUSED after one
 * line on stderr naming the file and the difference. */
int hostin_init(struct hostin *h, struct kernel *k);
void hostin_destroy(struct hostin *h);
/* A VM was admitted / is ending: the one --console-in names gets (or gives back) the input. */
void hostin_admitted(struct hostin *h, struct vm *v);
void hostin_released(struct hostin *h, struct vm *v);
/* Whether host input may still come for a VM that wants it (it has looked at its input or
 * unmasked line 1, the input has not ended, and its ring has room: input that cannot fit could
 * change nothing). Inline: the kernel asks at every quantum. */
static inline bool hostin_wanted(const struct hostin *h)
{
	if (!h->con || h->con->in_ended || h->con->ilen == CONSOLE_IN_BUF)
		return false;
	return h->con->in_used || (vm_irq_mask(h->vm) & (1u << DVA_LINE_CONSOLE_IN));
}
/* Between quanta, before the event loop runs: watch the host input while it is wanted, or,
 * when replaying, give what the record holds for this point. waiting: every VM idles and the
 * kernel would wait for input. Returns true when the event loop must not wait (replay answers
 * without the host). */
bool hostin_serve(struct hostin *h, bool waiting);
/* --record: the run is being stopped here (a signal, --max-insns) with exit status: the record
 * says so, so that its replay stops at the same point. */
void hostin_stopped(struct hostin *h, int status);
/* --replay of a stopped run: a quantum starting now may run at most the returned budget, so it
 * ends where the recorded one was stopped; and whether the run has reached that point (then
 * *status is the recorded exit status). */
uint64_t hostin_stop_budget(const struct hostin *h, uint64_t budget);
bool hostin_stop_reached(const struct hostin *h, int *status);
/* The kernel asks these at every quantum: inline, and a branch when there is nothing to do. */
static inline uint64_t hostin_budget(const struct hostin *h, uint64_t budget)
{
	return h->has_stop ? hostin_stop_budget(h, budget) : budget;
}
static inline bool hostin_replay_stops(const struct hostin *h, int *status)
{
	return h->has_stop && hostin_stop_reached(h, status);
}
/* Whether hostin_serve has anything to do: a watch whose interest may change, a record to give
 * from, or input wanted. */
static inline bool hostin_busy(const struct hostin *h)
{
	return h->con && (h->watch >= 0 || (h->replay_path && !h->con->in_ended) || hostin_wanted(h));
}
/* At the end of the run: close the record. Whether it could not be written (said in one line). */
bool hostin_finish(struct hostin *h);

#endif
