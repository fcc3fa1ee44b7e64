/* SPDX-License-Identifier: GPL-2.0 */
/* Descriptive statistics, Student t, least squares and Welch's test. */
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
double stats_stddev(const double *x, int n);

/* Student t distribution: CDF P(T <= t) with df degrees of freedom. */
double stats_t_cdf(double t, double df);
/* Quantile: the t with P(T <= t) = p, 0 < p < 1. */
double stats_t_quantile(double p, double df);

/* Least squares y = a + b x with 95% confidence intervals. */
struct linear_fit {
	int n;
	double a, b;
	double a_ci95_low, a_ci95_high;
	double b_ci95_low, b_ci95_high;
	double r2;		/* coefficient of determination */
	double se_b;		/* standard error of b */
};
/* -EINVAL when n < 3 or all x are equal. */
int stats_linear_fit(const double *x, const double *y, int n,
		     struct linear_fit *fit);

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

#endif /* __STATS_H */
