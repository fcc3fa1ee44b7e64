// SPDX-License-Identifier: GPL-2.0
/*
 * Did my change make this slower? Two result sets are matched point by
 * point (test, subtest, property, N, variant, op, frame size, mode, metric)
 * and each pair of a gated metric (metrics.h: primary, with a direction)
 * is classified:
 *
 *   slower/faster  the CI of the change lies beyond the minimum effect in
 *                  the metric's bad/good direction (time and latency up,
 *                  a rate down, is slower), at a level corrected for the
 *                  number of points compared (Benjamini-Hochberg);
 *   unchanged      otherwise: inside the noise, or real but too small to
 *                  matter (a 1% shift measured precisely is not a
 *                  regression a reviewer should act on);
 *   untestable     fewer than 2 values on a side (no spread estimate).
 *
 * The change is tested on the points' round values (rounds.h) when both
 * sides have them: the Hodges-Lehmann shift of their logarithms with the
 * interval of the Mann-Whitney test for two runs, a t interval of the
 * per-round log ratios for two programs measured in the same rounds
 * (--vs). Files without round values get Welch's test on the summaries.
 *
 * Why the minimum effect in the CI, not in the estimate: a point whose
 * change is 6% +- 4% is not shown to be 5% slower. Why Benjamini-Hochberg:
 * a gate fails on any slower point, so under A/A (no point changed) its
 * false alarm rate is the family's probability of any false verdict,
 * which BH holds at alpha as Holm does; when a change really slows many
 * points (a kernel change usually does), BH finds them with much more
 * power, at the price that up to alpha of the points it lists may be
 * false. Why ranks: round values are skewed (interference only adds
 * time) and a round hit by a burst is an outlier a t-test would average
 * in; Mann-Whitney is what benchstat uses for the same reason.
 *
 * Every other pair (diagnostic metrics, metrics without a direction,
 * names the registry does not know) is "info": its change is shown, it
 * is never slower or faster and never fails the gate.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "compare.h"
#include "metrics.h"
#include "results.h"
#include "stats.h"
#include "util.h"

static const char *const verdict_names[NR_CMP_VERDICTS] = {
	[CMP_UNCHANGED] = "unchanged",
	[CMP_FASTER] = "faster",
	[CMP_SLOWER] = "slower",
	[CMP_UNTESTABLE] = "untestable",
	[CMP_INFO] = "info",
};

/*
 * Fields that change what a timing means: a difference makes the whole
 * comparison suspect, so it is flagged. The others (kernel, compiler, git
 * revision, host) are what one compares across, shown for information.
 */
static const char *const critical_env[] = {
	"cpu_model", "nr_cpus", "mitigations", "jit_enable", "jit_harden",
	"bpf_stats", "virt", "emulated",
};
/* Never compared: differs on every run. */
static const char *const ignored_env[] = { "date" };

const char *cmp_verdict_str(enum cmp_verdict v)
{
	return v < NR_CMP_VERDICTS ? verdict_names[v] : "?";
}

void cmp_opts_default(struct cmp_opts *o)
{
	*o = (struct cmp_opts){ .alpha = 0.05, .min_effect = 0.05 };
}

int cmp_parse_effect(const char *arg, double *effect)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || errno || !isfinite(v))
		return -EINVAL;
	if (!strcmp(end, "%"))
		v /= 100;
	else if (*end)
		return -EINVAL;
	if (v < 0 || v >= 1)
		return -EINVAL;
	*effect = v;
	return 0;
}

int cmp_parse_alpha(const char *arg, double *alpha)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !(v > 0 && v < 1))
		return -EINVAL;
	*alpha = v;
	return 0;
}

static bool in_list(const char *key, const char *const *list, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(key, list[i]))
			return true;
	return false;
}

