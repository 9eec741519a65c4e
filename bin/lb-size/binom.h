/*
 * How many of n peers the busiest of k appliances gets when DNS hands
 * each peer one appliance uniformly at random: X ~ Bin(n, 1/k) per
 * appliance.
 */
#ifndef LB_SIZE_BINOM_H
#define LB_SIZE_BINOM_H

#include <stdint.h>

/* log P(X > m), X ~ Bin(n, 1/k); -INFINITY when m >= n. */
long double	binom_logtail(uint64_t n, uint64_t k, uint64_t m);

/*
 * The smallest m with k * P(X > m) <= alpha (0 < alpha < 1): by the
 * union bound, the busiest appliance carries more than m peers with
 * probability at most alpha.
 */
uint64_t	binom_busiest(uint64_t n, uint64_t k, long double alpha);

#endif
