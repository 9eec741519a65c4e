/*
 * The pool name (service dns-pool): its members from vpnha.conf, and the
 * view the query path answers from, made again from the feed's nodes
 * whenever they change, so that a query only picks from a ready list.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "conf.h"
#include "gwid.h"
#include "zone.h"

/* A member; 0 if added, 1 if addr is not an address, -1 if full. */
static int
pool_member(struct pool *p, const char *addr, const char *node)
{
	struct pmember *m;

	if (p->nmember == POOL_MEMBERS_MAX)
		return -1;
	m = &p->m[p->nmember];
	memset(m, 0, sizeof *m);
	m->af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(m->af, addr, m->a) != 1)
		return 1;
	gwid_lower(m->node, node, strnlen(node, NODE_NAME_MAX));
	p->nmember++;
	return 0;
}

_Static_assert(POOL_MEMBERS_MAX >= CONF_MEMBERS_MAX &&
    POOL_MEMBERS_MAX > CONF_PEERS_MAX, "room for every member");

/* lib/conf_rules.c has checked that each node is a cluster node. */
static void
pool_members(struct pool *p, const struct conf_node *dp,
    const struct conf_node *dd)
{
	const struct conf_node *t, *n;
	const char *node;

	for (t = conf_first(conf_find(dp, "member")); t != NULL; t = conf_next(t))
		pool_member(p, conf_word(t),
		    (node = conf_value(t, "node")) != NULL ? node : "");
	if (conf_find(dp, "member") != NULL)
		return;
	/* by default the cluster's nodes given by address, each its own */
	p->defaults = 1;
	if ((node = conf_value(dd, "self")) != NULL)
		pool_member(p, node, node);
	for (n = conf_first(conf_find(dd, "peer")); n != NULL; n = conf_next(n))
		pool_member(p, conf_word(n), conf_word(n));
}

/*
 * The name, in wire form.  lib/conf_rules.c has checked that there is one,
 * and that one inside the domain is one label under it and no name
 * server's.
 */
static int
pool_name_read(struct pool *p, const struct zone *z, const struct conf *c,
    const struct conf_node *dp, struct conf_error *err)
{
	const char *s = conf_value(dp, "name");
	ldns_rdf *d, *apex;
	const uint8_t *w;

	if ((d = ldns_dname_new_frm_str(s)) == NULL ||
	    (apex = ldns_dname_new_frm_data((uint16_t)z->apexlen, z->apex)) == NULL) {
		ldns_rdf_deep_free(d);
		return conf_fail(err, conf_file(c), conf_line(conf_find(dp,
		    "name")), "name %s: not a domain name", s);
	}
	ldns_dname2canonical(d);
	snprintf(p->text, sizeof p->text, "%s", s);
	w = ldns_rdf_data(d);
	if (ldns_dname_is_subdomain(d, apex)) {
		p->inzone = 1;
		p->namelen = 1 + (size_t)w[0];
	} else
		p->namelen = ldns_rdf_size(d);
	memcpy(p->name, w, p->namelen);
	ldns_rdf_deep_free(d);
	ldns_rdf_deep_free(apex);
	return 0;
}

int
pool_config(struct zone *z, const struct conf *c, struct conf_error *err)
{
	const struct conf_node *dp = conf_find(conf_root(c), "service dns-pool");
	const struct conf_node *dd = conf_find(conf_root(c), "service ipsec-ddns");
	const struct conf_node *r, *l;
	struct pool *p = &z->pool;
	const char *s;

	memset(p, 0, sizeof *p);
	p->mode = POOL_NOFEED;
	if (dp == NULL)
		return 0;
	if (pool_name_read(p, z, c, dp, err) < 0)
		return -1;
	pool_members(p, dp, dd);
	p->ttl = POOL_TTL_DEFAULT;
	if ((s = conf_value(dp, "ttl")) != NULL)
		p->ttl = (uint32_t)strtoul(s, NULL, 10);
	if ((s = conf_value(dp, "answers")) != NULL)
		p->answers = (unsigned)strtoul(s, NULL, 10);
	/* both set: the later statement wins, as for any single value */
	r = conf_find(dp, "policy random");
	l = conf_find(dp, "policy least-loaded");
	p->policy = l != NULL && (r == NULL || conf_line(l) > conf_line(r)) ?
	    POOL_LEAST : POOL_RANDOM;
	p->on = 1;
	pool_view(z, 0);
	return 0;
}

