/*
 * RUN/vrrpd/IF.VRID: the state of one group as name=value lines, replaced
 * whole (written as .new, then renamed) so a reader never sees half of it.
 * The format is documented in vrrpd(8), FILES; vrrp-show(8) reads it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "file.h"
#include "vrrpd.h"

const char *const vstate_name[] = { "init", "backup", "master", "fault" };

static char *
interval_str(char *buf, size_t size, unsigned cs)
{
	if (cs % 100 == 0)
		snprintf(buf, size, "%u", cs / 100);
	else if (cs % 10 == 0)
		snprintf(buf, size, "%u.%u", cs / 100, cs / 10 % 10);
	else
		snprintf(buf, size, "%u.%02u", cs / 100, cs % 100);
	return buf;
}

static void
addr_str(char *buf, size_t size, int af, const void *a, int have)
{
	if (!have)
		buf[0] = '\0';
	else
		inet_ntop(af, a, buf, (socklen_t)size);
}

/* Where adverts come from and go: source, hello_source and peer addresses. */
static void
status_unicast(struct group *g, void (*line)(void *, const char *, ...),
    void *arg)
{
	char a[INET6_ADDRSTRLEN];
	char peers[VRRPD_PEERS_MAX * (INET6_ADDRSTRLEN + 1)];
	union advert_addr src;
	size_t n;
	int i;

	net_source(g, &src);
	addr_str(a, sizeof a, g->cf.af, &src, g->cf.have_src ||
	    (g->cf.af == AF_INET ? g->ifp->have4 : g->ifp->have6));
	line(arg, "source_address=%s", a);
	addr_str(a, sizeof a, g->cf.af, &g->cf.src, g->cf.have_src);
	line(arg, "hello_source_address=%s", a);
	peers[0] = '\0';
	for (i = 0, n = 0; i < g->cf.npeer; i++) {
		addr_str(a, sizeof a, g->cf.af, &g->cf.peer[i], 1);
		n += (size_t)snprintf(peers + n, sizeof peers - n, "%s%s",
		    i ? " " : "", a);
	}
	line(arg, "peer_addresses=%s", peers);
}

/* Every line of the status of g, through line(). */
void
status_show(struct group *g, void (*line)(void *, const char *, ...), void *arg)
{
	const struct iface *ifp = g->ifp;
	char a[INET6_ADDRSTRLEN], iv[16], v[64], vips[VRRPD_VIPS_MAX * 52];
	char t[CONF_TRACK_PATH_MAX + 64];
	size_t n;
	int i;

	line(arg, "interface=%s", ifp->name);
	line(arg, "vrid=%u", g->vrid);
	line(arg, "family=%s", g->cf.af == AF_INET ? "inet" : "inet6");
	line(arg, "version=%d", g->cf.version);
	line(arg, "state=%s", vstate_name[g->run.state]);
	line(arg, "priority=%d", group_base_priority(g));
	line(arg, "effective_priority=%d", group_priority(g));
	line(arg, "config_priority=%d", g->cf.priority);
	line(arg, "preempt=%s", g->cf.preempt ? "true" : "false");
	line(arg, "fast_preempt=%s", g->cf.fast_preempt ? "true" : "false");
	line(arg, "advert_interval=%s", interval_str(iv, sizeof iv, g->cf.interval));
	line(arg, "auth_type=%s", g->cf.auth_type == VRRP_AUTH_PASS ?
	    "plaintext-password" : "none");
	line(arg, "rfc3768_compatibility=%s", g->cf.rfc3768 ? "true" : "false");
	line(arg, "vmac_interface=%s", g->run.vmac.index > 0 ?
	    g->run.vmac.name : "");
	if (g->run.vmac.index > 0)
		line(arg, "vmac_address=%02x:%02x:%02x:%02x:%02x:%02x",
		    g->run.vmac.mac[0], g->run.vmac.mac[1], g->run.vmac.mac[2],
		    g->run.vmac.mac[3], g->run.vmac.mac[4], g->run.vmac.mac[5]);
	else
		line(arg, "vmac_address=");
	line(arg, "vip_count=%d", g->cf.nvip);
	vips[0] = '\0';
	for (i = 0, n = 0; i < g->cf.nvip; i++)
		n += (size_t)snprintf(vips + n, sizeof vips - n, "%s%s",
		    i ? " " : "", vip_str(&g->cf.vip[i], v, sizeof v));
	line(arg, "vips=%s", vips);
	line(arg, "sync_group=%s", g->cf.sync);
	status_unicast(g, line, arg);
	line(arg, "interface_state=%s", ifp->up ? "up" : "down");
	addr_str(a, sizeof a, g->cf.af, &g->run.master_addr, g->run.master_known);
	line(arg, "master_address=%s", a);
	if (g->run.master_known)
		line(arg, "master_priority=%d", g->run.master_priority);
	else
		line(arg, "master_priority=");
	line(arg, "master_advert_interval=%s",
	    interval_str(iv, sizeof iv, g->run.master_interval));
	line(arg, "last_transition=%lld.%06lld",
	    (long long)(g->run.changed / CLOCK_SEC),
	    (long long)(g->run.changed % CLOCK_SEC / 1000));
	line(arg, "adverts_sent=%llu", (unsigned long long)g->run.sent);
	line(arg, "adverts_received=%llu", (unsigned long long)g->run.received);
	line(arg, "priority0_sent=%llu", (unsigned long long)g->run.sent0);
	line(arg, "priority0_received=%llu", (unsigned long long)g->run.received0);
	for (i = 1; i < ADVERT_DROP_MAX; i++)
		line(arg, "drop_%s=%llu", advert_drop_name[i],
		    (unsigned long long)ifp->drops[i]);
	line(arg, "track_count=%d", g->cf.ntrack);
	for (i = 0; i < g->cf.ntrack; i++) {
		track_show(g, i, t, sizeof t);
		line(arg, "track%d=%s", i + 1, t);
	}
	line(arg, "pid=%ld", (long)getpid());
}

struct sbuf {
	char buf[16384];
	size_t len;
};

static void
sbuf_line(void *arg, const char *fmt, ...)
{
	struct sbuf *s = arg;
	va_list ap;
	int n;

	if (s->len >= sizeof s->buf - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, sizeof s->buf - s->len - 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n < sizeof s->buf - s->len - 1 ?
		    (size_t)n : sizeof s->buf - s->len - 1;
	s->buf[s->len++] = '\n';
}

static void
status_path(char *buf, size_t size, const struct group *g)
{
	snprintf(buf, size, "%s/%s.%u", vrrpd.dir, g->ifp->name, g->vrid);
}

void
status_write(struct group *g)
{
	struct sbuf s;
	char p[4200];

	s.len = 0;
	status_show(g, sbuf_line, &s);
	status_path(p, sizeof p, g);
	if (file_replace(p, s.buf, s.len, 0644) < 0)
		err_warnsys("unable to write %s", p);
	g->run.dirty = 0;
}

void
status_remove(struct group *g)
{
	char p[4200];

	status_path(p, sizeof p, g);
	if (unlink(p) < 0 && errno != ENOENT)
		err_warnsys("unable to remove %s", p);
}
