/*
 * A zone transfer out, over one TCP connection (RFC 5936): the SOA, the
 * name servers and their glue, the pool name's members when it is under
 * the domain, every gateway, the SOA again; as many messages as it takes,
 * each at most XFR_MSG bytes, each signed when the request was (RFC 8945
 * 5.3.1: every message, chained).  The zone's fixed part is copied when it
 * starts, and both SOAs carry the same serial.  The records go out from
 * the table itself, slot by slot; only when the table is about to change
 * (table_watch) does a transfer copy the records it has not sent yet, so
 * that what it sends is still the zone as it began.  A secondary that
 * copies a quiet zone costs no copy of it.
 *
 * IXFR (RFC 1995) is answered with our SOA alone when the secondary has
 * our serial or a newer one, with the versions since its serial when the
 * history (xlog.c) has them, and with the whole zone otherwise, as 4 of
 * the RFC allows.
 *
 * The pool's zone of its own (a pool name outside the domain) is its SOA,
 * the NS set (names in full; their addresses are the domain's, out of
 * this zone) and every configured member: a secondary answers them all,
 * the choice among the live ones being the cluster's.  It has the
 * domain's serial and no history: IXFR gets the whole of it.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnsname.h"
#include "err.h"
#include "tsig.h"
#include "wire.h"
#include "xfr.h"
#include "xlog.h"
#include "stats.h"

enum { XS_SOA, XS_NS, XS_GLUE, XS_POOL, XS_RECS, XS_DIFF, XS_END, XS_DONE };

struct xrec {
	uint8_t af, len;
	uint8_t a[16];
	uint8_t label[LABEL_MAX];
};

struct xfr {
	struct zone z;			/* the fixed part, as it began */
	uint8_t head[DNS_HEADER + NAME_WIRE_MAX + 4];	/* header, question */
	size_t headlen;
	const struct table *t;		/* streamed from, until it changes */
	size_t slot;			/* the next slot of t */
	struct xrec *rec;		/* or the rest, copied from t */
	size_t nrec, next;
	size_t total;			/* records in the zone as it began */
	int stage, sub, subaddr;
	int sign;
	struct tsig_ctx tsig;
	unsigned msgs;
	size_t bytes;
	char peer[64];
	char kind[300];			/* "AXFR", "IXFR of POOL", for the log */
	int ixfr, uptodate;
	int pool;			/* the pool's zone, not the domain's */
	int failed;			/* the rest could not be copied */
	struct xchange *diff;		/* an incremental IXFR: its entries */
	uint32_t *dserial;		/* the serial of each SOA entry */
	size_t ndiff, from;
};

#define XFR_AHEAD	32	/* slots: how far ahead to prefetch */

static struct xfr *running[XFR_MAX];	/* the transfers going on */
static int nrunning;

/* The serial of the SOA in the authority section of an IXFR query. */
static int
ixfr_serial(const struct query *q, uint32_t *serial)
{
	size_t p, end;

	if (get_u16(q->b + 8) != 1 ||
	    (p = dnsname_skip(q->b, q->len, q->qend)) == 0 ||
	    p + 10 > q->len || get_u16(q->b + p) != T_SOA ||
	    (end = p + 10 + get_u16(q->b + p + 8)) > q->len ||
	    (p = dnsname_skip(q->b, end, p + 10)) == 0 ||	/* MNAME */
	    (p = dnsname_skip(q->b, end, p)) == 0 ||		/* RNAME */
	    p + 20 != end)
		return -1;
	*serial = (uint32_t)get_u16(q->b + p) << 16 | get_u16(q->b + p + 2);
	return 0;
}

/* RFC 1982: is a at or after b? */
static int
serial_ge(uint32_t a, uint32_t b)
{
	return a == b || (int32_t)(a - b) > 0;
}

/*
 * The table a transfer streams from is about to change: copy the records
 * it has yet to send.  Without the memory for it, it ends with SERVFAIL.
 */
static void
xfr_detach(struct xfr *x)
{
	const struct table *t = x->t;
	const struct rec *r;
	size_t i, n = 0;

	x->t = NULL;
	if (x->stage > XS_RECS)
		return;
	for (i = x->slot; i <= t->mask; i++)
		n += t->slot[i] != NULL;
	if (n > 0 && (x->rec = calloc(n, sizeof *x->rec)) == NULL) {
		x->failed = 1;
		return;
	}
	for (i = x->slot; i <= t->mask; i++) {
		if ((r = t->slot[i]) == NULL)
			continue;
		x->rec[x->nrec].af = r->af;
		x->rec[x->nrec].len = r->len;
		memcpy(x->rec[x->nrec].a, r->addr, 16);
		memcpy(x->rec[x->nrec].label, r->label, r->len);
		x->nrec++;
	}
	x->next = 0;
}

void
xfr_changing(const struct table *t)
{
	int i;

	for (i = 0; i < nrunning; i++)
		if (running[i]->t == t)
			xfr_detach(running[i]);
}

