/*
 * The live feed: ddns-syncd's `subscribe` on its control socket.  A
 * snapshot (`+ GWID ADDRESS STAMP` lines, then `. STAMP`) is read into a
 * table of its own and replaces the served one whole at the `.`; then
 * every `+` and `-` line changes the served table at once.  When the
 * socket goes away the last data stays served, and the next connection,
 * after a backoff, starts from a new snapshot.
 *
 * Every stamp raises the zone's, and so the SOA serial (zone_stamp): a
 * snapshot's at its `.`, when its data is served, a later line's at once.
 * A line without a stamp (an older publisher) counts as stamped with our
 * own clock when it arrives.  `@` lines and the origins of `+` lines
 * feed the pool's view, made again after every read once live; the nodes
 * `@` lines name are the cluster, of which the NS set is made.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ddns-named.h"
#include "err.h"
#include "rc.h"

static struct {
	int fd;
	int64_t retry_at, backoff;
	struct table *next;		/* the snapshot being read */
	int live;			/* past its `.` */
	int served;			/* a snapshot was served before */
	int64_t stamp;			/* the highest of the snapshot's, ms */
	unsigned long lineno;
	size_t len;
	char buf[FEED_BUF];
	char last[200];			/* the last failure logged */
} F = { .fd = -1 };

static struct watch wfeed = { W_FEED, NULL };

/*
 * The pool's view again, from the nodes of the served table; one line
 * when it moves between answering from the cluster and the static
 * answer (every member), the guide's behaviour, and why.
 */
void
pool_refresh(void)
{
	struct pool *p = &N.zone.pool;
	int old = p->mode;

	if (!p->on)
		return;
	pool_view(&N.zone, N.records == NULL && F.fd >= 0 && F.live);
	if (p->mode == old)
		return;
	if (p->mode == POOL_LIVE)
		err_log("pool %s: answering from the cluster, %d of %d members "
		    "alive", p->text, p->nalive, p->nmember);
	else
		err_log("pool %s: %s; answering all %d members", p->text,
		    p->mode == POOL_NOFEED ? "no feed" :
		    "the cluster sees no member alive", p->nmember);
}

/*
 * The cluster as the feed lists it (`@` lines): the default NS set and
 * the pool's default members follow it, so that a node added to or
 * removed from ddns-syncd's configuration needs no reload here.  When
 * bump, a change of the NS set moves the stamp up to the next step of
 * the serial above it: every node that holds the same table when its
 * node set changes shows the same serial after it.  The first snapshot
 * served does not bump: its high-water is the serial, as on every node.
 */
void
feed_nodes(int bump)
{
	const struct table *t = N.zone.t;
	const char *bad;
	char list[400];
	size_t n = 0;
	int i, ns;

	if (t == NULL)
		return;
	N.zone.t->moved = 0;
	ns = zone_ns_feed(&N.zone, &bad);
	if (bad != NULL)
		err_warn("feed: node %s is under %s: left out of the NS set (name "
		    "the name servers with name-server)", bad, N.zone.domain);
	pool_nodes(&N.zone);
	if (!ns)
		return;
	if (bump)
		zone_stamp(&N.zone, (N.zone.stamp / ZONE_SERIAL_UNIT + 1) *
		    ZONE_SERIAL_UNIT);
	list[0] = '\0';
	for (i = 0; i < t->nnode && n < sizeof list; i++)
		if (t->node[i].listed)
			n += (size_t)snprintf(list + n, sizeof list - n, " %s",
			    t->node[i].name);
	err_log("feed: the cluster is%s; %d name servers, serial %u", list,
	    N.zone.nns, zone_serial(&N.zone));
}

/* Log a failure once, not at every retry while it lasts. */
static void
failed(const char *msg)
{
	if (strcmp(msg, F.last) != 0)
		err_warn("feed: %s: %s; serving %zu records; retrying", N.sock,
		    msg, N.zone.t != NULL ? N.zone.t->n : 0);
	snprintf(F.last, sizeof F.last, "%s", msg);
	F.retry_at = N.now + F.backoff;
	F.backoff = F.backoff * 2 > FEED_RETRY_MAX ? FEED_RETRY_MAX : F.backoff * 2;
}

