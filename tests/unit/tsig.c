/*
 * lib/tsig.c: TSIG (RFC 8945) with HMAC-SHA256.  The MACs are checked
 * against a digest composed here from the RFC's tables (4.3, 5.3.1),
 * apart from lib/tsig.c's; tests/tsig.bats checks them against dig.
 *
 * `tsig serve [-w WRONG] [-b N] [-t SECONDS] NAME SECRET`: a server for
 * tests/tsig.bats on 127.0.0.1 (UDP and TCP, the port printed on
 * stdout): each query verified, answered (an A record, or an AXFR of
 * four messages over TCP) and signed.  -w: signed with the secret WRONG
 * instead; -b: message N of an AXFR signed as if it were the first (the
 * chain of 5.3.1 broken); -t: a clock SECONDS ahead.
 *
 * `tsig ask [-t SECONDS] PORT NAME SECRET QNAME QTYPE`: a client over TCP
 * to 127.0.0.1#PORT (NSD in tests/tsig.bats): the query signed, each
 * message of the answer checked (an AXFR until its second SOA), one
 * line each: "message N: RCODE TSIG-RESULT RECORDS".
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "tsig.h"

#define NOW	1700000000LL
#define B64	"s2bHSxoA3vqmqI+t5yUY4EVCFEdHiq8dT82Wn1QZaeE="
#define B64_2	"rmBM6QeA5XiS3gpBLfnZ2A5mm6Z8UPkLl8ZQ8xgRfRI="

static struct tsig_key K[2];	/* "transfer.example." and "other." */

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A query for www.example.org A with ID id: its length. */
static size_t
query(uint8_t *m, unsigned id)
{
	static const uint8_t q[] = "\003www\007example\003org\0\0\001\0\001";

	memset(m, 0, 12);
	put16(m, id);
	put16(m + 4, 1);
	memcpy(m + 12, q, sizeof q - 1);
	return 12 + sizeof q - 1;
}

/* The request q (its TSIG left off) answered: an A record, compressed. */
static size_t
response(uint8_t *m, const uint8_t *q, size_t qlen)
{
	static const uint8_t a[] = "\300\014\0\001\0\001\0\0\016\020\0\004"
	    "\300\000\002\001";

	memmove(m, q, qlen);
	m[2] |= 0x84;
	put16(m + 6, 1);
	put16(m + 10, 0);
	memcpy(m + qlen, a, sizeof a - 1);
	return qlen + sizeof a - 1;
}

/*
 * The MAC of the message m (len bytes, its TSIG record from tsig, key
 * name namelen bytes long, uncompressed) as RFC 8945 4.3 composes it:
 * [prior MAC size, prior MAC] message (ARCOUNT less one, the original
 * ID) TSIG variables, or only the timers after the first (5.3.1).
 */
static void
ref_mac(const struct tsig_key *k, const uint8_t *prior, size_t priorlen,
    const uint8_t *m, size_t tsig, int timers, uint8_t out[32])
{
	crypto_auth_hmacsha256_state st;
	const uint8_t *rd = m + tsig + k->namelen + 10;	/* the RDATA */
	const uint8_t *after = rd + 13 + 10 + get16(rd + 13 + 8);
	uint8_t h[12], b[8];

	crypto_auth_hmacsha256_init(&st, k->secret, k->secretlen);
	if (prior != NULL) {
		put16(b, (unsigned)priorlen);
		crypto_auth_hmacsha256_update(&st, b, 2);
		crypto_auth_hmacsha256_update(&st, prior, priorlen);
	}
	memcpy(h, m, 12);
	memcpy(h, after, 2);
	put16(h + 10, get16(m + 10) - 1);
	crypto_auth_hmacsha256_update(&st, h, 12);
	crypto_auth_hmacsha256_update(&st, m + 12, tsig - 12);
	if (!timers) {
		crypto_auth_hmacsha256_update(&st, k->name, k->namelen);
		crypto_auth_hmacsha256_update(&st,
		    (const uint8_t *)"\0\377\0\0\0\0", 6);
		crypto_auth_hmacsha256_update(&st, rd, 13);
	}
	crypto_auth_hmacsha256_update(&st, rd + 13, 8);
	if (!timers)
		crypto_auth_hmacsha256_update(&st, after + 2,
		    4 + get16(after + 4));
	crypto_auth_hmacsha256_final(&st, out);
}

