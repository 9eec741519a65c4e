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

/* What happened, for the query log. */
struct qinfo {
	int rcode;		/* -1: dropped, no response */
	int tc;
	size_t qnamelen;	/* 0: no question read */
	uint16_t qtype, qclass;
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

#endif
