/* run.h - running one VM to its end: quanta, IDLE, the --max-insns limit, the exit status. */
#ifndef DENALI_RUN_H
#define DENALI_RUN_H

#include <stdint.h>

#include "denali_arch/vm.h"

/* Run vm until it terminates, faults, or max_insns (0 = none) retire. Returns the process exit
 * status: the guest's, 128 + vector, or an EXIT_* of param.h. */
int run_single(struct vm *vm, uint32_t quantum, uint64_t max_insns);

#endif
