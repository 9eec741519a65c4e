/*
 * The gateway table: label -> {address, origin, stamp, deleted}.  Records
 * live in a vector of slots that never move relative to each other (a
 * transfer walks them with a cursor while the table changes); a hash index
 * of open addressing finds them by label, case-insensitively, as DNS does.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddns-syncd.h"
#include "err.h"
#include "rc.h"

static struct origin otab[ORIGINS_MAX];
static int notab;
const struct origin *const origins = otab;	/* read-only, but here */

static struct rec *slots;
static size_t nslots, capslots;
static size_t *freel;		/* free slots, reused */
static size_t nfree, capfree;
static uint32_t *idx;		/* slot + 1; 0 empty */
static size_t capidx;		/* a power of two, at least twice the records */
static size_t live, dead;
static uint64_t digest;
static uint64_t high;		/* the highest stamp held: never lowered */
static table_fn notify;

void
table_init(table_fn fn)
{
	notify = fn;
}

int
table_origins(void)
{
	return notab;
}

int
origin_get(const char *id, size_t len)
{
	int i;

	if (len == 0 || len > ID_MAX)
		return -1;
	for (i = 0; i < notab; i++)
		if (strlen(otab[i].id) == len &&
		    memcmp(otab[i].id, id, len) == 0)
			return i;
	if (notab == ORIGINS_MAX)
		return -1;
	memcpy(otab[notab].id, id, len);
	otab[notab].id[len] = '\0';
	return notab++;
}

static uint32_t
label_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a, of the label in lower case */
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		h ^= c >= 'A' && c <= 'Z' ? c + 32 : c;
		h *= 16777619u;
	}
	return h;
}

