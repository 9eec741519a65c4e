/*
 * The groups of vpnha.conf: every `interfaces ethernet IF vrrp vrrp-group
 * VRID ...`, with the defaults and the checks that need a whole group.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "num.h"
#include "rc.h"
#include "vrrpd.h"

#define DEFAULT_PRIORITY	100	/* RFC 5798 5.2.4 */
#define DEFAULT_INTERVAL	100	/* centiseconds: 1 s */

static int
bad(char *err, size_t size, const struct conf *c, const struct conf_node *n,
    const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(err, size, "%s:%u: %s", conf_file(c), conf_line(n), msg);
	return RC_USAGE;
}

static int
add_vip(struct group *g, const char *text)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	struct vip *v = &g->cf.vip[g->cf.nvip];
	uint32_t plen;

	snprintf(buf, sizeof buf, "%s", text);	/* canonical: addr/len */
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash++ = '\0';
	v->af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(v->af, buf, &v->a) != 1 ||
	    num_u32(slash, 0, v->af == AF_INET ? 32 : 128, &plen) != NUM_OK)
		return -1;
	v->plen = (int)plen;
	g->cf.nvip++;
	return 0;
}

static int
group(const struct conf *c, const struct conf_node *gn, const char *ifname,
    struct group *g, char *err, size_t size)
{
	const struct conf_node *n;
	const char *s;
	uint64_t iv;
	uint32_t u;

	snprintf(g->ifname, sizeof g->ifname, "%s", ifname);
	num_u32(conf_word(gn), 1, 255, &u);
	g->vrid = (uint8_t)u;
	g->cfgline = conf_line(gn);
	g->cf.priority = DEFAULT_PRIORITY;
	if ((s = conf_value(gn, "priority")) != NULL) {
		num_u32(s, 1, 255, &u);
		g->cf.priority = (int)u;
	}
	g->cf.owner = g->cf.priority == 255;	/* RFC 5798 3 */
	g->cf.preempt = (s = conf_value(gn, "preempt")) == NULL ||
	    strcmp(s, "true") == 0;
	g->cf.fast_preempt = (s = conf_value(gn, "fast-preempt")) == NULL ||
	    strcmp(s, "true") == 0;
	g->cf.rfc3768 = (s = conf_value(gn, "rfc3768-compatibility")) != NULL &&
	    strcmp(s, "true") == 0;
	if ((s = conf_value(gn, "sync-group")) != NULL)
		snprintf(g->cf.sync, sizeof g->cf.sync, "%s", s);
	for (n = conf_first(conf_find(gn, "virtual-address")); n; n = conf_next(n)) {
		if (g->cf.nvip == VRRPD_VIPS_MAX)
			return bad(err, size, c, n, "vrrp-group %u on %s: more "
			    "than %d virtual addresses", g->vrid, ifname,
			    VRRPD_VIPS_MAX);
		if (add_vip(g, conf_word(n)) < 0)
			return bad(err, size, c, n, "bad virtual-address %s",
			    conf_word(n));
		if (g->cf.vip[g->cf.nvip - 1].af != g->cf.vip[0].af)
			return bad(err, size, c, n, "vrrp-group %u on %s: IPv4 "
			    "and IPv6 virtual addresses in one group; VRRP runs "
			    "one router per family: use two groups", g->vrid,
			    ifname);
	}
	if (g->cf.nvip == 0)
		return bad(err, size, c, gn, "vrrp-group %u on %s has no "
		    "virtual-address", g->vrid, ifname);
	g->cf.af = g->cf.vip[0].af;
	g->cf.version = g->cf.af == AF_INET6 ? 3 : 2;
	if ((s = conf_value(gn, "version")) != NULL)
		g->cf.version = s[0] - '0';
	if (g->cf.version == 2 && g->cf.af == AF_INET6)
		return bad(err, size, c, conf_find(gn, "version"), "vrrp-group "
		    "%u on %s: VRRP version 2 has no IPv6 (RFC 3768); use "
		    "version 3", g->vrid, ifname);
	if ((n = conf_find(gn, "authentication")) != NULL) {
		s = conf_value(n, "type");
		if (s != NULL && strcmp(s, "plaintext-password") != 0)
			return bad(err, size, c, conf_find(n, "type"), "vrrp-group "
			    "%u on %s: authentication type %s: only "
			    "plaintext-password is supported", g->vrid, ifname, s);
		if ((s = conf_value(n, "password")) == NULL)
			return bad(err, size, c, n, "vrrp-group %u on %s: "
			    "authentication without a password", g->vrid, ifname);
		if (g->cf.version != 2)
			return bad(err, size, c, n, "vrrp-group %u on %s: "
			    "authentication exists only in version 2 (RFC 5798 "
			    "removed it)", g->vrid, ifname);
		g->cf.auth_type = VRRP_AUTH_PASS;
		memcpy(g->cf.auth, s, strlen(s));	/* 1..8 bytes; the rest 0 */
	}
	g->cf.interval = DEFAULT_INTERVAL;
	if ((s = conf_value(gn, "advertise-interval")) != NULL) {
		num_fixed(s, 2, 1, 25500, &iv);
		n = conf_find(gn, "advertise-interval");
		if (g->cf.version == 2 && iv % 100 != 0)
			return bad(err, size, c, n, "vrrp-group %u on %s: "
			    "advertise-interval %s: version 2 counts whole "
			    "seconds; use version 3 for less", g->vrid, ifname, s);
		if (g->cf.version == 3 && iv > 4095)
			return bad(err, size, c, n, "vrrp-group %u on %s: "
			    "advertise-interval %s: version 3 allows at most "
			    "40.95 s (RFC 5798 5.2.7)", g->vrid, ifname, s);
		g->cf.interval = (unsigned)iv;
	}
	return RC_OK;
}

