/* config.h - everything a run is told: groups of VMs and the run's settings. The command line,
 * scenario files (INI) and `-o section.key=value` overrides all go through config_set(), one
 * table of keys, so each setting is parsed and checked in exactly one place. */
#ifndef DENALI_CONFIG_H
#define DENALI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define CONFIG_ERR (4096 + 256) /* room for one line of error: a path of PATH_MAX and the reason */
#define CONFIG_GROUPS_MAX 64

/* A group of identical VMs: count copies of one image. */
struct group_config {
	char name[32];        /* the section's name, [group NAME] */
	char *image;          /* path of the ELF image */
	uint32_t count;       /* VMs in the group, >= 1 */
	uint32_t mem_size;    /* bytes per VM */
	char *args;           /* argument string; "{id}" is replaced by each VM's vm_id */
	uint32_t devices;     /* 1 << enum device_kind for each device its VMs have */
	uint32_t net_rxq;     /* frames its NICs' receive rings hold (NET_RXQ) */
	bool pinned;          /* pinned = yes: the pager never moves its VMs out (they still count) */
	unsigned line;        /* where the group was defined, for errors (0: command line) */
};

/* The devices a VM can have attached (a group's `devices` list), and their names there. */
enum device_kind { DEVICE_CONSOLE, DEVICE_TIMER, DEVICE_NET, DEVICE_KEYBOARD, DEVICE_DISPLAY, DEVICE_KINDS };
/* What a group has unless it says: every device there is. */
#define DEVICES_DEFAULT (1u << DEVICE_CONSOLE | 1u << DEVICE_TIMER | 1u << DEVICE_NET | \
			 1u << DEVICE_KEYBOARD | 1u << DEVICE_DISPLAY)
extern const char *const device_kind_names[DEVICE_KINDS];

enum console_mode { CONSOLE_AUTO, CONSOLE_RAW, CONSOLE_PREFIX, CONSOLE_FILES, CONSOLE_NONE };
enum irq_mode { IRQ_BATCHED, IRQ_SYNC };
/* --display: no window (the default), one VM's framebuffer in a window, or a mosaic of many. */
enum display_mode { DISPLAY_NONE, DISPLAY_SDL, DISPLAY_MOSAIC };

/* A --screenshot WHEN:FILE.png: the picture at system time at_ns, or as the run ends. */
struct screenshot {
	uint64_t at_ns;
	bool at_exit;
	bool taken;
	char *path;
};

