// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluation report (--report, --report-from): after the run, the data
 * files are read back and turned into plots (report_fig.c, report_modes.c,
 * plot.c), read (report_read.c) and written as report.md and report.html
 * (doc.c) with a table of contents and these sections, in a researcher's
 * order: headline (report_head.c) with the automatic reading, comparison
 * with the baseline, per-property results, XDP modes, latency, CPU,
 * working sets, cost model, rounds and noise, other measurements,
 * caveats, environment and files. docs/report.md describes them.
 */
#define _GNU_SOURCE		/* strdupa */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "test_perf.h"
#include "compare.h"
#include "dataset.h"
#include "doc.h"
#include "metrics.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "report_fig.h"
#include "report_head.h"
#include "report_read.h"
#include "report_rounds.h"
#include "report_run.h"
#include "report_src.h"
#include "report_wire.h"
#include "results.h"
#include "util.h"

struct report_ctx {
	const struct dataset *ds;
	const struct cmp_result *baseline;	/* --baseline, or NULL */
	const char *dir;
	char plot_dir[PATH_MAX];
	struct fig_set fs;
	struct run_info run;		/* run.json: how the tests ended */
	int nr_rendered;
	char no_plots[PATH_MAX + 128];	/* why there are no plots, "" if some */
};

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0;
}

static void write_fields(struct doc *d, const struct ds_field *f, int nr)
{
	static const char *const head[] = { "field", "value" };

	doc_table_head(d, 2, head);
	for (int i = 0; i < nr; i++) {
		const char *row[] = { f[i].key, f[i].value };

		doc_table_row(d, 2, row);
	}
	doc_table_end(d);
}

static void write_env(struct report_ctx *c, struct doc *d)
{
	const struct dataset *ds = c->ds;

	doc_section(d, "environment", "Environment");
	if (!ds->nr_env)
		doc_warning(d, "No environment block (%s has none): the results cannot be tied to a kernel or CPU.",
			    ds->source);
	else
		write_fields(d, ds->env, ds->nr_env);
	if (!ds->nr_profile)
		return;
	doc_para(d, "Measurement profile:");
	write_fields(d, ds->profile, ds->nr_profile);
}

#define TABLE_MAX_COLS	16	/* distinct line labels shown in a table */

/* The distinct labels of pl's series, in order; how many. */
static int table_labels(const struct plot *pl, const char **labels)
{
	int nr = 0;

	for (int i = 0; i < pl->nr_series && nr < TABLE_MAX_COLS; i++) {
		int k;

		for (k = 0; k < nr && strcmp(labels[k], pl->series[i].label); k++)
			;
		if (k == nr)
			labels[nr++] = pl->series[i].label;
	}
	return nr;
}

/* The series of panel p (0 without panels) with this label. */
static const struct plot_series *table_series(const struct plot *pl, int p,
					      const char *label)
{
	for (int i = 0; i < pl->nr_series; i++)
		if (pl->series[i].panel == p &&
		    !strcmp(pl->series[i].label, label))
			return &pl->series[i];
	return NULL;
}

/* The rows of panel p: its x down, a column per label. */
static void table_panel(struct doc *d, const struct plot *pl, int p,
			const char **labels, int nr_labels)
{
	char cells[TABLE_MAX_COLS + 2][96];
	const char *row[TABLE_MAX_COLS + 2];
	int nr_cols = nr_labels + 1 + !!pl->nr_panels, nr_x = 0;
	double xs[1024];

	for (int i = 0; i < pl->nr_series; i++)
		for (int j = 0; j < pl->series[i].nr && nr_x < 1024; j++)
			if (pl->series[i].panel == p)
				xs[nr_x++] = pl->series[i].xy[j].x;
	qsort(xs, nr_x, sizeof(*xs), cmp_double);
	for (int k = 0; k < nr_x; k++) {
		int c = 0;

		if (k && xs[k] == xs[k - 1])
			continue;
		if (pl->nr_panels)
			snprintf(cells[c++], sizeof(cells[0]), "%s",
				 pl->panels[p]);
		snprintf(cells[c++], sizeof(cells[0]), "%g", xs[k]);
		for (int l = 0; l < nr_labels; l++, c++) {
			const struct plot_series *s = table_series(pl, p,
								   labels[l]);
			const struct plot_xy *xy = s ? fig_xy_at(s, xs[k]) : NULL;

			if (xy)
				doc_fmt_val_ci(cells[c], sizeof(cells[c]),
					       xy->y, xy->lo, xy->hi);
			else
				snprintf(cells[c], sizeof(cells[c]), "-");
		}
		for (int i = 0; i < nr_cols; i++)
			row[i] = cells[i];
		doc_table_row(d, nr_cols, row);
	}
}

