/*
 * The rules of vpnha.conf that span statements: what a group, the cluster
 * or the pool needs as a whole.  Each rule is here once, and conf_parse
 * applies them all, so that vpnha-checkconf, every daemon at start and at
 * reload, and `DAEMON -t` refuse the same file with the same words.
 * Values are canonical already (conf.c): addresses as inet_ntop writes
 * them, domain names in lower case without the final dot.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "conf.h"
#include "gwid.h"
#include "num.h"
#include "rc.h"
#include "tsig.h"

#define DDNS	"service ipsec-ddns"
#define POOL	"service dns-pool"

/* An error at the statement that set node n. */
#define bad(c, err, n, ...) \
	conf_fail(err, conf_file(c), conf_line(n), __VA_ARGS__)

/* 4 or 6 for an address (with or without /length), 0 for a name. */
static int
family(const char *w)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN + 8];

	snprintf(buf, sizeof buf, "%s", w);
	buf[strcspn(buf, "/")] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		return 4;
	return inet_pton(AF_INET6, buf, a) == 1 ? 6 : 0;
}

/* Name against domain: 0 outside, -1 the domain itself, 1 one label under it, 2 deeper. */
static int
under(const char *dom, const char *name)
{
	size_t d = strlen(dom), n = strlen(name);

	if (n == d)
		return strcmp(name, dom) == 0 ? -1 : 0;
	if (n < d + 2 || name[n - d - 1] != '.' || strcmp(name + n - d, dom) != 0)
		return 0;
	return memchr(name, '.', n - d - 1) == NULL ? 1 : 2;
}

/* RFC 3768 5.3.6 and RFC 5798 5.2.7: the interval each version can carry. */
static int
interval(const struct conf *c, struct conf_error *err,
    const struct conf_node *gn, const char *g, int version)
{
	const char *s = conf_value(gn, "advertise-interval");
	uint64_t iv;

	if (s == NULL || num_fixed(s, 2, 1, 25500, &iv) != NUM_OK)
		return 0;
	if (version == 2 && iv % 100 != 0)
		return bad(c, err, conf_find(gn, "advertise-interval"), "%s: "
		    "advertise-interval %s: version 2 counts whole seconds; "
		    "use version 3 for less", g, s);
	if (version == 3 && iv > 4095)
		return bad(c, err, conf_find(gn, "advertise-interval"), "%s: "
		    "advertise-interval %s: version 3 allows at most 40.95 s "
		    "(RFC 5798 5.2.7)", g, s);
	return 0;
}

/* Authentication: RFC 3768 5.3.6.1's plain password, version 2 only. */
static int
auth(const struct conf *c, struct conf_error *err, const struct conf_node *gn,
    const char *g, int version)
{
	const struct conf_node *n = conf_find(gn, "authentication");
	const char *s;

	if (n == NULL)
		return 0;
	if ((s = conf_value(n, "type")) != NULL &&
	    strcmp(s, "plaintext-password") != 0)
		return bad(c, err, conf_find(n, "type"), "%s: authentication "
		    "type %s: only plaintext-password is supported", g, s);
	if (conf_value(n, "password") == NULL)
		return bad(c, err, n, "%s: authentication without a password", g);
	if (version != 2)
		return bad(c, err, n, "%s: authentication exists only in "
		    "version 2 (RFC 5798 removed it)", g);
	return 0;
}

static int same_addr(const char *, const char *);

/*
 * An address a VRRP advert can go to or come from by unicast: not
 * multicast, not unspecified, not the IPv4 limited broadcast.  *ll is
 * set for an IPv6 link-local address (fe80::/10).
 */
static int
unicast_addr(const char *w, int af, int *ll)
{
	static const unsigned char zero[16], ones[4] = { 255, 255, 255, 255 };
	unsigned char a[16];

	*ll = 0;
	if (af == 4) {
		inet_pton(AF_INET, w, a);
		return (a[0] & 0xf0) != 0xe0 && memcmp(a, zero, 4) != 0 &&
		    memcmp(a, ones, 4) != 0;
	}
	inet_pton(AF_INET6, w, a);
	*ll = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
	return a[0] != 0xff && memcmp(a, zero, 16) != 0;
}

