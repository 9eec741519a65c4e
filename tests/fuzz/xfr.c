/*
 * Fuzz what a query meets before the query path (bin/ddns-named/serve.c:
 * its TSIG record, the transfer checks) and the zone transfer it may
 * start (xfr.c, the IXFR query's SOA among it).  The input's first byte
 * says over what (bit 0: TCP), from whom (bit 1: the secondary with a
 * key, else the one without) and whether the table changes after the
 * first message of a transfer (bit 2: a record added, then removed, as
 * the feed may do while the transfer goes on), and of which
 * configuration (bit 3: the pool's name outside the domain, a zone of its
 * own, else under it); the rest is one DNS message.  Checks: every
 * response and every message of a transfer parses (ldns) and carries the
 * query's ID; a transfer ends, its first record and its last are SOAs.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "conf.h"
#include "err.h"
#include "xfr.h"
#include "xlog.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char config[] =
    "set service ipsec-ddns self 198.51.100.2\n"
    "set service ipsec-ddns peer 198.51.100.1\n"
    "set service ipsec-ddns domain vpn.example.org\n"
    "set service ipsec-ddns tsig-key xfr-key secret "
    "8gVTKeKCcoKk+Xq1BX6vU4Wo0/tvtDz4qu3oQzEUyXU=\n"
    "set service ipsec-ddns secondary 192.0.2.53 tsig-key xfr-key\n"
    "set service ipsec-ddns secondary 192.0.2.54\n"
    "set service dns-pool member 203.0.113.1\n"
    "set service dns-pool member 2001:db8::1\n";
static const char *pools[2] = {
	"set service dns-pool name pool.vpn.example.org\n",
	"set service dns-pool name pool.example.net\n",
};

static struct zone Zs[2];
static struct zone *Z;		/* the one of this input */
static uint8_t R[DNS_TCP_MAX];

static void
init_zone(struct zone *zp, int k)
{
	char text[sizeof config + 64];
	size_t n;
	struct conf_error ce;
	struct conf *c;
	const char *why;
	uint8_t a[4] = { 192, 0, 2, 10 }, a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	n = (size_t)snprintf(text, sizeof text, "%s%s", config, pools[k]);
	if ((c = conf_parse("fuzz.conf", text, n, &ce)) == NULL ||
	    zone_config(zp, c, &ce) < 0 ||
	    (zp->t = table_new(4)) == NULL ||
	    table_set(zp->t, zp, "gw1", 3, AF_INET, a, &why) != 1 ||
	    table_set(zp->t, zp, "gw6", 3, AF_INET6, a6, &why) != 1)
		abort();
	zone_stamp(zp, 1796668092169);
	/* a history: serial 179666809216 -> ...217 -> ...218, so that an
	 * IXFR from the first two is incremental (seed ixfr-history) */
	xlog_reset(zone_serial(zp));
	zp->t->log = xlog_change;
	a[3] = 11;
	if (table_set(zp->t, zp, "gw1", 3, AF_INET, a, &why) != 1 ||
	    table_set(zp->t, zp, "gw2", 3, AF_INET, a, &why) != 1)
		abort();
	zone_step(zp);
	xlog_commit(zone_serial(zp) - 1, zone_serial(zp));
	if (table_del(zp->t, "gw2", 3) != 1 || table_del(zp->t, "gw6", 3) != 1)
		abort();
	zone_step(zp);
	xlog_commit(zone_serial(zp) - 1, zone_serial(zp));
	conf_free(c);
}

static void
init(void)
{
	err_init("xfr");
	table_watch(xfr_changing);
	init_zone(&Zs[1], 1);
	init_zone(&Zs[0], 0);	/* the history: the same changes, and last */
}

/* The message parses; with ID id; its answer records in *rr. */
static ldns_rr_list *
check(const uint8_t *r, size_t len, uint16_t id, ldns_pkt **p)
{
	if (len < 12 || ldns_wire2pkt(p, r, len) != LDNS_STATUS_OK)
		abort();
	if (ldns_pkt_id(*p) != id || !ldns_pkt_qr(*p))
		abort();
	return ldns_pkt_answer(*p);
}

/* The table changes under a transfer, and back as it was. */
static void
churn(void)
{
	const uint8_t a[4] = { 192, 0, 2, 99 };
	const char *why;

	Z->t->log = NULL;	/* the history is the init's */
	if (table_set(Z->t, Z, "churn", 5, AF_INET, a, &why) != 1 ||
	    table_del(Z->t, "churn", 5) != 1)
		abort();
	Z->t->log = xlog_change;
}

static void
transfer(struct xfr *x, uint16_t id, int change)
{
	ldns_pkt *p;
	ldns_rr_list *an;
	size_t len, n;
	int msgs = 0, soa_last = 0;

	while ((len = xfr_next(x, R, sizeof R)) > 0) {
		if (++msgs > 64)
			abort();	/* a few records: one message or two */
		if (msgs == 1 && change)
			churn();
		an = check(R, len, id, &p);
		n = ldns_rr_list_rr_count(an);
		if (msgs == 1 && (n == 0 || ldns_rr_get_type(
		    ldns_rr_list_rr(an, 0)) != LDNS_RR_TYPE_SOA))
			abort();
		if (n > 0)
			soa_last = ldns_rr_get_type(ldns_rr_list_rr(an, n - 1)) ==
			    LDNS_RR_TYPE_SOA;
		ldns_pkt_free(p);
	}
	if (msgs == 0 || !soa_last)
		abort();
	xfr_free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct qinfo info;
	struct peer from;
	struct xfr *x;
	ldns_pkt *p;
	size_t len;
	int tcp;

	if (Zs[0].t == NULL)
		init();
	if (size < 1 + 12)
		return 0;
	Z = &Zs[(data[0] >> 3) & 1];
	tcp = data[0] & 1;
	memcpy(&sa.sin_addr, (const uint8_t[]){ 192, 0, 2,
	    (data[0] & 2) ? 53 : 54 }, 4);
	peer_set(&from, (struct sockaddr *)&sa);
	len = dns_serve(Z, data + 1, size - 1, R, tcp ? DNS_TCP_MAX :
	    DNS_UDP_MAX, tcp, &from, &info, &x);
	if (x != NULL) {
		if (len != 0 || !tcp)
			abort();
		transfer(x, (uint16_t)(data[1] << 8 | data[2]), data[0] & 4);
		return 0;
	}
	if (len == 0)
		return 0;
	check(R, len, (uint16_t)(data[1] << 8 | data[2]), &p);
	ldns_pkt_free(p);
	return 0;
}
