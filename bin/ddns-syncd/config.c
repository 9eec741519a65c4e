/*
 * The `service ipsec-ddns` statements of vpnha.conf, with the defaults and
 * the guide's rules (chapter 4, "ACM Configuration for DDNS").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "ddns-syncd.h"
#include "num.h"
#include "rc.h"

#define HEARTBEAT_DEFAULT	(1 * CLOCK_SEC)
#define HOLD_DEFAULT		(120 * CLOCK_SEC)
#define JOIN_DEFAULT		(3 * CLOCK_SEC)
#define TTL_DEFAULT		(86400 * CLOCK_SEC)
#define PATH			"service ipsec-ddns"

static int
bad(char *err, size_t size, const char *file, unsigned line,
    const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, size, "%s:%u: %s", file, line, msg);
	else
		snprintf(err, size, "%s: %s", file, msg);
	return RC_USAGE;
}

/* A scaled decimal leaf as nanoseconds; the schema checked its range. */
static int64_t
seconds(const struct conf_node *n, const char *leaf, unsigned scale,
    int64_t dflt)
{
	const char *s = conf_value(n, leaf);
	uint64_t v;
	int64_t unit = CLOCK_SEC;
	unsigned i;

	if (s == NULL || num_fixed(s, scale, 0, UINT64_MAX, &v) != NUM_OK)
		return dflt;
	for (i = 0; i < scale; i++)
		unit /= 10;
	return (int64_t)v * unit;
}

/*
 * The reader merges a value added twice to a list, so a peer listed twice
 * is found by applying the file's statements one at a time, each read on
 * its own (for its canonical form).
 */
struct seen {
	char id[NODES_MAX * 2][ID_MAX + 1];
	unsigned line[NODES_MAX * 2];
	int n;
};

static int
apply_line(struct seen *sn, const char *file, const char *text, size_t len,
    unsigned lineno, char *err, size_t size)
{
	struct conf_error ce;
	struct conf *one;
	const struct conf_node *v;
	int del = 0, i;

	while (len > 0 && (*text == ' ' || *text == '\t'))
		text++, len--;
	if (len > 6 && strncmp(text, "delete", 6) == 0 &&
	    (text[6] == ' ' || text[6] == '\t')) {
		del = 1;	/* read "delete X" as "X" to see what X names */
		text += 6;
		len -= 6;
	}
	one = conf_parse(file, text, len, &ce);
	v = one ? conf_first(conf_find(conf_root(one), PATH " peer")) : NULL;
	if (del && v == NULL && memmem(text, len, "service", 7) != NULL)
		sn->n = 0;	/* the whole list, or more, deleted */
	for (; v != NULL; v = conf_next(v)) {
		for (i = 0; i < sn->n && strcmp(sn->id[i], conf_word(v)); i++)
			;
		if (del && i < sn->n) {
			sn->n--;
			memmove(&sn->id[i], &sn->id[i + 1],
			    (size_t)(sn->n - i) * sizeof sn->id[0]);
			memmove(&sn->line[i], &sn->line[i + 1],
			    (size_t)(sn->n - i) * sizeof sn->line[0]);
		} else if (!del && i < sn->n) {
			conf_free(one);
			return bad(err, size, file, lineno, "peer %s is listed "
			    "twice (also at line %u)", sn->id[i], sn->line[i]);
		} else if (!del && sn->n < NODES_MAX * 2) {
			snprintf(sn->id[sn->n], sizeof sn->id[0], "%s",
			    conf_word(v));
			sn->line[sn->n++] = lineno;
		}
	}
	conf_free(one);
	return RC_OK;
}

static int
duplicates(const char *file, char *err, size_t size)
{
	static struct seen sn;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int rc = RC_OK;

	sn.n = 0;
	if ((f = fopen(file, "r")) == NULL)
		return RC_OK;	/* read once already; a race, not our concern */
	while (rc == RC_OK && (n = getline(&line, &cap, f)) >= 0)
		rc = apply_line(&sn, file, line, (size_t)n, ++lineno, err, size);
	free(line);
	fclose(f);
	return rc;
}

static int
check(const struct conf *c, const struct conf_node *d, struct cfg *cfg,
    char *err, size_t size)
{
	const char *file = conf_file(c);
	const struct conf_node *n;
	unsigned line = conf_line(d);

	if (cfg->enable && cfg->self[0] == '\0')
		return bad(err, size, file, line, "service ipsec-ddns has no "
		    "self: set service ipsec-ddns self ADDRESS (this node's "
		    "own address)");
	if (cfg->enable && cfg->secret[0] == '\0')
		return bad(err, size, file, line, "service ipsec-ddns has no "
		    "secret (the same on every node, at least 8 characters)");
	if (cfg->enable && cfg->domain[0] == '\0')
		return bad(err, size, file, line, "service ipsec-ddns has no "
		    "domain (the same on every node)");
	for (n = conf_first(conf_find(d, "peer")); n; n = conf_next(n)) {
		if (strcmp(conf_word(n), cfg->self) == 0)
			return bad(err, size, file, conf_line(n), "peer %s is "
			    "this node's self address; list only the other "
			    "nodes", cfg->self);
		if (cfg->npeers == NODES_MAX - 1)
			return bad(err, size, file, conf_line(n), "more than "
			    "%d peers", NODES_MAX - 1);
		snprintf(cfg->peer[cfg->npeers++], sizeof cfg->peer[0], "%s",
		    conf_word(n));
	}
	return duplicates(file, err, size);
}

int
config_load(const char *path, struct cfg *cfg, char *err, size_t size)
{
	struct conf_error ce;
	struct conf *c;
	const struct conf_node *d;
	const char *s;
	uint32_t u;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	cfg->port = DDNS_PORT;
	cfg->heartbeat = HEARTBEAT_DEFAULT;
	cfg->hold = HOLD_DEFAULT;
	cfg->join = JOIN_DEFAULT;
	cfg->ttl = TTL_DEFAULT;
	if ((c = conf_read(path, &ce)) == NULL) {
		snprintf(err, size, "%s", ce.msg);
		return ce.rc;
	}
	if ((d = conf_find(conf_root(c), PATH)) == NULL) {
		conf_free(c);
		return RC_OK;
	}
	cfg->present = 1;
	cfg->enable = conf_has(d, "enable");
	if ((s = conf_value(d, "secret")) != NULL)
		snprintf(cfg->secret, sizeof cfg->secret, "%s", s);
	if ((s = conf_value(d, "domain")) != NULL)
		snprintf(cfg->domain, sizeof cfg->domain, "%s", s);
	if ((s = conf_value(d, "self")) != NULL)
		snprintf(cfg->self, sizeof cfg->self, "%s", s);
	if ((s = conf_value(d, "port")) != NULL &&
	    num_u32(s, 1, 65535, &u) == NUM_OK)
		cfg->port = u;
	cfg->heartbeat = seconds(d, "heartbeat", 2, cfg->heartbeat);
	cfg->hold = seconds(d, "hold-time", 0, cfg->hold);
	cfg->join = seconds(d, "join-time", 1, cfg->join);
	cfg->ttl = seconds(d, "tombstone-ttl", 0, cfg->ttl);
	rc = check(c, d, cfg, err, size);
	conf_free(c);
	return rc;
}