/* One address of the unicast statements: the group's family, unicast. */
static int
unicast_one(const struct conf *c, struct conf_error *err,
    const struct conf_node *n, const char *w, const char *g, const char *what,
    int af, int *ll)
{
	if (family(w) != af)
		return bad(c, err, n, "%s: %s %s is not IPv%d, the family of "
		    "the group's virtual addresses", g, what, w, af);
	if (!unicast_addr(w, af, ll))
		return bad(c, err, n, "%s: %s %s is not a unicast address",
		    g, what, w);
	return 0;
}

/*
 * peer-address and hello-source-address: adverts by unicast (vrrpd(8),
 * UNICAST).  A peer accepts an advert only from an address it lists, so
 * an IPv6 group with a peer beyond the link-local scope must say which
 * of its addresses it sends from: the default, the link-local address,
 * is not one a peer can list in advance, nor can it leave the link.
 */
static int
unicast(const struct conf *c, struct conf_error *err,
    const struct conf_node *gn, const char *g, int af)
{
	const struct conf_node *v, *src = conf_find(gn, "hello-source-address");
	const char *s = conf_value(gn, "hello-source-address");
	int n = 0, ll;

	if (src != NULL && unicast_one(c, err, src, s, g,
	    "hello-source-address", af, &ll) < 0)
		return -1;
	for (v = conf_first(conf_find(gn, "virtual-address")); s && v;
	    v = conf_next(v))
		if (same_addr(s, conf_word(v)))
			return bad(c, err, src, "%s: hello-source-address %s "
			    "is a virtual-address of the group; use an address "
			    "of the interface that stays when the group moves",
			    g, s);
	for (v = conf_first(conf_find(gn, "peer-address")); v; v = conf_next(v)) {
		if (++n > CONF_UNICAST_PEERS_MAX)
			return bad(c, err, v, "%s: more than %d peer addresses",
			    g, CONF_UNICAST_PEERS_MAX);
		if (unicast_one(c, err, v, conf_word(v), g, "peer-address",
		    af, &ll) < 0)
			return -1;
		if (s != NULL && strcmp(s, conf_word(v)) == 0)
			return bad(c, err, v, "%s: peer-address %s is the "
			    "hello-source-address; list only the other routers",
			    g, s);
		if (af == 6 && !ll && s == NULL)
			return bad(c, err, v, "%s: peer-address %s is not "
			    "link-local: set hello-source-address, the address "
			    "the peers list as their peer-address", g,
			    conf_word(v));
	}
	return 0;
}

/* track ...: at most CONF_TRACK_MAX, and a script only one defined. */
static int
track(const struct conf *c, struct conf_error *err, const struct conf_node *gn,
    const char *g)
{
	static const char *const kind[] = { "process", "interface", "script",
	    "file" };
	const struct conf_node *t, *s;
	size_t k;
	int n = 0;

	for (k = 0; k < sizeof kind / sizeof kind[0]; k++)
		for (t = conf_first(conf_find(conf_find(gn, "track"), kind[k]));
		    t != NULL; t = conf_next(t)) {
			if (++n > CONF_TRACK_MAX)
				return bad(c, err, t, "%s: more than %d "
				    "trackers", g, CONF_TRACK_MAX);
			if (k != 2)
				continue;
			s = conf_find(conf_find(conf_root(c), "vrrp script"),
			    conf_word(t));
			if (s == NULL)
				return bad(c, err, t, "%s: track script %s: no "
				    "such script: set vrrp script %s command "
				    "\"CMD\"", g, conf_word(t), conf_word(t));
		}
	return 0;
}

