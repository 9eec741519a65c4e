/*
 * Control sockets: Unix stream sockets; one request line, reply lines, the
 * last one "ok" or "error: REASON".
 */
#ifndef VPNHA_CTL_H
#define VPNHA_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CTL_LINE_MAX	1024	/* a request line, newline included */
#define CTL_TIMEOUT	(5 * 1000)	/* ms a client may take to send it */

/*
 * Server: listen on path, a socket made by the owner of its directory
 * (so that a run directory given to -u USER holds USER's socket), mode
 * 0600, or 0660 and of group gid if not (gid_t)-1.  -1 with errno.
 */
int ctl_listen(const char *path, gid_t gid);

struct ctl_conn {
	int fd;
	int64_t deadline;	/* monotonic ns: close it then */
	size_t inlen;
	char in[CTL_LINE_MAX];
	char *out;		/* reply not yet written */
	size_t outlen, outoff, outcap;
	int closing;		/* the reply is complete */
};

struct ctl_conn *ctl_accept(int lfd, int64_t now);
/* Read what is there: 1 a whole request is in c->in, 0 not yet, -1 close it. */
int ctl_read(struct ctl_conn *);
/*
 * Append to the reply (printf); never blocks.  The buffer grows by
 * doubling, and sheds what is already written, so a reply of many lines
 * costs linear time.
 */
void ctl_printf(struct ctl_conn *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Write what the socket takes: 1 all written, 0 more to come, -1 close it. */
int ctl_flush(struct ctl_conn *);
void ctl_close(struct ctl_conn *);

/* Split a request into at most max words, in place; returns the count. */
int ctl_words(char *line, char **w, int max);

/*
 * A control protocol's verbs, one table that its daemon parses requests
 * with (the daemon's handlers indexed alike) and its client checks its
 * arguments and writes its usage from.  args is the usage of the
 * arguments ("ID [ADDRESS]", "" for none); min and max count the words.
 */
struct ctl_verb {
	const char *name;
	int min, max;
	const char *args;
};

/* The index of word in the table t of n verbs, or -1. */
int ctl_verb(const struct ctl_verb *t, int n, const char *word);

/*
 * Client, for a command: ctl_call, then the same for every client: an
 * "error: REASON" reply is printed as "PROG: error: REASON" on standard
 * error and gives RC_NO; a daemon that cannot be reached or does not
 * answer is fatal (RC_TEMP), "unable to reach DAEMON at PATH: why".
 * Returns RC_OK or RC_NO.
 */
int ctl_command(const char *daemon, const char *path, const char *request,
    int timeout_ms, void (*fn)(const char *line, void *arg), void *arg);

/*
 * Client: send one request, give each reply line but the last to fn, and
 * return RC_OK for "ok", RC_NO for "error: ..." (the reason in *why, static),
 * RC_TEMP when the daemon cannot be reached or does not answer in time.
 */
int ctl_call(const char *path, const char *request, int timeout_ms,
    void (*fn)(const char *line, void *arg), void *arg, const char **why);

#endif
