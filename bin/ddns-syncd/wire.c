/*
 * Encoding and decoding of frames and messages (the layout is in wire.h).
 * Everything read here comes from the network: tests/fuzz/frame.c and
 * tests/fuzz/noise.c run it on any bytes.
 */
#include <sodium.h>
#include <string.h>

#include "noise.h"
#include "wire.h"

const char *const refusal_text[] = {
	[REFUSE_VERSION] = "protocol version mismatch",
	[REFUSE_DOMAIN] = "domain mismatch (the domain differs between the "
	    "two nodes)",
	[REFUSE_UNKNOWN] = "not a configured peer",
	[REFUSE_AUTH] = "authentication failed (wrong secret?)",
	[REFUSE_NOTME] = "identity mismatch (its self is not the peer "
	    "address configured here)",
	[REFUSE_BUSY] = "too many connections",
	[REFUSE_SOURCE] = "source address mismatch (a node connects from the "
	    "address its self names; check self, and the routes)",
};

long
frame_next(const uint8_t *buf, size_t len, const uint8_t **body)
{
	size_t n;

	if (len < FRAME_HDR)
		return 0;
	n = (size_t)buf[0] << 8 | buf[1];
	if (n == 0)
		return -1;	/* no message is empty */
	if (len < FRAME_HDR + n)
		return 0;
	*body = buf + FRAME_HDR;
	return (long)n;
}

unsigned
rd_u8(struct rd *r)
{
	if (r->bad || r->p >= r->e) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

uint32_t
rd_u32(struct rd *r)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | rd_u8(r);
	return v;
}

uint64_t
rd_u64(struct rd *r)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | rd_u8(r);
	return v;
}

size_t
rd_str(struct rd *r, char *out, size_t max)
{
	size_t n = rd_u8(r);

	if (r->bad || n > max || (size_t)(r->e - r->p) < n ||
	    memchr(r->p, '\0', n) != NULL) {
		r->bad = 1;
		out[0] = '\0';
		return 0;
	}
	memcpy(out, r->p, n);
	out[n] = '\0';
	r->p += n;
	return n;
}

unsigned
rd_flags(struct rd *r)
{
	if (r->bad || r->p == r->e)
		return 0;
	return rd_u8(r);	/* what a later version adds after it: ignored */
}

/*
 * A gateway label as every node accepts it: lib/gwid's one rule, what
 * gwid_label() makes of an ID.  The journal's loader
 * checks its records with it too, so that nothing reaches a peer that the
 * peer refuses.
 */
int
wire_label_ok(const char *s, size_t n)
{
	return gwid_label_ok(s, n);
}

/* A node identity is one word of printable ASCII: it goes into lines. */
static int
id_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return n > 0;
}

/* A string of any bytes into out (room for 256); its length. */
static size_t
rd_any(struct rd *r, char *out)
{
	size_t n = rd_u8(r);

	if (r->bad || (size_t)(r->e - r->p) < n) {
		r->bad = 1;
		n = 0;
	} else {
		memcpy(out, r->p, n);
		r->p += n;
	}
	out[n] = '\0';
	return n;
}

/*
 * A record is read whole whenever its lengths hold (an address of 0, 4 or
 * 16 bytes, two strings), so that one whose content is refused can be
 * skipped and the next one read: a bad record from a peer costs that
 * record, not the session.
 */
int
rd_rec(struct rd *r, struct wrec *w)
{
	char origin[256], label[256];
	unsigned del, af;
	size_t n, ol, ll;

	if (r->p == r->e && !r->bad)
		return 0;
	memset(w, 0, sizeof *w);
	w->stamp = rd_u64(r);
	del = rd_u8(r);
	af = rd_u8(r);
	n = af == 4 ? 4 : af == 6 ? 16 : 0;
	if ((af != 0 && n == 0) || (size_t)(r->e - r->p) < n)
		r->bad = 1;
	if (!r->bad) {
		memcpy(w->addr.a, r->p, n);
		r->p += n;
	}
	ol = rd_any(r, origin);
	ll = rd_any(r, label);
	if (r->bad)
		return -1;
	if (del > 1 || (del == 0) != (n != 0) || ol > ID_MAX ||
	    !id_ok(origin, ol) || !wire_label_ok(label, ll))
		return -2;
	w->addr.af = (uint8_t)af;
	w->deleted = (int)del;
	memcpy(w->origin, origin, ol + 1);
	memcpy(w->label, label, ll + 1);
	return 1;
}

