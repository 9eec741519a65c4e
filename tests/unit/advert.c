/*
 * bin/vrrpd/advert.c: the VRRP advertisement codec.
 *
 * advert			self-tests; silent, exit 0 if all pass
 * advert FILE.pcap...		one line per IPv4/IPv6 frame of IP protocol
 *				112 (VRRP, or CARP) or 51 (AH), numbered as
 *				tshark numbers them:
 *   N ok v=2 vrid=1 prio=150 count=1 auth=0 int=100 cksum=0x1e64 ah=0
 *     addrs=198.51.100.100[,...] src=198.51.100.11[ authdata=HEX (v2)]
 *   N drop=REASON
 * advert -s DIR FILE.pcap...	the same packets as fuzz seeds in DIR, each
 *				named by a hash of its bytes (so once):
 *				mode byte 0 or 1 and the IP packet; and for
 *				those that parse, 2 or 3 and the VRRP message
 *				(see tests/fuzz/advert.c)
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advert.h"
#include "check.h"
#include "err.h"
#include "rc.h"

static const char *seed_dir;

/* Real packets from the reference captures, from the IP header on. */
static const uint8_t ka_v2_ah[] = {	/* keepalived_v2_auth_ah frame 8 */
	0x45, 0xc0, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33,
	0xb0, 0x78, 0xc6, 0x33, 0x64, 0x0b, 0xe0, 0x00, 0x00, 0x12,
	0x70, 0x04, 0x00, 0x00, 0xc6, 0x33, 0x64, 0x0b, 0x00, 0x00,
	0x00, 0x01, 0x5a, 0x68, 0x52, 0x31, 0x5f, 0x29, 0x2f, 0x8b,
	0x6d, 0xf9, 0x4e, 0x40, 0x21, 0x01, 0x96, 0x01, 0x02, 0x01,
	0x1c, 0x64, 0xc6, 0x33, 0x64, 0x64, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t ka_v3_ip6[] = {	/* keepalived_v3_ipv4_ipv6 frame 18 */
	0x6c, 0x0f, 0xc9, 0xf9, 0x00, 0x28, 0x70, 0xff, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0xfe, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12,
	0x31, 0x01, 0x96, 0x02, 0x00, 0x64, 0x0c, 0x2f, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
};
static const uint8_t ucarp[] = {	/* ucarp_carp_failover frame 1 */
	0x45, 0x10, 0x00, 0x38, 0x66, 0x06, 0x40, 0x00, 0xff, 0x70,
	0x0a, 0xee, 0xc6, 0x33, 0x64, 0x0b, 0xe0, 0x00, 0x00, 0x12,
	0x21, 0x01, 0x00, 0x07, 0x00, 0x01, 0x05, 0x6a, 0x10, 0x1d,
	0x45, 0xb4, 0x3a, 0xda, 0x03, 0x59, 0x5c, 0xc1, 0xd1, 0x62,
	0x0a, 0x7c, 0xd2, 0x5d, 0x7d, 0x65, 0xd1, 0x82, 0x8c, 0xf4,
	0x3e, 0x50, 0x5c, 0xd0, 0xc3, 0x8c,
};

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The Internet checksum once more, written apart from the code under test. */
static unsigned
cksum(const uint8_t *p, size_t len)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += i % 2 ? p[i] : (unsigned)p[i] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void
addr(int af, const char *s, void *out)
{
	if (inet_pton(af, s, out) != 1)
		abort();
}

/* A group as a sender would have it; addresses in the caller's buffer. */
static struct advert
group(int af, int version, int naddr, uint8_t *addrs)
{
	struct advert a;
	int i, n = af == AF_INET ? 4 : 16;

	memset(&a, 0, sizeof a);
	a.af = af;
	a.ttl = VRRP_TTL;
	a.version = (uint8_t)version;
	a.type = VRRP_TYPE_ADVERT;
	a.vrid = 1;
	a.priority = 150;
	a.naddr = (uint8_t)naddr;
	a.interval = 100;
	if (af == AF_INET) {
		addr(af, "198.51.100.11", &a.src);
		addr(af, "224.0.0.18", &a.dst);
	} else {
		addr(af, "fe80::ff:fe00:1", &a.src);
		addr(af, VRRP_GROUP6, &a.dst);
	}
	for (i = 0; i < naddr; i++) {
		addr(af, af == AF_INET ? "198.51.100.100" : "2001:db8:100::100",
		    addrs + i * n);
		addrs[i * n + n - 1] = (uint8_t)i;	/* all different */
	}
	return a;
}

/* An IPv4 header around len bytes of payload; the packet's length. */
static size_t
ip4(uint8_t *pkt, const struct advert *a, int proto, const uint8_t *payload,
    size_t len)
{
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[1] = 0xc0;
	put16(pkt + 2, (unsigned)(20 + len));
	pkt[8] = (uint8_t)a->ttl;
	pkt[9] = (uint8_t)proto;
	memcpy(pkt + 12, &a->src.v4, 4);
	memcpy(pkt + 16, &a->dst.v4, 4);
	put16(pkt + 10, cksum(pkt, 20));
	memcpy(pkt + 20, payload, len);
	return 20 + len;
}

static size_t
ip6(uint8_t *pkt, const struct advert *a, int nh, const uint8_t *payload,
    size_t len)
{
	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	put16(pkt + 4, (unsigned)len);
	pkt[6] = (uint8_t)nh;
	pkt[7] = (uint8_t)a->ttl;
	memcpy(pkt + 8, &a->src.v6, 16);
	memcpy(pkt + 24, &a->dst.v6, 16);
	memcpy(pkt + 40, payload, len);
	return 40 + len;
}

/* Every field a parse gives back is what the sender built. */
static int
same(const struct advert *a, const struct advert *b, const uint8_t *addrs)
{
	size_t n = a->af == AF_INET ? 4 : 16;

	return a->af == b->af && a->ttl == b->ttl &&
	    a->version == b->version && a->type == b->type &&
	    a->vrid == b->vrid && a->priority == b->priority &&
	    a->naddr == b->naddr && a->interval == b->interval &&
	    a->auth_type == b->auth_type &&
	    memcmp(a->auth, b->auth, sizeof a->auth) == 0 &&
	    memcmp(&a->src, &b->src, n) == 0 &&
	    memcmp(&a->dst, &b->dst, n) == 0 &&
	    b->addrs != NULL && memcmp(addrs, b->addrs, a->naddr * n) == 0;
}

/* Set the checksum of a message as RFC 3768 5.3.8 / RFC 5798 5.2.8 say. */
static void
fix(uint8_t *msg, size_t len, const struct advert *a)
{
	uint8_t buf[40 + VRRP_MSG_MAX + 1];
	size_t n = a->af == AF_INET ? 4 : 16, off = 0;

	put16(msg + 6, 0);
	if ((msg[0] >> 4) == 3) {
		memset(buf, 0, sizeof buf);
		memcpy(buf, &a->src, n);
		memcpy(buf + n, &a->dst, n);
		off = 2 * n;
		if (a->af == AF_INET) {
			buf[off + 1] = VRRP_PROTO;
			put16(buf + off + 2, (unsigned)len);
			off += 4;
		} else {
			put16(buf + off + 2, (unsigned)len);
			buf[off + 7] = VRRP_PROTO;
			off += 8;
		}
	}
	memcpy(buf + off, msg, len);
	put16(msg + 6, cksum(buf, off + len));
}

static void
test_names(void)
{
	int i;

	for (i = 0; i < ADVERT_DROP_MAX; i++)
		CHECK(advert_drop_name[i] != NULL && advert_drop_name[i][0]);
	CHECK(strcmp(advert_drop_name[ADVERT_OK], "ok") == 0);
	CHECK(strcmp(advert_drop_name[ADVERT_DROP_LENGTH], "length") == 0);
	CHECK(strcmp(advert_drop_name[ADVERT_DROP_CHECKSUM], "checksum") == 0);
	CHECK(strcmp(advert_drop_name[ADVERT_DROP_ADDRESSES],
	    "addresses") == 0);
}

/* What keepalived and ucarp put on the wire, parsed. */
static void
test_captured(void)
{
	struct advert a;
	uint8_t want[16];

	CHECK(advert_parse_ip4(&a, ka_v2_ah, sizeof ka_v2_ah) == ADVERT_OK);
	CHECK(a.ah == 1 && a.version == 2 && a.vrid == 1 && a.priority == 150);
	CHECK(a.naddr == 1 && a.auth_type == VRRP_AUTH_AH && a.interval == 100);
	CHECK(a.checksum == 0x1c64 && a.ttl == 255 && a.af == AF_INET);
	addr(AF_INET, "198.51.100.100", want);
	CHECK(a.addrs == ka_v2_ah + 44 + 8 && memcmp(a.addrs, want, 4) == 0);
	addr(AF_INET, "198.51.100.11", want);
	CHECK(memcmp(&a.src, want, 4) == 0);

	CHECK(advert_parse_ip6(&a, ka_v3_ip6, sizeof ka_v3_ip6) == ADVERT_OK);
	CHECK(a.ah == 0 && a.version == 3 && a.naddr == 2 && a.interval == 100);
	CHECK(a.checksum == 0x0c2f && a.af == AF_INET6 && a.auth_type == 0);
	addr(AF_INET6, "2001:db8:100::100", want);
	CHECK(memcmp(a.addrs + 16, want, 16) == 0);
	addr(AF_INET6, VRRP_GROUP6, want);
	CHECK(memcmp(&a.dst, want, 16) == 0);

	/* CARP: protocol 112, version 2, type 1, and a valid checksum */
	CHECK(advert_parse_ip4(&a, ucarp, sizeof ucarp) == ADVERT_DROP_LENGTH);
	CHECK(a.version == 2 && a.type == 1 && a.naddr == 7);
}

/* Checksums keepalived computed for the same fields (the captures). */
static void
test_known_checksums(void)
{
	uint8_t addrs[VRRP_MSG_MAX], msg[VRRP_MSG_MAX];
	struct advert a;
	size_t len;

	a = group(AF_INET, 2, 1, addrs);
	addr(AF_INET, "198.51.100.100", addrs);
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 20);
	CHECK(msg[6] == 0x1e && msg[7] == 0x64);
	a.priority = 0;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 20);
	CHECK(msg[6] == 0xb4 && msg[7] == 0x64);
	a.priority = 150;
	a.auth_type = VRRP_AUTH_PASS;
	memcpy(a.auth, "s3cret12", 8);
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 20);
	CHECK(msg[6] == 0xb0 && msg[7] == 0x17);
	CHECK(memcmp(msg + 12, "s3cret12", 8) == 0);
	a.auth_type = VRRP_AUTH_AH;
	memset(a.auth, 0, 8);
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 20);
	CHECK(memcmp(msg, ka_v2_ah + 44, 20) == 0);

	a = group(AF_INET, 3, 1, addrs);
	addr(AF_INET, "198.51.100.100", addrs);
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 12);
	CHECK(msg[6] == 0x03 && msg[7] == 0x33);
	a.interval = 10;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 12);
	CHECK(msg[6] == 0x03 && msg[7] == 0x8d);
	a.interval = 100;	/* unicast: the pseudo-header has the peer */
	addr(AF_INET, "198.51.100.12", &a.dst);
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 12);
	CHECK(msg[6] == 0xb9 && msg[7] == 0x05);

	a = group(AF_INET6, 3, 2, addrs);
	addr(AF_INET6, "fe80::100", addrs);
	addr(AF_INET6, "2001:db8:100::100", addrs + 16);
	len = advert_build(msg, sizeof msg, &a, addrs);
	CHECK(len == 40 && memcmp(msg, ka_v3_ip6 + 40, 40) == 0);
}

