/*
 * ddns-named: the authoritative DNS server of one ipsec-ddns domain, fed
 * live by ddns-syncd or from a static records file.  One process, one
 * epoll loop; queries never wait for anything but the CPU.
 *
 * Who owns what; calls go down the list, never up (a lower file answers
 * through what it returns):
 *   ddns-named.c	main, options, the loop, reload, signals
 *   net.c		the sockets: UDP batches, TCP connections in turns
 *   feed.c		the subscription to ddns-syncd; the cluster it names
 *   stream.c		a TCP stream's framing, answered in batches
 *   rrl.c		rate limiting of UDP responses
 *   feedline.c		one feed line applied to a table
 *   answer.c		one query to its response
 *   zone.c, pool.c	the zone, its records, its NS set, the pool name
 *
 * What they share is `named` (ddns-named.h): this file sets the options,
 * the clock of each round and the zone, at start and at reload; feed.c
 * alone puts the feed's table, stamps and nodes into named.zone; the
 * others read it.  Readiness (-n) is told by whichever serves first: this
 * file for a records file, feed.c for the first snapshot.
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
#include "xfr.h"
#include "xlog.h"
#include "rrl.h"
#include "run.h"

#define USAGE	"ddns-named [-qt] [-f CONF] [-r RUNDIR] [-n FD] [-u USER] " \
	"[-l ADDRESS[:PORT]]... [-s SOCKET | -d RECORDS]"

struct named named;

static int sigfd;
static struct watch wsig = { W_SIG, NULL };

/* Once per load: the members whose liveness nobody tells. */
static void
warn_untied(void)
{
	const struct pool *p = &named.zone.pool;
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
named_load(struct zone *z, struct table **t, int64_t *mtime,
    struct conf_error *err)
{
	struct conf *c;
	int rc;

	*t = NULL;
	*mtime = 0;
	if ((c = conf_read(named.conf, err)) == NULL)
		return err->rc;
	conf_warn(c, CONF_W_MODE);
	rc = zone_config(z, c, err) < 0 ? err->rc : 0;
	conf_free(c);
	if (rc == 0 && named.records != NULL &&
	    (*t = zone_read_records(z, named.records, mtime, err)) == NULL)
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
named_reload(void)
{
	static struct zone z;
	struct conf_error err;
	struct table *t;
	int64_t mtime;

	if (named_load(&z, &t, &mtime, &err) != 0) {
		err_warn("reload: %s; keeping the running configuration", err.msg);
		return;
	}
	z.stamp = named.zone.stamp;
	z.pool.mode = named.zone.pool.mode;
	zone_stamp(&z, mtime);
	if (named.records != NULL) {
		table_free(named.zone.t);
		z.t = t;
	} else
		z.t = named.zone.t;
	named.zone = z;
	xlog_reset(zone_serial(&named.zone));	/* its SOA, NS, pool may differ */
	notify_reset();
	feed_nodes(0);	/* the cluster the feed lists still makes the NS set */
	rrl_set(named.zone.rrl_limit, named.zone.rrl_slip);
	err_log("reloaded: %s, %zu records, serial %u", named.zone.domain,
	    named.zone.t != NULL ? named.zone.t->n : 0,
	    zone_serial(&named.zone));
	warn_untied();
	feed_pool_refresh();
}

static void
named_signals(void)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGHUP:
			named_reload();
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
deadline_min(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static int
timeout_ms(void)
{
	int64_t t = deadline_min(net_timers(), rrl_timers(named.now));

	t = deadline_min(t, named.records == NULL ? feed_timers() : -1);
	t = deadline_min(t, notify_timers());
	t = deadline_min(t, metrics_timers());

	if (t < 0)
		return -1;
	if ((t -= clock_mono()) <= 0)
		return 0;
	t = t / CLOCK_MS + 1;
	return t > 60000 ? 60000 : (int)t;
}

static void
named_loop(void)
{
	struct epoll_event ev[64];
	struct watch *w, *accepts[LISTEN_MAX];
	int i, n, na;

	for (;;) {
		named.now = clock_mono();
		net_round();
		n = loop_wait(ev, 64, timeout_ms());
		named.now = clock_mono();
		for (i = na = 0; i < n; i++) {
			w = ev[i].data.ptr;
			switch (w->kind) {
			case W_SIG:
				named_signals();
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
			case W_NOTIFY:
				notify_event(w->p);
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
		notify_check();
	}
}

/* -t: what named_setup() would read, and nothing else. */
static int
named_check(void)
{
	struct conf_error err;
	struct table *t;
	int64_t mtime;

	if (named_load(&named.zone, &t, &mtime, &err) != 0)
		err_fatal(err.rc, "%s", err.msg);
	table_free(t);
	return RC_OK;
}

static void
named_setup(const char **listen, int nlisten)
{
	static const int none[] = { -1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, 0 };
	struct conf_error err;
	struct table *t;
	const char *why;
	int64_t mtime;
	uint64_t seed;
	int i;

	table_watch(xfr_changing);	/* transfers stream from the table */
	if (named_load(&named.zone, &t, &mtime, &err) != 0)
		err_fatal(err.rc, "%s", err.msg);
	named.zone.t = t;
	zone_stamp(&named.zone, mtime);
	warn_untied();
	dns_seed((uint64_t)clock_wall() ^ (uint64_t)getpid() << 32);
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
		seed = (uint64_t)clock_mono() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	rrl_seed(seed);
	rrl_set(named.zone.rrl_limit, named.zone.rrl_slip);
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
	notify_start();
	metrics_start();
	/* every socket is bound: no capability is needed any more */
	if (caps_keep(none, named.user, &why) < 0)
		err_fatal(RC_TEMP, "unable to drop privileges: %s", why);
	named.now = clock_mono();
	err_log("serving %s from %s", named.zone.domain,
	    named.records != NULL ? named.records : named.sock);
	if (named.records != NULL) {
		err_log("%s: %zu records, serial %u", named.records,
		    named.zone.t->n, zone_serial(&named.zone));
		if (named.zone.pool.on)
			err_log("pool %s: no feed (-d); answering all %d members",
			    named.zone.pool.text, named.zone.pool.nmember);
		notify_ready(&named.notify);
	} else
		feed_start();
}

int
main(int argc, char **argv)
{
	const char *listen[LISTEN_MAX], *sock = NULL;
	int c, nlisten = 0, test = 0;

	err_init(argv[0]);
	named.conf = CONF_PATH_DEFAULT;
	named.run = RUN_DEFAULT;
	named.notify = -1;
	while ((c = getopt(argc, argv, "qtf:r:n:u:l:s:d:")) != -1) {
		switch (c) {
		case 'q':
			named.qlog = 1;
			break;
		case 't':
			test = 1;
			break;
		case 'f':
			named.conf = optarg;
			break;
		case 'r':
			named.run = optarg;
			break;
		case 'n':
			named.notify = notify_fd(optarg);
			break;
		case 'u':
			named.user = optarg;
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
			named.records = optarg;
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc || (sock != NULL && named.records != NULL))
		err_usage(USAGE);
	if (sock != NULL)
		snprintf(named.sock, sizeof named.sock, "%s", sock);
	else
		snprintf(named.sock, sizeof named.sock, "%s/%s", named.run,
		    RUN_DDNS_CONTROL);
	if (named.records == NULL &&
	    strlen(named.sock) >= sizeof ((struct sockaddr_un *)0)->sun_path)
		err_fatal(RC_USAGE, "%s: a socket path longer than %zu bytes",
		    named.sock, sizeof ((struct sockaddr_un *)0)->sun_path - 1);
	if (test)
		return named_check();
	named_setup(listen, nlisten);
	named_loop();
}
