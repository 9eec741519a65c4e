/*
 * ddns-named: the authoritative DNS server of one ipsec-ddns domain, fed
 * live by ddns-syncd or from a static records file.  One process, one
 * epoll loop; queries never wait for anything but the CPU.
 *
 * Who owns what, calls going down the list:
 *   ddns-named.c	main, options, the loop, reload
 *   net.c		the sockets: UDP batches, TCP connections in turns
 *   feed.c		the subscription to ddns-syncd; the cluster it names
 *   stream.c		a TCP stream's framing, answered in batches
 *   rrl.c		rate limiting of UDP responses
 *   feedline.c		one feed line applied to a table
 *   answer.c		one query to its response
 *   zone.c, pool.c	the zone, its records, its NS set, the pool name
 */
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "caps.h"
#include "clock.h"
#include "conf.h"
#include "ddns-named.h"
#include "err.h"
#include "num.h"
#include "rc.h"
#include "rrl.h"
#include "run.h"

#define USAGE	"ddns-named [-qt] [-f CONF] [-r RUNDIR] [-n FD] [-u USER] " \
	"[-l ADDRESS[:PORT]]... [-s SOCKET | -d RECORDS]"

struct named N;

static int sigfd;
static struct watch wsig = { W_SIG, NULL };

/* Readiness (-n): once, when the first data is served. */
void
ready(void)
{
	notify_ready(&N.notify);
}

/* Once per load: the members whose liveness nobody tells. */
static void
untied(void)
{
	const struct pool *p = &N.zone.pool;
	char a[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; p->on && i < p->nmember; i++)
		if (p->m[i].node[0] == '\0')
			err_warn("pool %s: member %s is tied to no node: always "
			    "answered as alive", p->text, inet_ntop(p->m[i].af,
			    p->m[i].a, a, sizeof a));
}

/*
 * The zone's fixed part, and with -d its records and the file's time in
 * ms; 0, or an exit code with err set.
 */
static int
load(struct zone *z, struct table **t, int64_t *mtime, struct conf_error *err)
{
	struct conf *c;
	int rc;

	*t = NULL;
	*mtime = 0;
	if ((c = conf_read(N.conf, err)) == NULL)
		return err->rc;
	conf_warn(c, CONF_W_MODE);
	rc = zone_config(z, c, err) < 0 ? err->rc : 0;
	conf_free(c);
	if (rc == 0 && N.records != NULL &&
	    (*t = zone_read_records(z, N.records, mtime, err)) == NULL)
		return err->rc;
	return rc;
}

/*
 * SIGHUP: the configuration again (domain, TTL, name servers) and the
 * records file; on any error the running data stays.  The serial goes on
 * from where it was: a records file rewritten moves it forward, one put
 * back with an older time does not move it back.
 */
static void
reload(void)
{
	static struct zone z;
	struct conf_error err;
	struct table *t;
	int64_t mtime;

	if (load(&z, &t, &mtime, &err) != 0) {
		err_warn("reload: %s; keeping the running configuration", err.msg);
		return;
	}
	z.stamp = N.zone.stamp;
	z.pool.mode = N.zone.pool.mode;
	zone_stamp(&z, mtime);
	if (N.records != NULL) {
		table_free(N.zone.t);
		z.t = t;
	} else
		z.t = N.zone.t;
	N.zone = z;
	feed_nodes(0);	/* the cluster the feed lists still makes the NS set */
	rrl_set(N.zone.rrl_limit, N.zone.rrl_slip);
	err_log("reloaded: %s, %zu records, serial %u", N.zone.domain,
	    N.zone.t != NULL ? N.zone.t->n : 0, zone_serial(&N.zone));
	untied();
	pool_refresh();
}

static void
signals(void)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload();
			break;
		case SIGTERM:
		case SIGINT:
			err_log("stopping");
			exit(RC_OK);
		}
	}
}

