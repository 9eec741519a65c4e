/*
 * The sockets: UDP in batches (recvmmsg, answer in place, sendmmsg), and
 * TCP per RFC 7766 (length-prefixed messages, several per connection,
 * answered in order, an idle timeout, a bounded number of connections).
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "clock.h"
#include "ddns-named.h"
#include "err.h"
#include "num.h"
#include "rc.h"
#include "rrl.h"
#include "stream.h"
#include "stats.h"

struct listener {
	struct watch wu, wt;
	int udp, tcp;
	int wildcard;			/* replies need the query's own address */
	int af;
	char name[64];
};

struct tconn {
	struct watch w;
	int fd;
	int64_t idle_at;
	int busy;			/* a whole message waits: next round */
	unsigned round;			/* of its last turn */
	uint32_t events;		/* what epoll waits for */
	struct tconn *prev, *next;
	struct stream s;
};

static struct listener listeners[LISTEN_MAX];
static int nlisteners;
static struct tconn *conns;
static int nconns, nbusy;
static unsigned rounds;		/* of the loop, for one turn each */

#define CMSG_ROOM	CMSG_SPACE(sizeof(struct in6_pktinfo))

static struct {
	struct mmsghdr in[UDP_BATCH], out[UDP_BATCH];
	struct iovec iin[UDP_BATCH], iout[UDP_BATCH];
	struct sockaddr_in6 from[UDP_BATCH];
	char cin[UDP_BATCH][CMSG_ROOM], cout[UDP_BATCH][CMSG_ROOM];
	uint8_t q[UDP_BATCH][UDP_QUERY_MAX];
	uint8_t r[UDP_BATCH][DNS_UDP_MAX];
} mmsg;

/* ADDRESS[:PORT], [IPV6]:PORT or a bare IPv6 address. */
static int
listen_spec(const char *spec, struct sockaddr_in6 *sa, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *p;
	uint32_t n = PORT_DEFAULT;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

	memset(sa, 0, sizeof *sa);
	if (spec[0] == '[') {
		if ((p = strchr(spec, ']')) == NULL || (p[1] != '\0' && p[1] != ':'))
			return -1;
		snprintf(host, sizeof host, "%.*s", (int)(p - spec - 1), spec + 1);
		port = p[1] == ':' ? p + 2 : NULL;
	} else if ((p = strchr(spec, ':')) != NULL && strchr(p + 1, ':') == NULL) {
		snprintf(host, sizeof host, "%.*s", (int)(p - spec), spec);
		port = p + 1;
	} else
		snprintf(host, sizeof host, "%s", spec);
	if (port != NULL && num_u32(port, 1, 65535, &n) != NUM_OK)
		return -1;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)n);
		*len = sizeof *s4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sa->sin6_addr) != 1)
		return -1;
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons((uint16_t)n);
	*len = sizeof *sa;
	return 0;
}

