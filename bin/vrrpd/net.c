/*
 * VRRP on the wire: one raw socket per interface and address family,
 * joined to 224.0.0.18 or ff02::12, bound to its device.  A group with
 * peer-address sends to each peer instead (unicast, TTL 255 still) and
 * hears the same socket, which takes every VRRP packet to this host.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "vrrpd.h"

static int
net_open4(struct iface *ifp)
{
	struct ip_mreqn mr = { .imr_ifindex = ifp->index };
	int fd, one = 1, zero = 0, ttl = VRRP_TTL, tos = 0xc0;	/* CS6 */

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
	if (fd < 0)
		return -1;
	inet_pton(AF_INET, VRRP_GROUP4, &mr.imr_multiaddr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifp->name,
	    (socklen_t)strlen(ifp->name)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
net_open6(struct iface *ifp)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)ifp->index };
	int fd, one = 1, zero = 0, hops = VRRP_TTL, idx = ifp->index;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
	if (fd < 0)
		return -1;
	inet_pton(AF_INET6, VRRP_GROUP6, &mr.ipv6mr_multiaddr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifp->name,
	    (socklen_t)strlen(ifp->name)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof mr) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof idx) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Adverts of groups with a virtual MAC leave from its macvlan (vmac.c),
 * through one socket per family that is not bound to a device and hears
 * nothing: listening stays on the parent's socket.  The source address is
 * still the parent's (RFC 5798 5.1.1.1, 5.1.2.1); for IPv6 its link-local
 * address is not on the macvlan, which IPV6_FREEBIND allows.
 */
static int
net_open_vmac(int af)
{
	static struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog drop = { 1, none };
	int fd, zero = 0, one = 1, ttl = VRRP_TTL, tos = 0xc0;

	if ((fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    VRRP_PROTO)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &drop, sizeof drop) < 0 ||
	    (af == AF_INET && (
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos) < 0)) ||
	    (af == AF_INET6 && (
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) < 0))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
net_vmac_socket(int af)
{
	static int fd4 = -1, fd6 = -1;
	int *fd = af == AF_INET ? &fd4 : &fd6;

	if (*fd < 0 && (*fd = net_open_vmac(af)) < 0)
		err_warnsys("unable to open a VRRP socket for virtual MACs");
	return *fd;
}

int
net_iface_open(struct iface *ifp, int af)
{
	int *fd = af == AF_INET ? &ifp->sock4 : &ifp->sock6;

	if (*fd >= 0)
		return 0;
	*fd = af == AF_INET ? net_open4(ifp) : net_open6(ifp);
	return *fd < 0 ? -1 : 0;
}

void
net_iface_close(struct iface *ifp)
{
	if (ifp->sock4 >= 0)
		close(ifp->sock4);
	if (ifp->sock6 >= 0)
		close(ifp->sock6);
	ifp->sock4 = ifp->sock6 = -1;
}

/* Addresses of a group in wire order (4 or 16 bytes each). */
static size_t
net_vip_bytes(const struct group *g, uint8_t *out)
{
	size_t n = 0, w = g->cf.af == AF_INET ? 4 : 16;
	int i;

	for (i = 0; i < g->cf.nvip; i++, n += w)
		memcpy(out + n, &g->cf.vip[i].a, w);
	return n;
}

void
net_source(const struct group *g, union advert_addr *src)
{
	memset(src, 0, sizeof *src);
	if (g->cf.have_src)
		*src = g->cf.src;
	else if (g->cf.af == AF_INET)
		src->v4 = g->ifp->primary4;
	else
		src->v6 = g->ifp->ll6;
}

/*
 * One advert to dst, from a->src through the interface index.  The v3
 * checksum covers the destination (RFC 5798 5.2.8), so each peer gets a
 * message built for it.
 */
