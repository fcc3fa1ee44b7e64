// SPDX-License-Identifier: GPL-2.0
/*
 * The report's wire parts (see report_wire.h): one table of the DUT's
 * zero-loss rate and CPU per packet for every wire point measured with a
 * search, the generator against the bare loop (in the modes section), and
 * per program the DUT's CPU use (CPU section) and the latency (latency
 * section) against offered load, per XDP mode (the shape of the XDP
 * paper's CPU figure), at the smallest frame size measured.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "plot.h"
#include "report_wire.h"
#include "util.h"

#define MAX_CURVES	16	/* programs with load curves */
#define LOADS_MAX	16	/* loads of one point */

struct wire_ctx {
	struct fig_set *fs;
	const struct dataset *ds;
	const char *plot_dir;
	bool can_plot;
	struct doc *d;
	enum wire_load_part part;
};

/* Same program, subtest, frame size and mode. */
static bool same_point(const struct ds_point *p, const struct ds_point *q)
{
	const struct point_id *a = &p->id, *b = &q->id;

	return a->n == b->n && a->frame_size == b->frame_size &&
	       !strcmp(a->test, b->test) && !strcmp(a->subtest, b->subtest) &&
	       !strcmp(a->property, b->property) &&
	       !strcmp(a->variant, b->variant) && !strcmp(a->mode, b->mode);
}

/* Same program and test, any subtest, size or mode. */
static bool same_program(const struct ds_point *a, const struct ds_point *b)
{
	return a->id.n == b->id.n && !strcmp(a->id.test, b->id.test) &&
	       !strcmp(a->id.property, b->id.property) &&
	       !strcmp(a->id.variant, b->id.variant);
}

/* The point like `like` with this op and metric; NULL if none. */
static const struct ds_point *find(const struct wire_ctx *c,
				   const struct ds_point *like, const char *op,
				   enum metric_id m)
{
	for (int i = 0; i < c->ds->nr_pts; i++) {
		const struct ds_point *p = &c->ds->pts[i];

		if (metric_is(p->id.metric, m) && !strcmp(p->id.op, op) &&
		    same_point(p, like))
			return p;
	}
	return NULL;
}

static void mark(const struct wire_ctx *c, const struct ds_point *p)
{
	if (p)
		c->fs->plotted[p - c->ds->pts] = true;
}

static void cell(char *buf, size_t len, const struct ds_point *p)
{
	if (p)
		doc_fmt_stat(buf, len, &p->st);
	else
		snprintf(buf, len, "-");
}

static void program_name(const struct ds_point *p, char *buf, size_t len)
{
	if (p->id.n > 0)
		snprintf(buf, len, "%s %s N=%ld %s", p->id.test, p->id.property,
			 p->id.n, p->id.variant);
	else
		snprintf(buf, len, "%s %s %s", p->id.test, p->id.property,
			 p->id.variant);
}

/* ---- zero-loss rate and CPU per packet ---- */

static void zero_loss_row(const struct wire_ctx *c, const struct ds_point *zl)
{
	static const enum metric_id cols[] = {
		METRIC_MPPS_OFFERED_MAX, METRIC_LOSS_DUT_PCT_MAX,
		METRIC_CPU_DUT_NS, METRIC_CPU_PROG_NS, METRIC_WIRE_NS,
		METRIC_PATH_NS,
	};
	const struct ds_point *lim = find(c, zl, "", METRIC_GENERATOR_LIMITED);
	char prog[256], size[16], rate[80], ci[64];
	char v[ARRAY_SIZE(cols)][64];
	const char *row[4 + ARRAY_SIZE(cols)] = {
		prog, zl->id.mode, size, rate,
	};

	program_name(zl, prog, sizeof(prog));
	snprintf(size, sizeof(size), "%d", zl->id.frame_size);
	doc_fmt_stat(ci, sizeof(ci), &zl->st);
	/* any repetition generator-limited: the DUT's rate is at least this */
	snprintf(rate, sizeof(rate), "%s%s",
		 lim && lim->st.max > 0 ? "≥ " : "", ci);
	mark(c, zl);
	mark(c, lim);
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		const struct ds_point *p = find(c, zl, "", cols[i]);

		cell(v[i], sizeof(v[i]), p);
		row[4 + i] = v[i];
		mark(c, p);
	}
	doc_table_row(c->d, ARRAY_SIZE(row), row);
}