static int
listen_socket(int af, int type, const struct sockaddr_in6 *sa, socklen_t len,
    int wildcard)
{
	int fd, on = 1, size = UDP_RCVBUF;

	if ((fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	if (type == SOCK_DGRAM) {
		/* as root, past net.core.rmem_max; else what it allows */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
		if (wildcard && af == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
		if (wildcard && af == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
	}
	if (bind(fd, (const struct sockaddr *)sa, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) < 0)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Bind UDP and TCP on spec; a failure is fatal if must, else a warning. */
void
net_listen(const char *spec, int must)
{
	struct listener *l = &listeners[nlisteners];
	struct sockaddr_in6 sa;
	socklen_t len;
	static const uint8_t any6[16];

	if (listen_spec(spec, &sa, &len) < 0)
		err_fatal(RC_USAGE, "-l %s: expected ADDRESS[:PORT] or "
		    "[IPV6]:PORT", spec);
	if (nlisteners == LISTEN_MAX)
		err_fatal(RC_USAGE, "-l %s: more than %d addresses", spec,
		    LISTEN_MAX);
	l->af = sa.sin6_family;
	l->wildcard = l->af == AF_INET ?
	    ((struct sockaddr_in *)&sa)->sin_addr.s_addr == INADDR_ANY :
	    memcmp(&sa.sin6_addr, any6, 16) == 0;
	snprintf(l->name, sizeof l->name, "%s", spec);
	if ((l->udp = listen_socket(l->af, SOCK_DGRAM, &sa, len,
	    l->wildcard)) < 0 ||
	    (l->tcp = listen_socket(l->af, SOCK_STREAM, &sa, len, 0)) < 0) {
		if (l->udp >= 0)
			close(l->udp);
		if (must)
			err_fatalsys(RC_TEMP, "unable to listen on %s", spec);
		err_warnsys("unable to listen on %s", spec);
		return;
	}
	l->wu = (struct watch){ W_UDP, l };
	l->wt = (struct watch){ W_TCPL, l };
	loop_add(l->udp, &l->wu, EPOLLIN);
	loop_add(l->tcp, &l->wt, EPOLLIN);
	nlisteners++;
}

/*
 * -q: one line per query, names and types as ldns writes them; note says
 * what rate limiting did with the response, if anything.
 */
static void
query_log(const struct sockaddr *from, const uint8_t *q, const struct qinfo *in,
    const char *note)
{
	char addr[INET6_ADDRSTRLEN] = "?", *name = NULL, *type = NULL;
	const ldns_lookup_table *rc;
	ldns_rdf *d = NULL;

	if (from->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)from)->sin_addr,
		    addr, sizeof addr);
	else if (from->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)from)->sin6_addr,
		    addr, sizeof addr);
	if (in->qnamelen > 0 &&
	    (d = ldns_dname_new_frm_data((uint16_t)in->qnamelen, q + DNS_HEADER)))
		name = ldns_rdf2str(d);
	if (in->qnamelen > 0)
		type = ldns_rr_type2str((ldns_rr_type)in->qtype);
	rc = ldns_lookup_by_id(ldns_rcodes, in->rcode);
	err_log("query %s %s %s %s%s%s", addr, name ? name : "-",
	    type ? type : "-",
	    in->rcode == RCODE_BADVERS ? "BADVERS" : rc ? rc->name : "?",
	    in->tc ? " TC" : "", note);
	free(name);
	free(type);
	ldns_rdf_deep_free(d);
}

/* Reply from the address the query came to (IP_PKTINFO, RFC 3542 6). */
static void
reply_from(struct msghdr *out, struct msghdr *in, char *room)
{
	struct cmsghdr *c, *o;

	out->msg_control = NULL;
	out->msg_controllen = 0;
	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
		out->msg_control = room;
		out->msg_controllen = CMSG_ROOM;
		o = CMSG_FIRSTHDR(out);
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof pi);
			memcpy(CMSG_DATA(o), &pi, sizeof pi);
			out->msg_controllen = CMSG_SPACE(sizeof pi);
			return;
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			memcpy(o, c, CMSG_SPACE(sizeof(struct in6_pktinfo)));
			out->msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
			return;
		}
	}
	out->msg_control = NULL;
	out->msg_controllen = 0;
}

static void
send_all(int fd, int n)
{
	int off = 0, k;

	while (off < n) {
		k = sendmmsg(fd, mmsg.out + off, (unsigned)(n - off), 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return;		/* a full send buffer loses what is left */
		}
		off += k;
	}
}

/* The batch's headers, with room for the query's own address if needed. */
static void
mmsg_arm(const struct listener *l)
{
	int i;

	for (i = 0; i < UDP_BATCH; i++) {
		mmsg.iin[i] = (struct iovec){ mmsg.q[i], UDP_QUERY_MAX };
		mmsg.in[i].msg_hdr = (struct msghdr){
		    .msg_name = &mmsg.from[i],
		    .msg_namelen = sizeof mmsg.from[i],
		    .msg_iov = &mmsg.iin[i], .msg_iovlen = 1,
		    .msg_control = l->wildcard ? mmsg.cin[i] : NULL,
		    .msg_controllen = l->wildcard ? CMSG_ROOM : 0 };
	}
}

