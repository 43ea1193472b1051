/* options.h - the command line of `denali run`, turned into a run configuration. */
#ifndef DENALI_OPTIONS_H
#define DENALI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "denali_arch/config.h"

enum options_result { OPTIONS_RUN, OPTIONS_HELP, OPTIONS_VERSION, OPTIONS_BAD };

/* Parse argv (argv[1] is "run") into rc: IMAGE gives one group of --vms copies; a file ending
 * in .ini is a scenario, read with its errors as FILE:LINE: reason. On OPTIONS_BAD one line
 * naming the option (and, for option errors, the usage) has been printed to stderr. */
enum options_result options_parse(struct run_config *rc, int argc, char **argv);
void options_usage(FILE *f);

#endif
