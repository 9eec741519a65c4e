/*
 * The frame of a daemon's one loop: an epoll set whose events carry the
 * caller's pointer, signals as a file descriptor, and the readiness
 * notification of -n FD (s6's notification-fd).  Failures that leave no
 * loop to run are fatal (exit 111).
 */
#ifndef VPNHA_LOOP_H
#define VPNHA_LOOP_H

#include <sys/epoll.h>
#include <stdint.h>

/*
 * What an epoll event carries: the kind of thing that is ready (the
 * program's own enum) and the thing itself.
 */
struct watch {
	int kind;
	void *p;
};

void loop_init(void);
void loop_add(int fd, void *data, uint32_t events);
void loop_mod(int fd, void *data, uint32_t events);
/* epoll_wait: the number of events, 0 when a signal interrupted it. */
int loop_wait(struct epoll_event *ev, int max, int timeout_ms);
/* Block the signals of sig (ended by 0); a descriptor that reads them. */
int loop_signals(const int *sig);

/* A timer descriptor on the monotonic clock (lib/clock.h nanoseconds). */
int loop_timer(void);
/* Fire at the absolute deadline at (clamped to 1 ns), or never if at < 0. */
void loop_timer_set(int fd, int64_t at);

/* -n FD: the descriptor, 3 to 1023; a usage error (exit 100) otherwise. */
int notify_fd(const char *arg);
/* Write the newline once and close *fd; then *fd is -1. */
void notify_ready(int *fd);

#endif
