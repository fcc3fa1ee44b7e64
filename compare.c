// SPDX-License-Identifier: GPL-2.0
/*
 * Did my change make this slower? Two result sets are matched point by
 * point (test, subtest, property, N, variant, op, frame size, mode, metric)
 * and each pair is classified:
 *
 *   slower/faster  Welch's t-test p < alpha AND |relative change| >= the
 *                  minimum effect, in the metric's bad/good direction
 *                  (ns and latency up, or Mpps down, is slower);
 *   unchanged      otherwise: inside the noise, or real but too small to
 *                  matter (a 1% shift measured precisely is not a
 *                  regression a reviewer should act on);
 *   untestable     fewer than 2 repetitions on a side (no spread estimate).
 *
 * Both criteria are needed: with 30 repetitions of a quiet benchmark a 0.5%
 * drift is "significant", and with noisy ones a 20% jump may not be.
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
#include "report.h"
#include "results.h"
#include "stats.h"

#define TERM_MAX_LIST	20	/* missing/extra points shown on a terminal */

static const char *const verdict_names[] = {
	[CMP_UNCHANGED] = "unchanged",
	[CMP_FASTER] = "faster",
	[CMP_SLOWER] = "slower",
	[CMP_UNTESTABLE] = "untestable",
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
	return verdict_names[v];
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

	if (res->nr_env >= (int)(sizeof(res->env) / sizeof(res->env[0])))
		return;
	e = &res->env[res->nr_env++];
	snprintf(e->key, sizeof(e->key), "%s%s", prefix, key);
	e->old = old ?: "";
	e->new = new ?: "";
	e->critical = !*prefix &&
		      in_list(key, critical_env,
			      sizeof(critical_env) / sizeof(critical_env[0]));
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

static void classify(struct cmp_row *r, const struct cmp_opts *o)
{
	const struct sample_stats *a = &r->old->st, *b = &r->new->st;
	struct welch_result w;
	double se, tq;

	r->p = NAN;
	r->diff = b->mean - a->mean;
	r->rel = a->mean ? r->diff / a->mean : NAN;
	r->rel_low = r->rel_high = r->rel;
	r->worse = ds_lower_is_better(r->old) ? r->rel : -r->rel;
	r->verdict = CMP_UNTESTABLE;
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
	if (r->significant && fabs(r->rel) >= o->min_effect)
		r->verdict = r->worse > 0 ? CMP_SLOWER : CMP_FASTER;
	else
		r->verdict = CMP_UNCHANGED;
}

/* Slowest first, then down to the biggest speed-up; untestable last. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct cmp_row *a = pa, *b = pb;
	bool ua = a->verdict == CMP_UNTESTABLE, ub = b->verdict == CMP_UNTESTABLE;

	if (ua != ub)
		return ua - ub;
	if (isnan(a->worse) || isnan(b->worse))
		return isnan(a->worse) - isnan(b->worse);
	return (a->worse < b->worse) - (a->worse > b->worse);
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

/* ---- output ---- */

static void fmt_pct(char *buf, size_t len, double rel)
{
	if (isnan(rel))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%%", rel * 100);
}

static void fmt_ci(char *buf, size_t len, const struct cmp_row *r)
{
	if (isnan(r->p))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%% to %+.1f%%", r->rel_low * 100,
			 r->rel_high * 100);
}

static void fmt_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "n/a");
	else if (p < 1e-4)
		snprintf(buf, len, "<1e-4");
	else
		snprintf(buf, len, "%.4f", p);
}

static void fmt_side(char *buf, size_t len, const struct ds_point *p)
{
	char v[64];

	report_fmt_stat(v, sizeof(v), &p->st);
	snprintf(buf, len, "%s %s", v, p->unit);
}

static void print_header(FILE *f, const struct cmp_result *res)
{
	fprintf(f, "Compare: %s -> %s (alpha %g, minimum effect %g%%)\n",
		res->old->source, res->new->source, res->opts.alpha,
		res->opts.min_effect * 100);
	if (res->both_emulated)
		fprintf(f, "Note: both sides ran on an emulated CPU: differences are the emulator's, not the kernel's.\n");
	for (int i = 0; i < res->nr_env; i++) {
		const struct cmp_env_diff *e = &res->env[i];

		fprintf(f, "%s %s: '%s' -> '%s'\n",
			e->critical ? "FLAG environment differs:" :
				      "       differs:", e->key, e->old, e->new);
	}
	if (res->env_mismatch)
		fprintf(f, "FLAG: the environments differ in what makes timings comparable; every verdict below is flagged\n");
	fprintf(f, "Matched %d points: %d slower, %d faster, %d unchanged, %d untestable; %d missing in NEW, %d extra in NEW\n",
		res->nr_rows, res->count[CMP_SLOWER], res->count[CMP_FASTER],
		res->count[CMP_UNCHANGED], res->count[CMP_UNTESTABLE],
		res->nr_missing, res->nr_extra);
}