static const struct tnode *
pool_node(const struct table *t, const char *name)
{
	int i;

	for (i = 0; t != NULL && i < t->nnode; i++)
		if (strcmp(t->node[i].name, name) == 0)
			return &t->node[i];
	return NULL;
}

/* Insertion sort by gateways: a few members, stable. */
static void
pool_by_load(struct pview *v, const uint32_t *gws)
{
	uint8_t x;
	int i, j;

	for (i = 1; i < v->n; i++) {
		x = v->idx[i];
		for (j = i; j > 0 && gws[v->idx[j - 1]] > gws[x]; j--)
			v->idx[j] = v->idx[j - 1];
		v->idx[j] = x;
	}
}

/* The members of family af in state want (st NULL: all of them). */
static void
pool_pick(const struct pool *p, struct pview *v, int af, const uint8_t *st,
    int want)
{
	int i;

	for (i = 0; i < p->nmember; i++)
		if (p->m[i].af == af && (st == NULL || st[i] == want))
			v->idx[v->n++] = (uint8_t)i;
}

/*
 * The members of one family to answer from: those up; if none, those
 * drained; if none, or not live, all of them.  end[] closes each group
 * the query path shuffles: ties of least-loaded, or everything.
 */
static void
pool_family(struct pool *p, struct pview *v, int af, const uint8_t *st,
    const uint32_t *gws)
{
	int i, j, least = p->policy == POOL_LEAST && p->mode == POOL_LIVE;

	v->n = 0;
	if (p->mode == POOL_LIVE) {
		pool_pick(p, v, af, st, NODE_UP);
		if (v->n == 0)
			pool_pick(p, v, af, st, NODE_DRAINED);
	}
	if (v->n == 0)
		pool_pick(p, v, af, NULL, 0);
	if (least)
		pool_by_load(v, gws);
	for (i = 0; i < v->n; i = j) {
		for (j = i + 1; j < v->n && (!least ||
		    gws[v->idx[j]] == gws[v->idx[i]]); j++)
			;
		memset(v->end + i, j, (size_t)(j - i));
	}
}

int
pool_view(struct zone *z, int live)
{
	struct pool *p = &z->pool;
	const struct tnode *n;
	uint8_t st[POOL_MEMBERS_MAX];
	uint32_t gws[POOL_MEMBERS_MAX];
	int i;

	p->nalive = 0;
	for (i = 0; i < p->nmember; i++) {
		n = p->m[i].node[0] != '\0' ? pool_node(z->t, p->m[i].node) :
		    NULL;
		st[i] = p->m[i].node[0] == '\0' ? NODE_UP :
		    n != NULL ? n->state : NODE_UNKNOWN;
		gws[i] = n != NULL ? n->gws : 0;
		if (st[i] == NODE_UP || st[i] == NODE_DRAINED)
			p->nalive++;
	}
	p->mode = !live ? POOL_NOFEED : p->nalive == 0 ? POOL_NONEALIVE :
	    POOL_LIVE;
	pool_family(p, &p->v[0], AF_INET, st, gws);
	pool_family(p, &p->v[1], AF_INET6, st, gws);
	return p->mode;
}

/*
 * By default the members are the cluster's nodes given by address: those
 * the feed lists, once it lists any, so that a node added to or removed
 * from the cluster joins or leaves the pool without a reload.  Returns
 * 1 if the members changed (pool_view then makes the view again).
 */
int
pool_nodes(struct zone *z)
{
	struct pool *p = &z->pool;
	static struct pmember old[POOL_MEMBERS_MAX];
	int i, n = p->nmember, listed = 0;

	if (!p->on || !p->defaults || z->t == NULL)
		return 0;
	for (i = 0; i < z->t->nnode; i++)
		listed += z->t->node[i].listed;
	if (listed == 0)
		return 0;
	memcpy(old, p->m, sizeof old);
	p->nmember = 0;
	for (i = 0; i < z->t->nnode; i++)
		if (z->t->node[i].listed)
			pool_member(p, z->t->node[i].name, z->t->node[i].name);
	if (p->nmember == 0) {	/* no address among them: keep the members */
		memcpy(p->m, old, sizeof old);
		p->nmember = n;
		return 0;
	}
	for (i = 0; i < p->nmember && p->nmember == n; i++)
		if (p->m[i].af != old[i].af || memcmp(p->m[i].a, old[i].a, 16) != 0 ||
		    strcmp(p->m[i].node, old[i].node) != 0)
			break;
	return p->nmember != n || i < n;
}