/* Response m, len bytes, to the sender of query i, from where it went. */
static void
mmsg_reply(const struct listener *l, int i, int m, size_t len)
{
	mmsg.iout[m] = (struct iovec){ mmsg.r[m], len };
	mmsg.out[m].msg_hdr = (struct msghdr){ .msg_name = &mmsg.from[i],
	    .msg_namelen = mmsg.in[i].msg_hdr.msg_namelen,
	    .msg_iov = &mmsg.iout[m], .msg_iovlen = 1 };
	if (l->wildcard)
		reply_from(&mmsg.out[m].msg_hdr, &mmsg.in[i].msg_hdr,
		    mmsg.cout[m]);
}

/*
 * Up to 8 batches per wakeup, so that TCP and the feed get their turn.
 * Every response passes rate limiting (rrl.c); over TCP none does.
 */
void
net_udp(void *p)
{
	struct listener *l = p;
	struct sockaddr *from;
	struct qinfo info;
	struct peer peer;
	struct xfr *x;
	int i, n, m, v, round;
	size_t len;

	for (round = 0; round < 8; round++) {
		mmsg_arm(l);
		n = recvmmsg(l->udp, mmsg.in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = m = 0; i < n; i++) {
			from = (struct sockaddr *)&mmsg.from[i];
			peer_set(&peer, from);
			len = dns_serve(&named.zone, mmsg.q[i],
			    mmsg.in[i].msg_len, mmsg.r[m], DNS_UDP_MAX, 0,
			    &peer, &info, &x);
			v = len > 0 ? rrl_verdict(from, &info, named.now) :
			    RRL_SEND;
			if (v == RRL_SLIP_TC) {
				len = dns_slip(mmsg.r[m], len, &info);
				info.tc = 1;
			}
			if (named.qlog)
				query_log(from, mmsg.q[i], &info,
				    v == RRL_SEND ? "" : v == RRL_DROP ?
				    " rate-limit dropped" : " rate-limit");
			stats_query(0, &info, len > 0 && v != RRL_DROP);
			if (len == 0 || v == RRL_DROP)
				continue;
			mmsg_reply(l, i, m++, len);
		}
		send_all(l->udp, m);
		if (n < UDP_BATCH)
			return;
	}
}

