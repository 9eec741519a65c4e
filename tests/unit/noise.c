/*
 * bin/ddns-syncd/noise.c against itself in both roles, and against what an
 * attacker on the path can do: a wrong key, another prologue, a message
 * altered, a frame replayed, reordered or altered.  Then the clear opening
 * message and a records message of bin/ddns-syncd/wire.c, there and back.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "noise.h"
#include "wire.h"

static uint8_t psk[32], other[32];

static void
nop(const struct rec *a, int b, const struct rec *c, int d)
{
	(void)a, (void)b, (void)c, (void)d;
}

/* A full handshake; 0 if every step went through. */
static int
handshake(struct noise_cs *itx, struct noise_cs *irx, struct noise_cs *rtx,
    struct noise_cs *rrx, const uint8_t *rpsk, const char *rprologue)
{
	struct noise_hs i, r;
	uint8_t m1[NOISE_MSGLEN], m2[NOISE_MSGLEN];

	noise_init(&i, 1, psk, "prologue", 8);
	noise_init(&r, 0, rpsk, rprologue, strlen(rprologue));
	if (noise_write1(&i, m1) < 0 || noise_read1(&r, m1) < 0 ||
	    noise_write2(&r, m2) < 0 || noise_read2(&i, m2) < 0)
		return -1;
	noise_split(&i, itx, irx);
	noise_split(&r, rtx, rrx);
	return 0;
}

static void
test_roles(void)
{
	struct noise_cs itx, irx, rtx, rrx;
	uint8_t ct[64 + NOISE_TAGLEN], pt[64];

	CHECK(handshake(&itx, &irx, &rtx, &rrx, psk, "prologue") == 0);
	CHECK(memcmp(itx.k, rrx.k, 32) == 0);
	CHECK(memcmp(rtx.k, irx.k, 32) == 0);
	CHECK(memcmp(itx.k, irx.k, 32) != 0);
	/* initiator to responder, then back */
	CHECK(noise_seal(&itx, ct, (const uint8_t *)"hello, responder", 16) == 0);
	CHECK(noise_open(&rrx, pt, ct, 16 + NOISE_TAGLEN) == 0);
	CHECK(memcmp(pt, "hello, responder", 16) == 0);
	CHECK(noise_seal(&rtx, ct, (const uint8_t *)"hello, initiator", 16) == 0);
	CHECK(noise_open(&irx, pt, ct, 16 + NOISE_TAGLEN) == 0);
	CHECK(memcmp(pt, "hello, initiator", 16) == 0);
	/* a frame sent to one direction does not open in the other */
	CHECK(noise_seal(&itx, ct, (const uint8_t *)"x", 1) == 0);
	CHECK(noise_open(&irx, pt, ct, 1 + NOISE_TAGLEN) < 0);
	/* two handshakes never give the same keys */
	{
		struct noise_cs a, b, c, d;

		CHECK(handshake(&a, &b, &c, &d, psk, "prologue") == 0);
		CHECK(memcmp(a.k, itx.k, 32) != 0);
	}
}

static void
test_refusals(void)
{
	struct noise_cs a, b, c, d;
	struct noise_hs i, r;
	uint8_t m1[NOISE_MSGLEN], m2[NOISE_MSGLEN];
	int k;

	/* a wrong key or prologue fails message 1, at the responder */
	CHECK(handshake(&a, &b, &c, &d, other, "prologue") < 0);
	CHECK(handshake(&a, &b, &c, &d, psk, "prologuf") < 0);
	/* any byte of message 1 or 2 altered */
	for (k = 0; k < NOISE_MSGLEN; k++) {
		noise_init(&i, 1, psk, "p", 1);
		noise_init(&r, 0, psk, "p", 1);
		CHECK(noise_write1(&i, m1) == 0);
		m1[k] ^= 0x01;
		CHECK(noise_read1(&r, m1) < 0);
	}
	for (k = 0; k < NOISE_MSGLEN; k++) {
		noise_init(&i, 1, psk, "p", 1);
		noise_init(&r, 0, psk, "p", 1);
		CHECK(noise_write1(&i, m1) == 0 && noise_read1(&r, m1) == 0);
		CHECK(noise_write2(&r, m2) == 0);
		m2[k] ^= 0x80;
		CHECK(noise_read2(&i, m2) < 0);
	}
	/* messages out of turn */
	noise_init(&i, 1, psk, "p", 1);
	noise_init(&r, 0, psk, "p", 1);
	CHECK(noise_write2(&r, m2) < 0);
	CHECK(noise_read1(&i, m1) < 0);
}

