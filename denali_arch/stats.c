/* stats.c - what a run reports: its statistics (--stats DIR: summary.json, vms.csv and
 * vms-host.csv), the summary table (--summary) and the progress line (--progress).
 *
 * Under the deterministic clock vms.csv and everything in summary.json outside its "host"
 * object are a function of the configuration and the guests alone: two runs give the same
 * bytes. The "host" object and vms-host.csv hold what the host machine decides (wall time,
 * memory, each VM's host time and so its MIPS). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "denali_arch/kernel.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static const char *console_name(enum console_mode m)
{
	static const char *const names[] = { "auto", "raw", "prefix", "files", "none" };
	return names[m];
}

/* Guest memory: windows, image sharing and the pager (pager.h); none of it is guest-visible. */
static void write_memory(const struct kernel *k, FILE *f)
{
	const struct pager *pg = &k->pager;
	const struct swap_file *s = &pg->swap;
	uint64_t windows = 0, copied = 0;
	for (unsigned i = 0; i < k->cfg->ngroups; i++) {
		windows += k->pools[i].windows;
		copied += k->pools[i].copied;
	}
	/* Resident pages as the budget counts them: each --swap-block block whole. */
	uint64_t resident = k->arena.held_pages + k->arena.pad_pages;
	fprintf(f, "  \"memory\": {\n    \"windows\": %" PRIu64 ", \"windows_copying_image\": %" PRIu64
		",\n    \"resident_pages\": %" PRIu64 ", \"resident_pages_peak\": %" PRIu64
		", \"block_padding_pages\": %" PRIu64 ",\n", windows, copied, resident,
		pg->held_peak > resident ? pg->held_peak : resident, k->arena.pad_pages);
	fprintf(f, "    \"swap_outs\": %" PRIu64 ", \"swap_ins\": %" PRIu64 ", \"swapped_peak\": %" PRIu32
		", \"over_budget\": %" PRIu64 ", \"trimmed_pages\": %" PRIu64 ",\n", pg->outs, pg->ins,
		pg->swapped_peak, pg->over_budget, pg->trimmed_pages);
	fprintf(f, "    \"pages_out\": %" PRIu64 ", \"pages_in\": %" PRIu64 ", \"pages_free\": %" PRIu64
		", \"stored_bytes\": %" PRIu64 ", \"compression_ratio\": %.3f,\n    \"swap_file_peak_bytes\": %"
		PRIu64 ",\n", s->pages_out, s->pages_in, s->pages_skipped, s->stored_bytes,
		s->stored_bytes ? (double)s->raw_bytes / (double)s->stored_bytes : 0.0, s->peak_bytes);
	/* The modelled paging disk (--swap-disk), in system time; zeros without one. */
	fprintf(f, "    \"disk_reads\": %" PRIu64 ", \"disk_writes\": %" PRIu64 ", \"disk_bytes\": %" PRIu64
		", \"disk_busy_ns\": %" PRIu64 ", \"disk_wait_ns\": %" PRIu64 "\n  },\n", pg->disk_reads,
		pg->disk_writes, pg->disk_bytes, pg->disk_busy_ns, pg->disk_wait_ns);
}

