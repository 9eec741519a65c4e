/* ddns-named: what the loop, the sockets and the feed share. */
#ifndef DDNS_NAMED_H
#define DDNS_NAMED_H

#include <stdint.h>

#include "feed.h"
#include "loop.h"

#include "zone.h"

#define PORT_DEFAULT	53
#define LISTEN_MAX	16
#define UDP_BATCH	64		/* datagrams per recvmmsg/sendmmsg */
#define UDP_QUERY_MAX	4096		/* bytes of a query we read */
#define UDP_RCVBUF	(4 << 20)	/* absorbs bursts while the feed applies */
#define TCP_CLIENTS_MAX	128
#define TCP_IDLE	(10 * CLOCK_SEC)	/* RFC 7766 6.2.3: seconds */
#define TCP_TURN	32		/* messages per connection per round */
#define FEED_BUF	(64 << 10)	/* read at once: a snapshot comes fast */
#define FEED_READS	16		/* per wakeup, then queries get a turn */
#define FEED_RETRY_MIN	(100 * CLOCK_MS)
#define FEED_RETRY_MAX	(5 * CLOCK_SEC)

enum wkind { W_SIG, W_UDP, W_TCPL, W_TCP, W_FEED, W_NOTIFY };

struct named {
	const char *conf, *run, *user, *records;
	char sock[4200];
	int qlog;
	int notify;			/* readiness fd, -1 once used */
	int64_t now;
	struct zone zone;
};

extern struct named named;

/* net.c */
void net_listen(const char *spec, int must);
void net_udp(void *listener);
void net_accept(void *listener);
void net_tcp(void *conn, uint32_t events);
void net_round(void);		/* a round of the loop begins */
void net_busy(void);		/* turns for connections with work left */
int64_t net_timers(void);	/* next deadline (now if busy), or -1 */
int net_conns(void);		/* TCP connections open */

/* metrics.c */
void metrics_start(void);	/* at start, as root: RUN/ddns-named, the link */
int64_t metrics_timers(void);	/* written when due; next deadline, or -1 */

/* notify.c */
void notify_start(void);
void notify_reset(void);	/* the secondaries may have changed */
void notify_check(void);	/* after a turn: has the serial moved? */
int64_t notify_timers(void);	/* next deadline, or -1 */
void notify_event(void *fd);

/* feed.c */
void feed_start(void);
void feed_event(void);
int64_t feed_timers(void);	/* next deadline, or -1 */
void feed_pool_refresh(void);	/* the pool's view, logged when it moves */
void feed_nodes(int bump);	/* NS set and pool members from the feed */
int feed_up(void);		/* connected, its snapshot served */

/* feedline.c */
/*
 * Apply one line of the feed (no newline) to t: FEED_SET and FEED_DEL
 * change it (or not, with *why, for a record that cannot be served),
 * FEED_END ends the snapshot (or, later, tells the table's high-water),
 * FEED_NODE sets a node's state (or not, with *why), FEED_ERROR is
 * ddns-syncd's refusal and FEED_BAD a line that is none of these (the
 * kinds of lib/feed.h).  *ms is the line's stamp in milliseconds, -1 if
 * it has none.
 */
int feed_apply(struct table *t, const struct zone *, char *line, int64_t *ms,
    const char **why);

#endif
