/*
 * TSIG, RFC 8945, with HMAC-SHA256 (lib/sha256.c) only.  Every byte of a
 * message is untrusted: each read is bounded by the message's length.
 */
#include <string.h>

#include <sodium.h>

#include "dnsname.h"
#include "sha256.h"
#include "tsig.h"

#define HDR		12	/* the DNS header */
#define TYPE_TSIG	250
#define CLASS_ANY	255
#define HOPS		64	/* compression pointers followed in one name */
#define SECRET_LONG	1024	/* bytes of a secret before it is hashed */

/* "hmac-sha256." in wire form: the only algorithm (RFC 8945 6) */
static const uint8_t alg_sha256[] = "\013hmac-sha256";

/* A TSIG record as read from a message, or as about to be written. */
struct rr {
	size_t start;			/* where the record starts */
	uint8_t name[TSIG_NAME_MAX];	/* lower case, uncompressed */
	size_t namelen;
	uint8_t alg[TSIG_NAME_MAX];
	size_t alglen;
	int64_t signed_at;		/* Time Signed, 48 bits */
	unsigned fudge, maclen, id, error, otherlen;
	const uint8_t *mac, *other;
};

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

static int64_t
get48(const uint8_t *p)
{
	return (int64_t)get16(p) << 32 | (int64_t)get16(p + 2) << 16 |
	    get16(p + 4);
}