static void write_zero_loss(const struct wire_ctx *c)
{
	static const char *const head[] = {
		"program", "mode", "frame (B)", "zero-loss Mpps",
		"full-load offered Mpps", "loss at the DUT, full load (%)",
		"DUT CPU ns/pkt", "program ns/pkt (bpf_stats)",
		"wire ns/pkt", "path ns/pkt",
	};

	doc_heading(c->d, 3, "Zero-loss rate and CPU per packet");
	doc_para(c->d, "RFC 2544 throughput: the highest offered rate at which the DUT lost nothing, found by binary search and confirmed by a last trial. \"≥\": in some repetition the generator could not offer more than the DUT took (generator_limited), so the rate is a lower bound. DUT CPU ns/pkt: busy time of the DUT's CPU per packet at the zero-loss rate (its receive path, the program, the redirect, the sink's receive). Wire ns/pkt: 1000 / zero-loss Mpps. Path ns/pkt: wire ns/pkt minus the program's BPF_PROG_TEST_RUN time, where wire_agreement measured both.");
	doc_table_head(c->d, ARRAY_SIZE(head), head);
	for (int i = 0; i < c->ds->nr_pts; i++) {
		const struct ds_point *p = &c->ds->pts[i];

		if (metric_is(p->id.metric, METRIC_MPPS_ZERO_LOSS) &&
		    !p->id.op[0] && fig_is_wire_mode(p->id.mode))
			zero_loss_row(c, p);
	}
	doc_table_end(c->d);
}

/* ---- the generator ---- */

static void write_generator(const struct wire_ctx *c)
{
	static const char *const head[] = {
		"frame (B)", "generator Mpps", "bare loop Mpps", "ratio",
	};
	bool any = false;

	for (int i = 0; i < c->ds->nr_pts; i++) {
		const struct ds_point *p = &c->ds->pts[i], *bare, *ratio;
		char size[16], g[64], b[64], r[64];
		const char *row[] = { size, g, b, r };

		if (!metric_is(p->id.metric, METRIC_MPPS_GEN))
			continue;
		if (!any) {
			doc_heading(c->d, 3, "The generator");
			doc_para(c->d, "The generator (random addresses, checksums, a timestamp on 1 frame in 8) against the bare live-frames loop (XDP_TX of the template, no per-frame work), flat out into a DUT port that drops, on one CPU, alternating.");
			doc_table_head(c->d, ARRAY_SIZE(head), head);
			any = true;
		}
		bare = find(c, p, "", METRIC_MPPS_GEN_BARE);
		ratio = find(c, p, "", METRIC_GEN_BARE_RATIO);
		snprintf(size, sizeof(size), "%d", p->id.frame_size);
		cell(g, sizeof(g), p);
		cell(b, sizeof(b), bare);
		cell(r, sizeof(r), ratio);
		mark(c, p);
		mark(c, bare);
		mark(c, ratio);
		doc_table_row(c->d, ARRAY_SIZE(row), row);
	}
	if (any)
		doc_table_end(c->d);
}

/* ---- against offered load ---- */

/* Loads measured for a point, ascending: their ops in op[], fraction in pct[]. */
static int loads_of(const struct wire_ctx *c, const struct ds_point *like,
		    char op[][24], double *pct, int max)
{
	int n = 0, i, j, v;

	for (i = 0; i < c->ds->nr_pts && n < max; i++) {
		const struct ds_point *p = &c->ds->pts[i];

		if (!metric_is(p->id.metric, METRIC_MPPS_OFFERED) ||
		    !same_point(p, like) ||
		    sscanf(p->id.op, "load_%dpct", &v) != 1)
			continue;
		for (j = n; j > 0 && pct[j - 1] > v; j--) {
			pct[j] = pct[j - 1];
			memcpy(op[j], op[j - 1], sizeof(op[j]));
		}
		pct[j] = v;
		snprintf(op[j], sizeof(op[j]), "%s", p->id.op);
		n++;
	}
	return n;
}

/* Add the points of metric m against offered Mpps for one point's loads. */
static void add_curve(const struct wire_ctx *c, struct plot *pl,
		      const struct ds_point *like, enum metric_id m,
		      double scale, const char *label)
{
	char op[LOADS_MAX][24];
	double pct[LOADS_MAX];
	struct plot_series *s = NULL;
	int n = loads_of(c, like, op, pct, LOADS_MAX);

	for (int i = 0; i < n; i++) {
		const struct ds_point *x = find(c, like, op[i], METRIC_MPPS_OFFERED);
		const struct ds_point *y = find(c, like, op[i], m);

		if (!x || !y)
			continue;
		if (!s && !(s = plot_add_series(pl, label)))
			return;
		plot_add_xy(s, x->st.mean, y->st.mean * scale,
			    y->st.ci95_low * scale, y->st.ci95_high * scale);
		mark(c, x);
		mark(c, y);
	}
}

static void render(const struct wire_ctx *c, struct plot *pl,
		   const char *caption)
{
	char rel[200];

	if (!pl->nr_series)
		return;
	if (c->can_plot && !plot_render(pl, c->plot_dir)) {
		snprintf(rel, sizeof(rel), "plots/%s", pl->name);
		doc_image(c->d, rel, caption);
	}
}

