// SPDX-License-Identifier: GPL-2.0
/*
 * Rounds in the report (see report_rounds.h): every test that measures in
 * rounds has the base forwarder beside its points in every round (the
 * reference); its round values over the run's time are the host's drift,
 * and what a reader needs before trusting a difference between points
 * measured minutes apart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "doc.h"
#include "metrics.h"
#include "plot.h"
#include "report_fig.h"
#include "report_rounds.h"
#include "results.h"
#include "stats.h"

#define REF_PROPERTY	"reference"
#define MAX_LISTED	20

static bool is_reference(const struct ds_point *p)
{
	return !strcmp(p->id.property, REF_PROPERTY) &&
	       metric_is(p->id.metric, METRIC_NS_PER_PKT);
}

bool report_rounds_point(const struct ds_point *p)
{
	return !strcmp(p->id.property, REF_PROPERTY) ||
	       metric_is(p->id.metric, METRIC_REL_REF);
}

/* The reference point of each test at its smallest frame size. */
static int pick_references(const struct dataset *ds,
			   const struct ds_point **refs, int max)
{
	int n = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];
		int k;

		if (!is_reference(p) || !p->r.values || !p->r.times ||
		    fig_internal_test(p->id.test))
			continue;
		for (k = 0; k < n && strcmp(refs[k]->id.test, p->id.test); k++)
			;
		if (k < n) {
			if (p->id.frame_size < refs[k]->id.frame_size)
				refs[k] = p;
		} else if (n < max) {
			refs[n++] = p;
		}
	}
	return n;
}

/* % of the point's median, per round, against seconds into the run. */
static int add_drift(struct plot *pl, const struct ds_point *p)
{
	double med = stats_median(p->r.values, p->r.nr_values);
	struct plot_series *s = plot_add_series(pl, p->id.test);
	int err = 0;

	if (!s)
		return -1;
	for (int r = 0; r < p->r.nr_values && !err; r++) {
		double y = 100 * (p->r.values[r] / med - 1);

		err = plot_add_xy(s, p->r.times[r], y, y, y);
	}
	return err;
}

static void drift_plot(const struct ds_point *const *refs, int nr,
		       const char *plot_dir, struct doc *d)
{
	struct plot pl = { .hline = { 1, -1 } };

	snprintf(pl.name, sizeof(pl.name), "reference-drift");
	snprintf(pl.title, sizeof(pl.title),
		 "The reference forwarder in every round, per test (smallest frame size)");
	snprintf(pl.xlabel, sizeof(pl.xlabel), "seconds since the first round");
	snprintf(pl.ylabel, sizeof(pl.ylabel),
		 "ns/pkt, %% of the test's median");
	pl.y_signed = true;
	for (int i = 0; i < nr && i < PLOT_MAX_SERIES; i++)
		if (add_drift(&pl, refs[i]))
			break;
	if (plot_dir && pl.nr_series && !plot_render(&pl, plot_dir))
		doc_image(d, "plots/reference-drift",
			  "The reference's round values over the run; dashed: +-1%");
	plot_free(&pl);
}

static void reference_table(const struct ds_point *const *refs, int nr,
			    struct doc *d)
{
	static const char *const head[] = {
		"test", "frame", "median ns/pkt", "sd between rounds",
		"sd within a round", "rounds", "rounds moved",
	};

	doc_table_head(d, 7, head);
	for (int i = 0; i < nr; i++) {
		const struct ds_point *p = refs[i];
		char c[6][48];
		const char *row[] = { p->id.test, c[0], c[1], c[2], c[3], c[4],
				      c[5] };

		snprintf(c[0], 48, "%d B", p->id.frame_size);
		snprintf(c[1], 48, "%.3f", p->st.median);
		snprintf(c[2], 48, "%.2f%%", 100 * p->st.stddev / p->st.mean);
		if (isnan(p->r.within_sd))
			snprintf(c[3], 48, "-");
		else
			snprintf(c[3], 48, "%.2f%%",
				 100 * p->r.within_sd / p->st.mean);
		snprintf(c[4], 48, "%d x %d", p->r.rounds, p->r.loops);
		snprintf(c[5], 48, "%d", p->r.flagged);
		doc_table_row(d, 7, row);
	}
	doc_table_end(d);
}

