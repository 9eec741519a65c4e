/*
 * The query path.  A query is read in place and its response written
 * straight into the output buffer: the question is copied as it came,
 * and every owner name is a compression pointer into it, so answers keep
 * the case the client asked in (RFC 1035 4.1.4, RFC 4343).  Names in the
 * query are skipped, never followed, so a compression loop cannot be.
 */
#include <sys/socket.h>

#include <string.h>

#include "answer.h"
#include "dnsname.h"
#include "wire.h"
#include "zone.h"
#include "stats.h"

#define OPT_LEN		11	/* our OPT RR: root, type, class, ttl, rdlen 0 */


/* QNAME: plain labels only (a pointer in a question is FORMERR). */
int
read_question(struct query *q)
{
	size_t p = DNS_HEADER, n = 0;
	unsigned c, i;

	q->nlab = 0;
	for (;;) {
		if (p >= q->len)
			return -1;
		if ((c = q->b[p]) == 0)
			break;
		if (c > LABEL_MAX || p + 1 + c >= q->len ||
		    n + c + 2 > NAME_WIRE_MAX)
			return -1;
		q->lab[q->nlab++] = (uint8_t)n;
		q->lc[n++] = (uint8_t)c;
		for (i = 1; i <= c; i++)
			q->lc[n++] = lower_ascii(q->b[p + i]);
		p += 1 + c;
	}
	q->lc[n++] = 0;
	q->namelen = n;
	if (p + 5 > q->len)
		return -1;
	q->qtype = get_u16(q->b + p + 1);
	q->qclass = get_u16(q->b + p + 3);
	q->qend = p + 5;
	return 0;
}

/*
 * Step over one resource record at *pp.  Its owner name is skipped, not
 * read: a pointer ends it, and must point before itself (RFC 1035 4.1.4).
 */
static int
rr_skip(const struct query *q, size_t *pp, int *root, uint16_t *type,
    uint16_t *cls, uint32_t *ttl)
{
	size_t p = *pp;

	*root = p < q->len && q->b[p] == 0;
	if ((p = dnsname_skip(q->b, q->len, p)) == 0 || p + 10 > q->len)
		return -1;
	*type = get_u16(q->b + p);
	*cls = get_u16(q->b + p + 2);
	*ttl = (uint32_t)get_u16(q->b + p + 4) << 16 | get_u16(q->b + p + 6);
	if (p + 10 + get_u16(q->b + p + 8) > q->len)
		return -1;
	*pp = p + 10 + get_u16(q->b + p + 8);
	return 0;
}

/*
 * The other sections: a query has none but additional, where one OPT
 * with the root as owner may be (RFC 6891 6.1.1); IXFR carries an SOA
 * in authority (RFC 1995 3).  Anything else there is FORMERR.
 */
static int
read_sections(struct query *q)
{
	unsigned an = get_u16(q->b + 6), ns = get_u16(q->b + 8);
	unsigned ar = get_u16(q->b + 10), i;
	size_t p = q->qend;
	uint16_t type, cls;
	uint32_t ttl;
	int root;

	q->edns = 0;
	if ((an != 0 || ns != 0) && q->qtype != T_IXFR)
		return -1;
	for (i = 0; i < an + ns + ar; i++) {
		if (rr_skip(q, &p, &root, &type, &cls, &ttl) < 0)
			return -1;
		if (type != T_OPT)
			continue;
		if (i < an + ns || !root || q->edns)
			return -1;
		q->edns = 1;
		q->udp = cls;
		q->version = (uint8_t)(ttl >> 16);
		q->dobit = (ttl & 0x8000) != 0;
	}
	return 0;
}

void
put_soa(struct out *o, const struct zone *z, size_t apex)
{
	put_soa_serial(o, z, apex, zone_serial(z));
}

void
put_soa_serial(struct out *o, const struct zone *z, size_t apex,
    uint32_t serial)
{
	const struct zname *mname = &z->ns[0].name;

	rr_head(o, apex, T_SOA, z->ttl, zname_size(mname) +
	    zname_size(&z->contact) + 20);
	zname_put(o, mname, apex);
	zname_put(o, &z->contact, apex);
	out_put32(o, serial);
	out_put32(o, z->refresh);
	out_put32(o, z->retry);
	out_put32(o, z->expire);
	out_put32(o, z->ttl);	/* negative TTL, RFC 2308 4 */
}