static void
put48(uint8_t *p, int64_t v)
{
	put16(p, (unsigned)(v >> 32) & 0xffff);
	put16(p + 2, (unsigned)(v >> 16) & 0xffff);
	put16(p + 4, (unsigned)v & 0xffff);
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/*
 * The name at p, uncompressed and in lower case (the canonical form the
 * digest takes, RFC 8945 4.3.3), into out; the position after it in the
 * message, or 0.  A pointer must point before itself (RFC 1035 4.1.4
 * allows only earlier names), which also ends every loop.
 */
static size_t
read_name(const uint8_t *m, size_t len, size_t p, uint8_t *out, size_t *outlen)
{
	size_t after = 0, n = 0, to, i;
	int hops = 0;
	uint8_t c;

	for (;;) {
		if (p >= len)
			return 0;
		c = m[p];
		if ((c & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return 0;
			to = (size_t)(c & 0x3f) << 8 | m[p + 1];
			if (after == 0)
				after = p + 2;
			if (to >= p || ++hops > HOPS)
				return 0;
			p = to;
			continue;
		}
		if ((c & 0xc0) != 0 || p + 1 + c > len ||
		    n + 1 + c > TSIG_NAME_MAX)
			return 0;
		out[n++] = c;
		for (i = 0; i < c; i++)
			out[n++] = lower(m[p + 1 + i]);
		p += 1u + c;
		if (c == 0)
			break;
	}
	*outlen = n;
	return after != 0 ? after : p;
}

/* The RDATA of the TSIG record at start, which must end the message (4.2). */
static int
parse_tsig(const uint8_t *m, size_t len, size_t start, struct rr *rr)
{
	size_t p, end;

	if ((p = read_name(m, len, start, rr->name, &rr->namelen)) == 0 ||
	    len - p < 10)
		return -1;
	/* 4.2: CLASS ANY, TTL 0; anything else is not a TSIG record */
	if (get16(m + p + 2) != CLASS_ANY || get16(m + p + 4) != 0 ||
	    get16(m + p + 6) != 0)
		return -1;
	end = p + 10 + get16(m + p + 8);
	p += 10;
	if (end != len)
		return -1;
	if ((p = read_name(m, end, p, rr->alg, &rr->alglen)) == 0 ||
	    end - p < 10)
		return -1;
	rr->signed_at = get48(m + p);
	rr->fudge = get16(m + p + 6);
	rr->maclen = get16(m + p + 8);
	p += 10;
	if (end - p < rr->maclen + 6u)
		return -1;
	rr->mac = m + p;
	p += rr->maclen;
	rr->id = get16(m + p);
	rr->error = get16(m + p + 2);
	rr->otherlen = get16(m + p + 4);
	p += 6;
	if (end - p != rr->otherlen)
		return -1;
	rr->other = m + p;
	rr->start = start;
	return 1;
}

/*
 * Walk the message's records to its TSIG record, which must be the last
 * of the additional section and the only one (RFC 8945 5.1): 1 and rr
 * filled, 0 when there is none, -1 when the message is malformed.
 */
static int
find_tsig(const uint8_t *m, size_t len, struct rr *rr)
{
	size_t p = HDR, start;
	unsigned i, an, total;

	if (len < HDR)
		return -1;
	for (i = 0; i < get16(m + 4); i++) {
		if ((p = dnsname_skip(m, len, p)) == 0 || len - p < 4)
			return -1;
		p += 4;
	}
	an = get16(m + 6) + get16(m + 8);
	total = an + get16(m + 10);
	for (i = 0; i < total; i++) {
		start = p;
		if ((p = dnsname_skip(m, len, p)) == 0 || len - p < 10 ||
		    len - p - 10 < get16(m + p + 8))
			return -1;
		if (get16(m + p) == TYPE_TSIG)
			return i + 1 == total && i >= an ?
			    parse_tsig(m, len, start, rr) : -1;
		p += 10 + get16(m + p + 8);
	}
	rr->start = p;		/* where the records end */
	return 0;
}

int
tsig_present(const uint8_t *msg, size_t len)
{
	struct rr rr;

	return find_tsig(msg, len, &rr);
}

/*
 * The MAC of RFC 8945 4.3: the prior MAC (a request's, or the message
 * before in a transfer, 4.3.2 and 5.3.1) with its length, the message
 * (header m given apart: its ID the original ID, its ARCOUNT without the
 * TSIG record), then the TSIG variables (4.3.3), or only the timers for
 * a message after the first of a response (5.3.1, 4.3.1).
 */
struct digest {
	const uint8_t *prior;		/* or NULL: a request */
	size_t priorlen;
	uint8_t hdr[HDR];
	const uint8_t *body;		/* the message after its header */
	size_t bodylen;
	int timers;
};

static void
hmac(const struct tsig_key *k, const struct digest *d, const struct rr *v,
    uint8_t mac[TSIG_MAC])
{
	struct hmac256 st;
	uint8_t b[10];

	hmac256_init(&st, k->secret, k->secretlen);
	if (d->prior != NULL) {
		put16(b, (unsigned)d->priorlen);
		hmac256_update(&st, b, 2);
		hmac256_update(&st, d->prior, d->priorlen);
	}
	hmac256_update(&st, d->hdr, HDR);
	hmac256_update(&st, d->body, d->bodylen);
	if (!d->timers) {
		hmac256_update(&st, v->name, v->namelen);
		put16(b, CLASS_ANY);
		memset(b + 2, 0, 4);			/* TTL */
		hmac256_update(&st, b, 6);
		hmac256_update(&st, alg_sha256,
		    sizeof alg_sha256);
	}
	put48(b, v->signed_at);
	put16(b + 6, v->fudge);
	hmac256_update(&st, b, 8);
	if (!d->timers) {
		put16(b, v->error);
		put16(b + 2, v->otherlen);
		hmac256_update(&st, b, 4);
		hmac256_update(&st, v->other, v->otherlen);
	}
	hmac256_final(&st, mac);	/* which wipes st */
}

/* The digest of a received message up to its TSIG record (4.3.2). */
static void
received(struct digest *d, const uint8_t *m, const struct rr *rr)
{
	memcpy(d->hdr, m, HDR);
	put16(d->hdr, rr->id);
	put16(d->hdr + 10, get16(m + 10) - 1);
	d->body = m + HDR;
	d->bodylen = rr->start - HDR;
}

static int
is_sha256(const struct rr *rr)
{
	return rr->alglen == sizeof alg_sha256 &&
	    memcmp(rr->alg, alg_sha256, sizeof alg_sha256) == 0;
}

static int64_t
skew(int64_t now, int64_t then)
{
	return now > then ? now - then : then - now;
}

int
tsig_verify(const uint8_t *msg, size_t len, const struct tsig_key *keys,
    int nkeys, int64_t now, struct tsig_ctx *ctx)
{
	struct rr rr;
	struct digest d = { 0 };
	uint8_t mac[TSIG_MAC];
	int i;

	memset(ctx, 0, sizeof *ctx);
	if (find_tsig(msg, len, &rr) != 1)
		return -1;
	ctx->id = (uint16_t)rr.id;
	memcpy(ctx->name, rr.name, rr.namelen);
	ctx->namelen = rr.namelen;
	ctx->signed_at = rr.signed_at;
	/* 5.2.1: the key, then the algorithm */
	for (i = 0; i < nkeys; i++)
		if (keys[i].namelen == rr.namelen &&
		    memcmp(keys[i].name, rr.name, rr.namelen) == 0)
			break;
	if (i == nkeys || !is_sha256(&rr))
		return TSIG_BADKEY;
	ctx->key = &keys[i];
	/* 5.2.2.1: a MAC longer than the hash, or shorter than half of it */
	if (rr.maclen > TSIG_MAC || rr.maclen < TSIG_MAC / 2)
		return -1;
	received(&d, msg, &rr);
	hmac(ctx->key, &d, &rr, mac);
	if (sodium_memcmp(mac, rr.mac, rr.maclen) != 0)
		return TSIG_BADSIG;
	memcpy(ctx->mac, rr.mac, rr.maclen);
	ctx->maclen = rr.maclen;
	ctx->msgs = 1;
	/* 5.2.3: the time, only once the MAC is known good */
	if (skew(now, rr.signed_at) > rr.fudge)
		return TSIG_BADTIME;
	/* 5.2.4: our policy is the whole MAC */
	if (rr.maclen < TSIG_MAC)
		return TSIG_BADTRUNC;
	return TSIG_NOERROR;
}

/* Write the TSIG record v after the message at buf + len. */
static size_t
put_rr(uint8_t *buf, size_t len, size_t max, const struct rr *v)
{
	size_t need = v->namelen + 10 + sizeof alg_sha256 + 16 + v->maclen +
	    v->otherlen;
	uint8_t *p = buf + len;

	if (max - len < need)
		return 0;
	memcpy(p, v->name, v->namelen);
	p += v->namelen;
	put16(p, TYPE_TSIG);
	put16(p + 2, CLASS_ANY);
	memset(p + 4, 0, 4);
	put16(p + 8, (unsigned)(need - v->namelen - 10));
	p += 10;
	memcpy(p, alg_sha256, sizeof alg_sha256);
	p += sizeof alg_sha256;
	put48(p, v->signed_at);
	put16(p + 6, v->fudge);
	put16(p + 8, v->maclen);
	memcpy(p + 10, v->mac, v->maclen);
	p += 10 + v->maclen;
	put16(p, v->id);
	put16(p + 2, v->error);
	put16(p + 4, v->otherlen);
	memcpy(p + 6, v->other, v->otherlen);
	put16(buf + 10, get16(buf + 10) + 1);
	return len + need;
}

size_t
tsig_sign(struct tsig_ctx *ctx, uint8_t *buf, size_t len, size_t max,
    int64_t now, int error)
{
	struct rr v = { 0 };
	struct digest d = { 0 };
	uint8_t mac[TSIG_MAC], other[6];
	int sign = error != TSIG_BADSIG && error != TSIG_BADKEY;
	/* a BADKEY or BADSIG context has no MAC either: not a request */
	int request = ctx->msgs == 0 && ctx->maclen == 0 && error == 0;

	if (len < HDR || len > max || get16(buf + 10) == 0xffff ||
	    (ctx->key == NULL && (sign || request)))
		return 0;
	/* a message that ends past its records, or holds a TSIG record
	 * already, would not be read as we sign it */
	if (find_tsig(buf, len, &v) != 0 || v.start != len)
		return 0;
	memset(&v, 0, sizeof v);
	if (request) {
		memcpy(ctx->name, ctx->key->name, ctx->key->namelen);
		ctx->namelen = ctx->key->namelen;
		ctx->id = (uint16_t)get16(buf);
	}
	memcpy(v.name, ctx->name, ctx->namelen);
	v.namelen = ctx->namelen;
	v.signed_at = now;
	v.fudge = TSIG_FUDGE;
	v.id = get16(buf);
	v.error = (unsigned)error;
	v.other = other;
	if (error == TSIG_BADTIME) {
		/*
		 * 5.2.3, 5.3.2: signed, our time in Other Data, the request's
		 * Time Signed echoed so that the client's clock accepts it.
		 */
		put48(other, now);
		v.otherlen = sizeof other;
		v.signed_at = ctx->signed_at;
	}
	v.mac = mac;
	if (sign) {
		/* 5.3.2: BADSIG and BADKEY go unsigned, an empty MAC */
		if (!request) {
			d.prior = ctx->mac;
			d.priorlen = ctx->maclen;
		}
		memcpy(d.hdr, buf, HDR);
		d.body = buf + HDR;
		d.bodylen = len - HDR;
		d.timers = ctx->msgs >= 2;
		hmac(ctx->key, &d, &v, mac);
		v.maclen = TSIG_MAC;
	}
	if ((len = put_rr(buf, len, max, &v)) == 0 || !sign)
		return len;
	memcpy(ctx->mac, mac, TSIG_MAC);
	ctx->maclen = TSIG_MAC;
	ctx->msgs++;
	return len;
}

int
tsig_check_response(struct tsig_ctx *ctx, const uint8_t *msg, size_t len,
    int64_t now)
{
	struct rr rr;
	struct digest d = { 0 };
	uint8_t mac[TSIG_MAC];

	if (ctx->key == NULL || ctx->msgs == 0 ||
	    find_tsig(msg, len, &rr) != 1)
		return -1;
	if (rr.namelen != ctx->key->namelen ||
	    memcmp(rr.name, ctx->key->name, rr.namelen) != 0 ||
	    !is_sha256(&rr))
		return TSIG_BADKEY;
	/*
	 * 5.3.2: the server's BADSIG or BADKEY comes unsigned (and NSD's
	 * BADTIME too): its word is all there is, a failure either way.
	 */
	if (rr.maclen == 0)
		return rr.error == TSIG_BADKEY || rr.error == TSIG_BADTIME ||
		    rr.error == TSIG_BADTRUNC ? (int)rr.error : TSIG_BADSIG;
	if (rr.maclen != TSIG_MAC)
		return TSIG_BADSIG;
	d.prior = ctx->mac;
	d.priorlen = ctx->maclen;
	d.timers = ctx->msgs >= 2;
	received(&d, msg, &rr);
	hmac(ctx->key, &d, &rr, mac);
	if (sodium_memcmp(mac, rr.mac, TSIG_MAC) != 0)
		return TSIG_BADSIG;
	memcpy(ctx->mac, mac, TSIG_MAC);
	ctx->msgs++;
	if (rr.error != TSIG_NOERROR)
		return (int)rr.error;
	if (skew(now, rr.signed_at) > rr.fudge)
		return TSIG_BADTIME;
	return TSIG_NOERROR;
}

/* The name as text (letters, digits, '-', '_'), into lower-case wire form. */
static int
name_wire(const char *s, struct tsig_key *k, const char **why)
{
	size_t n = 0, lab, l;

	if (*s == '\0' || strcmp(s, ".") == 0)
		return *why = "an empty name", -1;
	while (*s != '\0') {
		lab = n++;
		for (l = 0; *s != '\0' && *s != '.'; s++, l++) {
			if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' &&
			    *s <= 'Z') && !(*s >= '0' && *s <= '9') &&
			    *s != '-' && *s != '_')
				return *why = "not a key name (letters, digits, "
				    "'-', '_', labels between dots)", -1;
			if (l == 63)
				return *why = "a label longer than 63 bytes", -1;
			if (n > TSIG_NAME_MAX - 2)
				return *why = "a name longer than 255 bytes", -1;
			k->name[n++] = lower((uint8_t)*s);
		}
		if (l == 0)
			return *why = "an empty label", -1;
		k->name[lab] = (uint8_t)l;
		if (*s == '.')
			s++;
	}
	k->name[n++] = 0;
	k->namelen = n;
	return 0;
}

