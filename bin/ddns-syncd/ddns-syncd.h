/*
 * ddns-syncd: what each of its files exports, one section a file, from the
 * bottom of the stack up (the map is at the top of ddns-syncd.c); peer.c's
 * is peer.h, and the codecs have wire.h and noise.h.
 */
#ifndef DDNS_SYNCD_H
#define DDNS_SYNCD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl_ddns.h"
#include "feed.h"
#include "err.h"
#include "loop.h"

#include "gwid.h"

#define DDNS_PORT	9100		/* the guide's TCP port */
#define NODES_MAX	32		/* configured nodes, self included */
#define ORIGINS_MAX	64		/* nodes a record may come from */
#define ID_MAX		253		/* a node identity: address or name */
#define SKEW_MAX_MS	60000		/* a stamp further ahead is refused */

#define MSG_JOINED	"Joined existing ipsec-ddns cluster"
#define MSG_CREATED	"Creating new ipsec-ddns cluster"

/* --------------------------------------------------------- config.c */

struct cfg {
	int present;			/* service ipsec-ddns is there at all */
	int enable;
	char secret[257];
	char domain[GWID_NAME_MAX + 1];
	char self[ID_MAX + 1];
	int npeers;
	char peer[NODES_MAX - 1][ID_MAX + 1];
	unsigned port;
	int64_t heartbeat;		/* ns between heartbeats */
	int64_t hold;			/* ns a dead node's records stay */
	int64_t join;			/* ns to wait for a peer at enable */
	int64_t ttl;			/* ns a tombstone lives at most */
};

/* RC_OK, or RC_USAGE / RC_TEMP with "FILE:LINE: why" in err. */
int config_load(const char *path, struct cfg *, char *err, size_t size);

/* ------------------------------------------------------------ hlc.c */

/*
 * Hybrid logical clock stamps: 48 bits of wall-clock milliseconds, 16 bits
 * of counter, so that stamps compare as integers and follow causality even
 * when wall clocks disagree.  This node's clock is hlc.c's.
 */
#define HLC_MS(s)	((int64_t)((s) >> 16))
#define HLC_CTR(s)	((unsigned)((s) & 0xffff))

int64_t wall_ms(void);
uint64_t hlc_stamp(void);		/* a change of ours: the next stamp */
int hlc_seen(uint64_t remote);		/* -1: too far ahead, refused */
void hlc_raise(uint64_t own);		/* our own, from the journal */
uint64_t hlc_now(void);

/* ----------------------------------------------------------- addr.c */

struct addr {
	uint8_t af;			/* 4 or 6; 0 in a tombstone */
	uint8_t a[16];
};

const char *addr_fmt(const struct addr *, char *buf, size_t size);
int addr_parse(const char *, struct addr *);	/* 0, or -1 */

/* ---------------------------------------------------------- table.c */

#define R_DELETED	0x01		/* a tombstone */

struct rec {
	uint64_t stamp;
	struct addr addr;
	uint8_t origin;			/* index in the origin table */
	uint8_t flags;
	uint8_t len;			/* of label; 0: a free slot */
	char label[GWID_LABEL_MAX + 1];
	uint32_t mark;			/* last full transfer that named it */
};

struct origin {
	char id[ID_MAX + 1];
	uint64_t hwm;			/* we hold all it published up to this */
	uint64_t gc;			/* newest tombstone of it collected */
	unsigned nrec;			/* live records it originated */
	int hidden;			/* down past the hold time */
};

/*
 * A record changed: what it was (NULL if new) and whether readers saw it,
 * what it is (NULL if forgotten) and whether they see it now.
 */
typedef void (*table_fn)(const struct rec *old, int oldvis,
    const struct rec *now, int nowvis);

void table_init(table_fn);
int origin_get(const char *id, size_t len);	/* -1 if the table is full */
extern const struct origin *const origins;	/* written by table.c only */
int table_origins(void);			/* how many */
void table_mark(int origin, uint64_t hwm);	/* raised, never lowered */
void table_collect(struct rec *tombstone);	/* forgotten, its gc raised */

