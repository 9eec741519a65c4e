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
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "peer.h"

static uint32_t marks;

static int
up(const struct sess *s)
{
	return s->state == SS_UP && s->doomed == NULL;
}

void
sync_flush(struct sess *s)
{
	if (s->pend.n > 0 && up(s))
		peer_send(s, &s->pend);
	s->pend.n = 0;
}

static void
add_rec(struct sess *s, const struct rec *r, int adv)
{
	if (s->pend.n > 0 && (s->pend_adv != adv ||
	    s->pend.n + wr_rec_size(r) > MSG_MAX))
		sync_flush(s);
	if (s->pend.n == 0) {
		wr_u8(&s->pend, 'r');
		wr_u8(&s->pend, (unsigned)adv);
		s->pend_adv = adv;
	}
	wr_rec(&s->pend, r);
}

static void
send_small(struct sess *s, struct wr *m)
{
	sync_flush(s);
	if (up(s))
		peer_send(s, m);
}

static void
hello(struct sess *s)
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
	wr_u8(&m, S.drained ? FLAG_DRAINED : 0);
	s->awaiting = 1;
	send_small(s, &m);
}

/*
 * A node that comes back with little asks one peer at a time: while one
 * transfer comes, the hello to the others waits, and then names the marks
 * that transfer brought (five peers would otherwise each send it all).
 */
static int
transfer_elsewhere(const struct sess *s)
{
	const struct sess *t;

	for (t = sessions; t != NULL; t = t->next)
		if (t != s && up(t) && t->awaiting)
			return 1;
	return 0;
}

void
sync_up(struct sess *s)
{
	s->beat_at = S.now + S.cfg.heartbeat;
	s->deadline = S.now + 3 * S.cfg.heartbeat;
	s->mark = ++marks;
	if (transfer_elsewhere(s))
		s->hello_later = 1;
	else
		hello(s);
}

static void
hellos_later(void)
{
	struct sess *t;

	for (t = sessions; t != NULL; t = t->next)
		if (t->hello_later && up(t)) {
			t->hello_later = 0;
			hello(t);
		}
}