/* vrrp script NAME: a command to run. */
static int
scripts(const struct conf *c, struct conf_error *err)
{
	const struct conf_node *s;

	s = conf_first(conf_find(conf_root(c), "vrrp script"));
	for (; s != NULL; s = conf_next(s))
		if (conf_value(s, "command") == NULL)
			return bad(c, err, s, "vrrp script %s has no command",
			    conf_word(s));
	return 0;
}

/* One vrrp-group: its addresses, one family, and what its version allows. */
static int
group(const struct conf *c, struct conf_error *err, const char *ifname,
    const struct conf_node *gn)
{
	const struct conf_node *v;
	const char *s;
	char g[300];
	int n = 0, af = 0, version;

	snprintf(g, sizeof g, "vrrp-group %s on %s", conf_word(gn), ifname);
	for (v = conf_first(conf_find(gn, "virtual-address")); v; v = conf_next(v)) {
		if (++n > CONF_VIPS_MAX)
			return bad(c, err, v, "%s: more than %d virtual "
			    "addresses", g, CONF_VIPS_MAX);
		if (af == 0)
			af = family(conf_word(v));
		else if (family(conf_word(v)) != af)
			return bad(c, err, v, "%s: IPv4 and IPv6 virtual "
			    "addresses in one group; VRRP runs one router per "
			    "family: use two groups", g);
	}
	if (n == 0)
		return bad(c, err, gn, "%s has no virtual-address", g);
	version = af == 6 ? 3 : 2;
	if ((s = conf_value(gn, "version")) != NULL)
		version = s[0] - '0';
	if (version == 2 && af == 6)
		return bad(c, err, conf_find(gn, "version"), "%s: VRRP version "
		    "2 has no IPv6 (RFC 3768); use version 3", g);
	if (auth(c, err, gn, g, version) < 0 || unicast(c, err, gn, g, af) < 0 ||
	    track(c, err, gn, g) < 0)
		return -1;
	return interval(c, err, gn, g, version);
}

struct vgroup {
	const char *ifname;
	const struct conf_node *gn;
};

/* Every vrrp-group in file order, into v if not NULL; how many. */
static size_t
groups(const struct conf *c, struct vgroup *v)
{
	const struct conf_node *ifn, *gn;
	size_t k = 0;

	ifn = conf_first(conf_find(conf_root(c), "interfaces ethernet"));
	for (; ifn != NULL; ifn = conf_next(ifn))
		for (gn = conf_first(conf_find(ifn, "vrrp vrrp-group")); gn != NULL;
		    gn = conf_next(gn), k++)
			if (v != NULL)
				v[k] = (struct vgroup){ conf_word(ifn), gn };
	return k;
}

/* 1 if two "address/length" are the same address. */
static int
same_addr(const char *a, const char *b)
{
	size_t n = strcspn(a, "/");

	return n == strcspn(b, "/") && strncmp(a, b, n) == 0;
}

/* Two groups must not share a virtual address: both would answer it. */
static int
shared(const struct conf *c, struct conf_error *err, const struct vgroup *v,
    size_t n)
{
	const struct conf_node *x, *y;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			for (x = conf_first(conf_find(v[i].gn, "virtual-address"));
			    x != NULL; x = conf_next(x))
				for (y = conf_first(conf_find(v[j].gn,
				    "virtual-address")); y; y = conf_next(y))
					if (same_addr(conf_word(x), conf_word(y)))
						return bad(c, err, y, "%s is in "
						    "vrrp-group %s on %s and in "
						    "vrrp-group %s on %s",
						    conf_word(x), conf_word(v[i].gn),
						    v[i].ifname, conf_word(v[j].gn),
						    v[j].ifname);
	return 0;
}

static int
vrrp(const struct conf *c, struct conf_error *err)
{
	struct vgroup *v = NULL;
	size_t i, n = groups(c, NULL);
	int rc = 0;

	if (n > 0 && (v = calloc(n, sizeof *v)) == NULL) {
		snprintf(err->msg, sizeof err->msg, "%s: out of memory",
		    conf_file(c));
		err->rc = RC_TEMP;
		return -1;
	}
	groups(c, v);
	rc = scripts(c, err);
	for (i = 0; i < n && rc == 0; i++)
		rc = group(c, err, v[i].ifname, v[i].gn);
	if (rc == 0)
		rc = shared(c, err, v, n);
	free(v);
	return rc;
}

