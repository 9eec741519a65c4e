/*
 * ddns-syncd's control request parser (bin/ddns-syncd/request.c) on any
 * line: it never crashes, and what it accepts is a valid DNS label and a
 * real address, which parse again to themselves.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ddns-syncd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
valid_label(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > GWID_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		abort();
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-') ||
		    (s[i] == '-' && s[i + 1] == '-'))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_LINE_MAX + 1], again[CTL_LINE_MAX + 200], ab[64];
	struct request rq, rq2;
	const char *why;

	if (size > CTL_LINE_MAX || memchr(data, '\0', size) != NULL)
		return 0;	/* the socket code refuses these before */
	memcpy(line, data, size);
	line[size] = '\0';
	if (request_parse(line, &rq, &why) < 0) {
		if (why == NULL || *why == '\0')
			abort();
		return 0;
	}
	if (rq.verb != CTL_DDNS_UP && rq.verb != CTL_DDNS_DOWN)
		return 0;
	valid_label(rq.label);
	if (rq.verb == CTL_DDNS_UP && rq.addr.af != 4 && rq.addr.af != 6)
		abort();
	snprintf(again, sizeof again, "%s %s %s", ctl_ddns[rq.verb].name,
	    rq.label, rq.addr.af ? addr_fmt(&rq.addr, ab, sizeof ab) : "");
	if (request_parse(again, &rq2, &why) < 0 || rq2.verb != rq.verb ||
	    strcmp(rq2.label, rq.label) != 0 ||
	    memcmp(&rq2.addr, &rq.addr, sizeof rq.addr) != 0)
		abort();
	return 0;
}