/* One row per (mode, load) with everything measured there. */
static void load_table(const struct wire_ctx *c,
		       const struct ds_point *const *pts, int nr)
{
	static const char *const head[] = {
		"mode", "load (% of zero-loss)", "offered Mpps", "DUT CPU %",
		"DUT CPU ns/pkt", "program % (bpf_stats)", "latency p50 (us)",
		"p99 (us)", "batch share (us, estimate)",
	};
	char op[LOADS_MAX][24], v[ARRAY_SIZE(head)][64];
	const char *row[ARRAY_SIZE(head)];
	double pct[LOADS_MAX];

	doc_table_head(c->d, ARRAY_SIZE(head), head);
	for (int k = 0; k < nr; k++) {
		int n = loads_of(c, pts[k], op, pct, LOADS_MAX);

		for (int i = 0; i < n; i++) {
			const struct ds_point *off, *cpu, *prog, *p50, *p99, *bat;

			off = find(c, pts[k], op[i], METRIC_MPPS_OFFERED);
			cpu = find(c, pts[k], op[i], METRIC_DUT_CPU_PCT);
			prog = find(c, pts[k], op[i], METRIC_CPU_PROG_PCT);
			p50 = find(c, pts[k], op[i], METRIC_LATENCY_P50);
			p99 = find(c, pts[k], op[i], METRIC_LATENCY_P99);
			bat = find(c, pts[k], op[i], METRIC_LATENCY_BATCH_NS);
			snprintf(v[0], sizeof(v[0]), "%s", pts[k]->id.mode);
			snprintf(v[1], sizeof(v[1]), "%.0f", pct[i]);
			cell(v[2], sizeof(v[2]), off);
			cell(v[3], sizeof(v[3]), cpu);
			if (off && cpu && off->st.mean > 0)
				snprintf(v[4], sizeof(v[4]), "%.1f",
					 10 * cpu->st.mean / off->st.mean);
			else
				snprintf(v[4], sizeof(v[4]), "-");
			cell(v[5], sizeof(v[5]), prog);
			snprintf(v[6], sizeof(v[6]), "%.1f", p50 ? p50->st.mean / 1e3 : NAN);
			snprintf(v[7], sizeof(v[7]), "%.1f", p99 ? p99->st.mean / 1e3 : NAN);
			snprintf(v[8], sizeof(v[8]), "%.1f", bat ? bat->st.mean / 1e3 : NAN);
			for (size_t j = 0; j < ARRAY_SIZE(head); j++)
				row[j] = v[j];
			doc_table_row(c->d, ARRAY_SIZE(row), row);
		}
	}
	doc_table_end(c->d);
}

/* The points of one program at its smallest frame size with loads. */
static int curve_points(const struct wire_ctx *c, const struct ds_point *prog,
			const struct ds_point **pts, int *size)
{
	int nr = 0;

	/* the smallest size with loads, then one point per mode there */
	*size = 0;
	for (int i = 0; i < c->ds->nr_pts; i++) {
		const struct ds_point *p = &c->ds->pts[i];

		if (metric_is(p->id.metric, METRIC_MPPS_OFFERED) &&
		    same_program(p, prog) && (!*size || p->id.frame_size < *size))
			*size = p->id.frame_size;
	}
	for (int i = 0; i < c->ds->nr_pts && nr < 4; i++) {
		const struct ds_point *p = &c->ds->pts[i];
		bool seen = false;

		if (!metric_is(p->id.metric, METRIC_MPPS_ZERO_LOSS) ||
		    p->id.op[0] || !same_program(p, prog) ||
		    p->id.frame_size != *size)
			continue;
		for (int k = 0; k < nr; k++)
			seen |= !strcmp(pts[k]->id.mode, p->id.mode);
		if (!seen)
			pts[nr++] = p;
	}
	return nr;
}

static void cpu_curves(const struct wire_ctx *c,
		       const struct ds_point *const *pts, int nr, int size,
		       int idx)
{
	struct plot cpu = { .hline = { NAN, NAN } };
	char label[96];

	snprintf(cpu.name, sizeof(cpu.name), "wire-cpu-load-%d", idx);
	snprintf(cpu.title, sizeof(cpu.title), "DUT CPU vs offered load, %d B",
		 size);
	snprintf(cpu.xlabel, sizeof(cpu.xlabel), "offered load (Mpps)");
	snprintf(cpu.x_name, sizeof(cpu.x_name), "offered Mpps");
	snprintf(cpu.ylabel, sizeof(cpu.ylabel), "%% of one CPU");
	for (int k = 0; k < nr; k++) {
		snprintf(label, sizeof(label), "%s DUT CPU", pts[k]->id.mode);
		add_curve(c, &cpu, pts[k], METRIC_DUT_CPU_PCT, 1, label);
		snprintf(label, sizeof(label), "%s program (bpf_stats)",
			 pts[k]->id.mode);
		add_curve(c, &cpu, pts[k], METRIC_CPU_PROG_PCT, 1, label);
	}
	doc_para(c->d, "Busy time of the DUT's CPU against the load offered to it (10%% to 100%% of its zero-loss rate), per XDP mode, beside the share of a CPU the program itself takes by bpf_stats (its run time per packet at full load times the rate): the distance between the two is the path's cost.");
	render(c, &cpu, cpu.title);
	load_table(c, pts, nr);
	plot_free(&cpu);
}

