/*
 * The zone's fixed part (from vpnha.conf, names converted by ldns) and the
 * table of gateway records.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>
#include <sodium.h>

#include "clock.h"
#include "conf.h"
#include "gwid.h"
#include "num.h"
#include "rc.h"
#include "rrl.h"
#include "zone.h"

/*
 * A name in wire form, lower case; relative to the apex (the labels above
 * it) when it is under it.  Returns 0, 1 for the apex itself, -1 if it is
 * not a domain name.
 */
static int
zname_make(struct zname *zn, const struct zone *z, const char *text)
{
	ldns_rdf *d, *apex;
	size_t n;
	int rc = 0;

	if ((d = ldns_dname_new_frm_str(text)) == NULL)
		return -1;
	apex = ldns_dname_new_frm_data((uint16_t)z->apexlen, z->apex);
	ldns_dname2canonical(d);
	n = ldns_rdf_size(d);
	memset(zn, 0, sizeof *zn);
	if (apex != NULL && ldns_dname_compare(d, apex) == 0)
		rc = 1;
	else if (apex != NULL && ldns_dname_is_subdomain(d, apex)) {
		zn->inzone = 1;
		n -= z->apexlen;
	}
	memcpy(zn->wire, ldns_rdf_data(d), n);
	zn->len = (uint8_t)n;
	ldns_rdf_deep_free(d);
	ldns_rdf_deep_free(apex);
	return rc;
}

static int
ns_addr_cmp(const void *a, const void *b)
{
	const struct nshost *x = a, *y = b;

	if (x->addr[0].af != y->addr[0].af)
		return x->addr[0].af == AF_INET ? -1 : 1;
	return memcmp(x->addr[0].a, y->addr[0].a, 16);
}

static int
ns_name_cmp(const void *a, const void *b)
{
	const struct nshost *x = a, *y = b;

	if (x->name.inzone != y->name.inzone)
		return x->name.inzone ? -1 : 1;
	if (x->name.len != y->name.len)
		return x->name.len < y->name.len ? -1 : 1;
	return memcmp(x->name.wire, y->name.wire, x->name.len);
}

static int
zone_addr(const char *s, uint8_t *af, uint8_t *a)
{
	memset(a, 0, 16);
	*af = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;
	return inet_pton(*af, s, a) == 1 ? 0 : -1;
}

_Static_assert(ZONE_NS_MAX >= CONF_NS_MAX && ZONE_NS_MAX > CONF_PEERS_MAX &&
    ZONE_NS_ADDR_MAX >= CONF_NS_ADDR_MAX, "room for every name server");

/*
 * name-server NAME [address ADDRESS]...: the operator's own NS set.  The
 * rules of lib/conf_rules.c hold: one label under the apex with glue, or
 * a name outside it without.
 */
static void
ns_given(struct zone *z, const struct conf_node *tags)
{
	const struct conf_node *t, *a;
	struct nshost *h;

	for (t = conf_first(tags); t != NULL && z->nns < ZONE_NS_MAX;
	    t = conf_next(t)) {
		h = &z->ns[z->nns++];
		zname_make(&h->name, z, conf_word(t));
		a = conf_first(conf_find(t, "address"));
		for (; a != NULL && h->naddr < ZONE_NS_ADDR_MAX; a = conf_next(a)) {
			zone_addr(conf_word(a), &h->addr[h->naddr].af,
			    h->addr[h->naddr].a);
			h->naddr++;
		}
	}
	qsort(z->ns, (size_t)z->nns, sizeof z->ns[0], ns_name_cmp);
}

/*
 * A cluster node as a name server: an address (named nsN once sorted)
 * or a name outside the domain.  0, or NS_FULL, or NS_UNDER for a name
 * under the domain (which needs name-server and an address).  The
 * configuration's nodes cannot be either (lib/conf_rules.c); the feed's
 * can.
 */
enum { NS_FULL = 1, NS_UNDER };

static int
ns_node(struct zone *z, const char *node)
{
	struct nshost *h;

	if (z->nns == ZONE_NS_MAX)
		return NS_FULL;
	h = &z->ns[z->nns];
	memset(h, 0, sizeof *h);
	if (zone_addr(node, &h->addr[0].af, h->addr[0].a) == 0)
		h->naddr = 1;
	else if (zname_make(&h->name, z, node) != 0 || h->name.inzone)
		return NS_UNDER;
	z->nns++;
	return 0;
}

