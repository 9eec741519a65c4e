/*
 * forkload RATE SECONDS [PATH...]: the process churn of part (p) of
 * tests/bench/vrrpd-keepalived.sh.  For SECONDS, RATE processes a second
 * are forked and exit at once, paced in batches every 10 ms (absolute
 * deadlines: a late wakeup is caught up, not lost).  Every 20th child
 * execs one of the PATHs in turn (symbolic links to true(1) named as a
 * tracked process: exec, then exit, of a tracked name), and every 20th
 * one more takes such a name itself (prctl PR_SET_NAME: a comm event)
 * and forks a child of that name before both exit.  Children are reaped
 * by the kernel (SIGCHLD ignored).  At the end, one line on stdout:
 * "forks N in S s, R a second".
 */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/wait.h>

#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_NS	10000000L

static void
child(long i, char **paths, int npaths)
{
	char *name;
	pid_t p;

	if (npaths == 0 || i % 20 > 1)
		_exit(0);
	name = paths[(i / 20) % npaths];
	if (i % 20 == 0) {
		execl(name, name, (char *)NULL);
		_exit(127);
	}
	prctl(PR_SET_NAME, basename(name));
	if ((p = fork()) == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
	_exit(0);
}

static double
since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (b.tv_nsec - a->tv_nsec) / 1e9;
}

int
main(int argc, char **argv)
{
	struct timespec start, at;
	long rate, secs, per, i, n = 0, batch;

	if (argc < 3 || (rate = atol(argv[1])) <= 0 || (secs = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: forkload RATE SECONDS [PATH...]\n");
		return 100;
	}
	signal(SIGCHLD, SIG_IGN);
	per = rate / 100 > 0 ? rate / 100 : 1;	/* forks a batch */
	clock_gettime(CLOCK_MONOTONIC, &start);
	at = start;
	for (batch = 0; batch < secs * 100; batch++) {
		for (i = 0; i < per; i++, n++) {
			pid_t p = fork();

			if (p == 0)
				child(n, argv + 3, argc - 3);
			if (p < 0)
				perror("forkload: fork");
		}
		at.tv_nsec += BATCH_NS;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
	}
	printf("forks %ld in %.2f s, %.0f a second\n", n, since(&start),
	    n / since(&start));
	return 0;
}
