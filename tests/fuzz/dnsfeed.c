/*
 * Fuzz ddns-named's feed lines (what ddns-syncd's subscribe sends): each
 * line of the input is applied to a fresh table, and after each the table
 * must hold what the line said (a record set is found with its address, a
 * removed one is gone) and stay whole: every record reachable by its own
 * probe, its label one by lib/gwid's rule, the count right.  Deletions
 * shift records back in the probe chains, which is where a hash table
 * goes wrong.  A stamp taken from a
 * line must be the one its last word spells, and the zone's stamp (the
 * SOA serial's source) never goes back.  The same bytes are then read as
 * a records file (-d), which loads or names the line at fault.  The
 * feed's nodes (`@ NODE STATE`, the ORIGIN of `+`) must keep gateway
 * counts that add up to the records with an origin, and the pool's view
 * made from them must answer from members of the right family, never
 * none while a member of that family is configured.  The nodes of `@`
 * lines, until `@ NODE removed`, make the NS set: every address among
 * them once, sorted.
 */
#include <sys/socket.h>

#include <sys/mman.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "ddns-named.h"
#include "gwid.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char config[] =
    "set service ipsec-ddns self 198.51.100.2\n"
    "set service ipsec-ddns peer 198.51.100.1\n"
    "set service ipsec-ddns peer 2001:db8::53\n"
    "set service ipsec-ddns domain vpn.example.org\n"
    "set service dns-pool name pool.vpn.example.org\n"
    "set service dns-pool member 203.0.113.1 node 198.51.100.1\n"
    "set service dns-pool member 203.0.113.2 node 198.51.100.2\n"
    "set service dns-pool member 2001:db8::1 node 2001:db8::53\n"
    "set service dns-pool member 203.0.113.9\n"
    "set service dns-pool policy least-loaded\n";

static struct zone Z, Z0;

static void
init(void)
{
	struct conf_error ce;
	struct conf *c;

	if ((c = conf_parse("fuzz.conf", config, sizeof config - 1, &ce)) == NULL ||
	    zone_config(&Z, c, &ce) < 0)
		abort();
	conf_free(c);
}

static const struct rec *
find(const char *label)
{
	uint8_t lc[LABEL_MAX];
	size_t i, n = strlen(label);

	if (n == 0 || n > LABEL_MAX)
		return NULL;
	for (i = 0; i < n; i++)
		lc[i] = (uint8_t)(label[i] >= 'A' && label[i] <= 'Z' ?
		    label[i] + 32 : label[i]);
	return table_get(Z.t, lc, n, table_hash(lc, n));
}

static void
whole(void)
{
	const struct rec *r;
	size_t i, n = 0;

	for (i = 0; i <= Z.t->mask; i++) {
		if ((r = Z.t->slot[i]) == NULL)
			continue;
		n++;
		if (table_get(Z.t, (const uint8_t *)r->label, r->len,
		    r->hash) != r || !gwid_label_ok(r->label, r->len))
			abort();
	}
	if (n != Z.t->n || 2 * n > Z.t->mask + 1)
		abort();
}

/* Every record with an origin counted once, at its node; the views. */
static void
counts(void)
{
	uint32_t c[TABLE_NODES_MAX] = { 0 };
	const struct pview *v;
	size_t i;
	int k, f, j;

	for (i = 0; i <= Z.t->mask; i++)
		if (Z.t->slot[i] != NULL && Z.t->slot[i]->origin != 0) {
			if (Z.t->slot[i]->origin > Z.t->nnode)
				abort();
			c[Z.t->slot[i]->origin - 1]++;
		}
	for (k = 0; k < Z.t->nnode; k++)
		if (c[k] != Z.t->node[k].gws || Z.t->node[k].state > NODE_DRAINED)
			abort();
	pool_view(&Z, 1);
	for (f = 0; f < 2; f++) {
		v = &Z.pool.v[f];
		if (v->n == 0 || v->n > Z.pool.nmember)
			abort();	/* both families have members */
		for (j = 0; j < v->n; j++)
			if (Z.pool.m[v->idx[j]].af != (f ? AF_INET6 : AF_INET) ||
			    v->end[j] <= j || v->end[j] > v->n)
				abort();
	}
}

/*
 * After an @ line: the node is listed or not as it said, and the NS set
 * made from the listed nodes holds each listed address once, as glue of
 * a name under the apex, sorted, and no more servers than nodes.
 */
