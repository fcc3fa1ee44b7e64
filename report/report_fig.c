// SPDX-License-Identifier: GPL-2.0
/*
 * From points to figures (see report_fig.h): every point is offered to
 * each kind of figure; the ones a kind takes are grouped by figure, then
 * by series, and become plots of at most PLOT_MAX_SERIES lines each.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "report_fig.h"
#include "util.h"

bool fig_is_wire_mode(const char *mode)
{
	return strcmp(mode, FIG_MODE_MICRO) != 0;
}

bool fig_internal_test(const char *test)
{
	static const char *const self_tests[] = {
		"compare", "hostile_input", "kconfig", "ktap", "packets",
		"report", "rounds", "safe_output", "stats",
	};

	for (size_t i = 0; i < ARRAY_SIZE(self_tests); i++)
		if (!strcmp(test, self_tests[i]))
			return true;
	return false;
}

/* Which panel of a small-multiples figure a point is drawn in. */
static bool panel_kind(enum fig_kind kind)
{
	return kind == FIG_TPUT || kind == FIG_CPU || kind == FIG_LAT;
}

/* A wire point measured at a fraction of the load: a load curve's. */
static bool at_load(const struct ds_point *p)
{
	return !strncmp(p->id.op, "load_", 5);
}

/*
 * A program's identity across modes and tests: what the DUT ran. N is
 * written so that panels sort by it as a number (N is -1 or more).
 */
static void identity(const struct ds_point *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s|%020ld|%s|%s", p->id.property, p->id.n + 1,
		 p->id.variant, p->id.op);
}

void fig_describe_program(const struct ds_point *p, char *buf, size_t len)
{
	const char *prop = p->id.property[0] ? p->id.property : "base";
	int used;

	if (!strcmp(prop, "base"))
		used = snprintf(buf, len, "base forwarder");
	else
		used = snprintf(buf, len, "%s", prop);
	if (p->id.n > 0 && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " N=%ld", p->id.n);
	if (p->id.variant[0] && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " %s", p->id.variant);
	if (p->id.op[0] && used >= 0 && (size_t)used < len)
		snprintf(buf + used, len - used, " %s", p->id.op);
}

/* The properties, in the order of the study, and what N counts. */
static const struct { const char *key, *one, *many; } unit_words[] = {
	{ "insn", "instruction", "instructions" },
	{ "branch", "conditional block", "conditional blocks" },
	{ "map", "map access", "map accesses" },
	{ "payload", "payload byte", "payload bytes" },
	{ "tail", "tail call", "tail calls" },
	{ "loop", "loop iteration", "loop iterations" },
	{ "alu", "ALU operation", "ALU operations" },
};

/* What N counts, per property: "(N) extra instructions". */
const char *fig_unit_word(const char *property, bool plural)
{
	for (size_t i = 0; i < ARRAY_SIZE(unit_words); i++)
		if (strstr(property, unit_words[i].key))
			return plural ? unit_words[i].many : unit_words[i].one;
	return plural ? "units of N" : "unit of N";
}

int fig_property_rank(const char *property)
{
	for (size_t i = 0; i < ARRAY_SIZE(unit_words); i++)
		if (strstr(property, unit_words[i].key))
			return i;
	return ARRAY_SIZE(unit_words);
}

/* A property figure's subject: the base forwarder has a name. */
static const char *subject_of(const struct ds_point *p)
{
	if (!p->id.property[0] || !strcmp(p->id.property, FIG_BASE_PROPERTY))
		return "base forwarder";
	return p->id.property;
}

/* A panel's title: the program within its property ("N=256 taken"). */
static void panel_title(enum fig_kind kind, const struct ds_point *p,
			char *buf, size_t len)
{
	char n[32] = "";

	if (p->id.n > 0 || (p->id.n == 0 &&
			    strcmp(p->id.property, FIG_BASE_PROPERTY)))
		snprintf(n, sizeof(n), "N=%ld", p->id.n);
	snprintf(buf, len, "%s%s%s%s%s%s%s", n, *n && p->id.variant[0] ? " " : "",
		 p->id.variant, p->id.op[0] && kind != FIG_LAT ? " " : "",
		 kind != FIG_LAT ? p->id.op : "", kind == FIG_LAT ? ", " : "",
		 kind == FIG_LAT ? p->id.mode : "");
	if (kind == FIG_LAT && p->id.op[0])
		snprintf(buf + strlen(buf), len - strlen(buf), ", %s",
			 p->id.op);
	if (!*buf)
		snprintf(buf, len, "%s", p->id.test);
}

