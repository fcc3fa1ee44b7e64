// SPDX-License-Identifier: GPL-2.0
/*
 * What the data says, in words and tables: the automatic reading (rules
 * over the figures: costs per unit, line rate, ratios between modes,
 * latency, noise) and the cost model (the generator's cost-model.csv and
 * the report's own least-squares fits per frame size).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "doc.h"
#include "metrics.h"
#include "outdir.h"
#include "report_read.h"
#include "test_perf.h"
#include "util.h"

#define NOISY_REL_CI		0.05	/* CI half-width above 5% of the mean */
/* a line that leaves the points' own errors this unlikely is not a line */
#define NONLINEAR_P		0.01

static int cmp_fit_b(const void *pa, const void *pb)
{
	const struct report_fit *a = pa, *b = pb;

	return (a->fit.b < b->fit.b) - (a->fit.b > b->fit.b);
}

/*
 * Values summarised per point: the profile's rounds (or repetitions in
 * files from before rounds); the CI half-width over t(0.975, n - 1) is
 * then the standard error each point of a series is weighted with.
 */
static int values_per_point(const struct dataset *ds)
{
	const char *v = ds_profile(ds, "rounds") ?: ds_profile(ds, "reps");
	int n = v ? atoi(v) : 0;

	return n > 1 ? n : 0;
}

/* Weighted least squares of a series (plain without spread): 0 or < 0. */
static int fit_xy(const struct plot_xy *xy, int nr, int per_point,
		  struct linear_fit *fit)
{
	double x[256], y[256], se[256];
	int dof[256], n = nr < 256 ? nr : 256;
	double t = per_point ? stats_t_quantile(0.975, per_point - 1) : 0;

	for (int k = 0; k < n; k++) {
		x[k] = xy[k].x;
		y[k] = xy[k].y;
		se[k] = t > 0 ? (xy[k].hi - xy[k].y) / t : 0;
		dof[k] = per_point - 1;
	}
	return stats_fit_means(x, y, se, dof, n, fit) < 0 ? -EINVAL : 0;
}

int report_fits(const struct fig_set *c, struct report_fit **out)
{
	struct report_fit *rows = NULL;
	int nr = 0, per_point = values_per_point(c->ds);

	for (int i = 0; i < c->nr_figs; i++) {
		const struct figure *fg = &c->figs[i];

		if (fg->kind != FIG_PROP)
			continue;
		for (int j = 0; j < fg->pl.nr_series; j++) {
			const struct plot_series *s = &fg->pl.series[j];
			struct report_fit *grown;
			struct linear_fit fit;

			if (fit_xy(s->xy, s->nr, per_point, &fit))
				continue;
			grown = realloc(rows, (nr + 1) * sizeof(*rows));
			if (!grown)
				break;
			rows = grown;
			rows[nr++] = (struct report_fit){ fg, s, fit };
		}
	}
	if (nr > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(rows, nr, sizeof(*rows), cmp_fit_b);
	*out = rows;
	return nr;
}

static void read_costs(struct doc *d, const struct report_fit *fits, int nr)
{
	char seen[64][160];
	int nr_seen = 0, nonlinear = 0, unresolved = 0;

	if (!nr)
		return;
	/* per property, its most expensive series (fits are sorted by b) */
	for (int i = 0; i < nr && nr_seen < 64; i++) {
		const struct report_fit *f = &fits[i];
		int k;

		for (k = 0; k < nr_seen && strcmp(seen[k], f->fg->subject); k++)
			;
		if (k < nr_seen)
			continue;
		snprintf(seen[nr_seen++], sizeof(seen[0]), "%s",
			 f->fg->subject);
		doc_item(d, "%s %s: %.3g ns per %s (95%% CI %.3g to %.3g, lack of fit p %.2g; %s, %d B)%s",
			 nr_seen == 1 ? "Costs most per unit:" : "Then",
			 f->fg->subject, f->fit.b,
			 fig_unit_word(f->fg->subject, false), f->fit.b_ci95_low,
			 f->fit.b_ci95_high, f->fit.lof_p, f->s->label,
			 f->fg->frame_size,
			 f->fit.b_ci95_low <= 0 && f->fit.b_ci95_high >= 0 ?
				" - not resolved, the CI includes 0" : "");
	}
	for (int i = 0; i < nr; i++) {
		nonlinear += fits[i].fit.lof_p < NONLINEAR_P;
		unresolved += fits[i].fit.b_ci95_low <= 0 &&
			      fits[i].fit.b_ci95_high >= 0;
	}
	if (nonlinear)
		doc_item(d, "%d of %d fitted series are not linear in N (lack-of-fit test, p < %g: the points leave the line by more than their own rounds' spread): the line a + b·N hides their shape; read their plots, and the marginal cost between the two largest N (cost-model.csv).",
			 nonlinear, nr, NONLINEAR_P);
	if (unresolved)
		doc_item(d, "%d of %d series have a per-unit cost whose 95%% CI includes 0: below what this run resolves.",
			 unresolved, nr);
}

/* What a series is about: the figure's subject, and its panel's program. */
static void series_subject(const struct figure *fg, const struct plot_series *s,
			   char *buf, size_t len)
{
	if (fg->pl.nr_panels)
		snprintf(buf, len, "%s %s", fg->subject, fg->pl.panels[s->panel]);
	else
		snprintf(buf, len, "%s", fg->subject);
}

/*
 * Wire series measured at a single frame size (the property sweeps' wire
 * points) would each give a sentence: they are counted, and read in their
 * tables; the reading keeps to programs measured across frame sizes.
 */
static void read_line_rate(struct doc *d, const struct figure *fg,
			   int *nr_single)
{
	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];
		char below[256] = "", subject[300];
		size_t used = 0;
		int nr_below = 0, first_ok = 0;

		/* forwarding rates, not the offered load */
		if (metric_kind_of(fg->meta[j].metric) != METRIC_KIND_RATE ||
		    !fig_is_wire_mode(fg->meta[j].mode))
			continue;
		if (s->nr < 2) {
			++*nr_single;
			continue;
		}
		for (int k = 0; k < s->nr; k++) {
			double rate = plot_line_rate_mpps(s->xy[k].x);

			if (s->xy[k].hi < rate) {
				nr_below++;
				if (used < sizeof(below))
					used += snprintf(below + used,
							 sizeof(below) - used,
							 "%s%g B (%.0f%%)",
							 used ? ", " : "",
							 s->xy[k].x,
							 100 * s->xy[k].y / rate);
			} else if (!first_ok) {
				first_ok = (int)s->xy[k].x;
			}
		}
		series_subject(fg, s, subject, sizeof(subject));
		if (!nr_below)
			doc_item(d, "%s, %s: at 10GbE line rate for every frame size measured.",
				 subject, s->label);
		else
			doc_item(d, "%s, %s: below 10GbE line rate at %s%s.",
				 subject, s->label, below,
				 nr_below == s->nr ? " - every size measured" : "");
	}
}

