/*
 * RUN/vrrpd/vrrpd.prom, linked as RUN/metrics/vrrpd.prom (lib/prom.h):
 * every group's state and counters, and each interface's dropped
 * packets, for node_exporter's textfile collector.  Written with the
 * status files: at once on a transition, and within a second of a
 * counter's move.  The names and labels are in vrrpd(8), METRICS.
 */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "err.h"
#include "prom.h"
#include "rc.h"
#include "vrrpd.h"

#define METRICS_NAME	"vrrpd"

static int failing;		/* the last write failed, and said so */

/*
 * The labels of group g: its address family, interface and VRID, with
 * "state" (k, v) among them if given: in the order Prometheus serves.
 */
static char *
group_labels(char *buf, size_t size, const struct group *g, const char *k,
    const char *v)
{
	const char *af = g->cf.af == AF_INET ? "inet" : "inet6";
	char vrid[4];

	snprintf(vrid, sizeof vrid, "%u", g->vrid);
	if (k != NULL)
		return prom_labels(buf, size, "family", af, "interface",
		    g->ifp->name, k, v, "vrid", vrid, (const char *)NULL);
	return prom_labels(buf, size, "family", af, "interface", g->ifp->name,
	    "vrid", vrid, (const char *)NULL);
}

/* The counters of struct grun, every group's. */
static const struct {
	const char *name, *help;
	size_t off;			/* a uint64_t of struct grun */
} counters[] = {
	{ "vpnha_vrrp_transitions_total",
	    "Changes of state since the group started.",
	    offsetof(struct grun, transitions) },
	{ "vpnha_vrrp_adverts_sent_total", "Advertisements sent.",
	    offsetof(struct grun, sent) },
	{ "vpnha_vrrp_adverts_received_total",
	    "Advertisements received for the group and accepted.",
	    offsetof(struct grun, received) },
	{ "vpnha_vrrp_priority_zero_sent_total",
	    "Advertisements of priority 0 (resigning) sent.",
	    offsetof(struct grun, sent0) },
	{ "vpnha_vrrp_priority_zero_received_total",
	    "Advertisements of priority 0 received.",
	    offsetof(struct grun, received0) },
};

/* The priorities: configured (effective 0) or as advertised. */
static void
priorities(struct prom *p, const char *name, const char *help, int effective)
{
	const struct group *g;
	char l[256];

	prom_family(p, name, "gauge", help);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->ifp != NULL)
			prom_u64(p, name, group_labels(l, sizeof l, g, NULL,
			    NULL), (uint64_t)(effective ? group_priority(g) :
			    g->cf.priority));
}

void
metrics_write(void)
{
	static char buf[1 << 20];	/* 100 groups take about 130 KiB */
	const struct group *g, *h;
	struct prom p;
	char l[256];
	int s, i;

	prom_start(&p, buf, sizeof buf);
	prom_family(&p, "vpnha_vrrp_state", "gauge",
	    "1 for the state the group is in (init, backup, master, fault), "
	    "0 for the others.");
	for (g = vrrpd_groups; g != NULL; g = g->next)
		for (s = VS_INIT; g->ifp != NULL && s <= VS_FAULT; s++)
			prom_u64(&p, "vpnha_vrrp_state", group_labels(l,
			    sizeof l, g, "state", vstate_name[s]),
			    g->run.state == (enum vstate)s);
	priorities(&p, "vpnha_vrrp_priority", "The priority configured.", 0);
	priorities(&p, "vpnha_vrrp_effective_priority", "The priority the "
	    "adverts carry: the configured one moved by the trackers, or the "
	    "one set at run time.", 1);
	for (i = 0; i < (int)(sizeof counters / sizeof counters[0]); i++) {
		prom_family(&p, counters[i].name, "counter", counters[i].help);
		for (g = vrrpd_groups; g != NULL; g = g->next)
			if (g->ifp != NULL)
				prom_u64(&p, counters[i].name, group_labels(l,
				    sizeof l, g, NULL, NULL), *(const uint64_t *)
				    (const void *)((const char *)&g->run +
				    counters[i].off));
	}
	prom_family(&p, "vpnha_vrrp_last_transition_timestamp_seconds", "gauge",
	    "When the group last changed state (its start is one), seconds "
	    "since the epoch.");
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->ifp != NULL)
			prom_time(&p, "vpnha_vrrp_last_transition_timestamp_seconds",
			    group_labels(l, sizeof l, g, NULL, NULL),
			    g->run.changed);
	prom_family(&p, "vpnha_vrrp_dropped_packets_total", "counter",
	    "VRRP packets dropped on an interface, by reason.");
	for (g = vrrpd_groups; g != NULL; g = g->next) {
		if (g->ifp == NULL)
			continue;
		for (h = vrrpd_groups; h != g && h->ifp != g->ifp; h = h->next)
			;
		if (h != g)
			continue;	/* the interface's first group says it */
		for (i = 1; i < ADVERT_DROP_MAX; i++)
			prom_u64(&p, "vpnha_vrrp_dropped_packets_total",
			    prom_labels(l, sizeof l, "interface", g->ifp->name,
			    "reason", advert_drop_name[i], (const char *)NULL),
			    g->ifp->drops[i]);
	}
	prom_write(vrrpd.dir, METRICS_NAME, &p, &failing);
}

void
metrics_start(void)
{
	prom_link_or_exit(vrrpd.run, vrrpd.dir, METRICS_NAME);
}
