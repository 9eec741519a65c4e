/*
 * Connections between nodes: TCP, the Noise handshake, encrypted frames,
 * a bounded queue each (peer.c); who may open one (admit.c); what travels
 * on them (sync.c).
 */
#ifndef DDNS_PEER_H
#define DDNS_PEER_H

#include <sys/socket.h>

#include <stdint.h>

#include "ddns-syncd.h"
#include "err.h"
#include "noise.h"
#include "wire.h"

#define HANDSHAKE_TIMEOUT	(5 * 1000000000LL)	/* a dial, to the reply */
#define OPEN_TIMEOUT		(1 * 1000000000LL)	/* an accepted one, to the
							   opening; then to the
							   first frame */
#define PEER_QUEUE_MAX		(8 << 20)	/* bytes queued to one peer */
#define BULK_LOW		(256 << 10)	/* refill a transfer below this */
#define PENDING_MAX		64		/* accepted, not authenticated */
#define PENDING_SOURCE		4		/* of those, from one address */
#define DIFF_WAIT_MAX		64		/* heartbeats between whole transfers */

enum sstate {
	SS_CONNECTING,		/* initiator: TCP connect in progress */
	SS_REPLY,		/* initiator: opening sent, waiting for reply */
	SS_OPEN,		/* responder: waiting for the opening */
	SS_CONFIRM,		/* responder: replied, waiting for a first frame */
	SS_UP,			/* authenticated both ways */
};

struct sess {
	struct watch w;
	int fd;
	int initiator;
	int node;			/* index in nodes[], -1 until known */
	enum sstate state;
	struct addr src;		/* accepted: where it comes from */
	char where[ID_MAX + 1];		/* its address, for the log */
	struct noise_hs hs;
	struct noise_cs tx, rx;
	int64_t deadline;		/* handshake end, or unheard too long */
	int64_t beat_at;
	uint8_t *in;			/* FRAME_HDR + FRAME_MAX */
	size_t inlen;
	uint8_t *out;			/* sealed frames to send */
	size_t outlen, outoff, outcap;
	uint32_t events;
	struct wr pend;			/* a records message being filled */
	int pend_adv;			/* its flags */
	/* a transfer to the peer, walking the table's slots */
	int bulk, bulk_full;
	size_t cursor;
	uint64_t bulk_hwm[ORIGINS_MAX];
	/* what the peer holds, by our origin index */
	uint64_t peer_hwm[ORIGINS_MAX];
	int peer_known;			/* its hello came */
	int awaiting;			/* a transfer from the peer is coming */
	int hello_later;		/* after the transfer under way elsewhere */
	uint32_t mark;			/* records it named in this transfer */
	unsigned diff_skip;		/* heartbeats before asking for the
					   whole table again */
	unsigned diff_wait;		/* the next such wait; 0: tables agree */
	int skew_logged;
	const char *doomed;		/* to be closed, and why */
	int dead;			/* closed; freed after this turn */
	struct sess *next;
};

extern struct sess *sessions;

/* peer.c */
void peer_listen(void);
void peer_unlisten(void);
void peer_dial(struct node *);
void peer_close(struct sess *, const char *why);
void peer_event(struct sess *, uint32_t events);
void peer_accept(void);
int peer_send(struct sess *, const struct wr *);	/* -1: closed */
void peer_flush_all(void);
void peer_reap(void);
int64_t peer_next(void);
void peer_timers(void);

/* sync.c */
void sync_up(struct sess *);			/* authenticated: say hello */
int sync_message(struct sess *, const uint8_t *, size_t);
void sync_beat(struct sess *);
void sync_pump(struct sess *);
void sync_flush(struct sess *);
void sync_collect(void);
void sync_drained(void);

/* admit.c: who may connect, and the log of those who may not */
struct addrinfo;
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

/* cluster.c */
int cluster_session_up(struct sess *);		/* -1: s was dropped */
void cluster_session_down(struct sess *, const char *why);
const struct sockaddr *cluster_addr(int node, unsigned *len);

#endif
