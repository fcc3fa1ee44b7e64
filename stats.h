/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Descriptive statistics, Student t and F, least squares (plain and
 * weighted, with a lack-of-fit test), Welch's test, the Mann-Whitney test
 * with the Hodges-Lehmann shift and its confidence interval, and the
 * Benjamini-Hochberg adjustment.
 */
#ifndef __STATS_H
#define __STATS_H

#include <stdbool.h>

/* Summary of n repeated measurements of one quantity. */
struct sample_stats {
	int n;
	double mean;
	double median;
	double stddev;		/* sample standard deviation (n - 1) */
	double min;
	double max;
	double ci95_low;	/* mean -/+ t(0.975, n-1) * stddev / sqrt(n) */
	double ci95_high;
	int outliers;		/* outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR], kept */
};

/* Fill st from x[0..n-1] (x is not modified). -EINVAL when n < 1. */
int stats_compute(const double *x, int n, struct sample_stats *st);

double stats_mean(const double *x, int n);
/* Median of x; x is not modified. */
double stats_median(const double *x, int n);
/* Median of the values of x that are not NaN (not measured); NaN if none. */
double stats_median_finite(const double *x, int n);
double stats_stddev(const double *x, int n);

/* Student t distribution: CDF P(T <= t) with df degrees of freedom. */
double stats_t_cdf(double t, double df);
/* Quantile: the t with P(T <= t) = p, 0 < p < 1. */
double stats_t_quantile(double p, double df);

/* F distribution: P(F > f) with d1, d2 degrees of freedom. */
double stats_f_sf(double f, double d1, double d2);

/* Least squares y = a + b x with 95% confidence intervals. */
struct linear_fit {
	int n;
	double a, b;
	double a_ci95_low, a_ci95_high;
	double b_ci95_low, b_ci95_high;
	double r2;		/* coefficient of determination */
	double se_b;		/* standard error of b */
	/* weighted fits only (stats_weighted_fit); NAN otherwise */
	double chi2;		/* sum of squared residuals / their variances */
	double lof_p;		/* lack of fit: P(F > chi2 / (n - 2)) */
};
/* -EINVAL when n < 3 or all x are equal. */
int stats_linear_fit(const double *x, const double *y, int n,
		     struct linear_fit *fit);
/*
 * Weighted least squares: y[i] has standard error se[i] (> 0) estimated
 * from dof[i] degrees of freedom; weights 1 / se^2. lof_p tests whether
 * the line explains the points within their errors: chi2 / (n - 2) against
 * F(n - 2, sum of dof). The CIs of a and b are widened by the square root
 * of chi2 / (n - 2) when that is above 1 (scatter beyond the errors). -EINVAL
 * as stats_linear_fit(), or when an se is not positive.
 */
int stats_weighted_fit(const double *x, const double *y, const double *se,
		       const int *dof, int n, struct linear_fit *fit);
/*
 * The fit of means: weighted when every point has a standard error, plain
 * least squares otherwise (then chi2 and lof_p are NAN). 1 when weighted,
 * 0 when plain, -EINVAL as the fits.
 */
int stats_fit_means(const double *x, const double *y, const double *se,
		    const int *dof, int n, struct linear_fit *fit);

/* Welch's unequal-variance t-test of b against a (new against old). */
struct welch_result {
	double diff;		/* mean(b) - mean(a) */
	double rel;		/* diff / mean(a) */
	double t;
	double df;
	double p;		/* two-sided p-value */
};
int stats_welch(const struct sample_stats *a, const struct sample_stats *b,
		struct welch_result *res);

/*
 * The rank functions below take time (and stats_hl_shift() memory) in
 * nx * ny: beyond this many pairs they refuse (NAN, -E2BIG) instead of
 * running for minutes on sizes a file claims. Round values are far fewer
 * (RESULTS_MAX_ROUNDS a side).
 */
#define STATS_RANK_MAX_PAIRS	(1UL << 22)

/*
 * Mann-Whitney U of y against x: P(U >= u) under "same distribution",
 * where U counts pairs with y above x (ties half). Exact for nx, ny <= 25,
 * the normal approximation with continuity correction beyond. NAN when a
 * side is empty or nx * ny > STATS_RANK_MAX_PAIRS.
 */
double stats_mw_p_greater(const double *x, int nx, const double *y, int ny);
/* The same for U <= u: y below x. */
double stats_mw_p_less(const double *x, int nx, const double *y, int ny);

/*
 * Hodges-Lehmann shift of y against x: the median of the nx * ny
 * differences y[j] - x[i], with the distribution-free confidence interval
 * that inverts the Mann-Whitney test (Lehmann 1975): between the k-th
 * smallest and k-th largest difference. When the sample is too small for
 * the level, the interval is infinite. 0, or -EINVAL / -ENOMEM, -E2BIG
 * beyond STATS_RANK_MAX_PAIRS.
 */
int stats_hl_shift(const double *x, int nx, const double *y, int ny,
		   double conf, double *est, double *lo, double *hi);

/*
 * Benjamini-Hochberg adjusted p-values of p[0..m-1] into q (NAN entries
 * are left out of the family and stay NAN). q[i] <= alpha rejects with
 * false discovery rate alpha.
 */
void stats_bh_adjust(const double *p, int m, double *q);

/*
 * Slope of y against its index (0, 1, ...) by least squares: a drift over
 * the rounds of a point. *p is the two-sided p-value of slope 0 (t, n - 2
 * degrees of freedom). -EINVAL when n < 3.
 */
int stats_trend(const double *y, int n, double *slope, double *p);

#endif /* __STATS_H */