/* Ratio of modes a and b in one panel at every common frame size. */
static void read_ratio_panel(struct doc *d, const struct figure *fg, int panel,
			     enum metric_id metric, const char *what,
			     const char *ma, const char *mb)
{
	const struct plot_series *sa = NULL, *sb = NULL;
	double lo = INFINITY, hi = -INFINITY;
	char subject[300];
	int n = 0;

	for (int j = 0; j < fg->pl.nr_series; j++) {
		if (!metric_is(fg->meta[j].metric, metric) ||
		    fg->pl.series[j].panel != panel)
			continue;
		if (!strcmp(fg->meta[j].mode, ma))
			sa = &fg->pl.series[j];
		if (!strcmp(fg->meta[j].mode, mb))
			sb = &fg->pl.series[j];
	}
	if (!sa || !sb)
		return;
	for (int k = 0; k < sb->nr; k++) {
		const struct plot_xy *xa = fig_xy_at(sa, sb->xy[k].x);

		if (!xa || xa->y <= 0)
			continue;
		lo = fmin(lo, sb->xy[k].y / xa->y);
		hi = fmax(hi, sb->xy[k].y / xa->y);
		n++;
	}
	series_subject(fg, sb, subject, sizeof(subject));
	if (n >= 2)
		doc_item(d, "%s: %s %s is %.2fx to %.2fx that of %s over %d frame sizes.",
			 subject, mb, what, lo, hi, ma, n);
}

/* Ratio of two modes at every common frame size: "1.8x to 2.3x". */
static void read_mode_ratio(struct doc *d, const struct figure *fg,
			    enum metric_id metric, const char *what)
{
	/* wire modes only: test_run is no wire and would not compare */
	static const char *const modes[] = { "generic", "native", "offload" };
	const int nr_modes = ARRAY_SIZE(modes);

	for (int p = 0; p < (fg->pl.nr_panels ?: 1); p++)
		for (int a = 0; a < nr_modes; a++)
			for (int b = a + 1; b < nr_modes; b++)
				read_ratio_panel(d, fg, p, metric, what,
						 modes[a], modes[b]);
}

/* 3500 ns reads better as 3.5 us. */
static void fmt_time(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "ns") && v >= 1000)
		snprintf(buf, len, "%.1f us", v / 1000);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}