int
tsig_key_set(struct tsig_key *k, const char *name, const char *base64,
    const char **why)
{
	uint8_t raw[SECRET_LONG];
	size_t n;
	const char *end;

	memset(k, 0, sizeof *k);
	if (name_wire(name, k, why) < 0)
		return -1;
	memcpy(k->text, name, strlen(name) + 1);	/* < 256: name_wire */
	if (sodium_init() < 0)
		return *why = "libsodium failed to start", -1;
	if (strlen(base64) > SECRET_LONG / 3 * 4)
		return *why = "a secret longer than 1024 bytes", -1;
	if (sodium_base642bin(raw, sizeof raw, base64, strlen(base64), NULL,
	    &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 || *end != '\0')
		return *why = "not base64 (RFC 4648, padded)", -1;
	if (n < TSIG_SECRET_MIN)
		return *why = "a secret shorter than 16 bytes", -1;
	if (n > TSIG_SECRET_MAX) {
		/*
		 * RFC 2104 2: a key longer than the block is hashed first,
		 * as HMAC would do itself: the same MACs for a fixed size.
		 */
		crypto_hash_sha256(k->secret, raw, n);
		k->secretlen = crypto_hash_sha256_BYTES;
	} else {
		memcpy(k->secret, raw, n);
		k->secretlen = n;
	}
	sodium_memzero(raw, sizeof raw);
	return 0;
}
