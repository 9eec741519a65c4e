/*
 * lb-size: how many appliances a DNS load-balanced pool needs, by the
 * guide's formula and throughput table, and how the pool fares as they
 * fail one by one.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "err.h"
#include "num.h"
#include "rc.h"

#include "sim.h"
#include "size.h"
#include "table.h"

#define USAGE "lb-size [-Fs] (-c CIPHER | -m MBPS) -n PEERS -t MBPS" \
	" [-p PROTECT]\n       lb-size -l"

/*
 * Limits far beyond any real pool that keep every product in 64 bits
 * (1e9 Mbps is 1e15 micro-Mbps) and the failure table short.
 */
#define MAX_MBPS	1000000000
#define MAX_PEERS	1000000000
#define MAX_PROTECT	1000

struct args {
	const char	*c, *m, *n, *t, *p;
	int		 fips, list, sim;
};

static _Noreturn void
usage(const char *why)
{
	err_log("%s", why);
	err_usage(USAGE);
}

/* A throughput: decimal Mbps, greater than 0, to the micro-Mbps. */
static uint64_t
opt_mbps(int opt, const char *arg)
{
	uint64_t v;
	int rc;

	rc = num_fixed(arg, SIZE_SCALE, 0, (uint64_t)MAX_MBPS * SIZE_UNIT, &v);
	if (rc == NUM_DIGITS)
		err_fatal(RC_USAGE, "-%c %s: too many decimal places"
		    " (at most %d)", opt, arg, SIZE_SCALE);
	if (rc == NUM_RANGE)
		err_fatal(RC_USAGE, "-%c %s: too large (at most %d Mbps)",
		    opt, arg, MAX_MBPS);
	if (rc == NUM_OK && v == 0)
		err_fatal(RC_USAGE, "-%c %s: must be greater than 0", opt, arg);
	if (rc == NUM_OK)
		return v;
	if (arg[0] == '-' && num_fixed(arg + 1, SIZE_SCALE, 0, UINT64_MAX,
	    &v) == NUM_OK)
		err_fatal(RC_USAGE, "-%c %s: must be greater than 0", opt, arg);
	err_fatal(RC_USAGE, "-%c %s: not a decimal number of Mbps", opt, arg);
}

/* A count: whole, decimal, from min to max. */
static uint64_t
opt_count(int opt, const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;
	int rc;

	rc = num_u64(arg, 0, max, &v);
	if (rc == NUM_RANGE)
		err_fatal(RC_USAGE, "-%c %s: too large (at most %" PRIu64 ")",
		    opt, arg, max);
	if (rc == NUM_OK && v >= min)
		return v;
	if (rc == NUM_OK || (arg[0] == '-' && num_u64(arg + 1, 0, UINT64_MAX,
	    &v) == NUM_OK))
		err_fatal(RC_USAGE, "-%c %s: must be %s", opt, arg,
		    min > 0 ? "greater than 0" : "0 or more");
	err_fatal(RC_USAGE, "-%c %s: not a whole number", opt, arg);
}

static void
parse(int argc, char *argv[], struct args *a)
{
	int ch;

	opterr = 0;
	while ((ch = getopt(argc, argv, ":Fc:lm:n:p:st:")) != -1) {
		switch (ch) {
		case 'F':
			a->fips = 1;
			break;
		case 'c':
			a->c = optarg;
			break;
		case 'l':
			a->list = 1;
			break;
		case 'm':
			a->m = optarg;
			break;
		case 'n':
			a->n = optarg;
			break;
		case 'p':
			a->p = optarg;
			break;
		case 's':
			a->sim = 1;
			break;
		case 't':
			a->t = optarg;
			break;
		case ':':
			err_log("-%c: needs an argument", optopt);
			err_usage(USAGE);
		default:
			err_log("-%c: unknown option", optopt);
			err_usage(USAGE);
		}
	}
	if (optind < argc)
		usage("too many arguments");
}

/* Which options go together, before any value is looked at. */
static void
check(const struct args *a)
{
	if (a->list) {
		if (a->fips || a->c || a->m || a->n || a->t || a->p || a->sim)
			usage("-l takes no other option");
		return;
	}
	if (a->c && a->m)
		usage("-c and -m exclude each other");
	if (!a->c && !a->m)
		usage("-c or -m is needed");
	if (a->fips && a->m)
		usage("-F picks table rows: it goes with -c, not -m");
	if (!a->n)
		usage("-n is needed");
	if (!a->t)
		usage("-t is needed");
}

static uint64_t
thru_max(const struct args *a)
{
	const struct cipher *c;
	char names[256];

	if (a->m)
		return opt_mbps('m', a->m);
	if ((c = table_find(a->c, a->fips)) != NULL)
		return (uint64_t)c->mbps * SIZE_UNIT;
	err_fatal(RC_USAGE, "-c %s: not in the %s table%s; choose one of %s",
	    a->c, a->fips ? "FIPS" : "non-FIPS",
	    table_find(a->c, !a->fips) == NULL ? "" : a->fips ?
	    " (it is a non-FIPS row: drop -F)" : " (it is a FIPS row: add -F)",
	    table_names(names, sizeof names, a->fips));
}

static void
compute(const struct args *a, struct size *s)
{
	char buf[64];

	s->thru_max = thru_max(a);
	s->peers = opt_count('n', a->n, 1, MAX_PEERS);
	s->thru_avg = opt_mbps('t', a->t);
	s->protect = a->p ? opt_count('p', a->p, 0, MAX_PROTECT) : 1;
	switch (size_compute(s)) {
	case SIZE_PEER_BIG:
		err_fatal(RC_USAGE, "-t %s: a single peer needs more than an"
		    " appliance carries (ACM_thru_max %s Mbps)", a->t,
		    num_fixed_fmt(buf, sizeof buf, s->thru_max, SIZE_SCALE));
	case SIZE_OVF_TOTAL:
		err_fatal(RC_USAGE, "-p %s: ACM_min + ACM_protect overflows",
		    a->p);
	case SIZE_OVF_THRU:
		err_fatal(RC_USAGE, "-n %s -t %s: the peers' total throughput"
		    " (num_peers * peer_thru_avg) overflows", a->n, a->t);
	}
}

int
main(int argc, char *argv[])
{
	struct args a = { 0 };
	struct size s;

	err_init(argv[0]);
	parse(argc, argv, &a);
	check(&a);
	if (a.list) {
		table_print();
	} else {
		compute(&a, &s);
		size_print(&s);
		printf("\n");
		size_scenarios(&s);
		printf("\n");
		size_random(&s);
		if (a.sim) {
			printf("\n");
			sim_print(&s);
		}
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err_fatalsys(RC_TEMP, "unable to write to standard output");
	return RC_OK;
}