/* The guide, chapter 4: a node that joins names itself, the secret, the domain. */
static int
ddns(const struct conf *c, struct conf_error *err)
{
	const struct conf_node *d = conf_find(conf_root(c), DDNS), *e, *p;
	const char *self = conf_value(d, "self");
	int n = 0;

	if ((e = conf_find(d, "enable")) != NULL) {
		if (self == NULL)
			return bad(c, err, e, "service ipsec-ddns has no self: "
			    "set service ipsec-ddns self ADDRESS (this node's "
			    "own address)");
		if (conf_value(d, "secret") == NULL)
			return bad(c, err, e, "service ipsec-ddns has no secret "
			    "(the same on every node, at least 8 characters)");
		if (conf_value(d, "domain") == NULL)
			return bad(c, err, e, "service ipsec-ddns has no domain "
			    "(the same on every node)");
	}
	for (p = conf_first(conf_find(d, "peer")); p != NULL; p = conf_next(p)) {
		if (self != NULL && strcmp(conf_word(p), self) == 0)
			return bad(c, err, p, "peer %s is this node's self "
			    "address; list only the other nodes", self);
		if (++n > CONF_PEERS_MAX)
			return bad(c, err, p, "more than %d peers", CONF_PEERS_MAX);
	}
	return 0;
}

/* name-server NAME [address A]...: glue for a name in the zone, only there. */
static int
name_servers(const struct conf *c, struct conf_error *err, const char *dom,
    const struct conf_node *tags)
{
	const struct conf_node *t, *a;
	int n = 0, na, in;

	for (t = conf_first(tags); t != NULL; t = conf_next(t)) {
		if (++n > CONF_NS_MAX)
			return bad(c, err, t, "more than %d name servers",
			    CONF_NS_MAX);
		in = dom != NULL ? under(dom, conf_word(t)) : 0;
		if (in == -1 || in == 2)
			return bad(c, err, t, "name-server %s: a name server "
			    "under %s must be one label under it",
			    conf_word(t), dom);
		na = 0;
		for (a = conf_first(conf_find(t, "address")); a; a = conf_next(a))
			if (++na > CONF_NS_ADDR_MAX)
				return bad(c, err, a, "name-server %s: more than "
				    "%d addresses", conf_word(t), CONF_NS_ADDR_MAX);
		if (dom != NULL && (in == 1) != (na > 0))
			return bad(c, err, t, "name-server %s: %s", conf_word(t),
			    in == 1 ? "a name under the domain needs an "
			    "address (glue)" : "an address is served only for "
			    "a name under the domain");
	}
	return 0;
}

/*
 * Without name-server, the nodes are the name servers: ddns-named names
 * those given by address ns1, ns2, ... under the domain, so one given by
 * a name there would have no address to be found by.
 */
static int
node_name(const struct conf *c, struct conf_error *err, const char *dom,
    const struct conf_node *v)
{
	if (family(conf_word(v)) == 0 && under(dom, conf_word(v)) != 0)
		return bad(c, err, v, "%s is under %s: name it with name-server "
		    "and its address", conf_word(v), dom);
	return 0;
}

static int
named(const struct conf *c, struct conf_error *err)
{
	const struct conf_node *d = conf_find(conf_root(c), DDNS), *n;
	const char *dom = conf_value(d, "domain");

	if ((n = conf_find(d, "name-server")) != NULL)
		return name_servers(c, err, dom, n);
	if (dom == NULL)
		return 0;
	if ((n = conf_find(d, "self")) != NULL &&
	    node_name(c, err, dom, conf_first(n)) < 0)
		return -1;
	for (n = conf_first(conf_find(d, "peer")); n != NULL; n = conf_next(n))
		if (node_name(c, err, dom, n) < 0)
			return -1;
	return 0;
}