static void read_latency(struct doc *d, const struct figure *fg)
{
	char first[32], last[32], subject[300];

	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];

		/* one frame size is no trend: its table has the value */
		if (!metric_is(fg->meta[j].metric, METRIC_LATENCY_P99) ||
		    s->nr < 2)
			continue;
		fmt_time(first, sizeof(first), s->xy[0].y, fg->meta[j].unit);
		fmt_time(last, sizeof(last), s->xy[s->nr - 1].y,
			 fg->meta[j].unit);
		series_subject(fg, s, subject, sizeof(subject));
		doc_item(d, "%s: p99 latency %s at %g B, %s at %g B.",
			 subject, first, s->xy[0].x, last, s->xy[s->nr - 1].x);
	}
}

/*
 * The study's figure in one sentence: at the largest N the wire measured,
 * each path's rate and its share of test_run's.
 */
static void read_modes(struct doc *d, const struct figure *fg)
{
	const struct plot_series *micro = NULL;
	char text[1024] = "";
	double n = -1;
	size_t used = 0;

	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];

		if (!strcmp(fg->meta[j].mode, FIG_MODE_MICRO))
			micro = s;
		else if (s->nr)
			n = fmax(n, s->xy[s->nr - 1].x);
	}
	for (int j = 0; j < fg->pl.nr_series && n >= 0; j++) {
		const struct plot_series *s = &fg->pl.series[j];
		const struct plot_xy *xy = fig_xy_at(s, n);
		const struct plot_xy *ref = micro ? fig_xy_at(micro, n) : NULL;

		if (!xy || used >= sizeof(text))
			continue;
		used += snprintf(text + used, sizeof(text) - used, "%s%s %.3g Mpps",
				 used ? ", " : "", s->label, xy->y);
		if (ref && s != micro && ref->y > 0 && used < sizeof(text))
			used += snprintf(text + used, sizeof(text) - used,
					 " (%.2fx test_run)", xy->y / ref->y);
	}
	if (used)
		doc_item(d, "%s at N = %g (%s): %s.", fg->subject, n,
			 fig_unit_word(fg->subject, true), text);
}

static void read_micro(struct doc *d, const struct figure *fg)
{
	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];

		if (!s->nr)
			continue;
		doc_item(d, "%s (%s): %.3g ns per packet at %g B, %.3g ns at %g B (%.3g Mpps per core at the smallest size).",
			 s->label, FIG_MODE_MICRO, s->xy[0].y, s->xy[0].x,
			 s->xy[s->nr - 1].y, s->xy[s->nr - 1].x,
			 s->xy[0].y > 0 ? 1000 / s->xy[0].y : 0);
	}
}

/* Working sets: the cost at the largest W against the smallest. */
static void read_working_set(struct doc *d, const struct figure *fg)
{
	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];
		const struct plot_xy *a = &s->xy[0], *b = &s->xy[s->nr - 1];

		if (s->nr < 2 || a->y <= 0)
			continue;
		doc_item(d, "Working set, %s: %.3g ns per packet at W = %g, %.3g ns at W = %g (%.2fx)%s.",
			 s->label, a->y, a->x, b->y, b->x, b->y / a->y,
			 b->lo > a->hi ? "" : "; the 95% CIs overlap");
	}
}

static void read_noise(struct doc *d, const struct dataset *ds)
{
	int noisy = 0, outliers = 0, tested = 0;
	double worst = 0;
	char key[512] = "";

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct sample_stats *st = &ds->pts[i].st;
		double rel;

		if (fig_internal_test(ds->pts[i].id.test))
			continue;
		outliers += st->outliers;
		if (st->n < 2 || !(st->mean > 0) || isnan(st->ci95_high))
			continue;
		tested++;
		rel = (st->ci95_high - st->ci95_low) / 2 / st->mean;
		noisy += rel > NOISY_REL_CI;
		if (rel > worst) {
			worst = rel;
			point_id_str(&ds->pts[i].id, POINT_ID_KEY, key,
				     sizeof(key));
		}
	}
	doc_item(d, "Noise: %d of %d points have a 95%% CI wider than ±%.0f%% of the mean; the widest is ±%.1f%% (%s). %d repetitions in all were IQR outliers (kept in the statistics).",
		 noisy, tested, NOISY_REL_CI * 100, worst * 100, key, outliers);
}

