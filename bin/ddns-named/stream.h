/*
 * A DNS stream over TCP (RFC 1035 4.2.2, RFC 7766): length-prefixed
 * messages in, length-prefixed answers out, kept apart from the sockets
 * so that the fuzz target drives the same code the server runs.
 *
 * The input is read at in + len and consumed from off: answering moves
 * off only, and the unread rest goes back to the start once per read
 * (stream_room), never once per message.  Answers are written one after
 * another into out, as long as room for the largest is left, and sent
 * together.
 */
#ifndef DDNS_NAMED_STREAM_H
#define DDNS_NAMED_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "xfr.h"

#define STREAM_MSG	(2 + DNS_TCP_MAX)	/* a length and a message */

struct stream {
	struct peer peer;		/* who is at the other end */
	struct xfr *x;			/* a transfer going out, or NULL */
	size_t off, len;		/* in[off, len): not yet answered */
	size_t outoff, outlen;		/* out[outoff, outlen): not yet sent */
	uint8_t in[STREAM_MSG];
	uint8_t out[2 * STREAM_MSG];
};

/* Called for every message answered or not (the query log). */
typedef void stream_log(void *arg, const uint8_t *q, const struct qinfo *);

void stream_init(struct stream *);
/* The end of the connection: a transfer still going out is dropped. */
void stream_free(struct stream *);
/* Where the next read goes, after the rest is moved to the start. */
uint8_t *stream_room(struct stream *, size_t *size);
void stream_got(struct stream *, size_t n);
/* Is a whole message waiting, so that a turn can go on without a read? */
int stream_whole(const struct stream *);
/* Is there work without a read: a whole message, or a transfer's next? */
int stream_pending(const struct stream *);
/*
 * Answer up to max whole messages into out, which must be empty; a
 * message of a transfer going out counts as one, and the queries behind
 * it wait until it is over (RFC 5936 4.1.2 lets them).
 * Returns how many got an answer, or -1 when a message is shorter than
 * a DNS header: a zero-length or runt message is no query, and what
 * follows it cannot be trusted to be framed, so the connection ends.
 */
int stream_serve(struct stream *, const struct zone *, int max,
    stream_log *, void *arg);
/* n bytes of out were sent. */
void stream_sent(struct stream *, size_t n);

#endif