/* NXDOMAIN or NODATA: the SOA in authority (RFC 2308 2.1, 2.2). */
static int
put_negative(struct out *o, const struct zone *z, size_t apex, int rcode)
{
	put_soa(o, z, apex);
	o->b[9] = 1;
	return rcode;
}

/*
 * The addresses of the name servers under the apex, in additional, as
 * many as fit: they are a courtesy, so what does not fit is left out
 * without TC (RFC 2181 9).
 */
static void
put_glue(struct out *o, const struct zone *z, size_t apex)
{
	const struct nshost *h;
	size_t mark;
	int i, j;

	for (i = 0; i < z->nns; i++) {
		h = &z->ns[i];
		for (j = 0; j < h->naddr; j++) {
			mark = o->len;
			zname_put(o, &h->name, apex);
			rr_tail(o, h->addr[j].af == AF_INET ? T_A : T_AAAA,
			    z->ttl, h->addr[j].af == AF_INET ? 4 : 16);
			out_put(o, h->addr[j].a,
			    h->addr[j].af == AF_INET ? 4 : 16);
			if (o->over) {
				o->len = mark;
				o->over = 0;
				return;
			}
			o->b[11]++;
		}
	}
}

static int
at_apex(struct out *o, const struct zone *z, const struct query *q,
    size_t apex)
{
	int i;

	switch (q->qtype) {
	case T_SOA:
	case T_ANY:	/* RFC 8482 4.2: one RRset will do */
		put_soa(o, z, apex);
		o->b[7] = 1;
		return RCODE_NOERROR;
	case T_NS:
		for (i = 0; i < z->nns; i++) {
			rr_head(o, apex, T_NS, z->ttl, zname_size(&z->ns[i].name));
			zname_put(o, &z->ns[i].name, apex);
		}
		o->b[7] = (uint8_t)z->nns;
		if (!o->over)
			put_glue(o, z, apex);
		return RCODE_NOERROR;
	}
	return put_negative(o, z, apex, RCODE_NOERROR);
}

static void
addr_rr(struct out *o, const struct zone *z, int af, const uint8_t *a)
{
	rr_head(o, DNS_HEADER, af == AF_INET ? T_A : T_AAAA, z->ttl,
	    af == AF_INET ? 4 : 16);
	out_put(o, a, af == AF_INET ? 4 : 16);
	o->b[7]++;
}

/* A name server's own name: its glue addresses, A or AAAA (ANY: the first). */
static int
at_ns(struct out *o, const struct zone *z, const struct query *q,
    const struct nshost *h, size_t apex)
{
	int i, af = q->qtype == T_A ? AF_INET : q->qtype == T_AAAA ? AF_INET6 :
	    q->qtype == T_ANY ? h->addr[0].af : 0;

	for (i = 0; i < h->naddr; i++)
		if (h->addr[i].af == af)
			addr_rr(o, z, af, h->addr[i].a);
	return o->b[7] > 0 ? RCODE_NOERROR :
	    put_negative(o, z, apex, RCODE_NOERROR);
}

/*
 * The pool's order, per query: xorshift64* (Vigna), a fast generator
 * that is not cryptographic; nothing is secret in which member comes
 * first, only the spread matters.  Seeded at start (dns_seed).
 */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

void
dns_seed(uint64_t s)
{
	rng = s != 0 ? s : 0x9e3779b97f4a7c15ULL;
}

/* A number in [0, n), by multiplication rather than a modulo. */
static unsigned
rnd_below(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)(((rng * 0x2545f4914f6cdd1dULL) >> 32) * n >> 32);
}

/*
 * The members of view f, as many as answers allows and the response has
 * room for: each tie group in its turn (one group under random),
 * shuffled by a Fisher-Yates that stops when enough are drawn.  The
 * pool's answer is a choice among its members by design, so fewer of
 * them is a whole answer, not a truncated RRset: a UDP client without
 * EDNS gets what fits in 512 bytes rather than TC, and no more.  The
 * copy of the indices is on the stack.
 */
