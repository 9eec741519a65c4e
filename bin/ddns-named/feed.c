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
#include "xlog.h"

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
} feed = { .fd = -1 };

static struct watch wfeed = { W_FEED, NULL };

/*
 * The pool's view again, from the nodes of the served table; one line
 * when it moves between answering from the cluster and the static
 * answer (every member), the guide's behaviour, and why.
 */
void
feed_pool_refresh(void)
{
	struct pool *p = &named.zone.pool;
	int old = p->mode;

	if (!p->on)
		return;
	pool_view(&named.zone, named.records == NULL && feed.fd >= 0 &&
	    feed.live);
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
	const struct table *t = named.zone.t;
	const char *bad;
	char list[400];
	size_t n = 0;
	int i, ns;

	if (t == NULL)
		return;
	named.zone.t->moved = 0;
	ns = zone_ns_feed(&named.zone, &bad);
	if (bad != NULL)
		err_warn("feed: node %s is under %s: left out of the NS set (name "
		    "the name servers with name-server)", bad,
		    named.zone.domain);
	pool_nodes(&named.zone);
	if (!ns)
		return;
	if (bump)
		zone_step(&named.zone);
	xlog_reset(zone_serial(&named.zone));	/* NS records are not logged */
	list[0] = '\0';
	for (i = 0; i < t->nnode && n < sizeof list; i++)
		if (t->node[i].listed)
			n += (size_t)snprintf(list + n, sizeof list - n, " %s",
			    t->node[i].name);
	err_log("feed: the cluster is%s; %d name servers, serial %u", list,
	    named.zone.nns, zone_serial(&named.zone));
}

/* Log a failure once, not at every retry while it lasts. */
static void
feed_failed(const char *msg)
{
	if (strcmp(msg, feed.last) != 0)
		err_warn("feed: %s: %s; serving %zu records; retrying",
		    named.sock, msg,
		    named.zone.t != NULL ? named.zone.t->n : 0);
	snprintf(feed.last, sizeof feed.last, "%s", msg);
	feed.retry_at = named.now + feed.backoff;
	feed.backoff = feed.backoff * 2 > FEED_RETRY_MAX ? FEED_RETRY_MAX :
	    feed.backoff * 2;
}

static void
feed_lost(const char *msg)
{
	if (feed.fd >= 0)
		close(feed.fd);	/* also leaves the epoll set */
	feed.fd = -1;
	table_free(feed.next);
	feed.next = NULL;
	feed_failed(msg);
	feed_pool_refresh();
}

