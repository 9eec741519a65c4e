/*
 * The VRRP state machine: RFC 5798 section 6.4, which for IPv4 version 2
 * is RFC 3768 section 6.4 with the interval fixed in seconds.  Timers are
 * absolute monotonic deadlines, so a late wakeup never shifts the next one.
 */
#include <string.h>

#include "clock.h"
#include "err.h"
#include "vrrpd.h"

static int64_t
cs_ns(unsigned centiseconds)
{
	return (int64_t)centiseconds * 10 * CLOCK_MS;
}

/*
 * Skew_Time: v3 ((256 - Priority) * Master_Adver_Interval) / 256 (RFC 5798
 * 6.1); v2 (256 - Priority) / 256 seconds (RFC 3768 6.1).
 */
static int64_t
skew_time(const struct group *g)
{
	unsigned mai = g->cf.version == 3 ? g->run.master_interval : 100;

	return (int64_t)(256 - group_priority(g)) * cs_ns(mai) / 256;
}

static int64_t
master_down_interval(const struct group *g)
{
	return 3 * cs_ns(g->run.master_interval) + skew_time(g);
}

/* Every change of state is logged, written and told to the hook (-x). */
static void
transition(struct group *g, enum vstate to)
{
	enum vstate from = g->run.state;

	g->run.state = to;
	g->run.changed = clock_wall();
	if (from != to) {
		g->run.transitions++;
		err_log("%s: vrid %u: %s -> %s", g->ifp->name, g->vrid,
		    vstate_name[from], vstate_name[to]);
	}
	metrics_write();	/* first: whoever sees the status sees both */
	status_write(g);
	if (from != to)
		hook_run(g, from, to);
}

/*
 * Is the sender's primary address greater than ours (RFC 5798 6.4.3)?
 * Ours is the source of our adverts, hello-source-address if set.
 */
static int
sender_wins_tie(const struct group *g, const struct advert *a)
{
	union advert_addr src;

	net_source(g, &src);
	return memcmp(&a->src, &src, g->cf.af == AF_INET ? 4 : 16) > 0;
}

/* The master as heard; a new one reaches the status file at once. */
static void
seen_master(struct group *g, const struct advert *a)
{
	int changed = !g->run.master_known ||
	    g->run.master_priority != a->priority || memcmp(&g->run.master_addr, &a->src, sizeof a->src) != 0;

	g->run.master_known = 1;
	g->run.master_addr = a->src;
	g->run.master_priority = a->priority;
	if (changed)
		status_write(g);
}

static void
become_master(struct group *g)
{
	g->run.joined_at = -1;
	g->run.down_at = -1;
	vip_add(g);
	net_send(g, group_priority(g));
	vip_announce(g);
	g->run.adver_at = vrrpd.now + cs_ns(g->cf.interval);
	g->run.master_known = 1;
	net_source(g, &g->run.master_addr);
	g->run.master_priority = group_priority(g);
	g->run.master_interval = g->cf.interval;
	transition(g, VS_MASTER);
}

static void
become_backup(struct group *g)
{
	g->run.adver_at = -1;
	g->run.garp_at = -1;
	vip_del(g);
	g->run.down_at = vrrpd.now + master_down_interval(g);
	transition(g, VS_BACKUP);
}

/*
 * Sync groups (vrrp-group N sync-group NAME): the groups of one name on
 * this node move together.  Leaving Master, one takes the others along,
 * each resigning with priority 0 where its link is up so that the other
 * node's backups take over after Skew_Time.  Becoming Master, one takes
 * the others along at once -- unless a member is in Fault (or not yet
 * started), or a member was demoted by a better master it still hears and
 * this one only timed out: that would only take the group back and forth.
 * A member whose master resigned (priority 0) is not held back by that,
 * since a resigning node gives up all its groups.
 */
static int
same_sync(const struct group *a, const struct group *b)
{
	return a != b && a->cf.sync[0] != '\0' && strcmp(a->cf.sync, b->cf.sync) == 0;
}

int
election_sync_member(const struct group *a, const struct group *b)
{
	return same_sync(a, b);
}

static int
sync_may_master(const struct group *g)
{
	const struct group *m;

	for (m = vrrpd_groups; m != NULL; m = m->next) {
		if (!same_sync(g, m))
			continue;
		if (m->run.state == VS_FAULT || m->run.state == VS_INIT)
			return 0;
		if (m->run.demoted && !g->run.by_resign)
			return 0;
	}
	return 1;
}

