/*
 * Response rate limiting over UDP (as NSD's and Knot's RRL): responses
 * a second per source prefix and kind of response, held in a table of
 * fixed size.  Over TCP nothing is limited: a client there has shown
 * that its address is its own.
 */
#ifndef DDNS_NAMED_RRL_H
#define DDNS_NAMED_RRL_H

#include <sys/socket.h>

#include <stdint.h>

#include "answer.h"

#define RRL_BUCKETS	16384	/* 32 bytes each: 512 KiB, allocated once */
#define RRL_WAYS	4	/* buckets a key may take: a set */
#define RRL_LIMIT	200	/* responses a second, default (NSD's too) */
#define RRL_LIMIT_MAX	1000000
#define RRL_SLIP	2	/* default: 1 in 2 limited sent truncated */
#define RRL_SLIP_MAX	100
#define RRL_QUIET	1000	/* ms without a limited response: it ended */
#define RRL_REPORT	60000	/* ms between counts while it goes on */

enum { RRL_SEND, RRL_SLIP_TC, RRL_DROP };

/* What has been held back since the start, for the log and for metrics. */
struct rrl_counts {
	uint64_t dropped, slipped;
};

/* The limit (0: off) and the slip; the table is kept across a change. */
void rrl_set(uint32_t limit, uint32_t slip);
/* The seed of the table's hash, so that a client cannot aim at a bucket. */
void rrl_seed(uint64_t);
/* What to do with the response described by in, to from at now (ns). */
int rrl_verdict(const struct sockaddr *from, const struct qinfo *in,
    int64_t now);
/* The log's counts when an episode ends or goes on; the next deadline. */
int64_t rrl_timers(int64_t now);
const struct rrl_counts *rrl_counts(void);

#endif
