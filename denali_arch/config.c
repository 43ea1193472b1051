/* config.c - the run's settings: one table of keys, each with its parser and its checks. */
#include "denali_arch/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "denali_arch/dva.h"
#include "denali_arch/param.h"
#include "devices/net.h"

static int fail(char err[CONFIG_ERR], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, CONFIG_ERR, fmt, ap);
	va_end(ap);
	return -1;
}

void config_init(struct run_config *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->quantum = PARAM_QUANTUM;
	rc->cpu_hz = PARAM_CPU_HZ;
	rc->seed = PARAM_SEED;
	rc->epoch_ns = PARAM_EPOCH_NS;
	rc->swap_block = DVA_PAGE_SIZE;
	rc->console = CONSOLE_AUTO;
	rc->progress = false;
}

void config_free(struct run_config *rc)
{
	for (unsigned i = 0; i < rc->ngroups; i++) {
		free(rc->groups[i].image);
		free(rc->groups[i].args);
	}
	free(rc->console_dir);
	free(rc->stats_dir);
	free(rc->trace);
	free(rc->swap_path);
	free(rc->record);
	free(rc->replay);
	free(rc->pcap);
	free(rc->pcap_vms);
	rc->pcap_vms = NULL;
	free(rc->fwds);
	rc->fwds = NULL;
	free(rc->net_tap);
	rc->net_tap = NULL;
	free(rc->keys);
	rc->keys = NULL;
	for (unsigned i = 0; i < rc->nshots; i++)
		free(rc->shots[i].path);
	free(rc->shots);
	rc->shots = NULL;
	free(rc->monitor);
	free(rc->gdb);
	rc->gdb = NULL;
	rc->monitor = NULL;
	rc->nshots = 0;
	rc->nfwds = 0;
	rc->npcap_vms = 0;
	rc->ngroups = 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mult = 1;
	switch (*end) {
	case 'k': case 'K': mult = 1ull << 10; end++; break;
	case 'm': case 'M': mult = 1ull << 20; end++; break;
	case 'g': case 'G': mult = 1ull << 30; end++; break;
	case 't': case 'T': mult = 1ull << 40; end++; break;
	default: break;
	}
	if (*end || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

int parse_count(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_time_ns(const char *s, uint64_t *out)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	uint64_t whole = 0, frac = 0, scale = 1;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale < 1000000000) { /* digits past nanoseconds are dropped */
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		uint64_t ns = units[i].ns;
		if (whole > UINT64_MAX / ns)
			return -1;
		*out = whole * ns + frac * ns / scale;
		return 0;
	}
	return -1;
}

static char *dup_or_null(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort(); /* out of host memory while reading options: nothing sensible to do */
	return d;
}

/* A setter parses value into rc (or group g) and says why not. */
typedef int (*setter)(struct run_config *rc, struct group_config *g, const char *v, char *err);

static int u32_in(const char *v, uint64_t lo, uint64_t hi, uint32_t *out, char *err)
{
	uint64_t n;
	if (parse_count(v, &n) || n < lo || n > hi)
		return fail(err, "'%s' is not a whole number from %" PRIu64 " to %" PRIu64, v, lo, hi);
	*out = (uint32_t)n;
	return 0;
}

static int set_quantum(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return u32_in(v, 1, UINT32_MAX, &rc->quantum, err);
}
static int set_cpu_hz(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return u32_in(v, 1000, UINT32_MAX, &rc->cpu_hz, err);
}
static int set_clock(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!strcmp(v, "virtual"))
		rc->host_clock = false;
	else if (!strcmp(v, "host"))
		rc->host_clock = true;
	else
		return fail(err, "'%s' is not a clock (virtual or host)", v);
	rc->clock_given = true;
	return 0;
}
static int set_irq_mode(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!strcmp(v, "batched"))
		rc->irq_mode = IRQ_BATCHED;
	else if (!strcmp(v, "sync"))
		rc->irq_mode = IRQ_SYNC;
	else
		return fail(err, "'%s' is not an interrupt mode (batched or sync)", v);
	return 0;
}
static int set_max_insns(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (parse_count(v, &rc->max_insns) || rc->max_insns == 0)
		return fail(err, "'%s' is not a positive whole number", v);
	return 0;
}
static int set_max_active(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return u32_in(v, 1, UINT32_MAX, &rc->max_active, err);
}
static int set_mem_budget(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (parse_size(v, &rc->mem_budget) || rc->mem_budget == 0)
		return fail(err, "'%s' is not a size (e.g. 8G, 512M)", v);
	return 0;
}
static int set_swap(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!*v)
		return fail(err, "needs a file name");
	free(rc->swap_path);
	rc->swap_path = dup_or_null(v);
	return 0;
}
static int set_swap_block(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	uint64_t n;
	if (parse_size(v, &n) || n < DVA_PAGE_SIZE || n > (4u << 20) || (n & (n - 1)))
		return fail(err, "'%s' is not a power of two from 4K to 4M", v);
	rc->swap_block = (uint32_t)n;
	return 0;
}
static int set_swap_disk(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!strcmp(v, "none")) {
		rc->swap_disk_ns = rc->swap_disk_rate = 0;
		return 0;
	}
	char lat[64];
	const char *colon = strchr(v, ':');
	uint64_t ns, rate;
	if (!colon || (size_t)(colon - v) >= sizeof(lat))
		return fail(err, "'%s' is not LATENCY:RATE (e.g. 8ms:40M, bytes per second) or none", v);
	memcpy(lat, v, (size_t)(colon - v));
	lat[colon - v] = '\0';
	if (parse_time_ns(lat, &ns))
		return fail(err, "'%s': the latency '%s' is not a time (e.g. 8ms, 500us)", v, lat);
	if (parse_size(colon + 1, &rate) || rate == 0)
		return fail(err, "'%s': the rate '%s' is not a positive size per second (e.g. 40M)", v, colon + 1);
	rc->swap_disk_ns = ns;
	rc->swap_disk_rate = rate;
	return 0;
}
static int set_seed(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (*v < '0' || *v > '9' || errno || *end) /* strtoull would take spaces and a sign */
		return fail(err, "'%s' is not a whole number (decimal or 0x hex)", v);
	rc->seed = n;
	return 0;
}
static int set_epoch(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (parse_count(v, &rc->epoch_ns))
		return fail(err, "'%s' is not a whole number of nanoseconds since 1970", v);
	return 0;
}
static int set_console(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!strcmp(v, "auto"))
		rc->console = CONSOLE_AUTO;
	else if (!strcmp(v, "raw"))
		rc->console = CONSOLE_RAW;
	else if (!strcmp(v, "prefix"))
		rc->console = CONSOLE_PREFIX;
	else if (!strcmp(v, "none"))
		rc->console = CONSOLE_NONE;
	else if (!strncmp(v, "files:", 6) && v[6]) {
		rc->console = CONSOLE_FILES;
		free(rc->console_dir);
		rc->console_dir = dup_or_null(v + 6);
	} else
		return fail(err, "'%s' is not a console mode (prefix, files:DIR, none, raw, auto)", v);
	return 0;
}
static int set_stats(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!*v)
		return fail(err, "needs a directory");
	free(rc->stats_dir);
	rc->stats_dir = dup_or_null(v);
	return 0;
}
static int set_trace(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!*v)
		return fail(err, "needs a file name ('-' for stderr)");
	free(rc->trace);
	rc->trace = dup_or_null(v);
	return 0;
}
/* yes / true / 1 or no / false / 0 into *out; 0, or -1 with why. */
static int yes_no(const char *v, bool *out, char *err)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return fail(err, "'%s' is not yes or no", v);
	return 0;
}
static int set_progress(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return yes_no(v, &rc->progress, err);
}

