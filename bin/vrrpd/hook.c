/*
 * -x PROG: run as `PROG IFACE VRID FROM TO` on every transition, with
 * VRRP_SYNC_GROUP and VRRP_VIPS in its environment.  Never waited for:
 * children are reaped on SIGCHLD (vrrpd.c), a tracker's script aside.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "vrrpd.h"

void
hook_run(const struct group *g, enum vstate from, enum vstate to)
{
	char vrid[8], vips[VRRPD_VIPS_MAX * 52], v[64];
	sigset_t none;
	size_t n = 0;
	pid_t pid;
	int i;

	if (vrrpd.hook == NULL)
		return;
	vips[0] = '\0';
	for (i = 0; i < g->cf.nvip; i++)
		n += (size_t)snprintf(vips + n, sizeof vips - n, "%s%s",
		    i ? " " : "", vip_str(&g->cf.vip[i], v, sizeof v));
	snprintf(vrid, sizeof vrid, "%u", g->vrid);
	if ((pid = fork()) < 0) {
		err_warnsys("unable to run %s", vrrpd.hook);
		return;
	}
	if (pid > 0)
		return;
	/* the child: undo what the daemon changed for itself */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setenv("VRRP_SYNC_GROUP", g->cf.sync, 1);
	setenv("VRRP_VIPS", vips, 1);
	execl(vrrpd.hook, vrrpd.hook, g->ifp->name, vrid, vstate_name[from],
	    vstate_name[to], (char *)NULL);
	err_warnsys("unable to run %s", vrrpd.hook);
	_exit(127);
}

/* A child that was not a tracker's: a hook's. */
void
hook_reaped(pid_t pid, int status)
{
	if (vrrpd.hook == NULL)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		err_warn("%s (pid %ld) exited %d", vrrpd.hook, (long)pid,
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		err_warn("%s (pid %ld) killed by signal %d", vrrpd.hook,
		    (long)pid, WTERMSIG(status));
}