/* The nodes given by address: with no name-server, ns1 to nsN. */
static int
address_nodes(const struct conf_node *d)
{
	const struct conf_node *n;
	const char *self = conf_value(d, "self");
	int k = self != NULL && family(self) != 0;

	for (n = conf_first(conf_find(d, "peer")); n != NULL; n = conf_next(n))
		k += family(conf_word(n)) != 0;
	return k;
}

/* 1 if label (one label under dom) is a name server's name. */
static int
ns_label(const struct conf_node *d, const char *dom, const char *label,
    size_t len)
{
	const struct conf_node *t = conf_find(d, "name-server");
	unsigned long k;
	char *end;

	if (t != NULL) {
		for (t = conf_first(t); t != NULL; t = conf_next(t))
			if (under(dom, conf_word(t)) == 1 &&
			    strncmp(conf_word(t), label, len) == 0 &&
			    conf_word(t)[len] == '.')
				return 1;
		return 0;
	}
	if (len < 3 || strncmp(label, "ns", 2) != 0 || label[2] == '0')
		return 0;
	k = strtoul(label + 2, &end, 10);
	return end == label + len && k >= 1 && k <= (unsigned long)address_nodes(d);
}

/* The pool's name: anywhere but the apex, or one label of the zone of its own. */
static int
pool_name(const struct conf *c, struct conf_error *err,
    const struct conf_node *dp, const struct conf_node *d)
{
	const char *name = conf_value(dp, "name"), *dom = conf_value(d, "domain");
	int in;

	if (name == NULL)
		return bad(c, err, dp, "service dns-pool without a name: set "
		    "service dns-pool name NAME");
	if (dom == NULL)
		return bad(c, err, dp, "service dns-pool without a domain: set "
		    "service ipsec-ddns domain NAME (ddns-named serves the "
		    "pool beside that zone)");
	in = under(dom, name);
	if (in == -1 || in == 2 || (in == 1 &&
	    ns_label(d, dom, name, strlen(name) - strlen(dom) - 1)))
		return bad(c, err, conf_find(dp, "name"), "name %s: a pool name "
		    "inside %s must be one label under it, and not a name "
		    "server's", name, dom);
	return 0;
}

/* 1 if w is self or a peer, as the file writes them. */
static int
is_node(const struct conf_node *d, const char *w)
{
	const struct conf_node *n;
	const char *s = conf_value(d, "self");

	if (s != NULL && strcasecmp(s, w) == 0)
		return 1;
	for (n = conf_first(conf_find(d, "peer")); n != NULL; n = conf_next(n))
		if (strcasecmp(conf_word(n), w) == 0)
			return 1;
	return 0;
}

static int
pool(const struct conf *c, struct conf_error *err)
{
	const struct conf_node *dp = conf_find(conf_root(c), POOL), *t, *n;
	const struct conf_node *d = conf_find(conf_root(c), DDNS);
	int k = 0;

	if (dp == NULL)
		return 0;
	if (pool_name(c, err, dp, d) < 0)
		return -1;
	for (t = conf_first(conf_find(dp, "member")); t != NULL; t = conf_next(t)) {
		if ((n = conf_find(t, "node")) != NULL &&
		    !is_node(d, conf_value(t, "node")))
			return bad(c, err, n, "member %s node %s: not a cluster "
			    "node (service ipsec-ddns self or peer, as written "
			    "there)", conf_word(t), conf_value(t, "node"));
		if (++k > CONF_MEMBERS_MAX)
			return bad(c, err, t, "more than %d pool members",
			    CONF_MEMBERS_MAX);
	}
	/* without members, the cluster's nodes given by address are */
	if (k == 0 && address_nodes(d) == 0)
		return bad(c, err, dp, "service dns-pool has no member (the "
		    "cluster's nodes are not addresses): set service dns-pool "
		    "member ADDRESS node NODE");
	return 0;
}

/* RFC 5322 3.2.3: the atext of a mailbox's local part, dots apart. */
static int
atext(unsigned char ch)
{
	return ch != '\0' && (isalnum(ch) ||
	    strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL);
}

