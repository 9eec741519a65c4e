/* See sha256.h. */
#include <string.h>

#include "sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_NI 1

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/*
 * blocks of 64 bytes into h.  The instructions keep the state as two
 * halves, ABEF and CDGH, and take four message words at a time: each
 * group of four rounds is two sha256rnds2, and the schedule's next four
 * words are sha256msg1, the words seven back, and sha256msg2.
 */
__attribute__((target("sha,sse4.1")))
static void
compress_ni(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i s0, s1, t, m, save0, save1, w[4];
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1b);
	s0 = _mm_alignr_epi8(t, s1, 8);		/* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xf0);	/* CDGH */
	for (; blocks > 0; blocks--, p += SHA256_BLOCK) {
		save0 = s0;
		save1 = s1;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(p + 16 * i)), bswap);
			else {
				t = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(i + 3) & 3],
				    w[(i + 2) & 3], 4));
				w[i & 3] = _mm_sha256msg2_epu32(t, w[(i + 3) & 3]);
			}
			m = _mm_add_epi32(w[i & 3],
			    _mm_loadu_si128((const __m128i *)&K[4 * i]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, m);
			s0 = _mm_sha256rnds2_epu32(s0, s1,
			    _mm_shuffle_epi32(m, 0x0e));
		}
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);		/* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xb1);		/* DCHG */
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, s1, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(s1, t, 8));
}

int
sha256_ni(void)
{
	static int known = -1;
	unsigned a, b, c, d;

	if (known < 0)
		known = __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
		    (b & (1u << 29)) != 0 &&			/* SHA */
		    __get_cpuid(1, &a, &b, &c, &d) &&
		    (c & (1u << 19)) != 0 && (c & (1u << 9)) != 0;	/* SSE4.1, SSSE3 */
	return known;
}
#else
int
sha256_ni(void)
{
	return 0;
}

static void
compress_ni(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	(void)h, (void)p, (void)blocks;
}
#endif

void
sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	s->ni = sha256_ni();
	s->n = 0;
	s->total = 0;
	memcpy(s->h, iv, sizeof iv);
	if (!s->ni)
		crypto_hash_sha256_init(&s->sodium);
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t k;

	if (!s->ni) {
		crypto_hash_sha256_update(&s->sodium, p, len);
		return;
	}
	s->total += len;
	if (s->n > 0) {
		k = SHA256_BLOCK - s->n < len ? SHA256_BLOCK - s->n : len;
		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
		if (s->n < SHA256_BLOCK)
			return;
		compress_ni(s->h, s->buf, 1);
		s->n = 0;
	}
	if (len >= SHA256_BLOCK) {
		compress_ni(s->h, p, len / SHA256_BLOCK);
		p += len - len % SHA256_BLOCK;
		len %= SHA256_BLOCK;
	}
	memcpy(s->buf, p, len);
	s->n = len;
}

void
sha256_final(struct sha256 *s, uint8_t out[SHA256_BYTES])
{
	uint64_t bits = s->total * 8;
	uint8_t pad[SHA256_BLOCK + 8] = { 0x80 };
	size_t padlen;
	int i;

	if (!s->ni) {
		crypto_hash_sha256_final(&s->sodium, out);
		return;
	}
	/* 0x80, zeros to 56 bytes into a block, the length in bits */
	padlen = (s->n < 56 ? 56 : 120) - s->n;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void
hmac256_init(struct hmac256 *m, const uint8_t *key, size_t keylen)
{
	uint8_t k[SHA256_BLOCK], h[SHA256_BYTES];
	size_t i;

	memset(k, 0, sizeof k);
	if (keylen > SHA256_BLOCK) {		/* RFC 2104 2: hashed first */
		sha256_init(&m->in);
		sha256_update(&m->in, key, keylen);
		sha256_final(&m->in, h);
		memcpy(k, h, sizeof h);
	} else
		memcpy(k, key, keylen);
	for (i = 0; i < sizeof k; i++)
		k[i] ^= 0x36;
	sha256_init(&m->in);
	sha256_update(&m->in, k, sizeof k);
	for (i = 0; i < sizeof k; i++)
		k[i] ^= 0x36 ^ 0x5c;
	sha256_init(&m->out);
	sha256_update(&m->out, k, sizeof k);
	sodium_memzero(k, sizeof k);
	sodium_memzero(h, sizeof h);
}

void
hmac256_update(struct hmac256 *m, const void *data, size_t len)
{
	sha256_update(&m->in, data, len);
}

void
hmac256_final(struct hmac256 *m, uint8_t out[SHA256_BYTES])
{
	uint8_t h[SHA256_BYTES];

	sha256_final(&m->in, h);
	sha256_update(&m->out, h, sizeof h);
	sha256_final(&m->out, out);
	sodium_memzero(h, sizeof h);
	sodium_memzero(m, sizeof *m);
}
