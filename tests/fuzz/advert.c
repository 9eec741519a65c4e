/*
 * Fuzz the VRRP advertisement parser.  The first byte picks the entry:
 * 0 advert_parse_ip4, 1 advert_parse_ip6, 2 advert_parse of a bare
 * message as from 198.51.100.11 to 224.0.0.18, 3 from fe80::ff:fe00:1 to
 * ff02::12 (the addresses of the reference captures, so that their v3
 * checksums hold).  Any bytes parse or are dropped for a reason that is
 * the parser's to give.  What parses is built again from its fields: the
 * same message but for the reserved bits of v3, which parse to the same
 * fields again.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advert.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
same(const struct advert *a, const struct advert *b)
{
	size_t n = a->af == AF_INET ? 4 : 16;

	return a->af == b->af && a->ttl == b->ttl && a->ah == b->ah &&
	    a->version == b->version && a->type == b->type &&
	    a->vrid == b->vrid && a->priority == b->priority &&
	    a->naddr == b->naddr && a->auth_type == b->auth_type &&
	    a->interval == b->interval &&
	    memcmp(a->auth, b->auth, sizeof a->auth) == 0 &&
	    memcmp(&a->src, &b->src, n) == 0 &&
	    memcmp(&a->dst, &b->dst, n) == 0 &&
	    memcmp(a->addrs, b->addrs, a->naddr * n) == 0;
}

/* The message a parse accepted, built again from its fields. */
static void
rebuild(const struct advert *a)
{
	uint8_t buf[VRRP_MSG_MAX];
	const uint8_t *msg = a->addrs - VRRP_HDR_LEN;
	struct advert b;
	size_t len;
	uint16_t ck;

	if ((len = advert_build(buf, sizeof buf, a, a->addrs)) == 0)
		abort();	/* what parses can be sent */
	if (advert_build(buf, len - 1, a, a->addrs) != 0)
		abort();
	/* the same bytes, but for v3's reserved bits and so the checksum */
	if (memcmp(buf, msg, 4) != 0 ||
	    memcmp(buf + 8, msg + 8, len - 8) != 0 ||
	    (buf[4] & (a->version == 3 ? 0x0f : 0xff)) !=
	    (msg[4] & (a->version == 3 ? 0x0f : 0xff)) || buf[5] != msg[5])
		abort();
	ck = (uint16_t)(buf[6] << 8 | buf[7]);
	/* one's complement has two zeros: a sum of 0xffff sends 0x0000 */
	if (buf[4] == msg[4] && ck != a->checksum &&
	    !(ck == 0 && a->checksum == 0xffff))
		abort();
	b = *a;
	if (advert_parse(&b, buf, len) != ADVERT_OK || !same(a, &b) ||
	    b.checksum != ck)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct advert a;
	enum advert_drop rc;

	if (size < 1)
		return 0;
	memset(&a, 0, sizeof a);
	switch (data[0] & 3) {
	case 0:
		rc = advert_parse_ip4(&a, data + 1, size - 1);
		break;
	case 1:
		rc = advert_parse_ip6(&a, data + 1, size - 1);
		break;
	case 2:
		a.af = AF_INET;
		inet_pton(AF_INET, "198.51.100.11", &a.src);
		inet_pton(AF_INET, VRRP_GROUP4, &a.dst);
		a.ttl = VRRP_TTL;
		rc = advert_parse(&a, data + 1, size - 1);
		break;
	default:
		a.af = AF_INET6;
		inet_pton(AF_INET6, "fe80::ff:fe00:1", &a.src);
		inet_pton(AF_INET6, VRRP_GROUP6, &a.dst);
		a.ttl = VRRP_TTL;
		rc = advert_parse(&a, data + 1, size - 1);
		break;
	}
	switch (rc) {
	case ADVERT_OK:
		rebuild(&a);
		break;
	case ADVERT_DROP_VRID:
	case ADVERT_DROP_AUTH:
	case ADVERT_DROP_INTERVAL:
		abort();	/* the caller's to decide, not the parser's */
	default:
		if (rc >= ADVERT_DROP_MAX || a.addrs != NULL)
			abort();
		break;
	}
	return 0;
}
