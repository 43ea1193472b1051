/* pager.c - the budget for resident guest memory: idle VMs moved out to the swap file, least
 * recently run first, and back in when they are next scheduled (pager.h). */
#include "denali_arch/pager.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"

int pager_init(struct kernel *k)
{
	struct pager *pg = &k->pager;
	const struct run_config *cfg = k->cfg;
	if (!cfg->mem_budget)
		return 0;
	pg->budget_pages = cfg->mem_budget >> DVA_PAGE_SHIFT;
	if (!pg->budget_pages)
		pg->budget_pages = 1;
	k->arena.block_pages = cfg->swap_block >> DVA_PAGE_SHIFT;
	pg->disk_ns = cfg->swap_disk_ns;
	pg->disk_rate = cfg->swap_disk_rate;
	pg->est_pages = malloc(cfg->ngroups * sizeof(*pg->est_pages));
	if (!pg->est_pages) {
		fprintf(stderr, "denali: out of host memory\n");
		return EXIT_REFUSED;
	}
	/* Until a VM of the group has been seen going out or ending, as the gatekeeper of a run
	 * without swapping would count it: all of its memory. */
	for (unsigned i = 0; i < cfg->ngroups; i++)
		pg->est_pages[i] = cfg->groups[i].mem_size >> DVA_PAGE_SHIFT;
	pg->seen = calloc(cfg->ngroups, sizeof(*pg->seen));
	if (!pg->seen) {
		fprintf(stderr, "denali: out of host memory\n");
		return EXIT_REFUSED;
	}
	char err[SWAP_ERR];
	if (swap_open(&pg->swap, cfg->swap_path, err)) {
		if (cfg->swap_path)
			fprintf(stderr, "denali: --swap %s: %s\n", cfg->swap_path, err);
		else
			fprintf(stderr, "denali: --mem-budget: %s (name a file with --swap)\n", err);
		return EXIT_USAGE;
	}
	pg->open = true;
	return 0;
}

void pager_destroy(struct kernel *k)
{
	struct pager *pg = &k->pager;
	if (pg->open)
		swap_close(&pg->swap);
	pg->open = false;
	free(pg->est_pages);
	free(pg->seen);
	pg->est_pages = NULL;
	pg->seen = NULL;
}

/* The swap file failed: say so once; the kernel stops the run at its next boundary. */
static void fail(struct kernel *k, const char *err)
{
	struct pager *pg = &k->pager;
	if (!pg->failed)
		fprintf(stderr, "denali: --swap %s: %s; stopping the run (no VM has lost a page)\n",
			pg->swap.path ? pg->swap.path : "(temporary file)", err);
	pg->failed = true;
}

static void lru_unlink(struct pager *pg, struct vm *v)
{
	if (v->lru_prev)
		v->lru_prev->lru_next = v->lru_next;
	else
		pg->lru_head = v->lru_next;
	if (v->lru_next)
		v->lru_next->lru_prev = v->lru_prev;
	else
		pg->lru_tail = v->lru_prev;
	v->lru_prev = v->lru_next = NULL;
	v->in_lru = false;
	pg->idle_resident--;
}

/* A VM of group g had written pages when it went out or ended: the group's estimate follows. */
static void learn(struct pager *pg, unsigned g, uint32_t pages)
{
	uint32_t *est = &pg->est_pages[g];
	*est = pg->seen[g] ? (*est * 3 + pages + 3) / 4 : pages;
	pg->seen[g] = true;
}

void pager_idle(struct kernel *k, struct vm *v)
{
	struct pager *pg = &k->pager;
	if (!pg->budget_pages || v->in_lru || v->swapped || k->cfg->groups[v->group].pinned)
		return;
	v->lru_prev = pg->lru_tail;
	v->lru_next = NULL;
	if (pg->lru_tail)
		pg->lru_tail->lru_next = v;
	else
		pg->lru_head = v;
	pg->lru_tail = v;
	v->in_lru = true;
	pg->idle_resident++;
}

/* The pages m holds: those it wrote, each block of them counted whole (--swap-block). */
static uint32_t written_pages(const struct guest_mem *m)
{
	uint32_t n = 0, pages = m->size >> DVA_PAGE_SHIFT, bp = m->arena->block_pages;
	for (uint32_t lo = 0; lo < pages; lo += bp) {
		uint32_t hi = lo + bp < pages ? lo + bp : pages, w = 0;
		for (uint32_t pfn = lo; pfn < hi && (bp == 1 || !w); pfn++)
			w += pool_page_written(m, pfn);
		n += bp == 1 ? w : w ? hi - lo : 0;
	}
	return n;
}

/* Resident guest memory as the budget counts it: pages held, each block whole. */
static uint64_t resident(const struct kernel *k)
{
	return k->arena.held_pages + k->arena.pad_pages;
}

/* One transfer of pages on the modelled disk, asked for at now: when it will be done. */
static uint64_t disk_transfer(struct pager *pg, uint64_t now, uint32_t pages)
{
	uint64_t bytes = (uint64_t)pages << DVA_PAGE_SHIFT;
	uint64_t t = pg->disk_ns + (uint64_t)((double)bytes * 1e9 / (double)pg->disk_rate);
	if (!t)
		t = 1; /* a transfer takes some time: a VM waiting for one is never ready at once */
	uint64_t start = pg->disk_free_at > now ? pg->disk_free_at : now;
	pg->disk_free_at = start + t;
	pg->disk_busy_ns += t;
	pg->disk_bytes += bytes;
	return pg->disk_free_at;
}

