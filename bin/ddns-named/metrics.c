/*
 * RUN/ddns-named/ddns-named.prom, linked as RUN/metrics/ddns-named.prom
 * (lib/prom.h): queries, responses, transfers, NOTIFY, rate limiting,
 * TCP, the feed, the serial and the pool's members, for node_exporter's
 * textfile collector.  Written at most once a second while anything
 * moves, and at once when the feed comes or goes.  ddns-named needed no
 * run directory before its metrics: without one it serves all the same,
 * and says once that there are no metrics.  Names in ddns-named(8).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>

#include "clock.h"
#include "ddns-named.h"
#include "err.h"
#include "prom.h"
#include "rrl.h"
#include "run.h"
#include "rundir.h"
#include "stats.h"

#define METRICS_NAME	"ddns-named"
#define METRICS_EVERY	CLOCK_SEC

static struct {
	int on;
	char dir[4200];
	int64_t at;			/* the last write, -1 none */
	int feed;			/* the feed's state then */
	uint64_t sum;			/* what moved since: see moved() */
	int failing;			/* the last write failed, and said so */
} m = { .at = -1, .feed = -1 };

void
metrics_start(void)
{
	char err[4400];

	if ((size_t)snprintf(m.dir, sizeof m.dir, "%s/%s", named.run,
	    RUN_DDNS_NAMED) >= sizeof m.dir)
		return;
	if (rundir_try(named.run, m.dir, named.user, err, sizeof err) != 0 ||
	    prom_link(named.run, m.dir, METRICS_NAME, err, sizeof err) != 0) {
		err_warn("no metrics: %s", err);
		return;
	}
	m.on = 1;
}

/* A sum of what the metrics show: it moves when any of them does. */
static uint64_t
moved(void)
{
	const struct rrl_counts *rc = rrl_counts();
	uint64_t s = stats.tcp_accepted + stats.transfers[0] +
	    stats.transfers[1] + stats.notify_sent + rc->dropped + rc->slipped +
	    zone_serial(&named.zone) + (uint64_t)net_conns() +
	    (named.zone.t != NULL ? named.zone.t->n : 0);
	int i, r;

	for (i = 0; i < SQ_N; i++)
		for (r = 0; r < SR_N; r++)
			s += stats.queries[0][i][r] + stats.queries[1][i][r];
	return s;
}

static void
counter_by(struct prom *p, const char *name, const char *help,
    const char *key, const char *const *keys, const uint64_t *v, int n)
{
	char l[128];
	int i;

	prom_family(p, name, "counter", help);
	for (i = 0; i < n; i++)
		prom_u64(p, name, prom_labels(l, sizeof l, key, keys[i],
		    (const char *)NULL), v[i]);
}

static void
metrics_write(void)
{
	static const char *const transport[] = { "udp", "tcp" };
	static const char *const xfr[] = { "AXFR", "IXFR" };
	static char buf[1 << 16];
	const struct rrl_counts *rc = rrl_counts();
	const struct pool *pl = &named.zone.pool;
	char l[256], a[INET6_ADDRSTRLEN];
	struct prom p;
	int i, t, r;

	prom_start(&p, buf, sizeof buf);
	prom_family(&p, "vpnha_dns_queries_total", "counter",
	    "Queries received, by the rcode of the response sent (none: no "
	    "response), transport and type.");
	for (r = 0; r < SR_N; r++)
		for (t = 0; t < 2; t++)
			for (i = 0; i < SQ_N; i++)
				prom_u64(&p, "vpnha_dns_queries_total",
				    prom_labels(l, sizeof l, "rcode",
				    stats_rcode[r], "transport", transport[t],
				    "type", stats_qtype[i], (const char *)NULL),
				    stats.queries[t][i][r]);
	prom_family(&p, "vpnha_dns_truncated_total", "counter",
	    "Responses sent with TC set, rate limiting's among them.");
	prom_u64(&p, "vpnha_dns_truncated_total", "", stats.truncated);
	prom_family(&p, "vpnha_dns_rate_limited_total", "counter",
	    "UDP responses held back by rate limiting: dropped, or sent empty "
	    "with TC (slipped).");
	prom_u64(&p, "vpnha_dns_rate_limited_total", prom_labels(l, sizeof l,
	    "action", "dropped", (const char *)NULL), rc->dropped);
	prom_u64(&p, "vpnha_dns_rate_limited_total", prom_labels(l, sizeof l,
	    "action", "slipped", (const char *)NULL), rc->slipped);
	prom_family(&p, "vpnha_dns_tcp_connections_total", "counter",
	    "TCP connections accepted.");
	prom_u64(&p, "vpnha_dns_tcp_connections_total", "", stats.tcp_accepted);
	prom_family(&p, "vpnha_dns_tcp_connections", "gauge",
	    "TCP connections open.");
	prom_u64(&p, "vpnha_dns_tcp_connections", "", (uint64_t)net_conns());
	counter_by(&p, "vpnha_dns_transfers_total",
	    "Zone transfers sent whole, by kind.", "type", xfr,
	    stats.transfers, 2);
	prom_family(&p, "vpnha_dns_notify_sent_total", "counter",
	    "NOTIFY messages sent to secondaries, retries among them.");
	prom_u64(&p, "vpnha_dns_notify_sent_total", "", stats.notify_sent);
	prom_labels(l, sizeof l, "zone", named.zone.domain, (const char *)NULL);
	prom_family(&p, "vpnha_dns_serial", "gauge",
	    "The SOA serial served.");
	prom_u64(&p, "vpnha_dns_serial", l, zone_serial(&named.zone));
	prom_family(&p, "vpnha_dns_records", "gauge",
	    "Gateway names served.");
	prom_u64(&p, "vpnha_dns_records", l,
	    named.zone.t != NULL ? named.zone.t->n : 0);
	if (named.records == NULL) {
		prom_family(&p, "vpnha_dns_feed_up", "gauge",
		    "1 while the feed is connected and its snapshot served.");
		prom_u64(&p, "vpnha_dns_feed_up", "", (uint64_t)feed_up());
	}
	if (pl->on) {
		prom_family(&p, "vpnha_dns_pool_answers_total", "counter",
		    "Times each pool member was given in an answer.");
		for (i = 0; i < pl->nmember; i++) {
			inet_ntop(pl->m[i].af, pl->m[i].a, a, sizeof a);
			prom_u64(&p, "vpnha_dns_pool_answers_total",
			    prom_labels(l, sizeof l, "member", a, "pool",
			    pl->text, (const char *)NULL), stats.pool[i]);
		}
	}
	prom_write(m.dir, METRICS_NAME, &p, &m.failing);
}

int64_t
metrics_timers(void)
{
	uint64_t sum;
	int f;

	if (!m.on)
		return -1;
	f = named.records == NULL ? feed_up() : -1;
	sum = moved();
	if (f == m.feed && sum == m.sum)
		return -1;
	if (f == m.feed && m.at >= 0 && named.now < m.at + METRICS_EVERY)
		return m.at + METRICS_EVERY;
	metrics_write();
	m.at = named.now;
	m.feed = f;
	m.sum = sum;
	return -1;
}
