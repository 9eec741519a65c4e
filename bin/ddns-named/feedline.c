/*
 * One line of the feed (lib/feed.h), applied to a table: kept apart from the
 * connection (feed.c) so that the fuzz target can reach it alone.  The
 * table also holds the cluster's nodes as the feed names them (`@`
 * lines, and the origins of `+` lines) with their gateway counts; those
 * of `@` lines, until removed, are the cluster (the NS set).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "ddns-named.h"

/*
 * @ NODE removed: the node is no longer one of the cluster (a reload of
 * ddns-syncd dropped it); it stays known for the gateways it published.
 */
static void
node_removed(struct table *t, const char *name)
{
	int i;

	for (i = 0; i < t->nnode; i++)
		if (strcasecmp(t->node[i].name, name) == 0) {
			t->moved |= t->node[i].listed;
			t->node[i].listed = 0;
			t->node[i].state = NODE_UNKNOWN;
		}
}

/*
 * @ NODE STATE: the node's state in t, found or added by name; a node
 * named so is one of the cluster (listed), which makes the NS set.
 */
static int
node_line(struct table *t, const struct feed *f, const char **why)
{
	static const uint8_t state[] = {
		[FEED_UP] = NODE_UP, [FEED_DOWN] = NODE_DOWN,
		[FEED_DRAINED] = NODE_DRAINED,
	};
	int i;

	if (f->state == FEED_REMOVED) {
		node_removed(t, f->name);
		return FEED_NODE;
	}
	if ((i = table_node(t, f->name)) < 0) {
		*why = "a node name longer than 253 bytes, or more than 64 nodes";
		return FEED_NODE;
	}
	t->node[i].state = state[f->state];
	t->moved |= !t->node[i].listed;
	t->node[i].listed = 1;
	return FEED_NODE;
}

/* + GWID ADDRESS [STAMP [ORIGIN]] */
static int
set_line(struct table *t, const struct zone *z, const struct feed *f,
    const char **why)
{
	uint8_t a[16];
	int af, i = -1;

	af = strchr(f->addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, f->addr, a) != 1) {
		*why = "not an IPv4 or IPv6 address";
		return FEED_SET;
	}
	if (table_set(t, z, f->name, strlen(f->name), af, a, why) < 0)
		return FEED_SET;
	if (f->origin != NULL && (i = table_node(t, f->origin)) < 0)
		*why = "an origin longer than 253 bytes, or more than 64 nodes";
	table_origin(t, f->name, strlen(f->name), i);
	return FEED_SET;
}

/* A line of lib/feed.h; its stamp, when it has one, in milliseconds. */
int
feed_apply(struct table *t, const struct zone *z, char *line, int64_t *ms,
    const char **why)
{
	struct feed f;

	*why = NULL;
	feed_unpack(line, &f);
	*ms = f.stamped ? FEED_STAMP_MS(f.stamp) : -1;
	switch (f.kind) {
	case FEED_NODE:
		return node_line(t, &f, why);
	case FEED_DEL:
		table_del(t, f.name, strlen(f.name));
		return FEED_DEL;
	case FEED_SET:
		return set_line(t, z, &f, why);
	default:
		return f.kind;
	}
}
