// SPDX-License-Identifier: GPL-2.0
/*
 * The study's figures (see report_fig.h): for every property measured on
 * a wire, N on the x axis and one line per path: test_run (the
 * microbenchmark: one core, no driver) and each XDP mode the wire ran
 * (generic, native, offload). Throughput, and as companions the CPU time
 * per packet and the p99 latency at half the zero-loss rate. Points of
 * the paths meet by property, N, variant and op (docs/data-format.md),
 * at the frame size the wire measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "report_fig.h"
#include "util.h"

#define MAX_PROPS	32
#define MAX_PROGS	4	/* variants of one property on the wire */
#define MAX_MODES	4
#define LAT_LOAD	"load_50pct"

/* A property on the wire: its programs (variant, op) and modes. */
struct modes_prop {
	const char *property;
	int frame_size;
	const struct ds_point *progs[MAX_PROGS];	/* variant, op of each */
	int nr_progs;
	const char *modes[MAX_MODES];
	int nr_modes;
};

/* Properties that are no sweep: the base forwarder and its kin. */
static bool swept_property(const char *property)
{
	static const char *const not_swept[] = {
		"", FIG_BASE_PROPERTY, "empty", "reference", "generator",
		FIG_WSET_PROPERTY,
	};

	for (size_t i = 0; i < ARRAY_SIZE(not_swept); i++)
		if (!strcmp(property, not_swept[i]))
			return false;
	return true;
}

static bool wire_point(const struct ds_point *p)
{
	return fig_is_wire_mode(p->id.mode) && p->id.n >= 0 &&
	       p->id.frame_size > 0 && swept_property(p->id.property) &&
	       !fig_internal_test(p->id.test);
}

static bool at_load(const struct ds_point *p)
{
	return !strncmp(p->id.op, "load_", 5);
}

static int mode_rank(const char *mode)
{
	static const char *const order[] = { "generic", "native", "offload" };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (!strcmp(mode, order[i]))
			return i;
	return ARRAY_SIZE(order);
}

static void add_mode(struct modes_prop *mp, const char *mode)
{
	int i, j;

	for (i = 0; i < mp->nr_modes; i++)
		if (!strcmp(mp->modes[i], mode))
			return;
	if (mp->nr_modes == MAX_MODES)
		return;
	/* generic, native, offload, then the others by name */
	for (j = mp->nr_modes; j > 0; j--) {
		int a = mode_rank(mp->modes[j - 1]), b = mode_rank(mode);

		if (a < b || (a == b && strcmp(mp->modes[j - 1], mode) < 0))
			break;
		mp->modes[j] = mp->modes[j - 1];
	}
	mp->modes[j] = mode;
	mp->nr_modes++;
}

static bool same_prog(const struct ds_point *a, const struct ds_point *b)
{
	return !strcmp(a->id.property, b->id.property) &&
	       !strcmp(a->id.variant, b->id.variant) &&
	       !strcmp(a->id.op, b->id.op);
}

/* The frame size with the most wire points of the property (ties: smallest). */
static int wire_frame_size(const struct dataset *ds, const char *property)
{
	int best = 0, best_count = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];
		int count = 0;

		if (!wire_point(p) || strcmp(p->id.property, property))
			continue;
		for (int j = 0; j < ds->nr_pts; j++)
			count += wire_point(&ds->pts[j]) &&
				 !strcmp(ds->pts[j].id.property, property) &&
				 ds->pts[j].id.frame_size == p->id.frame_size;
		if (count > best_count ||
		    (count == best_count && p->id.frame_size < best)) {
			best = p->id.frame_size;
			best_count = count;
		}
	}
	return best;
}

/* Every property with wire points, its programs and modes at one size. */
static int find_props(const struct dataset *ds, struct modes_prop *props)
{
	int nr = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];
		struct modes_prop *mp = NULL;
		int k;

		if (!wire_point(p))
			continue;
		for (k = 0; k < nr; k++)
			if (!strcmp(props[k].property, p->id.property))
				mp = &props[k];
		if (!mp) {
			if (nr == MAX_PROPS)
				continue;
			mp = &props[nr++];
			memset(mp, 0, sizeof(*mp));
			mp->property = p->id.property;
			mp->frame_size = wire_frame_size(ds, p->id.property);
		}
		if (p->id.frame_size != mp->frame_size)
			continue;
		add_mode(mp, p->id.mode);
		/* at a load, op is the load: the program's op is not there */
		if (at_load(p))
			continue;
		for (k = 0; k < mp->nr_progs && !same_prog(mp->progs[k], p); k++)
			;
		if (k == mp->nr_progs && k < MAX_PROGS)
			mp->progs[mp->nr_progs++] = p;
	}
	return nr;
}

