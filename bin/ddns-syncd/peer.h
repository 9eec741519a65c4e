/*
 * peer.c: connections between nodes; TCP, the Noise handshake (noise.c)
 * in the clear messages of wire.h, then encrypted frames, a bounded queue
 * each.  The layer above, sync.c, registers what a session coming up,
 * going down, bringing a message and ending a turn does (struct
 * peer_ops): peer.c calls nothing above it by name.  Who may connect is
 * admit.c's.
 */
#ifndef DDNS_PEER_H
#define DDNS_PEER_H

#include <sys/socket.h>

#include <stdint.h>

#include "ddns-syncd.h"
#include "noise.h"
#include "wire.h"

#define HANDSHAKE_TIMEOUT	(5 * 1000000000LL)	/* a dial, to the reply */
#define OPEN_TIMEOUT		(1 * 1000000000LL)	/* an accepted one, to the
							   opening; then to the
							   first frame */
#define PEER_QUEUE_MAX		(8 << 20)	/* bytes queued to one peer */
#define PENDING_MAX		64		/* accepted, not authenticated */
#define PENDING_SOURCE		4		/* of those, from one address */

enum sstate {
	SS_CONNECTING,		/* initiator: TCP connect in progress */
	SS_REPLY,		/* initiator: opening sent, waiting for reply */
	SS_OPEN,		/* responder: waiting for the opening */
	SS_CONFIRM,		/* responder: replied, waiting for a first frame */
	SS_UP,			/* authenticated both ways */
};

/*
 * A connection.  The layers above read node, id and initiator, and keep
 * their own state of it in above; the rest is peer.c's.
 */
struct sess {
	int node;			/* index of its node, -1 until known */
	char id[ID_MAX + 1];		/* that node's identity, once known */
	int initiator;
	void *above;			/* sync.c's state of it, once up */
	struct watch w;
	int fd;
	enum sstate state;
	struct addr src;		/* accepted: where it comes from */
	struct noise_hs hs;
	struct noise_cs tx, rx;
	int64_t deadline;		/* handshake end, or unheard too long */
	uint8_t *in;			/* FRAME_HDR + FRAME_MAX */
	size_t inlen;
	uint8_t *out;			/* sealed frames to send */
	size_t outlen, outoff, outcap;
	uint32_t events;
	const char *doomed;		/* to be closed, and why */
	int dead;			/* closed; freed after this turn */
	struct sess *next;
};

struct peer_ops {
	/* Authenticated both ways: 0 kept, -1 not (closed quietly). */
	int (*up)(struct sess *);
	/* Closed: why, or NULL when closed quietly. */
	void (*down)(struct sess *, const char *why);
	/* A message of an authenticated session. */
	void (*message)(struct sess *, const uint8_t *, size_t);
	/* The end of a turn of the loop, before its queue is written. */
	void (*turn)(struct sess *);
	/* More to queue once the socket has room (a transfer under way). */
	int (*more)(struct sess *);
};

void peer_init(const struct peer_ops *);
void peer_start(const uint8_t key[32]);	/* listen; K for every handshake */
void peer_stop(void);			/* every session closed, quietly */
void peer_dial(int node, const char *id, const struct sockaddr *,
    unsigned len);
void peer_accept(void);
void peer_event(struct sess *, uint32_t events);
void peer_close(struct sess *, const char *why);
void peer_doom(struct sess *, const char *why);	/* closed when it flushes */
int peer_live(const struct sess *);	/* up, and not doomed */
int peer_send(struct sess *, const struct wr *);	/* -1: closed */
size_t peer_queued(const struct sess *);	/* bytes not yet written */
/* Sessions authenticated both ways; in *queued the bytes of all unsent. */
int peer_count(size_t *queued);
/*
 * Handshakes that failed, by reason: the refusals of wire.h (REFUSE_*,
 * said or heard), then the ones no refusal names.
 */
enum { HS_MALFORMED = REFUSE_LAST + 1, HS_TIMEOUT, HS_CONNECT, HS_REASONS };
extern uint64_t peer_failed[HS_REASONS];
extern const char *const peer_failed_name[HS_REASONS];	/* [0] unused */
/* Node i is now map[i]; a session of a node mapped to -1 closes quietly. */
void peer_renumber(const int *map);
int peer_dialling(int node);
void peer_flush_all(void);		/* once a turn */
void peer_reap(void);			/* after the turn */
int64_t peer_next(void);
void peer_timers(void);

#endif
