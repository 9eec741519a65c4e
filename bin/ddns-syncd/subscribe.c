/*
 * The subscribe feed's producer (lib/feed.h): a subscriber gets the
 * visible records, every node's pool state and the table's high-water,
 * then every change as it comes, each stamped, for as long as it keeps
 * up.  control.c hands a client over when it asks, and is told through
 * the callback it registered when the client has more to be written, or
 * is to be cut off (it fell behind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ddns-syncd.h"
#include "err.h"
#include "feed.h"
#include "rc.h"

#define SUB_SLACK	(1 << 20)	/* a subscriber further behind is cut */

struct sub {
	void *client;		/* control.c's */
	struct ctl_conn *c;
	uint64_t told;		/* the highest stamp it was sent */
	size_t limit;		/* of its queue: the snapshot and SUB_SLACK */
	struct sub *next;
};

static struct sub *subs;
static subscribe_fn wrote;

/*
 * The nodes' pool states as subscribers were last told them: a change is
 * told once, at the end of the turn of the loop that made it.
 */
static struct {
	char id[ID_MAX + 1];
	enum feed_state pool;
} said[NODES_MAX];
static int nsaid;

void
subscribe_init(subscribe_fn fn)
{
	wrote = fn;
}

static struct sub **
sub_find(void *client)
{
	struct sub **pp;

	for (pp = &subs; *pp != NULL && (*pp)->client != client;
	    pp = &(*pp)->next)
		;
	return pp;
}

void
subscribe_leave(void *client)
{
	struct sub **pp = sub_find(client), *s = *pp;

	if (s == NULL)
		return;
	*pp = s->next;
	free(s);
}

/* A line to a subscriber; a laggard is cut off. */
static void
sub_tell(struct sub *s, const struct feed *f)
{
	char line[FEED_LINE_MAX];
	void *client = s->client;

	feed_pack(line, f);
	ctl_printf(s->c, "%s\n", line);
	if (f->stamp > s->told)
		s->told = f->stamp;	/* 0 in an @ line */
	if (s->c->outlen - s->c->outoff > s->limit) {
		err_warn("control: a subscriber is %zu KiB behind; "
		    "disconnected (it may subscribe again)", s->limit >> 10);
		subscribe_leave(client);
		wrote(client, 1);
		return;
	}
	wrote(client, 0);
}

static void
tell_all(const struct feed *f)
{
	struct sub *s, *next;

	for (s = subs; s != NULL; s = next) {
		next = s->next;
		sub_tell(s, f);
	}
}

/* @ NODE STATE, REMOVED included */
static void
say(const char *id, enum feed_state p)
{
	tell_all(&(struct feed){ .kind = FEED_NODE, .name = id, .state = p });
}

/* What subscribers were last told of node id: -1 if nothing. */
static int
said_of(const char *id)
{
	int k;

	for (k = 0; k < nsaid; k++)
		if (strcmp(said[k].id, id) == 0)
			return (int)said[k].pool;
	return -1;
}

/* The nodes are those subscribers were told of, in the same order. */
static int
same_nodes(int n)
{
	int i;

	if (n != nsaid)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(said[i].id, cluster_node(i)->id) != 0)
			return 0;
	return 1;
}

static int
configured(const char *id, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(cluster_node(i)->id, id) == 0)
			return 1;
	return 0;
}

/*
 * An `@ NODE STATE` line for every node whose state changed.  A node that
 * a reload removed is told removed, whatever it was (the guide's removal
 * disables it first: it is down already), so that ddns-named drops it
 * from the NS set and the pool.  When DDNS is disabled every peer is told
 * down (this node itself, the first told, stays as it was: it still
 * answers).
 */
void
subscribe_members(void)
{
	int i, n = cluster_enabled() ? cluster_nodes() : 0, changed = 0;
	int same = same_nodes(n);
	enum feed_state p;

	for (i = 0; !same && i < nsaid; i++) {
		if (configured(said[i].id, n) || (n == 0 && i == 0))
			continue;
		if (n > 0)
			say(said[i].id, FEED_REMOVED);
		else if (said[i].pool != FEED_DOWN)
			say(said[i].id, FEED_DOWN);
		else
			continue;
		changed = 1;
	}
	for (i = 0; i < n; i++) {
		p = cluster_pool(i);
		if (same ? said[i].pool == p :
		    said_of(cluster_node(i)->id) == (int)p)
			continue;
		say(cluster_node(i)->id, p);
		changed = 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(said[i].id, sizeof said[i].id, "%.253s",
		    cluster_node(i)->id);
		said[i].pool = cluster_pool(i);
	}
	if (changed)
		status_members();
	nsaid = n;
}