struct xfr *
xfr_new(const struct zone *z, const struct query *q, int pool,
    const struct tsig_ctx *sig, const struct peer *from, int64_t now)
{
	const struct zsecondary *s = zone_secondary(z, from->af, from->a);
	struct xfr *x;
	uint32_t serial;
	long k;

	(void)now;
	if (nrunning >= XFR_MAX) {
		err_warn("transfer to %s refused: %d transfers running",
		    s != NULL ? s->text : "?", nrunning);
		return NULL;
	}
	if ((x = calloc(1, sizeof *x)) == NULL)
		return NULL;
	x->z = *z;
	x->z.t = NULL;
	x->ixfr = q->qtype == T_IXFR;
	x->pool = pool;
	snprintf(x->peer, sizeof x->peer, "%s", s != NULL ? s->text : "?");
	snprintf(x->kind, sizeof x->kind, "%s%s%s", x->ixfr ? "IXFR" : "AXFR",
	    pool ? " of " : "", pool ? z->pool.text : "");
	if (!x->ixfr || ixfr_serial(q, &serial) < 0)
		;	/* AXFR, or IXFR without a serial: the whole zone */
	else if (serial_ge(serial, zone_serial(z))) {
		x->stage = XS_END;	/* up to date: our SOA alone */
		x->uptodate = 1;
	} else if (!pool && (k = xlog_since(serial, zone_serial(z), &x->diff,
	    &x->dserial)) > 0) {
		x->ndiff = (size_t)k;	/* the versions since its serial */
		x->from = serial;
	}
	if (x->ndiff == 0 && !x->uptodate && !pool) {
		x->t = z->t;	/* every record, from the table as it is */
		x->total = z->t != NULL ? z->t->n : 0;
	} else if (pool)
		x->total = (size_t)z->pool.nmember;
	memcpy(x->head, q->b, q->qend);
	x->headlen = q->qend;
	if (sig != NULL) {
		x->sign = 1;
		x->tsig = *sig;
	}
	running[nrunning++] = x;
	return x;
}

void
xfr_free(struct xfr *x)
{
	int i;

	if (x == NULL)
		return;
	if (x->stage != XS_DONE || x->failed)
		err_warn("%s to %s (serial %u) broken off after %u messages%s",
		    x->kind, x->peer, zone_serial(&x->z),
		    x->msgs, x->failed ? ": out of memory" : "");
	for (i = 0; running[i] != x; i++)
		;
	running[i] = running[--nrunning];
	free(x->rec);
	free(x->diff);
	free(x->dserial);
	free(x);
}

/* An address record of owner label (wire, with its length) under the apex. */
static void
addr_rr(struct out *o, const uint8_t *label, size_t len, uint32_t ttl,
    int af, const uint8_t *a)
{
	out_put(o, label, len);
	out_put16(o, PTR | DNS_HEADER);
	rr_tail(o, af == AF_INET ? T_A : T_AAAA, ttl, af == AF_INET ? 4 : 16);
	out_put(o, a, af == AF_INET ? 4 : 16);
}

/*
 * One more record of the stage the transfer is in, or the next stage:
 * 1 written, 0 nothing (the stage is over), -1 it did not fit.
 */
