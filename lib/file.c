#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "rc.h"

int
file_replace(const char *path, const void *data, size_t len, int mode)
{
	char tmp[4096];
	const char *p = data;
	ssize_t w;
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.new", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/*
	 * A NAME.new already there is a crash's, or was put there: remove
	 * it (unlink never follows a link), then make ours, which O_EXCL
	 * refuses to do through anything that came back in between.
	 */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

/*
 * Make path if missing and open it, refusing a link, a directory owned by
 * neither us nor other, or one others may write in.  The descriptor, or
 * -1 with err set and *rc.
 */
static int
dir_open(const char *path, uid_t other, char *err, size_t size, int *rc)
{
	struct stat st;
	char who[40];
	int fd, made;

	*rc = RC_TEMP;
	if (!(made = mkdir(path, 0755) == 0) && errno != EEXIST) {
		snprintf(err, size, "unable to create %s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			*rc = RC_USAGE;
			snprintf(err, size, "%s: not a directory (a symbolic "
			    "link?): remove it", path);
		} else
			snprintf(err, size, "unable to open %s: %s", path,
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* ours, just made: 0755 whatever the umask */
	if (made && fchmod(fd, 0755) == 0)
		st.st_mode = (st.st_mode & ~07777U) | 0755;
	*rc = RC_USAGE;
	if (st.st_uid != geteuid() && (other == (uid_t)-1 || st.st_uid != other)) {
		if (other == (uid_t)-1 || other == geteuid())
			snprintf(who, sizeof who, "%u", (unsigned)geteuid());
		else
			snprintf(who, sizeof who, "%u or %u",
			    (unsigned)geteuid(), (unsigned)other);
		snprintf(err, size, "%s: owned by uid %u, not by uid %s: remove "
		    "it, or chown it", path, (unsigned)st.st_uid, who);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, size, "%s: writable by others than its owner "
		    "(mode %o): chmod go-w %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return -1;
	}
	return fd;
}

int
file_rundir(const char *run, const char *dir, uid_t uid, gid_t gid,
    char *err, size_t size)
{
	int fd, rc;

	if ((fd = dir_open(run, (uid_t)-1, err, size, &rc)) < 0)
		return rc;
	close(fd);
	if ((fd = dir_open(dir, uid, err, size, &rc)) < 0)
		return rc;
	if (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0) {
		snprintf(err, size, "unable to give %s to uid %u: %s", dir,
		    (unsigned)uid, strerror(errno));
		close(fd);
		return RC_TEMP;
	}
	close(fd);
	return RC_OK;
}
