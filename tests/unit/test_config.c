/* test_config.c - the run's configuration (denali_arch/config.c, scenario.c, options.c): scenario
 * files, -o overrides and `denali run` options parsed into the right fields, and every refusal
 * one line naming the file and line (or the option) and the reason, checked word for word.
 *
 * A parsed configuration is compared as one line of text (describe()): the [run] settings that
 * differ from the defaults, then each group with its header line, image, count, memory and
 * arguments. A scenario is written to a file in a fresh temporary directory; in expected
 * messages '@' stands for that file's path. options_parse prints its refusals on stderr, which
 * a case sends to a temporary file for the duration of the call; its first line is compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/config.h"
#include "denali_arch/options.h"
#include "denali_arch/param.h"
#include "devices/net.h"

/* --- helpers -------------------------------------------------------------------------------- */

#define A16 "aaaaaaaaaaaaaaaa"
#define A256 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16
#define A255 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 "aaaaaaaaaaaaaaa"
#define X1024 A256 A256 A256 A256

static char tmpdir[256];  /* the cases' directory, made by setup */
static char spath[300];   /* the scenario file: tmpdir/s.ini */

static int setup(void **state)
{
	(void)state;
	const char *base = getenv("TMPDIR");
	/* Messages keep at most 60 characters of a path (scenario.c): stay short. */
	if (!base || !*base || strlen(base) > 30)
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/denali_cfg_XXXXXX", base);
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(spath, sizeof(spath), "%s/s.ini", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(spath);
	return rmdir(tmpdir);
}

static void write_scenario(const char *text)
{
	FILE *f = fopen(spath, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* want with every '@' replaced by the scenario's path. */
static void expand(const char *want, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = want; *p && n + 1 < cap; p++) {
		if (*p == '@') {
			n += (size_t)snprintf(out + n, cap - n, "%s", spath);
			if (n >= cap)
				n = cap - 1;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

static const char *console_name(const struct run_config *rc)
{
	switch (rc->console) {
	case CONSOLE_AUTO: return "auto";
	case CONSOLE_RAW: return "raw";
	case CONSOLE_PREFIX: return "prefix";
	case CONSOLE_FILES: return "files";
	case CONSOLE_NONE: return "none";
	}
	return "?";
}

/* One line for a configuration: the [run] fields that are not the defaults, then the groups. */
static void describe(const struct run_config *rc, char *out, size_t cap)
{
	struct run_config d;
	config_init(&d);
	size_t n = 0;
#define PUT(...) (n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__))
	if (rc->quantum != d.quantum) PUT("quantum=%u ", rc->quantum);
	if (rc->cpu_hz != d.cpu_hz) PUT("cpu_hz=%u ", rc->cpu_hz);
	if (rc->host_clock) PUT("clock=host ");
	if (rc->irq_mode == IRQ_SYNC) PUT("irq_mode=sync ");
	if (rc->max_insns) PUT("max_insns=%llu ", (unsigned long long)rc->max_insns);
	if (rc->max_active) PUT("max_active=%u ", rc->max_active);
	if (rc->mem_budget) PUT("mem_budget=%llu ", (unsigned long long)rc->mem_budget);
	if (rc->seed != d.seed) PUT("seed=%#llx ", (unsigned long long)rc->seed);
	if (rc->epoch_ns != d.epoch_ns) PUT("epoch_ns=%llu ", (unsigned long long)rc->epoch_ns);
	if (rc->console != CONSOLE_AUTO) PUT("console=%s ", console_name(rc));
	if (rc->console_dir) PUT("console_dir=%s ", rc->console_dir);
	if (rc->stats_dir) PUT("stats=%s ", rc->stats_dir);
	if (rc->trace) PUT("trace=%s ", rc->trace);
	if (rc->progress) PUT("progress ");
	if (rc->summary) PUT("summary ");
	if (rc->console_in) PUT("console_in=%u ", rc->console_in);
	if (rc->record) PUT("record=%s ", rc->record);
	if (rc->replay) PUT("replay=%s ", rc->replay);
	if (rc->pcap) PUT("pcap=%s ", rc->pcap);
	if (rc->net_loss_ppm) PUT("net_loss=%uppm ", rc->net_loss_ppm);
	if (rc->net_dup_ppm) PUT("net_dup=%uppm ", rc->net_dup_ppm);
	if (rc->net_reorder_ppm) PUT("net_reorder=%uppm ", rc->net_reorder_ppm);
	for (unsigned i = 0; i < rc->npcap_vms; i++)
		PUT("pcap_vm=%u ", rc->pcap_vms[i]);
	if (rc->display != DISPLAY_NONE) PUT("display=%s ", rc->display == DISPLAY_SDL ? "sdl" : "mosaic");
	if (rc->focus_given) PUT("focus=%u ", rc->focus);
	if (rc->keys) PUT("keys=%s ", rc->keys);
	if (rc->gdb) PUT("gdb=%s ", rc->gdb);
	if (rc->gdb_wait) PUT("gdb_wait ");
	for (unsigned i = 0; i < rc->nshots; i++) {
		if (rc->shots[i].at_exit)
			PUT("shot=exit:%s ", rc->shots[i].path);
		else
			PUT("shot=%lluns:%s ", (unsigned long long)rc->shots[i].at_ns, rc->shots[i].path);
	}
	for (unsigned i = 0; i < rc->ngroups; i++) {
		const struct group_config *g = &rc->groups[i];
		PUT("[%s:%u image=%s count=%u mem=%u", g->name, g->line, g->image ? g->image : "-",
		    g->count, g->mem_size);
		if (g->args)
			PUT(" args=<%s>", g->args);
		if (g->devices != DEVICES_DEFAULT)
			PUT(" devices=%#x", g->devices);
		if (g->net_rxq != NET_RXQ)
			PUT(" net_rxq=%u", g->net_rxq);
		PUT("] ");
	}
#undef PUT
	if (n && n <= cap && out[n - 1] == ' ')
		out[n - 1] = '\0';
	if (!n)
		out[0] = '\0';
}

/* Run options_parse on "denali run ARGS..." (NULL-terminated, '@' the scenario's path) with
 * stderr in a file; returns the result and the first line written there (without '\n'). */
static enum options_result parse_argv(struct run_config *rc, const char *const *args,
				      char *line, size_t cap)
{
	char *argv[40], bufs[40][400];
	int argc = 0;
	argv[argc++] = (char *)"denali";
	argv[argc++] = (char *)"run";
	for (unsigned i = 0; args[i]; i++) {
		expand(args[i], bufs[i], sizeof(bufs[i]));
		argv[argc++] = bufs[i];
	}
	argv[argc] = NULL;
	char epath[300];
	snprintf(epath, sizeof(epath), "%s/stderr", tmpdir);
	FILE *ef = fopen(epath, "w+");
	assert_non_null(ef);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(ef), STDERR_FILENO) >= 0);
	enum options_result r = options_parse(rc, argc, argv);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(ef);
	line[0] = '\0';
	if (fgets(line, (int)cap, ef))
		line[strcspn(line, "\n")] = '\0';
	fclose(ef);
	unlink(epath);
	return r;
}

/* --- scenarios that parse ------------------------------------------------------------------- */

static void good_scenarios_fill_the_right_fields(void **state)
{
	(void)state;
	static const struct {
		const char *name, *text, *want;
	} rows[] = {
		{ "one group with an image takes the defaults for the rest",
		  "[group web]\nimage = a.elf\n",
		  "[web:1 image=a.elf count=1 mem=16777216]" },
		{ "every [run] key sets its field",
		  "[run]\nquantum = 20000\ncpu_hz = 1000\nclock = host\nirq_mode = sync\n"
		  "max_insns = 123\nmax_active = 7\nmem_budget = 8G\nseed = 0x10\nepoch_ns = 5\n"
		  "console = files:out\nstats = res\ntrace = t.txt\nprogress = yes\nsummary = true\n"
		  "[group g]\nimage = g.elf\n",
		  "quantum=20000 cpu_hz=1000 clock=host irq_mode=sync max_insns=123 max_active=7 "
		  "mem_budget=8589934592 seed=0x10 epoch_ns=5 console=files console_dir=out stats=res "
		  "trace=t.txt progress summary [g:16 image=g.elf count=1 mem=16777216]" },
		{ "every group key sets its field and groups keep their order and header lines",
		  "# a comment\n; another\n\n[group idle]\nimage = build/guests/ticker.elf\ncount = 2000\n"
		  "mem = 256K\nargs = 10 30 1000\n\n[group busy]\nimage=b.elf\ncount=50\nmem=1M\n",
		  "[idle:4 image=build/guests/ticker.elf count=2000 mem=262144 args=<10 30 1000>] "
		  "[busy:10 image=b.elf count=50 mem=1048576]" },
		{ "white space around keys, values and headers is ignored",
		  "  [ run ]  \n\tquantum\t=\t5\t\n[  group   w  ]\n  image =   x.elf   \n",
		  "quantum=5 [w:3 image=x.elf count=1 mem=16777216]" },
		{ "a quoted value keeps its spaces and an empty quoted value is empty",
		  "[group q]\nimage = q.elf\nargs = \"  two  spaces  \"\n[group e]\nimage = e.elf\nargs = \"\"\n",
		  "[q:1 image=q.elf count=1 mem=16777216 args=<  two  spaces  >] "
		  "[e:4 image=e.elf count=1 mem=16777216 args=<>]" },
		{ "a comment may end a line, after white space and outside quotes (docs/experiments.md)",
		  "[run]\nquantum = 20000          # Q, instructions per quantum\nseed = 7 ; seven\n"
		  "[group a]\nimage = a.elf\nargs = 10 30 1000        # \"{id}\" would be the vm_id\n"
		  "[group b]\nimage = b.elf\nargs = \"x # y\" # a real comment\n[group c]\nimage = c.elf\n"
		  "args = a#b c;d\n",
		  "quantum=20000 seed=0x7 [a:4 image=a.elf count=1 mem=16777216 args=<10 30 1000>] "
		  "[b:7 image=b.elf count=1 mem=16777216 args=<x # y>] "
		  "[c:10 image=c.elf count=1 mem=16777216 args=<a#b c;d>]" },
		{ "console_in and replay set their fields; devices picks a group's devices",
		  "[run]\nconsole_in = 2\nreplay = old.rec\n[group a]\nimage = a.elf\n"
		  "count = 2\ndevices = timer\n[group b]\nimage = b.elf\ndevices = timer,console,net\n"
		  "[group c]\nimage = c.elf\ndevices = console\n",
		  "console_in=2 replay=old.rec [a:4 image=a.elf count=2 mem=16777216 devices=0x2] "
		  "[b:8 image=b.elf count=1 mem=16777216 devices=0x7] [c:11 image=c.elf count=1 mem=16777216 devices=0x1]" },
		{ "pcap sets its field; each pcap_vm adds its list to the ones before",
		  "[run]\npcap = lan.pcap\npcap_vm = 3\npcap_vm = 0,7\n[group a]\nimage = a.elf\ncount = 8\n",
		  "pcap=lan.pcap pcap_vm=3 pcap_vm=0 pcap_vm=7 [a:5 image=a.elf count=8 mem=16777216]" },
		{ "net_loss, net_dup and net_reorder take a fraction or a percentage",
		  "[run]\nnet_loss = 0.05\nnet_dup = 1%\nnet_reorder = 0.000001\n[group a]\nimage = a.elf\n",
		  "net_loss=50000ppm net_dup=10000ppm net_reorder=1ppm [a:5 image=a.elf count=1 mem=16777216]" },
		{ "net_rxq sizes a group's receive rings", "[group a]\nimage = a.elf\nnet_rxq = 512\n",
		  "[a:1 image=a.elf count=1 mem=16777216 net_rxq=512]" },
		{ "a probability of 1 and of 100% is certainty", "[run]\nnet_loss = 1\nnet_dup = 100%\n[group a]\nimage = a.elf\n",
		  "net_loss=1000000ppm net_dup=1000000ppm [a:4 image=a.elf count=1 mem=16777216]" },
		{ "record sets its field", "[run]\nrecord = in.rec\n[group a]\nimage = a.elf\n",
		  "record=in.rec [a:3 image=a.elf count=1 mem=16777216]" },
		{ "a value may contain '=' after the first '='",
		  "[group a]\nimage = a.elf\nargs = x=1 y==2\n",
		  "[a:1 image=a.elf count=1 mem=16777216 args=<x=1 y==2>]" },
		{ "a later value of a key replaces the earlier one",
		  "[run]\nquantum = 5\nquantum = 6\n[group a]\nimage = a.elf\nimage = b.elf\n",
		  "quantum=6 [a:4 image=b.elf count=1 mem=16777216]" },
		{ "[run] may come back after a group",
		  "[group a]\nimage = a.elf\n[run]\nseed = 99\n[group b]\nimage = b.elf\n",
		  "seed=0x63 [a:1 image=a.elf count=1 mem=16777216] [b:5 image=b.elf count=1 mem=16777216]" },
		{ "sizes take k, m, g in either case and plain bytes",
		  "[run]\nmem_budget = 3g\n[group a]\nimage = a.elf\nmem = 65536\n[group b]\nimage = b.elf\n"
		  "mem = 3G\n[group c]\nimage = c.elf\nmem = 64k\n",
		  "mem_budget=3221225472 [a:3 image=a.elf count=1 mem=65536] "
		  "[b:6 image=b.elf count=1 mem=3221225472] [c:9 image=c.elf count=1 mem=65536]" },
		{ "the limits of count, quantum and cpu_hz are accepted",
		  "[run]\nquantum = 4294967295\ncpu_hz = 4294967295\n[group a]\nimage = a.elf\n"
		  "count = 10000000\n",
		  "quantum=4294967295 cpu_hz=4294967295 [a:4 image=a.elf count=10000000 mem=16777216]" },
		{ "no, false and 0 turn progress and summary off; virtual and batched are the defaults",
		  "[run]\nprogress = yes\nprogress = no\nsummary = 1\nsummary = 0\nclock = host\n"
		  "clock = virtual\nirq_mode = sync\nirq_mode = batched\nconsole = none\nconsole = auto\n"
		  "[group a]\nimage = a.elf\n",
		  "[a:12 image=a.elf count=1 mem=16777216]" },
		{ "a seed may be decimal or 0x hex up to 64 bits",
		  "[run]\nseed = 0xFFFFFFFFFFFFFFFF\n[group a]\nimage = a.elf\n",
		  "seed=0xffffffffffffffff [a:3 image=a.elf count=1 mem=16777216]" },
		{ "an args string of exactly 255 bytes is accepted",
		  "[group a]\nimage = a.elf\nargs = " A255 "\n",
		  "[a:1 image=a.elf count=1 mem=16777216 args=<" A255 ">]" },
		{ "a file without a final newline is read to its end",
		  "[group a]\nimage = a.elf\ncount = 3", "[a:1 image=a.elf count=3 mem=16777216]" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct run_config rc;
		char err[CONFIG_ERR] = "", got[2048];
		config_init(&rc);
		write_scenario(rows[i].text);
		if (scenario_load(&rc, spath, err) || config_check(&rc, err)) {
			print_error("%s: refused: %s\n", rows[i].name, err);
			bad++;
		} else {
			describe(&rc, got, sizeof(got));
			if (strcmp(got, rows[i].want)) {
				print_error("%s:\n   got  %s\n   want %s\n", rows[i].name, got, rows[i].want);
				bad++;
			}
			if (rc.source != spath) {
				print_error("%s: source is not the scenario's path\n", rows[i].name);
				bad++;
			}
		}
		config_free(&rc);
	}
	if (bad)
		fail_msg("%d rows failed", bad);
}

/* --- scenarios that are refused ------------------------------------------------------------- */

static void bad_scenarios_are_refused_with_file_line_and_reason(void **state)
{
	(void)state;
	static const struct {
		const char *name, *text, *want; /* want: the whole message, '@' the path */
	} rows[] = {
		/* the file's shape */
		{ "an unknown section names itself", "[web]\n", "@:1: unknown section [web] (use [run] or [group NAME])" },
		{ "[group] without a name is an unknown section", "[group]\n",
		  "@:1: unknown section [group] (use [run] or [group NAME])" },
		{ "a header without its ']' is refused", "[run\n", "@:1: a section header is [run] or [group NAME]" },
		{ "text after a header's ']' is refused", "[run] x\n", "@:1: a section header is [run] or [group NAME]" },
		{ "a line without '=' is refused on its line", "[run]\n\n# c\nquantum 5\n", "@:4: expected key = value" },
		{ "a key before any section is refused", "quantum = 5\n[run]\n", "@:1: 'quantum' comes before any section" },
		{ "an unterminated quoted value is refused", "[group a]\nargs = \"abc\n", "@:2: unterminated quoted value" },
		{ "a line longer than 1022 characters is refused",
		  "[run]\n# " X1024 "\n", "@:2: line longer than 1022 characters" },
		/* groups */
		{ "a group defined twice is refused at its second header",
		  "[group web]\nimage = a.elf\n[group web]\n", "@:3: group 'web' is defined twice" },
		{ "a group may not be called run", "[group run]\n",
		  "@:1: 'run' is not a group name (1 to 31 characters, not 'run')" },
		{ "a group name of 32 characters is refused", "[group abcdefghijklmnopqrstuvwxyz012345]\n",
		  "@:1: 'abcdefghijklmnopqrstuvwxyz012345' is not a group name (1 to 31 characters, not 'run')" },
		/* keys */
		{ "an unknown key in [run] names the key and the section", "[run]\nquantom = 5\n",
		  "@:2: unknown key 'quantom' in [run]" },
		{ "an unknown key in a group names the key and the group", "[group web]\ncnt = 5\n",
		  "@:2: unknown key 'cnt' in [group web]" },
		{ "an empty key is unknown", "[run]\n= 5\n", "@:2: unknown key '' in [run]" },
		{ "a group key in [run] is refused", "[run]\nimage = a.elf\n",
		  "@:2: 'image' belongs in a [group NAME] section" },
		{ "a [run] key in a group is refused", "[group a]\nquantum = 5\n", "@:2: 'quantum' belongs in [run]" },
		/* values */
		{ "a quantum that is not a number is refused", "[run]\nquantum = abc\n",
		  "@:2: quantum: 'abc' is not a whole number from 1 to 4294967295" },
		{ "a quantum of 0 is refused", "[run]\nquantum = 0\n",
		  "@:2: quantum: '0' is not a whole number from 1 to 4294967295" },
		{ "a quantum past 32 bits is refused", "[run]\nquantum = 4294967296\n",
		  "@:2: quantum: '4294967296' is not a whole number from 1 to 4294967295" },
		{ "a negative quantum is refused", "[run]\nquantum = -5\n",
		  "@:2: quantum: '-5' is not a whole number from 1 to 4294967295" },
		{ "a number with trailing text is refused", "[run]\nquantum = 5 five\n",
		  "@:2: quantum: '5 five' is not a whole number from 1 to 4294967295" },
		{ "a cpu_hz under 1000 is refused", "[run]\ncpu_hz = 999\n",
		  "@:2: cpu_hz: '999' is not a whole number from 1000 to 4294967295" },
		{ "an unknown clock is refused", "[run]\nclock = wall\n", "@:2: clock: 'wall' is not a clock (virtual or host)" },
		{ "an unknown interrupt mode is refused", "[run]\nirq_mode = async\n",
		  "@:2: irq_mode: 'async' is not an interrupt mode (batched or sync)" },
		{ "max_insns of 0 is refused", "[run]\nmax_insns = 0\n", "@:2: max_insns: '0' is not a positive whole number" },
		{ "max_active of 0 is refused", "[run]\nmax_active = 0\n",
		  "@:2: max_active: '0' is not a whole number from 1 to 4294967295" },
		{ "a mem_budget with an unknown suffix is refused", "[run]\nmem_budget = 8X\n",
		  "@:2: mem_budget: '8X' is not a size (e.g. 8G, 512M)" },
		{ "a mem_budget of 0 is refused", "[run]\nmem_budget = 0\n", "@:2: mem_budget: '0' is not a size (e.g. 8G, 512M)" },
		{ "a size that overflows 64 bits with its suffix is refused", "[run]\nmem_budget = 20000000000G\n",
		  "@:2: mem_budget: '20000000000G' is not a size (e.g. 8G, 512M)" },
		{ "a seed that is not a number is refused", "[run]\nseed = 0xZZ\n",
		  "@:2: seed: '0xZZ' is not a whole number (decimal or 0x hex)" },
		{ "a negative seed is refused", "[run]\nseed = -1\n", "@:2: seed: '-1' is not a whole number (decimal or 0x hex)" },
		{ "a seed with a sign is refused", "[run]\nseed = +5\n",
		  "@:2: seed: '+5' is not a whole number (decimal or 0x hex)" },
		{ "a negative seed is refused", "[run]\nseed = -5\n",
		  "@:2: seed: '-5' is not a whole number (decimal or 0x hex)" },
		{ "a seed past 64 bits is refused", "[run]\nseed = 0x10000000000000000\n",
		  "@:2: seed: '0x10000000000000000' is not a whole number (decimal or 0x hex)" },
		{ "an epoch that is not a number is refused", "[run]\nepoch_ns = soon\n",
		  "@:2: epoch_ns: 'soon' is not a whole number of nanoseconds since 1970" },
		{ "files: without a directory is refused", "[run]\nconsole = files:\n",
		  "@:2: console: 'files:' is not a console mode (prefix, files:DIR, none, raw, auto)" },
		{ "an unknown console mode is refused", "[run]\nconsole = tty\n",
		  "@:2: console: 'tty' is not a console mode (prefix, files:DIR, none, raw, auto)" },
		{ "stats without a directory is refused", "[run]\nstats =\n", "@:2: stats: needs a directory" },
		{ "trace without a file is refused", "[run]\ntrace = \"\"\n", "@:2: trace: needs a file name ('-' for stderr)" },
		{ "progress that is neither yes nor no is refused", "[run]\nprogress = maybe\n",
		  "@:2: progress: 'maybe' is not yes or no" },
		{ "summary that is neither yes nor no is refused", "[run]\nsummary = YES\n",
		  "@:2: summary: 'YES' is not yes or no" },
		{ "an empty image is refused", "[group a]\nimage =\n", "@:2: image: needs a file name" },
		{ "an unknown device is refused naming it", "[group a]\ndevices = console,disk\n",
		  "@:2: devices: 'disk' is not a device (console, timer, net, keyboard, display)" },
		{ "an empty device list is refused", "[group a]\ndevices =\n",
		  "@:2: devices: '' is not a device (console, timer, net, keyboard, display)" },
		{ "a pcap_vm that is not a list of vm_ids is refused", "[run]\npcap_vm = 1,\n",
		  "@:2: pcap_vm: '1,' is not a list of vm_ids" },
		{ "a pcap_vm past 9,999,999 is refused", "[run]\npcap_vm = 10000000\n",
		  "@:2: pcap_vm: '10000000' is not a whole number from 0 to 9999999" },
		{ "an empty pcap is refused", "[run]\npcap =\n", "@:2: pcap: needs a file name" },
		{ "net_rxq past NET_RXQ_MAX is refused", "[group a]\nnet_rxq = 4097\n",
		  "@:2: net_rxq: '4097' is not a whole number from 1 to 4096" },
		{ "a probability over 1 is refused", "[run]\nnet_loss = 1.5\n",
		  "@:2: net_loss: '1.5' is not a probability (0 to 1, or 0% to 100%)" },
		{ "a percentage over 100 is refused", "[run]\nnet_dup = 101%\n",
		  "@:2: net_dup: '101%' is not a probability (0 to 1, or 0% to 100%)" },
		{ "a probability that is not a number is refused", "[run]\nnet_reorder = some\n",
		  "@:2: net_reorder: 'some' is not a probability (0 to 1, or 0% to 100%)" },
		{ "a probability with a dot and nothing after is refused", "[run]\nnet_loss = 0.\n",
		  "@:2: net_loss: '0.' is not a probability (0 to 1, or 0% to 100%)" },
		{ "a device named twice is refused", "[group a]\ndevices = timer,console,timer\n",
		  "@:2: devices: 'timer,console,timer' names timer twice" },
		{ "a trailing comma in devices is refused", "[group a]\ndevices = timer,\n",
		  "@:2: devices: '' is not a device (console, timer, net, keyboard, display)" },
		{ "devices in [run] is refused", "[run]\ndevices = timer\n",
		  "@:2: 'devices' belongs in a [group NAME] section" },
		{ "record without a file is refused", "[run]\nrecord =\n", "@:2: record: needs a file name" },
		{ "replay without a file is refused", "[run]\nreplay = \"\"\n", "@:2: replay: needs a file name" },
		{ "console_in that is not a number is refused", "[run]\nconsole_in = first\n",
		  "@:2: console_in: 'first' is not a whole number from 0 to 9999999" },
		{ "a count of 0 is refused", "[group a]\ncount = 0\n",
		  "@:2: count: '0' is not a whole number from 1 to 10000000" },
		{ "a count over 10,000,000 is refused", "[group a]\ncount = 10000001\n",
		  "@:2: count: '10000001' is not a whole number from 1 to 10000000" },
		{ "a memory size with a two-letter suffix is refused", "[group a]\nmem = 16MB\n",
		  "@:2: mem: '16MB' is not a size (use e.g. 16M, 512K, 1G)" },
		{ "a memory size that is not a number is refused", "[group a]\nmem = big\n",
		  "@:2: mem: 'big' is not a size (use e.g. 16M, 512K, 1G)" },
		{ "a memory size that overflows with its suffix is refused", "[group a]\nmem = 99999999999999G\n",
		  "@:2: mem: '99999999999999G' is not a size (use e.g. 16M, 512K, 1G)" },
		{ "memory of a terabyte is out of range", "[group a]\nmem = 1T\n",
		  "@:2: mem: '1T' must be a multiple of 4K between 64K and 3G" },
		{ "memory one page past 3G is out of range", "[group a]\nmem = 3145732K\n",
		  "@:2: mem: '3145732K' must be a multiple of 4K between 64K and 3G" },
		{ "memory one page under 64K is out of range", "[group a]\nmem = 60K\n",
		  "@:2: mem: '60K' must be a multiple of 4K between 64K and 3G" },
		{ "memory that is not a multiple of 4K is refused", "[group a]\nmem = 65537\n",
		  "@:2: mem: '65537' must be a multiple of 4K between 64K and 3G" },
		{ "an args string of 256 bytes is refused", "[group a]\nargs = " A256 "\n",
		  "@:2: args: the argument string is longer than 255 bytes" },
		{ "the first bad line is the one named", "[run]\nquantum = 5\nclock = x\nquantum = 0\n",
		  "@:3: clock: 'x' is not a clock (virtual or host)" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct run_config rc;
		char err[CONFIG_ERR] = "", want[CONFIG_ERR + 300];
		config_init(&rc);
		write_scenario(rows[i].text);
		int r = scenario_load(&rc, spath, err);
		expand(rows[i].want, want, sizeof(want));
		if (r != -1) {
			print_error("%s: scenario_load returned %d, want -1\n", rows[i].name, r);
			bad++;
		} else if (strcmp(err, want)) {
			print_error("%s:\n   got  %s\n   want %s\n", rows[i].name, err, want);
			bad++;
		}
		config_free(&rc);
	}
	if (bad)
		fail_msg("%d rows failed", bad);
}

static void sixty_five_groups_are_refused_at_the_65th(void **state)
{
	(void)state;
	char text[4096] = "";
	size_t n = 0;
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "[group g%d]\nimage = a.elf\n", i);
	write_scenario(text);
	struct run_config rc;
	char err[CONFIG_ERR], want[CONFIG_ERR + 300];
	config_init(&rc);
	assert_int_equal(scenario_load(&rc, spath, err), -1);
	expand("@:129: more than 64 groups", want, sizeof(want));
	assert_string_equal(err, want);
	assert_int_equal(rc.ngroups, 64);
	config_free(&rc);
}

static void a_missing_scenario_file_is_refused_by_name(void **state)
{
	(void)state;
	struct run_config rc;
	char err[CONFIG_ERR], path[400];
	config_init(&rc);
	snprintf(path, sizeof(path), "%s/absent.ini", tmpdir);
	assert_int_equal(scenario_load(&rc, path, err), -1);
	char want[500];
	snprintf(want, sizeof(want), "%s: cannot open the scenario file", path);
	assert_string_equal(err, want);
	config_free(&rc);
}

/* What no single key can say: config_check, on its own and after a scenario. */
static void config_check_refuses_what_no_single_key_can(void **state)
{
	(void)state;
	struct run_config rc;
	char err[CONFIG_ERR], want[CONFIG_ERR + 300];

	config_init(&rc);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "no [group NAME] section: nothing to run");
	assert_int_equal(config_add_group(&rc, "web", 0, err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "group 'web' has no image");
	config_free(&rc);

	/* a group without an image in a file: the line of its header */
	config_init(&rc);
	write_scenario("[run]\nquantum = 5\n\n[group a]\nimage = a.elf\n[group web]\ncount = 2\n");
	assert_int_equal(scenario_load(&rc, spath, err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	expand("@:6: group 'web' has no image", want, sizeof(want));
	assert_string_equal(err, want);
	config_free(&rc);

	/* 10,000,000 VMs in all are allowed, one more is not */
	config_init(&rc);
	write_scenario("[group a]\nimage = a.elf\ncount = 9999999\n[group b]\nimage = b.elf\n");
	assert_int_equal(scenario_load(&rc, spath, err), 0);
	assert_int_equal(config_check(&rc, err), 0);
	assert_int_equal(config_vm_count(&rc), 10000000);
	assert_int_equal(config_set(&rc, "b", "count", "2", err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "more than 10,000,000 VMs in all");
	config_free(&rc);

	/* console_in must name a VM of the run; record and replay exclude each other and the host
	 * clock */
	config_init(&rc);
	write_scenario("[run]\nconsole_in = 2\n[group a]\nimage = a.elf\ncount = 2\n");
	assert_int_equal(scenario_load(&rc, spath, err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "console_in: VM 2 does not exist: the run has 2 VMs");
	assert_int_equal(config_set(&rc, "a", "count", "3", err), 0);
	assert_int_equal(config_check(&rc, err), 0);
	/* ... and that VM must have a console */
	assert_int_equal(config_set(&rc, "a", "devices", "timer", err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "console_in: VM 2 has no console (group 'a' has devices without it)");
	assert_int_equal(config_set(&rc, "a", "devices", "console", err), 0);
	assert_int_equal(config_check(&rc, err), 0);
	assert_int_equal(config_set(&rc, "run", "record", "r", err), 0);
	assert_int_equal(config_set(&rc, "run", "replay", "p", err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "record and replay: a run takes its input from the host or from a record, not both");
	free(rc.record);
	rc.record = NULL;
	assert_int_equal(config_set(&rc, "run", "clock", "host", err), 0);
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "replay: needs the deterministic clock (not clock = host): the host clock cannot be replayed");
	config_free(&rc);
}

/* --- -o overrides --------------------------------------------------------------------------- */

static void overrides_set_keys_or_say_why_not(void **state)
{
	(void)state;
	static const struct {
		const char *name, *assignment;
		const char *want;     /* the configuration after, or NULL when refused */
		const char *want_err; /* the reason when refused */
	} rows[] = {
		{ "run.KEY=VALUE sets a [run] key", "run.quantum=7", "quantum=7 [web:1 image=a.elf count=1 mem=16777216]", NULL },
		{ "GROUP.KEY=VALUE sets a key of that group", "web.count=100",
		  "quantum=5 [web:1 image=a.elf count=100 mem=16777216]", NULL },
		{ "the value is everything after the first '='", "web.args=a=b c",
		  "quantum=5 [web:1 image=a.elf count=1 mem=16777216 args=<a=b c>]", NULL },
		{ "an override replaces the file's value", "web.image=other.elf",
		  "quantum=5 [web:1 image=other.elf count=1 mem=16777216]", NULL },
		{ "an empty value is passed to the key, which refuses it", "run.quantum=", NULL,
		  "quantum: '' is not a whole number from 1 to 4294967295" },
		{ "no '=' is refused", "run.quantum", NULL, "'run.quantum' is not section.key=value" },
		{ "no '.' before the '=' is refused", "quantum=5", NULL, "'quantum=5' is not section.key=value" },
		{ "a '.' only after the '=' does not count", "quantum=a.b", NULL, "'quantum=a.b' is not section.key=value" },
		{ "an empty section is refused", ".quantum=5", NULL, "'.quantum=5' is not section.key=value" },
		{ "an empty key is refused", "run.=5", NULL, "'run.=5' is not section.key=value" },
		{ "a section of 64 characters is refused",
		  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.count=1", NULL,
		  "'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.count=1' is not section.key=value" },
		{ "a group that does not exist is named", "db.count=3", NULL, "no group named 'db'" },
		{ "a group key on run is refused", "run.count=3", NULL, "'count' belongs in a [group NAME] section" },
		{ "a [run] key on a group is refused", "web.seed=3", NULL, "'seed' belongs in [run]" },
		{ "an unknown key is named", "web.colour=red", NULL, "unknown key 'colour' in [group web]" },
		{ "a bad value names the key and the reason", "web.mem=1T", NULL,
		  "mem: '1T' must be a multiple of 4K between 64K and 3G" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct run_config rc;
		char err[CONFIG_ERR] = "", got[1024];
		config_init(&rc);
		write_scenario("[group web]\nimage = a.elf\n[run]\nquantum = 5\n");
		assert_int_equal(scenario_load(&rc, spath, err), 0);
		int r = config_override(&rc, rows[i].assignment, err);
		if (rows[i].want) {
			describe(&rc, got, sizeof(got));
			if (r || strcmp(got, rows[i].want)) {
				print_error("%s: returned %d (%s)\n   got  %s\n   want %s\n", rows[i].name, r,
					    r ? err : "", got, rows[i].want);
				bad++;
			}
		} else if (r != -1 || strcmp(err, rows[i].want_err)) {
			print_error("%s: returned %d\n   got  %s\n   want %s\n", rows[i].name, r, err,
				    rows[i].want_err);
			bad++;
		}
		config_free(&rc);
	}
	if (bad)
		fail_msg("%d rows failed", bad);
}

/* --- the command line ----------------------------------------------------------------------- */

static void good_command_lines_fill_the_right_fields(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *args[32];
		const char *want;
	} rows[] = {
		{ "an image alone is one VM of group main with the defaults", { "x.elf" },
		  "[main:0 image=x.elf count=1 mem=16777216]" },
		{ "--vms, --mem and --args set the main group",
		  { "--vms", "4", "--mem", "256K", "--args", "a {id} b", "x.elf" },
		  "[main:0 image=x.elf count=4 mem=262144 args=<a {id} b>]" },
		{ "OPTION=VALUE is the same as OPTION VALUE",
		  { "--vms=3", "--quantum=500", "x.elf" }, "quantum=500 [main:0 image=x.elf count=3 mem=16777216]" },
		{ "every run option sets its key",
		  { "--quantum", "9", "--cpu-hz", "2000", "--clock", "host", "--irq-mode", "sync",
		    "--max-insns", "77", "--max-active", "3", "--mem-budget", "1M", "--console", "none",
		    "--stats", "st", "--seed", "12", "--trace", "-", "--summary", "x.elf" },
		  "quantum=9 cpu_hz=2000 clock=host irq_mode=sync max_insns=77 max_active=3 "
		  "mem_budget=1048576 seed=0xc console=none stats=st trace=- summary "
		  "[main:0 image=x.elf count=1 mem=16777216]" },
		{ "--progress turns the progress line on", { "--progress", "x.elf" },
		  "progress [main:0 image=x.elf count=1 mem=16777216]" },
		{ "the last of --progress and --no-progress wins", { "--progress", "--no-progress", "x.elf" },
		  "[main:0 image=x.elf count=1 mem=16777216]" },
		{ "the image may come before the options", { "x.elf", "--vms", "2" },
		  "[main:0 image=x.elf count=2 mem=16777216]" },
		{ "-o sets a key of the main group", { "-o", "main.count=5", "-o", "run.seed=1", "x.elf" },
		  "seed=0x1 [main:0 image=x.elf count=5 mem=16777216]" },
		{ "-o wins over --vms", { "--vms", "2", "-o", "main.count=5", "x.elf" },
		  "[main:0 image=x.elf count=5 mem=16777216]" },
		{ "a scenario file is read with its header lines",
		  { "@" }, "quantum=5 [web:1 image=a.elf count=2 mem=16777216]" },
		{ "a run option wins over the scenario's [run] value", { "--quantum", "8", "@" },
		  "quantum=8 [web:1 image=a.elf count=2 mem=16777216]" },
		{ "-o sets a scenario's group key", { "@", "-o", "web.count=9" },
		  "quantum=5 [web:1 image=a.elf count=9 mem=16777216]" },
		{ "--trace is allowed for a run of one VM", { "--trace", "t", "x.elf" },
		  "trace=t [main:0 image=x.elf count=1 mem=16777216]" },
		{ "--display sdl implies the host clock; --focus and --keys are kept",
		  { "--display", "sdl", "--vms", "3", "--focus", "2", "--keys", "k.txt", "x.elf" },
		  "clock=host display=sdl focus=2 keys=k.txt [main:0 image=x.elf count=3 mem=16777216]" },
		{ "a --clock given before --display stays", { "--clock", "virtual", "-display", "mosaic", "x.elf" },
		  "display=mosaic [main:0 image=x.elf count=1 mem=16777216]" },
		{ "-nographic is --display none", { "--display", "sdl", "-nographic", "x.elf" },
		  "clock=host [main:0 image=x.elf count=1 mem=16777216]" },
		{ "-s is -gdb tcp::1234, -S waits for it (QEMU's flags)", { "-s", "-S", "x.elf" },
		  "gdb=tcp::1234 gdb_wait [main:0 image=x.elf count=1 mem=16777216]" },
		{ "-gdb names the host and port", { "-gdb", "tcp:0.0.0.0:4000", "x.elf" },
		  "gdb=tcp:0.0.0.0:4000 [main:0 image=x.elf count=1 mem=16777216]" },
		{ "--screenshot is repeatable, at a time or at exit",
		  { "--screenshot", "1.5s:a.png", "--screenshot", "exit:b.png", "--screenshot", "250us:c:d.png", "x.elf" },
		  "shot=1500000000ns:a.png shot=exit:b.png shot=250000ns:c:d.png [main:0 image=x.elf count=1 mem=16777216]" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct run_config rc;
		char line[512], got[1024];
		write_scenario("[group web]\nimage = a.elf\ncount = 2\n[run]\nquantum = 5\n");
		enum options_result r = parse_argv(&rc, rows[i].args, line, sizeof(line));
		if (r != OPTIONS_RUN) {
			print_error("%s: result %d: %s\n", rows[i].name, r, line);
			bad++;
		} else {
			describe(&rc, got, sizeof(got));
			if (strcmp(got, rows[i].want)) {
				print_error("%s:\n   got  %s\n   want %s\n", rows[i].name, got, rows[i].want);
				bad++;
			}
			if (line[0]) {
				print_error("%s: printed '%s'\n", rows[i].name, line);
				bad++;
			}
		}
		config_free(&rc);
	}
	if (bad)
		fail_msg("%d rows failed", bad);
}

static void bad_command_lines_print_one_line_naming_the_option(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *args[12];
		const char *scenario; /* written to @ first, or NULL */
		const char *want;     /* the first line on stderr */
	} rows[] = {
		{ "no image or scenario is refused", { NULL }, NULL, "denali: run: no IMAGE or SCENARIO given" },
		{ "an unknown option is named", { "--bogus", "x.elf" }, NULL, "denali: --bogus: unknown option" },
		{ "a -gdb that is not tcp:HOST:PORT is refused", { "-gdb", "1234", "x.elf" }, NULL,
		  "denali: -gdb: '1234' is not tcp:HOST:PORT (e.g. tcp::1234)" },
		{ "an unknown display is named", { "--display", "gtk", "x.elf" }, NULL,
		  "denali: --display: 'gtk' is not a display (none, sdl, mosaic)" },
		{ "a --screenshot without a file is refused", { "--screenshot", "2s:", "x.elf" }, NULL,
		  "denali: --screenshot: '2s:' is not WHEN:FILE.png (WHEN a time such as 2s or 500ms, or exit)" },
		{ "a --screenshot time without a unit is refused", { "--screenshot", "2:a.png", "x.elf" }, NULL,
		  "denali: --screenshot: '2' is not a time (such as 2s or 500ms) or exit" },
		{ "a --focus beyond the run's VMs is refused", { "--focus", "2", "--vms", "2", "x.elf" }, NULL,
		  "denali: focus: VM 2 does not exist: the run has 2 VMs" },
		{ "a prefix of an option is unknown", { "--vm", "2", "x.elf" }, NULL, "denali: --vm: unknown option" },
		{ "an option without its value is named", { "x.elf", "--quantum" }, NULL,
		  "denali: --quantum: needs a value" },
		{ "a bad run option value names the option and the reason", { "--quantum=0", "x.elf" }, NULL,
		  "denali: --quantum: '0' is not a whole number from 1 to 4294967295" },
		{ "a --seed with a leading space is refused", { "--seed", " 5", "x.elf" }, NULL,
		  "denali: --seed: ' 5' is not a whole number (decimal or 0x hex)" },
		{ "a --console-in that is not a number is named", { "--console-in", "-1", "x.elf" }, NULL,
		  "denali: --console-in: '-1' is not a whole number from 0 to 9999999" },
		{ "a bad run option is named before a missing image", { "--clock", "wall" }, NULL,
		  "denali: --clock: 'wall' is not a clock (virtual or host)" },
		{ "a bad --mem names --mem", { "--mem", "16MB", "x.elf" }, NULL,
		  "denali: --mem: '16MB' is not a size (use e.g. 16M, 512K, 1G)" },
		{ "a --mem out of range names --mem", { "--mem", "4G", "x.elf" }, NULL,
		  "denali: --mem: '4G' must be a multiple of 4K between 64K and 3G" },
		{ "a bad --vms names --vms", { "--vms", "0", "x.elf" }, NULL,
		  "denali: --vms: '0' is not a whole number from 1 to 10000000" },
		{ "two images are refused at the second", { "a.elf", "b.elf" }, NULL,
		  "denali: b.elf: only one IMAGE or SCENARIO may be given" },
		{ "-o without its assignment is refused", { "x.elf", "-o" }, NULL, "denali: -o: needs section.key=value" },
		{ "a bad -o names the assignment and the reason", { "-o", "main.count=0", "x.elf" }, NULL,
		  "denali: -o main.count=0: count: '0' is not a whole number from 1 to 10000000" },
		{ "a -o for a group that does not exist names the group", { "-o", "web.count=2", "x.elf" }, NULL,
		  "denali: -o web.count=2: no group named 'web'" },
		{ "--trace of more than one VM is refused", { "--trace", "t", "--vms", "2", "x.elf" }, NULL,
		  "denali: --trace: traces a run of one VM only" },
		{ "--vms with a scenario is refused", { "--vms", "2", "@" }, "[group a]\nimage = a.elf\n",
		  "denali: --vms: applies to an IMAGE run; in a scenario use -o GROUP.KEY=VALUE" },
		{ "a scenario's error is its own FILE:LINE: reason line", { "@" }, "[run]\n\nquantom = 1\n",
		  "@:3: unknown key 'quantom' in [run]" },
		{ "a scenario group without an image names its header's line", { "@" },
		  "[group a]\nimage = a.elf\n[group b]\ncount = 3\n", "@:3: group 'b' has no image" },
		{ "a scenario without groups is named", { "@" }, "[run]\nquantum = 5\n",
		  "@: no [group NAME] section: nothing to run" },
		{ "a missing scenario is named", { "absent.ini" }, NULL, "absent.ini: cannot open the scenario file" },
		{ "a bad -o on a scenario names the assignment", { "@", "-o", "a.mem=1K" }, "[group a]\nimage = a.elf\n",
		  "denali: -o a.mem=1K: mem: '1K' must be a multiple of 4K between 64K and 3G" },
		{ "a bad run option with a scenario is named", { "--seed", "x", "@" }, "[group a]\nimage = a.elf\n",
		  "denali: --seed: 'x' is not a whole number (decimal or 0x hex)" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct run_config rc;
		char line[512], want[512];
		if (rows[i].scenario)
			write_scenario(rows[i].scenario);
		enum options_result r = parse_argv(&rc, rows[i].args, line, sizeof(line));
		expand(rows[i].want, want, sizeof(want));
		if (r != OPTIONS_BAD) {
			print_error("%s: result %d, want OPTIONS_BAD\n", rows[i].name, r);
			bad++;
		} else if (strcmp(line, want)) {
			print_error("%s:\n   got  %s\n   want %s\n", rows[i].name, line, want);
			bad++;
		}
		config_free(&rc);
	}
	if (bad)
		fail_msg("%d rows failed", bad);
}

static void help_and_version_are_answered_before_anything_else(void **state)
{
	(void)state;
	struct run_config rc;
	char line[512];
	const char *help[] = { "--bogus=1", "-h", NULL };
	assert_int_equal(parse_argv(&rc, help, line, sizeof(line)), OPTIONS_BAD); /* in order */
	assert_string_equal(line, "denali: --bogus=1: unknown option");
	config_free(&rc);
	const char *help2[] = { "x.elf", "--help", "--bogus", NULL };
	assert_int_equal(parse_argv(&rc, help2, line, sizeof(line)), OPTIONS_HELP);
	assert_string_equal(line, "");
	config_free(&rc);
	const char *ver[] = { "--version", NULL };
	assert_int_equal(parse_argv(&rc, ver, line, sizeof(line)), OPTIONS_VERSION);
	assert_string_equal(line, "");
	config_free(&rc);
}

/* --- the shared number parsers -------------------------------------------------------------- */

static void parse_size_and_parse_count_take_exactly_their_forms(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int size_rc;
		uint64_t size;
		int count_rc;
		uint64_t count;
	} rows[] = {
		{ "0", 0, 0, 0, 0 },
		{ "4096", 0, 4096, 0, 4096 },
		{ "1k", 0, 1024, -1, 0 },
		{ "1K", 0, 1024, -1, 0 },
		{ "16M", 0, 16u << 20, -1, 0 },
		{ "3G", 0, 3ull << 30, -1, 0 },
		{ "2t", 0, 2ull << 40, -1, 0 },
		{ "16777215T", 0, 16777215ull << 40, -1, 0 },
		{ "16777216T", -1, 0, -1, 0 },           /* 2^64: one past */
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", -1, 0, -1, 0 },
		{ "", -1, 0, -1, 0 },
		{ "K", -1, 0, -1, 0 },
		{ "-1", -1, 0, -1, 0 },
		{ "+1", -1, 0, -1, 0 },
		{ " 1", -1, 0, -1, 0 },
		{ "1 ", -1, 0, -1, 0 },
		{ "1KB", -1, 0, -1, 0 },
		{ "1.5M", -1, 0, -1, 0 },
		{ "0x10", -1, 0, -1, 0 },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v = 12345;
		int rc = parse_size(rows[i].s, &v);
		if (rc != rows[i].size_rc || (rc == 0 && v != rows[i].size)) {
			print_error("parse_size(\"%s\") = %d, %llu\n", rows[i].s, rc, (unsigned long long)v);
			bad++;
		}
		v = 12345;
		rc = parse_count(rows[i].s, &v);
		if (rc != rows[i].count_rc || (rc == 0 && v != rows[i].count)) {
			print_error("parse_count(\"%s\") = %d, %llu\n", rows[i].s, rc, (unsigned long long)v);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void parse_time_ns_takes_a_number_and_its_unit(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		uint64_t ns;
	} rows[] = {
		{ "0s", 0, 0 },
		{ "2s", 0, 2000000000ull },
		{ "1.5s", 0, 1500000000ull },
		{ "250ms", 0, 250000000ull },
		{ "40us", 0, 40000ull },
		{ "7ns", 0, 7 },
		{ "0.000000001s", 0, 1 },
		{ "1.0000000019s", 0, 1000000001ull }, /* digits past the nanosecond are dropped */
		{ "18446744073s", 0, 18446744073000000000ull },
		{ "18446744074s", -1, 0 },             /* past 2^64 ns */
		{ "2", -1, 0 },
		{ "s", -1, 0 },
		{ ".5s", -1, 0 },
		{ "1.s", -1, 0 },
		{ "1 s", -1, 0 },
		{ "-1s", -1, 0 },
		{ "1h", -1, 0 },
		{ "1sec", -1, 0 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t ns = 12345;
		int rc = parse_time_ns(rows[i].s, &ns);
		if (rc != rows[i].rc || (rc == 0 && ns != rows[i].ns))
			fail_msg("parse_time_ns(\"%s\"): %d, %llu; want %d, %llu", rows[i].s, rc,
				 (unsigned long long)ns, rows[i].rc, (unsigned long long)rows[i].ns);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* scenario files */
		cmocka_unit_test(good_scenarios_fill_the_right_fields),
		cmocka_unit_test(bad_scenarios_are_refused_with_file_line_and_reason),
		cmocka_unit_test(sixty_five_groups_are_refused_at_the_65th),
		cmocka_unit_test(a_missing_scenario_file_is_refused_by_name),
		cmocka_unit_test(config_check_refuses_what_no_single_key_can),
		/* -o */
		cmocka_unit_test(overrides_set_keys_or_say_why_not),
		/* the command line */
		cmocka_unit_test(good_command_lines_fill_the_right_fields),
		cmocka_unit_test(bad_command_lines_print_one_line_naming_the_option),
		cmocka_unit_test(help_and_version_are_answered_before_anything_else),
		/* numbers */
		cmocka_unit_test(parse_size_and_parse_count_take_exactly_their_forms),
		cmocka_unit_test(parse_time_ns_takes_a_number_and_its_unit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