void report_write_reading(const struct fig_set *c, struct doc *d)
{
	struct report_fit *fits = NULL;
	int nr_fits = report_fits(c, &fits), nr_single = 0;

	doc_subsection(d, "reading", "Automatic reading");
	doc_para(d, "Generated from the data by rules (docs/report.md); read it with the figures and the caveats below.");
	if (ds_emulated(c->ds))
		doc_item(d, "Every timing below comes from an emulated CPU: it measures the emulator, not the kernel.");
	for (int i = 0; i < c->nr_figs; i++)
		if (c->figs[i].kind == FIG_SIZE)
			read_micro(d, &c->figs[i]);
	read_costs(d, fits, nr_fits);
	for (int i = 0; i < c->nr_figs; i++)
		if (c->figs[i].kind == FIG_MODES)
			read_modes(d, &c->figs[i]);
	for (int i = 0; i < c->nr_figs; i++) {
		const struct figure *fg = &c->figs[i];

		if (fg->kind == FIG_TPUT) {
			read_line_rate(d, fg, &nr_single);
			read_mode_ratio(d, fg, METRIC_MPPS, "throughput");
			read_mode_ratio(d, fg, METRIC_MPPS_MAX, "maximum rate");
			read_mode_ratio(d, fg, METRIC_MPPS_ZERO_LOSS,
					"zero-loss rate");
		} else if (fg->kind == FIG_CPU) {
			read_mode_ratio(d, fg, METRIC_CPU_PROG_NS,
					"program run time per packet (bpf_stats)");
			read_mode_ratio(d, fg, METRIC_CPU_HOST_NS,
					"host CPU time per packet");
		} else if (fg->kind == FIG_LAT) {
			read_latency(d, fg);
		} else if (fg->kind == FIG_WSET) {
			read_working_set(d, fg);
		}
	}
	if (nr_single)
		doc_item(d, "%d wire rates measured at a single frame size (the property sweeps' wire points) are in the tables below, not read here.",
			 nr_single);
	read_noise(d, c->ds);
	doc_list_end(d);
	free(fits);
}

/* ---- cost model ---- */

static void write_fits(const struct fig_set *c, struct doc *d)
{
	static const char *const head[] = {
		"property", "series", "mode", "frame (B)", "a (ns)",
		"b (ns per unit)", "b 95% CI", "lack of fit p", "points",
	};
	struct report_fit *fits = NULL;
	int nr = report_fits(c, &fits);

	if (!nr)
		return;
	doc_para(d, "Fits ns/pkt = a + b·N of the plotted series, computed by the report (least squares weighted by each point's variance, sorted by b; a lack-of-fit p below %g says the cost is not linear in N):",
		 NONLINEAR_P);
	doc_table_head(d, 9, head);
	for (int i = 0; i < nr; i++) {
		const struct report_fit *f = &fits[i];
		char cell[6][48];
		const char *row[9];

		snprintf(cell[0], 48, "%d", f->fg->frame_size);
		snprintf(cell[1], 48, "%.3f", f->fit.a);
		snprintf(cell[2], 48, "%.4f", f->fit.b);
		snprintf(cell[3], 48, "%.4f to %.4f", f->fit.b_ci95_low,
			 f->fit.b_ci95_high);
		snprintf(cell[4], 48, "%.2g", f->fit.lof_p);
		snprintf(cell[5], 48, "%d", f->fit.n);
		row[0] = f->fg->subject;
		row[1] = f->s->label;
		row[2] = f->fg->mode;
		for (int j = 0; j < 6; j++)
			row[3 + j] = cell[j];
		doc_table_row(d, 9, row);
	}
	doc_table_end(d);
	free(fits);
}

static void fit_cell(char *buf, size_t len, const struct fig_ref *r, int nr)
{
	double x[256], y[256], se[256];
	int dof[256], n = nr < 256 ? nr : 256;
	struct linear_fit fit;

	for (int i = 0; i < n; i++) {
		const struct sample_stats *st = &r[i].p->st;

		x[i] = r[i].x;
		y[i] = st->mean;
		se[i] = st->n > 1 ? st->stddev / sqrt(st->n) : 0;
		dof[i] = st->n - 1;
	}
	if (stats_fit_means(x, y, se, dof, n, &fit) < 0)
		snprintf(buf, len, "-");
	else if (isnan(fit.lof_p))
		snprintf(buf, len, "%.3g", fit.b);
	else
		snprintf(buf, len, "%.3g (lof p %.2g)", fit.b, fit.lof_p);
}

