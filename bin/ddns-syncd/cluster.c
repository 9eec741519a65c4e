/*
 * The nodes of the cluster: which are up, when a dead one's records are
 * withdrawn from view, and the join at enable (the guide's "Creating new"
 * or "Joined existing ipsec-ddns cluster").
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "ddns-syncd.h"
#include "err.h"
#include "file.h"
#include "rc.h"

struct node nodes[NODES_MAX];
int nnodes;

static void
node_init(struct node *n, const char *id, int self)
{
	memset(n, 0, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	n->self = self;
	n->since = clock_wall();
	n->down_at = self ? -1 : S.now;
	n->retry_at = -1;
	if ((n->origin = origin_get(id, strlen(id))) < 0)
		err_fatal(RC_TEMP, "too many nodes");
	origins[n->origin].node = (int)(n - nodes);
}

static void
nodes_build(void)
{
	int i;

	for (i = 0; i < norigins; i++)
		origins[i].node = -1;
	nnodes = 0;
	node_init(&nodes[nnodes++], S.cfg.self, 1);
	for (i = 0; i < S.cfg.npeers; i++)
		node_init(&nodes[nnodes++], S.cfg.peer[i], 0);
}

static void
joined(int how)
{
	S.joined = how;
	err_log("%s", cluster_state());
	status_cluster();
}

void
cluster_start(void)
{
	nodes_build();
	S.self = nodes[0].origin;
	S.enabled = 1;
	S.joined = 0;
	journal_load();
	S.join_at = S.now + S.cfg.join;
	status_members();
	if (nnodes == 1)
		joined(2);
}

void
cluster_stop(void)
{
	if (!S.enabled)
		return;
	S.enabled = 0;
	S.joined = 0;
	status_cluster();
	err_log("left the cluster");
}

void
cluster_reload(const struct cfg *old)
{
	if (old->enable && !S.cfg.enable)
		cluster_stop();
	else if (!old->enable && S.cfg.enable)
		cluster_start();
	else if (S.cfg.enable) {
		cluster_stop();
		cluster_start();
	}
}

void
cluster_push(const struct rec *r)
{
	(void)r;
}

void
cluster_event(struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
}

int64_t
cluster_next(void)
{
	int64_t t = -1, d;
	int i;

	if (!S.enabled)
		return -1;
	if (S.joined == 0)
		t = S.join_at;
	for (i = 0; i < nnodes; i++) {
		if (nodes[i].down_at < 0 || origins[nodes[i].origin].hidden)
			continue;
		d = nodes[i].down_at + S.cfg.hold;
		if (t < 0 || d < t)
			t = d;
	}
	return t;
}

void
cluster_timers(void)
{
	int i;

	if (!S.enabled)
		return;
	if (S.joined == 0 && S.now >= S.join_at)
		joined(2);
	for (i = 0; i < nnodes; i++)
		if (nodes[i].down_at >= 0 &&
		    S.now >= nodes[i].down_at + S.cfg.hold &&
		    !origins[nodes[i].origin].hidden) {
			err_log("%s: down for %lld s: its %u records withdrawn",
			    nodes[i].id, (long long)(S.cfg.hold / CLOCK_SEC),
			    origins[nodes[i].origin].nrec);
			table_hide(nodes[i].origin, 1);
		}
}
