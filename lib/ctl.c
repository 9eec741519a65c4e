#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "err.h"
#include "rc.h"

static int
sockaddr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/*
 * The user and group the socket is made as: those of its directory (the
 * run directory a daemon gave to -u USER), the group gid if given.  0, or
 * -1 with errno.
 */
static int
owner(const char *path, gid_t gid, uid_t *u, gid_t *g)
{
	char dir[sizeof ((struct sockaddr_un *)0)->sun_path];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0)
		return -1;
	*u = st.st_uid;
	*g = gid != (gid_t)-1 ? gid : st.st_gid;
	return 0;
}

/*
 * Bind as u:g, with a umask that gives the mode at once.  The socket is
 * born with its owner, group and mode: nothing is changed by path after
 * bind(), when whoever can write in the directory (USER) could have put a
 * link to another file in its place.  (fchown() and fchmod() on a socket
 * would change its inode in sockfs, not the name in the directory.)
 */
static int
bind_as(int fd, const struct sockaddr_un *sun, uid_t u, gid_t g, mode_t mode)
{
	uid_t ou = (uid_t)setfsuid(u);
	gid_t og = (gid_t)setfsgid(g);
	mode_t old = umask(~mode & 0777);
	int e = 0;

	if ((uid_t)setfsuid((uid_t)-1) != u || (gid_t)setfsgid((gid_t)-1) != g)
		e = EPERM;	/* not ours to give: a user not root */
	else if (bind(fd, (const struct sockaddr *)sun, sizeof *sun) < 0)
		e = errno;
	umask(old);
	setfsgid(og);
	setfsuid(ou);
	errno = e;
	return e != 0 ? -1 : 0;
}

int
ctl_listen(const char *path, gid_t gid)
{
	struct sockaddr_un sun;
	uid_t u;
	gid_t g;
	int fd, e;

	if (sockaddr(&sun, path) < 0 || owner(path, gid, &u, &g) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind_as(fd, &sun, u, g, gid != (gid_t)-1 ? 0660 : 0600) < 0 ||
	    listen(fd, 16) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct ctl_conn *
ctl_accept(int lfd, int64_t now)
{
	struct ctl_conn *c;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return NULL;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->deadline = now + (int64_t)CTL_TIMEOUT * CLOCK_MS;
	return c;
}

int
ctl_read(struct ctl_conn *c)
{
	char *nl;
	ssize_t r;

	for (;;) {
		r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		if (r == 0)
			return -1;	/* closed before a whole line */
		c->inlen += (size_t)r;
		if ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
			*nl = '\0';
			if (nl > c->in && nl[-1] == '\r')
				nl[-1] = '\0';
			return memchr(c->in, '\0', (size_t)(nl - c->in)) ? -1 : 1;
		}
		if (c->inlen == sizeof c->in)
			return -1;	/* over-long */
	}
}

void
ctl_printf(struct ctl_conn *c, const char *fmt, ...)
{
	va_list ap;
	size_t need, cap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (c->outoff > 0 && c->outlen + (size_t)n + 1 > c->outcap) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	need = c->outlen + (size_t)n + 1;
	if (need > c->outcap) {
		for (cap = c->outcap ? c->outcap : 1024; cap < need; cap *= 2)
			;
		if ((p = realloc(c->out, cap)) == NULL)
			return;
		c->out = p;
		c->outcap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(c->out + c->outlen, (size_t)n + 1, fmt, ap);
	va_end(ap);
	c->outlen += (size_t)n;
}

int
ctl_flush(struct ctl_conn *c)
{
	ssize_t w;

	while (c->outoff < c->outlen) {
		w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->outoff += (size_t)w;
	}
	return 1;
}

void
ctl_close(struct ctl_conn *c)
{
	close(c->fd);
	free(c->out);
	free(c);
}

int
ctl_words(char *line, char **w, int max)
{
	int n = 0;

	for (;;) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || n == max)
			return n;
		w[n++] = line;
		while (*line != '\0' && *line != ' ' && *line != '\t')
			line++;
		if (*line != '\0')
			*line++ = '\0';
	}
}

/* Wait for fd to be ready for ev until deadline; 0 ready, -1 timed out. */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int64_t left;

	for (;;) {
		left = (deadline - clock_mono()) / CLOCK_MS;
		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) > 0)
			return 0;
	}
}

int
ctl_call(const char *path, const char *request, int timeout_ms,
    void (*fn)(const char *, void *), void *arg, const char **why)
{
	static char reason[CTL_LINE_MAX];
	struct sockaddr_un sun;
	char buf[65536], *line, *nl;
	size_t len = 0, reqlen = strlen(request);
	int64_t deadline = clock_mono() + (int64_t)timeout_ms * CLOCK_MS;
	ssize_t r;
	int fd, rc = RC_TEMP;

	*why = "no reply";
	if (sockaddr(&sun, path) < 0 ||
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		*why = strerror(errno);
		return RC_TEMP;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    send(fd, request, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		*why = strerror(errno);
		close(fd);
		return RC_TEMP;
	}
	for (;;) {
		if (wait_fd(fd, POLLIN, deadline) < 0) {
			*why = "timed out waiting for the reply";
			break;
		}
		r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*why = r < 0 ? strerror(errno) : "connection closed "
			    "before the reply ended";
			break;
		}
		len += (size_t)r;
		buf[len] = '\0';
		for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
			*nl = '\0';
			if (strcmp(line, "ok") == 0) {
				close(fd);
				return RC_OK;
			}
			if (strncmp(line, "error: ", 7) == 0) {
				snprintf(reason, sizeof reason, "%s", line + 7);
				*why = reason;
				close(fd);
				return RC_NO;
			}
			if (fn != NULL)
				fn(line, arg);
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		if (len == sizeof buf - 1) {
			*why = "reply line too long";
			break;
		}
	}
	close(fd);
	return rc;
}

int
ctl_verb(const struct ctl_verb *t, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, word) == 0)
			return i;
	return -1;
}

int
ctl_command(const char *daemon, const char *path, const char *request,
    int timeout_ms, void (*fn)(const char *, void *), void *arg)
{
	const char *why;
	int rc = ctl_call(path, request, timeout_ms, fn, arg, &why);

	if (fflush(stdout) != 0)
		err_fatalsys(RC_TEMP, "unable to write to standard output");
	if (rc == RC_TEMP)
		err_fatal(RC_TEMP, "unable to reach %s at %s: %s", daemon, path,
		    why);
	if (rc == RC_NO)
		dprintf(2, "%s: error: %s\n", err_prog, why);
	return rc;
}