static void
sync_join(const struct group *g)
{
	struct group *m;

	for (m = vrrpd_groups; m != NULL; m = m->next)
		if (same_sync(g, m) && m->run.state == VS_BACKUP) {
			m->run.demoted = 0;
			become_master(m);
			m->run.joined_at = vrrpd.now;
		}
}

/*
 * A member taken to Master by its companion may hear, in the next moments,
 * the other node's companion advertising before that node has heard ours
 * and resigned.  For one interval such a member goes back to Backup alone;
 * if it still hears a better master after that, the group follows it.
 */
static int
just_joined(const struct group *g)
{
	return g->run.joined_at >= 0 &&
	    vrrpd.now - g->run.joined_at < cs_ns(g->cf.interval);
}

/*
 * Every companion's priority 0 goes out before any of the netlink requests
 * and status files of leaving Master, ours included (callers leave last):
 * the other node's backups wait for nothing but their Skew_Time.
 */
static void
sync_leave(const struct group *g)
{
	struct group *m;

	for (m = vrrpd_groups; m != NULL; m = m->next)
		if (same_sync(g, m) && m->run.state == VS_MASTER &&
		    !m->run.resigned)
			net_send(m, 0);
	for (m = vrrpd_groups; m != NULL; m = m->next)
		if (same_sync(g, m) && m->run.state == VS_MASTER &&
		    !m->run.resigned)
			become_backup(m);
}

/* Init, on Startup (6.4.1). */
void
election_start(struct group *g)
{
	g->run.master_interval = g->cf.interval;
	g->run.master_known = 0;
	g->run.demoted = g->run.by_resign = 0;
	if (group_priority(g) == 255) {
		become_master(g);
		sync_join(g);
		return;
	}
	g->run.adver_at = -1;
	g->run.garp_at = -1;
	g->run.down_at = vrrpd.now + master_down_interval(g);
	transition(g, VS_BACKUP);
}

/*
 * Shutdown (6.4.2, 6.4.3): a master resigns with priority 0, then gives up
 * its addresses.  Stopping many groups, resign them all first, so that no
 * backup waits for another group's netlink requests.
 */
void
election_resign(struct group *g)
{
	if (g->run.state == VS_MASTER && !g->run.resigned) {
		net_send(g, 0);
		g->run.resigned = 1;
	}
}

void
election_stop(struct group *g)
{
	election_resign(g);
	if (g->run.state == VS_MASTER) {
		sync_leave(g);
		vip_del(g);
	}
	g->run.resigned = 0;
	g->run.adver_at = g->run.down_at = g->run.garp_at = -1;
	transition(g, VS_INIT);
}

/*
 * The link is down (or gone), or a tracker without weight is: no
 * addresses, no adverts, and no Master for the sync group.  A master
 * whose link is still up (a tracker) resigns with priority 0 first, so
 * that the backup takes over after Skew_Time (net_send sends nothing on
 * a link down).
 */
void
election_fault(struct group *g)
{
	if (g->run.state == VS_MASTER) {
		net_send(g, 0);
		sync_leave(g);
		vip_del(g);
	}
	g->run.adver_at = g->run.down_at = g->run.garp_at = -1;
	g->run.demoted = g->run.by_resign = 0;
	transition(g, VS_FAULT);
}

static void
moved_say(struct group *g, int held)
{
	char buf[48];

	err_log("%s: vrid %u: effective priority %d -> %d%s", g->ifp->name,
	    g->vrid, g->run.said_priority, group_priority(g),
	    err_hush_more(held, buf, sizeof buf));
	g->run.said_priority = group_priority(g);
}

void
election_timers(struct group *g)
{
	int64_t d;

	if (g->run.state == VS_BACKUP && g->run.down_at >= 0 &&
	    g->run.down_at <= vrrpd.now) {
		/* Master_Down_Timer fired: the master is gone, or preempted */
		g->run.demoted = 0;
		if (!sync_may_master(g)) {
			g->run.down_at = vrrpd.now + master_down_interval(g);
			return;
		}
		become_master(g);
		sync_join(g);
		return;
	}
	if (g->run.state == VS_MASTER && g->run.adver_at >= 0 &&
	    g->run.adver_at <= vrrpd.now) {
		net_send(g, group_priority(g));
		g->run.adver_at += cs_ns(g->cf.interval);
		if (g->run.adver_at <= vrrpd.now)	/* asleep for long: don't burst */
			g->run.adver_at = vrrpd.now + cs_ns(g->cf.interval);
	}
	if (g->run.garp_at >= 0 && g->run.garp_at <= vrrpd.now)
		vip_announce(g);
	d = err_hush_due(&g->run.hush);
	if (d >= 0 && d <= vrrpd.now)
		moved_say(g, err_hush_say(&g->run.hush, vrrpd.now));
}