static void add_env_diff(struct cmp_result *res, const char *prefix,
			 const char *key, const char *old, const char *new)
{
	struct cmp_env_diff *e;

	if (res->nr_env >= (int)ARRAY_SIZE(res->env))
		return;
	e = &res->env[res->nr_env++];
	snprintf(e->key, sizeof(e->key), "%s%s", prefix, key);
	e->old = old ?: "";
	e->new = new ?: "";
	e->critical = !*prefix &&
		      in_list(key, critical_env, ARRAY_SIZE(critical_env));
	res->env_mismatch |= e->critical;
}

/* Every key of either side whose values differ, in OLD's order first. */
static void diff_fields(struct cmp_result *res, const char *prefix,
			const struct ds_field *a, int nr_a,
			const struct ds_field *b, int nr_b,
			const char *(*get)(const struct dataset *, const char *))
{
	for (int i = 0; i < nr_a; i++) {
		const char *nv = get(res->new, a[i].key);

		if (in_list(a[i].key, ignored_env, 1))
			continue;
		if (!nv || strcmp(nv, a[i].value))
			add_env_diff(res, prefix, a[i].key, a[i].value, nv);
	}
	for (int i = 0; i < nr_b; i++)
		if (!get(res->old, b[i].key) &&
		    !in_list(b[i].key, ignored_env, 1))
			add_env_diff(res, prefix, b[i].key, NULL, b[i].value);
}

static void diff_env(struct cmp_result *res)
{
	const struct dataset *o = res->old, *n = res->new;

	if (!o->nr_env || !n->nr_env) {
		/* a data.csv carries no environment: nothing vouches for it */
		add_env_diff(res, "", "environment", o->nr_env ? "present" : "",
			     n->nr_env ? "present" : "");
		res->env[res->nr_env - 1].critical = true;
		res->env_mismatch = true;
		return;
	}
	diff_fields(res, "", o->env, o->nr_env, n->env, n->nr_env, ds_env);
	diff_fields(res, "profile.", o->profile, o->nr_profile, n->profile,
		    n->nr_profile, ds_profile);
}

static const char *const method_names[] = {
	[CMP_M_NONE] = "", [CMP_M_PAIRED] = "paired_t",
	[CMP_M_RANKS] = "mann_whitney", [CMP_M_WELCH] = "welch",
};

const char *cmp_method_str(enum cmp_method m)
{
	return m < ARRAY_SIZE(method_names) ? method_names[m] : "?";
}

static bool stats_usable(const struct sample_stats *st)
{
	return st->n >= 2 && isfinite(st->mean) && isfinite(st->stddev);
}

/* The change signed so that > 0 is worse; NAN without a direction. */
static double worse_of(const char *metric, double rel)
{
	switch (metric_dir_of(metric)) {
	case METRIC_LOWER_BETTER:
		return rel;
	case METRIC_HIGHER_BETTER:
		return -rel;
	default:
		return NAN;
	}
}

/* Round values usable on the log scale (every one positive and finite). */
static bool log_values(const struct ds_point *p, double *out)
{
	if (p->r.nr_values < 2)
		return false;
	for (int i = 0; i < p->r.nr_values; i++) {
		if (!(p->r.values[i] > 0) || !isfinite(p->r.values[i]))
			return false;
		out[i] = log(p->r.values[i]);
	}
	return true;
}

/*
 * The boundaries of "slower" and "faster" on the log scale of new/old:
 * a time up by min_effect, a rate down by it (and the other way).
 */
static void boundaries(const struct cmp_row *r, double eff, double *slow,
		       double *fast, bool *up_is_slow)
{
	*up_is_slow = metric_dir_of(r->old->id.metric) != METRIC_HIGHER_BETTER;
	*slow = *up_is_slow ? log1p(eff) : log1p(-eff);
	*fast = *up_is_slow ? log1p(-eff) : log1p(eff);
}

/* One-sided t tail of a log-scale estimate m (se, df) against bound b. */
static double t_tail(double m, double se, double df, double b, bool above)
{
	double t;

	if (se == 0)
		return (above ? m > b : m < b) ? 0 : 1;
	t = (m - b) / se;
	return above ? stats_t_cdf(-t, df) : stats_t_cdf(t, df);
}

