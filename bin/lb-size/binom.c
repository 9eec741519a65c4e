#include <math.h>

#include "binom.h"

/*
 * Relative size below which the rest of a tail no longer changes the
 * sum: far below the error of lgammal near 1e9 (about 1e-9 here), so
 * the stopping point never decides an answer.
 */
#define TAIL_EPS 1e-18L

/*
 * log P(X = j), from the exact pmf C(n, j) p^j (1-p)^(n-j).  With n up
 * to 1e9 the terms run far below the smallest long double, so they only
 * exist as logarithms.
 */
static long double
logpmf(uint64_t n, uint64_t j, uint64_t k)
{
	long double lp = -logl((long double)k);
	long double lq = log1pl(-1.0L / (long double)k);

	return lgammal((long double)n + 1) - lgammal((long double)j + 1) -
	    lgammal((long double)(n - j) + 1) +
	    (long double)j * lp + (long double)(n - j) * lq;
}

/*
 * The tail is summed upward from j = m + 1 as log-sum-exp does it: the
 * first term is factored out and the others are added relative to it,
 * through the exact ratio of consecutive terms,
 *	t(j+1) / t(j) = (n - j) / (j + 1) * p / (1 - p).
 * That ratio falls as j grows, so once it is below 1 the remainder
 * after a term t is at most t r / (1 - r), a geometric series: stop
 * when that bound is negligible.  Above the mean (where binom_busiest
 * looks) this takes a few hundred thousand steps at n = 1e9, not n.
 */
long double
binom_logtail(uint64_t n, uint64_t k, uint64_t m)
{
	long double odds, r, sum = 1, t = 1;
	uint64_t j;

	if (m >= n)
		return -INFINITY;
	if (k <= 1)
		return 0;	/* every peer on the one appliance: X = n */
	odds = 1.0L / (long double)(k - 1);
	for (j = m + 1; j < n; j++) {
		r = (long double)(n - j) / (long double)(j + 1) * odds;
		t *= r;
		sum += t;
		if (r < 1 && t * r / (1 - r) < sum * TAIL_EPS)
			break;
	}
	return logpmf(n, m + 1, k) + logl(sum);
}

/*
 * P(X > m) only falls as m grows, so binary search.  No m below
 * floor(n/k) can do: every median of Bin(n, p) lies in
 * [floor(np), ceil(np)], so P(X >= floor(np)) >= 1/2 and
 * k * P(X > m) >= k/2 >= 1 > alpha there.  That lower bound also keeps
 * every tail that binom_logtail sums above the mode, where it is fast.
 */
uint64_t
binom_busiest(uint64_t n, uint64_t k, long double alpha)
{
	long double limit;
	uint64_t lo, hi, mid;

	if (k <= 1)
		return n;
	limit = logl(alpha) - logl((long double)k);
	lo = n / k;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (binom_logtail(n, k, mid) <= limit)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
