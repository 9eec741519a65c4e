/*
 * lb-size -s: how the pool's load spreads when ddns-named answers its
 * pool name with `policy random` or `policy least-loaded`, simulated peer
 * by peer with a fixed seed, so that the same input prints the same
 * figures everywhere.
 *
 * The model: the peers connect one after another, each to the first
 * address of its answer.  random: any active appliance, uniformly.
 * least-loaded: the active appliance with the fewest peers at that moment
 * (the cluster's table is fresh: ddns-syncd propagates a gateway in
 * milliseconds), the lowest-numbered one of equals.  Then the last F
 * appliances fail and their peers reconnect the same way to the others.
 * Last, what the policy changes most: one failed appliance comes back
 * empty and a quarter of all peers (chosen at random: rekeys, roaming,
 * reboots) reconnect.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "rc.h"

#include "sim.h"
#include "size.h"

#define SEED	1

enum { RANDOM, LEAST };
static const char *const policy_name[] = { "random", "least-loaded" };

struct pool {
	uint64_t *load;		/* peers of each appliance */
	uint32_t *at;		/* the appliance of each peer */
	uint32_t *heap;		/* least-loaded: active appliances, a min-heap */
	uint32_t *pos;		/* where each appliance is in the heap */
	uint32_t nheap, nact;	/* active: appliances 0 .. nact - 1 */
	uint64_t rng;
};

