/* param.h - guestos tunables, in one place. */
#ifndef GUESTOS_PARAM_H
#define GUESTOS_PARAM_H

#define GUESTOS_ARGV_MAX 32    /* argv entries crt0 makes, argv[0] included; extra words dropped */
#define GUESTOS_PRINTF_BUF 128 /* bytes dva_printf gathers before one REP OUTSB */

#endif