void report_write_partial(const struct dataset *ds, struct doc *d)
{
	int partial = 0, listed = 0;

	for (int i = 0; i < ds->nr_pts; i++)
		partial += !!(ds->pts[i].r.marks & ROUND_MARK_PARTIAL);
	if (!partial)
		return;
	doc_warning(d, "The run stopped before it finished (a signal, a kill): %d points have fewer rounds than their test planned (mark partial). Their mean and CI come from the rounds that were measured; the ns_per_pkt ones are listed here.",
		    partial);
	for (int i = 0; i < ds->nr_pts && listed < MAX_LISTED; i++) {
		const struct ds_point *p = &ds->pts[i];
		char key[512];

		if (!(p->r.marks & ROUND_MARK_PARTIAL) ||
		    !metric_is(p->id.metric, METRIC_NS_PER_PKT))
			continue;
		point_id_str(&p->id, POINT_ID_KEY, key, sizeof(key));
		if (p->r.planned)
			doc_item(d, "%s: %d of %d rounds", key, p->r.rounds,
				 p->r.planned);
		else
			doc_item(d, "%s: %d rounds", key, p->r.rounds);
		listed++;
	}
	if (listed)
		doc_list_end(d);
}

/* Judged points whose rounds disagree: counted, the first ones listed. */
static void marked_points(const struct dataset *ds, struct doc *d)
{
	int drift = 0, bimodal = 0, moved = 0, listed = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];

		if (!metric_is(p->id.metric, METRIC_NS_PER_PKT) ||
		    is_reference(p) || fig_internal_test(p->id.test))
			continue;
		drift += !!(p->r.marks & ROUND_MARK_DRIFT);
		bimodal += !!(p->r.marks & ROUND_MARK_BIMODAL);
		moved += p->r.flagged > 0;
	}
	doc_para(d, "Of the ns_per_pkt points: %d drift over their rounds (the round values trend, p < 0.01, by more than 1%%), %d are bimodal (their rounds fall into two groups further apart than 3 standard deviations of either), %d were measured in a round where their test's reference moved. Marked points are averaged like the others: their CI is wider, and --compare shows the mark beside their verdict.",
		 drift, bimodal, moved);
	for (int i = 0; i < ds->nr_pts && listed < MAX_LISTED; i++) {
		const struct ds_point *p = &ds->pts[i];
		char key[512], marks[64];

		if (!metric_is(p->id.metric, METRIC_NS_PER_PKT) ||
		    is_reference(p) || fig_internal_test(p->id.test) ||
		    !(p->r.marks & (ROUND_MARK_DRIFT | ROUND_MARK_BIMODAL)))
			continue;
		point_id_str(&p->id, POINT_ID_KEY, key, sizeof(key));
		results_marks_str(p->r.marks, marks, sizeof(marks));
		doc_item(d, "%s: %s", key, marks);
		listed++;
	}
	if (listed)
		doc_list_end(d);
}

void report_rounds_noise(const struct dataset *ds, struct rounds_noise *n)
{
	const struct ds_point *refs[64];
	int nr = pick_references(ds, refs, 64);

	memset(n, 0, sizeof(*n));
	n->nr_refs = nr;
	for (int i = 0; i < nr; i++) {
		const struct ds_point *p = refs[i];
		double sd = p->st.mean > 0 ? 100 * p->st.stddev / p->st.mean :
					     NAN;

		if (!i || sd < n->sd_min_pct)
			n->sd_min_pct = sd;
		if (!i || sd > n->sd_max_pct) {
			n->sd_max_pct = sd;
			snprintf(n->worst_test, sizeof(n->worst_test), "%s",
				 p->id.test);
		}
		n->rounds += p->r.nr_values;
		n->flagged += p->r.flagged;
	}
	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];

		if (!metric_is(p->id.metric, METRIC_NS_PER_PKT) ||
		    is_reference(p) || fig_internal_test(p->id.test))
			continue;
		n->nr_points++;
		n->drift += !!(p->r.marks & ROUND_MARK_DRIFT);
		n->bimodal += !!(p->r.marks & ROUND_MARK_BIMODAL);
		n->moved += p->r.flagged > 0;
	}
}

void report_write_rounds(const struct dataset *ds, const char *plot_dir,
			 struct doc *d)
{
	const struct ds_point *refs[64];
	int nr = pick_references(ds, refs, 64);
	const char *rounds = ds_profile(ds, "rounds");
	const char *loops = ds_profile(ds, "loops");
	const char *reload = ds_profile(ds, "reload");

	if (!nr)
		return;
	doc_section(d, "rounds-and-noise", "Rounds and noise");
	doc_para(d, "Every microbenchmark point was measured in %s rounds of %s timed loops; each round %s the program, held it in the XDP dispatcher, validated and calibrated it, and came in a random order (seeded: the seed column of data.csv) among all the points of its test and the reference, the base forwarder measured in every round. A point's mean, median and CI come from its round values; the spread of the loops inside a round is the within_sd column. rel_ref, in data.csv, is each point's ns/pkt over the reference's in the same round: it cancels what moves both.",
		 rounds ?: "?", loops ?: "?",
		 reload && !strcmp(reload, "false") ? "re-attached (--no-reload)" :
						      "loaded afresh");
	drift_plot(refs, nr, plot_dir, d);
	reference_table(refs, nr, d);
	marked_points(ds, d);
}