/*
 * Equal hosts are one server: an RRset has no duplicates (RFC 2181 5).
 * The file cannot list a node twice (lib/conf_rules.c), the feed might;
 * this keeps the set an RRset whatever it holds.  The n hosts are sorted
 * by cmp.
 */
static int
ns_unique(struct nshost *h, int n, int (*cmp)(const void *, const void *))
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (k == 0 || cmp(&h[k - 1], &h[i]) != 0)
			h[k++] = h[i];
	return k;
}

/*
 * The NS set of the cluster's nodes, the same on every node whatever
 * order they came in: addresses, sorted, become ns1, ns2, ... under the
 * apex with glue; nodes given by name are served under that name, after.
 */
static void
ns_sort(struct zone *z)
{
	char name[16];
	int i, naddr = 0, nnamed;

	for (i = 0; i < z->nns; i++)
		if (z->ns[i].naddr > 0) {
			struct nshost t = z->ns[naddr];

			z->ns[naddr++] = z->ns[i];
			z->ns[i] = t;
		}
	qsort(z->ns, (size_t)naddr, sizeof z->ns[0], ns_addr_cmp);
	qsort(z->ns + naddr, (size_t)(z->nns - naddr), sizeof z->ns[0],
	    ns_name_cmp);
	nnamed = ns_unique(z->ns + naddr, z->nns - naddr, ns_name_cmp);
	i = naddr;
	naddr = ns_unique(z->ns, naddr, ns_addr_cmp);
	memmove(z->ns + naddr, z->ns + i, (size_t)nnamed * sizeof z->ns[0]);
	z->nns = naddr + nnamed;
	for (i = 0; i < naddr; i++) {
		snprintf(name, sizeof name, "ns%d", i + 1);
		zname_make(&z->ns[i].name, z, name);
		/* relative: ldns read it as "nsN." */
		z->ns[i].name.len = (uint8_t)(z->ns[i].name.len - 1);
		z->ns[i].name.inzone = 1;
	}
}

/* The default NS set: the cluster's nodes (self and every peer). */
static void
ns_nodes(struct zone *z, const struct conf_node *dd)
{
	const struct conf_node *n;

	if ((n = conf_find(dd, "self")) != NULL)
		ns_node(z, conf_word(conf_first(n)));
	for (n = conf_first(conf_find(dd, "peer")); n; n = conf_next(n))
		ns_node(z, conf_word(n));
	ns_sort(z);
}

static int
ns_same(const struct nshost *a, const struct nshost *b)
{
	int i;

	if (a->name.len != b->name.len || a->name.inzone != b->name.inzone ||
	    memcmp(a->name.wire, b->name.wire, a->name.len) != 0 ||
	    a->naddr != b->naddr)
		return 0;
	for (i = 0; i < a->naddr; i++)
		if (a->addr[i].af != b->addr[i].af ||
		    memcmp(a->addr[i].a, b->addr[i].a, 16) != 0)
			return 0;
	return 1;
}

int
zone_ns_feed(struct zone *z, const char **bad)
{
	static struct nshost old[ZONE_NS_MAX];
	int i, nold = z->nns, listed = 0;

	*bad = NULL;
	if (z->ns_given || z->t == NULL)
		return 0;
	for (i = 0; i < z->t->nnode; i++)
		listed += z->t->node[i].listed;
	if (listed == 0)
		return 0;
	memcpy(old, z->ns, sizeof old);
	z->nns = 0;
	for (i = 0; i < z->t->nnode; i++)
		if (z->t->node[i].listed && ns_node(z, z->t->node[i].name) != 0 &&
		    *bad == NULL)
			*bad = z->t->node[i].name;
	if (z->nns == 0) {	/* none could be: keep what was served */
		memcpy(z->ns, old, sizeof old);
		z->nns = nold;
		return 0;
	}
	ns_sort(z);
	for (i = 0; i < z->nns && z->nns == nold; i++)
		if (!ns_same(&z->ns[i], &old[i]))
			break;
	return z->nns != nold || i < z->nns;
}

_Static_assert(ZONE_SECONDARY_MAX >= CONF_SECONDARIES_MAX &&
    ZONE_KEY_MAX >= CONF_TSIG_KEYS_MAX, "room for every secondary and key");

