/*
 * SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) for TSIG, which hashes
 * every byte of a zone transfer.  On a CPU with the SHA extensions the
 * blocks are compressed with them (several times faster than libsodium's
 * portable code, which Debian 12's 1.0.18 is); elsewhere libsodium does
 * the whole hash.  tests/unit/sha256.c checks one against the other.
 */
#ifndef VPNHA_SHA256_H
#define VPNHA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define SHA256_BYTES	32
#define SHA256_BLOCK	64

struct sha256 {
	int ni;				/* the SHA extensions do the blocks */
	uint32_t h[8];
	uint8_t buf[SHA256_BLOCK];
	size_t n;			/* bytes in buf */
	uint64_t total;			/* bytes hashed */
	crypto_hash_sha256_state sodium;	/* without them */
};

struct hmac256 {
	struct sha256 in, out;
};

void sha256_init(struct sha256 *);
void sha256_update(struct sha256 *, const void *, size_t);
void sha256_final(struct sha256 *, uint8_t out[SHA256_BYTES]);

void hmac256_init(struct hmac256 *, const uint8_t *key, size_t keylen);
void hmac256_update(struct hmac256 *, const void *, size_t);
/* The MAC into out; the state is wiped. */
void hmac256_final(struct hmac256 *, uint8_t out[SHA256_BYTES]);

/* 1 if the SHA extensions are used here (for the tests). */
int sha256_ni(void);

#endif