struct run_config {
	uint32_t quantum;       /* Q, instructions */
	uint32_t cpu_hz;        /* virtual instructions per virtual second */
	bool host_clock;        /* --clock host (else the deterministic clock) */
	bool clock_given;       /* the clock was set, not implied by net = user */
	enum irq_mode irq_mode;
	uint64_t max_insns;     /* stop after this many instructions in all, 0 = none */
	uint32_t max_active;    /* gatekeeper: admitted VMs at most, 0 = no limit */
	uint64_t mem_budget;    /* the pager's budget for resident guest memory, bytes, 0 = none */
	char *swap_path;        /* --swap FILE for the pager, or NULL for a temporary file */
	uint32_t swap_block;    /* --swap-block: the pager's unit of resident memory, bytes (a power
				 * of two, 4K to 4M): a VM holding one page of a block counts it all */
	/* --swap-disk LATENCY:RATE: a modelled paging disk in system time (pager.h). Each swap-in
	 * or swap-out is one transfer of latency plus its blocks at rate; 0:0 = none (swapping
	 * costs no system time). */
	uint64_t swap_disk_ns;  /* latency per transfer */
	uint64_t swap_disk_rate; /* bytes per second of system time */
	uint64_t seed;          /* the run's seed */
	uint64_t epoch_ns;      /* Unix time at time_ns = 0 under the deterministic clock */
	enum console_mode console;
	char *console_dir;      /* with CONSOLE_FILES */
	char *stats_dir;        /* --stats DIR, or NULL */
	char *trace;            /* --trace FILE (one-VM runs), or NULL */
	bool progress;          /* a progress line on stderr (default: when stderr is a terminal) */
	bool summary;           /* a summary table on stderr at the end */
	uint32_t console_in;    /* the VM whose console takes host input (stdin) */
	bool console_in_given;  /* set by the user: that VM must have a console */
	char *record;           /* --record FILE: log the host input, or NULL */
	char *replay;           /* --replay FILE: take the host input from a record, or NULL */
	char *pcap;             /* --pcap FILE: capture the switch's frames, or NULL */
	uint32_t *pcap_vms;     /* --pcap-vm N, each: capture only frames to or from these VMs */
	unsigned npcap_vms;     /* 0: every frame */
	/* Faults the switch injects per frame (--net-loss, --net-dup, --net-reorder), each a
	 * probability in parts per million, drawn from the run's seed. */
	uint32_t net_loss_ppm, net_dup_ppm, net_reorder_ppm;
	bool net_user;          /* --net user: the switch has a port to the host through libslirp */
	char *net_tap;          /* --net tap:IFNAME: a port to that TAP interface, or NULL */
	struct hostfwd *fwds;   /* --hostfwd, each */
	unsigned nfwds;
	enum display_mode display; /* --display */
	uint32_t focus;         /* --focus N: the VM the window shows and the keyboard reaches */
	bool focus_given;
	char *keys;             /* --keys FILE: scripted key events, or NULL */
	struct screenshot *shots; /* --screenshot, each, in the order given */
	unsigned nshots;
	char *monitor;          /* --monitor: "stdio" or "unix:PATH" (denali_arch/monitor.h), or NULL */
	char *gdb;              /* -gdb tcp:HOST:PORT (-s: tcp::1234): the GDB stub, or NULL */
	bool gdb_wait;          /* -S: every VM held before its first instruction until GDB continues */
	struct group_config groups[CONFIG_GROUPS_MAX];
	unsigned ngroups;
	const char *source;     /* the scenario file, or NULL for a command-line run */
};

/* A --hostfwd: host_addr:host_port to the VM's port; every_vm: VM n gets host_port + n. */
struct hostfwd {
	bool udp;
	uint32_t host_addr;     /* network byte order (127.0.0.1 unless given) */
	uint16_t host_port, guest_port;
	bool every_vm;
	uint32_t vm;            /* when not every_vm */
	char spec[96];          /* as given, for errors */
};

/* Defaults (denali_arch/param.h). */
void config_init(struct run_config *rc);
void config_free(struct run_config *rc);

/* Set section.key = value. section is "run" or a group name ("group NAME" in a file). Returns
 * 0, or -1 with a one-line reason in err (without file or line). */
int config_set(struct run_config *rc, const char *section, const char *key, const char *value,
	       char err[CONFIG_ERR]);
/* Start a group named name (at line, for errors); 0, or -1 (duplicate, too many). */
int config_add_group(struct run_config *rc, const char *name, unsigned line, char err[CONFIG_ERR]);
/* Check what no single key can: every group has an image, ... 0 or -1 with err. */
int config_check(const struct run_config *rc, char err[CONFIG_ERR]);
/* Read a scenario file into rc. Errors are "FILE:LINE: reason" in err. */
int scenario_load(struct run_config *rc, const char *path, char err[CONFIG_ERR]);
/* Apply "section.key=value" (a -o override). */
int config_override(struct run_config *rc, const char *assignment, char err[CONFIG_ERR]);

/* A VM's argument string: the group's template with "{id}" replaced by its vm_id. 0, or -1
 * when the result is longer than DVA_ARGS_MAX bytes. */
int config_expand_args(const char *tmpl, uint32_t id, char out[256]);

/* Total VMs over every group. */
uint64_t config_vm_count(const struct run_config *rc);

/* Parse helpers shared with the command line: sizes with K/M/G, counts, durations. */
int parse_size(const char *s, uint64_t *out);
int parse_count(const char *s, uint64_t *out);
/* A system time or duration with its unit: "2s", "1.5s", "250ms", "40us", "100ns". 0, or -1. */
int parse_time_ns(const char *s, uint64_t *out);

#endif
