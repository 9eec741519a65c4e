/*
 * The run-time directory, RUNDIR (-r, default /run/vpnha), and every path
 * under it that two programs share or a man page names: the one home of
 * these facts, as s6's supervise.h is of supervise/status.
 */
#ifndef VPNHA_RUN_H
#define VPNHA_RUN_H

#define RUN_DEFAULT		"/run/vpnha"

#define RUN_DDNS		"ddns"			/* ddns-syncd's own */
#define RUN_DDNS_CONTROL	RUN_DDNS "/control"	/* its control socket */
#define RUN_DDNS_CLUSTER	RUN_DDNS "/cluster"	/* the guide's join line */
#define RUN_DDNS_MEMBERS	RUN_DDNS "/members"	/* one line a node */
#define RUN_DDNS_JOURNAL	RUN_DDNS "/journal"	/* its own records */

#define RUN_VRRPD		"vrrpd"			/* vrrpd's own */
#define RUN_VRRPD_CONTROL	RUN_VRRPD "/control"	/* its control socket */
#define RUN_DDNS_NAMED		"ddns-named"		/* ddns-named's own */
/* and RUN_VRRPD "/IFACE.VRID", a status file per group */

#endif
