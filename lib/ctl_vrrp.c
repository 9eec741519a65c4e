#include <stddef.h>

#include "ctl_vrrp.h"
#include "num.h"

const struct ctl_verb ctl_vrrp_verbs[CTL_VRRP_VERBS] = {
	[CTL_VRRP_SHOW] = { "show", 0, 2, "[IF VRID]" },
	[CTL_VRRP_PRIORITY] = { "priority", 3, 3, "IF VRID N" },
	[CTL_VRRP_RESTORE] = { "restore", 2, 2, "IF VRID" },
	[CTL_VRRP_TAKE] = { "take", 2, 2, "IF VRID" },
	[CTL_VRRP_RELEASE] = { "release", 2, 3, "IF VRID [N]" },
};

unsigned
ctl_vrrp_vrid(const char *s)
{
	uint32_t v;

	return num_u32(s, 1, 255, &v) == NUM_OK ? v : 0;
}

int
ctl_vrrp_priority(const char *s)
{
	uint32_t p;

	return num_u32(s, CTL_VRRP_PRIO_MIN, CTL_VRRP_PRIO_MAX, &p) == NUM_OK ?
	    (int)p : 0;
}

int
ctl_vrrp_parse(char *line, struct ctl_vrrp_req *rq)
{
	char *w[5];
	int n = ctl_words(line, w, 5), v;

	if (n == 0 || (v = ctl_verb(ctl_vrrp_verbs, CTL_VRRP_VERBS, w[0])) < 0 ||
	    n - 1 < ctl_vrrp_verbs[v].min || n - 1 > ctl_vrrp_verbs[v].max ||
	    (v == CTL_VRRP_SHOW && n == 2))
		return -1;
	rq->verb = (enum ctl_vrrp_verb)v;
	rq->ifname = n > 2 ? w[1] : NULL;
	rq->vrid = n > 2 ? w[2] : NULL;
	rq->prio = n > 3 ? w[3] : NULL;
	rq->vrid_num = rq->vrid != NULL ? ctl_vrrp_vrid(rq->vrid) : 0;
	rq->prio_num = rq->prio != NULL ? ctl_vrrp_priority(rq->prio) : 0;
	return 0;
}
