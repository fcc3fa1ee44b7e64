// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptive statistics, the Student t and F distributions, least
 * squares (plain and weighted), Welch's t-test, Mann-Whitney with the
 * Hodges-Lehmann interval and Benjamini-Hochberg, with nothing but libm.
 *
 * The t distribution is computed through the regularized incomplete beta
 * function: P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t^2). I_x is
 * evaluated with its continued fraction (modified Lentz method), and the
 * quantile is found by a safeguarded Newton iteration on the cdf.
 *
 * Checked against mpmath (40 digits) on a grid of p from 1e-300 to
 * 1 - 1e-9 and df from 0.5 to 1e16: quantiles within 2e-13 relative.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

/*
 * Above this many degrees of freedom t is the standard normal: the first
 * correction to a quantile z is (z^3 + z) / (4 df), under 1e-13 relative
 * even at z = 38 (p = 1e-300). The continued fraction below was checked up
 * to here; by df = 1e20 it no longer converges.
 */
#define T_NORMAL_DF		1e16
#define BETA_CF_MAX_ITER	200000
#define BETA_CF_EPS		(2 * DBL_EPSILON)
#define BETA_CF_TINY		1e-300
#define QUANTILE_MAX_ITER	200

static bool all_finite(const double *x, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

static double *sorted_copy(const double *x, int n)
{
	double *s = malloc(sizeof(*s) * n);

	if (!s)
		return NULL;
	memcpy(s, x, sizeof(*s) * n);
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

/*
 * Quantile p of sorted s[0..n-1] by linear interpolation between order
 * statistics at h = (n - 1) p: Hyndman & Fan type 7, the default of R,
 * numpy.percentile and Excel's QUARTILE.INC.
 */
static double sorted_quantile(const double *s, int n, double p)
{
	double h = (n - 1) * p;
	int lo = (int)floor(h);

	if (lo >= n - 1)
		return s[n - 1];
	return s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/*
 * Summed as offsets from x[0]: constant data then gives its value exactly
 * (0.1 ten times summed directly gives 0.9999999999999999), so a spread
 * that is not there never shows up as a tiny stddev or a non-zero r2 gap.
 */
double stats_mean(const double *x, int n)
{
	double sum = 0;
	int i;

	if (!x || n < 1)
		return NAN;
	for (i = 1; i < n; i++)
		sum += x[i] - x[0];
	return x[0] + sum / n;
}

double stats_median(const double *x, int n)
{
	double *s, median;

	if (!x || n < 1)
		return NAN;
	s = sorted_copy(x, n);
	if (!s)
		return NAN;
	median = sorted_quantile(s, n, 0.5);
	free(s);
	return median;
}

double stats_median_finite(const double *x, int n)
{
	double *v, median;
	int m = 0;

	if (!x || n < 1)
		return NAN;
	v = malloc(n * sizeof(*v));
	if (!v)
		return NAN;
	for (int i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[m++] = x[i];
	median = stats_median(v, m);
	free(v);
	return median;
}

/* Sample standard deviation (n - 1 in the denominator); 0 for one value. */
double stats_stddev(const double *x, int n)
{
	double mean, ss = 0;
	int i;

	if (!x || n < 1)
		return NAN;
	if (n == 1)
		return 0;
	/* two passes: the one-pass formula cancels badly for large means */
	mean = stats_mean(x, n);
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return sqrt(ss / (n - 1));
}

/*
 * Non-finite values are rejected: one NaN from a failed measurement would
 * otherwise silently turn every figure derived from it into NaN.
 */
int stats_compute(const double *x, int n, struct sample_stats *st)
{
	double *s, q1, q3, iqr, half;
	int i;

	if (!x || !st || n < 1 || !all_finite(x, n))
		return -EINVAL;
	s = sorted_copy(x, n);
	if (!s)
		return -ENOMEM;

	memset(st, 0, sizeof(*st));
	st->n = n;
	st->mean = stats_mean(x, n);
	st->median = sorted_quantile(s, n, 0.5);
	st->stddev = stats_stddev(x, n);
	st->min = s[0];
	st->max = s[n - 1];

	half = 0;
	if (n > 1)
		half = stats_t_quantile(0.975, n - 1) * st->stddev / sqrt(n);
	st->ci95_low = st->mean - half;
	st->ci95_high = st->mean + half;

	q1 = sorted_quantile(s, n, 0.25);
	q3 = sorted_quantile(s, n, 0.75);
	iqr = q3 - q1;
	for (i = 0; i < n; i++)
		if (s[i] < q1 - 1.5 * iqr || s[i] > q3 + 1.5 * iqr)
			st->outliers++;
	free(s);
	return 0;
}

/*
 * Remainder of Stirling's series: lgamma(x) = (x - 1/2) ln x - x
 * + ln(2 pi) / 2 + stirling_tail(x). For x >= STIRLING_MIN the first term
 * left out, x^-13 / 156, is below 1e-17.
 */
#define STIRLING_MIN	15

static double stirling_tail(double x)
{
	double r = 1 / x, r2 = r * r;

	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 -
		    r2 * (1.0 / 1680 - r2 * (1.0 / 1188 -
		    r2 * (691.0 / 360360))))));
}

/*
 * ln B(a, b). With lgamma() alone, lgamma(a) - lgamma(a + b) loses all its
 * digits when a is large and b small (as in the t distribution, b = 1/2,
 * a = df/2): the difference is then taken from Stirling's series, where it
 * cancels analytically.
 */
static double log_beta(double a, double b)
{
	double big = fmax(a, b), small = fmin(a, b);

	if (big < STIRLING_MIN)
		return lgamma(a) + lgamma(b) - lgamma(a + b);
	/* lgamma(big) - lgamma(big + small) */
	return lgamma(small) - (big - 0.5) * log1p(small / big) -
	       small * log(big + small) + small +
	       stirling_tail(big) - stirling_tail(big + small);
}

/*
 * Continued fraction of I_x(a, b), less its prefactor x^a y^b / (a B(a, b)).
 *
 * Numerical Recipes writes it as 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
 *	d(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),
 *	d(2m)   = m (b - m) x / ((a + 2m - 1)(a + 2m)).
 * For large a and x close to 1 (the t distribution at large df) every
 * "1 + d" there is 1 - (almost 1): the fraction loses ~log10(a) digits. We
 * evaluate its even contraction instead,
 *	1 / (D0 + N1 / (D1 + N2 / (D2 + ...))),
 *	D(m) = 1 + d(2m) + d(2m+1),	N(m) = -d(2m-1) d(2m),
 * where, with A = a + 2m, D(m) is worked out exactly in terms of y = 1 - x:
 *	D(0) = (1 - b + (a + b) y) / (a + 1)
 *	D(m) = ((1 + 2m - b)(a - 1) + 2m(m + 1)) / ((A - 1)(A + 1))
 *	       + y ((a + m)(a + b + m) / (A (A + 1)) + m (m - b) / ((A - 1) A)),
 * sums of positive terms in the t distribution's case. For small x the plain
 * 1 + d form has no cancellation and is used. The fraction converges fast
 * for x < (a + 1) / (a + b + 2); it is evaluated forwards with the modified
 * Lentz method. NaN if it does not converge.
 */
static double beta_cf_den(double a, double b, double x, double y, int m)
{
	double A = a + 2 * m;

	if (x < 0.5) {
		if (m == 0)
			return 1 - (a + b) * x / (a + 1);
		return 1 + m * (b - m) * x / ((A - 1) * A) -
		       (a + m) * (a + b + m) * x / (A * (A + 1));
	}
	if (m == 0)
		return (1 - b + (a + b) * y) / (a + 1);
	return ((1 + 2 * m - b) * (a - 1) + 2.0 * m * (m + 1)) /
	       ((A - 1) * (A + 1)) +
	       y * ((a + m) * (a + b + m) / (A * (A + 1)) +
		    m * (m - b) / ((A - 1) * A));
}

static double beta_cf_num(double a, double b, double x, int m)
{
	double A = a + 2 * m;

	return m * (b - m) * (a + m - 1) * (a + b + m - 1) * x * x /
	       ((A - 2) * (A - 1) * (A - 1) * A);
}

static double beta_cont_frac(double a, double b, double x, double y)
{
	double c, d, f, den, num, delta;
	int m;

	d = beta_cf_den(a, b, x, y, 0);
	if (fabs(d) < BETA_CF_TINY)
		d = BETA_CF_TINY;
	d = 1 / d;
	f = d;
	c = 1 / BETA_CF_TINY;	/* ratio of the numerators' first two */
	for (m = 1; m <= BETA_CF_MAX_ITER; m++) {
		den = beta_cf_den(a, b, x, y, m);
		num = beta_cf_num(a, b, x, m);
		d = den + num * d;
		c = den + num / c;
		if (fabs(d) < BETA_CF_TINY)
			d = BETA_CF_TINY;
		if (fabs(c) < BETA_CF_TINY)
			c = BETA_CF_TINY;
		d = 1 / d;
		delta = c * d;
		f *= delta;
		if (fabs(delta - 1) <= BETA_CF_EPS)
			return f;
	}
	return NAN;
}

/*
 * Regularized incomplete beta I_x(a, b). The caller gives x, y = 1 - x and
 * their logarithms, each computed where it is exact: in the t distribution
 * 1 - x is t^2 / (df + t^2), which 1 - x in floating point would destroy for
 * small t or large df.
 */
static double inc_beta(double a, double b, double x, double y,
		       double ln_x, double ln_y)
{
	double front;

	if (ln_x == -INFINITY)
		return 0;
	if (ln_y == -INFINITY)
		return 1;
	front = exp(a * ln_x + b * ln_y - log_beta(a, b));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cont_frac(a, b, x, y) / a;
	/* I_x(a, b) = 1 - I_y(b, a), the fraction of which converges here */
	return 1 - front * beta_cont_frac(b, a, y, x) / b;
}

/*
 * For t >= 0: P(T > t) (tail) or P(0 < T < t) (central), each computed
 * directly so that neither is ever 0.5 minus the other: a tiny tail and a
 * tiny central part (t near 0) both keep all their digits.
 *   tail    = I_x(df/2, 1/2) / 2,	x = df / (df + t^2)
 *   central = I_y(1/2, df/2) / 2,	y = t^2 / (df + t^2)
 */
static double t_prob(double t, double df, bool central)
{
	double r, x, y, ln_x, ln_y;

	if (df > T_NORMAL_DF)
		return central ? 0.5 * erf(t / M_SQRT2) :
				 0.5 * erfc(t / M_SQRT2);
	if (isinf(t))
		return central ? 0.5 : 0;
	r = t / sqrt(df);
	if (r > 1e150) {
		/* r^2 overflows: x = 1 / (1 + r^2) ~ 1 / r^2, y ~ 1 */
		ln_x = -2 * log(r);
		x = exp(ln_x);
		y = 1;
		ln_y = 0;
	} else {
		x = 1 / (1 + r * r);
		y = r * r / (1 + r * r);
		ln_x = -log1p(r * r);
		ln_y = y < 0.5 ? log(y) : log1p(-x);
	}
	if (central)
		return 0.5 * inc_beta(0.5, df / 2, y, x, ln_y, ln_x);
	return 0.5 * inc_beta(df / 2, 0.5, x, y, ln_x, ln_y);
}

/* Density of t, for the Newton steps of the quantile. */
static double t_pdf(double t, double df)
{
	double r = fabs(t) / sqrt(df), ln_x;

	if (df > T_NORMAL_DF)
		return exp(-t * t / 2) / sqrt(2 * M_PI);
	ln_x = r > 1e150 ? -2 * log(r) : -log1p(r * r);
	return exp((df + 1) / 2 * ln_x - log_beta(df / 2, 0.5) -
		   0.5 * log(df));
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	tail = t_prob(fabs(t), df, false);
	return t < 0 ? tail : 1 - tail;
}

/*
 * Solve F(t) = target for t > 0, F = t_prob(., central): increasing for
 * the central part, decreasing for the tail. Newton runs on
 * g(u) = ln F(e^u) - ln target, u = ln t: g is close to linear in u in the
 * power-law tails, near t = 0 (F ~ t) and fine in the Gaussian tail. The
 * root stays inside a bracket [lo, hi] that shrinks with every step;
 * bisection (geometric) whenever Newton would leave it or is not at least
 * halving its step, the safeguard of Numerical Recipes' rtsafe.
 */
static double t_solve(double target, double df, bool central)
{
	double sign = central ? 1 : -1, lo, hi, t, f, g, step, dx, dx_old;
	int i;

	/* bracket by factors of 16 from t = 1: F(lo) and F(hi) straddle it */
	lo = hi = 1;
	if ((t_prob(1, df, central) - target) * sign < 0) {
		do {
			lo = hi;
			hi *= 16;
			if (isinf(hi))
				return INFINITY;
		} while ((t_prob(hi, df, central) - target) * sign < 0);
	} else {
		do {
			hi = lo;
			lo /= 16;
			if (lo == 0)
				return 0;
		} while ((t_prob(lo, df, central) - target) * sign > 0);
	}

	t = sqrt(lo) * sqrt(hi);
	dx = dx_old = log(hi / lo);
	for (i = 0; i < QUANTILE_MAX_ITER; i++) {
		f = t_prob(t, df, central);
		g = log(f) - log(target);
		if (isnan(g))
			return NAN;
		if (g == 0)
			return t;
		if (g * sign < 0)
			lo = t;
		else
			hi = t;

		/* dg/du = t F'(t) / F(t), F' = +-pdf */
		step = -g * f / (sign * t * t_pdf(t, df));
		dx_old = dx;
		if (!(t * exp(step) > lo && t * exp(step) < hi) ||
		    fabs(2 * step) > fabs(dx_old)) {
			dx = log(hi / lo) / 2;
			t = sqrt(lo) * sqrt(hi);
		} else {
			dx = step;
			t *= exp(step);
		}
		if (fabs(dx) <= 2 * DBL_EPSILON)
			return t;
	}
	return t;
}

double stats_t_quantile(double p, double df)
{
	double t;

	if (isnan(p) || isnan(df) || df <= 0 || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	/*
	 * p - 0.5 is exact for p >= 0.25 and 1 - p for p >= 0.5: near the
	 * centre solve for the central probability, in the tails for the
	 * tail probability, so that neither loses digits.
	 */
	if (fabs(p - 0.5) < 0.25)
		t = t_solve(fabs(p - 0.5), df, true);
	else
		t = t_solve(p < 0.5 ? p : 1 - p, df, false);
	return p < 0.5 ? -t : t;
}

/*
 * The line through (x, y) with weights w (NULL: all 1), from centred sums
 * (the raw-moment formulas cancel for large x). Fills a, b, n and r2 of
 * fit, and the weighted residual sum *rss, the sum of weights *sw, the
 * weighted mean of x *xm and its weighted spread *sxx. -EINVAL when all x
 * are equal.
 */
static int fit_line(const double *x, const double *y, const double *w,
		    int n, struct linear_fit *fit, double *rss, double *sw,
		    double *xm, double *sxx)
{
	double ym, sxy = 0, syy = 0, r, wi;
	int i;

	*sw = *rss = *sxx = 0;
	if (!w) {
		/* offsets from x[0]: constant data gives its value exactly */
		*xm = stats_mean(x, n);
		ym = stats_mean(y, n);
		*sw = n;
	} else {
		*xm = ym = 0;
		for (i = 0; i < n; i++) {
			*sw += w[i];
			*xm += w[i] * x[i];
			ym += w[i] * y[i];
		}
		*xm /= *sw;
		ym /= *sw;
	}
	for (i = 0; i < n; i++) {
		wi = w ? w[i] : 1;
		*sxx += wi * (x[i] - *xm) * (x[i] - *xm);
		sxy += wi * (x[i] - *xm) * (y[i] - ym);
		syy += wi * (y[i] - ym) * (y[i] - ym);
	}
	if (*sxx == 0)
		return -EINVAL;
	memset(fit, 0, sizeof(*fit));
	fit->n = n;
	fit->b = sxy / *sxx;
	fit->a = ym - fit->b * *xm;
	for (i = 0; i < n; i++) {
		r = y[i] - (fit->a + fit->b * x[i]);
		*rss += (w ? w[i] : 1) * r * r;
	}
	/* no residual (a constant y included): the line explains all */
	fit->r2 = *rss == 0 ? 1 : 1 - *rss / syy;
	fit->chi2 = NAN;
	fit->lof_p = NAN;
	return 0;
}

/* CIs of a and b: the residual variance var, t with df degrees of freedom. */
static void fit_cis(struct linear_fit *fit, double var, double df, double sw,
		    double xm, double sxx)
{
	double tq = stats_t_quantile(0.975, df);
	double se_a = sqrt(var * (1 / sw + xm * xm / sxx));

	fit->se_b = sqrt(var / sxx);
	fit->a_ci95_low = fit->a - tq * se_a;
	fit->a_ci95_high = fit->a + tq * se_a;
	fit->b_ci95_low = fit->b - tq * fit->se_b;
	fit->b_ci95_high = fit->b + tq * fit->se_b;
}

int stats_linear_fit(const double *x, const double *y, int n,
		     struct linear_fit *fit)
{
	double rss, sw, xm, sxx;
	int err;

	if (!x || !y || !fit || n < 3 || !all_finite(x, n) ||
	    !all_finite(y, n))
		return -EINVAL;
	err = fit_line(x, y, NULL, n, fit, &rss, &sw, &xm, &sxx);
	if (!err)
		fit_cis(fit, rss / (n - 2), n - 2, sw, xm, sxx);
	return err;
}

double stats_f_sf(double f, double d1, double d2)
{
	double x, y;

	if (isnan(f) || !(d1 > 0) || !(d2 > 0))
		return NAN;
	if (f <= 0)
		return 1;
	if (isinf(f))
		return 0;
	/* P(F > f) = I_x(d2/2, d1/2), x = d2 / (d2 + d1 f) */
	x = d2 / (d2 + d1 * f);
	y = d1 * f / (d2 + d1 * f);
	return inc_beta(d2 / 2, d1 / 2, x, y, log(x), log(y));
}

int stats_weighted_fit(const double *x, const double *y, const double *se,
		       const int *dof, int n, struct linear_fit *fit)
{
	double w[n > 0 ? n : 1], rss, sw, xm, sxx, k = n - 2, df_err = 0;
	int err;

	if (!x || !y || !se || !dof || !fit || n < 3 || !all_finite(x, n) ||
	    !all_finite(y, n))
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		if (!(se[i] > 0) || !isfinite(se[i]))
			return -EINVAL;
		w[i] = 1 / (se[i] * se[i]);
		df_err += dof[i] > 0 ? dof[i] : 0;
	}
	err = fit_line(x, y, w, n, fit, &rss, &sw, &xm, &sxx);
	if (err)
		return err;
	fit->chi2 = rss;
	fit->lof_p = df_err > 0 ? stats_f_sf(rss / k, k, df_err) : NAN;
	/*
	 * Scatter beyond the points' own errors (lack of fit, or errors
	 * underestimated) widens the CIs, with the residuals' degrees of
	 * freedom; otherwise the errors' own.
	 */
	if (rss / k > 1 || df_err <= 0)
		fit_cis(fit, fmax(rss / k, 1), k, sw, xm, sxx);
	else
		fit_cis(fit, 1, df_err, sw, xm, sxx);
	return 0;
}

/*
 * Both samples need n >= 2: a single measurement carries no estimate of its
 * own spread, and the test would silently treat it as exact.
 */
int stats_welch(const struct sample_stats *a, const struct sample_stats *b,
		struct welch_result *res)
{
	double va, vb, se2;

	if (!a || !b || !res || a->n < 2 || b->n < 2)
		return -EINVAL;

	memset(res, 0, sizeof(*res));
	res->diff = b->mean - a->mean;
	res->rel = a->mean != 0 ? res->diff / a->mean : 0;

	va = a->stddev * a->stddev / a->n;
	vb = b->stddev * b->stddev / b->n;
	se2 = va + vb;
	if (se2 == 0) {
		/*
		 * No spread at all: the means are equal or they differ
		 * with certainty. df is then undefined; report the pooled one.
		 */
		res->df = a->n + b->n - 2;
		if (res->diff == 0) {
			res->t = 0;
			res->p = 1;
		} else {
			res->t = res->diff > 0 ? INFINITY : -INFINITY;
			res->p = 0;
		}
		return 0;
	}

	res->t = res->diff / sqrt(se2);
	/* Welch-Satterthwaite */
	res->df = se2 * se2 / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
	/* two-sided, from the lower tail so that a tiny p keeps its digits */
	res->p = 2 * stats_t_cdf(-fabs(res->t), res->df);
	if (res->p > 1)
		res->p = 1;
	return 0;
}

int stats_fit_means(const double *x, const double *y, const double *se,
		    const int *dof, int n, struct linear_fit *fit)
{
	bool weighted = se && dof && n > 0;

	for (int i = 0; weighted && i < n; i++)
		weighted = se[i] > 0 && isfinite(se[i]);
	if (!weighted)
		return stats_linear_fit(x, y, n, fit);
	return stats_weighted_fit(x, y, se, dof, n, fit) ?: 1;
}

int stats_trend(const double *y, int n, double *slope, double *p)
{
	struct linear_fit fit;
	double *x;
	int err;

	if (!y || n < 3)
		return -EINVAL;
	x = malloc(sizeof(*x) * n);
	if (!x)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		x[i] = i;
	err = stats_linear_fit(x, y, n, &fit);
	free(x);
	if (err)
		return err;
	*slope = fit.b;
	if (fit.se_b == 0)
		*p = fit.b == 0 ? 1 : 0;
	else
		*p = 2 * stats_t_cdf(-fabs(fit.b / fit.se_b), n - 2);
	return 0;
}
