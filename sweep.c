// SPDX-License-Identifier: GPL-2.0
/*
 * Property sweeps over the generated programs.
 *
 * For one property, every point of gen-progs/sweep.conf whose primary
 * property it is (only the "quick" ones with --quick) is grouped by variant
 * (one subtest each, e.g. map_access/hash_lookup_hit), loaded, checked
 * against the formulas on its translated instructions, prepared (maps,
 * prog array), measured by the engine at the frame sizes, checked again
 * through its runtime counters, and recorded. Each variant's points are
 * then fitted, ns/pkt = a + b * N, per frame size: the cost model.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "results.h"
#include "fwd_bench.h"
#include "runner.h"
#include "sweep.h"
#include "gen_prog.h"
#include "rounds.h"
#include "test_select.h"
#include "util.h"

#define SWEEP_DIR	"gen-progs"
#define SWEEP_CONF	SWEEP_DIR "/sweep.conf"
#define GROUP_MAX	64

struct sweep_ctx {
	const struct sweep_opts *opts;
	struct gen_point *points;
	int nr_points;
	char dir[PATH_MAX];
	struct xlated_prog empty;
	int sizes[PERF_MAX_SIZES];
	int nr_sizes;
};

/* Map variants also differ by size and key: those make their own group. */
static void group_names(const struct gen_spec *spec, char *group,
			char *variant, char *op, size_t len)
{
	char v[64];
	int def_key;

	gen_spec_variant(spec, v, sizeof(v));
	op[0] = '\0';
	if (!gen_has(spec, GEN_P_MAP)) {
		snprintf(variant, len, "%s",
			 *v ? v : gen_prop_name(gen_spec_primary(spec)));
		snprintf(group, len, "%s", variant);
		return;
	}
	def_key = spec->map_type == GEN_MAP_LPM_TRIE ? GEN_DEF_LPM_KEY_SIZE :
						       GEN_DEF_KEY_SIZE;
	snprintf(variant, len, "%s", gen_map_type_name(spec->map_type));
	if (spec->map_entries != GEN_DEF_MAP_ENTRIES)
		snprintf(variant + strlen(variant), len - strlen(variant),
			 "_e%ld", spec->map_entries);
	if (spec->key_size != def_key)
		snprintf(variant + strlen(variant), len - strlen(variant),
			 "_k%d", spec->key_size);
	snprintf(op, len, "%s_%s", gen_map_op_name(spec->map_op),
		 spec->miss ? "miss" : "hit");
	snprintf(group, len, "%s_%s", variant, op);
}

void sweep_point_key(const struct gen_spec *spec, char *variant, char *op,
		     size_t len)
{
	char group[128];

	group_names(spec, group, variant, op, len < sizeof(group) ? len :
							    sizeof(group));
}

bool sweep_in_profile(const struct gen_point *p)
{
	return p->quick || !env.quick;
}

static bool in_sweep(const struct gen_point *p, enum gen_prop prop)
{
	/* working sets have their own test (working_set) */
	return !p->spec.offload && !p->spec.working_set &&
	       sweep_in_profile(p) && gen_spec_primary(&p->spec) == (int)prop;
}

/* All sizes, or the smallest, middle and largest (only the smallest in
 * the quick profile): most properties do not touch the payload. */
static void pick_sizes(struct sweep_ctx *c)
{
	int sorted[PERF_MAX_SIZES], n = env.nr_sizes;

	memcpy(sorted, env.sizes, n * sizeof(int));
	qsort(sorted, n, sizeof(int), cmp_int);
	if (c->opts->all_sizes) {
		memcpy(c->sizes, sorted, n * sizeof(int));
		c->nr_sizes = n;
		return;
	}
	c->sizes[c->nr_sizes++] = sorted[0];
	if (env.quick || n == 1)
		return;
	if (n > 2)
		c->sizes[c->nr_sizes++] = sorted[n / 2];
	c->sizes[c->nr_sizes++] = sorted[n - 1];
}

