#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "gwid.h"
#include "num.h"
#include "rc.h"

struct conf_node {
	char *word;
	const struct conf_schema *sc;	/* the keyword this node is or follows */
	unsigned line;
	struct conf_node *parent, *child, *last, *next;
};

struct warning {
	unsigned kind;
	char *msg;
};

struct conf {
	char *file;
	struct conf_node root;
	struct warning *warn;
	int nwarn;
};

/* One statement being read. */
struct stmt {
	const char *file;
	unsigned line;
	struct conf_error *err;
	int nw;
	char *w[CONF_WORDS_MAX];
	const struct conf_schema *sc[CONF_WORDS_MAX];	/* per word */
	int isval[CONF_WORDS_MAX];
};

/* An error of the statement being read. */
#define fail(st, ...) \
	conf_fail((st)->err, (st)->file, (st)->line, __VA_ARGS__)

/*
 * Split one line into words, in place.  Quotes make one word of text with
 * spaces; '#' at the start of a word ends the line.
 */
static int
split(struct stmt *st, char *p)
{
	char *o;

	st->nw = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			return 0;
		if (st->nw == CONF_WORDS_MAX)
			return fail(st, "more than %d words in one statement",
			    CONF_WORDS_MAX);
		st->w[st->nw++] = o = p;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return fail(st, "unterminated quote");
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p;
			}
			p++;
			if (*p != '\0' && *p != ' ' && *p != '\t')
				return fail(st, "text right after a closing quote");
		} else {
			for (; *p != '\0' && *p != ' ' && *p != '\t'; p++) {
				if (*p == '"')
					return fail(st, "stray quote in \"%s\" "
					    "(quote the whole word)", st->w[st->nw - 1]);
				*o++ = *p;
			}
		}
		if (*p != '\0')
			p++;
		*o = '\0';
	}
}

static const struct conf_schema *
lookup(const struct conf_schema *sub, const char *w)
{
	for (; sub != NULL && sub->word != NULL; sub++)
		if (strcmp(sub->word, w) == 0)
			return sub;
	return NULL;
}

/* "a, b, c" into buf: what may follow. */
static const char *
expected(char *buf, size_t size, const struct conf_schema *sub)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; sub != NULL && sub->word != NULL && n < size; sub++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
		    n > 0 ? ", " : "", sub->word);
	return buf;
}

static int
printable(const char *w, int spaces)
{
	for (; *w != '\0'; w++)
		if ((unsigned char)*w < 0x20 || *w == 0x7f ||
		    (!spaces && *w == ' '))
			return 0;
	return 1;
}

static int
ifname_ok(const char *w)
{
	size_t n = strlen(w);

	/* the kernel's dev_valid_name() */
	if (n == 0 || n >= 16 || strcmp(w, ".") == 0 || strcmp(w, "..") == 0)
		return 0;
	for (; *w != '\0'; w++)
		if (*w == '/' || *w == ':' || isspace((unsigned char)*w) ||
		    (unsigned char)*w < 0x20)
			return 0;
	return 1;
}

/* Address (with /len when plen is set) in canonical form into w. */
static int
addr_canon(char *w, size_t size, int plen)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint32_t len;
	int af;

	if (strlen(w) >= sizeof buf)
		return -1;
	strcpy(buf, w);
	if ((slash = strchr(buf, '/')) != NULL) {
		if (!plen)
			return -1;
		*slash++ = '\0';
	}
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, buf, a) != 1)
		return -1;
	len = af == AF_INET ? 32 : 128;
	if (slash != NULL && num_u32(slash, 0, len, &len) != NUM_OK)
		return -1;
	inet_ntop(af, a, buf, sizeof buf);
	if (plen)
		snprintf(w, size, "%s/%u", buf, len);
	else
		snprintf(w, size, "%s", buf);
	return 0;
}

/* RFC 1123 2.1: a host name's last label is not all digits ("300.1.1.1"). */
static int
host_ok(const char *w)
{
	const char *last = strrchr(w, '.');

	last = last == NULL ? w : last[1] == '\0' ? NULL : last + 1;
	if (last == NULL) {	/* trailing dot: look at the label before it */
		size_t n = strlen(w);
		const char *p = w + n - 1;

		while (p > w && p[-1] != '.')
			p--;
		last = p;
	}
	for (; *last != '\0' && *last != '.'; last++)
		if (!isdigit((unsigned char)*last))
			return 1;
	return 0;
}