/* The MAC in the TSIG record at tsig of m, for a key name of namelen. */
static const uint8_t *
mac_of(const uint8_t *m, size_t tsig, size_t namelen)
{
	return m + tsig + namelen + 10 + 13 + 10;
}

static void
test_keys(void)
{
	struct tsig_key k, l;
	const char *why = NULL;
	uint8_t long_secret[100], mac[32], ref[32];
	char b64[200];

	CHECK(tsig_key_set(&k, "Transfer.Example.", B64, &why) == 0);
	CHECK(tsig_key_set(&l, "transfer.example", B64, &why) == 0);
	CHECK(k.namelen == l.namelen && memcmp(k.name, l.name, k.namelen) == 0);
	CHECK(k.namelen == 18 && memcmp(k.name, "\010transfer\007example",
	    18) == 0);
	CHECK(strcmp(k.text, "Transfer.Example.") == 0);
	CHECK(k.secretlen == 32);
	CHECK(tsig_key_set(&k, "a", "c2hvcnQ=", &why) == -1 &&
	    strcmp(why, "a secret shorter than 16 bytes") == 0);
	CHECK(tsig_key_set(&k, "a", "not base64!", &why) == -1 &&
	    strstr(why, "not base64") != NULL);
	CHECK(tsig_key_set(&k, "a", B64 " ", &why) == -1);
	CHECK(tsig_key_set(&k, "a", "s2bHSxoA3vqmqI+t5yUY4EVCFEdHiq8dT82Wn1QZaeE",
	    &why) == -1);				/* unpadded */
	CHECK(tsig_key_set(&k, "a", "", &why) == -1);
	CHECK(tsig_key_set(&k, "", B64, &why) == -1);
	CHECK(tsig_key_set(&k, ".", B64, &why) == -1);
	CHECK(tsig_key_set(&k, "a..b", B64, &why) == -1 &&
	    strcmp(why, "an empty label") == 0);
	CHECK(tsig_key_set(&k, "a b", B64, &why) == -1);
	CHECK(tsig_key_set(&k, "a\\.b", B64, &why) == -1);
	{
		char n[300];
		int i;

		memset(n, 'x', 63);
		n[63] = '\0';
		CHECK(tsig_key_set(&k, n, B64, &why) == 0 && k.namelen == 65);
		n[63] = 'x';
		n[64] = '\0';
		CHECK(tsig_key_set(&k, n, B64, &why) == -1 &&
		    strcmp(why, "a label longer than 63 bytes") == 0);

		for (i = 0; i < 127; i++)
			memcpy(n + 2 * i, "a.", 2);
		n[253] = '\0';		/* 127 labels: 254 bytes + root */
		CHECK(tsig_key_set(&k, n, B64, &why) == 0 && k.namelen == 255);
		n[253] = 'b';
		n[254] = '\0';
		CHECK(tsig_key_set(&k, n, B64, &why) == -1);
	}
	/* RFC 2104: a secret longer than the block is hashed; same MACs */
	randombytes_buf(long_secret, sizeof long_secret);
	sodium_bin2base64(b64, sizeof b64, long_secret, sizeof long_secret,
	    sodium_base64_VARIANT_ORIGINAL);
	CHECK(tsig_key_set(&k, "long.", b64, &why) == 0 && k.secretlen == 32);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, long_secret, sizeof long_secret);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)"abc", 3);
	crypto_auth_hmacsha256_final(&st, ref);
	crypto_auth_hmacsha256_init(&st, k.secret, k.secretlen);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)"abc", 3);
	crypto_auth_hmacsha256_final(&st, mac);
	CHECK(memcmp(mac, ref, 32) == 0);
}