/*
 * What the figure shows, as numbers: x down, a column per line; small
 * multiples have a row per panel and x, a column per line label.
 */
static void write_fig_table(struct doc *d, const struct figure *fg)
{
	const struct plot *pl = &fg->pl;
	const char *labels[TABLE_MAX_COLS], *head[TABLE_MAX_COLS + 2];
	int nr = table_labels(pl, labels), c = 0;

	if (pl->nr_panels)
		head[c++] = "program";
	head[c++] = fg->x_name;
	for (int l = 0; l < nr; l++)
		head[c++] = labels[l];
	doc_table_head(d, c, head);
	for (int p = 0; p < (pl->nr_panels ?: 1); p++)
		table_panel(d, pl, p, labels, nr);
	doc_table_end(d);
}

static void write_figure(struct report_ctx *c, struct doc *d,
			 const struct figure *fg)
{
	char rel[200];

	/* the caption names the figure; without a plot a line does */
	if (fg->rendered) {
		snprintf(rel, sizeof(rel), "plots/%s", fg->pl.name);
		doc_image(d, rel, fg->pl.title);
	} else {
		doc_para(d, "%s:", fg->pl.title);
	}
	if (fg->kind == FIG_TPUT)
		doc_para(d, "The dashed line is the 10GbE line rate: 10e9 / ((frame size + 20 B) x 8) frames per second, 14.88 Mpps at 64 B.");
	write_fig_table(d, fg);
}

static const char *const kind_intro[NR_FIG_KINDS] = {
	[FIG_PROP] = "ns per packet vs N: BPF_PROG_TEST_RUN microbenchmarks, one line per variant, one frame size per plot (the size with the most points; payload: the largest). The slope is the cost of one unit of N.",
	[FIG_SIZE] = "Programs measured without a property sweep (the base forwarder, a user's --obj), in test_run at every frame size.",
	[FIG_TPUT] = "Forwarding rate measured on the veth wire per XDP mode, one panel per program; test_run lines are the CPU-only microbenchmark of the same program (1000 / ns per packet, one core).",
	[FIG_LAT] = "One-way latency through the DUT, from the sink's histogram, one panel per program, mode and load.",
	[FIG_CPU] = "CPU time the DUT spends per packet (bpf_stats run time and softirq/system time), next to the microbenchmark figure of the same program, one panel per program.",
	[FIG_WSET] = "One map lookup per packet whose key changes on every run, over W distinct entries in an order no prefetcher follows: where the curve rises, the map's working set stopped fitting in a cache (the cache sizes are in the environment).",
	[FIG_MODES] = "The study's figure: the property's throughput against N on every path. test_run: 1000 / ns per packet of BPF_PROG_TEST_RUN on one core, no driver; generic, native, offload: the rate the sink received at full offered load on the veth wire (mpps_max; the zero-loss rate where no full-load rate was measured).",
	[FIG_MODES_CPU] = "CPU time per packet against N: test_run's ns per packet beside the busy time of the DUT's CPU per packet on the wire (cpu_dut_ns_per_pkt: its receive path, the program, the redirect).",
	[FIG_MODES_LAT] = "p99 one-way latency against N at 50% of each mode's zero-loss rate.",
};

static bool have_kind(const struct report_ctx *c, enum fig_kind kind,
		      const char *subject)
{
	for (int i = 0; i < c->fs.nr_figs; i++)
		if (c->fs.figs[i].kind == kind &&
		    (!subject || !strcmp(c->fs.figs[i].subject, subject)))
			return true;
	return false;
}

/* Every figure of a kind (of one subject, or all), its intro first. */
static void write_kind(struct report_ctx *c, struct doc *d,
		       enum fig_kind kind, const char *subject, bool intro)
{
	bool any = false;

