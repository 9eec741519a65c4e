/*
 * What the control requests do.  `up` and `down`: a record stamped by
 * this node, merged into the table (it wins: the clock is above every
 * stamp seen) and pushed at once to every peer.  `drain` and `undrain`: a
 * flag of this node, journaled and said to every peer.
 */
#include <stdio.h>
#include <string.h>

#include "ddns-syncd.h"
#include "err.h"

static void
publish(struct rec *r)
{
	r->stamp = hlc_stamp();
	r->origin = (uint8_t)cluster_self();
	if (table_merge(r) != NULL)
		sync_push(r);
}

int
local_up(const char *label, const struct addr *a, char *why, size_t size)
{
	struct rec r = { 0 };

	(void)why;
	(void)size;
	r.len = (uint8_t)strlen(label);
	memcpy(r.label, label, r.len);
	r.addr = *a;
	publish(&r);
	return 0;
}

/* With an address, only if the gateway still has it (it may have moved). */
int
local_down(const char *label, const struct addr *a, char *why, size_t size)
{
	struct rec r = { 0 }, *old = table_find(label, strlen(label));
	char ab[64], ab2[64];

	if (old == NULL || (old->flags & R_DELETED)) {
		snprintf(why, size, "no record %s", label);
		return -1;
	}
	if (a->af != 0 && memcmp(a, &old->addr, sizeof *a) != 0) {
		snprintf(why, size, "%s has address %s, not %s: left as it is",
		    old->label, addr_fmt(&old->addr, ab, sizeof ab),
		    addr_fmt(a, ab2, sizeof ab2));
		return -1;
	}
	r.len = old->len;
	memcpy(r.label, old->label, r.len);
	r.flags = R_DELETED;
	publish(&r);
	return 0;
}

/*
 * This node in or out of pool answers: journaled, so that a restart keeps
 * it, and told to every peer at once (each tells its subscribers).
 */
void
local_drain(int drained)
{
	if (cluster_drained() == drained)
		return;
	err_log("%s", drained ? "drained: out of pool answers on every node" :
	    "undrained: back in pool answers");
	journal_drained(drained);
	cluster_drain(drained);
}
