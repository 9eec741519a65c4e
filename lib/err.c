#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "rc.h"

const char *err_prog = "vpnha";

void
err_init(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	err_prog = p != NULL ? p + 1 : argv0;
}

/*
 * Format the whole line first and write it with one write(2), so that
 * lines from several processes sharing a log pipe never interleave.
 */
static void
emit(const char *level, int errnum, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n, cap = sizeof line - 1;
	int r;

	r = snprintf(line, cap, "%s: %s", err_prog, level);
	n = r < 0 ? 0 : (size_t)r < cap ? (size_t)r : cap;
	r = vsnprintf(line + n, cap - n, fmt, ap);
	n += r < 0 ? 0 : (size_t)r < cap - n ? (size_t)r : cap - n;
	if (errnum != 0 && n < cap) {
		r = snprintf(line + n, cap - n, ": %s", strerror(errnum));
		n += r < 0 ? 0 : (size_t)r < cap - n ? (size_t)r : cap - n;
	}
	line[n++] = '\n';
	while (write(2, line, n) < 0 && errno == EINTR)
		;
}

void
err_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", 0, fmt, ap);
	va_end(ap);
}

void
err_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", 0, fmt, ap);
	va_end(ap);
}

void
err_warnsys(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	emit("warning: ", e, fmt, ap);
	va_end(ap);
}

void
err_fatal(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("fatal: ", 0, fmt, ap);
	va_end(ap);
	exit(rc);
}

void
err_fatalsys(int rc, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	emit("fatal: ", e, fmt, ap);
	va_end(ap);
	exit(rc);
}

void
err_usage(const char *usage)
{
	dprintf(2, "usage: %s\n", usage);
	exit(RC_USAGE);
}

int
err_hush_say(struct err_hush *h, int64_t now)
{
	int held;

	if (h->said != 0 && now - h->said < CLOCK_SEC) {
		h->held++;
		return -1;
	}
	held = h->held;
	h->said = now;
	h->held = 0;
	return held;
}

int64_t
err_hush_due(const struct err_hush *h)
{
	return h->held > 0 ? h->said + CLOCK_SEC : -1;
}

const char *
err_hush_more(int held, char *buf, size_t size)
{
	if (held <= 0)
		return "";
	snprintf(buf, size, " (%d change%s not logged)", held,
	    held == 1 ? "" : "s");
	return buf;
}
