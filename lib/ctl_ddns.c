#include "ctl_ddns.h"

const struct ctl_verb ctl_ddns[CTL_DDNS_VERBS] = {
	[CTL_DDNS_UP] = { "up", 2, 2, "ID ADDRESS" },
	[CTL_DDNS_DOWN] = { "down", 1, 2, "ID [ADDRESS]" },
	[CTL_DDNS_DRAIN] = { "drain", 0, 0, "" },
	[CTL_DDNS_UNDRAIN] = { "undrain", 0, 0, "" },
	[CTL_DDNS_MEMBERS] = { "members", 0, 0, "" },
	[CTL_DDNS_RECORDS] = { "records", 0, 0, "" },
	[CTL_DDNS_STATUS] = { "status", 0, 0, "" },
	[CTL_DDNS_SUBSCRIBE] = { "subscribe", 0, 0, "" },
};
