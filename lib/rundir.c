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

void
rundir_make(const char *run, const char *dir, const char *user)
{
	struct passwd *pw = NULL;
	char err[600];
	int rc;

	if (user != NULL && (pw = getpwnam(user)) == NULL)
		err_fatal(RC_USAGE, "-u %s: no such user", user);
	if ((rc = file_rundir(run, dir, pw ? pw->pw_uid : (uid_t)-1,
	    pw ? pw->pw_gid : (gid_t)-1, err, sizeof err)) != RC_OK)
		err_fatal(rc, "%s", err);
}
