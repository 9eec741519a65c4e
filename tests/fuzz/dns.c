/*
 * Fuzz ddns-named's query path: the bytes of one query (the first byte
 * picks UDP or TCP, the rest is the message) against a zone of a few
 * records, and check every response with ldns, which nobody here wrote:
 * it parses, answers the query's ID with QR set, echoes the question byte
 * for byte, and fits the size the query allows.  Also checks the table:
 * a record set from the input is found again, and the serial returns to
 * its value when it is removed, and the slip of rate limiting, the
 * response made empty with TC, reads as a message too.  A pool name
 * outside the domain is configured, and one inside it is tried on every
 * other input, so that both pool paths (answers, its own zone's SOA and
 * NS) are fuzzed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "conf.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char config[] =
    "set service ipsec-ddns self 198.51.100.2\n"
    "set service ipsec-ddns peer 198.51.100.1\n"
    "set service ipsec-ddns peer 2001:db8::53\n"
    "set service ipsec-ddns domain vpn.example.org\n"
    "set service dns-pool name pool.example.net\n"
    "set service dns-pool member 203.0.113.1 node 198.51.100.1\n"
    "set service dns-pool member 203.0.113.2 node 198.51.100.2\n"
    "set service dns-pool member 2001:db8::1 node 2001:db8::53\n"
    "set service dns-pool member 203.0.113.9\n"
    "set service dns-pool answers 2\n";

static const char config_in[] =
    "set service ipsec-ddns self 198.51.100.2\n"
    "set service ipsec-ddns peer 198.51.100.1\n"
    "set service ipsec-ddns domain vpn.example.org\n"
    "set service dns-pool name pool.vpn.example.org\n"
    "set service dns-pool policy least-loaded\n";

static struct zone Z;
static struct pool P[2];	/* outside the domain, inside it */

static void
add(const char *label, int af, const char *text)
{
	uint8_t a[16] = { 0 };
	const char *why;

	inet_pton(af, text, a);
	if (table_set(Z.t, &Z, label, strlen(label), af, a, &why) != 1)
		abort();
}

static void
init(void)
{
	struct conf_error ce;
	struct conf *c;

	if ((c = conf_parse("fuzz.conf", config_in, sizeof config_in - 1,
	    &ce)) == NULL || zone_config(&Z, c, &ce) < 0)
		abort();
	conf_free(c);
	P[1] = Z.pool;
	if ((c = conf_parse("fuzz.conf", config, sizeof config - 1, &ce)) == NULL ||
	    zone_config(&Z, c, &ce) < 0 ||
	    (Z.t = table_new(4)) == NULL)
		abort();
	conf_free(c);
	P[0] = Z.pool;
	add("gw1", AF_INET, "192.0.2.10");
	add("GW6", AF_INET6, "2001:db8::6");
	add("ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg",
	    AF_INET, "192.0.2.63");
	/* node 1 up with a gateway, node 2 drained, the IPv6 one unknown */
	Z.t->node[table_node(Z.t, "198.51.100.1")].state = NODE_UP;
	Z.t->node[table_node(Z.t, "198.51.100.2")].state = NODE_DRAINED;
	table_origin(Z.t, "gw1", 3, table_node(Z.t, "198.51.100.1"));
	pool_view(&Z, 1);
	P[0] = Z.pool;
	Z.pool = P[1];
	pool_view(&Z, 1);
	P[1] = Z.pool;
}

/* Does the query carry an OPT record?  ldns says, independently. */
static int
query_edns(const uint8_t *q, size_t n)
{
	ldns_pkt *p = NULL;
	int edns = 0;

	if (ldns_wire2pkt(&p, q, n) == LDNS_STATUS_OK)
		edns = ldns_pkt_edns(p);
	ldns_pkt_free(p);
	return edns;
}