static void
feed_subscribe(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	static const char req[] = "subscribe\n";
	char msg[sizeof feed.last];

	/* the length was checked in main */
	memcpy(sun.sun_path, named.sock, strlen(named.sock));
	if ((feed.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0 ||
	    connect(feed.fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    write(feed.fd, req, sizeof req - 1) != sizeof req - 1) {
		snprintf(msg, sizeof msg, "unable to subscribe: %s", strerror(errno));
		feed_lost(msg);
		return;
	}
	feed.next = table_new(named.zone.t != NULL ? named.zone.t->n : 0);
	if (feed.next == NULL)
		err_fatal(RC_TEMP, "out of memory");
	feed.live = 0;
	feed.stamp = 0;
	feed.len = 0;
	feed.lineno = 0;
	feed.retry_at = -1;
	loop_add(feed.fd, &wfeed, EPOLLIN);
}

int
feed_up(void)
{
	return feed.fd >= 0 && feed.live;
}

void
feed_start(void)
{
	feed.backoff = FEED_RETRY_MIN;
	feed_subscribe();
}

/* The snapshot is whole: serve it, and say so once. */
static void
feed_snapshot(void)
{
	uint32_t serial = zone_serial(&named.zone);

	table_free(named.zone.t);
	named.zone.t = feed.next;
	named.zone.t->log = xlog_change;
	/*
	 * A cluster that never published has no stamp: its serial would be
	 * 0, and the first change's (our time, in 10 ms) is then more than
	 * 2^31 ahead for half of every 497 days, which RFC 1982 takes for
	 * older: no secondary would ever copy it.  Our clock stands in, one
	 * step back: a change stamped after this moment, even within the
	 * same 10 ms, is then above the serial and gives its own stamp's.
	 */
	if (feed.stamp == 0 && named.zone.stamp == 0)
		feed.stamp = clock_wall() / CLOCK_MS - ZONE_SERIAL_UNIT;
	zone_stamp(&named.zone, feed.stamp);
	if (feed.served && zone_serial(&named.zone) == serial)
		zone_step(&named.zone);	/* other data: another serial */
	feed_nodes(feed.served);
	feed.served = 1;
	feed.next = NULL;
	feed.live = 1;
	feed.backoff = FEED_RETRY_MIN;
	feed.last[0] = '\0';
	err_log("feed: %s: %zu records, serial %u", named.sock, named.zone.t->n,
	    zone_serial(&named.zone));
	feed_pool_refresh();
	notify_ready(&named.notify);	/* -n: the first data is served */
}

/* A change or a high-water stamped ms (-1: none given, so now). */
static void
feed_raise(int64_t ms)
{
	if (ms < 0)
		ms = clock_wall() / CLOCK_MS;
	if (!feed.live)
		feed.stamp = ms > feed.stamp ? ms : feed.stamp;
	else
		zone_stamp(&named.zone, ms);
}

static int
feed_line(char *s)
{
	const char *why;
	char gw[80], msg[sizeof feed.last];
	int64_t ms;
	int k;

	feed.lineno++;
	snprintf(gw, sizeof gw, "%.60s", s);
	k = feed_apply(feed.live ? named.zone.t : feed.next, &named.zone, s,
	    &ms, &why);
	switch (k) {
	case FEED_END:
		if (feed.live && ms < 0) {
			err_warn("feed: line %lu: a second \".\"", feed.lineno);
			break;
		}
		feed_raise(ms);	/* live: the table's high-water rose */
		if (!feed.live)
			feed_snapshot();
		break;
	case FEED_ERROR:
		snprintf(msg, sizeof msg, "ddns-syncd said \"%s\"", gw);
		feed_lost(msg);
		return -1;
	case FEED_BAD:
		err_warn("feed: line %lu: not a feed line: \"%s\"", feed.lineno,
		    gw);
		break;
	case FEED_NODE:
		if (why != NULL)
			err_warn("feed: line %lu: \"%s\": %s", feed.lineno,
			    gw, why);
		break;
	default:
		feed_raise(ms);
		if (why != NULL)
			err_warn("feed: line %lu: \"%s\": %s", feed.lineno,
			    gw, why);
	}
	return 0;
}

/*
 * The served table changed without a stamp above the serial (a change
 * older than one already served, as concurrent publications on two
 * nodes arrive): the serial still moves one step, so that a secondary
 * asks for the change (RFC 1034 4.3.5: a secondary copies the zone only
 * when the serial moves).  A snapshot served in its place does the same
 * (feed_snapshot).
 */
static void
feed_moved(const struct table *t, unsigned long gen, uint32_t serial)
{
	if (!feed.live || named.zone.t != t || t->gen == gen ||
	    zone_serial(&named.zone) != serial)
		return;
	zone_step(&named.zone);
}

void
feed_event(void)
{
	char *nl, *p;
	ssize_t k;
	const struct table *t = named.zone.t;
	unsigned long gen = t != NULL ? t->gen : 0;
	uint32_t serial = zone_serial(&named.zone);
	int n;

	for (n = 0; n < FEED_READS; n++) {
		k = read(feed.fd, feed.buf + feed.len,
		    sizeof feed.buf - feed.len);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (k <= 0) {
			feed_lost(k == 0 ? "closed" : strerror(errno));
			return;
		}
		feed.len += (size_t)k;
		for (p = feed.buf; (nl = memchr(p, '\n',
		    feed.len - (size_t)(p - feed.buf))) &&
		    nl - p < FEED_LINE_MAX; p = nl + 1) {
			*nl = '\0';
			if (feed_line(p) < 0)
				return;
		}
		feed.len -= (size_t)(p - feed.buf);
		memmove(feed.buf, p, feed.len);
		if (feed.live && named.zone.t->moved)
			feed_nodes(1);
		if (feed.live)
			feed_pool_refresh();
		/* what is left has no newline in its first 1024 bytes */
		if (feed.len >= FEED_LINE_MAX) {
			feed_lost("a line longer than 1024 bytes");
			return;
		}
	}
	feed_moved(t, gen, serial);
	if (zone_serial(&named.zone) != serial)
		xlog_commit(serial, zone_serial(&named.zone));
}

int64_t
feed_timers(void)
{
	if (feed.fd < 0 && feed.retry_at >= 0 && feed.retry_at <= named.now)
		feed_subscribe();
	return feed.fd < 0 ? feed.retry_at : -1;
}