static int sweep_setup(struct sweep_ctx *c)
{
	char path[PATH_MAX], err[256];

	if (test__path(path, sizeof(path), SWEEP_CONF)) {
		test__skip("%s not found beside test_perf: run make", SWEEP_CONF);
		return -ENOENT;
	}
	if (results_env()->jit_harden >= 2) {
		test__skip("net.core.bpf_jit_harden=2 blinds constants: instruction counts do not apply");
		return -EPERM;
	}
	if (gen_sweep_read(path, &c->points, &c->nr_points, err, sizeof(err))) {
		test__log("%s: %s", path, err);
		ASSERT_TRUE(false, "sweep.conf readable");
		return -EINVAL;
	}
	snprintf(c->dir, sizeof(c->dir), "%s/" SWEEP_DIR, test__exe_dir());
	if (!ASSERT_OK(gen_load_baseline(c->dir, false, &c->empty),
		       "load the empty program (baseline of the formulas)"))
		return -EINVAL;
	pick_sizes(c);
	return 0;
}

/* --time-counters: time counting loads, to see what the counters cost */
static bool time_counters;

/* ---- a generated program as a program of the rounds ---- */

struct gen_rprog {
	struct round_prog p;
	struct sweep_ctx *c;
	const struct gen_point *pt;
	char group[64], variant[64], op[64];
	struct bpf_object *obj;
	struct fwd_bench fb;
	/* what failed before the rounds (load, formulas, counters) */
	const char *failed;
	char why[256];
};

/*
 * Load, fill maps and prog array, check against the formulas: counting
 * (runtime counters on, for the untimed validation runs) or clean (the
 * verifier removed them: what the rounds time).
 */
