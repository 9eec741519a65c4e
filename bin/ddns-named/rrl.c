/*
 * Response rate limiting, as NSD's and Knot's RRL do it, written for
 * this server.  A spoofed source can make a DNS server send what it
 * answers to a victim, larger than what was asked (a pool of 32 IPv6
 * members is 20 times its query); so responses over UDP are counted per
 * source prefix, the /24 of IPv4 and the /56 of IPv6 (one site), and per
 * kind of response: an answer under its name and type, NODATA under its
 * name, NXDOMAIN under its zone, an error under the prefix alone.  Each
 * of these is a token bucket of one second of the limit, refilled as time
 * passes.  Over the limit, every slip-th response goes out empty with TC
 * (a real client asks again over TCP, which is never limited) and the
 * rest are dropped.
 *
 * The table has a fixed number of buckets in sets of RRL_WAYS: a key
 * lives in the set its hash picks, and a new key takes over the bucket
 * of the set used the longest time ago, starting full.  So a bucket that
 * is busy (a flood's) stays while quieter keys come and go beside it, and
 * the hash is seeded, so that nobody outside can aim keys at its set.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "rrl.h"

struct bucket {
	uint64_t prefix;		/* family in the top byte; 0: empty */
	uint32_t key;			/* kind and name */
	uint32_t tokens;		/* thousandths of a response */
	int64_t at;			/* ms of the last refill */
	uint32_t limited;		/* over the limit: every slip-th is TC */
};

static struct bucket buckets[RRL_BUCKETS];
static uint32_t rate_limit = RRL_LIMIT, rate_slip = RRL_SLIP;
static uint64_t hash_seed = 0x9e3779b97f4a7c15ULL;
static struct rrl_counts counts_total;

/* An episode: from the first limited response to RRL_QUIET without one. */
static struct {
	int on;
	int64_t last, said;		/* ms */
	uint64_t dropped, slipped;	/* since the last line */
} episode;

static const char *const kinds[RESP_KINDS] = {
	[RESP_ANSWER] = "answer", [RESP_NODATA] = "nodata",
	[RESP_NXDOMAIN] = "nxdomain", [RESP_ERROR] = "error"
};

void
rrl_set(uint32_t l, uint32_t s)
{
	rate_limit = l;
	rate_slip = s;
}

void
rrl_seed(uint64_t s)
{
	hash_seed = s | 1;
}

const struct rrl_counts *
rrl_counts(void)
{
	return &counts_total;
}

/* The source's prefix as a number, and as an address (a, af) for the log. */
static uint64_t
prefix_of(const struct sockaddr *sa, uint8_t *a, int *af)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	uint64_t p;
	int i;

	memset(a, 0, 16);
	if (sa->sa_family == AF_INET)
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 3);
	else if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		memcpy(a, s6->sin6_addr.s6_addr + 12, 3);
	else {
		memcpy(a, s6->sin6_addr.s6_addr, 7);
		*af = AF_INET6;
		for (p = 6, i = 0; i < 7; i++)
			p = p << 8 | a[i];
		return p;
	}
	*af = AF_INET;
	return 4ULL << 56 | (uint64_t)a[0] << 16 | (uint64_t)a[1] << 8 | a[2];
}

/* The bucket of (prefix, key): found in its set, or the set's oldest. */
static struct bucket *
bucket_of(uint64_t prefix, uint32_t key, int64_t ms)
{
	struct bucket *set, *b;
	uint64_t h = (prefix ^ hash_seed) * 0x9e3779b97f4a7c15ULL;
	uint64_t full = (uint64_t)rate_limit * 1000;
	int i;

	h = (h ^ key ^ h >> 29) * 0xbf58476d1ce4e5b9ULL;
	set = &buckets[((size_t)(h >> 40) & (RRL_BUCKETS / RRL_WAYS - 1)) *
	    RRL_WAYS];
	for (b = set, i = 0; i < RRL_WAYS; i++)
		if (set[i].prefix == prefix && set[i].key == key)
			return &set[i];
		else if (set[i].at < b->at)
			b = &set[i];
	b->prefix = prefix;
	b->key = key;
	b->tokens = (uint32_t)full;
	b->at = ms;
	b->limited = 0;
	return b;
}

/* A response held back: counted, and said once when an episode starts. */
static void
held_back(int verdict, const uint8_t *a, int af, int kind, int64_t ms)
{
	char text[INET6_ADDRSTRLEN];

	if (verdict == RRL_DROP) {
		counts_total.dropped++;
		episode.dropped++;
	} else {
		counts_total.slipped++;
		episode.slipped++;
	}
	episode.last = ms;
	if (episode.on)
		return;
	episode.on = 1;
	episode.said = ms;
	inet_ntop(af, a, text, sizeof text);
	if (rate_slip == 0)
		err_log("rate-limit: %s/%d over %" PRIu32 " responses a second "
		    "(%s); dropping the rest", text, af == AF_INET ? 24 : 56,
		    rate_limit, kinds[kind]);
	else
		err_log("rate-limit: %s/%d over %" PRIu32 " responses a second "
		    "(%s); sending 1 in %" PRIu32 " of the rest truncated, "
		    "dropping the others", text, af == AF_INET ? 24 : 56,
		    rate_limit, kinds[kind], rate_slip);
}

int
rrl_verdict(const struct sockaddr *from, const struct qinfo *in, int64_t now)
{
	struct bucket *b;
	uint8_t a[16];
	uint64_t prefix, t, full = (uint64_t)rate_limit * 1000;
	uint32_t key;
	int64_t ms = now / CLOCK_MS, gone;
	int af, v;

	if (rate_limit == 0)
		return RRL_SEND;
	prefix = prefix_of(from, a, &af);
	key = in->kind == RESP_ERROR ? RESP_ERROR :
	    in->key ^ (uint32_t)in->kind * 0x85ebca6bU;
	b = bucket_of(prefix, key, ms);
	if ((gone = ms - b->at) > 0) {	/* one second fills it: no more */
		t = b->tokens +
		    (uint64_t)(gone > 1000 ? 1000 : gone) * rate_limit;
		b->tokens = (uint32_t)(t > full ? full : t);
		b->at = ms;
	}
	if (b->tokens >= 1000) {
		b->tokens -= 1000;
		return RRL_SEND;
	}
	b->limited++;
	v = rate_slip > 0 && b->limited % rate_slip == 0 ? RRL_SLIP_TC :
	    RRL_DROP;
	held_back(v, a, af, in->kind, ms);
	return v;
}

/* One line of counts when an episode ends, and every minute it goes on. */
int64_t
rrl_timers(int64_t now)
{
	int64_t ms = now / CLOCK_MS, next;

	if (!episode.on)
		return -1;
	if (ms - episode.last >= RRL_QUIET) {
		err_log("rate-limit: %" PRIu64 " responses dropped, %" PRIu64
		    " sent truncated; none over the limit for a second",
		    episode.dropped, episode.slipped);
		memset(&episode, 0, sizeof episode);
		return -1;
	}
	if (ms - episode.said >= RRL_REPORT) {
		err_log("rate-limit: %" PRIu64 " responses dropped, %" PRIu64
		    " sent truncated in the last minute; still limiting",
		    episode.dropped, episode.slipped);
		episode.said = ms;
		episode.dropped = episode.slipped = 0;
	}
	next = episode.last + RRL_QUIET < episode.said + RRL_REPORT ?
	    episode.last + RRL_QUIET : episode.said + RRL_REPORT;
	return next * CLOCK_MS;
}
