/*
 * The one form of a configuration error, "FILE:LINE: what", for
 * vpnha.conf's statements, its rules between statements, and the files a
 * program reads beside it (ddns-named's records file).
 */
#include <stdarg.h>
#include <stdio.h>

#include "conf.h"
#include "rc.h"

int
conf_fail(struct conf_error *err, const char *file, unsigned line,
    const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err->msg, sizeof err->msg, "%s:%u: %s", file, line,
		    what);
	else
		snprintf(err->msg, sizeof err->msg, "%s: %s", file, what);
	err->rc = RC_USAGE;
	return -1;
}
