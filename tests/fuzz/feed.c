/*
 * lib/feed.c, the subscribe feed's one pack and unpack, on any bytes: each
 * line unpacks to a kind, FEED_BAD with nothing set when it is none;
 * what a line of today's form says packs to a line that unpacks to the
 * same again and packs to the same text.  A stamp goes through its text
 * and back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
again(const struct feed *f)
{
	char line[FEED_LINE_MAX], copy[FEED_LINE_MAX], line2[FEED_LINE_MAX];
	struct feed g;
	size_t n = feed_pack(line, f);

	if (n != strlen(line))
		abort();
	memcpy(copy, line, n + 1);
	if (feed_unpack(copy, &g) != f->kind || !same(g.name, f->name) ||
	    !same(g.addr, f->addr) || !same(g.origin, f->origin) ||
	    g.stamp != f->stamp || (f->kind == FEED_NODE && g.state != f->state))
		abort();
	if (feed_pack(line2, &g) != n || strcmp(line, line2) != 0)
		abort();
}

/* A line in the packed form: one a publisher of today writes. */
static int
whole(const struct feed *f)
{
	return f->kind == FEED_NODE || (f->stamped &&
	    (f->kind != FEED_SET || f->origin != NULL));
}

static void
one(const char *s, size_t n)
{
	char line[FEED_LINE_MAX], orig[FEED_LINE_MAX];
	struct feed f;

	memcpy(line, s, n);
	line[n] = '\0';
	memcpy(orig, line, n + 1);
	switch (feed_unpack(line, &f)) {
	case FEED_BAD:
		if (f.name != NULL || f.addr != NULL || f.origin != NULL ||
		    f.stamped || f.stamp != 0)
			abort();
		return;
	case FEED_ERROR:
		if (strncmp(orig, "error:", 6) != 0)
			abort();
		return;
	case FEED_SET:
	case FEED_DEL:
	case FEED_END:
	case FEED_NODE:
		break;
	default:
		abort();
	}
	if ((f.kind == FEED_SET || f.kind == FEED_DEL || f.kind == FEED_NODE) !=
	    (f.name != NULL) || (f.kind == FEED_SET) != (f.addr != NULL) ||
	    (f.stamped == 0 && f.stamp != 0) ||
	    FEED_STAMP_MS(f.stamp) >= FEED_STAMP_MS_MAX)
		abort();
	if (whole(&f) && (f.kind != FEED_NODE || strlen(f.name) <= 253))
		again(&f);	/* a longer node name is cut: never one */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nl;
	uint64_t stamp;
	size_t n;

	if (size >= 8) {	/* a stamp, through its text and back */
		memcpy(&stamp, data, 8);
		stamp &= ((uint64_t)FEED_STAMP_MS_MAX << 16) - 1;
		again(&(struct feed){ .kind = FEED_END, .stamp = stamp });
	}
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n < FEED_LINE_MAX && memchr(p, '\0', n) == NULL)
			one((const char *)p, n);
		p = nl + 1;
	}
	return 0;
}
