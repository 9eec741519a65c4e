/*
 * What a reload (SIGHUP) does to a group that stays configured.  A few
 * statements change the running router in place: they are the rows of
 * `live` below, each with what its change must do beyond being copied.
 * Any other difference in the group's configuration (struct gconf,
 * compared whole) makes it another router, which vrrpd.c stops and starts
 * again: so a statement added to config.c and forgotten here restarts its
 * group, it is never silently not applied.
 *
 * In place:
 *   priority      RFC 5798 6.4 compares priorities as adverts come and
 *                 timers fire; like a run-time one (vrrp-failover) it
 *                 takes effect with the next of those.  255 is not a
 *                 priority but ownership (gconf.owner): it restarts.
 *   preempt, fast-preempt
 *                 read on every advert a backup receives.
 *   sync-group    local to this node, read at every transition.
 * Restarted: the addresses (and with them the family), version,
 * advertise-interval, rfc3768-compatibility, authentication, and
 * priority 255 set or cleared.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "vrrpd.h"

enum ltype { L_INT, L_BOOL, L_WORD };

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

#define LIVE(field, name, type, then) { name, offsetof(struct gconf, field), \
	sizeof(((struct gconf *)NULL)->field), type, then }

static const struct live live[] = {
	LIVE(priority, "priority", L_INT, priority_changed),
	LIVE(preempt, "preempt", L_BOOL, NULL),
	LIVE(fast_preempt, "fast-preempt", L_BOOL, NULL),
	LIVE(sync, "sync-group", L_WORD, NULL),
};

#define NLIVE	(sizeof live / sizeof live[0])

static const void *
at(const struct gconf *cf, const struct live *l)
{
	return (const char *)cf + l->off;
}

/* 1 if g can run with cf where it is, 0 if it must restart. */
int
reload_in_place(const struct group *g, const struct gconf *cf)
{
	struct gconf t;
	size_t i;

	memcpy(&t, cf, sizeof t);
	for (i = 0; i < NLIVE; i++)
		memcpy((char *)&t + live[i].off, at(&g->cf, &live[i]),
		    live[i].size);
	return memcmp(&t, &g->cf, sizeof t) == 0;
}

static const char *
value(char *buf, size_t size, const struct gconf *cf, const struct live *l)
{
	int v = 0;

	if (l->type == L_WORD) {
		snprintf(buf, size, "%s", *(const char *)at(cf, l) != '\0' ?
		    (const char *)at(cf, l) : "(none)");
		return buf;
	}
	memcpy(&v, at(cf, l), sizeof v);
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
void
reload_apply(struct group *g, const struct gconf *cf)
{
	char a[80], b[80];
	int changed[NLIVE];
	size_t i;

	for (i = 0; i < NLIVE; i++) {
		changed[i] = memcmp(at(&g->cf, &live[i]), at(cf, &live[i]),
		    live[i].size) != 0;
		if (changed[i])
			err_log("%s: vrid %u: %s %s -> %s", g->ifname, g->vrid,
			    live[i].name, value(a, sizeof a, &g->cf, &live[i]),
			    value(b, sizeof b, cf, &live[i]));
	}
	memcpy(&g->cf, cf, sizeof g->cf);
	for (i = 0; i < NLIVE; i++)
		if (changed[i] && live[i].then != NULL)
			live[i].then(g);
	status_write(g);
}