static int set_summary(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return yes_no(v, &rc->summary, err);
}

static int set_console_in(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	rc->console_in_given = true;
	return u32_in(v, 0, 9999999, &rc->console_in, err);
}
static int set_file(char **slot, const char *v, char *err)
{
	if (!*v)
		return fail(err, "needs a file name");
	free(*slot);
	*slot = dup_or_null(v);
	return 0;
}
static int set_record(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return set_file(&rc->record, v, err);
}
static int set_replay(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return set_file(&rc->replay, v, err);
}
static int set_pcap(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return set_file(&rc->pcap, v, err);
}
/* A probability: a decimal fraction from 0 to 1 ("0.05", at most 6 places) or a percentage
 * ("5%", "0.5%"), kept in parts per million. */
static int set_ppm(uint32_t *out, const char *v, char *err)
{
	uint64_t whole = 0, frac = 0, scale = 1;
	const char *p = v;
	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9' && whole < 1000)
		whole = whole * 10 + (uint64_t)(*p++ - '0');
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9' && scale < 100000000)
			frac = frac * 10 + (uint64_t)(*p++ - '0'), scale *= 10;
	}
	bool pct = *p == '%';
	if (pct)
		p++;
	if (*p)
		goto bad;
	/* whole.frac, times 10^6 (a fraction) or 10^4 (a percentage) */
	uint64_t unit = pct ? 10000 : 1000000;
	uint64_t ppm = whole * unit + frac * unit / scale;
	if (ppm > 1000000)
		goto bad;
	*out = (uint32_t)ppm;
	return 0;
