/* fast.h - specialised handlers for the hottest instruction forms (fast.c). */
#ifndef DENALI_FAST_H
#define DENALI_FAST_H

#include <Zydis/Zydis.h>

#include "cpu/insn.h"

/* shift.c: SHL, SHR or SAR of a 32-bit value by a masked count of 1 to 31; *fl is EFLAGS in
 * and out (all of OSZAPC rewritten, as the generic handlers do). For the fast forms. */
enum shift_kind { SHIFT_SHL, SHIFT_SHR, SHIFT_SAR };
uint32_t shift32(enum shift_kind k, uint32_t d, unsigned cnt, uint32_t *fl);

/* A handler specialised for this decoded instruction's form, or NULL for the generic one. */
insn_fn fast_form(ZydisMnemonic m, const struct insn *in);

#endif
