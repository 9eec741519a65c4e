/*
 * vrrpd: every VRRP group of vpnha.conf in one process, one epoll loop,
 * one timer set to the earliest deadline of all groups.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <linux/capability.h>

#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "clock.h"
#include "conf.h"
#include "ctl.h"
#include "err.h"
#include "file.h"
#include "loop.h"
#include "num.h"
#include "rc.h"
#include "run.h"
#include "vrrpd.h"

#define USAGE	"vrrpd [-t] [-f CONF] [-r RUNDIR] [-n FD] [-x PROG] [-u USER] " \
	"[-g GROUP]"
#define FLUSH_EVERY	CLOCK_SEC	/* counters reach the status files */
#define CLIENTS_MAX	16

struct vrrpd V;

struct client {
	struct watch w;
	struct ctl_conn *c;
	struct client *next;
};

static int sigfd, tfd, ctlfd = -1;
static struct watch wsig = { WATCH_SIGNAL, NULL }, wtimer = { WATCH_TIMER, NULL },
    wnl = { WATCH_NETLINK, NULL }, wctl = { WATCH_CONTROL, NULL };
static struct client *clients;
static int nclients;
static int64_t flush_at = -1;
static char ctlpath[4200];

/* The group of list that is g's (the same interface and VRID), or NULL. */
static struct group **
group_slot(struct group **list, const struct group *g)
{
	for (; *list != NULL; list = &(*list)->next)
		if ((*list)->vrid == g->vrid &&
		    strcmp((*list)->ifname, g->ifname) == 0)
			return list;
	return NULL;
}

static struct group *
group_match(struct group *list, const struct group *g)
{
	struct group **pp = group_slot(&list, g);

	return pp != NULL ? *pp : NULL;
}

/*
 * Every group of V.groups not marked: masters resign first (all their
 * priority 0 adverts before any netlink request, as at shutdown), then
 * each is stopped and its virtual MAC removed; the status file of one
 * that is not in fresh goes too.  *restarted counts those that are.
 */