static int
domain_canon(char *w)
{
	size_t n = strlen(w);

	if (!gwid_domain_ok(w, n))
		return -1;
	if (w[n - 1] == '.')
		w[n - 1] = '\0';
	for (; *w != '\0'; w++)
		*w = (char)tolower((unsigned char)*w);
	return 0;
}

/*
 * Check word i against the type of its keyword and rewrite it in canonical
 * form (in a new allocation when it may grow: "192.0.2.1" -> "/32").
 */
static int
value(struct stmt *st, int i, const struct conf_schema *sc)
{
	char buf[INET6_ADDRSTRLEN + 8], *w = st->w[i];
	uint64_t u;
	size_t n = strlen(w);
	int rc;

	switch (sc->type) {
	case CONF_T_UINT:
	case CONF_T_DECIMAL:
		rc = sc->type == CONF_T_UINT ?
		    num_u64(w, sc->min, sc->max, &u) :
		    num_fixed(w, sc->scale, sc->min, sc->max, &u);
		if (rc == NUM_RANGE && sc->type == CONF_T_UINT)
			return fail(st, "%s: \"%s\" is out of range (%lu..%lu)",
			    sc->word, w, sc->min, sc->max);
		if (rc == NUM_RANGE) {
			char lo[32], hi[32];

			return fail(st, "%s: \"%s\" is out of range (%s..%s)",
			    sc->word, w, num_fixed_fmt(lo, sizeof lo, sc->min,
			    sc->scale), num_fixed_fmt(hi, sizeof hi, sc->max,
			    sc->scale));
		}
		if (rc == NUM_DIGITS)
			return fail(st, "%s: \"%s\" has more than %u decimal "
			    "places", sc->word, w, sc->scale);
		if (rc != NUM_OK)
			return fail(st, "%s: \"%s\" is %s", sc->word, w,
			    num_strerror(rc));
		if (sc->type == CONF_T_UINT)
			snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
		else
			num_fixed_fmt(buf, sizeof buf, u, sc->scale);
		break;
	case CONF_T_INT: {
		int64_t si;

		rc = num_i64(w, -(int64_t)sc->max, (int64_t)sc->max, &si);
		if (rc == NUM_RANGE)
			return fail(st, "%s: \"%s\" is out of range (-%lu..%lu)",
			    sc->word, w, sc->max, sc->max);
		if (rc != NUM_OK)
			return fail(st, "%s: \"%s\" is %s", sc->word, w,
			    num_strerror(rc));
		snprintf(buf, sizeof buf, "%lld", (long long)si);
		break;
	}
	case CONF_T_PATH:
		if (w[0] != '/' || !printable(w, 0))
			return fail(st, "%s: \"%s\" is not an absolute path "
			    "(without spaces)", sc->word, w);
		if (n > sc->max)
			return fail(st, "%s: must be at most %lu characters",
			    sc->word, sc->max);
		return 0;
	case CONF_T_BOOL:
		if (strcmp(w, "true") != 0 && strcmp(w, "false") != 0)
			return fail(st, "%s: \"%s\" is not true or false",
			    sc->word, w);
		return 0;
	case CONF_T_WORD:
	case CONF_T_STRING:
	case CONF_T_SECRET:
		if (!printable(w, sc->type != CONF_T_WORD))
			return fail(st, "%s: \"%s\" has a control character%s",
			    sc->word, w, sc->type == CONF_T_WORD ?
			    " or a space" : "");
		if (n < sc->min)
			return fail(st, "%s: must be at least %lu characters",
			    sc->word, sc->min);
		if (n > sc->max)
			return fail(st, "%s: must be at most %lu characters",
			    sc->word, sc->max);
		return 0;
	case CONF_T_IFNAME:
		if (!ifname_ok(w))
			return fail(st, "%s: \"%s\" is not a valid interface name",
			    sc->word, w);
		return 0;
	case CONF_T_ADDR:
	case CONF_T_PREFIX:
		strncpy(buf, w, sizeof buf - 1);
		buf[sizeof buf - 1] = '\0';
		if (addr_canon(buf, sizeof buf, sc->type == CONF_T_PREFIX) < 0)
			return fail(st, "%s: \"%s\" is not an IPv4 or IPv6 "
			    "address%s", sc->word, w,
			    sc->type == CONF_T_PREFIX ? " (with /length)" : "");
		break;
	case CONF_T_HOST:
		strncpy(buf, w, sizeof buf - 1);
		buf[sizeof buf - 1] = '\0';
		if (addr_canon(buf, sizeof buf, 0) == 0)
			break;
		if (strchr(w, ':') != NULL || !host_ok(w) || domain_canon(w) < 0)
			return fail(st, "%s: \"%s\" is not an address or a "
			    "domain name", sc->word, w);
		return 0;
	case CONF_T_DOMAIN:
		if (domain_canon(w) < 0)
			return fail(st, "%s: \"%s\" is not a valid domain name",
			    sc->word, w);
		return 0;
	case CONF_T_NONE:
		break;
	}
	if (strlen(buf) > n) {
		/* w points into the line buffer: the canonical form is longer */
		if ((w = strdup(buf)) == NULL)
			return fail(st, "out of memory");
		st->w[i] = w;
		st->isval[i] = 2;	/* owned */
		return 0;
	}
	strcpy(w, buf);
	return 0;
}

