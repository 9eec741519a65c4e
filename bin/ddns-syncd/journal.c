/*
 * The journal of this node's own records, RUN/ddns/journal, so that a
 * restart of the daemon alone re-publishes the tunnels it had, and keeps
 * the withdrawals it made, with their stamps (a record superseded
 * meanwhile stays superseded).  RUN is a tmpfs: a reboot, which ends the
 * tunnels too, forgets it.
 *
 *   + STAMP LABEL ADDRESS      published by this node (STAMP: the 64-bit
 *                              HLC, decimal)
 *   - STAMP LABEL              withdrawn by this node (its tombstone)
 *   - LABEL                    no record of this node any more
 *   drained                    this node is out of pool answers
 *   undrained                  back in them
 *
 * Every change of a record whose origin is this node (a publication, a
 * withdrawal of anyone's record, a record superseded) is appended from the
 * table's callback, so before the request that made it is answered.
 *
 * Read once, into the empty table, when the cluster first starts in this
 * process.  A reload keeps the table, which the journal already follows:
 * read again into a live table, a `-` line would remove the live record
 * and be appended again to the file being read.
 *
 * When a write fails (a full disk), the file is cut back to its last whole
 * line and appends stop, since a later line would follow a missing one;
 * the table goes on and is replicated; `status` says journal=failing and
 * why; the journal is rewritten whole from the table at every heartbeat
 * until that succeeds.  Also rewritten whole when read, and when it has
 * grown to twice what it says.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddns-syncd.h"
#include "err.h"
#include "file.h"
#include "num.h"
#include "rc.h"
#include "run.h"
#include "wire.h"

static int jfd = -1;
static off_t good;		/* bytes of whole lines in the file */
static size_t lines, mine;
static char path[4200];
static int loaded;		/* read once in this process */
static int owner = -1;		/* the origin it holds the records of */
static int drained;		/* what its drained and undrained lines say */
static struct {			/* what journal_read() reads */
	const char *name;	/* for messages */
	int self;		/* the origin its records are of */
	int *drained;		/* set by its drained and undrained lines */
} in;
static char failing[400];	/* why it cannot be written; "" if it can */

const char *
journal_failing(void)
{
	return failing[0] != '\0' ? failing : NULL;
}

static void ERR_PRINTF(1, 2)
fail(const char *fmt, ...)
{
	int was = failing[0] != '\0';
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(failing, sizeof failing, fmt, ap);
	va_end(ap);
	if (!was)
		err_warn("%s; records are published but not journaled until "
		    "it can be written", failing);
}

/* A label as a log line may show it: printable, and not too long. */
static const char *
shown(const char *s)
{
	static char out[72];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof out - 4; i++)
		out[i] = s[i] > ' ' && s[i] <= '~' ? s[i] : '?';
	strcpy(out + i, s[i] != '\0' ? "..." : "");
	return out;
}

/*
 * A stamp of ours from the journal: trusted up to SKEW_MAX_MS ahead of the
 * wall clock (the clock may have been stepped back since), as a peer's
 * is; further ahead, it would become this node's clock, and every peer
 * would refuse what the node publishes: cut to that bound.
 */
static uint64_t
bounded(uint64_t stamp, const char *label, unsigned lineno)
{
	int64_t now = wall_ms();

	if (HLC_MS(stamp) <= now + SKEW_MAX_MS)
		return stamp;
	err_warn("%s:%u: %s: stamped %lld s ahead of the clock; cut to %d s "
	    "ahead", in.name, lineno, shown(label),
	    (long long)((HLC_MS(stamp) - now) / 1000), SKEW_MAX_MS / 1000);
	return (uint64_t)(now + SKEW_MAX_MS) << 16;
}

static void
load_rec(char **w, int n, unsigned lineno)
{
	struct rec r = { 0 };
	uint64_t stamp;
	size_t len = strlen(w[2]);

	if (num_u64(w[1], 1, UINT64_MAX, &stamp) != NUM_OK ||
	    (n == 4 && addr_parse(w[3], &r.addr) < 0)) {
		err_warn("%s:%u: not a journal line; skipped", in.name, lineno);
		return;
	}
	/* what the wire refuses would end every session it went on */
	if (!wire_label_ok(w[2], len)) {
		err_warn("%s:%u: \"%s\" is not a gateway label (letters, digits "
		    "and inner hyphens, 1 to 63); skipped", in.name, lineno,
		    shown(w[2]));
		return;
	}
	r.stamp = bounded(stamp, w[2], lineno);
	r.origin = (uint8_t)in.self;
	r.flags = n == 3 ? R_DELETED : 0;
	r.len = (uint8_t)len;
	memcpy(r.label, w[2], len);
	hlc_raise(r.stamp);
	table_merge(&r);
}

static void
load_line(char *line, unsigned lineno)
{
	char *w[5];
	struct rec *old;
	int n = 0;

	while (n < 5 && (w[n] = strsep(&line, " ")) != NULL)
		n++;
	if (n == 1 && (strcmp(w[0], "drained") == 0 ||
	    strcmp(w[0], "undrained") == 0))
		*in.drained = w[0][0] == 'd';
	else if (n == 2 && strcmp(w[0], "-") == 0) {
		old = table_find(w[1], strlen(w[1]));
		if (old != NULL && old->origin == in.self)
			table_remove(old);
	} else if ((n == 3 && strcmp(w[0], "-") == 0) ||
	    (n == 4 && strcmp(w[0], "+") == 0))
		load_rec(w, n, lineno);
	else
		err_warn("%s:%u: not a journal line; skipped", in.name, lineno);
}