/* A request signed by K[0] at t: its length; the TSIG at *tsig. */
static size_t
signed_query(uint8_t *m, size_t max, struct tsig_ctx *c, int64_t t,
    size_t *tsig)
{
	*c = (struct tsig_ctx){ .key = &K[0] };
	*tsig = query(m, 0x1234);
	return tsig_sign(c, m, *tsig, max, t, TSIG_NOERROR);
}

static void
test_round_trip(void)
{
	uint8_t q[512], r[512], ref[32];
	struct tsig_ctx c, s;
	size_t qt, qlen, rt, rlen;

	qlen = signed_query(q, sizeof q, &c, NOW, &qt);
	CHECK(qlen == qt + 18 + 10 + 13 + 16 + 32);
	CHECK(get16(q + 10) == 1);
	CHECK(tsig_present(q, qlen) == 1 && tsig_present(q, qt) == -1);
	ref_mac(&K[0], NULL, 0, q, qt, 0, ref);
	CHECK(memcmp(ref, mac_of(q, qt, K[0].namelen), 32) == 0);
	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_NOERROR);
	CHECK(s.key == &K[0] && s.msgs == 1 && s.id == 0x1234);
	CHECK(tsig_verify(q, qlen, K + 1, 1, NOW, &s) == TSIG_BADKEY);
	CHECK(tsig_verify(q, qlen, K, 2, NOW + 300, &s) == TSIG_NOERROR);
	CHECK(tsig_verify(q, qlen, K, 2, NOW - 300, &s) == TSIG_NOERROR);
	CHECK(tsig_verify(q, qlen, K, 2, NOW + 301, &s) == TSIG_BADTIME);
	CHECK(tsig_verify(q, qlen, K, 2, NOW - 301, &s) == TSIG_BADTIME);
	CHECK(tsig_verify(q, qt, K, 2, NOW, &s) == -1);	/* unsigned */

	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_NOERROR);
	rt = response(r, q, qt);
	CHECK((rlen = tsig_sign(&s, r, rt, sizeof r, NOW + 1, 0)) > rt);
	ref_mac(&K[0], mac_of(q, qt, 18), 32, r, rt, 0, ref);
	CHECK(memcmp(ref, mac_of(r, rt, 18), 32) == 0);
	CHECK(tsig_check_response(&c, r, rlen, NOW + 2) == TSIG_NOERROR);
	/* the same response again: chained to it now, not to the request */
	CHECK(tsig_check_response(&c, r, rlen, NOW + 2) == TSIG_BADSIG);
	/* bytes after the records, or a TSIG record there already: refused */
	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_NOERROR);
	rt = response(r, q, qt);
	CHECK(tsig_sign(&s, r, rt + 1, sizeof r, NOW, 0) == 0);
	CHECK((rlen = tsig_sign(&s, r, rt, sizeof r, NOW, 0)) > 0);
	CHECK(tsig_sign(&s, r, rlen, sizeof r, NOW, 0) == 0);
	/* no room */
	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_NOERROR);
	rt = response(r, q, qt);
	CHECK(tsig_sign(&s, r, rt, rt + 88, NOW, 0) == 0);
	CHECK(get16(r + 10) == 0);
}

/* Every bit of a signed request flipped: never good (but the ID, and
 * the case of a letter in the key's or the algorithm's name). */
static void
test_flips(void)
{
	uint8_t q[512];
	struct tsig_ctx c, s;
	size_t qt, qlen, i;
	int b, r, letter, badsig = 0;

	qlen = signed_query(q, sizeof q, &c, NOW, &qt);
	for (i = 0; i < qlen; i++)
		for (b = 0; b < 8; b++) {
			q[i] ^= (uint8_t)(1 << b);
			r = tsig_verify(q, qlen, K, 2, NOW, &s);
			q[i] ^= (uint8_t)(1 << b);
			letter = q[i] >= 'a' && q[i] <= 'z';
			if (i < 2 || (b == 5 && letter && ((i >= qt &&
			    i < qt + 18) || (i >= qt + 28 && i < qt + 41))))
				CHECK(r == TSIG_NOERROR);
			else
				CHECK(r != TSIG_NOERROR);
			badsig += r == TSIG_BADSIG;
			if (i >= 12 && i < qt - 4 && letter)
				CHECK(r == TSIG_BADSIG);
		}
	CHECK(badsig > 8 * 32);
	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_NOERROR);
}

