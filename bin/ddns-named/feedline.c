/*
 * One line of the feed, applied to a table: kept apart from the
 * connection (feed.c) so that the fuzz target can reach it alone.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>

#include "ddns-named.h"

int
feed_apply(struct table *t, const struct zone *z, char *line, const char **why)
{
	char *w[3], *p, *save = NULL;
	uint8_t a[16];
	int n = 0, af;

	*why = NULL;
	if (strcmp(line, ".") == 0)
		return FEED_END;
	if (strncmp(line, "error:", 6) == 0)
		return FEED_ERROR;
	for (p = strtok_r(line, " ", &save); p != NULL && n < 3;
	    p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	if (p != NULL || n < 2 || w[0][1] != '\0')
		return FEED_BAD;
	if (w[0][0] == '-' && n == 2) {
		table_del(t, w[1], strlen(w[1]));
		return FEED_DEL;
	}
	if (w[0][0] != '+' || n != 3)
		return FEED_BAD;
	af = strchr(w[2], ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, w[2], a) != 1) {
		*why = "not an IPv4 or IPv6 address";
		return FEED_SET;
	}
	table_set(t, z, w[1], strlen(w[1]), af, a, why);
	return FEED_SET;
}
