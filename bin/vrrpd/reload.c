/*
 * A reload (SIGHUP): vpnha.conf read again, and the difference applied.
 * A group that stays configured keeps running if only a few statements
 * changed, those that change the running router in place: they are the
 * rows of `live` below, each with what its change must do beyond being
 * copied.  Any other difference in the group's configuration (struct
 * gconf, compared whole) makes it another router, which reload_sighup
 * stops and starts again: so a statement added to config.c and forgotten
 * here restarts its group, it is never silently not applied.
 *
 * In place:
 *   priority      RFC 5798 6.4 compares priorities as adverts come and
 *                 timers fire; like a run-time one (vrrp-failover) it
 *                 takes effect with the next of those.  255 is not a
 *                 priority but ownership (gconf.owner): it restarts.
 *   preempt, fast-preempt
 *                 read on every advert a backup receives.
 *   sync-group    local to this node, read at every transition.
 *   peer-address, hello-source-address
 *                 read by every advert sent and heard (net.c): a peer
 *                 added or removed is no other router, and the state
 *                 stays (a master's own address as shown follows).
 *   track         the trackers, bound again after every reload: one
 *                 kept keeps its state, a new one starts (track.c); the
 *                 Fault or priority that follows is a change, not a
 *                 restart.
 * Restarted: the addresses (and with them the family), version,
 * advertise-interval, rfc3768-compatibility, authentication, and
 * priority 255 set or cleared.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rc.h"
#include "vrrpd.h"

struct group *vrrpd_groups;

enum ltype { L_INT, L_BOOL, L_WORD, L_PEERS, L_SOURCE, L_TRACK };

struct live {
	const char *name;		/* the statement, for the log */
	size_t off, size;
	enum ltype type;
	void (*then)(struct group *);	/* after the change, or NULL */
};

/* A configured priority that changes replaces a run-time one. */
static void
priority_changed(struct group *g)
{
	election_priority(g, 0);
}

/* A master's address is its source: the status file shows the new one. */
static void
source_changed(struct group *g)
{
	if (g->run.state == VS_MASTER)
		net_source(g, &g->run.master_addr);
}

#define LIVE(field, name, type, then) { name, offsetof(struct gconf, field), \
	sizeof(((struct gconf *)NULL)->field), type, then }
/* Fields first to last, together one statement. */
#define LIVE_SPAN(first, last, name, type, then) { name, \
	offsetof(struct gconf, first), offsetof(struct gconf, last) + \
	sizeof(((struct gconf *)NULL)->last) - offsetof(struct gconf, first), \
	type, then }

static const struct live live[] = {
	LIVE(priority, "priority", L_INT, priority_changed),
	LIVE(preempt, "preempt", L_BOOL, NULL),
	LIVE(fast_preempt, "fast-preempt", L_BOOL, NULL),
	LIVE(sync, "sync-group", L_WORD, NULL),
	LIVE_SPAN(npeer, peer, "peer-address", L_PEERS, NULL),
	LIVE_SPAN(have_src, src, "hello-source-address", L_SOURCE,
	    source_changed),
	LIVE(ntrack, "track", L_TRACK, NULL),
	LIVE(track, "track", L_TRACK, NULL),
};

#define NLIVE	(sizeof live / sizeof live[0])

static const void *
live_at(const struct gconf *cf, const struct live *l)
{
	return (const char *)cf + l->off;
}

/* 1 if g can run with cf where it is, 0 if it must restart. */
static int
reload_in_place(const struct group *g, const struct gconf *cf)
{
	struct gconf t;
	size_t i;

	memcpy(&t, cf, sizeof t);
	for (i = 0; i < NLIVE; i++)
		memcpy((char *)&t + live[i].off, live_at(&g->cf, &live[i]),
		    live[i].size);
	return memcmp(&t, &g->cf, sizeof t) == 0;
}

