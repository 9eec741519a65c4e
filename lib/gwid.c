#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "gwid.h"

/* 1 for [A-Za-z0-9]; '-' is "other": it joins the runs it borders. */
static const unsigned char alnum[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/*
 * The three rules in one pass: a run of non-alphanumeric bytes (hyphens
 * included) becomes one hyphen, but only between two alphanumerics, which
 * is what "collapse, then strip the ends" leaves.  Branch-free, since IDs
 * alternate between the two classes often: a hyphen is stored on every
 * step and kept only when it is due.  Never writes past out[i] while
 * reading in[i] (n <= i), so out may be in.
 */
size_t
gwid_sanitize(char *out, const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, n = 0;
	unsigned a, gap = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		a = alnum[c];
		out[n] = '-';
		n += a & gap & (n != 0);
		out[n] = (char)c;
		n += a;
		gap = a ^ 1;
	}
	return n;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Is [p, e) the attribute type CN (or its OID), spaces around it allowed? */
static int
is_cn(const char *p, const char *e)
{
	while (p < e && *p == ' ')
		p++;
	while (e > p && e[-1] == ' ')
		e--;
	if (e - p == 2)
		return (p[0] == 'C' || p[0] == 'c') && (p[1] == 'N' || p[1] == 'n');
	if (e - p == 11 && strncasecmp(p, "OID.2.5.4.3", 11) == 0)
		return 1;
	return e - p == 7 && memcmp(p, "2.5.4.3", 7) == 0;
}

/*
 * Does an attribute type and '=' start at p ("O=", " CN =", "2.5.4.3=")?
 * Subjects printed by tools do not always escape a ',' or '/' inside a
 * value ("O=Acme, Inc."); a separator only counts when an attribute
 * follows it.
 */
static int
attr_follows(const char *p, const char *e)
{
	const char *s;

	while (p < e && *p == ' ')
		p++;
	for (s = p; p < e && (alnum[(unsigned char)*p] || *p == '-' ||
	    *p == '.'); p++)
		;
	if (p == s)
		return 0;
	while (p < e && *p == ' ')
		p++;
	return p < e && *p == '=';
}

static int
is_sep(const char *p, const char *e, char sep)
{
	if (*p != sep && *p != '+' && !(sep == ',' && *p == ';'))
		return 0;
	return attr_follows(p + 1, e);
}

/*
 * RFC 4514 "#" form: the hex of a BER string (UTF8String, PrintableString,
 * IA5String, ...); keep the content octets.
 */
static long
ber_string(char *out, const char *p, const char *e, const char **why)
{
	size_t n = 0, off, clen;
	int hi, lo;

	while (e > p && e[-1] == ' ')
		e--;
	if ((e - p) % 2 != 0)
		goto bad;
	for (; p < e; p += 2) {
		if ((hi = hexval((unsigned char)p[0])) < 0 ||
		    (lo = hexval((unsigned char)p[1])) < 0)
			goto bad;
		out[n++] = (char)(hi << 4 | lo);
	}
	if (n < 2)
		goto bad;
	clen = (unsigned char)out[1];
	off = 2;
	if (clen == 0x81 && n >= 3) {
		clen = (unsigned char)out[2];
		off = 3;
	} else if (clen == 0x82 && n >= 4) {
		clen = (size_t)(unsigned char)out[2] << 8 | (unsigned char)out[3];
		off = 4;
	} else if (clen >= 0x80)
		goto bad;
	if (off + clen != n)
		goto bad;
	memmove(out, out + off, clen);
	return (long)clen;
bad:
	*why = "CN value in # form is not a valid BER string";
	return -1;
}

/*
 * One attribute value starting at p, up to the next separator: unescaped
 * into out unless out is NULL.  Returns its length (unescaped leading and
 * trailing spaces dropped); *endp is where it ended.
 */
static long
value(char *out, const char *p, const char *e, char sep, const char **endp,
    const char **why)
{
	long n = 0, keep = 0;
	int quoted = 0, h1, h2;
	char c;

	while (p < e && *p == ' ')
		p++;
	if (p < e && *p == '"') {
		quoted = 1;
		p++;
	}
	for (; p < e; p++) {
		if (quoted == 1 && *p == '"') {
			quoted = 2;
			continue;
		}
		if (quoted != 1 && is_sep(p, e, sep))
			break;
		if (quoted == 2 && *p != ' ') {
			*why = "text after a quoted value in certificate subject";
			return -1;
		}
		c = *p;
		if (c == '\\' && p + 1 < e) {
			if (p + 2 < e && (h1 = hexval((unsigned char)p[1])) >= 0 &&
			    (h2 = hexval((unsigned char)p[2])) >= 0) {
				c = (char)(h1 << 4 | h2);
				p += 2;
			} else
				c = *++p;
			keep = n + 1;
		} else if (quoted == 2)
			continue;
		else if (c != ' ' || quoted)
			keep = n + 1;
		if (out != NULL)
			out[n] = c;
		n++;
	}
	if (quoted == 1) {
		*why = "unterminated quote in certificate subject";
		return -1;
	}
	*endp = p;
	return keep;
}

long
gwid_cn(char *out, const char *subject, size_t len, const char **why)
{
	const char *p = subject, *e = subject + len, *eq, *v, *cn = NULL;
	char sep = ',';

	if (len > 0 && *p == '/') {
		sep = '/';
		p++;
	}
	while (p < e) {
		for (eq = p; eq < e && *eq != '='; eq++)
			;
		if (eq == e) {
			*why = "malformed certificate subject (attribute without '=')";
			return -1;
		}
		if (is_cn(p, eq))
			cn = eq + 1;
		if (value(NULL, eq + 1, e, sep, &v, why) < 0)
			return -1;
		p = v < e ? v + 1 : e;
	}
	if (cn == NULL) {
		*why = "no CN attribute in certificate subject";
		return -1;
	}
	while (cn < e && *cn == ' ')
		cn++;
	if (cn < e && *cn == '#') {
		for (v = cn; v < e && !is_sep(v, e, sep); v++)
			;
		return ber_string(out, cn + 1, v, why);
	}
	return value(out, cn, e, sep, &v, why);
}

int
gwid_label_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (len == 0 || len > GWID_LABEL_MAX || !alnum[p[0]] ||
	    !alnum[p[len - 1]])
		return 0;
	for (i = 1; i < len; i++)
		if (!alnum[p[i]] && (p[i] != '-' || p[i - 1] == '-'))
			return 0;
	return 1;
}

