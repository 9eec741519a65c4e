/*
 * What nodes tell each other once authenticated (messages in wire.h):
 *
 *   - hello, on every connection: per origin, the stamp up to which this
 *     node holds everything (its high-water mark) and the newest tombstone
 *     of it collected.  The other sends what is above those marks, or the
 *     whole table when the node has been away longer than a tombstone
 *     lives, and ends the transfer with the marks it covered.
 *   - records: a node's own changes, pushed at once; and transfers.  A
 *     pushed record moves the receiver's mark of its origin only when no
 *     transfer to it is under way (else a lost connection could leave a
 *     gap below a mark).
 *   - beat, every heartbeat: the marks and a digest of the live records.
 *     A node behind on some origin asks for what it lacks; two nodes level
 *     on every mark but with different digests transfer the whole table.
 *     When that does not make them agree (a record one of them refuses,
 *     stamped too far ahead of its clock), it asks again after 1, 2, 4
 *     ... up to DIFF_WAIT_MAX heartbeats, not at every one.
 *
 * The state of that conversation is a link, one a session the cluster
 * keeps (one a peer), this file's.  The sessions are peer.c's, which
 * reports to the handlers registered here; what the cluster must know of
 * a session (up, down, the peer's drained flag) goes up through the
 * sync_ops it registered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "peer.h"
#include "rc.h"

#define BULK_LOW	(256 << 10)	/* refill a transfer below this */
#define DIFF_WAIT_MAX	64		/* heartbeats between whole transfers */

struct link {
	struct sess *s;
	int origin;			/* the peer's, in the origin table */
	int64_t beat_at;
	struct wr pend;			/* a records message being filled */
	int pend_adv;			/* its flags */
	/* a transfer to the peer, walking the table's slots */
	int bulk, bulk_full;
	size_t cursor;
	uint64_t bulk_hwm[ORIGINS_MAX];
	/* what the peer holds, by our origin index */
	uint64_t peer_hwm[ORIGINS_MAX];
	int awaiting;			/* a transfer from the peer is coming */
	int hello_later;		/* after the transfer under way elsewhere */
	uint32_t mark;			/* records it named in this transfer */
	unsigned diff_skip;		/* heartbeats before asking for the
					   whole table again */
	unsigned diff_wait;		/* the next such wait; 0: tables agree */
	int skew_logged;
	struct link *next;
};

static struct link *links;
static struct sync_ops ops;		/* the cluster's */
static uint32_t marks;
static int self = -1;			/* our origin */
static int drained;			/* this node's, as said to peers */

static int
link_live(const struct link *l)
{
	return peer_live(l->s);
}

static void
pend_flush(struct link *l)
{
	if (l->pend.n > 0 && link_live(l))
		peer_send(l->s, &l->pend);
	l->pend.n = 0;
}

static void
add_rec(struct link *l, const struct rec *r, int adv)
{
	if (l->pend.n > 0 && (l->pend_adv != adv ||
	    l->pend.n + wr_rec_size(r) > MSG_MAX))
		pend_flush(l);
	if (l->pend.n == 0) {
		wr_u8(&l->pend, 'r');
		wr_u8(&l->pend, (unsigned)adv);
		l->pend_adv = adv;
	}
	wr_rec(&l->pend, r);
}

static void
send_small(struct link *l, struct wr *m)
{
	pend_flush(l);
	if (link_live(l))
		peer_send(l->s, m);
}

static void
hello(struct link *l)
{
	static struct wr m;
	int o, n = 0;
	size_t at;

	m.n = 0;
	wr_u8(&m, 'h');
	wr_u64(&m, hlc_now());
	at = m.n;
	wr_u8(&m, 0);
	for (o = 0; o < table_origins(); o++) {
		if (origins[o].hwm == 0 && origins[o].gc == 0)
			continue;
		wr_str(&m, origins[o].id);
		wr_u64(&m, origins[o].hwm);
		wr_u64(&m, origins[o].gc);
		n++;
	}
	m.b[at] = (uint8_t)n;
	wr_u8(&m, drained ? FLAG_DRAINED : 0);
	l->awaiting = 1;
	send_small(l, &m);
}

/*
 * A node that comes back with little asks one peer at a time: while one
 * transfer comes, the hello to the others waits, and then names the marks
 * that transfer brought (five peers would otherwise each send it all).
 */
static int
transfer_elsewhere(const struct link *l)
{
	const struct link *t;

	for (t = links; t != NULL; t = t->next)
		if (t != l && link_live(t) && t->awaiting)
			return 1;
	return 0;
}

static void
hellos_later(void)
{
	struct link *t;

	for (t = links; t != NULL; t = t->next)
		if (t->hello_later && link_live(t)) {
			t->hello_later = 0;
			hello(t);
		}
}

