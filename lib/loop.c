#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "loop.h"
#include "num.h"
#include "rc.h"

static int ep = -1;

void
loop_init(void)
{
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		err_fatalsys(RC_TEMP, "unable to create the event loop");
}

void
loop_add(int fd, void *data, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		err_fatalsys(RC_TEMP, "epoll_ctl");
}

void
loop_mod(int fd, void *data, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = data };

	epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

int
loop_wait(struct epoll_event *ev, int max, int timeout_ms)
{
	int n;

	if ((n = epoll_wait(ep, ev, max, timeout_ms)) < 0) {
		if (errno == EINTR)
			return 0;
		err_fatalsys(RC_TEMP, "epoll_wait");
	}
	return n;
}

int
loop_signals(const int *sig)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (; *sig != 0; sig++)
		sigaddset(&set, *sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		err_fatalsys(RC_TEMP, "signalfd");
	return fd;
}

int
loop_timer(void)
{
	int fd;

	if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0)
		err_fatalsys(RC_TEMP, "unable to create a timer");
	return fd;
}

void
loop_timer_set(int fd, int64_t at)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (at >= 0) {
		if (at < 1)
			at = 1;		/* 0 would disarm */
		its.it_value.tv_sec = at / CLOCK_SEC;
		its.it_value.tv_nsec = at % CLOCK_SEC;
	}
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

int
notify_fd(const char *arg)
{
	uint32_t fd;

	if (num_u32(arg, 3, 1023, &fd) != NUM_OK)
		err_fatal(RC_USAGE, "-n %s: not a file descriptor from 3 to 1023",
		    arg);
	return (int)fd;
}

void
notify_ready(int *fd)
{
	if (*fd < 0)
		return;
	if (write(*fd, "\n", 1) != 1)
		err_warnsys("unable to write to the readiness fd %d", *fd);
	close(*fd);
	*fd = -1;
}
