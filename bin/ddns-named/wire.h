/*
 * Writing DNS messages in place, shared by the query path (answer.c) and
 * zone transfers (xfr.c): an output buffer that notes what did not fit,
 * and resource records whose owner is a compression pointer into the
 * message (the question's name, or the apex written once).
 */
#ifndef DDNS_NAMED_WIRE_H
#define DDNS_NAMED_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "zone.h"

enum {
	T_A = 1, T_NS = 2, T_SOA = 6, T_AAAA = 28, T_OPT = 41,
	T_IXFR = 251, T_AXFR = 252, T_ANY = 255
};
enum { C_IN = 1, C_ANY = 255 };

/* Header flags, in bytes 2 and 3 (RFC 1035 4.1.1). */
#define F_QR		0x80
#define F_OPCODE	0x78
#define F_AA		0x04
#define F_TC		0x02
#define F_RD		0x01
#define F_CD		0x10	/* byte 3, copied: RFC 4035 3.1.6 */
#define PTR		0xc000

struct out {
	uint8_t *b;
	size_t len, cap;
	int over;			/* something did not fit */
};

static inline uint16_t
get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint8_t
lower_ascii(uint8_t c)
{
	return (uint8_t)(c + ((unsigned)(c - 'A') < 26 ? 32 : 0));
}

static inline void
out_put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		o->over = 1;
		return;
	}
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static inline void
out_put16(struct out *o, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	out_put(o, b, 2);
}

static inline void
out_put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	out_put(o, b, 4);
}

/* Owner (a pointer into the question), type, class IN, TTL, RDLENGTH. */
static inline void
rr_head(struct out *o, size_t owner, unsigned type, uint32_t ttl,
    size_t rdlen)
{
	uint8_t b[12] = { (uint8_t)((PTR | owner) >> 8), (uint8_t)owner,
	    0, (uint8_t)type, 0, C_IN, (uint8_t)(ttl >> 24),
	    (uint8_t)(ttl >> 16), (uint8_t)(ttl >> 8), (uint8_t)ttl,
	    (uint8_t)(rdlen >> 8), (uint8_t)rdlen };

	out_put(o, b, sizeof b);
}

/* The same after an owner name written out. */
static inline void
rr_tail(struct out *o, unsigned type, uint32_t ttl, size_t rdlen)
{
	uint8_t b[10] = { 0, (uint8_t)type, 0, C_IN, (uint8_t)(ttl >> 24),
	    (uint8_t)(ttl >> 16), (uint8_t)(ttl >> 8), (uint8_t)ttl,
	    (uint8_t)(rdlen >> 8), (uint8_t)rdlen };

	out_put(o, b, sizeof b);
}

static inline size_t
zname_size(const struct zname *n)
{
	return n->len + (n->inzone ? 2 : 0);
}

static inline void
zname_put(struct out *o, const struct zname *n, size_t apex)
{
	out_put(o, n->wire, n->len);
	if (n->inzone)
		out_put16(o, PTR | (unsigned)apex);
}

struct query {
	const uint8_t *b;
	size_t len;
	size_t qend;			/* past QTYPE and QCLASS */
	size_t namelen;			/* QNAME, wire */
	uint8_t lc[NAME_WIRE_MAX];	/* QNAME in lower case */
	uint8_t lab[NAME_WIRE_MAX / 2];	/* where each label starts in lc */
	int nlab;
	uint16_t qtype, qclass;
	int edns, dobit;
	uint16_t udp;
	uint8_t version;
};

/* A name server's name in full: its labels, then the domain if under it. */
static inline size_t
full_size(const struct zone *z, const struct zname *n)
{
	return n->len + (n->inzone ? z->apexlen : 0);
}

static inline void
full_put(struct out *o, const struct zone *z, const struct zname *n)
{
	out_put(o, n->wire, n->len);
	if (n->inzone)
		out_put(o, z->apex, z->apexlen);
}

/* NS record i of z, owner at apex, its name in full: the pool's zone's. */
static inline void
put_ns_full(struct out *o, const struct zone *z, size_t apex, int i)
{
	rr_head(o, apex, T_NS, z->ttl, full_size(z, &z->ns[i].name));
	full_put(o, z, &z->ns[i].name);
}

/* The question of q->b (q->len bytes): 0, or -1 when malformed (answer.c). */
int read_question(struct query *);
/* The SOA record of z with owner at apex (answer.c); or with serial. */
void put_soa(struct out *, const struct zone *, size_t apex);
void put_soa_serial(struct out *, const struct zone *, size_t apex,
    uint32_t serial);
/* The SOA of the pool's zone of its own (a pool name outside the domain). */
void put_pool_soa(struct out *, const struct zone *, size_t apex);

#endif