/*
 * contact and the timers of the SOA (lib/conf_rules.c checked them).
 * Without contact, hostmaster under the apex of each zone served.
 */
static void
zone_soa(struct zone *z, const struct conf_node *dd)
{
	char rname[CONF_RNAME_MAX];
	const char *s, *why;

	z->refresh = CONF_REFRESH_DEFAULT;
	z->retry = CONF_RETRY_DEFAULT;
	z->expire = CONF_EXPIRE_DEFAULT;
	if ((s = conf_value(dd, "refresh")) != NULL)
		num_u32(s, 0, UINT32_MAX, &z->refresh);
	if ((s = conf_value(dd, "retry")) != NULL)
		num_u32(s, 0, UINT32_MAX, &z->retry);
	if ((s = conf_value(dd, "expire")) != NULL)
		num_u32(s, 0, UINT32_MAX, &z->expire);
	if ((s = conf_value(dd, "contact")) != NULL &&
	    conf_rname(rname, sizeof rname, s, &why) == 0 &&
	    zname_make(&z->contact, z, rname) >= 0) {
		z->contact_given = 1;
		return;
	}
	zname_make(&z->contact, z, ZONE_CONTACT);
	z->contact.len = (uint8_t)(z->contact.len - 1);
	z->contact.inzone = 1;
}

/*
 * tsig-key NAME secret BASE64: the name as written and in wire form,
 * the secret decoded.  tsig_key_set() of lib/tsig.c does the same and
 * is to replace the body of this loop once it is there.
 */
static int
zone_keys(struct zone *z, const struct conf *c, const struct conf_node *dd,
    struct conf_error *err)
{
	const struct conf_node *t;
	struct tsig_key *k;
	const char *s;
	ldns_rdf *d;

	for (t = conf_first(conf_find(dd, "tsig-key")); t != NULL &&
	    z->nkey < ZONE_KEY_MAX; t = conf_next(t)) {
		k = &z->key[z->nkey];
		s = conf_value(t, "secret");
		snprintf(k->text, sizeof k->text, "%s", conf_word(t));
		if ((d = ldns_dname_new_frm_str(conf_word(t))) == NULL ||
		    ldns_rdf_size(d) > TSIG_NAME_MAX || s == NULL ||
		    sodium_base642bin(k->secret, sizeof k->secret, s,
		    strlen(s), NULL, &k->secretlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0) {
			ldns_rdf_deep_free(d);
			return conf_fail(err, conf_file(c), conf_line(t),
			    "tsig-key %s: not a key", conf_word(t));
		}
		ldns_dname2canonical(d);
		k->namelen = ldns_rdf_size(d);
		memcpy(k->name, ldns_rdf_data(d), k->namelen);
		ldns_rdf_deep_free(d);
		z->nkey++;
	}
	return 0;
}

/* secondary ADDRESS [tsig-key NAME], and notify-delay. */
static void
zone_secondaries(struct zone *z, const struct conf_node *dd)
{
	const struct conf_node *t;
	struct zsecondary *sec;
	const char *k;
	uint64_t cs = ZONE_NOTIFY_DELAY / 10;
	int i;

	for (t = conf_first(conf_find(dd, "secondary")); t != NULL &&
	    z->nsec < ZONE_SECONDARY_MAX; t = conf_next(t)) {
		sec = &z->sec[z->nsec++];
		zone_addr(conf_word(t), &sec->af, sec->a);
		snprintf(sec->text, sizeof sec->text, "%s", conf_word(t));
		sec->key = -1;
		k = conf_value(t, "tsig-key");
		for (i = 0; k != NULL && i < z->nkey; i++)
			if (strcmp(z->key[i].text, k) == 0)
				sec->key = i;
	}
	if (conf_value(dd, "notify-delay") != NULL)
		num_fixed(conf_value(dd, "notify-delay"), 2, 0, 6000, &cs);
	z->notify_delay = (int64_t)cs * 10 * CLOCK_MS;
}

int
zone_config(struct zone *z, const struct conf *c, struct conf_error *err)
{
	const struct conf_node *dd = conf_find(conf_root(c), "service ipsec-ddns");
	const char *s;
	ldns_rdf *d;
	uint32_t ttl = ZONE_TTL_DEFAULT;

	memset(z, 0, sizeof *z);
	if ((s = conf_value(dd, "domain")) == NULL)
		return conf_fail(err, conf_file(c), 0, "no domain: set service "
		    "ipsec-ddns domain NAME");
	if ((d = ldns_dname_new_frm_str(s)) == NULL)
		return conf_fail(err, conf_file(c), conf_line(conf_find(dd,
		    "domain")), "domain %s is not a domain name", s);
	ldns_dname2canonical(d);
	z->apexlen = ldns_rdf_size(d);
	memcpy(z->apex, ldns_rdf_data(d), z->apexlen);
	ldns_rdf_deep_free(d);
	snprintf(z->domain, sizeof z->domain, "%s", s);
	if ((s = conf_value(dd, "ttl")) != NULL)
		num_u32(s, 0, 86400, &ttl);
	z->ttl = ttl;
	z->rrl_limit = RRL_LIMIT;
	z->rrl_slip = RRL_SLIP;
	if ((s = conf_value(dd, "rate-limit")) != NULL)
		num_u32(s, 0, RRL_LIMIT_MAX, &z->rrl_limit);
	if ((s = conf_value(dd, "rate-limit-slip")) != NULL)
		num_u32(s, 0, RRL_SLIP_MAX, &z->rrl_slip);
	zone_soa(z, dd);
	if (zone_keys(z, c, dd, err) < 0)
		return -1;
	zone_secondaries(z, dd);
	if (conf_find(dd, "name-server") != NULL) {
		z->ns_given = 1;
		ns_given(z, conf_find(dd, "name-server"));
	} else
		ns_nodes(z, dd);
	if (z->nns == 0)
		return conf_fail(err, conf_file(c), 0, "no name servers: set "
		    "service ipsec-ddns self (and peer), or name-server");
	return pool_config(z, c, err);
}

/* FNV-1a, then murmur3's finaliser so that the low bits are mixed. */
static uint32_t
table_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

static uint32_t
table_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * 16777619U;
	return h;
}

