/*
 * RUNDIR/vrrpd/control: the control protocol of vrrpd(8) CONTROL, one
 * request a connection.  Requests are parsed with the verb table of
 * lib/ctl_vrrp.c, which vrrp-failover writes them from; each verb has its
 * handler here, indexed alike:
 *   show [IF VRID]            status lines, a blank line between groups
 *   priority IF VRID N        run-time priority 1..254
 *   restore IF VRID           back to the configured priority
 *   take IF VRID              priority above the master's, with companions
 *   release IF VRID [N]       priority N (1), resign, with companions
 */
#include <sys/epoll.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_vrrp.h"
#include "err.h"
#include "loop.h"
#include "vrrpd.h"

#define CLIENTS_MAX	16

struct client {
	struct watch w;
	struct ctl_conn *c;
	struct client *next;
};

static int control_fd = -1;
static char control_path[4200];
static struct watch control_watch = { WATCH_CONTROL, NULL };
static struct client *clients;
static int nclients;

/* The group the request names, or NULL, and the client is told. */
static struct group *
control_group(struct ctl_conn *c, const struct ctl_vrrp_req *rq)
{
	struct group *g;

	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->vrid == rq->vrid_num && strcmp(g->ifname, rq->ifname) == 0)
			return g;
	ctl_printf(c, "error: no group %s %s\n", rq->ifname, rq->vrid);
	return NULL;
}

static void
control_line(void *arg, const char *fmt, ...)
{
	struct ctl_conn *c = arg;
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ctl_printf(c, "%s\n", buf);
}

static int
control_companion(const struct group *g, const struct group *m)
{
	return m == g || election_sync_member(g, m);
}

static void
control_show(struct ctl_conn *c, const struct ctl_vrrp_req *rq)
{
	struct group *g;

	if (rq->ifname != NULL) {
		if ((g = control_group(c, rq)) == NULL)
			return;
		status_show(g, control_line, c);
	} else
		for (g = vrrpd_groups; g != NULL; g = g->next) {
			status_show(g, control_line, c);
			if (g->next != NULL)
				ctl_printf(c, "\n");
		}
	ctl_printf(c, "ok\n");
}

/* priority N, and restore: the group's run-time priority N, or none. */
static void
control_priority(struct ctl_conn *c, const struct ctl_vrrp_req *rq)
{
	struct group *g;
	int restore = rq->verb == CTL_VRRP_RESTORE;

	if ((g = control_group(c, rq)) == NULL)
		return;
	if (!restore && rq->prio_num == 0) {
		ctl_printf(c, "error: priority %s: not 1 to 254\n", rq->prio);
		return;
	}
	if (!restore)
		err_log("%s: vrid %u: run-time priority %d", g->ifname,
		    g->vrid, rq->prio_num);
	election_priority(g, restore ? 0 : rq->prio_num);
	status_write(g);
	ctl_printf(c, "ok\n");
}

/*
 * take: refused if the group, or a companion that is not master, cannot
 * be taken over; the error names it.
 */
static int
control_take_refused(struct ctl_conn *c, const struct group *g)
{
	const struct group *m;

	if (g->run.state == VS_FAULT || g->run.state == VS_INIT) {
		ctl_printf(c, "error: %s %u is in %s\n", g->ifname, g->vrid,
		    vstate_name[g->run.state]);
		return 1;
	}
	for (m = vrrpd_groups; m != NULL; m = m->next) {
		if (!control_companion(g, m) || m->run.state == VS_MASTER)
			continue;
		if (!m->run.master_known) {
			ctl_printf(c, "error: %s %u has heard no master yet\n",
			    m->ifname, m->vrid);
			return 1;
		}
		if (m->run.master_priority == 255) {
			ctl_printf(c, "error: the master of %s %u owns its "
			    "addresses (priority 255)\n", m->ifname, m->vrid);
			return 1;
		}
	}
	return 0;
}

/*
 * take: the group and its sync companions get a run-time priority just
 * above the master each last heard (at most 254), all at once, so that no
 * companion is left below its master to pull the others back.  One that
 * is master already is left as it is, and said so: the state is checked
 * and changed in the one request, with nothing in between.
 */
static void
control_take(struct ctl_conn *c, const struct ctl_vrrp_req *rq)
{
	struct group *g, *m;
	int p;

	if ((g = control_group(c, rq)) == NULL || control_take_refused(c, g))
		return;
	for (m = vrrpd_groups; m != NULL; m = m->next) {
		if (!control_companion(g, m))
			continue;
		if (m->run.state == VS_MASTER) {
			ctl_printf(c, "%s %u: already master\n", m->ifname,
			    m->vrid);
			continue;
		}
		p = group_priority(m);
		if (m->run.master_priority >= p)
			p = m->run.master_priority + 1 > CTL_VRRP_PRIO_MAX ?
			    CTL_VRRP_PRIO_MAX : m->run.master_priority + 1;
		ctl_printf(c, "%s %u %s, priority %d -> %d\n", m->ifname,
		    m->vrid, vstate_name[m->run.state], group_priority(m), p);
		if (p != group_priority(m)) {
			err_log("%s: vrid %u: run-time priority %d (take)",
			    m->ifname, m->vrid, p);
			election_priority(m, p);
			status_write(m);
		}
	}
	ctl_printf(c, "ok\n");
}

