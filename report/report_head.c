// SPDX-License-Identifier: GPL-2.0
/*
 * The headline (see report_head.h): what ran and how it ended, the base
 * forwarder's figures on every path, the cost of one unit of each
 * property, and how noisy the run was: the first screen of the report.
 * Points of the suite's self-tests are no finding and are left out.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "report_head.h"
#include "report_read.h"
#include "report_rounds.h"
#include "util.h"

#define MAX_NAMED	4	/* subtests named per failed test */
#define MAX_PATHS	5	/* test_run and the wire modes */

/* Append to a text of len bytes; it stays terminated when full. */
static void cat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* ---- what ran and how it ended ---- */

struct outcome {
	int tests, passed, skipped, failed;
	int self_tests;			/* of the suite: counted, not named */
	char failed_names[1024];	/* "wire_props (generic_insns, ...)" */
	char skipped_names[512];
	int self_skipped;
};

static void name_failed(struct outcome *o, const struct run_test *t)
{
	int nr = 0, named = 0;

	for (int j = 0; j < t->nr_subs; j++)
		nr += t->subs[j].state == RUN_FAIL;
	cat(o->failed_names, sizeof(o->failed_names), "%s%s",
	    o->failed_names[0] ? ", " : "", t->name);
	if (!nr)
		return;
	cat(o->failed_names, sizeof(o->failed_names), " (");
	for (int j = 0; j < t->nr_subs && named < MAX_NAMED; j++) {
		if (t->subs[j].state != RUN_FAIL)
			continue;
		cat(o->failed_names, sizeof(o->failed_names), "%s%s",
		    named++ ? ", " : "", t->subs[j].name);
	}
	if (nr > named)
		cat(o->failed_names, sizeof(o->failed_names),
		    " and %d more subtests", nr - named);
	cat(o->failed_names, sizeof(o->failed_names), ")");
}

static void count_outcome(const struct run_info *ri, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < ri->nr_tests; i++) {
		const struct run_test *t = &ri->tests[i];
		bool self = fig_internal_test(t->name);

		o->tests++;
		o->self_tests += self;
		o->passed += t->state == RUN_OK;
		o->skipped += t->state == RUN_SKIP;
		/* a failure is named whoever failed: the run is in doubt */
		if (t->state == RUN_FAIL) {
			o->failed++;
			name_failed(o, t);
		} else if (t->state == RUN_SKIP && !self) {
			cat(o->skipped_names, sizeof(o->skipped_names), "%s%s",
			    o->skipped_names[0] ? ", " : "", t->name);
		} else if (t->state == RUN_SKIP) {
			o->self_skipped++;
		}
	}
}

static void write_outcome(const struct run_info *ri, const struct outcome *o,
			  struct doc *d)
{
	if (!ri->known) {
		doc_para(d, "Test outcomes: not known (no run.json beside the data: a run that did not finish, or data from an older version).");
		return;
	}
	if (ri->interrupted)
		doc_warning(d, "The run was interrupted: tests after the stop did not run.");
	if (o->failed)
		doc_warning(d, "%d of %d tests failed: %s. Their points are missing or incomplete; the run's log says why.",
			    o->failed, o->tests, o->failed_names);
	else if (o->skipped)
		doc_para(d, "No test failed: %d passed, %d skipped.", o->passed,
			 o->skipped);
	else
		doc_para(d, "All %d tests passed.", o->tests);
}

static void row2(struct doc *d, const char *key, const char *value)
{
	const char *row[] = { key, value };

	doc_table_row(d, 2, row);
}

static void fmt_duration(char *buf, size_t len, double s)
{
	if (s < 0)
		snprintf(buf, len, "unknown");
	else if (s < 120)
		snprintf(buf, len, "%.0f s", s);
	else if (s < 7200)
		snprintf(buf, len, "%.0f min %.0f s", floor(s / 60),
			 fmod(s, 60));
	else
		snprintf(buf, len, "%.0f h %.0f min", floor(s / 3600),
			 fmod(s, 3600) / 60);
}