uint32_t
table_hash(const uint8_t *label, size_t len)
{
	return table_mix(table_fnv(2166136261U, label, len));
}

/*
 * RFC 1982 arithmetic holds as long as a step is less than 2^31 units,
 * 248 days in 10 ms units.  Stamps are compared whole, as 64-bit
 * milliseconds: that agrees with RFC 1982 order whenever two serials are
 * less than 248 days apart, and never mistakes a stamp from the distant
 * past (an empty table's 0) for a newer one, as serial order would half
 * of the time.
 */
void
zone_stamp(struct zone *z, int64_t ms)
{
	if (ms > z->stamp)
		z->stamp = ms;
}

const struct zsecondary *
zone_secondary(const struct zone *z, int af, const uint8_t *a)
{
	int i;

	for (i = 0; i < z->nsec; i++)
		if (z->sec[i].af == af &&
		    memcmp(z->sec[i].a, a, af == AF_INET ? 4 : 16) == 0)
			return &z->sec[i];
	return NULL;
}

void
zone_step(struct zone *z)
{
	z->stamp = (z->stamp / ZONE_SERIAL_UNIT + 1) * ZONE_SERIAL_UNIT;
}

uint32_t
zone_serial(const struct zone *z)
{
	return (uint32_t)((uint64_t)z->stamp / ZONE_SERIAL_UNIT);
}

static void (*table_changing)(const struct table *);

void
table_watch(void (*fn)(const struct table *))
{
	table_changing = fn;
}