static void
check(const uint8_t *q, size_t qn, const uint8_t *r, size_t rn, int tcp,
    const struct qinfo *in)
{
	ldns_pkt *p = NULL;
	size_t qlen;

	if (rn < DNS_HEADER || rn > (tcp ? DNS_TCP_MAX : DNS_UDP_MAX))
		abort();
	if (memcmp(r, q, 2) != 0 || !(r[2] & 0x80) || (r[3] & 0x80))
		abort();
	if (ldns_wire2pkt(&p, r, rn) != LDNS_STATUS_OK)
		abort();
	ldns_pkt_free(p);
	if (r[5] == 1) {	/* the question, as it came */
		qlen = in->qnamelen + 4;
		if (in->qnamelen == 0 || rn < DNS_HEADER + qlen ||
		    qn < DNS_HEADER + qlen ||
		    memcmp(r + DNS_HEADER, q + DNS_HEADER, qlen) != 0)
			abort();
	}
	if (!tcp && rn > DNS_UDP_PLAIN && !query_edns(q, qn))
		abort();
}

/*
 * Rate limiting's slip: the response emptied, TC set, still a message
 * ldns reads, with the same ID, question and OPT (ARCOUNT 1 with EDNS).
 */
static void
slip_check(const uint8_t *r, size_t rn, const struct qinfo *in)
{
	static uint8_t s[2 + DNS_TCP_MAX];
	ldns_pkt *p = NULL;
	size_t sn;

	memcpy(s, r, rn);
	sn = dns_slip(s, rn, in);
	if (sn > rn || sn < DNS_HEADER || !(s[2] & 0x02) || s[6] | s[7] |
	    s[8] | s[9] | s[10] || s[11] != (in->edns ? 1 : 0) ||
	    memcmp(s, r, 2) != 0 || (s[2] & ~0x02) != (r[2] & ~0x02) ||
	    memcmp(s + 3, r + 3, 3) != 0 || memcmp(s + 12, r + 12, sn - 12 -
	    (in->edns ? 11 : 0)) != 0)
		abort();
	if (ldns_wire2pkt(&p, s, sn) != LDNS_STATUS_OK)
		abort();
	ldns_pkt_free(p);
}

/* A label and address from the input: set, found, removed, serial back. */
static void
table_check(const uint8_t *d, size_t n)
{
	char label[64];
	uint8_t lc[64];
	uint32_t before = zone_serial(&Z);
	const char *why;
	size_t len = n < 63 ? n : 63, i;

	if (n < 17)
		return;
	memcpy(label, d + 16, len > n - 16 ? n - 16 : len);
	len = len > n - 16 ? n - 16 : len;
	if (len == 0)
		return;
	for (i = 0; i < len; i++)
		lc[i] = (uint8_t)(label[i] >= 'A' && label[i] <= 'Z' ?
		    label[i] + 32 : label[i]);
	if (table_get(Z.t, lc, len, table_hash(lc, len)) != NULL)
		return;
	if (table_set(Z.t, &Z, label, len, d[0] & 1 ? AF_INET6 : AF_INET,
	    d, &why) != 1)
		return;
	if (table_get(Z.t, lc, len, table_hash(lc, len)) == NULL ||
	    table_del(Z.t, label, len) != 1 || zone_serial(&Z) != before ||
	    table_get(Z.t, lc, len, table_hash(lc, len)) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t r[2 + DNS_TCP_MAX];
	struct qinfo in;
	uint8_t *q;
	size_t rn;
	int tcp;

	if (Z.t == NULL)
		init();
	if (size < 1)
		return 0;
	tcp = data[0] & 1;
	Z.pool = P[(data[0] >> 1) & 1];
	/* a copy of exactly the message, so that ASan sees any over-read */
	if ((q = malloc(size - 1 + 1)) == NULL)
		return 0;
	memcpy(q, data + 1, size - 1);
	rn = dns_answer(&Z, q, size - 1, r, tcp ? DNS_TCP_MAX : DNS_UDP_MAX,
	    tcp, &in);
	if (rn > 0) {
		check(q, size - 1, r, rn, tcp, &in);
		slip_check(r, rn, &in);
	}
	else if (size - 1 >= DNS_HEADER && !(q[2] & 0x80))
		abort();	/* only responses and runts go unanswered */
	table_check(data + 1, size - 1);
	free(q);
	return 0;
}