/*
 * The first label: a local part up to '@' (its dots become "\."), or an
 * RNAME's own label up to the first dot that is not escaped.  Its bytes
 * in *n, escaped into out (room for 2 * GWID_LABEL_MAX); the end.
 */
static const char *
rname_label(const char *m, const char *at, char *out, size_t *k,
    size_t *n, const char **why)
{
	const char *p;

	for (*k = *n = 0, p = m; *p != '\0' && p != at &&
	    (at != NULL || *p != '.'); p++) {
		if (at == NULL && p[0] == '\\' && p[1] == '.')
			p++;
		else if (*p != '.' && !atext((unsigned char)*p)) {
			*why = "a character a mailbox's local part may not hold";
			return NULL;
		}
		if (++*n > GWID_LABEL_MAX) {
			*why = "a local part longer than 63 characters";
			return NULL;
		}
		if (*p == '.')
			out[(*k)++] = '\\';
		out[(*k)++] = *p;
	}
	if (*n == 0)
		*why = at != NULL ? "no local part before '@'" : "an empty label";
	return *n == 0 ? NULL : p;
}

int
conf_rname(char *out, size_t size, const char *m, const char **why)
{
	char label[2 * GWID_LABEL_MAX];
	const char *at = strchr(m, '@'), *p;
	size_t k, n, dl;

	if ((p = rname_label(m, at, label, &k, &n, why)) == NULL)
		return -1;
	if (*p == '\0') {
		*why = "no domain: write LOCAL@DOMAIN";
		return -1;
	}
	dl = strlen(++p);
	if (!gwid_domain_ok(p, dl)) {
		*why = "not a domain name after the first label";
		return -1;
	}
	if (p[dl - 1] == '.')
		dl--;
	/* RFC 1035 3.1: its label, the domain's labels and the root */
	if (1 + n + 1 + dl + 1 > 255) {
		*why = "longer than 255 bytes as a domain name";
		return -1;
	}
	if ((size_t)snprintf(out, size, "%.*s.%.*s.", (int)k, label, (int)dl,
	    p) >= size) {
		*why = "longer than the room for it";
		return -1;
	}
	return 0;
}

/* The timer at name: its value, or the default; *set its node or NULL. */
static uint32_t
timer(const struct conf_node *d, const char *name, uint32_t def,
    const struct conf_node **set)
{
	uint32_t v = def;

	if ((*set = conf_find(d, name)) != NULL)
		num_u32(conf_value(d, name), 0, UINT32_MAX, &v);
	return v;
}

#define DEF(n)	((n) == NULL ? " (the default)" : "")

/* Of the statements set (not NULL), the one set last: it broke the rule. */
static const struct conf_node *
later(const struct conf_node *a, const struct conf_node *b)
{
	return a == NULL || (b != NULL && conf_line(b) > conf_line(a)) ? b : a;
}

/*
 * The SOA's contact and timers.  A secondary retries a failed refresh
 * sooner than its next refresh, and keeps the zone at least through one
 * refresh and its retry (RFC 1912 2.2); BIND would quietly raise such an
 * expire, NSD and Knot serve it as it is: here the file is refused.
 */
static int
soa(const struct conf *c, struct conf_error *err, const struct conf_node *d)
{
	const struct conf_node *nf, *nr, *ne;
	uint32_t f = timer(d, "refresh", CONF_REFRESH_DEFAULT, &nf);
	uint32_t r = timer(d, "retry", CONF_RETRY_DEFAULT, &nr);
	uint32_t e = timer(d, "expire", CONF_EXPIRE_DEFAULT, &ne);
	const char *s = conf_value(d, "contact"), *why;
	char rname[CONF_RNAME_MAX];

	if (s != NULL && conf_rname(rname, sizeof rname, s, &why) < 0)
		return bad(c, err, conf_find(d, "contact"), "contact %s: %s",
		    s, why);
	if (r >= f)
		return bad(c, err, later(nr, nf), "retry %u%s is not "
		    "shorter than refresh %u%s (RFC 1912 2.2)", r, DEF(nr), f,
		    DEF(nf));
	if ((uint64_t)e < (uint64_t)f + r)
		return bad(c, err, later(ne, later(nf, nr)),
		    "expire %u%s is shorter than refresh %u%s and retry %u%s "
		    "together (RFC 1912 2.2)", e, DEF(ne), f, DEF(nf), r,
		    DEF(nr));
	return 0;
}

