/*
 * The groups of vpnha.conf: every `interfaces ethernet IF vrrp vrrp-group
 * VRID ...`, with the defaults.  lib/conf_rules.c has checked what a
 * group needs as a whole (an address, one family, what its version
 * carries) and that no two groups share an address.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "num.h"
#include "rc.h"
#include "vrrpd.h"

#define DEFAULT_PRIORITY	100	/* RFC 5798 5.2.4 */
#define DEFAULT_INTERVAL	100	/* centiseconds: 1 s */
#define SCRIPT_INTERVAL		200	/* centiseconds: vrrp script's 2 s */

_Static_assert(VRRPD_VIPS_MAX >= CONF_VIPS_MAX, "room for every address");
_Static_assert(VRRPD_PEERS_MAX >= CONF_UNICAST_PEERS_MAX, "every peer");

/* "address/length", canonical. */
static void
config_vip(struct group *g, const char *text)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	struct vip *v = &g->cf.vip[g->cf.nvip++];
	uint32_t plen = 0;

	snprintf(buf, sizeof buf, "%s", text);
	slash = buf + strcspn(buf, "/");
	if (*slash != '\0')
		*slash++ = '\0';
	v->af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	inet_pton(v->af, buf, &v->a);
	num_u32(slash, 0, v->af == AF_INET ? 32 : 128, &plen);
	v->plen = (int)plen;
}

/* peer-address and hello-source-address, in the group's family. */
static void
config_unicast(const struct conf_node *gn, struct group *g)
{
	const struct conf_node *n;
	const char *s;

	n = conf_first(conf_find(gn, "peer-address"));
	for (; n != NULL && g->cf.npeer < VRRPD_PEERS_MAX; n = conf_next(n))
		inet_pton(g->cf.af, conf_word(n), &g->cf.peer[g->cf.npeer++]);
	if ((s = conf_value(gn, "hello-source-address")) != NULL)
		g->cf.have_src = inet_pton(g->cf.af, s, &g->cf.src) == 1;
}

/* set vrrp script NAME ...: its settings, with their defaults. */
static void
config_script(const struct conf_node *root, struct tconf *t)
{
	const struct conf_node *s;
	const char *v;
	uint64_t cs;
	uint32_t u;

	s = conf_find(conf_find(root, "vrrp script"), t->name);
	snprintf(t->command, sizeof t->command, "%s", conf_value(s, "command"));
	t->interval = SCRIPT_INTERVAL;
	if ((v = conf_value(s, "interval")) != NULL &&
	    num_fixed(v, 2, 1, 360000, &cs) == NUM_OK)
		t->interval = (unsigned)cs;
	t->timeout = t->interval;
	if ((v = conf_value(s, "timeout")) != NULL &&
	    num_fixed(v, 2, 1, 360000, &cs) == NUM_OK)
		t->timeout = (unsigned)cs;
	t->rise = t->fall = 1;
	if ((v = conf_value(s, "rise")) != NULL && num_u32(v, 1, 1000, &u) == NUM_OK)
		t->rise = u;
	if ((v = conf_value(s, "fall")) != NULL && num_u32(v, 1, 1000, &u) == NUM_OK)
		t->fall = u;
}

/* track KIND NAME [weight W], kind by kind (conf_rules counted them). */
static void
config_track(const struct conf_node *root, const struct conf_node *gn,
    struct gconf *cf)
{
	static const char *const kind[] = { [TRACK_PROCESS] = "process",
	    [TRACK_INTERFACE] = "interface", [TRACK_SCRIPT] = "script",
	    [TRACK_FILE] = "file" };
	const struct conf_node *n;
	struct tconf *t;
	const char *w;
	int64_t v;
	int k;

	for (k = TRACK_PROCESS; k <= TRACK_FILE; k++) {
		n = conf_first(conf_find(conf_find(gn, "track"), kind[k]));
		for (; n != NULL && cf->ntrack < CONF_TRACK_MAX; n = conf_next(n)) {
			t = &cf->track[cf->ntrack++];
			t->kind = (enum tkind)k;
			snprintf(t->name, sizeof t->name, "%s", conf_word(n));
			t->weight = k == TRACK_FILE;
			if ((w = conf_value(n, "weight")) != NULL &&
			    num_i64(w, -254, 254, &v) == NUM_OK) {
				t->weighted = 1;
				t->weight = (int)v;
			}
			if (k == TRACK_SCRIPT)
				config_script(root, t);
		}
	}
}

static void
config_group(const struct conf_node *root, const struct conf_node *gn,
    const char *ifname, struct group *g)
{
	const struct conf_node *n;
	const char *s;
	uint64_t iv;
	uint32_t u;

	snprintf(g->ifname, sizeof g->ifname, "%s", ifname);
	num_u32(conf_word(gn), 1, 255, &u);
	g->vrid = (uint8_t)u;
	g->cf.priority = DEFAULT_PRIORITY;
	if ((s = conf_value(gn, "priority")) != NULL) {
		num_u32(s, 1, 255, &u);
		g->cf.priority = (int)u;
	}
	g->cf.owner = g->cf.priority == 255;	/* RFC 5798 3 */
	g->cf.preempt = (s = conf_value(gn, "preempt")) == NULL || strcmp(s, "true") == 0;
	g->cf.fast_preempt = (s = conf_value(gn, "fast-preempt")) == NULL ||
	    strcmp(s, "true") == 0;
	g->cf.rfc3768 = (s = conf_value(gn, "rfc3768-compatibility")) != NULL &&
	    strcmp(s, "true") == 0;
	if ((s = conf_value(gn, "sync-group")) != NULL)
		snprintf(g->cf.sync, sizeof g->cf.sync, "%s", s);
	n = conf_first(conf_find(gn, "virtual-address"));
	for (; n != NULL && g->cf.nvip < VRRPD_VIPS_MAX; n = conf_next(n))
		config_vip(g, conf_word(n));
	g->cf.af = g->cf.vip[0].af;
	g->cf.version = g->cf.af == AF_INET6 ? 3 : 2;
	if ((s = conf_value(gn, "version")) != NULL)
		g->cf.version = s[0] - '0';
	if ((s = conf_value(gn, "authentication password")) != NULL) {
		g->cf.auth_type = VRRP_AUTH_PASS;
		memcpy(g->cf.auth, s, strlen(s));	/* 1..8 bytes; the rest 0 */
	}
	g->cf.interval = DEFAULT_INTERVAL;
	if ((s = conf_value(gn, "advertise-interval")) != NULL &&
	    num_fixed(s, 2, 1, 25500, &iv) == NUM_OK)
		g->cf.interval = (unsigned)iv;
	config_unicast(gn, g);
	config_track(root, gn, &g->cf);
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
	conf_warn(c, CONF_W_MODE);
	for (ifn = conf_first(conf_find(conf_root(c), "interfaces ethernet"));
	    ifn != NULL && rc == RC_OK; ifn = conf_next(ifn)) {
		gn = conf_first(conf_find(ifn, "vrrp vrrp-group"));
		for (; gn != NULL; gn = conf_next(gn)) {
			if ((g = calloc(1, sizeof *g)) == NULL) {
				snprintf(err, size, "out of memory");
				rc = RC_TEMP;
				break;
			}
			*tail = g;
			tail = &g->next;
			config_group(conf_root(c), gn, conf_word(ifn), g);
		}
	}
	conf_free(c);
	if (rc != RC_OK) {
		config_free(list);
		return rc;
	}
	*out = list;
	return RC_OK;
}

void
config_free(struct group *g)
{
	struct group *next;

	for (; g != NULL; g = next) {
		next = g->next;
		free(g);
	}
}
