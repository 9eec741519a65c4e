/*
 * LD_PRELOAD shim for keepalived's track_process in a lab host
 * (tests/keepalived.bats, parts t and p of tests/bench/vrrpd-keepalived.sh).
 * The kernel's process events (the netlink proc connector) reach only sockets made in
 * the initial network namespace: inside a lab host keepalived's
 * subscription gets ECONNREFUSED and its tracked processes stay down for
 * good.  Debian's keepalived 2.2.7 is built without net_namespace (and
 * --namespace), so it cannot start there and join the host itself, as
 * vrrpd -N does.  This shim does that part for it: a NETLINK_CONNECTOR
 * socket is made in the namespace INITNET_NS names (the test shell's own,
 * /proc/PID/ns/net: /proc/1/ns/net cannot be opened here), every
 * other socket where the program runs.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include <linux/netlink.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

int
socket(int domain, int type, int protocol)
{
	int (*real)(int, int, int);
	const char *init = getenv("INITNET_NS");
	int here, there, fd = -1, e;

	*(void **)&real = dlsym(RTLD_NEXT, "socket");
	if (domain != AF_NETLINK || protocol != NETLINK_CONNECTOR || init == NULL)
		return real(domain, type, protocol);
	here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	there = open(init, O_RDONLY | O_CLOEXEC);
	if (here >= 0 && there >= 0 && setns(there, CLONE_NEWNET) == 0) {
		fd = real(domain, type, protocol);
		e = errno;
		/* never go on in the wrong namespace */
		if (setns(here, CLONE_NEWNET) < 0)
			abort();
		errno = e;
	}
	e = errno;
	if (here >= 0)
		close(here);
	if (there >= 0)
		close(there);
	errno = e;
	return fd;
}
