/*
 * The nodes of the cluster: dialling them, which are up, the join at
 * enable (the guide's "Creating new" or "Joined existing ipsec-ddns
 * cluster"), this node's drained flag, and when a dead node's records are
 * withdrawn from view.  It holds one session a peer, told by sync.c
 * through the sync_ops registered here, and tells the main loop that the
 * nodes or the join changed through the cluster_ops it registered.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "peer.h"
#include "rc.h"

#define BACKOFF_MIN	(CLOCK_SEC / 2)
#define BACKOFF_MAX	(10 * CLOCK_SEC)
#define STABLE		BACKOFF_MAX	/* a session that lasted is no failure */
/* Argon2id (RFC 9106): 32 MiB, 3 passes; about 0.1 s, once at enable. */
#define KDF_OPS		3
#define KDF_MEM		(32 << 20)

static struct node nodes[NODES_MAX];
static int nnodes;
static struct cluster_ops ops;		/* the main loop's */
static int enabled;			/* the cluster runs */
static int joined;			/* 0 joining, 1 joined, 2 created */
static int64_t join_at;			/* mono ns: give up waiting for peers */
static int self = -1;			/* our origin index */
static int drained;			/* ddns-ctl drain: out of pool answers */
static uint8_t key[32];			/* Argon2id of the secret */
static char keyfor[sizeof ddns_syncd.cfg.secret + sizeof ddns_syncd.cfg.domain];
static struct sockaddr_storage addrs[NODES_MAX];
static socklen_t addrlens[NODES_MAX];
static int64_t collect_at = -1;
/* By origin: the node that is it (-1: none), since when none is (0: yet) */
static int origin_node[ORIGINS_MAX];
static int64_t origin_gone[ORIGINS_MAX];

