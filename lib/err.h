/*
 * Messages in one format, one line each, on stderr:
 *   PROG: fatal: what went wrong
 *   PROG: warning: what went wrong
 *   PROG: an event
 * The *sys variants append ": " and strerror(errno).
 */
#ifndef VPNHA_ERR_H
#define VPNHA_ERR_H

#include <stddef.h>
#include <stdint.h>

#define ERR_PRINTF(a, b) __attribute__((format(printf, a, b)))

extern const char *err_prog;

void err_init(const char *argv0);
void err_log(const char *fmt, ...) ERR_PRINTF(1, 2);
void err_warn(const char *fmt, ...) ERR_PRINTF(1, 2);
void err_warnsys(const char *fmt, ...) ERR_PRINTF(1, 2);
_Noreturn void err_fatal(int rc, const char *fmt, ...) ERR_PRINTF(2, 3);
_Noreturn void err_fatalsys(int rc, const char *fmt, ...) ERR_PRINTF(2, 3);
_Noreturn void err_usage(const char *usage);

/*
 * A line about something that may change a thousand times a second: said
 * at most once a second.  What is held back is said when its second is
 * over (err_hush_due says when), with the current state: the last state
 * is always in the log.  Times are clock_mono()'s.
 */
struct err_hush {
	int64_t said;		/* the last line, or 0 */
	int held;		/* changes held back since */
};
/* A change: -1 to hold its line back, else the changes held until now. */
int err_hush_say(struct err_hush *h, int64_t now);
/* When held-back changes are to be said (err_hush_say then), or -1. */
int64_t err_hush_due(const struct err_hush *h);
/* The end of the line that says it: " (N changes not logged)", or "". */
const char *err_hush_more(int held, char *buf, size_t size);

#endif