/* The earlier of two deadlines, -1 meaning none. */
static int64_t
earlier(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static int
timeout_ms(void)
{
	int64_t t = earlier(net_timers(), rrl_timers(N.now));

	t = earlier(t, N.records == NULL ? feed_timers() : -1);

	if (t < 0)
		return -1;
	if ((t -= clock_mono()) <= 0)
		return 0;
	t = t / CLOCK_MS + 1;
	return t > 60000 ? 60000 : (int)t;
}

static void
loop(void)
{
	struct epoll_event ev[64];
	struct watch *w, *accepts[LISTEN_MAX];
	int i, n, na;

	for (;;) {
		N.now = clock_mono();
		net_round();
		n = loop_wait(ev, 64, timeout_ms());
		N.now = clock_mono();
		for (i = na = 0; i < n; i++) {
			w = ev[i].data.ptr;
			switch (w->kind) {
			case W_SIG:
				signals();
				break;
			case W_UDP:
				net_udp(w->p);
				break;
			case W_TCPL:
				accepts[na++] = w;
				break;
			case W_TCP:
				net_tcp(w->p, ev[i].events);
				break;
			case W_FEED:
				feed_event();
				break;
			}
		}
		/*
		 * Every socket with something to read had its turn, each
		 * bounded (UDP, every TCP connection, the feed); then the
		 * connections with whole messages still buffered.  Last: a
		 * new connection may close the idlest one, which must not be
		 * among the events still to be handled.
		 */
		net_busy();
		for (i = 0; i < na; i++)
			net_accept(accepts[i]->p);
	}
}

/* -t: what setup() would read, and nothing else. */
static int
check(void)
{
	struct conf_error err;
	struct table *t;
	int64_t mtime;

	if (load(&N.zone, &t, &mtime, &err) != 0)
		err_fatal(err.rc, "%s", err.msg);
	table_free(t);
	return RC_OK;
}

static void
setup(const char **listen, int nlisten)
{
	static const int none[] = { -1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, 0 };
	struct conf_error err;
	struct table *t;
	const char *why;
	int64_t mtime;
	uint64_t seed;
	int i;

	if (load(&N.zone, &t, &mtime, &err) != 0)
		err_fatal(err.rc, "%s", err.msg);
	N.zone.t = t;
	zone_stamp(&N.zone, mtime);
	untied();
	dns_seed((uint64_t)clock_wall() ^ (uint64_t)getpid() << 32);
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
		seed = (uint64_t)clock_mono() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	rrl_seed(seed);
	rrl_set(N.zone.rrl_limit, N.zone.rrl_slip);
	loop_init();
	sigfd = loop_signals(sigs);
	signal(SIGPIPE, SIG_IGN);
	loop_add(sigfd, &wsig, EPOLLIN);
	for (i = 0; i < nlisten; i++)
		net_listen(listen[i], 1);
	if (nlisten == 0) {
		net_listen("0.0.0.0", 1);
		net_listen("::", 0);	/* a host without IPv6 still serves */
	}
	/* every socket is bound: no capability is needed any more */
	if (caps_keep(none, N.user, &why) < 0)
		err_fatal(RC_TEMP, "unable to drop privileges: %s", why);
	N.now = clock_mono();
	err_log("serving %s from %s", N.zone.domain,
	    N.records != NULL ? N.records : N.sock);
	if (N.records != NULL) {
		err_log("%s: %zu records, serial %u", N.records, N.zone.t->n,
		    zone_serial(&N.zone));
		if (N.zone.pool.on)
			err_log("pool %s: no feed (-d); answering all %d members",
			    N.zone.pool.text, N.zone.pool.nmember);
		ready();
	} else
		feed_start();
}

int
main(int argc, char **argv)
{
	const char *listen[LISTEN_MAX], *sock = NULL;
	int c, nlisten = 0, test = 0;

	err_init(argv[0]);
	N.conf = CONF_PATH_DEFAULT;
	N.run = RUN_DEFAULT;
	N.notify = -1;
	while ((c = getopt(argc, argv, "qtf:r:n:u:l:s:d:")) != -1) {
		switch (c) {
		case 'q':
			N.qlog = 1;
			break;
		case 't':
			test = 1;
			break;
		case 'f':
			N.conf = optarg;
			break;
		case 'r':
			N.run = optarg;
			break;
		case 'n':
			N.notify = notify_fd(optarg);
			break;
		case 'u':
			N.user = optarg;
			break;
		case 'l':
			if (nlisten == LISTEN_MAX)
				err_fatal(RC_USAGE, "more than %d -l", LISTEN_MAX);
			listen[nlisten++] = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'd':
			N.records = optarg;
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc || (sock != NULL && N.records != NULL))
		err_usage(USAGE);
	if (sock != NULL)
		snprintf(N.sock, sizeof N.sock, "%s", sock);
	else
		snprintf(N.sock, sizeof N.sock, "%s/%s", N.run,
		    RUN_DDNS_CONTROL);
	if (N.records == NULL &&
	    strlen(N.sock) >= sizeof ((struct sockaddr_un *)0)->sun_path)
		err_fatal(RC_USAGE, "%s: a socket path longer than %zu bytes",
		    N.sock, sizeof ((struct sockaddr_un *)0)->sun_path - 1);
	if (test)
		return check();
	setup(listen, nlisten);
	loop();
}
