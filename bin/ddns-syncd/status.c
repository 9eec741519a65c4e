/*
 * State a shell can read: RUN/ddns/cluster (the guide's join line),
 * RUN/ddns/members (one line a configured node), and the same text on the
 * control socket (`members`, `status`); `records`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "ddns-syncd.h"
#include "err.h"
#include "feed.h"
#include "file.h"
#include "run.h"

int
status_members_each(line_fn fn, void *arg)
{
	char line[ID_MAX + 100];
	const struct node *n;
	int i;

	for (i = 0; i < cluster_nodes(); i++) {
		n = cluster_node(i);
		snprintf(line, sizeof line, "%.253s %s %lld.%03lld %u %s",
		    n->id, n->self ? "self" : n->up ? "up" : "down",
		    (long long)(n->since / CLOCK_SEC),
		    (long long)(n->since % CLOCK_SEC / CLOCK_MS),
		    n->origin >= 0 ? origins[n->origin].nrec : 0,
		    feed_state_word[cluster_pool(i)]);
		fn(arg, line);
	}
	return 0;
}

int
status_each(line_fn fn, void *arg)
{
	char line[ID_MAX + 500];
	const char *jf = journal_failing();
	int i, up = 0;

	for (i = 0; i < cluster_nodes(); i++)
		up += cluster_node(i)->up;
#define LINE(...) (snprintf(line, sizeof line, __VA_ARGS__), fn(arg, line))
	LINE("cluster=%s", cluster_state());
	LINE("self=%s", ddns_syncd.cfg.self);
	LINE("domain=%s", ddns_syncd.cfg.domain);
	LINE("port=%u", ddns_syncd.cfg.port);
	LINE("nodes=%d", cluster_nodes());
	LINE("up=%d", up);
	LINE("drained=%d", cluster_drained());
	LINE("records=%zu", table_live());
	LINE("tombstones=%zu", table_tombstones());
	LINE("digest=%016llx", (unsigned long long)table_digest());
	LINE("hlc=%lld.%u", (long long)HLC_MS(hlc_now()),
	    HLC_CTR(hlc_now()));
	LINE("journal=%s", jf != NULL ? "failing" : "ok");
	if (jf != NULL)
		LINE("journal_error=%s", jf);
#undef LINE
	return 0;
}

static int
cmp_label(const void *a, const void *b)
{
	const struct rec *const *x = a, *const *y = b;

	return strcasecmp((*x)->label, (*y)->label);
}

/*
 * `records`: the visible records, sorted, so that every node prints the
 * same text; -1 if there is no memory to sort them.
 */
int
status_records_each(line_fn fn, void *arg)
{
	char line[GWID_LABEL_MAX + ID_MAX + 100], ab[64], sb[32];
	size_t i, n = 0;
	struct rec *r, **v;

	if ((v = malloc((table_live() + 1) * sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < table_slots(); i++)
		if ((r = table_slot(i)) != NULL && rec_visible(r))
			v[n++] = r;
	qsort(v, n, sizeof *v, cmp_label);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "%s %s %s %s", v[i]->label,
		    addr_fmt(&v[i]->addr, ab, sizeof ab),
		    origins[v[i]->origin].id,
		    feed_stamp_fmt(v[i]->stamp, sb, sizeof sb));
		fn(arg, line);
	}
	free(v);
	return 0;
}

static void
buf_line(void *arg, const char *line)
{
	char **buf = arg;
	size_t have = *buf ? strlen(*buf) : 0, n = strlen(line);
	char *p;

	if ((p = realloc(*buf, have + n + 2)) == NULL)
		return;
	memcpy(p + have, line, n);
	p[have + n] = '\n';
	p[have + n + 1] = '\0';
	*buf = p;
}

static void
write_file(const char *name, const char *text)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", ddns_syncd.run, name);
	if (text == NULL) {
		remove(path);
		return;
	}
	if (file_replace(path, text, strlen(text), 0644) < 0)
		err_warnsys("unable to write %s", path);
}

void
status_cluster(void)
{
	char line[100];

	if (!cluster_joined()) {
		write_file(RUN_DDNS_CLUSTER, NULL);
		return;
	}
	snprintf(line, sizeof line, "%s\n", cluster_state());
	write_file(RUN_DDNS_CLUSTER, line);
}

void
status_members(void)
{
	char *buf = NULL;

	status_members_each(buf_line, &buf);
	write_file(RUN_DDNS_MEMBERS, buf ? buf : "");
	free(buf);
}
