/*
 * vrrpd: every VRRP group of vpnha.conf in one process, one epoll loop,
 * one timer set to the earliest deadline of all groups.
 *
 * The files, from the top down.  Each calls by name only files below it;
 * a lower one reports up only through a callback it is handed (net.c's
 * adverts to election_advert, nl.c's link events to iface_changed,
 * track.c's changes to iface_health).
 * tests/callgraph bin/vrrpd draws the graph; with -c it finds any cycle.
 *
 *   vrrpd.c     main, options, setup; the loop: signals, timers, events
 *   reload.c    the groups of vpnha.conf: read at start, applied on SIGHUP
 *   control.c   RUNDIR/vrrpd/control: the verbs of lib/ctl_vrrp.h
 *   iface.c     the interfaces: found, their sockets, their link state;
 *               with the trackers, each group's Fault and priority
 *   election.c  the state machine of RFC 5798 6.4, and every transition
 *   status.c    RUNDIR/vrrpd/IF.VRID, the status files
 *   track.c     processes, interfaces, scripts and files groups follow
 *   hook.c      -x PROG, run on a transition
 *   net.c       adverts sent and received, on raw sockets
 *   vip.c       the virtual addresses, gratuitous ARP, unsolicited NA
 *   vmac.c      the virtual MAC of rfc3768-compatibility (a macvlan)
 *   nl.c        rtnetlink: requests, and link events
 *   advert.c    the VRRP message: parsed and built (advert.h)
 *   config.c    vpnha.conf's vrrp-groups, read
 *
 * Each global has one writer: vrrpd (this file), vrrpd_groups (reload.c),
 * the interfaces (iface.c), the clients (control.c).
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "clock.h"
#include "conf.h"
#include "err.h"
#include "loop.h"
#include "rc.h"
#include "run.h"
#include "rundir.h"
#include "vrrpd.h"

#define USAGE	"vrrpd [-t] [-f CONF] [-r RUNDIR] [-n FD] [-x PROG] [-u USER] " \
	"[-g GROUP] [-N NETNS]"
#define FLUSH_EVERY	CLOCK_SEC	/* counters reach the status files */

struct vrrpd vrrpd;

static int signal_fd, timer_fd;
static struct watch watch_signal = { WATCH_SIGNAL, NULL },
    watch_timer = { WATCH_TIMER, NULL }, watch_netlink = { WATCH_NETLINK, NULL };
static int64_t flush_at = -1;
static int64_t armed = -2;	/* the timer's deadline as last set */

static void
vrrpd_shutdown(int rc)
{
	struct group *g;

	vrrpd.now = clock_mono();
	for (g = vrrpd_groups; g != NULL; g = g->next)
		election_resign(g);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->run.state != VS_INIT)
			election_stop(g);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		vmac_down(g);
	track_close();
	control_close();
	err_log("stopped");
	exit(rc);
}

static void
vrrpd_reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (!track_reaped(pid, status, iface_health))
			hook_reaped(pid, status);
}

static void
vrrpd_signals(void)
{
	struct signalfd_siginfo si;

	while (read(signal_fd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			vrrpd_shutdown(RC_OK);
			break;
		case SIGHUP:
			reload_sighup();
			break;
		case SIGCHLD:
			vrrpd_reap();
			break;
		}
	}
}

/*
 * The one timer: the earliest deadline of any group, client or flush
 * (control_timers drops the clients past theirs first).
 */
static void
vrrpd_arm(void)
{
	struct group *g;
	int64_t t = -1, d;

	for (g = vrrpd_groups; g != NULL; g = g->next) {
		d = election_next(g);
		if (d >= 0 && (t < 0 || d < t))
			t = d;
		if (g->run.dirty && flush_at < 0)
			flush_at = vrrpd.now + FLUSH_EVERY;
	}
	if (flush_at >= 0 && (t < 0 || flush_at < t))
		t = flush_at;
	d = control_timers();
	if (d >= 0 && (t < 0 || d < t))
		t = d;
	d = track_next();
	if (d >= 0 && (t < 0 || d < t))
		t = d;
	/* a wakeup that moved no deadline (a process event) costs no syscall */
	if (t != armed)
		loop_timer_set(timer_fd, t);
	armed = t;
}

/* Every wakeup runs the timers; fired says the timer itself did. */
static void
vrrpd_timers(int fired)
{
	struct group *g;
	uint64_t n;

	if (fired) {
		while (read(timer_fd, &n, sizeof n) > 0)
			;
		armed = -2;	/* expired: set again, whatever the deadline */
	}
	for (g = vrrpd_groups; g != NULL; g = g->next)
		election_timers(g);
	track_timers(iface_health);
	if (flush_at >= 0 && flush_at <= vrrpd.now) {
		for (g = vrrpd_groups; g != NULL; g = g->next)
			if (g->run.dirty)
				status_write(g);
		metrics_write();
		flush_at = -1;
	}
}

