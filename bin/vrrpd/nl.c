/*
 * rtnetlink: the interfaces' index, MAC, state and addresses, and adding
 * and removing virtual addresses.  Requests are synchronous and small.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vrrpd.h"

#define NLBUF	32768

static unsigned seq;

int
nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { 1, 0 };	/* the kernel answers at once */
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof tv) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A socket that hears about links and addresses changing. */
int
nl_events(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
	    .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Append an attribute to the request in buf (size bytes in all). */
static void
nl_attr(void *buf, size_t size, unsigned short type, const void *data, size_t len)
{
	struct nlmsghdr *n = buf;
	struct rtattr *rta;

	if (NLMSG_ALIGN(n->nlmsg_len) + RTA_SPACE(len) > size)
		return;
	rta = (struct rtattr *)((char *)buf + NLMSG_ALIGN(n->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Open a nested attribute; nest_end closes it. */
static struct rtattr *
nl_nest(void *buf, size_t size, unsigned short type)
{
	struct nlmsghdr *n = buf;
	struct rtattr *rta = (struct rtattr *)((char *)buf +
	    NLMSG_ALIGN(n->nlmsg_len));

	nl_attr(buf, size, type, NULL, 0);
	return rta;
}

static void
nl_nest_end(void *buf, struct rtattr *rta)
{
	struct nlmsghdr *n = buf;

	rta->rta_len = (unsigned short)((char *)buf + n->nlmsg_len - (char *)rta);
}

/*
 * Send a request and read the answer: each message to fn (dumps), the ACK's
 * error code as the result.
 */
static int
nl_talk(int fd, struct nlmsghdr *req, void (*fn)(struct nlmsghdr *, void *),
    void *arg)
{
	static char buf[NLBUF];
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct nlmsghdr *n;
	ssize_t r;
	int len;

	req->nlmsg_seq = ++seq;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&to,
	    sizeof to) < 0)
		return -errno;
	for (;;) {
		if ((r = recv(fd, buf, sizeof buf, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int)r;
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, (unsigned)len);
		    n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_seq != seq)
				continue;
			if (n->nlmsg_type == NLMSG_DONE)
				return 0;
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				return e->error;
			}
			if (fn != NULL)
				fn(n, arg);
		}
	}
}

static void
nl_link_cb(struct nlmsghdr *n, void *arg)
{
	struct iface *ifp = arg;
	struct ifinfomsg *ifi = NLMSG_DATA(n);
	struct rtattr *rta;
	int len = (int)IFLA_PAYLOAD(n);

	if (n->nlmsg_type != RTM_NEWLINK)
		return;
	ifp->index = ifi->ifi_index;
	ifp->up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(rta) == 6)
			memcpy(ifp->mac, RTA_DATA(rta), 6);
}

static int
nl_is_vip(int af, const void *a)
{
	const struct group *g;
	int i;

	/* an owner's addresses (priority 255) are the interface's own */
	for (g = vrrpd_groups; g != NULL; g = g->next)
		for (i = 0; i < g->cf.nvip && !g->cf.owner; i++)
			if (g->cf.vip[i].af == af && memcmp(&g->cf.vip[i].a, a,
			    af == AF_INET ? 4 : 16) == 0)
				return 1;
	return 0;
}

static void
nl_addr_cb(struct nlmsghdr *n, void *arg)
{
	struct iface *ifp = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(n);
	struct rtattr *rta;
	int len = (int)IFA_PAYLOAD(n);
	const void *a = NULL;

	if (n->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != ifp->index)
		return;
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if ((rta->rta_type == IFA_LOCAL && ifa->ifa_family == AF_INET) ||
		    (rta->rta_type == IFA_ADDRESS && a == NULL))
			a = RTA_DATA(rta);
	if (a == NULL || nl_is_vip(ifa->ifa_family, a))
		return;
	if (ifa->ifa_family == AF_INET && !ifp->have4 &&
	    !(ifa->ifa_flags & IFA_F_SECONDARY)) {
		memcpy(&ifp->primary4, a, 4);
		ifp->have4 = 1;
	} else if (ifa->ifa_family == AF_INET6 && !ifp->have6 &&
	    IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)a) &&
	    !(ifa->ifa_flags & IFA_F_TENTATIVE)) {
		memcpy(&ifp->ll6, a, 16);
		ifp->have6 = 1;
	}
}

/* Refresh what the kernel knows of ifp: 0, or -1 if it does not exist. */
int
nl_iface(struct iface *ifp)
{
	struct {
		struct nlmsghdr n;
		union {
			struct ifinfomsg i;
			struct ifaddrmsg a;
		} u;
		char attrs[64];
	} req;

	memset(&req, 0, sizeof req);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.u.i);
	req.n.nlmsg_type = RTM_GETLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nl_attr(&req, sizeof req, IFLA_IFNAME, ifp->name, strlen(ifp->name) + 1);
	ifp->index = 0;
	ifp->up = 0;
	if (nl_talk(vrrpd.nl, &req.n, nl_link_cb, ifp) < 0 || ifp->index == 0)
		return -1;
	memset(&req, 0, sizeof req);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.u.a);
	req.n.nlmsg_type = RTM_GETADDR;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.u.a.ifa_family = AF_UNSPEC;
	ifp->have4 = ifp->have6 = 0;
	return nl_talk(vrrpd.nl, &req.n, nl_addr_cb, ifp) < 0 ? -1 : 0;
}