	for (int i = 0; i < c->fs.nr_figs; i++) {
		const struct figure *fg = &c->fs.figs[i];

		if (fg->kind != kind ||
		    (subject && strcmp(fg->subject, subject)))
			continue;
		if (!any && intro && kind_intro[kind])
			doc_para(d, "%s", kind_intro[kind]);
		any = true;
		write_figure(c, d, fg);
	}
}

static int cmp_property(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int ra = fig_property_rank(a), rb = fig_property_rank(b);

	return ra != rb ? ra - rb : strcmp(a, b);
}

/* "Instructions (insns)": what a property's N counts, capitalised. */
static void property_title(const char *property, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", fig_unit_word(property, true), property);
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] -= 'a' - 'A';
}

/* Per property: the study's figures on every path, then test_run's. */
static void write_properties(struct report_ctx *c, struct doc *d)
{
	static const enum fig_kind kinds[] = {
		FIG_MODES, FIG_MODES_CPU, FIG_MODES_LAT, FIG_PROP,
	};
	const char **props = calloc(c->fs.nr_figs ?: 1, sizeof(*props));
	char title[160], id[200];
	int nr = 0;

	for (int i = 0; props && i < c->fs.nr_figs; i++) {
		const struct figure *fg = &c->fs.figs[i];
		int k;

		if (fg->kind != FIG_PROP && fg->kind != FIG_MODES &&
		    fg->kind != FIG_MODES_CPU && fg->kind != FIG_MODES_LAT)
			continue;
		for (k = 0; k < nr && strcmp(props[k], fg->subject); k++)
			;
		if (k == nr)
			props[nr++] = fg->subject;
	}
	if (nr) {
		qsort(props, nr, sizeof(*props), cmp_property);
		doc_section(d, "per-property-results", "Per-property results");
		doc_para(d, "One subsection per property: first its throughput, CPU time and latency against N on every path measured, then its cost per variant in test_run.");
		for (size_t j = 0; j < ARRAY_SIZE(kinds); j++)
			if (have_kind(c, kinds[j], NULL))
				doc_item(d, "%s", kind_intro[kinds[j]]);
		doc_list_end(d);
	}
	for (int k = 0; k < nr; k++) {
		property_title(props[k], title, sizeof(title));
		snprintf(id, sizeof(id), "prop-%s", props[k]);
		doc_subsection(d, id, "%s", title);
		for (size_t j = 0; j < ARRAY_SIZE(kinds); j++)
			write_kind(c, d, kinds[j], props[k], false);
	}
	free(props);
}

static void write_modes(struct report_ctx *c, struct doc *d)
{
	if (!have_kind(c, FIG_SIZE, NULL) && !have_kind(c, FIG_TPUT, NULL) &&
	    !report_wire_has_modes(&c->fs))
		return;
	doc_section(d, "xdp-modes", "XDP modes");
	if (have_kind(c, FIG_SIZE, NULL)) {
		doc_heading(d, 3, "Microbenchmark: ns per packet vs frame size");
		write_kind(c, d, FIG_SIZE, NULL, true);
	}
	if (have_kind(c, FIG_TPUT, NULL)) {
		doc_heading(d, 3, "Throughput vs frame size, per XDP mode");
		write_kind(c, d, FIG_TPUT, NULL, true);
	}
	report_write_wire_modes(&c->fs, d);
}

static void write_wire_part(struct report_ctx *c, struct doc *d,
			    enum fig_kind kind, enum wire_load_part part,
			    const char *id, const char *title)
{
	bool loads = report_wire_has_loads(&c->fs);

	if (!have_kind(c, kind, NULL) && !loads)
		return;
	doc_section(d, id, "%s", title);
	write_kind(c, d, kind, NULL, true);
	if (loads)
		report_write_wire_loads(&c->fs, c->plot_dir, !c->no_plots[0],
					part, d);
}

static void write_wsets(struct report_ctx *c, struct doc *d)
{
	if (!have_kind(c, FIG_WSET, NULL))
		return;
	doc_section(d, "working-sets", "Working sets");
	write_kind(c, d, FIG_WSET, NULL, true);
}

