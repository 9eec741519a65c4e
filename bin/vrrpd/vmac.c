/*
 * rfc3768-compatibility true: the virtual router's own MAC, RFC 5798 7.3
 * (00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6), on a
 * macvlan interface over the group's interface.  The group's addresses
 * live on it, adverts and gratuitous ARP leave from it, so after a
 * failover the LAN's ARP caches and switches need not learn anything new.
 *
 * Mode bridge, not private: the kernel hands a multicast frame whose
 * source MAC is that of a private macvlan to that macvlan alone, not to
 * the parent.  A backup, whose macvlan carries the same MAC as the
 * master's, would then never hear the master's adverts on the parent,
 * where vrrpd listens.  In bridge mode the frame reaches the parent too.
 *
 * The macvlan exists, up and silent, for as long as the group runs, so
 * that taking over costs no link creation.  It has no IPv6 address of its
 * own (see nl_link_quiet_up): a backup must never send from the virtual MAC.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "num.h"
#include "vrrpd.h"

#define PROC_CONF4	"/proc/sys/net/ipv4/conf"

static void
vmac_name(const struct group *g, char *name)
{
	const char *six = g->cf.af == AF_INET6 ? "6" : "";

	/* the parent's index keeps one VRID on two interfaces apart */
	if (snprintf(name, IF_NAMESIZE, "vrrp%s.%d.%u", six, g->ifp->index,
	    g->vrid) >= IF_NAMESIZE)
		snprintf(name, IF_NAMESIZE, "vr%s.%x.%x", six,
		    (unsigned)g->ifp->index, g->vrid);
}

/* Read an integer sysctl of an interface; -1 if it cannot be read. */
static int
sysctl_get(const char *ifname, const char *key)
{
	char path[128], buf[16];
	uint32_t v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/%s/%s", PROC_CONF4, ifname, key);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return num_u32(buf, 0, 255, &v) == NUM_OK ? (int)v : -1;
}

static int
sysctl_set(const char *ifname, const char *key, int v)
{
	char path[128], buf[16];
	int fd, len, rc = -1;

	snprintf(path, sizeof path, "%s/%s/%s", PROC_CONF4, ifname, key);
	len = snprintf(buf, sizeof buf, "%d\n", v);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		goto fail;
	rc = write(fd, buf, (size_t)len) == len ? 0 : -1;
	close(fd);
	if (rc == 0)
		return 0;
fail:
	err_warnsys("unable to set net.ipv4.conf.%s.%s to %d; set it yourself",
	    ifname, key, v);
	return -1;
}

/*
 * IPv4 only: what the parent does with ARP (Linux's defaults suit one
 * interface per subnet).  arp_ignore 1: the parent answers only for its
 * own addresses, the macvlan for the virtual ones, with the virtual MAC.
 * arp_announce 2: an ARP request the parent sends (the master answering a
 * client from a virtual address) names the parent's own address, not the
 * virtual one, which would move the client's entry to the parent's MAC.
 * Each is raised only if lower, and restored by vmac_down.
 */
static const struct {
	const char *key;
	int value;
} parent_sysctl[VMAC_SYSCTLS] = { { "arp_ignore", 1 }, { "arp_announce", 2 } };

static void
vmac_sysctls(struct group *g)
{
	struct iface *ifp = g->ifp;
	int i, v;

	if (g->cf.af != AF_INET)
		return;
	for (i = 0; i < VMAC_SYSCTLS; i++) {
		if (ifp->sysctl_old[i] >= 0 ||
		    (v = sysctl_get(ifp->name, parent_sysctl[i].key)) < 0 ||
		    v >= parent_sysctl[i].value ||
		    sysctl_set(ifp->name, parent_sysctl[i].key,
		    parent_sysctl[i].value) < 0)
			continue;
		ifp->sysctl_old[i] = v;
		err_log("%s: net.ipv4.conf.%s.%s %d -> %d (virtual MAC)",
		    ifp->name, ifp->name, parent_sysctl[i].key, v,
		    parent_sysctl[i].value);
	}
	/*
	 * Traffic to a virtual address comes in on the macvlan and its
	 * replies leave by the parent, which strict reverse-path filtering
	 * forbids.
	 */
	sysctl_set(g->run.vmac.name, "rp_filter", 0);
	if (sysctl_get("all", "rp_filter") == 1)
		err_warn("%s: vrid %u: net.ipv4.conf.all.rp_filter is 1 (strict): "
		    "traffic to the virtual addresses on %s is dropped; set it to "
		    "0 or 2", ifp->name, g->vrid, g->run.vmac.name);
}

