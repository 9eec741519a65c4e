#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "table.h"

/* In the guide's order, which -l keeps. */
static const struct cipher rows[] = {
	{ "AES128-MD5",		0, 898 },
	{ "AES128-SHA1",	0, 897 },
	{ "AES256-SHA512",	0, 885 },
	{ "3DES-SHA512",	0, 538 },
	{ "AES128-GCM16",	1, 890 },
	{ "AES256-GCM16",	1, 898 },
	{ "AES256-SHA512",	1, 883 },
};
#define NROWS (sizeof rows / sizeof rows[0])

/*
 * AES256-SHA512 is in both halves with different rates, so the name
 * alone is not a key: the FIPS flag picks the half.
 */
const struct cipher *
table_find(const char *name, int fips)
{
	size_t i;

	for (i = 0; i < NROWS; i++)
		if (rows[i].fips == fips && strcasecmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

/* "AES128-MD5, AES128-SHA1, ...": what an error offers instead. */
char *
table_names(char *buf, size_t size, int fips)
{
	size_t i, n = 0;
	int r;

	buf[0] = '\0';
	for (i = 0; i < NROWS && n < size; i++) {
		if (rows[i].fips != fips)
			continue;
		r = snprintf(buf + n, size - n, "%s%s", n > 0 ? ", " : "",
		    rows[i].name);
		if (r < 0)
			break;
		n += (size_t)r;
	}
	return buf;
}

void
table_print(void)
{
	size_t i;

	printf("%-9s %-14s %s\n", "ACM type", "Encryption", "Rate (Mbps)");
	for (i = 0; i < NROWS; i++)
		printf("%-9s %-14s %11u\n", rows[i].fips ? "FIPS" : "Non-FIPS",
		    rows[i].name, (unsigned)rows[i].mbps);
}