/*
 * Walk the words along the schema: each is a keyword allowed here or the
 * value its keyword takes.  Sets st->sc[] and st->isval[].
 */
static int
check(struct stmt *st, int first, int del)
{
	const struct conf_schema *sub = conf_schema, *want = NULL;
	char exp[300];
	int i;

	for (i = first; i < st->nw; i++) {
		st->isval[i] = 0;
		if (want != NULL) {
			st->sc[i] = want;
			if (value(st, i, want) < 0)
				return -1;
			st->isval[i] = st->isval[i] ? st->isval[i] : 1;
			if (want->kind != CONF_TAG && i + 1 < st->nw)
				return fail(st, "unexpected \"%s\" after the "
				    "value of %s", st->w[i + 1], want->word);
			sub = want->sub;
			want = NULL;
			continue;
		}
		if ((st->sc[i] = lookup(sub, st->w[i])) == NULL) {
			if (i == first && first == 0)
				return fail(st, "unknown word \"%s\"; expected "
				    "set, delete, commit, save or one of: %s",
				    st->w[i], expected(exp, sizeof exp, sub));
			if (sub == NULL)
				return fail(st, "unexpected \"%s\" after %s",
				    st->w[i], st->w[i - 1]);
			return fail(st, "unknown word \"%s\" after \"%s%s%s\"; "
			    "expected one of: %s", st->w[i],
			    st->isval[i - 1] ? st->w[i - 2] : "",
			    st->isval[i - 1] ? " " : "", st->w[i - 1],
			    expected(exp, sizeof exp, sub));
		}
		switch (st->sc[i]->kind) {
		case CONF_NODE:
			sub = st->sc[i]->sub;
			break;
		case CONF_FLAG:
			sub = NULL;
			break;
		default:
			want = st->sc[i];
		}
	}
	if (want != NULL && !del)
		return fail(st, "%s: missing %s", want->word,
		    want->kind == CONF_TAG ? "name" : "value");
	return 0;
}

static struct conf_node *
child(struct conf_node *n, const char *w)
{
	for (n = n->child; n != NULL; n = n->next)
		if (strcmp(n->word, w) == 0)
			return n;
	return NULL;
}

static void
node_free(struct conf_node *n)
{
	struct conf_node *c, *next;

	for (c = n->child; c != NULL; c = next) {
		next = c->next;
		node_free(c);
	}
	free(n->word);
	free(n);
}

static void
unlink_node(struct conf_node *n)
{
	struct conf_node **pp, *prev = NULL, *p = n->parent;

	for (pp = &p->child; *pp != n; pp = &(*pp)->next)
		prev = *pp;
	*pp = n->next;
	if (p->last == n)
		p->last = prev;
	node_free(n);
}

static int
set(struct stmt *st, struct conf_node *n, int first)
{
	struct conf_node *c;
	int i;

	for (i = first; i < st->nw; i++) {
		if (st->isval[i] && st->sc[i]->kind == CONF_LEAF)
			while (n->child != NULL)	/* one value only */
				unlink_node(n->child);
		if ((c = child(n, st->w[i])) == NULL) {
			if ((c = calloc(1, sizeof *c)) == NULL ||
			    (c->word = strdup(st->w[i])) == NULL) {
				free(c);
				return fail(st, "out of memory");
			}
			c->sc = st->sc[i];
			c->parent = n;
			if (n->last != NULL)
				n->last->next = c;
			else
				n->child = c;
			n->last = c;
		} else if (st->isval[i] && st->sc[i]->kind == CONF_UNIQUE)
			return fail(st, "%s %s is listed twice (also at line %u)",
			    st->sc[i]->word, st->w[i], c->line);
		c->line = st->line;
		n = c;
	}
	return 0;
}