static void
bulk_start(struct link *l, int full)
{
	int o;

	l->bulk = 1;
	l->bulk_full = full;
	l->cursor = 0;
	for (o = 0; o < ORIGINS_MAX; o++)
		l->bulk_hwm[o] = o < table_origins() ? origins[o].hwm : 0;
}

static uint64_t
horizon(void)
{
	uint64_t h = 0;
	int o;

	for (o = 0; o < table_origins(); o++)
		if (origins[o].gc > h)
			h = origins[o].gc;
	return h;
}

static void
bulk_end(struct link *l)
{
	static struct wr m;
	int o, n = 0;
	size_t at;

	m.n = 0;
	wr_u8(&m, 'e');
	wr_u8(&m, (unsigned)l->bulk_full);
	wr_u64(&m, horizon());
	at = m.n;
	wr_u8(&m, 0);
	for (o = 0; o < table_origins(); o++) {
		if (l->bulk_hwm[o] == 0)
			continue;
		wr_str(&m, origins[o].id);
		wr_u64(&m, l->bulk_hwm[o]);
		if (l->bulk_hwm[o] > l->peer_hwm[o])
			l->peer_hwm[o] = l->bulk_hwm[o];
		n++;
	}
	m.b[at] = (uint8_t)n;
	l->bulk = 0;
	send_small(l, &m);
}

/* Refill a transfer as the peer takes it: memory stays bounded. */
static void
pump(struct link *l)
{
	const struct rec *r;

	while (l->bulk && link_live(l) && peer_queued(l->s) < BULK_LOW) {
		if (l->cursor >= table_slots()) {
			bulk_end(l);
			break;
		}
		r = table_slot(l->cursor++);
		if (r != NULL && (l->bulk_full ||
		    r->stamp > l->peer_hwm[r->origin]))
			add_rec(l, r, 0);
	}
}

void
sync_push(const struct rec *r)
{
	struct link *l;

	table_mark(r->origin, r->stamp);
	for (l = links; l != NULL; l = l->next)
		if (link_live(l))
			add_rec(l, r, !l->bulk);
}

/*
 * A record of ours that we do not hold: a reboot lost it, or it was
 * superseded before a restart and the journal kept only that.  Withdrawn
 * under its own stamp (the tombstone wins the tie with it, R_DELETED),
 * so that the withdrawal replaces that record and nothing newer: a
 * fresh stamp would beat the gateway's later publication elsewhere.
 */
static void
disown(const struct rec *t)
{
	struct rec r = *t;

	err_log("%s: a record of ours we no longer hold; withdrawn", r.label);
	r.flags = R_DELETED;
	memset(&r.addr, 0, sizeof r.addr);
	if (table_merge(&r) != NULL)
		sync_push(&r);
}

static void
merge_remote(struct link *l, const struct wrec *w, int adv)
{
	struct rec r = { 0 }, *t;
	int o;

	if (hlc_seen(w->stamp) < 0) {
		if (!l->skew_logged++)
			err_warn("peer %s: a record stamped %lld s ahead of "
			    "our clock, refused; check the clocks", l->s->id,
			    (long long)(HLC_MS(w->stamp) - wall_ms()) / 1000);
		return;
	}
	if ((o = origin_get(w->origin, strlen(w->origin))) < 0)
		return;
	r.stamp = w->stamp;
	r.addr = w->addr;
	r.origin = (uint8_t)o;
	r.flags = w->deleted ? R_DELETED : 0;
	r.len = (uint8_t)strlen(w->label);
	memcpy(r.label, w->label, r.len);
	if (o != self || w->deleted)
		table_merge(&r);
	else if ((t = table_find(r.label, r.len)) == NULL || rec_newer(&r, t))
		disown(&r);	/* never shown: readers see no flicker */
	if ((t = table_find(r.label, r.len)) != NULL)
		t->mark = l->mark;
	if (adv && o == l->origin)
		table_mark(o, w->stamp);
}

/* A record refused, skipped: logged at most once a minute a peer. */
static void
refused(const struct link *l)
{
	static int64_t logged[NODES_MAX];
	int node = l->s->node;

	if (node < 0 || (logged[node] != 0 &&
	    ddns_syncd.now - logged[node] < 60 * CLOCK_SEC))
		return;
	logged[node] = ddns_syncd.now;
	err_warn("peer %s: a record whose label or origin is not one; "
	    "skipped (the session goes on)", l->s->id);
}

/*
 * The end of a whole-table transfer: a record the sender has seen (its
 * mark covers it) and no longer holds, older than its newest collected
 * tombstone, was withdrawn while we were away.
 */
