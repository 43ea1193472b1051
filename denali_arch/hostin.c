/* hostin.c - host input: which VM takes it, the event loop's watch on it, and its record and
 * replay. A record is text, one item per line (docs/internals.md, "Record and replay"):
 *
 *   denali-record 1                       the format
 *   quantum 10000                         the header: everything the run's course depends on,
 *   group main image fnv1a64:0123...      "NAME VALUE", compared item by item on --replay
 *   ...
 *   input 12 34567 6 68656c6c6f0a         quantum, instruction count, length, the bytes in hex
 *   end 13 40000                          the input ended there
 *   stop 20 99000 130                     the run was stopped there (a signal, --max-insns)
 */
#include "denali_arch/hostin.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"
#include "denali_arch/sched.h"

#define HEADER_MAX (16 + 7 * CONFIG_GROUPS_MAX) /* items in a header */
#define ITEM_MAX 600                            /* bytes in one header item */

/* ---- the run's point ------------------------------------------------------------------------ */

struct point {
	uint64_t quantum, insn;
};

static struct point point_now(const struct kernel *k)
{
	return (struct point){ k->quanta, kernel_retired_now(k) };
}

static int point_cmp(uint64_t q, uint64_t n, struct point p)
{
	if (q != p.quantum)
		return q < p.quantum ? -1 : 1;
	return n < p.insn ? -1 : n > p.insn;
}

