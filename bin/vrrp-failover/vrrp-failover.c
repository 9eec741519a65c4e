/*
 * vrrp-failover: the guide's "Forcing an Artificial Failover" as one
 * command.  It asks vrrpd (RUNDIR/vrrpd/control) for the change and waits
 * until the state files say it happened.  Its commands are verbs of
 * vrrpd's table (lib/ctl_vrrp.h), their arguments and usage written from
 * it; what the client does with each is the table `form` below.
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "ctl_vrrp.h"
#include "err.h"
#include "num.h"
#include "rc.h"
#include "run.h"

#define GROUPS_MAX	64
#define POLL_NS		(5 * CLOCK_MS)

struct grp {
	char ifname[64], vrid[8];
	char state[16], from[16], preempt[8];
	int done;
};

/*
 * The verbs of vrrpd's table that are commands here, each with the state
 * it waits for (or none).  A form's options follow from it: -w SECONDS
 * where it waits, -p N where the verb has an optional last argument,
 * which -p gives; its arguments are the verb's others, IF and VRID first.
 * show is not a command: vrrp-failover asks it while it waits.
 */
static const struct form {
	int command;
	const char *wait;	/* the state to wait for, or NULL */
} form[CTL_VRRP_VERBS] = {
	[CTL_VRRP_PRIORITY] = { 1, NULL },
	[CTL_VRRP_RESTORE] = { 1, NULL },
	[CTL_VRRP_TAKE] = { 1, "master" },
	[CTL_VRRP_RELEASE] = { 1, "backup" },
};

static char ctlpath[4200];
static struct grp grp[GROUPS_MAX];
static int ngrp;

/* The usage, one form a command, as vrrp-failover(8)'s SYNOPSIS. */
static const char *
usage(void)
{
	static char buf[1024];
	const struct ctl_verb *v;
	const char *a;
	size_t n = 0, len;
	int i, k;

	for (i = 0; i < CTL_VRRP_VERBS; i++) {
		if (!form[i].command)
			continue;
		v = &ctl_vrrp_verbs[i];
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		    "%svrrp-failover [-r RUNDIR] %s%s%s", n ? "\n       " : "",
		    form[i].wait ? "[-w SECONDS] " : "",
		    v->max > v->min ? "[-p N] " : "", v->name);
		for (a = v->args, k = 0; k < v->min; k++, a += strspn(a, " ")) {
			len = strcspn(a, " ");
			n += (size_t)snprintf(buf + n, sizeof buf - n, " %.*s",
			    (int)len, a);
			a += len;
		}
	}
	return buf;
}

static void
ask_vrrpd(const char *req, void (*fn)(const char *, void *), void *arg)
{
	if (ctl_command("vrrpd", ctlpath, req, 5000, fn, arg) != RC_OK)
		exit(RC_NO);
}

/*
 * Every line of vrrpd's reply is printed.  "eth0 99 backup, priority 100
 * -> 151" is a group the change applies to, to wait for; vrrpd says which
 * it leaves as they are ("eth0 99: already master"), nothing to wait for.
 */
static void
reply_line(const char *line, void *arg)
{
	struct grp *g = &grp[ngrp];
	int a, b;

	(void)arg;
	puts(line);
	if (ngrp < GROUPS_MAX && sscanf(line, "%63s %7[0-9] %15[a-z], "
	    "priority %d -> %d", g->ifname, g->vrid, g->from, &a, &b) == 5)
		ngrp++;
}

static void
state_line(const char *line, void *arg)
{
	struct grp *g = arg;

	if (strncmp(line, "state=", 6) == 0)
		snprintf(g->state, sizeof g->state, "%s", line + 6);
	else if (strncmp(line, "preempt=", 8) == 0)
		snprintf(g->preempt, sizeof g->preempt, "%s", line + 8);
}

static void
ask_state(struct grp *g)
{
	char req[sizeof g->ifname + sizeof g->vrid + 16];

	snprintf(req, sizeof req, "%s %.63s %.7s",
	    ctl_vrrp_verbs[CTL_VRRP_SHOW].name, g->ifname, g->vrid);
	ask_vrrpd(req, state_line, g);
}

