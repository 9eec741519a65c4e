/*
 * One line of the feed, applied to a table: kept apart from the
 * connection (feed.c) so that the fuzz target can reach it alone.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>

#include "ddns-named.h"

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

/*
 * A stamp as ddns-syncd writes it, SECONDS.MMM.COUNTER (its hybrid logical
 * clock: 48 bits of milliseconds, 16 of counter), in milliseconds; -1 if
 * it is not one.  The counter orders changes within a millisecond, which
 * a serial of 10 ms units does not see: it is checked, then dropped.
 */
int64_t
feed_stamp(const char *s)
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
	return ms < FEED_STAMP_MS_MAX ? ms : -1;
}

int
feed_apply(struct table *t, const struct zone *z, char *line, int64_t *ms,
    const char **why)
{
	char *w[5], *p, *save = NULL;
	uint8_t a[16];
	int n = 0, af, want;

	*why = NULL;
	*ms = -1;
	if (strncmp(line, "error:", 6) == 0)
		return FEED_ERROR;
	for (p = strtok_r(line, " ", &save); p != NULL && n < 5;
	    p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	if (p != NULL || n < 1 || w[0][0] == '\0' || w[0][1] != '\0')
		return FEED_BAD;
	switch (w[0][0]) {
	case '.':
		want = 1;
		break;
	case '-':
		want = 2;
		break;
	case '+':
		want = 3;
		break;
	default:
		return FEED_BAD;
	}
	/* the stamp is the last word, and optional (an older publisher) */
	if (n == want + 1 && (*ms = feed_stamp(w[want])) < 0)
		return FEED_BAD;
	if (n != want && n != want + 1)
		return FEED_BAD;
	if (w[0][0] == '.')
		return FEED_END;
	if (w[0][0] == '-') {
		table_del(t, w[1], strlen(w[1]));
		return FEED_DEL;
	}
	af = strchr(w[2], ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, w[2], a) != 1) {
		*why = "not an IPv4 or IPv6 address";
		return FEED_SET;
	}
	table_set(t, z, w[1], strlen(w[1]), af, a, why);
	return FEED_SET;
}