static int
reload_stop(struct group *fresh, int *restarted)
{
	struct group *g;
	int removed = 0, stays;

	for (g = V.groups; g != NULL; g = g->next)
		if (!g->mark)
			election_resign(g);
	for (g = V.groups; g != NULL; g = g->next) {
		if (g->mark)
			continue;
		stays = group_match(fresh, g) != NULL;
		err_log("%s: vrid %u: %s", g->ifname, g->vrid, stays ?
		    "configuration changed; restarting" :
		    "no longer configured; stopping");
		if (g->state != VS_INIT)
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
 * V.groups becomes the groups of fresh in the file's order, each kept
 * group in the place of its new copy, which goes to *spent; the others,
 * stopped, are freed.  Returns how many groups there are.
 */
static int
reload_list(struct group *fresh, struct group **spent)
{
	struct group *old = V.groups, *list = NULL, **tail = &list, *g, *next;
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
		if ((pp = group_slot(&old, g)) != NULL) {
			g->next = *spent;
			*spent = g;
			g = *pp;
			*pp = g->next;	/* out of old: none is left there */
		}
		*tail = g;
		tail = &g->next;
	}
	*tail = NULL;
	V.groups = list;
	return n;
}

/*
 * SIGHUP: the file is read again and applied whole, in steps that each
 * walk a list nothing changes under them.  A group whose configuration
 * differs only in what reload.c applies in place keeps running with its
 * state, timers and counters; any other changed group is stopped and
 * started again, a group gone is stopped, a new one started.  Every stop
 * comes before any start, so that an address moved from one group to
 * another is removed before it is added.
 */
static void
reload(void)
{
	struct group *fresh, *spent = NULL, *g, *ng;
	char err[600];
	int n, started = 0, restarted = 0, removed;

	if (config_load(V.conf, &fresh, err, sizeof err) != RC_OK) {
		err_warn("reload: %s; keeping the running configuration", err);
		return;
	}
	for (g = V.groups; g != NULL; g = g->next)
		g->mark = (ng = group_match(fresh, g)) != NULL &&
		    reload_in_place(g, &ng->cf);
	removed = reload_stop(fresh, &restarted);
	n = reload_list(fresh, &spent);
	for (g = V.groups; g != NULL; g = g->next)
		if (g->ifp != NULL)	/* kept */
			reload_apply(g, &group_match(spent, g)->cf);
	groups_free(spent);
	for (g = V.groups; g != NULL; g = g->next)
		if (g->ifp == NULL) {
			iface_attach(g);
			iface_start(g);
			started++;
		}
	err_log("reloaded %s: %d group%s, %d added, %d restarted, %d removed",
	    V.conf, n, n == 1 ? "" : "s", started - restarted, restarted,
	    removed);
}

static struct group *
group_find(const char *ifname, const char *vrid)
{
	struct group *g;
	uint32_t v;

	if (num_u32(vrid, 1, 255, &v) != NUM_OK)
		return NULL;
	for (g = V.groups; g != NULL; g = g->next)
		if (g->vrid == v && strcmp(g->ifname, ifname) == 0)
			return g;
	return NULL;
}

static void
client_line(void *arg, const char *fmt, ...)
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
companion(const struct group *g, const struct group *m)
{
	return m == g || election_sync_member(g, m);
}

/*
 * take: the group and its sync companions get a run-time priority just
 * above the master each last heard (at most 254), all at once, so that no
 * companion is left below its master to pull the others back.  One that
 * is master already is left as it is, and said so: the state is checked
 * and changed in the one request, with nothing in between.
 */
static void
take(struct ctl_conn *c, struct group *g)
{
	struct group *m;
	int p;

	if (g->state == VS_FAULT || g->state == VS_INIT) {
		ctl_printf(c, "error: %s %u is in %s\n", g->ifname, g->vrid,
		    vstate_name[g->state]);
		return;
	}
	for (m = V.groups; m != NULL; m = m->next) {
		if (!companion(g, m) || m->state == VS_MASTER)
			continue;
		if (!m->master_known) {
			ctl_printf(c, "error: %s %u has heard no master yet\n",
			    m->ifname, m->vrid);
			return;
		}
		if (m->master_priority == 255) {
			ctl_printf(c, "error: the master of %s %u owns its "
			    "addresses (priority 255)\n", m->ifname, m->vrid);
			return;
		}
	}
	for (m = V.groups; m != NULL; m = m->next) {
		if (!companion(g, m))
			continue;
		if (m->state == VS_MASTER) {
			ctl_printf(c, "%s %u: already master\n", m->ifname,
			    m->vrid);
			continue;
		}
		p = group_priority(m);
		if (m->master_priority >= p)
			p = m->master_priority + 1 > 254 ? 254 :
			    m->master_priority + 1;
		ctl_printf(c, "%s %u %s, priority %d -> %d\n", m->ifname,
		    m->vrid, vstate_name[m->state], group_priority(m), p);
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
 * priority p and resign; one that is not is left as it is, and said so.
 */
static void
release(struct ctl_conn *c, struct group *g, int p)
{
	struct group *m;

	for (m = V.groups; m != NULL; m = m->next) {
		if (!companion(g, m))
			continue;
		m->mark = m->state == VS_MASTER;
		if (!m->mark) {
			ctl_printf(c, "%s %u: %s, not master: nothing to "
			    "release\n", m->ifname, m->vrid,
			    vstate_name[m->state]);
			continue;
		}
		ctl_printf(c, "%s %u %s, priority %d -> %d\n", m->ifname,
		    m->vrid, vstate_name[m->state], group_priority(m), p);
		election_priority(m, p);
	}
	/* the priority 0 adverts first; logs and status files after */
	for (m = V.groups; m != NULL; m = m->next)
		if (companion(g, m) && m->mark)
			election_release(m);
	for (m = V.groups; m != NULL; m = m->next)
		if (companion(g, m) && m->mark) {
			err_log("%s: vrid %u: run-time priority %d (release)",
			    m->ifname, m->vrid, p);
			status_write(m);
		}
	ctl_printf(c, "ok\n");
}

/*
 * The control protocol, documented in vrrpd(8) CONTROL:
 *   show [IF VRID]            status lines, a blank line between groups
 *   priority IF VRID N        run-time priority 1..254
 *   restore IF VRID           back to the configured priority
 *   take IF VRID              priority above the master's, with companions
 *   release IF VRID [N]       priority N (1), resign, with companions
 */
static void
request(struct ctl_conn *c)
{
	char *w[8];
	struct group *g;
	uint32_t p;
	int n = ctl_words(c->in, w, 8);

	if (n >= 1 && strcmp(w[0], "show") == 0 && (n == 1 || n == 3)) {
		if (n == 3 && (g = group_find(w[1], w[2])) == NULL) {
			ctl_printf(c, "error: no group %s %s\n", w[1], w[2]);
			return;
		}
		for (g = n == 3 ? group_find(w[1], w[2]) : V.groups; g;
		    g = n == 3 ? NULL : g->next) {
			status_show(g, client_line, c);
			if (n == 1 && g->next != NULL)
				ctl_printf(c, "\n");
		}
		ctl_printf(c, "ok\n");
	} else if (n == 4 && strcmp(w[0], "priority") == 0) {
		if ((g = group_find(w[1], w[2])) == NULL)
			ctl_printf(c, "error: no group %s %s\n", w[1], w[2]);
		else if (num_u32(w[3], 1, 254, &p) != NUM_OK)
			ctl_printf(c, "error: priority %s: not 1 to 254\n", w[3]);
		else {
			err_log("%s: vrid %u: run-time priority %u", g->ifname,
			    g->vrid, p);
			election_priority(g, (int)p);
			status_write(g);
			ctl_printf(c, "ok\n");
		}
	} else if (n == 3 && strcmp(w[0], "restore") == 0) {
		if ((g = group_find(w[1], w[2])) == NULL)
			ctl_printf(c, "error: no group %s %s\n", w[1], w[2]);
		else {
			election_priority(g, 0);
			status_write(g);
			ctl_printf(c, "ok\n");
		}
	} else if (n == 3 && strcmp(w[0], "take") == 0) {
		if ((g = group_find(w[1], w[2])) == NULL)
			ctl_printf(c, "error: no group %s %s\n", w[1], w[2]);
		else
			take(c, g);
	} else if ((n == 3 || n == 4) && strcmp(w[0], "release") == 0) {
		if ((g = group_find(w[1], w[2])) == NULL)
			ctl_printf(c, "error: no group %s %s\n", w[1], w[2]);
		else if (n == 4 && num_u32(w[3], 1, 254, &p) != NUM_OK)
			ctl_printf(c, "error: priority %s: not 1 to 254\n", w[3]);
		else
			release(c, g, n == 4 ? (int)p : 1);
	} else
		ctl_printf(c, "error: unknown request (show, priority, restore, "
		    "take, release)\n");
}

static void
client_drop(struct client *cl)
{
	struct client **pp;

	for (pp = &clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	ctl_close(cl->c);
	free(cl);
	nclients--;
}

static void
client_event(struct client *cl, uint32_t events)
{
	struct ctl_conn *c = cl->c;
	int r;

	if (!c->closing && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if ((r = ctl_read(c)) < 0) {
			client_drop(cl);
			return;
		}
		if (r == 0)
			return;
		request(c);
		c->closing = 1;
	}
	if ((r = ctl_flush(c)) != 0) {
		client_drop(cl);
		return;
	}
	loop_mod(c->fd, &cl->w, EPOLLOUT);
}

static void
accept_clients(void)
{
	struct ctl_conn *c;
	struct client *cl;

	while ((c = ctl_accept(ctlfd, V.now)) != NULL) {
		if (nclients == CLIENTS_MAX || (cl = calloc(1, sizeof *cl)) == NULL) {
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

static void
shutdown_all(int rc)
{
	struct group *g;

	V.now = clock_mono();
	for (g = V.groups; g != NULL; g = g->next)
		election_resign(g);
	for (g = V.groups; g != NULL; g = g->next)
		if (g->state != VS_INIT)
			election_stop(g);
	for (g = V.groups; g != NULL; g = g->next)
		vmac_down(g);
	if (ctlfd >= 0)
		unlink(ctlpath);
	err_log("stopped");
	exit(rc);
}

static void
signals(void)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			shutdown_all(RC_OK);
			break;
		case SIGHUP:
			reload();
			break;
		case SIGCHLD:
			hook_reap();
			break;
		}
	}
}

/* The one timer: the earliest deadline of any group, client or flush. */
static void
arm(void)
{
	struct group *g;
	struct client *cl;
	int64_t t = -1, d;

	for (g = V.groups; g != NULL; g = g->next) {
		d = election_next(g);
		if (d >= 0 && (t < 0 || d < t))
			t = d;
		if (g->dirty && flush_at < 0)
			flush_at = V.now + FLUSH_EVERY;
	}
	if (flush_at >= 0 && (t < 0 || flush_at < t))
		t = flush_at;
	for (cl = clients; cl != NULL; cl = cl->next)
		if (t < 0 || cl->c->deadline < t)
			t = cl->c->deadline;
	loop_timer_set(tfd, t);
}

static void
timers(void)
{
	struct group *g;
	struct client *cl, *next;
	uint64_t n;

	while (read(tfd, &n, sizeof n) > 0)
		;
	for (g = V.groups; g != NULL; g = g->next)
		election_timers(g);
	if (flush_at >= 0 && flush_at <= V.now) {
		for (g = V.groups; g != NULL; g = g->next)
			if (g->dirty)
				status_write(g);
		flush_at = -1;
	}
	for (cl = clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->c->deadline <= V.now)
			client_drop(cl);
	}
}

static void
loop(void)
{
	struct epoll_event ev[32];
	struct watch *w;
	int i, n;

	for (;;) {
		arm();
		n = loop_wait(ev, 32, -1);
		V.now = clock_mono();
		for (i = 0; i < n; i++) {
			w = ev[i].data.ptr;
			switch (w->kind) {
			case WATCH_SIGNAL:
				signals();
				break;
			case WATCH_TIMER:
				break;	/* every wakeup runs the timers */
			case WATCH_NETLINK:
				nl_drain(V.nlev, iface_changed);
				break;
			case WATCH_CONTROL:
				accept_clients();
				break;
			case WATCH_CLIENT:
				client_event(w->p, ev[i].events);
				break;
			case WATCH_VRRP4:
				net_receive(w->p, AF_INET, election_advert);
				break;
			case WATCH_VRRP6:
				net_receive(w->p, AF_INET6, election_advert);
				break;
			}
		}
		timers();
	}
}

static int
count_groups(void)
{
	const struct group *g;
	int n = 0;

	for (g = V.groups; g != NULL; g = g->next)
		n++;
	return n;
}

static void
setup(int *notify)
{
	static const int keep[] = { CAP_NET_RAW, CAP_NET_ADMIN, -1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, 0 };
	struct passwd *pw = NULL;
	struct group *g;
	const char *why;
	char err[600];
	int rc;

	if (V.user != NULL && (pw = getpwnam(V.user)) == NULL)
		err_fatal(RC_USAGE, "-u %s: no such user", V.user);
	if ((rc = file_rundir(V.run, V.dir, pw ? pw->pw_uid : (uid_t)-1,
	    pw ? pw->pw_gid : (gid_t)-1, err, sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
	if ((V.nl = nl_open()) < 0 || (V.nlev = nl_events()) < 0)
		err_fatalsys(RC_TEMP, "unable to open an rtnetlink socket");
	loop_init();
	tfd = loop_timer();
	sigfd = loop_signals(sigs);
	snprintf(ctlpath, sizeof ctlpath, "%s/%s", V.run, RUN_VRRPD_CONTROL);
	if ((ctlfd = ctl_listen(ctlpath, V.gid)) < 0)
		err_fatalsys(RC_TEMP, "unable to listen on %s", ctlpath);
	loop_add(sigfd, &wsig, EPOLLIN);
	loop_add(tfd, &wtimer, EPOLLIN);
	loop_add(V.nlev, &wnl, EPOLLIN);
	loop_add(ctlfd, &wctl, EPOLLIN);
	V.now = clock_mono();
	for (g = V.groups; g != NULL; g = g->next)
		iface_attach(g);
	for (g = V.groups; g != NULL; g = g->next)
		if (g->ifp->index == 0)
			iface_refresh(g->ifp);
	/* every socket is open: keep only what raw sockets and rtnetlink need */
	if (caps_keep(keep, V.user, &why) < 0)
		err_fatal(RC_TEMP, "unable to drop privileges: %s", why);
	for (g = V.groups; g != NULL; g = g->next)
		iface_start(g);
	err_log("started with %d group%s", count_groups(), count_groups() == 1 ? "" : "s");
	notify_ready(notify);
}

int
main(int argc, char **argv)
{
	char err[600];
	const char *why;
	int c, notify = -1, rc, test = 0;

	err_init(argv[0]);
	V.conf = CONF_PATH_DEFAULT;
	V.run = RUN_DEFAULT;
	V.gid = (gid_t)-1;
	while ((c = getopt(argc, argv, "tf:r:n:x:u:g:")) != -1) {
		switch (c) {
		case 't':
			test = 1;
			break;
		case 'f':
			V.conf = optarg;
			break;
		case 'r':
			V.run = optarg;
			break;
		case 'n':
			notify = notify_fd(optarg);
			break;
		case 'x':
			V.hook = optarg;
			break;
		case 'u':
			V.user = optarg;
			break;
		case 'g':
			if (caps_group(optarg, &V.gid, &why) < 0)
				err_fatal(RC_USAGE, "-g %s: %s", optarg, why);
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc)
		err_usage(USAGE);
	if ((rc = config_load(V.conf, &V.groups, err, sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
	if (V.groups == NULL)
		err_fatal(RC_USAGE, "%s: no vrrp-group configured", V.conf);
	if ((size_t)snprintf(V.dir, sizeof V.dir, "%s/%s", V.run, RUN_VRRPD) >=
	    sizeof V.dir)
		err_fatal(RC_USAGE, "-r %s: path too long", V.run);
	if (test)
		return RC_OK;	/* -t: the configuration is good */
	setup(&notify);
	loop();
	return RC_OK;
}