static void
bulk_start(struct sess *s, int full)
{
	int o;

	s->bulk = 1;
	s->bulk_full = full;
	s->cursor = 0;
	for (o = 0; o < ORIGINS_MAX; o++)
		s->bulk_hwm[o] = o < table_origins() ? origins[o].hwm : 0;
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
bulk_end(struct sess *s)
{
	static struct wr m;
	int o, n = 0;
	size_t at;

	m.n = 0;
	wr_u8(&m, 'e');
	wr_u8(&m, (unsigned)s->bulk_full);
	wr_u64(&m, horizon());
	at = m.n;
	wr_u8(&m, 0);
	for (o = 0; o < table_origins(); o++) {
		if (s->bulk_hwm[o] == 0)
			continue;
		wr_str(&m, origins[o].id);
		wr_u64(&m, s->bulk_hwm[o]);
		if (s->bulk_hwm[o] > s->peer_hwm[o])
			s->peer_hwm[o] = s->bulk_hwm[o];
		n++;
	}
	m.b[at] = (uint8_t)n;
	s->bulk = 0;
	send_small(s, &m);
}

/* Refill a transfer as the peer takes it: memory stays bounded. */
void
sync_pump(struct sess *s)
{
	const struct rec *r;

	while (s->bulk && up(s) && s->outlen - s->outoff < BULK_LOW) {
		if (s->cursor >= table_slots()) {
			bulk_end(s);
			break;
		}
		r = table_slot(s->cursor++);
		if (r != NULL && (s->bulk_full ||
		    r->stamp > s->peer_hwm[r->origin]))
			add_rec(s, r, 0);
	}
}

void
cluster_push(const struct rec *r)
{
	struct sess *s;

	table_mark(r->origin, r->stamp);
	for (s = sessions; s != NULL; s = s->next)
		if (up(s))
			add_rec(s, r, !s->bulk);
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
		cluster_push(&r);
}

static void
merge_remote(struct sess *s, const struct wrec *w, int adv)
{
	struct rec r = { 0 }, *t;
	int o;

	if (hlc_seen(w->stamp) < 0) {
		if (!s->skew_logged++)
			err_warn("peer %s: a record stamped %lld s ahead of "
			    "our clock, refused; check the clocks",
			    nodes[s->node].id, (long long)(HLC_MS(w->stamp) -
			    wall_ms()) / 1000);
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
	if (o != S.self || w->deleted)
		table_merge(&r);
	else if ((t = table_find(r.label, r.len)) == NULL || rec_newer(&r, t))
		disown(&r);	/* never shown: readers see no flicker */
	if ((t = table_find(r.label, r.len)) != NULL)
		t->mark = s->mark;
	if (adv && o == nodes[s->node].origin)
		table_mark(o, w->stamp);
}

/* A record refused, skipped: logged at most once a minute a peer. */
static void
refused(const struct sess *s)
{
	static int64_t logged[NODES_MAX];

	if (s->node < 0 || (logged[s->node] != 0 &&
	    S.now - logged[s->node] < 60 * CLOCK_SEC))
		return;
	logged[s->node] = S.now;
	err_warn("peer %s: a record whose label or origin is not one; "
	    "skipped (the session goes on)", nodes[s->node].id);
}

/*
 * The end of a whole-table transfer: a record the sender has seen (its
 * mark covers it) and no longer holds, older than its newest collected
 * tombstone, was withdrawn while we were away.
 */
static void
prune(struct sess *s, uint64_t hz, const uint64_t *sent)
{
	struct rec *r;
	size_t i;

	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL && r->mark != s->mark &&
		    r->stamp <= hz && r->stamp <= sent[r->origin]) {
			if (!(r->flags & R_DELETED))
				err_log("%s: withdrawn while we were away; "
				    "forgotten", r->label);
			table_remove(r);
		}
}

/* A vector of marks into s->peer_hwm (or sent); -1 if malformed. */
static int
marks_read(struct rd *rd, uint64_t *into, int gc)
{
	char id[ID_MAX + 1];
	unsigned i, n = rd_u8(rd);
	uint64_t v;
	int o;

	memset(into, 0, ORIGINS_MAX * sizeof *into);
	for (i = 0; i < n && !rd->bad; i++) {
		size_t l = rd_str(rd, id, ID_MAX);

		v = rd_u64(rd);
		if (gc)
			rd_u64(rd);
		if (!rd->bad && (o = origin_get(id, l)) >= 0)
			into[o] = v;
	}
	return rd->bad ? -1 : 0;
}

static void
on_beat(struct sess *s, uint64_t digest)
{
	static struct wr m;
	int o, behind = 0, level = 1;

	if (s->hello_later && !transfer_elsewhere(s)) {
		s->hello_later = 0;	/* that transfer's session went away */
		hello(s);
	}
	if (s->awaiting || s->bulk || s->hello_later)
		return;
	for (o = 0; o < table_origins(); o++) {
		behind |= s->peer_hwm[o] > origins[o].hwm;
		level &= s->peer_hwm[o] == origins[o].hwm;
	}
	if (behind)
		hello(s);	/* send me what I lack */
	else if (level && digest == table_digest())
		s->diff_wait = s->diff_skip = 0;
	else if (level && s->diff_skip > 0)
		s->diff_skip--;
	else if (level) {
		if (s->diff_wait == 0)
			err_warn("peer %s: same marks, different tables: whole "
			    "transfer", nodes[s->node].id);
		else if (s->diff_wait == DIFF_WAIT_MAX)
			err_warn("peer %s: tables still differ after whole "
			    "transfers (a record refused? check the clocks); "
			    "asking again every %u heartbeats",
			    nodes[s->node].id, DIFF_WAIT_MAX);
		m.n = 0;
		wr_u8(&m, 'f');
		s->awaiting = 1;
		send_small(s, &m);
		s->diff_skip = s->diff_wait;
		s->diff_wait = s->diff_wait == 0 ? 1 : s->diff_wait * 2 >
		    DIFF_WAIT_MAX ? DIFF_WAIT_MAX : s->diff_wait * 2;
	}
}

/*
 * The peer's own state, from its hello or beat: only the node itself says
 * whether it is drained, and it says so on every connection and with
 * every heartbeat, so nothing else needs to carry it.
 */
static void
flags_said(struct sess *s, unsigned flags)
{
	struct node *nd;
	int d = (flags & FLAG_DRAINED) != 0;

	if (s->node < 0 || (nd = &nodes[s->node])->sess != s)
		return;
	if (d != nd->drained)
		err_log("peer %s: %s", nd->id, d ? "drained" :
		    "undrained, back in the pool");
	nd->heard = 1;
	nd->drained = d;
}

int
sync_message(struct sess *s, const uint8_t *b, size_t n)
{
	static uint64_t sent[ORIGINS_MAX];
	struct rd rd = { b, b + n, 0 };
	struct wrec w;
	uint64_t hz, digest;
	int adv, full, o, k;

	switch (rd_u8(&rd)) {
	case 'h':
		hlc_seen(rd_u64(&rd));
		if (marks_read(&rd, s->peer_hwm, 1) < 0)
			break;
		flags_said(s, rd_flags(&rd));
		for (full = 0, o = 0; o < table_origins(); o++)
			full |= origins[o].gc > s->peer_hwm[o];
		bulk_start(s, full);
		return 0;
	case 'r':
		adv = (int)rd_u8(&rd);
		while ((k = rd_rec(&rd, &w)) != 0 && k != -1) {
			if (k == 1)
				merge_remote(s, &w, adv);
			else
				refused(s);
		}
		if (k == 0)
			return 0;
		break;
	case 'e':
		full = (int)rd_u8(&rd);
		hz = rd_u64(&rd);
		if (marks_read(&rd, sent, 0) < 0)
			break;
		for (o = 0; o < table_origins(); o++)
			table_mark(o, sent[o]);
		if (full)
			prune(s, hz, sent);
		s->mark = ++marks;
		s->awaiting = 0;
		hellos_later();
		return 0;
	case 'b':
		hlc_seen(rd_u64(&rd));
		digest = rd_u64(&rd);
		rd_u32(&rd);
		if (marks_read(&rd, s->peer_hwm, 0) < 0)
			break;
		flags_said(s, rd_flags(&rd));
		on_beat(s, digest);
		return 0;
	case 'f':
		bulk_start(s, 1);
		return 0;
	case 'q':
		s->doomed = "left the cluster";
		return 0;
	}
	s->doomed = "a malformed message; closed";
	return 0;
}

void
sync_beat(struct sess *s)
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
	wr_u8(&m, S.drained ? FLAG_DRAINED : 0);
	send_small(s, &m);
}