static void
conn_close(struct tconn *c)
{
	stream_free(&c->s);
	close(c->fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	nconns--;
	nbusy -= c->busy;
	free(c);
}

/* At the limit, the connection idle the longest makes room (RFC 7766 6.2.2). */
static void
conn_evict(void)
{
	struct tconn *c, *old = conns;

	for (c = conns; c != NULL; c = c->next)
		if (c->idle_at < old->idle_at)
			old = c;
	if (old != NULL)
		conn_close(old);
}

void
net_accept(void *p)
{
	struct listener *l = p;
	struct tconn *c;
	struct sockaddr_in6 from;
	socklen_t flen;
	int fd;

	for (;;) {
		flen = sizeof from;
		if ((fd = accept4(l->tcp, (struct sockaddr *)&from, &flen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0)
			break;
		if (nconns == TCP_CLIENTS_MAX)
			conn_evict();
		if ((c = malloc(sizeof *c)) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->idle_at = named.now + TCP_IDLE;
		c->busy = 0;
		c->round = rounds - 1;
		c->events = EPOLLIN;
		stream_init(&c->s);
		peer_set(&c->s.peer, (struct sockaddr *)&from);
		c->w = (struct watch){ W_TCP, c };
		c->prev = NULL;
		if ((c->next = conns) != NULL)
			conns->prev = c;
		conns = c;
		nconns++;
		stats.tcp_accepted++;
		loop_add(fd, &c->w, EPOLLIN);
	}
}

/* Write what is pending: 1 all out, 0 not yet, -1 close. */
static int
conn_flush(struct tconn *c)
{
	ssize_t k;

	while (c->s.outoff < c->s.outlen) {
		k = write(c->fd, c->s.out + c->s.outoff, c->s.outlen - c->s.outoff);
		if (k < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		stream_sent(&c->s, (size_t)k);
	}
	return 1;
}

static void
tcp_qlog(void *arg, const uint8_t *q, const struct qinfo *info)
{
	struct tconn *c = arg;
	struct sockaddr_in6 peer;
	socklen_t plen = sizeof peer;

	if (getpeername(c->fd, (struct sockaddr *)&peer, &plen) == 0)
		query_log((struct sockaddr *)&peer, q, info, "");
}

/* Read once, unless a whole message is waiting: 1 read, 0 nothing, -1 close. */
static int
conn_fill(struct tconn *c)
{
	uint8_t *p;
	size_t room;
	ssize_t k;

	if (stream_whole(&c->s))
		return 1;
	p = stream_room(&c->s, &room);
	if ((k = read(c->fd, p, room)) > 0) {
		stream_got(&c->s, (size_t)k);
		return 1;
	}
	return k < 0 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

/*
 * One turn of a connection: what is pending goes out first, then one
 * read at most and TCP_TURN messages at most, so that a client sending
 * back to back gets its share of the loop and no more.  A connection
 * left with whole messages is busy: it gets its next turn in the next
 * round even if its socket has nothing new to say.
 */
static void
conn_turn(struct tconn *c)
{
	int k;

	c->round = rounds;
	if ((k = conn_flush(c)) < 0)
		goto drop;
	if (k > 0) {
		if (conn_fill(c) < 0)
			goto drop;
		if ((k = stream_serve(&c->s, &named.zone, TCP_TURN,
		    named.qlog ? tcp_qlog : NULL, c)) < 0)
			goto drop;
		if (k > 0)	/* only an answer resets the idle timer */
			c->idle_at = named.now + TCP_IDLE;
		if (conn_flush(c) < 0)
			goto drop;
	}
	nbusy -= c->busy;
	c->busy = c->s.outlen == 0 && stream_pending(&c->s);
	nbusy += c->busy;
	/* a reply the client does not read: wait for room, read no more */
	if (c->events != (c->s.outlen > 0 ? EPOLLOUT : EPOLLIN)) {
		c->events = c->s.outlen > 0 ? EPOLLOUT : EPOLLIN;
		loop_mod(c->fd, &c->w, c->events);
	}
	return;
drop:
	conn_close(c);
}

void
net_tcp(void *p, uint32_t events)
{
	struct tconn *c = p;

	/* reset, or closed both ways: no answer can reach it any more */
	if (events & (EPOLLERR | EPOLLHUP))
		conn_close(c);
	else if (c->round != rounds)
		conn_turn(c);
}

/* A new round of the loop: every connection may have a turn again. */
void
net_round(void)
{
	rounds++;
}

/* The busy connections that had no turn in this round get one. */
void
net_busy(void)
{
	struct tconn *c, *next;

	for (c = conns; nbusy > 0 && c != NULL; c = next) {
		next = c->next;
		if (c->busy && c->round != rounds)
			conn_turn(c);
	}
}

int
net_conns(void)
{
	return nconns;
}

int64_t
net_timers(void)
{
	struct tconn *c, *next;
	int64_t t = nbusy > 0 ? named.now : -1;

	for (c = conns; c != NULL; c = next) {
		next = c->next;
		if (c->idle_at <= named.now)
			conn_close(c);
		else if (t < 0 || c->idle_at < t)
			t = c->idle_at;
	}
	return t;
}