bad:
	return fail(err, "'%s' is not a probability (0 to 1, or 0%% to 100%%)", v);
}
static int set_net_loss(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return set_ppm(&rc->net_loss_ppm, v, err);
}
static int set_net_dup(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return set_ppm(&rc->net_dup_ppm, v, err);
}
static int set_net_reorder(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return set_ppm(&rc->net_reorder_ppm, v, err);
}
/* net = none | user | tap:IFNAME. The host's network runs on the host's clock: user and tap
 * imply clock = host (config_check refuses an explicit virtual clock with them). */
static int set_net(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	free(rc->net_tap);
	rc->net_tap = NULL;
	rc->net_user = false;
	if (!strcmp(v, "user"))
		rc->net_user = true;
	else if (!strncmp(v, "tap:", 4) && v[4])
		rc->net_tap = dup_or_null(v + 4);
	else if (strcmp(v, "none"))
		return fail(err, "'%s' is not a host network (none, user or tap:IFNAME)", v);
	if ((rc->net_user || rc->net_tap) && !rc->clock_given)
		rc->host_clock = true;
	return 0;
}

static int parse_port(const char *s, const char *end, uint16_t *out)
{
	uint32_t v = 0;
	if (s == end || end - s > 5)
		return -1;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* tcp|udp:[HOSTADDR]:HOSTPORT-VM:GUESTPORT, VM a vm_id, or HOSTPORT+-*: for VM n at HOSTPORT + n.
 * Each hostfwd adds a forward. */
static int set_hostfwd(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	struct hostfwd f = { .host_addr = htonl(INADDR_LOOPBACK) };
	if (strlen(v) >= sizeof(f.spec))
		return fail(err, "'%.40s...' is too long", v);
	snprintf(f.spec, sizeof(f.spec), "%s", v);
	const char *p;
	if (!strncmp(v, "tcp:", 4))
		p = v + 4;
	else if (!strncmp(v, "udp:", 4))
		p = v + 4, f.udp = true;
	else
		return fail(err, "'%s' is not tcp:HOSTADDR:HOSTPORT-VM:GUESTPORT (or udp:...)", v);
	const char *colon = strchr(p, ':'), *dash = colon ? strchr(colon, '-') : NULL;
	const char *colon2 = dash ? strchr(dash, ':') : NULL;
	if (!colon || !dash || !colon2)
		return fail(err, "'%s' is not tcp:HOSTADDR:HOSTPORT-VM:GUESTPORT (or udp:...)", v);
	if (colon > p) {
		char addr[32];
		if ((size_t)(colon - p) >= sizeof(addr))
			return fail(err, "'%s': '%.*s' is not an IPv4 address", v, (int)(colon - p), p);
		memcpy(addr, p, (size_t)(colon - p));
		addr[colon - p] = 0;
		struct in_addr a;
		if (inet_pton(AF_INET, addr, &a) != 1)
			return fail(err, "'%s': '%s' is not an IPv4 address", v, addr);
		f.host_addr = a.s_addr;
	}
	const char *port_end = dash;
	if (dash[-1] == '+' && dash[1] == '*' && dash + 2 == colon2) {
		f.every_vm = true;
		port_end = dash - 1;
	} else {
		uint32_t vm = 0;
		const char *q = dash + 1;
		if (q == colon2)
			return fail(err, "'%s': no VM between '-' and ':' (a vm_id, or HOSTPORT+-* for every VM)", v);
		for (; q < colon2; q++) {
			if (*q < '0' || *q > '9' || vm > 9999999)
				return fail(err, "'%s': '%.*s' is not a vm_id", v, (int)(colon2 - dash - 1), dash + 1);
			vm = vm * 10 + (uint32_t)(*q - '0');
		}
		f.vm = vm;
	}
	if (parse_port(colon + 1, port_end, &f.host_port))
		return fail(err, "'%s': '%.*s' is not a port (1 to 65535)", v, (int)(port_end - colon - 1), colon + 1);
	if (parse_port(colon2 + 1, colon2 + 1 + strlen(colon2 + 1), &f.guest_port))
		return fail(err, "'%s': '%s' is not a port (1 to 65535)", v, colon2 + 1);
	struct hostfwd *l = realloc(rc->fwds, (rc->nfwds + 1) * sizeof(*l));
	if (!l)
		return fail(err, "out of memory");
	rc->fwds = l;
	rc->fwds[rc->nfwds++] = f;
	return 0;
}

/* A comma-separated list of vm_ids; each occurrence adds to the ones before (--pcap-vm repeats). */
static int set_pcap_vm(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	const char *p = v;
	do {
		char one[16];
		size_t n = strcspn(p, ",");
		if (!n || n >= sizeof(one))
			return fail(err, "'%s' is not a list of vm_ids", v);
		memcpy(one, p, n);
		one[n] = 0;
		uint32_t id = 0;
		if (u32_in(one, 0, 9999999, &id, err))
			return -1;
		uint32_t *l = realloc(rc->pcap_vms, (rc->npcap_vms + 1) * sizeof(*l));
		if (!l)
			return fail(err, "out of memory");
		rc->pcap_vms = l;
		rc->pcap_vms[rc->npcap_vms++] = id;
		p += n;
	} while (*p++ == ',');
	return 0;
}

const char *const device_kind_names[DEVICE_KINDS] = { "console", "timer", "net", "keyboard", "display" };

static int set_group_pinned(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	return yes_no(v, &g->pinned, err);
}
static int set_net_rxq(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	return u32_in(v, 1, NET_RXQ_MAX, &g->net_rxq, err);
}

/* A comma-separated list of device names, each at most once. */
static int set_devices(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	uint32_t set = 0;
	const char *p = v;
	for (;;) {
		size_t n = strcspn(p, ",");
		unsigned kind = 0;
		while (kind < DEVICE_KINDS && (strlen(device_kind_names[kind]) != n ||
					       strncmp(p, device_kind_names[kind], n)))
			kind++;
		if (kind == DEVICE_KINDS)
			return fail(err, "'%.*s' is not a device (console, timer, net, keyboard, display)", (int)n, p);
		if (set & (1u << kind))
			return fail(err, "'%s' names %s twice", v, device_kind_names[kind]);
		set |= 1u << kind;
		if (!p[n])
			break;
		p += n + 1;
	}
	g->devices = set;
	return 0;
}

static int set_display(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!strcmp(v, "none"))
		rc->display = DISPLAY_NONE;
	else if (!strcmp(v, "sdl"))
		rc->display = DISPLAY_SDL;
	else if (!strcmp(v, "mosaic"))
		rc->display = DISPLAY_MOSAIC;
	else
		return fail(err, "'%s' is not a display (none, sdl, mosaic)", v);
	if (rc->display != DISPLAY_NONE && !rc->clock_given)
		rc->host_clock = true; /* a window runs in real time, as a user watches it */
	return 0;
}
static int set_focus(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (u32_in(v, 0, UINT32_MAX - 1, &rc->focus, err))
		return -1;
	rc->focus_given = true;
	return 0;
}
static int set_keys(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	if (!*v)
		return fail(err, "needs a file name");
	free(rc->keys);
	rc->keys = dup_or_null(v);
	return 0;
}
/* WHEN:FILE.png, WHEN a system time ("2s", "500ms") or "exit"; repeatable. */
static int set_screenshot(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	const char *colon = strchr(v, ':');
	if (!colon || colon == v || !colon[1])
		return fail(err, "'%s' is not WHEN:FILE.png (WHEN a time such as 2s or 500ms, or exit)", v);
	struct screenshot shot = { 0 };
	char when[64];
	size_t n = (size_t)(colon - v);
	if (n >= sizeof(when))
		return fail(err, "'%.*s' is not a time (such as 2s or 500ms) or exit", (int)n, v);
	memcpy(when, v, n);
	when[n] = '\0';
	if (!strcmp(when, "exit"))
		shot.at_exit = true;
	else if (parse_time_ns(when, &shot.at_ns))
		return fail(err, "'%s' is not a time (such as 2s or 500ms) or exit", when);
	struct screenshot *l = realloc(rc->shots, (rc->nshots + 1) * sizeof(*l));
	if (!l)
		abort();
	rc->shots = l;
	shot.path = dup_or_null(colon + 1);
	rc->shots[rc->nshots++] = shot;
	return 0;
}