/* Build, then parse: alone, in IP, padded, behind AH or hop-by-hop. */
static void
roundtrip(int af, int version, int naddr)
{
	uint8_t addrs[VRRP_MSG_MAX], msg[VRRP_MSG_MAX], pkt[80 + VRRP_MSG_MAX];
	uint8_t ah[24 + VRRP_MSG_MAX];
	struct advert a, b;
	size_t len, plen, want;

	a = group(af, version, naddr, addrs);
	want = 8 + (size_t)naddr * (af == AF_INET ? 4 : 16) +
	    (version == 2 ? 8 : 0);
	if (version == 2) {
		a.auth_type = VRRP_AUTH_PASS;
		memcpy(a.auth, "s3cret12", 8);
	}
	len = advert_build(msg, sizeof msg, &a, addrs);
	CHECK(len == want);
	CHECK(advert_build(msg, len - 1, &a, addrs) == 0);
	CHECK(advert_build(msg, len, &a, addrs) == len);
	CHECK(cksum(msg, len) == 0 || version == 3);

	memset(&b, 0, sizeof b);
	b.af = af, b.src = a.src, b.dst = a.dst, b.ttl = 255;
	CHECK(advert_parse(&b, msg, len) == ADVERT_OK && same(&a, &b, addrs));
	CHECK(b.addrs == msg + 8);

	plen = af == AF_INET ? ip4(pkt, &a, VRRP_PROTO, msg, len) :
	    ip6(pkt, &a, VRRP_PROTO, msg, len);
	CHECK((af == AF_INET ? advert_parse_ip4(&b, pkt, plen) :
	    advert_parse_ip6(&b, pkt, plen)) == ADVERT_OK);
	CHECK(same(&a, &b, addrs) && b.ah == 0);
	memset(pkt + plen, 0xee, 18);	/* Ethernet padding */
	CHECK((af == AF_INET ? advert_parse_ip4(&b, pkt, plen + 18) :
	    advert_parse_ip6(&b, pkt, plen + 18)) == ADVERT_OK);
	CHECK(same(&a, &b, addrs));

	if (af == AF_INET) {	/* RFC 4302: next header, length 4 (24 bytes) */
		memset(ah, 0x5a, 24);
		ah[0] = VRRP_PROTO, ah[1] = 4, ah[2] = ah[3] = 0;
		memcpy(ah + 24, msg, len);
		plen = ip4(pkt, &a, 51, ah, 24 + len);
		CHECK(advert_parse_ip4(&b, pkt, plen) == ADVERT_OK);
		CHECK(same(&a, &b, addrs) && b.ah == 1);
	} else {		/* RFC 8200 4.3: a PadN option fills 8 bytes */
		memset(ah, 0, 8);
		ah[0] = VRRP_PROTO, ah[2] = 1, ah[3] = 4;
		memcpy(ah + 8, msg, len);
		plen = ip6(pkt, &a, 0, ah, 8 + len);
		CHECK(advert_parse_ip6(&b, pkt, plen) == ADVERT_OK);
		CHECK(same(&a, &b, addrs));
	}
}