/* A t-based estimate (paired or Welch) into the row, on the log scale. */
static void from_t(struct cmp_row *r, const struct cmp_opts *o, double m,
		   double se, double df, int family)
{
	double slow, fast, tq, tm;
	bool up;

	boundaries(r, o->min_effect, &slow, &fast, &up);
	tq = se > 0 ? stats_t_quantile(1 - o->alpha / 2, df) : 0;
	tm = se > 0 ? stats_t_quantile(1 - o->alpha / (2 * family), df) : 0;
	r->rel = expm1(m);
	r->rel_low = expm1(m - tq * se);
	r->rel_high = expm1(m + tq * se);
	r->p = se > 0 ? 2 * stats_t_cdf(-fabs(m / se), df) : m ? 0 : 1;
	r->p_slow = t_tail(m, se, df, slow, up);
	r->p_fast = t_tail(m, se, df, fast, !up);
	r->mde = o->min_effect + expm1(tm * se);
}

/*
 * Room for the log round values of both sides and one more array of
 * OLD's size, on the heap: the sizes come from data files (bounded by
 * their readers, RESULTS_MAX_ROUNDS, but never a stack's business).
 */
static double *log_buffers(int na, int nb)
{
	if (na < 2 || nb < 2)
		return NULL;
	return calloc(2 * (size_t)na + nb, sizeof(double));
}

/* --vs: log(new / old) round by round. */
static bool classify_paired(struct cmp_row *r, const struct cmp_opts *o,
			    int family)
{
	int n = r->old->r.nr_values;
	double *a, *b, *d;
	bool ok = false;

	if (!o->paired || n != r->new->r.nr_values)
		return false;
	a = log_buffers(n, n);
	if (!a)
		return false;
	b = a + n;
	d = b + n;
	if (!log_values(r->old, a) || !log_values(r->new, b))
		goto out;
	for (int i = 0; i < n; i++)
		d[i] = b[i] - a[i];
	from_t(r, o, stats_mean(d, n), stats_stddev(d, n) / sqrt(n), n - 1,
	       family);
	r->method = CMP_M_PAIRED;
	ok = true;
out:
	free(a);
	return ok;
}

/* Two runs: Hodges-Lehmann shift of the log round values, Mann-Whitney. */
static bool classify_ranks(struct cmp_row *r, const struct cmp_opts *o,
			   int family)
{
	int na = r->old->r.nr_values, nb = r->new->r.nr_values;
	double *a = log_buffers(na, nb), *as, *b;
	double est, lo, hi, slow, fast, mlo, mhi;
	bool up, ok = false;

	if (!a)
		return false;
	as = a + na;
	b = as + na;
	if (!log_values(r->old, a) || !log_values(r->new, b) ||
	    stats_hl_shift(a, na, b, nb, 1 - o->alpha, &est, &lo, &hi) ||
	    stats_hl_shift(a, na, b, nb, 1 - o->alpha / family, &est, &mlo,
			   &mhi))
		goto out;
	boundaries(r, o->min_effect, &slow, &fast, &up);
	r->rel = expm1(est);
	r->rel_low = expm1(lo);
	r->rel_high = expm1(hi);
	r->p = fmin(1, 2 * fmin(stats_mw_p_greater(a, na, b, nb),
				stats_mw_p_less(a, na, b, nb)));
	/* the old side moved by a boundary: is new still beyond it? */
	for (int i = 0; i < na; i++)
		as[i] = a[i] + slow;
	r->p_slow = up ? stats_mw_p_greater(as, na, b, nb) :
			 stats_mw_p_less(as, na, b, nb);
	for (int i = 0; i < na; i++)
		as[i] = a[i] + fast;
	r->p_fast = up ? stats_mw_p_less(as, na, b, nb) :
			 stats_mw_p_greater(as, na, b, nb);
	r->mde = o->min_effect + expm1((mhi - mlo) / 2);
	r->method = CMP_M_RANKS;
	ok = true;
out:
	free(a);
	return ok;
}