/* Error responses, 5.3.2: BADSIG and BADKEY unsigned, BADTIME signed. */
static void
test_errors(void)
{
	uint8_t q[512], r[512];
	struct tsig_ctx c, s;
	size_t qt, qlen, rt, rlen;
	const uint8_t *rd;

	qlen = signed_query(q, sizeof q, &c, NOW, &qt);
	CHECK(tsig_verify(q, qlen, K + 1, 1, NOW, &s) == TSIG_BADKEY);
	rt = response(r, q, qt);
	rlen = tsig_sign(&s, r, rt, sizeof r, NOW, TSIG_BADKEY);
	CHECK(rlen == rt + 18 + 10 + 13 + 16);	/* the request's name, no MAC */
	CHECK(memcmp(r + rt, K[0].name, 18) == 0);
	CHECK(tsig_check_response(&c, r, rlen, NOW) == TSIG_BADKEY);

	q[20] ^= 1;
	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_BADSIG);
	q[20] ^= 1;
	rt = response(r, q, qt);
	rlen = tsig_sign(&s, r, rt, sizeof r, NOW, TSIG_BADSIG);
	CHECK(rlen == rt + 18 + 10 + 13 + 16);
	CHECK(tsig_check_response(&c, r, rlen, NOW) == TSIG_BADSIG);
	/* NSD sends its BADTIME unsigned too: still BADTIME, not BADSIG */
	put16(r + rlen - 4, TSIG_BADTIME);
	CHECK(tsig_check_response(&c, r, rlen, NOW) == TSIG_BADTIME);

	CHECK(tsig_verify(q, qlen, K, 2, NOW + 1000, &s) == TSIG_BADTIME);
	rt = response(r, q, qt);
	rlen = tsig_sign(&s, r, rt, sizeof r, NOW + 1000, TSIG_BADTIME);
	CHECK(rlen == rt + 18 + 10 + 13 + 16 + 32 + 6);
	rd = r + rt + 18 + 10 + 13;
	CHECK(get16(rd + 2) == (NOW >> 16 & 0xffff));	/* echoed */
	CHECK(get16(rd + 10 + 32 + 2) == TSIG_BADTIME);
	CHECK(get16(rd + 10 + 32 + 4) == 6 &&
	    get16(rd + 10 + 32 + 6 + 4) == ((NOW + 1000) & 0xffff));
	CHECK(tsig_check_response(&c, r, rlen, NOW) == TSIG_BADTIME);
}

/* 5.3.1: a response of several messages, each chained to the one before. */
static void
test_chain(void)
{
	uint8_t q[512], r[4][512], prior[32], ref[32];
	struct tsig_ctx c, s, c2;
	size_t qt, qlen, rt, rlen[4];
	int i;

	qlen = signed_query(q, sizeof q, &c, NOW, &qt);
	CHECK(tsig_verify(q, qlen, K, 2, NOW, &s) == TSIG_NOERROR);
	rt = response(r[0], q, qt);
	memcpy(prior, mac_of(q, qt, 18), 32);
	for (i = 0; i < 4; i++) {
		memcpy(r[i], r[0], rt);
		r[i][rt - 1] = (uint8_t)i;	/* 192.0.2.i */
		put16(r[i] + 10, 0);
		CHECK((rlen[i] = tsig_sign(&s, r[i], rt, 512, NOW + i, 0)) > 0);
		ref_mac(&K[0], prior, 32, r[i], rt, i > 0, ref);
		CHECK(memcmp(ref, mac_of(r[i], rt, 18), 32) == 0);
		memcpy(prior, ref, 32);
	}
	c2 = c;
	for (i = 0; i < 4; i++)
		CHECK(tsig_check_response(&c, r[i], rlen[i], NOW) == 0);
	/* out of order, or one left out: the chain breaks */
	CHECK(tsig_check_response(&c2, r[0], rlen[0], NOW) == 0);
	CHECK(tsig_check_response(&c2, r[2], rlen[2], NOW) == TSIG_BADSIG);
}