static void slug(char *out, size_t len, const char *in)
{
	size_t j = 0;

	for (; *in && j + 1 < len; in++) {
		char c = *in;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			out[j++] = c;
		else if (c >= 'A' && c <= 'Z')
			out[j++] = c - 'A' + 'a';
		else if (j && out[j - 1] != '-')
			out[j++] = '-';
	}
	while (j && out[j - 1] == '-')
		j--;
	out[j] = '\0';
}

/*
 * Which figure a point belongs to for one kind of figure, and its x. Returns
 * false when the point is not for this kind. swept: its property was
 * measured at two or more N (a sweep); a lone N (the base forwarder at N=0)
 * is plotted against frame size instead.
 */
static bool select_point(enum fig_kind kind, const struct ds_point *p,
			 bool swept, struct fig_ref *r)
{
	enum metric_kind mk = metric_kind_of(p->id.metric);
	bool ns_per_pkt = metric_is(p->id.metric, METRIC_NS_PER_PKT);
	char id[256];

	identity(p, id, sizeof(id));
	/* the reference forwarder of every test: report_rounds.c shows it */
	if (!strcmp(p->id.property, "reference") ||
	    fig_internal_test(p->id.test))
		return false;
	r->panel[0] = '\0';
	switch (kind) {
	case FIG_PROP:
	case FIG_WSET:
		if (!ns_per_pkt || !swept ||
		    (kind == FIG_WSET) !=
		    !strcmp(p->id.property, FIG_WSET_PROPERTY))
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s|%s", p->id.property,
			 p->id.mode);
		r->x = p->id.n;
		return true;
	case FIG_SIZE:
		if (!ns_per_pkt || swept ||
		    fig_is_wire_mode(p->id.mode) || p->id.frame_size <= 0)
			return false;
		snprintf(r->fig, sizeof(r->fig), "size");
		break;
	case FIG_TPUT:
		/* packet rates: forwarded, offered or arriving, at full load */
		if ((mk != METRIC_KIND_RATE && mk != METRIC_KIND_LOAD) ||
		    p->id.frame_size <= 0 || at_load(p))
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s", p->id.property);
		snprintf(r->panel, sizeof(r->panel), "%s", id);
		break;
	case FIG_LAT:
		if (mk != METRIC_KIND_LATENCY || p->id.frame_size <= 0 ||
		    !fig_is_wire_mode(p->id.mode))
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s", p->id.property);
		snprintf(r->panel, sizeof(r->panel), "%.250s|%s", id,
			 p->id.mode);
		break;
	case FIG_CPU:
		if (mk != METRIC_KIND_TIME || p->id.frame_size <= 0 ||
		    at_load(p))
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s", p->id.property);
		snprintf(r->panel, sizeof(r->panel), "%s", id);
		break;
	default:
		return false;
	}
	r->x = p->id.frame_size;
	return true;
}

/* Points by property, mode, then N. */
static int cmp_sweep(const void *pa, const void *pb)
{
	const struct ds_point *a = *(const struct ds_point *const *)pa;
	const struct ds_point *b = *(const struct ds_point *const *)pb;
	int c = strcmp(a->id.property, b->id.property);

	if (!c)
		c = strcmp(a->id.mode, b->id.mode);
	if (c)
		return c;
	return (a->id.n > b->id.n) - (a->id.n < b->id.n);
}

/*
 * swept[i]: another point of the same property and mode has another N.
 * Sorted, a (property, mode) group is swept when its first and last N
 * differ: n log n, where comparing every pair took hours on a file of a
 * million points.
 */
static int mark_sweeps(const struct dataset *ds, bool *swept)
{
	const struct ds_point **by = malloc(sizeof(*by) * (ds->nr_pts ?: 1));
	int nr = 0;

	if (!by)
		return -ENOMEM;
	for (int i = 0; i < ds->nr_pts; i++)
		if (ds->pts[i].id.n >= 0)
			by[nr++] = &ds->pts[i];
	qsort(by, nr, sizeof(*by), cmp_sweep);
	for (int a = 0, b; a < nr; a = b) {
		for (b = a + 1; b < nr && !strcmp(by[a]->id.property,
						  by[b]->id.property) &&
		     !strcmp(by[a]->id.mode, by[b]->id.mode); b++)
			;
		if (by[a]->id.n == by[b - 1]->id.n)
			continue;
		for (int i = a; i < b; i++)
			swept[by[i] - ds->pts] = true;
	}
	free(by);
	return 0;
}

