/*
 * NOTIFY (RFC 1996) to the secondaries when the serial moves, of the
 * domain's zone and of the pool's zone of its own when there is one.
 * Rounds are at least notify-delay apart: a move after a quiet time goes
 * out at once, a move within notify-delay of the last round waits for its
 * end, and the moves meanwhile ride along.  A round tells every secondary
 * the serial of that moment (in the answer section, as 3.7 allows),
 * signed with its key.
 * A secondary that does not answer is told again after 1, 2, 4 and 8 s
 * (3.6 leaves the interval to the primary), then given up with one log
 * line; a later round replaces one still retrying.  The messages go from
 * a socket of our own on an ephemeral port (4.3 says the source port does
 * not matter), to port 53.
 */
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ddns-named.h"
#include "err.h"
#include "loop.h"
#include "tsig.h"
#include "wire.h"
#include "xfr.h"
#include "stats.h"

#define NOTIFY_TRIES	5
#define NOTIFY_RETRY	CLOCK_SEC	/* doubled after each try */
#define NOTIFY_PORT	53
#define OPCODE_NOTIFY	4
#define ZONES		2	/* the domain's, the pool's of its own */

struct target {
	uint16_t id;
	int tries;			/* 0: not in this round, or answered */
	int64_t at;			/* next try */
	struct tsig_ctx tsig;
};

static struct {
	int fd[2];			/* IPv4, IPv6 */
	struct watch w[2];
	int armed;			/* a serial was seen */
	uint32_t told;			/* the serial of the last round */
	int64_t due;			/* the next round, -1 none */
	int64_t last;			/* when the last round went, -1 none */
	struct target t[ZONES][ZONE_SECONDARY_MAX];
} nt = { .fd = { -1, -1 }, .due = -1, .last = -1 };

/* Is zone k served: the domain's always, the pool's when of its own. */
static int
zone_on(int k)
{
	return k == 0 || (named.zone.pool.on && !named.zone.pool.inzone);
}

/* For the log: "" for the domain, " (zone POOL)" for the pool's. */
static const char *
zone_said(int k)
{
	static char b[300];

	if (k == 0)
		return "";
	snprintf(b, sizeof b, " (zone %s)", named.zone.pool.text);
	return b;
}

static int
notify_socket(int af)
{
	int fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		err_warnsys("unable to open a socket for NOTIFY");
	return fd;
}

void
notify_start(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if ((nt.fd[i] = notify_socket(i ? AF_INET6 : AF_INET)) < 0)
			continue;
		nt.w[i] = (struct watch){ W_NOTIFY, &nt.fd[i] };
		loop_add(nt.fd[i], &nt.w[i], EPOLLIN);
	}
}

/* The secondaries may have changed: a round for all of them. */
void
notify_reset(void)
{
	memset(nt.t, 0, sizeof nt.t);
	nt.armed = 0;
}

/* Called after every turn of the loop: has the serial moved? */
void
notify_check(void)
{
	uint32_t s = zone_serial(&named.zone);

	/* nothing served yet: no serial a secondary could want */
	if (named.zone.nsec == 0 || named.zone.t == NULL || s == 0)
		return;
	if (nt.armed && s == nt.told)
		return;
	if (nt.due < 0)
		nt.due = nt.last < 0 ||
		    nt.last + named.zone.notify_delay <= named.now ? named.now :
		    nt.last + named.zone.notify_delay;
	nt.armed = 1;
	nt.told = s;
}

static size_t
notify_message(const struct zsecondary *sec, struct target *t, int k,
    uint8_t *b, size_t max)
{
	const struct zone *z = &named.zone;
	struct out o;

	o.b = b;
	o.len = 0;
	o.cap = max - TSIG_RR_MAX;
	o.over = 0;
	memset(b, 0, DNS_HEADER);
	b[0] = (uint8_t)(t->id >> 8);
	b[1] = (uint8_t)t->id;
	b[2] = OPCODE_NOTIFY << 3 | F_AA;
	b[5] = 1;	/* the zone's SOA as question, RFC 1996 3.7 */
	b[7] = 1;	/* and the SOA itself as answer */
	o.len = DNS_HEADER;
	if (k == 0)
		out_put(&o, z->apex, z->apexlen);
	else
		out_put(&o, z->pool.name, z->pool.namelen);
	out_put16(&o, T_SOA);
	out_put16(&o, C_IN);
	if (k == 0)
		put_soa(&o, z, DNS_HEADER);
	else
		put_pool_soa(&o, z, DNS_HEADER);
	if (o.over)
		return 0;
	if (sec->key < 0)
		return o.len;
	memset(&t->tsig, 0, sizeof t->tsig);
	t->tsig.key = &z->key[sec->key];
	return tsig_sign(&t->tsig, b, o.len, max, (int64_t)time(NULL), 0);
}

