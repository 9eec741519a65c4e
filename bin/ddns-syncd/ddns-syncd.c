/*
 * ddns-syncd: keeps the cluster's gateway table identical on every node
 * (DESIGN.md, "ddns-syncd and ddns-ctl").  One process, one epoll loop,
 * one timer set to the earliest deadline.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <linux/capability.h>

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "clock.h"
#include "conf.h"
#include "ddns-syncd.h"
#include "err.h"
#include "loop.h"
#include "num.h"
#include "peer.h"
#include "rc.h"
#include "run.h"
#include "rundir.h"

#define USAGE	"ddns-syncd [-t] [-f CONF] [-r RUNDIR] [-n FD] [-l ADDRESS]" \
	" [-u USER] [-g GROUP]"

struct syncd S;

static int sigfd, tfd, notify = -1;
static struct watch wsig = { W_SIG, NULL }, wtimer = { W_TIMER, NULL };

/* Every change of the table, to those who follow it. */
static void
changed(const struct rec *old, int oldvis, const struct rec *now, int nowvis)
{
	subscribe_change(old, oldvis, now, nowvis);
	journal_change(old, now);
}

/* Readiness once the join is over (or at once, disabled). */
static void
ready(void)
{
	if (!S.enabled || S.joined != 0)
		notify_ready(&notify);
}

static void
reload(void)
{
	struct cfg fresh, old;
	char err[600];

	if (config_load(S.conf, &fresh, err, sizeof err) != RC_OK) {
		err_warn("reload: %s; keeping the running configuration", err);
		return;
	}
	old = S.cfg;
	S.cfg = fresh;
	cluster_reload(&old);
	err_log("reloaded %s", S.conf);
}

static void
stop(void)
{
	cluster_stop();
	control_close();
	err_log("stopped");
	exit(RC_OK);
}

static void
signals(void)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGHUP)
			reload();
		else
			stop();
	}
}

static void
arm(void)
{
	int64_t t = cluster_next(), d = control_next();

	if (d >= 0 && (t < 0 || d < t))
		t = d;
	loop_timer_set(tfd, t);
}

static void
loop(void)
{
	struct epoll_event ev[64];
	struct watch *w;
	uint64_t n64;
	int i, n;

	for (;;) {
		ready();
		arm();
		n = loop_wait(ev, 64, -1);
		S.now = clock_mono();
		for (i = 0; i < n; i++) {
			w = ev[i].data.ptr;
			switch (w->kind) {
			case W_SIG:
				signals();
				break;
			case W_TIMER:
				while (read(tfd, &n64, sizeof n64) > 0)
					;
				break;
			case W_CTL:
				control_accept();
				break;
			case W_CLIENT:
				control_event(w->p, ev[i].events);
				break;
			case W_LISTEN:
			case W_PEER:
				cluster_event(w, ev[i].events);
				break;
			}
		}
		control_timers();
		subscribe_high();
		cluster_timers();
		subscribe_members();
		if (S.enabled)
			peer_flush_all();
		peer_reap();
		control_reap();
	}
}

static void
setup(void)
{
	static const int none[] = { -1 }, bind[] = { CAP_NET_BIND_SERVICE, -1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, 0 };
	const char *why;

	rundir_make(S.run, S.dir, S.user);
	loop_init();
	tfd = loop_timer();
	sigfd = loop_signals(sigs);
	signal(SIGPIPE, SIG_IGN);
	loop_add(sigfd, &wsig, EPOLLIN);
	loop_add(tfd, &wtimer, EPOLLIN);
	control_open();	/* the socket is born the directory's owner's */
	/*
	 * Nothing privileged is left to do but bind the peer port (opened
	 * now and at each enable), which needs a capability below 1024.
	 */
	if (caps_keep(S.cfg.port < 1024 ? bind : none, S.user, &why) < 0)
		err_fatal(RC_TEMP, "unable to drop privileges: %s", why);
	S.now = clock_mono();
	table_init(changed);
	S.self = -1;
	if (!S.cfg.enable)
		err_log("DDNS is disabled (service ipsec-ddns enable is not "
		    "set); waiting for SIGHUP");
	else
		cluster_start();
}

int
main(int argc, char **argv)
{
	char err[600];
	const char *why;
	int c, rc, test = 0;

	err_init(argv[0]);
	S.conf = CONF_PATH_DEFAULT;
	S.run = RUN_DEFAULT;
	S.gid = (gid_t)-1;
	while ((c = getopt(argc, argv, "tf:r:n:l:u:g:")) != -1) {
		switch (c) {
		case 't':
			test = 1;
			break;
		case 'f':
			S.conf = optarg;
			break;
		case 'r':
			S.run = optarg;
			break;
		case 'n':
			notify = notify_fd(optarg);
			break;
		case 'l':
			S.listen = optarg;
			break;
		case 'u':
			S.user = optarg;
			break;
		case 'g':
			if (caps_group(optarg, &S.gid, &why) < 0)
				err_fatal(RC_USAGE, "-g %s: %s", optarg, why);
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc)
		err_usage(USAGE);
	if (S.listen != NULL && addr_parse(S.listen, &(struct addr){ 0 }) < 0)
		err_fatal(RC_USAGE, "-l %s: not an IPv4 or IPv6 address",
		    S.listen);
	if (sodium_init() < 0)
		err_fatal(RC_TEMP, "unable to initialise libsodium");
	if ((rc = config_load(S.conf, &S.cfg, err, sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
	rundir_path(S.dir, sizeof S.dir, S.run, RUN_DDNS);
	if (test)
		return RC_OK;	/* -t: the configuration is good */
	setup();
	loop();
	return RC_OK;
}