/* K = Argon2id(secret, salt from the domain), once per secret and domain. */
static void
derive_key(void)
{
	static const char salt_ctx[] = "vpnha ddns salt";
	uint8_t salt[crypto_pwhash_SALTBYTES];
	crypto_generichash_state st;
	char id[sizeof keyfor];

	snprintf(id, sizeof id, "%s\n%s", ddns_syncd.cfg.secret,
	    ddns_syncd.cfg.domain);
	if (strcmp(id, keyfor) == 0)
		return;
	crypto_generichash_init(&st, NULL, 0, sizeof salt);
	crypto_generichash_update(&st, (const uint8_t *)salt_ctx,
	    sizeof salt_ctx);
	crypto_generichash_update(&st, (const uint8_t *)ddns_syncd.cfg.domain,
	    strlen(ddns_syncd.cfg.domain));
	crypto_generichash_final(&st, salt, sizeof salt);
	if (crypto_pwhash(key, sizeof key, ddns_syncd.cfg.secret,
	    strlen(ddns_syncd.cfg.secret), salt, KDF_OPS, KDF_MEM,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		err_fatal(RC_TEMP, "out of memory for Argon2id");
	memcpy(keyfor, id, sizeof keyfor);
	sodium_memzero(id, sizeof id);
}

/*
 * Names are resolved here, at start and reload, never in the loop (but
 * for a peer whose name did not resolve, when it is dialled).  A peer is
 * dialled at the first address; every address, A and AAAA, is one a
 * connection from the node is admitted from (admit.c).
 */
static void
resolve(int i)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char port[8];
	int e;

	addrlens[i] = 0;
	admit_node(i, nodes[i].id, NULL);
	snprintf(port, sizeof port, "%u", ddns_syncd.cfg.port);
	if ((e = getaddrinfo(nodes[i].id, port, &hints, &res)) != 0) {
		err_warn("%s %s: unable to resolve: %s", i ? "peer" : "self",
		    nodes[i].id, gai_strerror(e));
		return;
	}
	memcpy(&addrs[i], res->ai_addr, res->ai_addrlen);
	addrlens[i] = res->ai_addrlen;
	admit_node(i, nodes[i].id, res);
	freeaddrinfo(res);
}

static void
dial(int i)
{
	if (addrlens[i] == 0)
		resolve(i);
	if (addrlens[i] != 0)
		peer_dial(i, nodes[i].id, (const struct sockaddr *)&addrs[i],
		    addrlens[i]);
}

static void
node_init(struct node *n, const char *id, int isself)
{
	memset(n, 0, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	n->self = isself;
	n->since = clock_wall();
	n->down_at = isself ? -1 : ddns_syncd.now;
	n->retry_at = isself ? -1 : ddns_syncd.now;
	n->backoff = BACKOFF_MIN;
	if ((n->origin = origin_get(id, strlen(id))) < 0)
		err_fatal(RC_TEMP, "too many nodes");
	origin_node[n->origin] = (int)(n - nodes);
	origin_gone[n->origin] = 0;
}

static void
nodes_build(void)
{
	int i;

	for (i = 0; i < ORIGINS_MAX; i++)
		origin_node[i] = -1;
	nnodes = 0;
	node_init(&nodes[nnodes], ddns_syncd.cfg.self, 1);
	resolve(nnodes++);
	for (i = 0; i < ddns_syncd.cfg.npeers; i++) {
		node_init(&nodes[nnodes], ddns_syncd.cfg.peer[i], 0);
		resolve(nnodes++);
	}
	admit_nodes(nnodes);
}

static void
join_over(int how)
{
	joined = how;
	err_log("%s", cluster_state());
	ops.state();
}

void
cluster_start(void)
{
	derive_key();
	nodes_build();
	self = nodes[0].origin;
	enabled = 1;
	joined = 0;
	drained = journal_load(self);
	sync_start(self, drained);
	join_at = ddns_syncd.now + ddns_syncd.cfg.join;
	collect_at = ddns_syncd.now + ddns_syncd.cfg.heartbeat;
	peer_start(key);
	ops.members();
	if (nnodes == 1)
		join_over(2);
}

/*
 * This node in or out of pool answers: said to every peer at once (each
 * tells its subscribers), and in the members file.
 */
void
cluster_drain(int d)
{
	drained = d;
	sync_drained(d);
	ops.members();
}

static int
up_peers(void)
{
	int i, n = 0;

	for (i = 1; i < nnodes; i++)
		n += nodes[i].up;
	return n;
}

void
cluster_stop(void)
{
	int i;

	if (!enabled)
		return;
	for (i = 1; i < nnodes; i++)
		if (nodes[i].sess != NULL)
			sync_bye(nodes[i].sess);
	peer_flush_all();
	peer_stop();
	enabled = 0;
	joined = 0;
	ops.state();
	err_log("left the cluster");
}

/*
 * The nodes again after a reload that kept the cluster: the peers still
 * listed keep their node (session, state, backoff), a new one is dialled,
 * a removed one is told this node leaves, loses its session and becomes
 * a stranger (strangers()).  Node I of the new list is self or peer I-1.
 */
static void
nodes_update(void)
{
	static struct node old[NODES_MAX];
	int map[NODES_MAX], kept[NODES_MAX] = { 0 }, nold = nnodes, i, j;

	map[0] = 0;
	for (i = 1; i < nold; i++) {
		for (j = 0; j < ddns_syncd.cfg.npeers; j++)
			if (strcmp(nodes[i].id, ddns_syncd.cfg.peer[j]) == 0)
				break;
		map[i] = j < ddns_syncd.cfg.npeers ? j + 1 : -1;
	}
	for (i = 1; i < nold; i++)
		if (map[i] < 0 && nodes[i].sess != NULL)
			sync_bye(nodes[i].sess);
	peer_flush_all();
	peer_renumber(map);
	memcpy(old, nodes, sizeof old);
	for (i = 0; i < ORIGINS_MAX; i++)
		origin_node[i] = -1;
	for (i = 0; i < nold; i++)
		if (map[i] >= 0) {
			nodes[map[i]] = old[i];
			kept[map[i]] = 1;
		}
	nnodes = 1 + ddns_syncd.cfg.npeers;
	for (i = 0; i < nnodes; i++) {
		if (!kept[i])
			node_init(&nodes[i], ddns_syncd.cfg.peer[i - 1], 0);
		origin_node[nodes[i].origin] = i;
		resolve(i);
	}
	admit_nodes(nnodes);
}

/*
 * The guide's commit: a reload that keeps who this node is and how the
 * cluster speaks (self, secret, domain, port) applies only the difference
 * of peers and timers, and answers with the cluster line again at once if
 * a peer is up, else after a new join time.  Any other change leaves the
 * cluster and joins it again.
 */
void
cluster_reload(const struct cfg *old)
{
	const struct cfg *cfg = &ddns_syncd.cfg;

	if (enabled && cfg->enable && strcmp(old->self, cfg->self) == 0 &&
	    strcmp(old->secret, cfg->secret) == 0 &&
	    strcmp(old->domain, cfg->domain) == 0 && old->port == cfg->port) {
		nodes_update();
		ops.members();
		if (up_peers() > 0)
			join_over(1);
		else {
			joined = 0;
			join_at = ddns_syncd.now + ddns_syncd.cfg.join;
		}
		return;
	}
	if (enabled)
		cluster_stop();
	if (ddns_syncd.cfg.enable)
		cluster_start();
}

/* Of two sessions with one peer, the one dialled by the lower identity. */
static int
session_up(struct sess *s)
{
	struct node *n = &nodes[s->node];
	struct sess *old = n->sess;
	int lower_dialled = (strcmp(ddns_syncd.cfg.self, n->id) < 0) ==
	    s->initiator;

	if (old != NULL) {
		if (!lower_dialled)
			return -1;	/* not the node's: closes quietly */
		n->sess = NULL;
		peer_close(old, NULL);
	}
	n->sess = s;
	n->lasterr[0] = '\0';
	if (n->up)
		return 0;
	n->up = 1;
	n->since = clock_wall();
	n->down_at = -1;
	n->up_at = ddns_syncd.now;
	n->retry_at = -1;
	err_log("peer %s: up", n->id);
	table_hide(n->origin, 0);
	ops.members();
	if (joined == 0)
		join_over(1);
	return 0;
}

/* A session we dialled that failed: said once, until the reason changes. */
static void
dial_failed(struct node *n, const char *why)
{
	if (strcmp(n->lasterr, why) == 0)
		return;
	snprintf(n->lasterr, sizeof n->lasterr, "%s", why);
	err_warn("peer %s: %s", n->id, why);
}

static void
session_down(struct sess *s, const char *why)
{
	struct node *n;

	if (s->node < 0)
		return;
	n = &nodes[s->node];
	if (n->sess != s) {
		if (why != NULL && s->initiator)
			dial_failed(n, why);
		if (s->initiator && n->retry_at < 0 && !n->up) {
			n->retry_at = ddns_syncd.now + n->backoff;
			n->backoff = n->backoff * 2 > BACKOFF_MAX ?
			    BACKOFF_MAX : n->backoff * 2;
		}
		return;
	}
	n->sess = NULL;
	n->up = 0;
	n->heard = 0;
	n->drained = 0;
	n->since = clock_wall();
	n->down_at = ddns_syncd.now;
	if (ddns_syncd.now - n->up_at >= STABLE) {
		n->backoff = BACKOFF_MIN;
		n->retry_at = ddns_syncd.now + BACKOFF_MIN / 2;
		err_log("peer %s: down (%s)", n->id, why ? why : "closed");
	} else {
		/*
		 * Failed soon after it came up (a message the peer refuses,
		 * say): as a failed dial, the next waits longer each time,
		 * not a reconnection every 250 ms for ever.
		 */
		n->retry_at = ddns_syncd.now + n->backoff;
		err_log("peer %s: down (%s) %lld ms after it came up; dialling "
		    "again in %lld ms", n->id, why ? why : "closed",
		    (long long)((ddns_syncd.now - n->up_at) / CLOCK_MS),
		    (long long)(n->backoff / CLOCK_MS));
		n->backoff = n->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
		    n->backoff * 2;
	}
	ops.members();
}

/*
 * The peer's own state, from its hello or beat: only the node itself says
 * whether it is drained, and it says so on every connection and with
 * every heartbeat, so nothing else needs to carry it.
 */
static void
session_said(struct sess *s, int d)
{
	struct node *n = &nodes[s->node];

	if (d != n->drained)
		err_log("peer %s: %s", n->id, d ? "drained" :
		    "undrained, back in the pool");
	n->heard = 1;
	n->drained = d;
}

void
cluster_init(const struct cluster_ops *o)
{
	static const struct sync_ops sync = { session_up, session_down,
	    session_said };

	ops = *o;
	sync_init(&sync);
}

void
cluster_event(struct watch *w, uint32_t events)
{
	if (w->kind == W_LISTEN)
		peer_accept();
	else
		peer_event(w->p, events);
}

/* At the end of a turn of the loop: what sessions have to send, sent. */
void
cluster_flush(void)
{
	if (enabled)
		peer_flush_all();
	peer_reap();
}

int64_t
cluster_next(void)
{
	int64_t t = peer_next(), d;
	int i;

#define EARLIER(x) do { d = (x); if (d >= 0 && (t < 0 || d < t)) t = d; } while (0)
	if (!enabled)
		return -1;
	EARLIER(sync_next());
	if (joined == 0)
		EARLIER(join_at);
	EARLIER(collect_at);
	for (i = 0; i < table_origins(); i++)
		if (origin_node[i] < 0 && !origins[i].hidden)
			EARLIER(origin_gone[i] + ddns_syncd.cfg.hold);
	for (i = 1; i < nnodes; i++) {
		if (nodes[i].down_at >= 0 && !origins[nodes[i].origin].hidden)
			EARLIER(nodes[i].down_at + ddns_syncd.cfg.hold);
		if (!nodes[i].up && !peer_dialling(i))
			EARLIER(nodes[i].retry_at);
	}
#undef EARLIER
	return t;
}

/*
 * The records of a node that no configured node is: one the guide's
 * procedure removed (disable on it, delete its peer statement on the
 * others, commit), or one only other nodes list.  No session will say it
 * is down, or back: they go as a dead node's do, hold-time after this
 * node stopped listing it (or first heard of it), unless a newer record
 * of a live node (the gateway connected elsewhere) replaced them.
 */
static void
strangers(void)
{
	const struct origin *g;
	int o;

	for (o = 0; o < table_origins(); o++) {
		g = &origins[o];
		if (origin_node[o] >= 0 || g->hidden)
			continue;
		if (origin_gone[o] == 0)
			origin_gone[o] = ddns_syncd.now;
		if (ddns_syncd.now < origin_gone[o] + ddns_syncd.cfg.hold)
			continue;
		if (g->nrec > 0)
			err_log("node %s: not a configured node; its %u records "
			    "withdrawn after %lld s", g->id, g->nrec,
			    (long long)(ddns_syncd.cfg.hold / CLOCK_SEC));
		table_hide(o, 1);
	}
}

void
cluster_timers(void)
{
	struct node *n;
	int i;

	if (!enabled)
		return;
	peer_timers();
	sync_timers();
	if (joined == 0 && ddns_syncd.now >= join_at)
		join_over(2);
	if (collect_at >= 0 && ddns_syncd.now >= collect_at) {
		sync_collect(nnodes - 1);
		journal_retry();
		collect_at = ddns_syncd.now + ddns_syncd.cfg.heartbeat;
	}
	strangers();
	for (i = 1; i < nnodes; i++) {
		n = &nodes[i];
		if (!n->up && n->retry_at >= 0 && ddns_syncd.now >= n->retry_at &&
		    !peer_dialling(i)) {
			n->retry_at = -1;
			dial(i);
		}
		if (n->down_at >= 0 &&
		    ddns_syncd.now >= n->down_at + ddns_syncd.cfg.hold &&
		    !origins[n->origin].hidden) {
			err_log("peer %s: down for %lld s: its %u records "
			    "withdrawn", n->id,
			    (long long)(ddns_syncd.cfg.hold / CLOCK_SEC),
			    origins[n->origin].nrec);
			table_hide(n->origin, 1);
		}
	}
}

int
cluster_enabled(void)
{
	return enabled;
}

/* The join is over: this node joined, or created the cluster. */
int
cluster_joined(void)
{
	return enabled && joined != 0;
}

const char *
cluster_state(void)
{
	if (!enabled)
		return "disabled";
	switch (joined) {
	case 1:
		return MSG_JOINED;
	case 2:
		return MSG_CREATED;
	}
	return "joining";
}

int
cluster_self(void)
{
	return self;
}

int
cluster_drained(void)
{
	return drained;
}

int
cluster_nodes(void)
{
	return nnodes;
}

const struct node *
cluster_node(int i)
{
	return &nodes[i];
}

/*
 * A node in a pool, as `@` lines and the fifth word of `members` say it.
 * A peer counts as up once it has said whether it is drained (its hello,
 * or a beat), so that a drained node that comes back is never announced
 * up for the moment in between.
 */
enum feed_state
cluster_pool(int i)
{
	const struct node *n = &nodes[i];

	if (n->self)
		return drained ? FEED_DRAINED : FEED_UP;
	if (!n->up || !n->heard)
		return FEED_DOWN;
	return n->drained ? FEED_DRAINED : FEED_UP;
}