static int write_summary(const struct kernel *k, FILE *f, int exit_status)
{
	const struct run_config *cfg = k->cfg;
	uint64_t upcalls = 0, lines = 0, raised = 0, idle = 0;
	struct cache_stats cs = { 0 };
	uint32_t ok = 0;
	for (uint32_t i = 0; i < k->created; i++) {
		const struct vm *v = k->vms[i];
		cs.lookups += v->cpu.cache.stats.lookups;
		cs.misses += v->cpu.cache.stats.misses;
		cs.decodes += v->cpu.cache.stats.decodes;
		cs.invalidations += v->cpu.cache.stats.invalidations;
		cs.flushes += v->cpu.cache.stats.flushes;
		upcalls += v->cpu.upcalls;
		lines += v->cpu.upcall_lines;
		raised += v->stats.irqs_raised;
		idle += v->stats.idle_ns;
		ok += v->state == VM_DONE && v->status == 0;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double wall = (double)k->wall_ns / 1e9;

	fprintf(f, "{\n  \"config\": {\n");
	fprintf(f, "    \"quantum\": %" PRIu32 ",\n    \"cpu_hz\": %" PRIu32 ",\n", cfg->quantum, cfg->cpu_hz);
	fprintf(f, "    \"clock\": \"%s\",\n    \"irq_mode\": \"%s\",\n", cfg->host_clock ? "host" : "virtual",
		cfg->irq_mode == IRQ_SYNC ? "sync" : "batched");
	fprintf(f, "    \"max_insns\": %" PRIu64 ",\n    \"max_active\": %" PRIu32 ",\n", cfg->max_insns, cfg->max_active);
	fprintf(f, "    \"mem_budget\": %" PRIu64 ",\n    \"seed\": %" PRIu64 ",\n", cfg->mem_budget, cfg->seed);
	fprintf(f, "    \"swap_block\": %" PRIu32 ",\n    \"swap_disk_ns\": %" PRIu64 ",\n    \"swap_disk_rate\": %"
		PRIu64 ",\n", cfg->swap_block, cfg->swap_disk_ns, cfg->swap_disk_rate);
	fprintf(f, "    \"epoch_ns\": %" PRIu64 ",\n    \"console\": \"%s\",\n", k->clock.epoch_ns * !cfg->host_clock,
		console_name(cfg->console));
	/* A run with the host's network is not reproducible: what the host sends, and when. */
	fprintf(f, "    \"host_network\": \"%s\",\n    \"deterministic\": %s,\n", cfg->net_user ? "user" : cfg->net_tap ? "tap" : "none",
		cfg->host_clock ? "false" : "true");
	fprintf(f, "    \"groups\": [");
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		const struct group_config *g = &cfg->groups[i];
		fprintf(f, "%s\n      { \"name\": ", i ? "," : "");
		json_str(f, g->name);
		fprintf(f, ", \"image\": ");
		json_str(f, g->image);
		fprintf(f, ", \"count\": %" PRIu32 ", \"mem\": %" PRIu32 ", \"args\": ", g->count, g->mem_size);
		json_str(f, g->args ? g->args : "");
		fprintf(f, "%s }", g->pinned ? ", \"pinned\": true" : ""); /* only when set: older files stay valid */
	}
	fprintf(f, "\n    ]\n  },\n");
	fprintf(f, "  \"vms\": %" PRIu64 ",\n  \"vms_done\": %" PRIu32 ",\n  \"vms_status_0\": %" PRIu32 ",\n",
		k->total, k->done, ok);
	fprintf(f, "  \"exit_status\": %d,\n", exit_status);
	fprintf(f, "  \"instructions\": %" PRIu64 ",\n", k->clock.retired);
	fprintf(f, "  \"system_time_ns\": %" PRIu64 ",\n", k->clock.deterministic ? kernel_now(k) : 0);
	fprintf(f, "  \"skipped_ns\": %" PRIu64 ",\n", k->clock.skipped_ns);
	fprintf(f, "  \"context_switches\": %" PRIu64 ",\n", k->switches);
	fprintf(f, "  \"irqs_raised\": %" PRIu64 ",\n  \"upcalls\": %" PRIu64 ",\n", raised, upcalls);
	fprintf(f, "  \"lines_per_upcall\": %.3f,\n", upcalls ? (double)lines / (double)upcalls : 0.0);
	fprintf(f, "  \"idle_ns\": %" PRIu64 ",\n", idle);
	fprintf(f, "  \"cache_lookups\": %" PRIu64 ",\n  \"cache_misses\": %" PRIu64 ",\n", cs.lookups, cs.misses);
	fprintf(f, "  \"cache_hit_rate\": %.6f,\n", cs.lookups ? 1.0 - (double)cs.misses / (double)cs.lookups : 0.0);
	fprintf(f, "  \"zydis_decodes\": %" PRIu64 ",\n  \"cache_invalidations\": %" PRIu64 ",\n", cs.decodes,
		cs.invalidations);
	fprintf(f, "  \"cache_flushes\": %" PRIu64 ",\n", cs.flushes);
	struct net_stats nt = k->sw.total; /* NICs gone; add those still attached */
	for (uint32_t i = 0; i < k->sw.n; i++)
		net_stats_add(&nt, &k->sw.nics[i]->stats);
	fprintf(f, "  \"net\": { \"tx_frames\": %" PRIu64 ", \"tx_bytes\": %" PRIu64 ", \"rx_frames\": %" PRIu64
		", \"rx_bytes\": %" PRIu64 ",\n    \"drops_rx_full\": %" PRIu64 ", \"drops_spoofed\": %" PRIu64
		", \"drops_unknown\": %" PRIu64 ", \"drops_not_up\": %" PRIu64 ", \"drops_too_long\": %" PRIu64
		",\n    \"injected_loss\": %" PRIu64 ", \"injected_dup\": %" PRIu64 ", \"injected_reorder\": %" PRIu64
		" },\n", nt.tx_frames, nt.tx_bytes, nt.rx_frames, nt.rx_bytes, nt.drop_rx_full, nt.drop_spoofed,
		nt.drop_unknown, nt.drop_not_up, nt.drop_too_long, k->sw.injected_loss, k->sw.injected_dup,
		k->sw.injected_reorder);
	write_memory(k, f);
	fprintf(f, "  \"display\": { \"presents\": %" PRIu64 ", \"presents_copied\": %" PRIu64
		", \"keys\": %" PRIu64 ", \"keys_dropped\": %" PRIu64 " },\n", k->presents, k->presents_copied,
		k->keys_given, k->keys_dropped);
	const struct pager *pg = &k->pager;
	fprintf(f, "  \"host\": {\n");
	fprintf(f, "    \"wall_seconds\": %.6f,\n", wall);
	fprintf(f, "    \"swap_out_us_per_vm\": %.3f,\n    \"swap_in_us_per_vm\": %.3f,\n",
		pg->outs ? (double)pg->out_ns / 1e3 / (double)pg->outs : 0.0,
		pg->ins ? (double)pg->in_ns / 1e3 / (double)pg->ins : 0.0);
	fprintf(f, "    \"peak_rss_bytes\": %" PRIu64 ",\n", (uint64_t)ru.ru_maxrss * 1024u);
	fprintf(f, "    \"instructions_per_second\": %.0f,\n", wall > 0 ? (double)k->clock.retired / wall : 0.0);
	fprintf(f, "    \"context_switches_per_second\": %.0f\n", wall > 0 ? (double)k->switches / wall : 0.0);
	fprintf(f, "  }\n}\n");
	return ferror(f) ? -1 : 0;
}