/*
 * Points the figures leave out but the reader does not need one by one:
 * sweeps at the other frame sizes (fitted per size above) and the
 * microbenchmark Mpps, which is 1000 / ns_per_pkt of a point shown.
 */
static bool summarised(const struct report_ctx *c, int i)
{
	const struct ds_point *p = &c->ds->pts[i];

	if (c->fs.swept[i] && metric_is(p->id.metric, METRIC_NS_PER_PKT))
		return true;
	if (report_rounds_point(p) || fig_internal_test(p->id.test))
		return true;
	return !fig_is_wire_mode(p->id.mode) &&
	       metric_is(p->id.metric, METRIC_MPPS);
}

static void write_others(struct report_ctx *c, struct doc *d)
{
	static const char *const head[] = {
		"point", "mean ±95% CI", "unit", "reps",
	};
	const struct dataset *ds = c->ds;
	int nr = 0, nr_summarised = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		if (c->fs.plotted[i])
			continue;
		if (summarised(c, i))
			nr_summarised++;
		else
			nr++;
	}
	if (!nr && !nr_summarised)
		return;
	doc_section(d, "other-measurements", "Other measurements");
	if (nr_summarised)
		doc_para(d, "%d points are in data.csv only: property sweeps at the frame sizes not plotted (their per-unit costs are in the table by frame size above), microbenchmark Mpps (1000 / ns per packet), the reference's points and every point's rel_ref (summarised under Rounds and noise), and the points of the suite's self-tests.",
			 nr_summarised);
	if (!nr)
		return;
	doc_para(d, "Points not shown in a plot (%d)%s.", nr,
		 nr > REPORT_MAX_ROWS ? "; the first ones, all are in data.csv" : "");
	doc_table_head(d, 4, head);
	for (int i = 0, shown = 0; i < ds->nr_pts && shown < REPORT_MAX_ROWS; i++) {
		const struct ds_point *p = &ds->pts[i];
		char key[512], val[64], reps[16];
		const char *row[4] = { key, val, p->id.unit, reps };

		if (c->fs.plotted[i] || summarised(c, i))
			continue;
		shown++;
		point_id_str(&p->id, POINT_ID_KEY, key, sizeof(key));
		doc_fmt_stat(val, sizeof(val), &p->st);
		snprintf(reps, sizeof(reps), "%d", p->st.n);
		doc_table_row(d, 4, row);
	}
	doc_table_end(d);
}

/* --baseline: the verdicts of this run's comparison, counted. */
static void write_baseline(struct report_ctx *c, struct doc *d)
{
	const struct cmp_result *res = c->baseline;
	char path[PATH_MAX];

	if (!res)
		return;
	snprintf(path, sizeof(path), "%s/plots/compare.png", c->dir);
	doc_section(d, "baseline", "Comparison with the baseline");
	doc_para(d, "%d slower, %d faster, %d unchanged, %d without a test, %d not judged (diagnostic or unknown metrics), %d missing or extra points: see compare.md and compare.csv.",
		 res->count[CMP_SLOWER], res->count[CMP_FASTER],
		 res->count[CMP_UNCHANGED], res->count[CMP_UNTESTABLE],
		 res->count[CMP_INFO], res->nr_missing + res->nr_extra);
	if (access(path, R_OK) == 0)
		doc_image(d, "plots/compare",
			  "Change against the baseline per point");
}

