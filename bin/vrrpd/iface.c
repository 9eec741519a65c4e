/*
 * The interfaces the groups run on, as the kernel has them: found by name
 * (one may be missing, and come later), their VRRP sockets opened once
 * they exist, and their link state followed from rtnetlink events.  With
 * the trackers (track.c) the link decides what a group may do: Fault when
 * its link or a tracker without weight is down, the effective priority
 * moved by the others (group_health).
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "loop.h"
#include "rc.h"
#include "vrrpd.h"

static struct iface *ifaces;	/* every interface a group names */

static struct iface *
iface_get(const char *name)
{
	struct iface *ifp;

	for (ifp = ifaces; ifp != NULL; ifp = ifp->next)
		if (strcmp(ifp->name, name) == 0)
			return ifp;
	if ((ifp = calloc(1, sizeof *ifp)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	snprintf(ifp->name, sizeof ifp->name, "%s", name);
	ifp->sock4 = ifp->sock6 = ifp->arp = ifp->icmp6 = -1;
	ifp->sysctl_old[0] = ifp->sysctl_old[1] = -1;
	ifp->watch4.kind = WATCH_VRRP4;
	ifp->watch6.kind = WATCH_VRRP6;
	ifp->watch4.p = ifp->watch6.p = ifp;
	ifp->next = ifaces;
	ifaces = ifp;
	return ifp;
}

/* Sockets for every family a group uses on ifp, once the interface exists. */
static void
iface_open(struct iface *ifp)
{
	const struct group *g;
	int af;

	if (ifp->index == 0)
		return;
	for (g = vrrpd_groups; g != NULL && g->ifp != ifp; g = g->next)
		;
	if (g == NULL)
		return;		/* only tracked (track interface) */
	for (g = vrrpd_groups; g != NULL; g = g->next) {
		if (g->ifp != ifp)
			continue;
		af = g->cf.af;
		if ((af == AF_INET ? ifp->sock4 : ifp->sock6) >= 0)
			continue;
		if (net_iface_open(ifp, af) < 0) {
			err_warnsys("%s: unable to open a VRRP socket", ifp->name);
			continue;
		}
		if (af == AF_INET)
			loop_add(ifp->sock4, &ifp->watch4, EPOLLIN);
		else
			loop_add(ifp->sock6, &ifp->watch6, EPOLLIN);
	}
	/* send-only: protocol 0 and a filter that blocks every type */
	if (ifp->arp < 0)
		ifp->arp = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ifp->icmp6 < 0 && (ifp->icmp6 = socket(AF_INET6,
	    SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6)) >= 0) {
		int hops = 255, idx = ifp->index;
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		setsockopt(ifp->icmp6, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
		setsockopt(ifp->icmp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
		    &hops, sizeof hops);
		setsockopt(ifp->icmp6, IPPROTO_IPV6, IPV6_MULTICAST_IF,
		    &idx, sizeof idx);
	}
}

/* Its link up, and no tracker without a weight down. */
static int
group_can_run(const struct group *g)
{
	return g->ifp->index != 0 && g->ifp->up && !g->run.tfault;
}

static void
group_eval(struct group *g)
{
	int adjust;

	g->run.tfault = track_eval(g, &adjust);
	g->run.adjust = adjust;
}

/*
 * g's link and trackers looked at again: a Fault begins or ends (a group
 * not started yet is iface_start's), or the effective priority moved.
 */
static void
group_health(struct group *g)
{
	int before = group_priority(g);

	group_eval(g);
	g->run.dirty = 1;	/* a tracker's line, within FLUSH_EVERY */
	if (g->run.state == VS_INIT)
		return;
	if (!group_can_run(g)) {
		if (g->run.state != VS_FAULT)
			election_fault(g);
	} else if (g->run.state == VS_FAULT) {
		vip_clean_stale(g);
		vmac_up(g);
		election_start(g);
	} else if (group_priority(g) != before)
		election_moved(g, before);
}

/* Every link to the trackers, then every group's health: track.c's callback. */
void
iface_health(void)
{
	struct iface *ifp;
	struct group *g;

	for (ifp = ifaces; ifp != NULL; ifp = ifp->next)
		track_link(ifp->name, ifp->index != 0 && ifp->up);
	for (g = vrrpd_groups; g != NULL; g = g->next)
		group_health(g);
}

/*
 * ifp as the kernel has it now; what that means for the groups (Fault, or
 * start again), iface_health decides.
 */
void
iface_refresh(struct iface *ifp)
{
	int had = ifp->index;
	struct group *g;

	if (nl_iface(ifp) < 0) {
		if (had)
			err_warn("%s: interface is gone", ifp->name);
		ifp->index = 0;
		ifp->up = 0;
		net_iface_close(ifp);
		for (g = vrrpd_groups; g != NULL; g = g->next)
			if (g->ifp == ifp)
				g->run.vmac.index = 0;	/* gone with it */
	} else if (!had)
		iface_open(ifp);
}

/*
 * Any link event: every interface looked at again; a virtual-MAC interface
 * that went away (ip link del) made again, with its addresses on a master.
 * A link the event itself says is down faults its groups first, before
 * any netlink request: a sync group's priority 0 adverts wait for nothing.
 */
void
iface_changed(int index, int down)
{
	struct iface *ifp;
	struct group *g;

	for (ifp = ifaces; ifp != NULL && down; ifp = ifp->next)
		if (ifp->index == index && ifp->up) {
			ifp->up = 0;
			for (g = vrrpd_groups; g != NULL; g = g->next)
				if (g->ifp == ifp && g->run.state != VS_FAULT)
					election_fault(g);
		}
	for (ifp = ifaces; ifp != NULL; ifp = ifp->next)
		iface_refresh(ifp);
	iface_health();
	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->run.vmac.index > 0 &&
		    (index == 0 || index == g->run.vmac.index) && g->ifp->up &&
		    vmac_up(g) == 1 && g->run.state == VS_MASTER) {
			vip_add(g);
			vip_announce(g);
		}
}

/* The interfaces g tracks (track interface), followed from now on. */
void
iface_follow(const struct group *g)
{
	struct iface *t;
	int i;

	for (i = 0; i < g->cf.ntrack; i++)
		if (g->cf.track[i].kind == TRACK_INTERFACE &&
		    (t = iface_get(g->cf.track[i].name))->index == 0)
			nl_iface(t);	/* its state, until the next event */
}

void
iface_attach(struct group *g)
{
	g->ifp = iface_get(g->ifname);
	iface_follow(g);
	g->run.adver_at = g->run.down_at = g->run.garp_at = -1;
	g->run.joined_at = -1;
	g->run.state = VS_INIT;
	if (g->cf.auth_type == VRRP_AUTH_PASS)
		err_warn("%s: vrid %u: a plaintext password is sent in the "
		    "clear and protects against nothing; it is there only to "
		    "interoperate", g->ifname, g->vrid);
}

void
iface_start(struct group *g)
{
	if (g->ifp->index == 0)
		iface_refresh(g->ifp);
	iface_open(g->ifp);
	group_eval(g);
	if (!group_can_run(g)) {
		if (g->ifp->index == 0)
			err_warn("%s: no such interface; waiting for it",
			    g->ifname);
		election_fault(g);
		return;
	}
	vip_clean_stale(g);
	vmac_up(g);
	election_start(g);
}