static void
test_roundtrip(void)
{
	static const int counts[] = { 1, 2, 17, 255 };
	size_t i;

	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		roundtrip(AF_INET, 2, counts[i]);
		roundtrip(AF_INET, 3, counts[i]);
		roundtrip(AF_INET6, 3, counts[i]);
	}
}

/* The extremes of each interval field, and v3's reserved bits. */
static void
test_interval(void)
{
	uint8_t addrs[16], msg[32];
	struct advert a, b;
	size_t len;

	a = group(AF_INET, 2, 1, addrs);
	b = a;
	a.interval = 25500;
	CHECK((len = advert_build(msg, sizeof msg, &a, addrs)) == 20);
	CHECK(msg[5] == 255);
	CHECK(advert_parse(&b, msg, len) == ADVERT_OK && b.interval == 25500);
	a = group(AF_INET6, 3, 1, addrs);
	b = a;
	a.interval = 4095;
	CHECK((len = advert_build(msg, sizeof msg, &a, addrs)) == 24);
	CHECK(advert_parse(&b, msg, len) == ADVERT_OK && b.interval == 4095);
	/* RFC 5798 5.2.6: the reserved bits are ignored, but summed */
	msg[4] |= 0xf0;
	CHECK(advert_parse(&b, msg, len) == ADVERT_DROP_CHECKSUM);
	fix(msg, len, &a);
	CHECK(advert_parse(&b, msg, len) == ADVERT_OK && b.interval == 4095);
}

