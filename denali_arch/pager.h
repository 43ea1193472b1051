/* pager.h - the pager (pager.c): --mem-budget as a budget for the run's resident guest memory,
 * kept by moving idle VMs' written pages out to the swap file and back when they next run.
 *
 * Resident guest memory is counted in pages: every page a VM has written in its window, and the
 * pages windows given back still hold for the next VM of their image (struct mem_arena's
 * held_pages). Pages shared from an image (mmu/pool.h) are the host's page cache, once per
 * image, and are not counted. When admitting or waking a VM would pass the budget, the pager
 * first gives back the memory of windows no VM holds, then moves out the idle VM that ran
 * least recently, and so on; a VM comes back, all its pages at once, when it is next scheduled.
 * Nothing of this is visible to a guest: a run gives the same output and statistics with any
 * budget, or none, unless --swap-disk models the time it takes.
 *
 * --swap-block B counts resident memory in blocks of B: a VM that wrote one page of a block
 * holds all of it (mmu/mem.h's pad_pages), and moves all of it. --swap-disk L:R models one
 * paging disk in system time, as the paper's VMs paged to theirs: a VM picked to run while
 * swapped out first waits for its read (off the run queue, other VMs running meanwhile), which
 * starts when the disk is free and takes L plus its blocks' bytes at R; a swap-out's write keeps
 * the disk busy likewise, without holding anyone. The disk serves transfers in the order they
 * are asked for.
 */
#ifndef DENALI_PAGER_H
#define DENALI_PAGER_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/swap.h"

struct kernel;
struct vm;
struct mem_pool;

struct pager {
	uint64_t budget_pages;  /* --mem-budget in pages; 0: no budget, nothing is swapped */
	bool open;              /* the swap file is open */
	bool failed;            /* the swap file failed: the run is stopping (said in one line) */
	struct swap_file swap;
	struct vm *lru_head, *lru_tail; /* resident idle VMs, least recently run first */
	uint32_t idle_resident; /* VMs in that list */
	uint32_t swapped;       /* VMs swapped out now */
	uint32_t swapped_peak;
	uint32_t *est_pages;    /* per group: pages a VM of it is expected to write: its memory size
				 * until one has gone out or ended, then a running mean */
	bool *seen;             /* per group: one has */
	/* What it did, for summary.json. */
	uint64_t outs, ins;     /* VMs moved out, and back in */
	uint64_t out_ns, in_ns; /* host time those took */
	uint64_t trimmed_pages; /* pages of free windows given back to the host */
	uint64_t over_budget;   /* VMs run although the budget was passed (nothing idle to move out) */
	uint64_t held_peak;     /* resident guest pages at most */
	/* The modelled paging disk (--swap-disk), all in system time. */
	uint64_t disk_ns, disk_rate; /* latency per transfer; bytes per second (0: no disk) */
	uint64_t disk_free_at;  /* when the disk has done every transfer asked of it so far */
	uint64_t disk_reads, disk_writes, disk_bytes;
	uint64_t disk_busy_ns;  /* time it spent transferring */
	uint64_t disk_wait_ns;  /* time VMs spent waiting for their reads, in all */
};

/* Open the swap file when the run has a budget. 0, or EXIT_USAGE after one line. */
int pager_init(struct kernel *k);
void pager_destroy(struct kernel *k);

/* v went idle (resident, VM_IDLE): it may be moved out from now on. */
void pager_idle(struct kernel *k, struct vm *v);
/* v is no longer idle, or is done: it leaves the pager's list (and, done, the swap file). */
void pager_forget(struct kernel *k, struct vm *v);
/* Whether a new VM of group g can be admitted under the budget, moving idle VMs out to make
 * room. Always true without a budget. */
bool pager_room_for_new(struct kernel *k, unsigned group);
/* Bring v (swapped out) back before it runs, making room for it first. 0, or -1 when the swap
 * file failed (said; the run must stop). */
int pager_swap_in(struct kernel *k, struct vm *v);
/* v, swapped out, was picked to run: ask the modelled disk for its record. The system time it
 * will be in (later than now), when v may run. Only with --swap-disk. */
uint64_t pager_read(struct kernel *k, struct vm *v, uint64_t now);
/* After a quantum: back under the budget if the VMs' writes passed it. 0, or -1 as above. */
int pager_balance(struct kernel *k);

#endif
