/* Time: a monotonic clock for timers, the wall clock for status files. */
#ifndef VPNHA_CLOCK_H
#define VPNHA_CLOCK_H

#include <stdint.h>

#define CLOCK_MS	1000000LL		/* nanoseconds */
#define CLOCK_SEC	1000000000LL

/* Nanoseconds of CLOCK_MONOTONIC. */
int64_t clock_mono(void);
/* Nanoseconds since the epoch (CLOCK_REALTIME). */
int64_t clock_wall(void);

#endif