/* RFC 1624 3: with a sum of 0xffff, 0x0000 is sent; 0xffff is as good. */
static void
test_checksum_zero(void)
{
	uint8_t addrs[4], msg[20];
	struct advert a, b;
	size_t len = 0;
	long i;

	a = group(AF_INET, 2, 1, addrs);
	b = a;
	for (i = 0; i < 65536; i++) {
		a.vrid = (uint8_t)(i >> 8), a.priority = (uint8_t)i;
		len = advert_build(msg, sizeof msg, &a, addrs);
		if (msg[6] == 0 && msg[7] == 0)
			break;
	}
	CHECK(i < 65536 && advert_parse(&b, msg, len) == ADVERT_OK);
	msg[6] = msg[7] = 0xff;
	CHECK(advert_parse(&b, msg, len) == ADVERT_OK && b.checksum == 0xffff);
}

/* advert_build refuses what it cannot send. */
static void
test_build_refuses(void)
{
	uint8_t addrs[VRRP_MSG_MAX], msg[VRRP_MSG_MAX];
	struct advert a, ok;

	ok = group(AF_INET, 2, 1, addrs);
	a = ok, a.naddr = 0;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.af = AF_INET6;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.interval = 150;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.interval = 25600;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.version = 1;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.version = 4;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	CHECK(advert_build(msg, sizeof msg, &ok, NULL) == 0);
	CHECK(advert_build(msg, 0, &ok, addrs) == 0);
	ok = group(AF_INET, 3, 1, addrs);
	a = ok, a.interval = 4096;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.af = 0;
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 0);
	a = ok, a.interval = 150;	/* v3 carries any centiseconds */
	CHECK(advert_build(msg, sizeof msg, &a, addrs) == 12);
}

/* A sender's view (af, addresses, TTL) for advert_parse of a bare message. */
static enum advert_drop
parse_as(const struct advert *g, const uint8_t *msg, size_t len)
{
	struct advert b;

	memset(&b, 0, sizeof b);
	b.af = g->af, b.src = g->src, b.dst = g->dst, b.ttl = g->ttl;
	return advert_parse(&b, msg, len);
}

