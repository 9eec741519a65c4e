/*
 * Every statement vpnha knows: the guide's (chapter 2 VRRP, chapter 4
 * ipsec-ddns) and vpnha's extensions (service dns-pool among them),
 * each documented in vpnha.conf(5).
 */
#include <stddef.h>

#include "conf.h"

#define END	{ NULL, 0, 0, 0, 0, 0, NULL }

static const struct conf_schema vrrp_auth[] = {
	/* RFC 2338 simple text password: interoperability only, no security */
	{ "type", CONF_LEAF, CONF_T_WORD, 1, 32, 0, NULL },
	{ "password", CONF_LEAF, CONF_T_SECRET, 1, 8, 0, NULL },
	END
};

/* a tracker's weight: without one, the tracker down is a Fault */
static const struct conf_schema track_weight[] = {
	{ "weight", CONF_LEAF, CONF_T_INT, 0, 254, 0, NULL },
	END
};

/* comm is at most 15 bytes (TASK_COMM_LEN 16) */
static const struct conf_schema vrrp_track[] = {
	{ "process", CONF_TAG, CONF_T_WORD, 1, 15, 0, track_weight },
	{ "interface", CONF_TAG, CONF_T_IFNAME, 0, 0, 0, track_weight },
	{ "script", CONF_TAG, CONF_T_WORD, 1, 64, 0, track_weight },
	{ "file", CONF_TAG, CONF_T_PATH, 0, CONF_TRACK_PATH_MAX, 0, track_weight },
	END
};

static const struct conf_schema vrrp_group[] = {
	{ "virtual-address", CONF_MULTI, CONF_T_PREFIX, 0, 0, 0, NULL },
	{ "priority", CONF_LEAF, CONF_T_UINT, 1, 255, 0, NULL },
	{ "preempt", CONF_LEAF, CONF_T_BOOL, 0, 0, 0, NULL },
	{ "fast-preempt", CONF_LEAF, CONF_T_BOOL, 0, 0, 0, NULL },
	{ "sync-group", CONF_LEAF, CONF_T_WORD, 1, 64, 0, NULL },
	{ "rfc3768-compatibility", CONF_LEAF, CONF_T_BOOL, 0, 0, 0, NULL },
	{ "version", CONF_LEAF, CONF_T_UINT, 2, 3, 0, NULL },
	/* seconds; v3 goes down to centiseconds (RFC 5798 5.2.7) */
	{ "advertise-interval", CONF_LEAF, CONF_T_DECIMAL, 1, 25500, 2, NULL },
	{ "authentication", CONF_NODE, CONF_T_NONE, 0, 0, 0, vrrp_auth },
	/* unicast adverts, where the network drops multicast */
	{ "peer-address", CONF_UNIQUE, CONF_T_ADDR, 0, 0, 0, NULL },
	{ "hello-source-address", CONF_LEAF, CONF_T_ADDR, 0, 0, 0, NULL },
	{ "track", CONF_NODE, CONF_T_NONE, 0, 0, 0, vrrp_track },
	END
};

static const struct conf_schema vrrp[] = {
	{ "vrrp-group", CONF_TAG, CONF_T_UINT, 1, 255, 0, vrrp_group },
	END
};

/* set vrrp script NAME ...: seconds, to the hundredth (0.01..3600) */
static const struct conf_schema vrrp_script[] = {
	{ "command", CONF_LEAF, CONF_T_STRING, 1, CONF_SCRIPT_CMD_MAX, 0, NULL },
	{ "interval", CONF_LEAF, CONF_T_DECIMAL, 1, 360000, 2, NULL },
	{ "timeout", CONF_LEAF, CONF_T_DECIMAL, 1, 360000, 2, NULL },
	{ "rise", CONF_LEAF, CONF_T_UINT, 1, 1000, 0, NULL },
	{ "fall", CONF_LEAF, CONF_T_UINT, 1, 1000, 0, NULL },
	END
};

static const struct conf_schema vrrp_top[] = {
	{ "script", CONF_TAG, CONF_T_WORD, 1, 64, 0, vrrp_script },
	END
};

static const struct conf_schema ethernet[] = {
	{ "vrrp", CONF_NODE, CONF_T_NONE, 0, 0, 0, vrrp },
	END
};

static const struct conf_schema interfaces[] = {
	{ "ethernet", CONF_TAG, CONF_T_IFNAME, 0, 0, 0, ethernet },
	END
};

/* ddns-named: a name server of the zone, and its glue addresses */
static const struct conf_schema name_server[] = {
	{ "address", CONF_MULTI, CONF_T_ADDR, 0, 0, 0, NULL },
	END
};

/* ddns-named as a primary: a secondary, and the TSIG key it signs with */
static const struct conf_schema secondary[] = {
	{ "tsig-key", CONF_LEAF, CONF_T_DOMAIN, 0, 0, 0, NULL },
	END
};