static void
prune(struct link *l, uint64_t hz, const uint64_t *sent)
{
	struct rec *r;
	size_t i;

	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL && r->mark != l->mark &&
		    r->stamp <= hz && r->stamp <= sent[r->origin]) {
			if (!(r->flags & R_DELETED))
				err_log("%s: withdrawn while we were away; "
				    "forgotten", r->label);
			table_remove(r);
		}
}

/* A vector of marks into l->peer_hwm (or sent); -1 if malformed. */
static int
marks_read(struct rd *rd, uint64_t *into, int gc)
{
	char id[ID_MAX + 1];
	unsigned i, n = rd_u8(rd);
	uint64_t v;
	int o;

	memset(into, 0, ORIGINS_MAX * sizeof *into);
	for (i = 0; i < n && !rd->bad; i++) {
		size_t len = rd_str(rd, id, ID_MAX);

		v = rd_u64(rd);
		if (gc)
			rd_u64(rd);
		if (!rd->bad && (o = origin_get(id, len)) >= 0)
			into[o] = v;
	}
	return rd->bad ? -1 : 0;
}

static void
on_beat(struct link *l, uint64_t digest)
{
	static struct wr m;
	int o, behind = 0, level = 1;

	if (l->hello_later && !transfer_elsewhere(l)) {
		l->hello_later = 0;	/* that transfer's session went away */
		hello(l);
	}
	if (l->awaiting || l->bulk || l->hello_later)
		return;
	for (o = 0; o < table_origins(); o++) {
		behind |= l->peer_hwm[o] > origins[o].hwm;
		level &= l->peer_hwm[o] == origins[o].hwm;
	}
	if (behind)
		hello(l);	/* send me what I lack */
	else if (level && digest == table_digest())
		l->diff_wait = l->diff_skip = 0;
	else if (level && l->diff_skip > 0)
		l->diff_skip--;
	else if (level) {
		if (l->diff_wait == 0)
			err_warn("peer %s: same marks, different tables: whole "
			    "transfer", l->s->id);
		else if (l->diff_wait == DIFF_WAIT_MAX)
			err_warn("peer %s: tables still differ after whole "
			    "transfers (a record refused? check the clocks); "
			    "asking again every %u heartbeats", l->s->id,
			    DIFF_WAIT_MAX);
		m.n = 0;
		wr_u8(&m, 'f');
		l->awaiting = 1;
		send_small(l, &m);
		l->diff_skip = l->diff_wait;
		l->diff_wait = l->diff_wait == 0 ? 1 : l->diff_wait * 2 >
		    DIFF_WAIT_MAX ? DIFF_WAIT_MAX : l->diff_wait * 2;
	}
}

/* 'h': its marks and what it holds; a transfer of what it lacks. */
static int
on_hello(struct link *l, struct rd *rd)
{
	int o, full;

	hlc_seen(rd_u64(rd));
	if (marks_read(rd, l->peer_hwm, 1) < 0)
		return -1;
	/* only the node itself says whether it is drained, in every hello */
	ops.said(l->s, (rd_flags(rd) & FLAG_DRAINED) != 0);
	for (full = 0, o = 0; o < table_origins(); o++)
		full |= origins[o].gc > l->peer_hwm[o];
	bulk_start(l, full);
	return 0;
}

/* 'r': records, pushed or of a transfer */
static int
on_records(struct link *l, struct rd *rd)
{
	struct wrec w;
	int adv = (int)rd_u8(rd), k;

	while ((k = rd_rec(rd, &w)) != 0 && k != -1) {
		if (k == 1)
			merge_remote(l, &w, adv);
		else
			refused(l);
	}
	return k == 0 ? 0 : -1;
}

/* 'e': the end of a transfer to us, with the marks it covered */
static int
on_end(struct link *l, struct rd *rd)
{
	static uint64_t sent[ORIGINS_MAX];
	int full = (int)rd_u8(rd), o;
	uint64_t hz = rd_u64(rd);

	if (marks_read(rd, sent, 0) < 0)
		return -1;
	for (o = 0; o < table_origins(); o++)
		table_mark(o, sent[o]);
	if (full)
		prune(l, hz, sent);
	l->mark = ++marks;
	l->awaiting = 0;
	hellos_later();
	return 0;
}

static void
on_message(struct sess *s, const uint8_t *b, size_t n)
{
	struct rd rd = { b, b + n, 0 };
	struct link *l = s->above;
	uint64_t digest;
	int bad = 0;

	switch (rd_u8(&rd)) {
	case 'h':
		bad = on_hello(l, &rd);
		break;
	case 'r':
		bad = on_records(l, &rd);
		break;
	case 'e':
		bad = on_end(l, &rd);
		break;
	case 'b':
		hlc_seen(rd_u64(&rd));
		digest = rd_u64(&rd);
		rd_u32(&rd);
		if ((bad = marks_read(&rd, l->peer_hwm, 0)) < 0)
			break;
		ops.said(s, (rd_flags(&rd) & FLAG_DRAINED) != 0);
		on_beat(l, digest);
		break;
	case 'f':
		bulk_start(l, 1);
		break;
	case 'q':
		peer_doom(s, "left the cluster");
		break;
	default:
		bad = -1;
	}
	if (bad < 0)
		peer_doom(s, "a malformed message; closed");
}