/* Bytes no correct sender makes, changed one field at a time. */
static void
test_reject_message(void)
{
	uint8_t addrs[16], m2[20], m3[12], m[40];
	struct advert g2, g3, g6;
	size_t len;

	g2 = group(AF_INET, 2, 1, addrs);
	CHECK(advert_build(m2, sizeof m2, &g2, addrs) == 20);
	g3 = group(AF_INET, 3, 1, addrs);
	CHECK(advert_build(m3, sizeof m3, &g3, addrs) == 12);
	g6 = group(AF_INET6, 3, 1, addrs);

	for (len = 0; len < 8; len++)
		CHECK(parse_as(&g2, m2, len) == ADVERT_DROP_LENGTH);
	memcpy(m, m2, 20), m[2] ^= 1;
	CHECK(parse_as(&g2, m, 20) == ADVERT_DROP_CHECKSUM);
	memcpy(m, m2, 20), m[19] ^= 0x80;	/* auth data is summed too */
	CHECK(parse_as(&g2, m, 20) == ADVERT_DROP_CHECKSUM);
	memcpy(m, m3, 12), m[7] ^= 1;
	CHECK(parse_as(&g3, m, 12) == ADVERT_DROP_CHECKSUM);
	g3.src.v4.s_addr ^= htonl(1);	/* v3 sums the pseudo-header, v2 not */
	CHECK(parse_as(&g3, m3, 12) == ADVERT_DROP_CHECKSUM);
	g2.src.v4.s_addr ^= htonl(1);
	CHECK(parse_as(&g2, m2, 20) == ADVERT_OK);
	g3.src.v4.s_addr ^= htonl(1);

	g2.ttl = 254;
	CHECK(parse_as(&g2, m2, 20) == ADVERT_DROP_TTL);
	g2.ttl = 1;
	CHECK(parse_as(&g2, m2, 20) == ADVERT_DROP_TTL);
	g2.ttl = 255;

	memcpy(m, m2, 20), m[0] = 0x11, fix(m, 20, &g2);
	CHECK(parse_as(&g2, m, 20) == ADVERT_DROP_VERSION);
	memcpy(m, m2, 20), m[0] = 0x41, fix(m, 20, &g2);
	CHECK(parse_as(&g2, m, 20) == ADVERT_DROP_VERSION);
	memcpy(m, m3, 12), m[0] = 0x01, fix(m, 12, &g3);
	CHECK(parse_as(&g3, m, 12) == ADVERT_DROP_VERSION);
	/* RFC 5798 5.2.1: v2 is IPv4 only, even at an IPv6 length */
	CHECK(parse_as(&g6, m2, 20) == ADVERT_DROP_VERSION);
	memset(m, 0, 32), memcpy(m, m2, 8), fix(m, 32, &g6);
	CHECK(parse_as(&g6, m, 32) == ADVERT_DROP_VERSION);

	memcpy(m, m2, 20), m[0] = 0x22, fix(m, 20, &g2);
	CHECK(parse_as(&g2, m, 20) == ADVERT_DROP_TYPE);
	memcpy(m, m3, 12), m[0] = 0x30, fix(m, 12, &g3);
	CHECK(parse_as(&g3, m, 12) == ADVERT_DROP_TYPE);

	memcpy(m, m2, 20), m[20] = 0;
	CHECK(parse_as(&g2, m, 21) == ADVERT_DROP_LENGTH);
	CHECK(parse_as(&g2, m2, 19) == ADVERT_DROP_LENGTH);
	CHECK(parse_as(&g2, m2, 12) == ADVERT_DROP_LENGTH);	/* no auth */
	memcpy(m, m2, 20), m[3] = 2, fix(m, 20, &g2);
	CHECK(parse_as(&g2, m, 20) == ADVERT_DROP_LENGTH);
	memcpy(m, m3, 12), memset(m + 12, 0, 8), fix(m, 20, &g3);
	CHECK(parse_as(&g3, m, 20) == ADVERT_DROP_LENGTH);	/* v3: none */
	memset(m, 0, 24), memcpy(m, m3, 8), m[3] = 4;	/* 4 IPv4 = 1 IPv6 */
	CHECK(parse_as(&g6, m, 24) == ADVERT_DROP_LENGTH);

	memcpy(m, m2, 8), memcpy(m + 8, m2 + 12, 8), m[3] = 0, fix(m, 16, &g2);
	CHECK(parse_as(&g2, m, 16) == ADVERT_DROP_ADDRESSES);
	memcpy(m, m3, 8), m[3] = 0, fix(m, 8, &g3);
	CHECK(parse_as(&g3, m, 8) == ADVERT_DROP_ADDRESSES);

	g2.af = 0;	/* a caller that forgot af */
	CHECK(parse_as(&g2, m2, 20) == ADVERT_DROP_PROTO);
}

/* Every proper prefix of a good packet is refused, and never over-read. */
static void
prefixes(const uint8_t *pkt, size_t len, int af)
{
	struct advert a;
	uint8_t *p;
	size_t n;

	for (n = 0; n < len; n++) {
		if ((p = malloc(n ? n : 1)) == NULL)
			abort();
		memcpy(p, pkt, n);
		CHECK((af == AF_INET ? advert_parse_ip4(&a, p, n) :
		    advert_parse_ip6(&a, p, n)) != ADVERT_OK);
		free(p);
	}
}

