/*
 * Connections between nodes.  Each runs the Noise NNpsk0 handshake of
 * noise.c inside the clear messages of wire.h, then carries encrypted
 * frames; each has a bounded queue (a peer that falls behind is dropped
 * and resynchronised when it comes back) and a deadline (a handshake that
 * stalls, a peer that falls silent).  A connection is accepted only as
 * admit.c allows, and those not yet authenticated are bounded, per source
 * and in all: the oldest makes room for a new one, so that a node dialling
 * again always gets its turn.  What an authenticated one carries is the
 * business of the layer above, told through the peer_ops it registered.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "peer.h"
#include "rc.h"

uint64_t peer_failed[HS_REASONS];
const char *const peer_failed_name[HS_REASONS] = {
	[REFUSE_VERSION] = "version", [REFUSE_DOMAIN] = "domain",
	[REFUSE_UNKNOWN] = "unknown", [REFUSE_AUTH] = "auth",
	[REFUSE_NOTME] = "notme", [REFUSE_BUSY] = "busy",
	[REFUSE_SOURCE] = "source", [HS_MALFORMED] = "malformed",
	[HS_TIMEOUT] = "timeout", [HS_CONNECT] = "connect",
};

static struct sess *sessions;
static struct sess *graveyard;	/* closed this turn: an event may name them */
static int lfd = -1;
static struct watch wlisten = { W_LISTEN, NULL };
static int self_warned;		/* self is not an address of this host */
static struct peer_ops ops;	/* the layer above's */
static uint8_t key[32];		/* K, of the secret and the domain */

/* Until it is authenticated, an accepted connection is its address. */
static int
anonymous(const struct sess *s)
{
	return !s->initiator && s->state != SS_UP;
}

void
peer_init(const struct peer_ops *o)
{
	ops = *o;
}

void
peer_start(const uint8_t k[32])
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&a6;
	socklen_t len = sizeof a6;
	int one = 1, af = AF_INET6;
	const char *at = ddns_syncd.listen;	/* -l */

	a6.sin6_port = a4.sin_port = htons((uint16_t)ddns_syncd.cfg.port);
	a6.sin6_addr = in6addr_any;
	if (at != NULL && inet_pton(AF_INET, at, &a4.sin_addr) == 1) {
		sa = (struct sockaddr *)&a4;
		len = sizeof a4;
		af = AF_INET;
	} else if (at != NULL)
		inet_pton(AF_INET6, at, &a6.sin6_addr);
	if ((lfd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		err_fatalsys(RC_TEMP, "socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, sa, len) < 0 || listen(lfd, 64) < 0)
		err_fatalsys(RC_TEMP, "unable to listen on %s port %u",
		    at != NULL ? at : "every address", ddns_syncd.cfg.port);
	loop_add(lfd, &wlisten, EPOLLIN);
	self_warned = 0;
	memcpy(key, k, sizeof key);
}

static struct sess *
sess_new(int fd, int node, int initiator)
{
	struct sess *s = calloc(1, sizeof *s);
	int one = 1;

	if (s == NULL || (s->in = malloc(FRAME_HDR + FRAME_MAX)) == NULL) {
		free(s);
		close(fd);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	s->w.kind = W_PEER;
	s->w.p = s;
	s->fd = fd;
	s->node = node;
	s->initiator = initiator;
	s->deadline = ddns_syncd.now +
	    (initiator ? HANDSHAKE_TIMEOUT : OPEN_TIMEOUT);
	s->events = EPOLLIN;
	s->next = sessions;
	sessions = s;
	return s;
}

void
peer_close(struct sess *s, const char *why)
{
	struct sess **pp;

	if (s->dead)
		return;
	for (pp = &sessions; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	/* one we dialled is named by the layer above, with its node */
	if (why != NULL && anonymous(s))
		admit_log(&s->src, "%s", why);
	ops.down(s, why);
	close(s->fd);
	s->dead = 1;
	s->next = graveyard;
	graveyard = s;
}

/* Leaving the cluster: every session closed, no more listening. */
void
peer_stop(void)
{
	while (sessions != NULL)
		peer_close(sessions, NULL);
	if (lfd >= 0)
		close(lfd);
	lfd = -1;
}

/* At the end of a turn of the loop, when no event can name them. */
void
peer_reap(void)
{
	struct sess *s;

	while ((s = graveyard) != NULL) {
		graveyard = s->next;
		free(s->in);
		free(s->out);
		sodium_memzero(s, sizeof *s);
		free(s);
	}
}

/*
 * A dial goes out from the address self names, the one its peers admit
 * it from: on a host with several addresses the route would choose.
 */
static void
bind_self(int fd, int family)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	int one = 1, af = family == AF_INET6 ? 6 : 4;
	const struct addr *self = admit_self(af);

	if (self == NULL)
		return;
	if (af == 4)
		memcpy(&a4->sin_addr, self->a, 4);
	else
		memcpy(&a6->sin6_addr, self->a, 16);
	/* the port is chosen at connect(), per destination */
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, af == 4 ? sizeof *a4 : sizeof *a6)
	    < 0 && !self_warned) {
		self_warned = 1;
		err_warn("self %s is not an address of this host (%s): "
		    "connections go out from another address, which peers "
		    "refuse", ddns_syncd.cfg.self, strerror(errno));
	}
}

void
peer_dial(int node, const char *id, const struct sockaddr *sa, unsigned len)
{
	struct sess *s;
	int fd;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0) {
		err_warnsys("peer %s: socket", id);
		return;
	}
	bind_self(fd, sa->sa_family);
	if ((s = sess_new(fd, node, 1)) == NULL)
		return;
	snprintf(s->id, sizeof s->id, "%s", id);
	s->state = SS_CONNECTING;
	if (connect(fd, sa, len) < 0 && errno != EINPROGRESS) {
		char why[120];

		snprintf(why, sizeof why, "unable to connect: %s",
		    strerror(errno));
		peer_close(s, why);
		return;
	}
	s->events = EPOLLOUT;
	loop_add(fd, &s->w, EPOLLOUT);
}