/* Older files and wire points: Welch on mean and sd, relative to old. */
static bool classify_welch(struct cmp_row *r, const struct cmp_opts *o,
			   int family)
{
	const struct sample_stats *a = &r->old->st, *b = &r->new->st;
	struct welch_result w;
	double se;

	if (!stats_usable(a) || !stats_usable(b) || !(a->mean > 0) ||
	    !(b->mean > 0) || stats_welch(a, b, &w))
		return false;
	/* the delta method: log(b / a) has se^2 = sa^2/(n a^2) + ... */
	se = sqrt(a->stddev * a->stddev / (a->n * a->mean * a->mean) +
		  b->stddev * b->stddev / (b->n * b->mean * b->mean));
	from_t(r, o, log(b->mean / a->mean), se, isfinite(w.df) ? w.df : 1,
	       family);
	r->method = CMP_M_WELCH;
	return true;
}

/* Estimates and one-sided p-values; the verdict waits for the family. */
static void estimate(struct cmp_row *r, const struct cmp_opts *o, int family)
{
	r->p = r->p_slow = r->p_fast = r->q_slow = r->q_fast = NAN;
	r->mde = NAN;
	r->method = CMP_M_NONE;
	r->diff = r->new->st.mean - r->old->st.mean;
	r->rel = r->old->st.mean ? r->diff / r->old->st.mean : NAN;
	r->rel_low = r->rel_high = r->rel;
	r->marks = r->old->r.marks | r->new->r.marks;
	if (strcmp(r->old->id.unit, r->new->id.unit))
		return;
	if (!classify_paired(r, o, family) && !classify_ranks(r, o, family))
		classify_welch(r, o, family);
	r->worse = worse_of(r->old->id.metric, r->rel);
	r->significant = r->p < o->alpha;
}

static bool testable(const struct cmp_row *r)
{
	return metric_gated(r->old->id.metric) && r->method != CMP_M_NONE;
}

/*
 * Benjamini-Hochberg over the gated, testable rows, each direction at
 * alpha / 2: with one point, "slower" is exactly "the CI at 1 - alpha
 * lies beyond the minimum effect".
 */
static int judge(struct cmp_result *res)
{
	int n = res->nr_rows, m = 0;
	double *ps = calloc(n + 1, sizeof(*ps)), *pf = calloc(n + 1, sizeof(*pf));
	double *qs = calloc(n + 1, sizeof(*qs)), *qf = calloc(n + 1, sizeof(*qf));

	if (!ps || !pf || !qs || !qf) {
		free(ps);
		free(pf);
		free(qs);
		free(qf);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		struct cmp_row *r = &res->rows[i];

		ps[i] = testable(r) ? r->p_slow : NAN;
		pf[i] = testable(r) ? r->p_fast : NAN;
		m += testable(r);
	}
	stats_bh_adjust(ps, n, qs);
	stats_bh_adjust(pf, n, qf);
	for (int i = 0; i < n; i++) {
		struct cmp_row *r = &res->rows[i];

		r->q_slow = qs[i];
		r->q_fast = qf[i];
		if (!metric_gated(r->old->id.metric))
			r->verdict = CMP_INFO;
		else if (!testable(r))
			r->verdict = CMP_UNTESTABLE;
		else if (r->q_slow <= res->opts.alpha / 2)
			r->verdict = CMP_SLOWER;
		else if (r->q_fast <= res->opts.alpha / 2)
			r->verdict = CMP_FASTER;
		else
			r->verdict = CMP_UNCHANGED;
		res->count[r->verdict]++;
		res->marked += r->marks != 0 && r->verdict != CMP_INFO;
	}
	res->family = m;
	free(ps);
	free(pf);
	free(qs);
	free(qf);
	return 0;
}