static void latency_curves(const struct wire_ctx *c,
			   const struct ds_point *const *pts, int nr,
			   int size, int idx)
{
	struct plot lat = { .hline = { NAN, NAN } };
	char label[96];

	snprintf(lat.name, sizeof(lat.name), "wire-latency-load-%d", idx);
	snprintf(lat.title, sizeof(lat.title),
		 "One-way latency vs offered load, %d B", size);
	snprintf(lat.xlabel, sizeof(lat.xlabel), "offered load (Mpps)");
	snprintf(lat.x_name, sizeof(lat.x_name), "offered Mpps");
	snprintf(lat.ylabel, sizeof(lat.ylabel), "latency (us)");
	for (int k = 0; k < nr; k++) {
		snprintf(label, sizeof(label), "%s p50", pts[k]->id.mode);
		add_curve(c, &lat, pts[k], METRIC_LATENCY_P50, 1e-3, label);
		snprintf(label, sizeof(label), "%s p99", pts[k]->id.mode);
		add_curve(c, &lat, pts[k], METRIC_LATENCY_P99, 1e-3, label);
	}
	doc_para(c->d, "One-way latency, generator to sink, against the load offered to the DUT (10%% to 100%% of its zero-loss rate), per XDP mode; the batch share in the table under CPU is the wait of a frame for the end of its generator batch (half a batch of frame spacing, an estimate).");
	render(c, &lat, lat.title);
	plot_free(&lat);
}

/* The CPU or latency curves of one program at its smallest frame size. */
static void write_curves(const struct wire_ctx *c, const struct ds_point *prog,
			 int idx)
{
	const struct ds_point *pts[4];
	char name[256];
	int size, nr = curve_points(c, prog, pts, &size);

	program_name(prog, name, sizeof(name));
	doc_heading(c->d, 3, "%s, %d B: %s against offered load", name, size,
		    c->part == WIRE_LOAD_CPU ? "CPU" : "latency");
	if (c->part == WIRE_LOAD_CPU)
		cpu_curves(c, pts, nr, size, idx);
	else
		latency_curves(c, pts, nr, size, idx);
}

static void write_load_curves(const struct wire_ctx *c)
{
	const struct ds_point *done[MAX_CURVES];
	int nr = 0;

	for (int i = 0; i < c->ds->nr_pts && nr < MAX_CURVES; i++) {
		const struct ds_point *p = &c->ds->pts[i];
		bool seen = false;

		if (!metric_is(p->id.metric, METRIC_MPPS_OFFERED))
			continue;
		for (int k = 0; k < nr; k++)
			seen |= same_program(done[k], p);
		if (seen)
			continue;
		done[nr] = p;
		write_curves(c, p, nr++);
	}
}

static bool any_metric(const struct dataset *ds, enum metric_id a,
		       enum metric_id b)
{
	for (int i = 0; i < ds->nr_pts; i++)
		if (metric_is(ds->pts[i].id.metric, a) ||
		    metric_is(ds->pts[i].id.metric, b))
			return true;
	return false;
}

bool report_wire_has_modes(const struct fig_set *fs)
{
	return any_metric(fs->ds, METRIC_MPPS_ZERO_LOSS, METRIC_MPPS_GEN);
}

bool report_wire_has_loads(const struct fig_set *fs)
{
	return any_metric(fs->ds, METRIC_MPPS_OFFERED, METRIC_MPPS_OFFERED);
}

void report_write_wire_modes(struct fig_set *fs, struct doc *d)
{
	struct wire_ctx c = { .fs = fs, .ds = fs->ds, .d = d };

	if (!report_wire_has_modes(fs))
		return;
	write_zero_loss(&c);
	write_generator(&c);
}

void report_write_wire_loads(struct fig_set *fs, const char *plot_dir,
			     bool can_plot, enum wire_load_part part,
			     struct doc *d)
{
	struct wire_ctx c = {
		.fs = fs, .ds = fs->ds, .plot_dir = plot_dir,
		.can_plot = can_plot, .d = d, .part = part,
	};

	write_load_curves(&c);
}