static void write_caveats(struct report_ctx *c, struct doc *d)
{
	const char *jit = ds_env(c->ds, "jit_enable");
	const char *harden = ds_env(c->ds, "jit_harden");
	const char *stats = ds_env(c->ds, "bpf_stats");
	const char *virt = ds_env(c->ds, "virt");

	doc_section(d, "caveats", "Caveats");
	doc_item(d, "Microbenchmarks (mode test_run) run one packet through the program in a loop on one CPU with hot caches and the same flow every time: no driver, DMA, NAPI, memory copies, cache misses from real traffic or contention between CPUs. Their ns/pkt is a throughput figure (loop iterations overlap in the CPU), not the latency of one packet.");
	doc_item(d, "The wire tests run on veth pairs inside one machine: the DUT's receive path has a CPU of its own but the sink's receive runs there too, the generator shares the others, and native XDP on veth is not a NIC driver. Use them to compare modes and programs, not as NIC figures.");
	doc_item(d, "Confidence intervals of microbenchmarks come from rounds spread over each test, each a fresh load: they cover the variation between loads and over the test's minutes, not between runs, boots, kernel builds or machines. Frequency scaling, SMT siblings and other load move every number; compare runs with --compare, which requires the CI of a change to lie beyond the minimum effect, or two programs in one run with --vs. Wire figures come from consecutive repetitions (rounds = 1 in data.csv).");
	doc_item(d, "Fits a + b·N assume cost linear in N; the lack-of-fit test says when that fails (p < 0.01), and the marginal slope between the two largest N (cost-model.csv) then says what one more unit costs there. Short dependent chains overlap with the next packet, so small N can cost less per unit than large N.");
	if (jit && strcmp(jit, "1") && strcmp(jit, "2"))
		doc_item(d, "The BPF JIT was off (jit_enable %s): these are interpreter timings.",
			 jit);
	if (harden && strcmp(harden, "0") && *harden)
		doc_item(d, "JIT hardening was on (jit_harden %s): constant blinding adds instructions to every program.",
			 harden);
	if (stats && strcmp(stats, "0") && *stats)
		doc_item(d, "kernel.bpf_stats_enabled was on during the run: it adds two clock reads per program run (15-35 ns measured) and serializes the iterations.");
	if (virt && *virt)
		doc_item(d, "The machine is virtualized (%s): steal time and timer virtualization add noise.",
			 virt);
	doc_list_end(d);
}

static void write_files(struct report_ctx *c, struct doc *d)
{
	static const struct { const char *name, *what; } files[] = {
		{ "data.csv", "every measured point, one row per metric" },
		{ "data.json", "the same points with the environment and profile" },
		{ "cost-model.csv", "per-unit cost fits from the property sweeps" },
		{ "cost-model.json", "the same as JSON" },
		{ RUN_FILE, "how every test of the run ended, its start and duration" },
		{ "compare.md", "comparison with the baseline" },
		{ "compare.csv", "the same, one row per point" },
		{ "report.html", "this report with the plots inlined" },
	};

	doc_section(d, "files", "Files");
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (file_exists(c->dir, files[i].name))
			doc_file(d, files[i].name, files[i].what);
	if (c->nr_rendered)
		doc_file(d, "plots/", plot_have_pdf() ?
			 "every figure as PNG and SVG for the screen and PDF for a paper, its data (.csv, and .dat for gnuplot) and gnuplot script (.gp)" :
			 "every figure as PNG and SVG, its data (.csv, and .dat for gnuplot) and gnuplot script (.gp); no PDF: this gnuplot has no pdfcairo terminal");
	doc_list_end(d);
}

static void write_doc(struct report_ctx *c, struct doc *d)
{
	const struct dataset *ds = c->ds;

	if (ds_emulated(ds))
		doc_warning(d, "These results were measured on an emulated CPU (environment \"emulated\": true, e.g. QEMU TCG). Emulated timings measure the emulator's code translation, not the CPU or the kernel: use them as functional checks only. --compare refuses to compare them with native results.");
	if (test__stopping())
		doc_warning(d, "The run was interrupted: this report covers the points measured before the stop.");
	report_write_partial(ds, d);
	if (c->no_plots[0])
		doc_warning(d, "No plots: %s. The data and tables are complete.",
			    c->no_plots);
	doc_contents(d);
	report_write_headline(&c->fs, &c->run, d);
	write_baseline(c, d);
	write_properties(c, d);
	write_modes(c, d);
	write_wire_part(c, d, FIG_LAT, WIRE_LOAD_LATENCY, "latency",
			"Latency");
	write_wire_part(c, d, FIG_CPU, WIRE_LOAD_CPU, "cpu",
			"CPU time per packet");
	write_wsets(c, d);
	report_write_cost_model(&c->fs, c->dir, d);
	report_write_rounds(c->ds, c->no_plots[0] ? NULL : c->plot_dir, d);
	write_others(c, d);
	write_caveats(c, d);
	write_env(c, d);
	doc_para(d, "Data from %s.", ds->source);
	write_files(c, d);
}