static void
beat(struct link *l)
{
	static struct wr m;
	int o, n = 0;
	size_t at;

	m.n = 0;
	wr_u8(&m, 'b');
	wr_u64(&m, hlc_now());
	wr_u64(&m, table_digest());
	wr_u32(&m, (uint32_t)table_live());
	at = m.n;
	wr_u8(&m, 0);
	for (o = 0; o < table_origins(); o++) {
		if (origins[o].hwm == 0)
			continue;
		wr_str(&m, origins[o].id);
		wr_u64(&m, origins[o].hwm);
		n++;
	}
	m.b[at] = (uint8_t)n;
	wr_u8(&m, drained ? FLAG_DRAINED : 0);
	send_small(l, &m);
}

int64_t
sync_next(void)
{
	const struct link *l;
	int64_t t = -1;

	for (l = links; l != NULL; l = l->next)
		if (t < 0 || l->beat_at < t)
			t = l->beat_at;
	return t;
}

void
sync_timers(void)
{
	struct link *l;

	for (l = links; l != NULL; l = l->next)
		if (l->beat_at <= ddns_syncd.now) {
			beat(l);
			l->beat_at = ddns_syncd.now + ddns_syncd.cfg.heartbeat;
		}
}

/* Drained or not: said at once to every peer, with a beat. */
void
sync_drained(int d)
{
	struct link *l;

	drained = d;
	for (l = links; l != NULL; l = l->next)
		if (link_live(l))
			beat(l);
}

/* Leaving: a peer told so marks this node down at once. */
void
sync_bye(struct sess *s)
{
	static struct wr q = { .b = { 'q' }, .n = 1 };

	peer_send(s, &q);
}

/*
 * Tombstones: kept at least a minute (a record still in flight from a
 * third node must meet it), then collected once every peer is up and holds
 * it, or at tombstone-ttl in any case.
 */
#define KEEP_MS	60000

static int
everyone_has(const struct rec *r, int peers)
{
	const struct link *l;
	int n = 0;

	for (l = links; l != NULL; l = l->next, n++)
		if (!link_live(l) || l->peer_hwm[r->origin] < r->stamp)
			return 0;
	return n == peers;
}

void
sync_collect(int peers)
{
	int64_t now = wall_ms(), ttl = ddns_syncd.cfg.ttl / CLOCK_MS, age;
	struct rec *r;
	size_t i;

	for (i = 0; i < table_slots(); i++) {
		if ((r = table_slot(i)) == NULL || !(r->flags & R_DELETED))
			continue;
		age = now - HLC_MS(r->stamp);
		if (age > ttl || (age > (ttl < KEEP_MS ? ttl : KEEP_MS) &&
		    everyone_has(r, peers)))
			table_collect(r);
	}
}

/*
 * A session authenticated: the cluster keeps it (one a peer) or not; a
 * link kept says hello, or waits for a transfer under way elsewhere.
 */
static int
on_up(struct sess *s)
{
	struct link *l;

	if (ops.up(s) < 0)
		return -1;
	if ((l = calloc(1, sizeof *l)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	l->s = s;
	l->origin = origin_get(s->id, strlen(s->id));
	l->beat_at = ddns_syncd.now + ddns_syncd.cfg.heartbeat;
	l->mark = ++marks;
	l->next = links;
	links = l;
	s->above = l;
	if (transfer_elsewhere(l))
		l->hello_later = 1;
	else
		hello(l);
	return 0;
}

static void
on_down(struct sess *s, const char *why)
{
	struct link **pp, *l = s->above;

	if (l != NULL) {
		for (pp = &links; *pp != l; pp = &(*pp)->next)
			;
		*pp = l->next;
		free(l);
		s->above = NULL;
	}
	ops.down(s, why);
}

/* At the end of a turn: a transfer refilled, records pushed. */
static void
on_turn(struct sess *s)
{
	struct link *l = s->above;

	if (l == NULL)
		return;
	pump(l);
	pend_flush(l);
}

static int
on_more(struct sess *s)
{
	const struct link *l = s->above;

	return l != NULL && l->bulk;
}

void
sync_init(const struct sync_ops *o)
{
	static const struct peer_ops peer = { on_up, on_down, on_message,
	    on_turn, on_more };

	ops = *o;
	peer_init(&peer);
}

void
sync_start(int origin, int d)
{
	self = origin;
	drained = d;
}
