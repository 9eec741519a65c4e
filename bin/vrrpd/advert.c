/*
 * VRRP advertisements on the wire: RFC 3768 (VRRPv2) and RFC 5798
 * (VRRPv3).  The bytes come from anyone on the link: every read is
 * checked against the length first, and nothing is allocated.
 */
#include <sys/socket.h>

#include <string.h>

#include "advert.h"

#define IP4_HDR_MIN	20
#define IP6_HDR_LEN	40
#define IP6_HOPOPTS	0	/* RFC 8200 4.3 */
#define AH_PROTO	51	/* RFC 4302 */
#define AH_FIXED	12	/* next header, length, reserved, SPI, seq */

const char *const advert_drop_name[ADVERT_DROP_MAX] = {
	[ADVERT_OK] = "ok",
	[ADVERT_DROP_LENGTH] = "length",
	[ADVERT_DROP_TTL] = "ttl",
	[ADVERT_DROP_VERSION] = "version",
	[ADVERT_DROP_TYPE] = "type",
	[ADVERT_DROP_CHECKSUM] = "checksum",
	[ADVERT_DROP_PROTO] = "proto",
	[ADVERT_DROP_VRID] = "vrid",
	[ADVERT_DROP_AUTH] = "auth",
	[ADVERT_DROP_INTERVAL] = "interval",
	[ADVERT_DROP_ADDRESSES] = "addresses",
	[ADVERT_DROP_PEER] = "peer",
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * The Internet checksum (RFC 1071): a one's complement sum of 16-bit
 * words, an odd last byte padded with zero.  Callers keep len small
 * enough (a VRRP message, an IP header) that 32 bits cannot overflow.
 */
static uint32_t
sum16(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t
addr_len(int af)
{
	return af == AF_INET6 ? sizeof(struct in6_addr) :
	    sizeof(struct in_addr);
}

/*
 * RFC 3768 5.3.8: v2 sums the VRRP message alone.  RFC 5798 5.2.8: v3
 * adds the pseudo-header of RFC 768 (IPv4: source, destination, zero,
 * protocol, length) or RFC 8200 8.1 (IPv6: source, destination, 32-bit
 * length, zeros, next header); a message is far shorter than 64 KiB, so
 * both come to the same sum.  Over a message with its checksum in
 * place, the result is 0 when the checksum is right.
 */
static uint16_t
checksum(const struct advert *a, const uint8_t *msg, size_t len)
{
	uint32_t sum;

	sum = sum16(0, msg, len);
	if (a->version == 3) {
		sum = sum16(sum, &a->src, addr_len(a->af));
		sum = sum16(sum, &a->dst, addr_len(a->af));
		sum += VRRP_PROTO + (uint32_t)len;
	}
	return fold(sum);
}

/* The first 8 bytes, the same in v2 and v3 but for bytes 4 and 5. */
static void
parse_header(struct advert *a, const uint8_t *msg)
{
	a->version = msg[0] >> 4;
	a->type = msg[0] & 0x0f;
	a->vrid = msg[1];
	a->priority = msg[2];
	a->naddr = msg[3];
	a->checksum = get16(msg + 6);
}

/*
 * The checks of RFC 3768 7.1 and RFC 5798 7.1 that need no group.  The
 * length must be exactly what the count of addresses says (both RFCs
 * only ask that the message be whole): that is what tells a CARP packet
 * (ucarp, OpenBSD), which shares protocol 112, from an advertisement.
 */
enum advert_drop
advert_parse(struct advert *a, const uint8_t *msg, size_t len)
{
	size_t alen, want;

	a->version = a->type = a->vrid = a->priority = a->naddr = 0;
	a->auth_type = 0;
	a->interval = a->checksum = 0;
	memset(a->auth, 0, sizeof a->auth);
	a->addrs = NULL;
	if (a->af != AF_INET && a->af != AF_INET6)
		return ADVERT_DROP_PROTO;
	if (len < VRRP_HDR_LEN)
		return ADVERT_DROP_LENGTH;
	parse_header(a, msg);
	/* RFC 3768 5.2.3, RFC 5798 5.1.1.3 and 5.1.2.3: from this link only */
	if (a->ttl != VRRP_TTL)
		return ADVERT_DROP_TTL;
	/* RFC 5798 5.2.1: version 3; RFC 3768 5.3.1: version 2, IPv4 only */
	if ((a->version != 2 && a->version != 3) ||
	    (a->version == 2 && a->af != AF_INET))
		return ADVERT_DROP_VERSION;
	if (a->type != VRRP_TYPE_ADVERT)	/* RFC 5798 5.2.2 */
		return ADVERT_DROP_TYPE;
	alen = addr_len(a->af);
	want = VRRP_HDR_LEN + a->naddr * alen +
	    (a->version == 2 ? VRRP_AUTH_LEN : 0);
	if (len != want)
		return ADVERT_DROP_LENGTH;
	if (a->naddr == 0)	/* RFC 5798 5.2.5: the minimum is 1 */
		return ADVERT_DROP_ADDRESSES;
	if (checksum(a, msg, len) != 0)
		return ADVERT_DROP_CHECKSUM;
	if (a->version == 2) {
		/* RFC 3768 5.3.6, 5.3.7 (seconds), 5.3.10 */
		a->auth_type = msg[4];
		a->interval = (uint16_t)(msg[5] * 100);
		memcpy(a->auth, msg + len - VRRP_AUTH_LEN, VRRP_AUTH_LEN);
	} else {
		/* RFC 5798 5.2.6, 5.2.7: 4 reserved bits, 12 of centiseconds */
		a->interval = get16(msg + 4) & 0x0fff;
	}
	a->addrs = msg + VRRP_HDR_LEN;
	return ADVERT_OK;
}

/* RFC 4302 2: next header, payload length, reserved, SPI, sequence, ICV. */
static enum advert_drop
parse_ah(struct advert *a, const uint8_t *p, size_t len)
{
	size_t ahlen;

	if (len < AH_FIXED)
		return ADVERT_DROP_LENGTH;
	if (p[0] != VRRP_PROTO)
		return ADVERT_DROP_PROTO;
	/* RFC 4302 2.2: the length in 32-bit words, minus 2 */
	ahlen = ((size_t)p[1] + 2) * 4;
	if (ahlen < AH_FIXED || ahlen > len)
		return ADVERT_DROP_LENGTH;
	a->ah = 1;
	return advert_parse(a, p + ahlen, len - ahlen);
}

enum advert_drop
advert_parse_ip4(struct advert *a, const uint8_t *pkt, size_t len)
{
	size_t hl, tot;

	memset(a, 0, sizeof *a);
	a->af = AF_INET;
	if (len < IP4_HDR_MIN)
		return ADVERT_DROP_LENGTH;
	if (pkt[0] >> 4 != 4)
		return ADVERT_DROP_PROTO;
	/*
	 * RFC 791: the total length counts header and data; bytes beyond
	 * it (Ethernet padding of a short frame) are not the packet's.
	 */
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = get16(pkt + 2);
	if (hl < IP4_HDR_MIN || hl > tot || tot > len)
		return ADVERT_DROP_LENGTH;
	a->ttl = pkt[8];
	memcpy(&a->src.v4, pkt + 12, sizeof a->src.v4);
	memcpy(&a->dst.v4, pkt + 16, sizeof a->dst.v4);
	if (fold(sum16(0, pkt, hl)) != 0)
		return ADVERT_DROP_CHECKSUM;
	/* A fragment (More Fragments, or an offset) is not a whole message. */
	if ((get16(pkt + 6) & 0x3fff) != 0)
		return ADVERT_DROP_LENGTH;
	switch (pkt[9]) {
	case VRRP_PROTO:
		return advert_parse(a, pkt + hl, tot - hl);
	case AH_PROTO:
		return parse_ah(a, pkt + hl, tot - hl);
	default:
		return ADVERT_DROP_PROTO;
	}
}

enum advert_drop
advert_parse_ip6(struct advert *a, const uint8_t *pkt, size_t len)
{
	size_t off = IP6_HDR_LEN, end;
	uint8_t nh;

	memset(a, 0, sizeof *a);
	a->af = AF_INET6;
	if (len < IP6_HDR_LEN)
		return ADVERT_DROP_LENGTH;
	if (pkt[0] >> 4 != 6)
		return ADVERT_DROP_PROTO;
	/* RFC 8200 3: the payload length; beyond it is padding */
	end = IP6_HDR_LEN + (size_t)get16(pkt + 4);
	if (end > len)
		return ADVERT_DROP_LENGTH;
	a->ttl = pkt[7];
	memcpy(&a->src.v6, pkt + 8, sizeof a->src.v6);
	memcpy(&a->dst.v6, pkt + 24, sizeof a->dst.v6);
	nh = pkt[6];
	if (nh == IP6_HOPOPTS) {
		/* RFC 8200 4.3: length in 8-octet units, less the first */
		if (end - off < 8)
			return ADVERT_DROP_LENGTH;
		nh = pkt[off];
		off += ((size_t)pkt[off + 1] + 1) * 8;
		if (off > end)
			return ADVERT_DROP_LENGTH;
	}
	if (nh != VRRP_PROTO)
		return ADVERT_DROP_PROTO;
	return advert_parse(a, pkt + off, end - off);
}

/* What advert_build can put on the wire; what it cannot is refused whole. */
static int
buildable(const struct advert *a, const void *addrs)
{
	if (a->naddr == 0 || addrs == NULL)
		return 0;
	switch (a->version) {
	case 2:
		return a->af == AF_INET && a->interval % 100 == 0 &&
		    a->interval / 100 <= 0xff;
	case 3:
		return (a->af == AF_INET || a->af == AF_INET6) &&
		    a->interval <= 0x0fff;
	default:
		return 0;
	}
}

size_t
advert_build(uint8_t *buf, size_t size, const struct advert *a,
    const void *addrs)
{
	size_t alen, len;

	if (!buildable(a, addrs))
		return 0;
	alen = addr_len(a->af);
	len = VRRP_HDR_LEN + a->naddr * alen +
	    (a->version == 2 ? VRRP_AUTH_LEN : 0);
	if (size < len)
		return 0;
	buf[0] = (uint8_t)(a->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = a->vrid;
	buf[2] = a->priority;
	buf[3] = a->naddr;
	if (a->version == 2) {
		buf[4] = a->auth_type;
		buf[5] = (uint8_t)(a->interval / 100);
		memcpy(buf + len - VRRP_AUTH_LEN, a->auth, VRRP_AUTH_LEN);
	} else
		put16(buf + 4, a->interval);
	put16(buf + 6, 0);
	memcpy(buf + VRRP_HDR_LEN, addrs, a->naddr * alen);
	put16(buf + 6, checksum(a, buf, len));
	return len;
}