static void render_all(struct report_ctx *c)
{
	struct fig_set *fs = &c->fs;
	int failed = 0, err;
	char why[200];

	if (!plot_have_gnuplot(why, sizeof(why))) {
		snprintf(c->no_plots, sizeof(c->no_plots), "%s", why);
		return;
	}
	err = results_mkdir_p(c->plot_dir);
	if (err) {
		snprintf(c->no_plots, sizeof(c->no_plots), "cannot create %s: %s",
			 c->plot_dir, strerror(-err));
		return;
	}
	for (int i = 0; i < fs->nr_figs; i++) {
		fs->figs[i].rendered = !plot_render(&fs->figs[i].pl,
						    c->plot_dir);
		c->nr_rendered += fs->figs[i].rendered;
		failed += !fs->figs[i].rendered;
	}
	if (failed && !c->nr_rendered)
		snprintf(c->no_plots, sizeof(c->no_plots),
			 "gnuplot failed on every plot, see plots/gnuplot.log");
	else if (failed)
		fprintf(stderr, "report: %d plots failed, see %s/gnuplot.log\n",
			failed, c->plot_dir);
}

int report_build(const char *dir, const struct dataset *ds,
		 const struct cmp_result *baseline, char *err, size_t err_len)
{
	struct report_ctx c = {
		.ds = ds, .dir = dir, .baseline = baseline,
	};
	char title[sizeof(ds->source) + 64], why[512];
	struct doc d;
	int ret;

	snprintf(c.plot_dir, sizeof(c.plot_dir), "%s/plots", dir);
	/* without it the headline says the outcomes are not known */
	ret = run_info_read(dir, &c.run, why, sizeof(why));
	if (ret && ret != -ENOENT)
		fprintf(stderr, "report: %s; the headline shows no outcomes\n",
			why);
	ret = fig_build(&c.fs, ds);
	if (ret) {
		perf_msg(err, err_len, "out of memory building the figures");
		goto out;
	}
	render_all(&c);
	snprintf(title, sizeof(title), "xdp-perf report: %s",
		 ds_env(ds, "kernel") ?: ds->source);
	ret = doc_open(&d, dir, "report", title);
	if (ret) {
		perf_msg(err, err_len, "cannot write %s/report.md: %s", dir,
			strerror(-ret));
		goto out;
	}
	write_doc(&c, &d);
	ret = doc_close(&d);
	if (ret)
		perf_msg(err, err_len, "cannot write the report in %s: %s", dir,
			strerror(-ret));
out:
	fig_free(&c.fs);
	run_info_free(&c.run);
	return ret;
}

/* ---- --report ---- */

static const char *report_from;
static char default_out[PATH_MAX];

/* results/<date>-<kernel release>; the time of day keeps runs apart. */
static int report_start(void)
{
	struct utsname u;
	char date[32];
	time_t now = time(NULL);
	int err;

	if (report_from)
		perf_usage_error("--report runs the tests, --report-from only rebuilds: use one");
	run_info_start();
	if (!env.out_dir) {
		uname(&u);
		strftime(date, sizeof(date), "%Y-%m-%d-%H%M%S",
			 localtime(&now));
		snprintf(default_out, sizeof(default_out), "results/%s-%s",
			 date, u.release);
		env.out_dir = default_out;
	}
	err = results_mkdir_p(env.out_dir);
	if (err)
		perf_usage_error("cannot create the result directory %s: %s",
				 env.out_dir, strerror(-err));
	if (!env.ktap)
		printf("Report: results go to %s/\n", env.out_dir);
	return 0;
}

static int report_finish(void)
{
	const struct cmp_result *baseline;
	struct dataset ds;
	char err[512], why[200];
	int ret;

	/* a baseline comparison goes first: the report shows its verdicts */
	baseline = cmp_baseline();
	if (!results_count()) {
		fprintf(stderr, "report: nothing was measured (every test skipped or failed?), no report written\n");
		return 1;
	}
	/* main.c (finish_run) writes the data files before the finish hooks */
	if (!file_exists(env.out_dir, "data.json") &&
	    results_write(env.out_dir)) {
		fprintf(stderr, "report: cannot write the data files into %s\n",
			env.out_dir);
		return 1;
	}
	ret = run_info_write(env.out_dir);
	if (ret)
		fprintf(stderr, "report: cannot write %s/%s: %s; the headline shows no outcomes\n",
			env.out_dir, RUN_FILE, strerror(-ret));
	ret = ds_load(env.out_dir, &ds, err, sizeof(err));
	if (!ret) {
		ret = report_build(env.out_dir, &ds, baseline, err,
				   sizeof(err));
		ds_free(&ds);
	}
	if (ret) {
		fprintf(stderr, "report: %s\n", err);
		return 1;
	}
	if (!plot_have_gnuplot(why, sizeof(why)))
		fprintf(stderr, "report: no plots: %s\n", why);
	if (!env.ktap)
		printf("Report: %s/report.md and %s/report.html\n",
		       env.out_dir, env.out_dir);
	return 0;
}

