/*
 * Messages in one format, one line each, on stderr:
 *   PROG: fatal: what went wrong
 *   PROG: warning: what went wrong
 *   PROG: an event
 * The *sys variants append ": " and strerror(errno).
 */
#ifndef VPNHA_ERR_H
#define VPNHA_ERR_H

#define ERR_PRINTF(a, b) __attribute__((format(printf, a, b)))

extern const char *err_prog;

void err_init(const char *argv0);
void err_log(const char *fmt, ...) ERR_PRINTF(1, 2);
void err_warn(const char *fmt, ...) ERR_PRINTF(1, 2);
void err_warnsys(const char *fmt, ...) ERR_PRINTF(1, 2);
_Noreturn void err_fatal(int rc, const char *fmt, ...) ERR_PRINTF(2, 3);
_Noreturn void err_fatalsys(int rc, const char *fmt, ...) ERR_PRINTF(2, 3);
_Noreturn void err_usage(const char *usage);

#endif