static void
notify_send(int k, int i)
{
	const struct zsecondary *sec = &named.zone.sec[i];
	struct target *t = &nt.t[k][i];
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6,
	    .sin6_port = htons(NOTIFY_PORT) };
	struct sockaddr_in sa4 = { .sin_family = AF_INET,
	    .sin_port = htons(NOTIFY_PORT) };
	uint8_t b[1024];
	size_t len;
	int fd = nt.fd[sec->af == AF_INET6];

	if (fd < 0 || (len = notify_message(sec, t, k, b, sizeof b)) == 0)
		return;
	stats.notify_sent++;
	memcpy(&sa4.sin_addr, sec->a, 4);
	memcpy(&sa6.sin6_addr, sec->a, 16);
	if (sendto(fd, b, len, 0, sec->af == AF_INET ?
	    (struct sockaddr *)&sa4 : (struct sockaddr *)&sa6,
	    sec->af == AF_INET ? sizeof sa4 : sizeof sa6) < 0 &&
	    t->tries == 1)
		err_warnsys("NOTIFY to %s%s", sec->text, zone_said(k));
}

int64_t
notify_timers(void)
{
	int64_t next = nt.due;
	struct target *t;
	int i, k;

	if (nt.due >= 0 && nt.due <= named.now) {
		nt.due = -1;
		next = -1;
		nt.last = named.now;
		for (k = 0; k < ZONES; k++)
			for (i = 0; i < named.zone.nsec; i++) {
				t = &nt.t[k][i];
				t->tries = zone_on(k);
				t->at = named.now;
				if (getrandom(&t->id, sizeof t->id,
				    GRND_NONBLOCK) != sizeof t->id)
					t->id = (uint16_t)(named.now >> 10) +
					    (uint16_t)(k * ZONE_SECONDARY_MAX + i);
			}
		nt.told = zone_serial(&named.zone);
	}
	for (k = 0; k < ZONES; k++)
		for (i = 0; i < named.zone.nsec; i++) {
			t = &nt.t[k][i];
			if (t->tries == 0)
				continue;
			if (t->at <= named.now) {
				if (t->tries > NOTIFY_TRIES) {
					err_warn("NOTIFY of serial %u to %s%s: no "
					    "answer after %d tries", nt.told,
					    named.zone.sec[i].text, zone_said(k),
					    NOTIFY_TRIES);
					t->tries = 0;
					continue;
				}
				notify_send(k, i);
				t->at = named.now + (NOTIFY_RETRY << (t->tries - 1));
				t->tries++;
			}
			if (next < 0 || t->at < next)
				next = t->at;
		}
	return next;
}

/* An answer: from a secondary of this round, with its ID, checked. */
static void
notify_answer(const struct peer *p, const uint8_t *b, size_t len)
{
	const struct zsecondary *sec = zone_secondary(&named.zone, p->af, p->a);
	struct target *t;
	int rc, k;

	if (sec == NULL || len < DNS_HEADER || !(b[2] & F_QR) ||
	    (b[2] & F_OPCODE) != OPCODE_NOTIFY << 3)
		return;
	for (k = 0; k < ZONES; k++) {
		t = &nt.t[k][sec - named.zone.sec];
		if (t->tries != 0 && get_u16(b) == t->id)
			break;
	}
	if (k == ZONES)
		return;
	if (sec->key >= 0 && (rc = tsig_check_response(&t->tsig, b, len,
	    (int64_t)time(NULL))) != TSIG_NOERROR) {
		err_warn("NOTIFY of serial %u to %s%s: answer not signed "
		    "right (TSIG error %d): taken as none", nt.told, sec->text,
		    zone_said(k), rc);
		return;
	}
	if ((b[3] & 0xf) != 0)
		err_warn("NOTIFY of serial %u to %s%s: answered with rcode %d",
		    nt.told, sec->text, zone_said(k), b[3] & 0xf);
	t->tries = 0;
}

void
notify_event(void *fdp)
{
	struct sockaddr_in6 from;
	socklen_t flen;
	struct peer p;
	uint8_t b[1024];
	ssize_t k;
	int fd = *(int *)fdp;

	for (;;) {
		flen = sizeof from;
		k = recvfrom(fd, b, sizeof b, 0, (struct sockaddr *)&from, &flen);
		if (k < 0)
			return;
		peer_set(&p, (struct sockaddr *)&from);
		notify_answer(&p, b, (size_t)k);
	}
}