void
election_advert(struct group *g, const struct advert *a)
{
	int prio = group_priority(g);

	if (a->priority == 0)
		g->run.received0++;
	switch (g->run.state) {
	case VS_BACKUP:
		seen_master(g, a);
		if (a->priority == 0) {
			g->run.down_at = vrrpd.now + skew_time(g);
			g->run.by_resign = 1;
		} else if (!g->cf.preempt || a->priority >= prio) {
			if (g->cf.version == 3)
				g->run.master_interval = a->interval;
			g->run.down_at = vrrpd.now + master_down_interval(g);
			g->run.by_resign = 0;
			if (g->run.demoted && g->run.joined_at >= 0 &&
			    !just_joined(g)) {
				g->run.joined_at = -1;
				sync_leave(g);
			}
		} else if (g->cf.fast_preempt && sync_may_master(g)) {
			/*
			 * A departure from the RFC, documented as fast-preempt:
			 * a lower master is taken over at once, not after
			 * Master_Down_Interval.  The master steps down on our
			 * first advert, as 6.4.3 has it do.
			 */
			g->run.demoted = 0;
			become_master(g);
			sync_join(g);
			return;
		}
		/* else: a lower-priority master we preempt; discard it */
		break;
	case VS_MASTER:
		if (a->priority == 0) {
			net_send(g, prio);
			g->run.adver_at = vrrpd.now + cs_ns(g->cf.interval);
		} else if (a->priority > prio ||
		    (a->priority == prio && sender_wins_tie(g, a))) {
			seen_master(g, a);
			if (g->cf.version == 3)
				g->run.master_interval = a->interval;
			g->run.demoted = 1;
			g->run.by_resign = 0;
			if (!just_joined(g))
				sync_leave(g);
			become_backup(g);
		}
		break;
	default:
		break;
	}
	g->run.dirty = 1;
}

/*
 * A run-time priority (0 clears it).  Like a configured one it takes effect
 * with the next advertisement or timer: the RFC has no event for it.
 */
void
election_priority(struct group *g, int priority)
{
	g->run.priority = priority == g->cf.priority ? 0 : priority;
	if (g->run.state == VS_MASTER)
		g->run.master_priority = group_priority(g);
	g->run.dirty = 1;
}

/*
 * The effective priority moved (a tracker): a master advertises it at
 * once, so that a backup that preempts takes over now, not an interval
 * later; a backup uses it from its next timer on, as RFC 5798 6.4 would.
 */
void
election_moved(struct group *g, int before)
{
	int held;

	/*
	 * A tracker that flaps: a line a second (the last one said when
	 * its second is over, by election_timers), the status file as
	 * often, an advert an interval; the regular ones carry the rest.
	 */
	if ((held = err_hush_say(&g->run.hush, vrrpd.now)) >= 0) {
		g->run.said_priority = before;
		moved_say(g, held);
		status_write(g);
	} else
		g->run.dirty = 1;
	if (g->run.state == VS_MASTER) {
		g->run.master_priority = group_priority(g);
		if (vrrpd.now - g->run.moved_sent >= cs_ns(g->cf.interval)) {
			net_send(g, group_priority(g));
			g->run.adver_at = vrrpd.now + cs_ns(g->cf.interval);
			g->run.moved_sent = vrrpd.now;
		}
	}
}

/*
 * vrrp-failover release: a master resigns now (priority 0), so that the
 * backup takes over after Skew_Time, instead of mastering on until it
 * hears a better advert.
 */
void
election_release(struct group *g)
{
	if (g->run.state != VS_MASTER)
		return;
	net_send(g, 0);
	sync_leave(g);
	become_backup(g);
}

int64_t
election_next(const struct group *g)
{
	int64_t t = -1, d;

	if (g->run.adver_at >= 0)
		t = g->run.adver_at;
	if (g->run.down_at >= 0 && (t < 0 || g->run.down_at < t))
		t = g->run.down_at;
	if (g->run.garp_at >= 0 && (t < 0 || g->run.garp_at < t))
		t = g->run.garp_at;
	d = err_hush_due(&g->run.hush);
	if (d >= 0 && (t < 0 || d < t))
		t = d;
	return t;
}