/* Not a node's address: told so and closed, nothing of it read. */
static void
stranger(int fd, const struct addr *src)
{
	static const uint8_t x[] = { 0, 2, 'X', REFUSE_UNKNOWN };

	/* it hears of it or not: there is nothing else to do */
	(void)send(fd, x, sizeof x, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
	admit_log(src, "%s (no self or peer statement has its address); "
	    "refused", refusal_text[REFUSE_UNKNOWN]);
}

/*
 * The oldest accepted connection not yet authenticated (from src, or from
 * anywhere if NULL), one still to send its opening before one that has,
 * and how many there are.  New sessions are first in the list.
 */
static struct sess *
oldest(const struct addr *src, int *count)
{
	struct sess *s, *open = NULL, *any = NULL;

	*count = 0;
	for (s = sessions; s != NULL; s = s->next) {
		if (!anonymous(s) || (src != NULL && !admit_same(&s->src, src)))
			continue;
		++*count;
		any = s;
		if (s->state == SS_OPEN)
			open = s;
	}
	return open != NULL ? open : any;
}

static void refuse(struct sess *, enum refusal, const char *, ...)
    ERR_PRINTF(3, 4);

/* Room for one more from src: the oldest goes rather than the newcomer. */
static void
make_room(const struct addr *src)
{
	struct sess *s;
	int n;

	if ((s = oldest(src, &n)) != NULL && n >= PENDING_SOURCE)
		refuse(s, REFUSE_BUSY, "evicted: %d connections from its "
		    "address not yet authenticated", PENDING_SOURCE);
	else if ((s = oldest(NULL, &n)) != NULL && n >= PENDING_MAX)
		refuse(s, REFUSE_BUSY, "evicted, the oldest of %d connections "
		    "not yet authenticated", PENDING_MAX);
}

void
peer_accept(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct addr src;
	struct sess *s;
	int fd;

	for (;;) {
		len = sizeof ss;
		fd = accept4(lfd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
			continue;
		if (fd < 0)
			return;
		admit_addr((struct sockaddr *)&ss, &src);
		if (!admit_known(&src)) {
			stranger(fd, &src);
			continue;
		}
		make_room(&src);
		if ((s = sess_new(fd, -1, 0)) == NULL)
			continue;
		s->state = SS_OPEN;
		s->src = src;
		loop_add(fd, &s->w, EPOLLIN);
	}
}

/* Queue a frame; the caller has checked that it is within FRAME_MAX. */
static int
sess_queue(struct sess *s, const uint8_t *body, size_t n)
{
	size_t need = s->outlen + FRAME_HDR + n;
	uint8_t *p;

	if (s->outoff > 0 && s->outoff == s->outlen)
		s->outlen = s->outoff = 0;
	need = s->outlen + FRAME_HDR + n;
	if (s->doomed != NULL)
		return -1;
	if (need - s->outoff > PEER_QUEUE_MAX) {
		s->doomed = "more than 8 MiB behind: disconnected, to "
		    "resynchronise when it reconnects";
		return -1;
	}
	if (need > s->outcap) {
		if (s->outoff > 0) {
			memmove(s->out, s->out + s->outoff, s->outlen - s->outoff);
			s->outlen -= s->outoff;
			s->outoff = 0;
			need = s->outlen + FRAME_HDR + n;
		}
		if (need > s->outcap) {
			size_t cap = s->outcap ? s->outcap : 65536;

			while (cap < need)
				cap *= 2;
			if ((p = realloc(s->out, cap)) == NULL)
				err_fatal(RC_TEMP, "out of memory");
			s->out = p;
			s->outcap = cap;
		}
	}
	s->out[s->outlen] = (uint8_t)(n >> 8);
	s->out[s->outlen + 1] = (uint8_t)n;
	memcpy(s->out + s->outlen + FRAME_HDR, body, n);
	s->outlen += FRAME_HDR + n;
	return 0;
}

void
peer_doom(struct sess *s, const char *why)
{
	s->doomed = why;
}

int
peer_live(const struct sess *s)
{
	return s->state == SS_UP && s->doomed == NULL;
}

size_t
peer_queued(const struct sess *s)
{
	return s->outlen - s->outoff;
}

int
peer_count(size_t *queued)
{
	const struct sess *s;
	int n = 0;

	*queued = 0;
	for (s = sessions; s != NULL; s = s->next) {
		n += s->state == SS_UP && !s->dead;
		*queued += s->outlen - s->outoff;
	}
	return n;
}

int
peer_send(struct sess *s, const struct wr *m)
{
	static uint8_t ct[FRAME_MAX];

	if (s->doomed != NULL)
		return -1;
	if (noise_seal(&s->tx, ct, m->b, m->n) < 0) {
		s->doomed = "out of nonces";
		return -1;
	}
	return sess_queue(s, ct, m->n + NOISE_TAGLEN);
}

/* Write what the socket takes; -1 if the session was closed. */
static int
sess_flush(struct sess *s)
{
	ssize_t w;
	uint32_t want;

	if (s->doomed != NULL) {
		peer_close(s, s->doomed);
		return -1;
	}
	while (s->outoff < s->outlen) {
		w = send(s->fd, s->out + s->outoff, s->outlen - s->outoff,
		    MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0) {
			peer_close(s, strerror(errno));
			return -1;
		}
		s->outoff += (size_t)w;
	}
	/* a transfer under way is refilled as soon as the socket has room */
	want = s->state == SS_CONNECTING ? EPOLLOUT :
	    EPOLLIN | (s->outoff < s->outlen ||
	    (s->state == SS_UP && ops.more(s)) ? EPOLLOUT : 0);
	if (want != s->events) {
		s->events = want;
		loop_mod(s->fd, &s->w, want);
	}
	return 0;
}

/* Say why, log it (fmt, or the reason's text if NULL), close. */
static void
refuse(struct sess *s, enum refusal why, const char *fmt, ...)
{
	uint8_t b[2] = { 'X', (uint8_t)why };
	char line[400];
	va_list ap;

	peer_failed[why]++;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(line, sizeof line, fmt, ap);
		va_end(ap);
	}
	/* only an accepted one, not yet authenticated, is refused */
	admit_log(&s->src, "%s", fmt != NULL ? line : refusal_text[why]);
	sess_queue(s, b, sizeof b);
	sess_flush(s);
	peer_close(s, NULL);
}

/* Initiator: connected; send the opening message. */
static void
opening(struct sess *s)
{
	static struct wr pro;
	uint8_t m1[NOISE_MSGLEN], dh[DOMAINHASH_LEN], b[600];
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		char why[120];

		snprintf(why, sizeof why, "unable to connect: %s",
		    strerror(err ? err : errno));
		peer_failed[HS_CONNECT]++;
		peer_close(s, why);
		return;
	}
	wire_prologue(&pro, ddns_syncd.cfg.domain, ddns_syncd.cfg.self, s->id);
	noise_init(&s->hs, 1, key, pro.b, pro.n);
	noise_write1(&s->hs, m1);
	wire_domainhash(dh, ddns_syncd.cfg.domain);
	s->state = SS_REPLY;
	sess_queue(s, b, wire_open_build(b, dh, ddns_syncd.cfg.self, s->id, m1));
	sess_flush(s);
}