static void
test_replay(void)
{
	struct noise_cs itx, irx, rtx, rrx, itx2, irx2, rtx2, rrx2;
	struct noise_hs i, r;
	uint8_t f1[20 + NOISE_TAGLEN], f2[20 + NOISE_TAGLEN], pt[20];
	uint8_t m1[NOISE_MSGLEN], m2[NOISE_MSGLEN];

	CHECK(handshake(&itx, &irx, &rtx, &rrx, psk, "prologue") == 0);
	CHECK(noise_seal(&itx, f1, (const uint8_t *)"first frame, twenty.", 20) == 0);
	CHECK(noise_seal(&itx, f2, (const uint8_t *)"second frame, twenty", 20) == 0);
	/* reordered: the second first */
	CHECK(noise_open(&rrx, pt, f2, sizeof f2) < 0);
	/* altered: refused, and the nonce has not moved */
	f1[3] ^= 1;
	CHECK(noise_open(&rrx, pt, f1, sizeof f1) < 0);
	f1[3] ^= 1;
	CHECK(noise_open(&rrx, pt, f1, sizeof f1) == 0);
	/* replayed */
	CHECK(noise_open(&rrx, pt, f1, sizeof f1) < 0);
	CHECK(noise_open(&rrx, pt, f2, sizeof f2) == 0);
	CHECK(noise_open(&rrx, pt, f2, sizeof f2) < 0);
	/* truncated */
	CHECK(noise_open(&rrx, pt, f2, NOISE_TAGLEN - 1) < 0);

	/*
	 * A recorded message 1 replayed to a new responder is accepted (a
	 * Noise NN message 1 proves only knowledge of the key), but the new
	 * session's keys differ: the recorded frames do not open.
	 */
	noise_init(&i, 1, psk, "p", 1);
	noise_init(&r, 0, psk, "p", 1);
	CHECK(noise_write1(&i, m1) == 0 && noise_read1(&r, m1) == 0);
	CHECK(noise_write2(&r, m2) == 0 && noise_read2(&i, m2) == 0);
	noise_split(&i, &itx2, &irx2);
	noise_split(&r, &rtx2, &rrx2);
	CHECK(noise_seal(&itx2, f1, (const uint8_t *)"first frame, twenty.", 20) == 0);
	noise_init(&r, 0, psk, "p", 1);
	CHECK(noise_read1(&r, m1) == 0);
	CHECK(noise_write2(&r, m2) == 0);
	noise_split(&r, &rtx, &rrx);
	CHECK(noise_open(&rrx, pt, f1, sizeof f1) < 0);
}

/* A record as the wire has it, whatever it holds. */
static void
raw_rec(struct wr *w, unsigned del, unsigned af, const char *origin,
    const char *label)
{
	unsigned i;

	wr_u64(w, 1);
	wr_u8(w, del);
	wr_u8(w, af);
	for (i = 0; i < (af == 4 ? 4u : af == 6 ? 16u : 0u); i++)
		wr_u8(w, 1);
	wr_str(w, origin);
	wr_str(w, label);
}

