/*
 * What groups follow besides their link (track KIND NAME in vpnha.conf):
 *
 *   process    up while a process of that command name (comm) runs; from
 *              the kernel's process events (the netlink proc connector),
 *              /proc read only at start and after events were lost
 *   interface  a link's state, which iface.c hands in (track_link)
 *   script     a command run every interval as a child of its own; rise
 *              successes in a row make it up, fall failures down
 *   file       an integer in a file, read again on every inotify event
 *
 * One tracker per kind and name, shared by every group that names it and
 * kept across reloads with its state (track_bind).  Changes are reported
 * up through the callback the caller hands in; the groups' priorities and
 * faults are iface.c's to apply.
 */
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "num.h"
#include "rc.h"
#include "vrrpd.h"

#define PROC_RCVBUF	(4 << 20)	/* events of a fork storm, unread */
#define PROC_BATCH	8		/* recvmmsg calls a wakeup, then the others */
#define PROC_BATCH_MSGS	64		/* datagrams a call */
#define PROC_MSG_SIZE	256		/* one event: 16 + 20 + 40 bytes */
#define PROC_CHURN_NS	(5 * CLOCK_MS)	/* wakeups closer: read on a clock */
#define FILE_VALUE_MAX	1000000		/* |value| of a tracked file */

enum { FILE_OK, FILE_MISSING, FILE_SPECIAL, FILE_NAN, FILE_NEW };
static const char *const file_why[] = { "", "missing or unreadable",
    "not a regular file", "not an integer" };

struct tracker {
	enum tkind kind;
	char name[CONF_TRACK_PATH_MAX + 1];
	struct tconf sc;		/* a script's settings */
	int up;				/* a process': as last reported;
					   a file's: readable */
	long value;			/* a file's */
	int why;			/* a file's: FILE_OK, or why 0 */
	int npid;			/* a process': how many run */
	pid_t pid;			/* a script's running child, or 0 */
	int timed_out, ok_run, fail_run, results;
	int64_t next_at, kill_at;	/* a script's, monotonic; -1 none */
	int wd;				/* a file's inotify watch, or -1 */
	struct err_hush hush;		/* its lines: one a second */
	int used;
	struct tracker *next;
};

static struct tracker *trackers;

/*
 * Processes whose exec event was read when /proc said an untracked name,
 * and when: the event is read after the fact, and the process may have had
 * a tracked name at the time and forked before it executed again.  A fork
 * the kernel stamped before that reading, by one of these, or by another
 * thread of a tracked process, has its child's comm read; any other fork
 * costs no /proc read (a fork storm is a thousand a second).
 */
#define RECENT_MAX	256
static struct {
	pid_t pid;
	int64_t seen;		/* when /proc was read, monotonic */
} recent[RECENT_MAX];
static unsigned recent_next;

static int
recent_exec(pid_t pid, int64_t forked)
{
	unsigned i;

	for (i = 0; i < RECENT_MAX; i++)
		if (recent[i].pid == pid && forked < recent[i].seen)
			return 1;
	return 0;
}
static int proc_fd = -1, proc_listening, inotify_fd = -1;
static int64_t proc_woke = -1;		/* the last read of process events */
static int64_t proc_poll_at = -1;	/* churn: the next; -1: on events */
static struct watch watch_proc = { WATCH_PROC, NULL },
    watch_inotify = { WATCH_INOTIFY, NULL };

/*
 * The processes of tracked names: an open-addressing set of PIDs, each
 * with its tracker, so that the exit of any process on the machine costs
 * one probe.  Backward-shift deletion keeps probes short without
 * tombstones.
 */
struct pslot {
	pid_t pid;			/* 0: empty */
	struct tracker *t;
};
static struct pslot *pset;
static size_t pset_cap, pset_len;

static size_t
pset_home(pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (pset_cap - 1);
}

static struct pslot *
pset_find(pid_t pid)
{
	size_t i;

	if (pset_cap == 0)
		return NULL;
	for (i = pset_home(pid); pset[i].pid != 0; i = (i + 1) & (pset_cap - 1))
		if (pset[i].pid == pid)
			return &pset[i];
	return NULL;
}

/* Into the first free slot from pid's home; the counts are the caller's. */
static void
pset_put(pid_t pid, struct tracker *t)
{
	size_t i;

	for (i = pset_home(pid); pset[i].pid != 0; i = (i + 1) & (pset_cap - 1))
		;
	pset[i].pid = pid;
	pset[i].t = t;
}

