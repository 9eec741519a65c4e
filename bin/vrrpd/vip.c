/*
 * Virtual addresses: added when a group becomes master, removed when it
 * stops being master, and announced by gratuitous ARP (RFC 5227 3) and
 * unsolicited neighbour advertisements (RFC 4861 7.2.6).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "vrrpd.h"

#define ANNOUNCE_COUNT	3	/* bursts: at once, then 0.1 s, then 1 s */

const char *
vip_str(const struct vip *v, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(v->af, &v->a, a, sizeof a);
	snprintf(buf, size, "%s/%d", a, v->plen);
	return buf;
}

static void
vip_each(struct group *g, int add)
{
	char s[64];
	int i, rc;

	/* the address owner's addresses are its own: never added or removed */
	if (g->ifp->index == 0 || g->cf.owner)
		return;
	for (i = 0; i < g->cf.nvip; i++)
		if ((rc = nl_addr(vrrpd.nl, add, vmac_index(g), &g->cf.vip[i])) < 0)
			err_warn("%s: vrid %u: unable to %s %s: %s", g->ifp->name,
			    g->vrid, add ? "add" : "remove",
			    vip_str(&g->cf.vip[i], s, sizeof s), strerror(-rc));
}

int
vip_add(struct group *g)
{
	vip_each(g, 1);
	return 0;
}

int
vip_del(struct group *g)
{
	vip_each(g, 0);
	return 0;
}

/*
 * A predecessor killed with SIGKILL leaves its virtual addresses behind;
 * two hosts would then answer for them.  Before entering Backup, remove
 * any that are there, unless this router owns them (priority 255).
 */
void
vip_clean_stale(struct group *g)
{
	char s[64];
	int i;

	if (g->cf.owner || g->ifp->index == 0)
		return;
	for (i = 0; i < g->cf.nvip; i++) {
		if (nl_has_addr(vrrpd.nl, g->ifp->index, &g->cf.vip[i]) != 1)
			continue;
		err_log("%s: vrid %u: removing %s, left by an earlier run",
		    g->ifp->name, g->vrid, vip_str(&g->cf.vip[i], s, sizeof s));
		nl_addr(vrrpd.nl, 0, g->ifp->index, &g->cf.vip[i]);
	}
}

/* From the virtual MAC's interface if there is one (vmac.c), in its name. */
static void
vip_garp(const struct group *g, const struct in_addr *ip)
{
	struct iface *ifp = g->ifp;
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = vmac_index(g),
	    .sll_halen = 6, .sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	uint8_t p[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };	/* Ethernet, IPv4, request */

	memcpy(p + 8, vmac_mac(g), 6);
	memcpy(p + 14, ip, 4);
	memset(p + 18, 0xff, 6);
	memcpy(p + 24, ip, 4);
	if (sendto(ifp->arp, p, sizeof p, 0, (struct sockaddr *)&to, sizeof to) < 0)
		err_warnsys("%s: unable to send gratuitous ARP", ifp->name);
}

static void
vip_na(const struct group *g, const struct in6_addr *ip)
{
	struct iface *ifp = g->ifp;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
	    .sin6_scope_id = (unsigned)vmac_index(g) };
	struct {
		struct nd_neighbor_advert na;
		uint8_t opt[8];
	} p;

	memset(&p, 0, sizeof p);
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	p.na.nd_na_target = *ip;
	p.opt[0] = ND_OPT_TARGET_LINKADDR;
	p.opt[1] = 1;
	memcpy(p.opt + 2, vmac_mac(g), 6);
	if (sendto(ifp->icmp6, &p, sizeof p, 0, (struct sockaddr *)&to,
	    sizeof to) < 0)
		err_warnsys("%s: unable to send unsolicited neighbour "
		    "advertisement", ifp->name);
}

/* One burst for every address; the next ones scheduled in g->run.garp_at. */
void
vip_announce(struct group *g)
{
	static const int64_t gap[ANNOUNCE_COUNT] = { 0, 100 * CLOCK_MS, 900 * CLOCK_MS };
	int i;

	if (g->run.garp_at < 0 || g->run.state != VS_MASTER)
		g->run.garp_left = ANNOUNCE_COUNT;
	for (i = 0; i < g->cf.nvip && g->ifp->up; i++) {
		if (g->cf.vip[i].af == AF_INET && g->ifp->arp >= 0)
			vip_garp(g, &g->cf.vip[i].a.v4);
		else if (g->cf.vip[i].af == AF_INET6 && g->ifp->icmp6 >= 0 &&
		    !IN6_IS_ADDR_LINKLOCAL(&g->cf.vip[i].a.v6))
			vip_na(g, &g->cf.vip[i].a.v6);
	}
	if (--g->run.garp_left > 0)
		g->run.garp_at = vrrpd.now + gap[ANNOUNCE_COUNT - g->run.garp_left];
	else
		g->run.garp_at = -1;
}