static void
delete(struct stmt *st, struct conf_node *n, int first)
{
	struct conf_node *p;
	int i;

	for (i = first; i < st->nw; i++)
		if ((n = child(n, st->w[i])) == NULL)
			return;	/* nothing to delete */
	p = n->parent;
	unlink_node(n);
	/*
	 * A keyword left without its value, or a tag keyword without any
	 * tag, means nothing: remove it too.  (A tag's value left without
	 * settings stays: "vrrp-group 99" alone is a statement.)
	 */
	if (p->parent != NULL && p->child == NULL && !conf_isvalue(p) &&
	    p->sc->kind != CONF_NODE && p->sc->kind != CONF_FLAG)
		unlink_node(p);
}

/* Words check() made canonical in memory of their own. */
static void
release(struct stmt *st)
{
	int i;

	for (i = 0; i < st->nw; i++)
		if (st->isval[i] == 2)
			free(st->w[i]);
	memset(st->isval, 0, sizeof st->isval);
}

/*
 * Split and check one line: 2 a statement to apply (from word *first, a
 * delete if *del), 1 commit or save, 0 nothing, -1 an error.  The caller
 * releases the words.
 */
static int
parse(struct stmt *st, char *text, int *first, int *del)
{
	*first = *del = 0;
	memset(st->isval, 0, sizeof st->isval);
	if (split(st, text) < 0)
		return -1;
	if (st->nw == 0)
		return 0;
	if (strcmp(st->w[0], "commit") == 0 || strcmp(st->w[0], "save") == 0) {
		if (st->nw > 1)
			return fail(st, "%s takes no arguments", st->w[0]);
		return 1;
	}
	if (strcmp(st->w[0], "show") == 0 || strcmp(st->w[0], "run") == 0)
		return fail(st, "\"%s\" is an operational command, not a "
		    "statement (see vrrp-show(8) and ddns-ctl(8))", st->w[0]);
	if (strcmp(st->w[0], "set") == 0 || strcmp(st->w[0], "delete") == 0) {
		*del = st->w[0][0] == 'd';
		*first = 1;
		if (st->nw == 1)
			return fail(st, "%s: missing statement", st->w[0]);
	}
	return check(st, *first, *del) < 0 ? -1 : 2;
}

static int
statement(struct conf *c, struct stmt *st, char *text)
{
	int first, del, rc;

	rc = parse(st, text, &first, &del);
	if (rc == 2 && del)
		delete(st, &c->root, first);
	else if (rc == 2)
		rc = set(st, &c->root, first);
	release(st);
	return rc < 0 ? -1 : 0;
}

static void
warn(struct conf *c, unsigned kind, const char *fmt, ...)
{
	struct warning *w;
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if ((w = realloc(c->warn, (size_t)(c->nwarn + 1) * sizeof *w)) == NULL)
		return;	/* a warning lost to a lack of memory */
	c->warn = w;
	w += c->nwarn;
	if ((w->msg = strdup(msg)) == NULL)
		return;
	w->kind = kind;
	c->nwarn++;
}

/*
 * A whole-line comment that would be a statement without its '#' and the
 * blanks after it: the guide prints its commands after a "#" prompt, and a
 * line pasted with it is not applied, silently.  The schema decides.
 */
static void
comment(struct conf *c, const struct stmt *st, const char *line)
{
	struct conf_error scratch;
	struct stmt t = { .file = st->file, .line = st->line, .err = &scratch };
	char text[CONF_LINE_MAX + 1];
	int first, del, rc;

	line += strspn(line, " \t");
	if (*line != '#')
		return;
	line++;
	snprintf(text, sizeof text, "%s", line + strspn(line, " \t"));
	rc = parse(&t, text, &first, &del);
	release(&t);
	if (rc > 0)
		warn(c, CONF_W_COMMENT, "%s:%u: is a comment, but without its "
		    "\"#\" it is a statement: not applied (remove the \"#\" "
		    "to apply it)", st->file, st->line);
}

struct conf *
conf_parse(const char *name, const char *buf, size_t len,
    struct conf_error *err)
{
	struct conf *c;
	struct stmt st = { .file = name, .err = err };
	char line[CONF_LINE_MAX + 1];
	const char *p = buf, *e = buf + len, *nl;
	size_t n;

