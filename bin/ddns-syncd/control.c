/*
 * The control socket, RUN/ddns/control: one request a line, replies ending
 * in "ok" or "error: ..." (ddns-syncd(8), CONTROL).  A client may send its
 * next request on the same connection once a reply has begun, so a batch
 * of `up` lines goes through one connection.  A subscriber gets the table,
 * then its changes, for as long as it keeps up, each with a stamp.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "ddns-syncd.h"
#include "err.h"
#include "rc.h"
#include "run.h"

#define CLIENTS_MAX	64
#define REPLY_HIGH	(1 << 20)	/* stop reading requests above this */
#define SUB_SLACK	(1 << 20)	/* a subscriber further behind is cut */

struct client {
	struct watch w;
	struct ctl_conn *c;
	int sub;		/* a subscriber */
	uint64_t told;		/* the highest stamp it was sent */
	size_t limit;		/* of its queue: the snapshot and SUB_SLACK */
	int eof;		/* the client has sent its last request */
	uint32_t events;	/* what epoll watches for it now */
	int dead;		/* closed; freed after this turn */
	struct client *next;
};

static struct client *clients, *graveyard;
static int nclients, lfd = -1;
static struct watch wctl = { W_CTL, NULL };
static char path[4200];

static void tell(struct client *, const char *, uint64_t);

static void
printer(void *arg, const char *line)
{
	struct client *cl = arg;

	ctl_printf(cl->c, "%s\n", line);
}

/* A stamp as SECONDS.MMM.COUNTER, in `records` and `subscribe`. */
static const char *
stamp_fmt(uint64_t stamp, char *buf, size_t size)
{
	snprintf(buf, size, "%lld.%03lld.%u", (long long)(HLC_MS(stamp) / 1000),
	    (long long)(HLC_MS(stamp) % 1000), HLC_CTR(stamp));
	return buf;
}

static int
cmp_label(const void *a, const void *b)
{
	const struct rec *const *x = a, *const *y = b;

	return strcasecmp((*x)->label, (*y)->label);
}

/* Visible records, sorted, so that every node prints the same text. */
static void
records(struct client *cl)
{
	char ab[64], sb[32];
	size_t i, n = 0;
	struct rec *r, **v;

	if ((v = malloc((table_live() + 1) * sizeof *v)) == NULL) {
		ctl_printf(cl->c, "error: out of memory\n");
		return;
	}
	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL && rec_visible(r))
			v[n++] = r;
	qsort(v, n, sizeof *v, cmp_label);
	for (i = 0; i < n; i++)
		ctl_printf(cl->c, "%s %s %s %s\n", v[i]->label,
		    addr_fmt(&v[i]->addr, ab, sizeof ab),
		    origins[v[i]->origin].id,
		    stamp_fmt(v[i]->stamp, sb, sizeof sb));
	free(v);
	ctl_printf(cl->c, "ok\n");
}

/*
 * The nodes' pool states as subscribers were last told them: a change is
 * told once, at the end of the turn of the loop that made it.
 */
static struct {
	char id[ID_MAX + 1];
	enum pool pool;
} said[NODES_MAX];
static int nsaid;

static void
tell_all(const char *line, uint64_t stamp)
{
	struct client *cl, *next;

	for (cl = clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->sub)
			tell(cl, line, stamp);
	}
}

/* @ NODE WORD: a pool state, or "removed" */
static void
say_word(const char *id, const char *word)
{
	char line[ID_MAX + 20];

	snprintf(line, sizeof line, "@ %.253s %s", id, word);
	tell_all(line, 0);
}

static void
say(const char *id, enum pool p)
{
	say_word(id, pool_word[p]);
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
		if (strcmp(said[i].id, nodes[i].id) != 0)
			return 0;
	return 1;
}