static int
xfr_one(struct xfr *x, struct out *o)
{
	const struct zone *z = &x->z;
	const struct nshost *h;
	const struct xchange *d;
	const struct rec *tr;
	size_t mark = o->len;
	uint8_t l[1 + LABEL_MAX];
	size_t i;

	switch (x->stage) {
	case XS_SOA:
	case XS_END:
		if (x->pool)
			put_pool_soa(o, z, DNS_HEADER);
		else
			put_soa(o, z, DNS_HEADER);
		break;
	case XS_NS:
		if (x->sub >= z->nns)
			return 0;
		if (x->pool) {
			put_ns_full(o, z, DNS_HEADER, x->sub);
			break;
		}
		rr_head(o, DNS_HEADER, T_NS, z->ttl, zname_size(&z->ns[x->sub].name));
		zname_put(o, &z->ns[x->sub].name, DNS_HEADER);
		break;
	case XS_GLUE:
		if (x->pool)
			return 0;
		while (x->sub < z->nns && x->subaddr >= z->ns[x->sub].naddr) {
			x->sub++;
			x->subaddr = 0;
		}
		if (x->sub >= z->nns)
			return 0;
		h = &z->ns[x->sub];
		zname_put(o, &h->name, DNS_HEADER);
		rr_tail(o, h->addr[x->subaddr].af == AF_INET ? T_A : T_AAAA,
		    z->ttl, h->addr[x->subaddr].af == AF_INET ? 4 : 16);
		out_put(o, h->addr[x->subaddr].a,
		    h->addr[x->subaddr].af == AF_INET ? 4 : 16);
		break;
	case XS_POOL:
		if (!z->pool.on || x->sub >= z->pool.nmember)
			return 0;
		if (x->pool) {	/* at the apex, the question's name */
			i = z->pool.m[x->sub].af == AF_INET ? 4 : 16;
			rr_head(o, DNS_HEADER, i == 4 ? T_A : T_AAAA,
			    z->pool.ttl, i);
			out_put(o, z->pool.m[x->sub].a, i);
			break;
		}
		if (!z->pool.inzone)
			return 0;
		addr_rr(o, z->pool.name, z->pool.namelen, z->pool.ttl,
		    z->pool.m[x->sub].af, z->pool.m[x->sub].a);
		break;
	case XS_DIFF:
		if (x->next >= x->ndiff)
			return 0;
		d = &x->diff[x->next];
		if (d->len == 0) {	/* the SOA of a version's start or end */
			put_soa_serial(o, z, DNS_HEADER, x->dserial[x->next]);
			break;
		}
		l[0] = d->len;
		memcpy(l + 1, d->label, d->len);
		addr_rr(o, l, 1 + (size_t)d->len, z->ttl, d->oaf ? d->oaf : d->naf,
		    d->oaf ? d->oa : d->na);
		break;
	case XS_RECS:
		if (x->t != NULL) {
			while (x->slot <= x->t->mask && x->t->slot[x->slot] == NULL)
				x->slot++;
			if (x->slot > x->t->mask)
				return 0;
			/* the records are scattered in memory: ask for one
			 * some slots ahead while this one is written */
			if (x->slot + XFR_AHEAD <= x->t->mask &&
			    x->t->slot[x->slot + XFR_AHEAD] != NULL)
				__builtin_prefetch(x->t->slot[x->slot + XFR_AHEAD]);
			tr = x->t->slot[x->slot];
			l[0] = tr->len;
			memcpy(l + 1, tr->label, tr->len);
			addr_rr(o, l, 1 + (size_t)tr->len, z->ttl, tr->af, tr->addr);
			break;
		}
		if (x->next >= x->nrec)
			return 0;
		l[0] = x->rec[x->next].len;
		memcpy(l + 1, x->rec[x->next].label, l[0]);
		addr_rr(o, l, 1 + (size_t)l[0], z->ttl, x->rec[x->next].af,
		    x->rec[x->next].a);
		break;
	default:
		return 0;
	}
	if (o->over) {
		o->len = mark;
		o->over = 0;
		return -1;
	}
	return 1;
}

/* Past the record just written: the next one of the stage. */
static void
xfr_step(struct xfr *x)
{
	switch (x->stage) {
	case XS_SOA:
		x->stage = x->ndiff > 0 ? XS_DIFF : XS_NS;
		x->sub = 0;
		break;
	case XS_GLUE:
		x->subaddr++;
		break;
	case XS_RECS:
		if (x->t != NULL)
			x->slot++;
		else
			x->next++;
		break;
	case XS_DIFF:
		x->next++;
		break;
	case XS_END:
		x->stage = XS_DONE;
		break;
	default:
		x->sub++;
	}
}

size_t
xfr_next(struct xfr *x, uint8_t *r, size_t rmax)
{
	struct out o;
	unsigned an = 0;
	int k;

	if (x->stage == XS_DONE)
		return 0;
	o.b = r;
	o.len = 0;
	o.cap = (rmax < XFR_MSG ? rmax : XFR_MSG) - TSIG_RR_MAX;
	o.over = 0;
	out_put(&o, x->head, x->headlen);
	r[2] = F_QR | F_AA | (x->head[2] & F_RD);
	r[3] = 0;
	memset(r + 4, 0, 8);
	r[5] = 1;
	if (x->failed) {	/* what is left is lost: say so, and end */
		r[3] = RCODE_SERVFAIL;
		x->stage = XS_DONE;
	}
	while (x->stage != XS_DONE && (k = xfr_one(x, &o)) >= 0) {
		if (k == 0) {
			x->stage++;
			x->sub = x->subaddr = 0;
			continue;
		}
		an++;
		xfr_step(x);
	}
	r[6] = (uint8_t)(an >> 8);
	r[7] = (uint8_t)an;
	x->msgs++;
	x->bytes += o.len;
	if (x->sign && (o.len = tsig_sign(&x->tsig, r, o.len, rmax,
	    (int64_t)time(NULL), 0)) == 0)
		x->stage = XS_DONE;	/* cannot happen: room was kept */
	if (x->stage == XS_DONE && !x->failed)
		stats.transfers[x->ixfr]++;
	if (x->stage == XS_DONE && x->uptodate)
		err_log("%s to %s: serial %u, up to date", x->kind, x->peer,
		    zone_serial(&x->z));
	else if (x->stage == XS_DONE && x->ndiff > 0)
		err_log("IXFR to %s: serial %zu to %u, %zu records, %u messages, "
		    "%zu bytes", x->peer, x->from, zone_serial(&x->z), x->ndiff,
		    x->msgs, x->bytes);
	else if (x->stage == XS_DONE)
		err_log("%s to %s: serial %u, %zu records, %u messages, %zu "
		    "bytes", x->kind, x->peer,
		    zone_serial(&x->z), x->total, x->msgs, x->bytes);
	return o.len;
}
