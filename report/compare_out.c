// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison's output: a terminal table, compare.csv (one row per
 * point), compare.md/.html (doc.c) and a plot of the change per point
 * (plot.c), slower always up whatever the metric's direction.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "compare.h"
#include "csv.h"
#include "doc.h"
#include "metrics.h"
#include "outdir.h"
#include "plot.h"
#include "results.h"

#define TERM_MAX_LIST	20	/* missing/extra points shown on a terminal */

static void fmt_pct(char *buf, size_t len, double rel)
{
	if (isnan(rel))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%%", rel * 100);
}

static void fmt_ci(char *buf, size_t len, const struct cmp_row *r)
{
	if (r->method == CMP_M_NONE)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%% to %+.1f%%", r->rel_low * 100,
			 r->rel_high * 100);
}

/* The adjusted p of the verdict's direction (the worse one otherwise). */
static double verdict_q(const struct cmp_row *r)
{
	if (r->verdict == CMP_FASTER)
		return r->q_fast;
	if (r->verdict == CMP_SLOWER || r->verdict == CMP_UNCHANGED)
		return r->q_slow < r->q_fast || isnan(r->q_fast) ? r->q_slow :
								   r->q_fast;
	return r->p;
}

static void fmt_mde(char *buf, size_t len, double mde)
{
	if (isnan(mde))
		snprintf(buf, len, "n/a");
	else if (isinf(mde))
		snprintf(buf, len, "none");	/* too few rounds */
	else
		snprintf(buf, len, "%.1f%%", mde * 100);
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

	doc_fmt_stat(v, sizeof(v), &p->st);
	snprintf(buf, len, "%s %s", v, p->id.unit);
}

static void print_header(FILE *f, const struct cmp_result *res)
{
	fprintf(f, "Compare: %s -> %s (%s; minimum effect %g%%, CIs at %g%%, Benjamini-Hochberg over %d points)\n",
		res->old->source, res->new->source,
		res->opts.paired ? "paired rounds" : "two runs",
		res->opts.min_effect * 100, 100 * (1 - res->opts.alpha),
		res->family);
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
	fprintf(f, "Matched %d points: %d slower, %d faster, %d unchanged, %d untestable, %d info (not judged); %d missing in NEW, %d extra in NEW\n",
		res->nr_rows, res->count[CMP_SLOWER], res->count[CMP_FASTER],
		res->count[CMP_UNCHANGED], res->count[CMP_UNTESTABLE],
		res->count[CMP_INFO], res->nr_missing, res->nr_extra);
	if (res->marked)
		fprintf(f, "%d judged points have rounds that disagree or fell short (drift, bimodal, partial): marked in the table\n",
			res->marked);
}

static void print_list(FILE *f, const char *what,
		       const struct ds_point *const *pts, int nr)
{
	char key[512];

	for (int i = 0; i < nr && i < TERM_MAX_LIST; i++) {
		point_id_str(&pts[i]->id, POINT_ID_KEY, key, sizeof(key));
		fprintf(f, "  %s: %s\n", what, key);
	}
	if (nr > TERM_MAX_LIST)
		fprintf(f, "  ... %d more %s points, see compare.md\n",
			nr - TERM_MAX_LIST, what);
}

/*
 * Without -v: what changed. Info rows too when they moved as much as a
 * judged one would have to (the generator got more CPU, say).
 */
static bool shown_on_terminal(const struct cmp_row *r,
			      const struct cmp_opts *o)
{
	if (r->verdict == CMP_INFO)
		return r->significant && fabs(r->rel) >= o->min_effect;
	return r->verdict == CMP_SLOWER || r->verdict == CMP_FASTER;
}