static int cmp_ref_fig(const void *a, const void *b)
{
	return strcmp(((const struct fig_ref *)a)->fig,
		      ((const struct fig_ref *)b)->fig);
}

int fig_cmp_ref(const void *pa, const void *pb)
{
	const struct fig_ref *a = pa, *b = pb;
	int c = strcmp(a->fig, b->fig);

	if (!c)
		c = strcmp(a->panel, b->panel);
	if (!c)
		c = strcmp(a->ser, b->ser);
	if (c)
		return c;
	return (a->x > b->x) - (a->x < b->x);
}

/*
 * A property figure shows one frame size: the one with the most points
 * (ties: the smallest); for payload the largest, since payload bytes exist
 * only in long frames and a short one hides their cost. Points of other
 * sizes are dropped from the figure.
 */
static int prop_frame_size(struct fig_ref *r, int nr)
{
	bool largest = !strcmp(r->p->id.property, "payload");
	int *sizes = malloc(sizeof(*sizes) * (nr ?: 1)), best = 0;
	int best_count = 0;

	if (!sizes)
		return -ENOMEM;
	for (int i = 0; i < nr; i++)
		sizes[i] = r[i].p->id.frame_size;
	/* sorted: the longest run, the first of equal ones the smallest */
	qsort(sizes, nr, sizeof(*sizes), cmp_int);
	if (largest && nr)
		best = sizes[nr - 1];
	for (int a = 0, b; a < nr && !largest; a = b) {
		for (b = a + 1; b < nr && sizes[b] == sizes[a]; b++)
			;
		if (b - a > best_count) {
			best = sizes[a];
			best_count = b - a;
		}
	}
	free(sizes);
	return best;
}

void fig_series_key(enum fig_kind kind, const struct ds_point *p, char *key,
		    size_t len)
{
	switch (kind) {
	case FIG_PROP:
	case FIG_WSET:
		snprintf(key, len, "%s|%s|%s|%s", p->id.variant, p->id.op,
			 p->id.subtest, p->id.test);
		break;
	case FIG_SIZE:
		snprintf(key, len, "%s|%s|%s|%s|%s", p->id.test, p->id.subtest,
			 p->id.property, p->id.variant, p->id.op);
		break;
	case FIG_LAT:
		snprintf(key, len, "%s|%s", p->id.metric, p->id.test);
		break;
	default:
		snprintf(key, len, "%s|%s|%s", p->id.mode, p->id.metric,
			 p->id.test);
	}
}

void fig_series_label(enum fig_kind kind, const struct ds_point *p,
		      char *buf, size_t len)
{
	switch (kind) {
	case FIG_PROP:
	case FIG_WSET:
		if (p->id.variant[0] || p->id.op[0])
			snprintf(buf, len, "%s%s%s", p->id.variant,
				 p->id.variant[0] && p->id.op[0] ? " " : "",
				 p->id.op);
		else
			snprintf(buf, len, "%s", p->id.subtest[0] ?
				 p->id.subtest : p->id.test);
		break;
	case FIG_SIZE:
		snprintf(buf, len, "%s%s%s%s%s%s%s", p->id.test,
			 p->id.subtest[0] ? "/" : "", p->id.subtest,
			 p->id.variant[0] ? " " : "", p->id.variant,
			 p->id.op[0] ? " " : "", p->id.op);
		break;
	case FIG_LAT:
		snprintf(buf, len, "%s", p->id.metric);
		break;
	case FIG_TPUT:
		if (metric_is(p->id.metric, METRIC_MPPS))
			snprintf(buf, len, "%s", p->id.mode);
		else
			snprintf(buf, len, "%s %s", p->id.mode, p->id.metric);
		break;
	default:
		snprintf(buf, len, "%s %s", p->id.mode, p->id.metric);
	}
}

/* The same label twice in a panel (two tests measured it): name the tests. */
static void dedup_labels(struct figure *fg, const char **tests)
{
	const struct plot_series *se = fg->pl.series;

	for (int i = 0; i < fg->pl.nr_series; i++)
		for (int j = i + 1; j < fg->pl.nr_series; j++) {
			if (se[i].panel != se[j].panel ||
			    strcmp(se[i].label, se[j].label))
				continue;
			for (int k = 0; k < fg->pl.nr_series &&
					k < PLOT_MAX_SERIES * PLOT_MAX_PANELS; k++) {
				char *l = fg->pl.series[k].label;
				size_t len = strlen(l);

				if (!strchr(l, '['))
					snprintf(l + len,
						 sizeof(fg->pl.series[k].label) - len,
						 " [%s]", tests[k]);
			}
			return;
		}
}

