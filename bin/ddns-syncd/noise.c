/*
 * Noise_NNpsk0_25519_ChaChaPoly_SHA256, written from the specification
 * (revision 34); the primitives are libsodium's: X25519
 * (crypto_scalarmult), ChaCha20-Poly1305 IETF (RFC 7539), SHA-256 and
 * HMAC-SHA-256 for HKDF (section 4.3).
 */
#include <sodium.h>
#include <string.h>

#include "noise.h"

static const char protocol[] = "Noise_NNpsk0_25519_ChaChaPoly_SHA256";

/* Section 4.2: the 96-bit nonce is 32 zero bits, then n little-endian. */
static void
nonce(uint8_t out[12], uint64_t n)
{
	int i;

	memset(out, 0, 4);
	for (i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(n >> (8 * i));
}

static int
encrypt(struct noise_cs *cs, uint8_t *out, const uint8_t *ad, size_t adlen,
    const uint8_t *in, size_t len)
{
	uint8_t nb[12];

	if (cs->n == UINT64_MAX)	/* reserved (5.1): never sent */
		return -1;
	nonce(nb, cs->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, in, len, ad,
	    adlen, NULL, nb, cs->k);
	cs->n++;
	return 0;
}

/* The nonce moves on only when the tag verifies (5.1, DecryptWithAd). */
static int
decrypt(struct noise_cs *cs, uint8_t *out, const uint8_t *ad, size_t adlen,
    const uint8_t *in, size_t len)
{
	uint8_t nb[12];

	if (len < NOISE_TAGLEN || cs->n == UINT64_MAX)
		return -1;
	nonce(nb, cs->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, in, len,
	    ad, adlen, nb, cs->k) != 0)
		return -1;
	cs->n++;
	return 0;
}

static void
hmac(uint8_t out[32], const uint8_t key[32], const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, a, alen);
	if (blen > 0)
		crypto_auth_hmacsha256_update(&st, b, blen);
	crypto_auth_hmacsha256_final(&st, out);
}

/* HKDF(chaining_key, input_key_material, num_outputs) of section 4.3. */
static void
hkdf(const uint8_t ck[32], const uint8_t *ikm, size_t len, uint8_t o1[32],
    uint8_t o2[32], uint8_t *o3)
{
	uint8_t temp[32], one = 1, two = 2, three = 3;

	hmac(temp, ck, ikm, len, NULL, 0);
	hmac(o1, temp, &one, 1, NULL, 0);
	hmac(o2, temp, o1, 32, &two, 1);
	if (o3 != NULL)
		hmac(o3, temp, o2, 32, &three, 1);
	sodium_memzero(temp, sizeof temp);
}

static void
mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, hs->h, sizeof hs->h);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, hs->h);
}

static void
mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t len)
{
	hkdf(hs->ck, ikm, len, hs->ck, hs->cs.k, NULL);
	hs->cs.n = 0;
	hs->haskey = 1;
}

static void
mix_key_and_hash(struct noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t th[32];

	hkdf(hs->ck, ikm, len, hs->ck, th, hs->cs.k);
	mix_hash(hs, th, sizeof th);
	hs->cs.n = 0;
	hs->haskey = 1;
}

/* EncryptAndHash / DecryptAndHash of an empty payload: just the tag. */
static int
encrypt_and_hash(struct noise_hs *hs, uint8_t tag[NOISE_TAGLEN])
{
	if (encrypt(&hs->cs, tag, hs->h, sizeof hs->h, NULL, 0) < 0)
		return -1;
	mix_hash(hs, tag, NOISE_TAGLEN);
	return 0;
}

static int
decrypt_and_hash(struct noise_hs *hs, const uint8_t tag[NOISE_TAGLEN])
{
	if (decrypt(&hs->cs, NULL, hs->h, sizeof hs->h, tag, NOISE_TAGLEN) < 0)
		return -1;
	mix_hash(hs, tag, NOISE_TAGLEN);
	return 0;
}