/* splitmix64: small, fast, and the same sequence on every machine */
static uint64_t
next(struct pool *p)
{
	uint64_t z = (p->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number below n; the modulo bias is below n / 2^64, nothing here. */
static uint64_t
below(struct pool *p, uint64_t n)
{
	return next(p) % n;
}

static int
less(const struct pool *p, uint32_t a, uint32_t b)
{
	return p->load[a] != p->load[b] ? p->load[a] < p->load[b] : a < b;
}

static void
swap(struct pool *p, uint32_t i, uint32_t j)
{
	uint32_t t = p->heap[i];

	p->heap[i] = p->heap[j];
	p->heap[j] = t;
	p->pos[p->heap[i]] = i;
	p->pos[p->heap[j]] = j;
}

/* The appliance at heap index i got a peer more: move it down. */
static void
sift_down(struct pool *p, uint32_t i)
{
	uint32_t c;

	for (; (c = 2 * i + 1) < p->nheap; i = c) {
		if (c + 1 < p->nheap && less(p, p->heap[c + 1], p->heap[c]))
			c++;
		if (!less(p, p->heap[c], p->heap[i]))
			break;
		swap(p, i, c);
	}
}

/* The appliance at heap index i lost a peer: move it up. */
static void
sift_up(struct pool *p, uint32_t i)
{
	for (; i > 0 && less(p, p->heap[i], p->heap[(i - 1) / 2]); i = (i - 1) / 2)
		swap(p, i, (i - 1) / 2);
}

/* The appliances 0 .. nact - 1, loaded as they are, into the heap. */
static void
heap_build(struct pool *p)
{
	uint32_t i;

	p->nheap = p->nact;
	for (i = 0; i < p->nheap; i++) {
		p->heap[i] = i;
		p->pos[i] = i;
	}
	for (i = p->nheap / 2; i-- > 0;)
		sift_down(p, i);
}

/* Peer k connects. */
static void
connect_peer(struct pool *p, int policy, uint64_t k)
{
	uint32_t a;

	if (policy == RANDOM)
		a = (uint32_t)below(p, p->nact);
	else
		a = p->heap[0];
	p->at[k] = a;
	p->load[a]++;
	if (policy == LEAST)
		sift_down(p, p->pos[a]);
}

static void
extremes(const struct pool *p, uint64_t *fewest, uint64_t *most)
{
	uint32_t i;

	*fewest = UINT64_MAX;
	*most = 0;
	for (i = 0; i < p->nact; i++) {
		if (p->load[i] < *fewest)
			*fewest = p->load[i];
		if (p->load[i] > *most)
			*most = p->load[i];
	}
}

static void
line(const struct size *s, const struct pool *p, int policy, const char *what)
{
	char st[96];
	uint64_t fewest, most;

	extremes(p, &fewest, &most);
	size_state(st, sizeof st, s, p->nact, most);
	printf("%-12s  %-9s  %6" PRIu32 "  %8" PRIu64 "  %8" PRIu64 "  %6.1f  %s\n",
	    policy_name[policy], what, p->nact, fewest, most,
	    100.0 * (double)most / (double)s->acm_peers, st);
}

/* Everyone connects to `total` appliances, then `failed` of them fail. */
static void
run(const struct size *s, struct pool *p, int policy, uint32_t failed)
{
	uint64_t k;
	uint32_t total = (uint32_t)s->total;

	p->rng = SEED;
	p->nact = total;
	for (k = 0; k < total; k++)
		p->load[k] = 0;
	if (policy == LEAST)
		heap_build(p);
	for (k = 0; k < s->peers; k++)
		connect_peer(p, policy, k);
	if (failed == 0)
		return;
	p->nact = total - failed;
	if (policy == LEAST)
		heap_build(p);
	for (k = 0; k < s->peers; k++)
		if (p->at[k] >= p->nact)
			connect_peer(p, policy, k);
}

/* After one failure: the appliance is back, and a quarter reconnect. */
static void
back(const struct size *s, struct pool *p, int policy)
{
	uint64_t k, n = s->peers / 4;

	run(s, p, policy, 1);
	p->nact++;
	p->load[p->nact - 1] = 0;
	if (policy == LEAST)
		heap_build(p);
	for (; n > 0; n--) {
		k = below(p, s->peers);
		p->load[p->at[k]]--;
		if (policy == LEAST)
			sift_up(p, p->pos[p->at[k]]);
		connect_peer(p, policy, k);
	}
}

void
sim_print(const struct size *s)
{
	struct pool p = { 0 };
	uint64_t f, rows;
	int policy;
	char what[32];

	if (s->peers > SIM_MAX_PEERS || s->total > SIM_MAX_APPLIANCES)
		err_fatal(RC_USAGE, "-s: %" PRIu64 " peers on %" PRIu64
		    " appliances is too large to simulate (at most %d peers "
		    "and %d appliances)", s->peers, s->total, SIM_MAX_PEERS,
		    SIM_MAX_APPLIANCES);
	p.load = calloc(s->total, sizeof *p.load);
	p.heap = calloc(s->total, sizeof *p.heap);
	p.pos = calloc(s->total, sizeof *p.pos);
	p.at = calloc(s->peers, sizeof *p.at);
	if (p.load == NULL || p.heap == NULL || p.pos == NULL || p.at == NULL)
		err_fatalsys(RC_TEMP, "-s: unable to allocate the simulation");
	printf("pool answers simulated (seed %d): %" PRIu64 " peers connect "
	    "one by one to the first address\nof the answer; then the failed "
	    "appliances' peers reconnect; \"1 back\": one failed\nappliance "
	    "returns empty and a quarter of the peers reconnect\n", SEED,
	    s->peers);
	printf("%-12s  %-9s  %6s  %8s  %8s  %6s  %s\n", "policy", "failed",
	    "active", "fewest", "most", "%ACM", "state");
	rows = size_rows(s);
	for (f = 0; f < rows; f++) {
		if (f == s->total)
			break;
		for (policy = RANDOM; policy <= LEAST; policy++) {
			run(s, &p, policy, (uint32_t)f);
			snprintf(what, sizeof what, "%" PRIu64, f);
			line(s, &p, policy, what);
		}
	}
	if (s->total > 1)
		for (policy = RANDOM; policy <= LEAST; policy++) {
			back(s, &p, policy);
			line(s, &p, policy, "1 back");
		}
	free(p.load);
	free(p.heap);
	free(p.pos);
	free(p.at);
}
