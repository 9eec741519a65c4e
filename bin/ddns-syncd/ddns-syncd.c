/*
 * ddns-syncd: keeps the cluster's gateway table identical on every node
 * (DESIGN.md, "ddns-syncd and ddns-ctl").  One process, one epoll loop,
 * one timer set to the earliest deadline.
 *
 * The files, each with what it owns, from the top.  Calls go down by
 * name; a layer reports up only through callbacks the one above it
 * registered (tests/callgraph -c: no two files call each other).
 *
 *   ddns-syncd.c     options, the configuration and the loop's clock
 *                    (ddns_syncd); the loop; it wires the table's changes
 *                    to subscribe.c and journal.c, the cluster's to status.c
 *   control.c        the control socket, its clients
 *     request.c      a request line, by the verbs of lib/ctl_ddns.h
 *     local.c        what up, down, drain do: this node's records and flag
 *     subscribe.c    the feed (lib/feed.h): its subscribers, what they
 *                    were told of the nodes
 *     status.c       members, status, records; RUN/ddns/cluster, members
 *   cluster.c        the nodes: dials, which are up, the join, this node's
 *                    drained flag, a dead or removed node's records hidden
 *     sync.c         the sync protocol; its state of a session, a link
 *       peer.c       connections: TCP, the handshake, frames, queues
 *         admit.c    who may connect: the nodes' addresses; its log
 *         noise.c    the Noise NNpsk0 handshake and cipher
 *         wire.c     frames and messages, encoded and decoded
 *   journal.c        this node's own records, RUN/ddns/journal
 *   table.c          the gateway table, and what it knows of each origin
 *   hlc.c            this node's hybrid logical clock
 *   addr.c config.c  addresses as text; vpnha.conf's statements
 *
 * Up through callbacks: peer.c to sync.c (struct peer_ops), sync.c to
 * cluster.c (struct sync_ops), cluster.c to status.c here (struct
 * cluster_ops), table.c to subscribe.c and journal.c here (table_fn),
 * subscribe.c to control.c (subscribe_fn).
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
#include "rc.h"
#include "run.h"
#include "rundir.h"

#define USAGE	"ddns-syncd [-t] [-f CONF] [-r RUNDIR] [-n FD] [-l ADDRESS]" \
	" [-u USER] [-g GROUP]"

struct syncd ddns_syncd;

static int sigfd, tfd, notify = -1;
static struct watch wsig = { W_SIG, NULL }, wtimer = { W_TIMER, NULL };

/* Every change of the table, to those who follow it. */
static void
changed(const struct rec *old, int oldvis, const struct rec *now, int nowvis)
{
	subscribe_change(old, oldvis, now, nowvis);
	journal_change(old, now);
	metrics_change(now);
}

/* Readiness once the join is over (or at once, disabled). */
static void
main_ready(void)
{
	if (!cluster_enabled() || cluster_joined())
		notify_ready(&notify);
}

static void
main_reload(void)
{
	struct cfg fresh, old;
	char err[600];

	if (config_load(ddns_syncd.conf, &fresh, err, sizeof err) != RC_OK) {
		err_warn("reload: %s; keeping the running configuration", err);
		return;
	}
	old = ddns_syncd.cfg;
	ddns_syncd.cfg = fresh;
	cluster_reload(&old);
	err_log("reloaded %s", ddns_syncd.conf);
}

static void
main_stop(void)
{
	cluster_stop();
	control_close();
	err_log("stopped");
	exit(RC_OK);
}

static void
main_signals(void)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGHUP)
			main_reload();
		else
			main_stop();
	}
}

static void
main_arm(void)
{
	int64_t t = cluster_next(), d = control_next();

	if (d >= 0 && (t < 0 || d < t))
		t = d;
	if ((d = metrics_next()) >= 0 && (t < 0 || d < t))
		t = d;
	loop_timer_set(tfd, t);
}

static void
main_loop(void)
{
	struct epoll_event ev[64];
	struct watch *w;
	uint64_t n64;
	int i, n;

	for (;;) {
		main_ready();
		main_arm();
		n = loop_wait(ev, 64, -1);
		ddns_syncd.now = clock_mono();
		for (i = 0; i < n; i++) {
			w = ev[i].data.ptr;
			switch (w->kind) {
			case W_SIG:
				main_signals();
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
		cluster_flush();
		control_reap();
		metrics_turn();
	}
}

static void
main_setup(void)
{
	static const int none[] = { -1 }, bind[] = { CAP_NET_BIND_SERVICE, -1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, 0 };
	const char *why;

	rundir_make(ddns_syncd.run, ddns_syncd.dir, ddns_syncd.user);
	metrics_start();
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
	if (caps_keep(ddns_syncd.cfg.port < 1024 ? bind : none, ddns_syncd.user,
	    &why) < 0)
		err_fatal(RC_TEMP, "unable to drop privileges: %s", why);
	ddns_syncd.now = clock_mono();
	table_init(changed);
	cluster_init(&(struct cluster_ops){ status_members, status_cluster });
	if (!ddns_syncd.cfg.enable)
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
	ddns_syncd.conf = CONF_PATH_DEFAULT;
	ddns_syncd.run = RUN_DEFAULT;
	ddns_syncd.gid = (gid_t)-1;
	while ((c = getopt(argc, argv, "tf:r:n:l:u:g:")) != -1) {
		switch (c) {
		case 't':
			test = 1;
			break;
		case 'f':
			ddns_syncd.conf = optarg;
			break;
		case 'r':
			ddns_syncd.run = optarg;
			break;
		case 'n':
			notify = notify_fd(optarg);
			break;
		case 'l':
			ddns_syncd.listen = optarg;
			break;
		case 'u':
			ddns_syncd.user = optarg;
			break;
		case 'g':
			if (caps_group(optarg, &ddns_syncd.gid, &why) < 0)
				err_fatal(RC_USAGE, "-g %s: %s", optarg, why);
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc)
		err_usage(USAGE);
	if (ddns_syncd.listen != NULL &&
	    addr_parse(ddns_syncd.listen, &(struct addr){ 0 }) < 0)
		err_fatal(RC_USAGE, "-l %s: not an IPv4 or IPv6 address",
		    ddns_syncd.listen);
	if (sodium_init() < 0)
		err_fatal(RC_TEMP, "unable to initialise libsodium");
	if ((rc = config_load(ddns_syncd.conf, &ddns_syncd.cfg, err,
	    sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
	rundir_path(ddns_syncd.dir, sizeof ddns_syncd.dir, ddns_syncd.run,
	    RUN_DDNS);
	if (test)
		return RC_OK;	/* -t: the configuration is good */
	main_setup();
	main_loop();
	return RC_OK;
}
