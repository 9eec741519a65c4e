/*
 * ddns-named's counters, for its metrics (metrics.c): kept by the files
 * that see what they count (net.c, stream.c, answer.c, xfr.c, notify.c),
 * read by metrics.c alone.  Plain increments: the server has one thread.
 */
#ifndef DDNS_NAMED_STATS_H
#define DDNS_NAMED_STATS_H

#include <stdint.h>

#include "answer.h"
#include "zone.h"

/* The query types counted apart, and the rcodes; the rest as "other". */
enum { SQ_A, SQ_AAAA, SQ_SOA, SQ_NS, SQ_ANY, SQ_AXFR, SQ_IXFR, SQ_OTHER,
	SQ_N };
enum { SR_NOERROR, SR_FORMERR, SR_SERVFAIL, SR_NXDOMAIN, SR_NOTIMP,
	SR_REFUSED, SR_NOTAUTH, SR_BADVERS, SR_OTHER, SR_NONE, SR_N };

struct stats {
	/* [0] UDP, [1] TCP; by type; by the rcode sent, SR_NONE if none */
	uint64_t queries[2][SQ_N][SR_N];
	uint64_t truncated;		/* sent with TC (rate limiting too) */
	uint64_t tcp_accepted;
	uint64_t transfers[2];		/* done: AXFR, IXFR */
	uint64_t notify_sent;		/* NOTIFY messages, retries too */
	uint64_t pool[POOL_MEMBERS_MAX];	/* each member, answered */
};

extern struct stats stats;
extern const char *const stats_qtype[SQ_N];	/* "A", ..., "other" */
extern const char *const stats_rcode[SR_N];	/* "NOERROR", ..., "none" */

/* A query served: over TCP or not; info as dns_serve left it. */
void stats_query(int tcp, const struct qinfo *info, int sent);

#endif