/* Responder: the opening message; refuse, or reply and wait. */
static void
on_open(struct sess *s, const uint8_t *b, size_t n)
{
	static struct wr pro;
	uint8_t dh[DOMAINHASH_LEN], r[1 + NOISE_MSGLEN];
	struct wopen o;
	int node;

	if (wire_open_parse(b, n, &o) < 0) {
		peer_failed[HS_MALFORMED]++;
		peer_close(s, "not an opening message of ddns-syncd; closed");
		return;
	}
	/* the node it says it is must be the one it comes from */
	if ((node = admit_find(o.from)) < 0) {
		refuse(s, REFUSE_UNKNOWN, "says it is %.70s: %s (a node's self is "
		    "written as the others' peer statements write it)", o.from,
		    refusal_text[REFUSE_UNKNOWN]);
		return;
	}
	if (!admit_is(node, &s->src)) {
		refuse(s, REFUSE_SOURCE, "says it is %.70s: %s", o.from,
		    refusal_text[REFUSE_SOURCE]);
		return;
	}
	s->node = node;
	snprintf(s->id, sizeof s->id, "%s", o.from);
	wire_domainhash(dh, ddns_syncd.cfg.domain);
	if (o.version != WIRE_VERSION)
		refuse(s, REFUSE_VERSION, NULL);
	else if (memcmp(dh, o.domainhash, sizeof dh) != 0)
		refuse(s, REFUSE_DOMAIN, NULL);
	else if (strcmp(o.to, ddns_syncd.cfg.self) != 0)
		refuse(s, REFUSE_NOTME, NULL);
	else {
		wire_prologue(&pro, ddns_syncd.cfg.domain, o.from, o.to);
		noise_init(&s->hs, 0, key, pro.b, pro.n);
		if (noise_read1(&s->hs, o.noise1) < 0 ||
		    noise_write2(&s->hs, r + 1) < 0) {
			refuse(s, REFUSE_AUTH, NULL);
			return;
		}
		r[0] = 'R';
		noise_split(&s->hs, &s->tx, &s->rx);
		s->state = SS_CONFIRM;
		/* for its first frame */
		s->deadline = ddns_syncd.now + OPEN_TIMEOUT;
		sess_queue(s, r, sizeof r);
	}
}

