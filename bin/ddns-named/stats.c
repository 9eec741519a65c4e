/* See stats.h. */
#include "stats.h"
#include "wire.h"

#define RCODE_NOTAUTH	9

struct stats stats;

const char *const stats_qtype[SQ_N] = {
	"A", "AAAA", "SOA", "NS", "ANY", "AXFR", "IXFR", "other"
};
const char *const stats_rcode[SR_N] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"NOTAUTH", "BADVERS", "other", "none"
};

static int
qtype_index(unsigned t)
{
	switch (t) {
	case T_A:	return SQ_A;
	case T_AAAA:	return SQ_AAAA;
	case T_SOA:	return SQ_SOA;
	case T_NS:	return SQ_NS;
	case T_ANY:	return SQ_ANY;
	case T_AXFR:	return SQ_AXFR;
	case T_IXFR:	return SQ_IXFR;
	default:	return SQ_OTHER;
	}
}

static int
rcode_index(int r)
{
	switch (r) {
	case RCODE_NOERROR:	return SR_NOERROR;
	case RCODE_FORMERR:	return SR_FORMERR;
	case RCODE_SERVFAIL:	return SR_SERVFAIL;
	case RCODE_NXDOMAIN:	return SR_NXDOMAIN;
	case RCODE_NOTIMP:	return SR_NOTIMP;
	case RCODE_REFUSED:	return SR_REFUSED;
	case RCODE_NOTAUTH:	return SR_NOTAUTH;
	case RCODE_BADVERS:	return SR_BADVERS;
	default:		return SR_OTHER;
	}
}

void
stats_query(int tcp, const struct qinfo *info, int sent)
{
	int r = !sent || info->rcode < 0 ? SR_NONE : rcode_index(info->rcode);

	stats.queries[tcp != 0][info->qnamelen > 0 ?
	    qtype_index(info->qtype) : SQ_OTHER][r]++;
	stats.truncated += r != SR_NONE && info->tc != 0;
}
