// SPDX-License-Identifier: GPL-2.0
/*
 * The cost model's fits (results.h, results_fit_sweep()): a sweep's
 * ns_per_pkt points of the running (sub)test, ns/pkt = a + b * x by least
 * squares weighted by each point's variance of the mean (plain when a
 * point has no spread), the lack-of-fit test, and the marginal slope
 * between the two largest x. results.c keeps the fits and writes them.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "results.h"
#include "stats.h"


static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ?: "", b ?: "");
}

static bool row_in_sweep(int i, const struct point_id *key)
{
	const struct result_row *r = results_row(i);

	return same_str(r->id.test, env.test_name) &&
	       same_str(r->id.subtest, env.subtest_name) &&
	       metric_is(r->id.metric, METRIC_NS_PER_PKT) &&
	       same_str(r->id.property, key->property) &&
	       same_str(r->id.variant, key->variant) &&
	       same_str(r->id.op, key->op) &&
	       same_str(r->id.mode, key->mode ?: "test_run") &&
	       r->id.frame_size == key->frame_size && r->id.n >= 0;
}

/* The sweep's points: x, mean, standard error of the mean, its dof. */
struct fit_points {
	double *x, *y, *se;
	int *dof;
	int n;
	bool weighted;		/* every point has a spread to weight by */
};

static int collect_sweep(const struct point_id *key,
			 long (*x_of)(long n, int frame_size),
			 struct fit_points *fp)
{
	int nr_rows = results_count();

	fp->x = calloc(nr_rows + 1, sizeof(*fp->x));
	fp->y = calloc(nr_rows + 1, sizeof(*fp->y));
	fp->se = calloc(nr_rows + 1, sizeof(*fp->se));
	fp->dof = calloc(nr_rows + 1, sizeof(*fp->dof));
	fp->n = 0;
	fp->weighted = false;
	if (!fp->x || !fp->y || !fp->se || !fp->dof)
		return -ENOMEM;
	for (int i = 0; i < nr_rows; i++) {
		const struct sample_stats *st = &results_row(i)->st;
		long n = results_row(i)->id.n;

		if (!row_in_sweep(i, key))
			continue;
		fp->x[fp->n] = x_of ? x_of(n, key->frame_size) : n;
		fp->y[fp->n] = st->mean;
		fp->se[fp->n] = st->n > 1 ? st->stddev / sqrt(st->n) : 0;
		fp->dof[fp->n] = st->n - 1;
		fp->n++;
	}
	return 0;
}

static void free_points(struct fit_points *fp)
{
	free(fp->x);
	free(fp->y);
	free(fp->se);
	free(fp->dof);
}

/*
 * Inverse-variance mean of the points at x (several N can read the same
 * payload bytes): its value, variance and degrees of freedom.
 */
static void pool_at(const struct fit_points *fp, double x, double *y,
		    double *var, double *dof)
{
	double sw = 0, swy = 0;

	*dof = 0;
	for (int i = 0; i < fp->n; i++) {
		double w = 1 / (fp->se[i] * fp->se[i]);

		if (fp->x[i] != x)
			continue;
		sw += w;
		swy += w * fp->y[i];
		*dof += fp->dof[i];
	}
	*y = swy / sw;
	*var = 1 / sw;
}

/* Slope between x = lo and x = hi, with a Welch-Satterthwaite CI. */
static void slope_between(const struct fit_points *fp, double lo, double hi,
			  double *b, double *b_low, double *b_high)
{
	double yh, yl, vh, vl, dh, dl, df, se, tq;

	pool_at(fp, hi, &yh, &vh, &dh);
	pool_at(fp, lo, &yl, &vl, &dl);
	se = sqrt(vh + vl);
	df = (vh + vl) * (vh + vl) /
	     (vh * vh / (dh > 0 ? dh : 1) + vl * vl / (dl > 0 ? dl : 1));
	tq = stats_t_quantile(0.975, df);
	*b = (yh - yl) / (hi - lo);
	*b_low = *b - tq * se / (hi - lo);
	*b_high = *b + tq * se / (hi - lo);
}

/*
 * The marginal slope, between the two largest x, and the span's, between
 * the smallest and the largest: what one more unit costs at the top, and
 * what the units cost on average over the sweep.
 */
static void end_slopes(const struct fit_points *fp, struct sweep_fit *sf)
{
	double hi = -INFINITY, lo = -INFINITY, min = INFINITY;

	sf->marg_b = sf->marg_low = sf->marg_high = NAN;
	sf->span_b = sf->span_low = sf->span_high = NAN;
	for (int i = 0; i < fp->n; i++) {
		hi = fp->x[i] > hi ? fp->x[i] : hi;
		min = fp->x[i] < min ? fp->x[i] : min;
	}
	for (int i = 0; i < fp->n; i++)
		if (fp->x[i] < hi && fp->x[i] > lo)
			lo = fp->x[i];
	if (!isfinite(lo) || !fp->weighted)
		return;
	sf->x_lo = (long)lo;
	sf->x_hi = (long)hi;
	slope_between(fp, lo, hi, &sf->marg_b, &sf->marg_low, &sf->marg_high);
	slope_between(fp, min, hi, &sf->span_b, &sf->span_low,
		      &sf->span_high);
}

static int distinct_x(const struct fit_points *fp)
{
	int d = 0;

	for (int i = 0; i < fp->n; i++) {
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= fp->x[j] == fp->x[i];
		d += !seen;
	}
	return d;
}

/* The fit as cost-model.csv keeps it: x range, weighted or not. */
static int keep_fit(const struct point_id *key, const char *what,
		    const struct fit_points *fp, const struct sweep_fit *sf)
{
	long lo = (long)fp->x[0], hi = (long)fp->x[0];

	for (int i = 1; i < fp->n; i++) {
		lo = fp->x[i] < lo ? (long)fp->x[i] : lo;
		hi = fp->x[i] > hi ? (long)fp->x[i] : hi;
	}
	return results_add_fit(key, what, fp->n, lo, hi, fp->weighted, sf);
}

int results_fit_sweep(const struct point_id *key, const char *what,
		      long (*x_of)(long n, int frame_size),
		      struct sweep_fit *sf)
{
	struct fit_points fp;
	int err;

	memset(sf, 0, sizeof(*sf));
	err = collect_sweep(key, x_of, &fp);
	if (!err && distinct_x(&fp) < 3)
		err = -EINVAL;
	if (!err) {
		err = stats_fit_means(fp.x, fp.y, fp.se, fp.dof, fp.n,
				      &sf->fit);
		fp.weighted = err == 1;
		err = err < 0 ? err : 0;
	}
	if (!err) {
		end_slopes(&fp, sf);
		err = keep_fit(key, what, &fp, sf);
	}
	free_points(&fp);
	return err;
}