/* Working sets: W spans 1 to millions, and where the caches end matters. */
static void wset_titles(struct figure *fg, const struct ds_point *p,
			const char *partstr, char *sl, size_t sl_len)
{
	struct plot *pl = &fg->pl;

	snprintf(fg->subject, sizeof(fg->subject), "%s", p->id.property);
	snprintf(fg->mode, sizeof(fg->mode), "%s", p->id.mode);
	snprintf(pl->title, sizeof(pl->title),
		 "Working set: ns per packet vs distinct map entries, one lookup per packet, %s, %d B frames%s",
		 p->id.mode, fg->frame_size, partstr);
	snprintf(pl->xlabel, sizeof(pl->xlabel),
		 "working set W: distinct entries looked up in turn (log scale)");
	snprintf(pl->ylabel, sizeof(pl->ylabel),
		 "time per packet (ns), mean and 95%% CI");
	snprintf(fg->x_name, sizeof(fg->x_name), "W");
	snprintf(sl, sl_len, "wset-%s", p->id.mode);
	pl->logx = true;
}

static void fig_titles(struct figure *fg, const struct ds_point *p, int part,
		       int parts)
{
	struct plot *pl = &fg->pl;
	char prog[160], sl[200], partstr[32] = "";

	fig_describe_program(p, prog, sizeof(prog));
	if (panel_kind(fg->kind))
		snprintf(prog, sizeof(prog), "%s", subject_of(p));
	if (parts > 1)
		snprintf(partstr, sizeof(partstr), " (%d/%d)", part + 1, parts);
	switch (fg->kind) {
	case FIG_PROP:
		snprintf(fg->subject, sizeof(fg->subject), "%s",
			 p->id.property);
		snprintf(fg->mode, sizeof(fg->mode), "%s", p->id.mode);
		snprintf(pl->title, sizeof(pl->title),
			 "%s: ns per packet vs N, %s, %d B frames%s",
			 p->id.property, p->id.mode, fg->frame_size, partstr);
		snprintf(pl->xlabel, sizeof(pl->xlabel), "N (%s per packet)",
			 fig_unit_word(p->id.property, true));
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "time per packet (ns), mean and 95%% CI");
		snprintf(fg->x_name, sizeof(fg->x_name), "N");
		snprintf(sl, sizeof(sl), "prop-%s-%s", p->id.property,
			 p->id.mode);
		break;
	case FIG_WSET:
		wset_titles(fg, p, partstr, sl, sizeof(sl));
		break;
	case FIG_SIZE:
		snprintf(fg->subject, sizeof(fg->subject), "microbenchmark");
		snprintf(pl->title, sizeof(pl->title),
			 "Microbenchmark (%s): ns per packet vs frame size%s",
			 FIG_MODE_MICRO, partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "time per packet (ns), mean and 95%% CI");
		snprintf(sl, sizeof(sl), "size-ns");
		break;
	case FIG_TPUT:
		snprintf(fg->subject, sizeof(fg->subject), "%s", prog);
		snprintf(pl->title, sizeof(pl->title),
			 "Throughput vs frame size per XDP mode: %s%s", prog,
			 partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "throughput (Mpps), mean and 95%% CI");
		snprintf(sl, sizeof(sl), "tput-%s", prog);
		pl->line_rate = true;
		pl->logy = true;
		break;
	case FIG_LAT:
		snprintf(fg->subject, sizeof(fg->subject), "%s", prog);
		snprintf(pl->title, sizeof(pl->title),
			 "Latency percentiles vs frame size: %s%s", prog,
			 partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "one-way latency (%s), mean and 95%% CI", p->id.unit);
		snprintf(sl, sizeof(sl), "lat-%s", prog);
		pl->logy = true;
		break;
	default:
		snprintf(fg->subject, sizeof(fg->subject), "%s", prog);
		snprintf(pl->title, sizeof(pl->title),
			 "CPU time per packet vs frame size per XDP mode: %s%s",
			 prog, partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "CPU time per packet (ns), mean and 95%% CI");
		snprintf(sl, sizeof(sl), "cpu-%s", prog);
	}
	if (fg->kind != FIG_PROP && fg->kind != FIG_WSET) {
		snprintf(pl->xlabel, sizeof(pl->xlabel),
			 "frame size on the wire, incl. FCS (B)");
		snprintf(fg->x_name, sizeof(fg->x_name), "frame size (B)");
		pl->frame_size_x = true;
		pl->logx = true;
	}
	snprintf(pl->x_name, sizeof(pl->x_name), "%s", fg->x_name);
	if (parts > 1)
		snprintf(sl + strlen(sl), sizeof(sl) - strlen(sl), "-%d",
			 part + 1);
	slug(pl->name, sizeof(pl->name), sl);
}