void cmp_print(FILE *f, const struct cmp_result *res, bool all)
{
	char key[512], pct[32], ci[48], p[16], o[96], n[96], mde[16];
	char marks[64];
	bool head = false;

	print_header(f, res);
	for (int i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];

		if (!all && !shown_on_terminal(r, &res->opts))
			continue;
		if (!head) {
			fprintf(f, "%-10s %8s  %-20s %-7s %-7s %-20s %-20s %s\n",
				"verdict", "change", "CI", "q", "MDE", "old",
				"new", "point");
			head = true;
		}
		point_id_str(&r->old->id, POINT_ID_KEY, key, sizeof(key));
		fmt_pct(pct, sizeof(pct), r->rel);
		fmt_ci(ci, sizeof(ci), r);
		fmt_p(p, sizeof(p), verdict_q(r));
		fmt_mde(mde, sizeof(mde), r->mde);
		fmt_side(o, sizeof(o), r->old);
		fmt_side(n, sizeof(n), r->new);
		results_marks_str(r->marks, marks, sizeof(marks));
		fprintf(f, "%-10s %8s  %-20s %-7s %-7s %-20s %-20s %s%s%s%s\n",
			cmp_verdict_str(r->verdict), pct, ci, p, mde, o, n, key,
			*marks ? " [" : "", marks, *marks ? "]" : "");
		if (res->env_mismatch)
			fprintf(f, "%10s (env differs)\n", "");
	}
	print_list(f, "missing", res->missing, res->nr_missing);
	print_list(f, "extra", res->extra, res->nr_extra);
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