static void
test_wire(void)
{
	struct wr w = { .n = 0 };
	struct wopen o;
	struct wrec wr;
	struct rec r = { 0 };
	struct rd rd;
	uint8_t dh[DOMAINHASH_LEN], dh2[DOMAINHASH_LEN], n1[NOISE_MSGLEN];
	uint8_t buf[600];
	size_t n;

	wire_domainhash(dh, "vpn.example.org");
	wire_domainhash(dh2, "vpn.example.com");
	CHECK(memcmp(dh, dh2, sizeof dh) != 0);
	memset(n1, 7, sizeof n1);
	n = wire_open_build(buf, dh, "192.0.2.11", "192.0.2.12", n1);
	CHECK(wire_open_parse(buf, n, &o) == 0);
	CHECK(o.version == WIRE_VERSION && strcmp(o.from, "192.0.2.11") == 0);
	CHECK(strcmp(o.to, "192.0.2.12") == 0);
	CHECK(memcmp(o.domainhash, dh, sizeof dh) == 0);
	CHECK(memcmp(o.noise1, n1, sizeof n1) == 0);
	CHECK(wire_open_parse(buf, n - 1, &o) < 0);
	CHECK(wire_open_parse(buf, n + 1, &o) < 0);
	buf[0] = 'h';
	CHECK(wire_open_parse(buf, n, &o) < 0);

	table_init(nop);
	r.origin = (uint8_t)origin_get("198.51.100.1", 12);
	r.stamp = 0x0123456789abcdefULL;
	r.addr.af = 6;
	memset(r.addr.a, 0x20, 16);
	r.len = 4;
	memcpy(r.label, "gw-1", 5);
	wr_rec(&w, &r);
	CHECK(w.n == wr_rec_size(&r));
	r.flags = R_DELETED;
	wr_rec(&w, &r);
	rd = (struct rd){ w.b, w.b + w.n, 0 };
	CHECK(rd_rec(&rd, &wr) == 1 && wr.stamp == r.stamp && !wr.deleted);
	CHECK(wr.addr.af == 6 && strcmp(wr.label, "gw-1") == 0);
	CHECK(strcmp(wr.origin, "198.51.100.1") == 0);
	CHECK(rd_rec(&rd, &wr) == 1 && wr.deleted && wr.addr.af == 0);
	CHECK(rd_rec(&rd, &wr) == 0);
	/* a label that is not one is skipped, the next record read */
	w.b[w.n - 1] = '.';
	r.flags = 0;
	wr_rec(&w, &r);
	rd = (struct rd){ w.b, w.b + w.n, 0 };
	CHECK(rd_rec(&rd, &wr) == 1 && rd_rec(&rd, &wr) == -2);
	CHECK(rd_rec(&rd, &wr) == 1 && strcmp(wr.label, "gw-1") == 0);
	CHECK(rd_rec(&rd, &wr) == 0 && !rd.bad);
	/* so are a label of 64 bytes, and a tombstone with an address */
	w.n = 0;
	raw_rec(&w, 0, 4, "198.51.100.1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	raw_rec(&w, 1, 4, "198.51.100.1", "gw-2");
	raw_rec(&w, 0, 4, "198.51.100.1", "gw-3");
	rd = (struct rd){ w.b, w.b + w.n, 0 };
	CHECK(rd_rec(&rd, &wr) == -2 && rd_rec(&rd, &wr) == -2);
	CHECK(rd_rec(&rd, &wr) == 1 && strcmp(wr.label, "gw-3") == 0);
	CHECK(rd_rec(&rd, &wr) == 0);
	/* a cut record, an address family that is none: nothing more */
	rd = (struct rd){ w.b, w.b + 10, 0 };
	CHECK(rd_rec(&rd, &wr) == -1);
	w.b[9] = 5;
	rd = (struct rd){ w.b, w.b + w.n, 0 };
	CHECK(rd_rec(&rd, &wr) == -1 && rd.bad);
	CHECK(wire_label_ok("gw-1", 4) && wire_label_ok("A9", 2));
	CHECK(!wire_label_ok("bad_label", 9) && !wire_label_ok("-a", 2));
	CHECK(!wire_label_ok("a-", 2) && !wire_label_ok("", 0));
}

/* A line of hex from stdin into b (room for max); its length, or -1. */
static long
hexline(uint8_t *b, size_t max)
{
	char line[1024];
	size_t n;

	if (fgets(line, sizeof line, stdin) == NULL ||
	    sodium_hex2bin(b, max, line, strlen(line), "\n", &n, NULL) != 0)
		return -1;
	return (long)n;
}

static void
hexout(const uint8_t *b, size_t n)
{
	char hex[1024];

	puts(sodium_bin2hex(hex, sizeof hex, b, n));
	fflush(stdout);
}

/*
 * `noise respond PSK`: the responder, for tests/noise-interop.py, an
 * initiator written on other primitives (Python's cryptography, OpenSSL):
 * message 1 in, message 2 out, then a frame opened and sent back reversed.
 */
static int
respond(const char *pskhex)
{
	struct noise_hs r;
	struct noise_cs tx, rx;
	uint8_t m[NOISE_MSGLEN], ct[256], pt[256], rev[256];
	long n;
	size_t i;

	if (sodium_hex2bin(psk, sizeof psk, pskhex, strlen(pskhex), NULL,
	    NULL, NULL) != 0)
		return 100;
	noise_init(&r, 0, psk, "interop", 7);
	if (hexline(m, sizeof m) != NOISE_MSGLEN || noise_read1(&r, m) < 0 ||
	    noise_write2(&r, m) < 0)
		return 1;
	hexout(m, sizeof m);
	noise_split(&r, &tx, &rx);
	if ((n = hexline(ct, sizeof ct)) < NOISE_TAGLEN ||
	    noise_open(&rx, pt, ct, (size_t)n) < 0)
		return 1;
	n -= NOISE_TAGLEN;
	hexout(pt, (size_t)n);
	for (i = 0; i < (size_t)n; i++)
		rev[i] = pt[(size_t)n - 1 - i];
	noise_seal(&tx, ct, rev, (size_t)n);
	hexout(ct, (size_t)n + NOISE_TAGLEN);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 111;
	if (argc == 3 && strcmp(argv[1], "respond") == 0)
		return respond(argv[2]);
	randombytes_buf(psk, sizeof psk);
	memcpy(other, psk, sizeof other);
	other[31] ^= 1;
	test_roles();
	test_refusals();
	test_replay();
	test_wire();
	return failures != 0;
}
