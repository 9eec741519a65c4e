#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

#include "binom.h"
#include "size.h"

#define NCOL	7
#define CELL	96

/* The risk size_random accepts that some appliance is overloaded. */
#define RANDOM_ALPHA	0.01L

int
size_compute(struct size *s)
{
	if (s->thru_avg > s->thru_max)
		return SIZE_PEER_BIG;
	s->acm_peers = s->thru_max / s->thru_avg;
	/* A fraction of an appliance does not exist: round up. */
	s->acm_min = s->peers / s->acm_peers + (s->peers % s->acm_peers != 0);
	if (__builtin_add_overflow(s->acm_min, s->protect, &s->total))
		return SIZE_OVF_TOTAL;
	if (__builtin_mul_overflow(s->peers, s->thru_avg, &s->thru_all))
		return SIZE_OVF_THRU;
	return SIZE_OK;
}

void
size_print(const struct size *s)
{
	char buf[64];

	printf("ACM_thru_max %s\n",
	    num_fixed_fmt(buf, sizeof buf, s->thru_max, SIZE_SCALE));
	printf("peer_thru_avg %s\n",
	    num_fixed_fmt(buf, sizeof buf, s->thru_avg, SIZE_SCALE));
	printf("num_peers %" PRIu64 "\n", s->peers);
	printf("ACM_peers %" PRIu64 "\n", s->acm_peers);
	printf("ACM_min %" PRIu64 "\n", s->acm_min);
	printf("ACM_protect %" PRIu64 "\n", s->protect);
	printf("ACM_total %" PRIu64 "\n", s->total);
}

/*
 * a / b as a percentage in tenths, rounded to nearest.  a / b is at
 * most num_peers (a is one appliance's share of a total that fits in
 * 64 bits, b at least that share of one peer), and the remainder is
 * below b <= 1e15 micro-Mbps, so nothing here overflows.
 */
static uint64_t
permille(uint64_t a, uint64_t b)
{
	return a / b * 1000 + (a % b * 1000 + b / 2) / b;
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void
size_state(char *buf, size_t size, const struct size *s, uint64_t active,
    uint64_t busiest)
{
	uint64_t spare;

	if (busiest > s->acm_peers) {
		snprintf(buf, size, "OVER CAPACITY by %" PRIu64 " peer%s",
		    busiest - s->acm_peers, plural(busiest - s->acm_peers));
		return;
	}
	/* ceil(n / a) <= ACM_peers exactly when a >= ACM_min. */
	spare = active - s->acm_min;
	if (spare == 0)
		snprintf(buf, size, "within capacity, no protection left");
	else
		snprintf(buf, size, "within capacity, %" PRIu64
		    " more failure%s tolerated", spare, plural(spare));
}

/* One row of the failure table, as text. */
static void
row(char cell[NCOL][CELL], const struct size *s, uint64_t failed)
{
	uint64_t active = s->total - failed, busiest, thru;
	int i;

	snprintf(cell[0], CELL, "%" PRIu64, failed);
	snprintf(cell[1], CELL, "%" PRIu64, active);
	if (active == 0) {
		for (i = 2; i < NCOL - 1; i++)
			snprintf(cell[i], CELL, "-");
		snprintf(cell[NCOL - 1], CELL, "no appliance left");
		return;
	}
	/* Peers do not split evenly: report the busiest appliance. */
	busiest = s->peers / active + (s->peers % active != 0);
	thru = busiest * s->thru_avg;	/* <= thru_all: no overflow */
	snprintf(cell[2], CELL, "%" PRIu64, busiest);
	num_fixed_fmt(cell[3], CELL, permille(busiest, s->peers), 1);
	num_fixed_fmt(cell[4], CELL, thru, SIZE_SCALE);
	num_fixed_fmt(cell[5], CELL, permille(thru, s->thru_max), 1);
	size_state(cell[6], CELL, s, active, busiest);
}

/* Rows for 0 .. ACM_protect + 1 failures, or until none is left. */
uint64_t
size_rows(const struct size *s)
{
	uint64_t last = s->protect + 1;

	return (last < s->total ? last : s->total) + 1;
}

static void
print_row(char cell[NCOL][CELL], const int width[NCOL])
{
	int i;

	for (i = 0; i < NCOL - 1; i++)
		printf("%*s  ", width[i], cell[i]);
	printf("%s\n", cell[NCOL - 1]);
}

/*
 * Columns fit their widest cell, so the table is built twice: once to
 * measure, once to print.  It has at most ACM_protect + 2 rows.
 */
void
size_scenarios(const struct size *s)
{
	static const char *head[NCOL] = { "failed", "active", "peers/ACM",
	    "%peers", "Mbps/ACM", "%thru_max", "state" };
	char cell[NCOL][CELL];
	int width[NCOL], i;
	uint64_t f, n = size_rows(s);

	for (i = 0; i < NCOL; i++) {
		snprintf(cell[i], CELL, "%s", head[i]);
		width[i] = (int)strlen(head[i]);
	}
	for (f = 0; f < n; f++) {
		row(cell, s, f);
		for (i = 0; i < NCOL; i++)
			if ((int)strlen(cell[i]) > width[i])
				width[i] = (int)strlen(cell[i]);
	}
	for (i = 0; i < NCOL; i++)
		snprintf(cell[i], CELL, "%s", head[i]);
	print_row(cell, width);
	for (f = 0; f < n; f++) {
		row(cell, s, f);
		print_row(cell, width);
	}
}

static void
random_line(const struct size *s, uint64_t failed)
{
	uint64_t active = s->total - failed, m;

	m = binom_busiest(s->peers, active, RANDOM_ALPHA);
	printf("%" PRIu64 " failed, %" PRIu64 " active: at most %" PRIu64
	    " peer%s, ", failed, active, m, plural(m));
	if (m > s->acm_peers)
		printf("exceeds ACM_peers (%" PRIu64 ") by %" PRIu64
		    ": random placement can overload an appliance\n",
		    s->acm_peers, m - s->acm_peers);
	else
		printf("within ACM_peers (%" PRIu64 ")\n", s->acm_peers);
}

/*
 * DNS gives each peer an appliance at random, not in turn, so the
 * busiest one carries more than the even share of the table above.
 */
void
size_random(const struct size *s)
{
	printf("random placement (busiest appliance, 99%% probability):\n");
	random_line(s, 0);
	if (s->protect > 0)
		random_line(s, s->protect);
}
