/*
 * The history of the zone for IXFR: two rings, of changes and of the
 * versions that own them, indexed by counters that only grow.  A version
 * holds each name once: the changes made to a name within one version
 * are folded at its commit into the record it had before and the one it
 * has after (nothing when they are the same), as RFC 1995 4 wants each
 * version's deletions and additions to apply to the version before.
 */
#include <stdlib.h>
#include <string.h>

#include "xlog.h"

struct xver {
	uint32_t from, to;
	uint64_t first, n;		/* changes [first, first + n) */
};

static struct {
	struct xchange c[XLOG_CHANGES];
	uint64_t cfirst, cnext;		/* the changes kept */
	struct xver v[XLOG_VERSIONS];
	uint64_t vfirst, vnext;		/* the versions kept */
	uint32_t base;			/* the serial the oldest starts from */
	struct xchange *p;		/* pending: the version being made */
	size_t np, pcap;
	int over;			/* pending outgrew the ring */
} xl;

void
xlog_change(const uint8_t *label, size_t len, int oaf, const uint8_t *oa,
    int naf, const uint8_t *na)
{
	struct xchange *c, *p;
	size_t cap;

	if (xl.over)
		return;
	if (xl.np == xl.pcap) {
		cap = xl.pcap ? 2 * xl.pcap : 64;
		if (cap > XLOG_CHANGES ||
		    (p = realloc(xl.p, cap * sizeof *p)) == NULL) {
			xl.over = 1;	/* too much for one version: reset */
			return;
		}
		xl.p = p;
		xl.pcap = cap;
	}
	c = &xl.p[xl.np];
	memset(c, 0, sizeof *c);
	c->seq = (uint32_t)xl.np++;
	c->len = (uint8_t)len;
	memcpy(c->label, label, len);
	c->oaf = (uint8_t)oaf;
	c->naf = (uint8_t)naf;
	if (oaf)
		memcpy(c->oa, oa, 16);
	if (naf)
		memcpy(c->na, na, 16);
}

void
xlog_reset(uint32_t serial)
{
	xl.cfirst = xl.cnext;
	xl.vfirst = xl.vnext;
	xl.base = serial;
	xl.np = 0;
	xl.over = 0;
}

/* By label, then in the order made. */
static int
by_label(const void *a, const void *b)
{
	const struct xchange *x = a, *y = b;
	int k;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if ((k = memcmp(x->label, y->label, x->len)) != 0)
		return k;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
same_rr(int af, const uint8_t *a, int bf, const uint8_t *b)
{
	return af == bf && (af == 0 || memcmp(a, b, 16) == 0);
}

/* Fold each name's changes into one, in place; the number left. */
static size_t
fold(void)
{
	size_t i, j, n = 0;

	if (xl.np == 0)
		return 0;
	qsort(xl.p, xl.np, sizeof *xl.p, by_label);
	for (i = 0; i < xl.np; i = j) {
		for (j = i + 1; j < xl.np && xl.p[j].len == xl.p[i].len &&
		    memcmp(xl.p[j].label, xl.p[i].label, xl.p[i].len) == 0; j++)
			;
		xl.p[n] = xl.p[i];
		xl.p[n].naf = xl.p[j - 1].naf;
		memcpy(xl.p[n].na, xl.p[j - 1].na, 16);
		if (!same_rr(xl.p[n].oaf, xl.p[n].oa, xl.p[n].naf, xl.p[n].na))
			n++;
	}
	return n;
}

void
xlog_commit(uint32_t from, uint32_t to)
{
	uint32_t last = xl.vnext > xl.vfirst ?
	    xl.v[(xl.vnext - 1) % XLOG_VERSIONS].to : xl.base;
	struct xver *v;
	size_t n, i;

	if (from != last || xl.over) {	/* the chain is broken here */
		xlog_reset(to);
		return;
	}
	n = fold();
	xl.np = 0;
	/* room: the oldest versions go, whole */
	while (xl.vnext > xl.vfirst && (xl.vnext - xl.vfirst >= XLOG_VERSIONS ||
	    xl.cnext - xl.cfirst + n > XLOG_CHANGES)) {
		v = &xl.v[xl.vfirst++ % XLOG_VERSIONS];
		xl.cfirst = v->first + v->n;
		xl.base = v->to;
	}
	v = &xl.v[xl.vnext++ % XLOG_VERSIONS];
	v->from = from;
	v->to = to;
	v->first = xl.cnext;
	v->n = n;
	for (i = 0; i < n; i++)
		xl.c[xl.cnext++ % XLOG_CHANGES] = xl.p[i];
}

long
xlog_since(uint32_t serial, uint32_t now, struct xchange **out,
    uint32_t **serials)
{
	uint64_t vi, i, k, n = 0;
	const struct xver *v;
	struct xchange *e;
	uint32_t *s;
	int pass;

	for (vi = xl.vfirst; vi < xl.vnext; vi++)
		if (xl.v[vi % XLOG_VERSIONS].from == serial)
			break;
	if (vi == xl.vnext || xl.v[(xl.vnext - 1) % XLOG_VERSIONS].to != now)
		return 0;
	for (i = vi; i < xl.vnext; i++)
		n += 2 + xl.v[i % XLOG_VERSIONS].n * 2;
	if ((e = calloc(n, sizeof *e)) == NULL ||
	    (s = calloc(n, sizeof *s)) == NULL) {
		free(e);
		return -1;
	}
	for (n = 0; vi < xl.vnext; vi++) {
		v = &xl.v[vi % XLOG_VERSIONS];
		for (pass = 0; pass < 2; pass++) {
			s[n++] = pass ? v->to : v->from;	/* an SOA */
			for (k = v->first; k < v->first + v->n; k++) {
				const struct xchange *c = &xl.c[k % XLOG_CHANGES];

				if (!(pass ? c->naf : c->oaf))
					continue;
				e[n] = *c;
				if (pass)
					e[n].oaf = 0;
				else
					e[n].naf = 0;
				n++;
			}
		}
	}
	*out = e;
	*serials = s;
	return (long)n;
}