static int
configured(const char *id, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(nodes[i].id, id) == 0)
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
control_members(void)
{
	int i, n = S.enabled ? nnodes : 0, changed = 0, same = same_nodes(n);
	enum pool p;

	for (i = 0; !same && i < nsaid; i++) {
		if (configured(said[i].id, n) || (n == 0 && i == 0))
			continue;
		if (n > 0)
			say_word(said[i].id, "removed");
		else if (said[i].pool != POOL_DOWN)
			say(said[i].id, POOL_DOWN);
		else
			continue;
		changed = 1;
	}
	for (i = 0; i < n; i++) {
		p = node_pool(i);
		if (same ? said[i].pool == p : said_of(nodes[i].id) == (int)p)
			continue;
		say(nodes[i].id, p);
		changed = 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(said[i].id, sizeof said[i].id, "%.253s", nodes[i].id);
		said[i].pool = node_pool(i);
	}
	if (changed)
		status_members();
	nsaid = n;
}

/*
 * The visible records, each with its own stamp and origin, every node's
 * pool state, then the table's high-water: what ddns-named makes its SOA
 * serial of.
 */
static void
subscribe(struct client *cl)
{
	char ab[64], sb[32];
	size_t i;
	struct rec *r;
	int k;

	control_members();	/* the others first, so that cl is told once */
	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL && rec_visible(r))
			ctl_printf(cl->c, "+ %s %s %s %s\n", r->label,
			    addr_fmt(&r->addr, ab, sizeof ab),
			    stamp_fmt(r->stamp, sb, sizeof sb),
			    origins[r->origin].id);
	for (k = 0; k < nsaid; k++)
		ctl_printf(cl->c, "@ %s %s\n", said[k].id,
		    pool_word[said[k].pool]);
	cl->told = table_hwm();
	ctl_printf(cl->c, ". %s\n", stamp_fmt(cl->told, sb, sizeof sb));
	cl->sub = 1;
	cl->limit = cl->c->outlen - cl->c->outoff + SUB_SLACK;
	cl->c->deadline = -1;
}

/* up, down, drain and undrain change the cluster, which must run. */
static int
disabled(struct client *cl)
{
	if (S.enabled)
		return 0;
	ctl_printf(cl->c, "error: DDNS is disabled (set service ipsec-ddns "
	    "enable, then SIGHUP)\n");
	return 1;
}

static void
verb_up(struct client *cl, const struct request *rq)
{
	char ab[64], err[300];

	if (disabled(cl))
		return;
	if (local_up(rq->label, &rq->addr, err, sizeof err) < 0)
		ctl_printf(cl->c, "error: %s\n", err);
	else
		ctl_printf(cl->c, "up %s %s\nok\n", rq->label,
		    addr_fmt(&rq->addr, ab, sizeof ab));
}

static void
verb_down(struct client *cl, const struct request *rq)
{
	char err[300];

	if (disabled(cl))
		return;
	if (local_down(rq->label, &rq->addr, err, sizeof err) < 0)
		ctl_printf(cl->c, "error: %s\n", err);
	else
		ctl_printf(cl->c, "down %s\nok\n", rq->label);
}

/* drain and undrain */
static void
verb_drain(struct client *cl, const struct request *rq)
{
	int drain = rq->verb == CTL_DDNS_DRAIN;

	if (disabled(cl))
		return;
	local_drain(drain);
	ctl_printf(cl->c, "%s %s\nok\n", drain ? "drained" : "undrained",
	    S.cfg.self);
}

static void
verb_members(struct client *cl, const struct request *rq)
{
	(void)rq;
	status_members_each(printer, cl);
	ctl_printf(cl->c, "ok\n");
}

static void
verb_records(struct client *cl, const struct request *rq)
{
	(void)rq;
	records(cl);
}

static void
verb_status(struct client *cl, const struct request *rq)
{
	(void)rq;
	status_each(printer, cl);
	ctl_printf(cl->c, "ok\n");
}

static void
verb_subscribe(struct client *cl, const struct request *rq)
{
	(void)rq;
	subscribe(cl);
}

/* What each verb of lib/ctl_ddns.h does, in the order of its enum. */
static void (*const verb_handler[])(struct client *, const struct request *) = {
	[CTL_DDNS_UP] = verb_up,
	[CTL_DDNS_DOWN] = verb_down,
	[CTL_DDNS_DRAIN] = verb_drain,
	[CTL_DDNS_UNDRAIN] = verb_drain,
	[CTL_DDNS_MEMBERS] = verb_members,
	[CTL_DDNS_RECORDS] = verb_records,
	[CTL_DDNS_STATUS] = verb_status,
	[CTL_DDNS_SUBSCRIBE] = verb_subscribe,
};
_Static_assert(sizeof verb_handler / sizeof verb_handler[0] == CTL_DDNS_VERBS,
    "a handler for every verb of lib/ctl_ddns.h");

