#include <stdio.h>
#include <string.h>

#include "num.h"

static int
digits(const char **sp, uint64_t *v, int *overflow)
{
	const char *s = *sp;

	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			*overflow = 1;
		else
			*v = *v * 10 + (uint64_t)(*s - '0');
	}
	*sp = s;
	return 1;
}

int
num_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0;

	if (s == NULL || !digits(&s, &v, &overflow) || *s != '\0')
		return NUM_SYNTAX;
	if (overflow || v < min || v > max)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

int
num_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int rc;

	if ((rc = num_u64(s, min, max, &v)) == NUM_OK)
		*out = (uint32_t)v;
	return rc;
}

int
num_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v = 0;
	int neg, overflow = 0;

	if (s == NULL)
		return NUM_SYNTAX;
	if ((neg = *s == '-'))
		s++;
	if (!digits(&s, &v, &overflow) || *s != '\0')
		return NUM_SYNTAX;
	if (overflow || v > (uint64_t)INT64_MAX)
		return NUM_RANGE;
	if ((neg ? -(int64_t)v : (int64_t)v) < min ||
	    (neg ? -(int64_t)v : (int64_t)v) > max)
		return NUM_RANGE;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return NUM_OK;
}

int
num_fixed(const char *s, unsigned scale, uint64_t min, uint64_t max,
    uint64_t *out)
{
	uint64_t v = 0;
	unsigned frac = 0;
	int overflow = 0, any;

	if (s == NULL)
		return NUM_SYNTAX;
	any = digits(&s, &v, &overflow);
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return NUM_SYNTAX;
		for (; *s >= '0' && *s <= '9'; s++, frac++) {
			if (frac >= scale) {
				if (*s != '0')
					return NUM_DIGITS;
				continue;
			}
			if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
				overflow = 1;
			else
				v = v * 10 + (uint64_t)(*s - '0');
		}
		any = 1;
	}
	if (!any || *s != '\0')
		return NUM_SYNTAX;
	for (; frac < scale; frac++) {
		if (v > UINT64_MAX / 10)
			overflow = 1;
		else
			v *= 10;
	}
	if (overflow || v < min || v > max)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

char *
num_fixed_fmt(char *buf, unsigned long size, uint64_t v, unsigned scale)
{
	uint64_t p = 1;
	unsigned i;
	int n;

	for (i = 0; i < scale; i++)
		p *= 10;
	n = snprintf(buf, size, "%llu", (unsigned long long)(v / p));
	if (scale > 0 && v % p != 0 && n > 0 && (unsigned long)n < size) {
		char *e;

		snprintf(buf + n, size - (unsigned long)n, ".%0*llu", (int)scale,
		    (unsigned long long)(v % p));
		for (e = buf + strlen(buf) - 1; *e == '0'; e--)
			*e = '\0';
	}
	return buf;
}

const char *
num_strerror(int rc)
{
	switch (rc) {
	case NUM_OK:
		return "no error";
	case NUM_SYNTAX:
		return "not a decimal number";
	case NUM_RANGE:
		return "out of range";
	case NUM_DIGITS:
		return "too many decimal places";
	}
	return "bad number";
}
