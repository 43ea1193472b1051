/* fast.h - specialised handlers for the hottest instruction forms (fast.c). */
#ifndef DENALI_FAST_H
#define DENALI_FAST_H

#include <Zydis/Zydis.h>

#include "cpu/insn.h"

/* A handler specialised for this decoded instruction's form, or NULL for the generic one. */
insn_fn fast_form(ZydisMnemonic m, const struct insn *in);

#endif