void
wr_u8(struct wr *w, unsigned v)
{
	if (w->n < sizeof w->b)
		w->b[w->n++] = (uint8_t)v;
}

void
wr_u32(struct wr *w, uint32_t v)
{
	int i;

	for (i = 24; i >= 0; i -= 8)
		wr_u8(w, (unsigned)(v >> i) & 0xff);
}

void
wr_u64(struct wr *w, uint64_t v)
{
	int i;

	for (i = 56; i >= 0; i -= 8)
		wr_u8(w, (unsigned)(v >> i) & 0xff);
}

void
wr_str(struct wr *w, const char *s)
{
	size_t n = strlen(s), i;

	wr_u8(w, (unsigned)n);
	for (i = 0; i < n; i++)
		wr_u8(w, (unsigned char)s[i]);
}

size_t
wr_rec_size(const struct rec *r)
{
	return 8 + 1 + 1 + (r->addr.af == 4 ? 4 : r->addr.af == 6 ? 16 : 0) +
	    1 + strlen(origins[r->origin].id) + 1 + r->len;
}

void
wr_rec(struct wr *w, const struct rec *r)
{
	size_t n = r->addr.af == 4 ? 4 : r->addr.af == 6 ? 16 : 0, i;
	int del = (r->flags & R_DELETED) != 0;

	wr_u64(w, r->stamp);
	wr_u8(w, (unsigned)del);
	wr_u8(w, del ? 0 : r->addr.af);
	for (i = 0; !del && i < n; i++)
		wr_u8(w, r->addr.a[i]);
	wr_str(w, origins[r->origin].id);
	wr_str(w, r->label);
}

/* ---------------------------------------------------------------- handshake */

void
wire_domainhash(uint8_t out[DOMAINHASH_LEN], const char *domain)
{
	static const char ctx[] = "vpnha ddns domain";
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, DOMAINHASH_LEN);
	crypto_generichash_update(&st, (const uint8_t *)ctx, sizeof ctx);
	crypto_generichash_update(&st, (const uint8_t *)domain, strlen(domain));
	crypto_generichash_final(&st, out, DOMAINHASH_LEN);
}

size_t
wire_prologue(struct wr *w, const char *domain, const char *from,
    const char *to)
{
	w->n = 0;
	wr_str(w, "vpnha-ddns");
	wr_u8(w, WIRE_VERSION);
	wr_str(w, domain);
	wr_str(w, from);
	wr_str(w, to);
	return w->n;
}

size_t
wire_open_build(uint8_t *out, const uint8_t *domainhash, const char *from,
    const char *to, const uint8_t *noise1)
{
	size_t n = 0, l;

	out[n++] = 'H';
	out[n++] = WIRE_VERSION;
	memcpy(out + n, domainhash, DOMAINHASH_LEN);
	n += DOMAINHASH_LEN;
	out[n++] = (uint8_t)(l = strlen(from));
	memcpy(out + n, from, l);
	n += l;
	out[n++] = (uint8_t)(l = strlen(to));
	memcpy(out + n, to, l);
	n += l;
	memcpy(out + n, noise1, NOISE_MSGLEN);
	return n + NOISE_MSGLEN;
}

int
wire_open_parse(const uint8_t *b, size_t n, struct wopen *o)
{
	struct rd r = { b, b + n, 0 };
	size_t i;

	if (rd_u8(&r) != 'H')
		return -1;
	o->version = rd_u8(&r);
	for (i = 0; i < DOMAINHASH_LEN; i++)
		o->domainhash[i] = (uint8_t)rd_u8(&r);
	/* identities go into log lines: one printable word each */
	if (!id_ok(o->from, rd_str(&r, o->from, ID_MAX)) ||
	    !id_ok(o->to, rd_str(&r, o->to, ID_MAX)) || r.bad ||
	    r.e - r.p != NOISE_MSGLEN)
		return -1;
	o->noise1 = r.p;
	return 0;
}
