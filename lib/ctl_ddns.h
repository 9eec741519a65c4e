/*
 * ddns-syncd's control verbs (ddns-syncd(8), CONTROL): one table, which
 * the daemon parses requests with (its handlers indexed by the same enum)
 * and ddns-ctl checks its arguments and writes its usage from.  min and
 * max count the words after the verb as ddns-ctl takes them (an ID is one
 * word there, though it may hold spaces in the request line); args is
 * their usage.  A command (ddns-ctl) offers the first CTL_DDNS_COMMANDS;
 * subscribe is a feed, for ddns-named (lib/feed.h).
 */
#ifndef VPNHA_CTL_DDNS_H
#define VPNHA_CTL_DDNS_H

#include "ctl.h"

enum ctl_ddns {
	CTL_DDNS_UP,
	CTL_DDNS_DOWN,
	CTL_DDNS_DRAIN,
	CTL_DDNS_UNDRAIN,
	CTL_DDNS_MEMBERS,
	CTL_DDNS_RECORDS,
	CTL_DDNS_STATUS,
	CTL_DDNS_COMMANDS,
	CTL_DDNS_SUBSCRIBE = CTL_DDNS_COMMANDS,
	CTL_DDNS_VERBS
};

extern const struct ctl_verb ctl_ddns[CTL_DDNS_VERBS];

#endif
