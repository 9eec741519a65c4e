/*
 * Zone transfers out (RFC 5936 AXFR; RFC 1995 IXFR, answered with the
 * whole zone), the TSIG and address checks every query passes first
 * (RFC 8945), and what the two share: where a query came from.
 */
#ifndef DDNS_NAMED_XFR_H
#define DDNS_NAMED_XFR_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "zone.h"

#define XFR_MSG		16384	/* bytes of one transfer message at most */
#define XFR_MAX		8	/* transfers running at once */

/* Where a query came from: AF_INET or AF_INET6 (IPv4-mapped made IPv4). */
struct peer {
	uint8_t af;
	uint8_t a[16];
};

struct sockaddr;
void peer_set(struct peer *, const struct sockaddr *);

struct xfr;

/*
 * One query q (len bytes) from peer: its response in r (room for rmax
 * bytes), or 0 for none.  Over TCP (tcp), a transfer that may run starts
 * in *x instead, and 0 is returned: xfr_next writes its messages.  A
 * signed query is checked and its response signed; a bad signature gets
 * NOTAUTH (RFC 8945 5.2).
 */
size_t dns_serve(const struct zone *, const uint8_t *q, size_t len,
    uint8_t *r, size_t rmax, int tcp, const struct peer *,
    struct qinfo *, struct xfr **x);

/*
 * A transfer of the zone for query q, checked and allowed, signed like
 * sig (NULL: unsigned); NULL when too many run or memory is short.
 * pool: of the pool's zone of its own (its SOA, the NS set, the members),
 * not the domain's.
 */
struct query;
struct tsig_ctx;
struct xfr *xfr_new(const struct zone *, const struct query *q, int pool,
    const struct tsig_ctx *sig, const struct peer *, int64_t now);
/*
 * The next message of the transfer into r (room for rmax bytes, at least
 * XFR_MSG); 0 when it is over.
 */
size_t xfr_next(struct xfr *, uint8_t *r, size_t rmax);
void xfr_free(struct xfr *);
/* For table_watch: the table is about to change (see xfr.c). */
struct table;
void xfr_changing(const struct table *);

#endif
