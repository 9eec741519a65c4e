/*
 * vrrpd's control request parser (lib/ctl_vrrp.c, which vrrpd parses
 * requests with) on any line: it never crashes; what it accepts is a verb
 * of the table with a number of words the table allows, its VRID and N
 * numbers in range or 0, and written again it parses to itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_vrrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
check(const struct ctl_vrrp_req *rq)
{
	const struct ctl_verb *v;
	int n;

	if ((unsigned)rq->verb >= CTL_VRRP_VERBS)
		abort();
	v = &ctl_vrrp_verbs[rq->verb];
	n = (rq->ifname != NULL) + (rq->vrid != NULL) + (rq->prio != NULL);
	if (n < v->min || n > v->max ||
	    (rq->ifname == NULL) != (rq->vrid == NULL) ||
	    (rq->prio != NULL && rq->vrid == NULL))
		abort();
	if (rq->vrid_num > 255 || rq->vrid_num !=
	    (rq->vrid != NULL ? ctl_vrrp_vrid(rq->vrid) : 0))
		abort();
	if (rq->prio_num != 0 && (rq->prio_num < CTL_VRRP_PRIO_MIN ||
	    rq->prio_num > CTL_VRRP_PRIO_MAX))
		abort();
	if (rq->prio == NULL && rq->prio_num != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_LINE_MAX + 1], again[2 * CTL_LINE_MAX];
	struct ctl_vrrp_req rq, rq2;

	if (size > CTL_LINE_MAX || memchr(data, '\0', size) != NULL)
		return 0;	/* the socket code refuses these before */
	memcpy(line, data, size);
	line[size] = '\0';
	if (ctl_vrrp_parse(line, &rq) < 0)
		return 0;
	check(&rq);
	snprintf(again, sizeof again, "%s %s %s %s",
	    ctl_vrrp_verbs[rq.verb].name, rq.ifname ? rq.ifname : "",
	    rq.vrid ? rq.vrid : "", rq.prio ? rq.prio : "");
	if (ctl_vrrp_parse(again, &rq2) < 0 || rq2.verb != rq.verb ||
	    !same(rq2.ifname, rq.ifname) || !same(rq2.vrid, rq.vrid) ||
	    !same(rq2.prio, rq.prio) || rq2.vrid_num != rq.vrid_num ||
	    rq2.prio_num != rq.prio_num)
		abort();
	return 0;
}
