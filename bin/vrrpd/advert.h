/*
 * VRRP advertisements on the wire: RFC 3768 (version 2, IPv4) and RFC 5798
 * (version 3, IPv4 and IPv6).  Parsing checks what the packet alone can
 * tell; what needs the group (VRID known, addresses, interval,
 * authentication) is the caller's.
 */
#ifndef VRRPD_ADVERT_H
#define VRRPD_ADVERT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_PROTO		112	/* IANA: the IP protocol of VRRP */
#define VRRP_TTL		255	/* RFC 3768 5.2.3, RFC 5798 5.1.1.3 */
#define VRRP_TYPE_ADVERT	1
#define VRRP_HDR_LEN		8
#define VRRP_AUTH_LEN		8	/* v2: authentication data */
#define VRRP_MSG_MAX		(VRRP_HDR_LEN + 255 * 16 + VRRP_AUTH_LEN)
#define VRRP_GROUP4		"224.0.0.18"
#define VRRP_GROUP6		"ff02::12"

enum vrrp_auth {		/* RFC 2338 5.3.6; RFC 3768 keeps the field */
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,	/* a clear-text password: no security */
	VRRP_AUTH_AH = 2,	/* IP Authentication Header: not supported */
};

/* Why a packet was dropped; each has a counter `drop_NAME` in the status file. */
enum advert_drop {
	ADVERT_OK = 0,
	ADVERT_DROP_LENGTH,	/* too short, or its lengths disagree (CARP) */
	ADVERT_DROP_TTL,	/* TTL or hop limit not 255 */
	ADVERT_DROP_VERSION,	/* not 2 or 3, v2 over IPv6, or not the group's */
	ADVERT_DROP_TYPE,	/* not an advertisement */
	ADVERT_DROP_CHECKSUM,	/* of the message, or of the IPv4 header */
	ADVERT_DROP_PROTO,	/* not IPv4/IPv6 carrying VRRP (or AH, then VRRP) */
	ADVERT_DROP_VRID,	/* no group of that VRID here (caller) */
	ADVERT_DROP_AUTH,	/* authentication differs (caller) */
	ADVERT_DROP_INTERVAL,	/* v2: advert interval differs (caller) */
	ADVERT_DROP_ADDRESSES,	/* none; or virtual addresses differ (caller) */
	ADVERT_DROP_PEER,	/* unicast: not from a peer-address (caller) */
	ADVERT_DROP_MAX
};

extern const char *const advert_drop_name[ADVERT_DROP_MAX];	/* "length", ... */

union advert_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

struct advert {
	int af;			/* AF_INET or AF_INET6 */
	union advert_addr src, dst;
	int ttl;		/* TTL or hop limit */
	int ah;			/* carried in an IPsec AH header */
	uint8_t version, type, vrid, priority, naddr;
	uint8_t auth_type;	/* v2 */
	uint16_t interval;	/* centiseconds: v2 Adver Int * 100, v3 Max Adver Int */
	uint16_t checksum;	/* as on the wire */
	uint8_t auth[VRRP_AUTH_LEN];	/* v2 */
	const uint8_t *addrs;	/* naddr addresses of 4 or 16 bytes, in the packet */
};

/*
 * On a drop, what could be read is still set, so that a drop can be logged
 * and counted: af, src, dst and ttl once the IP header was whole, version,
 * type, vrid, priority, naddr and checksum once 8 bytes of VRRP were.
 * auth_type, auth, interval and addrs are set only by ADVERT_OK.
 * Bytes beyond the IP total or payload length (padding) are ignored.
 */
/* An IPv4 packet from its IP header on (a raw IPv4 socket, a captured frame). */
enum advert_drop advert_parse_ip4(struct advert *, const uint8_t *pkt, size_t len);
/* An IPv6 packet from its IPv6 header on (a captured frame). */
enum advert_drop advert_parse_ip6(struct advert *, const uint8_t *pkt, size_t len);
/*
 * The VRRP message alone, as a raw IPv6 socket gives it: the caller has set
 * af, src, dst and ttl (for the TTL check and the v3 pseudo-header), and ah;
 * len must be exactly the message's.
 */
enum advert_drop advert_parse(struct advert *, const uint8_t *msg, size_t len);

/*
 * Build the VRRP message of *a (type 1, addresses from addrs, checksum
 * computed, v3 over a pseudo-header of a->src and a->dst) into buf; returns
 * its length, or 0 if size is too small or *a cannot be sent: naddr 0,
 * version not 2 or 3, v2 over IPv6, an interval v2 cannot carry (not whole
 * seconds, over 255 s) or v3 cannot (over 4095 cs).
 */
size_t advert_build(uint8_t *buf, size_t size, const struct advert *a,
    const void *addrs);

#endif
