/*
 * TSIG (RFC 8945) with HMAC-SHA256 only: the keys of vpnha.conf's
 * `tsig-key NAME secret BASE64`, the verification of a signed request
 * and the signing of its response (each message of a zone transfer
 * chained to the one before, RFC 8945 5.3.1), and the signing of a
 * request of our own (NOTIFY) with the check of its response.
 *
 * Messages are DNS messages in wire form in the caller's buffers; the
 * TSIG record is always the last of the additional section.
 */
#ifndef VPNHA_TSIG_H
#define VPNHA_TSIG_H

#include <stddef.h>
#include <stdint.h>

#define TSIG_NAME_MAX	255	/* a key name in wire form */
#define TSIG_SECRET_MIN	16	/* bytes; RFC 8945 6: not shorter than half */
#define TSIG_SECRET_MAX	64	/* the HMAC-SHA256 block */
#define TSIG_MAC	32	/* HMAC-SHA256, never truncated here */
#define TSIG_FUDGE	300	/* seconds, RFC 8945 10 */
#define TSIG_RR_MAX	(TSIG_NAME_MAX + 10 + 13 + 16 + TSIG_MAC + 6 + 6)

/* TSIG error field values, RFC 8945 5.2.3 (extended rcodes) */
enum {
	TSIG_NOERROR = 0,
	TSIG_BADSIG = 16,
	TSIG_BADKEY = 17,
	TSIG_BADTIME = 18,
	TSIG_BADTRUNC = 22
};

struct tsig_key {
	char text[256];			/* the name as configured, for logs */
	uint8_t name[TSIG_NAME_MAX];	/* wire form, lower case */
	size_t namelen;
	uint8_t secret[TSIG_SECRET_MAX];
	size_t secretlen;
};

/*
 * One signed exchange: the key, and the MAC that the next message of it
 * is chained to (the request's for the first response, then each
 * response's for the next).
 */
struct tsig_ctx {
	const struct tsig_key *key;
	uint8_t mac[TSIG_MAC];
	size_t maclen;
	uint16_t id;			/* the original ID */
	int msgs;			/* messages signed or checked so far */
	/* the request's key name and Time Signed, for an error response
	 * (BADKEY: the key may be unknown; BADTIME echoes the time, 5.3.2) */
	uint8_t name[TSIG_NAME_MAX];
	size_t namelen;
	int64_t signed_at;
};

/*
 * The key NAME (a domain name) with secret BASE64 (RFC 4648, padded);
 * 0, or -1 with *why ("not base64", "shorter than 16 bytes", ...).
 */
int tsig_key_set(struct tsig_key *, const char *name, const char *base64,
    const char **why);

/*
 * Is the message msg (len bytes) signed?  1 when its last additional
 * record is a TSIG record, 0 when there is none, -1 when it is malformed
 * (FORMERR): a TSIG record not last, more than one, or cut short.
 */
int tsig_present(const uint8_t *msg, size_t len);

/*
 * Check a signed request against the keys.  Returns TSIG_NOERROR with
 * ctx ready to sign the response, TSIG_BADKEY (unknown key or
 * algorithm), TSIG_BADSIG or TSIG_BADTIME (then ctx holds what the
 * error response needs: RFC 8945 5.3.2), TSIG_BADTRUNC (a MAC cut
 * short: our policy wants it whole, 5.2.4), or -1 for a malformed or
 * absent record (FORMERR).
 * now is the time in seconds since the epoch.
 */
int tsig_verify(const uint8_t *msg, size_t len, const struct tsig_key *keys,
    int nkeys, int64_t now, struct tsig_ctx *ctx);

/*
 * Append the TSIG record to the message in buf (len bytes, room for max)
 * and count it in ARCOUNT: a response chained to ctx (its request, or
 * the message before in a transfer), or with ctx->msgs == 0 and
 * ctx->maclen == 0 a request of our own.  error is the TSIG error to
 * report (TSIG_BADSIG and TSIG_BADKEY go unsigned, as 5.3.2 says).
 * Returns the new length, or 0 when it does not fit.
 */
size_t tsig_sign(struct tsig_ctx *ctx, uint8_t *buf, size_t len, size_t max,
    int64_t now, int error);

/*
 * Check a response to a request we signed with ctx (a NOTIFY's answer):
 * TSIG_NOERROR, another TSIG error, or -1 when malformed or unsigned.
 * Called again on each message of a multi-message answer (an AXFR), it
 * checks the chain of 5.3.1; every message must be signed.
 */
int tsig_check_response(struct tsig_ctx *ctx, const uint8_t *msg,
    size_t len, int64_t now);

#endif