static void profile_text(const struct dataset *ds, char *buf, size_t len)
{
	const char *quick = ds_profile(ds, "quick");
	const char *rounds = ds_profile(ds, "rounds");
	const char *loops = ds_profile(ds, "loops");
	const char *sizes = ds_profile(ds, "sizes");
	const char *reps = ds_profile(ds, "reps");

	snprintf(buf, len, "%s", quick ? !strcmp(quick, "true") ? "quick" :
					 "full" : "not recorded");
	if (rounds)
		cat(buf, len, "; microbenchmarks: %s rounds of %s loop%s per point",
		    rounds, loops ?: "?", loops && !strcmp(loops, "1") ? "" : "s");
	if (sizes) {
		cat(buf, len, "; frame sizes ");
		for (const char *c = sizes; *c; c++)
			cat(buf, len, *c == ',' ? ", " : "%c", *c);
		cat(buf, len, " B");
	}
	if (reps)
		cat(buf, len, "; wire: %s repetitions per point", reps);
}

static void write_run_table(const struct fig_set *fs,
			    const struct run_info *ri,
			    const struct outcome *o, struct doc *d)
{
	static const char *const head[] = { "run", "" };
	const struct dataset *ds = fs->ds;
	const char *kernel = ds_env(ds, "kernel"), *cpu = ds_env(ds, "cpu_model");
	const char *ncpu = ds_env(ds, "nr_cpus"), *virt = ds_env(ds, "virt");
	const char *jit = ds_env(ds, "jit_enable");
	const char *harden = ds_env(ds, "jit_harden");
	char v[1536];
	int self_pts = 0;

	doc_table_head(d, 2, head);
	if (ri->known) {
		snprintf(v, sizeof(v), "%d: %d passed, %d skipped", o->tests,
			 o->passed, o->skipped);
		if (o->skipped_names[0] && o->self_skipped)
			cat(v, sizeof(v), " (%s and %d self-test%s)",
			    o->skipped_names, o->self_skipped,
			    o->self_skipped > 1 ? "s" : "");
		else if (o->skipped)
			cat(v, sizeof(v), " (%s)", o->skipped_names[0] ?
			    o->skipped_names : "self-tests");
		/* the failed ones are named above the table */
		cat(v, sizeof(v), ", %d failed", o->failed);
		if (o->self_tests)
			cat(v, sizeof(v), "; %d of them self-tests of the suite",
			    o->self_tests);
		row2(d, "tests", v);
	}
	profile_text(ds, v, sizeof(v));
	row2(d, "profile", v);
	snprintf(v, sizeof(v), "%s, %s CPUs%s%s", cpu ?: "unknown CPU",
		 ncpu ?: "?", virt && *virt ? ", virtualized: " : ", bare metal",
		 virt && *virt ? virt : "");
	row2(d, "machine", v);
	snprintf(v, sizeof(v), "%s, JIT %s, hardening %s",
		 kernel ?: "unknown", jit && strcmp(jit, "0") ? "on" : "off",
		 harden && strcmp(harden, "0") ? harden : "off");
	row2(d, "kernel", v);
	if (ri->known) {
		fmt_duration(v, sizeof(v), ri->duration_s);
		cat(v, sizeof(v), "%s%s", ri->started[0] ? ", started " : "",
		    ri->started);
		row2(d, "duration", v);
	}
	for (int i = 0; i < ds->nr_pts; i++)
		self_pts += fig_internal_test(ds->pts[i].id.test);
	snprintf(v, sizeof(v), "%d in data.csv", ds->nr_pts - self_pts);
	if (self_pts)
		cat(v, sizeof(v), ", and %d of the suite's self-tests", self_pts);
	row2(d, "points", v);
	doc_table_end(d);
}

/* ---- the base forwarder on every path ---- */

static bool base_point(const struct ds_point *p)
{
	return !strcmp(p->id.property, FIG_BASE_PROPERTY) &&
	       !fig_internal_test(p->id.test);
}