/* --out DIR for --report-from: DIR gets the checked data files. */
static int copy_data_files(struct report_src *src, const char *to)
{
	char why[1024];
	int dfd, err;

	if (report_src_is_dir(src, to)) {
		/* rebuilt in place: only in a directory that is ours */
		dfd = outdir_open(to, false, why, sizeof(why));
		if (dfd < 0)
			perf_usage_error("--report-from: %s; write the report elsewhere with --out DIR",
					 why);
		close(dfd);
		return 0;
	}
	/* every file checked before anything is written */
	if (report_src_check(src, why, sizeof(why)))
		perf_usage_error("--report-from: %s", why);
	/* another directory: new or empty (or --force), as a run's --out */
	if (outdir_claim(to, env.force, why, sizeof(why)))
		perf_usage_error("--out: %s", why);
	dfd = outdir_open(to, false, why, sizeof(why));
	if (dfd < 0)
		perf_usage_error("--out: %s", why);
	err = report_src_write(src, dfd, why, sizeof(why));
	close(dfd);
	if (err)
		fprintf(stderr, "test_perf: report: %s/: %s\n", to, why);
	return err;
}

/*
 * --report-from PATH: plots and report again from the data files of a
 * result directory (or of the directory of a data file), written there or
 * into --out with a copy of the data files (report_src.h).
 */
int report_from_main(int argc, char **argv)
{
	struct report_src src;
	char err[1024];
	struct dataset ds;
	const char *out;
	int ret;

	if (argc)
		perf_usage_error("--report-from takes no operand ('%s')", argv[0]);
	if (report_src_open(&src, report_from, &ds, err, sizeof(err)))
		perf_usage_error("--report-from: %s", err);
	out = env.out_dir ?: src.dir;
	ret = copy_data_files(&src, out);
	report_src_close(&src);
	if (!ret) {
		ret = report_build(out, &ds, NULL, err, sizeof(err));
		if (ret)
			fprintf(stderr, "test_perf: report: %s\n", err);
	}
	ds_free(&ds);
	if (ret)
		return 1;
	printf("Report: %s/report.md and %s/report.html\n", out, out);
	return 0;
}

static int parse_style(const struct perf_option *o, const char *arg)
{
	if (!strcmp(arg, "screen"))
		plot_set_style(PLOT_STYLE_SCREEN);
	else if (!strcmp(arg, "paper"))
		plot_set_style(PLOT_STYLE_PAPER);
	else
		perf_usage_error("--report-style wants 'screen' or 'paper', not '%s'",
				 arg);
	return 0;
}

static void report_enable(void)
{
	perf_at_start(report_start);
	perf_at_finish(report_finish);
}

PERF_OPTION(report, .name = "report", .group = PERF_GRP_OUTPUT,
	    .type = PERF_OPT_FLAG, .on_given = report_enable,
	    .help = "run the evaluation and write plots, report.md and report.html (default --out results/<date>-<kernel>)");
PERF_OPTION(report_from, .name = "report-from", .arg = "DIR",
	    .group = PERF_GRP_OUTPUT, .type = PERF_OPT_STRING,
	    .dest = &report_from,
	    .help = "rebuild plots and report of a result directory from its data files; runs no test");
PERF_OPTION(report_style, .name = "report-style", .arg = "S",
	    .group = PERF_GRP_OUTPUT, .type = PERF_OPT_CUSTOM,
	    .parse = parse_style, .def = "screen",
	    .help = "figures for the screen (a title in each) or for a paper (no title inside: the caption says it); every figure is also a PDF");