/* A line into the snapshot of c */
static void
snapshot_line(struct ctl_conn *c, const struct feed *f)
{
	char line[FEED_LINE_MAX];

	feed_pack(line, f);
	ctl_printf(c, "%s\n", line);
}

/*
 * The visible records, each with its own stamp and origin, every node's
 * pool state, then the table's high-water: what ddns-named makes its SOA
 * serial of.
 */
void
subscribe_add(void *client, struct ctl_conn *c)
{
	char ab[64];
	struct sub *s;
	struct rec *r;
	size_t i;
	int k;

	if ((s = calloc(1, sizeof *s)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	subscribe_members();	/* the others first, so that c is told once */
	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL && rec_visible(r))
			snapshot_line(c, &(struct feed){ .kind = FEED_SET,
			    .name = r->label, .stamp = r->stamp,
			    .addr = addr_fmt(&r->addr, ab, sizeof ab),
			    .origin = origins[r->origin].id });
	for (k = 0; k < nsaid; k++)
		snapshot_line(c, &(struct feed){ .kind = FEED_NODE, .name = said[k].id,
		    .state = said[k].pool });
	s->told = table_hwm();
	snapshot_line(c, &(struct feed){ .kind = FEED_END, .stamp = s->told });
	s->client = client;
	s->c = c;
	s->limit = c->outlen - c->outoff + SUB_SLACK;
	s->next = subs;
	subs = s;
	c->deadline = -1;
}

/* The same record: only whether readers see it changed. */
static int
same_rec(const struct rec *a, const struct rec *b)
{
	return a->stamp == b->stamp && a->origin == b->origin &&
	    a->flags == b->flags && memcmp(&a->addr, &b->addr,
	    sizeof a->addr) == 0;
}

/*
 * A change readers see goes to every subscriber, with its stamp: the
 * record's (or tombstone's) own, even when it ties the one it replaces
 * (another origin's of the same stamp; the withdrawal of a stale record
 * under that record's stamp); or for a change without a new record (a
 * node's records withdrawn at the end of the hold time, or back with the
 * node; one forgotten after a resynchronisation) the table's high-water,
 * which table_hide() and the merge have just raised.
 */
void
subscribe_change(const struct rec *old, int oldvis, const struct rec *now,
    int nowvis)
{
	char ab[64];
	uint64_t stamp;

	if (!nowvis && !oldvis)
		return;
	if (nowvis && oldvis && memcmp(&old->addr, &now->addr,
	    sizeof old->addr) == 0 && strcmp(old->label, now->label) == 0 &&
	    old->origin == now->origin)
		return;	/* the same name, address and node: only the stamp moved */
	if (now == NULL || (old != NULL && same_rec(old, now)))
		stamp = table_hwm();
	else
		stamp = now->stamp;
	if (nowvis)
		tell_all(&(struct feed){ .kind = FEED_SET, .name = now->label,
		    .addr = addr_fmt(&now->addr, ab, sizeof ab),
		    .stamp = stamp, .origin = origins[now->origin].id });
	else
		tell_all(&(struct feed){ .kind = FEED_DEL, .name = old->label,
		    .stamp = stamp });
}

/*
 * The high-water rose without a line that said so (a gateway published
 * again at the same address, a record no reader sees, the marks of a
 * transfer): tell it, so that every node's serial follows its table
 * alike.  Once a turn of the loop, after the events of that turn.
 */
void
subscribe_high(void)
{
	struct feed f = { .kind = FEED_END, .stamp = table_hwm() };
	struct sub *s, *next;

	for (s = subs; s != NULL; s = next) {
		next = s->next;
		if (s->told < f.stamp)
			sub_tell(s, &f);
	}
}