static void
control_request(struct client *cl, char *line)
{
	struct request rq;
	const char *why;

	if (request_parse(line, &rq, &why) < 0)
		ctl_printf(cl->c, "error: %s\n", why);
	else
		verb_handler[rq.verb](cl, &rq);
}

void
control_open(void)
{
	snprintf(path, sizeof path, "%s/%s", S.run, RUN_DDNS_CONTROL);
	if ((lfd = ctl_listen(path, S.gid)) < 0)
		err_fatalsys(RC_TEMP, "unable to listen on %s", path);
	loop_add(lfd, &wctl, EPOLLIN);
}

/* Freed later: an event of this turn of the loop may still name it. */
static void
drop(struct client *cl)
{
	struct client **pp;

	for (pp = &clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	close(cl->c->fd);
	cl->c->fd = -1;
	cl->dead = 1;
	cl->next = graveyard;
	graveyard = cl;
	nclients--;
}

void
control_reap(void)
{
	struct client *cl;

	while ((cl = graveyard) != NULL) {
		graveyard = cl->next;
		free(cl->c->out);
		free(cl->c);
		free(cl);
	}
}

void
control_close(void)
{
	while (clients != NULL)
		drop(clients);
	control_reap();
	if (lfd >= 0) {
		close(lfd);
		unlink(path);
	}
}

void
control_accept(void)
{
	struct ctl_conn *c;
	struct client *cl;

	while ((c = ctl_accept(lfd, S.now)) != NULL) {
		if (nclients == CLIENTS_MAX ||
		    (cl = calloc(1, sizeof *cl)) == NULL) {
			ctl_close(c);
			continue;
		}
		cl->w.kind = W_CLIENT;
		cl->w.p = cl;
		cl->c = c;
		cl->events = EPOLLIN;
		cl->next = clients;
		clients = cl;
		nclients++;
		loop_add(c->fd, &cl->w, EPOLLIN);
	}
}

/* Handle every whole line in c->in; keep the rest.  -1: drop the client. */
static int
lines(struct client *cl)
{
	struct ctl_conn *c = cl->c;
	char *nl;
	size_t used;

	if (cl->sub) {
		c->inlen = 0;	/* a subscriber has nothing more to ask */
		return 0;
	}
	while (!cl->sub && c->outlen - c->outoff < REPLY_HIGH &&
	    (nl = memchr(c->in, '\n', c->inlen)) != NULL) {
		used = (size_t)(nl - c->in) + 1;
		*nl = '\0';
		if (nl > c->in && nl[-1] == '\r')
			nl[-1] = '\0';
		if (memchr(c->in, '\0', used - 1) != NULL)
			ctl_printf(cl->c, "error: NUL byte in request\n");
		else
			control_request(cl, c->in);
		c->inlen -= used;
		memmove(c->in, c->in + used, c->inlen);
	}
	if (c->inlen == sizeof c->in && memchr(c->in, '\n', c->inlen) == NULL) {
		ctl_printf(cl->c, "error: request longer than %d bytes\n",
		    CTL_LINE_MAX - 1);
		c->inlen = 0;
		cl->eof = 1;	/* no way to find where the next one starts */
	}
	return 0;
}

static int
readin(struct client *cl)
{
	struct ctl_conn *c = cl->c;
	ssize_t r;

	while (!cl->eof && c->inlen < sizeof c->in) {
		r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		if (r == 0) {
			cl->eof = 1;
			break;
		}
		c->inlen += (size_t)r;
		if (c->deadline >= 0)
			c->deadline = S.now + (int64_t)CTL_TIMEOUT * CLOCK_MS;
		if (lines(cl) < 0)
			return -1;
	}
	return 0;
}

static void
rearm(struct client *cl, uint32_t want)
{
	if (want != cl->events) {
		cl->events = want;
		loop_mod(cl->c->fd, &cl->w, want);
	}
}

void
control_event(void *p, uint32_t events)
{
	struct client *cl = p;
	struct ctl_conn *c = cl->c;
	int r;

	(void)events;
	if (cl->dead)
		return;
	for (;;) {
		if (readin(cl) < 0 || lines(cl) < 0 ||
		    (r = ctl_flush(c)) < 0) {
			drop(cl);
			return;
		}
		if (r == 0)
			break;	/* the socket is full: wait until it drains */
		c->outlen = c->outoff = 0;	/* reuse the buffer */
		if (cl->sub || memchr(c->in, '\n', c->inlen) == NULL)
			break;	/* no request left waiting */
	}
	if (r == 1 && cl->eof) {
		drop(cl);	/* answered everything it asked */
		return;
	}
	if (r == 0 && c->deadline >= 0)
		c->deadline = S.now + (int64_t)CTL_TIMEOUT * CLOCK_MS;
	rearm(cl, (r == 0 ? EPOLLOUT : 0) | (cl->eof ? 0 : EPOLLIN));
}

/* A line to a subscriber; a laggard is cut off. */
static void
tell(struct client *cl, const char *line, uint64_t stamp)
{
	ctl_printf(cl->c, "%s\n", line);
	if (stamp > cl->told)
		cl->told = stamp;
	if (cl->c->outlen - cl->c->outoff > cl->limit) {
		err_warn("control: a subscriber is %zu KiB behind; "
		    "disconnected (it may subscribe again)", cl->limit >> 10);
		drop(cl);
		return;
	}
	rearm(cl, EPOLLIN | EPOLLOUT);
}

/*
 * A change readers see goes to every subscriber, with its stamp: the
 * record's own, or for a change without a new record (a node's records
 * withdrawn at the end of the hold time, or back with the node; one
 * forgotten after a resynchronisation) the table's high-water, which
 * table_hide() and the merge have just raised.
 */
void
control_change(const struct rec *old, int oldvis, const struct rec *now,
    int nowvis)
{
	char line[GWID_LABEL_MAX + ID_MAX + 100], ab[64], sb[32];
	uint64_t stamp;

	if (!nowvis && !oldvis)
		return;
	if (nowvis && oldvis && memcmp(&old->addr, &now->addr,
	    sizeof old->addr) == 0 && strcmp(old->label, now->label) == 0 &&
	    old->origin == now->origin)
		return;	/* the same name, address and node: only the stamp moved */
	if (now == NULL || (old != NULL && old->stamp == now->stamp))
		stamp = table_hwm();
	else
		stamp = now->stamp;
	if (nowvis)
		snprintf(line, sizeof line, "+ %s %s %s %s", now->label,
		    addr_fmt(&now->addr, ab, sizeof ab),
		    stamp_fmt(stamp, sb, sizeof sb), origins[now->origin].id);
	else
		snprintf(line, sizeof line, "- %s %s", old->label,
		    stamp_fmt(stamp, sb, sizeof sb));
	tell_all(line, stamp);
}

/*
 * The high-water rose without a line that said so (a gateway published
 * again at the same address, a record no reader sees, the marks of a
 * transfer): tell it, so that every node's serial follows its table
 * alike.  Once a turn of the loop, after the events of that turn.
 */
static void
tell_high(void)
{
	struct client *cl, *next;
	uint64_t h = table_hwm();
	char line[40], sb[32];

	snprintf(line, sizeof line, ". %s", stamp_fmt(h, sb, sizeof sb));
	for (cl = clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->sub && cl->told < h)
			tell(cl, line, h);
	}
}

int64_t
control_next(void)
{
	struct client *cl;
	int64_t t = -1;

	for (cl = clients; cl != NULL; cl = cl->next)
		if (cl->c->deadline >= 0 && (t < 0 || cl->c->deadline < t))
			t = cl->c->deadline;
	return t;
}

void
control_timers(void)
{
	struct client *cl, *next;

	for (cl = clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->c->deadline >= 0 && cl->c->deadline <= S.now)
			drop(cl);
	}
	tell_high();
}