/* Cut short, or otherwise malformed: -1, never a crash (ASan watches). */
static void
test_malformed(void)
{
	uint8_t q[512], m[600];
	struct tsig_ctx c, s;
	size_t qt, qlen, i, rrlen;

	qlen = signed_query(q, sizeof q, &c, NOW, &qt);
	for (i = 0; i < qlen; i++) {
		uint8_t *cut = malloc(i ? i : 1);

		memcpy(cut, q, i);
		CHECK(tsig_verify(cut, i, K, 2, NOW, &s) == -1);
		CHECK(tsig_present(cut, i) == -1);
		free(cut);
	}
	rrlen = qlen - qt;
	/* a byte after the TSIG record */
	memcpy(m, q, qlen);
	m[qlen] = 0;
	CHECK(tsig_present(m, qlen + 1) == -1);
	/* two TSIG records */
	memcpy(m + qlen, q + qt, rrlen);
	put16(m + 10, 2);
	CHECK(tsig_present(m, qlen + rrlen) == -1);
	CHECK(tsig_verify(m, qlen + rrlen, K, 2, NOW, &s) == -1);
	/* the TSIG record in the answer section */
	memcpy(m, q, qlen);
	put16(m + 6, 1);
	put16(m + 10, 0);
	CHECK(tsig_present(m, qlen) == -1);
	/* an owner name pointing forward, and to itself */
	memcpy(m, q, qlen);
	m[qt] = 0xc0;
	m[qt + 1] = (uint8_t)(qt + 2);
	memmove(m + qt + 2, q + qt + 18, rrlen - 18);
	CHECK(tsig_present(m, qlen - 16) == -1);
	CHECK(tsig_verify(m, qlen - 16, K, 2, NOW, &s) == -1);
	m[qt + 1] = (uint8_t)qt;
	CHECK(tsig_verify(m, qlen - 16, K, 2, NOW, &s) == -1);
	/* a compressed owner name pointing back is fine: BADKEY here */
	m[qt + 1] = 12 + 4;			/* "example.org." */
	CHECK(tsig_verify(m, qlen - 16, K, 2, NOW, &s) == TSIG_BADKEY);
	/* MAC sizes: more than the hash, less than half of it */
	memcpy(m, q, qlen);
	put16(m + qt + 18 + 10 + 13 + 8, 33);
	CHECK(tsig_verify(m, qlen, K, 2, NOW, &s) == -1);
	/* label types 01 and 10 */
	memcpy(m, q, qlen);
	m[12] = 0x43;
	CHECK(tsig_present(m, qlen) == -1);
	/* a class other than ANY */
	memcpy(m, q, qlen);
	m[qt + 18 + 3] = 1;
	CHECK(tsig_present(m, qlen) == -1);
	/* a header alone, and a message of counts it has not */
	memset(m, 0, 12);
	CHECK(tsig_present(m, 12) == 0);
	put16(m + 4, 0xffff);
	put16(m + 10, 0xffff);
	CHECK(tsig_present(m, 12) == -1);
}

/* A MAC cut to 16 bytes (5.2.2.1): good, but not by our policy (5.2.4). */
static void
test_truncated(void)
{
	uint8_t q[512], m[512];
	struct tsig_ctx c, s;
	size_t qt, qlen, mac;

	qlen = signed_query(q, sizeof q, &c, NOW, &qt);
	mac = qt + 18 + 10 + 13 + 10;
	memcpy(m, q, mac);
	put16(m + mac - 2, 16);
	memcpy(m + mac, q + mac, 16);
	memcpy(m + mac + 16, q + mac + 32, qlen - mac - 32);
	put16(m + qt + 18 + 8, get16(m + qt + 18 + 8) - 16);
	CHECK(tsig_verify(m, qlen - 16, K, 2, NOW, &s) == TSIG_BADTRUNC);
	CHECK(s.maclen == 16);
	m[mac + 3] ^= 1;
	CHECK(tsig_verify(m, qlen - 16, K, 2, NOW, &s) == TSIG_BADSIG);
	put16(m + mac - 2, 15);
	CHECK(tsig_verify(m, qlen - 17, K, 2, NOW, &s) == -1);
}

