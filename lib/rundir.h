/*
 * A daemon's own directory in the run directory, RUNDIR/NAME (NAME one of
 * lib/run.h's, RUN_DDNS or RUN_VRRPD), where its control socket and state
 * files live.  Both functions are fatal on failure, as a daemon's start
 * (or a client's usage error) is.
 */
#ifndef VPNHA_RUNDIR_H
#define VPNHA_RUNDIR_H

#include <stddef.h>

/*
 * RUNDIR/NAME into dir, size bytes: a daemon's directory (named before -t
 * returns, so that -t refuses what a start would), or a path in it of
 * lib/run.h (a client's RUN_DDNS_CONTROL).  Too long: exit 100, "-r
 * RUNDIR: path too long".
 */
void rundir_path(char *dir, size_t size, const char *run, const char *name);

/*
 * At start, as root, before the control socket is made: dir (from
 * rundir_path) made if missing and checked with run, as file_rundir()
 * says; with user (-u USER, or NULL) given to USER and its group, so that
 * the daemon, once caps_keep() has made it USER, still writes there.
 * Exit 100 for an unknown user or a directory refused, 111 for a system
 * error, each with a line that says why.
 */
void rundir_make(const char *run, const char *dir, const char *user);
/* The same, not fatal: RC_OK, or RC_USAGE or RC_TEMP with err set. */
int rundir_try(const char *run, const char *dir, const char *user, char *err,
    size_t size);

#endif
