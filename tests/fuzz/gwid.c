/*
 * Fuzz the gateway-ID sanitizer and the certificate-subject reader, and
 * check what the guide promises of every label: letters, digits and
 * single inner hyphens, 1..63 bytes, unchanged by a second pass.  And
 * that the one rule of a label, gwid_label_ok(), holds exactly those.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gwid.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_label(const char *l, long n)
{
	char again[GWID_LABEL_MAX + 1];
	long i;

	if (n < 1 || n > GWID_LABEL_MAX || (long)strlen(l) != n)
		abort();
	if (l[0] == '-' || l[n - 1] == '-')
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			abort();
		if (c == '-' && l[i + 1] == '-')
			abort();
	}
	if (gwid_sanitize(again, l, (size_t)n) != (size_t)n ||
	    memcmp(again, l, (size_t)n) != 0 || !gwid_label_ok(l, (size_t)n))
		abort();
}

/* The rule passes the bytes s exactly when the sanitizer keeps them. */
static void
check_rule(const char *s, size_t n)
{
	char out[GWID_LABEL_MAX];
	int kept;

	kept = n > 0 && n <= GWID_LABEL_MAX &&
	    gwid_sanitize(out, s, n) == n && memcmp(out, s, n) == 0;
	if (gwid_label_ok(s, n) != kept)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	char *out;
	long n;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0] & (GWID_CN | GWID_TRUNCATE);
	data++;
	size--;
	if ((out = malloc(size + 1)) == NULL)
		return 0;
	n = gwid_label(out, (const char *)data, size, flags, &why);
	if (n >= 0)
		check_label(out, n);
	else if (why == NULL || (n != -1 && n != -2))
		abort();
	check_rule((const char *)data, size);
	gwid_domain_ok((const char *)data, size);
	free(out);
	return 0;
}
