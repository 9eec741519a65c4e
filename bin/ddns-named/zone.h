/*
 * ddns-named's data: the zone's fixed part (apex, SOA, name servers), read
 * from vpnha.conf, and the table of gateway names, one address each.
 * Every name the table holds is one label under the apex, so a lookup is
 * one hash probe on that label.
 */
#ifndef DDNS_NAMED_ZONE_H
#define DDNS_NAMED_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "tsig.h"

#define ZONE_NS_MAX		32	/* DESIGN.md: no limit below 32 nodes */
#define ZONE_NS_ADDR_MAX	4	/* glue addresses of one name server */
#define ZONE_TTL_DEFAULT	30	/* seconds */
#define ZONE_CONTACT		"hostmaster"	/* SOA RNAME, under the apex */
#define ZONE_NOTIFY_DELAY	100	/* ms, without notify-delay */
#define ZONE_SECONDARY_MAX	32	/* secondary */
#define ZONE_KEY_MAX		32	/* tsig-key */
#define NAME_WIRE_MAX		255	/* RFC 1035 3.1 */
#define LABEL_MAX		63
#define ZONE_SERIAL_UNIT	10	/* ms: one step of the SOA serial */
#define NODE_NAME_MAX		253	/* a cluster node: address or name */
#define TABLE_NODES_MAX		64	/* nodes the feed may name */
#define POOL_MEMBERS_MAX	32
#define POOL_TTL_DEFAULT	10	/* seconds */

struct rec {
	uint32_t hash;
	uint8_t len;			/* of label */
	uint8_t af;			/* AF_INET or AF_INET6 */
	uint8_t origin;			/* node index + 1, 0: none */
	uint8_t addr[16];
	char label[];			/* lower case, len bytes, no NUL */
};

/* A cluster node as the feed names it: its state, its gateways. */
enum { NODE_UNKNOWN, NODE_UP, NODE_DOWN, NODE_DRAINED };
struct tnode {
	uint8_t state;
	uint8_t listed;			/* named in an @ line, not removed */
	uint32_t gws;			/* records whose origin it is */
	char name[NODE_NAME_MAX + 1];	/* lower case */
};

struct table {
	struct rec **slot;		/* open addressing, linear probing */
	size_t mask;			/* slots - 1 */
	size_t n;
	unsigned long gen;		/* changes made: a record set or removed */
	/* told of each change when set: the label, the record before and
	 * after (af 0: none; addresses 16 bytes) */
	void (*log)(const uint8_t *label, size_t len, int oaf,
	    const uint8_t *oa, int naf, const uint8_t *na);
	int nnode;
	int moved;			/* a node listed or removed: set by @ */
	struct tnode node[TABLE_NODES_MAX];
};

/* A name in wire form, either under the apex or anywhere else. */
struct zname {
	uint8_t len;
	uint8_t inzone;			/* wire holds the labels above the apex */
	uint8_t wire[NAME_WIRE_MAX];
};

struct nshost {
	struct zname name;
	int naddr;			/* glue, only for a name under the apex */
	struct { uint8_t af, a[16]; } addr[ZONE_NS_ADDR_MAX];
};

/*
 * The pool name: members, each tied to a node for its liveness (or to
 * none: always alive), and the view the query path answers from, made
 * again by pool_view() whenever the feed changes what it depends on.
 */
enum { POOL_RANDOM, POOL_LEAST };
enum { POOL_LIVE, POOL_NOFEED, POOL_NONEALIVE };
struct pmember {
	uint8_t af, a[16];
	char node[NODE_NAME_MAX + 1];	/* lower case; "" tied to none */
};
struct pview {				/* one address family */
	uint8_t n;			/* members answered from */
	uint8_t idx[POOL_MEMBERS_MAX];	/* into m[], fewest gateways first */
	uint8_t end[POOL_MEMBERS_MAX];	/* where the tie group of idx[i] ends */
};
struct pool {
	int on;
	int inzone;			/* one label under the domain */
	uint8_t name[NAME_WIRE_MAX];	/* wire, lower case; inzone: the label */
	size_t namelen;
	char text[256];			/* for the log */
	int nmember;
	struct pmember m[POOL_MEMBERS_MAX];
	unsigned answers;
	uint32_t ttl;
	int policy;
	int defaults;			/* no member: the cluster's nodes */
	int mode;			/* POOL_LIVE, ... */
	int nalive;			/* members seen alive, drained or not */
	struct pview v[2];		/* IPv4, IPv6 */
};