/* The server of tests/tsig.bats: one query and its answer. */
struct served {
	struct tsig_key right, wrong;
	int use_wrong, brk;
};

static int64_t skew_s;		/* -t */

static int64_t
now(void)
{
	return (int64_t)time(NULL) + skew_s;
}

static size_t
answer(struct served *sv, const uint8_t *q, size_t qlen, uint8_t *r,
    size_t max, struct tsig_ctx *ctx)
{
	size_t qend = 12, rlen;
	int e;

	while (qend < qlen && q[qend] != 0 && q[qend] < 64)
		qend += q[qend] + 1u;
	if (qlen < 12 || get16(q + 4) != 1 || qend + 5 > qlen)
		return 0;
	qend += 5;
	memcpy(r, q, qend);
	r[2] = (uint8_t)((q[2] & 0x79) | 0x84);	/* QR AA, opcode and RD */
	r[3] = 0;
	memset(r + 6, 0, 6);
	e = tsig_verify(q, qlen, &sv->right, 1, now(), ctx);
	if (e == -1) {
		r[3] = tsig_present(q, qlen) == 0 ? 5 : 1;  /* REFUSED, FORMERR */
		return qend;
	}
	if (e != TSIG_NOERROR) {
		r[3] = 9;				/* NOTAUTH */
		return tsig_sign(ctx, r, qend, max, now(), e);
	}
	if (sv->use_wrong)
		ctx->key = &sv->wrong;
	rlen = get16(q + qend - 4) == 1 ? response(r, r, qend) : qend;
	return tsig_sign(ctx, r, rlen, max, now(), 0);
}

static int
send_tcp(int fd, const uint8_t *m, size_t len)
{
	uint8_t l[2];

	put16(l, (unsigned)len);
	return write(fd, l, 2) == 2 && write(fd, m, len) == (ssize_t)len ?
	    0 : -1;
}

/* A record in r at len: owner LABEL.ZONE (ZONE in wire form, zl bytes). */
static size_t
rr(uint8_t *r, size_t len, const char *label, const uint8_t *zone, size_t zl,
    unsigned type)
{
	r[len] = (uint8_t)strlen(label);
	memcpy(r + len + 1, label, r[len]);
	len += 1u + r[len];
	memcpy(r + len, zone, zl);
	len += zl;
	put16(r + len, type);
	memcpy(r + len + 2, "\0\001\0\0\016\020", 6);	/* IN, 3600 */
	put16(r + 6, get16(r + 6) + 1);
	return len + 10;	/* RDLENGTH at len + 8 when set by the caller */
}

static size_t
soa(uint8_t *r, size_t len, const uint8_t *zone, size_t zl)
{
	static const uint8_t times[] = "\0\0\0\001\0\0\016\020\0\0\002\130"
	    "\0\001\121\200\0\0\001\054";
	size_t rd;

	/* "@" would be the zone itself: write the zone's name alone */
	memcpy(r + len, zone, zl);
	len += zl;
	memcpy(r + len, "\0\006\0\001\0\0\016\020", 8);
	put16(r + 6, get16(r + 6) + 1);
	rd = len + 10;
	r[rd] = 2;
	memcpy(r + rd + 1, "ns", 2);
	memcpy(r + rd + 3, zone, zl);
	rd += 3 + zl;
	r[rd] = 10;
	memcpy(r + rd + 1, "hostmaster", 10);
	memcpy(r + rd + 11, zone, zl);
	rd += 11 + zl;
	memcpy(r + rd, times, 20);
	rd += 20;
	put16(r + len + 8, (unsigned)(rd - len - 10));
	return rd;
}

/*
 * An AXFR of four messages, each signed and chained to the one before
 * (5.3.1): the question and the SOA, 50 A, 50 A, the SOA again.
 */
static void
axfr(struct served *sv, int fd, const uint8_t *q, size_t qend,
    struct tsig_ctx *ctx)
{
	const uint8_t *zone = q + 12;
	size_t zl = qend - 16, len, i;
	uint8_t r[4096];
	char label[24];
	int msg;

