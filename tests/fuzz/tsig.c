/*
 * Fuzz lib/tsig: the input is a message as a server receives it
 * (tsig_present, tsig_verify at a fixed time against two keys) and as a
 * client receives an answer (tsig_check_response).  Invariants: verify
 * says -1 wherever present does not say 1; a request that verifies gets
 * an answer that the client side checks good; the input's header and
 * body signed by us verify (tsig_sign refuses bytes after the records),
 * and stop verifying when a byte past the ID is changed (the seeds are signed at the fixed time, so that
 * mutations reach the MAC and the time checks).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW	1700000000LL

static struct tsig_key K[2];

static void
keys(void)
{
	const char *why;

	if (K[0].namelen != 0)
		return;
	if (tsig_key_set(&K[0], "transfer.example.",
	    "s2bHSxoA3vqmqI+t5yUY4EVCFEdHiq8dT82Wn1QZaeE=", &why) < 0 ||
	    tsig_key_set(&K[1], "other.",
	    "rmBM6QeA5XiS3gpBLfnZ2A5mm6Z8UPkLl8ZQ8xgRfRI=", &why) < 0)
		abort();
}

/* A request that verified: answer it (the same bytes, QR set). */
static void
answered(const uint8_t *d, size_t n, struct tsig_ctx *s)
{
	static uint8_t r[70000];
	struct tsig_ctx c = *s;
	size_t len;

	/* the client's side: it signed the request, its MAC is the ctx's */
	c.msgs = 1;
	memcpy(r, d, 12);
	r[2] |= 0x80;
	memset(r + 4, 0, 8);
	if ((len = tsig_sign(s, r, 12, sizeof r, NOW, 0)) == 0)
		abort();
	if (tsig_check_response(&c, r, len, NOW) != TSIG_NOERROR)
		abort();
	(void)n;
}

/* The input's first bytes as a message without TSIG, signed, verified. */
static void
round_trip(const uint8_t *d, size_t n)
{
	static uint8_t m[70000];
	struct tsig_ctx c = { .key = &K[0] }, s;
	size_t len, at;

	if (n < 14 || n > 4096)
		return;
	memcpy(m, d + 2, n - 2);
	if (tsig_present(m, n - 2) != 0)
		return;
	/* refused: bytes after its records (they would hide the TSIG) */
	if ((len = tsig_sign(&c, m, n - 2, sizeof m, NOW, 0)) == 0)
		return;
	if (tsig_verify(m, len, K, 2, NOW, &s) != TSIG_NOERROR)
		abort();
	/* a byte past the ID changed: never good again */
	at = 2 + (size_t)(d[0] << 8 | d[1]) % (n - 4);
	m[at] ^= 0x80;
	if (tsig_verify(m, len, K, 2, NOW, &s) == TSIG_NOERROR)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tsig_ctx s, c = { 0 };
	int p, v;

	keys();
	p = tsig_present(d, n);
	v = tsig_verify(d, n, K, 2, NOW, &s);
	if (p != 1 && v != -1)
		abort();
	if (v == TSIG_NOERROR)
		answered(d, n, &s);
	/* as an answer to a request of ours whose MAC was all zeroes */
	c.key = &K[0];
	c.maclen = TSIG_MAC;
	c.msgs = 1;
	(void)tsig_check_response(&c, d, n, NOW);
	round_trip(d, n);
	return 0;
}
