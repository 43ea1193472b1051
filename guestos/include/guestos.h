/* guestos.h - everything guestos offers beyond the libc: DVA-1 access, interrupts, exceptions,
 * timers, threads and synchronisation, in one include. */
#ifndef GUESTOS_H
#define GUESTOS_H

#include "denali.h"
#include "irq.h"
#include "sync.h"
#include "thread.h"
#include "timer.h"
#include "trap.h"

#endif