/* Two figures must not write the same files: number the later one. */
static void unique_name(struct fig_set *c, struct figure *fg)
{
	char base[sizeof(fg->pl.name)];

	memcpy(base, fg->pl.name, sizeof(base));
	for (int n = 2;; n++) {
		int i;

		for (i = 0; i < c->nr_figs; i++)
			if (&c->figs[i] != fg &&
			    !strcmp(c->figs[i].pl.name, fg->pl.name))
				break;
		if (i == c->nr_figs)
			return;
		snprintf(fg->pl.name, sizeof(fg->pl.name), "%.100s-%d", base, n);
	}
}

void fig_set_name(struct fig_set *fs, struct figure *fg, const char *base)
{
	slug(fg->pl.name, sizeof(fg->pl.name), base);
	unique_name(fs, fg);
}

struct figure *fig_new(struct fig_set *c, enum fig_kind kind)
{
	struct figure *f = realloc(c->figs, (c->nr_figs + 1) * sizeof(*f));

	if (!f)
		return NULL;
	c->figs = f;
	f = &f[c->nr_figs++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->pl.hline[0] = f->pl.hline[1] = NAN;
	return f;
}

/* A new series of fg for the point p, with what the reading needs. */
static struct plot_series *new_series(struct figure *fg, enum fig_kind kind,
				      const struct ds_point *p,
				      const char **tests)
{
	struct series_meta *meta;
	struct plot_series *s;
	char label[160];
	int i;

	fig_series_label(kind, p, label, sizeof(label));
	s = plot_add_series(&fg->pl, label);
	if (!s)
		return NULL;
	meta = realloc(fg->meta, fg->pl.nr_series * sizeof(*fg->meta));
	if (!meta)
		return NULL;
	fg->meta = meta;
	i = fg->pl.nr_series - 1;
	if (i < PLOT_MAX_SERIES * PLOT_MAX_PANELS)
		tests[i] = p->id.test;
	snprintf(meta[i].mode, sizeof(meta[i].mode), "%s", p->id.mode);
	snprintf(meta[i].metric, sizeof(meta[i].metric), "%s", p->id.metric);
	snprintf(meta[i].unit, sizeof(meta[i].unit), "%s", p->id.unit);
	return s;
}

/*
 * Figures from r[0..nr-1] (one figure key, sorted by panel, series and
 * x). A figure holds PLOT_MAX_SERIES series, or with panels (small
 * multiples) PLOT_MAX_PANELS panels; more make more figures.
 */
static int emit_figures(struct fig_set *c, enum fig_kind kind,
			struct fig_ref *r, int nr, int frame_size)
{
	const char *tests[PLOT_MAX_SERIES * PLOT_MAX_PANELS];
	bool panels = panel_kind(kind);
	int per_fig = panels ? PLOT_MAX_PANELS : PLOT_MAX_SERIES;
	int nr_groups = 0, parts, part = -1, ret = 0;
	struct figure *fg = NULL;
	struct plot_series *s = NULL;
	char title[96];