long
gwid_label(char *out, const char *id, size_t len, int flags, const char **why)
{
	long n;

	if (memchr(id, '\0', len) != NULL) {
		*why = "contains a NUL byte";
		return -1;
	}
	if (flags & GWID_CN) {
		if ((n = gwid_cn(out, id, len, why)) < 0)
			return -1;
		/* out holds the CN; sanitizing in place is safe (never grows) */
		n = (long)gwid_sanitize(out, out, (size_t)n);
	} else
		n = (long)gwid_sanitize(out, id, len);
	if (n > GWID_LABEL_MAX && (flags & GWID_TRUNCATE)) {
		n = GWID_LABEL_MAX;
		while (n > 0 && out[n - 1] == '-')
			n--;
	}
	out[n] = '\0';
	/* what the sanitizer leaves can break the rule by its length alone */
	if (gwid_label_ok(out, (size_t)n))
		return n;
	*why = n == 0 ? "nothing left after sanitizing" :
	    "label longer than 63 bytes";
	return n == 0 ? -1 : -2;
}

int
gwid_domain_ok(const char *name, size_t len)
{
	size_t i, label = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > GWID_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (alnum[c] || c == '-' || c == '_') {
			if (++label > GWID_LABEL_MAX)
				return 0;
		} else
			return 0;
	}
	return label > 0;
}

void
gwid_lower(void *lc, const char *s, size_t len)
{
	uint8_t *d = lc;
	size_t i;

	for (i = 0; i < len; i++)
		d[i] = (uint8_t)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
}
