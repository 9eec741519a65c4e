/*
 * The `service ipsec-ddns` statements of vpnha.conf, with the defaults.
 * The guide's rules (chapter 4, "ACM Configuration for DDNS": what enable
 * needs, peers other than self, each once) are lib/conf_rules.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "ddns-syncd.h"
#include "num.h"
#include "rc.h"

#define HEARTBEAT_DEFAULT	(1 * CLOCK_SEC)
#define HOLD_DEFAULT		(120 * CLOCK_SEC)
#define JOIN_DEFAULT		(3 * CLOCK_SEC)
#define TTL_DEFAULT		(86400 * CLOCK_SEC)
#define PATH			"service ipsec-ddns"

/* A scaled decimal leaf as nanoseconds; the schema checked its range. */
static int64_t
seconds(const struct conf_node *n, const char *leaf, unsigned scale,
    int64_t dflt)
{
	const char *s = conf_value(n, leaf);
	uint64_t v;
	int64_t unit = CLOCK_SEC;
	unsigned i;

	if (s == NULL || num_fixed(s, scale, 0, UINT64_MAX, &v) != NUM_OK)
		return dflt;
	for (i = 0; i < scale; i++)
		unit /= 10;
	return (int64_t)v * unit;
}

_Static_assert(NODES_MAX - 1 >= CONF_PEERS_MAX, "room for every peer");

int
config_load(const char *path, struct cfg *cfg, char *err, size_t size)
{
	struct conf_error ce;
	struct conf *c;
	const struct conf_node *d, *n;
	const char *s;
	uint32_t u;

	memset(cfg, 0, sizeof *cfg);
	cfg->port = DDNS_PORT;
	cfg->heartbeat = HEARTBEAT_DEFAULT;
	cfg->hold = HOLD_DEFAULT;
	cfg->join = JOIN_DEFAULT;
	cfg->ttl = TTL_DEFAULT;
	if ((c = conf_read(path, &ce)) == NULL) {
		snprintf(err, size, "%s", ce.msg);
		return ce.rc;
	}
	conf_warn(c, CONF_W_MODE);
	if ((d = conf_find(conf_root(c), PATH)) == NULL) {
		conf_free(c);
		return RC_OK;
	}
	cfg->present = 1;
	cfg->enable = conf_has(d, "enable");
	if ((s = conf_value(d, "secret")) != NULL)
		snprintf(cfg->secret, sizeof cfg->secret, "%s", s);
	if ((s = conf_value(d, "domain")) != NULL)
		snprintf(cfg->domain, sizeof cfg->domain, "%s", s);
	if ((s = conf_value(d, "self")) != NULL)
		snprintf(cfg->self, sizeof cfg->self, "%s", s);
	if ((s = conf_value(d, "port")) != NULL &&
	    num_u32(s, 1, 65535, &u) == NUM_OK)
		cfg->port = u;
	cfg->heartbeat = seconds(d, "heartbeat", 2, cfg->heartbeat);
	cfg->hold = seconds(d, "hold-time", 0, cfg->hold);
	cfg->join = seconds(d, "join-time", 1, cfg->join);
	cfg->ttl = seconds(d, "tombstone-ttl", 0, cfg->ttl);
	for (n = conf_first(conf_find(d, "peer")); n != NULL &&
	    cfg->npeers < NODES_MAX - 1; n = conf_next(n))
		snprintf(cfg->peer[cfg->npeers++], sizeof cfg->peer[0], "%s",
		    conf_word(n));
	conf_free(c);
	return RC_OK;
}