/* What a series of a figure is: its path, its program, its metric. */
struct series_spec {
	enum fig_kind kind;
	const struct modes_prop *mp;
	const struct ds_point *prog;
	const char *mode;		/* FIG_MODE_MICRO or a wire mode */
	enum metric_id metric;
	bool inverse;			/* y = 1000 / value (ns -> Mpps) */
	double scale;
};

static bool in_series(const struct series_spec *ss, const struct ds_point *p)
{
	const struct point_id *a = &p->id, *b = &ss->prog->id;

	if (strcmp(a->mode, ss->mode) || a->frame_size != ss->mp->frame_size ||
	    !metric_is(a->metric, ss->metric) || a->n < 0 ||
	    strcmp(a->property, b->property) ||
	    strcmp(a->variant, b->variant) || fig_internal_test(a->test))
		return false;
	if (ss->kind == FIG_MODES_LAT)
		return !strcmp(a->op, LAT_LOAD);
	return !strcmp(a->op, b->op);
}

static int count_series(const struct dataset *ds, const struct series_spec *ss)
{
	int n = 0;

	for (int i = 0; i < ds->nr_pts; i++)
		n += in_series(ss, &ds->pts[i]);
	return n;
}

/* The metric of a path's series in this kind of figure; false: none. */
static bool choose_metric(const struct dataset *ds, struct series_spec *ss)
{
	bool micro = !strcmp(ss->mode, FIG_MODE_MICRO);

	ss->inverse = false;
	ss->scale = 1;
	switch (ss->kind) {
	case FIG_MODES:
		if (micro) {
			ss->metric = METRIC_MPPS;
			if (count_series(ds, ss))
				return true;
			/* files without test_run Mpps: 1000 / ns per packet */
			ss->metric = METRIC_NS_PER_PKT;
			ss->inverse = true;
			return count_series(ds, ss) > 0;
		}
		ss->metric = METRIC_MPPS_MAX;
		if (count_series(ds, ss))
			return true;
		ss->metric = METRIC_MPPS_ZERO_LOSS;
		return count_series(ds, ss) > 0;
	case FIG_MODES_CPU:
		ss->metric = micro ? METRIC_NS_PER_PKT : METRIC_CPU_DUT_NS;
		return count_series(ds, ss) > 0;
	default:
		ss->metric = METRIC_LATENCY_P99;
		ss->scale = 1e-3;	/* ns -> us */
		return !micro && count_series(ds, ss) > 0;
	}
}

static int cmp_xy(const void *a, const void *b)
{
	const struct plot_xy *x = a, *y = b;

	return (x->x > y->x) - (x->x < y->x);
}

static int add_series(struct fig_set *fs, struct figure *fg,
		      const struct series_spec *ss, bool name_prog)
{
	const struct dataset *ds = fs->ds;
	struct series_meta *meta;
	struct plot_series *s;
	char label[160];
	int ret = 0;

	if (name_prog)
		snprintf(label, sizeof(label), "%s%s%s %s",
			 ss->prog->id.variant, ss->prog->id.op[0] ? " " : "",
			 ss->prog->id.op, ss->mode);
	else
		snprintf(label, sizeof(label), "%s", ss->mode);
	s = plot_add_series(&fg->pl, label);
	meta = realloc(fg->meta, fg->pl.nr_series * sizeof(*meta));
	if (!s || !meta)
		return -ENOMEM;
	fg->meta = meta;
	meta += fg->pl.nr_series - 1;
	snprintf(meta->mode, sizeof(meta->mode), "%s", ss->mode);
	snprintf(meta->metric, sizeof(meta->metric), "%s",
		 metric_def(ss->metric)->name);
	snprintf(meta->unit, sizeof(meta->unit), "%s",
		 ss->inverse ? "Mpps" : metric_def(ss->metric)->unit);
	for (int i = 0; i < ds->nr_pts && !ret; i++) {
		const struct ds_point *p = &ds->pts[i];
		const struct sample_stats *st = &p->st;

		if (!in_series(ss, p))
			continue;
		if (ss->inverse && st->mean > 0)
			ret = plot_add_xy(s, p->id.n, 1000 / st->mean,
					  1000 / st->ci95_high,
					  1000 / st->ci95_low);
		else if (!ss->inverse)
			ret = plot_add_xy(s, p->id.n, st->mean * ss->scale,
					  st->ci95_low * ss->scale,
					  st->ci95_high * ss->scale);
		fs->plotted[i] = true;
	}
	qsort(s->xy, s->nr, sizeof(*s->xy), cmp_xy);
	return ret;
}

