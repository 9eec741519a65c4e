/*
 * Who may open a connection to the peer port (ddns-syncd(8), Admission).
 * Only a configured node's address, self or peer, and only as the node it
 * comes from: the Noise handshake proves that a peer knows the secret, not
 * which node it is, so without this rule any holder of the secret could
 * speak as a node that is down.  Until a connection is authenticated it is
 * named by its source address, never by the node it claims, and the lines
 * about one source are rate-limited, so that a stranger fills neither the
 * handshake's slots (peer.c) nor the log.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "peer.h"

#define NODE_ADDRS	8		/* addresses a node's name gives */
#define SOURCES		64		/* sources the log remembers */
#define LOG_BURST	3		/* lines about one source in a row */
#define LOG_GAP		(10 * CLOCK_SEC)	/* then one this often */
#define LOG_SAME	(60 * CLOCK_SEC)	/* the same line again */
#define ALL_BURST	10		/* about every source together */
#define ALL_GAP		CLOCK_SEC

struct source {
	struct addr a;
	int64_t seen;			/* mono ns of its last line, logged or not */
	int64_t tat;			/* its rate: see allowed() */
	int64_t said;			/* mono ns of its last line logged */
	uint32_t hash;			/* of that line */
	unsigned held;			/* lines not logged since */
};

/* The configured nodes, self first, as the cluster's resolve() found them. */
static struct {
	char id[ID_MAX + 1];
	struct addr addr[NODE_ADDRS];
	int naddr;
} known[NODES_MAX];
static int nknown;

static struct source sources[SOURCES];
static int nsources;
static int64_t all_tat;

void
admit_addr(const struct sockaddr *sa, struct addr *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET) {
		a->af = 4;
		memcpy(a->a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 &&
	    memcmp(s6->sin6_addr.s6_addr, mapped, sizeof mapped) == 0) {
		/* an IPv4 peer on the dual-stack socket (RFC 4291, 2.5.5.2) */
		a->af = 4;
		memcpy(a->a, s6->sin6_addr.s6_addr + 12, 4);
	} else if (sa->sa_family == AF_INET6) {
		a->af = 6;
		memcpy(a->a, s6->sin6_addr.s6_addr, 16);
	}
}

int
admit_same(const struct addr *a, const struct addr *b)
{
	return a->af != 0 && a->af == b->af &&
	    memcmp(a->a, b->a, a->af == 4 ? 4 : 16) == 0;
}

void
admit_nodes(int n)
{
	nknown = n;
}

/*
 * Node i is id, at every address of the answer res (NULL: none), once: a
 * name may have A and AAAA records.
 */
void
admit_node(int i, const char *id, const struct addrinfo *res)
{
	struct addr a;
	int k, *n = &known[i].naddr;

	snprintf(known[i].id, sizeof known[i].id, "%s", id);
	*n = 0;
	for (; res != NULL && *n < NODE_ADDRS; res = res->ai_next) {
		admit_addr(res->ai_addr, &a);
		for (k = 0; k < *n && !admit_same(&known[i].addr[k], &a); k++)
			;
		if (a.af != 0 && k == *n)
			known[i].addr[(*n)++] = a;
	}
}

int
admit_find(const char *id)
{
	int i;

	for (i = 1; i < nknown; i++)
		if (strcmp(known[i].id, id) == 0)
			return i;
	return -1;
}

int
admit_is(int node, const struct addr *a)
{
	int i;

	for (i = 0; i < known[node].naddr; i++)
		if (admit_same(&known[node].addr[i], a))
			return 1;
	return 0;
}

int
admit_known(const struct addr *a)
{
	int i;

	for (i = 0; i < nknown; i++)
		if (admit_is(i, a))
			return 1;
	return 0;
}

const struct addr *
admit_self(int af)
{
	int i;

	for (i = 0; i < known[0].naddr; i++)
		if (known[0].addr[i].af == af)
			return &known[0].addr[i];
	return NULL;
}

/*
 * The generic cell rate algorithm (ITU-T I.371): with *tat the theoretical
 * arrival time, a burst of n, then one every gap.  take() spends it.
 */
static int
allowed(int64_t tat, int n, int64_t gap)
{
	int64_t now = ddns_syncd.now;

	return (tat > now ? tat : now) - now <= (int64_t)(n - 1) * gap;
}

static void
take(int64_t *tat, int64_t gap)
{
	int64_t now = ddns_syncd.now;

	*tat = (*tat > now ? *tat : now) + gap;
}

/* Its entry, or the one heard of least lately, made its. */
static struct source *
source_of(const struct addr *a)
{
	struct source *old = sources;
	int i;

	for (i = 0; i < nsources; i++) {
		if (admit_same(&sources[i].a, a))
			return &sources[i];
		if (sources[i].seen < old->seen)
			old = &sources[i];
	}
	if (nsources < SOURCES)
		old = &sources[nsources++];
	memset(old, 0, sizeof *old);
	old->a = *a;
	return old;
}

/* FNV-1a: lines are told apart, not kept. */
static uint32_t
line_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void
admit_log(const struct addr *a, const char *fmt, ...)
{
	char line[400], host[INET6_ADDRSTRLEN];
	struct source *src = source_of(a);
	uint32_t h;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	h = line_hash(line);
	src->seen = ddns_syncd.now;
	if ((h == src->hash && src->said != 0 &&
	    ddns_syncd.now - src->said < LOG_SAME) ||
	    !allowed(src->tat, LOG_BURST, LOG_GAP) ||
	    !allowed(all_tat, ALL_BURST, ALL_GAP)) {
		src->held++;
		return;
	}
	take(&src->tat, LOG_GAP);
	take(&all_tat, ALL_GAP);
	addr_fmt(a, host, sizeof host);
	if (src->held > 0)
		err_warn("peer %s: %s (and %u more lines about it since the "
		    "last, not logged)", host, line, src->held);
	else
		err_warn("peer %s: %s", host, line);
	src->hash = h;
	src->said = ddns_syncd.now;
	src->held = 0;
}