/* Judged rows, then info, then untestable. */
static int verdict_group(enum cmp_verdict v)
{
	return v == CMP_UNTESTABLE ? 2 : v == CMP_INFO ? 1 : 0;
}

/*
 * Slowest first, then down to the biggest speed-up; info and untestable
 * after them; points in key order where the change is the same.
 */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct cmp_row *a = pa, *b = pb;
	int ga = verdict_group(a->verdict), gb = verdict_group(b->verdict);

	if (ga != gb)
		return ga - gb;
	if (isnan(a->worse) != isnan(b->worse))
		return isnan(a->worse) - isnan(b->worse);
	if (!isnan(a->worse) && a->worse != b->worse)
		return (a->worse < b->worse) - (a->worse > b->worse);
	return point_id_cmp(&a->old->id, &b->old->id);
}

static int add_ptr(const struct ds_point ***list, int *nr,
		   const struct ds_point *p)
{
	const struct ds_point **l = realloc(*list, (*nr + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	l[(*nr)++] = p;
	*list = l;
	return 0;
}

static int match_points(struct cmp_result *res)
{
	const struct dataset *o = res->old, *n = res->new;
	int i = 0, j = 0, ret = 0;

	res->rows = calloc(o->nr_pts < n->nr_pts ? o->nr_pts + 1 :
			   n->nr_pts + 1, sizeof(*res->rows));
	if (!res->rows)
		return -ENOMEM;
	while ((i < o->nr_pts || j < n->nr_pts) && !ret) {
		int c = i == o->nr_pts ? 1 : j == n->nr_pts ? -1 :
			point_id_cmp(&o->pts[i].id, &n->pts[j].id);

		if (c < 0) {
			ret = add_ptr(&res->missing, &res->nr_missing,
				      &o->pts[i++]);
		} else if (c > 0) {
			ret = add_ptr(&res->extra, &res->nr_extra,
				      &n->pts[j++]);
		} else {
			struct cmp_row *r = &res->rows[res->nr_rows++];

			r->old = &o->pts[i++];
			r->new = &n->pts[j++];
		}
	}
	/* the family's size is known only now: the MDE's level uses it */
	for (int k = 0; k < res->nr_rows; k++)
		if (metric_gated(res->rows[k].old->id.metric))
			res->family++;
	for (int k = 0; k < res->nr_rows; k++)
		estimate(&res->rows[k], &res->opts,
			 res->family ? res->family : 1);
	if (!ret)
		ret = judge(res);
	qsort(res->rows, res->nr_rows, sizeof(*res->rows), cmp_rows);
	return ret;
}

int cmp_run(struct dataset *old, struct dataset *new,
	    const struct cmp_opts *opts, struct cmp_result *res, char *err,
	    size_t err_len)
{
	int ret;

	memset(res, 0, sizeof(*res));
	res->opts = *opts;
	res->old = old;
	res->new = new;
	if (ds_emulated(old) != ds_emulated(new)) {
		perf_msg(err, err_len,
			"%s was measured on an %s CPU and %s on a %s one: emulated timings measure the emulator's code translation, not the kernel, so every point would differ for reasons unrelated to the change; compare emulated results only with emulated ones",
			old->source, ds_emulated(old) ? "emulated" : "native",
			new->source, ds_emulated(new) ? "emulated" : "native");
		return -EXDEV;
	}
	res->both_emulated = ds_emulated(old);
	ret = ds_sort(old, err, err_len);
	if (!ret)
		ret = ds_sort(new, err, err_len);
	if (ret)
		return ret;
	diff_env(res);
	ret = match_points(res);
	if (ret) {
		perf_msg(err, err_len, "out of memory");
		cmp_free(res);
	}
	return ret;
}

void cmp_free(struct cmp_result *res)
{
	free(res->rows);
	free(res->missing);
	free(res->extra);
	memset(res, 0, sizeof(*res));
}

int cmp_gate(const struct cmp_result *res)
{
	return res->count[CMP_SLOWER] ? 1 : 0;
}