/* Two groups must not share a virtual address. */
static int
unique(const struct conf *c, struct group *list, char *err, size_t size)
{
	const struct group *a, *b;
	char s[64];
	int i, j;

	for (a = list; a != NULL; a = a->next)
		for (b = a->next; b != NULL; b = b->next)
			for (i = 0; i < a->cf.nvip; i++)
				for (j = 0; j < b->cf.nvip; j++)
					if (a->cf.vip[i].af == b->cf.vip[j].af &&
					    memcmp(&a->cf.vip[i].a, &b->cf.vip[j].a,
					    a->cf.vip[i].af == AF_INET ? 4 : 16) == 0) {
						snprintf(err, size, "%s:%u: %s is "
						    "in vrrp-group %u on %s and in "
						    "vrrp-group %u on %s",
						    conf_file(c), b->cfgline,
						    vip_str(&a->cf.vip[i], s, sizeof s),
						    a->vrid, a->ifname, b->vrid,
						    b->ifname);
						return RC_USAGE;
					}
	return RC_OK;
}

int
config_load(const char *file, struct group **out, char *err, size_t size)
{
	const struct conf_node *ifn, *gn;
	struct conf_error ce;
	struct conf *c;
	struct group *list = NULL, **tail = &list, *g;
	int rc = RC_OK;

	if ((c = conf_read(file, &ce)) == NULL) {
		snprintf(err, size, "%s", ce.msg);
		return ce.rc;
	}
	for (ifn = conf_first(conf_find(conf_root(c), "interfaces ethernet"));
	    ifn != NULL && rc == RC_OK; ifn = conf_next(ifn)) {
		gn = conf_first(conf_find(ifn, "vrrp vrrp-group"));
		for (; gn != NULL && rc == RC_OK; gn = conf_next(gn)) {
			if ((g = calloc(1, sizeof *g)) == NULL) {
				snprintf(err, size, "out of memory");
				rc = RC_TEMP;
				break;
			}
			*tail = g;
			tail = &g->next;
			rc = group(c, gn, conf_word(ifn), g, err, size);
		}
	}
	if (rc == RC_OK)
		rc = unique(c, list, err, size);
	conf_free(c);
	if (rc != RC_OK) {
		groups_free(list);
		return rc;
	}
	*out = list;
	return RC_OK;
}

void
groups_free(struct group *g)
{
	struct group *next;

	for (; g != NULL; g = next) {
		next = g->next;
		free(g);
	}
}
