/*
 * gwid-sanitize: certificate CN / serial number -> DNS label, by the
 * guide's rules.  A filter: IDs from argv, or one per line from stdin.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "gwid.h"
#include "rc.h"

#define USAGE	"gwid-sanitize [-c] [-t] [-d DOMAIN] [ID ...]"
#define LINE_LIMIT	65536		/* longer input lines are errors */
#define IBUF_SIZE	(1 << 20)
#define OBUF_SIZE	(1 << 16)

static int flags;
static const char *domain;
static size_t domainlen;
static int failed;

static char obuf[OBUF_SIZE];
static size_t olen;

static void
oflush(void)
{
	size_t off = 0;
	ssize_t w;

	while (off < olen) {
		if ((w = write(1, obuf + off, olen - off)) < 0) {
			if (errno == EINTR)
				continue;
			err_fatalsys(RC_TEMP, "unable to write to standard output");
		}
		off += (size_t)w;
	}
	olen = 0;
}

static void
oput(const char *s, size_t n)
{
	if (olen + n > sizeof obuf)
		oflush();
	if (n == 1)
		obuf[olen++] = *s;
	else {
		memcpy(obuf + olen, s, n);
		olen += n;
	}
}

/* Sanitize one ID; scratch has room for len + 1 bytes. */
static void
one(const char *id, size_t len, char *scratch, const char *what,
    unsigned long where)
{
	const char *why;
	long n;

	if ((n = gwid_label(scratch, id, len, flags, &why)) < 0) {
		err_warn("%s %lu: %s%s", what, where, why,
		    n == -2 ? " (-t truncates)" : "");
		failed = 1;
		return;
	}
	if (domain != NULL && (size_t)n + 1 + domainlen > GWID_NAME_MAX) {
		err_warn("%s %lu: name longer than %d bytes", what, where,
		    GWID_NAME_MAX);
		failed = 1;
		return;
	}
	scratch[n++] = domain != NULL ? '.' : '\n';
	oput(scratch, (size_t)n);
	if (domain != NULL) {
		oput(domain, domainlen);
		oput("\n", 1);
	}
}

static void
line(const char *p, size_t len, char *scratch, unsigned long lineno)
{
	if (len > 0 && p[len - 1] == '\r')
		len--;
	one(p, len, scratch, "line", lineno);
}

/*
 * Lines of any length arrive in pieces; a line over LINE_LIMIT is reported
 * once and skipped up to its newline.  When stdin is not a regular file
 * (a pipe, a terminal, a co-process), output is flushed before every read
 * that may block, so an answer never waits for the next question.
 */
static void
stream(void)
{
	static char ibuf[IBUF_SIZE], scratch[LINE_LIMIT + 1];
	unsigned long lineno = 1;
	size_t have = 0;
	char *p, *nl, *end;
	int skipping = 0, interactive;
	struct stat st;
	ssize_t r;

	interactive = fstat(0, &st) < 0 || !S_ISREG(st.st_mode);
	for (;;) {
		if (interactive)
			oflush();
		r = read(0, ibuf + have, sizeof ibuf - have);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err_fatalsys(RC_TEMP, "unable to read standard input");
		}
		if (r == 0)
			break;
		end = ibuf + have + r;
		for (p = ibuf; (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
			if (!skipping)
				line(p, (size_t)(nl - p), scratch, lineno);
			skipping = 0;
			lineno++;
		}
		have = (size_t)(end - p);
		if (!skipping && have > LINE_LIMIT) {
			err_warn("line %lu: longer than %d bytes", lineno,
			    LINE_LIMIT);
			failed = skipping = 1;
		}
		if (skipping)
			have = 0;
		else
			memmove(ibuf, p, have);
	}
	if (have > 0 && !skipping)
		line(ibuf, have, scratch, lineno);
	oflush();
}

int
main(int argc, char **argv)
{
	int i;

	err_init(argv[0]);
	/*
	 * getopt(3) would take an ID such as "--x--" (the guide's own kind
	 * of input) for a long option.  vpnha has no long options, so an
	 * argument starting with "--" is an ID, "--" alone ends the options,
	 * and a single-dash argument must be a cluster of known options.
	 */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *a = argv[i];

		if (a[1] == '-') {
			i += a[2] == '\0';
			break;
		}
		for (a++; *a != '\0'; a++) {
			if (*a == 'c')
				flags |= GWID_CN;
			else if (*a == 't')
				flags |= GWID_TRUNCATE;
			else if (*a == 'd') {
				domain = a[1] != '\0' ? a + 1 : argv[++i];
				if (domain == NULL)
					err_usage(USAGE);
				break;
			} else
				err_usage(USAGE);
		}
	}
	argc -= i;
	argv += i;
	if (domain != NULL) {
		domainlen = strlen(domain);
		if (!gwid_domain_ok(domain, domainlen))
			err_fatal(RC_USAGE, "-d %s: not a valid domain name",
			    domain);
		if (domain[domainlen - 1] == '.')
			domainlen--;
		if (domainlen + 2 > GWID_NAME_MAX)
			err_fatal(RC_USAGE, "-d %s: no room left for a label",
			    domain);
	}
	if (argc == 0)
		stream();
	for (i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);
		char *scratch = malloc(len + 1);

		if (scratch == NULL)
			err_fatalsys(RC_TEMP, "unable to allocate memory");
		one(argv[i], len, scratch, "argument", (unsigned long)i + 1);
		free(scratch);
	}
	oflush();
	return failed ? RC_NO : RC_OK;
}