static int
net_send_to(int fd, int index, struct advert *a, const uint8_t *addrs,
    const union advert_addr *dst)
{
	uint8_t msg[VRRP_MSG_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cm;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to;
	struct iovec iov;
	struct msghdr mh = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cm.buf };
	struct cmsghdr *c;
	size_t len;

	a->dst = *dst;
	if ((len = advert_build(msg, sizeof msg, a, addrs)) == 0)
		return -1;
	memset(&cm, 0, sizeof cm);
	memset(&to, 0, sizeof to);
	c = (struct cmsghdr *)cm.buf;
	if (a->af == AF_INET) {
		struct in_pktinfo pi = { .ipi_ifindex = index,
		    .ipi_spec_dst = a->src.v4 };

		to.v4.sin_family = AF_INET;
		to.v4.sin_addr = dst->v4;
		mh.msg_namelen = sizeof to.v4;
		mh.msg_controllen = CMSG_SPACE(sizeof pi);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof pi);
		memcpy(CMSG_DATA(c), &pi, sizeof pi);
	} else {
		struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)index,
		    .ipi6_addr = a->src.v6 };

		to.v6.sin6_family = AF_INET6;
		to.v6.sin6_addr = dst->v6;
		to.v6.sin6_scope_id = (unsigned)index;	/* link-local only */
		mh.msg_namelen = sizeof to.v6;
		mh.msg_controllen = CMSG_SPACE(sizeof pi);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof pi);
		memcpy(CMSG_DATA(c), &pi, sizeof pi);
	}
	iov.iov_base = msg;
	iov.iov_len = len;
	return sendmsg(fd, &mh, 0) < 0 ? -1 : 0;
}

/*
 * An advert of g: to the multicast group, or with peer-address to each
 * peer by unicast.  It counts as sent if one destination took it.
 */
int
net_send(struct group *g, int priority)
{
	struct iface *ifp = g->ifp;
	uint8_t addrs[VRRPD_VIPS_MAX * 16];
	struct advert a = { .af = g->cf.af, .version = (uint8_t)g->cf.version,
	    .type = VRRP_TYPE_ADVERT, .vrid = g->vrid,
	    .priority = (uint8_t)priority, .naddr = (uint8_t)g->cf.nvip,
	    .interval = (uint16_t)g->cf.interval, .ttl = VRRP_TTL,
	    .auth_type = (uint8_t)g->cf.auth_type };
	union advert_addr group;
	char s[INET6_ADDRSTRLEN];
	int fd = g->cf.af == AF_INET ? ifp->sock4 : ifp->sock6, index = ifp->index;
	int i, sent = 0;

	if (g->run.vmac.index > 0) {
		fd = net_vmac_socket(g->cf.af);
		index = g->run.vmac.index;
	}
	if (fd < 0 || !ifp->up || (g->cf.af == AF_INET ? !ifp->have4 : !ifp->have6))
		return -1;
	net_vip_bytes(g, addrs);
	memcpy(a.auth, g->cf.auth, sizeof a.auth);
	net_source(g, &a.src);
	if (g->cf.npeer == 0) {
		memset(&group, 0, sizeof group);
		inet_pton(g->cf.af, g->cf.af == AF_INET ? VRRP_GROUP4 :
		    VRRP_GROUP6, &group);
		if (net_send_to(fd, index, &a, addrs, &group) == 0)
			sent = 1;
		else
			err_warnsys("%s: vrid %u: unable to send advertisement",
			    ifp->name, g->vrid);
	}
	for (i = 0; i < g->cf.npeer; i++) {
		if (net_send_to(fd, index, &a, addrs, &g->cf.peer[i]) == 0)
			sent = 1;
		else
			err_warnsys("%s: vrid %u: unable to send advertisement "
			    "to %s", ifp->name, g->vrid, inet_ntop(g->cf.af,
			    &g->cf.peer[i], s, sizeof s));
	}
	if (!sent)
		return -1;
	g->run.sent++;
	if (priority == 0)
		g->run.sent0++;
	g->run.dirty = 1;
	return 0;
}

static struct group *
net_group(const struct iface *ifp, int af, uint8_t vrid)
{
	struct group *g;

	for (g = vrrpd_groups; g != NULL; g = g->next)
		if (g->ifp == ifp && g->cf.af == af && g->vrid == vrid)
			return g;
	return NULL;
}

/*
 * The same set of addresses, in any order: another implementation may
 * list them in its own (RFC 5798 7.1 compares the list, not its order).
 */
static int
same_addresses(const struct group *g, const struct advert *a)
{
	size_t w = g->cf.af == AF_INET ? 4 : 16;
	int i, j;

	if (a->naddr != g->cf.nvip)
		return 0;
	for (i = 0; i < g->cf.nvip; i++) {
		for (j = 0; j < a->naddr; j++)
			if (memcmp(&g->cf.vip[i].a, a->addrs + (size_t)j * w, w) == 0)
				break;
		if (j == a->naddr)
			return 0;
	}
	return 1;
}

