/* sys/types.h - the POSIX types guestos's socket headers use. */
#ifndef GUESTOS_SYS_TYPES_H
#define GUESTOS_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int ssize_t;        /* a byte count or -1 (i386: as wide as size_t) */

#endif
