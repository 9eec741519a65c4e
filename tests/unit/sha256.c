/*
 * lib/sha256.c against libsodium: SHA-256 of every length to a few
 * blocks, in one update and in pieces of every size; HMAC-SHA256 with
 * keys of every length to beyond a block; FIPS 180-2's "abc".  Says on
 * stderr nothing, and exits 0, when all agree; prints which path ran on
 * stdout ("ni" or "sodium").
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "sha256.h"

static uint8_t data[1000];

static void
test_hash(void)
{
	static const uint8_t abc[SHA256_BYTES] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};
	uint8_t want[SHA256_BYTES], got[SHA256_BYTES];
	struct sha256 s;
	size_t len, piece, i;

	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, got);
	CHECK(memcmp(got, abc, sizeof abc) == 0);
	for (len = 0; len <= 300; len++) {
		crypto_hash_sha256(want, data, len);
		for (piece = 1; piece <= len + 1; piece++) {
			sha256_init(&s);
			for (i = 0; i < len; i += piece)
				sha256_update(&s, data + i,
				    len - i < piece ? len - i : piece);
			sha256_final(&s, got);
			if (memcmp(got, want, sizeof want) != 0) {
				fprintf(stderr, "sha256: length %zu in pieces of "
				    "%zu differs\n", len, piece);
				failures++;
				break;
			}
		}
	}
	crypto_hash_sha256(want, data, sizeof data);
	sha256_init(&s);
	sha256_update(&s, data, sizeof data);
	sha256_final(&s, got);
	CHECK(memcmp(got, want, sizeof want) == 0);
}

static void
test_hmac(void)
{
	uint8_t want[SHA256_BYTES], got[SHA256_BYTES];
	crypto_auth_hmacsha256_state st;
	struct hmac256 m;
	size_t keylen, len;

	for (keylen = 0; keylen <= 150; keylen++)
		for (len = 0; len <= 200; len += 13) {
			crypto_auth_hmacsha256_init(&st, data + 500, keylen);
			crypto_auth_hmacsha256_update(&st, data, len);
			crypto_auth_hmacsha256_final(&st, want);
			hmac256_init(&m, data + 500, keylen);
			hmac256_update(&m, data, len / 2);
			hmac256_update(&m, data + len / 2, len - len / 2);
			hmac256_final(&m, got);
			if (memcmp(got, want, sizeof want) != 0) {
				fprintf(stderr, "hmac256: key %zu bytes, data %zu "
				    "differs\n", keylen, len);
				failures++;
			}
		}
}

int
main(void)
{
	size_t i;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 131 + 7);
	test_hash();
	test_hmac();
	printf("%s\n", sha256_ni() ? "ni" : "sodium");
	if (failures > 0)
		fprintf(stderr, "sha256: %d failures\n", failures);
	return failures > 0;
}
