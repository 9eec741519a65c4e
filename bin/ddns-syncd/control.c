/*
 * The control socket, RUN/ddns/control: one request a line, replies ending
 * in "ok" or "error: ..." (ddns-syncd(8), CONTROL).  A client may send its
 * next request on the same connection once a reply has begun, so a batch
 * of `up` lines goes through one connection.  A client that subscribes is
 * subscribe.c's from then on: it sends the feed; this file the bytes.
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

struct client {
	struct watch w;
	struct ctl_conn *c;
	int sub;		/* a subscriber: subscribe.c's */
	int eof;		/* the client has sent its last request */
	uint32_t events;	/* what epoll watches for it now */
	int dead;		/* closed; freed after this turn */
	struct client *next;
};

static struct client *clients, *graveyard;
static int nclients, lfd = -1;
static struct watch wctl = { W_CTL, NULL };
static char path[4200];

static void subscriber_wrote(void *, int);

static void
printer(void *arg, const char *line)
{
	struct client *cl = arg;

	ctl_printf(cl->c, "%s\n", line);
}

/* up, down, drain and undrain change the cluster, which must run. */
static int
disabled(struct client *cl)
{
	if (cluster_enabled())
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
	    ddns_syncd.cfg.self);
}

/* members, records and status: status.c's lines, then ok */
static void
verb_show(struct client *cl, const struct request *rq)
{
	static int (*const show[])(line_fn, void *) = {
		[CTL_DDNS_MEMBERS] = status_members_each,
		[CTL_DDNS_RECORDS] = status_records_each,
		[CTL_DDNS_STATUS] = status_each,
	};

	if (show[rq->verb](printer, cl) < 0)
		ctl_printf(cl->c, "error: out of memory\n");
	else
		ctl_printf(cl->c, "ok\n");
}

static void
verb_subscribe(struct client *cl, const struct request *rq)
{
	(void)rq;
	subscribe_add(cl, cl->c);
	cl->sub = 1;
}

/* What each verb of lib/ctl_ddns.h does, in the order of its enum. */
static void (*const verb_handler[])(struct client *, const struct request *) = {
	[CTL_DDNS_UP] = verb_up,
	[CTL_DDNS_DOWN] = verb_down,
	[CTL_DDNS_DRAIN] = verb_drain,
	[CTL_DDNS_UNDRAIN] = verb_drain,
	[CTL_DDNS_MEMBERS] = verb_show,
	[CTL_DDNS_RECORDS] = verb_show,
	[CTL_DDNS_STATUS] = verb_show,
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
	snprintf(path, sizeof path, "%s/%s", ddns_syncd.run, RUN_DDNS_CONTROL);
	if ((lfd = ctl_listen(path, ddns_syncd.gid)) < 0)
		err_fatalsys(RC_TEMP, "unable to listen on %s", path);
	loop_add(lfd, &wctl, EPOLLIN);
	subscribe_init(subscriber_wrote);
}

/* Freed later: an event of this turn of the loop may still name it. */
static void
client_drop(struct client *cl)
{
	struct client **pp;

	for (pp = &clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	if (cl->sub)
		subscribe_leave(cl);
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
		client_drop(clients);
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

	while ((c = ctl_accept(lfd, ddns_syncd.now)) != NULL) {
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
client_lines(struct client *cl)
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
client_read(struct client *cl)
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
			c->deadline = ddns_syncd.now +
			    (int64_t)CTL_TIMEOUT * CLOCK_MS;
		if (client_lines(cl) < 0)
			return -1;
	}
	return 0;
}

static void
client_rearm(struct client *cl, uint32_t want)
{
	if (want != cl->events) {
		cl->events = want;
		loop_mod(cl->c->fd, &cl->w, want);
	}
}

/* subscribe.c wrote to a subscriber: to be sent, or it is cut off. */
static void
subscriber_wrote(void *client, int cut)
{
	struct client *cl = client;

	if (cut)
		client_drop(cl);
	else
		client_rearm(cl, EPOLLIN | EPOLLOUT);
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
		if (client_read(cl) < 0 || client_lines(cl) < 0 ||
		    (r = ctl_flush(c)) < 0) {
			client_drop(cl);
			return;
		}
		if (r == 0)
			break;	/* the socket is full: wait until it drains */
		c->outlen = c->outoff = 0;	/* reuse the buffer */
		if (cl->sub || memchr(c->in, '\n', c->inlen) == NULL)
			break;	/* no request left waiting */
	}
	if (r == 1 && cl->eof) {
		client_drop(cl);	/* answered everything it asked */
		return;
	}
	if (r == 0 && c->deadline >= 0)
		c->deadline = ddns_syncd.now + (int64_t)CTL_TIMEOUT * CLOCK_MS;
	client_rearm(cl, (r == 0 ? EPOLLOUT : 0) | (cl->eof ? 0 : EPOLLIN));
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
		if (cl->c->deadline >= 0 && cl->c->deadline <= ddns_syncd.now)
			client_drop(cl);
	}
}