/* A copy of an IPv4 packet with byte i set to v, its header summed again. */
static const uint8_t *
ip4_set(uint8_t *p, const uint8_t *pkt, size_t len, size_t i, int v)
{
	memcpy(p, pkt, len);
	p[i] = (uint8_t)v;
	put16(p + 10, 0);
	put16(p + 10, cksum(p, 20));
	return p;
}

static void
test_reject_ip4(void)
{
	uint8_t addrs[4], msg[20], pkt[64], p[64];
	struct advert a, g;
	size_t len;

	g = group(AF_INET, 2, 1, addrs);
	CHECK(advert_build(msg, sizeof msg, &g, addrs) == 20);
	len = ip4(pkt, &g, VRRP_PROTO, msg, 20);
	prefixes(pkt, len, AF_INET);

	/* the header's length fields against the bytes there are */
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 0, 0x46), 20) ==
	    ADVERT_DROP_LENGTH);
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 0, 0x44), len) ==
	    ADVERT_DROP_LENGTH);
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 0, 0x4f), len) ==
	    ADVERT_DROP_LENGTH);
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 3, (int)len + 1),
	    len) == ADVERT_DROP_LENGTH);	/* beyond the buffer */
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 3, (int)len - 1),
	    len) == ADVERT_DROP_LENGTH);	/* VRRP short by one */
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 3, 19), len) ==
	    ADVERT_DROP_LENGTH);	/* shorter than the header */

	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 0, 0x65), len) ==
	    ADVERT_DROP_PROTO);
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 9, 6), len) ==
	    ADVERT_DROP_PROTO);
	memcpy(p, pkt, len), p[11] ^= 1;
	CHECK(advert_parse_ip4(&a, p, len) == ADVERT_DROP_CHECKSUM);
	CHECK(a.ttl == 255 && a.src.v4.s_addr == g.src.v4.s_addr);
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 6, 0x20), len) ==
	    ADVERT_DROP_LENGTH);	/* More Fragments */
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 7, 0x01), len) ==
	    ADVERT_DROP_LENGTH);	/* an offset */
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 6, 0x40), len) ==
	    ADVERT_OK);			/* Don't Fragment */
	CHECK(advert_parse_ip4(&a, ip4_set(p, pkt, len, 8, 64), len) ==
	    ADVERT_DROP_TTL);
	CHECK(a.ttl == 64 && a.vrid == 1 && a.priority == 150);
	CHECK(a.addrs == NULL);
}

/* RFC 4302: the next header, then the AH length against the packet's. */
static void
test_reject_ah(void)
{
	const size_t len = sizeof ka_v2_ah;
	uint8_t p[sizeof ka_v2_ah];
	struct advert a;

	prefixes(ka_v2_ah, len, AF_INET);
	CHECK(advert_parse_ip4(&a, ip4_set(p, ka_v2_ah, len, 20, 6), len) ==
	    ADVERT_DROP_PROTO);
	CHECK(advert_parse_ip4(&a, ip4_set(p, ka_v2_ah, len, 21, 0), len) ==
	    ADVERT_DROP_LENGTH);
	CHECK(advert_parse_ip4(&a, ip4_set(p, ka_v2_ah, len, 21, 10), len) ==
	    ADVERT_DROP_LENGTH);
	CHECK(advert_parse_ip4(&a, ip4_set(p, ka_v2_ah, len, 21, 3), len) !=
	    ADVERT_OK);			/* VRRP 4 bytes early */
	CHECK(advert_parse_ip4(&a, ip4_set(p, ka_v2_ah, len, 8, 254), len) ==
	    ADVERT_DROP_TTL && a.ah);
}