/* the secret in base64, its length checked decoded (conf_rules.c) */
static const struct conf_schema tsig_key[] = {
	{ "secret", CONF_LEAF, CONF_T_SECRET, 1, 256, 0, NULL },
	END
};

static const struct conf_schema ipsec_ddns[] = {
	{ "enable", CONF_FLAG, CONF_T_NONE, 0, 0, 0, NULL },
	/* the guide: at least 8 characters */
	{ "secret", CONF_LEAF, CONF_T_SECRET, 8, 256, 0, NULL },
	{ "domain", CONF_LEAF, CONF_T_DOMAIN, 0, 0, 0, NULL },
	{ "self", CONF_LEAF, CONF_T_HOST, 0, 0, 0, NULL },
	{ "peer", CONF_UNIQUE, CONF_T_HOST, 0, 0, 0, NULL },
	{ "ttl", CONF_LEAF, CONF_T_UINT, 0, 86400, 0, NULL },
	/* ddns-syncd: TCP port; seconds (heartbeat 0.05..60, join-time 0..300) */
	{ "port", CONF_LEAF, CONF_T_UINT, 1, 65535, 0, NULL },
	{ "heartbeat", CONF_LEAF, CONF_T_DECIMAL, 5, 6000, 2, NULL },
	{ "hold-time", CONF_LEAF, CONF_T_UINT, 0, 86400, 0, NULL },
	{ "join-time", CONF_LEAF, CONF_T_DECIMAL, 0, 3000, 1, NULL },
	{ "tombstone-ttl", CONF_LEAF, CONF_T_UINT, 1, 2592000, 0, NULL },
	{ "name-server", CONF_TAG, CONF_T_DOMAIN, 0, 0, 0, name_server },
	/* ddns-named: responses a second per source prefix and kind, 0 off */
	{ "rate-limit", CONF_LEAF, CONF_T_UINT, 0, 1000000, 0, NULL },
	{ "rate-limit-slip", CONF_LEAF, CONF_T_UINT, 0, 100, 0, NULL },
	/*
	 * ddns-named's SOA and its secondaries: seconds (notify-delay 0..60
	 * to the hundredth); the timers within what BIND 9 keeps as given
	 * (refresh and retry at most 4 and 2 weeks, expire 24 weeks)
	 */
	{ "secondary", CONF_TAG, CONF_T_ADDR, 0, 0, 0, secondary },
	{ "tsig-key", CONF_TAG, CONF_T_DOMAIN, 0, 0, 0, tsig_key },
	{ "notify-delay", CONF_LEAF, CONF_T_DECIMAL, 0, 6000, 2, NULL },
	{ "contact", CONF_LEAF, CONF_T_WORD, 1, 320, 0, NULL },
	{ "refresh", CONF_LEAF, CONF_T_UINT, 60, 2419200, 0, NULL },
	{ "retry", CONF_LEAF, CONF_T_UINT, 60, 1209600, 0, NULL },
	{ "expire", CONF_LEAF, CONF_T_UINT, 3600, 14515200, 0, NULL },
	END
};

/* ddns-named: the pool name; a member's liveness is that of its node */
static const struct conf_schema pool_member[] = {
	{ "node", CONF_LEAF, CONF_T_HOST, 0, 0, 0, NULL },
	END
};

/* one word of two: a flag each, so that a typo lists them */
static const struct conf_schema pool_policy[] = {
	{ "random", CONF_FLAG, CONF_T_NONE, 0, 0, 0, NULL },
	{ "least-loaded", CONF_FLAG, CONF_T_NONE, 0, 0, 0, NULL },
	END
};

static const struct conf_schema dns_pool[] = {
	{ "name", CONF_LEAF, CONF_T_DOMAIN, 0, 0, 0, NULL },
	{ "member", CONF_TAG, CONF_T_ADDR, 0, 0, 0, pool_member },
	/* records per answer; 32 members at most (ddns-named's limit) */
	{ "answers", CONF_LEAF, CONF_T_UINT, 1, 32, 0, NULL },
	{ "ttl", CONF_LEAF, CONF_T_UINT, 0, 86400, 0, NULL },
	{ "policy", CONF_NODE, CONF_T_NONE, 0, 0, 0, pool_policy },
	END
};

static const struct conf_schema service[] = {
	{ "ipsec-ddns", CONF_NODE, CONF_T_NONE, 0, 0, 0, ipsec_ddns },
	{ "dns-pool", CONF_NODE, CONF_T_NONE, 0, 0, 0, dns_pool },
	END
};

const struct conf_schema conf_schema[] = {
	{ "interfaces", CONF_NODE, CONF_T_NONE, 0, 0, 0, interfaces },
	{ "vrrp", CONF_NODE, CONF_T_NONE, 0, 0, 0, vrrp_top },
	{ "service", CONF_NODE, CONF_T_NONE, 0, 0, 0, service },
	END
};