/* stdio (commands on stdin, replies on stdout) or unix:PATH (a listening Unix socket). */
/* tcp:HOST:PORT, HOST empty for 127.0.0.1 (QEMU's -gdb spelling); the socket is opened by the
 * stub, which says why it cannot be. */
static int set_gdb(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	const char *colon = strncmp(v, "tcp:", 4) ? NULL : strrchr(v + 4, ':');
	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return fail(err, "'%s' is not tcp:HOST:PORT (e.g. tcp::1234)", v);
	free(rc->gdb);
	rc->gdb = dup_or_null(v);
	return 0;
}
static int set_gdb_wait(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	return yes_no(v, &rc->gdb_wait, err);
}
static int set_monitor(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)g;
	bool unix_path = !strncmp(v, "unix:", 5);
	if (strcmp(v, "stdio") && !unix_path)
		return fail(err, "'%s' is not a monitor (stdio, or unix:PATH)", v);
	if (unix_path && !v[5])
		return fail(err, "unix: needs the socket's path (unix:PATH)");
	if (unix_path && strlen(v + 5) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return fail(err, "unix:%s: a socket's path has at most %zu bytes", v + 5,
			    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	free(rc->monitor);
	rc->monitor = dup_or_null(v);
	return 0;
}

static int set_image(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	if (!*v)
		return fail(err, "needs a file name");
	free(g->image);
	g->image = dup_or_null(v);
	return 0;
}
static int set_count(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	return u32_in(v, 1, 10000000, &g->count, err);
}
static int set_mem(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	uint64_t n;
	if (parse_size(v, &n))
		return fail(err, "'%s' is not a size (use e.g. 16M, 512K, 1G)", v);
	if (n % DVA_PAGE_SIZE || n < DVA_MEM_MIN || n > DVA_MEM_MAX)
		return fail(err, "'%s' must be a multiple of 4K between 64K and 3G", v);
	g->mem_size = (uint32_t)n;
	return 0;
}
static int set_args(struct run_config *rc, struct group_config *g, const char *v, char *err)
{
	(void)rc;
	/* "{id}" grows to at most 10 digits; the result must fit page 0 (checked per VM too). */
	if (strlen(v) > DVA_ARGS_MAX)
		return fail(err, "the argument string is longer than %u bytes", DVA_ARGS_MAX);
	free(g->args);
	g->args = dup_or_null(v);
	return 0;
}

static const struct key {
	const char *name;
	bool group;   /* a key of [group NAME], else of [run] */
	setter set;
} keys[] = {
	{ "quantum", false, set_quantum },
	{ "cpu_hz", false, set_cpu_hz },
	{ "clock", false, set_clock },
	{ "irq_mode", false, set_irq_mode },
	{ "max_insns", false, set_max_insns },
	{ "max_active", false, set_max_active },
	{ "mem_budget", false, set_mem_budget },
	{ "swap", false, set_swap },
	{ "swap_block", false, set_swap_block },
	{ "swap_disk", false, set_swap_disk },
	{ "seed", false, set_seed },
	{ "epoch_ns", false, set_epoch },
	{ "console", false, set_console },
	{ "stats", false, set_stats },
	{ "trace", false, set_trace },
	{ "progress", false, set_progress },
	{ "summary", false, set_summary },
	{ "console_in", false, set_console_in },
	{ "record", false, set_record },
	{ "replay", false, set_replay },
	{ "pcap", false, set_pcap },
	{ "pcap_vm", false, set_pcap_vm },
	{ "net_loss", false, set_net_loss },
	{ "net_dup", false, set_net_dup },
	{ "net_reorder", false, set_net_reorder },
	{ "net", false, set_net },
	{ "hostfwd", false, set_hostfwd },
	{ "display", false, set_display },
	{ "focus", false, set_focus },
	{ "keys", false, set_keys },
	{ "screenshot", false, set_screenshot },
	{ "monitor", false, set_monitor },
	{ "gdb", false, set_gdb },
	{ "gdb_wait", false, set_gdb_wait },
	{ "devices", true, set_devices },
	{ "net_rxq", true, set_net_rxq },
	{ "pinned", true, set_group_pinned },
	{ "image", true, set_image },
	{ "count", true, set_count },
	{ "mem", true, set_mem },
	{ "args", true, set_args },
};

static struct group_config *find_group(struct run_config *rc, const char *name)
{
	for (unsigned i = 0; i < rc->ngroups; i++)
		if (!strcmp(rc->groups[i].name, name))
			return &rc->groups[i];
	return NULL;
}

int config_add_group(struct run_config *rc, const char *name, unsigned line, char err[CONFIG_ERR])
{
	if (!*name || strlen(name) >= sizeof(rc->groups[0].name) || !strcmp(name, "run"))
		return fail(err, "'%s' is not a group name (1 to 31 characters, not 'run')", name);
	if (find_group(rc, name))
		return fail(err, "group '%s' is defined twice", name);
	if (rc->ngroups == CONFIG_GROUPS_MAX)
		return fail(err, "more than %d groups", CONFIG_GROUPS_MAX);
	struct group_config *g = &rc->groups[rc->ngroups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->count = 1;
	g->mem_size = DVA_MEM_DEFAULT;
	g->devices = DEVICES_DEFAULT;
	g->net_rxq = NET_RXQ;
	g->line = line;
	return 0;
}

int config_set(struct run_config *rc, const char *section, const char *key, const char *value,
	       char err[CONFIG_ERR])
{
	bool is_run = !strcmp(section, "run");
	struct group_config *g = is_run ? NULL : find_group(rc, section);
	if (!is_run && !g)
		return fail(err, "no group named '%s'", section);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, key))
			continue;
		if (keys[i].group == is_run)
			return fail(err, "'%s' belongs in %s", key, keys[i].group ? "a [group NAME] section" : "[run]");
		char why[CONFIG_ERR];
		if (keys[i].set(rc, g, value, why))
			return fail(err, "%s: %s", key, why);
		return 0;
	}
	return fail(err, "unknown key '%s' in [%s%s]", key, is_run ? "" : "group ", section);
}