	for (int i = 0; i < nr; i++)
		nr_groups += !i || strcmp(panels ? r[i].panel : r[i].ser,
					  panels ? r[i - 1].panel : r[i - 1].ser);
	parts = (nr_groups + per_fig - 1) / per_fig;
	for (int i = 0, gi = -1; i < nr && !ret; i++) {
		const struct ds_point *p = r[i].p;
		bool new_panel = panels && (!i || strcmp(r[i].panel,
							  r[i - 1].panel));
		bool new_group = panels ? new_panel :
				 !i || strcmp(r[i].ser, r[i - 1].ser);

		if (new_group && ++gi % per_fig == 0) {
			if (fg)
				dedup_labels(fg, tests);
			fg = fig_new(c, kind);
			if (!fg)
				return -ENOMEM;
			fg->frame_size = frame_size;
			fig_titles(fg, p, ++part, parts);
			unique_name(c, fg);
		}
		if (new_panel) {
			panel_title(kind, p, title, sizeof(title));
			if (plot_add_panel(&fg->pl, title) < 0)
				return -ENOMEM;
		}
		if (new_panel || !i || strcmp(r[i].ser, r[i - 1].ser)) {
			s = new_series(fg, kind, p, tests);
			if (!s)
				return -ENOMEM;
		}
		ret = plot_add_xy(s, r[i].x, p->st.mean, p->st.ci95_low,
				  p->st.ci95_high);
		c->plotted[p - c->ds->pts] = true;
	}
	if (fg)
		dedup_labels(fg, tests);
	return ret;
}

/* The panel of r[0] (r sorted by panel): how many refs it has. */
static int panel_len(const struct fig_ref *r, int nr)
{
	int n = 1;

	while (n < nr && !strcmp(r[n].panel, r[0].panel))
		n++;
	return n;
}

static bool has_wire_point(const struct fig_ref *r, int nr)
{
	for (int i = 0; i < nr; i++)
		if (fig_is_wire_mode(r[i].p->id.mode))
			return true;
	return false;
}

/*
 * TPUT and CPU panels only for programs that were measured on a wire:
 * the others' rates are the microbenchmark's, in their own figures.
 * r[0..nr-1] sorted by panel; the kept ones move to the front.
 */
static int keep_wire_panels(struct fig_ref *r, int nr)
{
	int kept = 0;

	for (int a = 0, n; a < nr; a += n) {
		n = panel_len(r + a, nr - a);
		if (!has_wire_point(r + a, n))
			continue;
		memmove(r + kept, r + a, n * sizeof(*r));
		kept += n;
	}
	return kept;
}

static int build_kind(struct fig_set *c, enum fig_kind kind)
{
	const struct dataset *ds = c->ds;
	struct fig_ref *r = calloc(ds->nr_pts ?: 1, sizeof(*r));
	int nr = 0, ret = 0;

	if (!r)
		return -ENOMEM;
	for (int i = 0; i < ds->nr_pts; i++) {
		r[nr].p = &ds->pts[i];
		if (select_point(kind, &ds->pts[i], c->swept[i], &r[nr]))
			nr++;
	}
	qsort(r, nr, sizeof(*r), cmp_ref_fig);
	for (int a = 0, b; a < nr && !ret; a = b) {
		int size = 0, kept = 0;

		for (b = a; b < nr && !strcmp(r[a].fig, r[b].fig); b++)
			;
		if (kind == FIG_PROP || kind == FIG_WSET)
			size = prop_frame_size(r + a, b - a);
		if (size < 0) {
			ret = size;
			break;
		}
		/* keep the figure's points at the front of the run */
		for (int i = a; i < b; i++) {
			if (size && r[i].p->id.frame_size != size)
				continue;
			r[a + kept] = r[i];
			fig_series_key(kind, r[a + kept].p, r[a + kept].ser,
				   sizeof(r[a + kept].ser));
			kept++;
		}
		qsort(r + a, kept, sizeof(*r), fig_cmp_ref);
		if (kind == FIG_TPUT || kind == FIG_CPU)
			kept = keep_wire_panels(r + a, kept);
		if (kept)
			ret = emit_figures(c, kind, r + a, kept, size);
	}
	free(r);
	return ret;
}

const struct plot_xy *fig_xy_at(const struct plot_series *s, double x)
{
	for (int i = 0; i < s->nr; i++)
		if (s->xy[i].x == x)
			return &s->xy[i];
	return NULL;
}

void fig_free(struct fig_set *fs)
{
	for (int i = 0; i < fs->nr_figs; i++) {
		plot_free(&fs->figs[i].pl);
		free(fs->figs[i].meta);
	}
	free(fs->figs);
	free(fs->plotted);
	free(fs->swept);
	memset(fs, 0, sizeof(*fs));
}

int fig_build(struct fig_set *fs, const struct dataset *ds)
{
	int ret = 0;

	memset(fs, 0, sizeof(*fs));
	fs->ds = ds;
	fs->plotted = calloc(ds->nr_pts ?: 1, sizeof(*fs->plotted));
	fs->swept = calloc(ds->nr_pts ?: 1, sizeof(*fs->swept));
	if (!fs->plotted || !fs->swept)
		return -ENOMEM;
	ret = mark_sweeps(ds, fs->swept);
	for (int k = 0; k <= FIG_WSET && !ret; k++)
		ret = build_kind(fs, k);
	return ret ?: fig_build_modes(fs);
}
