#include <pwd.h>
#include <stdio.h>

#include "err.h"
#include "file.h"
#include "rc.h"
#include "rundir.h"

void
rundir_path(char *dir, size_t size, const char *run, const char *name)
{
	if ((size_t)snprintf(dir, size, "%s/%s", run, name) >= size)
		err_fatal(RC_USAGE, "-r %s: path too long", run);
}

int
rundir_try(const char *run, const char *dir, const char *user, char *err,
    size_t size)
{
	struct passwd *pw = NULL;

	if (user != NULL && (pw = getpwnam(user)) == NULL) {
		snprintf(err, size, "-u %s: no such user", user);
		return RC_USAGE;
	}
	return file_rundir(run, dir, pw ? pw->pw_uid : (uid_t)-1,
	    pw ? pw->pw_gid : (gid_t)-1, err, size);
}

void
rundir_make(const char *run, const char *dir, const char *user)
{
	char err[4400];
	int rc;

	if ((rc = rundir_try(run, dir, user, err, sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
}
