/* sys/time.h - struct timeval, the unit of SO_RCVTIMEO and SO_SNDTIMEO. */
#ifndef GUESTOS_SYS_TIME_H
#define GUESTOS_SYS_TIME_H

#include <time.h>

typedef long suseconds_t;

struct timeval {
	time_t tv_sec;       /* seconds */
	suseconds_t tv_usec; /* 0 to 999,999 */
};

#endif