/* Remove macvlans with this group's MAC or name, left by an earlier run. */
static void
vmac_clean_stale(struct group *g, const char *name)
{
	char found[IF_NAMESIZE];
	int index, tries;

	for (tries = 0; tries < 8; tries++) {
		index = nl_macvlan_find(vrrpd.nl, g->ifp->index,
		    g->run.vmac.mac, name, found);
		if (index <= 0)
			return;
		err_log("%s: vrid %u: removing interface %s, left by an "
		    "earlier run", g->ifp->name, g->vrid, found);
		if (nl_link_del(vrrpd.nl, index) < 0)
			return;
	}
}

/*
 * Create the group's macvlan (again, if it or the parent went away), before
 * it enters Backup: 1 if it was created, 0 if it was there or cannot be.
 * On failure the group goes on with the parent's own MAC.
 */
int
vmac_up(struct group *g)
{
	char name[IF_NAMESIZE], found[IF_NAMESIZE];
	int index, rc;

	/* an address owner's addresses are the interface's own: they stay */
	if (!g->cf.rfc3768 || g->ifp->index == 0 || g->cf.owner)
		return 0;
	g->run.vmac.mac[0] = 0x00;
	g->run.vmac.mac[1] = 0x00;
	g->run.vmac.mac[2] = 0x5e;
	g->run.vmac.mac[3] = 0x00;
	g->run.vmac.mac[4] = g->cf.af == AF_INET6 ? 0x02 : 0x01;
	g->run.vmac.mac[5] = g->vrid;
	vmac_name(g, name);
	if (g->run.vmac.index > 0 && nl_macvlan_find(vrrpd.nl, g->ifp->index,
	    g->run.vmac.mac, NULL, found) == g->run.vmac.index)
		return 0;	/* still there */
	g->run.vmac.index = 0;
	vmac_clean_stale(g, name);
	if ((index = nl_macvlan_add(vrrpd.nl, name, g->ifp->index,
	    g->run.vmac.mac)) < 0 ||
	    (rc = nl_link_quiet_up(vrrpd.nl, index)) < 0) {
		rc = index < 0 ? index : rc;
		if (index > 0)
			nl_link_del(vrrpd.nl, index);
		err_warn("%s: vrid %u: unable to create virtual-MAC interface "
		    "%s: %s; using %s's own MAC", g->ifp->name, g->vrid, name,
		    strerror(-rc), g->ifp->name);
		return 0;
	}
	memcpy(g->run.vmac.name, name, IF_NAMESIZE);
	g->run.vmac.index = index;
	vmac_sysctls(g);
	err_log("%s: vrid %u: virtual MAC %02x:%02x:%02x:%02x:%02x:%02x on %s",
	    g->ifp->name, g->vrid, g->run.vmac.mac[0], g->run.vmac.mac[1],
	    g->run.vmac.mac[2], g->run.vmac.mac[3], g->run.vmac.mac[4],
	    g->run.vmac.mac[5], name);
	g->run.dirty = 1;
	return 1;
}

/* Remove the group's macvlan; restore the parent's sysctls if last. */
void
vmac_down(struct group *g)
{
	const struct group *o;
	int i;

	if (g->run.vmac.index == 0)
		return;
	if (nl_link_del(vrrpd.nl, g->run.vmac.index) < 0)
		err_warn("%s: vrid %u: unable to remove interface %s",
		    g->ifp->name, g->vrid, g->run.vmac.name);
	g->run.vmac.index = 0;
	g->run.dirty = 1;
	for (o = vrrpd_groups; o != NULL; o = o->next)
		if (o->ifp == g->ifp && o->run.vmac.index > 0 &&
		    o->cf.af == AF_INET)
			return;
	for (i = 0; i < VMAC_SYSCTLS && g->ifp->index > 0; i++)
		if (g->ifp->sysctl_old[i] >= 0 && sysctl_set(g->ifp->name,
		    parent_sysctl[i].key, g->ifp->sysctl_old[i]) == 0)
			g->ifp->sysctl_old[i] = -1;
}

/* Where the group's addresses live and what MAC announces them. */
int
vmac_index(const struct group *g)
{
	return g->run.vmac.index > 0 ? g->run.vmac.index : g->ifp->index;
}

const uint8_t *
vmac_mac(const struct group *g)
{
	return g->run.vmac.index > 0 ? g->run.vmac.mac : g->ifp->mac;
}