/* The addresses of a list, or "(none)". */
static const char *
live_addrs(char *buf, size_t size, int af, const union advert_addr *a, int n)
{
	size_t len = 0;
	int i;

	snprintf(buf, size, "(none)");
	for (i = 0; i < n && len + INET6_ADDRSTRLEN + 1 < size; i++) {
		if (i > 0)
			buf[len++] = ' ';
		inet_ntop(af, &a[i], buf + len, (socklen_t)(size - len));
		len += strlen(buf + len);
	}
	return buf;
}

/* "process charon weight -50, script chk", or "(none)" */
static const char *
track_value(char *buf, size_t size, const struct gconf *cf)
{
	static const char *const kind[] = { "process", "interface", "script",
	    "file" };
	size_t n = 0;
	int i;

	snprintf(buf, size, "(none)");
	for (i = 0; i < cf->ntrack && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, cf->track[i].weighted ?
		    "%s%s %s weight %d" : "%s%s %s", i ? ", " : "",
		    kind[cf->track[i].kind], cf->track[i].name,
		    cf->track[i].weight);
	return buf;
}

static const char *
live_value(char *buf, size_t size, const struct gconf *cf, const struct live *l)
{
	int v = 0;

	if (l->type == L_PEERS)
		return live_addrs(buf, size, cf->af, cf->peer, cf->npeer);
	if (l->type == L_SOURCE)
		return live_addrs(buf, size, cf->af, &cf->src, cf->have_src);

	if (l->type == L_TRACK)
		return track_value(buf, size, cf);
	if (l->type == L_WORD) {
		snprintf(buf, size, "%s", *(const char *)live_at(cf, l) != '\0' ?
		    (const char *)live_at(cf, l) : "(none)");
		return buf;
	}
	memcpy(&v, live_at(cf, l), sizeof v);
	if (l->type == L_BOOL)
		snprintf(buf, size, "%s", v ? "true" : "false");
	else
		snprintf(buf, size, "%d", v);
	return buf;
}

/*
 * g takes cf, which reload_in_place accepted: each statement that changed
 * is logged and applied; the state, timers and counters stay.
 */
static void
reload_apply(struct group *g, const struct gconf *cf)
{
	char a[2048], b[sizeof a];
	int changed[NLIVE], logged = 0;
	size_t i;

	for (i = 0; i < NLIVE; i++) {
		changed[i] = memcmp(live_at(&g->cf, &live[i]),
		    live_at(cf, &live[i]), live[i].size) != 0;
		/* track is two rows (count, list), one line */
		if (changed[i] && live[i].type == L_TRACK && logged++)
			continue;
		if (changed[i])
			err_log("%s: vrid %u: %s %s -> %s", g->ifname, g->vrid,
			    live[i].name, live_value(a, sizeof a, &g->cf, &live[i]),
			    live_value(b, sizeof b, cf, &live[i]));
	}
	memcpy(&g->cf, cf, sizeof g->cf);
	for (i = 0; i < NLIVE; i++)
		if (changed[i] && live[i].then != NULL)
			live[i].then(g);
	status_write(g);
}

/* At start: the groups of the file, at least one; RC_OK or why not in err. */
int
reload_first(char *err, size_t size)
{
	int rc;

	if ((rc = config_load(vrrpd.conf, &vrrpd_groups, err, size)) != RC_OK)
		return rc;
	if (vrrpd_groups == NULL) {
		snprintf(err, size, "%s: no vrrp-group configured", vrrpd.conf);
		return RC_USAGE;
	}
	return RC_OK;
}

/* The group of list that is g's (the same interface and VRID), or NULL. */
static struct group **
reload_slot(struct group **list, const struct group *g)
{
	for (; *list != NULL; list = &(*list)->next)
		if ((*list)->vrid == g->vrid &&
		    strcmp((*list)->ifname, g->ifname) == 0)
			return list;
	return NULL;
}