/* The digest of one live record: the same on every node for the same data. */
static uint64_t
rec_hash(const struct rec *r)
{
	static const unsigned char key[crypto_shorthash_KEYBYTES];
	unsigned char buf[8 + 17 + 2 + ID_MAX + GWID_LABEL_MAX], out[8];
	size_t n = 0, ol = strlen(otab[r->origin].id), i;
	uint64_t v = 0;

	for (i = 0; i < 8; i++)
		buf[n++] = (unsigned char)(r->stamp >> (56 - 8 * i));
	buf[n++] = r->addr.af;
	memcpy(buf + n, r->addr.a, 16);
	n += 16;
	buf[n++] = (unsigned char)ol;
	memcpy(buf + n, otab[r->origin].id, ol);
	n += ol;
	buf[n++] = r->len;
	for (i = 0; i < r->len; i++) {
		unsigned char c = (unsigned char)r->label[i];
		buf[n++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
	}
	crypto_shorthash(out, buf, n, key);
	memcpy(&v, out, 8);
	return v;
}

static void
count_rec(const struct rec *r, int sign)
{
	if (r->flags & R_DELETED) {
		dead += (size_t)sign;
		return;
	}
	live += (size_t)sign;
	otab[r->origin].nrec += (unsigned)sign;
	digest ^= rec_hash(r);
}

static void
index_put(size_t slot)
{
	const struct rec *r = &slots[slot];
	size_t i = label_hash(r->label, r->len) & (capidx - 1);

	while (idx[i] != 0)
		i = (i + 1) & (capidx - 1);
	idx[i] = (uint32_t)slot + 1;
}

static void
grow_index(void)
{
	size_t i;

	free(idx);
	capidx = capidx ? capidx * 2 : 1024;
	if ((idx = calloc(capidx, sizeof *idx)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	for (i = 0; i < nslots; i++)
		if (slots[i].len != 0)
			index_put(i);
}

static size_t *
find_pos(const char *label, size_t len)
{
	size_t i;

	if (capidx == 0)
		return NULL;
	for (i = label_hash(label, len) & (capidx - 1); idx[i] != 0;
	    i = (i + 1) & (capidx - 1)) {
		const struct rec *r = &slots[idx[i] - 1];

		if (r->len == len && strncasecmp(r->label, label, len) == 0) {
			static size_t pos;

			pos = i;
			return &pos;
		}
	}
	return NULL;
}

struct rec *
table_find(const char *label, size_t len)
{
	size_t *p = find_pos(label, len);

	return p != NULL ? &slots[idx[*p] - 1] : NULL;
}

static int
idcmp(uint8_t a, uint8_t b)
{
	return a == b ? 0 : strcmp(otab[a].id, otab[b].id);
}

int
rec_newer(const struct rec *a, const struct rec *b)
{
	int c;

	if (a->stamp != b->stamp)
		return a->stamp > b->stamp;
	if ((c = idcmp(a->origin, b->origin)) != 0)
		return c > 0;
	/* the same writer and stamp: only a broken node does this */
	if (a->flags != b->flags)
		return a->flags > b->flags;
	return memcmp(&a->addr, &b->addr, sizeof a->addr) > 0;
}

int
rec_visible(const struct rec *r)
{
	return r != NULL && !(r->flags & R_DELETED) &&
	    !otab[r->origin].hidden;
}

static size_t
new_slot(void)
{
	if (nfree > 0)
		return freel[--nfree];
	if (nslots == capslots) {
		size_t c = capslots ? capslots * 2 : 1024;
		struct rec *p = realloc(slots, c * sizeof *p);

		if (p == NULL)
			err_fatal(RC_TEMP, "out of memory");
		slots = p;
		capslots = c;
	}
	return nslots++;
}

struct rec *
table_merge(const struct rec *r)
{
	struct rec *old = table_find(r->label, r->len), before;
	size_t slot;

	if (old != NULL) {
		if (!rec_newer(r, old))
			return NULL;
		before = *old;
		count_rec(old, -1);
		*old = *r;
		count_rec(old, 1);
		if (r->stamp > high)
			high = r->stamp;
		notify(&before, rec_visible(&before), old, rec_visible(old));
		return old;
	}
	if ((live + dead + 1) * 2 > capidx)
		grow_index();
	slot = new_slot();
	slots[slot] = *r;
	slots[slot].mark = 0;
	index_put(slot);
	count_rec(&slots[slot], 1);
	if (r->stamp > high)
		high = r->stamp;
	notify(NULL, 0, &slots[slot], rec_visible(&slots[slot]));
	return &slots[slot];
}

/* Backward-shift deletion keeps linear probing correct without markers. */
void
table_remove(struct rec *r)
{
	size_t *p = find_pos(r->label, r->len), i, j, k, slot;
	struct rec before = *r;

	if (p == NULL)
		return;
	slot = (size_t)(r - slots);
	count_rec(r, -1);
	i = *p;
	idx[i] = 0;
	for (j = (i + 1) & (capidx - 1); idx[j] != 0; j = (j + 1) & (capidx - 1)) {
		const struct rec *q = &slots[idx[j] - 1];

		k = label_hash(q->label, q->len) & (capidx - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			idx[i] = idx[j];
			idx[j] = 0;
			i = j;
		}
	}
	slots[slot].len = 0;
	if (nfree == capfree) {
		size_t c = capfree ? capfree * 2 : 256, *f;

		if ((f = realloc(freel, c * sizeof *f)) == NULL)
			err_fatal(RC_TEMP, "out of memory");
		freel = f;
		capfree = c;
	}
	freel[nfree++] = slot;
	notify(&before, rec_visible(&before), NULL, 0);
}

/* We hold every record origin o published up to hwm. */
void
table_mark(int o, uint64_t hwm)
{
	if (hwm > otab[o].hwm)
		otab[o].hwm = hwm;
}

/* A tombstone collected: forgotten, and o's newest collected moves. */
void
table_collect(struct rec *r)
{
	if (r->stamp > otab[r->origin].gc)
		otab[r->origin].gc = r->stamp;
	table_remove(r);
}

/*
 * The table's high-water: the highest stamp of any record or tombstone it
 * holds or has held (collecting a tombstone does not lower it), and of
 * every origin's mark, which covers tombstones collected before we could
 * see them.  The same on every node that has the same table.
 */
uint64_t
table_hwm(void)
{
	uint64_t h = high;
	int o;

	for (o = 0; o < notab; o++) {
		if (otab[o].hwm > h)
			h = otab[o].hwm;
		if (otab[o].gc > h)
			h = otab[o].gc;
	}
	return h;
}

/*
 * A node's records are withdrawn from view, or come back.  No record
 * changes, so no record brings a new stamp, yet readers see a change: the
 * high-water moves to the next multiple of VIEW_STEP_MS above it, a stamp
 * every node that holds the same table computes alike (and a serial of
 * that unit, ddns-named's, moves by one).
 */
void
table_hide(int o, int hidden)
{
	size_t i;
	uint64_t h;

	if (otab[o].hidden == hidden)
		return;
	otab[o].hidden = hidden;
	if (otab[o].nrec > 0) {
		h = table_hwm();
		high = (uint64_t)((HLC_MS(h) / VIEW_STEP_MS + 1) * VIEW_STEP_MS)
		    << 16;
	}
	/* readers saw a record if it is hidden now, and the other way round */
	for (i = 0; i < nslots; i++)
		if (slots[i].len != 0 && slots[i].origin == o &&
		    !(slots[i].flags & R_DELETED))
			notify(&slots[i], hidden, &slots[i], !hidden);
}

size_t
table_slots(void)
{
	return nslots;
}

struct rec *
table_slot(size_t i)
{
	return i < nslots && slots[i].len != 0 ? &slots[i] : NULL;
}

size_t
table_live(void)
{
	return live;
}

size_t
table_tombstones(void)
{
	return dead;
}

uint64_t
table_digest(void)
{
	return digest;
}
