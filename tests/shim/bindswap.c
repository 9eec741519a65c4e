/*
 * LD_PRELOAD shim for tests/rundir.bats: the race a daemon must not lose.
 * Right after a successful bind() of the Unix socket named by
 * BINDSWAP_PATH, the socket is moved aside and a symbolic link to
 * BINDSWAP_TARGET is put in its place, as another user who can write in
 * the directory could do between bind() and a chown() by path.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/un.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int (*real)(int, const struct sockaddr *, socklen_t);
	const char *path = getenv("BINDSWAP_PATH"), *to = getenv("BINDSWAP_TARGET");
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	char aside[sizeof sun->sun_path + 8];
	int r;

	*(void **)&real = dlsym(RTLD_NEXT, "bind");
	r = real(fd, sa, len);
	if (r == 0 && sa->sa_family == AF_UNIX && path != NULL && to != NULL &&
	    strcmp(sun->sun_path, path) == 0) {
		snprintf(aside, sizeof aside, "%s.aside", path);
		if (rename(path, aside) < 0 || symlink(to, path) < 0)
			abort();
	}
	return r;
}