static void
pool_addrs(struct out *o, const struct pool *p, int f)
{
	const struct pview *v = &p->v[f];
	uint8_t pick[POOL_MEMBERS_MAX], x;
	unsigned k = p->answers != 0 && p->answers < v->n ? p->answers : v->n;
	unsigned i, j, r, e, n = 0, len = f == 0 ? 4 : 16;
	size_t fit = o->cap > o->len ? (o->cap - o->len) / (12 + len) : 0;

	if (fit < k)
		k = fit > 0 ? (unsigned)fit : 1;	/* none fits: TC */

	memcpy(pick, v->idx, v->n);
	for (i = 0; n < k; i = e)
		for (e = v->end[i], j = i; j < e && n < k; j++, n++) {
			r = j + rnd_below(e - j);
			x = pick[r];
			pick[r] = pick[j];
			pick[j] = x;
			rr_head(o, DNS_HEADER, f == 0 ? T_A : T_AAAA, p->ttl, len);
			out_put(o, p->m[x].a, len);
			stats.pool[x]++;
		}
	o->b[7] = (uint8_t)n;
}

/*
 * The pool's own zone (a name outside the domain): its SOA at apex, with
 * the domain's contact when one is configured, else hostmaster under the
 * pool name; the domain's timers.
 */
void
put_pool_soa(struct out *o, const struct zone *z, size_t apex)
{
	static const uint8_t contact[] = "\012" ZONE_CONTACT;
	const struct zname *mname = &z->ns[0].name;
	size_t clen = z->contact_given ? full_size(z, &z->contact) :
	    sizeof contact - 1 + 2;

	rr_head(o, apex, T_SOA, z->pool.ttl, full_size(z, mname) + clen + 20);
	full_put(o, z, mname);
	if (z->contact_given)
		full_put(o, z, &z->contact);
	else {
		out_put(o, contact, sizeof contact - 1);
		out_put16(o, PTR | (unsigned)apex);
	}
	out_put32(o, zone_serial(z));
	out_put32(o, z->refresh);
	out_put32(o, z->retry);
	out_put32(o, z->expire);
	out_put32(o, z->pool.ttl);	/* negative TTL, RFC 2308 4 */
}

static int
pool_negative(struct out *o, const struct zone *z, size_t apex, int rcode,
    int own)
{
	if (!own)
		return put_negative(o, z, apex, rcode);
	put_pool_soa(o, z, apex);
	o->b[9] = 1;
	return rcode;
}

/* The pool name: its addresses; apex is that of the zone it is in. */
static int
pool_name(struct out *o, const struct zone *z, const struct query *q,
    size_t apex, int own)
{
	const struct pool *p = &z->pool;
	int i, f = q->qtype == T_A ? 0 : q->qtype == T_AAAA ? 1 :
	    q->qtype == T_ANY ? (p->v[0].n > 0 ? 0 : 1) : -1;

	if (own && (q->qtype == T_SOA || q->qtype == T_NS)) {
		if (q->qtype == T_SOA) {
			put_pool_soa(o, z, apex);
			o->b[7] = 1;
			return RCODE_NOERROR;
		}
		for (i = 0; i < z->nns; i++)
			put_ns_full(o, z, apex, i);
		o->b[7] = (uint8_t)z->nns;
		return RCODE_NOERROR;
	}
	if (f < 0 || p->v[f].n == 0)
		return pool_negative(o, z, apex, RCODE_NOERROR, own);
	pool_addrs(o, p, f);
	return RCODE_NOERROR;
}

/*
 * A pool name outside the domain is the apex of a zone of its own:
 * names under it do not exist.  -1 when the name is not in it.
 */
static int
pool_zone(const struct zone *z, struct out *o, const struct query *q)
{
	const struct pool *p = &z->pool;
	size_t start, apex;
	int below;

	if (!p->on || p->inzone || q->namelen < p->namelen)
		return -1;
	start = q->namelen - p->namelen;
	for (below = q->nlab - 1; below > 0 && q->lab[below] > start; below--)
		;
	if (q->lab[below] != start ||
	    memcmp(q->lc + start, p->name, p->namelen) != 0)
		return -1;
	if (q->qtype == T_AXFR || q->qtype == T_IXFR)
		return RCODE_REFUSED;
	if (q->qclass == C_IN)
		o->b[2] |= F_AA;
	apex = DNS_HEADER + start;
	if (below > 0)
		return pool_negative(o, z, apex, RCODE_NXDOMAIN, 1);
	return pool_name(o, z, q, apex, 1);
}

