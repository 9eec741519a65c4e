/* lib/dnsname.c: the walk over a name in a message, at its limits. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dnsname.h"

/* A name of labels of n bytes each (n from 1 to 63), total bytes of wire
 * before the root, at m + 12; the root after.  Returns the root's offset. */
static size_t
long_name(uint8_t *m, size_t total, size_t n)
{
	size_t p = 12;

	while (total > 0) {
		size_t l = total - 1 < n ? total - 1 : n;

		m[p] = (uint8_t)l;
		memset(m + p + 1, 'a', l);
		p += 1 + l;
		total -= 1 + l;
	}
	m[p] = 0;
	return p;
}

int
main(void)
{
	static const uint8_t msg[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* a header */
		3, 'v', 'p', 'n', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		2, 'g', 'w', 0xc0, 12,			/* 25: gw. + pointer back */
		0xc0, 30,				/* 30: a pointer to itself */
		0xc0, 40,				/* 32: a pointer forward */
		0x40, 0,				/* 34: an extended label */
		64,					/* 36: a label of 64 */
	};
	uint8_t m[600];
	size_t root;

	CHECK(dnsname_skip(msg, sizeof msg, 12) == 25);
	CHECK(dnsname_skip(msg, sizeof msg, 25) == 30);
	CHECK(dnsname_skip(msg, sizeof msg, 28) == 30);
	CHECK(dnsname_skip(msg, sizeof msg, 30) == 0);
	CHECK(dnsname_skip(msg, sizeof msg, 32) == 0);
	CHECK(dnsname_skip(msg, sizeof msg, 34) == 0);
	CHECK(dnsname_skip(msg, sizeof msg, 36) == 0);
	CHECK(dnsname_skip(msg, sizeof msg, sizeof msg) == 0);
	/* cut short: in a label, before the root, between a pointer's bytes */
	CHECK(dnsname_skip(msg, 20, 12) == 0);
	CHECK(dnsname_skip(msg, 24, 12) == 0);
	CHECK(dnsname_skip(msg, 29, 25) == 0);
	/* the root alone */
	CHECK(dnsname_skip(msg, sizeof msg, 24) == 25);
	/* 255 bytes with the root: the longest; one more is too long */
	memset(m, 0, sizeof m);
	root = long_name(m, 254, 63);
	CHECK(dnsname_skip(m, sizeof m, 12) == root + 1);
	root = long_name(m, 255, 63);
	CHECK(dnsname_skip(m, sizeof m, 12) == 0);
	/* one byte labels, up to the limit: the count is of wire bytes */
	root = long_name(m, 254, 1);
	CHECK(dnsname_skip(m, sizeof m, 12) == root + 1);
	if (failures > 0)
		fprintf(stderr, "dnsname: %d failures\n", failures);
	return failures > 0;
}