/* The base forwarder's point of a metric, mode, op and frame size. */
static const struct ds_point *base_find(const struct dataset *ds,
					const char *mode, const char *op,
					enum metric_id m, int size)
{
	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];

		if (base_point(p) && !strcmp(p->id.mode, mode) &&
		    !strcmp(p->id.op, op) && metric_is(p->id.metric, m) &&
		    p->id.frame_size == size)
			return p;
	}
	return NULL;
}

/* Its paths (test_run first), each at its smallest frame size. */
static int base_paths(const struct dataset *ds, const char **mode, int *size)
{
	int nr = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];
		int k;

		if (!base_point(p) || p->id.frame_size <= 0 ||
		    (!metric_is(p->id.metric, METRIC_NS_PER_PKT) &&
		     !metric_is(p->id.metric, METRIC_MPPS_ZERO_LOSS)))
			continue;
		for (k = 0; k < nr && strcmp(mode[k], p->id.mode); k++)
			;
		if (k == nr && nr < MAX_PATHS) {
			mode[nr] = p->id.mode;
			size[nr++] = p->id.frame_size;
		} else if (k < nr && p->id.frame_size < size[k]) {
			size[k] = p->id.frame_size;
		}
	}
	/* test_run first, the wire modes as measured */
	for (int k = 1; k < nr; k++)
		if (!strcmp(mode[k], FIG_MODE_MICRO)) {
			const char *m = mode[0];
			int s = size[0];

			mode[0] = mode[k];
			size[0] = size[k];
			mode[k] = m;
			size[k] = s;
		}
	return nr;
}

static void stat_cell(char *buf, size_t len, const struct ds_point *p,
		      double scale)
{
	if (!p)
		snprintf(buf, len, "-");
	else
		doc_fmt_val_ci(buf, len, p->st.mean * scale,
			       p->st.ci95_low * scale, p->st.ci95_high * scale);
}

static void write_base(const struct fig_set *fs, struct doc *d)
{
	static const char *const head[] = {
		"path", "frame (B)", "test_run ns/pkt", "test_run Mpps",
		"zero-loss Mpps", "DUT CPU ns/pkt", "p99 latency at 50% load (us)",
	};
	const struct dataset *ds = fs->ds;
	const char *mode[MAX_PATHS];
	int size[MAX_PATHS], nr = base_paths(ds, mode, size);

	if (!nr) {
		doc_para(d, "The base forwarder was not measured in this run (tests xdp_fwd and xdp_modes).");
		return;
	}
	doc_para(d, "The base forwarder (property base: parse, rewrite the MACs, redirect) on every path it was measured on, at the smallest frame size; mean ±95%% CI:");
	doc_table_head(d, ARRAY_SIZE(head), head);
	for (int k = 0; k < nr; k++) {
		char c[ARRAY_SIZE(head)][64];
		const char *row[ARRAY_SIZE(head)];

		snprintf(c[0], sizeof(c[0]), "%s", mode[k]);
		snprintf(c[1], sizeof(c[1]), "%d", size[k]);
		stat_cell(c[2], sizeof(c[2]), base_find(ds, mode[k], "",
			  METRIC_NS_PER_PKT, size[k]), 1);
		stat_cell(c[3], sizeof(c[3]), base_find(ds, mode[k], "",
			  METRIC_MPPS, size[k]), 1);
		stat_cell(c[4], sizeof(c[4]), base_find(ds, mode[k], "",
			  METRIC_MPPS_ZERO_LOSS, size[k]), 1);
		stat_cell(c[5], sizeof(c[5]), base_find(ds, mode[k], "",
			  METRIC_CPU_DUT_NS, size[k]), 1);
		stat_cell(c[6], sizeof(c[6]), base_find(ds, mode[k],
			  "load_50pct", METRIC_LATENCY_P99, size[k]), 1e-3);
		for (size_t i = 0; i < ARRAY_SIZE(head); i++)
			row[i] = c[i];
		doc_table_row(d, ARRAY_SIZE(row), row);
	}
	doc_table_end(d);
}

/* ---- one unit of each property ---- */