/* tsig-key NAME secret BASE64: an HMAC-SHA256 key, 16 to 64 bytes. */
static int
tsig_keys(const struct conf *c, struct conf_error *err,
    const struct conf_node *d)
{
	unsigned char buf[256];
	const struct conf_node *t;
	const char *s;
	size_t len;
	int n = 0, rc;

	for (t = conf_first(conf_find(d, "tsig-key")); t; t = conf_next(t)) {
		if (++n > CONF_TSIG_KEYS_MAX)
			return bad(c, err, t, "more than %d tsig keys",
			    CONF_TSIG_KEYS_MAX);
		if ((s = conf_value(t, "secret")) == NULL)
			return bad(c, err, t, "tsig-key %s has no secret: set "
			    "service ipsec-ddns tsig-key %s secret BASE64",
			    conf_word(t), conf_word(t));
		rc = sodium_base642bin(buf, sizeof buf, s, strlen(s), NULL,
		    &len, NULL, sodium_base64_VARIANT_ORIGINAL);
		sodium_memzero(buf, sizeof buf);
		if (rc != 0)
			return bad(c, err, conf_find(t, "secret"), "tsig-key %s: "
			    "the secret is not base64 (RFC 4648, with its "
			    "padding)", conf_word(t));
		if (len < TSIG_SECRET_MIN || len > TSIG_SECRET_MAX)
			return bad(c, err, conf_find(t, "secret"), "tsig-key %s: "
			    "the secret is %zu bytes; HMAC-SHA256 takes %d to %d "
			    "(RFC 8945 6)", conf_word(t), len, TSIG_SECRET_MIN,
			    TSIG_SECRET_MAX);
	}
	return 0;
}

/* secondary ADDRESS [tsig-key NAME]: a unicast address, a key defined. */
static int
secondaries(const struct conf *c, struct conf_error *err,
    const struct conf_node *d)
{
	const struct conf_node *t;
	const char *w, *k;
	int n = 0, ll;

	for (t = conf_first(conf_find(d, "secondary")); t; t = conf_next(t)) {
		w = conf_word(t);
		if (++n > CONF_SECONDARIES_MAX)
			return bad(c, err, t, "more than %d secondaries",
			    CONF_SECONDARIES_MAX);
		if (!unicast_addr(w, family(w), &ll))
			return bad(c, err, t, "secondary %s is not a unicast "
			    "address", w);
		k = conf_value(t, "tsig-key");
		if (k != NULL && conf_find(conf_find(d, "tsig-key"), k) == NULL)
			return bad(c, err, conf_find(t, "tsig-key"), "secondary "
			    "%s tsig-key %s: no such key: set service ipsec-ddns "
			    "tsig-key %s secret BASE64", w, k, k);
	}
	return 0;
}

/* ddns-named as the primary of its zones: the SOA, the secondaries. */
static int
primary(const struct conf *c, struct conf_error *err)
{
	const struct conf_node *d = conf_find(conf_root(c), DDNS);

	if (soa(c, err, d) < 0 || tsig_keys(c, err, d) < 0)
		return -1;
	return secondaries(c, err, d);
}

int
conf_rules(const struct conf *c, struct conf_error *err)
{
	static int (*const rule[])(const struct conf *, struct conf_error *) = {
		vrrp, ddns, named, pool, primary,
	};
	size_t i;

	for (i = 0; i < sizeof rule / sizeof rule[0]; i++)
		if (rule[i](c, err) < 0)
			return -1;
	return 0;
}