static void print_list(FILE *f, const char *what,
		       const struct ds_point *const *pts, int nr)
{
	char key[512];

	for (int i = 0; i < nr && i < TERM_MAX_LIST; i++) {
		ds_key_str(pts[i], key, sizeof(key));
		fprintf(f, "  %s: %s\n", what, key);
	}
	if (nr > TERM_MAX_LIST)
		fprintf(f, "  ... %d more %s points, see compare.md\n",
			nr - TERM_MAX_LIST, what);
}

void cmp_print(FILE *f, const struct cmp_result *res, bool all)
{
	char key[512], pct[32], ci[48], p[16], o[96], n[96];
	bool head = false;

	print_header(f, res);
	for (int i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];

		if (!all && (r->verdict == CMP_UNCHANGED ||
			     r->verdict == CMP_UNTESTABLE))
			continue;
		if (!head) {
			fprintf(f, "%-10s %8s  %-20s %-7s %-20s %-20s %s\n",
				"verdict", "change", "95% CI", "p", "old",
				"new", "point");
			head = true;
		}
		ds_key_str(r->old, key, sizeof(key));
		fmt_pct(pct, sizeof(pct), r->rel);
		fmt_ci(ci, sizeof(ci), r);
		fmt_p(p, sizeof(p), r->p);
		fmt_side(o, sizeof(o), r->old);
		fmt_side(n, sizeof(n), r->new);
		fprintf(f, "%-10s %8s  %-20s %-7s %-20s %-20s %s%s\n",
			cmp_verdict_str(r->verdict), pct, ci, p, o, n, key,
			res->env_mismatch ? " [env differs]" : "");
	}
	print_list(f, "missing", res->missing, res->nr_missing);
	print_list(f, "extra", res->extra, res->nr_extra);
}

static void csv_key(FILE *f, const struct ds_point *p)
{
	fprintf(f, "%s,%s,%s,%ld,%s,%s,%d,%s,%s,%s,", p->test, p->subtest,
		p->property, p->n, p->variant, p->op, p->frame_size, p->mode,
		p->metric, p->unit);
}

static void csv_side(FILE *f, const struct ds_point *p)
{
	if (!p) {
		fprintf(f, ",,,,");
		return;
	}
	fprintf(f, "%d,%.10g,%.10g,%.10g,", p->st.n, p->st.mean,
		p->st.ci95_low, p->st.ci95_high);
}

static int write_csv(const char *dir, const struct cmp_result *res)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "test,subtest,property,n,variant,op,frame_size,mode,metric,unit,"
		"old_reps,old_mean,old_ci95_low,old_ci95_high,"
		"new_reps,new_mean,new_ci95_low,new_ci95_high,"
		"diff,rel,rel_ci95_low,rel_ci95_high,p,verdict,env_differs\n");
	for (int i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];

		csv_key(f, r->old);
		csv_side(f, r->old);
		csv_side(f, r->new);
		fprintf(f, "%.10g,%.10g,%.10g,%.10g,%.6g,%s,%d\n", r->diff,
			r->rel, r->rel_low, r->rel_high, r->p,
			cmp_verdict_str(r->verdict), res->env_mismatch);
	}
	for (int i = 0; i < res->nr_missing; i++) {
		csv_key(f, res->missing[i]);
		csv_side(f, res->missing[i]);
		csv_side(f, NULL);
		fprintf(f, ",,,,,missing,%d\n", res->env_mismatch);
	}
	for (int i = 0; i < res->nr_extra; i++) {
		csv_key(f, res->extra[i]);
		csv_side(f, NULL);
		csv_side(f, res->extra[i]);
		fprintf(f, ",,,,,extra,%d\n", res->env_mismatch);
	}
	return fclose(f) ? -errno : 0;
}

/*
 * One mark per point, sorted by change; y is the change in the "worse"
 * direction so that slower is always up, whatever the metric's unit.
 */