static const struct nshost *
ns_named(const struct zone *z, const uint8_t *lc)
{
	int i;

	for (i = 0; i < z->nns; i++)
		if (z->ns[i].name.inzone && z->ns[i].name.len == lc[0] + 1 &&
		    memcmp(z->ns[i].name.wire, lc, lc[0] + 1u) == 0)
			return &z->ns[i];
	return NULL;
}

static int
in_zone(const struct zone *z, struct out *o, const struct query *q)
{
	const struct rec *r;
	const struct nshost *h;
	size_t start, apex;
	int below, t;

	if (q->namelen < z->apexlen)
		return -1;
	start = q->namelen - z->apexlen;
	apex = DNS_HEADER + start;
	for (below = q->nlab - 1; below > 0 && q->lab[below] > start; below--)
		;
	if (q->lab[below] != start ||
	    memcmp(q->lc + start, z->apex, z->apexlen) != 0)
		return -1;
	if (q->qtype == T_AXFR || q->qtype == T_IXFR)
		return RCODE_REFUSED;	/* no transfers, RFC 5936 2.2.1 */
	/* the pool answers without data: its static answer */
	if (below == 1 && z->pool.inzone && q->lc[0] + 1u == z->pool.namelen &&
	    memcmp(q->lc, z->pool.name, z->pool.namelen) == 0) {
		if (q->qclass == C_IN)
			o->b[2] |= F_AA;
		return pool_name(o, z, q, apex, 0);
	}
	if (z->t == NULL)
		return RCODE_SERVFAIL;	/* no data yet: nothing to cache */
	if (q->qclass == C_IN)
		o->b[2] |= F_AA;
	if (below == 0)
		return at_apex(o, z, q, apex);
	if (below == 1 && (r = table_get(z->t, q->lc + 1, q->lc[0],
	    table_hash(q->lc + 1, q->lc[0]))) != NULL) {
		t = r->af == AF_INET ? T_A : T_AAAA;
		if (q->qtype != t && q->qtype != T_ANY)
			return put_negative(o, z, apex, RCODE_NOERROR);
		addr_rr(o, z, r->af, r->addr);
		return RCODE_NOERROR;
	}
	if (below == 1 && (h = ns_named(z, q->lc)) != NULL)
		return at_ns(o, z, q, h, apex);
	return put_negative(o, z, apex, RCODE_NXDOMAIN);
}

/* FORMERR and NOTIMP: the header alone, as nothing else can be trusted. */
static size_t
header_only(uint8_t *r, int rcode, struct qinfo *info)
{
	r[3] |= (uint8_t)rcode;
	info->rcode = rcode;
	info->kind = RESP_ERROR;
	return DNS_HEADER;
}

/*
 * What the response counts under for rate limiting, as NSD does: an
 * answer under its name and type, NODATA under its name, NXDOMAIN under
 * its zone (random names are one flood), an error under none but its
 * source.  zone: 1 the domain, 2 the pool's own zone.
 */
static void
rate_kind(struct qinfo *info, const struct query *q, const uint8_t *r,
    int rcode, int zone)
{
	uint32_t h = table_hash(q->lc, q->namelen);

	if (rcode == RCODE_NOERROR && (r[6] | r[7]) != 0) {
		info->kind = RESP_ANSWER;
		info->key = h ^ (uint32_t)q->qtype * 0x9e3779b9U;
	} else if (rcode == RCODE_NOERROR) {
		info->kind = RESP_NODATA;
		info->key = h;
	} else if (rcode == RCODE_NXDOMAIN) {
		info->kind = RESP_NXDOMAIN;
		info->key = (uint32_t)zone;
	} else
		info->kind = RESP_ERROR;
}