static void
test_reject_ip6(void)
{
	uint8_t addrs[16], msg[24], pkt[80], p[96];
	struct advert a, g;
	size_t len;

	g = group(AF_INET6, 3, 1, addrs);
	CHECK(advert_build(msg, sizeof msg, &g, addrs) == 24);
	len = ip6(pkt, &g, VRRP_PROTO, msg, 24);
	prefixes(pkt, len, AF_INET6);
	prefixes(ka_v3_ip6, sizeof ka_v3_ip6, AF_INET6);

	memcpy(p, pkt, len), p[0] = 0x40;
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_PROTO);
	memcpy(p, pkt, len), put16(p + 4, 25);
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_LENGTH);
	memcpy(p, pkt, len), put16(p + 4, 23);
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_LENGTH);
	memcpy(p, pkt, len), put16(p + 4, 0);	/* a jumbogram, or nothing */
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_LENGTH);
	memcpy(p, pkt, len), p[6] = 17;
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_PROTO);
	memcpy(p, pkt, len), p[7] = 1;
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_TTL && a.ttl == 1);
	memcpy(p, pkt, len), p[8] ^= 1;	/* the pseudo-header's source */
	CHECK(advert_parse_ip6(&a, p, len) == ADVERT_DROP_CHECKSUM);

	/* hop-by-hop options: a next header and a length to believe or not */
	memset(p, 0, sizeof p);
	memcpy(p, pkt, 40), p[6] = 0, put16(p + 4, 32);
	p[40] = VRRP_PROTO, p[42] = 1, p[43] = 4;
	memcpy(p + 48, msg, 24);
	CHECK(advert_parse_ip6(&a, p, 72) == ADVERT_OK);
	p[40] = 58;
	CHECK(advert_parse_ip6(&a, p, 72) == ADVERT_DROP_PROTO);
	p[40] = VRRP_PROTO, p[41] = 4;
	CHECK(advert_parse_ip6(&a, p, 72) == ADVERT_DROP_LENGTH);
	put16(p + 4, 4);
	CHECK(advert_parse_ip6(&a, p, 72) == ADVERT_DROP_LENGTH);
}

/* pcap (libpcap's classic format): either byte order, µs or ns stamps. */
#define PCAP_HDR	24
#define PCAP_REC	16
#define LINK_ETHER	1
#define LINK_RAW	101
#define LINK_SLL	113

struct pcap {
	const char *path;
	const uint8_t *p, *end;
	int swap;
	uint32_t link;
};

