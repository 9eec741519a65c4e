/*
 * vrrp-failover: the guide's "Forcing an Artificial Failover" as one
 * command.  It asks vrrpd (RUNDIR/vrrpd/control) for the change and waits
 * until the state files say it happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "err.h"
#include "num.h"
#include "rc.h"
#include "run.h"

#define USAGE	"vrrp-failover [-r RUNDIR] [-w SECONDS] take IF VRID\n" \
	"       vrrp-failover [-r RUNDIR] [-w SECONDS] [-p N] release IF VRID\n" \
	"       vrrp-failover [-r RUNDIR] priority IF VRID N\n" \
	"       vrrp-failover [-r RUNDIR] restore IF VRID"
#define GROUPS_MAX	64
#define POLL_NS		(5 * CLOCK_MS)

struct grp {
	char ifname[64], vrid[8];
	char state[16], from[16], preempt[8];
	int done;
};

static char ctlpath[4200];
static struct grp grp[GROUPS_MAX];
static int ngrp;

static void
call(const char *req, void (*fn)(const char *, void *), void *arg)
{
	const char *why;
	int rc = ctl_call(ctlpath, req, 5000, fn, arg, &why);

	if (rc == RC_TEMP)
		err_fatal(RC_TEMP, "unable to reach vrrpd at %s: %s", ctlpath, why);
	if (rc == RC_NO)
		err_fatal(RC_NO, "%s", why);
}

/*
 * Every line of vrrpd's reply is printed.  "eth0 99 backup, priority 100
 * -> 151" is a group the change applies to, to wait for; vrrpd says which
 * it leaves as they are ("eth0 99: already master"), nothing to wait for.
 */
static void
changed(const char *line, void *arg)
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
field(const char *line, void *arg)
{
	struct grp *g = arg;

	if (strncmp(line, "state=", 6) == 0)
		snprintf(g->state, sizeof g->state, "%s", line + 6);
	else if (strncmp(line, "preempt=", 8) == 0)
		snprintf(g->preempt, sizeof g->preempt, "%s", line + 8);
}

static void
show(struct grp *g)
{
	char req[sizeof g->ifname + sizeof g->vrid + 8];

	snprintf(req, sizeof req, "show %.63s %.7s", g->ifname, g->vrid);
	call(req, field, g);
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
		show(&grp[i]);
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
				show(&grp[i]);
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
	const char *run = RUN_DEFAULT, *verb;
	char req[256];
	uint64_t wait = 10 * 1000;	/* ms */
	uint32_t prio = 1, v;
	int c, pset = 0;

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
			if (num_u32(optarg, 1, 254, &prio) != NUM_OK)
				err_fatal(RC_USAGE, "-p %s: not a priority from "
				    "1 to 254", optarg);
			pset = 1;
			break;
		default:
			err_usage(USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		err_usage(USAGE);
	verb = argv[0];
	if (strlen(argv[1]) > 15 || num_u32(argv[2], 1, 255, &v) != NUM_OK)
		err_fatal(RC_USAGE, "%s %s: not an interface and a VRID",
		    argv[1], argv[2]);
	snprintf(ctlpath, sizeof ctlpath, "%s/%s", run, RUN_VRRPD_CONTROL);
	if (strcmp(verb, "take") == 0 && argc == 3 && !pset) {
		snprintf(req, sizeof req, "take %s %s", argv[1], argv[2]);
		call(req, changed, NULL);
		return wait_for("master", (int64_t)wait * CLOCK_MS) ? RC_NO : RC_OK;
	}
	if (strcmp(verb, "release") == 0 && argc == 3) {
		snprintf(req, sizeof req, "release %s %s %u", argv[1], argv[2], prio);
		call(req, changed, NULL);
		return wait_for("backup", (int64_t)wait * CLOCK_MS) ? RC_NO : RC_OK;
	}
	if (strcmp(verb, "priority") == 0 && argc == 4 && !pset) {
		if (num_u32(argv[3], 1, 254, &v) != NUM_OK)
			err_fatal(RC_USAGE, "%s: not a priority from 1 to 254",
			    argv[3]);
		snprintf(req, sizeof req, "priority %s %s %u", argv[1], argv[2], v);
		call(req, NULL, NULL);
		return RC_OK;
	}
	if (strcmp(verb, "restore") == 0 && argc == 3 && !pset) {
		snprintf(req, sizeof req, "restore %s %s", argv[1], argv[2]);
		call(req, NULL, NULL);
		return RC_OK;
	}
	err_usage(USAGE);
}