/* A secondary: where NOTIFY goes, whom a transfer is answered to. */
struct zsecondary {
	uint8_t af, a[16];
	int key;			/* index into key[], -1 none */
	char text[64];			/* the address, for the log */
};

struct zone {
	char domain[256];		/* presentation, lower case, no final dot */
	uint8_t apex[NAME_WIRE_MAX];	/* wire, lower case */
	size_t apexlen;
	uint32_t ttl;
	int nns;
	int ns_given;			/* by name-server: the feed leaves it */
	struct nshost ns[ZONE_NS_MAX];
	struct zname contact;		/* SOA RNAME */
	int contact_given;		/* by contact: the pool's zone's too */
	uint32_t refresh, retry, expire;	/* SOA timers, seconds */
	int64_t notify_delay;		/* lib/clock.h units */
	struct zsecondary sec[ZONE_SECONDARY_MAX];
	int nsec;
	struct tsig_key key[ZONE_KEY_MAX];
	int nkey;
	uint32_t rrl_limit, rrl_slip;	/* rate-limit, rate-limit-slip */
	int64_t stamp;			/* the highest stamp seen, ms */
	struct table *t;
	struct pool pool;
};

/* The zone's fixed part from the configuration; 0, or -1 with err set. */
struct conf;
struct conf_error;
int zone_config(struct zone *, const struct conf *, struct conf_error *);
/*
 * The default NS set made again from the nodes z->t lists (the feed's
 * `@` lines), as the configuration's self and peer make it; left as it
 * is when name-server statements give it, or when the feed lists no
 * node.  Returns 1 if it changed; *bad is a node that cannot be a name
 * server (a name under the domain), left out, or NULL.
 */
int zone_ns_feed(struct zone *, const char **bad);
/*
 * The view of the pool from z->t's nodes: live says that the feed is
 * connected and its snapshot served.  Returns the mode (POOL_LIVE,
 * POOL_NOFEED, POOL_NONEALIVE), also left in z->pool.mode.
 */
int pool_view(struct zone *, int live);
/* service dns-pool into z->pool (off when absent); 0, or -1 with err. */
int pool_config(struct zone *, const struct conf *, struct conf_error *);
/* Default members from the nodes z->t lists, as zone_ns_feed; 1 if moved. */
int pool_nodes(struct zone *);
/*
 * The serial is the highest stamp seen, in 10 ms units, modulo 2^32: the
 * same on every node that has seen the same table, and never back.
 * zone_stamp() raises the stamp to ms, or leaves it if it is higher.
 */
void zone_stamp(struct zone *, int64_t ms);
/* The secondary at that address (AF_INET: 4 bytes of a), or NULL. */
const struct zsecondary *zone_secondary(const struct zone *, int af,
    const uint8_t *a);
/* The stamp up to the next step of the serial: the serial moves by one. */
void zone_step(struct zone *);
uint32_t zone_serial(const struct zone *);

struct table *table_new(size_t hint);
void table_free(struct table *);
/*
 * fn is called with a table just before any change to its records
 * (table_set, table_del) and before table_free: a reader that walks the
 * slots across calls (a zone transfer) copies what it still needs.
 */
void table_watch(void (*fn)(const struct table *));
uint32_t table_hash(const uint8_t *label, size_t len);
/* The record of a lower-case label, or NULL. */
const struct rec *table_get(const struct table *, const uint8_t *label,
    size_t len, uint32_t hash);

/*
 * Set or remove the record of a label (any case; stored in lower case).
 * Returns 1 if the table changed, 0 if not, -1 with *why on bad input.
 */
int table_set(struct table *, const struct zone *, const char *label,
    size_t len, int af, const void *addr, const char **why);
int table_del(struct table *, const char *label, size_t len);
/*
 * The node of that name (any case), added in state NODE_UNKNOWN if new;
 * its index, or -1 when the table knows TABLE_NODES_MAX already or the
 * name is longer than NODE_NAME_MAX.
 */
int table_node(struct table *, const char *name);
/* The record of label now counts for node i (-1: for none). */
void table_origin(struct table *, const char *label, size_t len, int i);

/*
 * A name of a record as written in a file or the feed: a label, or a
 * name under the domain (trailing dot allowed).  Returns the label's
 * length in *len, or -1 with *why.
 */
int zone_label(const struct zone *, const char *name, const char **label,
    size_t *len, const char **why);

/*
 * The records file: NAME ADDRESS lines, # comments.  Returns a new table
 * and the file's modification time in ms in *mtime, or NULL with err
 * ("FILE:LINE: what") and its exit code.
 */
struct table *zone_read_records(const struct zone *, const char *path,
    int64_t *mtime, struct conf_error *);

#endif
