/* options.c - `denali run`'s options: each maps to a key of the run configuration (config.c),
 * so the command line, scenario files and -o overrides are checked by the same code. */
#include "denali_arch/options.h"

#include <string.h>
#include <unistd.h>

#include "denali_arch/param.h"

void options_usage(FILE *f)
{
	fprintf(f,
		"usage: denali run [options] IMAGE\n"
		"       denali run [options] SCENARIO.ini\n"
		"\n"
		"Run DVA-1 guest images (static ELF32 i386 executables) on Denali virtual machines.\n"
		"\n"
		"one image:\n"
		"  --vms N             run N copies (default 1)\n"
		"  --mem SIZE          guest memory each, K/M/G suffixes (default 16M; 64K to 3G, 4K multiple)\n"
		"  --args STRING       argument string (page 0, at most 255 bytes; {id} becomes the vm_id)\n"
		"the run (also [run] keys of a scenario; -o run.KEY=VALUE sets any of them):\n"
		"  --quantum N         instructions per scheduling quantum (default %u)\n"
		"  --cpu-hz N          virtual instructions per virtual second (default %u)\n"
		"  --clock MODE        virtual (deterministic, the default) or host\n"
		"  --irq-mode MODE     batched (default) or sync (switch to a VM when its line rises)\n"
		"  --max-insns N       stop after N instructions retired in all\n"
		"  --max-active N      admit at most N VMs at once (the rest wait, in order)\n"
		"  --mem-budget SIZE   keep resident guest memory under SIZE: idle VMs are swapped out\n"
		"                      (least recently run first) and the gatekeeper waits for room\n"
		"  --swap FILE         the swap file for --mem-budget (default: a temporary file,\n"
		"                      removed at once, in $TMPDIR or /var/tmp)\n"
		"  --swap-block SIZE   the pager's block, 4K (default) to 4M: a VM that wrote one page\n"
		"                      of a block holds, and moves, the whole block\n"
		"  --swap-disk L:RATE  model a paging disk in system time: each swap-in or swap-out\n"
		"                      takes latency L plus its bytes at RATE per second (8ms:40M)\n"
		"  --console MODE      prefix ([vm N] per line), files:DIR, none, raw (default: raw for\n"
		"                      one VM, prefix for more)\n"
		"  --stats DIR         write DIR/summary.json and DIR/vms.csv\n"
		"  --seed N            the run's seed (each VM's page-0 seed derives from it)\n"
		"  --trace FILE        one line per executed instruction ('-' = stderr; one-VM runs)\n"
		"  --console-in N      the VM whose console reads stdin (default 0)\n"
		"  --record FILE       log every piece of host input with the point it was taken\n"
		"  --replay FILE       take the host input from a record instead (same image, options)\n"
		"  --pcap FILE         capture every frame the switch carries (pcap, for tcpdump)\n"
		"  --pcap-vm N         capture only frames to or from VM N (repeatable)\n"
		"  --net user          a port to the host through libslirp (implies --clock host)\n"
		"  --net tap:IFNAME    a port to that TAP interface instead (Linux; implies --clock host)\n"
		"  --hostfwd tcp:ADDR:PORT-VM:GPORT   forward a host port to a VM's (repeatable;\n"
		"                      PORT+-* gives VM n PORT + n; ADDR empty is 127.0.0.1)\n"
		"  --net-loss P, --net-dup P, --net-reorder P   the switch drops, doubles or delays\n"
		"                      each frame with probability P (0.05 or 5%%), from the seed\n"
		"  --display MODE      none (the default), sdl (a window showing the focused VM) or\n"
		"                      mosaic (a grid of the run's VMs); -display and -nographic too\n"
		"  --focus N           the VM the window shows and the keyboard reaches (default 0)\n"
		"  --keys FILE         scripted key events at given system times (docs/display.md)\n"
		"  --screenshot WHEN:FILE.png   save the picture at system time WHEN (2s, 500ms) or\n"
		"                      at exit (repeatable; no window needed)\n"
		"  --monitor stdio     a command line on stdin, replies on stdout (the console then\n"
		"                      reads no stdin); --monitor unix:PATH: on a Unix socket.\n"
		"                      Faults are held for it; 'help' lists the commands (docs/debugging.md)\n"
		"  -gdb tcp:HOST:PORT  a GDB stub there (HOST empty: 127.0.0.1); -s is -gdb tcp::1234;\n"
		"  -S                  every VM waits before its first instruction until GDB continues\n"
		"  --progress, --no-progress   a progress line on stderr (default: when it is a terminal)\n"
		"  --summary           a summary table on stderr at the end\n"
		"  -o SECTION.KEY=VALUE        set a scenario key, e.g. -o web.count=100\n"
		"  -h, --help          show this help\n"
		"  --version           show the version\n"
		"\n"
		"exit status: one VM: its TERMINATE status, or 128 + vector when it ends on an exception\n"
		"it has no handler for (255 for vectors 128-255; 134 for an instruction not implemented);\n"
		"several VMs: 0 when every VM terminated with status 0, else 1. Either way: %d when\n"
		"--max-insns ran out, %d when every VM idles with nothing that could wake it, %d for a\n"
		"refused image or scenario, %d for a bad option, 128 + N on signal N (SIGINT, SIGTERM:\n"
		"the run ends with its output and --stats written).\n",
		PARAM_QUANTUM, PARAM_CPU_HZ, EXIT_LIMIT, EXIT_STUCK, EXIT_REFUSED, EXIT_USAGE);
}