static int render_plot(const char *dir, const struct cmp_result *res)
{
	static const int colors[] = {
		[CMP_UNCHANGED] = 0x999999, [CMP_FASTER] = 0x1a9850,
		[CMP_SLOWER] = 0xd73027,
	};
	struct plot pl = { .hline = { NAN, NAN } };
	struct plot_series *s[3];
	char plot_dir[PATH_MAX];
	int ret = 0, rank = 0;

	snprintf(pl.name, sizeof(pl.name), "compare");
	snprintf(pl.title, sizeof(pl.title),
		 "Change per point against the baseline (Welch p < %g and |change| >= %g%%)",
		 res->opts.alpha, res->opts.min_effect * 100);
	snprintf(pl.xlabel, sizeof(pl.xlabel), "points, sorted by change");
	snprintf(pl.ylabel, sizeof(pl.ylabel),
		 "change (%%), > 0 slower: time up or rate down; 95%% CI");
	pl.y_signed = true;
	pl.hline[0] = res->opts.min_effect * 100;
	pl.hline[1] = -res->opts.min_effect * 100;
	for (int v = 0; v < 3; v++) {
		if (!plot_add_series(&pl, verdict_names[v])) {
			plot_free(&pl);
			return -ENOMEM;
		}
	}
	/* pointers only now: adding a series moves the array */
	for (int v = 0; v < 3; v++) {
		s[v] = &pl.series[v];
		s[v]->color = colors[v];
		s[v]->points_only = true;
	}
	for (int i = 0; i < res->nr_rows && !ret; i++) {
		const struct cmp_row *r = &res->rows[i];
		double sign = ds_lower_is_better(r->old) ? 100 : -100;
		double lo = r->rel_low * sign, hi = r->rel_high * sign;

		if (r->verdict == CMP_UNTESTABLE || isnan(r->worse))
			continue;
		ret = plot_add_xy(s[r->verdict], ++rank, r->worse * 100,
				  fmin(lo, hi), fmax(lo, hi));
	}
	snprintf(plot_dir, sizeof(plot_dir), "%s/plots", dir);
	if (!ret && rank) {
		if (mkdir(plot_dir, 0755) && errno != EEXIST)
			ret = -errno;
		else
			ret = plot_render(&pl, plot_dir);
	} else if (!ret) {
		ret = -ENODATA;
	}
	plot_free(&pl);
	return ret;
}

static void md_rows(struct doc *d, const struct cmp_result *res,
		    enum cmp_verdict v, const char *title)
{
	static const char *const head[] = {
		"point", "old", "new", "change", "95% CI", "p",
	};
	char key[512], o[96], n[96], pct[32], ci[48], p[16];
	const char *row[] = { key, o, n, pct, ci, p };

	if (!res->count[v])
		return;
	doc_heading(d, 2, "%s (%d)", title, res->count[v]);
	doc_table_head(d, 6, head);
	for (int i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];

		if (r->verdict != v)
			continue;
		ds_key_str(r->old, key, sizeof(key));
		fmt_side(o, sizeof(o), r->old);
		fmt_side(n, sizeof(n), r->new);
		fmt_pct(pct, sizeof(pct), r->rel);
		fmt_ci(ci, sizeof(ci), r);
		fmt_p(p, sizeof(p), r->p);
		doc_table_row(d, 6, row);
	}
	doc_table_end(d);
}

static void md_list(struct doc *d, const char *title,
		    const struct ds_point *const *pts, int nr)
{
	char key[512];

	if (!nr)
		return;
	doc_heading(d, 2, "%s (%d)", title, nr);
	for (int i = 0; i < nr; i++) {
		ds_key_str(pts[i], key, sizeof(key));
		doc_item(d, "%s", key);
	}
	doc_list_end(d);
}

static void md_side(struct doc *d, const char *which, const struct dataset *ds)
{
	doc_item(d, "%s: %s - kernel %s, %s, git %s, %s", which, ds->source,
		 ds_env(ds, "kernel") ?: "?", ds_env(ds, "cpu_model") ?: "?",
		 ds_env(ds, "git_rev") ?: "?", ds_env(ds, "date") ?: "?");
}

static void md_env(struct doc *d, const struct cmp_result *res)
{
	static const char *const head[] = { "field", "OLD", "NEW", "effect" };

	if (res->env_mismatch)
		doc_warning(d, "The environments differ in a field that changes what a timing means (flagged below). The verdicts are computed anyway and every row is marked env_differs=1 in compare.csv: read them as a comparison of machines or settings, not only of the change.");
	if (res->both_emulated)
		doc_warning(d, "Both sides ran on an emulated CPU: differences are the emulator's, not the kernel's.");
	if (!res->nr_env)
		return;
	doc_heading(d, 2, "Environment differences");
	doc_table_head(d, 4, head);
	for (int i = 0; i < res->nr_env; i++) {
		const struct cmp_env_diff *e = &res->env[i];
		const char *row[] = { e->key, e->old, e->new,
				      e->critical ? "FLAGGED" : "information" };

		doc_table_row(d, 4, row);
	}
	doc_table_end(d);
}