/* Drained or not: said at once to every peer, with a beat. */
void
sync_drained(void)
{
	struct sess *s;

	for (s = sessions; s != NULL; s = s->next)
		if (up(s) && s->node >= 0 && nodes[s->node].sess == s)
			sync_beat(s);
}

/*
 * Tombstones: kept at least a minute (a record still in flight from a
 * third node must meet it), then collected once every peer is up and holds
 * it, or at tombstone-ttl in any case.
 */
#define KEEP_MS	60000

static int
everyone_has(const struct rec *r)
{
	const struct sess *s;
	int i;

	for (i = 1; i < nnodes; i++) {
		if ((s = nodes[i].sess) == NULL || !up(s) ||
		    s->peer_hwm[r->origin] < r->stamp)
			return 0;
	}
	return 1;
}

void
sync_collect(void)
{
	int64_t now = wall_ms(), ttl = S.cfg.ttl / CLOCK_MS, age;
	struct rec *r;
	size_t i;

	for (i = 0; i < table_slots(); i++) {
		if ((r = table_slot(i)) == NULL || !(r->flags & R_DELETED))
			continue;
		age = now - HLC_MS(r->stamp);
		if (age > ttl || (age > (ttl < KEEP_MS ? ttl : KEEP_MS) &&
		    everyone_has(r))) {
			table_collect(r);
		}
	}
}