	for (msg = 1; msg <= 4; msg++) {
		memcpy(r, q, 12);
		r[2] = 0x84;
		r[3] = 0;
		memset(r + 4, 0, 8);
		len = 12;
		if (msg == 1) {
			memcpy(r + 12, q + 12, qend - 12);
			put16(r + 4, 1);
			len = qend;
		}
		if (msg == 1 || msg == 4)
			len = soa(r, len, zone, zl);
		else
			for (i = 0; i < 50; i++) {
				snprintf(label, sizeof label, "h%02d",
				    (int)i + (msg - 2) * 50);
				len = rr(r, len, label, zone, zl, 1);
				memcpy(r + len - 2, "\0\004\300\0\002", 5);
				r[len + 3] = (uint8_t)(i + 1);
				len += 4;
			}
		if (msg == sv->brk)
			ctx->msgs = 1;	/* signed as the first: broken */
		if ((len = tsig_sign(ctx, r, len, sizeof r, now(), 0)) == 0 ||
		    send_tcp(fd, r, len) < 0)
			return;
	}
}

static int
read_full(int fd, uint8_t *b, size_t n)
{
	ssize_t r;

	for (; n > 0; b += r, n -= (size_t)r)
		if ((r = read(fd, b, n)) <= 0)
			return -1;
	return 0;
}

/* Queries on a TCP connection until it ends; an AXFR answered whole. */
static void
serve_tcp(struct served *sv, int fd)
{
	uint8_t q[65535], r[4096], l[2];
	struct tsig_ctx ctx;
	size_t qlen, rlen, qend;

	while (read_full(fd, l, 2) == 0 && (qlen = get16(l)) > 0 &&
	    read_full(fd, q, qlen) == 0) {
		if ((rlen = answer(sv, q, qlen, r, sizeof r, &ctx)) == 0)
			break;
		for (qend = 12; q[qend] != 0; qend += q[qend] + 1u)
			;
		qend += 5;
		if (r[3] == 0 && get16(q + qend - 4) == 252) {
			tsig_verify(q, qlen, &sv->right, 1, now(), &ctx);
			if (sv->use_wrong)
				ctx.key = &sv->wrong;
			axfr(sv, fd, q, qend, &ctx);
			break;
		}
		if (send_tcp(fd, r, rlen) < 0)
			break;
	}
	close(fd);
}

