/*
 * The nodes of the cluster: dialling them, which are up, the join at
 * enable (the guide's "Creating new" or "Joined existing ipsec-ddns
 * cluster"), and when a dead node's records are withdrawn from view.
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

struct node nodes[NODES_MAX];
int nnodes;

static struct sockaddr_storage addrs[NODES_MAX];
static socklen_t addrlens[NODES_MAX];
static int64_t collect_at = -1;
/* By origin: the node that is it (-1: none), since when none is (0: yet) */
static int origin_node[ORIGINS_MAX];
static int64_t origin_gone[ORIGINS_MAX];
static char keyfor[sizeof S.cfg.secret + sizeof S.cfg.domain];

/* K = Argon2id(secret, salt from the domain), once per secret and domain. */
static void
derive_key(void)
{
	static const char ctx[] = "vpnha ddns salt";
	uint8_t salt[crypto_pwhash_SALTBYTES];
	crypto_generichash_state st;
	char id[sizeof keyfor];

	snprintf(id, sizeof id, "%s\n%s", S.cfg.secret, S.cfg.domain);
	if (strcmp(id, keyfor) == 0)
		return;
	crypto_generichash_init(&st, NULL, 0, sizeof salt);
	crypto_generichash_update(&st, (const uint8_t *)ctx, sizeof ctx);
	crypto_generichash_update(&st, (const uint8_t *)S.cfg.domain,
	    strlen(S.cfg.domain));
	crypto_generichash_final(&st, salt, sizeof salt);
	if (crypto_pwhash(S.key, sizeof S.key, S.cfg.secret,
	    strlen(S.cfg.secret), salt, KDF_OPS, KDF_MEM,
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
	snprintf(port, sizeof port, "%u", S.cfg.port);
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

const struct sockaddr *
cluster_addr(int i, unsigned *len)
{
	if (addrlens[i] == 0)
		resolve(i);
	*len = addrlens[i];
	return addrlens[i] ? (const struct sockaddr *)&addrs[i] : NULL;
}

static void
node_init(struct node *n, const char *id, int self)
{
	memset(n, 0, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	n->self = self;
	n->since = clock_wall();
	n->down_at = self ? -1 : S.now;
	n->retry_at = self ? -1 : S.now;
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
	node_init(&nodes[nnodes], S.cfg.self, 1);
	resolve(nnodes++);
	for (i = 0; i < S.cfg.npeers; i++) {
		node_init(&nodes[nnodes], S.cfg.peer[i], 0);
		resolve(nnodes++);
	}
	admit_nodes(nnodes);
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
	derive_key();
	nodes_build();
	S.self = nodes[0].origin;
	S.enabled = 1;
	S.joined = 0;
	S.drained = journal_load(S.self);
	S.join_at = S.now + S.cfg.join;
	collect_at = S.now + S.cfg.heartbeat;
	peer_listen();
	status_members();
	if (nnodes == 1)
		joined(2);
}

void
cluster_drained(void)
{
	sync_drained();
	status_members();
}

/* Leaving: a peer told so marks this node down at once. */
static void
bye(struct sess *s)
{
	static struct wr q = { .b = { 'q' }, .n = 1 };

	peer_send(s, &q);
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
	struct sess *s;

	if (!S.enabled)
		return;
	for (s = sessions; s != NULL; s = s->next)
		if (s->state == SS_UP)
			bye(s);
	peer_flush_all();
	while (sessions != NULL)
		peer_close(sessions, NULL);
	peer_unlisten();
	S.enabled = 0;
	S.joined = 0;
	status_cluster();
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
	struct sess *s, *next;

	map[0] = 0;
	for (i = 1; i < nold; i++) {
		for (j = 0; j < S.cfg.npeers; j++)
			if (strcmp(nodes[i].id, S.cfg.peer[j]) == 0)
				break;
		map[i] = j < S.cfg.npeers ? j + 1 : -1;
	}
	for (s = sessions; s != NULL; s = s->next)
		if (s->node > 0 && map[s->node] < 0 && s->state == SS_UP)
			bye(s);
	peer_flush_all();
	for (s = sessions; s != NULL; s = next) {
		next = s->next;
		if (s->node >= 0 && (s->node = map[s->node]) < 0)
			peer_close(s, NULL);
	}
	memcpy(old, nodes, sizeof old);
	for (i = 0; i < ORIGINS_MAX; i++)
		origin_node[i] = -1;
	for (i = 0; i < nold; i++)
		if (map[i] >= 0) {
			nodes[map[i]] = old[i];
			kept[map[i]] = 1;
		}
	nnodes = 1 + S.cfg.npeers;
	for (i = 0; i < nnodes; i++) {
		if (!kept[i])
			node_init(&nodes[i], S.cfg.peer[i - 1], 0);
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
	if (S.enabled && S.cfg.enable && strcmp(old->self, S.cfg.self) == 0 &&
	    strcmp(old->secret, S.cfg.secret) == 0 &&
	    strcmp(old->domain, S.cfg.domain) == 0 && old->port == S.cfg.port) {
		nodes_update();
		status_members();
		if (up_peers() > 0)
			joined(1);
		else {
			S.joined = 0;
			S.join_at = S.now + S.cfg.join;
		}
		return;
	}
	if (S.enabled)
		cluster_stop();
	if (S.cfg.enable)
		cluster_start();
}

/* Of two sessions with one peer, the one dialled by the lower identity. */
int
cluster_session_up(struct sess *s)
{
	struct node *n = &nodes[s->node];
	struct sess *old = n->sess;
	int lower_dialled = (strcmp(S.cfg.self, n->id) < 0) == s->initiator;

	if (old != NULL) {
		if (!lower_dialled) {
			s->node = -1;	/* not the node's: closes quietly */
			peer_close(s, NULL);
			return -1;
		}
		n->sess = NULL;
		old->node = -1;
		peer_close(old, NULL);
	}
	n->sess = s;
	sync_up(s);
	if (n->up)
		return 0;
	n->up = 1;
	n->since = clock_wall();
	n->down_at = -1;
	n->up_at = S.now;
	n->retry_at = -1;
	err_log("peer %s: up", n->id);
	table_hide(n->origin, 0);
	status_members();
	if (S.joined == 0)
		joined(1);
	return 0;
}

void
cluster_session_down(struct sess *s, const char *why)
{
	struct node *n;

	if (s->node < 0)
		return;
	n = &nodes[s->node];
	if (n->sess != s) {
		if (s->initiator && n->retry_at < 0 && !n->up) {
			n->retry_at = S.now + n->backoff;
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
	n->down_at = S.now;
	if (S.now - n->up_at >= STABLE) {
		n->backoff = BACKOFF_MIN;
		n->retry_at = S.now + BACKOFF_MIN / 2;
		err_log("peer %s: down (%s)", n->id, why ? why : "closed");
	} else {
		/*
		 * Failed soon after it came up (a message the peer refuses,
		 * say): as a failed dial, the next waits longer each time,
		 * not a reconnection every 250 ms for ever.
		 */
		n->retry_at = S.now + n->backoff;
		err_log("peer %s: down (%s) %lld ms after it came up; dialling "
		    "again in %lld ms", n->id, why ? why : "closed",
		    (long long)((S.now - n->up_at) / CLOCK_MS),
		    (long long)(n->backoff / CLOCK_MS));
		n->backoff = n->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
		    n->backoff * 2;
	}
	status_members();
}

void
cluster_event(struct watch *w, uint32_t events)
{
	if (w->kind == W_LISTEN)
		peer_accept();
	else
		peer_event(w->p, events);
}

static int
dialling(int i)
{
	const struct sess *s;

	for (s = sessions; s != NULL; s = s->next)
		if (s->node == i && s->initiator)
			return 1;
	return 0;
}

int64_t
cluster_next(void)
{
	int64_t t = peer_next(), d;
	int i;

#define EARLIER(x) do { d = (x); if (d >= 0 && (t < 0 || d < t)) t = d; } while (0)
	if (!S.enabled)
		return -1;
	if (S.joined == 0)
		EARLIER(S.join_at);
	EARLIER(collect_at);
	for (i = 0; i < table_origins(); i++)
		if (origin_node[i] < 0 && !origins[i].hidden)
			EARLIER(origin_gone[i] + S.cfg.hold);
	for (i = 1; i < nnodes; i++) {
		if (nodes[i].down_at >= 0 && !origins[nodes[i].origin].hidden)
			EARLIER(nodes[i].down_at + S.cfg.hold);
		if (!nodes[i].up && !dialling(i))
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
			origin_gone[o] = S.now;
		if (S.now < origin_gone[o] + S.cfg.hold)
			continue;
		if (g->nrec > 0)
			err_log("node %s: not a configured node; its %u records "
			    "withdrawn after %lld s", g->id, g->nrec,
			    (long long)(S.cfg.hold / CLOCK_SEC));
		table_hide(o, 1);
	}
}

void
cluster_timers(void)
{
	struct node *n;
	int i;

	if (!S.enabled)
		return;
	peer_timers();
	if (S.joined == 0 && S.now >= S.join_at)
		joined(2);
	if (collect_at >= 0 && S.now >= collect_at) {
		sync_collect();
		journal_retry();
		collect_at = S.now + S.cfg.heartbeat;
	}
	strangers();
	for (i = 1; i < nnodes; i++) {
		n = &nodes[i];
		if (!n->up && n->retry_at >= 0 && S.now >= n->retry_at &&
		    !dialling(i)) {
			n->retry_at = -1;
			peer_dial(n);
		}
		if (n->down_at >= 0 && S.now >= n->down_at + S.cfg.hold &&
		    !origins[n->origin].hidden) {
			err_log("peer %s: down for %lld s: its %u records "
			    "withdrawn", n->id,
			    (long long)(S.cfg.hold / CLOCK_SEC),
			    origins[n->origin].nrec);
			table_hide(n->origin, 1);
		}
	}
}
