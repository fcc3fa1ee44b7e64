// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluation report (--report, --report-from): after the run, the data
 * files are read back and turned into plots (report_fig.c, plot.c), read
 * (report_read.c) and written as report.md and report.html (doc.c) with
 * these sections: automatic reading, comparison with the baseline,
 * environment, the figures with their tables, cost model, other
 * measurements, caveats and files. docs/report.md describes them.
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
#include "report_read.h"
#include "report_rounds.h"
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

	doc_heading(d, 2, "Environment");
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

/* x down, series across: what the figure shows, as numbers. */
static void write_fig_table(struct doc *d, const struct figure *fg)
{
	const struct plot *pl = &fg->pl;
	const char *head[PLOT_MAX_SERIES + 1];
	char cells[PLOT_MAX_SERIES + 1][48];
	const char *row[PLOT_MAX_SERIES + 1];
	double xs[1024];
	int nr_x = 0;

	for (int i = 0; i < pl->nr_series; i++)
		for (int j = 0; j < pl->series[i].nr && nr_x < 1024; j++)
			xs[nr_x++] = pl->series[i].xy[j].x;
	qsort(xs, nr_x, sizeof(*xs), cmp_double);
	head[0] = fg->x_name;
	for (int i = 0; i < pl->nr_series; i++)
		head[i + 1] = pl->series[i].label;
	doc_table_head(d, pl->nr_series + 1, head);
	for (int k = 0; k < nr_x; k++) {
		if (k && xs[k] == xs[k - 1])
			continue;
		snprintf(cells[0], sizeof(cells[0]), "%g", xs[k]);
		row[0] = cells[0];
		for (int i = 0; i < pl->nr_series; i++) {
			const struct plot_xy *xy = fig_xy_at(&pl->series[i], xs[k]);

			if (xy)
				doc_fmt_val_ci(cells[i + 1],
					       sizeof(cells[i + 1]), xy->y,
					       xy->lo, xy->hi);
			else
				snprintf(cells[i + 1], sizeof(cells[i + 1]), "-");
			row[i + 1] = cells[i + 1];
		}
		doc_table_row(d, pl->nr_series + 1, row);
	}
	doc_table_end(d);
}

static void write_figure(struct report_ctx *c, struct doc *d,
			 const struct figure *fg)
{
	char rel[200];

	doc_heading(d, 3, "%s", fg->pl.title);
	if (fg->rendered) {
		snprintf(rel, sizeof(rel), "plots/%s", fg->pl.name);
		doc_image(d, rel, fg->pl.title);
	}
	if (fg->kind == FIG_TPUT)
		doc_para(d, "The dashed line is the 10GbE line rate: 10e9 / ((frame size + 20 B) x 8) frames per second, 14.88 Mpps at 64 B.");
	write_fig_table(d, fg);
}

static const char *const kind_heading[NR_FIG_KINDS] = {
	[FIG_PROP] = "Cost per property: ns per packet vs N",
	[FIG_SIZE] = "Microbenchmark: ns per packet vs frame size",
	[FIG_TPUT] = "Throughput vs frame size, per XDP mode",
	[FIG_LAT] = "Latency percentiles per mode and frame size",
	[FIG_CPU] = "CPU time per packet, per mode",
	[FIG_WSET] = "Working sets: ns per packet vs distinct entries looked up",
};

static const char *const kind_intro[NR_FIG_KINDS] = {
	[FIG_PROP] = "BPF_PROG_TEST_RUN microbenchmarks: one line per variant, one frame size per plot (the size with the most points). The slope is the cost of one unit of N.",
	[FIG_SIZE] = "Programs measured without a property sweep, for every frame size.",
	[FIG_TPUT] = "Forwarding rate measured on the veth wire per XDP mode; test_run lines (if any) are the CPU-only microbenchmark of the same program.",
	[FIG_LAT] = "One-way latency through the DUT, from the sink's histogram.",
	[FIG_CPU] = "CPU time the DUT spends per packet (bpf_stats run time and softirq/system time), next to the microbenchmark figure of the same program.",
	[FIG_WSET] = "One map lookup per packet whose key changes on every run, over W distinct entries in an order no prefetcher follows: where the curve rises, the map's working set stopped fitting in a cache (the cache sizes are in the environment).",
};

static void write_figures(struct report_ctx *c, struct doc *d)
{
	for (int k = 0; k < NR_FIG_KINDS; k++) {
		bool any = false;

		for (int i = 0; i < c->fs.nr_figs; i++) {
			if (c->fs.figs[i].kind != (enum fig_kind)k)
				continue;
			if (!any) {
				doc_heading(d, 2, "%s", kind_heading[k]);
				doc_para(d, "%s", kind_intro[k]);
				any = true;
			}
			write_figure(c, d, &c->fs.figs[i]);
		}
	}
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
	if (report_rounds_point(p))
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
	doc_heading(d, 2, "Other measurements");
	if (nr_summarised)
		doc_para(d, "%d points are in data.csv only: property sweeps at the frame sizes not plotted (their per-unit costs are in the table by frame size above), microbenchmark Mpps (1000 / ns per packet), the reference's points and every point's rel_ref (summarised under Rounds and the reference).",
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
	doc_heading(d, 2, "Comparison with the baseline");
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

	doc_heading(d, 2, "Caveats");
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
		{ "compare.md", "comparison with the baseline" },
		{ "compare.csv", "the same, one row per point" },
		{ "report.html", "this report with the plots inlined" },
	};

	doc_heading(d, 2, "Files");
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (file_exists(c->dir, files[i].name))
			doc_file(d, files[i].name, files[i].what);
	if (c->nr_rendered)
		doc_file(d, "plots/", "every plot as PNG and SVG, its data (.dat) and gnuplot script (.gp)");
	doc_list_end(d);
}

static void write_doc(struct report_ctx *c, struct doc *d)
{
	const struct dataset *ds = c->ds;
	const char *kernel = ds_env(ds, "kernel");
	const char *cpu = ds_env(ds, "cpu_model");

	doc_para(d, "Kernel %s on %s, %d points from %s.", kernel ?: "unknown",
		 cpu ?: "an unknown CPU", ds->nr_pts, ds->source);
	if (ds_emulated(ds))
		doc_warning(d, "These results were measured on an emulated CPU (environment \"emulated\": true, e.g. QEMU TCG). Emulated timings measure the emulator's code translation, not the CPU or the kernel: use them as functional checks only. --compare refuses to compare them with native results.");
	if (test__stopping())
		doc_warning(d, "The run was interrupted: this report covers the points measured before the stop.");
	report_write_partial(ds, d);
	if (c->no_plots[0])
		doc_warning(d, "No plots: %s. The data and tables are complete.",
			    c->no_plots);
	report_write_reading(&c->fs, d);
	write_baseline(c, d);
	write_env(c, d);
	write_figures(c, d);
	report_write_wire(&c->fs, c->plot_dir, !c->no_plots[0], d);
	report_write_rounds(c->ds, c->no_plots[0] ? NULL : c->plot_dir, d);
	report_write_cost_model(&c->fs, c->dir, d);
	write_others(c, d);
	write_caveats(c, d);
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
	char title[sizeof(ds->source) + 64];
	struct doc d;
	int ret;

	snprintf(c.plot_dir, sizeof(c.plot_dir), "%s/plots", dir);
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