	if ((c = calloc(1, sizeof *c)) == NULL || (c->file = strdup(name)) == NULL) {
		free(c);
		snprintf(err->msg, sizeof err->msg, "%s: out of memory", name);
		err->rc = RC_TEMP;
		return NULL;
	}
	for (; p < e; p = nl + 1) {
		st.line++;
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > CONF_LINE_MAX) {
			fail(&st, "line longer than %d bytes", CONF_LINE_MAX);
			goto bad;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (memchr(line, '\0', n) != NULL) {
			fail(&st, "NUL byte in line");
			goto bad;
		}
		comment(c, &st, line);
		if (statement(c, &st, line) < 0)
			goto bad;
	}
	if (conf_rules(c, err) < 0)
		goto bad;
	return c;
bad:
	conf_free(c);
	return NULL;
}

/* 1 if a value under n is a secret (the file must then be kept close). */
static int
secret(const struct conf_node *n)
{
	for (n = n->child; n != NULL; n = n->next)
		if ((conf_isvalue(n) && n->sc->type == CONF_T_SECRET) ||
		    secret(n))
			return 1;
	return 0;
}

struct conf *
conf_read(const char *path, struct conf_error *err)
{
	struct conf *c;
	struct stat sb;
	char *buf;
	ssize_t r;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
		snprintf(err->msg, sizeof err->msg, "%s: unable to open: %s",
		    path, strerror(errno));
		err->rc = errno == ENOENT || errno == EACCES ? RC_USAGE : RC_TEMP;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (sb.st_size > CONF_FILE_MAX) {
		snprintf(err->msg, sizeof err->msg, "%s: larger than %d bytes",
		    path, CONF_FILE_MAX);
		err->rc = RC_USAGE;
		close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
		err->rc = RC_TEMP;
		close(fd);
		return NULL;
	}
	while (len <= (size_t)sb.st_size &&
	    (r = read(fd, buf + len, (size_t)sb.st_size + 1 - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err->msg, sizeof err->msg, "%s: unable to "
			    "read: %s", path, strerror(errno));
			err->rc = RC_TEMP;
			free(buf);
			close(fd);
			return NULL;
		}
		len += (size_t)r;
	}
	close(fd);
	c = conf_parse(path, buf, len, err);
	free(buf);
	if (c != NULL && (sb.st_mode & S_IROTH) && secret(&c->root))
		warn(c, CONF_W_MODE, "%s: others may read it, and it holds a "
		    "secret: chmod o-r %s", path, path);
	return c;
}

void
conf_free(struct conf *c)
{
	struct conf_node *n, *next;

	if (c == NULL)
		return;
	for (n = c->root.child; n != NULL; n = next) {
		next = n->next;
		node_free(n);
	}
	while (c->nwarn > 0)
		free(c->warn[--c->nwarn].msg);
	free(c->warn);
	free(c->file);
	free(c);
}

void
conf_warn(const struct conf *c, unsigned kinds)
{
	int i;

	for (i = 0; i < c->nwarn; i++)
		if (c->warn[i].kind & kinds)
			err_warn("%s", c->warn[i].msg);
}

const char *
conf_file(const struct conf *c)
{
	return c->file;
}

const struct conf_node *
conf_root(const struct conf *c)
{
	return &c->root;
}

const struct conf_node *
conf_find(const struct conf_node *n, const char *path)
{
	const char *p = path, *e;
	const struct conf_node *c;
	size_t len;

	while (n != NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		len = (size_t)(e - p);
		for (c = n->child; c != NULL; c = c->next)
			if (strncmp(c->word, p, len) == 0 && c->word[len] == '\0')
				break;
		n = c;
		p = e;
	}
	return n;
}

const char *
conf_value(const struct conf_node *n, const char *path)
{
	n = conf_find(n, path);
	return n != NULL && n->child != NULL ? n->child->word : NULL;
}

int
conf_has(const struct conf_node *n, const char *path)
{
	return conf_find(n, path) != NULL;
}

const struct conf_node *
conf_first(const struct conf_node *n)
{
	return n != NULL ? n->child : NULL;
}

const struct conf_node *
conf_next(const struct conf_node *n)
{
	return n->next;
}

const char *
conf_word(const struct conf_node *n)
{
	return n->word;
}

const struct conf_schema *
conf_schema_of(const struct conf_node *n)
{
	return n->sc;
}

int
conf_isvalue(const struct conf_node *n)
{
	return n->parent != NULL && n->parent->sc != NULL &&
	    n->parent->sc == n->sc;
}

unsigned
conf_line(const struct conf_node *n)
{
	return n->line;
}
