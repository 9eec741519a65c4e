/*
 * vrrpd: the state of every virtual router this node runs; then what each
 * file of the daemon exports, one section a file, from the top of the
 * call graph down (the map at the head of vrrpd.c says who calls whom).
 */
#ifndef VRRPD_H
#define VRRPD_H

#include <net/if.h>
#include <stdint.h>
#include <sys/types.h>

#include "advert.h"
#include "conf.h"
#include "err.h"
#include "loop.h"

#define VRRPD_VIPS_MAX	32		/* virtual addresses of one group */
#define VRRPD_PEERS_MAX	16		/* peer-address of one group */
#define VMAC_SYSCTLS	2		/* arp_ignore, arp_announce */

enum vstate { VS_INIT, VS_BACKUP, VS_MASTER, VS_FAULT };

struct vip {
	int af;
	union advert_addr a;
	int plen;
};

struct iface {
	char name[IF_NAMESIZE];
	int index;			/* 0 while the interface is missing */
	int up;				/* carrier and admin up */
	uint8_t mac[6];
	int have4, have6;
	struct in_addr primary4;	/* first IPv4 address not a VIP */
	struct in6_addr ll6;		/* link-local address */
	int sock4, sock6;		/* VRRP raw sockets, -1 if none */
	int arp, icmp6;			/* for gratuitous ARP, unsolicited NA */
	int sysctl_old[VMAC_SYSCTLS];	/* to restore (vmac.c), -1 untouched */
	uint64_t drops[ADVERT_DROP_MAX];
	struct watch watch4, watch6;	/* sock4 and sock6 in the loop */
	struct iface *next;
};

struct vmac {				/* rfc3768-compatibility true */
	char name[IF_NAMESIZE];
	int index;			/* 0 if none */
	uint8_t mac[6];
};

/*
 * track KIND NAME [weight W]: what a group follows.  Without a weight the
 * tracker down is a Fault; with one, down adds W (a file: its value times
 * W, always).  A script's settings (set vrrp script NAME ...) are copied
 * in, so that a change of them is a change of the group's configuration.
 */
enum tkind { TRACK_PROCESS, TRACK_INTERFACE, TRACK_SCRIPT, TRACK_FILE };

struct tconf {
	enum tkind kind;
	int weighted;
	int weight;			/* -254..254; a file's 1 by default */
	char name[CONF_TRACK_PATH_MAX + 1];	/* comm, interface, script, path */
	char command[CONF_SCRIPT_CMD_MAX + 1];	/* a script's */
	unsigned interval, timeout;	/* a script's, centiseconds */
	unsigned rise, fall;
};

/*
 * A group as vpnha.conf configures it: everything config.c reads from the
 * statements of one vrrp-group, and nothing else.  A reload compares it
 * whole, byte for byte (reload.c): config.c builds it in zeroed memory
 * and it is only ever copied whole.
 */
struct gconf {
	int af;
	int version;
	int priority;
	int owner;			/* priority 255: the addresses are ours */
	int preempt;
	int fast_preempt;		/* take over on a lower master's advert */
	int rfc3768;
	int auth_type;			/* VRRP_AUTH_NONE or VRRP_AUTH_PASS (v2) */
	uint8_t auth[VRRP_AUTH_LEN];	/* the password, NUL-padded */
	unsigned interval;		/* Advertisement_Interval, centiseconds */
	char sync[65];			/* sync group, "" if none */
	int nvip;
	struct vip vip[VRRPD_VIPS_MAX];
	/*
	 * Unicast (peer-address, hello-source-address): adverts go to each
	 * peer and are heard only from them; npeer 0 is multicast.  A source
	 * not set is the interface's (primary4, ll6).
	 */
	int npeer;
	union advert_addr peer[VRRPD_PEERS_MAX];
	int have_src;
	union advert_addr src;
	int ntrack;
	struct tconf track[CONF_TRACK_MAX];
};

/*
 * A group as it runs: what vrrpd learns and decides, nothing configured.
 * A reload that keeps the group keeps all of it (reload.c); a group that
 * starts, or starts again, is a new one from config.c, all of it zero
 * but for what iface_attach sets.
 */
struct grun {
	int priority;			/* run-time (control socket); 0 if none */
	struct vmac vmac;
	enum vstate state;
	unsigned master_interval;	/* Master_Adver_Interval, centiseconds */
	int master_known, master_priority;
	union advert_addr master_addr;
	int64_t adver_at, down_at;	/* monotonic deadlines, -1 if unset */
	int64_t garp_at;		/* next gratuitous ARP burst, -1 none */
	int garp_left;
	int64_t changed;		/* wall clock of the last transition */
	uint64_t transitions;		/* changes of state */
	uint64_t sent, received, sent0, received0;
	int mismatch_logged;
	int resigned;			/* priority 0 sent, stopping */
	int demoted;			/* left Master for a better master, still heard */
	int by_resign;			/* Master_Down_Timer set by a priority 0 */
	int64_t joined_at;		/* taken to Master by a companion, or -1 */
	int dirty;			/* status file to rewrite */
	struct tracker *trk[CONF_TRACK_MAX];	/* of cf.track, by track_bind */
	int adjust;			/* the trackers' sum of weights */
	struct err_hush hush;		/* election_moved's lines */
	int said_priority;		/* the effective one last logged */
	int64_t moved_sent;		/* election_moved's last advert */
	int tfault;			/* a tracker without weight is down */
};

struct group {
	char ifname[IF_NAMESIZE];	/* with vrid, who the group is */
	uint8_t vrid;
	struct iface *ifp;		/* ifname's, once started; else NULL */
	struct gconf cf;		/* as configured */
	struct grun run;		/* as it runs */
	int mark;			/* within one reload or request */
	struct group *next;
};