static void
vrrpd_loop(void)
{
	struct epoll_event ev[32];
	struct watch *w;
	int i, n, fired;

	for (;;) {
		vrrpd_arm();
		n = loop_wait(ev, 32, -1);
		vrrpd.now = clock_mono();
		fired = 0;
		for (i = 0; i < n; i++) {
			w = ev[i].data.ptr;
			switch (w->kind) {
			case WATCH_SIGNAL:
				vrrpd_signals();
				break;
			case WATCH_TIMER:
				fired = 1;
				break;
			case WATCH_NETLINK:
				nl_drain(vrrpd.nlev, iface_changed);
				break;
			case WATCH_CONTROL:
				control_accept();
				break;
			case WATCH_CLIENT:
				control_event(w->p, ev[i].events);
				break;
			case WATCH_VRRP4:
				net_receive(w->p, AF_INET, election_advert);
				break;
			case WATCH_VRRP6:
				net_receive(w->p, AF_INET6, election_advert);
				break;
			case WATCH_PROC:
				track_proc_events(iface_health);
				break;
			case WATCH_INOTIFY:
				track_file_events(iface_health);
				break;
			}
		}
		vrrpd_timers(fired);
	}
}

static int
count_groups(void)
{
	const struct group *g;
	int n = 0;

	for (g = vrrpd_groups; g != NULL; g = g->next)
		n++;
	return n;
}

/*
 * -N NETNS: the process events reach only the initial network namespace
 * (the kernel's connector lives there), so vrrpd opens them there first,
 * then joins NETNS (a name in /run/netns, or a path) for all the rest.
 */
static void
vrrpd_netns(const char *ns)
{
	char path[4200];
	int fd;

	if (strchr(ns, '/') == NULL)
		snprintf(path, sizeof path, "/run/netns/%s", ns);
	else
		snprintf(path, sizeof path, "%s", ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    setns(fd, CLONE_NEWNET) < 0)
		err_fatalsys(RC_TEMP, "unable to join the network namespace %s",
		    path);
	close(fd);
}

static void
vrrpd_setup(int *notify)
{
	static const int keep[] = { CAP_NET_RAW, CAP_NET_ADMIN, -1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, 0 };
	struct group *g;
	const char *why;
	char path[4200], err[600];
	int n;

	loop_init();
	if (track_ready(vrrpd_groups, err, sizeof err) < 0)
		err_fatal(RC_TEMP, "%s", err);
	if (vrrpd.netns != NULL)
		vrrpd_netns(vrrpd.netns);
	rundir_make(vrrpd.run, vrrpd.dir, vrrpd.user);
	metrics_start();
	if ((vrrpd.nl = nl_open()) < 0 || (vrrpd.nlev = nl_events()) < 0)
		err_fatalsys(RC_TEMP, "unable to open an rtnetlink socket");
	timer_fd = loop_timer();
	signal_fd = loop_signals(sigs);
	snprintf(path, sizeof path, "%s/%s", vrrpd.run, RUN_VRRPD_CONTROL);
	if (control_open(path, vrrpd.gid) < 0)
		err_fatalsys(RC_TEMP, "unable to listen on %s", path);
	loop_add(signal_fd, &watch_signal, EPOLLIN);
	loop_add(timer_fd, &watch_timer, EPOLLIN);
	loop_add(vrrpd.nlev, &watch_netlink, EPOLLIN);
	vrrpd.now = clock_mono();
	for (g = vrrpd_groups; g != NULL; g = g->next)
		iface_attach(g);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->ifp->index == 0)
			iface_refresh(g->ifp);
	track_bind(vrrpd_groups);
	iface_health();
	/* every socket is open: keep only what raw sockets and rtnetlink need */
	if (caps_keep(keep, vrrpd.user, &why) < 0)
		err_fatal(RC_TEMP, "unable to drop privileges: %s", why);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		iface_start(g);
	metrics_write();
	n = count_groups();
	err_log("started with %d group%s", n, n == 1 ? "" : "s");
	notify_ready(notify);
}

int
main(int argc, char **argv)
{
	char err[600];
	const char *why;
	int c, notify = -1, rc, test = 0;

	err_init(argv[0]);
	vrrpd.conf = CONF_PATH_DEFAULT;
	vrrpd.run = RUN_DEFAULT;
	vrrpd.gid = (gid_t)-1;
	while ((c = getopt(argc, argv, "tf:r:n:x:u:g:N:")) != -1) {
		switch (c) {
		case 't':
			test = 1;
			break;
		case 'f':
			vrrpd.conf = optarg;
			break;
		case 'r':
			vrrpd.run = optarg;
			break;
		case 'n':
			notify = notify_fd(optarg);
			break;
		case 'x':
			vrrpd.hook = optarg;
			break;
		case 'u':
			vrrpd.user = optarg;
			break;
		case 'N':
			vrrpd.netns = optarg;
			break;
		case 'g':
			if (caps_group(optarg, &vrrpd.gid, &why) < 0)
				err_fatal(RC_USAGE, "-g %s: %s", optarg, why);
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc)
		err_usage(USAGE);
	if ((rc = reload_first(err, sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
	rundir_path(vrrpd.dir, sizeof vrrpd.dir, vrrpd.run, RUN_VRRPD);
	if (test)
		return RC_OK;	/* -t: the configuration is good */
	vrrpd_setup(&notify);
	vrrpd_loop();
	return RC_OK;
}