void
noise_init(struct noise_hs *hs, int initiator, const uint8_t *psk,
    const void *prologue, size_t len)
{
	memset(hs, 0, sizeof *hs);
	hs->initiator = initiator;
	/* the name is longer than HASHLEN: h = HASH(name) (5.2) */
	crypto_hash_sha256(hs->h, (const uint8_t *)protocol, strlen(protocol));
	memcpy(hs->ck, hs->h, sizeof hs->ck);
	mix_hash(hs, prologue, len);
	memcpy(hs->psk, psk, sizeof hs->psk);
}

/* Token e, in a psk handshake (9.2): MixHash(e.pub) and MixKey(e.pub). */
static void
token_e(struct noise_hs *hs, const uint8_t pub[32])
{
	mix_hash(hs, pub, 32);
	mix_key(hs, pub, 32);
}

static void
new_e(struct noise_hs *hs, uint8_t out[32])
{
	randombytes_buf(hs->e, sizeof hs->e);
	crypto_scalarmult_base(hs->epub, hs->e);
	memcpy(out, hs->epub, 32);
	token_e(hs, hs->epub);
}

/* Token ee: an all-zero result (a low-order point) is refused. */
static int
token_ee(struct noise_hs *hs)
{
	uint8_t dh[32];
	int r = crypto_scalarmult(dh, hs->e, hs->re);

	if (r == 0)
		mix_key(hs, dh, sizeof dh);
	sodium_memzero(dh, sizeof dh);
	return r == 0 ? 0 : -1;
}

int
noise_write1(struct noise_hs *hs, uint8_t out[NOISE_MSGLEN])
{
	if (!hs->initiator || hs->haskey)
		return -1;
	mix_key_and_hash(hs, hs->psk, sizeof hs->psk);
	new_e(hs, out);
	return encrypt_and_hash(hs, out + 32);
}

int
noise_read1(struct noise_hs *hs, const uint8_t in[NOISE_MSGLEN])
{
	if (hs->initiator || hs->haskey)
		return -1;
	mix_key_and_hash(hs, hs->psk, sizeof hs->psk);
	memcpy(hs->re, in, 32);
	token_e(hs, hs->re);
	return decrypt_and_hash(hs, in + 32);
}

int
noise_write2(struct noise_hs *hs, uint8_t out[NOISE_MSGLEN])
{
	if (hs->initiator || !hs->haskey)
		return -1;
	new_e(hs, out);
	if (token_ee(hs) < 0)
		return -1;
	return encrypt_and_hash(hs, out + 32);
}

int
noise_read2(struct noise_hs *hs, const uint8_t in[NOISE_MSGLEN])
{
	if (!hs->initiator || !hs->haskey)
		return -1;
	memcpy(hs->re, in, 32);
	token_e(hs, hs->re);
	if (token_ee(hs) < 0)
		return -1;
	return decrypt_and_hash(hs, in + 32);
}

/* Split (5.2): the first key is the initiator's sending key. */
void
noise_split(struct noise_hs *hs, struct noise_cs *tx, struct noise_cs *rx)
{
	uint8_t k1[32], k2[32];

	hkdf(hs->ck, NULL, 0, k1, k2, NULL);
	memcpy(tx->k, hs->initiator ? k1 : k2, 32);
	memcpy(rx->k, hs->initiator ? k2 : k1, 32);
	tx->n = rx->n = 0;
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	sodium_memzero(hs, sizeof *hs);
}

int
noise_seal(struct noise_cs *cs, uint8_t *out, const uint8_t *in, size_t len)
{
	return encrypt(cs, out, NULL, 0, in, len);
}

int
noise_open(struct noise_cs *cs, uint8_t *out, const uint8_t *in, size_t len)
{
	return decrypt(cs, out, NULL, 0, in, len);
}
