/*
 * The guide's sizing formula (chapter 3, DNS Load Balancing Setup,
 * step 1), in exact integers: throughputs are micro-Mbps, so that
 * 898 / 0.1 is 8980 and not 8979.999.
 */
#ifndef LB_SIZE_SIZE_H
#define LB_SIZE_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define SIZE_SCALE	6		/* decimal places of a throughput */
#define SIZE_UNIT	1000000		/* 10^SIZE_SCALE */

#define SIZE_OK		0
#define SIZE_PEER_BIG	1	/* peer_thru_avg > ACM_thru_max */
#define SIZE_OVF_TOTAL	2	/* ACM_min + ACM_protect */
#define SIZE_OVF_THRU	3	/* num_peers * peer_thru_avg */

struct size {
	uint64_t	thru_max;	/* ACM_thru_max, micro-Mbps */
	uint64_t	thru_avg;	/* peer_thru_avg, micro-Mbps */
	uint64_t	peers;		/* num_peers */
	uint64_t	protect;	/* ACM_protect */
	/* size_compute fills in the rest. */
	uint64_t	acm_peers;	/* ACM_peers */
	uint64_t	acm_min;	/* ACM_min */
	uint64_t	total;		/* ACM_total */
	uint64_t	thru_all;	/* all peers together, micro-Mbps */
};

int	size_compute(struct size *);
void	size_print(const struct size *);
void	size_scenarios(const struct size *);
void	size_random(const struct size *);
uint64_t size_rows(const struct size *);
void	size_state(char *, size_t, const struct size *, uint64_t active,
	    uint64_t busiest);

#endif
