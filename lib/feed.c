#include <stdio.h>
#include <string.h>

#include "feed.h"

const char *const feed_state_word[] = {
	[FEED_UP] = "up", [FEED_DOWN] = "down", [FEED_DRAINED] = "drained",
	[FEED_REMOVED] = "removed",
};

const char *
feed_stamp_fmt(uint64_t stamp, char *buf, size_t size)
{
	int64_t ms = FEED_STAMP_MS(stamp);

	snprintf(buf, size, "%lld.%03lld.%u", (long long)(ms / 1000),
	    (long long)(ms % 1000), (unsigned)(stamp & 0xffff));
	return buf;
}

size_t
feed_pack(char *buf, const struct feed *f)
{
	char sb[32];
	int n = 0;

	switch (f->kind) {
	case FEED_SET:
		n = snprintf(buf, FEED_LINE_MAX, "+ %s %s %s %s", f->name,
		    f->addr, feed_stamp_fmt(f->stamp, sb, sizeof sb), f->origin);
		break;
	case FEED_DEL:
		n = snprintf(buf, FEED_LINE_MAX, "- %s %s", f->name,
		    feed_stamp_fmt(f->stamp, sb, sizeof sb));
		break;
	case FEED_END:
		n = snprintf(buf, FEED_LINE_MAX, ". %s",
		    feed_stamp_fmt(f->stamp, sb, sizeof sb));
		break;
	case FEED_NODE:
		n = snprintf(buf, FEED_LINE_MAX, "@ %.253s %s", f->name,
		    feed_state_word[f->state]);
		break;
	case FEED_ERROR:
	case FEED_BAD:
		buf[0] = '\0';
		break;
	}
	return n < FEED_LINE_MAX ? (size_t)n : FEED_LINE_MAX - 1;
}

/* n decimal digits, no more, no sign; -1 if not that. */
static int64_t
digits(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* SECONDS.MMM.COUNTER: 0, or -1 if it is not one. */
static int
stamp_parse(const char *s, uint64_t *stamp)
{
	const char *d1 = strchr(s, '.'), *d2;
	int64_t sec, ms, ctr;

	if (d1 == NULL || (d2 = strchr(d1 + 1, '.')) == NULL)
		return -1;
	if (d1 - s < 1 || d1 - s > 12 || d2 - d1 != 4 ||
	    strlen(d2 + 1) < 1 || strlen(d2 + 1) > 5)
		return -1;
	if ((sec = digits(s, (size_t)(d1 - s))) < 0 ||
	    (ms = digits(d1 + 1, 3)) < 0 ||
	    (ctr = digits(d2 + 1, strlen(d2 + 1))) < 0 || ctr > 0xffff)
		return -1;
	ms += sec * 1000;
	if (ms >= FEED_STAMP_MS_MAX)
		return -1;
	*stamp = (uint64_t)ms << 16 | (uint64_t)ctr;
	return 0;
}

/* @ NODE STATE */
static enum feed_kind
node_line(char **w, int n, struct feed *f)
{
	int k;

	if (n != 3)
		return FEED_BAD;
	for (k = FEED_REMOVED; k >= FEED_UP; k--)
		if (strcmp(w[2], feed_state_word[k]) == 0)
			break;
	if (k < FEED_UP)
		return FEED_BAD;
	f->name = w[1];
	f->state = (enum feed_state)k;
	return FEED_NODE;
}

/* + - . with the words they need, then the stamp (optional) */
static enum feed_kind
stamped_line(char **w, int n, struct feed *f)
{
	int want, extra = 0;
	enum feed_kind k;

	switch (w[0][0]) {
	case '.':
		want = 1;
		k = FEED_END;
		break;
	case '-':
		want = 2;
		k = FEED_DEL;
		break;
	case '+':
		want = 3;
		extra = n == 5;	/* the origin, after the stamp */
		k = FEED_SET;
		break;
	default:
		return FEED_BAD;
	}
	if (n != want && n != want + 1 + extra)
		return FEED_BAD;
	if (n > want && stamp_parse(w[want], &f->stamp) < 0)
		return FEED_BAD;
	f->stamped = n > want;
	f->name = k != FEED_END ? w[1] : NULL;
	f->addr = k == FEED_SET ? w[2] : NULL;
	f->origin = extra ? w[4] : NULL;
	return k;
}

enum feed_kind
feed_unpack(char *line, struct feed *f)
{
	char *w[6], *p, *save = NULL;
	enum feed_kind k;
	int n = 0;

	memset(f, 0, sizeof *f);
	if (strncmp(line, "error:", 6) == 0)
		return f->kind = FEED_ERROR;
	for (p = strtok_r(line, " ", &save); p != NULL && n < 6;
	    p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	if (p != NULL || n < 1 || w[0][0] == '\0' || w[0][1] != '\0')
		return f->kind = FEED_BAD;
	k = w[0][0] == '@' ? node_line(w, n, f) : stamped_line(w, n, f);
	if (k == FEED_BAD)
		memset(f, 0, sizeof *f);
	return f->kind = k;
}
