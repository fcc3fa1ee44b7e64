// SPDX-License-Identifier: GPL-2.0
/*
 * Did my change make this slower? Two result sets are matched point by
 * point (test, subtest, property, N, variant, op, frame size, mode, metric)
 * and each pair of a gated metric (metrics.h: primary, with a direction)
 * is classified:
 *
 *   slower/faster  Welch's t-test p < alpha AND |relative change| >= the
 *                  minimum effect, in the metric's bad/good direction
 *                  (time and latency up, or a rate down, is slower);
 *   unchanged      otherwise: inside the noise, or real but too small to
 *                  matter (a 1% shift measured precisely is not a
 *                  regression a reviewer should act on);
 *   untestable     fewer than 2 repetitions on a side (no spread estimate).
 *
 * Both criteria are needed: with 30 repetitions of a quiet benchmark a 0.5%
 * drift is "significant", and with noisy ones a 20% jump may not be.
 * Every other pair (diagnostic metrics such as the generator's CPU share,
 * metrics without a direction, names the registry does not know) is
 * "info": its change and p are shown, it is never slower or faster and
 * never fails the gate.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
	o->alpha = 0.05;
	o->min_effect = 0.05;
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

static void classify(struct cmp_row *r, const struct cmp_opts *o)
{
	const struct sample_stats *a = &r->old->st, *b = &r->new->st;
	bool gated = metric_gated(r->old->metric);
	struct welch_result w;
	double se, tq;

	r->p = NAN;
	r->diff = b->mean - a->mean;
	r->rel = a->mean ? r->diff / a->mean : NAN;
	r->rel_low = r->rel_high = r->rel;
	r->worse = worse_of(r->old->metric, r->rel);
	r->verdict = gated ? CMP_UNTESTABLE : CMP_INFO;
	if (!stats_usable(a) || !stats_usable(b) || !a->mean ||
	    strcmp(r->old->unit, r->new->unit) ||
	    stats_welch(a, b, &w))
		return;
	r->p = w.p;
	se = sqrt(a->stddev * a->stddev / a->n + b->stddev * b->stddev / b->n);
	if (se > 0 && isfinite(w.df) && w.df > 0) {
		tq = stats_t_quantile(0.975, w.df);
		/* the old mean is taken as exact in the denominator */
		r->rel_low = (r->diff - tq * se) / fabs(a->mean);
		r->rel_high = (r->diff + tq * se) / fabs(a->mean);
	}
	r->significant = w.p < o->alpha;
	if (!gated)
		return;
	if (r->significant && fabs(r->rel) >= o->min_effect)
		r->verdict = r->worse > 0 ? CMP_SLOWER : CMP_FASTER;
	else
		r->verdict = CMP_UNCHANGED;
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
	return ds_key_cmp(a->old, b->old);
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
			ds_key_cmp(&o->pts[i], &n->pts[j]);

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
			classify(r, &res->opts);
			res->count[r->verdict]++;
		}
	}
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

/* ---- options ---- */

static struct cmp_opts opts = { .alpha = 0.05, .min_effect = 0.05 };
static bool gate, compare_mode, hooks_set;
static const char *baseline_path;
static struct dataset baseline;
static int baseline_status;	/* --baseline's exit status */

/* Where --compare writes: --out, else beside NEW. */
static void compare_out_dir(const char *new_path, char *dir, size_t len)
{
	struct stat sb;
	char copy[PATH_MAX];

	if (env.out_dir) {
		snprintf(dir, len, "%s", env.out_dir);
		return;
	}
	if (!stat(new_path, &sb) && S_ISDIR(sb.st_mode)) {
		snprintf(dir, len, "%s", new_path);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", new_path);
	snprintf(dir, len, "%s", dirname(copy));
}

/* Terminal, files in dir (NULL: none) and the gate's line. */
static int show_result(const struct cmp_result *res, const char *dir)
{
	char err[512];

	cmp_print(stdout, res, env.verbosity > 0);
	if (dir) {
		if (cmp_write(dir, res, err, sizeof(err))) {
			fprintf(stderr, "compare: %s\n", err);
			return -EIO;
		}
		printf("Compare: %s/compare.md and %s/compare.csv\n", dir, dir);
	}
	if (gate && cmp_gate(res))
		printf("Gate: FAIL, %d points significantly slower by %g%% or more\n",
		       res->count[CMP_SLOWER], opts.min_effect * 100);
	else if (gate)
		printf("Gate: PASS\n");
	return 0;
}

static int compare_main(int argc, char **argv)
{
	struct dataset old, new;
	struct cmp_result res;
	char err[1024], dir[PATH_MAX];
	int ret;

	if (argc != 2)
		perf_usage_error("--compare wants two operands: OLD NEW (result directories or data.json files)");
	if (ds_load(argv[0], &old, err, sizeof(err)))
		perf_usage_error("--compare: %s", err);
	if (ds_load(argv[1], &new, err, sizeof(err)))
		perf_usage_error("--compare: %s", err);
	ret = cmp_run(&old, &new, &opts, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "test_perf: compare: %s\n", err);
		ret = 2;
		goto out;
	}
	if (!res.nr_rows) {
		fprintf(stderr, "test_perf: compare: no point of %s matches one of %s: nothing to compare\n",
			new.source, old.source);
		ret = 2;
	} else {
		compare_out_dir(argv[1], dir, sizeof(dir));
		ret = show_result(&res, dir) ? 2 : gate ? cmp_gate(&res) : 0;
	}
	cmp_free(&res);
out:
	ds_free(&old);
	ds_free(&new);
	return ret;
}