static int write_compare_csv(const char *dir, const struct cmp_result *res)
{
	struct outfile of;
	int err = outfile_open(&of, dir, "compare.csv", NULL, 0);
	FILE *f = of.f;

	if (err)
		return err;
	fprintf(f, POINT_ID_CSV_COLUMNS ","
		"old_reps,old_mean,old_ci95_low,old_ci95_high,"
		"new_reps,new_mean,new_ci95_low,new_ci95_high,"
		"diff,rel,rel_ci95_low,rel_ci95_high,p,verdict,env_differs,"
		"method,p_slow,p_fast,q_slow,q_fast,mde,marks,paired\n");
	for (int i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];
		char marks[64];

		point_id_write_csv(f, &r->old->id);
		csv_side(f, r->old);
		csv_side(f, r->new);
		results_marks_str(r->marks, marks, sizeof(marks));
		fprintf(f, "%.10g,%.10g,%.10g,%.10g,%.6g,%s,%d,", r->diff,
			r->rel, r->rel_low, r->rel_high, r->p,
			cmp_verdict_str(r->verdict), res->env_mismatch);
		fprintf(f, "%s,%.6g,%.6g,%.6g,%.6g,%.6g,%s,%d\n",
			cmp_method_str(r->method), r->p_slow, r->p_fast,
			r->q_slow, r->q_fast, r->mde, marks, res->opts.paired);
	}
	for (int i = 0; i < res->nr_missing; i++) {
		point_id_write_csv(f, &res->missing[i]->id);
		csv_side(f, res->missing[i]);
		csv_side(f, NULL);
		fprintf(f, ",,,,,missing,%d,,,,,,,,%d\n", res->env_mismatch,
			res->opts.paired);
	}
	for (int i = 0; i < res->nr_extra; i++) {
		point_id_write_csv(f, &res->extra[i]->id);
		csv_side(f, NULL);
		csv_side(f, res->extra[i]);
		fprintf(f, ",,,,,extra,%d,,,,,,,,%d\n", res->env_mismatch,
			res->opts.paired);
	}
	return outfile_commit(&of);
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
		 "Change per point (%g%% CI; slower or faster when the CI is beyond %g%%)",
		 100 * (1 - res->opts.alpha), res->opts.min_effect * 100);
	snprintf(pl.xlabel, sizeof(pl.xlabel), "points, sorted by change");
	snprintf(pl.ylabel, sizeof(pl.ylabel),
		 "change (%%), > 0 slower: time up or rate down; 95%% CI");
	pl.y_signed = true;
	pl.hline[0] = res->opts.min_effect * 100;
	pl.hline[1] = -res->opts.min_effect * 100;
	for (int v = 0; v < 3; v++) {
		if (!plot_add_series(&pl, cmp_verdict_str(v))) {
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
		bool lower = metric_dir_of(r->old->id.metric) ==
			     METRIC_LOWER_BETTER;
		double lo = r->rel_low * (lower ? 100 : -100);
		double hi = r->rel_high * (lower ? 100 : -100);

		/* judged points only: the others have no "slower" side */
		if (r->verdict == CMP_UNTESTABLE || r->verdict == CMP_INFO ||
		    isnan(r->worse))
			continue;
		ret = plot_add_xy(s[r->verdict], ++rank, r->worse * 100,
				  fmin(lo, hi), fmax(lo, hi));
	}
	snprintf(plot_dir, sizeof(plot_dir), "%s/plots", dir);
	if (!ret && rank) {
		ret = results_mkdir_p(plot_dir);
		if (!ret)
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
		"point", "old", "new", "change", "CI", "q", "MDE", "rounds",
	};
	char key[512], o[96], n[96], pct[32], ci[48], p[16], mde[16];
	char marks[64];
	const char *row[] = { key, o, n, pct, ci, p, mde, marks };

	if (!res->count[v])
		return;
	doc_heading(d, 2, "%s (%d)", title, res->count[v]);
	doc_table_head(d, 8, head);
	for (int i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];

		if (r->verdict != v)
			continue;
		point_id_str(&r->old->id, POINT_ID_KEY, key, sizeof(key));
		fmt_side(o, sizeof(o), r->old);
		fmt_side(n, sizeof(n), r->new);
		fmt_pct(pct, sizeof(pct), r->rel);
		fmt_ci(ci, sizeof(ci), r);
		fmt_p(p, sizeof(p), verdict_q(r));
		fmt_mde(mde, sizeof(mde), r->mde);
		results_marks_str(r->marks, marks, sizeof(marks));
		doc_table_row(d, 8, row);
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
		point_id_str(&pts[i]->id, POINT_ID_KEY, key, sizeof(key));
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
	doc_para(&d, "Points are matched by test, subtest, property, N, variant, op, frame size, mode and metric. %s A point is slower or faster when the %g%% CI of its change lies beyond %g%% in that direction, at a level adjusted over the %d judged points (Benjamini-Hochberg: q is the adjusted p of the verdict's direction, compared with %g); otherwise unchanged. Time and latency going up, or a rate going down, is slower. MDE is the change this point's noise would let the comparison call at about even odds; \"rounds\" marks points whose rounds disagree (drift, bimodal) or are fewer than planned (partial: the run was stopped). Only primary metrics with a direction are judged; diagnostic metrics (such as the generator's CPU share), metrics without a direction and unknown ones are listed with their change, never judged.",
		 res->opts.paired ? "Both sides were measured in the same rounds: the change is the geometric mean of the per-round ratios new/old, with a t interval." :
		 "The change is the Hodges-Lehmann shift of the two runs' log round values, with the interval of the Mann-Whitney test (Welch's t on the summaries where a file has no round values).",
		 100 * (1 - res->opts.alpha), res->opts.min_effect * 100,
		 res->family, res->opts.alpha / 2);
	doc_para(&d, "%d matched: %d slower, %d faster, %d unchanged, %d untestable (fewer than 2 values), %d not judged; %d missing in NEW, %d extra in NEW.",
		 res->nr_rows, res->count[CMP_SLOWER], res->count[CMP_FASTER],
		 res->count[CMP_UNCHANGED], res->count[CMP_UNTESTABLE],
		 res->count[CMP_INFO], res->nr_missing, res->nr_extra);
	md_env(&d, res);
	if (have_plot)
		doc_image(&d, "plots/compare", "Change per point, sorted; dashed: the minimum effect");
	md_rows(&d, res, CMP_SLOWER, "Slower");
	md_rows(&d, res, CMP_FASTER, "Faster");
	md_rows(&d, res, CMP_UNCHANGED, "Unchanged");
	md_rows(&d, res, CMP_INFO, "Not judged (diagnostic or unknown metrics)");
	md_rows(&d, res, CMP_UNTESTABLE, "Untestable");
	md_list(&d, "Missing in NEW", res->missing, res->nr_missing);
	md_list(&d, "Extra in NEW", res->extra, res->nr_extra);
	return doc_close(&d);
}

int cmp_write(const char *dir, const struct cmp_result *res, char *err,
	      size_t err_len)
{
	int ret = results_mkdir_p(dir), plot;

	if (ret) {
		perf_msg(err, err_len, "cannot create %s: %s", dir,
			strerror(-ret));
		return ret;
	}
	ret = write_compare_csv(dir, res);
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