static int write_md(const char *dir, const struct cmp_result *res,
		    bool have_plot)
{
	struct doc d;
	int ret = doc_open(&d, dir, "compare", "xdp-perf comparison");

	if (ret)
		return ret;
	md_side(&d, "OLD", res->old);
	md_side(&d, "NEW", res->new);
	doc_list_end(&d);
	doc_para(&d, "Points are matched by test, subtest, property, N, variant, op, frame size, mode and metric. A point is slower or faster when Welch's t-test gives p < %g and the change is at least %g%% of the old mean; otherwise unchanged. Time and latency going up, or a rate going down, is slower.",
		 res->opts.alpha, res->opts.min_effect * 100);
	doc_para(&d, "%d matched: %d slower, %d faster, %d unchanged, %d untestable (fewer than 2 repetitions); %d missing in NEW, %d extra in NEW.",
		 res->nr_rows, res->count[CMP_SLOWER], res->count[CMP_FASTER],
		 res->count[CMP_UNCHANGED], res->count[CMP_UNTESTABLE],
		 res->nr_missing, res->nr_extra);
	md_env(&d, res);
	if (have_plot)
		doc_image(&d, "plots/compare", "Change per point, sorted; dashed: the minimum effect");
	md_rows(&d, res, CMP_SLOWER, "Slower");
	md_rows(&d, res, CMP_FASTER, "Faster");
	md_rows(&d, res, CMP_UNCHANGED, "Unchanged");
	md_rows(&d, res, CMP_UNTESTABLE, "Untestable");
	md_list(&d, "Missing in NEW", res->missing, res->nr_missing);
	md_list(&d, "Extra in NEW", res->extra, res->nr_extra);
	return doc_close(&d);
}

int cmp_write(const char *dir, const struct cmp_result *res, char *err,
	      size_t err_len)
{
	int ret = write_csv(dir, res), plot;

	if (ret) {
		perf_msg(err, err_len, "cannot write %s/compare.csv: %s", dir,
			strerror(-ret));
		return ret;
	}
	plot = render_plot(dir, res);
	if (plot && plot != -ENODATA && plot != -ENOENT)
		fprintf(stderr, "compare: the plot failed (%s), see %s/plots/gnuplot.log\n",
			strerror(-plot), dir);
	ret = write_md(dir, res, plot == 0);
	if (ret)
		perf_msg(err, err_len, "cannot write %s/compare.md: %s", dir,
			strerror(-ret));
	return ret;
}

int compare_count_verdicts(const char *dir, int count[5])
{
	char path[PATH_MAX], *line = NULL;
	int col = -1, ret = 0;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	memset(count, 0, 5 * sizeof(*count));
	for (int lineno = 0; getline(&line, &cap, f) >= 0; lineno++) {
		char *cell = line, *next;
		int i = 0;

		line[strcspn(line, "\r\n")] = '\0';
		for (; cell; cell = next, i++) {
			next = strchr(cell, ',');
			if (next)
				*next++ = '\0';
			if (!lineno && !strcmp(cell, "verdict"))
				col = i;
			if (!lineno || i != col)
				continue;
			for (int v = 0; v < 4; v++)
				count[v] += !strcmp(cell, verdict_names[v]);
			count[4] += !strcmp(cell, "missing") ||
				    !strcmp(cell, "extra");
		}
		if (col < 0) {
			ret = -EINVAL;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/* ---- options ---- */

static struct cmp_opts opts = { .alpha = 0.05, .min_effect = 0.05 };
static bool gate, compare_mode, hooks_set;
static const char *baseline_path;
static struct dataset baseline;

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

static int report_result(struct cmp_result *res, const char *dir)
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
		ret = report_result(&res, dir) ? 2 : gate ? cmp_gate(&res) : 0;
	}
	cmp_free(&res);
out:
	ds_free(&old);
	ds_free(&new);
	return ret;
}

int compare_baseline_finish(void)
{
	static bool done;
	static int status;
	struct cmp_result res;
	struct dataset cur;
	char err[1024];
	int ret;

	if (!baseline_path || done)
		return status;
	done = true;
	/* what is on disk when there is a result directory, as --compare */
	if (env.out_dir && results_count()) {
		char json[PATH_MAX];

		snprintf(json, sizeof(json), "%s/data.json", env.out_dir);
		ret = access(json, R_OK) ? ds_from_results(&cur) :
			ds_load(env.out_dir, &cur, err, sizeof(err));
	} else {
		ret = ds_from_results(&cur);
	}
	if (ret) {
		fprintf(stderr, "compare: cannot read this run's results: %s\n",
			ret == -ENOMEM ? "out of memory" : err);
		return status = 1;
	}
	ret = cmp_run(&baseline, &cur, &opts, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "compare: %s\n", err);
		status = 1;
	} else if (!res.nr_rows) {
		fprintf(stderr, "compare: no point of this run matches %s: nothing compared\n",
			baseline.source);
		status = gate ? 1 : 0;
	} else {
		status = report_result(&res, env.out_dir) ? 1 :
			 gate ? cmp_gate(&res) : 0;
	}
	if (!ret)
		cmp_free(&res);
	ds_free(&cur);
	return status;
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
	perf_at_finish(compare_baseline_finish);
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