/* The priority before the trackers: the run-time one, or the configured. */
static inline int
group_base_priority(const struct group *g)
{
	return g->run.priority ? g->run.priority : g->cf.priority;
}

/*
 * The effective priority, what adverts carry and elections compare: the
 * configured one moved by the trackers' weights, within 1..254; the
 * owner's 255 never moves.  A run-time priority (vrrp-failover) is the
 * operator's word and is taken as it is, weights aside, until restore.
 */
static inline int
group_priority(const struct group *g)
{
	int p = g->cf.priority + g->run.adjust;

	if (g->run.priority)
		return g->run.priority;
	if (g->cf.priority == 255)
		return 255;
	return p < 1 ? 1 : p > 254 ? 254 : p;
}

/* vrrpd.c: main, the options, the loop */
struct vrrpd {
	const char *conf, *run, *hook, *user;
	const char *netns;		/* -N: joined after the process events */
	gid_t gid;			/* of the control socket, or -1 */
	char dir[4096];			/* RUN/vrrpd */
	int nl;				/* rtnetlink, requests */
	int nlev;			/* rtnetlink, events */
	int64_t now;			/* monotonic, at the last wakeup */
};
extern struct vrrpd vrrpd;		/* vrrpd.c writes it */
enum vrrpd_watch {		/* what a struct watch of the loop holds */
	WATCH_SIGNAL, WATCH_TIMER, WATCH_NETLINK, WATCH_CONTROL, WATCH_CLIENT,
	WATCH_VRRP4, WATCH_VRRP6,	/* p: the struct iface */
	WATCH_PROC, WATCH_INOTIFY	/* track.c's */
};

/* reload.c: the groups of vpnha.conf, at start and on SIGHUP */
extern struct group *vrrpd_groups;	/* in the file's order */
int reload_first(char *err, size_t size);
void reload_sighup(void);

/* control.c: RUNDIR/vrrpd/control */
struct client;
int control_open(const char *path, gid_t gid);
void control_close(void);
void control_accept(void);
void control_event(struct client *, uint32_t events);
int64_t control_timers(void);

/* iface.c: the interfaces, their sockets and link state */
void iface_attach(struct group *);
void iface_start(struct group *);
void iface_refresh(struct iface *);
void iface_changed(int index, int down);
void iface_health(void);
void iface_follow(const struct group *);

/* election.c: the state machine of RFC 5798 6.4 (and RFC 3768 6.4) */
void election_start(struct group *);
void election_timers(struct group *);
void election_advert(struct group *, const struct advert *);
void election_resign(struct group *);
void election_fault(struct group *);
void election_stop(struct group *);
void election_priority(struct group *, int priority);
void election_moved(struct group *, int before);
void election_release(struct group *);
int election_sync_member(const struct group *, const struct group *);
int64_t election_next(const struct group *);

/* metrics.c: RUNDIR/vrrpd/vrrpd.prom, linked from RUNDIR/metrics */
void metrics_start(void);	/* as root: the link */
void metrics_write(void);

/* status.c: RUNDIR/vrrpd/IF.VRID */
extern const char *const vstate_name[];	/* "init", "backup", ... */
void status_write(struct group *);
void status_remove(struct group *);
void status_show(struct group *, void (*line)(void *, const char *, ...), void *);

/* hook.c: -x PROG */
void hook_run(const struct group *, enum vstate from, enum vstate to);
void hook_reaped(pid_t, int status);

/*
 * track.c: the processes, interfaces, scripts and files groups follow;
 * each change reported through changed (iface_health).
 */
struct tracker;
int track_ready(const struct group *list, char *err, size_t size);
void track_bind(struct group *list);
int track_eval(const struct group *, int *adjust);
void track_link(const char *ifname, int up);
void track_proc_events(void (*changed)(void));
void track_file_events(void (*changed)(void));
int track_reaped(pid_t, int status, void (*changed)(void));
void track_timers(void (*changed)(void));
int64_t track_next(void);
void track_show(const struct group *, int i, char *buf, size_t size);
void track_close(void);

/* net.c: adverts on the wire */
int net_iface_open(struct iface *, int af);
void net_iface_close(struct iface *);
/* Adverts for a group, checked for it, go to heard (election_advert). */
void net_receive(struct iface *, int af,
    void (*heard)(struct group *, const struct advert *));
int net_send(struct group *, int priority);
/* Where g's adverts come from: hello-source-address, or the interface's. */
void net_source(const struct group *, union advert_addr *);

/* vip.c: the virtual addresses */
int vip_add(struct group *);
int vip_del(struct group *);
void vip_clean_stale(struct group *);
void vip_announce(struct group *);
const char *vip_str(const struct vip *, char *buf, size_t size);

/* vmac.c: the virtual MAC of rfc3768-compatibility */
int vmac_up(struct group *);
void vmac_down(struct group *);
int vmac_index(const struct group *);
const uint8_t *vmac_mac(const struct group *);

/* nl.c: rtnetlink */
int nl_open(void);
int nl_events(void);
int nl_iface(struct iface *);
int nl_addr(int fd, int add, int index, const struct vip *);
int nl_has_addr(int fd, int index, const struct vip *);
/* Link events, each to changed (iface_changed). */
void nl_drain(int fd, void (*changed)(int index, int down));
int nl_macvlan_add(int fd, const char *name, int parent, const uint8_t mac[6]);
int nl_link_quiet_up(int fd, int index);
int nl_link_del(int fd, int index);
int nl_macvlan_find(int fd, int parent, const uint8_t mac[6], const char *name,
    char *found);

/* advert.c: in advert.h */

/* config.c: the groups of vpnha.conf, read */
int config_load(const char *file, struct group **out, char *err, size_t size);
void config_free(struct group *);

#endif