static void modes_titles(struct figure *fg, const struct modes_prop *mp)
{
	static const char *const what[] = {
		[FIG_MODES] = "throughput",
		[FIG_MODES_CPU] = "CPU time per packet",
		[FIG_MODES_LAT] = "p99 latency at 50% of the zero-loss rate",
	};
	static const char *const ylabel[] = {
		[FIG_MODES] = "throughput (Mpps), mean and 95% CI",
		[FIG_MODES_CPU] = "CPU time per packet (ns), mean and 95% CI",
		[FIG_MODES_LAT] = "one-way p99 latency (us), mean and 95% CI",
	};
	struct plot *pl = &fg->pl;

	snprintf(fg->subject, sizeof(fg->subject), "%s", mp->property);
	fg->frame_size = mp->frame_size;
	snprintf(fg->x_name, sizeof(fg->x_name), "N");
	snprintf(pl->x_name, sizeof(pl->x_name), "N");
	snprintf(pl->title, sizeof(pl->title), "%s: %s vs N per path, %d B frames",
		 mp->property, what[fg->kind], mp->frame_size);
	snprintf(pl->xlabel, sizeof(pl->xlabel), "N (%s per packet)",
		 fig_unit_word(mp->property, true));
	snprintf(pl->ylabel, sizeof(pl->ylabel), "%s", ylabel[fg->kind]);
	/* test_run and the wire are an order of magnitude apart */
	pl->logy = true;
}

static int build_figure(struct fig_set *fs, const struct modes_prop *mp,
			enum fig_kind kind)
{
	static const char *const prefix[] = {
		[FIG_MODES] = "modes-", [FIG_MODES_CPU] = "modes-cpu-",
		[FIG_MODES_LAT] = "modes-lat-",
	};
	struct series_spec specs[MAX_PROGS * (MAX_MODES + 1)];
	int nr = 0, nr_wire = 0, ret = 0;
	struct figure *fg;
	char name[160];

	for (int k = 0; k < mp->nr_progs; k++)
		for (int m = -1; m < mp->nr_modes; m++) {
			struct series_spec *ss = &specs[nr];

			*ss = (struct series_spec){
				.kind = kind, .mp = mp, .prog = mp->progs[k],
				.mode = m < 0 ? FIG_MODE_MICRO : mp->modes[m],
			};
			if (!choose_metric(fs->ds, ss))
				continue;
			nr_wire += m >= 0;
			nr++;
		}
	/* a figure of the paths needs a wire path in it */
	if (!nr_wire)
		return 0;
	fg = fig_new(fs, kind);
	if (!fg)
		return -ENOMEM;
	modes_titles(fg, mp);
	snprintf(name, sizeof(name), "%s%s", prefix[kind], mp->property);
	fig_set_name(fs, fg, name);
	for (int i = 0; i < nr && i < PLOT_MAX_SERIES && !ret; i++)
		ret = add_series(fs, fg, &specs[i], mp->nr_progs > 1);
	return ret;
}

int fig_build_modes(struct fig_set *fs)
{
	static const enum fig_kind kinds[] = {
		FIG_MODES, FIG_MODES_CPU, FIG_MODES_LAT,
	};
	struct modes_prop props[MAX_PROPS];
	int nr = find_props(fs->ds, props), ret = 0;

	for (int i = 0; i < nr && !ret; i++)
		for (size_t k = 0; k < ARRAY_SIZE(kinds) && !ret; k++)
			ret = build_figure(fs, &props[i], kinds[k]);
	return ret;
}
