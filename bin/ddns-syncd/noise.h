/*
 * Noise NNpsk0 (The Noise Protocol Framework, revision 34, sections 5, 7,
 * 9): Noise_NNpsk0_25519_ChaChaPoly_SHA256, on libsodium's primitives.
 *
 *   NNpsk0:
 *     -> psk, e
 *     <- e, ee
 *
 * Both messages carry an empty payload, so each is 32 + 16 bytes: the
 * ephemeral key and the tag that proves the sender holds the key mixed so
 * far (the pre-shared key, then the shared secret too).
 */
#ifndef DDNS_NOISE_H
#define DDNS_NOISE_H

#include <stddef.h>
#include <stdint.h>

#define NOISE_KEYLEN	32
#define NOISE_HASHLEN	32
#define NOISE_TAGLEN	16
#define NOISE_MSGLEN	(32 + NOISE_TAGLEN)	/* each handshake message */

struct noise_cs {			/* CipherState */
	uint8_t k[NOISE_KEYLEN];
	uint64_t n;
};

struct noise_hs {			/* HandshakeState */
	int initiator;
	uint8_t ck[NOISE_HASHLEN], h[NOISE_HASHLEN];
	struct noise_cs cs;
	int haskey;
	uint8_t psk[NOISE_KEYLEN];
	uint8_t e[32], epub[32], re[32];
};

void noise_init(struct noise_hs *, int initiator, const uint8_t *psk,
    const void *prologue, size_t len);
/* Each returns 0, or -1: a tag that does not verify, a bad key, misuse. */
int noise_write1(struct noise_hs *, uint8_t out[NOISE_MSGLEN]);
int noise_read1(struct noise_hs *, const uint8_t in[NOISE_MSGLEN]);
int noise_write2(struct noise_hs *, uint8_t out[NOISE_MSGLEN]);
int noise_read2(struct noise_hs *, const uint8_t in[NOISE_MSGLEN]);
/* After message 2: the keys of each direction; the handshake is wiped. */
void noise_split(struct noise_hs *, struct noise_cs *tx, struct noise_cs *rx);

/* Transport: out has room for len + NOISE_TAGLEN (seal) or len - it (open). */
int noise_seal(struct noise_cs *, uint8_t *out, const uint8_t *in, size_t len);
int noise_open(struct noise_cs *, uint8_t *out, const uint8_t *in, size_t len);

#endif