/* ---- the header ------------------------------------------------------------------------------ */

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void hex(char *out, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* This run's header items, "NAME VALUE" each (the value is the text after the last space). */
static unsigned header(const struct kernel *k, char items[HEADER_MAX][ITEM_MAX])
{
	const struct run_config *c = k->cfg;
	unsigned n = 0;
	snprintf(items[n++], ITEM_MAX, "quantum %" PRIu32, c->quantum);
	snprintf(items[n++], ITEM_MAX, "cpu_hz %" PRIu32, c->cpu_hz);
	snprintf(items[n++], ITEM_MAX, "irq_mode %s", c->irq_mode == IRQ_SYNC ? "sync" : "batched");
	snprintf(items[n++], ITEM_MAX, "seed 0x%" PRIx64, c->seed);
	snprintf(items[n++], ITEM_MAX, "epoch_ns %" PRIu64, c->epoch_ns);
	snprintf(items[n++], ITEM_MAX, "max_active %" PRIu32, c->max_active);
	snprintf(items[n++], ITEM_MAX, "mem_budget %" PRIu64, c->mem_budget);
	snprintf(items[n++], ITEM_MAX, "swap_block %" PRIu32, c->swap_block);
	snprintf(items[n++], ITEM_MAX, "swap_disk %" PRIu64 ":%" PRIu64, c->swap_disk_ns, c->swap_disk_rate);
	snprintf(items[n++], ITEM_MAX, "console_in %" PRIu32, c->console_in);
	snprintf(items[n++], ITEM_MAX, "net_loss_ppm %" PRIu32, c->net_loss_ppm);
	snprintf(items[n++], ITEM_MAX, "net_dup_ppm %" PRIu32, c->net_dup_ppm);
	snprintf(items[n++], ITEM_MAX, "net_reorder_ppm %" PRIu32, c->net_reorder_ppm);
	snprintf(items[n++], ITEM_MAX, "groups %u", c->ngroups);
	for (unsigned i = 0; i < c->ngroups; i++) {
		const struct group_config *g = &c->groups[i];
		const struct image *img = &k->images[i];
		char args[2 * DVA_ARGS_MAX + 1], devs[64] = "";
		hex(args, (const unsigned char *)(g->args ? g->args : ""), g->args ? strlen(g->args) : 0);
		for (unsigned d = 0; d < DEVICE_KINDS; d++)
			if (g->devices & (1u << d))
				snprintf(devs + strlen(devs), sizeof(devs) - strlen(devs), "%s%s",
					 *devs ? "," : "", device_kind_names[d]);
		snprintf(items[n++], ITEM_MAX, "group %s image fnv1a64:%016" PRIx64, g->name,
			 fnv1a64(img->data, img->size));
		snprintf(items[n++], ITEM_MAX, "group %s count %" PRIu32, g->name, g->count);
		snprintf(items[n++], ITEM_MAX, "group %s mem %" PRIu32, g->name, g->mem_size);
		snprintf(items[n++], ITEM_MAX, "group %s args hex:%s", g->name, args);
		snprintf(items[n++], ITEM_MAX, "group %s devices %s", g->name, *devs ? devs : "none");
		snprintf(items[n++], ITEM_MAX, "group %s net_rxq %" PRIu32, g->name, g->net_rxq);
		snprintf(items[n++], ITEM_MAX, "group %s pinned %d", g->name, (int)g->pinned);
	}
	return n;
}

/* Whether items holds one with item's name (the text before its last space). */
static bool has_name(char (*items)[ITEM_MAX], unsigned n, const char *item)
{
	const char *sp = strrchr(item, ' ');
	size_t len = sp ? (size_t)(sp - item) : strlen(item);
	for (unsigned i = 0; i < n; i++) {
		const char *isp = strrchr(items[i], ' ');
		if (isp && (size_t)(isp - items[i]) == len && !strncmp(items[i], item, len))
			return true;
	}
	return false;
}

/* "recorded with quantum 10000, this run has 5000": the first item that differs, or NULL. */
static const char *header_diff(char (*rec)[ITEM_MAX], unsigned nrec, char (*run)[ITEM_MAX],
			       unsigned nrun, char *why, size_t size)
{
	for (unsigned i = 0; i < nrec || i < nrun; i++) {
		if (i < nrec && i < nrun && !strcmp(rec[i], run[i]))
			continue;
		if (i >= nrec) {
			snprintf(why, size, "the record has no %.*s (this run has it)", ITEM_MAX, run[i]);
			return why;
		}
		if (i >= nrun) {
			snprintf(why, size, "recorded with %.*s, which this run does not have", ITEM_MAX, rec[i]);
			return why;
		}
		const char *rs = strrchr(rec[i], ' '), *ts = strrchr(run[i], ' ');
		/* An item missing from one side reads as such, not as a change of the next one. */
		if (rs && ts && (rs - rec[i] != ts - run[i] || strncmp(rec[i], run[i], (size_t)(rs - rec[i])))) {
			if (!has_name(rec, nrec, run[i])) {
				snprintf(why, size, "the record has no %.*s (this run has %.*s)", (int)(ts - run[i]),
					 run[i], ITEM_MAX, run[i]);
				return why;
			}
			if (!has_name(run, nrun, rec[i])) {
				snprintf(why, size, "recorded with %.*s, which this run does not have", ITEM_MAX, rec[i]);
				return why;
			}
		}
		if (rs && ts && rs - rec[i] == ts - run[i] && !strncmp(rec[i], run[i], (size_t)(rs - rec[i])))
			snprintf(why, size, "recorded with %.*s, this run has %.*s", ITEM_MAX, rec[i], ITEM_MAX, ts + 1);
		else
			snprintf(why, size, "recorded with %.*s, this run has %.*s", ITEM_MAX, rec[i], ITEM_MAX, run[i]);
		return why;
	}
	return NULL;
}

/* ---- recording ------------------------------------------------------------------------------- */

/* A write to the record failed: say so once and record nothing more. */
static void record_failed(struct hostin *h)
{
	if (!h->record_failed)
		fprintf(stderr, "denali: --record %s: cannot write: %s\n", h->record_path, strerror(errno));
	h->record_failed = true;
	if (h->record)
		fclose(h->record);
	h->record = NULL;
}

static void log_input(struct hostin *h, int n, const unsigned char *buf)
{
	if (!h->record)
		return;
	struct point p = point_now(h->k);
	if (n < 0) {
		fprintf(h->record, "end %" PRIu64 " %" PRIu64 "\n", p.quantum, p.insn);
	} else {
		char text[2 * CONSOLE_IN_BUF + 1];
		hex(text, buf, (size_t)n);
		fprintf(h->record, "input %" PRIu64 " %" PRIu64 " %d %s\n", p.quantum, p.insn, n, text);
	}
	if (fflush(h->record) || ferror(h->record)) /* input is rare; a killed run keeps what it read */
		record_failed(h);
}

void hostin_stopped(struct hostin *h, int status)
{
	if (!h->record)
		return;
	struct point p = point_now(h->k);
	fprintf(h->record, "stop %" PRIu64 " %" PRIu64 " %d\n", p.quantum, p.insn, status);
	if (fflush(h->record) || ferror(h->record))
		record_failed(h);
}

bool hostin_finish(struct hostin *h)
{
	if (h->record && fclose(h->record))
		record_failed(h);
	h->record = NULL;
	return h->record_failed;
}

uint64_t hostin_stop_budget(const struct hostin *h, uint64_t budget)
{
	if ( h->stop_quantum != h->k->quanta || h->stop_insn < h->k->clock.retired)
		return budget;
	uint64_t left = h->stop_insn - h->k->clock.retired;
	return left < budget ? left : budget;
}

bool hostin_stop_reached(const struct hostin *h, int *status)
{
	if (point_cmp(h->stop_quantum, h->stop_insn, point_now(h->k)) > 0)
		return false;
	*status = h->stop_status;
	return true;
}

static int record_read(void *opaque, unsigned char *buf, unsigned max)
{
	struct hostin *h = opaque;
	int n = console_read_fd(h->fd, buf, max);
	if (n)
		log_input(h, n, buf);
	return n;
}

/* ---- replaying ------------------------------------------------------------------------------- */

static void diverge(struct hostin *h, const char *what)
{
	if (h->diverged)
		return;
	h->diverged = true;
	struct point p = point_now(h->k);
	const struct hostin_entry *e = &h->rep[h->next];
	fprintf(stderr, "denali: --replay %s: this run left the record: its input %u (%s at quantum %" PRIu64
		", instruction %" PRIu64 ") %s at quantum %" PRIu64 ", instruction %" PRIu64 "\n",
		h->replay_path, h->next + 1, e->len < 0 ? "the end" : "bytes", e->quantum, e->insn, what,
		p.quantum, p.insn);
}

static int replay_read(void *opaque, unsigned char *buf, unsigned max)
{
	struct hostin *h = opaque;
	if (h->diverged)
		return -1; /* the input ends, so no guest waits for what will not come */
	if (h->next == h->nrep)
		return 0;
	const struct hostin_entry *e = &h->rep[h->next];
	struct point p = point_now(h->k);
	int c = point_cmp(e->quantum, e->insn, p);
	if (c > 0)
		return 0;
	if (c < 0) {
		diverge(h, "was not taken; this run is already");
		return -1;
	}
	if (e->len > (int)max) {
		diverge(h, "does not fit the console's ring");
		return -1;
	}
	h->next++;
	if (e->len < 0)
		return -1;
	memcpy(buf, h->bytes + e->off, (size_t)e->len);
	return e->len;
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 2n hex digits (no sign, no 0x) into n bytes. */
static int unhex(const char *s, unsigned char *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int hi = hexdigit(s[2 * i]), lo = hi < 0 ? -1 : hexdigit(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

/* Read the record: its header into rec, its entries into h. 0, or -1 after one line. */
static int load_record(struct hostin *h, FILE *f, char (*rec)[ITEM_MAX], unsigned *nrec)
{
	char *line = NULL;
	size_t cap = 0, nbytes = 0, bcap = 0;
	unsigned lineno = 0, cap_e = 0;
	ssize_t len;
	int bad = 0;
	*nrec = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (lineno == 1) {
			if (strcmp(line, HOSTIN_FORMAT)) {
				fprintf(stderr, "denali: --replay %s: not a denali record (its first line is not '%s')\n",
					h->replay_path, HOSTIN_FORMAT);
				bad = 1;
				break;
			}
			continue;
		}
		struct hostin_entry e = { 0 };
		char text[2 * CONSOLE_IN_BUF + 2];
		int n = 0, at = 0; /* the line's end, and where the bytes start */
		bool entry = !strncmp(line, "input ", 6) || !strncmp(line, "end ", 4) || !strncmp(line, "stop ", 5);
		if (entry && (h->has_stop || (h->nrep && h->rep[h->nrep - 1].len < 0 && line[0] != 's'))) {
			fprintf(stderr, "denali: --replay %s:%u: an entry after the %s\n", h->replay_path, lineno,
				h->has_stop ? "run's stop" : "end of input");
			bad = 1;
			break;
		}
		if (!strncmp(line, "stop ", 5)) {
			int status = 0;
			if (sscanf(line, "stop %" SCNu64 " %" SCNu64 " %d%n", &h->stop_quantum, &h->stop_insn,
				   &status, &n) != 3 || line[n] != '\0' || strchr(line, '-') || status <= 0 ||
			    status > 255 ||
			    (h->nrep && point_cmp(h->stop_quantum, h->stop_insn,
						  (struct point){ h->rep[h->nrep - 1].quantum, h->rep[h->nrep - 1].insn }) < 0)) {
				fprintf(stderr, "denali: --replay %s:%u: not a stop entry in order (stop QUANTUM INSN STATUS)\n",
					h->replay_path, lineno);
				bad = 1;
				break;
			}
			h->has_stop = true;
			h->stop_status = status;
			continue;
		}
		if (entry) {
			bool input = line[0] == 'i';
			int got = input ? sscanf(line, "input %" SCNu64 " %" SCNu64 " %d %n%513s%n", &e.quantum,
						 &e.insn, &e.len, &at, text, &n)
					: sscanf(line, "end %" SCNu64 " %" SCNu64 "%n", &e.quantum, &e.insn, &n);
			if (!input)
				at = n;
			bool shape = input ? got == 4 && e.len > 0 && e.len <= CONSOLE_IN_BUF : got == 2;
			if (!input)
				e.len = -1;
			if (!shape || line[n] != '\0' || memchr(line, '-', (size_t)at) || /* %u takes a sign */
			    (h->nrep && point_cmp(e.quantum, e.insn, (struct point){ h->rep[h->nrep - 1].quantum,
										h->rep[h->nrep - 1].insn }) < 0)) {
				fprintf(stderr, "denali: --replay %s:%u: not an input entry in order "
					"(input QUANTUM INSN LEN HEX, or end QUANTUM INSN)\n", h->replay_path, lineno);
				bad = 1;
				break;
			}
			if (input) {
				if (nbytes + (size_t)e.len > bcap) {
					bcap = (nbytes + (size_t)e.len) * 2;
					unsigned char *nb = realloc(h->bytes, bcap);
					if (!nb)
						abort();
					h->bytes = nb;
				}
				if (unhex(text, h->bytes + nbytes, (unsigned)e.len)) {
					fprintf(stderr, "denali: --replay %s:%u: the bytes are not %d in hex\n",
						h->replay_path, lineno, e.len);
					bad = 1;
					break;
				}
				e.off = (uint32_t)nbytes;
				nbytes += (size_t)e.len;
			}
			if (h->nrep == cap_e) {
				cap_e = cap_e ? cap_e * 2 : 64;
				struct hostin_entry *ne = realloc(h->rep, cap_e * sizeof(*ne));
				if (!ne)
					abort();
				h->rep = ne;
			}
			h->rep[h->nrep++] = e;
			continue;
		}
		if (h->nrep || h->has_stop || *nrec == HEADER_MAX || (size_t)len >= ITEM_MAX) {
			fprintf(stderr, "denali: --replay %s:%u: not an input entry or a header item\n",
				h->replay_path, lineno);
			bad = 1;
			break;
		}
		memcpy(rec[(*nrec)++], line, (size_t)len + 1);
	}
	free(line);
	if (!bad && lineno == 0) {
		fprintf(stderr, "denali: --replay %s: the file is empty, not a denali record\n", h->replay_path);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* ---- the kernel's side ----------------------------------------------------------------------- */

int hostin_init(struct hostin *h, struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	*h = (struct hostin){ .k = k, .vm_id = cfg->console_in, .fd = STDIN_FILENO, .watch = -1 };
	if (cfg->monitor && !strcmp(cfg->monitor, "stdio"))
		h->fd = -1; /* stdin is the monitor's: no console reads it (its input has ended) */
	if (!cfg->record && !cfg->replay)
		return 0;
	static char run[HEADER_MAX][ITEM_MAX], rec[HEADER_MAX][ITEM_MAX];
	unsigned nrun = header(k, run);
	if (cfg->record) {
		h->record_path = cfg->record;
		h->record = fopen(cfg->record, "w");
		if (!h->record) {
			fprintf(stderr, "denali: --record: cannot create '%s': %s\n", cfg->record, strerror(errno));
			return EXIT_USAGE;
		}
		fprintf(h->record, "%s\n", HOSTIN_FORMAT);
		for (unsigned i = 0; i < nrun; i++)
			fprintf(h->record, "%s\n", run[i]);
		if (fflush(h->record) || ferror(h->record)) {
			fprintf(stderr, "denali: --record %s: cannot write: %s\n", cfg->record, strerror(errno));
			return EXIT_USAGE;
		}
		h->src = (struct console_input){ record_read, h };
		return 0;
	}
	h->replay_path = cfg->replay;
	h->fd = -1; /* the host's stdin is not read at all */
	FILE *f = fopen(cfg->replay, "r");
	if (!f) {
		fprintf(stderr, "denali: --replay: cannot open '%s': %s\n", cfg->replay, strerror(errno));
		return EXIT_USAGE;
	}
	unsigned nrec;
	int bad = load_record(h, f, rec, &nrec);
	fclose(f);
	if (bad)
		return EXIT_REFUSED;
	char why[2 * ITEM_MAX + 64];
	if (header_diff(rec, nrec, run, nrun, why, sizeof(why))) {
		fprintf(stderr, "denali: --replay %s: not a record of this run: %s\n", cfg->replay, why);
		return EXIT_REFUSED;
	}
	h->src = (struct console_input){ replay_read, h };
	return 0;
}

void hostin_destroy(struct hostin *h)
{
	if (h->record)
		fclose(h->record);
	h->record = NULL;
	free(h->rep);
	free(h->bytes);
	h->rep = NULL;
	h->bytes = NULL;
}

void hostin_admitted(struct hostin *h, struct vm *v)
{
	if (v->id != h->vm_id || !v->console || (h->fd < 0 && !h->replay_path))
		return; /* without host input its console's input has ended, as every other VM's */
	h->con = v->console;
	h->vm = v;
	if (h->record || h->replay_path)
		console_set_source(h->con, &h->src);
	else
		console_set_input(h->con, h->fd);
}

void hostin_released(struct hostin *h, struct vm *v)
{
	if (h->vm == v) {
		h->con = NULL;
		h->vm = NULL;
		if (h->watch >= 0) /* hostin_serve is no longer called: stop watching here */
			evloop_watch_events(&h->k->loop, h->watch, 0);
	}
}

/* The loop's watch on stdin: bytes or the end (poll reports both as readable). */
static void stdin_ready(void *opaque, int fd, short revents)
{
	struct hostin *h = opaque;
	(void)fd;
	(void)revents;
	if (!h->con)
		return;
	h->k->raise_time = kernel_now(h->k);
	console_fill(h->con);
	sched_queue_woken(h->k);
}

bool hostin_serve(struct hostin *h, bool waiting)
{
	struct kernel *k = h->k;
	if (h->replay_path) {
		if (!h->con || h->con->in_ended)
			return false;
		bool due = h->next < h->nrep &&
			   point_cmp(h->rep[h->next].quantum, h->rep[h->next].insn, point_now(k)) <= 0;
		k->raise_time = kernel_now(k);
		if (due) {
			console_fill(h->con); /* takes the entry, or finds the run past it */
		} else if (waiting && hostin_wanted(h)) {
			/* The recorded run waited here too: for input the record has at a later point
			 * (this run left it), or for input that never came before it was stopped. */
			if (h->next < h->nrep)
				diverge(h, "was not taken; this run waits for input");
			else
				fprintf(stderr, "denali: --replay %s: the record ends while the guest waits for "
					"input: its console input ends here\n", h->replay_path);
			console_end_input(h->con);
		}
		sched_queue_woken(k);
		return waiting;
	}
	/* Stdin is watched while the VM wants input and its ring has room. */
	bool want = hostin_wanted(h);
	if (want && h->watch < 0)
		h->watch = evloop_watch_add(&k->loop, h->fd, POLLIN, stdin_ready, h);
	if (h->watch >= 0)
		evloop_watch_events(&k->loop, h->watch, want ? POLLIN : 0);
	return false;
}
