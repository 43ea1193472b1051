/* main.c - the `denali` command: parse the command line, load the image, run the VM. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denali_arch/loader.h"
#include "denali_arch/options.h"
#include "denali_arch/param.h"
#include "denali_arch/run.h"
#include "denali_arch/vm.h"

#ifndef DENALI_VERSION
#define DENALI_VERSION "dev"
#endif

static uint64_t now_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmd_run(int argc, char **argv)
{
	struct run_options o;
	if (options_parse(&o, argc, argv))
		return EXIT_USAGE;
	if (o.help) {
		options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("denali %s (DVA-1 revision 1)\n", DENALI_VERSION);
		return 0;
	}

	char err[LOADER_ERR];
	struct image img;
	if (image_open(&img, o.image, err)) {
		fprintf(stderr, "denali: %s: %s\n", o.image, err);
		return EXIT_REFUSED;
	}
	FILE *trace = NULL;
	if (o.trace) {
		trace = strcmp(o.trace, "-") ? fopen(o.trace, "w") : stderr;
		if (!trace) {
			fprintf(stderr, "denali: --trace: cannot open '%s': %s\n", o.trace, strerror(errno));
			image_close(&img);
			return EXIT_USAGE;
		}
	}
	struct mem_arena arena;
	if (mem_arena_init(&arena, (size_t)o.mem_size * 2 + (64u << 20))) {
		fprintf(stderr, "denali: cannot reserve host address space: %s\n", strerror(errno));
		image_close(&img);
		return EXIT_REFUSED;
	}
	struct vm_clock clock = {
		.deterministic = true,
		.cpu_hz = PARAM_CPU_HZ,
		.host_start_ns = now_ns(CLOCK_MONOTONIC),
		.epoch_ns = PARAM_EPOCH_NS,
		.seed = PARAM_SEED,
	};
	struct vm_config cfg = {
		.id = 0,
		.mem_size = o.mem_size,
		.args = o.args,
		.console_out = stdout,
		.trace = trace,
	};
	static struct vm vm; /* large (the CPU embeds its cache header); one per run here */
	if (vm_create(&vm, &arena, &clock, &cfg, &img, err)) {
		fprintf(stderr, "denali: %s: %s\n", o.image, err);
		image_close(&img);
		mem_arena_destroy(&arena);
		return EXIT_REFUSED;
	}
	image_close(&img);

	int status = run_single(&vm, o.quantum, o.max_insns);

	vm_destroy(&vm);
	mem_arena_destroy(&arena);
	if (trace && trace != stderr)
		fclose(trace);
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("denali %s (DVA-1 revision 1)\n", DENALI_VERSION);
		return 0;
	}
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))) {
		options_usage(stdout);
		return 0;
	}
	if (argc >= 2)
		fprintf(stderr, "denali: %s: unknown command (the command is 'run')\n", argv[1]);
	options_usage(stderr);
	return EXIT_USAGE;
}