/* Row of the by-size table: one sweep series, its b at every size. */
static void fits_row(struct doc *d, const struct fig_ref *r, int nr,
		     const int *sizes, int nr_sizes)
{
	char cells[PERF_MAX_SIZES][48], label[160];
	const char *row[PERF_MAX_SIZES + 3];

	fig_series_label(FIG_PROP, r->p, label, sizeof(label));
	row[0] = r->p->id.property;
	row[1] = label;
	row[2] = r->p->id.mode;
	for (int k = 0; k < nr_sizes; k++) {
		int a, b;

		for (a = 0; a < nr && r[a].p->id.frame_size != sizes[k]; a++)
			;
		for (b = a; b < nr && r[b].p->id.frame_size == sizes[k]; b++)
			;
		if (a < nr)
			fit_cell(cells[k], sizeof(cells[k]), r + a, b - a);
		else
			snprintf(cells[k], sizeof(cells[k]), "-");
		row[3 + k] = cells[k];
	}
	doc_table_row(d, nr_sizes + 3, row);
}

/* b of every sweep at every frame size: does the unit cost depend on it? */
static void write_fits_by_size(const struct fig_set *c, struct doc *d)
{
	const struct dataset *ds = c->ds;
	struct fig_ref *r = calloc(ds->nr_pts ?: 1, sizeof(*r));
	int sizes[PERF_MAX_SIZES], nr_sizes = 0, nr = 0;
	char head_sizes[PERF_MAX_SIZES][16], ser[600];
	const char *head[PERF_MAX_SIZES + 3] = { "property", "series", "mode" };

	for (int i = 0; i < ds->nr_pts && r; i++) {
		const struct ds_point *p = &ds->pts[i];
		int k;

		if (!c->swept[i] || !metric_is(p->id.metric, METRIC_NS_PER_PKT))
			continue;
		for (k = 0; k < nr_sizes && sizes[k] != p->id.frame_size; k++)
			;
		if (k == nr_sizes && nr_sizes < PERF_MAX_SIZES)
			sizes[nr_sizes++] = p->id.frame_size;
		fig_series_key(FIG_PROP, p, ser, sizeof(ser));
		r[nr].p = p;
		snprintf(r[nr].fig, sizeof(r[nr].fig), "%s|%s|%.400s",
			 p->id.property, p->id.mode, ser);
		/* by frame size within a series, then by N */
		snprintf(r[nr].ser, sizeof(r[nr].ser), "%08d",
			 p->id.frame_size);
		r[nr++].x = p->id.n;
	}
	if (nr_sizes < 2) {
		free(r);
		return;
	}
	qsort(r, nr, sizeof(*r), fig_cmp_ref);
	qsort(sizes, nr_sizes, sizeof(*sizes), cmp_int);
	for (int k = 0; k < nr_sizes; k++) {
		snprintf(head_sizes[k], sizeof(head_sizes[k]), "%d B", sizes[k]);
		head[3 + k] = head_sizes[k];
	}
	doc_para(d, "Per-unit cost b (ns) of every sweep at every frame size, with the lack-of-fit p:");
	doc_table_head(d, nr_sizes + 3, head);
	for (int a = 0, b; a < nr; a = b) {
		for (b = a; b < nr && !strcmp(r[a].fig, r[b].fig); b++)
			;
		fits_row(d, r + a, b - a, sizes, nr_sizes);
	}
	doc_table_end(d);
	free(r);
}

/* A CSV file as a table: its header, then at most REPORT_MAX_ROWS rows. */
static void write_csv_table(struct doc *d, FILE *f)
{
	char *line = NULL, *cells[32];
	int nr_cols = 0, rows = 0, n;
	size_t cap = 0;

	while (getline(&line, &cap, f) >= 0 && rows <= REPORT_MAX_ROWS) {
		if (line[strspn(line, "\r\n")] == '\0')
			continue;
		n = csv_split(line, cells, 32);
		if (n < 0)
			continue;
		if (!rows++) {
			nr_cols = n;
			doc_table_head(d, n, (const char *const *)cells);
			continue;
		}
		while (n < nr_cols)
			cells[n++] = "";
		doc_table_row(d, nr_cols, (const char *const *)cells);
	}
	doc_table_end(d);
	free(line);
}

/* cost-model.csv from the generator, shown as it is; then the report's fits. */
void report_write_cost_model(const struct fig_set *c, const char *dir,
			     struct doc *d)
{
	char path[PATH_MAX];
	FILE *f;

	doc_section(d, "cost-model", "Cost model");
	snprintf(path, sizeof(path), "%s/cost-model.csv", dir);
	f = outdir_fopen_read(path, 64L << 20);	/* not a FIFO */
	if (!f) {
		doc_para(d, "No cost-model.csv in this directory (the property sweeps did not run, or wrote none).");
	} else {
		doc_para(d, "From the property sweeps (cost-model.csv, cost-model.json):");
		write_csv_table(d, f);
		fclose(f);
	}
	write_fits(c, d);
	write_fits_by_size(c, d);
}
