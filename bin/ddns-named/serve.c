/*
 * What every query passes before the query path: its TSIG record (RFC
 * 8945), and, for a zone transfer, who may have one.  A transfer is
 * answered only to a configured secondary, over TCP, signed with its key
 * when it has one (RFC 5936 6 leaves the policy to the server); anyone
 * else is REFUSED, as the issue asks.  The same for the pool's zone of
 * its own (a pool name outside the domain).  A signed query that fails
 * its check gets NOTAUTH whatever it asked (RFC 8945 5.2).
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "tsig.h"
#include "wire.h"
#include "xfr.h"

#define RCODE_NOTAUTH	9	/* RFC 2845, RFC 8945 5.2 */

void
peer_set(struct peer *p, const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	memset(p, 0, sizeof *p);
	if (sa->sa_family == AF_INET) {
		p->af = AF_INET;
		memcpy(p->a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 &&
	    memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0) {
		p->af = AF_INET;
		memcpy(p->a, s6->sin6_addr.s6_addr + 12, 4);
	} else if (sa->sa_family == AF_INET6) {
		p->af = AF_INET6;
		memcpy(p->a, s6->sin6_addr.s6_addr, 16);
	}
}

/* Header and question as asked, with rcode: what a refusal says. */
static size_t
status_only(const struct query *q, uint8_t *r, size_t rmax, int rcode,
    struct qinfo *info)
{
	size_t n = q->qend <= rmax ? q->qend : DNS_HEADER;

	memcpy(r, q->b, 2);
	r[2] = F_QR | (q->b[2] & (F_OPCODE | F_RD));
	r[3] = (uint8_t)rcode;
	memset(r + 4, 0, 8);
	memcpy(r + DNS_HEADER, q->b + DNS_HEADER, n - DNS_HEADER);
	r[5] = n > DNS_HEADER;
	info->rcode = rcode;
	info->kind = RESP_ERROR;
	info->tc = 0;
	info->edns = 0;
	info->qnamelen = q->namelen;
	info->qtype = q->qtype;
	info->qclass = q->qclass;
	return n;
}

/*
 * IXFR over UDP: our SOA alone, which says "up to date" to a secondary
 * that has this serial and "ask over TCP" to any other (RFC 1995 2, 4).
 */
static size_t
soa_only(const struct zone *z, const struct query *q, int pool, uint8_t *r,
    size_t rmax, struct qinfo *info)
{
	struct out o;

	o.b = r;
	o.len = status_only(q, r, rmax, RCODE_NOERROR, info);
	o.cap = rmax;
	o.over = 0;
	if (pool)
		put_pool_soa(&o, z, DNS_HEADER);
	else
		put_soa(&o, z, DNS_HEADER);
	if (o.over)
		return status_only(q, r, rmax, RCODE_SERVFAIL, info);
	r[2] |= F_AA;
	r[7] = 1;
	info->kind = RESP_ANSWER;
	return o.len;
}

/*
 * May peer have the zone, signed with key (NULL: unsigned)?  A
 * secondary with a key must sign with it; one without may sign with any
 * key we know, or not at all.
 */
static int
xfr_allowed(const struct zone *z, const struct peer *p,
    const struct tsig_key *key)
{
	const struct zsecondary *s = zone_secondary(z, p->af, p->a);

	if (s == NULL)
		return 0;
	return s->key < 0 || key == &z->key[s->key];
}

/* Which zone a transfer asks for: 0 the domain's, 1 the pool's, -1 none. */
static int
xfr_zone(const struct zone *z, const struct query *q)
{
	if (q->namelen == z->apexlen &&
	    memcmp(q->lc, z->apex, q->namelen) == 0)
		return 0;
	if (z->pool.on && !z->pool.inzone && q->namelen == z->pool.namelen &&
	    memcmp(q->lc, z->pool.name, q->namelen) == 0)
		return 1;
	return -1;
}

/* The query path's answer, signed when the query was. */
static size_t
answer(const struct zone *z, const uint8_t *b, size_t len, uint8_t *r,
    size_t rmax, int tcp, struct tsig_ctx *sig, int64_t now,
    struct qinfo *info)
{
	size_t n;

	if (sig == NULL)
		return dns_answer(z, b, len, r, rmax, tcp, info);
	n = dns_answer_r(z, b, len, r, rmax, tcp, TSIG_RR_MAX, info);
	return n > 0 ? tsig_sign(sig, r, n, rmax, now, 0) : 0;
}

size_t
dns_serve(const struct zone *z, const uint8_t *b, size_t len, uint8_t *r,
    size_t rmax, int tcp, const struct peer *from, struct qinfo *info,
    struct xfr **x)
{
	struct tsig_ctx ctx, *sig = NULL;
	struct query q;
	int64_t now = (int64_t)time(NULL);
	size_t n;
	int t, pool;

	*x = NULL;
	q.b = b;
	q.len = len;
	if (len < DNS_HEADER || (b[2] & F_QR) || read_question(&q) < 0 ||
	    rmax < DNS_UDP_PLAIN)
		return dns_answer(z, b, len, r, rmax, tcp, info);
	if ((t = tsig_present(b, len)) > 0) {
		if ((t = tsig_verify(b, len, z->key, z->nkey, now, &ctx)) > 0) {
			n = status_only(&q, r, rmax - TSIG_RR_MAX,
			    RCODE_NOTAUTH, info);
			return tsig_sign(&ctx, r, n, rmax, now, t);
		}
		sig = &ctx;
	}
	if (t < 0)	/* records that cannot be walked, a TSIG not last: */
		return status_only(&q, r, DNS_HEADER, RCODE_FORMERR, info);
	/* AXFR (over TCP) and IXFR of the zone to a secondary; else REFUSED */
	if ((b[2] & F_OPCODE) != 0 || get_u16(b + 4) != 1 ||
	    (q.qtype != T_AXFR && q.qtype != T_IXFR) || q.qclass != C_IN ||
	    (pool = xfr_zone(z, &q)) < 0 ||
	    !xfr_allowed(z, from, sig != NULL ? sig->key : NULL) ||
	    (!tcp && q.qtype == T_AXFR))
		return answer(z, b, len, r, rmax, tcp, sig, now, info);
	if (!tcp)
		n = soa_only(z, &q, pool, r, rmax - TSIG_RR_MAX, info);
	else if ((*x = xfr_new(z, &q, pool, sig, from, now)) != NULL) {
		info->rcode = RCODE_NOERROR;
		info->kind = RESP_ANSWER;
		info->qnamelen = q.namelen;
		info->qtype = q.qtype;
		info->qclass = q.qclass;
		info->tc = info->edns = 0;
		return 0;
	} else
		n = status_only(&q, r, rmax - TSIG_RR_MAX, RCODE_SERVFAIL, info);
	return sig != NULL ? tsig_sign(sig, r, n, rmax, now, 0) : n;
}
