/* param.h - every tunable of the emulator's kernel side, with its unit, in one place. */
#ifndef DENALI_PARAM_H
#define DENALI_PARAM_H

#define PARAM_QUANTUM 100000u          /* Q: instructions per quantum (DVA-1 section 5) */
#define PARAM_CPU_HZ 1000000000u       /* virtual instructions per virtual second */
#define PARAM_EPOCH_NS 1039392000000000000ull /* 2002-12-09 00:00 UTC (OSDI '02), the default
					       * epoch_ns under the deterministic clock */
#define PARAM_SEED 0x44454E414C49ull   /* the run's default seed ("DENALI") */
#define PARAM_ARENA_BYTES (1ull << 46) /* 64 TiB of host address space reserved for guests */

/* Exit statuses of `denali run` besides the guest's own (docs/abi.md, --help). */
#define EXIT_REFUSED 1     /* bad image or host failure before any guest ran */
#define EXIT_USAGE 2       /* bad command line */
#define EXIT_LIMIT 124     /* --max-insns ran out */
#define EXIT_STUCK 125     /* every VM idles with nothing that could wake it */

/* With the host's network attached (--net user, --net tap), a quantum boundary looks at its
 * sockets at most this often in host time while VMs are runnable: slirp polls one socket per
 * forward, and 1,000 forwards polled at every boundary cost a compute-bound run 40%. A VM's
 * frames wait at most this long for the host; when every VM idles the kernel waits in poll. */
#define PARAM_HOST_POLL_NS 1000000u
/* ... and never more often than this many times the last look's own cost, so that with 10,000
 * forwards (a look of about 1.5 ms) looking takes at most a tenth of a compute-bound run. */
#define PARAM_HOST_POLL_SHARE 10u

#endif