struct rec *table_find(const char *label, size_t len);
/*
 * Merge a record by the rule: the higher (stamp, origin identity) wins.
 * Returns the record now held if r won, else NULL.
 */
struct rec *table_merge(const struct rec *r);
void table_remove(struct rec *);		/* forget it entirely */
void table_hide(int origin, int hidden);
/* The highest stamp held or ever held; a hide or unhide raises it. */
uint64_t table_hwm(void);
#define VIEW_STEP_MS	10	/* ddns-named's serial unit */
/* Record slots in a stable order (a cursor survives changes). */
size_t table_slots(void);
struct rec *table_slot(size_t i);		/* NULL for a free slot */
size_t table_live(void);
size_t table_tombstones(void);
uint64_t table_digest(void);			/* of the live records */
int rec_newer(const struct rec *a, const struct rec *b);
int rec_visible(const struct rec *);

/* -------------------------------------------------------- journal.c */

int journal_load(int self);		/* self's origin; 1 if drained */
void journal_change(const struct rec *old, const struct rec *now);
void journal_drained(int drained);
void journal_retry(void);		/* a journal that failed, again */
const char *journal_failing(void);	/* why it cannot be written, or NULL */
/*
 * The lines of f into the table, as records of origin self (name for
 * messages; *drained set by drained and undrained lines); the text of
 * self's records, malloc'd.
 */
void journal_read(FILE *f, const char *name, int self, int *drained);
char *journal_text(int self, int drained, size_t *len, size_t *records);

/* ---------------------------------------------------------- admit.c */

/* Who may connect, and the log of those who may not. */
struct addrinfo;
struct sockaddr;
void admit_addr(const struct sockaddr *, struct addr *);
int admit_same(const struct addr *, const struct addr *);
/* The configured nodes, self first: how many, and each id's addresses. */
void admit_nodes(int n);
void admit_node(int node, const char *id, const struct addrinfo *);
int admit_find(const char *id);			/* a peer's index, or -1 */
int admit_is(int node, const struct addr *);	/* an address of that node */
int admit_known(const struct addr *);		/* of any configured node */
const struct addr *admit_self(int af);		/* self's of family 4 or 6 */
/* "peer SOURCE: ...", a few lines about a source, then one in a while */
void admit_log(const struct addr *, const char *fmt, ...)
    ERR_PRINTF(2, 3);

/* ----------------------------------------------------------- sync.c */

/*
 * What nodes tell each other, on the sessions of peer.c (peer.h).  The
 * cluster registers what a session kept or not, closed, and a peer's own
 * drained flag do.
 */
struct sess;
struct sync_ops {
	int (*up)(struct sess *);	/* authenticated: 0 kept, -1 not */
	void (*down)(struct sess *, const char *why);	/* why NULL: quietly */
	void (*said)(struct sess *, int drained);	/* in its hello, a beat */
};
void sync_init(const struct sync_ops *);
void sync_start(int self, int drained);	/* our origin, our flag */
void sync_drained(int drained);		/* said at once to every peer */
void sync_push(const struct rec *);	/* a change of ours, to every peer */
void sync_bye(struct sess *);		/* leaving: that peer told */
void sync_collect(int peers);		/* tombstones every peer holds */
int64_t sync_next(void);
void sync_timers(void);			/* heartbeats */

/* -------------------------------------------------------- cluster.c */

