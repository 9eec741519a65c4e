/*
 * Fuzz the vpnha.conf reader: any bytes parse or fail cleanly, and what
 * parses prints as statements that parse again to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static char *
printed(const struct conf *c, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (fp == NULL)
		abort();
	conf_print(fp, c, 1);
	fclose(fp);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_error e;
	struct conf *c, *c2;
	char *a, *b;
	size_t alen, blen;

	if ((c = conf_parse("fuzz", (const char *)data, size, &e)) == NULL) {
		if (strncmp(e.msg, "fuzz:", 5) != 0)
			abort();	/* every error names file:line */
		return 0;
	}
	conf_value(conf_root(c), "service ipsec-ddns domain");
	conf_has(conf_root(c), "interfaces ethernet eth0 vrrp");
	a = printed(c, &alen);
	if ((c2 = conf_parse("again", a, alen, &e)) == NULL)
		abort();	/* canonical output must parse */
	b = printed(c2, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();	/* and be a fixed point */
	free(a);
	free(b);
	conf_free(c2);
	conf_free(c);
	return 0;
}
