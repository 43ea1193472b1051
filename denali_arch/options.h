/* options.h - the command line of `denali run`, parsed and checked before anything runs. */
#ifndef DENALI_OPTIONS_H
#define DENALI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct run_options {
	const char *image;     /* IMAGE */
	uint32_t mem_size;     /* --mem, bytes */
	const char *args;      /* --args, or NULL */
	uint64_t max_insns;    /* --max-insns, 0 = no limit */
	const char *trace;     /* --trace FILE, or NULL */
	uint32_t quantum;      /* --quantum, instructions */
	bool help, version;
};

/* Parse argv (argv[0] is the program, argv[1] "run"). 0, or -1 after printing one line naming
 * the option and the reason, then the usage line, to stderr. */
int options_parse(struct run_options *o, int argc, char **argv);
/* Parse a size with an optional K/M/G suffix. 0, or -1. */
int parse_size(const char *s, uint64_t *out);
void options_usage(FILE *f);

#endif
