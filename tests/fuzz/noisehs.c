/*
 * The handshake of ddns-syncd as a responder and as an initiator sees it
 * (bin/ddns-syncd/wire.c, noise.c): any bytes as the opening message, as
 * message 1 and as message 2.  Nothing crashes, nothing without the key
 * gets through, and an opening that parses names two printable words.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t psk[32] = { 1, 2, 3 };

/* One word of printable ASCII. */
static int
word(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct noise_hs hs;
	struct noise_cs tx, rx;
	struct wopen o;
	struct wr pro;
	uint8_t m1[NOISE_MSGLEN], out[NOISE_MSGLEN];
	const uint8_t *body;
	long n;

	if (sodium_init() < 0)
		abort();
	/* as a responder: a frame holding an opening message */
	if ((n = frame_next(data, size, &body)) > 0 &&
	    wire_open_parse(body, (size_t)n, &o) == 0) {
		if (strlen(o.from) > ID_MAX || strlen(o.to) > ID_MAX ||
		    !word(o.from) || !word(o.to))
			abort();	/* they go into log lines */
		wire_prologue(&pro, "vpn.example.org", o.from, o.to);
		noise_init(&hs, 0, psk, pro.b, pro.n);
		if (noise_read1(&hs, o.noise1) == 0) {
			/* only a holder of psk gets here: not the fuzzer */
			if (noise_write2(&hs, out) < 0)
				abort();
			noise_split(&hs, &tx, &rx);
		}
	}
	/* as an initiator: the bytes as the reply to our message 1 */
	noise_init(&hs, 1, psk, "p", 1);
	if (noise_write1(&hs, m1) < 0)
		abort();
	if (size >= 1 + NOISE_MSGLEN && data[0] == 'R' &&
	    noise_read2(&hs, data + 1) == 0)
		abort();	/* a forged message 2 */
	return 0;
}