static struct bpf_object *gen_load(const char *dir,
				   const struct xlated_prog *empty,
				   const struct gen_point *p, bool counting,
				   char *why, size_t len)
{
	struct bpf_object *obj = counting ? gen_object_load(dir, p->name) :
					    gen_object_load_clean(dir, p->name);
	int err;

	if (!obj) {
		snprintf(why, len, "cannot load %s: %s", p->name,
			 strerror(errno));
		return NULL;
	}
	err = gen_prepare(obj, &p->spec);
	if (err)
		snprintf(why, len, "%s: cannot fill maps / prog array: %s",
			 p->name, strerror(-err));
	else if (gen_check_loaded(obj, &p->spec, empty, why, len))
		err = -EBADMSG;
	if (err) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static int gen_rprog_load(struct round_prog *rp, char *why, size_t len)
{
	struct gen_rprog *g = rp->ctx;
	int err;

	g->obj = gen_load(g->c->dir, &g->c->empty, g->pt, time_counters, why,
			  len);
	if (!g->obj)
		return -EINVAL;
	err = fwd_bench_init(&g->fb, g->obj, false);
	if (err) {
		snprintf(why, len, "not built on the forwarder: %s",
			 strerror(-err));
		bpf_object__close(g->obj);
		g->obj = NULL;
	}
	return err;
}

static int gen_rprog_fd(struct round_prog *rp)
{
	struct gen_rprog *g = rp->ctx;

	return bpf_program__fd(gen_entry_prog(g->obj));
}

static int gen_rprog_measure(struct round_prog *rp, int size,
			     const struct measure_tune *tune,
			     struct measure_result *res)
{
	struct gen_rprog *g = rp->ctx;

	return fwd_bench_measure_tuned(&g->fb, gen_rprog_fd(rp), size, tune,
				       res);
}

static void gen_rprog_unload(struct round_prog *rp)
{
	struct gen_rprog *g = rp->ctx;

	bpf_object__close(g->obj);
	g->obj = NULL;
}

static const struct round_prog_ops gen_rprog_ops = {
	.load = gen_rprog_load,
	.prog_fd = gen_rprog_fd,
	.measure = gen_rprog_measure,
	.unload = gen_rprog_unload,
};

/*
 * Before the rounds, untimed: a counting load checked against the
 * formulas, and COUNT_RUNS runs of its smallest frame after which the
 * runtime counters must show exactly N tail calls or N loop iterations
 * per run. The rounds then time clean loads, checked in turn to carry
 * no counter (gen_check_loaded()).
 */
#define COUNT_RUNS	1000

static int count_runs(struct gen_rprog *g, struct bpf_object *obj)
{
	struct gen_counters before, after;
	struct fwd_bench fb;
	__u32 verdict;
	int err;

	err = fwd_bench_init(&fb, obj, false);
	if (err) {
		snprintf(g->why, sizeof(g->why), "cannot configure: %s",
			 strerror(-err));
		return err;
	}
	if (gen_read_counters(obj, &before))
		return 0;	/* the spec has no counters */
	err = fwd_bench_run(&fb, bpf_program__fd(gen_entry_prog(obj)),
			    g->p.sizes[0], COUNT_RUNS, &verdict) ?:
	      gen_read_counters(obj, &after);
	if (err) {
		snprintf(g->why, sizeof(g->why), "counting runs: %s",
			 strerror(-err));
		return err;
	}
	if (verdict != XDP_REDIRECT) {
		snprintf(g->why, sizeof(g->why), "counting runs: verdict %s",
			 xdp_verdict_name(verdict));
		return -EBADMSG;
	}
	return gen_check_counters(&g->pt->spec, &before, &after, COUNT_RUNS,
				  g->why, sizeof(g->why)) ? -EBADMSG : 0;
}

static void validate_gen(struct gen_rprog *g)
{
	struct bpf_object *obj;

	obj = gen_load(g->c->dir, &g->c->empty, g->pt, true, g->why,
		       sizeof(g->why));
	if (!obj) {
		g->failed = "loaded program has its property";
		return;
	}
	if (count_runs(g, obj))
		g->failed = "runtime counters exact";
	bpf_object__close(obj);
}

/* ---- recording and fitting, per subtest ---- */

static void record_gen(struct sweep_ctx *c, const struct round_set *rs,
		       struct gen_rprog *g)
{
	if (g->failed) {
		test__log("%s: %s", g->pt->name, g->why);
		ASSERT_TRUE(false, g->failed);
		return;
	}
	if (g->p.load_err) {
		test__log("%s: %s", g->pt->name, g->p.load_why);
		ASSERT_TRUE(false, "loaded program has its property");
		return;
	}
	for (int s = 0; s < g->p.nr_sizes; s++) {
		const struct round_series *se = &g->p.series[s];

		if (rounds_record(rs, &g->p, s, &g->p.key)) {
			test__log("%s at %d B: %s", g->pt->name, g->p.sizes[s],
				  se->err ? se->why : "not measured");
			ASSERT_TRUE(false, "point measured and valid");
			continue;
		}
		ASSERT_EQ(se->done, rs->rounds_done, "measured in every round");
	}
}

static void fit_group(struct sweep_ctx *c, const struct gen_point *p,
		      const char *group, const char *variant, const char *op)
{
	char what[128];

	snprintf(what, sizeof(what), "%s (%s)", c->opts->unit, group);
	for (int s = 0; s < c->nr_sizes; s++) {
		struct point_id key = {
			.property = gen_prop_name(c->opts->prop),
			.variant = variant, .op = op,
			.frame_size = c->sizes[s], .mode = "test_run",
		};
		struct sweep_fit sf;
		struct linear_fit *fit = &sf.fit;

		if (results_fit_sweep(&key, what, c->opts->x_of, &sf)) {
			test__info("%s at %d B: fewer than 3 distinct amounts of the property measured, no fit",
				   group, c->sizes[s]);
			continue;
		}
		test__info("%s at %d B: b = %.4f ns per %s [%.4f, %.4f], a = %.2f ns, lack of fit p = %.3g; marginal %ld..%ld: %.4f [%.4f, %.4f]; over the sweep %.4f [%.4f, %.4f]",
			   group, c->sizes[s], fit->b, c->opts->unit,
			   fit->b_ci95_low, fit->b_ci95_high, fit->a, fit->lof_p,
			   sf.x_lo, sf.x_hi, sf.marg_b, sf.marg_low,
			   sf.marg_high, sf.span_b, sf.span_low, sf.span_high);
		ASSERT_TRUE(isfinite(fit->b) && isfinite(fit->b_ci95_low),
			    "fit computed with its CI");
		if (!c->opts->must_cost || !c->opts->must_cost(&p->spec))
			continue;
		/* an emulator's timings say nothing about the CPU's costs */
		/*
		 * Whether the units cost anything is asked of the span: the
		 * largest N against the smallest, each over all its rounds.
		 * The line's CI is no test of it: when the points scatter
		 * beyond their errors it takes the residuals' n - 2 degrees
		 * of freedom, 1 with the quick profile's three N (t = 12.7),
		 * and one disturbed round failed a real 33 ns cost (LRU
		 * lookups, b = 33 ns, CI low -6.3).
		 */
		if (results_env()->emulated)
			test__info("%s: emulated CPU, cost not asserted", group);
		else if (isfinite(sf.span_low))
			ASSERT_DBL_GT(sf.span_low, 0.0,
				      "cost per unit resolved (95% CI of the slope from the smallest to the largest N above 0)");
		else
			ASSERT_DBL_GT(fit->b_ci95_low, 0.0,
				      "cost per unit resolved (95% CI of b above 0)");
	}
}

static int cmp_n(const void *a, const void *b, void *arg)
{
	const struct gen_point *pts = arg;
	long na = gen_spec_n(&pts[*(const int *)a].spec);
	long nb = gen_spec_n(&pts[*(const int *)b].spec);

	return na < nb ? -1 : na > nb;
}

int sweep_select(const struct gen_point *pts, int nr, enum gen_prop prop,
		 const char *group, int *idx, int max)
{
	char g[64], first[64] = "", variant[64], op[64];
	int n = 0, i;

	for (i = 0; i < nr && n < max; i++) {
		if (!in_sweep(&pts[i], prop))
			continue;
		group_names(&pts[i].spec, g, variant, op, sizeof(g));
		if (!group && !*first)
			snprintf(first, sizeof(first), "%s", g);
		if (!strcmp(g, group ?: first))
			idx[n++] = i;
	}
	qsort_r(idx, n, sizeof(int), cmp_n, (void *)pts);
	return n;
}

/* The groups of the property in sweep.conf's order. */
static int list_groups(struct sweep_ctx *c, char (*groups)[64])
{
	int n = 0;

	for (int i = 0; i < c->nr_points && n < GROUP_MAX; i++) {
		char g[64], variant[64], op[64];
		bool seen = false;

		if (!in_sweep(&c->points[i], c->opts->prop))
			continue;
		group_names(&c->points[i].spec, g, variant, op, sizeof(g));
		for (int j = 0; j < n; j++)
			seen |= !strcmp(groups[j], g);
		if (!seen)
			snprintf(groups[n++], sizeof(groups[0]), "%s", g);
	}
	return n;
}

/* The programs of the selected groups, N ascending within a group. */
static int build_progs(struct sweep_ctx *c, char (*groups)[64], int nr,
		       struct gen_rprog **out)
{
	struct gen_rprog *g = calloc(c->nr_points ?: 1, sizeof(*g));
	int idx[GROUP_MAX], n = 0;

	if (!g)
		return -ENOMEM;
	for (int k = 0; k < nr; k++) {
		int m;

		if (!select_subtest(env.test_name, groups[k]))
			continue;
		m = sweep_select(c->points, c->nr_points, c->opts->prop,
				 groups[k], idx, GROUP_MAX);
		for (int i = 0; i < m; i++, n++) {
			struct gen_rprog *r = &g[n];

			r->c = c;
			r->pt = &c->points[idx[i]];
			group_names(&r->pt->spec, r->group, r->variant, r->op,
				    sizeof(r->group));
			r->p.ops = &gen_rprog_ops;
			r->p.ctx = r;
			r->p.name = r->pt->name;
			memcpy(r->p.sizes, c->sizes, c->nr_sizes * sizeof(int));
			r->p.nr_sizes = c->nr_sizes;
			/* recorded in its group's subtest (record_gen()) */
			r->p.key = (struct point_id){
				.property = gen_prop_name(c->opts->prop),
				.n = gen_spec_n(&r->pt->spec),
				.variant = r->variant, .op = r->op,
				.mode = "test_run",
			};
			r->p.subtest = r->group;
		}
	}
	*out = g;
	return n;
}

/*
 * All selected points of the property, and the reference, measured in the
 * same rounds; then one subtest per group: its points, their fit.
 */
static void measure_all(struct sweep_ctx *c, char (*groups)[64], int nr)
{
	struct gen_rprog *g = NULL;
	struct round_set rs;
	int n;

	n = build_progs(c, groups, nr, &g);
	if (n < 0 || !ASSERT_OK(rounds_init(&rs), "rounds"))
		goto out;
	for (int i = 0; i < n && !test__stopping(); i++) {
		test__progress(i, n);
		validate_gen(&g[i]);
		if (!g[i].failed && rounds_add(&rs, &g[i].p))
			break;
	}
	test__progress(n, n);
	if (n && ASSERT_OK(rounds_add_reference(&rs, c->sizes, c->nr_sizes),
			   "reference program"))
		rounds_run(&rs);
	rounds_record_reference(&rs);
	for (int k = 0; k < nr; k++) {
		if (!test__start_subtest(groups[k]))
			continue;
		for (int i = 0; i < n; i++)
			if (!strcmp(g[i].group, groups[k]))
				record_gen(c, &rs, &g[i]);
		for (int i = 0; i < n; i++)
			if (!strcmp(g[i].group, groups[k])) {
				fit_group(c, g[i].pt, g[i].group, g[i].variant,
					  g[i].op);
				break;
			}
	}
	rounds_free(&rs);
out:
	free(g);
}

void sweep_run(const struct sweep_opts *opts)
{
	struct sweep_ctx c = { .opts = opts };
	char groups[GROUP_MAX][64];

	if (!test__need_bpf() || sweep_setup(&c))
		goto out;
	measure_all(&c, groups, list_groups(&c, groups));
out:
	xlated_free(&c.empty);
	free(c.points);
}

/* The data files say so: such points are not comparable to others. */
static void time_counters_profile(void)
{
	results_profile_add("counters_timed", "true");
}

PERF_OPTION(time_counters, .name = "time-counters",
	    .group = PERF_GRP_MEASUREMENT, .type = PERF_OPT_FLAG,
	    .dest = &time_counters, .on_given = time_counters_profile,
	    .help = "time generated programs with their runtime counters on (what they cost; not for results)");

/* ---- one point, one load: the working-set test ---- */

int sweep_measure_point(struct bpf_object *obj, const struct gen_point *p,
			int size, struct measure_result *res, char *why,
			size_t len)
{
	struct gen_counters before, after;
	struct fwd_bench fb;
	bool counters;
	int err;

	err = fwd_bench_init(&fb, obj, false);
	if (err) {
		snprintf(why, len, "not built on the forwarder: %s",
			 strerror(-err));
		return err;
	}
	counters = !gen_read_counters(obj, &before);
	err = fwd_bench_measure(&fb, bpf_program__fd(gen_entry_prog(obj)),
				size, res);
	if (err) {
		snprintf(why, len, "%s", res->error);
		return err;
	}
	if (!counters)
		return 0;
	if (gen_read_counters(obj, &after)) {
		snprintf(why, len, "cannot read the runtime counters");
		return -EIO;
	}
	/* + 1: the validation run, between the two reads as well */
	return gen_check_counters(&p->spec, &before, &after, res->runs + 1,
				  why, len) ? -EBADMSG : 0;
}

struct bpf_object *sweep_load_point(const char *dir,
				    const struct xlated_prog *empty,
				    const struct gen_point *p)
{
	char why[256];
	struct bpf_object *obj = gen_load(dir, empty, p, true, why,
					  sizeof(why));

	if (!obj) {
		test__log("%s", why);
		ASSERT_TRUE(false, "loaded program has its property");
	}
	return obj;
}
