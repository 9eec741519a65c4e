/*
 * vrrpd's control protocol (RUNDIR/vrrpd/control, vrrpd(8) CONTROL): its
 * verbs in one table, which vrrpd parses requests with and vrrp-failover
 * checks its arguments and writes its usage from.  A new verb is a row
 * here, a handler in vrrpd (a static assert counts them), and a form in
 * vrrp-failover if the client offers it.
 */
#ifndef VPNHA_CTL_VRRP_H
#define VPNHA_CTL_VRRP_H

#include "ctl.h"

enum ctl_vrrp_verb {
	CTL_VRRP_SHOW,		/* show [IF VRID] */
	CTL_VRRP_PRIORITY,	/* priority IF VRID N */
	CTL_VRRP_RESTORE,	/* restore IF VRID */
	CTL_VRRP_TAKE,		/* take IF VRID */
	CTL_VRRP_RELEASE,	/* release IF VRID [N] */
	CTL_VRRP_VERBS
};

/* Indexed by the enum; min and max count the words after the verb. */
extern const struct ctl_verb ctl_vrrp_verbs[CTL_VRRP_VERBS];

/*
 * A run-time priority: 255 is not one but the address owner's, and 0 is a
 * master resigning (RFC 5798 5.2.4).
 */
#define CTL_VRRP_PRIO_MIN	1
#define CTL_VRRP_PRIO_MAX	254

struct ctl_vrrp_req {
	enum ctl_vrrp_verb verb;
	const char *ifname, *vrid;	/* the words as sent; NULL if none */
	const char *prio;		/* N as sent, or NULL */
	unsigned vrid_num;		/* 1 to 255; 0 if vrid is not a VRID */
	int prio_num;			/* a run-time priority, or 0 if not */
};

/*
 * Split a request line in place and parse it: 0 and *rq, or -1 for a verb
 * not in the table or a wrong number of words after it (show takes none,
 * or IF and VRID).  A VRID or N out of range is not an error here: it is
 * 0 in *rq, and the daemon says so after it has looked for the group.
 */
int ctl_vrrp_parse(char *line, struct ctl_vrrp_req *rq);

/* The VRID s is, 1 to 255, or 0. */
unsigned ctl_vrrp_vrid(const char *s);
/* The run-time priority s is, or 0. */
int ctl_vrrp_priority(const char *s);

#endif
