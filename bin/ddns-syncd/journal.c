/*
 * The journal of this node's own live records, RUN/ddns/journal, so that
 * a restart of the daemon alone re-publishes the tunnels it had, with
 * their stamps (a record superseded meanwhile stays superseded).  RUN is a
 * tmpfs: a reboot, which ends the tunnels too, forgets it.
 *
 *   + STAMP LABEL ADDRESS      published (STAMP: the 64-bit HLC, decimal)
 *   - LABEL                    no longer ours
 *   drained                    this node is out of pool answers
 *   undrained                  back in them
 *
 * Appended as changes happen; rewritten whole at start and when it has
 * grown to twice what it says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddns-syncd.h"
#include "err.h"
#include "file.h"
#include "num.h"

static int jfd = -1;
static size_t lines, mine;
static char path[4200];

static void
load_line(char *line, unsigned lineno)
{
	char *w[4];
	struct rec r = { 0 }, *old;
	uint64_t stamp;
	int n = 0;

	while (n < 4 && (w[n] = strsep(&line, " ")) != NULL)
		n++;
	if (n == 1 && (strcmp(w[0], "drained") == 0 ||
	    strcmp(w[0], "undrained") == 0)) {
		S.drained = w[0][0] == 'd';
		return;
	}
	if (n == 2 && strcmp(w[0], "-") == 0) {
		old = table_find(w[1], strlen(w[1]));
		if (old != NULL && old->origin == S.self)
			table_remove(old);
		return;
	}
	if (n != 4 || strcmp(w[0], "+") != 0 ||
	    num_u64(w[1], 1, UINT64_MAX, &stamp) != NUM_OK ||
	    strlen(w[2]) > GWID_LABEL_MAX || addr_parse(w[3], &r.addr) < 0) {
		err_warn("%s:%u: not a journal line; skipped", path, lineno);
		return;
	}
	r.stamp = stamp;
	r.origin = (uint8_t)S.self;
	r.len = (uint8_t)strlen(w[2]);
	memcpy(r.label, w[2], r.len);
	if (r.stamp > S.hlc)
		S.hlc = r.stamp;	/* our own: trusted even if the clock went back */
	table_merge(&r);
}

static void
rewrite(void)
{
	char *buf = NULL, ab[64];
	size_t len = 0, cap = 0, i;
	struct rec *r;
	int n;

	mine = 0;
	if (S.drained) {
		if ((buf = malloc(cap = 65536)) == NULL)
			err_fatal(111, "out of memory");
		len = (size_t)snprintf(buf, cap, "drained\n");
	}
	for (i = 0; i < table_slots(); i++) {
		if ((r = table_slot(i)) == NULL || r->origin != S.self ||
		    (r->flags & R_DELETED))
			continue;
		if (cap - len < 200) {
			cap = cap ? cap * 2 : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				err_fatal(111, "out of memory");
		}
		n = snprintf(buf + len, cap - len, "+ %llu %s %s\n",
		    (unsigned long long)r->stamp, r->label,
		    addr_fmt(&r->addr, ab, sizeof ab));
		len += (size_t)n;
		mine++;
	}
	if (jfd >= 0)
		close(jfd);
	jfd = -1;
	if (file_replace(path, buf ? buf : "", len, 0600) < 0 ||
	    (jfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		err_warnsys("unable to write the journal %s", path);
	lines = mine;
	free(buf);
}

void
journal_load(void)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;

	snprintf(path, sizeof path, "%s/%s", S.dir, DDNS_JOURNAL);
	if ((f = fopen(path, "r")) != NULL) {
		while ((n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] == '\n')
				line[n - 1] = '\0';
			load_line(line, ++lineno);
		}
		free(line);
		fclose(f);
	} else if (errno != ENOENT)
		err_warnsys("unable to read the journal %s", path);
	rewrite();
}

static void
append(const char *text, size_t len)
{
	if (jfd < 0 || write(jfd, text, len) != (ssize_t)len) {
		if (jfd >= 0)
			err_warnsys("unable to append to %s", path);
		return;
	}
	if (++lines > 2 * mine + 1000)
		rewrite();
}

void
journal_change(const struct rec *old, const struct rec *now)
{
	char line[200], ab[64];
	int was = old != NULL && old->origin == S.self &&
	    !(old->flags & R_DELETED);
	int is = now != NULL && now->origin == S.self &&
	    !(now->flags & R_DELETED);
	int n;

	if (jfd < 0 || (!was && !is))
		return;
	if (is) {
		n = snprintf(line, sizeof line, "+ %llu %s %s\n",
		    (unsigned long long)now->stamp, now->label,
		    addr_fmt(&now->addr, ab, sizeof ab));
		mine += !was;
	} else {
		n = snprintf(line, sizeof line, "- %s\n", old->label);
		mine--;
	}
	append(line, (size_t)n);
}

void
journal_drained(int drained)
{
	if (drained)
		append("drained\n", 8);
	else
		append("undrained\n", 10);
}
