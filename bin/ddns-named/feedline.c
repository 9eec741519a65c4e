/*
 * One line of the feed, applied to a table: kept apart from the
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

/* n decimal digits, no more, no sign; -1 if not that. */
static int64_t
digits(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * A stamp as ddns-syncd writes it, SECONDS.MMM.COUNTER (its hybrid logical
 * clock: 48 bits of milliseconds, 16 of counter), in milliseconds; -1 if
 * it is not one.  The counter orders changes within a millisecond, which
 * a serial of 10 ms units does not see: it is checked, then dropped.
 */
int64_t
feed_stamp(const char *s)
{
	const char *d1 = strchr(s, '.'), *d2;
	int64_t sec, ms, ctr;

	if (d1 == NULL || (d2 = strchr(d1 + 1, '.')) == NULL)
		return -1;
	if (d1 - s < 1 || d1 - s > 12 || d2 - d1 != 4 ||
	    strlen(d2 + 1) < 1 || strlen(d2 + 1) > 5)
		return -1;
	if ((sec = digits(s, (size_t)(d1 - s))) < 0 ||
	    (ms = digits(d1 + 1, 3)) < 0 ||
	    (ctr = digits(d2 + 1, strlen(d2 + 1))) < 0 || ctr > 0xffff)
		return -1;
	ms += sec * 1000;
	return ms < FEED_STAMP_MS_MAX ? ms : -1;
}

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
node_line(struct table *t, char **w, int n, const char **why)
{
	static const char *const states[] = {
		[NODE_UP] = "up", [NODE_DOWN] = "down", [NODE_DRAINED] = "drained"
	};
	int i, k;

	if (n != 3)
		return FEED_BAD;
	if (strcmp(w[2], "removed") == 0) {
		node_removed(t, w[1]);
		return FEED_NODE;
	}
	for (k = NODE_UP; k <= NODE_DRAINED; k++)
		if (strcmp(w[2], states[k]) == 0)
			break;
	if (k > NODE_DRAINED)
		return FEED_BAD;
	if ((i = table_node(t, w[1])) < 0) {
		*why = "a node name longer than 253 bytes, or more than 64 nodes";
		return FEED_NODE;
	}
	t->node[i].state = (uint8_t)k;
	t->moved |= !t->node[i].listed;
	t->node[i].listed = 1;
	return FEED_NODE;
}

/* + GWID ADDRESS [STAMP [ORIGIN]] */
static int
set_line(struct table *t, const struct zone *z, char **w, int n,
    const char **why)
{
	uint8_t a[16];
	int af, i = -1;

	af = strchr(w[2], ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, w[2], a) != 1) {
		*why = "not an IPv4 or IPv6 address";
		return FEED_SET;
	}
	if (table_set(t, z, w[1], strlen(w[1]), af, a, why) < 0)
		return FEED_SET;
	if (n == 5 && (i = table_node(t, w[4])) < 0)
		*why = "an origin longer than 253 bytes, or more than 64 nodes";
	table_origin(t, w[1], strlen(w[1]), i);
	return FEED_SET;
}

int
feed_apply(struct table *t, const struct zone *z, char *line, int64_t *ms,
    const char **why)
{
	char *w[6], *p, *save = NULL;
	int n = 0, want, extra = 0;

	*why = NULL;
	*ms = -1;
	if (strncmp(line, "error:", 6) == 0)
		return FEED_ERROR;
	for (p = strtok_r(line, " ", &save); p != NULL && n < 6;
	    p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	if (p != NULL || n < 1 || w[0][0] == '\0' || w[0][1] != '\0')
		return FEED_BAD;
	switch (w[0][0]) {
	case '@':
		return node_line(t, w, n, why);
	case '.':
		want = 1;
		break;
	case '-':
		want = 2;
		break;
	case '+':
		want = 3;
		extra = n == 5;	/* the origin, after the stamp */
		break;
	default:
		return FEED_BAD;
	}
	/* the stamp is the last word, and optional (an older publisher) */
	if (n == want + 1 + extra && (*ms = feed_stamp(w[want])) < 0)
		return FEED_BAD;
	if (n != want && n != want + 1 + extra)
		return FEED_BAD;
	if (w[0][0] == '.')
		return FEED_END;
	if (w[0][0] == '-') {
		table_del(t, w[1], strlen(w[1]));
		return FEED_DEL;
	}
	return set_line(t, z, w, n, why);
}