/* The guests' own "@stat" lines, in the order they were written: vm, key, value. */
static int write_guest_stats(const struct kernel *k, FILE *f)
{
	fprintf(f, "id,key,value\n");
	for (uint32_t i = 0; i < k->ngstats; i++)
		fprintf(f, "%" PRIu32 ",%s,%s\n", k->gstats[i].vm, k->gstats[i].key, k->gstats[i].value);
	return ferror(f) ? -1 : 0;
}

static int write_vms(const struct kernel *k, FILE *f)
{
	fprintf(f, "id,group,instructions,quanta,context_switches,irqs_raised,upcalls,lines_per_upcall,"
		   "idle_ns,status,fault,cache_lookups,cache_misses,zydis_decodes,cache_invalidations,"
		   "cache_flushes,net_tx_frames,net_tx_bytes,net_rx_frames,net_rx_bytes,net_drops_rx_full,"
		   "net_drops_spoofed,net_drops_unknown,net_drops_not_up,net_drops_too_long\n");
	for (uint32_t i = 0; i < k->created; i++) {
		const struct vm *v = k->vms[i];
		fprintf(f, "%" PRIu32 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.3f,%" PRIu64 ",",
			v->id, k->cfg->groups[v->group].name, v->cpu.instret, v->stats.quanta, v->stats.switches,
			v->stats.irqs_raised, v->cpu.upcalls,
			v->cpu.upcalls ? (double)v->cpu.upcall_lines / (double)v->cpu.upcalls : 0.0,
			v->stats.idle_ns);
		if (v->state == VM_DONE && v->status >= 0)
			fprintf(f, "%d,", v->status);
		else
			fprintf(f, "running,");
		if (v->stats.fault >= 0)
			fprintf(f, "%d", v->stats.fault);
		const struct cache_stats *cs = &v->cpu.cache.stats;
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, cs->lookups,
			cs->misses, cs->decodes, cs->invalidations, cs->flushes);
		const struct net_stats *ns = v->stats.net; /* every VM is released by now */
		if (ns)
			fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 "\n", ns->tx_frames, ns->tx_bytes, ns->rx_frames, ns->rx_bytes,
				ns->drop_rx_full, ns->drop_spoofed, ns->drop_unknown, ns->drop_not_up, ns->drop_too_long);
		else
			fprintf(f, ",,,,,,,,,\n"); /* no NIC */
	}
	return ferror(f) ? -1 : 0;
}