/* --baseline: this run's points, as --compare would read them. */
static int load_current(struct dataset *cur, char *err, size_t err_len)
{
	char json[PATH_MAX];

	/* what is on disk when there is a result directory, as --compare */
	if (env.out_dir && results_count()) {
		snprintf(json, sizeof(json), "%s/data.json", env.out_dir);
		if (!access(json, R_OK))
			return ds_load(env.out_dir, cur, err, err_len);
	}
	perf_msg(err, err_len, "out of memory");
	return ds_from_results(cur);
}

const struct cmp_result *cmp_baseline(void)
{
	static struct dataset cur;
	static struct cmp_result res;
	static bool done, valid;
	char err[1024];

	if (!baseline_path || done)
		return valid ? &res : NULL;
	done = true;
	if (load_current(&cur, err, sizeof(err))) {
		fprintf(stderr, "compare: cannot read this run's results: %s\n",
			err);
		baseline_status = 1;
		return NULL;
	}
	if (cmp_run(&baseline, &cur, &opts, &res, err, sizeof(err))) {
		fprintf(stderr, "compare: %s\n", err);
		baseline_status = 1;
		return NULL;
	}
	if (!res.nr_rows) {
		fprintf(stderr, "compare: no point of this run matches %s: nothing compared\n",
			baseline.source);
		baseline_status = gate ? 1 : 0;
		return NULL;
	}
	baseline_status = show_result(&res, env.out_dir) ? 1 :
			  gate ? cmp_gate(&res) : 0;
	valid = true;
	return &res;
}

/* The finish hook of --baseline: the report may have run it already. */
static int baseline_finish(void)
{
	cmp_baseline();
	return baseline_status;
}

/* Checked before any test runs: a 30-minute run must not end in a typo. */
static int compare_start(void)
{
	char err[1024];
	const struct perf_environment *e = results_env();

	if (compare_mode && baseline_path)
		perf_usage_error("--compare and --baseline exclude each other");
	if (!compare_mode && !baseline_path)
		perf_usage_error("--gate, --alpha and --min-effect need --compare or --baseline");
	if (!baseline_path)
		return 0;
	if (ds_load(baseline_path, &baseline, err, sizeof(err)))
		perf_usage_error("--baseline: %s", err);
	if (e && !!e->emulated != ds_emulated(&baseline))
		perf_usage_error("--baseline: %s was measured on an %s CPU and this machine's is %s: emulated and native timings cannot be compared",
				 baseline.source,
				 ds_emulated(&baseline) ? "emulated" : "native",
				 e->emulated ? "emulated" : "native");
	perf_at_finish(baseline_finish);
	return 0;
}

static void set_hooks(void)
{
	if (hooks_set)
		return;
	hooks_set = true;
	perf_at_start(compare_start);
}

static int parse_compare(const char *arg)
{
	compare_mode = true;
	perf_set_main(compare_main);
	set_hooks();
	return 0;
}

static int parse_baseline(const char *arg)
{
	baseline_path = arg;
	set_hooks();
	return 0;
}

static int parse_gate(const char *arg)
{
	gate = true;
	set_hooks();
	return 0;
}

static int parse_alpha(const char *arg)
{
	if (cmp_parse_alpha(arg, &opts.alpha))
		perf_usage_error("--alpha wants a significance level in (0, 1), e.g. 0.05, not '%s'",
				 arg);
	set_hooks();
	return 0;
}

static int parse_min_effect(const char *arg)
{
	if (cmp_parse_effect(arg, &opts.min_effect))
		perf_usage_error("--min-effect wants a relative change like 5%% or 0.05 (0 to <100%%), not '%s'",
				 arg);
	set_hooks();
	return 0;
}

PERF_OPTION(compare, .name = "compare",
	    .help = "compare two results: --compare OLD NEW (directories or data.json); runs no test",
	    .parse = parse_compare);
PERF_OPTION(baseline, .name = "baseline", .arg = "OLD",
	    .help = "compare this run with OLD (a result directory or data.json)",
	    .parse = parse_baseline);
PERF_OPTION(gate, .name = "gate",
	    .help = "exit 1 when a point is significantly slower by at least --min-effect",
	    .parse = parse_gate);
PERF_OPTION(alpha, .name = "alpha", .arg = "P",
	    .help = "significance level of the comparison's Welch t-test (default 0.05)",
	    .parse = parse_alpha);
PERF_OPTION(min_effect, .name = "min-effect", .arg = "X",
	    .help = "smallest relative change reported, as 5% or 0.05 (default 5%)",
	    .parse = parse_min_effect);
