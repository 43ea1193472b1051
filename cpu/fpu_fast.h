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
/* For two x87 fast forms in a row in one block (first with PFX_CHAIN), the handler that runs
 * the pair at first's place, or NULL: FLD ST(i) then an operation on the copy, FSTP m64fp then
 * FLD m64fp of the same operand, FADD ... FDIVR m64fp then FSTP m64fp of the same operand. */
insn_fn fpu_fast_fuse(const struct insn *first, const struct insn *second);

#endif