/* What the host decides per VM: how long its quanta took, and so its speed. */
static int write_vms_host(const struct kernel *k, FILE *f)
{
	fprintf(f, "id,host_ns,mips\n");
	for (uint32_t i = 0; i < k->created; i++) {
		const struct vm *v = k->vms[i];
		fprintf(f, "%" PRIu32 ",%" PRIu64 ",%.1f\n", v->id, v->stats.host_ns,
			v->stats.host_ns ? (double)v->cpu.instret * 1e3 / (double)v->stats.host_ns : 0.0);
	}
	return ferror(f) ? -1 : 0;
}

int stats_write(const struct kernel *k, int exit_status)
{
	const char *dir = k->cfg->stats_dir;
	char path[4096];
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "denali: --stats %s: %s\n", dir, strerror(errno));
		return -1;
	}
	static const char *const names[4] = { "summary.json", "vms.csv", "vms-host.csv", "guest-stats.csv" };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "denali: --stats: cannot write %s: %s\n", path, strerror(errno));
			return -1;
		}
		int bad = i == 0 ? write_summary(k, f, exit_status) : i == 1 ? write_vms(k, f)
			: i == 2 ? write_vms_host(k, f) : write_guest_stats(k, f);
		if (fclose(f) || bad) {
			fprintf(stderr, "denali: --stats: cannot write %s\n", path);
			return -1;
		}
	}
	return 0;
}

void stats_print_summary(const struct kernel *k, int exit_status, FILE *f)
{
	const struct run_config *cfg = k->cfg;
	double wall = (double)k->wall_ns / 1e9;
	fprintf(f, "\n%-10s %8s %8s %14s %10s %10s %10s\n", "group", "VMs", "status 0", "instructions",
		"upcalls", "switches", "idle ms/VM");
	for (unsigned gi = 0; gi < cfg->ngroups; gi++) {
		uint64_t n = 0, ok = 0, insns = 0, up = 0, sw = 0, idle = 0;
		for (uint32_t i = 0; i < k->created; i++) {
			const struct vm *v = k->vms[i];
			if (v->group != gi)
				continue;
			n++;
			ok += v->state == VM_DONE && v->status == 0;
			insns += v->cpu.instret;
			up += v->cpu.upcalls;
			sw += v->stats.switches;
			idle += v->stats.idle_ns;
		}
		fprintf(f, "%-10.10s %8" PRIu64 " %8" PRIu64 " %14" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10.3f\n",
			cfg->groups[gi].name, n, ok, insns, up, sw, n ? (double)idle / (double)n / 1e6 : 0.0);
	}
	fprintf(f, "%" PRIu64 " instructions in %.3f s of system time and %.3f s of wall time: %.1f M instructions/s, "
		   "%.0f context switches/s; exit status %d\n",
		k->clock.retired, (double)(k->clock.deterministic ? kernel_now(k) : k->wall_ns) / 1e9, wall,
		wall > 0 ? (double)k->clock.retired / wall / 1e6 : 0.0, wall > 0 ? (double)k->switches / wall : 0.0,
		exit_status);
	if (cfg->net_user || cfg->net_tap)
		fprintf(f, "the host's network (--net %s) took part: this run is not reproducible\n",
			cfg->net_user ? "user" : "tap");
}

void stats_progress(struct kernel *k, bool last)
{
	if (!k->cfg->progress)
		return;
	uint64_t now = clock_host_ns();
	if (!last && now < k->progress_at_ns)
		return;
	k->progress_at_ns = now + 500000000u;
	double secs = (double)(now - k->wall_start_ns) / 1e9;
	const struct pager *pg = &k->pager;
	if (pg->budget_pages) /* the gatekeeper's and the pager's view */
		fprintf(stderr, "\rdenali: %u created, %u resident, %u swapped, %u idle, %u/%" PRIu64
			" done, %.1f MiB resident, %.1f M instructions/s, %.1f s\033[K%s", (unsigned)k->created,
			(unsigned)(k->active - pg->swapped), (unsigned)pg->swapped, (unsigned)k->idle,
			(unsigned)k->done, k->total, (double)(k->arena.held_pages + k->arena.pad_pages) / 256.0,
			secs > 0 ? (double)k->clock.retired / secs / 1e6 : 0.0, secs, last ? "\n" : "");
	else
		fprintf(stderr, "\rdenali: %u created, %u idle, %u/%" PRIu64 " done, %.1f M instructions/s, "
			"%.1f s\033[K%s", (unsigned)k->created, (unsigned)k->idle, (unsigned)k->done, k->total,
			secs > 0 ? (double)k->clock.retired / secs / 1e6 : 0.0, secs, last ? "\n" : "");
}
