/*
 * The query path: the bytes of one query in, the bytes of its response
 * out, written straight into the caller's buffer (no packet objects).
 */
#ifndef DDNS_NAMED_ANSWER_H
#define DDNS_NAMED_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "zone.h"

#define DNS_HEADER	12
#define DNS_UDP_PLAIN	512	/* RFC 1035 4.2.1, without EDNS */
#define DNS_UDP_MAX	1232	/* what we offer over EDNS: no fragments */
#define DNS_TCP_MAX	65535	/* RFC 1035 4.2.2 */

/* Rcodes, RFC 1035 4.1.1 and RFC 6891 6.1.3 (BADVERS, extended). */
enum {
	RCODE_NOERROR = 0, RCODE_FORMERR = 1, RCODE_SERVFAIL = 2,
	RCODE_NXDOMAIN = 3, RCODE_NOTIMP = 4, RCODE_REFUSED = 5,
	RCODE_BADVERS = 16
};

/*
 * The kinds of response that rate limiting tells apart (NSD's and
 * Knot's classes that this server can give: it never refers).
 */
enum { RESP_ANSWER, RESP_NODATA, RESP_NXDOMAIN, RESP_ERROR, RESP_KINDS };

/* What happened, for the query log and rate limiting. */
struct qinfo {
	int rcode;		/* -1: dropped, no response */
	int tc;
	size_t qnamelen;	/* 0: no question read */
	uint16_t qtype, qclass;
	int kind;		/* RESP_... */
	uint32_t key;		/* what it counts under: name, type, zone */
	int edns;		/* the response ends in our OPT record */
};

/*
 * Answer the query q (qlen bytes) from zone z into r, which has room for
 * rmax bytes; tcp says how it came (no size limit but 65535).  Returns
 * the response's length, 0 when no response is due.
 */
/* The seed of the pool's shuffling. */
void dns_seed(uint64_t);
size_t dns_answer(const struct zone *z, const uint8_t *q, size_t qlen,
    uint8_t *r, size_t rmax, int tcp, struct qinfo *info);
/* The same, with reserve bytes of the room left free (for a TSIG record). */
size_t dns_answer_r(const struct zone *z, const uint8_t *q, size_t qlen,
    uint8_t *r, size_t rmax, int tcp, size_t reserve, struct qinfo *info);
/*
 * The response r of len bytes, as dns_answer described it in info, made
 * empty with TC set: the header, the question and the OPT record, which
 * is all a client needs to ask again over TCP (rate limiting's slip).
 * Returns the new length.
 */
size_t dns_slip(uint8_t *r, size_t len, const struct qinfo *info);

#endif