/* Add or remove one address; 0, or a negative errno. */
int
nl_addr(int fd, int add, int index, const struct vip *v)
{
	struct {
		struct nlmsghdr n;
		struct ifaddrmsg a;
		char attrs[128];
	} req;
	uint32_t flags = IFA_F_NODAD;
	size_t alen = v->af == AF_INET ? 4 : 16;
	int rc;

	memset(&req, 0, sizeof req);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.a);
	req.n.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
	    (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req.a.ifa_family = (unsigned char)v->af;
	req.a.ifa_prefixlen = (unsigned char)v->plen;
	req.a.ifa_index = (unsigned)index;
	req.a.ifa_scope = RT_SCOPE_UNIVERSE;
	nl_attr(&req, sizeof req, IFA_LOCAL, &v->a, alen);
	nl_attr(&req, sizeof req, IFA_ADDRESS, &v->a, alen);
	if (v->af == AF_INET6)
		nl_attr(&req, sizeof req, IFA_FLAGS, &flags, sizeof flags);
	rc = nl_talk(fd, &req.n, NULL, NULL);
	if (add && rc == -EEXIST)
		return 0;
	if (!add && rc == -EADDRNOTAVAIL)
		return 0;
	return rc;
}

struct has {
	const struct vip *v;
	int index, found;
};

static void
nl_has_cb(struct nlmsghdr *n, void *arg)
{
	struct has *h = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(n);
	struct rtattr *rta;
	int len = (int)IFA_PAYLOAD(n);

	if (n->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != h->index ||
	    ifa->ifa_family != h->v->af)
		return;
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if ((rta->rta_type == IFA_LOCAL || rta->rta_type == IFA_ADDRESS) &&
		    memcmp(RTA_DATA(rta), &h->v->a, h->v->af == AF_INET ? 4 : 16) == 0)
			h->found = 1;
}

int
nl_has_addr(int fd, int index, const struct vip *v)
{
	struct {
		struct nlmsghdr n;
		struct ifaddrmsg a;
	} req;
	struct has h = { v, index, 0 };

	memset(&req, 0, sizeof req);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.a);
	req.n.nlmsg_type = RTM_GETADDR;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.a.ifa_family = (unsigned char)v->af;
	if (nl_talk(fd, &req.n, nl_has_cb, &h) < 0)
		return -1;
	return h.found;
}

/*
 * Read pending events; call changed(index, down) for each link or address
 * event, down set when a link event says the link is gone or down.
 */
void
nl_drain(int fd, void (*changed)(int, int))
{
	struct ifinfomsg *ifi;

	static char buf[NLBUF];
	struct nlmsghdr *n;
	ssize_t r;
	int len;

	while ((r = recv(fd, buf, sizeof buf, 0)) > 0) {
		len = (int)r;
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, (unsigned)len);
		    n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == RTM_NEWLINK ||
			    n->nlmsg_type == RTM_DELLINK) {
				ifi = NLMSG_DATA(n);
				changed(ifi->ifi_index,
				    n->nlmsg_type == RTM_DELLINK ||
				    !(ifi->ifi_flags & IFF_UP) ||
				    !(ifi->ifi_flags & IFF_RUNNING));
			} else if (n->nlmsg_type == RTM_NEWADDR ||
			    n->nlmsg_type == RTM_DELADDR)
				changed((int)((struct ifaddrmsg *)NLMSG_DATA(n))->ifa_index, 0);
		}
	}
	if (r < 0 && errno == ENOBUFS)
		changed(0, 0);	/* lost some: look at everything again */
}

/*
 * Virtual-MAC interfaces (vmac.c): a macvlan link on a parent, found again
 * by its parent and MAC when a predecessor left it behind.
 */
struct link_req {
	struct nlmsghdr n;
	struct ifinfomsg i;
	char attrs[512];
};

static void
nl_link_req(struct link_req *r, int type, int flags, int index)
{
	memset(r, 0, sizeof *r);
	r->n.nlmsg_len = NLMSG_LENGTH(sizeof r->i);
	r->n.nlmsg_type = (unsigned short)type;
	r->n.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	r->i.ifi_family = AF_UNSPEC;
	r->i.ifi_index = index;
}

