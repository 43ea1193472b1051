/* fpu_fast.h - specialised x87 forms for the hottest instructions of double-precision code
 * (fpu_fast.c), chosen at decode time. */
#ifndef DENALI_FPU_FAST_H
#define DENALI_FPU_FAST_H

#include <Zydis/Zydis.h>

#include "cpu/insn.h"

/* A chaining handler for this decoded x87 instruction's form (FLD/FST/FSTP m64fp or ST(i),
 * FXCH, FSQRT, FADD ... FDIVR with an m64fp or two registers, the popping register forms), or
 * NULL for the generic one. Decode sets PFX_CHAIN on the entry when it takes one. */
insn_fn fpu_fast_form(ZydisMnemonic m, const struct insn *in);

#endif