static const char *
reason(const struct grp *g, const char *want)
{
	if (strcmp(g->state, "fault") == 0 || strcmp(g->state, "init") == 0)
		return "this node is in fault (is its link up?)";
	if (strcmp(want, "master") == 0 && strcmp(g->preempt, "false") == 0)
		return "preempt false here: a backup does not take over from a "
		    "running master (the guide: pre-emption must be enabled)";
	if (strcmp(want, "master") == 0)
		return "the master did not give way: does it hear this node? "
		    "does it preempt?";
	return "no other router took over: is there a backup?";
}

/* Wait until every group is in state want; 0 if they all got there. */
static int
wait_for(const char *want, int64_t limit)
{
	int64_t t0 = clock_mono(), now;
	struct timespec ts = { 0, POLL_NS };
	int i, left;

	for (i = 0; i < ngrp; i++)
		ask_state(&grp[i]);
	for (;;) {
		now = clock_mono();
		for (i = 0, left = 0; i < ngrp; i++) {
			if (grp[i].done)
				continue;
			if (strcmp(grp[i].state, want) == 0) {
				grp[i].done = 1;
				printf("%s %s: %s -> %s after %.3f s\n",
				    grp[i].ifname, grp[i].vrid, grp[i].from, want,
				    (double)(now - t0) / CLOCK_SEC);
				fflush(stdout);
			} else
				left++;
		}
		if (left == 0)
			return 0;
		if (now - t0 > limit)
			break;
		nanosleep(&ts, NULL);
		for (i = 0; i < ngrp; i++)
			if (!grp[i].done)
				ask_state(&grp[i]);
	}
	for (i = 0; i < ngrp; i++)
		if (!grp[i].done)
			err_warn("%s %s still %s after %.1f s: %s", grp[i].ifname,
			    grp[i].vrid, grp[i].state, (double)limit / CLOCK_SEC,
			    reason(&grp[i], want));
	return -1;
}

int
main(int argc, char **argv)
{
	const char *run = RUN_DEFAULT;
	const struct ctl_verb *v;
	char req[256];
	uint64_t wait = 10 * 1000;	/* ms */
	int c, i, prio = 1, pset = 0, verb;
	size_t n;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, "r:w:p:")) != -1) {
		switch (c) {
		case 'r':
			run = optarg;
			break;
		case 'w':
			if (num_fixed(optarg, 3, 1, 3600 * 1000, &wait) != NUM_OK)
				err_fatal(RC_USAGE, "-w %s: not 0.001 to 3600 "
				    "seconds", optarg);
			break;
		case 'p':
			if ((prio = ctl_vrrp_priority(optarg)) == 0)
				err_fatal(RC_USAGE, "-p %s: not a priority from "
				    "1 to 254", optarg);
			pset = 1;
			break;
		default:
			err_usage(usage());
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (verb = ctl_verb(ctl_vrrp_verbs, CTL_VRRP_VERBS,
	    argv[0])) < 0 || !form[verb].command)
		err_usage(usage());
	v = &ctl_vrrp_verbs[verb];
	if (argc < 3 || argc - 1 != v->min || (pset && v->max == v->min))
		err_usage(usage());
	if (strlen(argv[1]) >= IF_NAMESIZE || ctl_vrrp_vrid(argv[2]) == 0)
		err_fatal(RC_USAGE, "%s %s: not an interface and a VRID",
		    argv[1], argv[2]);
	if (verb == CTL_VRRP_PRIORITY && ctl_vrrp_priority(argv[3]) == 0)
		err_fatal(RC_USAGE, "%s: not a priority from 1 to 254", argv[3]);
	n = (size_t)snprintf(req, sizeof req, "%s", v->name);
	for (i = 1; i < argc; i++)
		n += (size_t)snprintf(req + n, sizeof req - n, " %s", argv[i]);
	if (v->max > v->min)
		snprintf(req + n, sizeof req - n, " %d", prio);
	snprintf(ctlpath, sizeof ctlpath, "%s/%s", run, RUN_VRRPD_CONTROL);
	if (form[verb].wait == NULL) {
		ask_vrrpd(req, NULL, NULL);
		return RC_OK;
	}
	ask_vrrpd(req, reply_line, NULL);
	return wait_for(form[verb].wait, (int64_t)wait * CLOCK_MS) ? RC_NO :
	    RC_OK;
}
