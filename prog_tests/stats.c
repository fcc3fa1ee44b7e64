// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c against values that do not come from stats.c: published t tables,
 * closed forms of the t distribution (df = 1 and 2), sums worked out by hand
 * and reference values computed once, independently, with Python's mpmath
 * 1.2.1 (40 significant digits: mp.betainc for the t cdf and mp.findroot for
 * its quantiles, exact fractions for the least squares) and scipy 1.10.1
 * (scipy.stats.ttest_ind(equal_var=False) for Welch's test). The rank
 * tests are checked against a brute-force enumeration of every split of
 * the pooled sample, the F tail against its closed form for d1 = 2,
 * Benjamini-Hochberg against a worked example.
 */
#include <math.h>

#include "test_perf.h"
#include "stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* |a - b| <= rel |b| */
#define ASSERT_REL(a, b, rel, name) \
	ASSERT_DBL_NEAR(a, b, (rel) * fabs(b), name)

struct t_ref {
	double p, df;
	double exact;	/* mpmath, 20 digits */
	double table;	/* as printed in t tables, 6 decimals */
};

/* Rows of the usual two-sided 95% / one-sided 95% t tables. */
static const struct t_ref t_table[] = {
	{ 0.975, 1,    12.706204736174693314, 12.706205 },
	{ 0.975, 2,    4.3026527297494617894, 4.302653 },
	{ 0.975, 5,    2.5705818356363147828, 2.570582 },
	{ 0.975, 10,   2.2281388519862742245, 2.228139 },
	{ 0.975, 29,   2.0452296421327038745, 2.045230 },
	{ 0.975, 1000, 1.9623390808264081039, 1.962339 },
	{ 0.95,  29,   1.6991270265334972845, 1.699127 },
	{ 0.995, 3,    5.8409093097333554113, 5.840909 },
};

/* z(0.975) of the standard normal, mpmath: sqrt(2) erfinv(0.95) */
#define Z_975 1.9599639845400538556

static void test_t_quantiles(void)
{
	static const double ps[] = { 1e-12, 0.001, 0.025, 0.3, 0.4999,
				     0.5001, 0.75, 0.9, 0.975, 0.999999 };
	static const double dfs[] = { 0.5, 1, 1.5, 2, 3, 7.5, 30, 1e3, 1e6,
				      1e12 };
	static const double ts[] = { 0, 1e-9, 0.1, 1, 2.5, 10, 1e4 };
	double t, u, worst = 0, e;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(t_table); i++) {
		const struct t_ref *r = &t_table[i];

		t = stats_t_quantile(r->p, r->df);
		if (!ASSERT_REL(t, r->exact, 1e-9, "t quantile vs mpmath") ||
		    !ASSERT_DBL_NEAR(t, r->table, 5e-7, "t quantile vs table")) {
			test__log("p %g df %g", r->p, r->df);
			return;
		}
	}

	/* non-integer df (Welch) and large df, mpmath */
	ASSERT_REL(stats_t_quantile(0.975, 7.5), 2.3330396268649740266, 1e-9,
		   "t(0.975, 7.5)");
	ASSERT_REL(stats_t_quantile(0.975, 1e6), 1.9599663568141066553, 1e-9,
		   "t(0.975, 1e6)");
	/* beyond ~1e16 t and normal agree to double precision */
	ASSERT_REL(stats_t_quantile(0.975, 1e20), Z_975, 1e-12, "t(0.975, 1e20)");
	ASSERT_REL(stats_t_quantile(0.975, INFINITY), Z_975, 1e-12,
		   "t(0.975, inf)");

	/*
	 * Closed forms, written so that they lose no digits in the tails:
	 * df = 1 is Cauchy, F(-t) = atan(1/t) / pi and t(p) = -1 / tan(pi p)
	 * for p < 1/2; df = 2 has F(-t) = 1 / (s (s + t)), s = sqrt(2 + t^2),
	 * and t(p) = (2p - 1) / sqrt(2 p (1 - p)).
	 */
	for (i = 0; i < ARRAY_SIZE(ps); i++) {
		double p = ps[i];
		double cauchy = p < 0.5 ? -1 / tan(M_PI * p) :
					  1 / tan(M_PI * (1 - p));

		if (!ASSERT_REL(stats_t_quantile(p, 1), cauchy, 1e-10,
				"cauchy quantile") ||
		    !ASSERT_REL(stats_t_quantile(p, 2),
				(2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-10,
				"df=2 quantile")) {
			test__log("p %g", p);
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		double s;

		t = ts[i];
		s = sqrt(2 + t * t);
		if (!ASSERT_REL(stats_t_cdf(-t, 1), atan(1 / t) / M_PI, 1e-12,
				"cauchy cdf") ||
		    !ASSERT_REL(stats_t_cdf(-t, 2), 1 / (s * (s + t)), 1e-12,
				"df=2 cdf")) {
			test__log("t %g", t);
			return;
		}
	}

	/* symmetry, monotony and the round trip over a grid */
	for (j = 0; j < ARRAY_SIZE(dfs); j++) {
		double df = dfs[j], prev = -INFINITY;

		ASSERT_DBL_NEAR(stats_t_cdf(0, df), 0.5, 0, "cdf(0) = 1/2");
		for (i = 0; i < ARRAY_SIZE(ts); i++) {
			t = ts[i];
			if (!ASSERT_DBL_NEAR(stats_t_cdf(t, df) +
					     stats_t_cdf(-t, df), 1, 4e-16,
					     "cdf(t) + cdf(-t)"))
				test__log("t %g df %g", t, df);
		}
		for (i = 0; i < ARRAY_SIZE(ps); i++) {
			double p = ps[i], q = p < 0.5 ? p : 1 - p;

			t = stats_t_quantile(p, df);
			u = stats_t_cdf(t, df);
			/* compare the smaller tail: that is what p pins */
			e = fabs((p < 0.5 ? u : 1 - u) - q) / q;
			worst = fmax(worst, e);
			/* 1 - p is exact for p > 1/2 only */
			if (!ASSERT_DBL_LE(e, 1e-9, "cdf(quantile(p)) = p") ||
			    !ASSERT_DBL_GT(t, prev, "quantile increasing in p") ||
			    (p > 0.5 &&
			     !ASSERT_REL(stats_t_quantile(1 - p, df), -t, 1e-12,
					 "quantile(1 - p) = -quantile(p)"))) {
				test__log("p %g df %g t %.17g", p, df, t);
				return;
			}
			prev = t;
		}
	}
	test__info("worst relative error of cdf(quantile(p)) in the grid: %.2g",
		   worst);

	/* fewer degrees of freedom, heavier tails */
	for (j = 1; j < ARRAY_SIZE(dfs); j++)
		ASSERT_DBL_LT(stats_t_quantile(0.975, dfs[j]),
			      stats_t_quantile(0.975, dfs[j - 1]),
			      "t(0.975) decreasing in df");

	ASSERT_DBL_NEAR(stats_t_quantile(0.5, 4), 0, 0, "median of t");
	ASSERT_TRUE(isinf(stats_t_quantile(1, 4)), "quantile(1) = inf");
	ASSERT_TRUE(isinf(stats_t_quantile(0, 4)), "quantile(0) = -inf");
	ASSERT_DBL_NEAR(stats_t_cdf(INFINITY, 3), 1, 0, "cdf(inf)");
	ASSERT_DBL_NEAR(stats_t_cdf(-INFINITY, 3), 0, 0, "cdf(-inf)");
}

static bool unchanged(const double *x, const double *copy, int n)
{
	return !memcmp(x, copy, sizeof(*x) * n);
}

static void test_summary(void)
{
	/* sorted: 2 4 4 4 5 5 7 9 */
	static const double even[] = { 4, 9, 2, 5, 4, 7, 4, 5 };
	/* sorted: 1 1 2 3 4 5 5 6 9 */
	static const double odd[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5 };
	static const double wide[] = { 10, 11, 12, 13, 14, 15, 16, 17, 18,
				       19, -50, 100 };
	static const double flat[] = { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
				       0.1, 0.1, 0.1 };
	double copy[16], one = 7.25;
	struct sample_stats st;

	/*
	 * even, n = 8: mean 40/8 = 5, median (4 + 5)/2 = 4.5,
	 * squared deviations 9+1+1+1+0+0+4+16 = 32, s = sqrt(32/7)
	 * = 2.1380899352993951, CI 5 -/+ t(0.975, 7) s / sqrt(8) with
	 * t(0.975, 7) = 2.3646242515927847 (mpmath):
	 * [3.2125120817637896, 6.7874879182362104].
	 * Quartiles by linear interpolation at (n - 1) p: Q1 at 1.75 = 4,
	 * Q3 at 5.25 = 5 + 0.25 * 2 = 5.5, IQR 1.5, fences 1.75 and 7.75:
	 * 9 is the one outlier. (Hyndman-Fan type 6 quartiles, 4 and 6.5,
	 * would put the upper fence at 10.25 and find none.)
	 */
	memcpy(copy, even, sizeof(even));
	if (!ASSERT_OK(stats_compute(even, ARRAY_SIZE(even), &st), "even"))
		return;
	ASSERT_TRUE(unchanged(even, copy, ARRAY_SIZE(even)), "x untouched");
	ASSERT_EQ(st.n, 8, "even n");
	ASSERT_DBL_NEAR(st.mean, 5, 1e-15, "even mean");
	ASSERT_DBL_NEAR(st.median, 4.5, 0, "even median");
	ASSERT_REL(st.stddev, 2.1380899352993951, 1e-14, "even stddev");
	ASSERT_DBL_NEAR(st.min, 2, 0, "even min");
	ASSERT_DBL_NEAR(st.max, 9, 0, "even max");
	ASSERT_REL(st.ci95_low, 3.2125120817637896, 1e-9, "even ci low");
	ASSERT_REL(st.ci95_high, 6.7874879182362104, 1e-9, "even ci high");
	ASSERT_EQ(st.outliers, 1, "even outliers");

	/*
	 * odd, n = 9: mean 36/9 = 4, median the 5th = 4, squared deviations
	 * 9+9+4+1+0+1+1+4+25 = 54, s = sqrt(54/8) = 2.5980762113533159,
	 * CI 4 -/+ t(0.975, 8) s / 3, t(0.975, 8) = 2.3060041352041661:
	 * [2.0029418376812268, 5.9970581623187732]. Q1 = 2, Q3 = 5,
	 * fences -2.5 and 9.5: no outlier.
	 */
	memcpy(copy, odd, sizeof(odd));
	if (!ASSERT_OK(stats_compute(odd, ARRAY_SIZE(odd), &st), "odd"))
		return;
	ASSERT_TRUE(unchanged(odd, copy, ARRAY_SIZE(odd)), "x untouched");
	ASSERT_DBL_NEAR(st.mean, 4, 1e-15, "odd mean");
	ASSERT_DBL_NEAR(st.median, 4, 0, "odd median");
	ASSERT_REL(st.stddev, 2.5980762113533159, 1e-14, "odd stddev");
	ASSERT_REL(st.ci95_low, 2.0029418376812268, 1e-9, "odd ci low");
	ASSERT_REL(st.ci95_high, 5.9970581623187732, 1e-9, "odd ci high");
	ASSERT_EQ(st.outliers, 0, "odd outliers");
	ASSERT_DBL_NEAR(stats_mean(odd, 9), 4, 1e-15, "stats_mean");
	ASSERT_DBL_NEAR(stats_median(odd, 9), 4, 0, "stats_median");
	ASSERT_REL(stats_stddev(odd, 9), 2.5980762113533159, 1e-14,
		   "stats_stddev");

	/*
	 * wide, n = 12, sorted -50 10 11 ... 19 100: median (14 + 15)/2,
	 * mean 195/12 = 16.25, Q1 at 2.75 = 11.75, Q3 at 8.25 = 17.25,
	 * fences 3.5 and 25.5: -50 and 100 are outliers (and kept: they still
	 * count in min, max and the mean).
	 */
	if (!ASSERT_OK(stats_compute(wide, ARRAY_SIZE(wide), &st), "wide"))
		return;
	ASSERT_DBL_NEAR(st.median, 14.5, 0, "wide median");
	ASSERT_DBL_NEAR(st.mean, 16.25, 1e-14, "wide mean");
	ASSERT_EQ(st.outliers, 2, "wide outliers");
	ASSERT_DBL_NEAR(st.min, -50, 0, "wide min");
	ASSERT_DBL_NEAR(st.max, 100, 0, "wide max");

	/* one value: no spread, the interval is the value itself */
	if (!ASSERT_OK(stats_compute(&one, 1, &st), "one"))
		return;
	ASSERT_DBL_NEAR(st.mean, 7.25, 0, "one mean");
	ASSERT_DBL_NEAR(st.median, 7.25, 0, "one median");
	ASSERT_DBL_NEAR(st.stddev, 0, 0, "one stddev");
	ASSERT_DBL_NEAR(st.ci95_low, 7.25, 0, "one ci low");
	ASSERT_DBL_NEAR(st.ci95_high, 7.25, 0, "one ci high");
	ASSERT_EQ(st.outliers, 0, "one outliers");

	/* constant (and inexact in binary): no spread, IQR 0, no outlier */
	if (!ASSERT_OK(stats_compute(flat, ARRAY_SIZE(flat), &st), "flat"))
		return;
	ASSERT_DBL_NEAR(st.mean, 0.1, 0, "flat mean");
	ASSERT_DBL_NEAR(st.stddev, 0, 0, "flat stddev");
	ASSERT_DBL_NEAR(st.ci95_high - st.ci95_low, 0, 0, "flat ci width");
	ASSERT_EQ(st.outliers, 0, "flat outliers");
}

static void test_linear_fit(void)
{
	static const double noisy_y[] = { 2.9, 5.2, 6.8, 9.1, 11.2, 12.8,
					  15.1, 17.0, 18.8, 21.3 };
	double x[10], y[10];
	struct linear_fit fit;
	int i;

	/* exact line y = 3 + 2x: every sum is exact in binary */
	for (i = 0; i < 10; i++) {
		x[i] = i + 1;
		y[i] = 3 + 2 * x[i];
	}
	if (!ASSERT_OK(stats_linear_fit(x, y, 10, &fit), "exact fit"))
		return;
	ASSERT_EQ(fit.n, 10, "exact n");
	ASSERT_TRUE(fit.b == 2, "exact slope is exactly 2");
	ASSERT_TRUE(fit.a == 3, "exact intercept is exactly 3");
	ASSERT_TRUE(fit.r2 == 1, "exact r2 is exactly 1");
	ASSERT_DBL_NEAR(fit.se_b, 0, 0, "exact se_b");
	ASSERT_DBL_NEAR(fit.b_ci95_high - fit.b_ci95_low, 0, 0,
			"exact slope ci width");

	/*
	 * Noisy, x = 1..10. With exact fractions (mpmath): Sxx = 82.5,
	 * Sxy = 165.7, Syy = 333.116, SSE = 0.31006060606...;
	 * t(0.975, 8) = 2.3060041352041661.
	 */
	memcpy(y, noisy_y, sizeof(y));
	if (!ASSERT_OK(stats_linear_fit(x, y, 10, &fit), "noisy fit"))
		return;
	ASSERT_REL(fit.b, 2.0084848484848485, 1e-12, "noisy slope");
	ASSERT_REL(fit.a, 0.97333333333333333, 1e-12, "noisy intercept");
	ASSERT_REL(fit.r2, 0.99906921130759073, 1e-12, "noisy r2");
	ASSERT_REL(fit.se_b, 0.02167461180878505, 1e-10, "noisy se_b");
	ASSERT_REL(fit.b_ci95_low, 1.9585031040248451, 1e-9, "slope ci low");
	ASSERT_REL(fit.b_ci95_high, 2.0584665929448519, 1e-9, "slope ci high");
	ASSERT_REL(fit.a_ci95_low, 0.66320476483035664, 1e-9,
		   "intercept ci low");
	ASSERT_REL(fit.a_ci95_high, 1.28346190183631, 1e-9,
		   "intercept ci high");

	/*
	 * Constant y: a flat line, explained perfectly. 0.1 is not exact in
	 * binary and ten of it summed directly is 0.9999999999999999: the
	 * residuals must still come out exactly 0, not as noise.
	 */
	for (i = 0; i < 10; i++)
		y[i] = 0.1;
	if (!ASSERT_OK(stats_linear_fit(x, y, 10, &fit), "flat fit"))
		return;
	ASSERT_DBL_NEAR(fit.b, 0, 0, "flat slope");
	ASSERT_DBL_NEAR(fit.a, 0.1, 0, "flat intercept");
	ASSERT_TRUE(fit.r2 == 1, "flat r2 is 1");
	ASSERT_DBL_NEAR(fit.se_b, 0, 0, "flat se_b");

	/* far from the origin: raw sums of x^2 would lose every digit */
	for (i = 0; i < 10; i++) {
		x[i] = 1e9 + i;
		y[i] = 7 + 0.5 * i;
	}
	if (!ASSERT_OK(stats_linear_fit(x, y, 10, &fit), "offset fit"))
		return;
	ASSERT_REL(fit.b, 0.5, 1e-12, "offset slope");
	ASSERT_DBL_GE(fit.r2, 1 - 1e-12, "offset r2");
}

static void compute(const double *x, int n, struct sample_stats *st)
{
	ASSERT_OK(stats_compute(x, n, st), "stats_compute");
}

static void test_welch(void)
{
	/*
	 * Two samples of 15, the first example of Wikipedia's "Welch's
	 * t-test" article, which gives t = 2.46, df = 25.0, p = 0.021 (its t
	 * is A1 against A2, hence the sign there). Full precision from
	 * scipy.stats.ttest_ind(A2, A1, equal_var=False); p from mpmath at
	 * that t and df.
	 */
	static const double a1[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9,
				     20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7,
				     21.4 };
	static const double a2[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8,
				     22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5,
				     24.4 };
	static const double flat5[] = { 5, 5, 5, 5 }, flat6[] = { 6, 6, 6, 6 };
	static const double spread[] = { 4, 6, 5, 7 };
	static const double centred[] = { -1, 1, 0 };
	struct sample_stats a, b;
	struct welch_result w, w_rev;
	double shifted[15];
	int i;

	compute(a1, 15, &a);
	compute(a2, 15, &b);
	if (!ASSERT_OK(stats_welch(&a, &b, &w), "welch textbook"))
		return;
	ASSERT_REL(w.t, 2.455356398286006, 1e-9, "textbook t");
	ASSERT_REL(w.df, 24.988529290231416, 1e-9, "textbook df");
	ASSERT_REL(w.p, 0.021378001462866987, 1e-9, "textbook p");
	ASSERT_REL(w.diff, 2.166666666666668, 1e-12, "textbook diff");
	ASSERT_REL(w.rel, 0.10406660262568052, 1e-12, "textbook rel");

	/* against itself: nothing to see */
	if (!ASSERT_OK(stats_welch(&a, &a, &w), "welch identical"))
		return;
	ASSERT_DBL_NEAR(w.t, 0, 0, "identical t");
	ASSERT_DBL_NEAR(w.p, 1, 0, "identical p");
	ASSERT_DBL_NEAR(w.diff, 0, 0, "identical diff");

	/* clearly shifted: significant, and the sign says which way */
	for (i = 0; i < 15; i++)
		shifted[i] = a1[i] + 5;
	compute(shifted, 15, &b);
	if (!ASSERT_OK(stats_welch(&a, &b, &w), "welch shifted") ||
	    !ASSERT_OK(stats_welch(&b, &a, &w_rev), "welch shifted back"))
		return;
	ASSERT_DBL_LT(w.p, 0.05, "shifted p");
	ASSERT_DBL_GT(w.t, 0, "shifted t");
	ASSERT_DBL_NEAR(w.diff, 5, 1e-12, "shifted diff");
	ASSERT_DBL_NEAR(w_rev.t, -w.t, 1e-12, "reversed t");
	ASSERT_DBL_NEAR(w_rev.p, w.p, 1e-15, "reversed p");

	/* no variance anywhere: equal means or certainly different ones */
	compute(flat5, 4, &a);
	compute(flat6, 4, &b);
	if (!ASSERT_OK(stats_welch(&a, &a, &w), "welch flat same"))
		return;
	ASSERT_DBL_NEAR(w.t, 0, 0, "flat same t");
	ASSERT_DBL_NEAR(w.p, 1, 0, "flat same p");
	if (!ASSERT_OK(stats_welch(&a, &b, &w), "welch flat different"))
		return;
	ASSERT_DBL_NEAR(w.p, 0, 0, "flat different p");
	ASSERT_TRUE(isinf(w.t) && w.t > 0, "flat different t = +inf");

	/* one side without variance: df is the other side's n - 1 */
	compute(spread, 4, &b);
	if (!ASSERT_OK(stats_welch(&a, &b, &w), "welch half flat"))
		return;
	ASSERT_DBL_NEAR(w.df, 3, 1e-12, "half flat df");
	ASSERT_TRUE(w.p > 0 && w.p < 1, "half flat p inside (0, 1)");

	/* mean(a) = 0: no relative change to speak of */
	compute(centred, 3, &a);
	if (!ASSERT_OK(stats_welch(&a, &b, &w), "welch mean 0"))
		return;
	ASSERT_DBL_NEAR(w.rel, 0, 0, "rel with mean(a) = 0");
}

static void test_bad_input(void)
{
	double x[] = { 1, 2, 3, 4 }, y[] = { 2, 4, 6, 8 };
	double same[] = { 2, 2, 2, 2 }, with_nan[] = { 1, NAN, 3 };
	struct sample_stats st, one;
	struct linear_fit fit;
	struct welch_result w;

	ASSERT_EQ(stats_compute(NULL, 3, &st), -EINVAL, "compute NULL x");
	ASSERT_EQ(stats_compute(x, 0, &st), -EINVAL, "compute n = 0");
	ASSERT_EQ(stats_compute(x, -1, &st), -EINVAL, "compute n < 0");
	ASSERT_EQ(stats_compute(x, 3, NULL), -EINVAL, "compute NULL st");
	ASSERT_EQ(stats_compute(with_nan, 3, &st), -EINVAL, "compute NaN");
	ASSERT_TRUE(isnan(stats_mean(x, 0)), "mean of nothing");
	ASSERT_TRUE(isnan(stats_median(NULL, 3)), "median of NULL");
	ASSERT_TRUE(isnan(stats_stddev(x, 0)), "stddev of nothing");

	ASSERT_EQ(stats_linear_fit(x, y, 2, &fit), -EINVAL, "fit n = 2");
	ASSERT_EQ(stats_linear_fit(x, y, 0, &fit), -EINVAL, "fit n = 0");
	ASSERT_EQ(stats_linear_fit(same, y, 4, &fit), -EINVAL, "fit x equal");
	ASSERT_EQ(stats_linear_fit(NULL, y, 4, &fit), -EINVAL, "fit NULL x");
	ASSERT_EQ(stats_linear_fit(x, NULL, 4, &fit), -EINVAL, "fit NULL y");
	ASSERT_EQ(stats_linear_fit(x, y, 4, NULL), -EINVAL, "fit NULL out");
	ASSERT_EQ(stats_linear_fit(x, with_nan, 3, &fit), -EINVAL, "fit NaN");

	if (!ASSERT_OK(stats_compute(x, 4, &st), "compute") ||
	    !ASSERT_OK(stats_compute(x, 1, &one), "compute one"))
		return;
	ASSERT_EQ(stats_welch(NULL, &st, &w), -EINVAL, "welch NULL a");
	ASSERT_EQ(stats_welch(&st, NULL, &w), -EINVAL, "welch NULL b");
	ASSERT_EQ(stats_welch(&st, &st, NULL), -EINVAL, "welch NULL res");
	/* one measurement has no spread to test against */
	ASSERT_EQ(stats_welch(&one, &st, &w), -EINVAL, "welch n = 1");

	ASSERT_TRUE(isnan(stats_t_cdf(1, 0)), "cdf df = 0");
	ASSERT_TRUE(isnan(stats_t_cdf(1, -2)), "cdf df < 0");
	ASSERT_TRUE(isnan(stats_t_cdf(NAN, 3)), "cdf t NaN");
	ASSERT_TRUE(isnan(stats_t_quantile(1.5, 3)), "quantile p > 1");
	ASSERT_TRUE(isnan(stats_t_quantile(-0.1, 3)), "quantile p < 0");
	ASSERT_TRUE(isnan(stats_t_quantile(0.9, 0)), "quantile df = 0");
	ASSERT_TRUE(isnan(stats_t_quantile(NAN, 3)), "quantile p NaN");
}

/* ---- F, weighted fits, rank tests, multiplicity ---- */

static void test_f_and_weighted_fit(void)
{
	static const double fs[] = { 0.1, 1, 4.1028, 20 };
	double x[6], y[6], se[6], q[6];
	int dof[6];
	struct linear_fit fit;

	/* P(F(2, d2) > f) = (1 + 2 f / d2)^(-d2 / 2) */
	for (size_t i = 0; i < ARRAY_SIZE(fs); i++)
		ASSERT_REL(stats_f_sf(fs[i], 2, 10), pow(1 + 2 * fs[i] / 10, -5),
			   1e-10, "F(2, 10) tail");
	ASSERT_REL(stats_f_sf(4.1028, 2, 10), 0.05, 1e-3, "F(2, 10) 5% point");
	ASSERT_DBL_NEAR(stats_f_sf(0, 3, 7), 1, 0, "F tail at 0");

	/* exact line, equal errors: b exact, no lack of fit */
	for (int i = 0; i < 6; i++) {
		x[i] = i;
		y[i] = 2 + 3 * i;
		se[i] = 1;
		dof[i] = 9;
	}
	if (ASSERT_OK(stats_weighted_fit(x, y, se, dof, 6, &fit), "wls line")) {
		ASSERT_DBL_NEAR(fit.b, 3, 1e-12, "wls b");
		ASSERT_DBL_NEAR(fit.a, 2, 1e-12, "wls a");
		ASSERT_DBL_NEAR(fit.chi2, 0, 1e-12, "wls chi2");
		ASSERT_DBL_NEAR(fit.lof_p, 1, 1e-12, "wls lack of fit");
	}
	/* a point with a huge error does not move the line */
	y[5] = 1000;
	se[5] = 1e6;
	if (ASSERT_OK(stats_weighted_fit(x, y, se, dof, 6, &fit), "wls weights"))
		ASSERT_DBL_NEAR(fit.b, 3, 1e-6, "wls ignores the imprecise point");
	/* a parabola measured precisely: not a line */
	for (int i = 0; i < 6; i++) {
		y[i] = i * i;
		se[i] = 0.01;
	}
	if (ASSERT_OK(stats_weighted_fit(x, y, se, dof, 6, &fit), "wls parabola"))
		ASSERT_DBL_LT(fit.lof_p, 1e-6, "lack of fit detected");
	/* the same parabola with errors that cover its bend: a line will do */
	for (int i = 0; i < 6; i++)
		se[i] = 10;
	if (ASSERT_OK(stats_weighted_fit(x, y, se, dof, 6, &fit), "wls wide"))
		ASSERT_DBL_GT(fit.lof_p, 0.5, "no lack of fit within the errors");
	/* plain least squares when a point has no spread */
	se[2] = 0;
	ASSERT_EQ(stats_fit_means(x, y, se, dof, 6, &fit), 0, "falls back to plain");
	ASSERT_TRUE(isnan(fit.lof_p), "plain fit has no lack-of-fit test");
	se[0] = -1;
	ASSERT_EQ(stats_weighted_fit(x, y, se, dof, 6, &fit), -EINVAL, "wls se < 0");

	/* Benjamini-Hochberg, worked by hand (NAN left out of the family) */
	{
		double p[6] = { 0.01, 0.04, NAN, 0.03, 0.005, 0.5 };
		double want[6] = { 0.025, 0.05, NAN, 0.05, 0.025, 0.5 };

		stats_bh_adjust(p, 6, q);
		for (int i = 0; i < 6; i++) {
			if (isnan(want[i]))
				ASSERT_TRUE(isnan(q[i]), "BH keeps NAN out");
			else
				ASSERT_DBL_NEAR(q[i], want[i], 1e-12, "BH q");
		}
	}
}

/* P(U >= u) by trying every split of the pooled sample (2^(m+n) masks). */
static double brute_p_greater(const double *x, int m, const double *y, int n)
{
	double all[24], u_obs = 0;
	long hits = 0, total = 0;

	for (int i = 0; i < m; i++)
		all[i] = x[i];
	for (int j = 0; j < n; j++)
		all[m + j] = y[j];
	for (int j = 0; j < n; j++)
		for (int i = 0; i < m; i++)
			u_obs += y[j] > x[i];
	for (unsigned long mask = 0; mask < (1UL << (m + n)); mask++) {
		double u = 0;

		if (__builtin_popcountl(mask) != n)
			continue;
		/* mask: which pooled values play y */
		for (int a = 0; a < m + n; a++)
			for (int b = 0; b < m + n; b++)
				if ((mask >> a & 1) && !(mask >> b & 1))
					u += all[a] > all[b];
		total++;
		hits += u >= u_obs;
	}
	return (double)hits / total;
}

static void test_ranks(void)
{
	double x[10], y[10], d[100], est, lo, hi;
	unsigned long long seed = 42;
	int k;

	/* three below three: U = 9, P = 1 / C(6, 3) */
	{
		double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };

		ASSERT_DBL_NEAR(stats_mw_p_greater(a, 3, b, 3), 0.05, 1e-12, "MW 3 < 3");
		ASSERT_DBL_NEAR(stats_mw_p_less(a, 3, b, 3), 1, 1e-12, "MW other side");
	}
	/* random samples of unequal sizes against the brute force */
	for (int t = 0; t < 6; t++) {
		int m = 4 + t % 3, n = 5 + t % 4;

		for (int i = 0; i < m; i++)
			x[i] = (seed = seed * 6364136223846793005ULL + 1) >> 40;
		for (int j = 0; j < n; j++)
			y[j] = ((seed = seed * 6364136223846793005ULL + 1) >> 40) +
			       t * 1e6;
		ASSERT_DBL_NEAR(stats_mw_p_greater(x, m, y, n),
				brute_p_greater(x, m, y, n), 1e-12,
				"MW exact tail = enumeration");
	}
	/*
	 * Hodges-Lehmann with distinct differences y - x: 100 of them. The
	 * 95% interval is [d(k), d(101 - k)] with P(U <= k - 1) <= 0.025;
	 * for 10 and 10 that is U <= 23 (tables: critical U 23), k = 24.
	 */
	for (int i = 0; i < 10; i++) {
		x[i] = i;
		y[i] = 10.5 * i + 0.25;
	}
	for (int j = 0, n = 0; j < 10; j++)
		for (int i = 0; i < 10; i++)
			d[n++] = y[j] - x[i];
	qsort(d, 100, sizeof(d[0]), cmp_dbl);
	if (ASSERT_OK(stats_hl_shift(x, 10, y, 10, 0.95, &est, &lo, &hi), "HL")) {
		k = 24;
		ASSERT_DBL_NEAR(lo, d[k - 1], 0, "HL CI low = d(24)");
		ASSERT_DBL_NEAR(hi, d[100 - k], 0, "HL CI high = d(77)");
		ASSERT_DBL_NEAR(est, (d[49] + d[50]) / 2, 1e-12, "HL estimate");
	}
	/* too few values for the level: an infinite interval, not a fake one */
	if (ASSERT_OK(stats_hl_shift(x, 2, y, 2, 0.95, &est, &lo, &hi), "HL 2+2"))
		ASSERT_TRUE(isinf(lo) && isinf(hi), "HL 2+2 has no 95% interval");
	/* a trend over rounds, and none */
	for (int i = 0; i < 10; i++)
		y[i] = 100 + i + (i % 2 ? 0.1 : -0.1);
	if (ASSERT_OK(stats_trend(y, 10, &est, &lo), "trend"))
		ASSERT_DBL_LT(lo, 1e-6, "trend found");
	for (int i = 0; i < 10; i++)
		y[i] = 100 + (i % 2 ? 1 : -1);
	if (ASSERT_OK(stats_trend(y, 10, &est, &lo), "no trend"))
		ASSERT_DBL_GT(lo, 0.5, "no trend in an alternation");
}

void test_stats(void)
{
	if (test__start_subtest("t_quantiles"))
		test_t_quantiles();
	if (test__start_subtest("summary"))
		test_summary();
	if (test__start_subtest("linear_fit"))
		test_linear_fit();
	if (test__start_subtest("welch"))
		test_welch();
	if (test__start_subtest("bad_input"))
		test_bad_input();
	if (test__start_subtest("weighted_fit"))
		test_f_and_weighted_fit();
	if (test__start_subtest("ranks"))
		test_ranks();
}
