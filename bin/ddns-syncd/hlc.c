/*
 * Hybrid logical clocks (Kulkarni et al., "Logical Physical Clocks", 2014):
 * a stamp is max(wall clock, every stamp seen) in milliseconds, with a
 * counter that orders events within one millisecond.  A node whose wall
 * clock lags still stamps a change it makes after seeing another node's
 * change above that change, so "the most recent connection wins" holds
 * for causally ordered events whatever the clocks say.  This node's clock
 * is this file's: written here only.
 */
#include <stdint.h>

#include "clock.h"
#include "ddns-syncd.h"

#define MS_MAX	((int64_t)1 << 48)

static uint64_t hlc;		/* this node's clock: the last stamp */

int64_t
wall_ms(void)
{
	return clock_wall() / CLOCK_MS;
}

static uint64_t
hlc_make(int64_t ms, unsigned ctr)
{
	return (uint64_t)ms << 16 | ctr;
}

/* A local event: a stamp above every stamp so far. */
uint64_t
hlc_stamp(void)
{
	int64_t ms = HLC_MS(hlc), wall = wall_ms();
	unsigned ctr = HLC_CTR(hlc);

	if (wall < 0)
		wall = 0;
	if (wall >= MS_MAX)
		wall = MS_MAX - 1;
	if (wall > ms)
		hlc = hlc_make(wall, 0);
	else if (ctr < 0xffff)
		hlc = hlc_make(ms, ctr + 1);
	else
		hlc = hlc_make(ms + 1, 0);	/* borrow a millisecond */
	return hlc;
}

/*
 * A stamp received: the clock moves up to it, unless it is more than
 * SKEW_MAX_MS ahead of our wall clock (a peer's clock gone wrong must not
 * drag every node's stamps into the future); then -1 and the clock stays.
 */
int
hlc_seen(uint64_t remote)
{
	if (HLC_MS(remote) > wall_ms() + SKEW_MAX_MS)
		return -1;
	if (remote > hlc)
		hlc = remote;
	return 0;
}

/* A stamp of our own, from the journal: trusted if the clock went back. */
void
hlc_raise(uint64_t stamp)
{
	if (stamp > hlc)
		hlc = stamp;
}

uint64_t
hlc_now(void)
{
	return hlc;
}