/* Up: the layer above keeps it, or it is closed; -1 then. */
static int
sess_up(struct sess *s)
{
	s->state = SS_UP;
	s->deadline = ddns_syncd.now + 3 * ddns_syncd.cfg.heartbeat;
	if (ops.up(s) < 0) {
		peer_close(s, NULL);	/* a duplicate, dropped */
		return -1;
	}
	return 0;
}

/* Initiator: the reply, or a refusal that says why. */
static void
on_reply(struct sess *s, const uint8_t *b, size_t n)
{
	if (n == 2 && b[0] == 'X' && b[1] >= REFUSE_VERSION &&
	    b[1] <= REFUSE_LAST) {
		peer_failed[b[1]]++;
		peer_close(s, refusal_text[b[1]]);
		return;
	}
	if (n != 1 + NOISE_MSGLEN || b[0] != 'R' ||
	    noise_read2(&s->hs, b + 1) < 0) {
		peer_failed[REFUSE_AUTH]++;
		peer_close(s, refusal_text[REFUSE_AUTH]);
		return;
	}
	noise_split(&s->hs, &s->tx, &s->rx);
	sess_up(s);
}

/* One frame; -1 if the session is gone. */
static int
sess_frame(struct sess *s, const uint8_t *b, size_t n)
{
	static uint8_t pt[FRAME_MAX];

	switch (s->state) {
	case SS_CONNECTING:
		return 0;
	case SS_OPEN:
		on_open(s, b, n);
		return 0;
	case SS_REPLY:
		on_reply(s, b, n);
		return 0;
	case SS_CONFIRM:
	case SS_UP:
		break;
	}
	if (n < NOISE_TAGLEN || noise_open(&s->rx, pt, b, n) < 0) {
		peer_close(s, s->state == SS_UP ? "a frame failed "
		    "authentication (altered or replayed?); closed" :
		    "authentication failed (a replayed handshake, or a wrong "
		    "secret?)");
		return -1;
	}
	/* the initiator has the keys too */
	if (s->state == SS_CONFIRM && sess_up(s) < 0)
		return -1;
	s->deadline = ddns_syncd.now + 3 * ddns_syncd.cfg.heartbeat;
	ops.message(s, pt, n - NOISE_TAGLEN);
	return 0;
}