/* A unicast group hears its peers only: is a from one? */
static int
net_from_peer(const struct group *g, const struct advert *a)
{
	size_t w = g->cf.af == AF_INET ? 4 : 16;
	int i;

	for (i = 0; i < g->cf.npeer; i++)
		if (memcmp(&g->cf.peer[i], &a->src, w) == 0)
			return 1;
	return 0;
}

/*
 * The checks of RFC 5798 7.1 that need the group.  The destination is
 * not one of them: a unicast advert comes to our own address, and a
 * group with peers hears them by their source alone.
 */
static enum advert_drop
net_accept(struct group *g, const struct advert *a)
{
	if (g->cf.npeer > 0 && !net_from_peer(g, a))
		return ADVERT_DROP_PEER;
	if (a->version != g->cf.version)
		return ADVERT_DROP_VERSION;
	/* RFC 2338 5.3.6; AH is not supported */
	if (g->cf.version == 2 && (a->ah || a->auth_type != g->cf.auth_type ||
	    (g->cf.auth_type == VRRP_AUTH_PASS &&
	    memcmp(a->auth, g->cf.auth, VRRP_AUTH_LEN) != 0)))
		return ADVERT_DROP_AUTH;
	if (g->cf.version == 2 && a->interval != g->cf.interval)
		return ADVERT_DROP_INTERVAL;
	if (!same_addresses(g, a)) {
		if (!g->run.mismatch_logged)
			err_warn("%s: vrid %u: a router advertises other "
			    "virtual addresses than ours; check both "
			    "configurations", g->ifp->name, g->vrid);
		g->run.mismatch_logged = 1;
		return ADVERT_DROP_ADDRESSES;
	}
	return ADVERT_OK;
}

static void
net_dispatch(struct iface *ifp, struct advert *a, enum advert_drop d,
    void (*heard)(struct group *, const struct advert *))
{
	struct group *g = NULL;

	if (d == ADVERT_OK && (g = net_group(ifp, a->af, a->vrid)) == NULL)
		d = ADVERT_DROP_VRID;
	if (d == ADVERT_OK)
		d = net_accept(g, a);
	if (d != ADVERT_OK) {
		ifp->drops[d]++;
		for (g = vrrpd_groups; g != NULL; g = g->next)
			if (g->ifp == ifp)
				g->run.dirty = 1;
		return;
	}
	g->run.received++;
	/* the address owner ignores the others (RFC 5798 7.1) */
	if (group_priority(g) != 255)
		heard(g, a);
	g->run.dirty = 1;
}

void
net_receive(struct iface *ifp, int af,
    void (*heard)(struct group *, const struct advert *))
{
	uint8_t buf[65536];
	union {
		char buf[512];
		struct cmsghdr align;
	} cm;
	struct sockaddr_in6 from6;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	struct advert a;
	enum advert_drop d;
	ssize_t n;
	int fd = af == AF_INET ? ifp->sock4 : ifp->sock6, i;

	for (i = 0; i < 64; i++) {	/* bounded: others get their turn */
		memset(&a, 0, sizeof a);
		mh.msg_name = &from6;
		mh.msg_namelen = sizeof from6;
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		if ((n = recvmsg(fd, &mh, MSG_TRUNC)) < 0)
			return;
		if ((size_t)n > sizeof buf) {
			ifp->drops[ADVERT_DROP_LENGTH]++;
			continue;
		}
		if (af == AF_INET) {
			d = advert_parse_ip4(&a, buf, (size_t)n);
		} else {
			a.af = AF_INET6;
			a.src.v6 = from6.sin6_addr;
			a.ttl = -1;
			for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
				if (c->cmsg_level != IPPROTO_IPV6)
					continue;
				if (c->cmsg_type == IPV6_HOPLIMIT)
					memcpy(&a.ttl, CMSG_DATA(c), sizeof a.ttl);
				else if (c->cmsg_type == IPV6_PKTINFO)
					memcpy(&a.dst.v6, CMSG_DATA(c), 16);
			}
			d = advert_parse(&a, buf, (size_t)n);
		}
		net_dispatch(ifp, &a, d, heard);
	}
}