int config_override(struct run_config *rc, const char *assignment, char err[CONFIG_ERR])
{
	const char *eq = strchr(assignment, '=');
	const char *dot = eq ? memchr(assignment, '.', (size_t)(eq - assignment)) : NULL;
	if (!eq || !dot || dot == assignment)
		return fail(err, "'%s' is not section.key=value", assignment);
	char section[64], key[64];
	size_t ns = (size_t)(dot - assignment), nk = (size_t)(eq - dot - 1);
	if (ns >= sizeof(section) || nk >= sizeof(key) || nk == 0)
		return fail(err, "'%s' is not section.key=value", assignment);
	memcpy(section, assignment, ns);
	section[ns] = '\0';
	memcpy(key, dot + 1, nk);
	key[nk] = '\0';
	return config_set(rc, section, key, eq + 1, err);
}

int config_check(const struct run_config *rc, char err[CONFIG_ERR])
{
	if (rc->ngroups == 0)
		return fail(err, "no [group NAME] section: nothing to run");
	for (unsigned i = 0; i < rc->ngroups; i++) {
		const struct group_config *g = &rc->groups[i];
		if (g->image)
			continue;
		if (rc->source) /* name the [group] header's line */
			return fail(err, "%s:%u: group '%s' has no image", rc->source, g->line, g->name);
		return fail(err, "group '%s' has no image", g->name);
	}
	if (config_vm_count(rc) > 10000000)
		return fail(err, "more than 10,000,000 VMs in all");
	if (rc->console_in >= config_vm_count(rc))
		return fail(err, "console_in: VM %u does not exist: the run has %" PRIu64 " VM%s",
			    (unsigned)rc->console_in, config_vm_count(rc), config_vm_count(rc) == 1 ? "" : "s");
	if (rc->console_in_given) {
		uint64_t first = 0;
		for (unsigned i = 0; i < rc->ngroups; first += rc->groups[i++].count) {
			const struct group_config *g = &rc->groups[i];
			if (rc->console_in < first || rc->console_in >= first + g->count)
				continue;
			if (!(g->devices & (1u << DEVICE_CONSOLE)))
				return fail(err, "console_in: VM %u has no console (group '%s' has devices without it)",
					    (unsigned)rc->console_in, g->name);
		}
	}
	if (rc->focus >= config_vm_count(rc))
		return fail(err, "focus: VM %u does not exist: the run has %" PRIu64 " VM%s",
			    (unsigned)rc->focus, config_vm_count(rc), config_vm_count(rc) == 1 ? "" : "s");
	if ((rc->swap_disk_rate || rc->swap_block != DVA_PAGE_SIZE) && !rc->mem_budget)
		return fail(err, "%s: needs mem_budget (--mem-budget): without a budget nothing is swapped",
			    rc->swap_disk_rate ? "swap_disk" : "swap_block");
	if (rc->record && rc->replay)
		return fail(err, "record and replay: a run takes its input from the host or from a record, not both");
	if ((rc->record || rc->replay) && rc->host_clock)
		return fail(err, "%s: needs the deterministic clock (not clock = host): the host clock cannot be replayed",
			    rc->record ? "record" : "replay");
	if ((rc->net_user || rc->net_tap) && !rc->host_clock)
		return fail(err, "net: %s needs the host clock (clock = host): the host's network runs in real time",
			    rc->net_user ? "user" : "tap");
	if (rc->nfwds && !rc->net_user)
		return fail(err, "hostfwd %s: needs net = user (--net user)", rc->fwds[0].spec);
	for (unsigned i = 0; i < rc->nfwds; i++) {
		const struct hostfwd *f = &rc->fwds[i];
		uint64_t n = config_vm_count(rc);
		if (!f->every_vm && f->vm >= n)
			return fail(err, "hostfwd %s: VM %u does not exist: the run has %" PRIu64 " VM%s", f->spec,
				    (unsigned)f->vm, n, n == 1 ? "" : "s");
		if (f->every_vm && f->host_port + n - 1 > 65535)
			return fail(err, "hostfwd %s: %" PRIu64 " VMs need ports %u to %" PRIu64 ", past 65535",
				    f->spec, n, (unsigned)f->host_port, f->host_port + n - 1);
	}
	if (rc->monitor && (rc->record || rc->replay))
		return fail(err, "monitor and %s: the monitor's commands are not recorded, so such a run could not be replayed",
			    rc->record ? "record" : "replay");
	if (rc->monitor && !strcmp(rc->monitor, "stdio") && rc->console_in_given)
		return fail(err, "console_in and monitor stdio: stdin is the monitor's (use --monitor unix:PATH)");
	if (rc->npcap_vms && !rc->pcap)
		return fail(err, "pcap_vm: needs pcap, the file to capture to");
	for (unsigned i = 0; i < rc->npcap_vms; i++)
		if (rc->pcap_vms[i] >= config_vm_count(rc))
			return fail(err, "pcap_vm: VM %u does not exist: the run has %" PRIu64 " VM%s",
				    (unsigned)rc->pcap_vms[i], config_vm_count(rc), config_vm_count(rc) == 1 ? "" : "s");
	return 0;
}

int config_expand_args(const char *tmpl, uint32_t id, char out[DVA_ARGS_MAX + 1])
{
	size_t n = 0;
	for (const char *p = tmpl ? tmpl : ""; *p; p++) {
		char num[16];
		const char *piece = p;
		size_t len = 1;
		if (!strncmp(p, "{id}", 4)) {
			len = (size_t)snprintf(num, sizeof(num), "%u", (unsigned)id);
			piece = num;
			p += 3;
		}
		if (n + len > DVA_ARGS_MAX)
			return -1;
		memcpy(out + n, piece, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

uint64_t config_vm_count(const struct run_config *rc)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < rc->ngroups; i++)
		n += rc->groups[i].count;
	return n;
}