uint64_t pager_read(struct kernel *k, struct vm *v, uint64_t now)
{
	struct pager *pg = &k->pager;
	uint64_t done = disk_transfer(pg, now, v->sw_pages);
	pg->disk_reads++;
	pg->disk_wait_ns += done - now;
	return done;
}

void pager_forget(struct kernel *k, struct vm *v)
{
	struct pager *pg = &k->pager;
	if (v->in_lru)
		lru_unlink(pg, v);
	if (v->state == VM_DONE && pg->budget_pages && v->cpu.mem.win)
		learn(pg, v->group, written_pages(&v->cpu.mem));
	if (v->state == VM_DONE && v->swapped) { /* ended while out: its record is not needed */
		swap_drop(&pg->swap, &v->sw_slot);
		v->swapped = false;
		pg->swapped--;
	}
}


/* Move v (resident, idle, in the list) out: its record first, so a failure leaves it whole. */
static int swap_out(struct kernel *k, struct vm *v)
{
	struct pager *pg = &k->pager;
	uint64_t t0 = clock_host_ns();
	char err[SWAP_ERR];
	const struct dva_regs *p0 = cpu_page0(&v->cpu);
	uint32_t pending = p0->irq_pending, mask = p0->irq_mask, pages = written_pages(&v->cpu.mem);
	if (swap_put(&pg->swap, v->id, &v->cpu.mem, &v->sw_slot, err)) {
		fail(k, err);
		return -1;
	}
	lru_unlink(pg, v);
	if (v->console)
		console_trim(v->console); /* its buffers, empty at a boundary, come back when used */
	mem_destroy(&v->cpu.mem); /* the window, reset, goes back to its pool */
	v->swapped = true;
	v->sw_pending = pending;
	v->sw_mask = mask;
	v->sw_pages = pages;
	learn(pg, v->group, pages);
	if (pg->disk_rate) { /* written behind: it holds no VM, but the disk is busy meanwhile */
		disk_transfer(pg, kernel_now(k), pages);
		pg->disk_writes++;
	}
	pg->outs++;
	if (++pg->swapped > pg->swapped_peak)
		pg->swapped_peak = pg->swapped;
	pg->out_ns += clock_host_ns() - t0;
	return 0;
}

/* Give back the memory of free windows: all of them, but the newest keep of pool keep_pool
 * (whose next VM would take it). The pages given back. */
static uint64_t trim_free(struct kernel *k, const struct mem_pool *keep_pool, uint32_t keep)
{
	uint64_t given = 0;
	for (unsigned i = 0; i < k->cfg->ngroups; i++) {
		struct mem_pool *p = &k->pools[i];
		given += pool_trim(p, p == keep_pool ? keep : 0);
	}
	k->pager.trimmed_pages += given;
	return given;
}

/* Make room for a VM of group g that will write about need pages: true when it fits now. */
static bool make_room(struct kernel *k, unsigned g, uint64_t need)
{
	struct pager *pg = &k->pager;
	struct mem_pool *pool = &k->pools[g];
	while (!pg->failed) {
		/* A free window of the group comes with the pages its last VM wrote. */
		uint64_t extra = pool->nfree ? 0 : need;
		if (resident(k) + extra <= pg->budget_pages)
			return true;
		if (trim_free(k, pool, 1))
			continue;
		if (!pg->lru_head)
			return false;
		if (swap_out(k, pg->lru_head))
			return false;
	}
	return false;
}

bool pager_room_for_new(struct kernel *k, unsigned group)
{
	struct pager *pg = &k->pager;
	return !pg->budget_pages || make_room(k, group, pg->est_pages[group]);
}

int pager_swap_in(struct kernel *k, struct vm *v)
{
	struct pager *pg = &k->pager;
	uint64_t t0 = clock_host_ns();
	if (!make_room(k, v->group, v->sw_pages)) {
		if (pg->failed)
			return -1;
		pg->over_budget++; /* every other VM is busy: it runs anyway, and the gatekeeper waits */
	}
	char err[SWAP_ERR];
	if (pool_attach(&k->pools[v->group], &v->cpu.mem)) {
		fail(k, "no host address space or memory left for a VM coming back in");
		return -1;
	}
	if (swap_get(&pg->swap, v->id, &v->sw_slot, &v->cpu.mem, err)) {
		fail(k, err);
		return -1;
	}
	cpu_page0(&v->cpu)->irq_pending |= v->sw_pending;
	v->swapped = false;
	v->paged_in = false;
	pg->swapped--;
	pg->ins++;
	if (resident(k) > pg->held_peak)
		pg->held_peak = resident(k);
	pg->in_ns += clock_host_ns() - t0;
	return 0;
}

int pager_balance(struct kernel *k)
{
	struct pager *pg = &k->pager;
	if (resident(k) > pg->held_peak)
		pg->held_peak = resident(k);
	while (resident(k) > pg->budget_pages && !pg->failed) {
		if (trim_free(k, NULL, 0))
			continue;
		if (!pg->lru_head)
			break;
		if (swap_out(k, pg->lru_head))
			break;
	}
	return pg->failed ? -1 : 0;
}