static enum options_result bad(const char *opt, const char *why)
{
	fprintf(stderr, "denali: %s: %s\n", opt, why);
	options_usage(stderr);
	return OPTIONS_BAD;
}

/* Options that set a [run] key: the option and its key. */
static const struct { const char *opt, *key; } run_keys[] = {
	{ "--quantum", "quantum" }, { "--cpu-hz", "cpu_hz" }, { "--clock", "clock" },
	{ "--irq-mode", "irq_mode" }, { "--max-insns", "max_insns" },
	{ "--max-active", "max_active" }, { "--mem-budget", "mem_budget" },
	{ "--swap", "swap" }, { "--swap-block", "swap_block" }, { "--swap-disk", "swap_disk" },
	{ "--console", "console" }, { "--stats", "stats" }, { "--seed", "seed" },
	{ "--trace", "trace" }, { "--summary", "summary" }, { "--console-in", "console_in" },
	{ "--record", "record" }, { "--replay", "replay" }, { "--pcap", "pcap" },
	{ "--pcap-vm", "pcap_vm" }, { "--net-loss", "net_loss" }, { "--net-dup", "net_dup" },
	{ "--net-reorder", "net_reorder" }, { "--net", "net" }, { "--hostfwd", "hostfwd" },
	{ "--display", "display" }, { "-display", "display" }, { "--focus", "focus" },
	{ "--keys", "keys" }, { "--screenshot", "screenshot" }, { "-nographic", "display" },
	{ "--monitor", "monitor" }, { "-gdb", "gdb" }, { "--gdb", "gdb" }, { "-s", "gdb" },
	{ "-S", "gdb_wait" },
};
/* Options of a one-image run: the key of its group. */
static const struct { const char *opt, *key; } image_keys[] = {
	{ "--vms", "count" }, { "--mem", "mem" }, { "--args", "args" },
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* Apply the [run] options collected from the command line; they win over a scenario file. */
static enum options_result apply_run(struct run_config *rc, const char *const *names,
				     const char *const *vals, unsigned n)
{
	char err[CONFIG_ERR];
	for (unsigned i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof(run_keys) / sizeof(run_keys[0]); k++) {
			if (strcmp(names[i], run_keys[k].opt))
				continue;
			if (config_set(rc, "run", run_keys[k].key, vals[i], err)) {
				const char *why = strchr(err, ':'); /* "key: why": name the option */
				return bad(names[i], why ? why + 2 : err);
			}
		}
	}
	return OPTIONS_RUN;
}

enum options_result options_parse(struct run_config *rc, int argc, char **argv)
{
	const char *target = NULL;
	const char *image_vals[3] = { NULL, NULL, NULL };
	const char *overrides[64], *run_names[64] = { NULL }, *run_vals[64] = { NULL };
	unsigned noverrides = 0, nrun = 0;
	int progress = -1;
	char err[CONFIG_ERR];

