/*
 * The one walk over a domain name in a DNS message that every parser of
 * untrusted messages in vpnha uses to step over a name it does not read:
 * the query path's records, TSIG's search for its record, an IXFR
 * request's SOA.
 */
#ifndef VPNHA_DNSNAME_H
#define VPNHA_DNSNAME_H

#include <stddef.h>
#include <stdint.h>

#define DNSNAME_WIRE_MAX	255	/* RFC 1035 3.1, the root's byte too */

/*
 * The position just after the name at p in message m (len bytes), or 0
 * when it is malformed: cut short, a label over 63 bytes (or of the
 * kinds 0x40 and 0x80, which nothing sends), 255 bytes or more before
 * its end or its pointer, or a compression pointer that
 * does not point before itself (RFC 1035 4.1.4: to an earlier name; it
 * also makes every loop impossible).
 */
size_t dnsname_skip(const uint8_t *m, size_t len, size_t p);

#endif