static void
pset_grow(void)
{
	struct pslot *old = pset;
	size_t i, n = pset_cap;

	pset_cap = n ? n * 2 : 64;
	if ((pset = calloc(pset_cap, sizeof *pset)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	for (i = 0; i < n; i++)
		if (old[i].pid != 0)
			pset_put(old[i].pid, old[i].t);
	free(old);
}

static void
pset_add(pid_t pid, struct tracker *t)
{
	struct pslot *s;

	if ((s = pset_find(pid)) != NULL) {
		if (s->t != t) {
			s->t->npid--;
			t->npid++;
			s->t = t;
		}
		return;
	}
	if ((pset_len + 1) * 2 > pset_cap)
		pset_grow();
	pset_put(pid, t);
	pset_len++;
	t->npid++;
}

static void
pset_del(struct pslot *s)
{
	size_t i = (size_t)(s - pset), j = i, h;

	s->t->npid--;
	pset_len--;
	for (;;) {
		pset[i].pid = 0;
		for (;;) {
			j = (j + 1) & (pset_cap - 1);
			if (pset[j].pid == 0)
				return;
			h = pset_home(pset[j].pid);
			/* j may move to i unless its home lies in (i, j] */
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		pset[i] = pset[j];
		i = j;
	}
}

static struct tracker *
track_find(enum tkind kind, const char *name)
{
	struct tracker *t;

	for (t = trackers; t != NULL; t = t->next)
		if (t->kind == kind && strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* The tracker of process NAME whose comm is comm, if any. */
static struct tracker *
track_comm(const char *comm)
{
	return track_find(TRACK_PROCESS, comm);
}

/* /proc/PID/comm, without its newline; -1 if the process is gone. */
static int
proc_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Process pid now has comm (NULL: read it); in the set if it is tracked.
 * 1 if it is.
 */
static int
proc_named(pid_t pid, const char *comm)
{
	struct tracker *t;
	struct pslot *s;
	char buf[32];

	if (comm == NULL) {
		if (proc_comm(pid, buf, sizeof buf) < 0)
			buf[0] = '\0';	/* gone already: its exit follows */
		comm = buf;
	}
	t = comm[0] != '\0' ? track_comm(comm) : NULL;
	s = pset_find(pid);
	if (t != NULL)
		pset_add(pid, t);
	else if (s != NULL)
		pset_del(s);
	return t != NULL;
}

/*
 * The comm of a process that runs, from /proc/PID/stat ("PID (COMM) S");
 * -1 if it is gone or a zombie: its exit came before we listened, and no
 * event comes when it is reaped.
 */
static int
proc_live(pid_t pid, char *buf, size_t size)
{
	char path[64], line[128], *l, *r;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n <= 0)
		return -1;
	line[n] = '\0';
	if ((l = strchr(line, '(')) == NULL || (r = strrchr(l, ')')) == NULL ||
	    r[1] != ' ' || r[2] == 'Z' || r[2] == 'X' || (size_t)(r - l) > size)
		return -1;
	memcpy(buf, l + 1, (size_t)(r - l - 1));
	buf[r - l - 1] = '\0';
	return 0;
}

/* Every process of /proc, at start and after lost events. */
static void
proc_scan(void)
{
	struct dirent *d;
	uint64_t pid;
	char comm[32];
	DIR *dir;
	size_t i;

	for (i = 0; i < pset_cap; i++)
		if (pset[i].pid != 0) {
			pset[i].t->npid--;
			pset[i].pid = 0;
		}
	pset_len = 0;
	if ((dir = opendir("/proc")) == NULL) {
		err_warnsys("unable to read /proc");
		return;
	}
	while ((d = readdir(dir)) != NULL)
		if (num_u64(d->d_name, 1, 0x7fffffff, &pid) == NUM_OK &&
		    proc_live((pid_t)pid, comm, sizeof comm) == 0)
			proc_named((pid_t)pid, comm);
	closedir(dir);
}

/* Subscribe to the process events (op PROC_CN_MCAST_LISTEN or _IGNORE). */
static int
proc_ctl(enum proc_cn_mcast_op op)
{
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) m;

	memset(&m, 0, sizeof m);
	m.nl.nlmsg_len = sizeof m;
	m.nl.nlmsg_type = NLMSG_DONE;
	m.nl.nlmsg_pid = 0;
	m.cn.id.idx = CN_IDX_PROC;
	m.cn.id.val = CN_VAL_PROC;
	m.cn.len = sizeof m.op;
	m.op = op;
	return send(proc_fd, &m, sizeof m, 0) < 0 ? -1 : 0;
}

static int
proc_open(char *err, size_t size)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
	    .nl_groups = CN_IDX_PROC };
	int n = PROC_RCVBUF;

	proc_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_CONNECTOR);
	if (proc_fd < 0 || bind(proc_fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		snprintf(err, size, "unable to open the kernel's process "
		    "events: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(proc_fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof n) < 0)
		setsockopt(proc_fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
	/* the kernel refuses outside the initial network namespace */
	if (proc_ctl(PROC_CN_MCAST_IGNORE) < 0) {
		snprintf(err, size, "the kernel's process events: %s%s",
		    strerror(errno), errno == ECONNREFUSED ? " (they reach "
		    "only the initial network namespace: start vrrpd there, "
		    "with -N NETNS)" : "");
		goto fail;
	}
	loop_add(proc_fd, &watch_proc, EPOLLIN);
	return 0;
fail:
	if (proc_fd >= 0)
		close(proc_fd);
	proc_fd = -1;
	return -1;
}

/*
 * Before the groups of list take over: what they track can be followed.
 * The process events are opened here, once (at start, before -N and the
 * dropping of privileges; or at the first reload that tracks a process).
 */
int
track_ready(const struct group *list, char *err, size_t size)
{
	const struct group *g;
	int i, need = vrrpd.netns != NULL;

	for (g = list; g != NULL; g = g->next)
		for (i = 0; i < g->cf.ntrack; i++)
			need |= g->cf.track[i].kind == TRACK_PROCESS;
	if (need && proc_fd < 0 && proc_open(err, size) < 0)
		return -1;
	return 0;
}

/*
 * Its state in the log: a name run a hundred times a second, a file
 * written as often, must not flood it (err_hush): a line a second, the
 * changes held back counted, the last state always said.
 */
static void
track_say(const struct tracker *t, int held)
{
	char buf[48];
	const char *more = err_hush_more(held, buf, sizeof buf);

	switch (t->kind) {
	case TRACK_PROCESS:
		err_log("track process %s: %s%s", t->name, t->up ? "running" :
		    "no process", more);
		break;
	case TRACK_FILE:
		if (t->why == FILE_OK)
			err_log("track file %s: %ld%s", t->name, t->value, more);
		else
			err_warn("track file %s: %s; counts as 0%s", t->name,
			    file_why[t->why], more);
		break;
	default:
		err_log("track %s %s: %s%s", t->kind == TRACK_SCRIPT ?
		    "script" : "interface", t->name, t->up ? "up" : "down",
		    more);
		break;
	}
}

static void
track_report(struct tracker *t)
{
	int held = err_hush_say(&t->hush, vrrpd.now);

	if (held >= 0)
		track_say(t, held);
}

/* A file's value; 0 (said once a reason) when missing, unreadable or no number. */
static void
file_read(struct tracker *t)
{
	char buf[64], *s;
	struct stat st;
	int64_t v = 0;
	long old = t->value;
	ssize_t n = -1;
	int fd, ok = 0, why, special = 0;

	/* O_NONBLOCK: a FIFO put there must not stop the loop */
	fd = open(t->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && fstat(fd, &st) == 0 && !(special = !S_ISREG(st.st_mode)))
		n = read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (n >= 0) {
		/* the number between blanks, by the parser of vpnha.conf's */
		while (n > 0 && strchr(" \t\r\n", buf[n - 1]) != NULL)
			n--;
		buf[n] = '\0';
		s = buf + strspn(buf, " \t");
		ok = num_i64(s, -FILE_VALUE_MAX, FILE_VALUE_MAX, &v) == NUM_OK;
	}
	why = ok ? FILE_OK : special ? FILE_SPECIAL : n < 0 ? FILE_MISSING :
	    FILE_NAN;
	t->up = ok;
	t->value = ok ? (long)v : 0;
	if (why != t->why || (ok && old != v)) {
		t->why = why;
		track_report(t);
	}
}

static void
file_watch(struct tracker *t)
{
	char dir[CONF_TRACK_PATH_MAX + 1];

	if (inotify_fd < 0) {
		if ((inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
			err_warnsys("track file %s: unable to watch", t->name);
			return;
		}
		loop_add(inotify_fd, &watch_inotify, EPOLLIN);
	}
	snprintf(dir, sizeof dir, "%s", t->name);
	/* the directory: a file replaced by rename is still seen */
	t->wd = inotify_add_watch(inotify_fd, dirname(dir), IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR);
	if (t->wd < 0)
		err_warnsys("track file %s: unable to watch its directory",
		    t->name);
}

/* Runs killed with their tracker (a reload): reaped, then not logged. */
static pid_t orphans[16];

static void
script_stop(struct tracker *t)
{
	size_t i;

	if (t->pid <= 0)
		return;
	kill(-t->pid, SIGKILL);
	for (i = 0; i < sizeof orphans / sizeof orphans[0]; i++)
		if (orphans[i] == 0) {
			orphans[i] = t->pid;
			break;
		}
	t->pid = 0;
}

static void
track_free(struct tracker *t)
{
	size_t i;

	if (t->kind == TRACK_SCRIPT)
		script_stop(t);
	if (t->kind == TRACK_FILE && t->wd >= 0 &&
	    track_find(TRACK_FILE, t->name) == t) {
		/* a watch is per directory: keep it while another uses it */
		struct tracker *o;
		int shared = 0;

		for (o = trackers; o != NULL; o = o->next)
			shared |= o != t && o->kind == TRACK_FILE && o->wd == t->wd;
		if (!shared)
			inotify_rm_watch(inotify_fd, t->wd);
	}
	for (i = 0; t->kind == TRACK_PROCESS && i < pset_cap; i++)
		while (pset[i].pid != 0 && pset[i].t == t)
			pset_del(&pset[i]);
	free(t);
}

/* A tracker as tc names it: the one there is, or a new one. */
static struct tracker *
track_get(const struct tconf *tc, int *fresh_procs)
{
	struct tracker *t;

	for (t = trackers; t != NULL; t = t->next)
		if (t->kind == tc->kind && strcmp(t->name, tc->name) == 0 &&
		    (t->kind != TRACK_SCRIPT ||
		    (strcmp(t->sc.command, tc->command) == 0 &&
		    t->sc.interval == tc->interval && t->sc.timeout ==
		    tc->timeout && t->sc.rise == tc->rise &&
		    t->sc.fall == tc->fall)))
			return t;
	if ((t = calloc(1, sizeof *t)) == NULL)
		err_fatal(RC_TEMP, "out of memory");
	t->kind = tc->kind;
	snprintf(t->name, sizeof t->name, "%s", tc->name);
	t->sc = *tc;
	t->wd = -1;
	t->next_at = t->kill_at = -1;
	/* a script is up until its first result, which decides at once */
	t->up = t->kind == TRACK_SCRIPT;
	if (t->kind == TRACK_SCRIPT)
		t->next_at = vrrpd.now;
	else if (t->kind == TRACK_FILE) {
		t->why = FILE_NEW;
		file_watch(t);
		file_read(t);
	} else
		*fresh_procs = 1;
	t->next = trackers;
	trackers = t;
	return t;
}

/* Process trackers that went up or down since they were last reported. */
static int
proc_changed(void)
{
	struct tracker *t;
	int changed = 0;

	for (t = trackers; t != NULL; t = t->next)
		if (t->kind == TRACK_PROCESS && t->up != (t->npid > 0)) {
			t->up = t->npid > 0;
			track_report(t);
			changed = 1;
		}
	return changed;
}

/*
 * Every group of list to its trackers; a tracker no group names any more
 * goes (its script killed).  New process trackers start from /proc.
 */
void
track_bind(struct group *list)
{
	struct tracker *t, **pp;
	struct group *g;
	int i, fresh = 0, procs = 0;

	for (t = trackers; t != NULL; t = t->next)
		t->used = 0;
	for (g = list; g != NULL; g = g->next)
		for (i = 0; i < CONF_TRACK_MAX; i++) {
			g->run.trk[i] = NULL;
			if (i >= g->cf.ntrack)
				continue;
			g->run.trk[i] = track_get(&g->cf.track[i], &fresh);
			g->run.trk[i]->used = 1;
		}
	for (pp = &trackers; (t = *pp) != NULL;)
		if (t->used)
			pp = &t->next;
		else {
			*pp = t->next;
			track_free(t);
		}
	for (t = trackers; t != NULL; t = t->next)
		procs |= t->kind == TRACK_PROCESS;
	if (proc_fd >= 0 && procs != proc_listening) {
		/* listen first, then read /proc: no process falls between */
		if (proc_ctl(procs ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE) < 0)
			err_warnsys("unable to follow the kernel's process events");
		proc_listening = procs;
	}
	if (fresh) {
		proc_scan();
		proc_changed();
	}
}

/*
 * A group's trackers: 1 if one without a weight is down (a Fault), and
 * in *adjust the sum of the weights of those down and of the files.
 */
int
track_eval(const struct group *g, int *adjust)
{
	const struct tconf *tc;
	const struct tracker *t;
	long a = 0;
	int i, fault = 0;

	for (i = 0; i < g->cf.ntrack; i++) {
		tc = &g->cf.track[i];
		if ((t = g->run.trk[i]) == NULL)
			continue;
		if (t->kind == TRACK_FILE) {
			a += t->value * tc->weight;
			continue;
		}
		if (t->up)
			continue;
		if (!tc->weighted)
			fault = 1;
		else
			a += tc->weight;
	}
	/* beyond this, the priority is clamped anyway */
	*adjust = a < -1000 ? -1000 : a > 1000 ? 1000 : (int)a;
	return fault;
}

void
track_link(const char *ifname, int up)
{
	struct tracker *t = track_find(TRACK_INTERFACE, ifname);

	if (t != NULL && t->up != up) {
		t->up = up;
		track_report(t);
	}
}

static void
proc_event(const struct proc_event *ev)
{
	struct pslot *s;

	switch (ev->what) {
	case PROC_EVENT_FORK:
		/*
		 * A process, not a thread.  A child the leader of a tracked
		 * process forked has its comm.  Another's is read: another
		 * thread may have a name of its own (PR_SET_NAME), or the
		 * parent had a tracked name when it forked and another by
		 * the time its exec event was read (events are read late,
		 * /proc is read now).
		 */
		if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid)
			break;
		s = pset_find(ev->event_data.fork.parent_tgid);
		if (s != NULL &&
		    ev->event_data.fork.parent_pid == ev->event_data.fork.parent_tgid)
			pset_add(ev->event_data.fork.child_tgid, s->t);
		else if (s != NULL || recent_exec(ev->event_data.fork.parent_tgid,
		    (int64_t)ev->timestamp_ns))
			proc_named(ev->event_data.fork.child_tgid, NULL);
		break;
	case PROC_EVENT_EXEC:
		if (!proc_named(ev->event_data.exec.process_tgid, NULL)) {
			recent[recent_next].pid = ev->event_data.exec.process_tgid;
			recent[recent_next].seen = clock_mono();
			recent_next = (recent_next + 1) % RECENT_MAX;
		}
		break;
	case PROC_EVENT_COMM:
		if (ev->event_data.comm.process_pid ==
		    ev->event_data.comm.process_tgid) {
			char comm[sizeof ev->event_data.comm.comm + 1];

			memcpy(comm, ev->event_data.comm.comm, sizeof comm - 1);
			comm[sizeof comm - 1] = '\0';
			proc_named(ev->event_data.comm.process_tgid, comm);
		}
		break;
	case PROC_EVENT_EXIT:
		if (ev->event_data.exit.process_pid ==
		    ev->event_data.exit.process_tgid &&
		    (s = pset_find(ev->event_data.exit.process_tgid)) != NULL)
			pset_del(s);
		break;
	default:
		break;
	}
}

/* One datagram of process events, from the kernel alone. */
static void
proc_datagram(const struct sockaddr_nl *from, struct nlmsghdr *nh, size_t n)
{
	struct cn_msg *cn;
	struct proc_event ev;

	/* root could unicast to our port (a user may not): believe port 0 */
	if (from->nl_family != AF_NETLINK || from->nl_pid != 0)
		return;
	for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		cn = NLMSG_DATA(nh);
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof *cn) ||
		    cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
		    nh->nlmsg_len < NLMSG_LENGTH(sizeof *cn + cn->len))
			continue;
		/* cn->data is 4-aligned only: a copy, zero past what came */
		memset(&ev, 0, sizeof ev);
		memcpy(&ev, cn->data, cn->len < sizeof ev ? cn->len : sizeof ev);
		proc_event(&ev);
	}
}

/*
 * Churn (a machine that forks hundreds of processes a second, in bursts):
 * a wakeup for every few events costs more than the events.  When reads
 * come closer than PROC_CHURN_NS, the socket is read on the clock every
 * PROC_CHURN_NS instead, until a read finds nothing: a tracked process'
 * end is then seen that much later at most, and only while the machine
 * churns.
 */
static void
proc_pace(int got)
{
	int churn = proc_woke >= 0 && vrrpd.now - proc_woke < PROC_CHURN_NS;

	proc_woke = vrrpd.now;
	if (proc_poll_at < 0 && churn) {
		loop_mod(proc_fd, &watch_proc, 0);
		proc_poll_at = vrrpd.now + PROC_CHURN_NS;
	} else if (proc_poll_at >= 0 && got > 0)
		proc_poll_at = vrrpd.now + PROC_CHURN_NS;
	else if (proc_poll_at >= 0) {
		loop_mod(proc_fd, &watch_proc, EPOLLIN);	/* quiet again */
		proc_poll_at = -1;
	}
}

/*
 * The events queued, PROC_BATCH_MSGS datagrams a call (the kernel sends
 * one an event), at most PROC_BATCH calls a wakeup.
 */
void
track_proc_events(void (*changed)(void))
{
	static union {
		char buf[PROC_MSG_SIZE];
		struct nlmsghdr align;
	} u[PROC_BATCH_MSGS];
	struct sockaddr_nl from[PROC_BATCH_MSGS];
	struct mmsghdr mm[PROC_BATCH_MSGS];
	struct iovec iov[PROC_BATCH_MSGS];
	int i, j, n, got = 0;

	for (i = 0; i < PROC_BATCH; i++) {
		for (j = 0; j < PROC_BATCH_MSGS; j++) {
			iov[j].iov_base = u[j].buf;
			iov[j].iov_len = sizeof u[j].buf;
			memset(&mm[j], 0, sizeof mm[j]);
			mm[j].msg_hdr.msg_name = &from[j];
			mm[j].msg_hdr.msg_namelen = sizeof from[j];
			mm[j].msg_hdr.msg_iov = &iov[j];
			mm[j].msg_hdr.msg_iovlen = 1;
		}
		if ((n = recvmmsg(proc_fd, mm, PROC_BATCH_MSGS, 0, NULL)) < 0) {
			if (errno != ENOBUFS)
				break;
			err_warn("process events lost (the socket overflowed); "
			    "reading /proc again");
			proc_scan();
			continue;
		}
		for (j = 0; j < n; j++)
			proc_datagram(&from[j], &u[j].align, mm[j].msg_len);
		got += n;
		if (n < PROC_BATCH_MSGS)
			break;	/* drained */
	}
	proc_pace(got);
	if (proc_changed())
		changed();
}

void
track_file_events(void (*changed)(void))
{
	union {
		char buf[4096];
		struct inotify_event align;
	} u;
	const struct inotify_event *ev;
	struct tracker *t;
	ssize_t n;
	char *p;
	int any = 0, i;

	/* bounded: a writer in a loop must not keep the loop here */
	for (i = 0; i < 64 && (n = read(inotify_fd, u.buf, sizeof u.buf)) > 0;
	    i++)
		for (p = u.buf; p < u.buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			for (t = trackers; t != NULL; t = t->next) {
				if (t->kind != TRACK_FILE)
					continue;
				if (ev->mask & IN_Q_OVERFLOW) {
					file_read(t);	/* events lost: all */
					any = 1;
					continue;
				}
				if (t->wd != ev->wd)
					continue;
				if (ev->mask & IN_IGNORED)
					t->wd = -1;	/* the directory went */
				else if (ev->len == 0 || strcmp(ev->name,
				    strrchr(t->name, '/') + 1) != 0)
					continue;
				file_read(t);
				any = 1;
			}
		}
	if (any)
		changed();
}

/* A script's result: rise successes in a row make it up, fall failures down. */
static int
script_result(struct tracker *t, int ok)
{
	int was = t->up;

	if (ok) {
		t->ok_run++;
		t->fail_run = 0;
		if (!t->up && (t->ok_run >= (int)t->sc.rise || t->results == 0))
			t->up = 1;
	} else {
		t->fail_run++;
		t->ok_run = 0;
		if (t->up && (t->fail_run >= (int)t->sc.fall || t->results == 0))
			t->up = 0;
	}
	t->results++;
	if (t->up != was)
		track_report(t);
	return t->up != was;
}

int
track_reaped(pid_t pid, int status, void (*changed)(void))
{
	struct tracker *t;
	size_t i;
	int ok;

	for (i = 0; i < sizeof orphans / sizeof orphans[0]; i++)
		if (orphans[i] == pid) {
			orphans[i] = 0;
			return 1;
		}
	for (t = trackers; t != NULL; t = t->next)
		if (t->kind == TRACK_SCRIPT && t->pid == pid)
			break;
	if (t == NULL)
		return 0;
	t->pid = 0;
	t->kill_at = -1;
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (t->timed_out)
		err_warn("track script %s: timed out; killed", t->name);
	t->timed_out = 0;
	if (t->next_at < vrrpd.now)
		t->next_at = vrrpd.now;
	if (script_result(t, ok))
		changed();
	return 1;
}

static void
script_run(struct tracker *t)
{
	sigset_t none;
	pid_t pid;
	int fd;

	t->next_at = vrrpd.now + (int64_t)t->sc.interval * 10 * CLOCK_MS;
	if ((pid = fork()) < 0) {
		err_warnsys("track script %s: unable to run", t->name);
		return;
	}
	if (pid == 0) {
		/* a process group of its own: a timeout kills all of it */
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", t->sc.command, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	t->pid = pid;
	t->kill_at = vrrpd.now + (int64_t)t->sc.timeout * 10 * CLOCK_MS;
}

void
track_timers(void (*changed)(void))
{
	struct tracker *t;
	int64_t d;

	if (proc_poll_at >= 0 && proc_poll_at <= vrrpd.now)
		track_proc_events(changed);
	for (t = trackers; t != NULL; t = t->next) {
		d = err_hush_due(&t->hush);
		if (d >= 0 && d <= vrrpd.now)
			track_say(t, err_hush_say(&t->hush, vrrpd.now));
		if (t->kind != TRACK_SCRIPT)
			continue;
		if (t->pid > 0 && t->kill_at >= 0 && t->kill_at <= vrrpd.now) {
			kill(-t->pid, SIGKILL);
			t->timed_out = 1;
			t->kill_at = -1;
		}
		if (t->pid == 0 && t->next_at >= 0 && t->next_at <= vrrpd.now)
			script_run(t);
	}
}

int64_t
track_next(void)
{
	const struct tracker *t;
	int64_t at = proc_poll_at, d;

	for (t = trackers; t != NULL; t = t->next) {
		d = err_hush_due(&t->hush);
		if (d >= 0 && (at < 0 || d < at))
			at = d;
		if (t->kind != TRACK_SCRIPT)
			continue;
		d = t->pid > 0 ? t->kill_at : t->next_at;
		if (d >= 0 && (at < 0 || d < at))
			at = d;
	}
	return at;
}

/* "KIND NAME STATE WEIGHT": state up/down (a file: its value), weight or fault. */
void
track_show(const struct group *g, int i, char *buf, size_t size)
{
	static const char *const kind[] = { "process", "interface", "script",
	    "file" };
	const struct tconf *tc = &g->cf.track[i];
	const struct tracker *t = g->run.trk[i];
	char state[32], weight[16];

	if (t == NULL)
		snprintf(state, sizeof state, "-");
	else if (t->kind == TRACK_FILE)
		snprintf(state, sizeof state, "%ld", t->value);
	else
		snprintf(state, sizeof state, "%s", t->up ? "up" : "down");
	if (tc->weighted || tc->kind == TRACK_FILE)
		snprintf(weight, sizeof weight, "%d", tc->weight);
	else
		snprintf(weight, sizeof weight, "fault");
	snprintf(buf, size, "%s %s %s %s", kind[tc->kind], tc->name, state,
	    weight);
}

/* At shutdown: no more events for us, no script left running. */
void
track_close(void)
{
	struct tracker *t;

	if (proc_fd >= 0 && proc_listening)
		proc_ctl(PROC_CN_MCAST_IGNORE);
	for (t = trackers; t != NULL; t = t->next)
		if (t->kind == TRACK_SCRIPT)
			script_stop(t);
}
