/*
 * RUN/ddns/ddns-syncd.prom, linked as RUN/metrics/ddns-syncd.prom
 * (lib/prom.h): the cluster as this node sees it, for node_exporter's
 * textfile collector: nodes, records, changes, sessions, handshake
 * failures, the queue and the journal.  Written at most once a second
 * while anything in it moves, and at once when a node comes or goes, is
 * drained or undrained, or the journal starts or stops failing.  Names
 * in ddns-syncd(8), METRICS.
 */
#include <stdio.h>

#include "ddns-syncd.h"
#include "err.h"
#include "peer.h"
#include "prom.h"

#define METRICS_NAME	"ddns-syncd"
#define METRICS_EVERY	1000000000LL	/* ns: once a second at most */

static struct {
	uint64_t published, received;	/* changes of the table, by origin */
	int64_t at;			/* the last write, mono ns; -1 none */
	uint64_t state, sum;		/* what was written: see look() */
	int failing;			/* the last write failed, and said so */
} m = { .at = -1 };

/* A change of the table: this node's own, or one from another. */
void
metrics_change(const struct rec *now)
{
	if (now != NULL && cluster_nodes() > 0 &&
	    now->origin == cluster_node(0)->origin)
		m.published++;
	else
		m.received++;
}

void
metrics_start(void)
{
	prom_link_or_exit(ddns_syncd.run, ddns_syncd.dir, METRICS_NAME);
}

/*
 * What the file would show, folded: *state the states (nodes up or not,
 * drained, the journal), the return value everything else that moves.
 */
static uint64_t
look(uint64_t *state)
{
	const struct node *n;
	uint64_t s = table_live() * 31 + table_tombstones();
	size_t queued;
	int i;

	*state = (journal_failing() != NULL) | (uint64_t)cluster_drained() << 1;
	for (i = 0; i < cluster_nodes(); i++) {
		n = cluster_node(i);
		*state = *state * 3 + (uint64_t)(n->up + n->drained);
		s = s * 7 + (n->origin >= 0 ? origins[n->origin].nrec : 0);
	}
	s = s * 13 + (uint64_t)peer_count(&queued);
	s = s * 17 + queued + m.published * 19 + m.received * 23;
	for (i = 1; i < HS_REASONS; i++)
		s = s * 29 + peer_failed[i];
	return s;
}

static const struct {
	const char *name, *help;
} per_node[3] = {
	{ "vpnha_ddns_node_up", "1 while this node holds an authenticated "
	    "session to the node (itself: 1), else 0." },
	{ "vpnha_ddns_node_drained", "1 when the node said it is drained, "
	    "else 0." },
	{ "vpnha_ddns_node_records", "Gateways the node published, as this "
	    "node holds them." },
};

static void
metrics_write(void)
{
	static char buf[1 << 16];
	const struct node *n;
	struct prom p;
	char l[ID_MAX + 64];
	size_t queued;
	int i, k, sessions = peer_count(&queued);

	prom_start(&p, buf, sizeof buf);
	for (k = 0; k < 3; k++) {	/* up, drained, records: a node each */
		prom_family(&p, per_node[k].name, "gauge", per_node[k].help);
		for (i = 0; i < cluster_nodes(); i++) {
			n = cluster_node(i);
			prom_u64(&p, per_node[k].name, prom_labels(l, sizeof l,
			    "node", n->id, (const char *)NULL),
			    k == 0 ? (uint64_t)(n->self || n->up) :
			    k == 1 ? (uint64_t)n->drained :
			    n->origin >= 0 ? origins[n->origin].nrec : 0);
		}
	}
	prom_family(&p, "vpnha_ddns_records", "gauge",
	    "Gateways in the table, every node's.");
	prom_u64(&p, "vpnha_ddns_records", "", table_live());
	prom_family(&p, "vpnha_ddns_tombstones", "gauge",
	    "Withdrawn records kept until every node has them.");
	prom_u64(&p, "vpnha_ddns_tombstones", "", table_tombstones());
	prom_family(&p, "vpnha_ddns_sessions", "gauge",
	    "Authenticated sessions to other nodes.");
	prom_u64(&p, "vpnha_ddns_sessions", "", (uint64_t)sessions);
	prom_family(&p, "vpnha_ddns_queue_bytes", "gauge",
	    "Bytes queued to other nodes, not yet written.");
	prom_u64(&p, "vpnha_ddns_queue_bytes", "", queued);
	prom_family(&p, "vpnha_ddns_changes_total", "counter",
	    "Changes of the table: published by this node (ddns-ctl, its "
	    "journal at start) or received from the others.");
	prom_u64(&p, "vpnha_ddns_changes_total", prom_labels(l, sizeof l,
	    "from", "self", (const char *)NULL), m.published);
	prom_u64(&p, "vpnha_ddns_changes_total", prom_labels(l, sizeof l,
	    "from", "peers", (const char *)NULL), m.received);
	prom_family(&p, "vpnha_ddns_handshake_failures_total", "counter",
	    "Handshakes with other nodes (or strangers) that failed, by reason.");
	for (i = 1; i < HS_REASONS; i++)
		prom_u64(&p, "vpnha_ddns_handshake_failures_total",
		    prom_labels(l, sizeof l, "reason", peer_failed_name[i],
		    (const char *)NULL), peer_failed[i]);
	prom_family(&p, "vpnha_ddns_journal_ok", "gauge",
	    "1 while the journal is written, 0 while it fails (see status).");
	prom_u64(&p, "vpnha_ddns_journal_ok", "", journal_failing() == NULL);
	prom_write(ddns_syncd.dir, METRICS_NAME, &p, &m.failing);
}

void
metrics_turn(void)
{
	uint64_t state, sum = look(&state);

	if (m.at >= 0 && state == m.state && sum == m.sum)
		return;
	if (m.at >= 0 && state == m.state &&
	    ddns_syncd.now < m.at + METRICS_EVERY)
		return;		/* metrics_next() comes back for it */
	metrics_write();
	m.at = ddns_syncd.now;
	m.state = state;
	m.sum = sum;
}

int64_t
metrics_next(void)
{
	uint64_t state, sum = look(&state);

	return m.at >= 0 && sum != m.sum ? m.at + METRICS_EVERY : -1;
}