static int
serve(int argc, char **argv)
{
	struct served sv = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	const char *why = "usage: tsig serve [-w WRONG] [-b N] [-t SECONDS] "
	    "NAME SECRET", *wrong = NULL;
	int u, t, c, one = 1;

	while ((c = getopt(argc, argv, "w:b:t:")) != -1)
		if (c == 'w')
			wrong = optarg;
		else if (c == 'b')
			sv.brk = atoi(optarg);
		else if (c == 't')
			skew_s = atoi(optarg);
		else
			return 100;
	if (argc - optind != 2 ||
	    tsig_key_set(&sv.right, argv[optind], argv[optind + 1], &why) < 0 ||
	    (wrong && tsig_key_set(&sv.wrong, argv[optind], wrong, &why) < 0)) {
		fprintf(stderr, "tsig: %s\n", why);
		return 100;
	}
	sv.use_wrong = wrong != NULL;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((u = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(u, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    getsockname(u, (struct sockaddr *)&sin, &sl) < 0 ||
	    (t = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(t, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(t, 4) < 0) {
		perror("tsig: serve");
		return 111;
	}
	printf("%u\n", ntohs(sin.sin_port));
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { u, POLLIN, 0 }, { t, POLLIN, 0 } };
		uint8_t q[4096], r[4096];
		struct sockaddr_in from;
		struct tsig_ctx ctx;
		socklen_t fl = sizeof from;
		ssize_t n;
		size_t rlen;

		if (poll(p, 2, -1) < 0)
			return 111;
		if (p[1].revents & POLLIN) {
			int a = accept(t, NULL, NULL);

			if (a >= 0)
				serve_tcp(&sv, a);
		}
		if (!(p[0].revents & POLLIN) ||
		    (n = recvfrom(u, q, sizeof q, 0, (struct sockaddr *)&from,
		    &fl)) < 0)
			continue;
		if ((rlen = answer(&sv, q, (size_t)n, r, 512, &ctx)) > 0)
			sendto(u, r, rlen, 0, (struct sockaddr *)&from, fl);
	}
}

/* The number of SOA records in the answer section of m, or -1. */
static int
count_soa(const uint8_t *m, size_t len, int *records)
{
	size_t p = 12;
	unsigned i;
	int n = 0;

	*records = (int)get16(m + 6);
	for (i = 0; i < get16(m + 4) + get16(m + 6); i++) {
		while (p < len && m[p] != 0 && m[p] < 0xc0)
			p += m[p] + 1u;
		p += p < len && m[p] >= 0xc0 ? 2 : 1;
		if (p + 4 > len)
			return -1;
		if (i >= get16(m + 4)) {
			if (p + 10 > len)
				return -1;
			n += get16(m + p) == 6;
			p += 10u + get16(m + p + 8);
		} else
			p += 4;
	}
	return n;
}

static int
ask(int argc, char **argv)
{
	static const char *rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED", "6", "7", "8", "NOTAUTH" };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct tsig_key k;
	struct tsig_ctx ctx;
	uint8_t m[65535], l[2];
	const char *why = "usage: tsig ask [-t SECONDS] PORT NAME SECRET "
	    "QNAME QTYPE", *q;
	size_t len;
	int fd, c, e, soa = 0, msg, records = 0, total = 0;

	while ((c = getopt(argc, argv, "t:")) != -1)
		if (c == 't')
			skew_s = atoi(optarg);
		else
			return 100;
	if (argc - optind != 5 || tsig_key_set(&k, argv[optind + 1],
	    argv[optind + 2], &why) < 0) {
		fprintf(stderr, "tsig: %s\n", why);
		return 100;
	}
	memset(m, 0, 12);
	put16(m, 0x4242);
	put16(m + 4, 1);
	len = 12;
	for (q = argv[optind + 3]; *q != '\0'; q += *q == '.') {
		size_t lab = len++;

		for (; *q != '\0' && *q != '.'; q++)
			m[len++] = (uint8_t)*q;
		m[lab] = (uint8_t)(len - lab - 1);
	}
	m[len++] = 0;
	put16(m + len, (unsigned)atoi(argv[optind + 4]));
	put16(m + len + 2, 1);
	ctx = (struct tsig_ctx){ .key = &k };
	len = tsig_sign(&ctx, m, len + 4, sizeof m, now(), 0);
	sin.sin_port = htons((uint16_t)atoi(argv[optind]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	put16(l, (unsigned)len);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    send_tcp(fd, m, len) < 0) {
		perror("tsig: ask");
		return 111;
	}
	for (msg = 1; read_full(fd, l, 2) == 0 &&
	    read_full(fd, m, get16(l)) == 0; msg++) {
		len = get16(l);
		e = tsig_check_response(&ctx, m, len, now());
		c = len >= 12 ? count_soa(m, len, &records) : -1;
		total += records;
		printf("message %d: %s %s %d\n", msg, len < 12 || (m[3] & 15)
		    > 9 ? "?" : rcodes[m[3] & 15], e == 0 ? "NOERROR" : e ==
		    TSIG_BADSIG ? "BADSIG" : e == TSIG_BADKEY ? "BADKEY" : e ==
		    TSIG_BADTIME ? "BADTIME" : "malformed", records);
		if (argv[optind + 4][0] != '2' || (soa += c) >= 2 || c < 0 ||
		    e != 0)
			break;
	}
	printf("records %d\n", total);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *why;

	if (sodium_init() < 0)
		return 111;
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return serve(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ask") == 0)
		return ask(argc - 1, argv + 1);
	if (tsig_key_set(&K[0], "transfer.example.", B64, &why) < 0 ||
	    tsig_key_set(&K[1], "other.", B64_2, &why) < 0)
		return 1;
	test_keys();
	test_round_trip();
	test_flips();
	test_errors();
	test_chain();
	test_malformed();
	test_truncated();
	return failures != 0;
}
