/* Addresses of records and nodes: IPv4 or IPv6, as text and back. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ddns-syncd.h"

const char *
addr_fmt(const struct addr *a, char *buf, size_t size)
{
	if (inet_ntop(a->af == 6 ? AF_INET6 : AF_INET, a->a, buf,
	    (socklen_t)size) == NULL)
		snprintf(buf, size, "-");
	return buf;
}

int
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = 6;
		return 0;
	}
	return -1;
}