static struct group *
reload_match(struct group *list, const struct group *g)
{
	struct group **pp = reload_slot(&list, g);

	return pp != NULL ? *pp : NULL;
}

/*
 * Every group of vrrpd_groups not marked: masters resign first (all their
 * priority 0 adverts before any netlink request, as at shutdown), then
 * each is stopped and its virtual MAC removed; the status file of one
 * that is not in fresh goes too.  *restarted counts those that are.
 */
static int
reload_stop(struct group *fresh, int *restarted)
{
	struct group *g;
	int removed = 0, stays;

	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (!g->mark)
			election_resign(g);
	for (g = vrrpd_groups; g != NULL; g = g->next) {
		if (g->mark)
			continue;
		stays = reload_match(fresh, g) != NULL;
		err_log("%s: vrid %u: %s", g->ifname, g->vrid, stays ?
		    "configuration changed; restarting" :
		    "no longer configured; stopping");
		if (g->run.state != VS_INIT)
			election_stop(g);
		vmac_down(g);
		if (stays)
			++*restarted;
		else {
			status_remove(g);
			removed++;
		}
	}
	return removed;
}

/*
 * vrrpd_groups becomes the groups of fresh in the file's order, each kept
 * group in the place of its new copy, which goes to *spent; the others,
 * stopped, are freed.  Returns how many groups there are.
 */
static int
reload_list(struct group *fresh, struct group **spent)
{
	struct group *old = vrrpd_groups, *list = NULL, **tail = &list, *g, *next;
	struct group **pp;
	int n = 0;

	for (pp = &old; (g = *pp) != NULL;)
		if (g->mark)
			pp = &g->next;
		else {
			*pp = g->next;
			free(g);
		}
	for (g = fresh; g != NULL; g = next, n++) {
		next = g->next;
		if ((pp = reload_slot(&old, g)) != NULL) {
			g->next = *spent;
			*spent = g;
			g = *pp;
			*pp = g->next;	/* out of old: none is left there */
		}
		*tail = g;
		tail = &g->next;
	}
	*tail = NULL;
	vrrpd_groups = list;
	return n;
}

/*
 * SIGHUP: the file is read again and applied whole, in steps that each
 * walk a list nothing changes under them.  A group whose configuration
 * differs only in what reload_in_place allows keeps running with its
 * state, timers and counters; any other changed group is stopped and
 * started again, a group gone is stopped, a new one started.  Every stop
 * comes before any start, so that an address moved from one group to
 * another is removed before it is added.
 */
void
reload_sighup(void)
{
	struct group *fresh, *spent = NULL, *g, *ng;
	char err[600];
	int n, started = 0, restarted = 0, removed;

	if (config_load(vrrpd.conf, &fresh, err, sizeof err) != RC_OK) {
		err_warn("reload: %s; keeping the running configuration", err);
		return;
	}
	if (track_ready(fresh, err, sizeof err) < 0) {
		err_warn("reload: %s; keeping the running configuration", err);
		config_free(fresh);
		return;
	}
	for (g = vrrpd_groups; g != NULL; g = g->next)
		g->mark = (ng = reload_match(fresh, g)) != NULL &&
		    reload_in_place(g, &ng->cf);
	removed = reload_stop(fresh, &restarted);
	n = reload_list(fresh, &spent);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->ifp != NULL)	/* kept */
			reload_apply(g, &reload_match(spent, g)->cf);
	config_free(spent);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->ifp == NULL) {
			iface_attach(g);
			g->mark = 0;	/* to start */
		} else
			iface_follow(g);
	track_bind(vrrpd_groups);
	iface_health();
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (!g->mark) {
			iface_start(g);
			started++;
		} else
			status_write(g);	/* its trackers, bound again */
	metrics_write();	/* the groups removed are gone from it */
	err_log("reloaded %s: %d group%s, %d added, %d restarted, %d removed",
	    vrrpd.conf, n, n == 1 ? "" : "s", started - restarted, restarted,
	    removed);
}