size_t
dns_slip(uint8_t *r, size_t len, const struct qinfo *info)
{
	size_t qend = DNS_HEADER + (info->qnamelen > 0 ? info->qnamelen + 4 : 0);

	r[2] |= F_TC;
	memset(r + 6, 0, 6);
	if (!info->edns || len < qend + OPT_LEN)
		return qend;
	memmove(r + qend, r + len - OPT_LEN, OPT_LEN);
	r[11] = 1;
	return qend + OPT_LEN;
}

static size_t
response_room(const struct query *q, size_t rmax, int tcp)
{
	size_t n = tcp ? DNS_TCP_MAX : !q->edns ? DNS_UDP_PLAIN :
	    q->udp < DNS_UDP_PLAIN ? DNS_UDP_PLAIN :	/* RFC 6891 6.2.5 */
	    q->udp > DNS_UDP_MAX ? DNS_UDP_MAX : q->udp;

	return n < rmax ? n : rmax;
}

size_t
dns_answer(const struct zone *z, const uint8_t *b, size_t len, uint8_t *r,
    size_t rmax, int tcp, struct qinfo *info)
{
	return dns_answer_r(z, b, len, r, rmax, tcp, 0, info);
}

size_t
dns_answer_r(const struct zone *z, const uint8_t *b, size_t len, uint8_t *r,
    size_t rmax, int tcp, size_t reserve, struct qinfo *info)
{
	struct query q;
	struct out o;
	int rcode, zone = 0;

	info->rcode = -1;
	info->tc = 0;
	info->qnamelen = 0;
	info->kind = RESP_ERROR;
	info->key = 0;
	info->edns = 0;
	/* never answer a response, nor what is not even a header */
	if (len < DNS_HEADER || (b[2] & F_QR) || rmax < DNS_UDP_PLAIN)
		return 0;
	memcpy(r, b, 2);
	r[2] = F_QR | (b[2] & (F_OPCODE | F_RD));
	r[3] = b[3] & F_CD;
	memset(r + 4, 0, 8);
	if ((b[2] & F_OPCODE) != 0)
		return header_only(r, RCODE_NOTIMP, info);
	q.b = b;
	q.len = len;
	if (get_u16(b + 4) != 1 || read_question(&q) < 0 ||
	    read_sections(&q) < 0)
		return header_only(r, RCODE_FORMERR, info);
	info->qnamelen = q.namelen;
	info->qtype = q.qtype;
	info->qclass = q.qclass;
	o.b = r;
	o.cap = response_room(&q, rmax, tcp) - (q.edns ? OPT_LEN : 0) -
	    reserve;
	o.len = DNS_HEADER;
	o.over = 0;
	out_put(&o, b + DNS_HEADER, q.qend - DNS_HEADER);	/* as asked */
	r[5] = 1;
	if (q.edns && q.version != 0)
		rcode = RCODE_BADVERS;	/* RFC 6891 6.1.3 */
	else if (q.qclass != C_IN && q.qclass != C_ANY)
		rcode = RCODE_REFUSED;
	else if ((rcode = in_zone(z, &o, &q)) >= 0)
		zone = 1;
	else if ((rcode = pool_zone(z, &o, &q)) >= 0)
		zone = 2;
	else
		rcode = RCODE_REFUSED;	/* never an open resolver */
	rate_kind(info, &q, r, rcode, zone);
	if (o.over) {	/* RFC 2181 9: what is needed did not fit */
		o.len = q.qend;
		memset(r + 6, 0, 6);
		r[2] |= F_TC;
		info->tc = 1;
	}
	if (q.edns) {
		/* root owner; our size; extended rcode, version 0, DO echoed */
		uint8_t opt[OPT_LEN] = { 0, 0, T_OPT, DNS_UDP_MAX >> 8,
		    DNS_UDP_MAX & 0xff, (uint8_t)(rcode >> 4), 0,
		    q.dobit ? 0x80 : 0, 0, 0, 0 };

		o.cap += OPT_LEN;
		out_put(&o, opt, sizeof opt);
		r[11]++;
		info->edns = 1;
	}
	r[3] |= (uint8_t)(rcode & 0xf);
	info->rcode = rcode;
	return o.len;
}