static void
cluster(const char *node, int listed)
{
	const struct nshost *h;
	const char *bad;
	uint8_t a[16];
	int i, k, af, seen, nlisted = 0, found = 0;

	for (i = 0; i < Z.t->nnode; i++) {
		nlisted += Z.t->node[i].listed;
		if (strcasecmp(Z.t->node[i].name, node) == 0) {
			found = 1;
			if (Z.t->node[i].listed != listed)
				abort();
		}
	}
	if (listed && !found)
		abort();
	zone_ns_feed(&Z, &bad);
	if (Z.nns < 1 || Z.nns > ZONE_NS_MAX || (nlisted > 0 && bad == NULL &&
	    nlisted <= ZONE_NS_MAX && Z.nns > nlisted))
		abort();
	for (i = 0; nlisted > 0 && i < Z.t->nnode; i++) {
		if (!Z.t->node[i].listed)
			continue;
		af = strchr(Z.t->node[i].name, ':') != NULL ? AF_INET6 : AF_INET;
		if (inet_pton(af, Z.t->node[i].name, a) != 1 || nlisted > ZONE_NS_MAX)
			continue;
		for (seen = k = 0; k < Z.nns; k++) {
			h = &Z.ns[k];
			seen += h->naddr == 1 && h->addr[0].af == af &&
			    memcmp(h->addr[0].a, a, af == AF_INET ? 4 : 16) == 0 &&
			    h->name.inzone;
		}
		if (seen != 1)
			abort();
	}
	for (k = 1; k < Z.nns; k++)	/* addresses first, sorted: ns1, ns2 */
		if (Z.ns[k].naddr == 1 && Z.ns[k - 1].naddr == 1 &&
		    (Z.ns[k].addr[0].af < Z.ns[k - 1].addr[0].af ||
		    (Z.ns[k].addr[0].af == Z.ns[k - 1].addr[0].af &&
		    memcmp(Z.ns[k].addr[0].a, Z.ns[k - 1].addr[0].a, 16) <= 0)))
			abort();
}

/* The stamp word SECONDS.MMM.COUNTER, read again another way. */
static void
stamp_said(const char *word, int64_t ms)
{
	char *end;
	long long sec = strtoll(word, &end, 10);

	if (ms < 0 || ms >= FEED_STAMP_MS_MAX || *end != '.' ||
	    sec != ms / 1000 || strtol(end + 1, NULL, 10) != ms % 1000)
		abort();
}

/* What the line said, checked against the table and the zone's stamp. */
static void
said(char *copy, int kind, int64_t ms, const char *why)
{
	char *w[4], *save = NULL;
	const struct rec *r;
	uint8_t a[16] = { 0 };
	int64_t before = Z.stamp;
	int n = 0, af;

	for (w[n] = strtok_r(copy, " ", &save); w[n] != NULL && n < 3;)
		w[++n] = strtok_r(NULL, " ", &save);
	if (kind == FEED_NODE) {
		if (ms != -1)
			abort();
		if (why == NULL && n == 3)
			cluster(w[1], strcmp(w[2], "removed") != 0);
		return;
	}
	if (kind == FEED_BAD || kind == FEED_ERROR) {
		if (ms != -1)
			abort();
		return;
	}
	if (ms >= 0) {
		stamp_said(w[kind == FEED_END ? 1 : kind == FEED_DEL ? 2 : 3], ms);
		zone_stamp(&Z, ms);
		if (Z.stamp < before || Z.stamp < ms ||
		    zone_serial(&Z) != (uint32_t)(Z.stamp / ZONE_SERIAL_UNIT))
			abort();
	}
	if (kind == FEED_DEL && find(w[1]) != NULL)
		abort();
	if (kind != FEED_SET || why != NULL)
		return;
	af = strchr(w[2], ':') != NULL ? AF_INET6 : AF_INET;
	inet_pton(af, w[2], a);
	if ((r = find(w[1])) == NULL || r->af != af ||
	    memcmp(r->addr, a, af == AF_INET ? 4 : 16) != 0)
		abort();
}

static void
records_file(const uint8_t *data, size_t size)
{
	struct conf_error err;
	struct table *t;
	char path[64], where[80];
	int fd;

	int64_t mtime = -1;

	if ((fd = memfd_create("records", MFD_CLOEXEC)) < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		snprintf(where, sizeof where, "%s:", path);
		if ((t = zone_read_records(&Z, path, &mtime, &err)) != NULL) {
			if (mtime <= 0)	/* a file written just now */
				abort();
			table_free(t);
		}
		else if (err.rc != 100 || strncmp(err.msg, where,
		    strlen(where)) != 0)
			abort();
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[FEED_LINE_MAX + 1], copy[FEED_LINE_MAX + 1];
	const uint8_t *p = data, *end = data + size, *nl;
	const char *why;
	int64_t ms;
	size_t n;
	int kind;

	if (Z.apexlen == 0) {
		init();
		Z0 = Z;
	}
	Z = Z0;		/* the NS set of the configuration again */
	if ((Z.t = table_new(0)) == NULL)
		return 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p) < FEED_LINE_MAX ? (size_t)(nl - p) : FEED_LINE_MAX;
		memcpy(line, p, n);
		line[n] = '\0';
		memcpy(copy, line, n + 1);
		kind = feed_apply(Z.t, &Z, line, &ms, &why);
		if (kind < FEED_SET || kind > FEED_BAD)
			abort();
		said(copy, kind, ms, why);
		whole();
		counts();
		p = nl + 1;
	}
	table_free(Z.t);
	Z.t = NULL;
	records_file(data, size);
	return 0;
}
