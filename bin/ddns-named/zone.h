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

#define ZONE_NS_MAX		32	/* DESIGN.md: no limit below 32 nodes */
#define ZONE_NS_ADDR_MAX	4	/* glue addresses of one name server */
#define ZONE_TTL_DEFAULT	30	/* seconds */
#define ZONE_REFRESH		3600	/* SOA timers: no secondaries use */
#define ZONE_RETRY		600	/* them, every node is a primary */
#define ZONE_EXPIRE		1209600
#define ZONE_CONTACT		"hostmaster"	/* SOA RNAME, under the apex */
#define NAME_WIRE_MAX		255	/* RFC 1035 3.1 */
#define LABEL_MAX		63
#define ZONE_SERIAL_UNIT	10	/* ms: one step of the SOA serial */

struct rec {
	uint32_t hash;
	uint8_t len;			/* of label */
	uint8_t af;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	char label[];			/* lower case, len bytes, no NUL */
};

struct table {
	struct rec **slot;		/* open addressing, linear probing */
	size_t mask;			/* slots - 1 */
	size_t n;
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

struct zone {
	char domain[256];		/* presentation, lower case, no final dot */
	uint8_t apex[NAME_WIRE_MAX];	/* wire, lower case */
	size_t apexlen;
	uint32_t ttl;
	int nns;
	struct nshost ns[ZONE_NS_MAX];
	struct zname contact;		/* SOA RNAME */
	int64_t stamp;			/* the highest stamp seen, ms */
	struct table *t;
};

/* The zone's fixed part from the configuration; 0, or -1 with err set. */
struct conf;
int zone_config(struct zone *, const struct conf *, char *err, size_t size);
/*
 * The serial is the highest stamp seen, in 10 ms units, modulo 2^32: the
 * same on every node that has seen the same table, and never back.
 * zone_stamp() raises the stamp to ms, or leaves it if it is higher.
 */
void zone_stamp(struct zone *, int64_t ms);
uint32_t zone_serial(const struct zone *);

struct table *table_new(size_t hint);
void table_free(struct table *);
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
 * A name of a record as written in a file or the feed: a label, or a
 * name under the domain (trailing dot allowed).  Returns the label's
 * length in *len, or -1 with *why.
 */
int zone_label(const struct zone *, const char *name, const char **label,
    size_t *len, const char **why);

/*
 * The records file: NAME ADDRESS lines, # comments.  Returns a new table
 * and the file's modification time in ms in *mtime, or NULL with err
 * ("FILE:LINE: what").
 */
struct table *zone_read_records(const struct zone *, const char *path,
    int64_t *mtime, char *err, size_t size, int *rc);

#endif
