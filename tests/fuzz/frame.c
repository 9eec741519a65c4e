/*
 * ddns-syncd's frame decoder and sync messages (bin/ddns-syncd/wire.c) on
 * any bytes: frames split from a stream, each opened with a session key
 * (a forgery must fail) and read as a plaintext message of every kind, the
 * way the daemon reads one after decryption.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
vector(struct rd *r, int gc)
{
	char id[ID_MAX + 1];
	unsigned i, n = rd_u8(r);

	for (i = 0; i < n && !r->bad; i++) {
		rd_str(r, id, ID_MAX);
		rd_u64(r);
		if (gc)
			rd_u64(r);
	}
}

/* The FLAGS that may end a hello or a beat: absent is 0, never bad. */
static void
flags(struct rd *r)
{
	int bad = r->bad, none = r->p == r->e;
	unsigned f = rd_flags(r);

	if (r->bad != bad || (none && f != 0))
		abort();
}

static void
message(const uint8_t *b, size_t n)
{
	struct rd r = { b, b + n, 0 };
	struct wrec w;
	int k;

	switch (rd_u8(&r)) {
	case 'h':
		rd_u64(&r);
		vector(&r, 1);
		flags(&r);
		break;
	case 'r':
		rd_u8(&r);
		while ((k = rd_rec(&r, &w)) > 0)
			if (strlen(w.label) > GWID_LABEL_MAX ||
			    (w.deleted != (w.addr.af == 0)) ||
			    strpbrk(w.origin, " \t\r\n") != NULL)
				abort();	/* an origin goes into lines */
		break;
	case 'e':
		rd_u8(&r);
		rd_u64(&r);
		vector(&r, 0);
		break;
	case 'b':
		rd_u64(&r);
		rd_u64(&r);
		rd_u32(&r);
		vector(&r, 0);
		flags(&r);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pt[FRAME_MAX];
	struct noise_cs cs = { { 9 }, 0 };
	const uint8_t *body;
	long n;

	while ((n = frame_next(data, size, &body)) > 0) {
		if (n > FRAME_MAX)
			abort();
		if (n >= NOISE_TAGLEN && noise_open(&cs, pt, body, (size_t)n) == 0)
			abort();	/* a forged frame */
		message(body, (size_t)n);
		data += FRAME_HDR + n;
		size -= FRAME_HDR + (size_t)n;
	}
	return 0;
}
