/* See prom.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "file.h"
#include "prom.h"
#include "rc.h"

void
prom_start(struct prom *p, char *buf, size_t cap)
{
	p->b = buf;
	p->len = 0;
	p->cap = cap;
	p->over = 0;
}

static void
prom_printf(struct prom *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->b + p->len, p->cap - p->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= p->cap - p->len)
		p->over = 1;
	else
		p->len += (size_t)n;
}

void
prom_family(struct prom *p, const char *name, const char *type,
    const char *help)
{
	prom_printf(p, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
prom_u64(struct prom *p, const char *name, const char *labels, uint64_t v)
{
	prom_printf(p, "%s%s %llu\n", name, labels, (unsigned long long)v);
}

void
prom_i64(struct prom *p, const char *name, const char *labels, int64_t v)
{
	prom_printf(p, "%s%s %lld\n", name, labels, (long long)v);
}

void
prom_time(struct prom *p, const char *name, const char *labels, int64_t wall)
{
	prom_printf(p, "%s%s %lld.%06lld\n", name, labels,
	    (long long)(wall / CLOCK_SEC),
	    (long long)(wall % CLOCK_SEC / 1000));
}

/* c into buf at *n, if there is room for it and the final "}\0" */
static void
put(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 3 <= size)
		buf[*n] = c;
	(*n)++;
}

char *
prom_labels(char *buf, size_t size, ...)
{
	const char *k, *v;
	size_t n = 0;
	va_list ap;

	put(buf, size, &n, '{');
	va_start(ap, size);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (n > 1)
			put(buf, size, &n, ',');
		for (; *k != '\0'; k++)
			put(buf, size, &n, *k);
		put(buf, size, &n, '=');
		put(buf, size, &n, '"');
		for (; *v != '\0'; v++) {
			if (*v == '\\' || *v == '"' || *v == '\n')
				put(buf, size, &n, '\\');
			put(buf, size, &n, *v == '\n' ? 'n' : *v);
		}
		put(buf, size, &n, '"');
	}
	va_end(ap);
	if (n + 2 > size) {	/* cut short: no labels rather than half */
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[n++] = '}';
	buf[n] = '\0';
	return buf;
}

int
prom_link(const char *run, const char *dir, const char *name, char *err,
    size_t size)
{
	char mdir[4096], link[4200], to[4200];
	const char *own = strrchr(dir, '/');
	int rc;

	snprintf(mdir, sizeof mdir, "%s/%s", run, PROM_DIR);
	if ((rc = file_rundir(run, mdir, (uid_t)-1, (gid_t)-1, err, size)) != 0)
		return rc;
	snprintf(link, sizeof link, "%s/%s.prom", mdir, name);
	snprintf(to, sizeof to, "../%s/%s.prom", own != NULL ? own + 1 : dir,
	    name);
	/* unlink never follows a link: whatever is there goes, ours comes */
	if ((unlink(link) < 0 && errno != ENOENT) || symlink(to, link) < 0) {
		snprintf(err, size, "unable to link %s to %s: %s", link, to,
		    strerror(errno));
		return RC_TEMP;
	}
	return 0;
}

void
prom_link_or_exit(const char *run, const char *dir, const char *name)
{
	char err[4400];
	int rc;

	if ((rc = prom_link(run, dir, name, err, sizeof err)) != 0)
		err_fatal(rc, "%s", err);
}

void
prom_write(const char *dir, const char *name, const struct prom *p,
    int *failing)
{
	char path[4200];
	int rc;

	snprintf(path, sizeof path, "%s/%s.prom", dir, name);
	if (p->over) {
		errno = ENOBUFS;
		rc = -1;
	} else
		rc = file_replace(path, p->b, p->len, 0644);
	if (rc < 0 && !*failing)
		err_warnsys("unable to write %s", path);
	*failing = rc < 0;
}