/* A record of self's as its journal line; 0 if it is not self's. */
static int
rec_line(char *buf, size_t size, const struct rec *r, int self)
{
	char ab[64];

	if (r->origin != self)
		return 0;
	if (r->flags & R_DELETED)
		return snprintf(buf, size, "- %llu %s\n",
		    (unsigned long long)r->stamp, r->label);
	return snprintf(buf, size, "+ %llu %s %s\n",
	    (unsigned long long)r->stamp, r->label,
	    addr_fmt(&r->addr, ab, sizeof ab));
}

char *
journal_text(int self, int isdrained, size_t *lenp, size_t *np)
{
	char *buf, *p;
	size_t len = 0, cap = 65536, i, n = 0;
	struct rec *r;

	if ((buf = malloc(cap)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	if (isdrained)
		len = (size_t)snprintf(buf, cap, "drained\n");
	for (i = 0; i < table_slots(); i++) {
		if ((r = table_slot(i)) == NULL || r->origin != self)
			continue;
		if (cap - len < 200) {
			if ((p = realloc(buf, cap *= 2)) == NULL)
				err_fatal(RC_TEMP, "out of memory");
			buf = p;
		}
		len += (size_t)rec_line(buf + len, cap - len, r, self);
		n++;
	}
	*lenp = len;
	*np = n;
	return buf;
}

/* The whole journal from the table; 0, or -1 and failing says why. */
static int
rewrite(void)
{
	size_t len, n;
	char *buf = journal_text(owner, drained, &len, &n);

	if (jfd >= 0)
		close(jfd);
	jfd = -1;
	if (file_replace(path, buf, len, 0600) < 0)
		fail("unable to write %s: %s", path, strerror(errno));
	else if ((jfd = open(path, O_WRONLY | O_APPEND |
	    O_NOFOLLOW | O_CLOEXEC)) < 0)
		fail("unable to open %s: %s", path, strerror(errno));
	free(buf);
	if (jfd < 0)
		return -1;
	good = (off_t)len;
	lines = mine = n;
	if (failing[0] != '\0')
		err_log("journal %s written whole again (%zu records)", path, n);
	failing[0] = '\0';
	return 0;
}

void
journal_read(FILE *f, const char *name, int self, int *isdrained)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;

	in.name = name;
	in.self = self;
	in.drained = isdrained;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		load_line(line, ++lineno);
	}
	free(line);
}

/*
 * Only a file of our own in RUN/ddns is read: a link is not followed (it
 * would read, and a journal kept elsewhere would bring back the tunnels
 * of before a reboot), nor is anything that is not a file (a FIFO would
 * block the daemon for ever).  Refused, it is replaced by the journal
 * written whole from the table, and the link's target is left alone.
 */
static void
journal_file_read(void)
{
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP) {
		err_warn("%s: a symbolic link; refused, not followed (the "
		    "journal is written anew in its place)", path);
		return;
	}
	if (fd < 0) {
		if (errno != ENOENT)
			err_warnsys("unable to read the journal %s", path);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_warn("%s: not a regular file; refused (the journal is "
		    "written anew in its place)", path);
		close(fd);
		return;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		err_warnsys("unable to read the journal %s", path);
		close(fd);
		return;
	}
	journal_read(f, path, owner, &drained);
	fclose(f);
}

/*
 * At the cluster's start, self its origin: read once in this process;
 * again only when self changed (a reload gave this node another identity),
 * and then made of the table.  Whether the journal says it is drained.
 */
int
journal_load(int self)
{
	if (loaded && owner == self)
		return drained;	/* a reload: the journal follows the table */
	owner = self;
	if (!loaded) {
		snprintf(path, sizeof path, "%s/%s", ddns_syncd.run,
		    RUN_DDNS_JOURNAL);
		journal_file_read();
		loaded = 1;
	}
	rewrite();
	return drained;
}

/* At every heartbeat: a journal that could not be written is tried again. */
void
journal_retry(void)
{
	if (loaded && failing[0] != '\0')
		rewrite();
}

static void
append(const char *text, size_t len)
{
	size_t done = 0;
	ssize_t w = 0;
	int e;

	if (jfd < 0)
		return;		/* reading it, or failing: rewritten later */
	while (done < len) {
		if ((w = write(jfd, text + done, len - done)) < 0 &&
		    errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done < len) {
		e = w < 0 ? errno : ENOSPC;
		/* a line cut short would glue the next one onto it */
		if (done > 0 && ftruncate(jfd, good) < 0)
			err_warnsys("unable to cut %s back to its last whole "
			    "line", path);
		close(jfd);
		jfd = -1;
		fail("unable to append to %s: %s", path, strerror(e));
		return;
	}
	good += (off_t)len;
	if (++lines > 2 * mine + 1000)
		rewrite();
}

void
journal_change(const struct rec *old, const struct rec *now)
{
	char line[200];
	int was = old != NULL && old->origin == owner;
	int is = now != NULL && now->origin == owner;
	int n;

	if (!was && !is)
		return;
	if (was && is && old->stamp == now->stamp && old->flags == now->flags &&
	    memcmp(&old->addr, &now->addr, sizeof old->addr) == 0)
		return;		/* only hidden or shown: nothing to write */
	if (is) {
		n = rec_line(line, sizeof line, now, owner);
		mine += !was;
	} else {
		n = snprintf(line, sizeof line, "- %s\n", old->label);
		mine--;
	}
	append(line, (size_t)n);
}

void
journal_drained(int d)
{
	drained = d;
	if (d)
		append("drained\n", 8);
	else
		append("undrained\n", 10);
}
