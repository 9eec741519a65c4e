/*
 * ddns-syncd's journal loader (bin/ddns-syncd/journal.c) on any bytes, as a
 * start reads RUN/ddns/journal into the empty table.  Every record it then
 * holds must be one a peer accepts (the wire's label rule), of this node,
 * stamped at most 60 s ahead of the clock and not above the node's clock,
 * a tombstone without an address and a record with one; the journal
 * written from that table must read back into the same table, and be
 * written again the same length.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "ddns-syncd.h"
#include "err.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW_MS	1796000000000LL	/* a fixed clock: every run the same */

struct syncd ddns_syncd;
static uint64_t hlc;		/* hlc.c's, on that fixed clock */
static int self, drained;

int64_t
wall_ms(void)
{
	return NOW_MS;
}

void
hlc_raise(uint64_t stamp)
{
	if (stamp > hlc)
		hlc = stamp;
}

/*
 * lib/err.c's functions, quiet (each bad line is logged, and a run reads
 * millions), but still formatting every message with its arguments.
 */
static void
quiet(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
}

#define QUIET(name) void name(const char *fmt, ...) \
	{ va_list ap; va_start(ap, fmt); quiet(fmt, ap); va_end(ap); }
QUIET(err_log)
QUIET(err_warn)
QUIET(err_warnsys)

void
err_fatal(int rc, const char *fmt, ...)
{
	(void)rc;
	(void)fmt;
	abort();
}

static void
changed(const struct rec *old, int oldvis, const struct rec *now, int nowvis)
{
	(void)oldvis;
	(void)nowvis;
	journal_change(old, now);	/* not open: must write nothing */
}

static void
empty(void)
{
	struct rec *r;
	size_t i;

	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL)
			table_remove(r);
	if (table_live() != 0 || table_tombstones() != 0)
		abort();
	hlc = 0;
	drained = 0;
}

static void
read_bytes(const void *data, size_t size)
{
	FILE *f;

	if (size == 0)
		return;
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		abort();
	journal_read(f, "journal", self, &drained);
	fclose(f);
}

/* Every record held as it must be; their sum, the same in any order. */
static uint64_t
check(void)
{
	uint64_t sum = 0, h;
	size_t i, n = 0, k;
	struct rec *r;

	for (i = 0; i < table_slots(); i++) {
		if ((r = table_slot(i)) == NULL)
			continue;
		n++;
		if (r->origin != self || r->len != strlen(r->label) ||
		    !wire_label_ok(r->label, r->len) || r->stamp == 0 ||
		    r->stamp > hlc ||
		    HLC_MS(r->stamp) > NOW_MS + SKEW_MAX_MS ||
		    ((r->flags & R_DELETED) ? r->addr.af != 0 :
		    r->addr.af != 4 && r->addr.af != 6))
			abort();
		h = 14695981039346656037ULL ^ r->stamp ^ r->flags;
		for (k = 0; k < r->len; k++)
			h = (h ^ (unsigned char)(r->label[k] | 0x20)) *
			    1099511628211ULL;
		for (k = 0; k < sizeof r->addr.a; k++)
			h = (h ^ r->addr.a[k]) * 1099511628211ULL;
		sum += h ^ r->addr.af;
	}
	if (n != table_live() + table_tombstones())
		abort();
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	size_t len1, len2, n1, n2;
	uint64_t sum;
	char *text1, *text2;
	int drained1;

	if (!init) {
		if (sodium_init() < 0)
			abort();
		table_init(changed);
		self = origin_get("192.0.2.11", 10);
		init = 1;
	}
	empty();
	read_bytes(data, size);
	sum = check();
	drained1 = drained;
	text1 = journal_text(self, drained, &len1, &n1);
	if (n1 != table_live() + table_tombstones())
		abort();
	empty();
	read_bytes(text1, len1);
	if (check() != sum || drained != drained1)
		abort();
	text2 = journal_text(self, drained, &len2, &n2);
	if (len2 != len1 || n2 != n1)
		abort();
	free(text1);
	free(text2);
	return 0;
}