static void
sess_input(struct sess *s)
{
	const uint8_t *body;
	size_t off;
	ssize_t r;
	long n;

	for (;;) {
		r = read(s->fd, s->in + s->inlen, FRAME_HDR + FRAME_MAX - s->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			peer_close(s, r < 0 ? strerror(errno) :
			    "connection closed by the peer");
			return;
		}
		s->inlen += (size_t)r;
		for (off = 0; (n = frame_next(s->in + off, s->inlen - off,
		    &body)) > 0; off += FRAME_HDR + (size_t)n)
			if (sess_frame(s, body, (size_t)n) < 0 || s->dead)
				return;
		if (n < 0) {
			peer_close(s, "an empty frame; closed");
			return;
		}
		s->inlen -= off;
		memmove(s->in, s->in + off, s->inlen);
	}
}

static int
sess_alive(const struct sess *s)
{
	return !s->dead;
}

void
peer_event(struct sess *s, uint32_t events)
{
	if (s->dead)
		return;
	if (s->state == SS_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			opening(s);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		sess_input(s);
	if (sess_alive(s))
		sess_flush(s);
}

/* After every turn of the loop: the layer above's turn, queues flushed. */
void
peer_flush_all(void)
{
	struct sess *s, *next;

	for (s = sessions; s != NULL; s = next) {
		next = s->next;
		if (s->state == SS_UP) {
			ops.turn(s);
			if (!sess_alive(s))
				continue;
		}
		sess_flush(s);
	}
}

int64_t
peer_next(void)
{
	struct sess *s;
	int64_t t = -1;

	for (s = sessions; s != NULL; s = s->next)
		if (t < 0 || s->deadline < t)
			t = s->deadline;
	return t;
}

void
peer_timers(void)
{
	struct sess *s, *next;

	for (s = sessions; s != NULL; s = next) {
		next = s->next;
		if (s->deadline > ddns_syncd.now)
			continue;
		if (s->state != SS_UP)
			peer_failed[HS_TIMEOUT]++;
		peer_close(s, s->state == SS_UP ? "unheard for three "
		    "heartbeats" : "handshake timed out");
	}
}

void
peer_renumber(const int *map)
{
	struct sess *s, *next;

	for (s = sessions; s != NULL; s = next) {
		next = s->next;
		if (s->node >= 0 && (s->node = map[s->node]) < 0)
			peer_close(s, NULL);
	}
}

int
peer_dialling(int node)
{
	const struct sess *s;

	for (s = sessions; s != NULL; s = s->next)
		if (s->node == node && s->initiator)
			return 1;
	return 0;
}