static void
lost(const char *msg)
{
	if (F.fd >= 0)
		close(F.fd);	/* also leaves the epoll set */
	F.fd = -1;
	table_free(F.next);
	F.next = NULL;
	failed(msg);
	pool_refresh();
}

static void
subscribe(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	static const char req[] = "subscribe\n";
	char msg[sizeof F.last];

	memcpy(sun.sun_path, N.sock, strlen(N.sock));	/* length checked in main */
	if ((F.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0 || connect(F.fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    write(F.fd, req, sizeof req - 1) != sizeof req - 1) {
		snprintf(msg, sizeof msg, "unable to subscribe: %s", strerror(errno));
		lost(msg);
		return;
	}
	if ((F.next = table_new(N.zone.t != NULL ? N.zone.t->n : 0)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	F.live = 0;
	F.stamp = 0;
	F.len = 0;
	F.lineno = 0;
	F.retry_at = -1;
	loop_add(F.fd, &wfeed, EPOLLIN);
}

void
feed_start(void)
{
	F.backoff = FEED_RETRY_MIN;
	subscribe();
}

/* The snapshot is whole: serve it, and say so once. */
static void
snapshot(void)
{
	table_free(N.zone.t);
	N.zone.t = F.next;
	zone_stamp(&N.zone, F.stamp);
	feed_nodes(F.served);
	F.served = 1;
	F.next = NULL;
	F.live = 1;
	F.backoff = FEED_RETRY_MIN;
	F.last[0] = '\0';
	err_log("feed: %s: %zu records, serial %u", N.sock, N.zone.t->n,
	    zone_serial(&N.zone));
	pool_refresh();
	ready();
}

/* A change or a high-water stamped ms (-1: none given, so now). */
static void
stamp(int64_t ms)
{
	if (ms < 0)
		ms = clock_wall() / CLOCK_MS;
	if (!F.live)
		F.stamp = ms > F.stamp ? ms : F.stamp;
	else
		zone_stamp(&N.zone, ms);
}

static int
line(char *s)
{
	const char *why;
	char gw[80], msg[sizeof F.last];
	int64_t ms;
	int k;

	F.lineno++;
	snprintf(gw, sizeof gw, "%.60s", s);
	k = feed_apply(F.live ? N.zone.t : F.next, &N.zone, s, &ms, &why);
	switch (k) {
	case FEED_END:
		if (F.live && ms < 0) {
			err_warn("feed: line %lu: a second \".\"", F.lineno);
			break;
		}
		stamp(ms);	/* live: the table's high-water rose */
		if (!F.live)
			snapshot();
		break;
	case FEED_ERROR:
		snprintf(msg, sizeof msg, "ddns-syncd said \"%s\"", gw);
		lost(msg);
		return -1;
	case FEED_BAD:
		err_warn("feed: line %lu: not a feed line: \"%s\"", F.lineno, gw);
		break;
	case FEED_NODE:
		if (why != NULL)
			err_warn("feed: line %lu: \"%s\": %s", F.lineno, gw, why);
		break;
	default:
		stamp(ms);
		if (why != NULL)
			err_warn("feed: line %lu: \"%s\": %s", F.lineno, gw, why);
	}
	return 0;
}

void
feed_event(void)
{
	char *nl, *p;
	ssize_t k;
	int n;

	for (n = 0; n < FEED_READS; n++) {
		k = read(F.fd, F.buf + F.len, sizeof F.buf - F.len);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (k <= 0) {
			lost(k == 0 ? "closed" : strerror(errno));
			return;
		}
		F.len += (size_t)k;
		for (p = F.buf; (nl = memchr(p, '\n', F.len - (size_t)(p - F.buf))) &&
		    nl - p < FEED_LINE_MAX; p = nl + 1) {
			*nl = '\0';
			if (line(p) < 0)
				return;
		}
		F.len -= (size_t)(p - F.buf);
		memmove(F.buf, p, F.len);
		if (F.live && N.zone.t->moved)
			feed_nodes(1);
		if (F.live)
			pool_refresh();
		/* what is left has no newline in its first 1024 bytes */
		if (F.len >= FEED_LINE_MAX) {
			lost("a line longer than 1024 bytes");
			return;
		}
	}
}

int64_t
feed_timers(void)
{
	if (F.fd < 0 && F.retry_at >= 0 && F.retry_at <= N.now)
		subscribe();
	return F.fd < 0 ? F.retry_at : -1;
}
