/* See dnsname.h. */
#include "dnsname.h"

size_t
dnsname_skip(const uint8_t *m, size_t len, size_t p)
{
	size_t n = 0;

	while (p < len) {
		if (m[p] == 0)
			return p + 1;
		if ((m[p] & 0xc0) == 0xc0)
			return p + 2 <= len &&
			    ((size_t)(m[p] & 0x3f) << 8 | m[p + 1]) < p ? p + 2 : 0;
		if ((m[p] & 0xc0) != 0 || (n += m[p] + 1u) >= DNSNAME_WIRE_MAX)
			return 0;
		p += m[p] + 1u;
	}
	return 0;
}