/*
 * release: the group and its sync companions that are master go to
 * priority N (1) and resign; one that is not is left as it is, and said so.
 */
static void
control_release(struct ctl_conn *c, const struct ctl_vrrp_req *rq)
{
	struct group *g, *m;
	int p = rq->prio != NULL ? rq->prio_num : 1;

	if ((g = control_group(c, rq)) == NULL)
		return;
	if (p == 0) {
		ctl_printf(c, "error: priority %s: not 1 to 254\n", rq->prio);
		return;
	}
	for (m = vrrpd_groups; m != NULL; m = m->next) {
		if (!control_companion(g, m))
			continue;
		m->mark = m->run.state == VS_MASTER;
		if (!m->mark) {
			ctl_printf(c, "%s %u: %s, not master: nothing to "
			    "release\n", m->ifname, m->vrid,
			    vstate_name[m->run.state]);
			continue;
		}
		ctl_printf(c, "%s %u %s, priority %d -> %d\n", m->ifname,
		    m->vrid, vstate_name[m->run.state], group_priority(m), p);
		election_priority(m, p);
	}
	/* the priority 0 adverts first; logs and status files after */
	for (m = vrrpd_groups; m != NULL; m = m->next)
		if (control_companion(g, m) && m->mark)
			election_release(m);
	for (m = vrrpd_groups; m != NULL; m = m->next)
		if (control_companion(g, m) && m->mark) {
			err_log("%s: vrid %u: run-time priority %d (release)",
			    m->ifname, m->vrid, p);
			status_write(m);
		}
	ctl_printf(c, "ok\n");
}

typedef void control_fn(struct ctl_conn *, const struct ctl_vrrp_req *);

static control_fn *const control_handler[] = {
	[CTL_VRRP_SHOW] = control_show,
	[CTL_VRRP_PRIORITY] = control_priority,
	[CTL_VRRP_RESTORE] = control_priority,
	[CTL_VRRP_TAKE] = control_take,
	[CTL_VRRP_RELEASE] = control_release,
};
_Static_assert(sizeof control_handler / sizeof control_handler[0] ==
    CTL_VRRP_VERBS, "a handler for every verb of lib/ctl_vrrp.h");

static void
control_request(struct ctl_conn *c)
{
	struct ctl_vrrp_req rq;
	int i;

	if (ctl_vrrp_parse(c->in, &rq) == 0) {
		control_handler[rq.verb](c, &rq);
		return;
	}
	ctl_printf(c, "error: unknown request (");
	for (i = 0; i < CTL_VRRP_VERBS; i++)
		ctl_printf(c, "%s%s", i ? ", " : "", ctl_vrrp_verbs[i].name);
	ctl_printf(c, ")\n");
}

static void
control_drop(struct client *cl)
{
	struct client **pp;

	for (pp = &clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	ctl_close(cl->c);
	free(cl);
	nclients--;
}

void
control_event(struct client *cl, uint32_t events)
{
	struct ctl_conn *c = cl->c;
	int r;

	if (!c->closing && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if ((r = ctl_read(c)) < 0) {
			control_drop(cl);
			return;
		}
		if (r == 0)
			return;
		control_request(c);
		c->closing = 1;
	}
	if ((r = ctl_flush(c)) != 0) {
		control_drop(cl);
		return;
	}
	loop_mod(c->fd, &cl->w, EPOLLOUT);
}

void
control_accept(void)
{
	struct ctl_conn *c;
	struct client *cl;

	while ((c = ctl_accept(control_fd, vrrpd.now)) != NULL) {
		if (nclients == CLIENTS_MAX ||
		    (cl = calloc(1, sizeof *cl)) == NULL) {
			ctl_close(c);
			continue;
		}
		cl->w.kind = WATCH_CLIENT;
		cl->w.p = cl;
		cl->c = c;
		cl->next = clients;
		clients = cl;
		nclients++;
		loop_add(c->fd, &cl->w, EPOLLIN);
	}
}

int
control_open(const char *path, gid_t gid)
{
	snprintf(control_path, sizeof control_path, "%s", path);
	if ((control_fd = ctl_listen(control_path, gid)) < 0)
		return -1;
	loop_add(control_fd, &control_watch, EPOLLIN);
	return 0;
}

void
control_close(void)
{
	if (control_fd >= 0)
		unlink(control_path);
}

/*
 * Clients that took too long are dropped; the earliest deadline of the
 * others, or -1 if there is none.
 */
int64_t
control_timers(void)
{
	struct client *cl, *next;
	int64_t t = -1;

	for (cl = clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->c->deadline <= vrrpd.now)
			control_drop(cl);
		else if (t < 0 || cl->c->deadline < t)
			t = cl->c->deadline;
	}
	return t;
}
