// SPDX-License-Identifier: GPL-2.0
/*
 * The rank tests of stats.h and the multiplicity adjustment: Mann-Whitney
 * (exact null distribution for up to 25 values a side, normal beyond),
 * the Hodges-Lehmann shift with the interval that inverts it, and
 * Benjamini-Hochberg. The comparison of round values (compare.c) is built
 * on them.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

static bool finite_all(const double *x, int n)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/* ---- rank tests ---- */

#define MW_EXACT_MAX	25

/*
 * Pairs nx * ny, in size_t: the product of two int sizes overflows an
 * int long before it overflows a size_t. 0 when beyond STATS_RANK_MAX_PAIRS
 * (or a side is empty): the work and memory of a comparison stay bounded
 * whatever sizes a data file claims.
 */
static size_t rank_pairs(int nx, int ny)
{
	size_t mn;

	if (nx < 1 || ny < 1)
		return 0;
	mn = (size_t)nx * (size_t)ny;
	return mn <= STATS_RANK_MAX_PAIRS ? mn : 0;
}

/* U of y against x (pairs with y above x, ties half) and whether any tie. */
static double mw_u(const double *x, int nx, const double *y, int ny,
		   bool *ties)
{
	double u = 0;

	*ties = false;
	for (int j = 0; j < ny; j++)
		for (int i = 0; i < nx; i++) {
			if (y[j] > x[i])
				u += 1;
			else if (y[j] == x[i]) {
				u += 0.5;
				*ties = true;
			}
		}
	return u;
}

/*
 * Null distribution of U for sizes m, n: the coefficients of the Gaussian
 * binomial [m + n, m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), as
 * counts (exact in a double up to C(50, 25)). c has m * n + 1 entries.
 */
static void mw_counts(int m, int n, double *c)
{
	int deg = m * n;	/* m, n <= MW_EXACT_MAX */

	memset(c, 0, sizeof(*c) * (deg + 1));
	c[0] = 1;
	for (int i = 1; i <= m; i++) {
		for (int k = deg; k >= n + i; k--)
			c[k] -= c[k - n - i];
		for (int k = i; k <= deg; k++)
			c[k] += c[k - i];
	}
}

/* P(U >= u) (upper) or P(U <= u) under the null hypothesis. */
static double mw_tail(int m, int n, double u, bool ties, bool upper)
{
	double mn = (double)m * n, mean = mn / 2, sd, z, *c, total = 0;
	double tail = 0;

	if (m > MW_EXACT_MAX || n > MW_EXACT_MAX || ties) {
		/* ties between doubles are rare: no tie correction of sd */
		sd = sqrt(mn * ((double)m + n + 1) / 12.0);
		z = upper ? (u - mean - 0.5) / sd : (mean - u - 0.5) / sd;
		return 0.5 * erfc(z / M_SQRT2);
	}
	c = malloc(sizeof(*c) * (m * n + 1));
	if (!c)
		return NAN;
	mw_counts(m, n, c);
	for (int k = 0; k <= m * n; k++) {
		total += c[k];
		if (upper ? k >= u : k <= u)
			tail += c[k];
	}
	free(c);
	return tail / total;
}

static double mw_p(const double *x, int nx, const double *y, int ny,
		   bool upper)
{
	bool ties;
	double u;

	if (!x || !y || !rank_pairs(nx, ny))
		return NAN;
	u = mw_u(x, nx, y, ny, &ties);
	return mw_tail(nx, ny, u, ties, upper);
}

double stats_mw_p_greater(const double *x, int nx, const double *y, int ny)
{
	return mw_p(x, nx, y, ny, true);
}

double stats_mw_p_less(const double *x, int nx, const double *y, int ny)
{
	return mw_p(x, nx, y, ny, false);
}

/*
 * The k of the interval [d(k), d(mn + 1 - k)] (1-based order statistics):
 * the largest k with P(U <= k - 1) <= (1 - conf) / 2. 0 when none.
 */
static long hl_rank(int m, int n, double conf)
{
	double half = (1 - conf) / 2, *c, total = 0, cum = 0, z, k;
	double pairs = (double)m * n;
	int mn, r = 0;

	if (m > MW_EXACT_MAX || n > MW_EXACT_MAX) {
		z = -stats_t_quantile(half, 1e300);
		k = floor(pairs / 2 - z * sqrt(pairs * ((double)m + n + 1) / 12));
		return k < 1 ? 0 : (long)k;
	}
	mn = m * n;		/* both <= MW_EXACT_MAX */
	c = malloc(sizeof(*c) * (mn + 1));
	if (!c)
		return -ENOMEM;
	mw_counts(m, n, c);
	for (int u = 0; u <= mn; u++)
		total += c[u];
	for (int u = 0; u <= mn; u++) {
		cum += c[u];
		if (cum / total > half)
			break;
		r = u + 1;
	}
	free(c);
	return r;
}

int stats_hl_shift(const double *x, int nx, const double *y, int ny,
		   double conf, double *est, double *lo, double *hi)
{
	size_t mn = rank_pairs(nx, ny), i = 0;
	double *d;
	long k;

	if (!x || !y || nx < 1 || ny < 1 || !(conf > 0 && conf < 1) ||
	    !finite_all(x, nx) || !finite_all(y, ny))
		return -EINVAL;
	if (!mn)
		return -E2BIG;
	d = malloc(sizeof(*d) * mn);
	if (!d)
		return -ENOMEM;
	for (int j = 0; j < ny; j++)
		for (int a = 0; a < nx; a++)
			d[i++] = y[j] - x[a];
	qsort(d, mn, sizeof(*d), cmp_double);
	/* the median of the sorted differences */
	*est = mn % 2 ? d[mn / 2] : (d[mn / 2 - 1] + d[mn / 2]) / 2;
	k = hl_rank(nx, ny, conf);
	if (k < 0) {
		free(d);
		return k;
	}
	*lo = k ? d[k - 1] : -INFINITY;
	*hi = k ? d[mn - k] : INFINITY;
	free(d);
	return 0;
}

/* ---- multiplicity ---- */

static const double *bh_p;

static int cmp_bh(const void *a, const void *b)
{
	double pa = bh_p[*(const int *)a], pb = bh_p[*(const int *)b];

	return (pa > pb) - (pa < pb);
}

void stats_bh_adjust(const double *p, int m, double *q)
{
	int *idx = malloc(sizeof(*idx) * (m > 0 ? m : 1)), k = 0;
	double run = 1;

	for (int i = 0; i < m; i++) {
		q[i] = NAN;
		if (idx && !isnan(p[i]))
			idx[k++] = i;
	}
	if (!idx)
		return;
	bh_p = p;
	qsort(idx, k, sizeof(*idx), cmp_bh);
	/* q(i) = min over j >= i of p(j) k / j, from the largest down */
	for (int j = k; j >= 1; j--) {
		double v = p[idx[j - 1]] * k / j;

		run = v < run ? v : run;
		q[idx[j - 1]] = run;
	}
	free(idx);
}
