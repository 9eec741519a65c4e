/*
 * Files under the run directory: whole-file state, written as NAME.new,
 * then renamed into place; the directories themselves, checked.
 */
#ifndef VPNHA_FILE_H
#define VPNHA_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replace path with data atomically; -1 with errno on failure.  NAME.new
 * is made anew, never opened through what is there (a crash's leftover,
 * or a link someone who can write in the directory put there).
 */
int file_replace(const char *path, const void *data, size_t len, int mode);

/*
 * A daemon's run directory RUN and its own DIR in it, made (0755) if
 * missing.  RUN must be owned by the user the daemon starts as, DIR by
 * that user or by uid (-u USER, or (uid_t)-1), and neither may be a
 * symbolic link or writable by group or others: whoever could write there
 * could make the daemon, still root, write or bind where it should not.
 * DIR is then given to uid:gid, by its descriptor.  Returns 0, or RC_USAGE
 * for a directory refused and RC_TEMP for a system error, with err set.
 */
int file_rundir(const char *run, const char *dir, uid_t uid, gid_t gid,
    char *err, size_t size);

#endif