struct table *
table_new(size_t hint)
{
	struct table *t;
	size_t n = 64;

	while (n < 2 * hint)
		n *= 2;
	if ((t = calloc(1, sizeof *t)) == NULL ||
	    (t->slot = calloc(n, sizeof *t->slot)) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	return t;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (table_changing != NULL)
		table_changing(t);
	for (i = 0; i <= t->mask; i++)
		free(t->slot[i]);
	free(t->slot);
	free(t);
}

static size_t
table_probe(const struct table *t, const uint8_t *label, size_t len,
    uint32_t hash)
{
	size_t i = hash & t->mask;
	const struct rec *r;

	while ((r = t->slot[i]) != NULL) {
		if (r->hash == hash && r->len == len &&
		    memcmp(r->label, label, len) == 0)
			break;
		i = (i + 1) & t->mask;
	}
	return i;
}

const struct rec *
table_get(const struct table *t, const uint8_t *label, size_t len,
    uint32_t hash)
{
	return t->slot[table_probe(t, label, len, hash)];
}

/* Double the slots at half full: probes stay short. */
static int
table_grow(struct table *t)
{
	struct rec **old = t->slot;
	size_t i, j, n = (t->mask + 1) * 2;

	if ((t->slot = calloc(n, sizeof *t->slot)) == NULL) {
		t->slot = old;
		return -1;
	}
	for (i = 0; i <= t->mask; i++) {
		if (old[i] == NULL)
			continue;
		for (j = old[i]->hash & (n - 1); t->slot[j]; j = (j + 1) & (n - 1))
			;
		t->slot[j] = old[i];
	}
	t->mask = n - 1;
	free(old);
	return 0;
}

/* Is it the name of one of our name servers (whose addresses are glue)? */
static int
zone_is_ns(const struct zone *z, const uint8_t *lc, size_t len)
{
	int i;

	for (i = 0; i < z->nns; i++)
		if (z->ns[i].name.inzone && z->ns[i].name.len == len + 1 &&
		    memcmp(z->ns[i].name.wire + 1, lc, len) == 0)
			return 1;
	return 0;
}

int
table_set(struct table *t, const struct zone *z, const char *label,
    size_t len, int af, const void *addr, const char **why)
{
	uint8_t lc[LABEL_MAX], a16[16];
	struct rec *r;
	size_t i, alen = af == AF_INET ? 4 : 16;
	uint32_t h;

	if (!gwid_label_ok(label, len)) {
		*why = "not a DNS label (" GWID_LABEL_RULE ")";
		return -1;
	}
	if (1 + len + z->apexlen > NAME_WIRE_MAX) {
		*why = "name longer than 253 characters with the domain";
		return -1;
	}
	gwid_lower(lc, label, len);
	if (zone_is_ns(z, lc, len)) {
		*why = "the name of a name server of the zone";
		return -1;
	}
	h = table_hash(lc, len);
	i = table_probe(t, lc, len, h);
	memset(a16, 0, sizeof a16);
	memcpy(a16, addr, alen);
	if ((r = t->slot[i]) != NULL) {
		if (r->af == af && memcmp(r->addr, addr, alen) == 0)
			return 0;
		if (table_changing != NULL)
			table_changing(t);
		if (t->log != NULL)
			t->log(lc, len, r->af, r->addr, af, a16);
	} else {
		if ((r = malloc(sizeof *r + len)) == NULL) {
			*why = "out of memory";
			return -1;
		}
		if (table_changing != NULL)
			table_changing(t);
		if (t->log != NULL)
			t->log(lc, len, 0, NULL, af, a16);
		r->hash = h;
		r->len = (uint8_t)len;
		r->origin = 0;
		memcpy(r->label, lc, len);
		t->slot[i] = r;
		t->n++;
	}
	r->af = (uint8_t)af;
	memset(r->addr, 0, sizeof r->addr);
	memcpy(r->addr, addr, alen);
	t->gen++;
	if (2 * t->n > t->mask + 1 && table_grow(t) < 0) {
		*why = "out of memory";
		return -1;
	}
	return 1;
}

int
table_del(struct table *t, const char *label, size_t len)
{
	uint8_t lc[LABEL_MAX];
	size_t i, j, k;

	if (len == 0 || len > LABEL_MAX)
		return 0;
	gwid_lower(lc, label, len);
	i = table_probe(t, lc, len, table_hash(lc, len));
	if (t->slot[i] == NULL)
		return 0;
	if (table_changing != NULL)
		table_changing(t);
	if (t->log != NULL)
		t->log(lc, len, t->slot[i]->af, t->slot[i]->addr, 0, NULL);
	if (t->slot[i]->origin != 0)
		t->node[t->slot[i]->origin - 1].gws--;
	free(t->slot[i]);
	t->n--;
	t->gen++;
	/* backward shift: close the gap so that no probe chain breaks */
	for (j = i;;) {
		j = (j + 1) & t->mask;
		if (t->slot[j] == NULL)
			break;
		k = t->slot[j]->hash & t->mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slot[i] = t->slot[j];
		i = j;
	}
	t->slot[i] = NULL;
	return 1;
}

int
table_node(struct table *t, const char *name)
{
	size_t n = strlen(name);
	int k;

	if (n == 0 || n > NODE_NAME_MAX)
		return -1;
	for (k = 0; k < t->nnode; k++)
		if (strcasecmp(t->node[k].name, name) == 0)
			return k;
	if (t->nnode == TABLE_NODES_MAX)
		return -1;
	gwid_lower(t->node[k].name, name, n + 1);
	t->node[k].state = NODE_UNKNOWN;
	t->node[k].listed = 0;
	t->node[k].gws = 0;
	return t->nnode++;
}

void
table_origin(struct table *t, const char *label, size_t len, int i)
{
	uint8_t lc[LABEL_MAX];
	struct rec *r;

	if (len == 0 || len > LABEL_MAX)
		return;
	gwid_lower(lc, label, len);
	if ((r = t->slot[table_probe(t, lc, len, table_hash(lc, len))]) == NULL)
		return;
	if (r->origin != 0)
		t->node[r->origin - 1].gws--;
	r->origin = (uint8_t)(i + 1);
	if (r->origin != 0)
		t->node[i].gws++;
}

int
zone_label(const struct zone *z, const char *name, const char **label,
    size_t *len, const char **why)
{
	size_t n = strlen(name), dl = strlen(z->domain);
	const char *dot = strchr(name, '.');

	if (n > 0 && name[n - 1] == '.')
		n--;
	*label = name;
	*len = dot != NULL ? (size_t)(dot - name) : n;
	if (dot == NULL || (n == *len + 1 + dl &&
	    strncasecmp(dot + 1, z->domain, dl) == 0))
		return 0;
	*why = "not one label under the domain";
	return -1;
}

static int
records_line(struct table *t, const struct zone *z, char *line,
    const char **why)
{
	char *w[3], *p;
	const char *label;
	uint8_t af, a[16];
	size_t len;
	int n = 0;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (p = strtok(line, " \t\r\n"); p != NULL; p = strtok(NULL, " \t\r\n"))
		if (n < 3)
			w[n++] = p;
		else
			n = 4;
	if (n == 0)
		return 0;
	if (n != 2) {
		*why = "expected NAME ADDRESS";
		return -1;
	}
	if (zone_label(z, w[0], &label, &len, why) < 0)
		return -1;
	if (zone_addr(w[1], &af, a) < 0) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	if (len > 0 && len <= LABEL_MAX && t->n > 0) {
		uint8_t lc[LABEL_MAX];

		gwid_lower(lc, label, len);
		if (table_get(t, lc, len, table_hash(lc, len)) != NULL) {
			*why = "name given twice";
			return -1;
		}
	}
	return table_set(t, z, label, len, af, a, why) < 0 ? -1 : 0;
}

/* A records file that cannot be read: RC_USAGE if it is not there. */
static struct table *
records_unread(struct conf_error *err, const char *path, int e)
{
	snprintf(err->msg, sizeof err->msg, "unable to read %s: %s", path,
	    strerror(e));
	err->rc = e == ENOENT ? RC_USAGE : RC_TEMP;
	return NULL;
}

struct table *
zone_read_records(const struct zone *z, const char *path, int64_t *mtime,
    struct conf_error *err)
{
	struct table *t;
	struct stat st;
	char *line = NULL;
	const char *why;
	size_t cap = 0;
	unsigned lineno = 0;
	FILE *f;
	int e;

	if ((f = fopen(path, "r")) == NULL)
		return records_unread(err, path, errno);
	/* of the file read, not of whatever the name points at later */
	*mtime = fstat(fileno(f), &st) == 0 ? (int64_t)st.st_mtim.tv_sec *
	    1000 + st.st_mtim.tv_nsec / 1000000 : 0;
	if ((t = table_new(0)) == NULL) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		err->rc = RC_TEMP;
		fclose(f);
		return NULL;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		if (records_line(t, z, line, &why) < 0) {
			conf_fail(err, path, lineno, "%s", why);
			table_free(t);
			t = NULL;
			break;
		}
	}
	if (t != NULL && ferror(f)) {
		e = errno;
		table_free(t);
		t = records_unread(err, path, e);
	}
	free(line);
	fclose(f);
	return t;
}