static int cmp_fit_property(const void *pa, const void *pb)
{
	const struct report_fit *a = pa, *b = pb;
	int ra = fig_property_rank(a->fg->subject);
	int rb = fig_property_rank(b->fg->subject);

	if (ra != rb)
		return ra - rb;
	return strcmp(a->fg->subject, b->fg->subject);
}

static void fit_cell(char *buf, size_t len, const struct report_fit *f)
{
	doc_fmt_val_ci(buf, len, f->fit.b, f->fit.b_ci95_low,
		       f->fit.b_ci95_high);
	if (f->fit.b_ci95_low <= 0 && f->fit.b_ci95_high >= 0)
		cat(buf, len, " (CI includes 0)");
}

/* One row: the cheapest and the dearest series of f[0..nr-1]. */
static void unit_row(struct doc *d, const struct report_fit *f, int nr)
{
	const struct report_fit *lo = f, *hi = f;
	char size[16], cheap[64], dear[64];
	const char *row[7] = {
		f->fg->subject, fig_unit_word(f->fg->subject, false), size,
		lo->s->label, cheap, "-", "-",
	};

	for (int i = 1; i < nr; i++) {
		if (f[i].fit.b < lo->fit.b)
			lo = &f[i];
		if (f[i].fit.b > hi->fit.b)
			hi = &f[i];
	}
	snprintf(size, sizeof(size), "%d", f->fg->frame_size);
	fit_cell(cheap, sizeof(cheap), lo);
	row[3] = lo->s->label;
	if (nr > 1) {
		fit_cell(dear, sizeof(dear), hi);
		row[5] = hi->s->label;
		row[6] = dear;
	}
	doc_table_row(d, 7, row);
}

static void write_units(const struct fig_set *fs, struct doc *d)
{
	static const char *const head[] = {
		"property", "one unit", "frame (B)", "cheapest series",
		"ns per unit", "dearest series", "ns per unit",
	};
	struct report_fit *fits = NULL;
	int nr = report_fits(fs, &fits);

	if (!nr) {
		free(fits);
		return;
	}
	qsort(fits, nr, sizeof(*fits), cmp_fit_property);
	doc_para(d, "The cost of one unit of each property in test_run: the slope b of ns/pkt = a + b·N, ±95%% CI, of the cheapest and the dearest of its series (variants; every one is in the cost model):");
	doc_table_head(d, ARRAY_SIZE(head), head);
	for (int a = 0, b; a < nr; a = b) {
		for (b = a; b < nr && !strcmp(fits[a].fg->subject,
					      fits[b].fg->subject); b++)
			;
		unit_row(d, fits + a, b - a);
	}
	doc_table_end(d);
	free(fits);
}

/* ---- noise ---- */

static void write_noise(const struct fig_set *fs, struct doc *d)
{
	struct rounds_noise n;
	char text[1024] = "";

	report_rounds_noise(fs->ds, &n);
	if (!n.nr_refs && !n.nr_points)
		return;
	if (n.nr_refs)
		cat(text, sizeof(text), "the reference forwarder's round values spread by %.2f%% to %.2f%% of their mean (sd between rounds, per test; largest in %s); it moved beyond its own spread in %d of its %d rounds. ",
		    n.sd_min_pct, n.sd_max_pct, n.worst_test, n.flagged,
		    n.rounds);
	if (n.nr_points)
		cat(text, sizeof(text), "Of %d ns/pkt points, %d drift over their rounds, %d are bimodal and %d were measured in a round where the reference moved.",
		    n.nr_points, n.drift, n.bimodal, n.moved);
	doc_para(d, "Noise of this run: %s", text);
}

void report_write_headline(const struct fig_set *fs, const struct run_info *ri,
			   struct doc *d)
{
	struct outcome o;

	count_outcome(ri, &o);
	doc_section(d, "headline", "Headline");
	write_outcome(ri, &o, d);
	write_run_table(fs, ri, &o, d);
	write_base(fs, d);
	write_units(fs, d);
	write_noise(fs, d);
	report_write_reading(fs, d);
}