/* The nodes, and what the daemon does with them. */
struct node {
	char id[ID_MAX + 1];
	int self;
	int origin;			/* its index in the origin table */
	int up;				/* an authenticated session is open */
	int heard;			/* its hello or a beat came on it */
	int drained;			/* as it last said, while heard */
	int64_t since;			/* wall ns of the last change of up */
	int64_t down_at;		/* mono ns it went down; -1 if up */
	struct sess *sess;		/* the session kept, NULL if none */
	int64_t retry_at;		/* mono ns of the next dial, -1 none */
	int64_t backoff;		/* ns before the next dial after a failure */
	int64_t up_at;			/* mono ns its session came up */
	char lasterr[160];		/* logged once, until it changes */
};
/* What the main loop is told: the nodes changed, the join line did. */
struct cluster_ops {
	void (*members)(void);
	void (*state)(void);
};
void cluster_init(const struct cluster_ops *);
void cluster_start(void);
void cluster_stop(void);
void cluster_reload(const struct cfg *old);
void cluster_event(struct watch *, uint32_t events);
void cluster_timers(void);
int64_t cluster_next(void);
void cluster_flush(void);		/* at the end of a turn */
void cluster_drain(int drained);	/* this node, out of pool answers */
int cluster_enabled(void);
int cluster_joined(void);		/* joined, or created it */
const char *cluster_state(void);	/* the guide's line, or what else */
int cluster_self(void);			/* our origin */
int cluster_drained(void);
int cluster_nodes(void);		/* how many, self the first */
const struct node *cluster_node(int);
enum feed_state cluster_pool(int);	/* a node in a pool */

/* --------------------------------------------------------- status.c */

/* State a shell can read: RUN/ddns/cluster, members; the control's text. */
typedef void (*line_fn)(void *arg, const char *line);
/* The lines of a control request's reply: 0, or -1 out of memory. */
int status_each(line_fn, void *);
int status_members_each(line_fn, void *);
int status_records_each(line_fn, void *);
void status_cluster(void);
void status_members(void);

/* ---------------------------------------------------------- local.c */

/* What a control request does to this node's records and flag. */
int local_up(const char *label, const struct addr *, char *why, size_t);
int local_down(const char *label, const struct addr *, char *why, size_t);
void local_drain(int drained);

/* ------------------------------------------------------ subscribe.c */

/* The feed (lib/feed.h) to subscribers of the control socket. */
struct ctl_conn;
/* A subscriber has more to be written (cut 0), or is cut off (cut 1). */
typedef void (*subscribe_fn)(void *client, int cut);
void subscribe_init(subscribe_fn);
void subscribe_add(void *client, struct ctl_conn *);	/* the snapshot */
void subscribe_leave(void *client);
void subscribe_change(const struct rec *old, int oldvis, const struct rec *now,
    int nowvis);
void subscribe_members(void);		/* once a turn: @ lines */
void subscribe_high(void);		/* once a turn: the high-water */

/* -------------------------------------------------------- request.c */

struct request {
	enum ctl_ddns verb;
	char label[GWID_LABEL_MAX + 1];
	struct addr addr;		/* af 0: none given */
};
/* Parse a request line (changed in place); -1 with *why if it is bad. */
int request_parse(char *line, struct request *, const char **why);

/* -------------------------------------------------------- control.c */

void control_open(void);
void control_close(void);
void control_accept(void);
void control_event(void *client, uint32_t events);
void control_timers(void);
void control_reap(void);
int64_t control_next(void);

/* -------------------------------------------------------- metrics.c */

void metrics_start(void);	/* as root: the link in RUN/metrics */
void metrics_turn(void);	/* once a turn: written when due */
void metrics_change(const struct rec *now);	/* a change of the table */
int64_t metrics_next(void);	/* a write due later, or -1 */

/* ----------------------------------------------------- ddns-syncd.c */

/*
 * The options, the configuration and the loop's clock: written by the main
 * loop only (the configuration at start and at a reload), read anywhere.
 */
struct syncd {
	const char *conf;
	const char *run;
	const char *user;
	gid_t gid;			/* -g: of the control socket, or -1 */
	const char *listen;		/* -l */
	char dir[4096];			/* RUN/ddns */
	struct cfg cfg;
	int64_t now;			/* mono ns, this iteration */
};
extern struct syncd ddns_syncd;

/* The event loop: every descriptor is watched with a struct watch. */
enum wkind { W_SIG, W_TIMER, W_CTL, W_CLIENT, W_LISTEN, W_PEER };

#endif