/* Create macvlan NAME on parent with mac; its index, or a negative errno. */
int
nl_macvlan_add(int fd, const char *name, int parent, const uint8_t mac[6])
{
	struct link_req r;
	struct rtattr *info, *data;
	uint32_t link = (uint32_t)parent, mode = MACVLAN_MODE_BRIDGE;
	struct iface tmp;
	int rc;

	nl_link_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	nl_attr(&r, sizeof r, IFLA_IFNAME, name, strlen(name) + 1);
	nl_attr(&r, sizeof r, IFLA_LINK, &link, sizeof link);
	nl_attr(&r, sizeof r, IFLA_ADDRESS, mac, 6);
	info = nl_nest(&r, sizeof r, IFLA_LINKINFO);
	nl_attr(&r, sizeof r, IFLA_INFO_KIND, "macvlan", sizeof "macvlan");
	data = nl_nest(&r, sizeof r, IFLA_INFO_DATA);
	nl_attr(&r, sizeof r, IFLA_MACVLAN_MODE, &mode, sizeof mode);
	nl_nest_end(&r, data);
	nl_nest_end(&r, info);
	if ((rc = nl_talk(fd, &r.n, NULL, NULL)) < 0)
		return rc;
	memset(&tmp, 0, sizeof tmp);
	snprintf(tmp.name, sizeof tmp.name, "%s", name);
	nl_link_req(&r, RTM_GETLINK, 0, 0);
	nl_attr(&r, sizeof r, IFLA_IFNAME, name, strlen(name) + 1);
	if ((rc = nl_talk(fd, &r.n, nl_link_cb, &tmp)) < 0)
		return rc;
	return tmp.index > 0 ? tmp.index : -ENODEV;
}

/*
 * No IPv6 address of its own (so no duplicate address detection, router
 * solicitation or MLD report from a backup's copy of the virtual MAC,
 * which would draw the switch's traffic away from the master), then up.
 * The kernel takes the address mode only on an existing link.
 */
int
nl_link_quiet_up(int fd, int index)
{
	struct link_req r;
	struct rtattr *spec, *in6;
	uint8_t mode = IN6_ADDR_GEN_MODE_NONE;
	int rc;

	nl_link_req(&r, RTM_NEWLINK, 0, index);
	spec = nl_nest(&r, sizeof r, IFLA_AF_SPEC);
	in6 = nl_nest(&r, sizeof r, AF_INET6);
	nl_attr(&r, sizeof r, IFLA_INET6_ADDR_GEN_MODE, &mode, sizeof mode);
	nl_nest_end(&r, in6);
	nl_nest_end(&r, spec);
	if ((rc = nl_talk(fd, &r.n, NULL, NULL)) < 0)
		return rc;
	nl_link_req(&r, RTM_NEWLINK, 0, index);
	r.i.ifi_flags = IFF_UP;
	r.i.ifi_change = IFF_UP;
	return nl_talk(fd, &r.n, NULL, NULL);
}

int
nl_link_del(int fd, int index)
{
	struct link_req r;
	int rc;

	nl_link_req(&r, RTM_DELLINK, 0, index);
	rc = nl_talk(fd, &r.n, NULL, NULL);
	return rc == -ENODEV ? 0 : rc;
}

struct find {
	int parent, index;
	const uint8_t *mac;
	const char *name;
	int found;
	char found_name[IF_NAMESIZE];
};

/* A macvlan on f->parent with f->mac, or any link named f->name. */
static void
nl_find_cb(struct nlmsghdr *n, void *arg)
{
	struct find *f = arg;
	struct ifinfomsg *ifi = NLMSG_DATA(n);
	struct rtattr *rta, *sub;
	int len = (int)IFLA_PAYLOAD(n), sublen, link = 0, macvlan = 0, mac = 0;
	const char *name = "";

	if (n->nlmsg_type != RTM_NEWLINK || f->found)
		return;
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_LINK && RTA_PAYLOAD(rta) == 4)
			memcpy(&link, RTA_DATA(rta), 4);
		else if (rta->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(rta) == 6)
			mac = memcmp(RTA_DATA(rta), f->mac, 6) == 0;
		else if (rta->rta_type == IFLA_IFNAME)
			name = RTA_DATA(rta);
		else if (rta->rta_type == IFLA_LINKINFO) {
			sublen = (int)RTA_PAYLOAD(rta);
			for (sub = RTA_DATA(rta); RTA_OK(sub, sublen);
			    sub = RTA_NEXT(sub, sublen))
				if (sub->rta_type == IFLA_INFO_KIND &&
				    strncmp(RTA_DATA(sub), "macvlan",
				    RTA_PAYLOAD(sub)) == 0)
					macvlan = 1;
		}
	}
	if ((macvlan && mac && link == f->parent) ||
	    (f->name != NULL && strncmp(name, f->name, IF_NAMESIZE) == 0)) {
		f->found = ifi->ifi_index;
		snprintf(f->found_name, sizeof f->found_name, "%.*s",
		    IF_NAMESIZE - 1, name);
	}
}

/*
 * The index of a macvlan on parent with mac, or of a link called name (if
 * not NULL); 0 if none; its name in found (IF_NAMESIZE bytes).
 */
int
nl_macvlan_find(int fd, int parent, const uint8_t mac[6], const char *name,
    char *found)
{
	struct link_req r;
	struct find f = { .parent = parent, .mac = mac, .name = name };

	nl_link_req(&r, RTM_GETLINK, NLM_F_DUMP, 0);
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (nl_talk(fd, &r.n, nl_find_cb, &f) < 0)
		return -1;
	memcpy(found, f.found_name, IF_NAMESIZE);
	return f.found;
}