	config_init(rc);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *name = NULL;
		bool is_run = false;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return OPTIONS_HELP;
		if (!strcmp(a, "--version"))
			return OPTIONS_VERSION;
		if ((!strcmp(a, "--summary") || !strcmp(a, "-nographic") || !strcmp(a, "-s") || !strcmp(a, "-S")) &&
		    nrun == sizeof(run_names) / sizeof(run_names[0]))
			return bad(a, "too many options");
		if (!strcmp(a, "--summary")) { /* a flag: the key takes yes/no in scenarios */
			run_names[nrun] = "--summary";
			run_vals[nrun++] = "yes";
			continue;
		}
		if (!strcmp(a, "-s") || !strcmp(a, "-S")) { /* QEMU's: -s is -gdb tcp::1234, -S waits */
			run_names[nrun] = a;
			run_vals[nrun++] = a[1] == 's' ? "tcp::1234" : "yes";
			continue;
		}
		if (!strcmp(a, "-nographic")) { /* QEMU's spelling: no window, the console on stdio */
			run_names[nrun] = "-nographic";
			run_vals[nrun++] = "none";
			continue;
		}
		if (!strcmp(a, "--progress") || !strcmp(a, "--no-progress")) {
			progress = a[2] == 'p';
			continue;
		}
		if (a[0] != '-' || !strcmp(a, "-")) {
			if (target)
				return bad(a, "only one IMAGE or SCENARIO may be given");
			target = a;
			continue;
		}
		if (!strcmp(a, "-o")) {
			if (i + 1 >= argc)
				return bad(a, "needs section.key=value");
			if (noverrides == sizeof(overrides) / sizeof(overrides[0]))
				return bad(a, "too many -o overrides");
			overrides[noverrides++] = argv[++i];
			continue;
		}
		size_t eq = strcspn(a, "=");
		for (size_t k = 0; k < sizeof(run_keys) / sizeof(run_keys[0]) && !name; k++)
			if (strlen(run_keys[k].opt) == eq && !strncmp(a, run_keys[k].opt, eq))
				name = run_keys[k].opt, is_run = true;
		for (size_t k = 0; k < sizeof(image_keys) / sizeof(image_keys[0]) && !name; k++)
			if (strlen(image_keys[k].opt) == eq && !strncmp(a, image_keys[k].opt, eq))
				name = image_keys[k].opt;
		if (!name)
			return bad(a, "unknown option");
		if (a[eq] == '=') {
			val = a + eq + 1;
		} else {
			if (i + 1 >= argc)
				return bad(name, "needs a value");
			val = argv[++i];
		}
		if (is_run) {
			if (nrun == sizeof(run_names) / sizeof(run_names[0]))
				return bad(name, "too many options");
			run_names[nrun] = name;
			run_vals[nrun++] = val;
		}
		for (size_t k = 0; k < sizeof(image_keys) / sizeof(image_keys[0]); k++)
			if (!strcmp(name, image_keys[k].opt))
				image_vals[k] = val;
	}
	/* Check the run options before anything else, so a bad one is named first. */
	if (apply_run(rc, run_names, run_vals, nrun) != OPTIONS_RUN)
		return OPTIONS_BAD;
	if (!target)
		return bad("run", "no IMAGE or SCENARIO given");

	if (ends_with(target, ".ini")) {
		for (size_t k = 0; k < 3; k++)
			if (image_vals[k])
				return bad(image_keys[k].opt, "applies to an IMAGE run; in a scenario use -o GROUP.KEY=VALUE");
		config_free(rc);
		config_init(rc);
		if (scenario_load(rc, target, err)) {
			fprintf(stderr, "%s\n", err);
			return OPTIONS_BAD;
		}
		if (apply_run(rc, run_names, run_vals, nrun) != OPTIONS_RUN)
			return OPTIONS_BAD;
	} else {
		if (config_add_group(rc, "main", 0, err) || config_set(rc, "main", "image", target, err))
			return bad(target, err);
		for (size_t k = 0; k < 3; k++) {
			if (image_vals[k] && config_set(rc, "main", image_keys[k].key, image_vals[k], err)) {
				const char *why = strchr(err, ':');
				return bad(image_keys[k].opt, why ? why + 2 : err);
			}
		}
	}
	for (unsigned i = 0; i < noverrides; i++) {
		if (config_override(rc, overrides[i], err)) {
			fprintf(stderr, "denali: -o %s: %s\n", overrides[i], err);
			return OPTIONS_BAD;
		}
	}
	if (config_check(rc, err)) {
		if (rc->source && strncmp(err, rc->source, strlen(rc->source)))
			fprintf(stderr, "%s: %s\n", rc->source, err);
		else if (rc->source)
			fprintf(stderr, "%s\n", err);
		else
			fprintf(stderr, "denali: %s\n", err);
		return OPTIONS_BAD;
	}
	if (rc->trace && config_vm_count(rc) > 1)
		return bad("--trace", "traces a run of one VM only");
	rc->progress = progress < 0 ? isatty(STDERR_FILENO) : progress;
	return OPTIONS_RUN;
}