static uint32_t
pcap_u32(const struct pcap *pc, const uint8_t *p)
{
	if (pc->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL, *nbuf;
	size_t size = 0, n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		err_fatalsys(RC_USAGE, "unable to open %s", path);
	*len = 0;
	do {
		if (*len == size) {
			size = size ? 2 * size : 65536;
			if ((nbuf = realloc(buf, size)) == NULL)
				err_fatalsys(RC_TEMP, "unable to read %s",
				    path);
			buf = nbuf;
		}
		n = fread(buf + *len, 1, size - *len, fp);
		*len += n;
	} while (n > 0);
	if (ferror(fp))
		err_fatalsys(RC_TEMP, "unable to read %s", path);
	fclose(fp);
	return buf;
}

static void
pcap_open(struct pcap *pc, const uint8_t *buf, size_t len)
{
	uint32_t magic;

	if (len < PCAP_HDR)
		err_fatal(RC_USAGE, "%s: not a pcap file", pc->path);
	magic = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
	    (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		pc->swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		pc->swap = 1;
	else
		err_fatal(RC_USAGE, "%s: not a pcap file (pcapng?)", pc->path);
	pc->link = pcap_u32(pc, buf + 20) & 0x0fffffff;
	pc->p = buf + PCAP_HDR;
	pc->end = buf + len;
}

/* The next frame, or NULL at the end. */
static const uint8_t *
pcap_next(struct pcap *pc, size_t *len)
{
	const uint8_t *f;

	if (pc->p == pc->end)
		return NULL;
	if ((size_t)(pc->end - pc->p) < PCAP_REC)
		err_fatal(RC_USAGE, "%s: truncated record header", pc->path);
	*len = pcap_u32(pc, pc->p + 8);
	f = pc->p + PCAP_REC;
	if ((size_t)(pc->end - f) < *len)
		err_fatal(RC_USAGE, "%s: truncated frame", pc->path);
	pc->p = f + *len;
	return f;
}

/* Where the IP packet of a frame starts, and its EtherType; -1 if none. */
static long
ip_offset(uint32_t link, const uint8_t *f, size_t len, unsigned *type)
{
	size_t off;

	switch (link) {
	case LINK_ETHER:
		/* 802.1Q and 802.1ad tags before the EtherType */
		for (off = 12; off + 2 <= len; off += 4) {
			*type = (unsigned)f[off] << 8 | f[off + 1];
			if (*type != 0x8100 && *type != 0x88a8)
				return (long)off + 2;
		}
		return -1;
	case LINK_SLL:
		if (len < 16)
			return -1;
		*type = (unsigned)f[14] << 8 | f[15];
		return 16;
	case LINK_RAW:
		if (len < 1)
			return -1;
		*type = f[0] >> 4 == 6 ? 0x86dd : 0x0800;
		return 0;
	default:
		return -1;
	}
}

static void
print_addrs(const char *key, int af, const void *p, int n)
{
	char s[INET6_ADDRSTRLEN];
	const uint8_t *b = p;
	int i, w = af == AF_INET ? 4 : 16;

	printf(" %s=", key);
	for (i = 0; i < n; i++) {
		if (inet_ntop(af, b + i * w, s, sizeof s) == NULL)
			abort();
		printf("%s%s", i ? "," : "", s);
	}
}

static void
print_advert(unsigned long n, const struct advert *a)
{
	int i;

	printf("%lu ok v=%u vrid=%u prio=%u count=%u auth=%u int=%u "
	    "cksum=0x%04x ah=%d", n, a->version, a->vrid, a->priority,
	    a->naddr, a->auth_type, a->interval, a->checksum, a->ah);
	print_addrs("addrs", a->af, a->addrs, a->naddr);
	print_addrs("src", a->af, &a->src, 1);
	if (a->version == 2) {
		printf(" authdata=");
		for (i = 0; i < VRRP_AUTH_LEN; i++)
			printf("%02x", a->auth[i]);
	}
	printf("\n");
}

/*
 * A fuzz seed: the mode byte, then the bytes.  Its name hashes them but
 * for the IPv4 identification and header checksum and the IPv6 flow
 * label, so that packets differing only there make one seed.
 */
static void
seed(int mode, const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	char path[4096];
	uint8_t m = (uint8_t)mode;
	size_t i;
	FILE *fp;

	h = (h ^ m) * 0x100000001b3ULL;
	for (i = 0; i < len; i++) {
		if ((mode == 0 && (i == 4 || i == 5 || i == 10 || i == 11)) ||
		    (mode == 1 && i >= 1 && i <= 3))
			continue;
		h = (h ^ p[i]) * 0x100000001b3ULL;
	}
	snprintf(path, sizeof path, "%s/%016llx", seed_dir,
	    (unsigned long long)h);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(&m, 1, 1, fp) != 1 || fwrite(p, 1, len, fp) != len ||
	    fclose(fp) != 0)
		err_fatalsys(RC_TEMP, "unable to write %s", path);
}

static void
seeds(const uint8_t *ip, size_t len, enum advert_drop rc,
    const struct advert *a)
{
	size_t n = a->af == AF_INET ? 4 : 16;

	seed(a->af == AF_INET ? 0 : 1, ip, len);
	if (rc == ADVERT_OK)
		seed(a->af == AF_INET ? 2 : 3, a->addrs - VRRP_HDR_LEN,
		    VRRP_HDR_LEN + a->naddr * n +
		    (a->version == 2 ? VRRP_AUTH_LEN : 0));
}

/* A frame of IP protocol 112 or 51 is parsed; any other, skipped. */
static void
frame(unsigned long n, uint32_t link, const uint8_t *f, size_t len)
{
	enum advert_drop rc;
	struct advert a;
	unsigned type;
	long off;
	const uint8_t *ip;
	size_t iplen;

	if ((off = ip_offset(link, f, len, &type)) < 0)
		return;
	ip = f + off;
	iplen = len - (size_t)off;
	if (type == 0x0800 && iplen >= 20 &&
	    (ip[9] == VRRP_PROTO || ip[9] == 51))
		rc = advert_parse_ip4(&a, ip, iplen);
	else if (type == 0x86dd && iplen >= 40 && (ip[6] == VRRP_PROTO ||
	    (ip[6] == 0 && iplen >= 48 && ip[40] == VRRP_PROTO)))
		rc = advert_parse_ip6(&a, ip, iplen);
	else
		return;
	if (seed_dir != NULL)
		seeds(ip, iplen, rc, &a);
	else if (rc == ADVERT_OK)
		print_advert(n, &a);
	else
		printf("%lu drop=%s\n", n, advert_drop_name[rc]);
}

static void
read_pcap(const char *path)
{
	struct pcap pc;
	const uint8_t *f;
	uint8_t *buf;
	size_t len, flen;
	unsigned long n = 0;

	buf = slurp(path, &len);
	pc.path = path;
	pcap_open(&pc, buf, len);
	if (pc.link != LINK_ETHER && pc.link != LINK_SLL && pc.link != LINK_RAW)
		err_fatal(RC_USAGE, "%s: link type %lu: only Ethernet, Linux "
		    "cooked and raw IP", path, (unsigned long)pc.link);
	while ((f = pcap_next(&pc, &flen)) != NULL)
		frame(++n, pc.link, f, flen);
	free(buf);
}

int
main(int argc, char **argv)
{
	int i;

	err_init(argv[0]);
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		seed_dir = argv[2];
		argv += 2, argc -= 2;
		if (argc < 2)
			err_usage("advert [-s dir] [file.pcap ...]");
	}
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			read_pcap(argv[i]);
		if (fflush(stdout) != 0 || ferror(stdout))
			err_fatalsys(RC_TEMP, "unable to write");
		return RC_OK;
	}
	test_names();
	test_captured();
	test_known_checksums();
	test_roundtrip();
	test_interval();
	test_checksum_zero();
	test_build_refuses();
	test_reject_message();
	test_reject_ip4();
	test_reject_ah();
	test_reject_ip6();
	return failures ? RC_NO : RC_OK;
}
